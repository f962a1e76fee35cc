; The ALU loop of alu.s with paging on and a timer interrupt every 10000
; ticks: the figure the interpreter's targets are stated for.
        .equ ITER, 50000000
_start:
        call    map_identity
        call    live_start
        li      r1, 0
        li      r2, ITER
        li      r3, 1
        li      r4, 7
.loop:  add     r3, r3, r1
        xor     r4, r4, r3
        shli    r5, r3, 3
        sub     r6, r5, r4
        and     r7, r6, r3
        addi    r1, r1, 1
        cmp     r1, r2
        bne     .loop
        out     r0, 0(r0)
        .include "../examples/lib/paging.inc"
        .include "live.inc"
