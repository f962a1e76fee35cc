; disk: identify disk 0, write a sector, read it back into another buffer,
; compare the two, and say how it went on the console.
;
;       aula disk create /tmp/scratch.img 64K
;       aula run examples/disk/disk.s --disk /tmp/scratch.img
;
; Every command waits for the disk's interrupt (IRQ 5) in halt, so the
; machine sleeps while the disk works (docs/devices.md, section 7).  It
; powers off with 0 if the sector came back as written, 1 if not, 2 if
; the disk reported an error, and 3 if there is no disk.  Sector 1 of the
; image is overwritten.

        .equ DISK_CMD, 0x40         ; disk 0's ports
        .equ DISK_STATUS, 0x41
        .equ DISK_LBA, 0x42
        .equ DISK_COUNT, 0x43
        .equ DISK_DMA, 0x44
        .equ DISK_CTRL, 0x45
        .equ CMD_READ, 1
        .equ CMD_WRITE, 2
        .equ CMD_FLUSH, 3
        .equ CMD_IDENTIFY, 4
        .equ ST_ERROR, 4
        .equ CTRL_IE, 1
        .equ IRQ_DISK0, 5
        .equ VEC_DISK0, 16 + IRQ_DISK0
        .equ PIC_EOI, 0x23
        .equ SECTOR, 512
        .equ LBA, 1                 ; the sector this example writes

_start:
        ; Every vector points at `unexpected`, except the disk's.
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, unexpected
        li      r3, 256
.fill:  stw     r2, 0(r1)
        addi    r1, r1, 4
        addi    r3, r3, -1
        cmpi    r3, 0
        bne     .fill
        la      r1, vectors
        la      r2, disk_isr
        stw     r2, VEC_DISK0*4(r1)

        ; Is there a disk 0?  Its ports read all ones if not.
        in      r1, DISK_STATUS(r0)
        cmpi    r1, -1
        bne     .present
        la      r1, msg_nodisk
        call    puts
        li      r1, 3
        out     r1, SYSCTL_POWEROFF(r0)
.present:
        li      r1, CTRL_IE
        out     r1, DISK_CTRL(r0)
        ei

        ; Who are you?  The identify block's model string is at 32, its
        ; size in sectors at 8.
        la      r1, idblock
        li      r2, CMD_IDENTIFY
        call    disk_do
        la      r1, msg_disk
        call    puts
        la      r1, idblock + 32
        call    puts
        la      r1, msg_comma
        call    puts
        la      r1, idblock
        ldw     r1, 8(r1)
        call    putdec
        la      r1, msg_sectors
        call    puts

        ; The sector to write: the message, then dots to the end.
        la      r1, wbuf
        la      r2, message
.copy:  ldbu    r3, 0(r2)
        cmpi    r3, 0
        beq     .dots
        stb     r3, 0(r1)
        addi    r1, r1, 1
        addi    r2, r2, 1
        br      .copy
.dots:  la      r2, wbuf + SECTOR
        li      r3, '.'
.dot:   cmp     r1, r2
        beq     .write
        stb     r3, 0(r1)
        addi    r1, r1, 1
        br      .dot

.write: la      r1, wbuf
        li      r2, CMD_WRITE
        call    disk_do
        la      r1, 0               ; FLUSH ignores DMA, LBA and COUNT
        li      r2, CMD_FLUSH
        call    disk_do
        la      r1, rbuf
        li      r2, CMD_READ
        call    disk_do

        ; Compare the two buffers, byte by byte.
        la      r5, wbuf
        la      r6, rbuf
        li      r7, 0
.cmp:   ldbu    r1, 0(r5)
        ldbu    r2, 0(r6)
        cmp     r1, r2
        bne     .differ
        addi    r5, r5, 1
        addi    r6, r6, 1
        addi    r7, r7, 1
        cmpi    r7, SECTOR
        bne     .cmp
        la      r1, msg_same
        call    puts
        la      r1, rbuf            ; what came back, up to its newline
        li      r2, message_end - message - 1
        call    putn
        out     r0, SYSCTL_POWEROFF(r0)

.differ:
        la      r1, msg_differ
        call    puts
        mov     r1, r7
        call    putdec
        la      r1, msg_newline
        call    puts
        li      r1, 1
        out     r1, SYSCTL_POWEROFF(r0)

; disk_do: run one command on disk 0 and wait for its interrupt.
; r1 = DMA address, r2 = command; LBA and COUNT are always LBA and 1.
; Returns when the command is done; on a disk error it reports and powers
; off.  Clobbers r1-r4.
disk_do:
        li      r3, LBA
        out     r3, DISK_LBA(r0)
        li      r3, 1
        out     r3, DISK_COUNT(r0)
        out     r1, DISK_DMA(r0)
        la      r3, disk_status
        stw     r0, 0(r3)
        out     r2, DISK_CMD(r0)
        ; Wait for the interrupt without a race: look at the status with
        ; interrupts off, and only then wait with "ei; halt", which ei's
        ; one-instruction shadow makes atomic (docs/isa.md): an interrupt
        ; that came in between ends the halt at once.
.wait:  di
        ldw     r1, 0(r3)
        cmpi    r1, 0
        bne     .done
        ei
        halt
        br      .wait
.done:  ei
        tsti    r1, ST_ERROR
        bne     .error
        ret
.error: push    r1
        la      r1, msg_error
        call    puts
        pop     r1
        shri    r1, r1, 8           ; the error code
        call    putdec
        la      r1, msg_newline
        call    puts
        li      r1, 2
        out     r1, SYSCTL_POWEROFF(r0)

; The disk's interrupt: keep its STATUS for disk_do (DONE or ERROR, never
; 0), acknowledge it -- which lowers the level-triggered line -- then end
; the interrupt at the PIC.
disk_isr:
        push    r1
        push    r2
        in      r1, DISK_STATUS(r0)
        la      r2, disk_status
        stw     r1, 0(r2)
        out     r0, DISK_STATUS(r0)
        li      r1, IRQ_DISK0
        out     r1, PIC_EOI(r0)
        pop     r2
        pop     r1
        rti

unexpected:
        la      r1, msg_unexpected
        call    puts
        mfcr    r1, cause
        call    puthex
        li      r1, 255
        out     r1, SYSCTL_POWEROFF(r0)

        .include "../lib/console.inc"

message:
        .asciz  "Hello from sector 1 of an Aula disk!\n"
message_end:
msg_disk:
        .asciz  "disk 0: "
msg_comma:
        .asciz  ", "
msg_sectors:
        .asciz  " sectors\n"
msg_same:
        .asciz  "wrote sector 1, flushed it, read it back: the same\n"
msg_differ:
        .asciz  "wrote sector 1 and read it back: they differ at byte "
msg_error:
        .asciz  "disk error, code "
msg_newline:
        .asciz  "\n"
msg_nodisk:
        .ascii  "no disk 0: attach an image with --disk FILE "
        .asciz  "(aula disk create FILE 64K makes one)\n"
msg_unexpected:
        .asciz  "unexpected exception, cause "

        .align  4
disk_status:
        .word   0
idblock:
        .space  64
wbuf:
        .space  SECTOR
rbuf:
        .space  SECTOR
vectors:
        .space  1024
