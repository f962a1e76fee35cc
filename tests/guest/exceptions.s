; exceptions.s: faults, which are precise (the faulting instruction has no
; effect, the saved pc points at it) and can be fixed and retried.
;
; Illegal instruction (vector 1, far = saved pc = the instruction): opcode
; 0x00, unassigned opcodes, non-zero unused fields (R, N, T, compare, push,
; pop, ret and mfcr forms), shli by 32, control register 12, mtcr of the
; read-only icount and icounth.  Misaligned access (vector 5, far
; = the address): ldw at +1 / +2 / +3, ldh / ldhu at odd addresses, stw and
; sth, leaving the destination register (also when it is the base) and memory
; unchanged, while ldb at odd and ldh at +2 do not fault; jmpr, callr, ret and
; rti to a misaligned target fault at the jump, with far = the target and
; nothing pushed or popped; push, pop and call with a misaligned user sp fault
; and leave sp alone.  Bus error (vector 8, far = the address): loads and
; stores beyond RAM (0x7ffff000, the first byte past the 16 MiB, 0xfffffffc;
; the last byte of RAM works), push / pop with the user sp outside RAM, and a
; jump to an address outside RAM.  Handlers that fix the cause and rti to
; retry the instruction (misaligned, bus error, divide by zero, and an
; undefined instruction overwritten with a real one, which the retry then
; runs).  A handler address that is not a multiple of 4 gives a double fault
; (vector 7) with far = the vector being delivered.
;
; r13 = number of the check.  After a fault, `expect` compares the record with
; r11 = vector, r12 = saved pc, r10 = far.

        .include "check.inc"

        .equ TRAP_KERNEL, 200           ; user code's way back to the kernel
        .equ BAD, 0x7ffff000            ; no RAM here
        .equ ADDI_R3_1, 0x00013330      ; addi r3, r3, 1

_start: la      r1, exc_table
        mtcr    vbr, r1
        la      r1, to_kernel
        stw     r1, exc_table + 4 * TRAP_KERNEL(r0)
        mov     r9, sp

; ---- illegal instructions --------------------------------------------------
        li      r13, 1                  ; opcode 0x00
        call    exc_clear
        la      r1, .n1
        stw     r1, exc_resume(r0)
.i1:    .word   0x00000000
        br      fail
.n1:    li      r11, VEC_ILLEGAL
        la      r12, .i1
        mov     r10, r12
        call    expect

        li      r13, 2                  ; an unassigned opcode, 0x02
        call    exc_clear
        la      r1, .n2
        stw     r1, exc_resume(r0)
.i2:    .word   0x00000002
        br      fail
.n2:    li      r11, VEC_ILLEGAL
        la      r12, .i2
        mov     r10, r12
        call    expect

        li      r13, 3                  ; opcode 0xff
        call    exc_clear
        la      r1, .n3
        stw     r1, exc_resume(r0)
.i3:    .word   0x000000ff
        br      fail
.n3:    li      r11, VEC_ILLEGAL
        la      r12, .i3
        mov     r10, r12
        call    expect

        li      r13, 4                  ; add r1, r2, r3 with bit 20 set,
        call    exc_clear               ; leaving r1 alone
        la      r1, .n4
        stw     r1, exc_resume(r0)
        li      r1, 0x5a5a
        li      r2, 1
        li      r3, 2
.i4:    .word   0x00132110
        br      fail
.n4:    li      r11, VEC_ILLEGAL
        la      r12, .i4
        mov     r10, r12
        call    expect
        li      r12, 0x5a5a
        cmp     r1, r12
        bne     fail

        li      r13, 5                  ; nop with a non-zero rd field
        call    exc_clear
        la      r1, .n5
        stw     r1, exc_resume(r0)
.i5:    .word   0x00000101
        br      fail
.n5:    li      r11, VEC_ILLEGAL
        la      r12, .i5
        mov     r10, r12
        call    expect

        li      r13, 6                  ; cmp r1, r2 with rd = 1
        call    exc_clear
        la      r1, .n6
        stw     r1, exc_resume(r0)
.i6:    .word   0x00021128
        br      fail
.n6:    li      r11, VEC_ILLEGAL
        la      r12, .i6
        mov     r10, r12
        call    expect

        li      r13, 7                  ; shli r1, r1, 32
        call    exc_clear
        la      r1, .n7
        stw     r1, exc_resume(r0)
.i7:    .word   0x00201134
        br      fail
.n7:    li      r11, VEC_ILLEGAL
        la      r12, .i7
        mov     r10, r12
        call    expect

        li      r13, 8                  ; trap 32 with bit 16 set
        call    exc_clear
        la      r1, .n8
        stw     r1, exc_resume(r0)
.i8:    .word   0x00012068
        br      fail
.n8:    li      r11, VEC_ILLEGAL
        la      r12, .i8
        mov     r10, r12
        call    expect

        li      r13, 9                  ; mfcr r1, 12: no such register
        call    exc_clear
        la      r1, .n9
        stw     r1, exc_resume(r0)
.i9:    .word   0x000c0175
        br      fail
.n9:    li      r11, VEC_ILLEGAL
        la      r12, .i9
        mov     r10, r12
        call    expect

        li      r13, 10                 ; mtcr icount, r1: read-only
        call    exc_clear
        la      r1, .n10
        stw     r1, exc_resume(r0)
.i10:   .word   0x00080176
        br      fail
.n10:   li      r11, VEC_ILLEGAL
        la      r12, .i10
        mov     r10, r12
        call    expect

        li      r13, 11                 ; mfcr r1, flags with rs1 = 1
        call    exc_clear
        la      r1, .n11
        stw     r1, exc_resume(r0)
.i11:   .word   0x00001175
        br      fail
.n11:   li      r11, VEC_ILLEGAL
        la      r12, .i11
        mov     r10, r12
        call    expect

        li      r13, 12                 ; icounth is read-only
        call    exc_clear
        la      r1, .n12
        stw     r1, exc_resume(r0)
        li      r1, 1
.i12:   .word   0x00090176              ; mtcr icounth, r1
        br      fail
.n12:   li      r11, VEC_ILLEGAL
        la      r12, .i12
        mov     r10, r12
        call    expect

        li      r13, 13                 ; the flags survive the fault
        call    exc_clear
        la      r1, .n13
        stw     r1, exc_resume(r0)
        li      r4, F_Z|F_C
        setcc   r4
.i13:   .word   0x00000000
        br      fail
.n13:   getcc   r5
        cmp     r5, r4
        bne     fail
        ldw     r5, exc_eflags(r0)
        cmpi    r5, F_P|F_Z|F_C
        bne     fail

; ---- misaligned data accesses ----------------------------------------------
        li      r13, 14                 ; ldw at +2: rd unchanged
        call    exc_clear
        la      r1, .n14
        stw     r1, exc_resume(r0)
        la      r2, data + 2
        li      r3, 0x5a5a
.i14:   ldw     r3, 0(r2)
        br      fail
.n14:   li      r11, VEC_MISALIGNED
        la      r12, .i14
        mov     r10, r2
        call    expect
        li      r12, 0x5a5a
        cmp     r3, r12
        bne     fail

        li      r13, 15                 ; ldw at +1, the address from an offset
        call    exc_clear
        la      r1, .n15
        stw     r1, exc_resume(r0)
        la      r2, data
.i15:   ldw     r3, 1(r2)
        br      fail
.n15:   li      r11, VEC_MISALIGNED
        la      r12, .i15
        la      r10, data + 1
        call    expect

        li      r13, 16                 ; ldw at +3, rd = the base: unchanged
        call    exc_clear
        la      r1, .n16
        stw     r1, exc_resume(r0)
        la      r2, data + 3
.i16:   ldw     r2, 0(r2)
        br      fail
.n16:   li      r11, VEC_MISALIGNED
        la      r12, .i16
        la      r10, data + 3
        call    expect
        la      r12, data + 3
        cmp     r2, r12
        bne     fail

        li      r13, 17                 ; ldh at an odd address
        call    exc_clear
        la      r1, .n17
        stw     r1, exc_resume(r0)
        la      r2, data
.i17:   ldh     r3, 1(r2)
        br      fail
.n17:   li      r11, VEC_MISALIGNED
        la      r12, .i17
        la      r10, data + 1
        call    expect

        li      r13, 18                 ; ldhu at an odd address
        call    exc_clear
        la      r1, .n18
        stw     r1, exc_resume(r0)
        la      r2, data
.i18:   ldhu    r3, 3(r2)
        br      fail
.n18:   li      r11, VEC_MISALIGNED
        la      r12, .i18
        la      r10, data + 3
        call    expect

        li      r13, 19                 ; stw at +2: memory unchanged
        call    exc_clear
        la      r1, .n19
        stw     r1, exc_resume(r0)
        la      r2, data
        li      r3, -1
.i19:   stw     r3, 2(r2)
        br      fail
.n19:   li      r11, VEC_MISALIGNED
        la      r12, .i19
        la      r10, data + 2
        call    expect
        ldw     r3, data(r0)
        li      r12, 0x11223344
        cmp     r3, r12
        bne     fail
        ldw     r3, data + 4(r0)
        li      r12, 0x55667788
        cmp     r3, r12
        bne     fail

        li      r13, 20                 ; sth at an odd address
        call    exc_clear
        la      r1, .n20
        stw     r1, exc_resume(r0)
        la      r2, data
        li      r3, -1
.i20:   sth     r3, 5(r2)
        br      fail
.n20:   li      r11, VEC_MISALIGNED
        la      r12, .i20
        la      r10, data + 5
        call    expect
        ldw     r3, data + 4(r0)
        li      r12, 0x55667788
        cmp     r3, r12
        bne     fail

        li      r13, 21                 ; but ldb / stb anywhere, ldh at +2
        call    exc_clear               ; are fine
        la      r2, data
        ldbu    r3, 3(r2)
        cmpi    r3, 0x11
        bne     fail
        ldh     r3, 6(r2)
        li      r12, 0x5566
        cmp     r3, r12
        bne     fail
        li      r3, 0x99
        stb     r3, 9(r2)
        ldbu    r3, 9(r2)
        cmpi    r3, 0x99
        bne     fail
        ldw     r5, exc_count(r0)
        cmpi    r5, 0
        bne     fail

; ---- misaligned jump targets -----------------------------------------------
        li      r13, 22                 ; jmpr faults at the jmpr
        call    exc_clear
        la      r1, .n22
        stw     r1, exc_resume(r0)
        la      r2, .n22 + 2
.i22:   jmpr    r2
        br      fail
.n22:   li      r11, VEC_MISALIGNED
        la      r12, .i22
        mov     r10, r2
        call    expect
        cmp     sp, r9
        bne     fail

        li      r13, 23                 ; callr: and pushes nothing
        call    exc_clear
        la      r1, .n23
        stw     r1, exc_resume(r0)
        la      r2, .n23 + 1
        li      r3, 0x0d0d0d0d          ; a sentinel where the push would go
        stw     r3, -4(sp)
.i23:   callr   r2
        br      fail
.n23:   li      r11, VEC_MISALIGNED
        la      r12, .i23
        mov     r10, r2
        call    expect
        cmp     sp, r9
        bne     fail

        li      r13, 24                 ; ret: and pops nothing
        call    exc_clear
        la      r1, .n24
        stw     r1, exc_resume(r0)
        la      r2, .n24 + 3
        push    r2
.i24:   ret
        br      fail
.n24:   addi    r12, r9, -4             ; the target is still on the stack
        cmp     sp, r12
        bne     fail
        pop     r3
        cmp     r3, r2
        bne     fail
        li      r11, VEC_MISALIGNED
        la      r12, .i24
        mov     r10, r2
        call    expect

        li      r13, 25                 ; rti: and pops nothing
        call    exc_clear
        la      r1, .n25
        stw     r1, exc_resume(r0)
        li      r1, F_P
        push    r1
        la      r2, .n25 + 2
        push    r2
.i25:   rti
        br      fail
.n25:   addi    r12, r9, -8             ; the frame is still on the stack
        cmp     sp, r12
        bne     fail
        addi    sp, sp, 8
        li      r11, VEC_MISALIGNED
        la      r12, .i25
        mov     r10, r2
        call    expect

; ---- bus errors ------------------------------------------------------------
        li      r13, 26                 ; ldw beyond RAM: rd unchanged
        call    exc_clear
        la      r1, .n26
        stw     r1, exc_resume(r0)
        li      r2, BAD
        li      r3, 0x5a5a
.i26:   ldw     r3, 0(r2)
        br      fail
.n26:   li      r11, VEC_BUSERROR
        la      r12, .i26
        li      r10, BAD
        call    expect
        li      r12, 0x5a5a
        cmp     r3, r12
        bne     fail

        li      r13, 27                 ; stw beyond RAM
        call    exc_clear
        la      r1, .n27
        stw     r1, exc_resume(r0)
        li      r2, BAD
.i27:   stw     r3, 16(r2)
        br      fail
.n27:   li      r11, VEC_BUSERROR
        la      r12, .i27
        li      r10, BAD + 16
        call    expect

        li      r13, 28                 ; the last byte of RAM is there
        call    exc_clear
        li      r2, RAM_TOP
        li      r3, 0xab
        stb     r3, -1(r2)
        ldbu    r3, -1(r2)
        cmpi    r3, 0xab
        bne     fail
        ldw     r5, exc_count(r0)
        cmpi    r5, 0
        bne     fail

        li      r13, 29                 ; the next one is not
        call    exc_clear
        la      r1, .n29
        stw     r1, exc_resume(r0)
        li      r2, RAM_TOP
.i29:   ldbu    r3, 0(r2)
        br      fail
.n29:   li      r11, VEC_BUSERROR
        la      r12, .i29
        li      r10, RAM_TOP
        call    expect

        li      r13, 30                 ; the top of the address space
        call    exc_clear
        la      r1, .n30
        stw     r1, exc_resume(r0)
.i30:   ldw     r3, -4(r0)
        br      fail
.n30:   li      r11, VEC_BUSERROR
        la      r12, .i30
        li      r10, 0xfffffffc
        call    expect

        li      r13, 31                 ; sth beyond RAM
        call    exc_clear
        la      r1, .n31
        stw     r1, exc_resume(r0)
        li      r2, BAD
.i31:   sth     r3, 2(r2)
        br      fail
.n31:   li      r11, VEC_BUSERROR
        la      r12, .i31
        li      r10, BAD + 2
        call    expect

        li      r13, 32                 ; fetching outside RAM: the jump
        call    exc_clear               ; itself is fine, the fetch faults
        la      r1, .n32
        stw     r1, exc_resume(r0)
        li      r2, BAD
.i32:   jmpr    r2
        br      fail
.n32:   li      r11, VEC_BUSERROR
        li      r12, BAD
        li      r10, BAD
        call    expect

; ---- push, pop and call with a bad user sp ---------------------------------
; Each runs in user mode (mtcr flags with P = 0) with a bad user sp, faults,
; and comes back through trap TRAP_KERNEL with r8 = its sp.
        li      r13, 33                 ; push, misaligned sp
        call    exc_clear
        la      r1, .k33
        stw     r1, kernel_cont(r0)
        la      r1, .n33
        stw     r1, exc_resume(r0)
        li      r1, 0x00100002
        mtcr    usp, r1
        mtcr    flags, r0
.i33:   push    r1
        br      fail
.n33:   mov     r8, sp
        trap    TRAP_KERNEL
.k33:   li      r12, 0x00100002         ; sp unchanged
        cmp     r8, r12
        bne     fail
        li      r11, VEC_MISALIGNED
        la      r12, .i33
        li      r10, 0x000ffffe
        call    expect

        li      r13, 34                 ; pop, misaligned sp
        call    exc_clear
        la      r1, .k34
        stw     r1, kernel_cont(r0)
        la      r1, .n34
        stw     r1, exc_resume(r0)
        li      r1, 0x00100001
        mtcr    usp, r1
        li      r3, 0x5a5a
        mtcr    flags, r0
.i34:   pop     r3
        br      fail
.n34:   mov     r8, sp
        trap    TRAP_KERNEL
.k34:   li      r12, 0x00100001
        cmp     r8, r12
        bne     fail
        li      r12, 0x5a5a             ; rd unchanged
        cmp     r3, r12
        bne     fail
        li      r11, VEC_MISALIGNED
        la      r12, .i34
        li      r10, 0x00100001
        call    expect

        li      r13, 35                 ; push, sp outside RAM
        call    exc_clear
        la      r1, .k35
        stw     r1, kernel_cont(r0)
        la      r1, .n35
        stw     r1, exc_resume(r0)
        li      r1, BAD
        mtcr    usp, r1
        mtcr    flags, r0
.i35:   push    r1
        br      fail
.n35:   mov     r8, sp
        trap    TRAP_KERNEL
.k35:   li      r12, BAD
        cmp     r8, r12
        bne     fail
        li      r11, VEC_BUSERROR
        la      r12, .i35
        li      r10, BAD - 4
        call    expect

        li      r13, 36                 ; pop, sp at the end of RAM
        call    exc_clear
        la      r1, .k36
        stw     r1, kernel_cont(r0)
        la      r1, .n36
        stw     r1, exc_resume(r0)
        li      r1, RAM_TOP
        mtcr    usp, r1
        mtcr    flags, r0
.i36:   pop     r3
        br      fail
.n36:   mov     r8, sp
        trap    TRAP_KERNEL
.k36:   li      r12, RAM_TOP
        cmp     r8, r12
        bne     fail
        li      r11, VEC_BUSERROR
        la      r12, .i36
        li      r10, RAM_TOP
        call    expect

        li      r13, 37                 ; call, misaligned sp: faults at the
        call    exc_clear               ; call, which does not jump
        la      r1, .k37
        stw     r1, kernel_cont(r0)
        la      r1, .n37
        stw     r1, exc_resume(r0)
        li      r1, 0x00100002
        mtcr    usp, r1
        mtcr    flags, r0
.i37:   call    fail
        br      fail
.n37:   mov     r8, sp
        trap    TRAP_KERNEL
.k37:   li      r12, 0x00100002
        cmp     r8, r12
        bne     fail
        li      r11, VEC_MISALIGNED
        la      r12, .i37
        li      r10, 0x000ffffe
        call    expect

        li      r13, 38                 ; illegal in user mode is vector 1
        call    exc_clear
        la      r1, .k38
        stw     r1, kernel_cont(r0)
        la      r1, .n38
        stw     r1, exc_resume(r0)
        la      r1, ustack_top
        mtcr    usp, r1
        mtcr    flags, r0
.i38:   .word   0x00000000
        br      fail
.n38:   trap    TRAP_KERNEL
.k38:   li      r11, VEC_ILLEGAL
        la      r12, .i38
        mov     r10, r12
        call    expect
        cmp     sp, r9
        bne     fail

; ---- fix and retry ---------------------------------------------------------
; fix_r2 points r2 at `data` and returns to the faulting instruction, which
; then succeeds.
        la      r1, fix_r2
        stw     r1, exc_table + 4 * VEC_MISALIGNED(r0)
        stw     r1, exc_table + 4 * VEC_BUSERROR(r0)

        li      r13, 39                 ; misaligned ldw, fixed
        stw     r0, fixes(r0)
        la      r2, data + 2
        ldw     r3, 4(r2)
        li      r12, 0x55667788
        cmp     r3, r12
        bne     fail
        ldw     r5, fixes(r0)
        cmpi    r5, 1
        bne     fail

        li      r13, 40                 ; bus error on a store, fixed
        stw     r0, fixes(r0)
        li      r2, BAD
        li      r3, 0x77665544
        stw     r3, 8(r2)
        ldw     r5, data + 8(r0)
        cmp     r5, r3
        bne     fail
        ldw     r5, fixes(r0)
        cmpi    r5, 1
        bne     fail

        li      r13, 41                 ; divide by zero, fixed
        la      r1, fix_div
        stw     r1, exc_table + 4 * VEC_DIVZERO(r0)
        stw     r0, fixes(r0)
        li      r1, 42
        li      r2, 0
        div     r3, r1, r2
        cmpi    r3, 6
        bne     fail
        ldw     r5, fixes(r0)
        cmpi    r5, 1
        bne     fail

        la      r1, exc_common
        stw     r1, exc_table + 4 * VEC_MISALIGNED(r0)
        stw     r1, exc_table + 4 * VEC_BUSERROR(r0)
        stw     r1, exc_table + 4 * VEC_DIVZERO(r0)

; ---- double fault ----------------------------------------------------------
        li      r13, 42                 ; a misaligned handler address
        call    exc_clear
        la      r1, exc_common + 2
        stw     r1, exc_table + 4 * VEC_DIVZERO(r0)
        la      r1, .n42
        stw     r1, exc_resume(r0)
        li      r1, 1
.i42:   div     r3, r1, r0
        br      fail
.n42:   ldw     r5, exc_count(r0)
        cmpi    r5, 1
        bne     fail
        ldw     r5, exc_cause(r0)
        cmpi    r5, VEC_DOUBLE
        bne     fail
        ldw     r5, exc_far(r0)         ; far = the vector it tried
        cmpi    r5, VEC_DIVZERO
        bne     fail
        cmp     sp, r9
        bne     fail
        la      r1, exc_common
        stw     r1, exc_table + 4 * VEC_DIVZERO(r0)

; ---- more undefined encodings ----------------------------------------------
        li      r13, 43                 ; cmpi r1, 5 with rd = 2
        call    exc_clear
        la      r1, .n43
        stw     r1, exc_resume(r0)
.i43:   .word   0x0005123a
        br      fail
.n43:   li      r11, VEC_ILLEGAL
        la      r12, .i43
        mov     r10, r12
        call    expect

        li      r13, 44                 ; push r1 with rd = 1: sp unchanged
        call    exc_clear
        la      r1, .n44
        stw     r1, exc_resume(r0)
.i44:   .word   0x00001148
        br      fail
.n44:   li      r11, VEC_ILLEGAL
        la      r12, .i44
        mov     r10, r12
        call    expect
        cmp     sp, r9
        bne     fail

        li      r13, 45                 ; pop r1 with rs1 = 1
        call    exc_clear
        la      r1, .n45
        stw     r1, exc_resume(r0)
.i45:   .word   0x00001149
        br      fail
.n45:   li      r11, VEC_ILLEGAL
        la      r12, .i45
        mov     r10, r12
        call    expect
        cmp     sp, r9
        bne     fail

        li      r13, 46                 ; ret with a non-zero rd field
        call    exc_clear
        la      r1, .n46
        stw     r1, exc_resume(r0)
.i46:   .word   0x00000162
        br      fail
.n46:   li      r11, VEC_ILLEGAL
        la      r12, .i46
        mov     r10, r12
        call    expect

; ---- fixing the instruction itself -----------------------------------------
        li      r13, 47                 ; the handler stores a real
        la      r1, fix_insn            ; instruction over the undefined
        stw     r1, exc_table + 4 * VEC_ILLEGAL(r0) ; one and retries it
        stw     r0, fixes(r0)
        li      r3, 41
.i47:   .word   0x00000000              ; becomes addi r3, r3, 1
        cmpi    r3, 42
        bne     fail
        ldw     r5, fixes(r0)
        cmpi    r5, 1
        bne     fail
        ldw     r5, .i47(r0)            ; and stays fixed
        li      r12, ADDI_R3_1
        cmp     r5, r12
        bne     fail
        la      r1, exc_common
        stw     r1, exc_table + 4 * VEC_ILLEGAL(r0)

        br      pass

; ---- helpers ---------------------------------------------------------------

; Check that exactly one exception was taken since exc_clear, with vector
; r11, saved pc r12 and far r10.  Clobbers r5.
expect: ldw     r5, exc_count(r0)
        cmpi    r5, 1
        bne     fail
        ldw     r5, exc_cause(r0)
        cmp     r5, r11
        bne     fail
        ldw     r5, exc_epc(r0)
        cmp     r5, r12
        bne     fail
        ldw     r5, exc_far(r0)
        cmp     r5, r10
        bne     fail
        ret

; trap TRAP_KERNEL: drop the frame and carry on in kernel mode at
; kernel_cont.
to_kernel:
        addi    sp, sp, 8
        ldw     r1, kernel_cont(r0)
        jmpr    r1

; Vectors 5 and 8 while fixing: r2 = data, count, and retry.
fix_r2: la      r2, data
        push    r1
        ldw     r1, fixes(r0)
        addi    r1, r1, 1
        stw     r1, fixes(r0)
        pop     r1
        rti

; Vector 4 while fixing: divide by 7 instead, count, and retry.
fix_div:
        li      r2, 7
        push    r1
        ldw     r1, fixes(r0)
        addi    r1, r1, 1
        stw     r1, fixes(r0)
        pop     r1
        rti

; Vector 1 while fixing: overwrite the instruction with ADDI_R3_1, count,
; and retry.
fix_insn:
        push    r1
        push    r2
        ldw     r1, 8(sp)               ; the saved pc
        li      r2, ADDI_R3_1
        stw     r2, 0(r1)
        ldw     r1, fixes(r0)
        addi    r1, r1, 1
        stw     r1, fixes(r0)
        pop     r2
        pop     r1
        rti

        .align  4
kernel_cont:
        .word   0
fixes:  .word   0
data:   .word   0x11223344, 0x55667788, 0, 0
        .space  64
ustack_top:
        .word   0
