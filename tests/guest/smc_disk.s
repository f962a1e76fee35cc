; smc_disk: a disk's DMA over code that has already run.  Sector 0 gets
; "li r7, 2; ret"; reading it back over a subroutine that did li r7, 1
; must change what the subroutine does.  Needs a disk of at least one
; sector (tests/disk.sh runs it); sector 0 is overwritten.  Polls the
; disk, with interrupts off.

        .include "check.inc"

        .equ DISK_CMD, 0x40         ; disk 0's ports
        .equ DISK_STATUS, 0x41
        .equ DISK_LBA, 0x42
        .equ DISK_COUNT, 0x43
        .equ DISK_DMA, 0x44
        .equ CMD_READ, 1
        .equ CMD_WRITE, 2
        .equ ST_DONE, 2
        .equ ST_ERROR, 4

_start: la      r1, exc_table
        mtcr    vbr, r1

        li      r13, 1
        call    sub                 ; as assembled: r7 = 1
        cmpi    r7, 1
        bne     fail

        li      r13, 2              ; sector 0 := li r7, 2; ret
        ldw     r2, li2(r0)
        stw     r2, buf(r0)
        ldw     r2, ret0(r0)
        stw     r2, buf + 4(r0)
        la      r1, buf
        li      r2, CMD_WRITE
        call    disk
        li      r13, 3              ; and back, over sub
        la      r1, sub
        li      r2, CMD_READ
        call    disk

        li      r13, 4
        call    sub
        cmpi    r7, 2
        bne     fail
        br      pass

; Move sector 0 to or from the 512 bytes at r1 (r2 = the command); wait
; until the disk is done.  Clobbers r1, r2.
disk:   out     r1, DISK_DMA(r0)
        out     r0, DISK_LBA(r0)
        li      r1, 1
        out     r1, DISK_COUNT(r0)
        out     r2, DISK_CMD(r0)
.wait:  in      r1, DISK_STATUS(r0)
        andi    r2, r1, ST_DONE
        cmpi    r2, 0
        beq     .wait
        andi    r2, r1, ST_ERROR
        cmpi    r2, 0
        bne     fail
        out     r1, DISK_STATUS(r0) ; acknowledge
        ret

        .align  4
li2:    addi    r7, r0, 2
ret0:   ret

        .align  512                 ; a sector of its own
sub:    addi    r7, r0, 1
        ret
        .space  504
buf:    .space  512
