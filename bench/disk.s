; Disk I/O with interrupts: write COUNT sectors, read them back, ROUNDS
; times, walking through a 4 MiB image (aula-bench --disk attaches a
; temporary one), each command waiting for IRQ 5 in halt.  It measures
; what a sector costs the host: the guest runs few instructions and virtual
; time jumps over the disk's latency.
        .equ ROUNDS, 20000
        .equ COUNT, 8
        .equ LBA_MASK, 8191         ; 4 MiB = 8192 sectors
        .equ DISK_CMD, 0x40
        .equ DISK_STATUS, 0x41
        .equ DISK_LBA, 0x42
        .equ DISK_COUNT, 0x43
        .equ DISK_DMA, 0x44
        .equ DISK_CTRL, 0x45
        .equ PIC_EOI, 0x23
_start:
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, isr
        stw     r2, (16 + 5) * 4(r1)
        li      r1, 1
        out     r1, DISK_CTRL(r0)   ; IE
        li      r1, COUNT
        out     r1, DISK_COUNT(r0)
        ei
        li      r9, ROUNDS
        li      r10, 0              ; LBA
.round: out     r10, DISK_LBA(r0)
        la      r1, wbuf
        out     r1, DISK_DMA(r0)
        li      r1, 2               ; WRITE
        call    command
        la      r1, rbuf
        out     r1, DISK_DMA(r0)
        li      r1, 1               ; READ
        call    command
        addi    r10, r10, COUNT
        andi    r10, r10, LBA_MASK
        addi    r9, r9, -1
        cmpi    r9, 0
        bne     .round
        out     r0, 0(r0)

; Start command r1 and sleep until the interrupt says it is over.
command:
        la      r2, status
        stw     r0, 0(r2)
        out     r1, DISK_CMD(r0)
.wait:  halt
        ldw     r3, 0(r2)
        cmpi    r3, 0
        beq     .wait
        tsti    r3, 4               ; ERROR: stop with STATUS
        bne     .fail
        ret
.fail:  out     r3, 0(r0)

isr:    push    r1
        push    r2
        in      r1, DISK_STATUS(r0)
        la      r2, status
        stw     r1, 0(r2)
        out     r0, DISK_STATUS(r0)
        li      r1, 5
        out     r1, PIC_EOI(r0)
        pop     r2
        pop     r1
        rti

        .align  4
status: .word   0
vectors:
        .space  1024
wbuf:   .space  COUNT * 512
rbuf:   .space  COUNT * 512
