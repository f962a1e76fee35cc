; vmm: a teaching virtual machine monitor for Aula (examples/vmm/README.md).
;
; It boots on the machine in kernel mode, loads a guest kernel -- a whole
; Aula image, embedded in this one -- into a region of its memory that
; becomes the guest's "physical" memory, and runs it in USER mode.  Every
; sensitive instruction the guest executes then traps here (docs/isa.md,
; section 5), and the VMM emulates it on a virtual CPU: the guest's own
; mode, interrupt flag and control registers.  Memory is translated by
; shadow page tables built in software (shadow.inc), ports by virtual
; devices (devices.inc), and at the end the VMM prints how often the guest
; made it work, by reason (report.inc).  Since the VMM is itself just a
; kernel, it runs under itself.
;
; This file is included by a small file that says where the VMM lives and
; which guest it runs (examples/vmm/README.md, "Building a VM"):
;
;       .equ    VMM_BASE, 0x01000000    ; a multiple of 4 MiB
;       .include "vmm.s"
;       .align  4
;   guest_image:
;       .incbin "hello.img"             ; an image made by aula as
;   guest_image_end:
;
; The machine's memory, as this VMM uses it (all of it identity-mapped:
; the VMM's virtual addresses are its physical ones):
;
;   0 .. VMM_BASE        never touched by the VMM itself: these virtual
;                        addresses are the guest's
;   VMM_BASE             this code, its data, the embedded guest image
;   VMM_BASE + 0x0f0000  the vcpu, the shadow address spaces, the counters
;   VMM_BASE + 0x0f2000  the VMM's own page directory (boot_dir)
;   VMM_BASE + 0x100000  the tracked and writable maps, the pool's records
;   VMM_BASE + 0x140000  the page tables that map the VMM itself
;   VMM_BASE + 0x180000  the pool of frames for shadow page tables
;   GUEST_PHYS           the guest's physical memory, guest address 0
;     ...                up to the end of RAM (at most VMM_BASE bytes)
;
; Every shadow address space maps [VMM_BASE, end of RAM) the same way,
; kernel-only, so the VMM keeps running whatever the guest's page tables
; say: that range is the "hole" the guest may not use.  A VMM running
; under another VMM must therefore live below the outer one's VMM_BASE,
; and the guest a VMM runs must use only virtual addresses below its own:
; the test (tests/vmm.sh) stacks them at 16, 36 and 76 MiB.

        .equ VMM_CODE_END, VMM_BASE + 0x0e0000
        .equ VCPU_TOP, VMM_BASE + 0x0f0000
        .equ VCPU, VCPU_TOP - 64
        .equ BOOT_DIR, VMM_BASE + 0x0f2000
        .equ TRACKED, VMM_BASE + 0x100000
        .equ WRITABLE, VMM_BASE + 0x110000
        .equ DESCS, VMM_BASE + 0x120000
        .equ HOLE_TABLES, VMM_BASE + 0x140000
        .equ HOLE_TABLES_END, VMM_BASE + 0x180000
        .equ POOL, VMM_BASE + 0x180000
        .equ POOL_END, VMM_BASE + 0x400000
        .equ GUEST_PHYS, VMM_BASE + 0x400000
        .equ PAGE_SIZE, 4096

; flags (docs/isa.md, section 1)
        .equ FLAG_CC, 0x0f          ; Z N C V
        .equ FLAG_I, 0x10
        .equ FLAG_P, 0x20
        .equ FLAG_ALL, 0x3f

; vectors
        .equ VEC_ILLEGAL, 1
        .equ VEC_PRIVILEGED, 2
        .equ VEC_PAGE_FAULT, 3
        .equ VEC_DIVIDE, 4
        .equ VEC_MISALIGNED, 5
        .equ VEC_BREAKPOINT, 6
        .equ VEC_DOUBLE_FAULT, 7
        .equ VEC_BUS_ERROR, 8
        .equ VEC_IRQ0, 16
        .equ VEC_TRAP_FIRST, 32

; page-fault cause bits, and page table entry bits (docs/isa.md, section 6)
        .equ CAUSE_PV, 0x100
        .equ CAUSE_W, 0x200
        .equ CAUSE_X, 0x400
        .equ CAUSE_U, 0x800
        .equ PTE_P, 0x01
        .equ PTE_W, 0x02
        .equ PTE_U, 0x04
        .equ PTE_A, 0x08
        .equ PTE_D, 0x10

; opcodes the VMM decodes
        .equ OP_STW, 0x45
        .equ OP_STH, 0x46
        .equ OP_STB, 0x47
        .equ OP_TRAP, 0x68
        .equ OP_RTI, 0x70
        .equ OP_HALT, 0x79

; The vcpu: the guest's registers and the virtual CPU's state.  Its first
; 64 bytes are the exception frame of the last exit: the hardware pushes
; the guest's pc and flags just below VCPU_TOP (the VMM's kernel stack
; pointer while the guest runs), and vmm_entry pushes r14 .. r1 below
; them.  So while the VMM runs, r13 = VCPU and the guest's register k is
; the word at 4 * (k - 1)(r13).  The guest's r15 is the host's user stack
; pointer (mfcr usp): the guest runs in user mode.
        .equ V_PC, 56               ; the guest's pc (the frame's saved pc)
        .equ V_FLAGS, 60            ; the frame's flags: the guest's Z N C V
        .equ V_VFLAGS, 64           ; the virtual P and I
        .equ V_OSP, 68              ; the virtual other-mode stack pointer
        .equ V_VBR, 72
        .equ V_PTBR, 76
        .equ V_PAGING, 80
        .equ V_FAR, 84
        .equ V_CAUSE, 88
        .equ V_KSCRATCH, 92
        .equ V_SHADOW, 96           ; 1 just after an emulated ei
        .equ V_IRR, 100             ; the virtual PIC: requesting lines
        .equ V_ISR, 104             ;   lines in service
        .equ V_IMR, 108             ;   masked lines
        .equ V_LASTCH, 112          ; the last byte the guest printed
        ; reset_guest clears everything above; the rest is the VMM's
        .equ V_RAM, 120             ; bytes of guest memory
        .equ V_ENTRY, 124           ; the guest image's entry point
        .equ V_HOSTDIR, 128         ; the page directory the host uses now
        .equ V_HOSTRAM, 132         ; bytes of RAM of this machine
        .equ V_NEXTFRAME, 136       ; the pool's next free frame
        .equ V_FLOOD_PAGE, 140      ; the last tracked page written...
        .equ V_FLOOD_N, 144         ;   ...and how many times in a row
        .equ V_HOLE_PDE, 148        ; offset of the hole's first PDE
        .equ V_HOLE_PDE_END, 152    ;   and of the one after its last
        .equ V_RMASK, 156           ; the real PIC's mask, as we set it
        .equ V_LASTKEY, 160         ; the shadow space used last...
        .equ V_LASTSPACE, 164       ;   ...and its record
        .equ V_T_PERM, 168          ; exit_page_fault's walk: permissions
        .equ V_T_PTE, 172           ;   and where the guest's PTE is
        .equ V_STEP_N, 176          ; single_step: breakpoints planted,
        .equ V_STEP, 180            ;   each {virtual, physical, word}
        .equ V_TENTER, 204          ; icount when this exit began
        .equ V_OVER, 208            ; instructions the VMM has run
        .equ V_BOOT, 212            ;   of which its boot

; The exit counters, one word each from V_COUNT: the report prints them.
        .equ V_COUNT, 256
        .equ N_EXITS, 0             ; every entry into the VMM from the guest
        .equ N_PRIV, 4              ; privileged instructions, 4 * (op - 0x70)
        .equ N_TRAPK, 44            ;   and trap n < 32 in kernel mode
        .equ N_FILL, 48             ; page faults: a shadow entry filled
        .equ N_TRACK, 52            ;   a write to a tracked page table
        .equ N_PFREFLECT, 56        ;   the guest's own, reflected
        .equ N_REFLECT, 60          ; other exceptions and traps reflected
        .equ N_IRQ, 64              ; real interrupts taken
        .equ N_INJECT, 68           ; virtual interrupts delivered
        .equ N_HCALL, 72            ; hypercalls
        .equ N_FLUSH, 76            ; every shadow thrown away
        .equ N_INVAL, 80            ; shadow entries dropped by tracking
        .equ N_TABLES, 84           ; shadow tables built
        .equ N_STEP, 88             ; single steps in ei's shadow
        .equ N_COUNTERS, 23

; The shadow address spaces: NSPACES records of {key, kernel-mode
; directory, user-mode directory, unused}; key 0 = free.
        .equ V_SPACES, 512
        .equ NSPACES, 16
        .equ S_KEY, 0
        .equ S_KDIR, 4
        .equ S_UDIR, 8
        .equ S_SIZE, 16

        .org    VMM_BASE

; ---- boot ------------------------------------------------------------------

_start:
        la      sp, VCPU            ; the VMM's stack, below the vcpu
        la      r13, VCPU
        la      r1, vectors         ; every vector enters vmm_entry
        mtcr    vbr, r1
        la      r2, vmm_entry
        li      r3, 256
.fill:  stw     r2, 0(r1)
        addi    r1, r1, 4
        addi    r3, r3, -1
        cmpi    r3, 0
        bne     .fill

        la      r1, guest_image_end ; the image must not reach the vcpu
        la      r2, VMM_CODE_END
        cmp     r1, r2
        bgtu    too_big

        ; Guest memory: from GUEST_PHYS to the end of RAM, at most
        ; VMM_BASE bytes (the guest's addresses must stay below the hole).
        in      r1, SYSCTL_RAMSIZE(r0)
        stw     r1, V_HOSTRAM(r13)
        la      r2, GUEST_PHYS + 0x10000
        cmp     r1, r2
        bltu    too_little
        la      r2, GUEST_PHYS
        sub     r1, r1, r2
        la      r2, VMM_BASE
        cmp     r1, r2
        bleu    .ram
        mov     r1, r2
.ram:   stw     r1, V_RAM(r13)

        call    build_hole
        call    load_guest
        li      r1, 0xffee          ; real PIC: only the timer and the UART
        stw     r1, V_RMASK(r13)
        out     r1, PIC_MASK(r0)
        call    reset_guest
        mfcr    r1, icount          ; the VMM's boot, for the report
        addi    r1, r1, BOOT_COST
        stw     r1, V_BOOT(r13)
        li      r1, -ENTRY_COST     ; the guest's icount starts at 0
        stw     r1, V_OVER(r13)
        stw     r0, V_TENTER(r13)
        la      r1, BOOT_DIR
        stw     r1, V_HOSTDIR(r13)
        mtcr    ptbr, r1
        li      r1, 1
        mtcr    paging, r1          ; from here on the VMM runs paged
        br      vmm_resume
        .equ BOOT_COST, 13          ; the instructions from that mfcr to here

too_big:
        la      r1, msg_too_big
        br      die
too_little:
        la      r1, msg_too_little
        br      die

; build_hole: page tables that map [VMM_BASE, end of RAM) to itself,
; present, writable, kernel-only, and boot_dir, which holds only them.
; Every shadow directory gets a copy of these directory entries.
build_hole:
        la      r1, VMM_BASE
        ldw     r2, V_HOSTRAM(r13)
        la      r3, HOLE_TABLES
.page:  ori     r4, r1, PTE_P | PTE_W
        stw     r4, 0(r3)
        addi    r3, r3, 4
        li      r4, PAGE_SIZE
        add     r1, r1, r4
        cmp     r1, r2
        bltu    .page
        la      r4, HOLE_TABLES_END
        cmp     r3, r4
        bgtu    too_big
        ; the directory entries, one per 4 MiB
        la      r1, VMM_BASE
        shri    r5, r1, 20          ; offset of the first entry (4 * index)
        stw     r5, V_HOLE_PDE(r13)
        addi    r2, r2, -1
        shri    r6, r2, 22
        addi    r6, r6, 1
        shli    r6, r6, 2
        stw     r6, V_HOLE_PDE_END(r13)
        la      r3, HOLE_TABLES
        la      r4, BOOT_DIR
        add     r4, r4, r5
.pde:   ori     r1, r3, PTE_P | PTE_W
        stw     r1, 0(r4)
        addi    r4, r4, 4
        li      r1, PAGE_SIZE
        add     r3, r3, r1
        addi    r5, r5, 4
        cmp     r5, r6
        bltu    .pde
        ret

; load_guest: copy the segments of the embedded image into guest memory
; and remember its entry point.  The image is what aula as writes
; (docs/image-format.md), version 2 or 1, not compressed:
;
;   header      40 bytes: magic, version, flags, entry, nseg, nsym, ...
;   segments    nseg x {run address, size, load address, flags}  (v1: 8 bytes)
;   symbols     nsym x 12 bytes                                  (v1: 8)
;   strings     a word with their size, then the bytes
;   lines       a word with their number, then 20 bytes each     (v1: none)
;   data        the bytes of each segment that stores any, in order
;
; The words after the strings may be unaligned: ld32 reads them.
        .equ IMG_VERSION, 8
        .equ IMG_FLAGS, 10
        .equ IMG_ENTRY, 12
        .equ IMG_NSEG, 16
        .equ IMG_NSYM, 20
        .equ IMG_HEADER, 40
        .equ SEG_ZERO, 1            ; a segment's flag: zero-filled
load_guest:
        la      r9, guest_image
        ldw     r1, 0(r9)           ; "AULAIMG\0"
        li      r2, 0x414c5541
        cmp     r1, r2
        bne     bad_image
        ldw     r1, 4(r9)
        li      r2, 0x00474d49
        cmp     r1, r2
        bne     bad_image
        ldhu    r1, IMG_FLAGS(r9)   ; compressed: not for us
        cmpi    r1, 0
        bne     bad_image
        ldhu    r1, IMG_VERSION(r9)
        li      r5, 8               ; version 1: r5 = bytes per segment,
        li      r6, 8               ;            r6 = bytes per symbol
        cmpi    r1, 1
        beq     .v
        cmpi    r1, 2
        bne     bad_image
        li      r5, 16
        li      r6, 12
.v:     ldw     r2, IMG_ENTRY(r9)
        stw     r2, V_ENTRY(r13)
        ldw     r10, IMG_NSEG(r9)   ; r10 = segments left
        addi    r11, r9, IMG_HEADER ; r11 = the segment table
        mul     r2, r10, r5
        add     r12, r11, r2
        ldw     r2, IMG_NSYM(r9)
        mul     r2, r2, r6
        add     r12, r12, r2        ; r12 = strings_size
        push    r1
        push    r5
        mov     r1, r12
        call    ld32
        addi    r12, r12, 4
        add     r12, r12, r1
        ldw     r1, 4(sp)           ; the version
        cmpi    r1, 1
        beq     .data
        mov     r1, r12             ; version 2: skip the line table
        call    ld32
        muli    r1, r1, 20
        addi    r12, r12, 4
        add     r12, r12, r1        ; r12 = the first segment's bytes
.data:  pop     r5
        pop     r1
.seg:   cmpi    r10, 0
        beq     .done
        ldw     r2, 4(r11)          ; size
        ldw     r1, 0(r11)          ; the load address: v1, the address
        li      r4, 0               ; r4 = flags
        cmpi    r5, 16
        bne     .fit
        ldw     r1, 8(r11)
        ldw     r4, 12(r11)
.fit:   ldw     r3, V_RAM(r13)      ; it must fit in guest memory
        cmp     r2, r3
        bgtu    bad_image
        sub     r3, r3, r2
        cmp     r1, r3
        bgtu    bad_image
        la      r3, GUEST_PHYS
        add     r1, r1, r3
        andi    r4, r4, SEG_ZERO
.byte:  cmpi    r2, 0
        beq     .next
        li      r3, 0
        cmpi    r4, 0
        bne     .store              ; zero-filled: no bytes stored
        ldbu    r3, 0(r12)
        addi    r12, r12, 1
.store: stb     r3, 0(r1)
        addi    r1, r1, 1
        addi    r2, r2, -1
        br      .byte
.next:  add     r11, r11, r5
        addi    r10, r10, -1
        br      .seg
.done:  ret

; ld32: r1 = the little-endian word at r1, aligned or not.  Clobbers r2-r4.
ld32:   li      r2, 4
        li      r3, 0
.byte:  addi    r2, r2, -1
        add     r4, r1, r2
        ldbu    r4, 0(r4)
        shli    r3, r3, 8
        or      r3, r3, r4
        cmpi    r2, 0
        bne     .byte
        mov     r1, r3
        ret

bad_image:
        la      r1, msg_bad_image
        br      die

; reset_guest: the virtual machine's power-on and reset (docs/isa.md,
; Reset): registers cleared, kernel mode, interrupts off, sp = the size
; of guest memory, pc = the image's entry point.  Guest memory is kept.
reset_guest:
        mov     r1, r13             ; the guest's state: V_PC .. V_LASTCH
        addi    r2, r13, V_RAM
.clear: stw     r0, 0(r1)
        addi    r1, r1, 4
        cmp     r1, r2
        bltu    .clear
        ldw     r1, V_ENTRY(r13)
        stw     r1, V_PC(r13)
        li      r1, FLAG_P
        stw     r1, V_VFLAGS(r13)
        ldw     r1, V_RAM(r13)
        mtcr    usp, r1             ; the guest's kernel sp
        li      r1, 0x0a            ; as if a line had ended
        stw     r1, V_LASTCH(r13)
        ; the devices the guest reaches through ours
        out     r0, TIMER_CTRL(r0)
        li      r1, 1
        out     r1, TIMER_STATUS(r0)
        out     r0, UART_CTRL(r0)
        br      flush_shadows

; ---- entering and leaving the VMM --------------------------------------------

; Every exception and interrupt lands here.  From the guest (user mode) the
; hardware has switched to the kernel stack, VCPU_TOP, and pushed the
; guest's flags and pc; the pushes below complete the vcpu's frame.
vmm_entry:
        push    r14
        push    r13
        push    r12
        push    r11
        push    r10
        push    r9
        push    r8
        push    r7
        push    r6
        push    r5
        push    r4
        push    r3
        push    r2
        push    r1
        ldw     r1, 60(sp)          ; the saved flags: who was running?
        andi    r1, r1, FLAG_P
        cmpi    r1, 0
        bne     vmm_interrupted     ; the VMM itself, waiting in halt
        mfcr    r1, icount          ; (ENTRY_COST instructions so far)
        la      r13, VCPU
        stw     r1, V_TENTER(r13)
        ldw     r1, V_COUNT+N_EXITS(r13)
        addi    r1, r1, 1
        stw     r1, V_COUNT+N_EXITS(r13)
        ldw     r1, V_STEP_N(r13)
        cmpi    r1, 0
        bne     .stepped
.dispatch:
        mfcr    r1, cause
        andi    r1, r1, 0xff
        cmpi    r1, VEC_PRIVILEGED
        beq     exit_privileged
        cmpi    r1, VEC_PAGE_FAULT
        beq     exit_page_fault
        cmpi    r1, VEC_IRQ0
        blt     exit_exception
        cmpi    r1, VEC_TRAP_FIRST
        blt     exit_interrupt
        br      reflect             ; a trap: the guest's system call
.stepped:
        call    step_end            ; the single step is over: was it ours?
        cmpi    r1, 0
        beq     .dispatch
        li      r1, N_STEP
        call    count
        br      vmm_resume

; Back to the guest: deliver a virtual interrupt if one is due, pick the
; shadow page directory for the guest's mode and address space, and return
; through the vcpu's frame, in user mode with interrupts on.
;
; On the way, count the instructions the VMM ran, so that the guest's
; icount counts only its own (guest_icount): from the mfcr at the entry to
; the one here, plus the fixed ENTRY_COST before the first (14 pushes and
; 4 more) and LEAVE_COST from the second through the rti.
        .equ ENTRY_COST, 18
        .equ LEAVE_COST, 24
vmm_resume:
        call    deliver_pending
        call    select_shadow
        ldw     r1, V_FLAGS(r13)
        andi    r1, r1, FLAG_CC
        ori     r1, r1, FLAG_I
        stw     r1, V_FLAGS(r13)
        mfcr    r2, icount          ; the VMM's instructions of this exit
        ldw     r3, V_TENTER(r13)
        sub     r2, r2, r3
        ldw     r3, V_OVER(r13)
        add     r3, r3, r2
        addi    r3, r3, ENTRY_COST + LEAVE_COST
        stw     r3, V_OVER(r13)
        la      sp, VCPU
restore:
        pop     r1
        pop     r2
        pop     r3
        pop     r4
        pop     r5
        pop     r6
        pop     r7
        pop     r8
        pop     r9
        pop     r10
        pop     r11
        pop     r12
        pop     r13
        pop     r14
        rti

; An interrupt while the VMM waits for one (emul_halt).  Anything else
; in kernel mode is a bug in the VMM.
vmm_interrupted:
        la      r13, VCPU
        mfcr    r1, cause
        andi    r1, r1, 0xff
        addi    r1, r1, -VEC_IRQ0
        cmpi    r1, 16
        bgeu    vmm_fault
        call    host_interrupt
        br      restore

vmm_fault:
        la      r1, msg_vmm_fault
        call    puts
        mfcr    r1, cause
        call    puthex
        la      r1, msg_at
        call    puts
        ldw     r1, 56(sp)
        call    puthex
        la      r1, msg_far
        call    puts
        mfcr    r1, far
        call    puthex
        li      r1, 0x0a
        out     r1, UART_DATA(r0)
        li      r1, 255
        out     r1, SYSCTL_POWEROFF(r0)

; die: print the message r1 with the VMM's name and power off with 255.
die:    push    r1
        call    say_name
        pop     r1
        call    puts
        li      r1, 255
        out     r1, SYSCTL_POWEROFF(r0)

; ---- the guest's registers ---------------------------------------------------

; get_reg: r1 = the guest's register r1 (0..15).  Clobbers nothing else.
get_reg:
        cmpi    r1, 0
        beq     .zero
        cmpi    r1, 15
        beq     .sp
        shli    r1, r1, 2
        add     r1, r1, r13
        ldw     r1, -4(r1)
.zero:  ret
.sp:    mfcr    r1, usp
        ret

; set_reg: the guest's register r1 = r2.  Clobbers r1.
set_reg:
        cmpi    r1, 0
        beq     .done
        cmpi    r1, 15
        beq     .sp
        shli    r1, r1, 2
        add     r1, r1, r13
        stw     r2, -4(r1)
.done:  ret
.sp:    mtcr    usp, r2
        ret

; count: add 1 to the counter at offset r1 from V_COUNT.  Clobbers r1, r2.
count:  add     r1, r1, r13
        ldw     r2, V_COUNT(r1)
        addi    r2, r2, 1
        stw     r2, V_COUNT(r1)
        ret

; next_insn: the emulated instruction is done; go on after it.
next_insn:
        ldw     r1, V_PC(r13)
        addi    r1, r1, 4
        stw     r1, V_PC(r13)
        call    retired
        br      vmm_resume

; retired: an emulated instruction retires: the guest's, not the VMM's.
retired:
        ldw     r1, V_OVER(r13)
        addi    r1, r1, -1
        stw     r1, V_OVER(r13)
        ret

; guest_icount: r2:r1 = the instructions the guest has retired (the
; machine's count less the VMM's), before the one being emulated.
; Clobbers r1-r4.
guest_icount:
        mfcr    r2, icounth
        mfcr    r1, icount
        ldw     r3, V_TENTER(r13)   ; the VMM's instructions: this exit's,
        sub     r3, r1, r3
        addi    r3, r3, ENTRY_COST
        ldw     r4, V_OVER(r13)     ; and the earlier ones
        add     r3, r3, r4
        sltu    r4, r1, r3
        sub     r1, r1, r3
        sub     r2, r2, r4
        ret

; ---- exceptions into the guest -----------------------------------------------

; deliver: enter the guest's vector r1 (the cause: vector number in bits
; 7..0) with saved pc r2, as the hardware would (docs/isa.md, Entry): on
; the guest's kernel stack push its flags, then the saved pc; kernel mode,
; interrupts off; pc from the guest's vector table (guest-physical).
; far, when the vector sets it, is already in V_FAR.  A frame or vector
; that cannot be reached is a double fault, as on the bare machine.
deliver:
        push    r9
        push    r10
        push    r11
        push    r12
        mov     r9, r1              ; cause
        mov     r10, r2             ; saved pc
.again: stw     r9, V_CAUSE(r13)
        andi    r1, r9, 0xff        ; the handler: vbr + 4 * vector
        shli    r1, r1, 2
        ldw     r2, V_VBR(r13)
        add     r1, r1, r2
        call    phys_load
        cmpi    r1, 0
        bne     .double
        andi    r1, r2, 3
        cmpi    r1, 0
        bne     .double
        mov     r12, r2             ; r12 = handler
        ; the guest's kernel sp: its r15 now, or the other bank from user
        ldw     r11, V_VFLAGS(r13)
        andi    r1, r11, FLAG_P
        cmpi    r1, 0
        bne     .kernel
        ldw     r1, V_OSP(r13)
        br      .push
.kernel:
        mfcr    r1, usp
.push:  andi    r2, r1, 3
        cmpi    r2, 0
        bne     .double             ; a misaligned kernel stack
        push    r1                  ; [sp] = ksp
        ldw     r2, V_FLAGS(r13)    ; the guest's whole flags word
        andi    r2, r2, FLAG_CC
        or      r2, r2, r11
        addi    r1, r1, -4
        call    guest_store
        cmpi    r1, 0
        bne     .double_pop
        ldw     r1, 0(sp)
        addi    r1, r1, -8
        mov     r2, r10
        call    guest_store
        cmpi    r1, 0
        bne     .double_pop
        pop     r1
        addi    r1, r1, -8          ; commit: the stacks, the mode, the pc
        andi    r2, r11, FLAG_P
        cmpi    r2, 0
        bne     .same
        mfcr    r2, usp             ; from user mode: the user sp goes aside
        stw     r2, V_OSP(r13)
.same:  mtcr    usp, r1
        li      r1, FLAG_P
        stw     r1, V_VFLAGS(r13)
        stw     r12, V_PC(r13)
        stw     r0, V_SHADOW(r13)
        pop     r12
        pop     r11
        pop     r10
        pop     r9
        ret
.double_pop:
        pop     r1
.double:
        andi    r1, r9, 0xff
        cmpi    r1, VEC_DOUBLE_FAULT
        beq     guest_double_fault
        stw     r1, V_FAR(r13)      ; far = the vector that failed
        li      r9, VEC_DOUBLE_FAULT
        br      .again

guest_double_fault:
        la      r1, msg_double
        call    report_stop
        li      r1, 255
        out     r1, SYSCTL_POWEROFF(r0)

; reflect: deliver the exception r1 at the saved pc of this exit, and go
; back to the guest.  Counted as a reflected exception.
reflect:
        push    r1
        li      r1, N_REFLECT
        call    count
        pop     r1
        ldw     r2, V_PC(r13)
        call    deliver
        br      vmm_resume

; The exits that are the guest's own exceptions, reflected unchanged.
exit_exception:
        cmpi    r1, VEC_DIVIDE
        beq     reflect
        cmpi    r1, VEC_BREAKPOINT
        beq     reflect
        cmpi    r1, VEC_ILLEGAL
        beq     .far
        cmpi    r1, VEC_MISALIGNED
        beq     .far
        br      vmm_fault           ; bus error, double fault: our bug
.far:   mfcr    r2, far             ; a virtual address: the guest's own
        stw     r2, V_FAR(r13)
        br      reflect

; ---- privileged instructions -------------------------------------------------

; The guest ran a privileged instruction (or trap n < 32) in user mode.
; Read it from guest memory -- its page is mapped, it was just fetched --
; and emulate it, unless the guest was in its own user mode: then the
; guest's kernel gets the privileged-instruction exception it expects.
exit_privileged:
        ldw     r9, V_PC(r13)
        ldw     r10, 0(r9)          ; r10 = the instruction
        ldw     r1, V_VFLAGS(r13)
        andi    r1, r1, FLAG_P
        cmpi    r1, 0
        beq     .user
        andi    r11, r10, 0xff      ; r11 = its opcode
        cmpi    r11, OP_TRAP
        beq     emul_trap
        addi    r1, r11, -OP_RTI
        shli    r1, r1, 2
        push    r1
        addi    r1, r1, N_PRIV
        call    count
        pop     r1
        la      r2, emul_table
        add     r1, r1, r2
        ldw     r1, 0(r1)
        jmpr    r1
.user:  stw     r9, V_FAR(r13)
        li      r1, VEC_PRIVILEGED
        br      reflect

emul_table:
        .word   emul_rti, emul_in, emul_out, emul_ei, emul_di
        .word   emul_mfcr, emul_mtcr, emul_tlbi, emul_tlbia, emul_halt

; Instruction fields (docs/isa.md, section 2).
; rd: r1 = field 11..8 of r10.  rs1: 15..12.  simm16: 31..16, sign-extended.
field_rd:
        shri    r1, r10, 8
        andi    r1, r1, 15
        ret
field_rs1:
        shri    r1, r10, 12
        andi    r1, r1, 15
        ret

; trap n < 32 in guest kernel mode: enter vector n after the trap.  far
; is left alone, as the hardware does.
emul_trap:
        li      r1, N_TRAPK
        call    count
        shri    r1, r10, 8
        andi    r1, r1, 0xff
        addi    r2, r9, 4
        call    deliver
        call    retired
        br      vmm_resume

; rti: pop pc, then flags, from the guest's kernel stack (through the
; guest's MMU, with kernel permissions); a fault leaves everything as it
; was (precise), a misaligned pc faults at the rti.
emul_rti:
        mfcr    r1, usp
        call    guest_load
        cmpi    r1, 0
        bne     .fault
        mov     r11, r2             ; r11 = pc
        mfcr    r1, usp
        addi    r1, r1, 4
        call    guest_load
        cmpi    r1, 0
        bne     .fault
        mov     r12, r2             ; r12 = flags
        andi    r1, r11, 3
        cmpi    r1, 0
        bne     .misaligned
        mfcr    r1, usp
        addi    r1, r1, 8
        mtcr    usp, r1
        mov     r1, r12
        call    set_vflags
        stw     r11, V_PC(r13)
        call    retired
        br      vmm_resume
.misaligned:
        stw     r11, V_FAR(r13)
        li      r1, VEC_MISALIGNED
        br      reflect
.fault: stw     r2, V_FAR(r13)
        br      reflect

; set_vflags: the guest's whole flags register = r1 (only P, I and Z N C V
; exist).  A change of P swaps the guest's stack pointers, as the banked
; r15 does on the machine.  Clobbers r1-r3.
set_vflags:
        andi    r1, r1, FLAG_ALL
        ldw     r2, V_FLAGS(r13)
        andi    r2, r2, ~FLAG_CC & 0xffff
        andi    r3, r1, FLAG_CC
        or      r2, r2, r3
        stw     r2, V_FLAGS(r13)
        ldw     r2, V_VFLAGS(r13)
        xor     r2, r2, r1
        andi    r2, r2, FLAG_P
        cmpi    r2, 0
        beq     .same
        mfcr    r2, usp
        ldw     r3, V_OSP(r13)
        stw     r2, V_OSP(r13)
        mtcr    usp, r3
.same:  andi    r1, r1, FLAG_P | FLAG_I
        stw     r1, V_VFLAGS(r13)
        ret

; in rd, off(rs1) and out rd, off(rs1): the port is (R[rs1] + off) & 0xffff.
port_of:
        call    field_rs1
        call    get_reg
        sari    r2, r10, 16
        add     r1, r1, r2
        andi    r1, r1, 0xffff
        ret
emul_in:
        call    port_of
        call    port_in             ; devices.inc
        mov     r2, r1
        call    field_rd
        call    set_reg
        br      next_insn
emul_out:
        call    port_of
        push    r1
        call    field_rd
        call    get_reg
        mov     r2, r1
        pop     r1
        call    port_out            ; devices.inc
        br      next_insn

; ei: I = 1, with the interrupt shadow (deliver_pending).  di: I = 0.
emul_ei:
        ldw     r1, V_VFLAGS(r13)
        ori     r1, r1, FLAG_I
        stw     r1, V_VFLAGS(r13)
        li      r1, 1
        stw     r1, V_SHADOW(r13)
        br      next_insn
emul_di:
        ldw     r1, V_VFLAGS(r13)
        andi    r1, r1, ~FLAG_I & 0xffff
        stw     r1, V_VFLAGS(r13)
        br      next_insn

; mfcr rd, cr: the virtual control register (the machine has rejected the
; numbers that do not exist).  icount counts the guest's instructions only.
emul_mfcr:
        shri    r1, r10, 16
        shli    r1, r1, 2
        la      r2, .table
        add     r1, r1, r2
        ldw     r1, 0(r1)
        jmpr    r1
.table: .word   .flags, .vbr, .ptbr, .paging, .far, .cause, .usp
        .word   .kscratch, .icount, .icounth
.flags: ldw     r2, V_FLAGS(r13)
        andi    r2, r2, FLAG_CC
        ldw     r1, V_VFLAGS(r13)
        or      r2, r2, r1
        br      .set
.vbr:   ldw     r2, V_VBR(r13)
        br      .set
.ptbr:  ldw     r2, V_PTBR(r13)
        br      .set
.paging: ldw    r2, V_PAGING(r13)
        br      .set
.far:   ldw     r2, V_FAR(r13)
        br      .set
.cause: ldw     r2, V_CAUSE(r13)
        br      .set
.usp:   ldw     r2, V_OSP(r13)      ; in kernel mode, the other bank
        br      .set
.kscratch:
        ldw     r2, V_KSCRATCH(r13)
        br      .set
.icount:
        call    guest_icount
        mov     r2, r1
        br      .set
.icounth:
        call    guest_icount
.set:   call    field_rd
        call    set_reg
        br      next_insn

; mtcr cr, rs (rs in the rd field).
emul_mtcr:
        call    field_rd
        call    get_reg
        mov     r2, r1              ; r2 = the value
        shri    r1, r10, 16
        shli    r1, r1, 2
        la      r3, .table
        add     r1, r1, r3
        ldw     r1, 0(r1)
        jmpr    r1
.table: .word   .flags, .vbr, .ptbr, .paging, .far, .cause, .usp
        .word   .kscratch
.flags: mov     r1, r2
        call    set_vflags
        br      next_insn
.vbr:   shri    r2, r2, 2           ; the low 2 bits read as 0
        shli    r2, r2, 2
        stw     r2, V_VBR(r13)
        br      next_insn
.ptbr:  shri    r2, r2, 12
        shli    r2, r2, 12
        stw     r2, V_PTBR(r13)
        br      next_insn
.paging: andi   r2, r2, 1
        stw     r2, V_PAGING(r13)
        br      next_insn
.far:   stw     r2, V_FAR(r13)
        br      next_insn
.cause: stw     r2, V_CAUSE(r13)
        br      next_insn
.usp:   stw     r2, V_OSP(r13)
        br      next_insn
.kscratch:
        stw     r2, V_KSCRATCH(r13)
        br      next_insn

; tlbi, tlbia: nothing to do.  The shadow tables follow every change of
; the guest's page tables through write tracking (shadow.inc), so they
; are never stale -- as Aula's own TLB (docs/mmu.md).
emul_tlbi:
emul_tlbia:
        br      next_insn

; halt.  With I = 1: wait for the next virtual interrupt -- take a pending
; one at once, or wait in a real halt until a real interrupt makes one
; (an idle guest leaves the machine idle).  With I = 0: stop the machine,
; as the guest would have stopped it.
emul_halt:
        addi    r9, r9, 4
        stw     r9, V_PC(r13)
        call    retired
        stw     r0, V_SHADOW(r13)   ; the halt is the instruction after ei
        ldw     r1, V_VFLAGS(r13)
        andi    r1, r1, FLAG_I
        cmpi    r1, 0
        beq     .stop
.wait:  call    deliver_pending
        cmpi    r1, 0
        bne     vmm_resume
        ei
        halt                        ; host_interrupt runs in vmm_interrupted
        di
        br      .wait
.stop:  la      r1, msg_halted
        call    report_stop
        halt                        ; I = 0: the machine stops

; ---- interrupts --------------------------------------------------------------

; A real interrupt while the guest ran: note it in the virtual PIC
; (host_interrupt, devices.inc); deliver_pending will inject it.
exit_interrupt:
        addi    r1, r1, -VEC_IRQ0
        call    host_interrupt
        br      vmm_resume

; deliver_pending: if the virtual PIC has a deliverable line and the
; guest's I = 1, enter its vector (docs/devices.md, section 5: the lowest
; pending unmasked line that beats every line in service).  r1 = 1 if it
; did, 0 if not.  Just after an emulated ei, the next instruction runs
; first: ei's shadow (single_step).
deliver_pending:
        ldw     r1, V_VFLAGS(r13)
        andi    r1, r1, FLAG_I
        cmpi    r1, 0
        beq     .none
        ldw     r1, V_IRR(r13)
        ldw     r2, V_IMR(r13)
        nor     r2, r2, r0
        and     r1, r1, r2
        cmpi    r1, 0
        beq     .none
        li      r3, 0               ; r3 = the line
        li      r4, 1               ; r4 = its bit
.find:  and     r2, r1, r4
        cmpi    r2, 0
        bne     .found
        addi    r3, r3, 1
        shli    r4, r4, 1
        br      .find
.found: ldw     r2, V_ISR(r13)
        shli    r5, r4, 1
        addi    r5, r5, -1          ; this line and every higher one
        and     r2, r2, r5
        cmpi    r2, 0
        bne     .none
        ldw     r2, V_SHADOW(r13)   ; just after ei: its shadow
        cmpi    r2, 0
        beq     .take
        stw     r0, V_SHADOW(r13)
        push    r3
        push    r4
        call    single_step         ; step.inc
        pop     r4
        pop     r3
        cmpi    r1, 0
        bne     .none               ; first the next instruction, alone
.take:  ldw     r2, V_ISR(r13)      ; in service; an edge line is taken
        or      r2, r2, r4
        stw     r2, V_ISR(r13)
        cmpi    r3, 0
        bne     .level
        ldw     r2, V_IRR(r13)
        andi    r2, r2, 0xfffe
        stw     r2, V_IRR(r13)
.level: push    r3
        li      r1, N_INJECT
        call    count
        pop     r1
        addi    r1, r1, VEC_IRQ0
        ldw     r2, V_PC(r13)
        call    deliver
        li      r1, 1
        ret
.none:  li      r1, 0
        ret

        .include "shadow.inc"
        .include "devices.inc"
        .include "paravirt.inc"
        .include "step.inc"
        .include "report.inc"
        .include "../lib/console.inc"

msg_too_big:    .asciz "the guest image does not fit below VMM_BASE + 0xe0000\n"
msg_too_little: .asciz "not enough RAM for a guest (aula run --mem)\n"
msg_bad_image:  .asciz "the embedded guest is not an uncompressed Aula image (version 1 or 2) that fits in guest memory\n"
msg_vmm_fault:  .asciz "vmm: internal fault, cause "
msg_at:         .asciz " at pc "
msg_far:        .asciz ", far "
msg_double:     .asciz "the guest double-faulted"
msg_halted:     .asciz "the guest halted with interrupts off"
        .align  4
vectors:
        .space  1024
