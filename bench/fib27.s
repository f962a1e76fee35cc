; Recursive fib(27), for the comparison with QEMU (bench/vs-qemu): the
; same algorithm as bench/fib27-rv.s, which QEMU runs as RISC-V code.
        .equ N, 27
_start:
        li      r1, N
        call    fib
        mov     r10, r2             ; fib(27) = 196418
        out     r0, 0(r0)

; r2 = fib(r1); preserves r1
fib:    cmpi    r1, 2
        blt     .small
        push    r1
        push    r3
        addi    r1, r1, -1
        call    fib
        mov     r3, r2
        addi    r1, r1, -1
        call    fib
        add     r2, r2, r3
        pop     r3
        pop     r1
        ret
.small: mov     r2, r1
        ret
