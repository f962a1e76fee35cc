; timer: a periodic tick counter.  The timer interrupts every 10 ms of
; virtual time (1,000,000 ticks at the nominal 100 MHz); the handler counts
; the ticks and prints each one; in between the CPU halts, and virtual time
; jumps straight to the next interrupt.  After five ticks, power off.

        .equ PIC_EOI, 0x23
        .equ TIMER_CTRL, 0x30
        .equ TIMER_RELOAD, 0x31
        .equ TIMER_STATUS, 0x33
        .equ TIMER_ENABLE, 1
        .equ TIMER_PERIODIC, 2
        .equ IRQ_TIMER, 0
        .equ VEC_IRQ0, 16
        .equ PERIOD, 1000000
        .equ TICKS, 5

_start:
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, on_tick
        stw     r2, (VEC_IRQ0 + IRQ_TIMER)*4(r1)

        li      r1, PERIOD
        out     r1, TIMER_RELOAD(r0)
        li      r1, TIMER_ENABLE | TIMER_PERIODIC
        out     r1, TIMER_CTRL(r0)
        ei

idle:   halt                        ; sleep until the next interrupt
        la      r1, ticks
        ldw     r1, 0(r1)
        cmpi    r1, TICKS
        blt     idle
        la      r1, msg_done
        call    puts
        out     r0, SYSCTL_POWEROFF(r0)

; The timer's handler: count, print, acknowledge, return.
on_tick:
        push    r1
        push    r2
        push    r3
        push    r4
        la      r2, ticks
        ldw     r1, 0(r2)
        addi    r1, r1, 1
        stw     r1, 0(r2)
        push    r1
        la      r1, msg_tick
        call    puts
        pop     r1
        call    putdec
        la      r1, msg_ms
        call    puts
        li      r1, 1
        out     r1, TIMER_STATUS(r0)    ; clear EXPIRED
        li      r1, IRQ_TIMER
        out     r1, PIC_EOI(r0)         ; end of interrupt
        pop     r4
        pop     r3
        pop     r2
        pop     r1
        rti

        .include "../lib/console.inc"

msg_tick:   .asciz "tick "
msg_ms:     .asciz " (10 ms of virtual time)\n"
msg_done:   .asciz "timer: done\n"
        .align  4
ticks:      .word 0
vectors:    .space 1024
