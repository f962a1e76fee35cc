; An idle guest: a periodic timer every 1 ms of virtual time, and halt in
; between, forever.  make bench runs 100 of them in one lab.
        .equ TIMER_CTRL, 0x30
        .equ TIMER_RELOAD, 0x31
        .equ TIMER_STATUS, 0x33
        .equ PIC_EOI, 0x23
        .equ VEC_IRQ0, 16
_start: la      r1, vectors
        mtcr    vbr, r1
        la      r2, on_tick
        stw     r2, VEC_IRQ0*4(r1)
        li      r1, 100000
        out     r1, TIMER_RELOAD(r0)
        li      r1, 3               ; ENABLE | PERIODIC
        out     r1, TIMER_CTRL(r0)
        ei
idle:   halt
        br      idle
on_tick:
        li      r1, 1
        out     r1, TIMER_STATUS(r0)
        out     r0, PIC_EOI(r0)     ; IRQ 0
        rti
        .align  4
vectors: .space 1024
