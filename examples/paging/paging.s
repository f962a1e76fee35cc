; paging: a small kernel that turns paging on and runs two user programs,
; each in its own address space (docs/isa.md, section 6).
;
;   - The kernel is identity-mapped (virtual = physical) in every address
;     space, kernel-only, so it keeps running when ptbr changes.
;   - Programs A and B are both linked to run at 0x00400000.  Each gets
;     its own page directory and its own frames, so the same virtual
;     address holds different bytes in each.
;   - They take turns cooperatively: `trap 32` (yield) saves the caller's
;     registers, switches ptbr and resumes the other one.
;   - A touches its heap at 0x00800000, which is not mapped: the kernel
;     maps a zeroed page on demand and the faulting load is retried.
;   - B writes its read-only data page: the kernel says why (fault
;     address, cause) and removes B from the run queue.
;   - When no program is left, the kernel powers off with 0.
;
; Physical memory:
;
;   0x00001000  this image: kernel, its data, the programs' bytes
;   0x00080000  top of the kernel stack (it grows down)
;   0x00100000  frame pool: page tables and user frames, handed out in
;     ...       order by alloc_frame, zeroed
;   0x00400000  end of the pool and of the kernel's identity map
;
; Each user address space:
;
;   0x00000000  unmapped (catches null pointers)
;   0x00001000  the kernel, identity-mapped: present, writable, kernel-only
;     ...
;   0x003fffff
;   0x00400000  text   present, user, read-only   (copied from the image)
;   0x00401000  data   A: user, writable;  B: user, read-only
;   0x00402000  stack  user, writable; sp starts at 0x00403000
;   0x00800000  heap   nothing mapped: pages appear on first touch
;     ...
;   0x00bfffff
;
; System calls (trap number; arguments in r1; every register is kept):
;   trap 32  yield                let the other program run
;   trap 33  exit(r1 = code)      end the program
;   trap 34  puts(r1 = string)    print a NUL-terminated string
;   trap 35  putdec(r1)           print r1 in decimal

        .equ KSTACK_TOP, 0x00080000
        .equ POOL_START, 0x00100000
        .equ POOL_END, 0x00400000
        .equ PAGE_SIZE, 4096

        .equ USER_TEXT, 0x00400000
        .equ USER_DATA, 0x00401000
        .equ USER_STACK_PAGE, 0x00402000
        .equ USER_STACK_TOP, 0x00403000
        .equ HEAP_START, 0x00800000
        .equ HEAP_END, 0x00c00000

        .equ SYS_YIELD, 32
        .equ SYS_EXIT, 33
        .equ SYS_PUTS, 34
        .equ SYS_PUTDEC, 35

        .equ VEC_PAGE_FAULT, 3
        .equ FLAG_P, 0x20           ; flags: privileged (kernel) mode

; A page directory entry and a page table entry have the same layout:
;
;  31                          12 11       5   4   3   2   1   0
; +------------------------------+----------+---+---+---+---+---+
; |  frame: physical address>>12 |  avail   | D | A | U | W | P |
; +------------------------------+----------+---+---+---+---+---+
        .equ PTE_P, 0x01            ; present
        .equ PTE_W, 0x02            ; writable
        .equ PTE_U, 0x04            ; user mode may use it
        .equ PTE_A, 0x08            ; accessed (set by the hardware)
        .equ PTE_D, 0x10            ; dirty (set by the hardware)

; A page fault's cause: bits 7..0 are the vector (3), then
        .equ CAUSE_PV, 0x100        ; 0: not present, 1: protection
        .equ CAUSE_W, 0x200         ; 0: read or fetch, 1: write
        .equ CAUSE_X, 0x400         ; 0: data, 1: instruction fetch
        .equ CAUSE_U, 0x800         ; 0: kernel mode, 1: user mode

; A process: what the kernel keeps of a program while it is not running.
        .equ P_STATE, 0             ; 1 = runnable, 0 = ended or killed
        .equ P_NAME, 4              ; its name, a string
        .equ P_PTBR, 8              ; its page directory (physical)
        .equ P_PC, 12               ; where it resumes
        .equ P_FLAGS, 16            ; its flags (P = 0: user mode)
        .equ P_SP, 20               ; its user stack pointer
        .equ P_R1, 24               ; r1..r14, one word each
        .equ P_SIZE, 80

_start:
        ; At reset sp is the top of RAM (16 MiB), outside what the kernel
        ; will map.  Once paging is on, exception entry pushes its frame
        ; through the MMU, and a page fault there is a double fault: so
        ; the kernel stack must stay mapped in every address space.  Move
        ; it into the identity-mapped range.
        li      sp, KSTACK_TOP
        la      r1, vectors
        mtcr    vbr, r1             ; the vector table is physical
        la      r2, on_unexpected
        li      r3, 256
.fill:  stw     r2, 0(r1)
        addi    r1, r1, 4
        addi    r3, r3, -1
        cmpi    r3, 0
        bne     .fill
        la      r1, vectors
        la      r2, on_page_fault
        stw     r2, VEC_PAGE_FAULT*4(r1)
        la      r2, sys_yield
        stw     r2, SYS_YIELD*4(r1)
        la      r2, sys_exit
        stw     r2, SYS_EXIT*4(r1)
        la      r2, sys_puts
        stw     r2, SYS_PUTS*4(r1)
        la      r2, sys_putdec
        stw     r2, SYS_PUTDEC*4(r1)

        ; The kernel's page table maps 0x00001000..0x003fffff to itself,
        ; present and writable but not user: user mode cannot touch the
        ; kernel.  Every address space shares this one table.
        call    alloc_frame
        la      r2, kernel_table
        stw     r1, 0(r2)
        addi    r1, r1, 4           ; entry 0 (page 0) stays unmapped
        li      r2, PAGE_SIZE | PTE_P | PTE_W
        li      r3, 1023
.ident: stw     r2, 0(r1)
        addi    r1, r1, 4
        addi    r2, r2, PAGE_SIZE
        addi    r3, r3, -1
        cmpi    r3, 0
        bne     .ident

        ; Paging on, with a directory that holds only the kernel.  The
        ; next instruction is fetched through it: identity mapping is
        ; what lets the kernel keep running.
        call    new_space
        mtcr    ptbr, r1
        li      r1, 1
        mtcr    paging, r1
        la      r1, msg_paging_on
        call    puts

        la      r1, proc_a
        la      r2, prog_a_desc
        call    create_process
        la      r1, proc_b
        la      r2, prog_b_desc
        call    create_process

        la      r1, proc_a
        call    say_switch
        la      r1, proc_a
        br      resume

; ---- memory: frames and page tables ---------------------------------------

; alloc_frame: r1 = the physical address of a fresh zeroed 4 KiB frame.
; Frames come from the pool in order and are never given back.
; Clobbers r1-r4.
alloc_frame:
        la      r4, next_frame
        ldw     r1, 0(r4)
        li      r2, POOL_END
        cmp     r1, r2
        bgeu    out_of_memory
        addi    r2, r1, PAGE_SIZE
        stw     r2, 0(r4)
        mov     r2, r1
        li      r3, PAGE_SIZE / 4
.zero:  stw     r0, 0(r2)           ; physical = virtual for the kernel
        addi    r2, r2, 4
        addi    r3, r3, -1
        cmpi    r3, 0
        bne     .zero
        ret

out_of_memory:
        la      r1, msg_no_memory
        call    puts
        li      r1, 255
        out     r1, SYSCTL_POWEROFF(r0)

; new_space: r1 = a new page directory whose entry 0 is the kernel's
; table: kernel-only (no U), so the whole first 4 MiB is the kernel's.
; Clobbers r1-r4.
new_space:
        call    alloc_frame
        la      r2, kernel_table
        ldw     r2, 0(r2)
        ori     r2, r2, PTE_P | PTE_W
        stw     r2, 0(r1)
        ret

; map: in the address space whose directory is r1, map the page at
; virtual address r2 with the page table entry r3 (frame | bits).  A
; missing page table is allocated; its directory entry allows
; everything (P W U) so that the page table entry alone decides.
; The caller must have the address space's table pages identity-mapped
; (every frame of the pool is).  Clobbers r1-r8.
map:
        mov     r5, r1
        mov     r6, r2
        mov     r7, r3
        shri    r8, r6, 22          ; directory index: bits 31..22
        shli    r8, r8, 2
        add     r8, r5, r8          ; r8 = address of the PDE
        ldw     r1, 0(r8)
        andi    r2, r1, PTE_P
        cmpi    r2, 0
        bne     .have_table
        call    alloc_frame
        ori     r1, r1, PTE_P | PTE_W | PTE_U
        stw     r1, 0(r8)
.have_table:
        shri    r1, r1, 12          ; the table's frame, without the bits
        shli    r1, r1, 12
        shri    r2, r6, 12          ; table index: bits 21..12
        andi    r2, r2, 1023
        shli    r2, r2, 2
        add     r1, r1, r2          ; r1 = address of the PTE
        stw     r7, 0(r1)
        ; A changed entry must leave the TLB (docs/isa.md, section 6).
        ; tlbi works on the current address space; a mapping added to
        ; another one needs nothing, since writing ptbr flushes it all.
        tlbi    r6
        ret

; copy: copy r3 bytes (a multiple of 4) from r1 to r2.  Clobbers r1-r4.
copy:   cmpi    r3, 0
        beq     .done
        ldw     r4, 0(r1)
        stw     r4, 0(r2)
        addi    r1, r1, 4
        addi    r2, r2, 4
        addi    r3, r3, -4
        br      copy
.done:  ret

; ---- processes ------------------------------------------------------------

; create_process: fill the process r1 from the program descriptor r2:
;   +0 name  +4 text start  +8 text end  +12 data start  +16 data end
;   +20 the data page's bits (PTE_U | PTE_P, and PTE_W if writable)
; Text and data are copied into a frame each (so each must fit in 4 KiB)
; and mapped into a new address space, with an empty stack page.
create_process:
        push    r9
        push    r10
        push    r11
        mov     r9, r1              ; r9 = the process
        mov     r10, r2             ; r10 = the descriptor
        call    new_space
        mov     r11, r1             ; r11 = its page directory
        stw     r11, P_PTBR(r9)
        ldw     r1, 0(r10)
        stw     r1, P_NAME(r9)

        ; text: user, present, not writable
        call    alloc_frame
        push    r1
        ldw     r3, 8(r10)
        ldw     r1, 4(r10)
        sub     r3, r3, r1
        ldw     r2, 0(sp)
        call    copy
        pop     r3
        ori     r3, r3, PTE_P | PTE_U
        mov     r1, r11
        li      r2, USER_TEXT
        call    map

        ; data: writable or not, as the descriptor says
        call    alloc_frame
        push    r1
        ldw     r3, 16(r10)
        ldw     r1, 12(r10)
        sub     r3, r3, r1
        ldw     r2, 0(sp)
        call    copy
        pop     r3
        ldw     r1, 20(r10)
        or      r3, r3, r1
        mov     r1, r11
        li      r2, USER_DATA
        call    map

        ; stack: user, writable, empty
        call    alloc_frame
        ori     r3, r1, PTE_P | PTE_W | PTE_U
        mov     r1, r11
        li      r2, USER_STACK_PAGE
        call    map

        li      r1, USER_TEXT
        stw     r1, P_PC(r9)
        stw     r0, P_FLAGS(r9)     ; user mode, interrupts off
        li      r1, USER_STACK_TOP
        stw     r1, P_SP(r9)
        li      r1, 1
        stw     r1, P_STATE(r9)

        la      r1, msg_kernel
        call    puts
        ldw     r1, P_NAME(r9)
        call    puts
        la      r1, msg_created
        call    puts
        mov     r1, r11
        call    puthex
        la      r1, msg_newline
        call    puts
        pop     r11
        pop     r10
        pop     r9
        ret

; save_context: the first thing a handler entered from user mode does.
; Copies the user's r1..r14, pc, flags and stack pointer into the
; current process (kscratch).  Clobbers r1 and r2, after saving them.
save_context:
        push    r1                  ; sp: user r1, return, saved pc, flags
        mfcr    r1, kscratch
        stw     r2, P_R1+4(r1)
        stw     r3, P_R1+8(r1)
        stw     r4, P_R1+12(r1)
        stw     r5, P_R1+16(r1)
        stw     r6, P_R1+20(r1)
        stw     r7, P_R1+24(r1)
        stw     r8, P_R1+28(r1)
        stw     r9, P_R1+32(r1)
        stw     r10, P_R1+36(r1)
        stw     r11, P_R1+40(r1)
        stw     r12, P_R1+44(r1)
        stw     r13, P_R1+48(r1)
        stw     r14, P_R1+52(r1)
        pop     r2
        stw     r2, P_R1(r1)
        ldw     r2, 4(sp)           ; the exception frame, above our return
        stw     r2, P_PC(r1)
        ldw     r2, 8(sp)
        stw     r2, P_FLAGS(r1)
        mfcr    r2, usp             ; sp is banked: the user's is usp here
        stw     r2, P_SP(r1)
        ret

; resume: run the process r1 from where it was saved.  Never returns.
; Switching address spaces is one write to ptbr (which also empties the
; TLB); the kernel's own mapping is the same in all of them.
resume:
        mtcr    kscratch, r1
        ldw     r2, P_PTBR(r1)
        mtcr    ptbr, r2
        ldw     r2, P_SP(r1)
        mtcr    usp, r2
        li      sp, KSTACK_TOP      ; nothing on the kernel stack survives
        ldw     r2, P_FLAGS(r1)
        push    r2
        ldw     r2, P_PC(r1)
        push    r2                  ; the frame rti pops: pc, then flags
        ldw     r14, P_R1+52(r1)
        ldw     r13, P_R1+48(r1)
        ldw     r12, P_R1+44(r1)
        ldw     r11, P_R1+40(r1)
        ldw     r10, P_R1+36(r1)
        ldw     r9, P_R1+32(r1)
        ldw     r8, P_R1+28(r1)
        ldw     r7, P_R1+24(r1)
        ldw     r6, P_R1+20(r1)
        ldw     r5, P_R1+16(r1)
        ldw     r4, P_R1+12(r1)
        ldw     r3, P_R1+8(r1)
        ldw     r2, P_R1+4(r1)
        ldw     r1, P_R1(r1)
        rti

; schedule: run the next runnable process after the current one, round
; robin; the current one is picked again if it is the only one left.
; Powers off when none is left.
schedule:
        mfcr    r9, kscratch        ; r9 = the current process
        mov     r10, r9
.next:  addi    r10, r10, P_SIZE
        la      r1, procs_end
        cmp     r10, r1
        bltu    .check
        la      r10, procs
.check: ldw     r1, P_STATE(r10)
        cmpi    r1, 0
        bne     .found
        cmp     r10, r9
        bne     .next
        la      r1, msg_all_done
        call    puts
        out     r0, SYSCTL_POWEROFF(r0)
.found: cmp     r10, r9
        beq     .same
        mov     r1, r10
        call    say_switch
.same:  mov     r1, r10
        br      resume

; say_switch: print which process runs next, and its page directory.
say_switch:
        push    r9
        mov     r9, r1
        la      r1, msg_switch
        call    puts
        ldw     r1, P_NAME(r9)
        call    puts
        la      r1, msg_ptbr
        call    puts
        ldw     r1, P_PTBR(r9)
        call    puthex
        la      r1, msg_close
        call    puts
        pop     r9
        ret

; say_process: print "kernel: NAME" for the process in kscratch.
say_process:
        la      r1, msg_kernel
        call    puts
        mfcr    r1, kscratch
        ldw     r1, P_NAME(r1)
        br      puts

; ---- system calls (entered from user mode, P = 1, I = 0) -----------------

sys_yield:
        call    save_context
        br      schedule

sys_exit:
        call    save_context
        call    say_process
        la      r1, msg_exited
        call    puts
        mfcr    r9, kscratch
        ldw     r1, P_R1(r9)
        call    putdec
        la      r1, msg_newline
        call    puts
        stw     r0, P_STATE(r9)
        br      schedule

; The kernel reads the string straight from the caller's address space:
; ptbr is still the caller's, and the U bit only restricts user mode.
; (A real kernel would first check that the pointer is a user address.)
sys_puts:
        call    save_context
        mfcr    r9, kscratch
        ldw     r1, P_R1(r9)
        call    puts
        mov     r1, r9
        br      resume

sys_putdec:
        call    save_context
        mfcr    r9, kscratch
        ldw     r1, P_R1(r9)
        call    putdec
        mov     r1, r9
        br      resume

; ---- page faults -----------------------------------------------------------

; A fault from user mode is either a first touch of the heap (not
; present, inside the heap): map a zeroed page and resume at the saved
; pc, which retries the access; or the program's own fault: kill it.
; A fault in kernel mode is a kernel bug.
on_page_fault:
        push    r1
        ldw     r1, 8(sp)           ; the saved flags
        andi    r1, r1, FLAG_P
        cmpi    r1, 0
        pop     r1                  ; pop leaves the flags alone
        bne     kernel_fault
        call    save_context
        mfcr    r9, far             ; the virtual address that failed
        mfcr    r10, cause
        mfcr    r11, kscratch       ; the process

        call    say_process
        la      r1, msg_fault_at
        call    puts
        mov     r1, r9
        call    puthex
        mov     r1, r10
        call    say_cause

        andi    r1, r10, CAUSE_PV
        cmpi    r1, 0
        bne     .kill               ; present: a protection violation
        li      r1, HEAP_START
        cmp     r9, r1
        bltu    .kill
        li      r1, HEAP_END
        cmp     r9, r1
        bgeu    .kill

        call    alloc_frame         ; zeroed: a new heap page reads 0
        mov     r12, r1
        ldw     r1, P_PTBR(r11)
        shri    r2, r9, 12
        shli    r2, r2, 12
        ori     r3, r12, PTE_P | PTE_W | PTE_U
        call    map
        la      r1, msg_mapped
        call    puts
        mov     r1, r12
        call    puthex
        la      r1, msg_retry
        call    puts
        mov     r1, r11
        br      resume              ; P_PC is the faulting instruction

.kill:  la      r1, msg_killed
        call    puts
        stw     r0, P_STATE(r11)    ; out of the run queue
        br      schedule

; say_cause: print ", cause 0x... (what, access, mode)" for the cause r1.
say_cause:
        push    r9
        mov     r9, r1
        la      r1, msg_cause
        call    puts
        mov     r1, r9
        call    puthex
        la      r1, msg_not_present
        andi    r2, r9, CAUSE_PV
        cmpi    r2, 0
        beq     .what
        la      r1, msg_protection
.what:  call    puts
        la      r1, msg_read
        andi    r2, r9, CAUSE_W
        cmpi    r2, 0
        beq     .access
        la      r1, msg_write
.access:
        andi    r2, r9, CAUSE_X
        cmpi    r2, 0
        beq     .print
        la      r1, msg_fetch
.print: call    puts
        la      r1, msg_kernel_mode
        andi    r2, r9, CAUSE_U
        cmpi    r2, 0
        beq     .mode
        la      r1, msg_user_mode
.mode:  call    puts
        pop     r9
        ret

kernel_fault:
        la      r1, msg_kernel_fault
        call    puts
        mfcr    r1, far
        call    puthex
        mfcr    r1, cause
        call    say_cause
        la      r1, msg_newline
        call    puts
        li      r1, 255
        out     r1, SYSCTL_POWEROFF(r0)

on_unexpected:
        la      r1, msg_unexpected
        call    puts
        mfcr    r1, cause
        call    puthex
        la      r1, msg_newline
        call    puts
        li      r1, 255
        out     r1, SYSCTL_POWEROFF(r0)

        .include "../lib/console.inc"

; ---- the kernel's data -----------------------------------------------------

msg_paging_on:
        .ascii  "kernel: paging on; the kernel is identity-mapped, "
        .asciz  "kernel-only\n"
msg_kernel:     .asciz "kernel: "
msg_created:    .asciz ": loaded at 0x00400000, page directory at "
msg_switch:     .asciz "kernel: switch to "
msg_ptbr:       .asciz " (ptbr "
msg_close:      .asciz ")\n"
msg_exited:     .asciz " exited with code "
msg_all_done:   .asciz "kernel: no program left to run; power off\n"
msg_fault_at:   .asciz ": page fault at "
msg_cause:      .asciz ", cause "
msg_not_present: .asciz " (not present, "
msg_protection: .asciz " (protection, "
msg_read:       .asciz "read, "
msg_write:      .asciz "write, "
msg_fetch:      .asciz "fetch, "
msg_kernel_mode: .asciz "kernel mode)"
msg_user_mode:  .asciz "user mode)"
msg_mapped:     .asciz "\nkernel:   a heap page: mapped the zeroed frame "
msg_retry:      .asciz ", retrying\n"
msg_killed:     .asciz "\nkernel:   not allowed: program killed\n"
msg_kernel_fault: .asciz "kernel: page fault in the kernel at "
msg_unexpected: .asciz "kernel: unexpected exception, cause "
msg_no_memory:  .asciz "kernel: out of frames\n"
msg_newline:    .asciz "\n"
        .align  4

next_frame:     .word POOL_START
kernel_table:   .word 0             ; physical address, set at boot

procs:
proc_a: .space  P_SIZE
proc_b: .space  P_SIZE
procs_end:

prog_a_desc:
        .word   name_a, prog_a, prog_a_end, prog_a_data, prog_a_data_end
        .word   PTE_P | PTE_W | PTE_U
prog_b_desc:
        .word   name_b, prog_b, prog_b_end, prog_b_data, prog_b_data_end
        .word   PTE_P | PTE_U       ; read-only
name_a: .asciz  "A"
name_b: .asciz  "B"
        .align  4

; ---- the user programs -----------------------------------------------------
;
; Both run at USER_TEXT, but the assembler places their bytes here, in
; the kernel's image, for the kernel to copy.  Branches are relative to
; pc, so they work anywhere; an absolute address of one of the program's
; own labels is written label + X_VA, where X_VA = USER_TEXT - start.

prog_a:
        .equ    A_VA, USER_TEXT - prog_a
        li      r1, USER_DATA       ; the same address as B's data page
        trap    SYS_PUTS
        la      r1, .hello + A_VA
        trap    SYS_PUTS
        trap    SYS_YIELD

        ; Nothing is mapped at the heap yet: this load faults, the
        ; kernel maps a zeroed page, and the load runs again.
        li      r5, HEAP_START
        ldw     r6, 0(r5)
        la      r1, .heap + A_VA
        trap    SYS_PUTS
        mov     r1, r6
        trap    SYS_PUTDEC
        la      r1, .newline + A_VA
        trap    SYS_PUTS

        ; Fill the heap with the squares of 1..10, and count them in r7
        ; on the stack: both survive the switch to B and back.
        li      r7, 0
.fill:  addi    r7, r7, 1
        mul     r8, r7, r7
        stw     r8, 0(r5)
        addi    r5, r5, 4
        cmpi    r7, 10
        bne     .fill

        ; The store B will make, at the same address: A's page takes it.
        la      r1, .change + A_VA
        trap    SYS_PUTS
        li      r1, USER_DATA
        li      r2, 'a'
        stb     r2, 0(r1)
        trap    SYS_PUTS

        push    r7
        trap    SYS_YIELD

        pop     r7
        li      r5, HEAP_START
        li      r6, 0
.sum:   ldw     r8, 0(r5)
        add     r6, r6, r8
        addi    r5, r5, 4
        addi    r7, r7, -1
        cmpi    r7, 0
        bne     .sum
        la      r1, .sum_is + A_VA
        trap    SYS_PUTS
        mov     r1, r6
        trap    SYS_PUTDEC
        la      r1, .newline + A_VA
        trap    SYS_PUTS
        li      r1, 0
        trap    SYS_EXIT

.hello:   .asciz "A: hello from 0x00400000\n"
.heap:    .asciz "A: my new heap page at 0x00800000 reads "
.change:  .asciz "A: I change the first letter of my data page:\n"
.sum_is:  .asciz "A: after B ran, my heap still sums to "
.newline: .asciz "\n"
        .align  4
prog_a_end:

prog_a_data:
        .asciz  "A: my data page at 0x00401000 is writable\n"
        .align  4
prog_a_data_end:

prog_b:
        .equ    B_VA, USER_TEXT - prog_b
        li      r1, USER_DATA       ; the same address as A's data page
        trap    SYS_PUTS
        trap    SYS_YIELD

        la      r1, .try + B_VA
        trap    SYS_PUTS
        li      r5, USER_DATA
        li      r6, 'b'
        stb     r6, 0(r5)           ; not writable: the kernel kills B
        la      r1, .survived + B_VA
        trap    SYS_PUTS
        li      r1, 1
        trap    SYS_EXIT

.try:      .asciz "B: now I write my read-only data page\n"
.survived: .asciz "B: the write went through (it should not have)\n"
        .align  4
prog_b_end:

prog_b_data:
        .asciz  "B: my data page at 0x00401000 is read-only\n"
        .align  4
prog_b_data_end:

        .align  4
vectors:
        .space  1024
