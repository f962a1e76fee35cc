# aula debug tests/monitor/irq.s
# Interrupts: vector breakpoints, why info pic delivers or not, the
# timer's fields, history across interrupt entries, trace int.
runlimit 20000
info devices
break irq 0
continue
info pic
regs
history 4
until eoi
info pic
next
info pic
delete
break masked
continue
step 80
info pic
info timer
trace int on
step 300
info pic
continue
history 8
