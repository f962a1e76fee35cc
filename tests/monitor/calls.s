; calls: nested calls, a loop and a counter in memory, for the monitor's
; tests (tests/monitor/calls.cmd).
_start:
        li      r1, 3
        call    sum             ; r1 = 1 + 2 + 3
        mov     r5, r1
        li      r1, 4
        call    sum
        add     r5, r5, r1      ; 6 + 10
        la      r2, result
        stw     r5, 0(r2)
        out     r0, 0(r0)       ; power off

; sum: r1 = 1 + 2 + ... + r1, counting calls of add_to in `calls`
sum:    push    r2
        mov     r2, r1
        li      r1, 0
.loop:  call    add_to
        addi    r2, r2, -1
        cmpi    r2, 0
        bne     .loop
        pop     r2
        ret

; add_to: r1 = r1 + r2
add_to: add     r1, r1, r2
        la      r3, calls
        ldw     r4, 0(r3)
        addi    r4, r4, 1
        stw     r4, 0(r3)
        ret

        .align  4
calls:  .word   0
result: .word   0
