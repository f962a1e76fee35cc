; The array loop of array.s with paging on and a timer interrupt every
; 10000 ticks.
        .equ WORDS, 65536
        .equ PASSES, 64
        .equ ARRAY, 0x100000
_start:
        call    map_identity
        call    live_start
        li      r9, PASSES
.pass:  la      r1, ARRAY
        li      r2, WORDS
        li      r3, 0               ; running sum
.loop:  ldw     r4, 0(r1)
        add     r3, r3, r4
        addi    r4, r4, 3
        stw     r4, 0(r1)
        addi    r1, r1, 4
        addi    r2, r2, -1
        cmpi    r2, 0
        bne     .loop
        addi    r9, r9, -1
        cmpi    r9, 0
        bne     .pass
        out     r0, 0(r0)
        .include "../examples/lib/paging.inc"
        .include "live.inc"
