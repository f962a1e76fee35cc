; Interrupt-heavy: the timer fires every 200 ticks; the handler clears the
; timer, does EOI and returns; the main loop counts.  200000 interrupts.
        .equ PERIOD, 200
        .equ IRQS, 200000
_start:
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, tick
        stw     r2, 64(r1)              ; IRQ 0
        li      r1, PERIOD
        out     r1, 0x31(r0)            ; RELOAD
        li      r1, 3
        out     r1, 0x30(r0)            ; ENABLE | PERIODIC
        li      r9, IRQS
        ei
.loop:  addi    r3, r3, 1
        cmp     r4, r9
        blt     .loop
        out     r0, 0(r0)
tick:   addi    r4, r4, 1
        li      r5, 1
        out     r5, 0x33(r0)            ; clear EXPIRED
        out     r0, 0x23(r0)            ; EOI line 0
        rti
        .align  4
vectors: .space 1024
