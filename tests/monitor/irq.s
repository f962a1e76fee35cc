; irq: a timer faster than its handler, and a while with the line masked,
; so that `info pic` has something to explain (tests/monitor/irq.cmd).
        .equ PIC_MASK, 0x22
        .equ PIC_EOI, 0x23
        .equ TIMER_CTRL, 0x30
        .equ TIMER_RELOAD, 0x31
        .equ TIMER_STATUS, 0x33

_start: la      r1, vectors
        mtcr    vbr, r1
        la      r2, on_tick
        stw     r2, 16*4(r1)        ; IRQ 0
        li      r1, 100
        out     r1, TIMER_RELOAD(r0)
        li      r1, 3               ; enabled, periodic
        out     r1, TIMER_CTRL(r0)
        ei
wait:   la      r1, ticks
        ldw     r1, 0(r1)
        cmpi    r1, 3
        blt     wait
        li      r1, 1
        out     r1, PIC_MASK(r0)    ; mask IRQ 0
masked: li      r2, 100
.spin:  addi    r2, r2, -1
        cmpi    r2, 0
        bne     .spin
        out     r0, PIC_MASK(r0)    ; unmask: the latched tick comes in
again:  la      r1, ticks
        ldw     r1, 0(r1)
        cmpi    r1, 5
        blt     again
        out     r0, 0(r0)

; The first time slower than the timer: the next tick is latched before
; the EOI.
on_tick:
        push    r1
        push    r2
        la      r2, ticks
        ldw     r1, 0(r2)
        addi    r1, r1, 1
        stw     r1, 0(r2)
        li      r2, 1
        cmpi    r1, 1
        bne     .slow
        li      r2, 40
.slow:  addi    r2, r2, -1
        cmpi    r2, 0
        bne     .slow
        li      r1, 1
        out     r1, TIMER_STATUS(r0)
eoi:    out     r0, PIC_EOI(r0)
        pop     r2
        pop     r1
        rti

        .align  4
ticks:  .word   0
vectors: .space 1024
