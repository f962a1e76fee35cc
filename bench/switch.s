; Switch address spaces often: two page directories (sharing the same
; tables) alternate every 16 page touches, 100000 times.  Each ptbr write
; flushes the TLB; shadow keeps both address spaces, nested walks again.
        .equ ROUNDS, 100000
        .equ PD2, 0x205000
_start:
        call    map_identity
        ; a second directory with the same four entries
        la      r1, PD
        la      r2, PD2
        li      r3, 4
.copy:  ldw     r4, 0(r1)
        stw     r4, 0(r2)
        addi    r1, r1, 4
        addi    r2, r2, 4
        addi    r3, r3, -1
        cmpi    r3, 0
        bne     .copy
        la      r10, PD
        la      r11, PD2
        li      r9, ROUNDS
.round: mtcr    ptbr, r10
        mov     r12, r10            ; swap the two
        mov     r10, r11
        mov     r11, r12
        la      r1, 0x400000
        li      r2, 16
.touch: ldw     r3, 0(r1)
        lui     r4, 1
        add     r1, r1, r4
        addi    r2, r2, -1
        cmpi    r2, 0
        bne     .touch
        addi    r9, r9, -1
        cmpi    r9, 0
        bne     .round
        out     r0, 0(r0)
        .include "../examples/lib/paging.inc"
