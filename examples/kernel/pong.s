; pong: the second user program, linked at the same address as ping.
; It finds its string with lapc, relative to its own code, so it would
; work at any address; it asks the kernel for its process number.
        .include "kernel.inc"
        .equ ROUNDS, 2
        .equ DELAY, 700

pong:   SYSCALL SYS_GETPID
        mov     r10, r1             ; 1: the second process
        li      r9, ROUNDS
.round: lapc    r1, pong_msg        ; pc-relative: right wherever it runs
        SYSCALL SYS_PUTS
        li      r2, DELAY
.spin:  dec     r2
        cmpi    r2, 0
        bne     .spin
        dec     r9
        cmpi    r9, 0
        bne     .round
        SYSCALL SYS_EXIT

pong_msg: .asciz "pong\n"
