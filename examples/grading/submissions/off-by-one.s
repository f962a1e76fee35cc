; upper, a wrong solution: 'z' stays lower case, and the count is one
; too many.

        .equ UART_DATA, 0x10
        .equ UART_STATUS, 0x11
        .equ SYSCTL_POWEROFF, 0x00

_start:
        li      r1, 1
.poll:  in      r2, UART_STATUS
        tsti    r2, 1
        bne     .take
        tsti    r2, 4
        bne     .done
        br      .poll
.take:  in      r2, UART_DATA
        cmpi    r2, 'a'
        blt     .put
        cmpi    r2, 'z'
        bge     .put
        addi    r2, r2, -32
.put:   out     r2, UART_DATA
        addi    r1, r1, 1
        br      .poll
.done:  out     r0, SYSCTL_POWEROFF
