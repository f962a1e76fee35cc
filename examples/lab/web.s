; web: the demo's server.  It sleeps in halt until a frame comes; each
; frame is a request, and it answers the machine that sent it with one
; frame holding a page, then sleeps again.  It never powers off: its lab
; ends when its time is up.  Its address is given in the lab (mac = 0x50).

        .equ HEADER, 14

_start:
        la      r1, vectors
        mtcr    vbr, r1
        la      r2, on_nic
        stw     r2, VEC_NIC*4(r1)
        la      r1, reply + 6       ; our address, as the reply's source
        call    ownmac
        la      r1, buffer
        out     r1, NIC_RX_ADDR(r0)
        li      r1, RXEN | RXIE
        out     r1, NIC_CTRL(r0)
        la      r1, msg_up
        call    puts
        ei
.idle:  halt
        br      .idle

; IRQ 2: a request.  Answer its source with the page.
on_nic: li      r1, CMD_RX
        out     r1, NIC_CMD(r0)     ; the request into buffer
        la      r2, buffer + 6      ; its source is the reply's destination
        la      r3, reply
        ldhu    r1, 0(r2)
        sth     r1, 0(r3)
        ldhu    r1, 2(r2)
        sth     r1, 2(r3)
        ldhu    r1, 4(r2)
        sth     r1, 4(r3)
        la      r1, msg_req
        call    puts
        la      r1, buffer + 6
        call    putmac
        li      r1, '\n'
        out     r1, UART_DATA(r0)
        la      r1, reply
        out     r1, NIC_TX_ADDR(r0)
        li      r1, REPLY_LEN
        out     r1, NIC_TX_LEN(r0)
        li      r1, CMD_TX
        out     r1, NIC_CMD(r0)
        li      r1, IRQ_NIC
        out     r1, PIC_EOI(r0)
        rti

        .include "../lib/console.inc"
        .include "../net/nic.inc"

msg_up:  .asciz "web: serving at 02:00:00:00:00:50\n"
msg_req: .asciz "web: a request from "
        .align  4
reply:  .space  12                  ; destination, source
        .byte   0x88, 0xb5
        .asciz  "HTTP/1.0 200 OK\n\n<h1>Hello from the web server</h1>"
        .equ    REPLY_LEN, . - reply
        .align  4
vectors: .space 1024
buffer: .space  1516
