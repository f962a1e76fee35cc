; alu_imm.s: the immediate-form ALU instructions addi andi ori xori muli
; slti sltiu lui, and the li / la pseudo-instructions.  Which immediates are
; sign-extended (addi muli slti sltiu) and which zero-extended (andi ori
; xori), the ends of the 16-bit range (-32768, 32767, 0xffff), sltiu's
; unsigned compare against a sign-extended immediate, lui clearing the low
; 12 bits, and li / la for small constants (one instruction) and full
; 32-bit ones (two), checked both by value and by size.  (Shift-immediates
; are in shifts.s, cmpi / tsti in flags.s.)
;
; r13 = number of the check; r1 operand, r3 result, r12 expected.

        .include "check.inc"

_start: la      r1, exc_table
        mtcr    vbr, r1

; ---- addi (signed immediate) -----------------------------------------------
        li      r13, 1
        li      r1, 5
        addi    r3, r1, 7
        li      r12, 12
        cmp     r3, r12
        bne     fail

        li      r13, 2                  ; 0xffff is -1, not 65535
        li      r1, 10
        addi    r3, r1, -1
        li      r12, 9
        cmp     r3, r12
        bne     fail

        li      r13, 3                  ; the most negative immediate
        addi    r3, r0, -32768
        li      r12, 0xffff8000
        cmp     r3, r12
        bne     fail

        li      r13, 4                  ; the most positive immediate
        addi    r3, r0, 32767
        li      r12, 0x00007fff
        cmp     r3, r12
        bne     fail

        li      r13, 5                  ; wraps to zero
        li      r1, 0xffffffff
        addi    r3, r1, 1
        cmp     r3, r0
        bne     fail

        li      r13, 6                  ; crosses the sign boundary down
        li      r1, 0x80000000
        addi    r3, r1, -1
        li      r12, 0x7fffffff
        cmp     r3, r12
        bne     fail

        li      r13, 7                  ; rd = rs1
        li      r1, 0x12340000
        addi    r1, r1, 0x5678
        li      r12, 0x12345678
        cmp     r1, r12
        bne     fail

        li      r13, 8                  ; borrow into the high half
        li      r1, 0x00010000
        addi    r3, r1, -32768
        li      r12, 0x00008000
        cmp     r3, r12
        bne     fail

; ---- andi ori xori (zero-extended immediate) -------------------------------
        li      r13, 9                  ; 0xffff is not sign-extended
        li      r1, 0xffffffff
        andi    r3, r1, 0xffff
        li      r12, 0x0000ffff
        cmp     r3, r12
        bne     fail

        li      r13, 10
        li      r1, 0xffff8765
        andi    r3, r1, 0x8001
        li      r12, 0x00008001
        cmp     r3, r12
        bne     fail

        li      r13, 11                 ; andi 0 clears everything
        andi    r3, r1, 0
        cmp     r3, r0
        bne     fail

        li      r13, 12                 ; ori 0x8000 leaves the top alone
        ori     r3, r0, 0x8000
        li      r12, 0x00008000
        cmp     r3, r12
        bne     fail

        li      r13, 13
        li      r1, 0x12340000
        ori     r3, r1, 0xffff
        li      r12, 0x1234ffff
        cmp     r3, r12
        bne     fail

        li      r13, 14                 ; xori 0xffff flips the low half only
        li      r1, 0xffffffff
        xori    r3, r1, 0xffff
        li      r12, 0xffff0000
        cmp     r3, r12
        bne     fail

        li      r13, 15
        li      r1, 0x0000ff00
        xori    r3, r1, 0x8080
        li      r12, 0x00007f80
        cmp     r3, r12
        bne     fail

        li      r13, 16                 ; rd = rs1
        li      r1, 0x80000000
        ori     r1, r1, 1
        li      r12, 0x80000001
        cmp     r1, r12
        bne     fail

; ---- muli (signed immediate) -----------------------------------------------
        li      r13, 17
        li      r1, 7
        muli    r3, r1, -1
        li      r12, -7
        cmp     r3, r12
        bne     fail

        li      r13, 18                 ; -32768 is sign-extended
        li      r1, 0x1000
        muli    r3, r1, -32768
        li      r12, 0xf8000000
        cmp     r3, r12
        bne     fail

        li      r13, 19
        li      r1, 3
        muli    r3, r1, 32767
        li      r12, 98301
        cmp     r3, r12
        bne     fail

        li      r13, 20                 ; low 32 bits of a big product
        li      r1, 0x12345678
        muli    r3, r1, 0x1234
        li      r12, 0x60b60060
        cmp     r3, r12
        bne     fail

        li      r13, 21                 ; a negative immediate, big product
        muli    r3, r1, 0x8765 - 0x10000
        li      r12, 0x71c76558
        cmp     r3, r12
        bne     fail

        li      r13, 22                 ; times zero
        muli    r3, r1, 0
        cmp     r3, r0
        bne     fail

; ---- slti (signed) ---------------------------------------------------------
        li      r13, 23                 ; -1 < 0
        li      r1, -1
        slti    r3, r1, 0
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 24                 ; 0 < -1 is false
        slti    r3, r0, -1
        cmp     r3, r0
        bne     fail

        li      r13, 25                 ; INT_MIN < -32768
        li      r1, 0x80000000
        slti    r3, r1, -32768
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 26                 ; equal is not less
        li      r1, -32768
        slti    r3, r1, -32768
        cmp     r3, r0
        bne     fail

        li      r13, 27                 ; INT_MAX < 32767 is false
        li      r1, 0x7fffffff
        slti    r3, r1, 32767
        cmp     r3, r0
        bne     fail

        li      r13, 28                 ; 32766 < 32767
        li      r1, 32766
        slti    r3, r1, 32767
        li      r12, 1
        cmp     r3, r12
        bne     fail

; ---- sltiu (unsigned, against the sign-extended immediate) -----------------
        li      r13, 29                 ; 5 < 0xffffffff
        li      r1, 5
        sltiu   r3, r1, -1
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 30                 ; 0xfffffffe < 0xffffffff
        li      r1, 0xfffffffe
        sltiu   r3, r1, -1
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 31                 ; 0xffffffff < 0xffffffff is false
        li      r1, 0xffffffff
        sltiu   r3, r1, -1
        cmp     r3, r0
        bne     fail

        li      r13, 32                 ; 0xffff7fff < 0xffff8000
        li      r1, 0xffff7fff
        sltiu   r3, r1, -32768
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 33                 ; 0xffff8000 < 0xffff8000 is false
        li      r1, 0xffff8000
        sltiu   r3, r1, -32768
        cmp     r3, r0
        bne     fail

        li      r13, 34                 ; 0x8000 < 0x7fff is false
        li      r1, 0x8000
        sltiu   r3, r1, 0x7fff
        cmp     r3, r0
        bne     fail

        li      r13, 35                 ; sltiu rd, rs, 1: rs == 0
        sltiu   r3, r0, 1
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 36                 ; ... and 1 is not below 1
        li      r1, 1
        sltiu   r3, r1, 1
        cmp     r3, r0
        bne     fail

        li      r13, 37                 ; negative is large unsigned
        li      r1, -5
        sltiu   r3, r1, 100
        cmp     r3, r0
        bne     fail

; ---- lui -------------------------------------------------------------------
        li      r13, 38
        lui     r3, 0x12345
        li      r12, 0x12345000
        cmp     r3, r12
        bne     fail

        li      r13, 39                 ; the top of the range
        lui     r3, 0xfffff
        li      r12, 0xfffff000
        cmp     r3, r12
        bne     fail

        li      r13, 40                 ; lui replaces the low 12 bits by 0
        li      r3, -1
        lui     r3, 0x00001
        li      r12, 0x00001000
        cmp     r3, r12
        bne     fail

        li      r13, 41                 ; lui 0 clears
        li      r3, -1
        lui     r3, 0
        cmp     r3, r0
        bne     fail

        li      r13, 42                 ; bit 31 from imm20 bit 19
        lui     r3, 0x80000
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

; ---- li / la: value and size -----------------------------------------------
; Each li is bracketed by labels; the distance says how many instructions
; it took (4 bytes: addi; 8 bytes: lui + ori).  Expected values come from
; .word, which the assembler emits by a different path.

        li      r13, 43                 ; small positive: one addi
.a43:   li      r3, 1234
.b43:   ldw     r12, .w43(r0)
        cmp     r3, r12
        bne     fail
        li      r1, .b43 - .a43
        cmpi    r1, 4
        bne     fail

        li      r13, 44                 ; -1: one addi
.a44:   li      r3, -1
.b44:   ldw     r12, .w44(r0)
        cmp     r3, r12
        bne     fail
        li      r1, .b44 - .a44
        cmpi    r1, 4
        bne     fail

        li      r13, 45                 ; -32768: still one addi
.a45:   li      r3, -32768
.b45:   ldw     r12, .w45(r0)
        cmp     r3, r12
        bne     fail
        li      r1, .b45 - .a45
        cmpi    r1, 4
        bne     fail

        li      r13, 46                 ; 32767: one addi
.a46:   li      r3, 32767
.b46:   ldw     r12, .w46(r0)
        cmp     r3, r12
        bne     fail
        li      r1, .b46 - .a46
        cmpi    r1, 4
        bne     fail

        li      r13, 47                 ; 32768 needs lui + ori
.a47:   li      r3, 32768
.b47:   ldw     r12, .w47(r0)
        cmp     r3, r12
        bne     fail
        li      r1, .b47 - .a47
        cmpi    r1, 8
        bne     fail

        li      r13, 48                 ; -32769 needs lui + ori
.a48:   li      r3, -32769
.b48:   ldw     r12, .w48(r0)
        cmp     r3, r12
        bne     fail
        li      r1, .b48 - .a48
        cmpi    r1, 8
        bne     fail

        li      r13, 49                 ; a full 32-bit constant
.a49:   li      r3, 0x12345678
.b49:   ldw     r12, .w49(r0)
        cmp     r3, r12
        bne     fail
        li      r1, .b49 - .a49
        cmpi    r1, 8
        bne     fail

        li      r13, 50                 ; low 12 bits all ones (ori 0xfff)
        li      r3, 0x12345fff
        ldw     r12, .w50(r0)
        cmp     r3, r12
        bne     fail

        li      r13, 51                 ; bit 11 set: no sign-extension trap
        li      r3, 0xfffff800
        ldw     r12, .w51(r0)
        cmp     r3, r12
        bne     fail

        li      r13, 52                 ; 0x80000000
        li      r3, 0x80000000
        ldw     r12, .w52(r0)
        cmp     r3, r12
        bne     fail

        li      r13, 53                 ; 0xffffffff written unsigned
        li      r3, 0xffffffff
        ldw     r12, .w44(r0)
        cmp     r3, r12
        bne     fail

        li      r13, 54                 ; li overwrites every bit of rd
        li      r3, -1
        li      r3, 0x00010000
        ldw     r12, .w54(r0)
        cmp     r3, r12
        bne     fail

        li      r13, 55                 ; an expression
        li      r3, (1 << 31) | (0xab << 8) | 5
        ldw     r12, .w55(r0)
        cmp     r3, r12
        bne     fail

        li      r13, 56                 ; la is always lui + ori
.a56:   la      r3, .w43
.b56:   ldw     r12, .p56(r0)
        cmp     r3, r12
        bne     fail
        li      r1, .b56 - .a56
        cmpi    r1, 8
        bne     fail

        li      r13, 57                 ; la then load through it
        la      r1, .w49
        ldw     r3, 0(r1)
        li      r12, 0x12345678
        cmp     r3, r12
        bne     fail

        li      r13, 58                 ; la of a forward label
        la      r3, .later
        ldw     r12, .p58(r0)
        cmp     r3, r12
        bne     fail

        li      r13, 59                 ; la of an address above 64 KiB
        la      r3, 0x00abcdef
        li      r12, 0x00abcdef
        cmp     r3, r12
        bne     fail

        br      pass

        .align  4
.w43:   .word   1234
.w44:   .word   0xffffffff
.w45:   .word   0xffff8000
.w46:   .word   0x00007fff
.w47:   .word   0x00008000
.w48:   .word   0xffff7fff
.w49:   .word   0x12345678
.w50:   .word   0x12345fff
.w51:   .word   0xfffff800
.w52:   .word   0x80000000
.w54:   .word   0x00010000
.w55:   .word   0x8000ab05
.p56:   .word   .w43
.p58:   .word   .later
.later: .word   0
