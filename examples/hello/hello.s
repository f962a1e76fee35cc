; hello: print a line on the console, then power off.
; Build and run:  aula run examples/hello/hello.s

        .equ UART_DATA, 0x10
        .equ SYSCTL_POWEROFF, 0x00

_start:
        la      r1, message
.next:  ldbu    r2, 0(r1)           ; next character
        cmpi    r2, 0
        beq     .done               ; the string ends with a NUL
        out     r2, UART_DATA       ; transmit it
        addi    r1, r1, 1
        br      .next
.done:  out     r0, SYSCTL_POWEROFF ; power off, exit code 0

message:
        .asciz  "Hello from Aula!\n"
