; dirty: a guest that writes memory faster than a slow migration link can
; copy it (docs/migration.md, "Non-convergence: the policy").  Each pass
; writes one word into each of PAGES pages of 4 KiB -- every page is dirty
; again a few thousand instructions later -- and PASSES passes later it
; adds up what it wrote and prints the sum, so a run that moved to another
; aula on the way can be checked against one that did not.
;
;   aula run --incoming unix:/tmp/m &
;   aula run dirty.s --migrate-to unix:/tmp/m --migrate-bandwidth 8

        .equ BASE, 0x100000         ; 1 MiB: above the program and stack
        .equ PAGES, 256             ; 1 MiB of pages
        .equ PASSES, 600

_start:
        la      r1, msg_start
        call    puts
        li      r11, 0              ; pass
pass:   li      r1, BASE
        li      r10, 0              ; page
.page:  add     r5, r11, r10        ; pass + page: changes every pass
        stw     r5, 0(r1)
        addi    r1, r1, 4096
        addi    r10, r10, 1
        cmpi    r10, PAGES
        bne     .page
        addi    r11, r11, 1
        cmpi    r11, PASSES
        bne     pass

        li      r1, BASE            ; the sum of the last pass's words
        li      r10, 0
        li      r12, 0
.sum:   ldw     r5, 0(r1)
        add     r12, r12, r5
        addi    r1, r1, 4096
        addi    r10, r10, 1
        cmpi    r10, PAGES
        bne     .sum
        la      r1, msg_sum
        call    puts
        mov     r1, r12
        call    putdec
        li      r1, '\n'
        out     r1, UART_DATA(r0)
        out     r0, SYSCTL_POWEROFF(r0)

        .include "../lib/console.inc"

msg_start: .asciz "dirty: 256 pages, 600 passes\n"
msg_sum:   .asciz "dirty: sum "
