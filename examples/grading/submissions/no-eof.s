; upper, a wrong solution: it never looks at EOF, so it polls for ever
; once the input has ended.

        .equ UART_DATA, 0x10
        .equ UART_STATUS, 0x11

_start:
        li      r1, 0
.poll:  in      r2, UART_STATUS
        tsti    r2, 1
        beq     .poll
        in      r2, UART_DATA
        cmpi    r2, 'a'
        blt     .put
        cmpi    r2, 'z'
        bgt     .put
        addi    r2, r2, -32
.put:   out     r2, UART_DATA
        addi    r1, r1, 1
        br      .poll
