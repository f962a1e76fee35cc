; breaks: breakpoints that a run arrives at in every way -- straight-line,
; a taken branch, an interrupt entry, waking from halt, a page that is
; also run at another virtual address (tests/monitor/breaks.cmd).
        .equ TIMER_CTRL, 0x30
        .equ TIMER_RELOAD, 0x31
        .equ PIC_EOI, 0x23

_start: la      r1, vectors
        mtcr    vbr, r1
        la      r2, on_tick
        stw     r2, 16*4(r1)        ; IRQ 0
        li      r1, 50
        out     r1, TIMER_RELOAD(r0)
        li      r1, 3               ; enabled, periodic
        out     r1, TIMER_CTRL(r0)
        li      r5, 0
        ei
loop:   li      r2, 10
.spin:  addi    r2, r2, -1
        cmpi    r2, 0
        bne     .spin
        halt
woke:   addi    r5, r5, 1
        cmpi    r5, 6
        blt     loop
        di
        out     r0, 0(r0)

on_tick:
        push    r1
        li      r1, 0
        out     r1, PIC_EOI(r0)
        pop     r1
        rti

        .align  4
vectors: .space 256*4
