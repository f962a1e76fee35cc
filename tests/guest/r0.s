; r0.s: r0 always reads 0 and writes to it are discarded, for every kind of
; instruction that writes a register: each ALU form, the flag-setting forms
; (whose flags still change), lui, every load, pop (which still moves sp),
; getcc, mfcr, in, and the pseudo-instructions li mov not inc.  Then r0 as
; an operand, a base, store data and push data.
;
; r13 = number of the check; r1 = 0x87654321, r2 = 5.

        .include "check.inc"

_start: la      r1, exc_table
        mtcr    vbr, r1

        li      r1, 0x87654321
        li      r2, 5
        li      r13, 1                  ; add
        add     r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 2                  ; sub
        sub     r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 3                  ; and
        and     r0, r1, r1
        cmpi    r0, 0
        bne     fail
        li      r13, 4                  ; or
        or      r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 5                  ; xor
        xor     r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 6                  ; nor
        nor     r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 7                  ; shl
        shl     r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 8                  ; shr
        shr     r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 9                  ; sar
        sar     r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 10                 ; mul
        mul     r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 11                 ; mulh
        mulh    r0, r1, r1
        cmpi    r0, 0
        bne     fail
        li      r13, 12                 ; mulhu
        mulhu   r0, r1, r1
        cmpi    r0, 0
        bne     fail
        li      r13, 13                 ; div
        div     r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 14                 ; divu
        divu    r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 15                 ; rem
        rem     r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 16                 ; remu
        remu    r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 17                 ; slt
        slt     r0, r2, r1
        cmpi    r0, 0
        bne     fail
        li      r13, 18                 ; sltu
        sltu    r0, r2, r1
        cmpi    r0, 0
        bne     fail
        li      r13, 19                 ; adds
        adds    r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 20                 ; subs
        subs    r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 21                 ; adc
        adc     r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 22                 ; sbc
        sbc     r0, r1, r2
        cmpi    r0, 0
        bne     fail
        li      r13, 23                 ; addi onto itself
        addi    r0, r0, 1
        cmpi    r0, 0
        bne     fail
        li      r13, 24                 ; andi
        andi    r0, r1, 0xffff
        cmpi    r0, 0
        bne     fail
        li      r13, 25                 ; ori
        ori     r0, r1, 1
        cmpi    r0, 0
        bne     fail
        li      r13, 26                 ; xori
        xori    r0, r1, 1
        cmpi    r0, 0
        bne     fail
        li      r13, 27                 ; shli
        shli    r0, r1, 1
        cmpi    r0, 0
        bne     fail
        li      r13, 28                 ; shri
        shri    r0, r1, 1
        cmpi    r0, 0
        bne     fail
        li      r13, 29                 ; sari
        sari    r0, r1, 1
        cmpi    r0, 0
        bne     fail
        li      r13, 30                 ; muli
        muli    r0, r1, 3
        cmpi    r0, 0
        bne     fail
        li      r13, 31                 ; slti
        slti    r0, r0, 1
        cmpi    r0, 0
        bne     fail
        li      r13, 32                 ; sltiu
        sltiu   r0, r0, 1
        cmpi    r0, 0
        bne     fail
        li      r13, 33                 ; lui
        lui     r0, 0xfffff
        cmpi    r0, 0
        bne     fail
        li      r13, 34                 ; ldw
        ldw     r0, word(r0)
        cmpi    r0, 0
        bne     fail
        li      r13, 35                 ; ldh
        ldh     r0, word(r0)
        cmpi    r0, 0
        bne     fail
        li      r13, 36                 ; ldhu
        ldhu    r0, word(r0)
        cmpi    r0, 0
        bne     fail
        li      r13, 37                 ; ldb
        ldb     r0, word(r0)
        cmpi    r0, 0
        bne     fail
        li      r13, 38                 ; ldbu
        ldbu    r0, word(r0)
        cmpi    r0, 0
        bne     fail
        li      r13, 39                 ; pop (after push r1)
        push    r1
        pop     r0
        cmpi    r0, 0
        bne     fail
        li      r13, 40                 ; getcc (flags not zero)
        li      r4, 0xf
        setcc   r4
        getcc   r0
        cmpi    r0, 0
        bne     fail
        li      r13, 41                 ; mfcr
        mfcr    r0, icount
        cmpi    r0, 0
        bne     fail
        li      r13, 42                 ; in
        in      r0, SYSCTL_ID(r0)
        cmpi    r0, 0
        bne     fail
        li      r13, 43                 ; li: lui then ori
        li      r0, 0x12345678
        cmpi    r0, 0
        bne     fail
        li      r13, 44                 ; mov
        mov     r0, r1
        cmpi    r0, 0
        bne     fail
        li      r13, 45                 ; not
        not     r0, r0
        cmpi    r0, 0
        bne     fail
        li      r13, 46                 ; inc
        inc     r0
        cmpi    r0, 0
        bne     fail

        li      r13, 47                 ; adds r0 still sets the flags
        li      r1, 1
        li      r2, -1
        setcc   r0
        adds    r0, r1, r2
        getcc   r5
        cmpi    r5, F_Z|F_C
        bne     fail
        cmpi    r0, 0
        bne     fail

        li      r13, 48                 ; pop r0 still moves sp
        mov     r9, sp
        push    r1
        pop     r0
        cmp     sp, r9
        bne     fail
        cmpi    r0, 0
        bne     fail

        li      r13, 49                 ; r0 as an operand
        li      r1, 0x87654321
        add     r3, r1, r0
        cmp     r3, r1
        bne     fail
        sub     r3, r0, r1
        add     r3, r3, r1
        cmp     r3, r0
        bne     fail

        li      r13, 50                 ; r0 as store data and push data
        li      r3, -1
        stw     r3, word2(r0)
        stw     r0, word2(r0)
        ldw     r3, word2(r0)
        cmpi    r3, 0
        bne     fail
        push    r0
        pop     r3
        cmpi    r3, 0
        bne     fail

        li      r13, 51                 ; r0 read through every path at once
        ori     r3, r0, 0
        or      r4, r0, r0
        addi    r5, r0, 0
        or      r3, r3, r4
        or      r3, r3, r5
        cmpi    r3, 0
        bne     fail

        br      pass

        .align  4
word:   .word   0x87654321
word2:  .word   0
