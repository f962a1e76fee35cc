; pages: the workload that shows shadow paging against nested paging
; (docs/mmu.md, "Shadow against nested").  One store per page over 8 MiB
; (2048 pages, eight times the TLB), 1024 passes: every access misses the
; TLB.  Nested paging walks the guest's table at each miss, two-dimensional
; walks of 6 references; shadow paging finds the entry in its shadow table.
; Compare:
;
;     aula run examples/paging/pages.s --mmu=shadow --stats
;     aula run examples/paging/pages.s --mmu=nested --stats
;
; make bench times it in both modes.
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
        .include "../lib/paging.inc"
