; paging_fetch: an instruction fetch that fails to translate is a page
; fault with X (cause bit 10) set; far and the saved pc are both the
; address fetched.  An instruction that jumps there (jmpr, callr, ret,
; rti, or running off the end of a page) completes first.  There is no
; execute permission: any present page can be run, even a read-only one;
; user mode still needs U (docs/isa.md, section 6).
;
; paging-diff dumps: 0x1000:0x4000 0x100000:0x7000
        .include "paging.inc"

        .equ NO_PDE, 0x00c00000     ; directory entry 3: not present
        .equ NO_PTE, 0x00800000     ; directory entry 2 present, PTE not
        .equ KEXEC, 0x00801000      ; P only: kernel, read-only, code
        .equ KEXEC_NEXT, 0x00802000 ; not present
        .equ UEXEC, 0x00804000      ; P U: user, read-only, code
        .equ UEXEC_NEXT, 0x00805000 ; not present

_start: li      sp, PG_KSTACK_TOP
        call    pg_setup
        la      r1, user_code
        call    pg_user_page
        la      r1, pg_resume
        stw     r1, pg_fault_hook(r0)

        ; Two code pages, copied from the templates below:
        ;   +0x000  li r7, 42; ret      +0xff8  inc r7; inc r7
        call    pg_alloc
        call    fill_code
        ori     r3, r1, PG_P
        ldw     r1, pg_dir(r0)
        li      r2, KEXEC
        call    pg_map
        call    pg_alloc
        call    fill_code
        ori     r3, r1, PG_P | PG_U
        ldw     r1, pg_dir(r0)
        li      r2, UEXEC
        call    pg_map

        ; -- kernel mode -----------------------------------------------------
        la      r1, .l1
        stw     r1, pg_resume_pc(r0)
        li      r6, NO_PDE
        jmpr    r6
.l1:    li      r1, 1
        li      r2, PG_VEC_PAGE_FAULT | PG_CX
        li      r3, NO_PDE
        li      r4, NO_PDE
        call    pg_expect_fault
        ; The same address read as data: X clear.
        la      r1, .l2
        stw     r1, pg_resume_pc(r0)
.c2:    ldw     r5, 0(r6)
.l2:    li      r1, 2
        li      r2, PG_VEC_PAGE_FAULT
        li      r3, NO_PDE
        la      r4, .c2
        call    pg_expect_fault

        la      r1, .l3
        stw     r1, pg_resume_pc(r0)
        li      r6, NO_PTE + 0x10
        jmpr    r6
.l3:    li      r1, 3
        li      r2, PG_VEC_PAGE_FAULT | PG_CX
        li      r3, NO_PTE + 0x10
        li      r4, NO_PTE + 0x10
        call    pg_expect_fault

        ; A read-only page runs; the fetch that runs off its end faults.
        la      r1, .l4
        stw     r1, pg_resume_pc(r0)
        li      r7, 0
        li      r6, KEXEC + 0xff8
        jmpr    r6
.l4:    li      r1, 4
        li      r2, PG_VEC_PAGE_FAULT | PG_CX
        li      r3, KEXEC_NEXT
        li      r4, KEXEC_NEXT
        call    pg_expect_fault
        li      r1, 5               ; both instructions ran
        mov     r2, r7
        li      r3, 2
        li      r4, 0
        call    pg_check
        li      r6, KEXEC
        callr   r6
        li      r1, 6
        call    pg_expect_none
        li      r1, 7
        mov     r2, r7
        li      r3, 42
        li      r4, 0
        call    pg_check

        ; callr completes: the return address is pushed, then the fetch at
        ; the target faults.  Here the landing is the return address.
        mov     r9, sp
        la      r1, .l8
        stw     r1, pg_resume_pc(r0)
        li      r6, NO_PTE
        callr   r6
.l8:    li      r1, 8
        li      r2, PG_VEC_PAGE_FAULT | PG_CX
        li      r3, NO_PTE
        li      r4, NO_PTE
        call    pg_expect_fault
        li      r1, 9
        mov     r2, sp
        addi    r3, r9, -4
        li      r4, 0
        call    pg_check
        pop     r2
        li      r1, 10
        la      r3, .l8
        call    pg_check

        ; ret completes: it pops, then the fetch faults.
        la      r1, .l11
        stw     r1, pg_resume_pc(r0)
        li      r6, NO_PDE + 8
        push    r6
        ret
.l11:   li      r1, 11
        li      r2, PG_VEC_PAGE_FAULT | PG_CX
        li      r3, NO_PDE + 8
        li      r4, NO_PDE + 8
        call    pg_expect_fault
        li      r1, 12
        mov     r2, sp
        mov     r3, r9
        li      r4, 0
        call    pg_check

        ; -- user mode: U and X ----------------------------------------------
        ; rti into an unmapped page: the fetch faults in user mode.
        la      r1, u_back
        stw     r1, pg_resume_pc(r0)
        li      r1, NO_PDE + 0x20
        li      r2, 0
        call    pg_user_call
        li      r1, 13
        li      r2, PG_VEC_PAGE_FAULT | PG_CX | PG_CU
        li      r3, NO_PDE + 0x20
        li      r4, NO_PDE + 0x20
        call    pg_expect_fault
        li      r1, 14
        ldw     r2, pg_fault_flags(r0)
        andi    r2, r2, PG_FLAG_P
        li      r3, 0
        li      r4, 0
        call    pg_check

        li      r6, NO_PTE + 0x30
        la      r1, u_jump
        li      r2, 0
        call    pg_user_call
        li      r1, 15
        li      r2, PG_VEC_PAGE_FAULT | PG_CX | PG_CU
        li      r3, NO_PTE + 0x30
        li      r4, NO_PTE + 0x30
        call    pg_expect_fault

        ; A user, read-only page runs in user mode, up to its end.
        li      r7, 0
        li      r1, UEXEC + 0xff8
        li      r2, 0
        call    pg_user_call
        li      r1, 16
        li      r2, PG_VEC_PAGE_FAULT | PG_CX | PG_CU
        li      r3, UEXEC_NEXT
        li      r4, UEXEC_NEXT
        call    pg_expect_fault
        li      r1, 17
        mov     r2, r7
        li      r3, 2
        li      r4, 0
        call    pg_check

        ; A present kernel page: a protection violation (PV), not absence.
        li      r6, KEXEC
        la      r1, u_jump
        li      r2, 0
        call    pg_user_call
        li      r1, 18
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CX | PG_CU
        li      r3, KEXEC
        li      r4, KEXEC
        call    pg_expect_fault

        call    pg_pass

; fill_code: copy the templates into the frame r1 (kept).  Clobbers r2-r3.
fill_code:
        la      r2, tmpl_inc
        ldw     r3, 0(r2)
        stw     r3, 0xff8(r1)
        stw     r3, 0xffc(r1)
        ldw     r3, 4(r2)
        stw     r3, 0(r1)
        ldw     r3, 8(r2)
        stw     r3, 4(r1)
        ret

tmpl_inc:
        addi    r7, r7, 1
        li      r7, 42
        ret

; ---- user code -------------------------------------------------------------
        .align  4096
user_code:
u_jump: jmpr    r6
u_back: trap    PG_TRAP_RETURN
