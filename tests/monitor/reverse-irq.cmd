# aula debug tests/monitor/irq.s
# Reverse execution through interrupts: back to a handler's entry, back
# out of the handler to the interrupted instruction, and history there.
runlimit 20000
break irq 0
continue
continue
step 5
rc
reverse-finish
history 3
rs 2
goto #40
info pic
