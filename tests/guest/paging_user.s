; paging_user: user mode may use a page only if both its PDE and its PTE
; have U.  A user read, write or fetch of a kernel page is a protection
; violation: cause = 3 | PV | U, with W for a write and X for a fetch;
; far = the address; the saved pc = the instruction (for a fetch, the
; target itself).  Kernel mode may read, write and run user pages
; (docs/isa.md, section 6).
;
; paging-diff dumps: 0x1000:0x4000 0x100000:0x6000
        .include "paging.inc"

        .equ USER_PAGE, 0x00400000  ; PDE 1: U cleared by checks 14..17
        .equ USER_STACK, 0x00402000 ; a user stack page, same table
        .equ USER_SP, USER_STACK + PG_PAGE
        .equ SENTINEL, 0x5a5a5a5a

_start: li      sp, PG_KSTACK_TOP
        call    pg_setup
        la      r1, user_code
        call    pg_user_page
        call    pg_alloc
        ori     r3, r1, PG_P | PG_W | PG_U
        ldw     r1, pg_dir(r0)
        li      r2, USER_STACK
        call    pg_map

        ; -- user load and stores of a kernel page -------------------------
        li      r5, SENTINEL
        la      r6, kdata + 8
        la      r1, u_load
        li      r2, USER_SP
        call    pg_user_call
        li      r1, 1
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CU
        la      r3, kdata + 8
        la      r4, u_load
        call    pg_expect_fault
        li      r1, 2               ; the load had no effect
        mov     r2, r5
        li      r3, SENTINEL
        li      r4, 0
        call    pg_check
        li      r1, 3               ; the fault was taken in user mode
        ldw     r2, pg_fault_flags(r0)
        andi    r2, r2, PG_FLAG_P
        li      r3, 0
        call    pg_check

        la      r6, kdata + 12
        la      r1, u_store
        li      r2, USER_SP
        call    pg_user_call
        li      r1, 4
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW | PG_CU
        la      r3, kdata + 12
        la      r4, u_store
        call    pg_expect_fault
        li      r1, 5               ; the store had no effect
        la      r2, kdata
        ldw     r2, 12(r2)
        li      r3, 0x33333333
        call    pg_check

        la      r6, kdata + 1
        la      r1, u_storeb
        li      r2, USER_SP
        call    pg_user_call
        li      r1, 6
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW | PG_CU
        la      r3, kdata + 1
        la      r4, u_storeb
        call    pg_expect_fault

        ; -- user fetch of a kernel page: the saved pc is the target ------
        la      r1, pg_resume
        stw     r1, pg_fault_hook(r0)
        la      r1, u_back
        stw     r1, pg_resume_pc(r0)
        la      r6, kcode
        la      r1, u_jump
        li      r2, USER_SP
        call    pg_user_call
        li      r1, 7
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CX | PG_CU
        la      r3, kcode
        la      r4, kcode
        call    pg_expect_fault

        ; A call completes (it pushes and jumps); the fetch at its target
        ; faults.
        la      r1, u_call
        li      r2, USER_SP
        call    pg_user_call
        li      r1, 8
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CX | PG_CU
        la      r3, kcode
        la      r4, kcode
        call    pg_expect_fault
        li      r1, 9
        mfcr    r2, usp
        li      r3, USER_SP - 4
        li      r4, 0
        call    pg_check
        li      r1, 10
        li      r2, USER_SP - 4
        ldw     r2, 0(r2)
        la      r3, u_back          ; the return address
        call    pg_check
        la      r1, pg_skip
        stw     r1, pg_fault_hook(r0)

        ; -- user pages are the user's -----------------------------------
        li      r5, 0x1234
        li      r6, USER_STACK + 0x20
        la      r1, u_store
        li      r2, USER_SP
        call    pg_user_call
        li      r5, 0
        la      r1, u_load
        li      r2, USER_SP
        call    pg_user_call
        li      r1, 11
        call    pg_expect_none
        li      r1, 12
        mov     r2, r5
        li      r3, 0x1234
        li      r4, 0
        call    pg_check

        ; -- and the kernel may use them too ------------------------------
        li      r5, USER_STACK + 0x20
        ldw     r6, 0(r5)
        addi    r6, r6, 1
        stw     r6, 0(r5)
        call    u_ret               ; runs on a user page, in kernel mode
        li      r1, 13
        call    pg_expect_none

        ; -- PDE without U, PTE with U: the and of both is not user -------
        call    pg_alloc
        li      r2, SENTINEL
        stw     r2, 0x10(r1)
        ori     r3, r1, PG_P | PG_W | PG_U
        ldw     r1, pg_dir(r0)
        li      r2, USER_PAGE
        call    pg_map
        ldw     r1, pg_dir(r0)
        li      r2, USER_PAGE
        call    pg_pde
        mov     r9, r1
        ldw     r2, 0(r9)
        li      r3, ~PG_U
        and     r2, r2, r3
        stw     r2, 0(r9)
        li      r1, USER_PAGE
        tlbi    r1

        li      r5, 0
        li      r6, USER_PAGE + 0x10
        la      r1, u_load
        li      r2, USER_SP
        call    pg_user_call
        li      r1, 14
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CU
        li      r3, USER_PAGE + 0x10
        la      r4, u_load
        call    pg_expect_fault
        li      r6, USER_PAGE + 0x14
        la      r1, u_store
        li      r2, USER_SP
        call    pg_user_call
        li      r1, 15
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW | PG_CU
        li      r3, USER_PAGE + 0x14
        la      r4, u_store
        call    pg_expect_fault
        li      r6, USER_PAGE + 0x10
        ldw     r5, 0(r6)           ; kernel mode: fine
        li      r1, 16
        call    pg_expect_none
        li      r1, 17
        mov     r2, r5
        li      r3, SENTINEL
        li      r4, 0
        call    pg_check

        ; U back in the PDE: the user may read it again.
        ldw     r2, 0(r9)
        ori     r2, r2, PG_U
        stw     r2, 0(r9)
        li      r1, USER_PAGE
        tlbi    r1
        li      r5, 0
        la      r1, u_load
        li      r2, USER_SP
        call    pg_user_call
        li      r1, 18
        call    pg_expect_none
        li      r1, 19
        mov     r2, r5
        li      r3, SENTINEL
        li      r4, 0
        call    pg_check

        call    pg_pass

; ---- a kernel-only page: code and data -------------------------------------
        .align  4096
kcode:  nop
        ret
kdata:  .word   0x600dcafe, 0x11111111, 0x22222222, 0x33333333

; ---- user code: one access, then back to the kernel ------------------------
        .align  4096
user_code:
u_load: ldw     r5, 0(r6)
        trap    PG_TRAP_RETURN
u_store:
        stw     r5, 0(r6)
        trap    PG_TRAP_RETURN
u_storeb:
        stb     r5, 0(r6)
        trap    PG_TRAP_RETURN
u_jump: jmpr    r6
u_call: call    kcode
u_back: trap    PG_TRAP_RETURN
u_ret:  ret
