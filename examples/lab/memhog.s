; memhog: a guest that uses more memory than its host gives it.  It fills
; PAGES pages of 4 KiB with a pattern (word j of page i holds i << 16 | j),
; then reads them all back ROUNDS times, checking every word, and prints
; what it found.  Under a host RAM budget smaller than that, the host's
; memory manager swaps its pages out and in behind its back: the guest
; cannot tell, and prints the same line and powers off with 0 as it does
; alone.  A mismatch powers off with 1.

        .equ BASE, 0x100000         ; 1 MiB: above the program and stack
        .equ PAGES, 96              ; 384 KiB
        .equ WORDS, 1024            ; per page
        .equ ROUNDS, 3

_start:
        li      r10, 0              ; page
fill:   li      r1, BASE
        shli    r2, r10, 12
        add     r1, r1, r2          ; the page's address
        shli    r3, r10, 16         ; its pattern
        li      r4, 0               ; word
.word:  or      r5, r3, r4
        stw     r5, 0(r1)
        addi    r1, r1, 4
        addi    r4, r4, 1
        cmpi    r4, WORDS
        bne     .word
        addi    r10, r10, 1
        cmpi    r10, PAGES
        bne     fill

        li      r11, ROUNDS
        li      r12, 0              ; words checked
round:  li      r10, 0
check:  li      r1, BASE
        shli    r2, r10, 12
        add     r1, r1, r2
        shli    r3, r10, 16
        li      r4, 0
.word:  ldw     r5, 0(r1)
        or      r6, r3, r4
        cmp     r5, r6
        bne     bad
        addi    r12, r12, 1
        addi    r1, r1, 4
        addi    r4, r4, 1
        cmpi    r4, WORDS
        bne     .word
        addi    r10, r10, 1
        cmpi    r10, PAGES
        bne     check
        addi    r11, r11, -1
        cmpi    r11, 0
        bne     round

        la      r1, msg_ok
        call    puts
        mov     r1, r12
        call    putdec
        la      r1, msg_words
        call    puts
        out     r0, SYSCTL_POWEROFF(r0)

bad:    la      r1, msg_bad
        call    puts
        mov     r1, r10
        call    putdec
        li      r1, '\n'
        out     r1, UART_DATA(r0)
        li      r1, 1
        out     r1, SYSCTL_POWEROFF(r0)

        .include "../lib/console.inc"

msg_ok:    .asciz "memhog: checked "
msg_words: .asciz " words, all as written\n"
msg_bad:   .asciz "memhog: wrong word in page "
