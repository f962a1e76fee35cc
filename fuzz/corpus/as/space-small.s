.byte 1
.space 0x7fffff
