; muldiv.s: div divu rem remu.  Signed quotients round toward zero and the
; remainder takes the sign of the dividend, for all four sign combinations;
; INT_MIN / -1 = INT_MIN and INT_MIN % -1 = 0 without an exception; unsigned
; forms treat 0x80000000 and 0xffffffff as large.  Division by zero, by r0 or
; by a register holding 0, raises vector 4 (divide by zero) with the saved pc
; pointing at the dividing instruction and far left alone; being precise, it
; leaves rd, the sources and the flags as they were.  (mul, mulh, mulhu are in
; alu.s.)
;
; r13 = number of the check; r1 dividend, r2 divisor, r3 result, r12 expected.

        .include "check.inc"

_start: la      r1, exc_table
        mtcr    vbr, r1

; ---- div -------------------------------------------------------------------
        li      r13, 1
        li      r1, 7
        li      r2, 2
        div     r3, r1, r2
        li      r12, 3
        cmp     r3, r12
        bne     fail

        li      r13, 2                  ; rounds toward zero, not down
        li      r1, -7
        li      r2, 2
        div     r3, r1, r2
        li      r12, -3
        cmp     r3, r12
        bne     fail

        li      r13, 3
        li      r1, 7
        li      r2, -2
        div     r3, r1, r2
        li      r12, -3
        cmp     r3, r12
        bne     fail

        li      r13, 4
        li      r1, -7
        li      r2, -2
        div     r3, r1, r2
        li      r12, 3
        cmp     r3, r12
        bne     fail

        li      r13, 5                  ; INT_MIN / -1 = INT_MIN, no trap
        li      r1, 0x80000000
        li      r2, -1
        div     r3, r1, r2
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

        li      r13, 6                  ; INT_MIN / 1
        li      r2, 1
        div     r3, r1, r2
        cmp     r3, r1
        bne     fail

        li      r13, 7                  ; INT_MIN / 2: signed, not unsigned
        li      r2, 2
        div     r3, r1, r2
        li      r12, 0xc0000000
        cmp     r3, r12
        bne     fail

        li      r13, 8                  ; INT_MIN / 3
        li      r2, 3
        div     r3, r1, r2
        li      r12, 0xd5555556
        cmp     r3, r12
        bne     fail

        li      r13, 9                  ; smaller dividend: 0
        li      r1, 5
        li      r2, 7
        div     r3, r1, r2
        cmp     r3, r0
        bne     fail

        li      r13, 10                 ; zero dividend
        div     r3, r0, r2
        cmp     r3, r0
        bne     fail

        li      r13, 11                 ; bigger numbers, rd = rs1
        li      r1, 0x12345678
        li      r2, -0x1234
        div     r1, r1, r2
        li      r12, 0xfffefffc
        cmp     r1, r12
        bne     fail

; ---- divu ------------------------------------------------------------------
        li      r13, 12                 ; 0xffffffff is large, not -1
        li      r1, 0xffffffff
        li      r2, 2
        divu    r3, r1, r2
        li      r12, 0x7fffffff
        cmp     r3, r12
        bne     fail

        li      r13, 13                 ; 0x80000000 / 0xffffffff = 0
        li      r1, 0x80000000
        li      r2, 0xffffffff
        divu    r3, r1, r2
        cmp     r3, r0
        bne     fail

        li      r13, 14                 ; 0xffffffff / 0xffffffff = 1
        li      r1, 0xffffffff
        divu    r3, r1, r2
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 15                 ; 0x80000000 / 2 = 0x40000000
        li      r1, 0x80000000
        li      r2, 2
        divu    r3, r1, r2
        li      r12, 0x40000000
        cmp     r3, r12
        bne     fail

        li      r13, 16                 ; by 1
        li      r1, 0xdeadbeef
        li      r2, 1
        divu    r3, r1, r2
        cmp     r3, r1
        bne     fail

        li      r13, 17                 ; 7 / 0xfffffff9: not -1
        li      r1, 7
        li      r2, -7
        divu    r3, r1, r2
        li      r12, 0
        cmp     r3, r12
        bne     fail

; ---- rem -------------------------------------------------------------------
        li      r13, 18
        li      r1, 7
        li      r2, 2
        rem     r3, r1, r2
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 19                 ; the sign of the dividend
        li      r1, -7
        li      r2, 2
        rem     r3, r1, r2
        li      r12, -1
        cmp     r3, r12
        bne     fail

        li      r13, 20                 ; not the sign of the divisor
        li      r1, 7
        li      r2, -2
        rem     r3, r1, r2
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 21
        li      r1, -7
        li      r2, -2
        rem     r3, r1, r2
        li      r12, -1
        cmp     r3, r12
        bne     fail

        li      r13, 22                 ; INT_MIN % -1 = 0, no trap
        li      r1, 0x80000000
        li      r2, -1
        rem     r3, r1, r2
        cmp     r3, r0
        bne     fail

        li      r13, 23                 ; INT_MIN % 3 = -2
        li      r2, 3
        rem     r3, r1, r2
        li      r12, -2
        cmp     r3, r12
        bne     fail

        li      r13, 24                 ; smaller dividend is the remainder
        li      r1, -5
        li      r2, 7
        rem     r3, r1, r2
        li      r12, -5
        cmp     r3, r12
        bne     fail

        li      r13, 25                 ; bigger numbers
        li      r1, 0x12345678
        li      r2, -0x1234
        rem     r3, r1, r2
        li      r12, 0xda8
        cmp     r3, r12
        bne     fail

; ---- remu ------------------------------------------------------------------
        li      r13, 26
        li      r1, 0xffffffff
        li      r2, 10
        remu    r3, r1, r2
        li      r12, 5
        cmp     r3, r12
        bne     fail

        li      r13, 27                 ; a larger divisor: the dividend
        li      r1, 0x80000000
        li      r2, 0xffffffff
        remu    r3, r1, r2
        cmp     r3, r1
        bne     fail

        li      r13, 28                 ; -7 is large unsigned: odd
        li      r1, -7
        li      r2, 2
        remu    r3, r1, r2
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 29                 ; 0xffffffff % 0xffffffff
        li      r1, 0xffffffff
        remu    r3, r1, r1
        cmp     r3, r0
        bne     fail

; ---- division by zero: vector 4, precise -----------------------------------
        li      r13, 30                 ; div by r0
        call    exc_clear
        la      r1, .r30
        stw     r1, exc_resume(r0)
        li      r1, 0x600dfa2
        mtcr    far, r1
        li      r1, 1234
        li      r3, 0x5a5a5a5a
        li      r4, F_N|F_V
        setcc   r4
.d30:   div     r3, r1, r0
        br      fail                    ; no exception
.r30:   getcc   r5                      ; the flags came back as they were
        cmp     r5, r4
        bne     fail
        ldw     r5, exc_count(r0)
        cmpi    r5, 1
        bne     fail
        ldw     r5, exc_cause(r0)
        cmpi    r5, VEC_DIVZERO
        bne     fail
        ldw     r5, exc_epc(r0)         ; saved pc = the div itself
        la      r12, .d30
        cmp     r5, r12
        bne     fail
        ldw     r5, exc_eflags(r0)      ; the saved flags
        cmpi    r5, F_P|F_N|F_V
        bne     fail
        li      r12, 0x5a5a5a5a         ; rd unchanged
        cmp     r3, r12
        bne     fail
        cmpi    r1, 1234                ; rs1 unchanged
        bne     fail
        ldw     r5, exc_far(r0)         ; far is not among the things
        li      r12, 0x600dfa2          ; vector 4 sets
        cmp     r5, r12
        bne     fail

        li      r13, 31                 ; divu by a register holding 0
        call    exc_clear
        la      r1, .r31
        stw     r1, exc_resume(r0)
        li      r1, 0xffffffff
        li      r2, 0
        li      r3, 0x5a5a5a5a
.d31:   divu    r3, r1, r2
        br      fail
.r31:   ldw     r5, exc_cause(r0)
        cmpi    r5, VEC_DIVZERO
        bne     fail
        ldw     r5, exc_epc(r0)
        la      r12, .d31
        cmp     r5, r12
        bne     fail
        li      r12, 0x5a5a5a5a
        cmp     r3, r12
        bne     fail

        li      r13, 32                 ; rem by zero
        call    exc_clear
        la      r1, .r32
        stw     r1, exc_resume(r0)
        li      r1, -7
        li      r3, 0x5a5a5a5a
.d32:   rem     r3, r1, r2
        br      fail
.r32:   ldw     r5, exc_cause(r0)
        cmpi    r5, VEC_DIVZERO
        bne     fail
        ldw     r5, exc_epc(r0)
        la      r12, .d32
        cmp     r5, r12
        bne     fail
        li      r12, 0x5a5a5a5a
        cmp     r3, r12
        bne     fail

        li      r13, 33                 ; remu by zero
        call    exc_clear
        la      r1, .r33
        stw     r1, exc_resume(r0)
        li      r1, 7
        li      r3, 0x5a5a5a5a
.d33:   remu    r3, r1, r2
        br      fail
.r33:   ldw     r5, exc_cause(r0)
        cmpi    r5, VEC_DIVZERO
        bne     fail
        ldw     r5, exc_epc(r0)
        la      r12, .d33
        cmp     r5, r12
        bne     fail
        li      r12, 0x5a5a5a5a
        cmp     r3, r12
        bne     fail

        li      r13, 34                 ; rd = rs1 is left unchanged
        call    exc_clear
        la      r1, .r34
        stw     r1, exc_resume(r0)
        li      r1, 77
.d34:   div     r1, r1, r2
        br      fail
.r34:   ldw     r5, exc_cause(r0)
        cmpi    r5, VEC_DIVZERO
        bne     fail
        cmpi    r1, 77
        bne     fail

        li      r13, 35                 ; 0 / 0 traps too
        call    exc_clear
        la      r1, .r35
        stw     r1, exc_resume(r0)
.d35:   divu    r3, r0, r0
        br      fail
.r35:   ldw     r5, exc_cause(r0)
        cmpi    r5, VEC_DIVZERO
        bne     fail

        li      r13, 36                 ; exactly one exception each time
        ldw     r5, exc_count(r0)
        cmpi    r5, 1
        bne     fail

        li      r13, 37                 ; and none after a good division
        li      r1, 9
        li      r2, 3
        div     r3, r1, r2
        cmpi    r3, 3
        bne     fail
        ldw     r5, exc_count(r0)
        cmpi    r5, 1
        bne     fail

        br      pass
