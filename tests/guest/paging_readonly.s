; paging_readonly: a page is writable only if both its PDE and its PTE
; have W, and W applies in kernel mode too.  A write to a read-only page
; is a protection violation: cause = 3 | PV | W (| U in user mode), far =
; the address written, the saved pc = the instruction, which had no
; effect (no memory change, no D bit, sp unchanged by a push or a call).
; Reading the page is fine (docs/isa.md, section 6).
;
; paging-diff dumps: 0x1000:0x4000 0x100000:0x7000
        .include "paging.inc"

        .equ RO, 0x00400000         ; PTE: P U, no W
        .equ RW, 0x00800000         ; PTE: P W U; its PDE loses W (12..16)
        .equ SENTINEL, 0x5a5a5a5a

_start: li      sp, PG_KSTACK_TOP
        call    pg_setup
        la      r1, user_code
        call    pg_user_page

        call    pg_alloc            ; RO's frame, filled while writable
        mov     r9, r1              ; r9 = RO's frame (physical)
        li      r2, SENTINEL
        stw     r2, 0(r9)
        ori     r3, r9, PG_P | PG_U
        ldw     r1, pg_dir(r0)
        li      r2, RO
        call    pg_map
        mov     r10, r1             ; r10 = RO's PTE

        ; -- kernel mode -----------------------------------------------------
        li      r6, RO
        ldw     r5, 0(r6)
        li      r1, 1
        call    pg_expect_none
        li      r1, 2
        mov     r2, r5
        li      r3, SENTINEL
        li      r4, 0
        call    pg_check

        li      r6, RO + 4
.c3:    stw     r5, 0(r6)
        li      r1, 3
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW
        li      r3, RO + 4
        la      r4, .c3
        call    pg_expect_fault
        li      r1, 4               ; nothing was written
        ldw     r2, 4(r9)
        li      r3, 0
        li      r4, 0
        call    pg_check
        li      r6, RO + 6
.c5:    sth     r5, 0(r6)
        li      r1, 5
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW
        li      r3, RO + 6
        la      r4, .c5
        call    pg_expect_fault
        li      r6, RO + 0xfff
.c6:    stb     r5, 0(r6)
        li      r1, 6
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW
        li      r3, RO + 0xfff
        la      r4, .c6
        call    pg_expect_fault

        ; -- user mode -------------------------------------------------------
        li      r5, 0
        li      r6, RO
        la      r1, u_load
        li      r2, 0
        call    pg_user_call
        li      r1, 7
        call    pg_expect_none
        li      r1, 8
        mov     r2, r5
        li      r3, SENTINEL
        li      r4, 0
        call    pg_check

        li      r6, RO + 8
        la      r1, u_store
        li      r2, 0
        call    pg_user_call
        li      r1, 9
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW | PG_CU
        li      r3, RO + 8
        la      r4, u_store
        call    pg_expect_fault
        li      r1, 10
        ldw     r2, 8(r9)
        li      r3, 0
        li      r4, 0
        call    pg_check

        ; A push with the stack on the page: sp does not move.
        la      r1, u_push
        li      r2, RO + 0x100
        call    pg_user_call
        li      r1, 11
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW | PG_CU
        li      r3, RO + 0xfc
        la      r4, u_push
        call    pg_expect_fault
        li      r1, 12
        mfcr    r2, usp
        li      r3, RO + 0x100
        li      r4, 0
        call    pg_check

        ; A call whose push faults does not jump either: skipping it
        ; lands on the trap right after it.
        la      r1, u_call
        li      r2, RO + 0x200
        call    pg_user_call
        li      r1, 13
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW | PG_CU
        li      r3, RO + 0x1fc
        la      r4, u_call
        call    pg_expect_fault
        li      r1, 14
        mfcr    r2, usp
        li      r3, RO + 0x200
        li      r4, 0
        call    pg_check

        ; No write completed, so D is still clear (A is set by the reads).
        li      r1, 15
        ldw     r2, 0(r10)
        andi    r2, r2, PG_D
        li      r3, 0
        call    pg_check

        ; -- PDE read-only, PTE writable: not writable -----------------------
        call    pg_alloc
        mov     r11, r1             ; r11 = RW's frame
        ori     r3, r11, PG_P | PG_W | PG_U
        ldw     r1, pg_dir(r0)
        li      r2, RW
        call    pg_map
        ldw     r1, pg_dir(r0)
        li      r2, RW
        call    pg_pde
        mov     r12, r1             ; r12 = RW's PDE
        ldw     r2, 0(r12)
        li      r3, ~PG_W
        and     r2, r2, r3
        stw     r2, 0(r12)
        li      r1, RW
        tlbi    r1

        li      r5, SENTINEL
        li      r6, RW + 0x20
.c16:   stw     r5, 0(r6)
        li      r1, 16
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW
        li      r3, RW + 0x20
        la      r4, .c16
        call    pg_expect_fault
        la      r1, u_store
        li      r2, 0
        call    pg_user_call
        li      r1, 17
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW | PG_CU
        li      r3, RW + 0x20
        la      r4, u_store
        call    pg_expect_fault
        ldw     r5, 0(r6)           ; reading is fine, in both modes
        la      r1, u_load
        li      r2, 0
        call    pg_user_call
        li      r1, 18
        call    pg_expect_none
        li      r1, 19
        ldw     r2, 0x20(r11)
        li      r3, 0
        li      r4, 0
        call    pg_check

        ; W back in the PDE: the write goes through.
        ldw     r2, 0(r12)
        ori     r2, r2, PG_W
        stw     r2, 0(r12)
        li      r1, RW
        tlbi    r1
        li      r5, SENTINEL
        stw     r5, 0(r6)
        li      r1, 20
        call    pg_expect_none
        li      r1, 21
        ldw     r2, 0x20(r11)
        li      r3, SENTINEL
        li      r4, 0
        call    pg_check

        ; -- a read-only page of the kernel's own identity map ---------------
        la      r1, kro
        shri    r1, r1, 10          ; 4 x its page number
        ldw     r2, pg_ktable(r0)
        add     r9, r1, r2          ; r9 = its PTE
        ldw     r2, 0(r9)
        li      r3, ~PG_W
        and     r2, r2, r3
        stw     r2, 0(r9)
        la      r6, kro
        tlbi    r6
        ldw     r5, 0(r6)
        addi    r5, r5, 1
.c22:   stw     r5, 0(r6)
        li      r1, 22
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW
        la      r3, kro
        la      r4, .c22
        call    pg_expect_fault
        li      r1, 23
        la      r2, kro
        ldw     r2, 0(r2)
        li      r3, 0x600d
        li      r4, 0
        call    pg_check

        call    pg_pass

        .align  4096
kro:    .word   0x600d

; ---- user code: one access, then back to the kernel ------------------------
        .align  4096
user_code:
u_load: ldw     r5, 0(r6)
        trap    PG_TRAP_RETURN
u_store:
        stw     r5, 0(r6)
        trap    PG_TRAP_RETURN
u_push: push    r5
        trap    PG_TRAP_RETURN
u_call: call    u_load
        trap    PG_TRAP_RETURN
