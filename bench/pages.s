; Touch many pages: one store per page over 8 MiB (2048 pages, eight
; times the TLB), 1024 passes.  Every access misses the TLB: nested walks
; the guest table each time, shadow finds its entry.
        .equ PAGES, 2048
        .equ PASSES, 1024
        .equ BASE, 0x400000
_start:
        call    map_identity
        li      r9, PASSES
.pass:  la      r1, BASE
        li      r2, PAGES
.loop:  stw     r2, 0(r1)
        lui     r3, 1
        add     r1, r1, r3
        addi    r2, r2, -1
        cmpi    r2, 0
        bne     .loop
        addi    r9, r9, -1
        cmpi    r9, 0
        bne     .pass
        out     r0, 0(r0)
        .include "paging.inc"
