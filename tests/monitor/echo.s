; echo: prints a prompt, then echoes console input until it reads "q",
; counting the bytes in `count` (tests/monitor/console.cmd).
        .equ UART_DATA, 0x10
        .equ UART_STATUS, 0x11
_start:
        la      r1, prompt
        call    puts
.wait:  in      r1, UART_STATUS
        tsti    r1, 1
        beq     .wait
        in      r2, UART_DATA
        out     r2, UART_DATA
        la      r3, count
        ldw     r4, 0(r3)
        addi    r4, r4, 1
        stw     r4, 0(r3)
        cmpi    r2, 'q'
        bne     .wait
        out     r0, 0
puts:   ldbu    r2, 0(r1)
        cmpi    r2, 0
        beq     .done
        out     r2, UART_DATA
        addi    r1, r1, 1
        br      puts
.done:  ret
prompt: .asciz "ready> "
        .align 4
count:  .word 0
