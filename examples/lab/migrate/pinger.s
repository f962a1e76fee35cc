; pinger: asks the web server (../web.s, at 02:00:00:00:00:50) for its page
; every 2 ms of virtual time, and prints each answer; after 12 answers it
; powers off.  A frame of another type is no answer: when the server moves
; to another host, its announcement (EtherType 0x88b6, a broadcast) comes
; here too, and pinger says so.

        .equ TIMER_CTRL, 0x30
        .equ TIMER_RELOAD, 0x31
        .equ TIMER_STATUS, 0x33
        .equ VEC_TIMER, 16
        .equ ANSWERS, 12

_start:
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, on_nic
        stw     r2, VEC_NIC*4(r1)
        la      r2, on_tick
        stw     r2, VEC_TIMER*4(r1)
        la      r1, request + 6
        call    ownmac
        la      r1, buffer
        out     r1, NIC_RX_ADDR(r0)
        li      r1, RXEN | RXIE
        out     r1, NIC_CTRL(r0)
        clr     r11                 ; answers
        li      r1, 200000          ; 2 ms
        out     r1, TIMER_RELOAD(r0)
        li      r1, 3               ; ENABLE | PERIODIC
        out     r1, TIMER_CTRL(r0)
        ei
.idle:  halt
        br      .idle

; IRQ 0: ask again.
on_tick:
        li      r1, 1
        out     r1, TIMER_STATUS(r0)
        out     r0, PIC_EOI(r0)
        la      r1, request
        out     r1, NIC_TX_ADDR(r0)
        li      r1, REQUEST_LEN
        out     r1, NIC_TX_LEN(r0)
        li      r1, CMD_TX
        out     r1, NIC_CMD(r0)
        rti

; IRQ 2: an answer, or something else.
on_nic: li      r1, CMD_RX
        out     r1, NIC_CMD(r0)
        la      r2, buffer
        ldbu    r3, 12(r2)          ; the EtherType, big-endian
        ldbu    r4, 13(r2)
        cmpi    r3, 0x88
        bne     .other
        cmpi    r4, 0xb5
        bne     .other
        addi    r11, r11, 1
        la      r1, msg_answer
        call    puts
        mov     r1, r11
        call    putdec
        li      r1, '\n'
        out     r1, UART_DATA(r0)
        cmpi    r11, ANSWERS
        bne     .eoi
        out     r0, SYSCTL_POWEROFF(r0)
.other: la      r1, msg_other
        call    puts
        la      r1, buffer + 6
        call    putmac
        li      r1, '\n'
        out     r1, UART_DATA(r0)
.eoi:   li      r1, IRQ_NIC
        out     r1, PIC_EOI(r0)
        rti

        .include "../../lib/console.inc"
        .include "../../net/nic.inc"

msg_answer: .asciz "pinger: answer "
msg_other:  .asciz "pinger: not an answer: a frame from "
        .align  4
request: .byte  0x02, 0x00, 0x00, 0x00, 0x00, 0x50
        .space  6
        .byte   0x88, 0xb5
        .asciz  "GET / HTTP/1.0"
        .equ    REQUEST_LEN, . - request
        .align  4
vectors: .space 1024
buffer: .space  1516
