; paging_notpresent: an access through a directory entry (PDE) or a table
; entry (PTE) without P raises a page fault: vector 3, PV = 0, W for a
; write, U in user mode; far is the virtual address, to the byte; the
; saved pc is the instruction, which had no effect (docs/isa.md, 6).
; The other bits of an entry without P do not matter.  A walk that reads
; a table with no RAM behind it is a bus error, far = that address.  The
; vector table is read physically, so its page need not be mapped.
;
; paging-diff dumps: 0x1000:0x5000 0x100000:0x6000
        .include "paging.inc"

        .equ NO_PDE, 0x00c00000     ; directory entry 3: not present
        .equ NO_PTE, 0x00800000     ; directory entry 2 present, PTE not
        .equ MAPPED, 0x00801000     ; the next page: mapped
        .equ BAD_TABLE, 0x01000000  ; directory entry 4: a table past RAM
        .equ NO_RAM, 0x7ffff000
        .equ SENTINEL, 0x5a5a5a5a
        .equ USER_SP, 0x00403000    ; never used: the user code needs none

_start: li      sp, PG_KSTACK_TOP
        call    pg_setup
        la      r1, user_code
        call    pg_user_page

        ; -- kernel mode, directory entry not present ---------------------
        li      r5, SENTINEL
        li      r6, NO_PDE + 0xabd
.c1:    ldbu    r5, 0(r6)
        li      r1, 1
        li      r2, PG_VEC_PAGE_FAULT
        li      r3, NO_PDE + 0xabd
        la      r4, .c1
        call    pg_expect_fault
        li      r1, 2               ; precise: the load had no effect
        mov     r2, r5
        li      r3, SENTINEL
        li      r4, 0
        call    pg_check
        li      r1, 3               ; taken in kernel mode
        ldw     r2, pg_fault_flags(r0)
        andi    r2, r2, PG_FLAG_P
        li      r3, PG_FLAG_P
        call    pg_check

        li      r6, NO_PDE + 0x100
.c4:    stw     r5, 0(r6)
        li      r1, 4
        li      r2, PG_VEC_PAGE_FAULT | PG_CW
        li      r3, NO_PDE + 0x100
        la      r4, .c4
        call    pg_expect_fault

        ; -- kernel mode, table entry not present --------------------------
        call    pg_alloc
        ori     r3, r1, PG_P | PG_W
        ldw     r1, pg_dir(r0)
        li      r2, MAPPED
        call    pg_map              ; also makes the table of NO_PTE
        li      r6, NO_PTE + 0xffc
.c5:    ldw     r5, 0(r6)
        li      r1, 5
        li      r2, PG_VEC_PAGE_FAULT
        li      r3, NO_PTE + 0xffc
        la      r4, .c5
        call    pg_expect_fault
        li      r6, NO_PTE + 3
.c6:    stb     r5, 0(r6)
        li      r1, 6
        li      r2, PG_VEC_PAGE_FAULT | PG_CW
        li      r3, NO_PTE + 3
        la      r4, .c6
        call    pg_expect_fault
        li      r6, MAPPED + 8
        ldw     r5, 0(r6)           ; the mapped page next to it works
        li      r1, 7
        call    pg_expect_none

        ; A PTE with every bit but P: still not present, and untouched.
        ldw     r1, pg_dir(r0)
        li      r2, MAPPED
        call    pg_pte
        ldw     r2, 0(r1)           ; MAPPED's entry
        shri    r2, r2, 12
        shli    r2, r2, 12
        ori     r2, r2, PG_W | PG_U | PG_A | PG_D | PG_AVAIL
        stw     r2, -4(r1)          ; NO_PTE's entry: no P
        mov     r9, r1
        mov     r10, r2
        li      r1, NO_PTE
        tlbi    r1
        li      r6, NO_PTE + 0x10
.c8:    ldw     r5, 0(r6)
        li      r1, 8
        li      r2, PG_VEC_PAGE_FAULT
        li      r3, NO_PTE + 0x10
        la      r4, .c8
        call    pg_expect_fault
.c9:    stw     r5, 0(r6)
        li      r1, 9
        li      r2, PG_VEC_PAGE_FAULT | PG_CW
        li      r3, NO_PTE + 0x10
        la      r4, .c9
        call    pg_expect_fault
        li      r1, 10              ; the hardware wrote nothing
        ldw     r2, -4(r9)
        mov     r3, r10
        call    pg_check

        ; A PDE with every bit but P, pointing at a table whose entry 1
        ; is present: P of the PDE is checked first.
        ldw     r1, pg_dir(r0)
        ldw     r2, 8(r1)           ; directory entry 2 (NO_PTE, MAPPED)
        shri    r2, r2, 12
        shli    r2, r2, 12
        ori     r2, r2, PG_W | PG_U | PG_A | PG_D | PG_AVAIL
        stw     r2, 12(r1)          ; entry 3 (NO_PDE): same table, no P
        mov     r9, r1
        mov     r10, r2
        li      r1, NO_PDE + 0x1000
        tlbi    r1
        li      r6, NO_PDE + 0x1000
.c11:   ldw     r5, 0(r6)
        li      r1, 11
        li      r2, PG_VEC_PAGE_FAULT
        li      r3, NO_PDE + 0x1000
        la      r4, .c11
        call    pg_expect_fault
        li      r1, 12
        ldw     r2, 12(r9)
        mov     r3, r10
        call    pg_check
        stw     r0, 12(r9)          ; NO_PDE: nothing again
        li      r1, NO_PDE + 0x1000
        tlbi    r1

        ; -- user mode: U in cause -------------------------------------------
        li      r5, SENTINEL
        li      r6, NO_PDE + 0x44
        la      r1, u_load
        li      r2, USER_SP
        call    pg_user_call
        li      r1, 13
        li      r2, PG_VEC_PAGE_FAULT | PG_CU
        li      r3, NO_PDE + 0x44
        la      r4, u_load
        call    pg_expect_fault
        li      r1, 14
        mov     r2, r5
        li      r3, SENTINEL
        li      r4, 0
        call    pg_check
        li      r1, 15              ; taken in user mode
        ldw     r2, pg_fault_flags(r0)
        andi    r2, r2, PG_FLAG_P
        li      r3, 0
        call    pg_check

        li      r6, NO_PTE + 0x48
        la      r1, u_store
        li      r2, USER_SP
        call    pg_user_call
        li      r1, 16
        li      r2, PG_VEC_PAGE_FAULT | PG_CU | PG_CW
        li      r3, NO_PTE + 0x48
        la      r4, u_store
        call    pg_expect_fault

        ; pop and push with the user stack in unmapped memory: the fault
        ; names the stack slot, and sp does not move.
        la      r1, u_pop
        li      r2, NO_PDE + 0x10
        call    pg_user_call
        li      r1, 17
        li      r2, PG_VEC_PAGE_FAULT | PG_CU
        li      r3, NO_PDE + 0x10
        la      r4, u_pop
        call    pg_expect_fault
        li      r1, 18
        mfcr    r2, usp
        li      r3, NO_PDE + 0x10
        call    pg_check
        li      r1, 19
        mov     r2, r5
        li      r3, SENTINEL
        call    pg_check

        la      r1, u_push
        li      r2, NO_PTE + 0x10
        call    pg_user_call
        li      r1, 20
        li      r2, PG_VEC_PAGE_FAULT | PG_CU | PG_CW
        li      r3, NO_PTE + 0xc
        la      r4, u_push
        call    pg_expect_fault
        li      r1, 21
        mfcr    r2, usp
        li      r3, NO_PTE + 0x10
        call    pg_check

        ; -- a table with no RAM behind it: bus error, far physical -------
        ldw     r1, pg_dir(r0)
        li      r2, NO_RAM | PG_P | PG_W | PG_U
        stw     r2, 16(r1)          ; directory entry 4
        li      r1, BAD_TABLE
        tlbi    r1
        li      r6, BAD_TABLE + 0x5008
.c22:   ldw     r5, 0(r6)
        li      r1, 22
        li      r2, PG_VEC_BUS_ERROR
        li      r3, NO_RAM + 5 * 4  ; the PTE the walk tried to read
        la      r4, .c22
        call    pg_expect_fault
        li      r1, 23
        mov     r2, r5
        li      r3, SENTINEL
        li      r4, 0
        call    pg_check
.c24:   stw     r5, 0(r6)
        li      r1, 24
        li      r2, PG_VEC_BUS_ERROR
        li      r3, NO_RAM + 5 * 4
        la      r4, .c24
        call    pg_expect_fault

        ; -- the vector table is physical: its page may be unmapped --------
        la      r1, pg_vectors
        la      r2, alt_vectors
        li      r3, 256
.copy:  ldw     r4, 0(r1)
        stw     r4, 0(r2)
        addi    r1, r1, 4
        addi    r2, r2, 4
        addi    r3, r3, -1
        cmpi    r3, 0
        bne     .copy
        la      r6, alt_vectors
        mtcr    vbr, r6
        shri    r1, r6, 10          ; 4 x its page number
        ldw     r2, pg_ktable(r0)
        add     r1, r1, r2
        stw     r0, 0(r1)           ; its identity PTE: not present
        tlbi    r6
.c25:   ldw     r5, 0(r6)           ; delivered through alt_vectors
        li      r1, 25
        li      r2, PG_VEC_PAGE_FAULT
        mov     r3, r6
        la      r4, .c25
        call    pg_expect_fault
        la      r1, pg_vectors
        mtcr    vbr, r1

        call    pg_pass

; A copy of the vector table, alone on its page.
        .align  4096
alt_vectors:
        .space  1024

; ---- user code: one access, then back to the kernel ------------------------
        .align  4096
user_code:
u_load: ldw     r5, 0(r6)
        trap    PG_TRAP_RETURN
u_store:
        stw     r5, 0(r6)
        trap    PG_TRAP_RETURN
u_pop:  pop     r5
        trap    PG_TRAP_RETURN
u_push: push    r5
        trap    PG_TRAP_RETURN
