; guestbook: a disk that remembers who visited.  Sector 0 of disk 0 holds
; the book, text ending at the first NUL (a new disk is all zeros: an
; empty book).  The program prints the book, reads one line from the
; console -- the visitor's name -- and, if there is one, adds it to the
; book and writes the sector back, flushed.  With no input it only reads.
;
;       aula disk create book.img 64K
;       echo alice | aula run guestbook.s --disk book.img
;
; It powers off with 0, or 2 if the disk reported an error, 3 if there is
; no disk, 4 if the book is full.  The disk is polled (no interrupts).

        .equ DISK_CMD, 0x40         ; disk 0's ports
        .equ DISK_STATUS, 0x41
        .equ DISK_LBA, 0x42
        .equ DISK_COUNT, 0x43
        .equ DISK_DMA, 0x44
        .equ CMD_READ, 1
        .equ CMD_WRITE, 2
        .equ CMD_FLUSH, 3
        .equ ST_BUSY, 1
        .equ ST_ERROR, 4
        .equ UART_STATUS, 0x11
        .equ UART_RXREADY, 1
        .equ UART_EOF, 4
        .equ SECTOR, 512
        .equ NAME_MAX, 60

_start:
        in      r1, DISK_STATUS(r0)
        cmpi    r1, -1
        bne     .present
        la      r1, msg_nodisk
        call    puts
        li      r1, 3
        out     r1, SYSCTL_POWEROFF(r0)
.present:
        li      r2, CMD_READ
        call    disk_do
        la      r1, msg_book
        call    puts
        la      r1, book
        call    puts

        ; Find the end of the book: r5 = where the next name goes.
        la      r5, book
.end:   ldbu    r1, 0(r5)
        cmpi    r1, 0
        beq     .name
        addi    r5, r5, 1
        br      .end

        ; Read the visitor's name into name, up to a newline or the end
        ; of the input; r6 = its length.
.name:  la      r7, name
        li      r6, 0
.getc:  in      r1, UART_STATUS(r0)
        tsti    r1, UART_RXREADY
        bne     .byte
        tsti    r1, UART_EOF
        bne     .got
        br      .getc
.byte:  in      r1, UART_DATA(r0)
        cmpi    r1, 10              ; newline
        beq     .got
        cmpi    r6, NAME_MAX
        beq     .getc               ; too long: the rest is dropped
        stb     r1, 0(r7)
        addi    r7, r7, 1
        addi    r6, r6, 1
        br      .getc
.got:   cmpi    r6, 0
        bne     .sign
        la      r1, msg_nobody      ; nobody signed: leave the disk alone
        call    puts
        out     r0, SYSCTL_POWEROFF(r0)

        ; Room for the name, a newline and the NUL?
.sign:  la      r1, book + SECTOR - 2
        sub     r1, r1, r5
        cmp     r6, r1
        ble     .room
        la      r1, msg_full
        call    puts
        li      r1, 4
        out     r1, SYSCTL_POWEROFF(r0)
.room:  la      r7, name
.copy:  cmpi    r6, 0
        beq     .nl
        ldbu    r1, 0(r7)
        stb     r1, 0(r5)
        addi    r5, r5, 1
        addi    r7, r7, 1
        addi    r6, r6, -1
        br      .copy
.nl:    li      r1, 10
        stb     r1, 0(r5)
        li      r2, CMD_WRITE
        call    disk_do
        li      r2, CMD_FLUSH
        call    disk_do
        la      r1, msg_signed
        call    puts
        out     r0, SYSCTL_POWEROFF(r0)

; disk_do: run command r2 on sector 0 of disk 0 with the book as its
; buffer, and wait for it; on an error, report and power off with 2.
disk_do:
        out     r0, DISK_LBA(r0)
        li      r1, 1
        out     r1, DISK_COUNT(r0)
        la      r1, book
        out     r1, DISK_DMA(r0)
        out     r2, DISK_CMD(r0)
.busy:  in      r1, DISK_STATUS(r0)
        tsti    r1, ST_BUSY
        bne     .busy
        tsti    r1, ST_ERROR
        bne     .fail
        out     r0, DISK_STATUS(r0) ; acknowledge
        ret
.fail:  la      r1, msg_error
        call    puts
        li      r1, 2
        out     r1, SYSCTL_POWEROFF(r0)

        .include "../lib/console.inc"

msg_nodisk:
        .asciz  "guestbook: no disk 0 (--disk FILE)\n"
msg_book:
        .asciz  "--- the guestbook ---\n"
msg_nobody:
        .asciz  "--- (nobody signed) ---\n"
msg_signed:
        .asciz  "--- signed ---\n"
msg_full:
        .asciz  "guestbook: the book is full\n"
msg_error:
        .asciz  "guestbook: the disk reported an error\n"
        .align  4
book:   .space  SECTOR + 1          ; the sector, and a NUL after it
name:   .space  NAME_MAX
