; touch2m: fill 2 MiB of a 16 MiB machine with words that differ, then
; keep rewriting a 64 KiB window of it for ever, the state that make
; bench saves, restores and runs backwards on (bench/ckpt-bench.c).
        .equ BASE, 0x100000
        .equ WORDS, 0x80000         ; 2 MiB
        .equ WINDOW, 0x4000         ; 64 KiB of words
_start: la      r1, BASE
        li      r2, WORDS
        li      r3, 0x1234567
        li      r5, 69069
.fill:  stw     r3, 0(r1)
        mul     r3, r3, r5
        addi    r3, r3, 1
        addi    r1, r1, 4
        addi    r2, r2, -1
        cmpi    r2, 0
        bne     .fill
filled: la      r1, BASE
        li      r2, WINDOW
.again: ldw     r4, 0(r1)
        addi    r4, r4, 1
        stw     r4, 0(r1)
        addi    r1, r1, 4
        addi    r2, r2, -1
        cmpi    r2, 0
        bne     .again
        br      filled
