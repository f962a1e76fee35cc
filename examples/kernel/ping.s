; ping: the first user program.  It runs in user mode at USER_BASE, with
; paging mapping that address to wherever the kernel loaded it, and
; reaches the kernel only through system calls.
        .include "kernel.inc"
        .equ ROUNDS, 3
        .equ DELAY, 400             ; loop iterations between lines

ping:   li      r9, ROUNDS
.round: la      r1, ping_msg        ; la: the run address, 0x4000xx
        SYSCALL SYS_PUTS
        li      r2, DELAY           ; long enough for the timer to
.spin:  dec     r2                  ; switch to the other program
        cmpi    r2, 0
        bne     .spin
        dec     r9
        cmpi    r9, 0
        bne     .round
        SYSCALL SYS_EXIT

ping_msg: .asciz "ping\n"
