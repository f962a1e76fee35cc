; irq.s: interrupt delivery through the PIC, from the guest's side, with the
; timer as the source (edge-triggered, IRQ 0, vector 16): delivery with I=1,
; none with I=0 or the line masked (the request waits in PENDING), the saved
; pc and ei's one-instruction shadow, the in-service bit blocking the line until EOI, EOI re-enabling it,
; halt woken by the timer.  Nesting of a higher line inside a lower one is
; in tests/unit/test_pic.c (a guest here has only one interrupt source).

        .include "check.inc"

        .equ PIC_PENDING, 0x20
        .equ PIC_INSERVICE, 0x21
        .equ PIC_MASK, 0x22
        .equ PIC_EOI, 0x23
        .equ TIMER_CTRL, 0x30
        .equ TIMER_RELOAD, 0x31
        .equ TIMER_STATUS, 0x33
        .equ ONE_SHOT, 1
        .equ PERIODIC, 3

_start: la      r1, exc_table
        mtcr    vbr, r1
        la      r2, on_timer
        stw     r2, 64(r1)              ; vector 16: IRQ 0

        ; 1: a one-shot expiry with I = 1 is taken, once.
        li      r13, 1
        call    arm_100
        ei
        call    wait_300
        di
        ldw     r1, irq_count(r0)
        cmpi    r1, 1
        bne     fail
        ldw     r1, irq_cause(r0)
        cmpi    r1, 16
        bne     fail
        li      r13, 2                  ; the handler left it in service
        in      r1, PIC_INSERVICE(r0)
        cmpi    r1, 1
        bne     fail
        li      r13, 3                  ; EOI ends it
        out     r0, PIC_EOI(r0)
        in      r1, PIC_INSERVICE(r0)
        cmpi    r1, 0
        bne     fail

        ; 4: with I = 0 the request waits in PENDING; ei takes it after
        ; one more instruction (the interrupt shadow): the saved pc is the
        ; instruction after the one after ei.
        li      r13, 4
        stw     r0, irq_count(r0)
        call    arm_100
        call    wait_300
        ldw     r1, irq_count(r0)
        cmpi    r1, 0
        bne     fail
        li      r13, 5
        in      r1, PIC_PENDING(r0)
        cmpi    r1, 1
        bne     fail
        li      r13, 6
        ei
        nop                             ; runs before the interrupt
after_ei:
        di
        ldw     r1, irq_count(r0)
        cmpi    r1, 1
        bne     fail
        li      r13, 7
        ldw     r1, irq_epc(r0)
        la      r2, after_ei
        cmp     r1, r2
        bne     fail
        out     r0, PIC_EOI(r0)

        ; 8: masked, the request waits even with I = 1; unmasking takes it.
        li      r13, 8
        stw     r0, irq_count(r0)
        li      r1, 1
        out     r1, PIC_MASK(r0)
        call    arm_100
        ei
        call    wait_300
        ldw     r1, irq_count(r0)
        cmpi    r1, 0
        bne     fail
        li      r13, 9
        out     r0, PIC_MASK(r0)
        nop
        di
        ldw     r1, irq_count(r0)
        cmpi    r1, 1
        bne     fail
        out     r0, PIC_EOI(r0)

        ; 10: while IRQ 0 is in service (no EOI), a second expiry waits;
        ; the EOI lets it in.
        li      r13, 10
        stw     r0, irq_count(r0)
        call    arm_100
        ei
        call    wait_300                ; first one taken, left in service
        call    arm_100
        call    wait_300                ; second one pending, blocked
        di
        ldw     r1, irq_count(r0)
        cmpi    r1, 1
        bne     fail
        li      r13, 11
        in      r1, PIC_PENDING(r0)
        cmpi    r1, 1
        bne     fail
        li      r13, 12
        ei
        out     r0, PIC_EOI(r0)         ; ends the first: the second comes
        nop
        di
        ldw     r1, irq_count(r0)
        cmpi    r1, 2
        bne     fail
        out     r0, PIC_EOI(r0)

        ; 13: halt sleeps until the timer; the saved pc follows the halt.
        li      r13, 13
        stw     r0, irq_count(r0)
        li      r1, 50000
        out     r1, TIMER_RELOAD(r0)
        li      r1, ONE_SHOT
        out     r1, TIMER_CTRL(r0)
        ei
        halt
after_halt:
        di
        ldw     r1, irq_count(r0)
        cmpi    r1, 1
        bne     fail
        li      r13, 14
        ldw     r1, irq_epc(r0)
        la      r2, after_halt
        cmp     r1, r2
        bne     fail
        br      pass

; Start a one-shot countdown of 100 ticks.
arm_100:
        li      r1, 100
        out     r1, TIMER_RELOAD(r0)
        li      r1, ONE_SHOT
        out     r1, TIMER_CTRL(r0)
        ret

; Spin about 300 ticks.
wait_300:
        li      r1, 100
.spin:  addi    r1, r1, -1
        cmpi    r1, 0
        bne     .spin
        ret

; The timer's handler: count, record cause and saved pc, clear EXPIRED,
; and return WITHOUT an EOI (the test ends each interrupt itself).
on_timer:
        push    r1
        push    r2
        ldw     r1, irq_count(r0)
        addi    r1, r1, 1
        stw     r1, irq_count(r0)
        mfcr    r1, cause
        stw     r1, irq_cause(r0)
        ldw     r1, 8(sp)               ; saved pc, above our two pushes
        stw     r1, irq_epc(r0)
        li      r1, 1
        out     r1, TIMER_STATUS(r0)
        pop     r2
        pop     r1
        rti

        .align  4
irq_count:      .word 0
irq_cause:      .word 0
irq_epc:        .word 0
