; upper (the reference solution): copy the console input to the console
; in upper case, count the bytes in r1, power off with 0.

        .equ UART_DATA, 0x10
        .equ UART_STATUS, 0x11
        .equ SYSCTL_POWEROFF, 0x00

_start:
        li      r1, 0               ; bytes copied
.poll:  in      r2, UART_STATUS
        tsti    r2, 1               ; RXREADY: a byte is waiting
        bne     .take
        tsti    r2, 4               ; EOF: no byte will ever come
        bne     .done
        br      .poll
.take:  in      r2, UART_DATA
        cmpi    r2, 'a'
        blt     .put
        cmpi    r2, 'z'
        bgt     .put
        addi    r2, r2, -32         ; 'a'..'z' -> 'A'..'Z'
.put:   out     r2, UART_DATA
        addi    r1, r1, 1
        br      .poll
.done:  out     r0, SYSCTL_POWEROFF
