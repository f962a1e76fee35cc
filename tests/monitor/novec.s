; novec: a kernel enters user mode with no vector table (tests/monitor/novec.cmd)
_start: li      r2, 0x7ff0            ; user stack
        mtcr    usp, r2
        push    r0                    ; flags: user mode
        la      r1, user
        push    r1
        rti
user:   li      r1, 1
        li      r2, 2
        li      r3, 3
        in      r4, 0x11              ; privileged: vector 2
        br      user
