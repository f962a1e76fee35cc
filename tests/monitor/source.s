; A small program for the source-level commands (tests/monitor/source.cmd).
        .equ    COUNT, 3
        USER_STACK = 0x7ff000
        .macro  BUMP reg, by=1
        addi    \reg, \reg, \by
        .endm

_start: li      r1, 0x12345         ; two instructions, one line
        li      r2, COUNT
loop:   BUMP    r3
        BUMP    r4, 2
        dec     r2
        cmpi    r2, 0
        bne     loop
        lapc    r5, data
        ldw     r6, 0(r5)
        out     r0, 0(r0)
data:   .word   0x5a
