; paging_smc: code that changes under paging.  A store through another
; mapping of the same frame (an alias, or the identity map) changes what
; runs at the code's address; so do a new mapping (with tlbi, or by
; writing the page-table entry alone), a new address space (ptbr) and
; turning paging off and on.  The interpreter keeps decoded instructions
; by physical page; every case runs code that has run before.
;
; paging-diff dumps: 0x1000:0x4000 0x100000:0x8000
        .include "paging.inc"

        .equ VA_X, 0x00800000       ; the code, run here (kernel, read-only)
        .equ VA_W, 0x00801000       ; the same frame, writable: an alias
        .equ HIGH, 0x00900000       ; RAM above the identity map

_start: li      sp, PG_KSTACK_TOP
        call    pg_setup

        ; frame F at VA_X and VA_W: li r7, 1; ret
        call    pg_alloc
        mov     r9, r1
        ldw     r2, li1(r0)
        call    put_code
        ldw     r1, pg_dir(r0)
        li      r2, VA_X
        ori     r3, r9, PG_P
        call    pg_map
        mov     r11, r1             ; r11 = VA_X's page-table entry
        ldw     r1, pg_dir(r0)
        li      r2, VA_W
        ori     r3, r9, PG_P | PG_W
        call    pg_map
        li      r10, VA_X

        callr   r10
        li      r1, 1
        mov     r2, r7
        li      r3, 1
        li      r4, 0
        call    pg_check

        ; Through the alias.
        ldw     r2, li2(r0)
        li      r1, VA_W
        stw     r2, 0(r1)
        callr   r10
        li      r1, 2
        mov     r2, r7
        li      r3, 2
        call    pg_check

        ; Through the identity map (F is in the pool, below 4 MiB).
        ldw     r2, li3(r0)
        stw     r2, 0(r9)
        callr   r10
        li      r1, 3
        mov     r2, r7
        li      r3, 3
        call    pg_check

        ; Both again, now that the write TLB holds both mappings.
        ldw     r2, li1(r0)
        li      r1, VA_W
        stw     r2, 0(r1)
        callr   r10
        li      r1, 11
        mov     r2, r7
        li      r3, 1
        call    pg_check
        ldw     r2, li3(r0)
        stw     r2, 0(r9)
        callr   r10
        li      r1, 12
        mov     r2, r7
        li      r3, 3
        call    pg_check

        ; VA_X mapped to another frame G (pg_map does tlbi).
        call    pg_alloc
        mov     r12, r1
        ldw     r2, li4(r0)
        call    put_code
        ldw     r1, pg_dir(r0)
        li      r2, VA_X
        ori     r3, r12, PG_P
        call    pg_map
        callr   r10
        li      r1, 4
        mov     r2, r7
        li      r3, 4
        li      r4, 0
        call    pg_check

        ; Back to F by writing the entry alone, without tlbi: the MMU
        ; keeps its caches coherent anyway (docs/mmu.md).
        ori     r2, r9, PG_P
        stw     r2, 0(r11)
        callr   r10
        li      r1, 5
        mov     r2, r7
        li      r3, 3
        call    pg_check

        ; A second address space where VA_X is frame H.
        call    pg_alloc
        mov     r12, r1
        ldw     r2, li5(r0)
        call    put_code
        call    pg_new_space
        mov     r13, r1
        li      r2, VA_X
        ori     r3, r12, PG_P
        call    pg_map
        mtcr    ptbr, r13
        callr   r10
        li      r1, 6
        mov     r2, r7
        li      r3, 5
        li      r4, 0
        call    pg_check
        ldw     r1, pg_dir(r0)
        mtcr    ptbr, r1
        callr   r10
        li      r1, 7
        mov     r2, r7
        li      r3, 3
        call    pg_check

        ; HIGH: frame F with paging on, RAM at HIGH with it off.
        ldw     r1, pg_dir(r0)
        li      r2, HIGH
        ori     r3, r9, PG_P
        call    pg_map
        li      r10, HIGH
        callr   r10
        li      r1, 8
        mov     r2, r7
        li      r3, 3
        li      r4, 0
        call    pg_check
        mtcr    paging, r0
        li      r1, HIGH
        ldw     r2, li6(r0)
        stw     r2, 0(r1)
        ldw     r2, ret0(r0)
        stw     r2, 4(r1)
        callr   r10
        li      r1, 9
        mov     r2, r7
        li      r3, 6
        li      r4, 0
        call    pg_check
        li      r1, 1
        mtcr    paging, r1
        callr   r10
        li      r1, 10
        mov     r2, r7
        li      r3, 3
        call    pg_check
        call    pg_pass

; Put "li r7, n; ret" (r2 = the li's word) at the frame r1.
put_code:
        stw     r2, 0(r1)
        ldw     r2, ret0(r0)
        stw     r2, 4(r1)
        ret

        .align  4
li1:    addi    r7, r0, 1
li2:    addi    r7, r0, 2
li3:    addi    r7, r0, 3
li4:    addi    r7, r0, 4
li5:    addi    r7, r0, 5
li6:    addi    r7, r0, 6
ret0:   ret
