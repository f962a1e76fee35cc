# aula debug tests/monitor/sleepy.s
# A guest asleep waiting for console input: a run stops when no input can
# come (only send provides it here); a breakpoint on an IRQ; and info pic
# on a handler that forgot its EOI.
continue
info uart
send "ab"
break irq 4
continue
regs
delete
continue
info console
info pic
run
