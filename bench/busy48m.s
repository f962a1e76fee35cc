; busy48m: fill 48 MiB of a 64 MiB machine with words that differ, then
; keep writing one word into each of its 12288 pages, round and round, for
; ever: the busy guest of make bench's migration figures
; (bench/migrate-bench), which dirties pages faster than the default link
; sends them.
        .equ BASE, 0x100000
        .equ WORDS, 0xc00000        ; 48 MiB
        .equ PAGES, 12288
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
        li      r2, PAGES
.again: ldw     r4, 0(r1)
        addi    r4, r4, 1
        stw     r4, 0(r1)
        addi    r1, r1, 4096
        addi    r2, r2, -1
        cmpi    r2, 0
        bne     .again
        br      filled
