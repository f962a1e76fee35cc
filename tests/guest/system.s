; system.s: traps, rti, user mode, and the control registers.
;
; Reset: r1..r14 = 0, flags = P, sp = the size of RAM (as the system
; controller reports it), usp = vbr = far = cause = kscratch = ptbr =
; paging = 0.
;
; Kernel mode: trap n goes through word n of the table at vbr with
; cause = n, the frame M32[sp] = saved pc (the instruction after the trap)
; and M32[sp + 4] = saved flags, P = 1 and I = 0 inside the handler, and far
; left alone; rti restores pc, flags and sp; trap 0..31 are allowed in
; kernel mode; vbr moves the table (its low two bits read as 0); rti from a
; frame built by hand; ei / di, and I saved and restored across a trap; a
; trap inside a handler nests.  Ports: the number is taken modulo 2^16, an
; unassigned port reads 0xffffffff.
; Control registers: kscratch, cause, far and usp read back what was
; written (usp without touching sp), icount counts retired instructions.
;
; User mode, entered both ways (rti with P = 0 in the saved flags, and
; mtcr flags with P = 0, which takes effect at the very next instruction):
; sp is the user bank (usp); a trap lands on the kernel stack and leaves the
; user sp and the memory below it untouched, with usp visible to the
; handler; a handler can move the user sp through usp; every privileged
; instruction (rti in out ei di mfcr mtcr tlbi tlbia halt) and trap 0..31
; raise vector 2 with far and the saved pc = the instruction, and have no
; effect; setcc cannot leave user mode.
;
; r13 = number of the check; r9 = the kernel sp between checks (top of
; RAM); r8 = the user sp while in user mode; r12 expected.

        .include "check.inc"

        .equ TRAP_KERNEL, 200           ; user code's way back to the kernel
        .equ TRAP_SETUSP, 201           ; sets the user sp to r7
        .equ TRAP_A, 100                ; two vectors with handlers of
        .equ TRAP_B, 101                ; their own
        .equ TRAP_NEST, 102             ; traps again from its handler

; ---- the state at reset (checks 70 to 73 come first) -----------------------
_start: or      r1, r1, r2              ; r1..r14 are all 0 (r13 too, so
        or      r1, r1, r3              ; this check has no number yet)
        or      r1, r1, r4
        or      r1, r1, r5
        or      r1, r1, r6
        or      r1, r1, r7
        or      r1, r1, r8
        or      r1, r1, r9
        or      r1, r1, r10
        or      r1, r1, r11
        or      r1, r1, r12
        or      r1, r1, r13
        or      r1, r1, r14
        mfcr    r2, flags               ; (or leaves the flags alone)
        cmpi    r1, 0
        bne     fail
        li      r13, 70                 ; kernel mode, I = 0, Z N C V = 0
        cmpi    r2, F_P
        bne     fail
        li      r13, 71                 ; kernel sp = the size of RAM, usp 0
        li      r12, RAM_TOP
        cmp     sp, r12
        bne     fail
        mfcr    r1, usp
        cmpi    r1, 0
        bne     fail
        li      r13, 72                 ; vbr and the other registers are 0
        mfcr    r1, vbr
        mfcr    r2, far
        mfcr    r3, cause
        mfcr    r4, kscratch
        mfcr    r5, paging
        mfcr    r6, ptbr
        or      r1, r1, r2
        or      r1, r1, r3
        or      r1, r1, r4
        or      r1, r1, r5
        or      r1, r1, r6
        cmpi    r1, 0
        bne     fail
        li      r13, 73                 ; the RAM size, from the system
        in      r1, SYSCTL_RAMSIZE(r0)  ; controller, agrees
        li      r12, RAM_TOP
        cmp     r1, r12
        bne     fail

        la      r1, exc_table
        mtcr    vbr, r1
        la      r1, to_kernel
        stw     r1, exc_table + 4 * TRAP_KERNEL(r0)
        la      r1, set_usp
        stw     r1, exc_table + 4 * TRAP_SETUSP(r0)
        mov     r9, sp

; ---- trap and rti in kernel mode -------------------------------------------
        li      r13, 1                  ; the frame and the registers
        call    exc_clear
        li      r1, EXC_RETURN
        stw     r1, exc_resume(r0)
        li      r4, F_N|F_C
        setcc   r4
        li      r1, 0x1111
        trap    32
.a1:    getcc   r5                      ; rti restored the flags
        cmp     r5, r4
        bne     fail
        cmp     sp, r9                  ; and the sp
        bne     fail
        cmpi    r1, 0x1111              ; the handler kept r1
        bne     fail
        ldw     r5, exc_count(r0)
        cmpi    r5, 1
        bne     fail
        li      r13, 2                  ; cause = n
        ldw     r5, exc_cause(r0)
        cmpi    r5, 32
        bne     fail
        li      r13, 3                  ; M32[sp] = the next instruction
        ldw     r5, exc_epc(r0)
        la      r12, .a1
        cmp     r5, r12
        bne     fail
        li      r13, 4                  ; M32[sp + 4] = the flags
        ldw     r5, exc_eflags(r0)
        cmpi    r5, F_P|F_N|F_C
        bne     fail
        li      r13, 5                  ; two words pushed on the kernel stack
        ldw     r5, exc_ksp(r0)
        addi    r12, r9, -8
        cmp     r5, r12
        bne     fail
        li      r13, 6                  ; the stack holds them afterwards too
        ldw     r5, -8(sp)
        la      r12, .a1
        cmp     r5, r12
        bne     fail
        ldw     r5, -4(sp)
        cmpi    r5, F_P|F_N|F_C
        bne     fail
        li      r13, 7                  ; the handler runs with P = 1, I = 0
        ldw     r5, exc_kflags(r0)
        andi    r5, r5, F_P|F_I
        cmpi    r5, F_P
        bne     fail

        li      r13, 8                  ; trap 255: cause 255
        li      r1, EXC_RETURN
        stw     r1, exc_resume(r0)
        trap    255
        ldw     r5, exc_cause(r0)
        cmpi    r5, 255
        bne     fail

        li      r13, 9                  ; trap 0 and trap 16 are allowed in
        li      r1, EXC_RETURN          ; kernel mode
        stw     r1, exc_resume(r0)
        trap    0
.a9:    ldw     r5, exc_cause(r0)
        cmpi    r5, 0
        bne     fail
        ldw     r5, exc_epc(r0)
        la      r12, .a9
        cmp     r5, r12
        bne     fail
        li      r1, EXC_RETURN
        stw     r1, exc_resume(r0)
        trap    16
        ldw     r5, exc_cause(r0)
        cmpi    r5, 16
        bne     fail

        li      r13, 10                 ; trap leaves far alone
        li      r1, 0x13579bdf
        mtcr    far, r1
        li      r1, EXC_RETURN
        stw     r1, exc_resume(r0)
        trap    40
        ldw     r5, exc_far(r0)
        li      r12, 0x13579bdf
        cmp     r5, r12
        bne     fail

        li      r13, 11                 ; vector n is word n of the table
        la      r1, handler_a
        stw     r1, exc_table + 4 * TRAP_A(r0)
        la      r1, handler_b
        stw     r1, exc_table + 4 * TRAP_B(r0)
        li      r6, 0
        trap    TRAP_A
        cmpi    r6, 0xa
        bne     fail
        trap    TRAP_B
        cmpi    r6, 0xb
        bne     fail
        cmp     sp, r9
        bne     fail
        la      r1, exc_common
        stw     r1, exc_table + 4 * TRAP_A(r0)
        stw     r1, exc_table + 4 * TRAP_B(r0)

        li      r13, 12                 ; vbr moves the table
        la      r1, alt_table           ; fill it: all exc_common but 34
        la      r2, exc_common
        addi    r3, r1, 1024
.f12:   stw     r2, 0(r1)
        addi    r1, r1, 4
        cmp     r1, r3
        bne     .f12
        la      r1, handler_a
        stw     r1, alt_table + 4 * 34(r0)
        la      r1, alt_table
        mtcr    vbr, r1
        mfcr    r3, vbr
        cmp     r3, r1
        bne     fail
        li      r6, 0
        trap    34
        cmpi    r6, 0xa
        bne     fail

        li      r13, 13                 ; the low two bits of vbr read as 0
        la      r1, alt_table + 3
        mtcr    vbr, r1
        mfcr    r3, vbr
        la      r12, alt_table
        cmp     r3, r12
        bne     fail
        li      r6, 0                   ; and do not move the table
        trap    34
        cmpi    r6, 0xa
        bne     fail
        la      r1, exc_table
        mtcr    vbr, r1
        li      r1, EXC_RETURN          ; back to the first table
        stw     r1, exc_resume(r0)
        li      r6, 0
        trap    34
        cmpi    r6, 0
        bne     fail

        li      r13, 14                 ; rti from a frame built by hand
        li      r1, F_P|F_Z|F_V
        push    r1
        la      r1, .t14
        push    r1
        setcc   r0
        rti
        br      fail
.t14:   mfcr    r5, flags               ; flags from the frame: still in
        cmpi    r5, F_P|F_Z|F_V         ; kernel mode
        bne     fail
        cmp     sp, r9
        bne     fail

        li      r13, 15                 ; ei, di
        ei
        mfcr    r5, flags
        andi    r5, r5, F_I
        cmpi    r5, F_I
        bne     fail
        li      r13, 16                 ; a trap clears I and rti restores it
        li      r1, EXC_RETURN
        stw     r1, exc_resume(r0)
        trap    32
        mfcr    r5, flags
        di
        andi    r5, r5, F_I
        cmpi    r5, F_I
        bne     fail
        ldw     r5, exc_kflags(r0)
        andi    r5, r5, F_I
        cmpi    r5, 0
        bne     fail
        ldw     r5, exc_eflags(r0)
        andi    r5, r5, F_I
        cmpi    r5, F_I
        bne     fail
        li      r13, 17
        mfcr    r5, flags
        andi    r5, r5, F_I
        cmpi    r5, 0
        bne     fail

; ---- control registers -----------------------------------------------------
        li      r13, 18                 ; kscratch
        li      r1, 0xcafebabe
        mtcr    kscratch, r1
        mfcr    r3, kscratch
        cmp     r3, r1
        bne     fail

        li      r13, 19                 ; far
        li      r1, 0x12345678
        mtcr    far, r1
        mfcr    r3, far
        cmp     r3, r1
        bne     fail

        li      r13, 20                 ; cause (a vector and details)
        li      r1, 0x0000ab2a
        mtcr    cause, r1
        mfcr    r3, cause
        cmp     r3, r1
        bne     fail

        li      r13, 21                 ; usp, without touching sp
        li      r1, 0x00123450
        mtcr    usp, r1
        mfcr    r3, usp
        cmp     r3, r1
        bne     fail
        cmp     sp, r9
        bne     fail

        li      r13, 22                 ; icount: three instructions retire
        mfcr    r1, icount              ; between the two reads
        nop
        nop
        mfcr    r2, icount
        sub     r3, r2, r1
        cmpi    r3, 3
        bne     fail

        li      r13, 23                 ; icount has counted this far
        li      r12, 100                ; (well over 100 instructions)
        sltu    r3, r1, r12
        cmpi    r3, 0
        bne     fail
        mfcr    r3, icounth             ; and not yet 2^32 of them
        cmpi    r3, 0
        bne     fail

        li      r13, 24                 ; mfcr kscratch into another register
        mfcr    r4, kscratch            ; still holds the same
        li      r12, 0xcafebabe
        cmp     r4, r12
        bne     fail

        li      r13, 25                 ; the port is (R[rs1] + off) & 0xffff
        li      r2, 0x00010000
        in      r1, SYSCTL_ID(r2)
        li      r12, SYSCTL_ID_VALUE
        cmp     r1, r12
        bne     fail

        li      r13, 26                 ; an unassigned port reads all ones
        li      r1, 0
        in      r1, 0x1234(r0)
        li      r12, 0xffffffff
        cmp     r1, r12
        bne     fail

        li      r13, 27                 ; a trap inside a handler nests on
        call    exc_clear               ; the kernel stack
        la      r1, nested
        stw     r1, exc_table + 4 * TRAP_NEST(r0)
        li      r6, 0
        trap    TRAP_NEST
.a27:   cmpi    r6, 0xa                 ; the outer handler finished
        bne     fail
        cmp     sp, r9
        bne     fail
        ldw     r5, exc_count(r0)       ; the inner trap went to exc_common
        cmpi    r5, 1
        bne     fail
        ldw     r5, exc_ksp(r0)         ; two frames deep
        addi    r12, r9, -16
        cmp     r5, r12
        bne     fail
        ldw     r5, -8(sp)              ; the outer frame: back to .a27
        la      r12, .a27
        cmp     r5, r12
        bne     fail
        la      r1, exc_common
        stw     r1, exc_table + 4 * TRAP_NEST(r0)

; ---- user mode, entered by rti ---------------------------------------------
        li      r13, 30
        la      r1, ustack_top
        mtcr    usp, r1
        la      r1, .k30
        stw     r1, kernel_cont(r0)
        li      r1, F_C                 ; the user's flags: P = 0, I = 0
        push    r1
        la      r1, user1
        push    r1
        rti
        br      fail
.k30:   li      r13, 60                 ; back in the kernel (to_kernel)
        mfcr    r5, flags
        andi    r5, r5, F_P|F_I
        cmpi    r5, F_P
        bne     fail
        cmp     sp, r9                  ; the kernel sp
        bne     fail
        li      r13, 61                 ; usp kept the user's last sp
        mfcr    r5, usp
        cmp     r5, r8
        bne     fail
        li      r13, 62                 ; the user's mtcr had no effect
        mfcr    r5, kscratch
        li      r12, 0xcafebabe
        cmp     r5, r12
        bne     fail
        li      r13, 63                 ; the user's last push went to the
        la      r1, ustack_top          ; user stack
        ldw     r5, -4(r1)
        li      r12, 0x0badcafe
        cmp     r5, r12
        bne     fail

; ---- user mode, entered by mtcr flags --------------------------------------
        li      r13, 64
        la      r1, ustack2_top
        mtcr    usp, r1
        la      r1, .k64
        stw     r1, kernel_cont(r0)
        la      r1, .p64
        stw     r1, exc_resume(r0)
        li      r1, F_Z|F_N             ; P = 0: user mode at once
        mtcr    flags, r1
.i64:   mfcr    r3, flags               ; so this traps
        br      fail
.p64:   getcc   r6                      ; now in user mode
        la      r12, .i64
        call    check_priv
        li      r13, 65                 ; with the user sp
        la      r12, ustack2_top
        cmp     sp, r12
        bne     fail
        li      r13, 66                 ; and the flags written
        cmpi    r6, F_Z|F_N
        bne     fail
        li      r13, 67                 ; whose trap uses the kernel sp that
        li      r1, EXC_RETURN          ; mtcr left behind
        stw     r1, exc_resume(r0)
        trap    33
        ldw     r5, exc_ksp(r0)
        addi    r12, r9, -8
        cmp     r5, r12
        bne     fail
        mov     r8, sp
        trap    TRAP_KERNEL
        br      fail
.k64:   li      r13, 68
        cmp     sp, r9
        bne     fail
        mfcr    r5, usp
        la      r12, ustack2_top
        cmp     r5, r12
        bne     fail

        br      pass

; ---- the user program ------------------------------------------------------
; Runs in user mode with sp = ustack_top; checks 31 to 57.  Leaves through
; trap TRAP_KERNEL with r8 = its sp.
user1:  getcc   r5                      ; the flags of the rti frame
        cmpi    r5, F_C
        bne     fail
        li      r13, 31                 ; sp is the user bank
        la      r12, ustack_top
        cmp     sp, r12
        bne     fail
        li      r13, 32                 ; and works as a stack
        li      r1, 0x0badcafe
        push    r1
        pop     r2
        cmp     r2, r1
        bne     fail
        cmp     sp, r12
        bne     fail

        li      r13, 33                 ; a trap lands on the kernel stack
        mov     r8, sp
        li      r1, 0x11111111          ; sentinels below the user sp
        stw     r1, -4(sp)
        stw     r1, -8(sp)
        li      r1, EXC_RETURN
        stw     r1, exc_resume(r0)
        trap    32
.u33:   cmp     sp, r8                  ; user sp untouched
        bne     fail
        ldw     r5, -4(sp)              ; nothing pushed on the user stack
        li      r12, 0x11111111
        cmp     r5, r12
        bne     fail
        ldw     r5, -8(sp)
        cmp     r5, r12
        bne     fail
        li      r13, 34                 ; the frame went on the kernel stack
        ldw     r5, exc_ksp(r0)
        addi    r12, r9, -8
        cmp     r5, r12
        bne     fail
        li      r13, 35                 ; the handler saw the user sp in usp
        ldw     r5, exc_usp(r0)
        cmp     r5, r8
        bne     fail
        li      r13, 36                 ; saved pc and flags (P = 0)
        ldw     r5, exc_epc(r0)
        la      r12, .u33
        cmp     r5, r12
        bne     fail
        ldw     r5, exc_eflags(r0)
        andi    r5, r5, F_P
        cmpi    r5, 0
        bne     fail
        li      r13, 37                 ; the handler ran in kernel mode
        ldw     r5, exc_kflags(r0)
        andi    r5, r5, F_P|F_I
        cmpi    r5, F_P
        bne     fail
        li      r13, 38                 ; and came back to user mode
        ldw     r5, exc_cause(r0)
        cmpi    r5, 32
        bne     fail

        li      r13, 39                 ; a handler can move the user sp
        la      r7, ustack_top - 64
        trap    TRAP_SETUSP
        cmp     sp, r7
        bne     fail
        la      r7, ustack_top
        trap    TRAP_SETUSP
        cmp     sp, r7
        bne     fail

; Every privileged instruction traps (vector 2, far = saved pc = its
; address) and does nothing.
        li      r13, 40                 ; rti
        la      r1, .n40
        stw     r1, exc_resume(r0)
.i40:   rti
        br      fail
.n40:   la      r12, .i40
        call    check_priv
        cmp     sp, r8                  ; popped nothing
        bne     fail

        li      r13, 41                 ; in
        la      r1, .n41
        stw     r1, exc_resume(r0)
        li      r3, 0x5a5a
.i41:   in      r3, SYSCTL_ID(r0)
        br      fail
.n41:   la      r12, .i41
        call    check_priv
        li      r12, 0x5a5a             ; rd unchanged
        cmp     r3, r12
        bne     fail

        li      r13, 42                 ; out (had it worked, the machine
        la      r1, .n42                ; would power off with code 42)
        stw     r1, exc_resume(r0)
.i42:   out     r13, SYSCTL_POWEROFF(r0)
        br      fail
.n42:   la      r12, .i42
        call    check_priv

        li      r13, 43                 ; ei
        la      r1, .n43
        stw     r1, exc_resume(r0)
.i43:   ei
        br      fail
.n43:   la      r12, .i43
        call    check_priv

        li      r13, 44                 ; di
        la      r1, .n44
        stw     r1, exc_resume(r0)
.i44:   di
        br      fail
.n44:   la      r12, .i44
        call    check_priv

        li      r13, 45                 ; mfcr
        la      r1, .n45
        stw     r1, exc_resume(r0)
        li      r3, 0x5a5a
.i45:   mfcr    r3, kscratch
        br      fail
.n45:   la      r12, .i45
        call    check_priv
        li      r12, 0x5a5a
        cmp     r3, r12
        bne     fail

        li      r13, 46                 ; mtcr (the kernel checks kscratch)
        la      r1, .n46
        stw     r1, exc_resume(r0)
        li      r3, 0x5a5a
.i46:   mtcr    kscratch, r3
        br      fail
.n46:   la      r12, .i46
        call    check_priv

        li      r13, 47                 ; mtcr flags cannot set P
        la      r1, .n47
        stw     r1, exc_resume(r0)
        li      r3, F_P
.i47:   mtcr    flags, r3
        br      fail
.n47:   la      r12, .i47
        call    check_priv

        li      r13, 48                 ; tlbi
        la      r1, .n48
        stw     r1, exc_resume(r0)
.i48:   tlbi    r1
        br      fail
.n48:   la      r12, .i48
        call    check_priv

        li      r13, 49                 ; tlbia
        la      r1, .n49
        stw     r1, exc_resume(r0)
.i49:   tlbia
        br      fail
.n49:   la      r12, .i49
        call    check_priv

        li      r13, 50                 ; halt
        la      r1, .n50
        stw     r1, exc_resume(r0)
.i50:   halt
        br      fail
.n50:   la      r12, .i50
        call    check_priv

        li      r13, 51                 ; trap 0 from user mode
        la      r1, .n51
        stw     r1, exc_resume(r0)
.i51:   trap    0
        br      fail
.n51:   la      r12, .i51
        call    check_priv

        li      r13, 52                 ; trap 31, the last one reserved
        la      r1, .n52
        stw     r1, exc_resume(r0)
.i52:   trap    31
        br      fail
.n52:   la      r12, .i52
        call    check_priv

        li      r13, 53                 ; trap 1 (not vector 1)
        la      r1, .n53
        stw     r1, exc_resume(r0)
.i53:   trap    1
        br      fail
.n53:   la      r12, .i53
        call    check_priv

        li      r13, 54                 ; trap 32 is allowed
        li      r1, EXC_RETURN
        stw     r1, exc_resume(r0)
        trap    32
        ldw     r5, exc_cause(r0)
        cmpi    r5, 32
        bne     fail

        li      r13, 55                 ; setcc cannot leave user mode
        li      r1, 0xffffffff
        setcc   r1
        la      r1, .n55
        stw     r1, exc_resume(r0)
.i55:   mfcr    r3, flags
        br      fail
.n55:   la      r12, .i55
        call    check_priv
        ldw     r5, exc_eflags(r0)      ; saved flags: Z N C V, not P or I
        cmpi    r5, F_Z|F_N|F_C|F_V
        bne     fail

        li      r13, 56                 ; ei never took effect either
        li      r1, EXC_RETURN
        stw     r1, exc_resume(r0)
        trap    32
        ldw     r5, exc_eflags(r0)
        andi    r5, r5, F_I
        cmpi    r5, 0
        bne     fail

        li      r13, 57                 ; still on the user stack
        la      r12, ustack_top
        cmp     sp, r12
        bne     fail
        push    r1                      ; leave a mark for check 63
        li      r1, 0x0badcafe
        stw     r1, 0(sp)
        mov     r8, sp
        trap    TRAP_KERNEL
        br      fail

; Checks the exception just taken was a privileged-instruction exception
; from user mode at r12.  Called from user mode; clobbers r5.
check_priv:
        ldw     r5, exc_cause(r0)
        cmpi    r5, VEC_PRIV
        bne     fail
        ldw     r5, exc_far(r0)         ; far = the instruction
        cmp     r5, r12
        bne     fail
        ldw     r5, exc_epc(r0)         ; saved pc = the instruction
        cmp     r5, r12
        bne     fail
        ldw     r5, exc_eflags(r0)      ; from user mode
        andi    r5, r5, F_P
        cmpi    r5, 0
        bne     fail
        ret

; ---- handlers of their own -------------------------------------------------
handler_a:
        li      r6, 0xa
        rti
handler_b:
        li      r6, 0xb
        rti

; trap TRAP_NEST: trap again (to exc_common), then r6 = 0xa.
nested: li      r6, EXC_RETURN
        stw     r6, exc_resume(r0)
        trap    33
        li      r6, 0xa
        rti

; trap TRAP_KERNEL: drop the frame and carry on in kernel mode at
; kernel_cont.
to_kernel:
        addi    sp, sp, 8
        ldw     r1, kernel_cont(r0)
        jmpr    r1

; trap TRAP_SETUSP: the user sp becomes r7.
set_usp:
        mtcr    usp, r7
        rti

        .align  4
kernel_cont:
        .word   0
        .space  256
ustack_top:
        .space  256
ustack2_top:
        .word   0
alt_table:
        .space  1024
