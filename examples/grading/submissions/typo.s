; upper, a submission that does not assemble.

_start:
        li      r1, 0
        inn     r2, 0x11
        out     r0, 0
