; crash: a user program faults, and the kernel, which has lost its stack,
; cannot take the exception: a double fault (tests/monitor/crash.cmd).
_start: la      r1, vectors
        mtcr    vbr, r1
        la      r2, handler
        stw     r2, 8*4(r1)           ; bus error
        li      r2, 0x7ff0            ; user stack
        mtcr    usp, r2
        push    r0
        la      r1, user
        push    r1
        rti
user:   li      r1, 0x20000000
        li      sp, 0x30000000        ; sp is banked: this is the user's
        call    leaf
leaf:   ldw     r2, 0(r1)             ; a bus error: delivered
        br      leaf
handler: li     r3, 0x10000000
        mtcr    usp, r3
        li      sp, 0x10000000        ; the kernel "loses" its stack
        trap    40                    ; vector 40 not set: 0 -> illegal...
        .align 4
vectors: .space 1024
