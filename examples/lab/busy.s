; busy: a guest that never halts, and measures what it gets.  Each round
; it retires a fixed number of instructions and reads two clocks around
; them: its own instruction count (mfcr icount) and the timer's COUNT,
; which runs in the host's time.  Alone on a CPU the two agree; sharing a
; CPU with other busy machines, the timer shows time that passed while
; the guest did not run -- the "unexplained waiting" a guest sees of its
; hypervisor's round robin.  After ROUNDS rounds it powers off.

        .equ TIMER_CTRL, 0x30
        .equ TIMER_RELOAD, 0x31
        .equ TIMER_COUNT, 0x32
        .equ TIMER_ENABLE, 1
        .equ WORK, 20000            ; loop iterations a round, 3 insns each
        .equ ROUNDS, 4

_start:
        li      r1, 0x7fffffff      ; a one-shot timer as a stopwatch
        out     r1, TIMER_RELOAD(r0)
        li      r1, TIMER_ENABLE
        out     r1, TIMER_CTRL(r0)
        li      r10, ROUNDS

round:  in      r6, TIMER_COUNT(r0) ; counts down
        mfcr    r7, icount
        li      r5, WORK
.work:  addi    r5, r5, -1
        cmpi    r5, 0
        bne     .work
        in      r8, TIMER_COUNT(r0)
        mfcr    r9, icount
        la      r1, msg_round
        call    puts
        sub     r1, r9, r7
        call    putdec
        la      r1, msg_took
        call    puts
        sub     r1, r6, r8
        call    putdec
        la      r1, msg_ticks
        call    puts
        addi    r10, r10, -1
        cmpi    r10, 0
        bne     round
        out     r0, SYSCTL_POWEROFF(r0)

        .include "../lib/console.inc"

msg_round:  .asciz "busy: "
msg_took:   .asciz " instructions took "
msg_ticks:  .asciz " ticks\n"
