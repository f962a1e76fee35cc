; kbd: the keyboard and the text display.  A banner on the display, then
; whatever is typed, echoed by the keyboard's interrupt handler (IRQ 1):
; Enter starts a new line, Backspace erases, the arrows move the cursor,
; and Escape powers off.  Text that reaches the bottom scrolls up.
; Run it in a window:  aula run examples/kbd/kbd.s --display=sdl
; (Headless there are no keys: it shows the banner, then waits for ever,
; and aula run stops it as idle.)

        .equ TEXT, 0xb8000          ; the text buffer: (char, attr) per cell
        .equ COLS, 80
        .equ ROWS, 25
        .equ ROW_BYTES, COLS * 2
        .equ FIRST, 2 * COLS        ; the first cell typed into (row 2)
        .equ CELLS, COLS * ROWS

        .equ SYSCTL_POWEROFF, 0x00
        .equ PIC_EOI, 0x23
        .equ KBD_DATA, 0x90
        .equ KBD_STATUS, 0x91
        .equ KBD_CTRL, 0x92
        .equ KBD_READY, 1
        .equ KBD_IE, 1
        .equ IRQ_KBD, 1
        .equ VEC_KBD, 16 + IRQ_KBD
        .equ DISPLAY_CTRL, 0x98
        .equ DISPLAY_CURSOR, 0x99
        .equ ENABLE, 1
        .equ CURSOR, 2

        .equ KEY_BACKSPACE, 0x08
        .equ KEY_ENTER, 0x0a
        .equ KEY_ESCAPE, 0x1b
        .equ KEY_UP, 0x100
        .equ KEY_DOWN, 0x101
        .equ KEY_LEFT, 0x102
        .equ KEY_RIGHT, 0x103

        .equ BANNER_ATTR, 0x1f      ; white on blue
        .equ HELP_ATTR, 0x03        ; cyan on black
        .equ TEXT_ATTR, 0x0e        ; yellow on black

_start:
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, kbd_isr
        stw     r2, VEC_KBD * 4(r1)

        li      r1, 0               ; the screen: row 0 blue, the rest black
        li      r2, CELLS
        li      r3, TEXT_ATTR
        call    fill
        li      r1, 0
        li      r2, COLS
        li      r3, BANNER_ATTR
        call    fill
        la      r1, banner          ; centred: (80 - 25) / 2
        li      r2, 27
        li      r3, BANNER_ATTR
        call    print
        la      r1, help
        li      r2, COLS
        li      r3, HELP_ATTR
        call    print

        li      r1, FIRST
        call    move_to
        li      r1, ENABLE | CURSOR
        out     r1, DISPLAY_CTRL(r0)
        li      r1, KBD_IE
        out     r1, KBD_CTRL(r0)
        ei
idle:   halt                        ; everything happens in kbd_isr
        br      idle

; kbd_isr: take every waiting key, then end the interrupt.
kbd_isr:
        push    r1
        push    r2
        push    r3
        push    r4
.next:  in      r1, KBD_STATUS(r0)
        tsti    r1, KBD_READY
        beq     .done
        in      r1, KBD_DATA(r0)    ; taking the last key lowers IRQ 1
        call    key
        br      .next
.done:  li      r1, IRQ_KBD
        out     r1, PIC_EOI(r0)
        pop     r4
        pop     r3
        pop     r2
        pop     r1
        rti

; key: act on key code r1.  The cursor's cell is in `cursor`.
key:    la      r4, cursor
        ldw     r2, 0(r4)
        cmpi    r1, KEY_ESCAPE
        bne     .enter
        out     r0, SYSCTL_POWEROFF(r0)
.enter: cmpi    r1, KEY_ENTER
        bne     .bs
        li      r3, COLS            ; to the start of the next line
        divu    r2, r2, r3
        addi    r2, r2, 1
        mul     r1, r2, r3
        br      move_to
.bs:    cmpi    r1, KEY_BACKSPACE
        bne     .left
        cmpi    r2, FIRST
        ble     .ret
        addi    r1, r2, -1          ; back one cell, and blank it
        call    move_to
        li      r1, ' '
        br      put
.left:  cmpi    r1, KEY_LEFT
        bne     .right
        addi    r1, r2, -1
        br      .clamp
.right: cmpi    r1, KEY_RIGHT
        bne     .up
        addi    r1, r2, 1
        br      .clamp
.up:    cmpi    r1, KEY_UP
        bne     .down
        addi    r1, r2, -COLS
        br      .clamp
.down:  cmpi    r1, KEY_DOWN
        bne     .char
        addi    r1, r2, COLS
.clamp: cmpi    r1, FIRST           ; stay in the typing area
        blt     .ret
        cmpi    r1, CELLS
        bge     .ret
        br      move_to
.char:  cmpi    r1, ' '             ; Latin-1: 0x20-0x7e and 0xa0-0xff
        blt     .ret
        cmpi    r1, 0xff
        bgt     .ret
        cmpi    r1, 0x7f
        blt     .show
        cmpi    r1, 0xa0
        blt     .ret
.show:  push    r2
        call    put
        pop     r1
        addi    r1, r1, 1
        br      move_to
.ret:   ret

; put: character r1 at the cursor.
put:    la      r4, cursor
        ldw     r2, 0(r4)
        add     r2, r2, r2
        la      r3, TEXT
        add     r2, r2, r3
        stb     r1, 0(r2)
        li      r1, TEXT_ATTR
        stb     r1, 1(r2)
        ret

; move_to: put the cursor in cell r1, scrolling when it is past the end.
move_to:
        cmpi    r1, CELLS
        blt     .set
        push    r1
        call    scroll
        pop     r1
        addi    r1, r1, -COLS
.set:   la      r4, cursor
        stw     r1, 0(r4)
        out     r1, DISPLAY_CURSOR(r0)
        ret

; scroll: move the typing area up one row; the bottom row comes up blank.
scroll: la      r1, TEXT + FIRST * 2
        la      r2, TEXT + CELLS * 2 - ROW_BYTES
.copy:  ldw     r3, ROW_BYTES(r1)
        stw     r3, 0(r1)
        addi    r1, r1, 4
        cmp     r1, r2
        bltu    .copy
        li      r1, CELLS - COLS
        li      r2, COLS
        li      r3, TEXT_ATTR
        br      fill

; fill: r2 cells from cell r1 with blanks of attribute r3.
fill:   add     r1, r1, r1
        la      r4, TEXT
        add     r1, r1, r4
        shli    r3, r3, 8
        ori     r3, r3, ' '
.loop:  cmpi    r2, 0
        beq     .done
        sth     r3, 0(r1)
        addi    r1, r1, 2
        addi    r2, r2, -1
        br      .loop
.done:  ret

; print: the NUL-terminated string r1 from cell r2, in attribute r3.
print:  add     r2, r2, r2
        la      r4, TEXT
        add     r2, r2, r4
.loop:  ldbu    r4, 0(r1)
        cmpi    r4, 0
        beq     .done
        stb     r4, 0(r2)
        stb     r3, 1(r2)
        addi    r1, r1, 1
        addi    r2, r2, 2
        br      .loop
.done:  ret

banner: .asciz  "Aula keyboard and display"
help:   .ascii  "Type here.  Enter: new line, Backspace: erase, "
        .asciz  "arrows: move, Escape: power off."
        .align  4
cursor: .word   0
        .align  4
vectors:
        .space  1024
