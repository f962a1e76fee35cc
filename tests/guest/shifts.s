; shifts.s: shl shr sar (amount in a register) and shli shri sari (amount
; in the instruction).  Amounts 0, 1, 4, 16 and 31; logical against
; arithmetic right shifts of negative and positive values; a register
; amount of 32 or more uses only its low five bits (32 shifts by 0, 33 by 1,
; 0xffffffff by 31, 0x80000004 by 4); rd equal to the amount register.
; (shli with n > 31 is an undefined encoding: see exceptions.s.)
;
; r13 = number of the check; r1 value, r2 amount, r3 result, r12 expected.

        .include "check.inc"

_start: la      r1, exc_table
        mtcr    vbr, r1

; ---- shl -------------------------------------------------------------------
        li      r13, 1                  ; by 0
        li      r1, 0x12345678
        li      r2, 0
        shl     r3, r1, r2
        cmp     r3, r1
        bne     fail

        li      r13, 2                  ; by 4
        li      r2, 4
        shl     r3, r1, r2
        li      r12, 0x23456780
        cmp     r3, r12
        bne     fail

        li      r13, 3                  ; by 31
        li      r1, 1
        li      r2, 31
        shl     r3, r1, r2
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

        li      r13, 4                  ; bits shifted out are lost
        li      r1, 0xffffffff
        li      r2, 31
        shl     r3, r1, r2
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

        li      r13, 5                  ; by 32: amount & 31 = 0
        li      r1, 0x12345678
        li      r2, 32
        shl     r3, r1, r2
        cmp     r3, r1
        bne     fail

        li      r13, 6                  ; by 33: shifts by 1
        li      r2, 33
        shl     r3, r1, r2
        li      r12, 0x2468acf0
        cmp     r3, r12
        bne     fail

        li      r13, 7                  ; by 0xffffffff: shifts by 31
        li      r1, 3
        li      r2, 0xffffffff
        shl     r3, r1, r2
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

        li      r13, 8                  ; by 0x80000004: shifts by 4
        li      r1, 0x12345678
        li      r2, 0x80000004
        shl     r3, r1, r2
        li      r12, 0x23456780
        cmp     r3, r12
        bne     fail

        li      r13, 9                  ; by r0
        shl     r3, r1, r0
        cmp     r3, r1
        bne     fail

        li      r13, 10                 ; rd = the amount register
        li      r2, 8
        shl     r2, r1, r2
        li      r12, 0x34567800
        cmp     r2, r12
        bne     fail

; ---- shr (logical) ---------------------------------------------------------
        li      r13, 11                 ; the sign bit moves down, zeros in
        li      r1, 0x80000000
        li      r2, 31
        shr     r3, r1, r2
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 12
        li      r1, 0xf0000000
        li      r2, 4
        shr     r3, r1, r2
        li      r12, 0x0f000000
        cmp     r3, r12
        bne     fail

        li      r13, 13                 ; by 0
        shr     r3, r1, r0
        cmp     r3, r1
        bne     fail

        li      r13, 14                 ; by 32: amount & 31 = 0
        li      r2, 32
        shr     r3, r1, r2
        cmp     r3, r1
        bne     fail

        li      r13, 15                 ; by 36: shifts by 4
        li      r2, 36
        shr     r3, r1, r2
        li      r12, 0x0f000000
        cmp     r3, r12
        bne     fail

        li      r13, 16                 ; by 0xffffffff: shifts by 31
        li      r1, 0xffffffff
        li      r2, 0xffffffff
        shr     r3, r1, r2
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 17                 ; bits shifted out are lost
        li      r1, 0x0000000f
        li      r2, 2
        shr     r3, r1, r2
        li      r12, 3
        cmp     r3, r12
        bne     fail

; ---- sar (arithmetic) ------------------------------------------------------
        li      r13, 18                 ; copies of the sign bit fill in
        li      r1, 0x80000000
        li      r2, 31
        sar     r3, r1, r2
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 19
        li      r1, 0xf0000000
        li      r2, 4
        sar     r3, r1, r2
        li      r12, 0xff000000
        cmp     r3, r12
        bne     fail

        li      r13, 20                 ; positive: like shr
        li      r1, 0x70000000
        sar     r3, r1, r2
        li      r12, 0x07000000
        cmp     r3, r12
        bne     fail

        li      r13, 21                 ; by 32: amount & 31 = 0
        li      r1, 0x80000001
        li      r2, 32
        sar     r3, r1, r2
        cmp     r3, r1
        bne     fail

        li      r13, 22                 ; by -31 (0xffffffe1): shifts by 1
        li      r1, 0x80000000
        li      r2, -31
        sar     r3, r1, r2
        li      r12, 0xc0000000
        cmp     r3, r12
        bne     fail

        li      r13, 23                 ; by 63: shifts by 31
        li      r1, 0x7fffffff
        li      r2, 63
        sar     r3, r1, r2
        cmp     r3, r0
        bne     fail

        li      r13, 24                 ; -1 stays -1
        li      r1, -1
        li      r2, 17
        sar     r3, r1, r2
        cmp     r3, r1
        bne     fail

        li      r13, 25                 ; rounds toward minus infinity
        li      r1, -5
        li      r2, 1
        sar     r3, r1, r2
        li      r12, -3
        cmp     r3, r12
        bne     fail

; ---- shli shri sari --------------------------------------------------------
        li      r13, 26                 ; by 0
        li      r1, 0x12345678
        shli    r3, r1, 0
        cmp     r3, r1
        bne     fail

        li      r13, 27                 ; by 31
        li      r1, 1
        shli    r3, r1, 31
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

        li      r13, 28                 ; by 16
        li      r1, 0xffffffff
        shli    r3, r1, 16
        li      r12, 0xffff0000
        cmp     r3, r12
        bne     fail

        li      r13, 29                 ; logical: zeros come in
        li      r1, 0xffffffff
        shri    r3, r1, 31
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 30                 ; by 0
        li      r1, 0x80000000
        shri    r3, r1, 0
        cmp     r3, r1
        bne     fail

        li      r13, 31
        li      r1, 0xabcd1234
        shri    r3, r1, 16
        li      r12, 0x0000abcd
        cmp     r3, r12
        bne     fail

        li      r13, 32                 ; arithmetic: the sign comes in
        sari    r3, r1, 16
        li      r12, 0xffffabcd
        cmp     r3, r12
        bne     fail

        li      r13, 33                 ; positive by 31
        li      r1, 0x7fffffff
        sari    r3, r1, 31
        cmp     r3, r0
        bne     fail

        li      r13, 34                 ; negative by 31
        li      r1, 0x80000000
        sari    r3, r1, 31
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 35                 ; by 0
        li      r1, 0x87654321
        sari    r3, r1, 0
        cmp     r3, r1
        bne     fail

        li      r13, 36                 ; by 1
        sari    r3, r1, 1
        li      r12, 0xc3b2a190
        cmp     r3, r12
        bne     fail

        li      r13, 37                 ; rd = rs1
        li      r1, 0x00000081
        shli    r1, r1, 24
        li      r12, 0x81000000
        cmp     r1, r12
        bne     fail

        br      pass
