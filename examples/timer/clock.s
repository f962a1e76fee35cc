; clock: a timer demo to watch.  Run it with --realtime:
;
;     aula run examples/timer/clock.s --realtime
;
; and it ticks twice a second for four seconds.  The timer interrupts every
; 0.5 s of virtual time (50,000,000 ticks at the nominal 100 MHz); between
; interrupts the CPU sleeps in halt.  Each tick prints the guest's clock,
; the control register time (virtual time, halted ticks included), next to
; icount (instructions retired), which hardly moves: the CPU is asleep
; nearly all the time.  Without --realtime the same run takes a few
; milliseconds: virtual time jumps from one interrupt to the next.

        .equ PIC_EOI, 0x23
        .equ TIMER_CTRL, 0x30
        .equ TIMER_RELOAD, 0x31
        .equ TIMER_STATUS, 0x33
        .equ TIMER_ENABLE, 1
        .equ TIMER_PERIODIC, 2
        .equ VEC_TIMER, 16              ; IRQ 0
        .equ PERIOD, 50000000           ; 0.5 s at 100 MHz
        .equ TICKS_PER_MS, 100000
        .equ TICKS, 8

_start:
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, on_tick
        stw     r2, VEC_TIMER*4(r1)
        la      r1, msg_start
        call    puts
        li      r1, PERIOD
        out     r1, TIMER_RELOAD(r0)
        li      r1, TIMER_ENABLE | TIMER_PERIODIC
        out     r1, TIMER_CTRL(r0)
        ei
idle:   halt                            ; sleep until the next tick
        la      r1, ticks
        ldw     r1, 0(r1)
        cmpi    r1, TICKS
        blt     idle
        la      r1, msg_done
        call    puts
        out     r0, SYSCTL_POWEROFF(r0)

; The timer's handler: print the clock, acknowledge, return.
on_tick:
        push    r1
        push    r2
        push    r3
        push    r4
        push    r5
        mfcr    r5, time                ; the tick of this interrupt
        la      r2, ticks
        ldw     r1, 0(r2)
        addi    r1, r1, 1
        stw     r1, 0(r2)
        la      r1, msg_time
        call    puts
        li      r2, TICKS_PER_MS
        divu    r1, r5, r2
        call    putdec                  ; milliseconds of virtual time
        la      r1, msg_icount
        call    puts
        mfcr    r1, icount
        call    putdec
        la      r1, msg_end
        call    puts
        li      r1, 1
        out     r1, TIMER_STATUS(r0)    ; clear EXPIRED
        li      r1, 0
        out     r1, PIC_EOI(r0)         ; end of interrupt, IRQ 0
        pop     r5
        pop     r4
        pop     r3
        pop     r2
        pop     r1
        rti

        .include "../lib/console.inc"

msg_start:  .asciz "clock: a tick every 0.5 s of virtual time\n"
msg_time:   .asciz "clock: time = "
msg_icount: .asciz " ms, icount = "
msg_end:    .asciz " instructions\n"
msg_done:   .asciz "clock: done\n"
        .align  4
ticks:      .word 0
vectors:    .space 1024
