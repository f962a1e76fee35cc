; exception: a user program tries a privileged IN; the kernel catches the
; privileged-instruction exception, explains it, and ends the program.
; A second program divides by zero and is caught the same way.

        .equ USER_STACK, 0x80000
        .equ VEC_PRIVILEGED, 2
        .equ VEC_DIVIDE, 4

_start:
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, on_privileged
        stw     r2, VEC_PRIVILEGED*4(r1)
        la      r2, on_divide
        stw     r2, VEC_DIVIDE*4(r1)

        la      r1, first_program
        call    run_user
        la      r1, second_program
        call    run_user

        la      r1, msg_done
        call    puts
        out     r0, SYSCTL_POWEROFF(r0)

; run_user: run the user program at r1 until the kernel kills it.  The
; kernel stack pointer at entry is kept in kscratch so a handler can
; unwind back here.
run_user:
        mtcr    kscratch, sp
        li      r2, USER_STACK
        mtcr    usp, r2
        push    r0                  ; saved flags: user mode
        push    r1                  ; saved pc
        rti

; Both handlers: print what happened and return from run_user.
on_privileged:
        la      r1, msg_priv
        br      report
on_divide:
        la      r1, msg_div
report: call    puts
        la      r1, msg_at
        call    puts
        ldw     r1, 0(sp)           ; saved pc: the faulting instruction
        call    puthex
        la      r1, msg_cause
        call    puts
        mfcr    r1, cause
        call    puthex
        la      r1, msg_killed
        call    puts
        mfcr    sp, kscratch        ; drop the frame: back into run_user
        ret

        .include "../lib/console.inc"

msg_priv:   .asciz "kernel: privileged instruction in user mode"
msg_div:    .asciz "kernel: division by zero in user mode"
msg_at:     .asciz " at pc="
msg_cause:  .asciz ", cause="
msg_killed: .asciz "; program killed\n"
msg_done:   .asciz "kernel: all programs done\n"
        .align  4

; ---- user programs ---------------------------------------------------

first_program:
        li      r1, 1
        in      r2, 0x10(r0)        ; privileged: traps
        br      first_program       ; never reached

second_program:
        li      r1, 10
        li      r2, 0
        div     r3, r1, r2          ; traps
        br      second_program

        .align  4
vectors:
        .space  1024
