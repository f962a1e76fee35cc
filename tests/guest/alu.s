; alu.s: the register-form ALU instructions that do not touch the flags:
; add sub and or xor nor, slt sltu, mul mulh mulhu.  Wrap-around at 2^32,
; the sign boundary (0x7fffffff / 0x80000000), rd equal to a source, signed
; against unsigned comparison, and the high halves of signed, mixed-sign and
; unsigned products.  (Shifts are in shifts.s, division in muldiv.s, the
; flag-setting forms in flags.s.)
;
; r13 = number of the check; r1, r2 operands, r3 result, r12 expected.

        .include "check.inc"

_start: la      r1, exc_table
        mtcr    vbr, r1

; ---- add -------------------------------------------------------------------
        li      r13, 1                  ; small numbers
        li      r1, 5
        li      r2, 7
        add     r3, r1, r2
        li      r12, 12
        cmp     r3, r12
        bne     fail

        li      r13, 2                  ; wraps to zero
        li      r1, 0xffffffff
        li      r2, 1
        add     r3, r1, r2
        cmp     r3, r0
        bne     fail

        li      r13, 3                  ; crosses the sign boundary
        li      r1, 0x7fffffff
        li      r2, 1
        add     r3, r1, r2
        li      r12, 0x80000000
        cmp     r3, r12
        bne     fail

        li      r13, 4                  ; 2^31 + 2^31 = 0 mod 2^32
        li      r1, 0x80000000
        add     r3, r1, r1
        cmp     r3, r0
        bne     fail

        li      r13, 5                  ; rd = rs1 = rs2
        li      r1, 0x12345678
        add     r1, r1, r1
        li      r12, 0x2468acf0
        cmp     r1, r12
        bne     fail

        li      r13, 6                  ; negative plus positive
        li      r1, -100
        li      r2, 30
        add     r3, r1, r2
        li      r12, -70
        cmp     r3, r12
        bne     fail

; ---- sub -------------------------------------------------------------------
        li      r13, 7
        li      r1, 7
        li      r2, 5
        sub     r3, r1, r2
        li      r12, 2
        cmp     r3, r12
        bne     fail

        li      r13, 8                  ; goes negative
        li      r1, 5
        li      r2, 7
        sub     r3, r1, r2
        li      r12, 0xfffffffe
        cmp     r3, r12
        bne     fail

        li      r13, 9                  ; 0 - 1 wraps
        li      r2, 1
        sub     r3, r0, r2
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 10                 ; crosses the sign boundary down
        li      r1, 0x80000000
        li      r2, 1
        sub     r3, r1, r2
        li      r12, 0x7fffffff
        cmp     r3, r12
        bne     fail

        li      r13, 11                 ; x - x, rd = rs1 = rs2
        li      r1, 0xdeadbeef
        sub     r1, r1, r1
        cmp     r1, r0
        bne     fail

        li      r13, 12                 ; operand order: rs1 - rs2
        li      r1, 1000
        li      r2, 1
        sub     r3, r2, r1
        li      r12, -999
        cmp     r3, r12
        bne     fail

; ---- and or xor nor --------------------------------------------------------
        li      r13, 13
        li      r1, 0xff00ff00
        li      r2, 0x0ff00ff0
        and     r3, r1, r2
        li      r12, 0x0f000f00
        cmp     r3, r12
        bne     fail

        li      r13, 14
        or      r3, r1, r2
        li      r12, 0xfff0fff0
        cmp     r3, r12
        bne     fail

        li      r13, 15
        xor     r3, r1, r2
        li      r12, 0xf0f0f0f0
        cmp     r3, r12
        bne     fail

        li      r13, 16
        nor     r3, r1, r2
        li      r12, 0x000f000f
        cmp     r3, r12
        bne     fail

        li      r13, 17                 ; nor of zeros is all ones
        nor     r3, r0, r0
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 18                 ; x xor x = 0
        xor     r3, r1, r1
        cmp     r3, r0
        bne     fail

        li      r13, 19                 ; and with all ones is the identity
        li      r2, -1
        and     r3, r1, r2
        cmp     r3, r1
        bne     fail

        li      r13, 20                 ; xor with all ones complements
        xor     r3, r1, r2
        li      r12, 0x00ff00ff
        cmp     r3, r12
        bne     fail

        li      r13, 21                 ; or into rd = rs2
        li      r1, 0x80000001
        li      r2, 0x00000110
        or      r2, r1, r2
        li      r12, 0x80000111
        cmp     r2, r12
        bne     fail

; ---- slt sltu --------------------------------------------------------------
        li      r13, 22                 ; -1 < 1 signed
        li      r1, -1
        li      r2, 1
        slt     r3, r1, r2
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 23                 ; 1 < -1 is false signed
        slt     r3, r2, r1
        cmp     r3, r0
        bne     fail

        li      r13, 24                 ; but -1 < 1 is false unsigned
        sltu    r3, r1, r2
        cmp     r3, r0
        bne     fail

        li      r13, 25                 ; and 1 < 0xffffffff unsigned
        sltu    r3, r2, r1
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 26                 ; INT_MIN < INT_MAX signed
        li      r1, 0x80000000
        li      r2, 0x7fffffff
        slt     r3, r1, r2
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 27                 ; INT_MAX < INT_MIN unsigned
        sltu    r3, r2, r1
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 28                 ; INT_MIN < INT_MAX false unsigned
        sltu    r3, r1, r2
        cmp     r3, r0
        bne     fail

        li      r13, 29                 ; equal is not less, signed
        slt     r3, r1, r1
        cmp     r3, r0
        bne     fail

        li      r13, 30                 ; equal is not less, unsigned
        sltu    r3, r2, r2
        cmp     r3, r0
        bne     fail

        li      r13, 31                 ; sltu rd, r0, x: x != 0
        li      r2, 0x80000000
        sltu    r3, r0, r2
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 32                 ; slt rd, x, r0: x negative
        li      r1, -5
        slt     r3, r1, r0
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 33                 ; the result overwrites all of rd
        li      r3, 0xffffffff
        li      r1, 2
        li      r2, 3
        slt     r3, r1, r2
        li      r12, 1
        cmp     r3, r12
        bne     fail

; ---- mul -------------------------------------------------------------------
        li      r13, 34
        li      r1, 6
        li      r2, 7
        mul     r3, r1, r2
        li      r12, 42
        cmp     r3, r12
        bne     fail

        li      r13, 35                 ; negative times positive
        li      r1, -3
        li      r2, 5
        mul     r3, r1, r2
        li      r12, -15
        cmp     r3, r12
        bne     fail

        li      r13, 36                 ; negative times negative
        li      r1, -3
        li      r2, -5
        mul     r3, r1, r2
        li      r12, 15
        cmp     r3, r12
        bne     fail

        li      r13, 37                 ; 2^16 * 2^16: low half is 0
        li      r1, 0x10000
        mul     r3, r1, r1
        cmp     r3, r0
        bne     fail

        li      r13, 38                 ; low 32 bits of a big product
        li      r1, 0x12345678
        li      r2, 0x9abcdef0
        mul     r3, r1, r2
        li      r12, 0x242d2080
        cmp     r3, r12
        bne     fail

        li      r13, 39                 ; times zero
        mul     r3, r1, r0
        cmp     r3, r0
        bne     fail

; ---- mulh (signed high half) -----------------------------------------------
        li      r13, 40                 ; 2^16 * 2^16 = 2^32
        li      r1, 0x10000
        mulh    r3, r1, r1
        li      r12, 1
        cmp     r3, r12
        bne     fail

        li      r13, 41                 ; -1 * -1 = 1: high half 0
        li      r1, -1
        mulh    r3, r1, r1
        cmp     r3, r0
        bne     fail

        li      r13, 42                 ; -1 * 1 = -1: high half all ones
        li      r1, -1
        li      r2, 1
        mulh    r3, r1, r2
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 43                 ; INT_MIN * INT_MIN = 2^62
        li      r1, 0x80000000
        mulh    r3, r1, r1
        li      r12, 0x40000000
        cmp     r3, r12
        bne     fail

        li      r13, 44                 ; INT_MIN * INT_MAX
        li      r1, 0x80000000
        li      r2, 0x7fffffff
        mulh    r3, r1, r2
        li      r12, 0xc0000000
        cmp     r3, r12
        bne     fail

        li      r13, 45                 ; mixed signs, big
        li      r1, 0x12345678
        li      r2, 0x9abcdef0
        mulh    r3, r1, r2
        li      r12, 0xf8cc93d6
        cmp     r3, r12
        bne     fail

        li      r13, 46                 ; -2 * 3 = -6: high half all ones
        li      r1, -2
        li      r2, 3
        mulh    r3, r1, r2
        li      r12, 0xffffffff
        cmp     r3, r12
        bne     fail

        li      r13, 47                 ; times zero
        li      r1, -7
        mulh    r3, r1, r0
        cmp     r3, r0
        bne     fail

; ---- mulhu (unsigned high half) --------------------------------------------
        li      r13, 48                 ; 0xffffffff^2 = 0xfffffffe_00000001
        li      r1, 0xffffffff
        mulhu   r3, r1, r1
        li      r12, 0xfffffffe
        cmp     r3, r12
        bne     fail

        li      r13, 49                 ; 0xffffffff * 1: high half 0
        li      r2, 1
        mulhu   r3, r1, r2
        cmp     r3, r0
        bne     fail

        li      r13, 50                 ; 2^31 * 2^31 = 2^62
        li      r1, 0x80000000
        mulhu   r3, r1, r1
        li      r12, 0x40000000
        cmp     r3, r12
        bne     fail

        li      r13, 51                 ; 2^31 * (2^31 - 1)
        li      r2, 0x7fffffff
        mulhu   r3, r1, r2
        li      r12, 0x3fffffff
        cmp     r3, r12
        bne     fail

        li      r13, 52                 ; the same big product as 38 and 45
        li      r1, 0x12345678
        li      r2, 0x9abcdef0
        mulhu   r3, r1, r2
        li      r12, 0x0b00ea4e
        cmp     r3, r12
        bne     fail

        li      r13, 53                 ; 0xfffffffe * 3
        li      r1, 0xfffffffe
        li      r2, 3
        mulhu   r3, r1, r2
        li      r12, 2
        cmp     r3, r12
        bne     fail

        li      r13, 54                 ; rd = rs1: the result replaces it
        li      r1, 0x10000
        mulhu   r1, r1, r1
        li      r12, 1
        cmp     r1, r12
        bne     fail

        br      pass
