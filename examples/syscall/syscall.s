; syscall: a user program calls a tiny kernel through TRAP and returns
; through RTI.
;
; System calls (number = trap vector, arguments in r1, r2, result in r1):
;   trap 32  write(r1 = buffer, r2 = length)   prints the bytes
;   trap 33  putdec(r1)                        prints r1 in decimal
;   trap 34  exit(r1 = code)                   powers the machine off
;
; The kernel runs on its own stack (sp is banked): the user program's
; stack pointer is never touched by a system call.

        .equ USER_STACK, 0x80000
        .equ SYS_WRITE, 32
        .equ SYS_PUTDEC, 33
        .equ SYS_EXIT, 34

_start:
        ; Every vector points at `unexpected`, then the system calls.
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, unexpected
        li      r3, 256
.fill:  stw     r2, 0(r1)
        addi    r1, r1, 4
        addi    r3, r3, -1
        cmpi    r3, 0
        bne     .fill
        la      r1, vectors
        la      r2, sys_write
        stw     r2, SYS_WRITE*4(r1)
        la      r2, sys_putdec
        stw     r2, SYS_PUTDEC*4(r1)
        la      r2, sys_exit
        stw     r2, SYS_EXIT*4(r1)

        ; Enter user mode: give it a stack, then "return" into it with
        ; a frame whose saved flags have P = 0.
        li      r1, USER_STACK
        mtcr    usp, r1
        push    r0                  ; saved flags: user mode, I = 0
        la      r1, user_main
        push    r1                  ; saved pc
        rti

; ---- the kernel's system calls (entered with P = 1, I = 0) -------------

sys_write:
        push    r3
        push    r4
        call    putn
        pop     r4
        pop     r3
        rti

sys_putdec:
        push    r2
        push    r3
        push    r4
        call    putdec
        pop     r4
        pop     r3
        pop     r2
        rti

sys_exit:
        out     r1, SYSCTL_POWEROFF(r0)

unexpected:
        la      r1, msg_unexpected
        call    puts
        mfcr    r1, cause
        call    puthex
        li      r1, 255
        out     r1, SYSCTL_POWEROFF(r0)

        .include "../lib/console.inc"

msg_unexpected:
        .asciz  "kernel: unexpected exception, cause "
        .align  4

; ---- the user program (P = 0): it can only compute and trap ------------

user_main:
        la      r1, greeting
        li      r2, greeting_end - greeting
        trap    SYS_WRITE

        ; Sum 1..100 on the user stack's behalf, then print it.
        li      r1, 0
        li      r2, 100
.sum:   add     r1, r1, r2
        addi    r2, r2, -1
        cmpi    r2, 0
        bne     .sum
        push    r1
        la      r1, sum_is
        li      r2, sum_is_end - sum_is
        trap    SYS_WRITE
        pop     r1
        trap    SYS_PUTDEC
        la      r1, newline
        li      r2, 1
        trap    SYS_WRITE

        li      r1, 0
        trap    SYS_EXIT

greeting:
        .ascii  "user: hello through trap 32\n"
greeting_end:
sum_is:
        .ascii  "user: 1 + 2 + ... + 100 = "
sum_is_end:
newline:
        .ascii  "\n"

        .align  4
vectors:
        .space  1024
