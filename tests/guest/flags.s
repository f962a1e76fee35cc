; flags.s: the instructions that set Z N C V (cmp cmpi tst tsti adds subs
; adc sbc), and getcc / setcc.  Every check first loads the flags with the
; complement of the expected result (setcc), so that each flag is seen
; being written both ways.  Edge cases: 0x7fffffff + 1, 0x80000000 - 1,
; -1 + 1, INT_MIN - INT_MIN, the borrow convention (C = 1 when a < b
; unsigned, so 1 - (-1) borrows and -1 - 1 does not), sign- against
; zero-extended immediates (cmpi, tsti), the carry in of adc and the
; borrow in of sbc (including b + C = 2^32, and V of the whole
; a - b - C rather than of a - (b + C)), 64-bit add and subtract
; chains, setcc touching only Z N C V, and every other ALU instruction
; leaving the flags alone.
;
; r13 = number of the check; r1, r2 operands, r3 result, r4 flags before,
; r5 flags after (getcc), r12 expected result.

        .include "check.inc"

_start: la      r1, exc_table
        mtcr    vbr, r1

; ---- cmp: the flags of rs1 - rs2 -------------------------------------------
        li      r13, 1                  ; equal: Z
        li      r1, 5
        li      r2, 5
        li      r4, F_N|F_C|F_V
        setcc   r4
        cmp     r1, r2
        getcc   r5
        cmpi    r5, F_Z
        bne     fail

        li      r13, 2                  ; less: N, and C = borrow (5 < 7)
        li      r1, 5
        li      r2, 7
        li      r4, F_Z|F_V
        setcc   r4
        cmp     r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C
        bne     fail

        li      r13, 3                  ; greater: nothing
        li      r1, 7
        li      r2, 5
        li      r4, F_Z|F_N|F_C|F_V
        setcc   r4
        cmp     r1, r2
        getcc   r5
        cmpi    r5, 0
        bne     fail

        li      r13, 4                  ; INT_MIN - 1 overflows: V only
        li      r1, 0x80000000
        li      r2, 1
        li      r4, F_Z|F_N|F_C
        setcc   r4
        cmp     r1, r2
        getcc   r5
        cmpi    r5, F_V
        bne     fail

        li      r13, 5                  ; INT_MAX - (-1) overflows, and borrows
        li      r1, 0x7fffffff
        li      r2, 0xffffffff
        li      r4, F_Z
        setcc   r4
        cmp     r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C|F_V
        bne     fail

        li      r13, 6                  ; 0 - INT_MIN overflows
        li      r1, 0
        li      r2, 0x80000000
        li      r4, F_Z
        setcc   r4
        cmp     r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C|F_V
        bne     fail

        li      r13, 7                  ; -1 - 0: N, no borrow
        li      r1, 0xffffffff
        li      r2, 0
        li      r4, F_Z|F_C|F_V
        setcc   r4
        cmp     r1, r2
        getcc   r5
        cmpi    r5, F_N
        bne     fail

        li      r13, 8                  ; 0 - 1: N and borrow
        li      r1, 0
        li      r2, 1
        li      r4, F_Z|F_V
        setcc   r4
        cmp     r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C
        bne     fail

        li      r13, 9                  ; INT_MIN - INT_MIN: Z
        li      r1, 0x80000000
        li      r2, 0x80000000
        li      r4, F_N|F_C|F_V
        setcc   r4
        cmp     r1, r2
        getcc   r5
        cmpi    r5, F_Z
        bne     fail

        li      r13, 10                 ; 1 - (-1) = 2: borrow (1 < 0xffffffff)
        li      r1, 1
        li      r2, 0xffffffff
        li      r4, F_Z|F_N|F_V
        setcc   r4
        cmp     r1, r2
        getcc   r5
        cmpi    r5, F_C
        bne     fail

        li      r13, 11                 ; -1 - 1: N, no borrow, no overflow
        li      r1, 0xffffffff
        li      r2, 1
        li      r4, F_Z|F_C|F_V
        setcc   r4
        cmp     r1, r2
        getcc   r5
        cmpi    r5, F_N
        bne     fail

        li      r13, 12                 ; INT_MIN - INT_MAX = 1: V
        li      r1, 0x80000000
        li      r2, 0x7fffffff
        li      r4, F_Z|F_N|F_C
        setcc   r4
        cmp     r1, r2
        getcc   r5
        cmpi    r5, F_V
        bne     fail

; ---- cmpi: against the sign-extended immediate -----------------------------
        li      r13, 13                 ; -1 == -1 (0xffff is -1): Z
        li      r1, 0xffffffff
        li      r4, F_N|F_C|F_V
        setcc   r4
        cmpi    r1, -1
        getcc   r5
        cmpi    r5, F_Z
        bne     fail

        li      r13, 14                 ; 0 - 0xffff8000: borrow
        li      r1, 0
        li      r4, F_Z|F_N|F_V
        setcc   r4
        cmpi    r1, -32768
        getcc   r5
        cmpi    r5, F_C
        bne     fail

        li      r13, 15                 ; INT_MIN - 1: V
        li      r1, 0x80000000
        li      r4, F_Z|F_N|F_C
        setcc   r4
        cmpi    r1, 1
        getcc   r5
        cmpi    r5, F_V
        bne     fail

        li      r13, 16                 ; -32768 == -32768: Z
        li      r1, 0xffff8000
        li      r4, F_N|F_C|F_V
        setcc   r4
        cmpi    r1, -32768
        getcc   r5
        cmpi    r5, F_Z
        bne     fail

        li      r13, 17                 ; 5 - 7: N and borrow
        li      r1, 5
        li      r4, F_Z|F_V
        setcc   r4
        cmpi    r1, 7
        getcc   r5
        cmpi    r5, F_N|F_C
        bne     fail

        li      r13, 18                 ; 32767 == 32767: Z
        li      r1, 0x00007fff
        li      r4, F_N|F_C|F_V
        setcc   r4
        cmpi    r1, 0x00007fff
        getcc   r5
        cmpi    r5, F_Z
        bne     fail

; ---- tst tsti: Z N of the and; C = V = 0 -----------------------------------
        li      r13, 19                 ; no common bit: Z, and C V cleared
        li      r1, 240
        li      r2, 15
        li      r4, F_N|F_C|F_V
        setcc   r4
        tst     r1, r2
        getcc   r5
        cmpi    r5, F_Z
        bne     fail

        li      r13, 20                 ; bit 31: N
        li      r1, 0x80000000
        li      r2, 0xffffffff
        li      r4, F_Z|F_C|F_V
        setcc   r4
        tst     r1, r2
        getcc   r5
        cmpi    r5, F_N
        bne     fail

        li      r13, 21                 ; non-zero, positive: nothing
        li      r1, 1
        li      r2, 1
        li      r4, F_Z|F_N|F_C|F_V
        setcc   r4
        tst     r1, r2
        getcc   r5
        cmpi    r5, 0
        bne     fail

        li      r13, 22                 ; the immediate is zero-extended: Z
        li      r1, 0x80000000
        li      r4, F_N|F_C|F_V
        setcc   r4
        tsti    r1, 0x0000ffff
        getcc   r5
        cmpi    r5, F_Z
        bne     fail

        li      r13, 23                 ; 0x8000 stays positive: nothing
        li      r1, 0xffff8000
        li      r4, F_Z|F_N|F_C|F_V
        setcc   r4
        tsti    r1, 0x00008000
        getcc   r5
        cmpi    r5, 0
        bne     fail

        li      r13, 24                 ; zero: Z
        li      r1, 0
        li      r4, F_N|F_C|F_V
        setcc   r4
        tsti    r1, 0
        getcc   r5
        cmpi    r5, F_Z
        bne     fail

; ---- adds: add, and set Z N C V --------------------------------------------
        li      r13, 25                 ; INT_MAX + 1: N and V, no carry
        li      r1, 0x7fffffff
        li      r2, 1
        li      r4, F_Z|F_C
        setcc   r4
        adds    r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_V
        bne     fail
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

        li      r13, 26                 ; -1 + 1 = 0: Z and carry, no overflow
        li      r1, 0xffffffff
        li      r2, 1
        li      r4, F_N|F_V
        setcc   r4
        adds    r3, r1, r2
        getcc   r5
        cmpi    r5, F_Z|F_C
        bne     fail
        li      r12, 0
        cmp     r3, r12
        bne     fail

        li      r13, 27                 ; INT_MIN + INT_MIN: Z, C and V
        li      r1, 0x80000000
        li      r2, 0x80000000
        li      r4, F_N
        setcc   r4
        adds    r3, r1, r2
        getcc   r5
        cmpi    r5, F_Z|F_C|F_V
        bne     fail
        li      r12, 0
        cmp     r3, r12
        bne     fail

        li      r13, 28                 ; small: nothing
        li      r1, 1
        li      r2, 2
        li      r4, F_Z|F_N|F_C|F_V
        setcc   r4
        adds    r3, r1, r2
        getcc   r5
        cmpi    r5, 0
        bne     fail
        li      r12, 3
        cmp     r3, r12
        bne     fail

        li      r13, 29                 ; -1 + -1: N and carry
        li      r1, 0xffffffff
        li      r2, 0xffffffff
        li      r4, F_Z|F_V
        setcc   r4
        adds    r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C
        bne     fail
        li      r12, 0xfffffffe
        cmp     r3, r12
        bne     fail

        li      r13, 30                 ; INT_MIN + -1: carry and overflow
        li      r1, 0x80000000
        li      r2, 0xffffffff
        li      r4, F_Z|F_N
        setcc   r4
        adds    r3, r1, r2
        getcc   r5
        cmpi    r5, F_C|F_V
        bne     fail
        li      r12, 0x7fffffff
        cmp     r3, r12
        bne     fail

        li      r13, 31                 ; 2^30 + 2^30: N and V
        li      r1, 0x40000000
        li      r2, 0x40000000
        li      r4, F_Z|F_C
        setcc   r4
        adds    r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_V
        bne     fail
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

; ---- subs: subtract, and set Z N C V as cmp does ---------------------------
        li      r13, 32                 ; INT_MIN - 1 = INT_MAX: V
        li      r1, 0x80000000
        li      r2, 1
        li      r4, F_Z|F_N|F_C
        setcc   r4
        subs    r3, r1, r2
        getcc   r5
        cmpi    r5, F_V
        bne     fail
        li      r12, 0x7fffffff
        cmp     r3, r12
        bne     fail

        li      r13, 33                 ; 0 - 1: N and borrow
        li      r1, 0
        li      r2, 1
        li      r4, F_Z|F_V
        setcc   r4
        subs    r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C
        bne     fail
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 34                 ; Z
        li      r1, 5
        li      r2, 5
        li      r4, F_N|F_C|F_V
        setcc   r4
        subs    r3, r1, r2
        getcc   r5
        cmpi    r5, F_Z
        bne     fail
        li      r12, 0
        cmp     r3, r12
        bne     fail

        li      r13, 35                 ; INT_MAX - (-1): N, borrow, V
        li      r1, 0x7fffffff
        li      r2, 0xffffffff
        li      r4, F_Z
        setcc   r4
        subs    r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C|F_V
        bne     fail
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

        li      r13, 36                 ; -1 - 1: N
        li      r1, 0xffffffff
        li      r2, 1
        li      r4, F_Z|F_C|F_V
        setcc   r4
        subs    r3, r1, r2
        getcc   r5
        cmpi    r5, F_N
        bne     fail
        li      r12, 0xfffffffe
        cmp     r3, r12
        bne     fail

; ---- adc: R[rs1] + R[rs2] + C ----------------------------------------------
        li      r13, 37                 ; carry in makes -1 + 0 wrap: Z and C
        li      r1, 0xffffffff
        li      r2, 0
        li      r4, F_N|F_C|F_V
        setcc   r4
        adc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_Z|F_C
        bne     fail
        li      r12, 0
        cmp     r3, r12
        bne     fail

        li      r13, 38                 ; no carry in: N only
        li      r1, 0xffffffff
        li      r2, 0
        li      r4, F_Z|F_V
        setcc   r4
        adc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_N
        bne     fail
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 39                 ; INT_MAX + 0 + 1 overflows: N and V
        li      r1, 0x7fffffff
        li      r2, 0
        li      r4, F_Z|F_C
        setcc   r4
        adc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_V
        bne     fail
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

        li      r13, 40                 ; -1 + -1 + 1 = -1: N and carry
        li      r1, 0xffffffff
        li      r2, 0xffffffff
        li      r4, F_Z|F_C|F_V
        setcc   r4
        adc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C
        bne     fail
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 41                 ; INT_MAX + INT_MAX + 1 = -1: N, V
        li      r1, 0x7fffffff
        li      r2, 0x7fffffff
        li      r4, F_Z|F_C
        setcc   r4
        adc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_V
        bne     fail
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 42                 ; INT_MIN + INT_MAX + 1 = 0: Z, C
        li      r1, 0x80000000
        li      r2, 0x7fffffff
        li      r4, F_N|F_C|F_V
        setcc   r4
        adc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_Z|F_C
        bne     fail
        li      r12, 0
        cmp     r3, r12
        bne     fail

        li      r13, 43                 ; 0 + INT_MAX + 1: V (the carry counts)
        li      r1, 0
        li      r2, 0x7fffffff
        li      r4, F_Z|F_C
        setcc   r4
        adc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_V
        bne     fail
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

        li      r13, 44                 ; -1 + INT_MIN + 1 = INT_MIN: C, no V
        li      r1, 0xffffffff
        li      r2, 0x80000000
        li      r4, F_Z|F_C|F_V
        setcc   r4
        adc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C
        bne     fail
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

        li      r13, 45                 ; Z N V in the flags are not inputs
        li      r1, 0
        li      r2, 0
        li      r4, F_N|F_V
        setcc   r4
        adc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_Z
        bne     fail
        li      r12, 0
        cmp     r3, r12
        bne     fail

; ---- sbc: R[rs1] - R[rs2] - C, C = borrow (a < b + C) ----------------------
        li      r13, 46                 ; 0 - 0 - 1: N and borrow
        li      r1, 0
        li      r2, 0
        li      r4, F_Z|F_C|F_V
        setcc   r4
        sbc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C
        bne     fail
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 47                 ; no borrow in: Z
        li      r1, 5
        li      r2, 5
        li      r4, F_N|F_V
        setcc   r4
        sbc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_Z
        bne     fail
        li      r12, 0
        cmp     r3, r12
        bne     fail

        li      r13, 48                 ; 5 - 4 - 1 = 0: Z
        li      r1, 5
        li      r2, 4
        li      r4, F_N|F_C|F_V
        setcc   r4
        sbc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_Z
        bne     fail
        li      r12, 0
        cmp     r3, r12
        bne     fail

        li      r13, 49                 ; 5 - 5 - 1 = -1: N and borrow
        li      r1, 5
        li      r2, 5
        li      r4, F_Z|F_C|F_V
        setcc   r4
        sbc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C
        bne     fail
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 50                 ; INT_MIN - 0 - 1: V
        li      r1, 0x80000000
        li      r2, 0
        li      r4, F_Z|F_N|F_C
        setcc   r4
        sbc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_V
        bne     fail
        li      r12, 0x7fffffff
        cmp     r3, r12
        bne     fail

        li      r13, 51                 ; b + C = 2^32: still a borrow
        li      r1, 0xffffffff
        li      r2, 0xffffffff
        li      r4, F_Z|F_C|F_V
        setcc   r4
        sbc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C
        bne     fail
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 52                 ; INT_MAX - (-1) - 1: borrow, no V
        li      r1, 0x7fffffff
        li      r2, 0xffffffff
        li      r4, F_Z|F_N|F_C|F_V
        setcc   r4
        sbc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_C
        bne     fail
        li      r12, 0x7fffffff
        cmp     r3, r12
        bne     fail

        li      r13, 53                 ; 0 - INT_MAX - 1 = INT_MIN: no V
        li      r1, 0
        li      r2, 0x7fffffff
        li      r4, F_Z|F_C|F_V
        setcc   r4
        sbc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_N|F_C
        bne     fail
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

        li      r13, 54                 ; 1 - 0 - 1 = 0: Z
        li      r1, 1
        li      r2, 0
        li      r4, F_N|F_C|F_V
        setcc   r4
        sbc     r3, r1, r2
        getcc   r5
        cmpi    r5, F_Z
        bne     fail
        li      r12, 0
        cmp     r3, r12
        bne     fail

; ---- multi-word arithmetic -------------------------------------------------
        li      r13, 55                 ; 0x1_ffffffff + 0x2_00000001
        li      r1, 0xffffffff          ; low a
        li      r2, 1                   ; high a
        li      r3, 1                   ; low b
        li      r4, 2                   ; high b
        adds    r5, r1, r3              ; 0, carry
        adc     r6, r2, r4              ; 1 + 2 + 1
        getcc   r7
        cmp     r5, r0
        bne     fail
        cmpi    r6, 4
        bne     fail
        cmpi    r7, 0
        bne     fail

        li      r13, 56                 ; 0x1_00000000 - 0x0_00000001
        li      r1, 0                   ; low a
        li      r2, 1                   ; high a
        li      r3, 1                   ; low b
        li      r4, 0                   ; high b
        subs    r5, r1, r3              ; 0xffffffff, borrow
        sbc     r6, r2, r4              ; 1 - 0 - 1
        getcc   r7
        li      r12, 0xffffffff
        cmp     r5, r12
        bne     fail
        cmp     r6, r0
        bne     fail
        cmpi    r7, F_Z
        bne     fail

; ---- getcc setcc, and the flags control register ---------------------------
        li      r13, 57                 ; all four
        li      r4, 0xf
        setcc   r4
        getcc   r5
        cmpi    r5, 0xf
        bne     fail

        li      r13, 58                 ; setcc ignores bits above 3
        li      r4, 0xfffffff0
        setcc   r4
        getcc   r5
        cmpi    r5, 0
        bne     fail

        li      r13, 59                 ; ... so P stays, I stays clear
        li      r4, 0xffffffff
        setcc   r4
        mfcr    r5, flags
        cmpi    r5, F_P|F_Z|F_N|F_C|F_V
        bne     fail

        li      r13, 60                 ; setcc cannot clear P or set I
        li      r4, F_I|F_C
        setcc   r4
        mfcr    r5, flags
        cmpi    r5, F_P|F_C
        bne     fail

        li      r13, 61                 ; getcc replaces all of rd
        li      r4, F_Z|F_C
        setcc   r4
        li      r5, -1
        getcc   r5
        cmpi    r5, F_Z|F_C
        bne     fail

        li      r13, 62                 ; mtcr flags sets Z N C V too
        li      r4, F_P|F_N|F_V
        mtcr    flags, r4
        getcc   r5
        cmpi    r5, F_N|F_V
        bne     fail

        li      r13, 63                 ; reserved bits read as 0
        li      r4, 0xffffffff - F_I
        mtcr    flags, r4
        mfcr    r5, flags
        cmpi    r5, F_P|F_Z|F_N|F_C|F_V
        bne     fail

        li      r13, 64                 ; each flag alone, through getcc
        li      r4, F_N
        setcc   r4
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r4, F_V
        setcc   r4
        getcc   r5
        cmp     r5, r4
        bne     fail

; ---- every other ALU instruction leaves the flags alone --------------------
        li      r1, 7
        li      r2, 5
        li      r6, 0x80000000
        li      r4, F_Z|F_N|F_C|F_V
        li      r13, 65                 ; add
        setcc   r4
        add     r3, r1, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 66                 ; sub
        setcc   r4
        sub     r3, r1, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 67                 ; and
        setcc   r4
        and     r3, r1, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 68                 ; or
        setcc   r4
        or      r3, r1, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 69                 ; xor
        setcc   r4
        xor     r3, r1, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 70                 ; nor
        setcc   r4
        nor     r3, r6, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 71                 ; shl
        setcc   r4
        shl     r3, r1, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 72                 ; shr
        setcc   r4
        shr     r3, r6, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 73                 ; sar
        setcc   r4
        sar     r3, r6, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 74                 ; mul
        setcc   r4
        mul     r3, r1, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 75                 ; mulh
        setcc   r4
        mulh    r3, r6, r6
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 76                 ; mulhu
        setcc   r4
        mulhu   r3, r6, r6
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 77                 ; div
        setcc   r4
        div     r3, r1, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 78                 ; divu
        setcc   r4
        divu    r3, r1, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 79                 ; rem
        setcc   r4
        rem     r3, r1, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 80                 ; remu
        setcc   r4
        remu    r3, r1, r2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 81                 ; slt
        setcc   r4
        slt     r3, r2, r1
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 82                 ; sltu
        setcc   r4
        sltu    r3, r2, r1
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 83                 ; addi
        setcc   r4
        addi    r3, r1, 1
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 84                 ; andi
        setcc   r4
        andi    r3, r1, 3
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 85                 ; ori
        setcc   r4
        ori     r3, r1, 8
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 86                 ; xori
        setcc   r4
        xori    r3, r1, 1
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 87                 ; shli
        setcc   r4
        shli    r3, r1, 2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 88                 ; shri
        setcc   r4
        shri    r3, r6, 2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 89                 ; sari
        setcc   r4
        sari    r3, r6, 2
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 90                 ; muli
        setcc   r4
        muli    r3, r1, 3
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 91                 ; slti
        setcc   r4
        slti    r3, r1, 100
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 92                 ; sltiu
        setcc   r4
        sltiu   r3, r1, 100
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 93                 ; lui
        setcc   r4
        lui     r3, 0x12345
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 94                 ; getcc
        setcc   r4
        getcc   r3
        getcc   r5
        cmp     r5, r4
        bne     fail
        li      r13, 95                 ; nop
        setcc   r4
        nop
        getcc   r5
        cmp     r5, r4
        bne     fail

        li      r7, -1
        li      r8, 1
        li      r9, 0x7fffffff
        li      r13, 96                 ; add -1 + 1: zero, carry out
        setcc   r0
        add     r3, r7, r8
        getcc   r5
        cmp     r5, r0
        bne     fail
        li      r13, 97                 ; sub 0 - 1: negative, borrow
        setcc   r0
        sub     r3, r0, r8
        getcc   r5
        cmp     r5, r0
        bne     fail
        li      r13, 98                 ; and: negative
        setcc   r0
        and     r3, r6, r6
        getcc   r5
        cmp     r5, r0
        bne     fail
        li      r13, 99                 ; xor x, x: zero
        setcc   r0
        xor     r3, r1, r1
        getcc   r5
        cmp     r5, r0
        bne     fail
        li      r13, 100                ; addi INT_MAX + 1: overflow
        setcc   r0
        addi    r3, r9, 1
        getcc   r5
        cmp     r5, r0
        bne     fail
        li      r13, 101                ; shl 2^31 << 1: zero, a bit out
        setcc   r0
        shl     r3, r6, r8
        getcc   r5
        cmp     r5, r0
        bne     fail
        li      r13, 102                ; mul 2^31 * 2^31: zero
        setcc   r0
        mul     r3, r6, r6
        getcc   r5
        cmp     r5, r0
        bne     fail
        li      r13, 103                ; slt: zero
        setcc   r0
        slt     r3, r1, r1
        getcc   r5
        cmp     r5, r0
        bne     fail
        li      r13, 104                ; lui: negative
        setcc   r0
        lui     r3, 0x80000
        getcc   r5
        cmp     r5, r0
        bne     fail
        li      r13, 105                ; sub INT_MIN - 1: overflow
        setcc   r0
        sub     r3, r6, r8
        getcc   r5
        cmp     r5, r0
        bne     fail

        br      pass
