; kernel: a small multiprogramming kernel for Aula.  It runs two user
; programs, ping and pong, which are both linked to run at 0x400000 but
; are loaded at different physical addresses; paging gives each its own
; address space, a timer interrupt switches between them, and they ask
; the kernel for service with system calls.  README.md walks through it.
;
;   aula run examples/kernel/kernel.s
;   aula debug examples/kernel/kernel.s

        .include "kernel.inc"

; ---- the machine ----------------------------------------------------------

        .equ PIC_EOI, 0x23
        .equ TIMER_CTRL, 0x30
        .equ TIMER_RELOAD, 0x31
        .equ TIMER_STATUS, 0x33
        .equ TIMER_ENABLE, 1
        .equ TIMER_PERIODIC, 2
        .equ IRQ_TIMER, 0
        .equ VEC_TIMER, 16 + IRQ_TIMER
        .equ QUANTUM, 1500          ; instructions between two switches

        ; page table entries (docs/isa.md, section 6)
        .equ PTE_P, 1               ; present
        .equ PTE_W, 2               ; writable
        .equ PTE_U, 4               ; user mode may use it
        .equ PAGE, 4096

        .equ FLAG_I, 0x10           ; flags with I = 1 and P = 0: user mode

; ---- the kernel's own layout ------------------------------------------------

        .equ PING_PHYS, 0x20000     ; where ping and pong are loaded
        .equ PONG_PHYS, 0x30000
        .equ NPROC, 2

        ; a process control block
        .equ PCB_KSP, 0             ; its kernel stack pointer, when not running
        .equ PCB_PTBR, 4            ; its page directory
        .equ PCB_STATE, 8           ; RUNNABLE, or 0 once it has exited
        .equ PCB_SIZE, 16
        .equ RUNNABLE, 1

        ; the frame on a process's kernel stack while it is not running:
        ; what SAVE_ALL pushes, above it what the CPU pushed
        ;   sp+0 user sp, sp+4 r14, ..., sp+56 r1, sp+60 pc, sp+64 flags
        .equ FRAME_R1, 56
        .equ FRAME_SIZE, 68
        .equ KSTACK_SIZE, 1024

; SAVE_ALL: on entry from user mode the CPU has pushed flags and pc on the
; kernel stack.  Push the rest of the user's state, so that it can be
; resumed later, maybe after another process has run.
        .macro SAVE_ALL
        push    r1
        push    r2
        push    r3
        push    r4
        push    r5
        push    r6
        push    r7
        push    r8
        push    r9
        push    r10
        push    r11
        push    r12
        push    r13
        push    r14
        mfcr    r1, usp
        push    r1
        .endm

; RESTORE_ALL: the other way round; rti then pops pc and flags.
        .macro RESTORE_ALL
        pop     r1
        mtcr    usp, r1
        pop     r14
        pop     r13
        pop     r12
        pop     r11
        pop     r10
        pop     r9
        pop     r8
        pop     r7
        pop     r6
        pop     r5
        pop     r4
        pop     r3
        pop     r2
        pop     r1
        .endm

; PCB rd, tmp: rd = the control block of the running process.
        .macro PCB rd, tmp
        la      \rd, current
        ldw     \rd, 0(\rd)
        shli    \rd, \rd, 4         ; * PCB_SIZE
        la      \tmp, procs
        add     \rd, \rd, \tmp
        .endm

; ---- boot -------------------------------------------------------------------

_start: la      sp, boot_stack_top
        la      r1, vectors
        mtcr    vbr, r1
        la      r1, banner
        call    puts
        li      r1, QUANTUM
        out     r1, TIMER_RELOAD(r0)
        li      r1, TIMER_ENABLE | TIMER_PERIODIC
        out     r1, TIMER_CTRL(r0)
        ; Run process 0 as if it had been interrupted just before its
        ; first instruction: its address space, its kernel stack (which
        ; holds that first frame), and the way back to user mode.
        la      r2, procs
        ldw     r3, PCB_PTBR(r2)
        mtcr    ptbr, r3
        li      r3, 1
        mtcr    paging, r3          ; the kernel is identity-mapped
        ldw     sp, PCB_KSP(r2)
        br      resume

; ---- interrupts and system calls ------------------------------------------

; The timer: the running process has had its quantum.
on_timer:
        SAVE_ALL
        li      r1, 1
        out     r1, TIMER_STATUS(r0)    ; clear EXPIRED
        li      r1, IRQ_TIMER
        out     r1, PIC_EOI(r0)
        ; on to the next process

; switch: keep the running process's kernel sp (its frame is on top) and
; resume the next runnable one, round robin.
switch: PCB     r2, r3
        stw     sp, PCB_KSP(r2)
        la      r4, current
        ldw     r1, 0(r4)
        li      r5, NPROC           ; candidates left
.next:  inc     r1
        cmpi    r1, NPROC
        blt     .check
        clr     r1
.check: shli    r2, r1, 4
        la      r3, procs
        add     r2, r2, r3
        ldw     r6, PCB_STATE(r2)
        cmpi    r6, RUNNABLE
        beq     .found
        dec     r5
        cmpi    r5, 0
        bne     .next
        br      all_done
.found: stw     r1, 0(r4)
        ldw     r6, PCB_PTBR(r2)
        mtcr    ptbr, r6            ; its address space (and a fresh TLB)
        ldw     sp, PCB_KSP(r2)
resume: RESTORE_ALL
        rti

; A trap from user mode: cause holds the trap number.
on_syscall:
        SAVE_ALL
        mfcr    r1, cause
        andi    r1, r1, 0xff
        cmpi    r1, SYS_PUTS
        beq     sys_puts
        cmpi    r1, SYS_GETPID
        beq     sys_getpid
sys_exit:
        PCB     r2, r3
        stw     r0, PCB_STATE(r2)
        la      r1, msg_exit
        call    puts
        la      r1, current
        ldw     r1, 0(r1)
        call    putdec
        la      r1, newline
        call    puts
        br      switch

; The string is read through the process's own page tables, which are
; the ones in use: the kernel runs in every address space.
sys_puts:
        ldw     r1, FRAME_R1(sp)
        call    puts
        br      resume

sys_getpid:
        la      r1, current
        ldw     r1, 0(r1)
        stw     r1, FRAME_R1(sp)    ; the user's r1 after rti
        br      resume

all_done:
        la      r1, msg_done
        call    puts
        out     r0, SYSCTL_POWEROFF(r0)

; Anything else is a bug in a program (or in the kernel): say which.
on_fault:
        la      r1, msg_fault
        call    puts
        mfcr    r1, cause
        call    puthex
        la      r1, msg_at
        call    puts
        ldw     r1, 0(sp)           ; the saved pc
        call    puthex
        la      r1, newline
        call    puts
        li      r1, 1
        out     r1, SYSCTL_POWEROFF(r0)

        .include "../lib/console.inc"

; ---- data ---------------------------------------------------------------

banner:    .asciz "kernel: starting ping and pong\n"
msg_exit:  .asciz "kernel: exit from process "
msg_done:  .asciz "kernel: no process left, powering off\n"
msg_fault: .asciz "kernel: fault, cause "
msg_at:    .asciz " at pc "
newline:   .asciz "\n"
        .align  4

current: .word 0                    ; the running process
procs:  .word kstack0_frame, pgdir_ping, RUNNABLE, 0
        .word kstack1_frame, pgdir_pong, RUNNABLE, 0

; The vector table, 256 words built by .rept: the timer, the system
; calls, and on_fault for everything else.
        .set    V, 0
vectors:
        .rept   256
        .if     V == VEC_TIMER
        .word   on_timer
        .else
        .if     V == SYS_PUTS || V == SYS_EXIT || V == SYS_GETPID
        .word   on_syscall
        .else
        .word   on_fault
        .endif
        .endif
        .set    V, V + 1
        .endr

; Each process's kernel stack holds, to begin with, the frame that its
; first RESTORE_ALL and rti take: the user sp, r14..r1 all 0, the entry
; point, and flags for user mode with interrupts on.
        .macro FIRST_FRAME
        .word   USER_STACK
        .rept   14
        .word   0
        .endr
        .word   USER_BASE
        .word   FLAG_I
        .endm
kstack0: .space KSTACK_SIZE - FRAME_SIZE
kstack0_frame: FIRST_FRAME
kstack1: .space KSTACK_SIZE - FRAME_SIZE
kstack1_frame: FIRST_FRAME

; ---- address spaces -------------------------------------------------------

; The kernel's page table: the first 4 MiB, virtual = physical, kernel
; only.  Both directories share it.
        .align  PAGE
kpt:    .set    F, 0
        .rept   1024
        .word   F * PAGE | PTE_P | PTE_W
        .set    F, F + 1
        .endr

; A table for each program: 0x400000 is its code and data, 0x401000 its
; stack, in the program's own physical pages.
pt_ping: .word  PING_PHYS | PTE_P | PTE_W | PTE_U
        .word   PING_PHYS + PAGE | PTE_P | PTE_W | PTE_U
        .space  PAGE - 8
pt_pong: .word  PONG_PHYS | PTE_P | PTE_W | PTE_U
        .word   PONG_PHYS + PAGE | PTE_P | PTE_W | PTE_U
        .space  PAGE - 8

; The directories: entry 0 covers 0..4 MiB (the kernel), entry 1
; 4..8 MiB (the program at USER_BASE).
pgdir_ping: .word kpt | PTE_P | PTE_W
        .word   pt_ping | PTE_P | PTE_W | PTE_U
        .space  PAGE - 8
pgdir_pong: .word kpt | PTE_P | PTE_W
        .word   pt_pong | PTE_P | PTE_W | PTE_U
        .space  PAGE - 8

; The stack the kernel boots on: zero-filled, so the image stores only
; its size.
        .bss
boot_stack: .space 1024
boot_stack_top:
        .text

; ---- the programs ---------------------------------------------------------

; Both run at USER_BASE; .org's second operand says where each is loaded.
        .org    USER_BASE, PING_PHYS
        .include "ping.s"
        .org    USER_BASE, PONG_PHYS
        .include "pong.s"

; Their stacks, the page after each, zero-filled.
        .org    USER_BASE + PAGE, PING_PHYS + PAGE
        .bss
        .space  PAGE
        .org    USER_BASE + PAGE, PONG_PHYS + PAGE
        .bss
        .space  PAGE
