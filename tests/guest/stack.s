; stack.s: push pop call callr ret jmpr.  The reset sp is the top of RAM;
; push pre-decrements and pop post-increments by 4, last in first out;
; `push sp` stores the sp from before the push; `pop sp` leaves sp = the
; loaded value (not that plus 4); push r0 stores 0 and pop r0 still moves
; sp.  call and callr push the address of the next instruction and land
; exactly on the target; ret pops it, so sp comes back balanced; ret to an
; address pushed by hand; jmpr moves nothing on the stack; nested calls
; three deep and a recursive factorial.  (Misaligned jump targets are in
; exceptions.s.)
;
; r13 = number of the check; r9 holds sp from before a check, r12 expected.

        .include "check.inc"

_start: la      r1, exc_table
        mtcr    vbr, r1

        li      r13, 1                  ; at reset sp is the top of RAM
        li      r12, RAM_TOP
        cmp     sp, r12
        bne     fail

; ---- push pop --------------------------------------------------------------
        li      r13, 2                  ; push: sp - 4, then store
        mov     r9, sp
        li      r1, 0x11223344
        push    r1
        addi    r12, r9, -4
        cmp     sp, r12
        bne     fail
        ldw     r3, 0(sp)
        cmp     r3, r1
        bne     fail

        li      r13, 3                  ; pop: load, then sp + 4
        li      r2, 0
        pop     r2
        cmp     r2, r1
        bne     fail
        cmp     sp, r9
        bne     fail

        li      r13, 4                  ; last in, first out
        li      r1, 1
        li      r2, 2
        li      r3, 3
        push    r1
        push    r2
        push    r3
        pop     r4
        pop     r5
        pop     r6
        cmpi    r4, 3
        bne     fail
        cmpi    r5, 2
        bne     fail
        cmpi    r6, 1
        bne     fail
        cmp     sp, r9
        bne     fail

        li      r13, 5                  ; the words sit at sp, sp + 4, ...
        push    r1
        push    r2
        ldw     r3, 0(sp)
        cmpi    r3, 2
        bne     fail
        ldw     r3, 4(sp)
        cmpi    r3, 1
        bne     fail
        addi    sp, sp, 8
        cmp     sp, r9
        bne     fail

        li      r13, 6                  ; push sp stores the old sp
        push    sp
        ldw     r3, 0(sp)
        cmp     r3, r9
        bne     fail
        addi    r12, r9, -4
        cmp     sp, r12
        bne     fail
        addi    sp, sp, 4

        li      r13, 7                  ; pop sp: the loaded value wins
        addi    r1, r9, -64
        push    r1
        pop     sp
        cmp     sp, r1
        bne     fail
        mov     sp, r9

        li      r13, 8                  ; push r0 stores zero
        li      r3, -1
        push    r3
        push    r0
        ldw     r3, 0(sp)
        cmp     r3, r0
        bne     fail

        li      r13, 9                  ; pop r0 discards, but moves sp
        pop     r0
        cmp     r0, r0                  ; (r0 itself is checked in r0.s)
        addi    r12, r9, -4
        cmp     sp, r12
        bne     fail
        pop     r3
        cmp     sp, r9
        bne     fail

        li      r13, 10                 ; push then pop into the same register
        li      r1, 0x5a5aa5a5
        push    r1
        li      r1, 0
        pop     r1
        li      r12, 0x5a5aa5a5
        cmp     r1, r12
        bne     fail

; ---- call ret --------------------------------------------------------------
        li      r13, 11                 ; call pushes the next address
        li      r1, 0
.c11:   call    record
        addi    r1, r1, 2               ; record set r1 = 1: now 3
        cmpi    r1, 3
        bne     fail
        ldw     r3, rec_ret(r0)
        la      r12, .c11 + 4
        cmp     r3, r12
        bne     fail
        ldw     r3, rec_sp(r0)          ; sp inside = sp before - 4
        addi    r12, r9, -4
        cmp     r3, r12
        bne     fail
        cmp     sp, r9                  ; ret popped it
        bne     fail

        li      r13, 12                 ; call lands exactly on its target
        li      r1, 0
        call    add_one_two
        cmpi    r1, 3
        bne     fail

        li      r13, 13                 ; callr: the same through a register
        la      r5, record
        li      r1, 0
.c13:   callr   r5
        cmpi    r1, 1
        bne     fail
        ldw     r3, rec_ret(r0)
        la      r12, .c13 + 4
        cmp     r3, r12
        bne     fail
        cmp     sp, r9
        bne     fail

        li      r13, 14                 ; callr lands exactly
        la      r5, add_one_two
        li      r1, 0
        callr   r5
        cmpi    r1, 3
        bne     fail

        li      r13, 15                 ; ret to an address pushed by hand
        la      r1, .t15
        push    r1
        ret
        br      fail
.t15:   cmp     sp, r9
        bne     fail

        li      r13, 16                 ; jmpr: no stack traffic
        li      r1, 0
        la      r5, .t16
        jmpr    r5
        addi    r1, r1, 100
.t16:   addi    r1, r1, 1
        cmpi    r1, 1
        bne     fail
        cmp     sp, r9
        bne     fail

        li      r13, 17                 ; jmpr backward
        li      r1, 0
        br      .s17
.t17:   addi    r1, r1, 1
        br      .e17
.s17:   la      r5, .t17
        jmpr    r5
        br      fail
.e17:   cmpi    r1, 1
        bne     fail

        li      r13, 18                 ; nested: three deep, in order
        li      r1, 0
        call    level1
        li      r12, 123321
        cmp     r1, r12
        bne     fail
        cmp     sp, r9
        bne     fail

        li      r13, 19                 ; recursion: 10! = 3628800
        li      r1, 10
        call    factorial
        li      r12, 3628800
        cmp     r1, r12
        bne     fail
        cmp     sp, r9
        bne     fail

        li      r13, 20                 ; call through a far forward target
        li      r1, 0
        call    far_sub
        cmpi    r1, 0x77
        bne     fail
        cmp     sp, r9
        bne     fail

        br      pass

; ---- subroutines -----------------------------------------------------------

; r1 = 1; saves its return address and sp.
record: li      r1, 1
        ldw     r2, 0(sp)
        stw     r2, rec_ret(r0)
        stw     sp, rec_sp(r0)
        ret

; Lands on its first instruction or the result is not 3.
add_one_two:
        addi    r1, r1, 1
        addi    r1, r1, 2
        ret

; r1 = r1 * 10 + digit on the way in and on the way out: 123321.
level1: muli    r1, r1, 10
        addi    r1, r1, 1
        call    level2
        muli    r1, r1, 10
        addi    r1, r1, 1
        ret
level2: muli    r1, r1, 10
        addi    r1, r1, 2
        la      r5, level3
        callr   r5
        muli    r1, r1, 10
        addi    r1, r1, 2
        ret
level3: muli    r1, r1, 10
        addi    r1, r1, 3
        muli    r1, r1, 10
        addi    r1, r1, 3
        ret

; r1 = r1!, recursively, keeping n on the stack.
factorial:
        cmpi    r1, 1
        bgt     .rec
        li      r1, 1
        ret
.rec:   push    r1
        addi    r1, r1, -1
        call    factorial
        pop     r2
        mul     r1, r1, r2
        ret

        .align  4
rec_ret: .word  0
rec_sp: .word   0

        .org    0x00800000
far_sub:
        li      r1, 0x77
        ret
