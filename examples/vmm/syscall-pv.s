; syscall-pv: examples/syscall/syscall.s, paravirtualized.  The same user
; program and system calls, but the kernel knows it may run under the VMM
; (examples/vmm/README.md, "Paravirtualization"): it asks at boot, and
; then prints each string with one hypercall instead of one `out` per
; byte, each of which would be an exit.  On the bare machine the probe
; reads 0xffffffff from a port no device has, and the kernel prints as
; syscall.s does: the output is the same everywhere.
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

        .equ HC_PORT, 0xf0          ; the VMM's door (paravirt.inc)
        .equ HC_MAGIC, 0x21564d4d
        .equ HC_WRITE, 1

_start:
        in      r1, HC_PORT(r0)     ; under the VMM: its magic number
        li      r2, HC_MAGIC
        cmp     r1, r2
        bne     .bare
        li      r1, 1
        la      r2, hypervisor
        stw     r1, 0(r2)
.bare:
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

; The console, paravirtualized: the helpers of examples/lib/console.inc
; that the kernel uses, each string in one hypercall when it can.
        .equ UART_DATA, 0x10
        .equ SYSCTL_POWEROFF, 0x00

; putn: print r2 bytes starting at r1.  Clobbers r1-r4.
putn:   la      r3, hypervisor
        ldw     r3, 0(r3)
        cmpi    r3, 0
        beq     .out
        mov     r3, r2              ; HC_WRITE(r2 = bytes, r3 = length)
        mov     r2, r1
        li      r1, HC_WRITE
        out     r1, HC_PORT(r0)
        ret
.out:   cmpi    r2, 0
        beq     .done
        ldbu    r3, 0(r1)
        out     r3, UART_DATA(r0)
        addi    r1, r1, 1
        addi    r2, r2, -1
        br      .out
.done:  ret

; puts: print the NUL-terminated string at r1.  Clobbers r1-r4.
puts:   mov     r2, r1
.len:   ldbu    r3, 0(r2)
        cmpi    r3, 0
        beq     .put
        addi    r2, r2, 1
        br      .len
.put:   sub     r2, r2, r1
        br      putn

; puthex: print r1 as 0x followed by 8 hex digits.  Clobbers r1-r4.
puthex: la      r4, digits + 10
        li      r3, 8
.digit: andi    r2, r1, 15
        cmpi    r2, 10
        blt     .num
        addi    r2, r2, 'a' - 10 - '0'
.num:   addi    r2, r2, '0'
        addi    r4, r4, -1
        stb     r2, 0(r4)
        shri    r1, r1, 4
        addi    r3, r3, -1
        cmpi    r3, 0
        bne     .digit
        li      r2, 'x'
        stb     r2, -1(r4)
        li      r2, '0'
        stb     r2, -2(r4)
        addi    r1, r4, -2
        li      r2, 10
        br      putn

; putdec: print r1 as an unsigned decimal number.  Clobbers r1-r4.
putdec: la      r4, digits + 10
.div:   li      r3, 10
        remu    r2, r1, r3
        divu    r1, r1, r3
        addi    r2, r2, '0'
        addi    r4, r4, -1
        stb     r2, 0(r4)
        cmpi    r1, 0
        bne     .div
        mov     r1, r4
        la      r2, digits + 10
        sub     r2, r2, r4
        br      putn

hypervisor:     .word 0             ; 1: the hypercalls work
digits:         .space 12           ; putdec and puthex build their text here

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
