; receiver: the network demo's second half.  It waits, halted, for one
; frame on the network card, prints who sent it and the text it carries,
; and powers off.  See sender.s for how to run the two; start this one
; first, with --mac 2.  If no frame comes within about 30 seconds (virtual
; time, which a halted guest on a hub spends at about the host's pace) it
; gives up and powers off with code 1.

        .equ TIMER_CTRL, 0x30
        .equ TIMER_RELOAD, 0x31
        .equ TIMER_ENABLE, 1
        .equ VEC_TIMER, 16
        .equ TIMEOUT, 3000000000    ; ticks: 30 s at 100 MHz
        .equ HEADER, 14

_start:
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, on_nic
        stw     r2, VEC_NIC*4(r1)
        la      r2, on_timeout
        stw     r2, VEC_TIMER*4(r1)

        in      r1, NIC_STATUS(r0)
        tsti    r1, LINK
        beq     nolink
        la      r1, msg_waiting
        call    puts
        la      r1, mymac
        call    ownmac
        la      r1, mymac
        call    putmac
        li      r1, '\n'
        out     r1, UART_DATA(r0)

        li      r1, TIMEOUT
        out     r1, TIMER_RELOAD(r0)
        li      r1, TIMER_ENABLE    ; one-shot
        out     r1, TIMER_CTRL(r0)
        la      r1, buffer
        out     r1, NIC_RX_ADDR(r0)
        li      r1, RXEN | RXIE     ; IRQ 2 while a frame waits
        out     r1, NIC_CTRL(r0)
        ei
.idle:  halt
        br      .idle

; IRQ 2: a frame waits at the head of the card's queue.
on_nic: in      r7, NIC_RX_LEN(r0)  ; its length: the buffer holds 1514
        li      r1, CMD_RX
        out     r1, NIC_CMD(r0)     ; copy it into buffer (DMA)
        li      r1, IRQ_NIC
        out     r1, PIC_EOI(r0)
        la      r1, msg_got
        call    puts
        mov     r1, r7
        call    putdec
        la      r1, msg_from
        call    puts
        la      r1, buffer + 6
        call    putmac
        la      r1, msg_says
        call    puts
        ; The text after the header, up to a NUL or the end of the frame.
        la      r1, buffer + HEADER
        la      r8, buffer
        add     r8, r8, r7
.text:  cmp     r1, r8
        bgeu    .end
        ldbu    r2, 0(r1)
        cmpi    r2, 0
        beq     .end
        out     r2, UART_DATA(r0)
        addi    r1, r1, 1
        br      .text
.end:   li      r1, '\n'
        out     r1, UART_DATA(r0)
        out     r0, SYSCTL_POWEROFF(r0)

on_timeout:
        la      r1, msg_timeout
        call    puts
        li      r1, 1
        out     r1, SYSCTL_POWEROFF(r0)

nolink: la      r1, msg_nolink
        call    puts
        li      r1, 1
        out     r1, SYSCTL_POWEROFF(r0)

        .include "../lib/console.inc"
        .include "nic.inc"

msg_waiting: .asciz "receiver: waiting for a frame at "
msg_got:     .asciz "receiver: got "
msg_from:    .asciz " bytes from "
msg_says:    .asciz ": "
msg_timeout: .asciz "receiver: no frame came\n"
msg_nolink:  .asciz "receiver: no link (run with --nic hub=PATH)\n"

        .align  4
mymac:  .space  8
vectors:
        .space  1024
buffer: .space  1516
