; paging_ad: the hardware sets A in the PDE and the PTE when a translation
; through them is used (read, write or fetch, either mode), and D in the
; PTE on a write only; D is never set in a PDE; the hardware never clears
; A or D and leaves the avail bits alone; a write that faults sets no D.
; The exception frame is pushed like any kernel store (docs/isa.md, 6).
;
; paging-diff dumps: 0x1000:0x4000 0x100000:0x7000
        .include "paging.inc"

        .equ V, 0x00400000          ; the data page under test
        .equ CODE, 0x00401000       ; a code page, writable
        .equ STACK, 0x00402000      ; a kernel stack page for check 23
        .equ NO_PDE, 0x00c00000

_start: li      sp, PG_KSTACK_TOP
        call    pg_setup
        la      r1, user_code
        call    pg_user_page
        la      r1, pg_vectors
        la      r2, just_rti
        stw     r2, 33*4(r1)

        call    pg_alloc
        mov     r11, r1             ; r11 = V's frame
        ori     r3, r11, PG_P | PG_W
        ldw     r1, pg_dir(r0)
        li      r2, V
        call    pg_map
        mov     r9, r1              ; r9 = V's PTE
        ldw     r1, pg_dir(r0)
        li      r2, V
        call    pg_pde
        mov     r10, r1             ; r10 = V's PDE
        li      r6, V

        ; -- untouched: no A, no D ----------------------------------------
        li      r1, 1
        ldw     r2, 0(r9)
        ori     r3, r11, PG_P | PG_W
        li      r4, 0
        call    pg_check
        li      r1, 2
        ldw     r2, 0(r10)
        andi    r2, r2, PG_A | PG_D
        li      r3, 0
        call    pg_check

        ; -- a read sets A in both, D in neither ---------------------------
        ldw     r5, 0(r6)
        li      r1, 3
        ldw     r2, 0(r9)
        ori     r3, r11, PG_P | PG_W | PG_A
        call    pg_check
        li      r1, 4
        ldw     r2, 0(r10)
        andi    r2, r2, PG_A | PG_D
        li      r3, PG_A
        call    pg_check

        ; -- a write sets D in the PTE, never in the PDE ------------------
        stw     r5, 4(r6)
        li      r1, 5
        ldw     r2, 0(r9)
        ori     r3, r11, PG_P | PG_W | PG_A | PG_D
        call    pg_check
        li      r1, 6
        ldw     r2, 0(r10)
        andi    r2, r2, PG_A | PG_D
        li      r3, PG_A
        call    pg_check

        ; -- a write first sets both A and D --------------------------------
        ori     r2, r11, PG_P | PG_W
        stw     r2, 0(r9)
        ldw     r2, 0(r10)
        li      r3, ~PG_A
        and     r2, r2, r3
        stw     r2, 0(r10)
        tlbi    r6
        li      r5, 0x77
        stb     r5, 7(r6)
        li      r1, 7
        ldw     r2, 0(r9)
        ori     r3, r11, PG_P | PG_W | PG_A | PG_D
        call    pg_check
        li      r1, 8
        ldw     r2, 0(r10)
        andi    r2, r2, PG_A | PG_D
        li      r3, PG_A
        call    pg_check
        li      r1, 9
        ldw     r2, 4(r11)
        li      r3, 0x77000000
        call    pg_check

        ; -- D clear, A set: reads leave D alone, a write sets it ----------
        ori     r2, r11, PG_P | PG_W | PG_A
        stw     r2, 0(r9)
        tlbi    r6
        ldw     r5, 0(r6)
        ldbu    r5, 9(r6)
        li      r1, 10
        ldw     r2, 0(r9)
        ori     r3, r11, PG_P | PG_W | PG_A
        call    pg_check
        sth     r5, 10(r6)
        li      r1, 11
        ldw     r2, 0(r9)
        ori     r3, r11, PG_P | PG_W | PG_A | PG_D
        call    pg_check

        ; -- avail bits are the system's: kept -------------------------------
        ori     r2, r11, PG_P | PG_W | PG_AVAIL
        stw     r2, 0(r9)
        tlbi    r6
        ldbu    r5, 0(r6)
        li      r1, 12
        ldw     r2, 0(r9)
        ori     r3, r11, PG_P | PG_W | PG_AVAIL | PG_A
        call    pg_check
        stw     r5, 0(r6)
        li      r1, 13
        ldw     r2, 0(r9)
        ori     r3, r11, PG_P | PG_W | PG_AVAIL | PG_A | PG_D
        call    pg_check

        ; -- the hardware never clears A or D --------------------------------
        ori     r2, r11, PG_P | PG_W | PG_A | PG_D
        stw     r2, 0(r9)
        tlbi    r6
        ldw     r5, 0(r6)
        stw     r5, 0(r6)
        li      r1, 14
        ldw     r2, 0(r9)
        ori     r3, r11, PG_P | PG_W | PG_A | PG_D
        call    pg_check

        ; -- a write that faults sets no D -----------------------------------
        ori     r2, r11, PG_P
        stw     r2, 0(r9)
        tlbi    r6
.c15:   stw     r5, 0(r6)
        li      r1, 15
        li      r2, PG_VEC_PAGE_FAULT | PG_PV | PG_CW
        li      r3, V
        la      r4, .c15
        call    pg_expect_fault
        li      r1, 16
        ldw     r2, 0(r9)
        andi    r2, r2, PG_D
        li      r3, 0
        li      r4, 0
        call    pg_check

        ; -- a fetch sets A, not D, even on a writable page ------------------
        call    pg_alloc
        mov     r12, r1             ; r12 = CODE's frame
        la      r2, tmpl_42
        ldw     r3, 0(r2)
        stw     r3, 0(r12)
        ldw     r3, 4(r2)
        stw     r3, 4(r12)
        ori     r3, r12, PG_P | PG_W
        ldw     r1, pg_dir(r0)
        li      r2, CODE
        call    pg_map
        mov     r8, r1              ; r8 = CODE's PTE
        li      r7, 0
        li      r1, CODE
        callr   r1
        li      r1, 17
        mov     r2, r7
        li      r3, 42
        li      r4, 0
        call    pg_check
        li      r1, 18
        ldw     r2, 0(r8)
        ori     r3, r12, PG_P | PG_W | PG_A
        call    pg_check

        ; -- user mode: the same rules ---------------------------------------
        li      r6, V
        ori     r2, r11, PG_P | PG_W | PG_U
        stw     r2, 0(r9)
        tlbi    r6
        la      r1, u_load
        li      r2, 0
        call    pg_user_call
        li      r1, 19
        call    pg_expect_none
        li      r1, 20
        ldw     r2, 0(r9)
        ori     r3, r11, PG_P | PG_W | PG_U | PG_A
        li      r4, 0
        call    pg_check
        la      r1, u_store
        li      r2, 0
        call    pg_user_call
        li      r1, 21
        call    pg_expect_none
        li      r1, 22
        ldw     r2, 0(r9)
        ori     r3, r11, PG_P | PG_W | PG_U | PG_A | PG_D
        li      r4, 0
        call    pg_check

        ; -- the exception frame is a kernel store through the MMU -----------
        ; trap 33 goes to just_rti, which only returns: the frame's two
        ; stores and rti's two loads are the only uses of this stack page.
        call    pg_alloc
        mov     r12, r1
        ori     r3, r12, PG_P | PG_W
        ldw     r1, pg_dir(r0)
        li      r2, STACK
        call    pg_map
        mov     r8, r1              ; r8 = STACK's PTE
        mov     r11, sp
        li      sp, STACK + PG_PAGE
        trap    33
.c24:   mov     sp, r11
        li      r1, 23
        ldw     r2, 0(r8)
        ori     r3, r12, PG_P | PG_W | PG_A | PG_D
        li      r4, 0
        call    pg_check
        li      r1, 24              ; the frame's saved pc, on that page
        ldw     r2, PG_PAGE - 8(r12)
        la      r3, .c24
        call    pg_check
        li      r1, 25
        call    pg_expect_none

        call    pg_pass

just_rti:
        rti

tmpl_42:
        li      r7, 42
        ret

; ---- user code -------------------------------------------------------------
        .align  4096
user_code:
u_load: ldw     r5, 0(r6)
        trap    PG_TRAP_RETURN
u_store:
        stw     r5, 0(r6)
        trap    PG_TRAP_RETURN
