; paging_restart: page faults are restartable.  The handler maps the page
; (or makes it writable) and returns with rti to the saved pc; the
; faulting instruction runs again from the start and completes, having
; done nothing the first time: a load into its own base register, a push
; or a pop that moves sp once, a call that pushes once, a fetch, and an
; instruction that faults twice before it completes (docs/isa.md, 6).
;
; paging-diff dumps: 0x1000:0x4000 0x100000:0x10000
        .include "paging.inc"

        .equ HEAP, 0x00800000       ; directory entry 2: nothing mapped
        .equ SENTINEL, 0x5a5a5a5a

_start: li      sp, PG_KSTACK_TOP
        call    pg_setup
        la      r1, user_code
        call    pg_user_page
        la      r1, hook_map
        stw     r1, pg_fault_hook(r0)

        ; -- a kernel store; the directory entry is made too -----------------
        li      r5, SENTINEL
        li      r6, HEAP
.c1:    stw     r5, 0x40(r6)
        li      r1, 1
        li      r2, PG_VEC_PAGE_FAULT | PG_CW
        li      r3, HEAP + 0x40
        la      r4, .c1
        call    pg_expect_fault
        ldw     r7, 0x40(r6)
        li      r1, 2
        call    pg_expect_none
        li      r1, 3
        mov     r2, r7
        li      r3, SENTINEL
        li      r4, 0
        call    pg_check

        ; -- a load into its own base register -------------------------------
        li      r1, 0x12345678
        stw     r1, map_fill(r0)
        li      r6, HEAP + 0x1000
.c4:    ldw     r6, 8(r6)
        li      r1, 4
        li      r2, PG_VEC_PAGE_FAULT
        li      r3, HEAP + 0x1008
        la      r4, .c4
        call    pg_expect_fault
        li      r1, 5
        mov     r2, r6
        li      r3, 0x12345678
        li      r4, 0
        call    pg_check
        stw     r0, map_fill(r0)

        ; -- user push and pop: sp moves once --------------------------------
        li      r5, SENTINEL
        la      r1, u_push
        li      r2, HEAP + 0x3000
        call    pg_user_call
        li      r1, 6
        li      r2, PG_VEC_PAGE_FAULT | PG_CW | PG_CU
        li      r3, HEAP + 0x2ffc
        la      r4, u_push
        call    pg_expect_fault
        li      r1, 7
        mfcr    r2, usp
        li      r3, HEAP + 0x2ffc
        li      r4, 0
        call    pg_check
        li      r1, 8
        li      r2, HEAP + 0x2ffc
        ldw     r2, 0(r2)
        li      r3, SENTINEL
        call    pg_check

        li      r1, 0xabcdef01
        stw     r1, map_fill(r0)
        li      r7, 0
        la      r1, u_pop
        li      r2, HEAP + 0x4ff0
        call    pg_user_call
        li      r1, 9
        li      r2, PG_VEC_PAGE_FAULT | PG_CU
        li      r3, HEAP + 0x4ff0
        la      r4, u_pop
        call    pg_expect_fault
        li      r1, 10
        mfcr    r2, usp
        li      r3, HEAP + 0x4ff4
        li      r4, 0
        call    pg_check
        li      r1, 11
        mov     r2, r7
        li      r3, 0xabcdef01
        call    pg_check

        ; -- a fetch: the new page is full of `trap PG_TRAP_RETURN` ----------
        la      r1, tmpl_return
        ldw     r1, 0(r1)
        stw     r1, map_fill(r0)
        li      r1, HEAP + 0x5040
        li      r2, 0
        call    pg_user_call
        li      r1, 12
        li      r2, PG_VEC_PAGE_FAULT | PG_CX | PG_CU
        li      r3, HEAP + 0x5040
        li      r4, HEAP + 0x5040
        call    pg_expect_fault
        ldw     r1, pg_dir(r0)
        li      r2, HEAP + 0x5000
        call    pg_pte
        li      r2, 13              ; the retried fetch used it: A
        mov     r3, r1
        mov     r1, r2
        ldw     r2, 0(r3)
        andi    r2, r2, PG_A | PG_D
        li      r3, PG_A
        li      r4, 0
        call    pg_check
        stw     r0, map_fill(r0)

        ; -- a call whose push faults: retried, it pushes once and jumps -----
        la      r1, u_call
        li      r2, HEAP + 0x8000
        call    pg_user_call
        li      r1, 14
        li      r2, PG_VEC_PAGE_FAULT | PG_CW | PG_CU
        li      r3, HEAP + 0x7ffc
        la      r4, u_call
        call    pg_expect_fault
        li      r1, 15
        mfcr    r2, usp
        li      r3, HEAP + 0x7ffc
        li      r4, 0
        call    pg_check
        li      r1, 16
        li      r2, HEAP + 0x7ffc
        ldw     r2, 0(r2)
        la      r3, u_after_call
        call    pg_check

        ; -- two faults, one instruction: not present, then read-only -------
        la      r1, hook_two_step
        stw     r1, pg_fault_hook(r0)
        li      r1, PG_P | PG_U     ; the first fix maps it read-only
        stw     r1, map_bits(r0)
        li      r5, SENTINEL
        li      r6, HEAP + 0x6010
        la      r1, u_store
        li      r2, 0
        call    pg_user_call
        li      r1, 17
        ldw     r2, pg_fault_count(r0)
        li      r3, 2
        li      r4, 0
        call    pg_check
        li      r1, 18
        ldw     r2, first_cause(r0)
        li      r3, PG_VEC_PAGE_FAULT | PG_CW | PG_CU
        call    pg_check
        li      r1, 1
        stw     r1, pg_fault_count(r0)  ; the second one, as usual:
        li      r1, 19
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW | PG_CU
        li      r3, HEAP + 0x6010
        la      r4, u_store
        call    pg_expect_fault
        li      r1, 20
        ldw     r2, 0(r6)
        li      r3, SENTINEL
        li      r4, 0
        call    pg_check

        ; -- the kernel writes a read-only page: made writable, retried ------
        call    pg_alloc
        ori     r3, r1, PG_P
        ldw     r1, pg_dir(r0)
        li      r2, HEAP + 0x9000
        call    pg_map
        mov     r9, r1              ; r9 = its PTE
        li      r6, HEAP + 0x9000
        li      r5, SENTINEL
.c21:   stw     r5, 0xffc(r6)
        li      r1, 21
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW
        li      r3, HEAP + 0x9ffc
        la      r4, .c21
        call    pg_expect_fault
        li      r1, 22
        ldw     r2, 0xffc(r6)
        li      r3, SENTINEL
        li      r4, 0
        call    pg_check
        li      r1, 23              ; now writable, written: A and D
        ldw     r2, 0(r9)
        andi    r2, r2, PG_P | PG_W | PG_A | PG_D
        li      r3, PG_P | PG_W | PG_A | PG_D
        call    pg_check

        call    pg_pass

; hook_map: map a fresh page at far, with the entry bits in map_bits and
; every word set to map_fill, then retry the faulting instruction.
hook_map:
        mov     r5, r2              ; far
        mov     r6, r3              ; the saved pc
        call    pg_alloc
        ldw     r2, map_fill(r0)
        mov     r4, r1
        li      r3, PG_PAGE / 4
.fill:  stw     r2, 0(r4)
        addi    r4, r4, 4
        addi    r3, r3, -1
        cmpi    r3, 0
        bne     .fill
        ldw     r3, map_bits(r0)
        or      r3, r1, r3
        ldw     r1, pg_dir(r0)
        shri    r2, r5, 12
        shli    r2, r2, 12
        push    r6                  ; pg_map clobbers r5-r8
        call    pg_map
        pop     r1                  ; resume at the faulting instruction
        ret

; hook_two_step: not present: map it (hook_map); present: the page is
; read-only, make it writable.  Retry either way.  The first cause is
; kept in first_cause.
hook_two_step:
        tsti    r1, PG_PV
        bne     .prot
        stw     r1, first_cause(r0)
        br      hook_map
.prot:  mov     r5, r2
        mov     r6, r3
        ldw     r1, pg_dir(r0)
        call    pg_pte
        ldw     r2, 0(r1)
        ori     r2, r2, PG_W
        stw     r2, 0(r1)
        tlbi    r5
        mov     r1, r6
        ret

        .align  4
map_bits:    .word PG_P | PG_W | PG_U
map_fill:    .word 0
first_cause: .word 0
tmpl_return: trap   PG_TRAP_RETURN

; ---- user code -------------------------------------------------------------
        .align  4096
user_code:
u_store:
        stw     r5, 0(r6)
        trap    PG_TRAP_RETURN
u_push: push    r5
        trap    PG_TRAP_RETURN
u_pop:  pop     r7
        trap    PG_TRAP_RETURN
u_call: call    u_function
u_after_call:
        trap    PG_TRAP_RETURN
u_function:
        trap    PG_TRAP_RETURN
