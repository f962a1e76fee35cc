; branch.s: the branches.  Each of the fourteen conditional branches is run
; against all sixteen values of Z N C V (set with setcc) and the set of
; values for which it was taken is compared with its condition; then, after
; a cmp, every comparison branch is checked taken and not taken across the
; signed / unsigned edge cases (equal, -1 against 1, INT_MIN against
; INT_MAX where V is set, 0 against 0xffffffff).  Finally br forward and
; backward, that a taken branch lands exactly on its target (the offset
; counts from the branch itself), a backward loop, and branches of about
; 15 MiB forward and back (a large simm24 of either sign).  call, jmpr,
; callr and ret are in stack.s.
;
; r13 = number of the check.

        .include "check.inc"

_start: la      r1, exc_table
        mtcr    vbr, r1

; ---- each condition against all 16 values of Z N C V -----------------------
; r5 runs through the flag values 0..15 (setcc), and r6 collects bit r5 for
; each value where the branch was taken; r12 holds the expected mask.

        li      r13, 1                  ; beq: taken when Z
        li      r5, 0
        li      r6, 0
.l1:    setcc   r5
        beq     .t1
        br      .n1
.t1:    li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n1:    addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l1
        li      r12, 0xaaaa
        cmp     r6, r12
        bne     fail

        li      r13, 2                  ; bne: taken when !Z
        li      r5, 0
        li      r6, 0
.l2:    setcc   r5
        bne     .t2
        br      .n2
.t2:    li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n2:    addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l2
        li      r12, 0x5555
        cmp     r6, r12
        bne     fail

        li      r13, 3                  ; blt: taken when N != V
        li      r5, 0
        li      r6, 0
.l3:    setcc   r5
        blt     .t3
        br      .n3
.t3:    li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n3:    addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l3
        li      r12, 0x33cc
        cmp     r6, r12
        bne     fail

        li      r13, 4                  ; bge: taken when N == V
        li      r5, 0
        li      r6, 0
.l4:    setcc   r5
        bge     .t4
        br      .n4
.t4:    li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n4:    addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l4
        li      r12, 0xcc33
        cmp     r6, r12
        bne     fail

        li      r13, 5                  ; bgt: taken when !Z and N == V
        li      r5, 0
        li      r6, 0
.l5:    setcc   r5
        bgt     .t5
        br      .n5
.t5:    li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n5:    addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l5
        li      r12, 0x4411
        cmp     r6, r12
        bne     fail

        li      r13, 6                  ; ble: taken when Z or N != V
        li      r5, 0
        li      r6, 0
.l6:    setcc   r5
        ble     .t6
        br      .n6
.t6:    li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n6:    addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l6
        li      r12, 0xbbee
        cmp     r6, r12
        bne     fail

        li      r13, 7                  ; bltu: taken when C
        li      r5, 0
        li      r6, 0
.l7:    setcc   r5
        bltu    .t7
        br      .n7
.t7:    li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n7:    addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l7
        li      r12, 0xf0f0
        cmp     r6, r12
        bne     fail

        li      r13, 8                  ; bgeu: taken when !C
        li      r5, 0
        li      r6, 0
.l8:    setcc   r5
        bgeu    .t8
        br      .n8
.t8:    li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n8:    addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l8
        li      r12, 0x0f0f
        cmp     r6, r12
        bne     fail

        li      r13, 9                  ; bgtu: taken when !C and !Z
        li      r5, 0
        li      r6, 0
.l9:    setcc   r5
        bgtu    .t9
        br      .n9
.t9:    li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n9:    addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l9
        li      r12, 0x0505
        cmp     r6, r12
        bne     fail

        li      r13, 10                 ; bleu: taken when C or Z
        li      r5, 0
        li      r6, 0
.l10:   setcc   r5
        bleu    .t10
        br      .n10
.t10:   li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n10:   addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l10
        li      r12, 0xfafa
        cmp     r6, r12
        bne     fail

        li      r13, 11                 ; bmi: taken when N
        li      r5, 0
        li      r6, 0
.l11:   setcc   r5
        bmi     .t11
        br      .n11
.t11:   li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n11:   addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l11
        li      r12, 0xcccc
        cmp     r6, r12
        bne     fail

        li      r13, 12                 ; bpl: taken when !N
        li      r5, 0
        li      r6, 0
.l12:   setcc   r5
        bpl     .t12
        br      .n12
.t12:   li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n12:   addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l12
        li      r12, 0x3333
        cmp     r6, r12
        bne     fail

        li      r13, 13                 ; bvs: taken when V
        li      r5, 0
        li      r6, 0
.l13:   setcc   r5
        bvs     .t13
        br      .n13
.t13:   li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n13:   addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l13
        li      r12, 0xff00
        cmp     r6, r12
        bne     fail

        li      r13, 14                 ; bvc: taken when !V
        li      r5, 0
        li      r6, 0
.l14:   setcc   r5
        bvc     .t14
        br      .n14
.t14:   li      r7, 1
        shl     r7, r7, r5
        or      r6, r6, r7
.n14:   addi    r5, r5, 1
        cmpi    r5, 16
        bne     .l14
        li      r12, 0x00ff
        cmp     r6, r12
        bne     fail

; ---- cmp then branch: signed and unsigned comparisons ----------------------
; After one cmp, each branch in turn either must be taken (it jumps over
; the `br fail` after it) or must fall through.  Branches do not change the
; flags, so one cmp serves all ten.

        li      r1, 5                   ; equal
        li      r2, 5
        cmp     r1, r2
        li      r13, 15
        beq     . + 8
        br      fail
        li      r13, 16
        bne     fail
        li      r13, 17
        blt     fail
        li      r13, 18
        bge     . + 8
        br      fail
        li      r13, 19
        bgt     fail
        li      r13, 20
        ble     . + 8
        br      fail
        li      r13, 21
        bltu    fail
        li      r13, 22
        bgeu    . + 8
        br      fail
        li      r13, 23
        bgtu    fail
        li      r13, 24
        bleu    . + 8
        br      fail

        li      r1, 5                   ; less both ways
        li      r2, 7
        cmp     r1, r2
        li      r13, 25
        beq     fail
        li      r13, 26
        bne     . + 8
        br      fail
        li      r13, 27
        blt     . + 8
        br      fail
        li      r13, 28
        bge     fail
        li      r13, 29
        bgt     fail
        li      r13, 30
        ble     . + 8
        br      fail
        li      r13, 31
        bltu    . + 8
        br      fail
        li      r13, 32
        bgeu    fail
        li      r13, 33
        bgtu    fail
        li      r13, 34
        bleu    . + 8
        br      fail

        li      r1, 7                   ; greater both ways
        li      r2, 5
        cmp     r1, r2
        li      r13, 35
        beq     fail
        li      r13, 36
        bne     . + 8
        br      fail
        li      r13, 37
        blt     fail
        li      r13, 38
        bge     . + 8
        br      fail
        li      r13, 39
        bgt     . + 8
        br      fail
        li      r13, 40
        ble     fail
        li      r13, 41
        bltu    fail
        li      r13, 42
        bgeu    . + 8
        br      fail
        li      r13, 43
        bgtu    . + 8
        br      fail
        li      r13, 44
        bleu    fail

        li      r1, 0xffffffff          ; -1, 1: less signed, greater unsigned
        li      r2, 1
        cmp     r1, r2
        li      r13, 45
        beq     fail
        li      r13, 46
        bne     . + 8
        br      fail
        li      r13, 47
        blt     . + 8
        br      fail
        li      r13, 48
        bge     fail
        li      r13, 49
        bgt     fail
        li      r13, 50
        ble     . + 8
        br      fail
        li      r13, 51
        bltu    fail
        li      r13, 52
        bgeu    . + 8
        br      fail
        li      r13, 53
        bgtu    . + 8
        br      fail
        li      r13, 54
        bleu    fail

        li      r1, 1                   ; 1, -1: greater signed, less unsigned
        li      r2, 0xffffffff
        cmp     r1, r2
        li      r13, 55
        beq     fail
        li      r13, 56
        bne     . + 8
        br      fail
        li      r13, 57
        blt     fail
        li      r13, 58
        bge     . + 8
        br      fail
        li      r13, 59
        bgt     . + 8
        br      fail
        li      r13, 60
        ble     fail
        li      r13, 61
        bltu    . + 8
        br      fail
        li      r13, 62
        bgeu    fail
        li      r13, 63
        bgtu    fail
        li      r13, 64
        bleu    . + 8
        br      fail

        li      r1, 0x80000000          ; INT_MIN against INT_MAX (V set)
        li      r2, 0x7fffffff
        cmp     r1, r2
        li      r13, 65
        beq     fail
        li      r13, 66
        bne     . + 8
        br      fail
        li      r13, 67
        blt     . + 8
        br      fail
        li      r13, 68
        bge     fail
        li      r13, 69
        bgt     fail
        li      r13, 70
        ble     . + 8
        br      fail
        li      r13, 71
        bltu    fail
        li      r13, 72
        bgeu    . + 8
        br      fail
        li      r13, 73
        bgtu    . + 8
        br      fail
        li      r13, 74
        bleu    fail

        li      r1, 0x7fffffff          ; INT_MAX against INT_MIN (V set)
        li      r2, 0x80000000
        cmp     r1, r2
        li      r13, 75
        beq     fail
        li      r13, 76
        bne     . + 8
        br      fail
        li      r13, 77
        blt     fail
        li      r13, 78
        bge     . + 8
        br      fail
        li      r13, 79
        bgt     . + 8
        br      fail
        li      r13, 80
        ble     fail
        li      r13, 81
        bltu    . + 8
        br      fail
        li      r13, 82
        bgeu    fail
        li      r13, 83
        bgtu    fail
        li      r13, 84
        bleu    . + 8
        br      fail

        li      r1, 0x80000000          ; INT_MIN against 1 (V set)
        li      r2, 1
        cmp     r1, r2
        li      r13, 85
        beq     fail
        li      r13, 86
        bne     . + 8
        br      fail
        li      r13, 87
        blt     . + 8
        br      fail
        li      r13, 88
        bge     fail
        li      r13, 89
        bgt     fail
        li      r13, 90
        ble     . + 8
        br      fail
        li      r13, 91
        bltu    fail
        li      r13, 92
        bgeu    . + 8
        br      fail
        li      r13, 93
        bgtu    . + 8
        br      fail
        li      r13, 94
        bleu    fail

        li      r1, 0                   ; 0 against INT_MIN (V set)
        li      r2, 0x80000000
        cmp     r1, r2
        li      r13, 95
        beq     fail
        li      r13, 96
        bne     . + 8
        br      fail
        li      r13, 97
        blt     fail
        li      r13, 98
        bge     . + 8
        br      fail
        li      r13, 99
        bgt     . + 8
        br      fail
        li      r13, 100
        ble     fail
        li      r13, 101
        bltu    . + 8
        br      fail
        li      r13, 102
        bgeu    fail
        li      r13, 103
        bgtu    fail
        li      r13, 104
        bleu    . + 8
        br      fail

        li      r1, 0xffffffff          ; -1 against -1
        li      r2, 0xffffffff
        cmp     r1, r2
        li      r13, 105
        beq     . + 8
        br      fail
        li      r13, 106
        bne     fail
        li      r13, 107
        blt     fail
        li      r13, 108
        bge     . + 8
        br      fail
        li      r13, 109
        bgt     fail
        li      r13, 110
        ble     . + 8
        br      fail
        li      r13, 111
        bltu    fail
        li      r13, 112
        bgeu    . + 8
        br      fail
        li      r13, 113
        bgtu    fail
        li      r13, 114
        bleu    . + 8
        br      fail

        li      r1, 0x80000000          ; INT_MIN against INT_MIN
        li      r2, 0x80000000
        cmp     r1, r2
        li      r13, 115
        beq     . + 8
        br      fail
        li      r13, 116
        bne     fail
        li      r13, 117
        blt     fail
        li      r13, 118
        bge     . + 8
        br      fail
        li      r13, 119
        bgt     fail
        li      r13, 120
        ble     . + 8
        br      fail
        li      r13, 121
        bltu    fail
        li      r13, 122
        bgeu    . + 8
        br      fail
        li      r13, 123
        bgtu    fail
        li      r13, 124
        bleu    . + 8
        br      fail

        li      r1, 0                   ; 0 against 0xffffffff
        li      r2, 0xffffffff
        cmp     r1, r2
        li      r13, 125
        beq     fail
        li      r13, 126
        bne     . + 8
        br      fail
        li      r13, 127
        blt     fail
        li      r13, 128
        bge     . + 8
        br      fail
        li      r13, 129
        bgt     . + 8
        br      fail
        li      r13, 130
        ble     fail
        li      r13, 131
        bltu    . + 8
        br      fail
        li      r13, 132
        bgeu    fail
        li      r13, 133
        bgtu    fail
        li      r13, 134
        bleu    . + 8
        br      fail

; ---- cmpi then branch ------------------------------------------------------
        li      r13, 135                ; 5 < 0xffffffff (cmpi 5, -1) unsigned
        li      r1, 5
        cmpi    r1, -1
        bltu    . + 8
        br      fail
        li      r13, 136                ; ... but 5 > -1 signed
        bgt     . + 8
        br      fail

; ---- br, and where branches land -------------------------------------------
        li      r13, 137                ; forward, exactly onto the target
        li      r1, 0
        br      .f137
        addi    r1, r1, 100
.f137:  addi    r1, r1, 1
        addi    r1, r1, 2
        cmpi    r1, 3
        bne     fail

        li      r13, 138                ; a conditional one, likewise
        li      r1, 0
        cmp     r0, r0
        beq     .f138
        addi    r1, r1, 100
.f138:  addi    r1, r1, 1
        addi    r1, r1, 2
        cmpi    r1, 3
        bne     fail

        li      r13, 139                ; backward, exactly onto the target
        li      r1, 0
        br      .s139
.t139:  addi    r1, r1, 1
        addi    r1, r1, 2
        br      .e139
.s139:  addi    r1, r1, 10
        br      .t139
        br      fail
.e139:  cmpi    r1, 13
        bne     fail

        li      r13, 140                ; a backward conditional: a loop
        li      r1, 0
        li      r2, 5
.b140:  addi    r1, r1, 1
        cmp     r1, r2
        blt     .b140
        cmpi    r1, 5
        bne     fail

        li      r13, 141                ; about 15 MiB forward and back
        li      r1, 0
        br      far_br
far_br_back:
        cmpi    r1, 0x5a
        bne     fail

        li      r13, 142                ; the same with a conditional branch
        li      r1, 0
        cmp     r0, r0
        beq     far_beq
far_beq_back:
        cmpi    r1, 0xa5
        bne     fail

        br      pass

; Far away, near the top of the 16 MiB of RAM.
        .org    0x00f00000
far_br: li      r1, 0x5a
        br      far_br_back
        br      fail
far_beq:
        li      r1, 0xa5
        cmp     r1, r1
        beq     far_beq_back
        br      fail
