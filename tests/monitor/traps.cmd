# aula debug -I examples/lib examples/syscall/syscall.s
# Traps and modes: next over a trap, breakpoints on traps and any
# exception, mode changes, the kernel's frame, trace int.
runlimit 100000
break mode
continue
info break
regs
delete 1
next
next
break trap 33
continue
x/2xw sp
bt
finish
next
delete
break exception
trace int on
continue
info break
