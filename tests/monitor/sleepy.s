; sleepy: an interrupt-driven echo that sleeps in halt between bytes, for
; tests/monitor/input.cmd.  Its handler forgets the EOI (docs/devices.md,
; section 5), so IRQ 4 stays in service and the second byte never comes:
; the classic bug that `info pic` explains.
        .equ UART_DATA, 0x10
        .equ UART_CTRL, 0x12
        .equ RXIE, 1
        .equ VEC_UART, 16 + 4       ; IRQ 4

_start: li      r1, 0x2000          ; vector table at 0x2000
        mtcr    vbr, r1
        la      r2, uart_isr
        stw     r2, VEC_UART * 4(r1)
        li      r1, RXIE
        out     r1, UART_CTRL
        ei
idle:   halt                        ; wait for the next interrupt
        br      idle

uart_isr:
        push    r1
        in      r1, UART_DATA       ; taking the byte lowers IRQ 4
        out     r1, UART_DATA
        cmpi    r1, '.'
        beq     bye
        pop     r1
        rti
bye:    out     r0, 0
