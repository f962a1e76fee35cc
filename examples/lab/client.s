; client: the demo's browser.  It sends one request to the web server at
; 02:00:00:00:00:50, sleeps in halt until the answer comes, prints the
; page and powers off (with 1 if no answer came within 10 ms).

        .equ TIMER_CTRL, 0x30
        .equ TIMER_RELOAD, 0x31
        .equ VEC_TIMER, 16
        .equ HEADER, 14

_start:
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, on_nic
        stw     r2, VEC_NIC*4(r1)
        la      r2, on_timeout
        stw     r2, VEC_TIMER*4(r1)
        la      r1, request + 6
        call    ownmac
        la      r1, buffer
        out     r1, NIC_RX_ADDR(r0)
        li      r1, RXEN | RXIE
        out     r1, NIC_CTRL(r0)
        la      r1, request
        out     r1, NIC_TX_ADDR(r0)
        li      r1, REQUEST_LEN
        out     r1, NIC_TX_LEN(r0)
        li      r1, CMD_TX
        out     r1, NIC_CMD(r0)
        la      r1, msg_get
        call    puts
        li      r1, 1000000         ; 10 ms to answer
        out     r1, TIMER_RELOAD(r0)
        li      r1, 1
        out     r1, TIMER_CTRL(r0)
        ei
.idle:  halt
        br      .idle

on_nic: in      r7, NIC_RX_LEN(r0)
        li      r1, CMD_RX
        out     r1, NIC_CMD(r0)
        la      r1, msg_got
        call    puts
        mov     r1, r7
        call    putdec
        la      r1, msg_bytes
        call    puts
        la      r1, buffer + HEADER ; the page, up to a NUL or the end
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
        la      r1, msg_none
        call    puts
        li      r1, 1
        out     r1, SYSCTL_POWEROFF(r0)

        .include "../lib/console.inc"
        .include "../net/nic.inc"

msg_get:   .asciz "client: GET / from 02:00:00:00:00:50\n"
msg_got:   .asciz "client: got "
msg_bytes: .asciz " bytes:\n"
msg_none:  .asciz "client: no answer\n"
        .align  4
request: .byte  0x02, 0x00, 0x00, 0x00, 0x00, 0x50
        .space  6
        .byte   0x88, 0xb5
        .asciz  "GET / HTTP/1.0"
        .equ    REQUEST_LEN, . - request
        .align  4
vectors: .space 1024
buffer: .space  1516
