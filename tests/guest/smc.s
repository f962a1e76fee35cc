; smc.s: self-modifying code.  A store to an instruction that has already
; run must be seen the next time it runs, however close: the very next
; instruction, the store's own word, one byte of a word, a subroutine
; between two calls, code far up in RAM.  (The interpreter keeps
; instructions decoded; this is what keeps it honest.  Paging aliases and
; DMA: paging_smc.s, disk.sh.)
;
; Each case runs its code twice: once as assembled, so it is decoded, then
; after the patch.

        .include "check.inc"

_start: la      r1, exc_table
        mtcr    vbr, r1

; ---- 1: the next instruction -------------------------------------------------
        li      r13, 1
        li      r6, 0
        ldw     r2, add1(r0)            ; first pass: store what is there
        li      r5, 2
.l1:    stw     r2, .t1(r0)
.t1:    addi    r6, r6, 1
        ldw     r2, add100(r0)          ; second pass: a different add
        addi    r5, r5, -1
        cmpi    r5, 0
        bne     .l1
        li      r12, 101                ; 1, then 100
        cmp     r6, r12
        bne     fail
        ldw     r2, add1(r0)            ; and put it back
        stw     r2, .t1(r0)

; ---- 2: the store's own word ------------------------------------------------
        li      r13, 2
        li      r6, 0
        ldw     r2, add100(r0)
        li      r5, 2
.l2:
.t2:    stw     r2, .t2(r0)             ; replaces itself by addi r6, r6, 100
        addi    r5, r5, -1
        cmpi    r5, 0
        bne     .l2
        li      r12, 100                ; the store once, then the add
        cmp     r6, r12
        bne     fail

; ---- 3: one byte of a word (sth, stb) ---------------------------------------
        li      r13, 3
        li      r1, 30
        li      r2, 12
        call    .sub3                   ; add: 42
        li      r12, 42
        cmp     r3, r12
        bne     fail
        li      r4, OP_SUB
        stb     r4, .t3(r0)             ; the opcode byte only
        call    .sub3                   ; sub: 18
        li      r12, 18
        cmp     r3, r12
        bne     fail
        li      r13, 4
        ldw     r4, addr3(r0)           ; add r3, r1, r1: rs2 is bits 19..16
        shri    r4, r4, 16
        sth     r4, .t3 + 2(r0)         ; the upper half only
        li      r4, OP_ADD
        stb     r4, .t3(r0)
        call    .sub3                   ; 30 + 30
        li      r12, 60
        cmp     r3, r12
        bne     fail

; ---- 5: a subroutine rewritten between calls, several words at once ---------
        li      r13, 5
        call    .sub5
        li      r12, 7
        cmp     r7, r12
        bne     fail
        ldw     r2, li9(r0)
        stw     r2, .sub5(r0)
        call    .sub5
        li      r12, 9
        cmp     r7, r12
        bne     fail
        ldw     r2, ret0(r0)            ; now it returns at once
        stw     r2, .sub5(r0)
        li      r7, 0
        call    .sub5
        cmpi    r7, 0
        bne     fail

; ---- 6: an illegal word becomes legal --------------------------------------
        li      r13, 6
        li      r6, 0
        li      r5, 2
.l6:    la      r1, .r6
        stw     r1, exc_resume(r0)
.t6:    .word   0                       ; opcode 0: illegal, then an add
.r6:    stw     r0, exc_resume(r0)
        ldw     r2, add1(r0)
        stw     r2, .t6(r0)
        addi    r5, r5, -1
        cmpi    r5, 0
        bne     .l6
        ldw     r1, exc_count(r0)       ; it faulted the first time only
        cmpi    r1, 1
        bne     fail
        cmpi    r6, 1                   ; and added the second
        bne     fail

; ---- 7: code far up in RAM (its own part of the decode cache's map) -------
        li      r13, 7
        li      r8, FAR
        ldw     r2, li9(r0)             ; FAR: li r7, 9; ret
        stw     r2, 0(r8)
        ldw     r2, ret0(r0)
        stw     r2, 4(r8)
        li      r7, 0
        callr   r8
        cmpi    r7, 9
        bne     fail
        ldw     r2, add1(r0)            ; now: addi r6, r6, 1; ret
        stw     r2, 0(r8)
        li      r6, 0
        callr   r8
        cmpi    r6, 1
        bne     fail
        cmpi    r7, 9                   ; not run again as it was
        bne     fail

        br      pass

        .equ FAR, 0x00a00000            ; 10 MiB: beyond the first 2 MiB

.sub3:
.t3:    add     r3, r1, r2
        ret

.sub5:  li      r7, 7
        ret

        .equ OP_ADD, 0x10
        .equ OP_SUB, 0x11
        .align  4
add1:   addi    r6, r6, 1
add100: addi    r6, r6, 100
addr3:  add     r3, r1, r1
li9:    addi    r7, r0, 9
ret0:   ret
