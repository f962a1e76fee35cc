; The recursive fib(30) of fib.s with paging on and a timer interrupt
; every 10000 ticks.
        .equ N, 30
_start:
        call    map_identity
        call    live_start
        li      r1, N
        call    fib
        mov     r10, r2             ; fib(30) = 832040
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
        .include "../examples/lib/paging.inc"
        .include "live.inc"
