; sender: the network demo's first half.  It sends one Ethernet frame with
; a line of text to the receiver's address, 02:00:00:00:00:02, then powers
; off.  Run it by hand on a virtual LAN, each command in its own terminal:
;
;   aula hub /tmp/lan -v
;   aula run examples/net/receiver.s --nic hub=/tmp/lan --mac 2
;   aula run examples/net/sender.s --nic hub=/tmp/lan
;
; (its own address is the default, 02:00:00:00:00:01).  Add
; --pcap sender.pcap and read the frame with tcpdump -r sender.pcap -e -X.

_start:
        in      r1, NIC_STATUS(r0)
        tsti    r1, LINK
        beq     nolink
        la      r1, frame + 6       ; the source address is ours
        call    ownmac

        la      r1, frame
        out     r1, NIC_TX_ADDR(r0)
        li      r1, FRAME_LEN       ; the card pads it to 60 bytes
        out     r1, NIC_TX_LEN(r0)
        li      r1, CMD_TX
        out     r1, NIC_CMD(r0)     ; the card copies the frame out now
        in      r1, NIC_RESULT(r0)
        cmpi    r1, 0
        bne     failed
.wait:  in      r1, NIC_STATUS(r0)  ; on the wire for 8 ticks a byte
        tsti    r1, TXDONE
        beq     .wait

        la      r1, msg_sent
        call    puts
        la      r1, frame + 6
        call    putmac
        la      r1, msg_to
        call    puts
        la      r1, frame
        call    putmac
        li      r1, '\n'
        out     r1, UART_DATA(r0)
        out     r0, SYSCTL_POWEROFF(r0)

nolink: la      r1, msg_nolink
        call    puts
        li      r1, 1
        out     r1, SYSCTL_POWEROFF(r0)
failed: mov     r5, r1
        la      r1, msg_failed
        call    puts
        mov     r1, r5
        call    putdec
        li      r1, '\n'
        out     r1, UART_DATA(r0)
        li      r1, 2
        out     r1, SYSCTL_POWEROFF(r0)

        .include "../lib/console.inc"
        .include "nic.inc"

msg_sent:   .asciz "sender: sent a frame from "
msg_to:     .asciz " to "
msg_nolink: .asciz "sender: no link (run with --nic hub=PATH)\n"
msg_failed: .asciz "sender: the card refused the frame: RESULT="

        .align  4
frame:  .byte   0x02, 0x00, 0x00, 0x00, 0x00, 0x02  ; destination
        .space  6                                   ; source: ownmac
        .byte   0x88, 0xb5          ; type: local experimental
        .asciz  "Hello over the wire!"
        .equ    FRAME_LEN, . - frame
