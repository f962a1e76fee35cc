; cache: a guest with a balloon driver.  It keeps its free memory on a
; stack of page numbers, as a kernel's page allocator does.  First it
; fills a large "file cache" (CACHE pages, each touched), then drops it:
; the pages are free again for the guest, but the host still holds them
; (or has swapped them out).  Then it idles, halted between timer ticks.
;
; The balloon driver is the interrupt handler of IRQ 3: when the host
; changes TARGET, it inflates free pages into the balloon (the host takes
; their memory back) or deflates pages out of it, until the balloon holds
; TARGET pages or nothing is left to give.  At the end the guest prints
; how many pages its balloon holds, and powers off.
;
; Needs ram = 32M (the pages are from 1 MiB to 25 MiB) and balloon = yes
; in its lab (examples/lab/overcommit.lab).

        .equ PIC_EOI, 0x23
        .equ TIMER_CTRL, 0x30
        .equ TIMER_RELOAD, 0x31
        .equ TIMER_STATUS, 0x33
        .equ TIMER_ENABLE, 1
        .equ TIMER_PERIODIC, 2
        .equ IRQ_TIMER, 0
        .equ BALLOON_TARGET, 0xa0
        .equ BALLOON_PFN, 0xa2
        .equ BALLOON_CMD, 0xa3
        .equ BALLOON_RESULT, 0xa4
        .equ BALLOON_STATUS, 0xa5
        .equ BALLOON_CTRL, 0xa6
        .equ INFLATE, 1
        .equ DEFLATE, 2
        .equ IRQ_BALLOON, 3
        .equ VEC_IRQ0, 16

        .equ FIRST_PAGE, 0x100      ; 1 MiB, as a page number
        .equ PAGES, 6144            ; 24 MiB of pages to allocate from
        .equ CACHE, 5120            ; 20 MiB of them for the cache
        .equ PERIOD, 1000000        ; 10 ms
        .equ TICKS, 30

_start:
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, on_tick
        stw     r2, (VEC_IRQ0 + IRQ_TIMER)*4(r1)
        la      r2, on_balloon
        stw     r2, (VEC_IRQ0 + IRQ_BALLOON)*4(r1)

        ; Every page is free: push them all, the last first.
        li      r5, FIRST_PAGE + PAGES
.push:  addi    r5, r5, -1
        mov     r1, r5
        call    free_page
        cmpi    r5, FIRST_PAGE
        bne     .push

        ; Fill the cache: take CACHE pages and write to each.
        li      r6, 0
        la      r7, cache
.fill:  call    alloc_page          ; r1: a page number
        stw     r1, 0(r7)
        shli    r2, r1, 12
        stw     r1, 0(r2)           ; the page now costs the host memory
        addi    r7, r7, 4
        addi    r6, r6, 1
        cmpi    r6, CACHE
        bne     .fill
        la      r1, msg_filled
        call    puts

        ; Drop it: the pages are free for the guest, not for the host.
        li      r6, 0
        la      r7, cache
.drop:  ldw     r1, 0(r7)
        call    free_page
        addi    r7, r7, 4
        addi    r6, r6, 1
        cmpi    r6, CACHE
        bne     .drop
        la      r1, msg_dropped
        call    puts

        li      r1, 1
        out     r1, BALLOON_CTRL(r0)    ; IRQ 3 when TARGET changes
        li      r1, PERIOD
        out     r1, TIMER_RELOAD(r0)
        li      r1, TIMER_ENABLE | TIMER_PERIODIC
        out     r1, TIMER_CTRL(r0)
        ei
idle:   halt
        la      r1, ticks
        ldw     r1, 0(r1)
        cmpi    r1, TICKS
        blt     idle
        di
        la      r1, msg_size
        call    puts
        la      r1, nballoon
        ldw     r1, 0(r1)
        call    putdec
        la      r1, msg_pages
        call    puts
        out     r0, SYSCTL_POWEROFF(r0)

; alloc_page: pop a free page number into r1 (0 if there is none).
alloc_page:
        la      r2, nfree
        ldw     r3, 0(r2)
        li      r1, 0
        cmpi    r3, 0
        beq     .none
        addi    r3, r3, -1
        stw     r3, 0(r2)
        shli    r3, r3, 2
        la      r2, freestack
        add     r2, r2, r3
        ldw     r1, 0(r2)
.none:  ret

; free_page: push the page number in r1.
free_page:
        la      r2, nfree
        ldw     r3, 0(r2)
        addi    r4, r3, 1
        stw     r4, 0(r2)
        shli    r3, r3, 2
        la      r2, freestack
        add     r2, r2, r3
        stw     r1, 0(r2)
        ret

on_tick:
        la      r2, ticks
        ldw     r1, 0(r2)
        addi    r1, r1, 1
        stw     r1, 0(r2)
        li      r1, 1
        out     r1, TIMER_STATUS(r0)
        li      r1, IRQ_TIMER
        out     r1, PIC_EOI(r0)
        rti

; The balloon driver.  r8: the target, r9: the balloon's count.
on_balloon:
        li      r1, 1
        out     r1, BALLOON_STATUS(r0)  ; clear CHANGED: a later change
        in      r8, BALLOON_TARGET(r0)  ; raises the line again
        la      r1, nballoon
        ldw     r9, 0(r1)
.more:  cmp     r9, r8
        bgeu    .less
        call    alloc_page          ; inflate one free page
        cmpi    r1, 0
        beq     .done               ; nothing left to give
        out     r1, BALLOON_PFN(r0)
        li      r2, INFLATE
        out     r2, BALLOON_CMD(r0)
        shli    r2, r9, 2
        la      r3, inballoon
        add     r3, r3, r2
        stw     r1, 0(r3)
        addi    r9, r9, 1
        br      .more
.less:  cmp     r9, r8
        bleu    .done
        addi    r9, r9, -1          ; deflate the last one in
        shli    r2, r9, 2
        la      r3, inballoon
        add     r3, r3, r2
        ldw     r1, 0(r3)
        out     r1, BALLOON_PFN(r0)
        li      r2, DEFLATE
        out     r2, BALLOON_CMD(r0)
        call    free_page
        br      .less
.done:  la      r1, nballoon
        stw     r9, 0(r1)
        li      r1, IRQ_BALLOON
        out     r1, PIC_EOI(r0)
        rti

        .include "../lib/console.inc"

msg_filled:  .asciz "cache: filled 20 MiB of cache\n"
msg_dropped: .asciz "cache: dropped it; the pages are free\n"
msg_size:    .asciz "cache: my balloon holds "
msg_pages:   .asciz " pages\n"
        .align  4
ticks:      .word 0
nfree:      .word 0
nballoon:   .word 0
vectors:    .space 1024
freestack:  .space PAGES * 4
inballoon:  .space PAGES * 4
cache:      .space CACHE * 4
