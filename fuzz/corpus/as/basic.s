_start: li r1, 3
        addi r1, r1, (1 + 2) * 4
loop:   br loop
        .word 1, 2, 0xffffffff
        .asciz "hi\n"
        .align 4
        .space 16
