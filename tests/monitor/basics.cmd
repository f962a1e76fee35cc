# aula debug examples/hello/hello.s
# The basics: help, stepping, registers, memory, disassembly, expressions.
help
help step
step
regs
step 3
regs
print r1 - message
print [r1] & 0xff
print *r1 >> 8 & 0xff
print ([message] & 0xff) == 'H'
print (1 + 2) * 3 << 4 | 1
print -1
print .next
x/4xw message
x/8xb message
x/2dh message
x/6c message
x/s message
x/3i pc
xp/2xw 0x1000
disas
disas _start 3
set r7 0x1234
set mem/b message 'J'
x/s message
set pc _start.done
regs
set pc _start
break .done
continue
history 5
