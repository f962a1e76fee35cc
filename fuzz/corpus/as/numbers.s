_start: la r1, x
 .equ N, 1 << 31
 .word N * 2, -N, ~0
x: .byte 255, -128
