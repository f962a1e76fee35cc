# aula debug tests/monitor/breaks.s
# Breakpoints reached every way a run arrives at an instruction: the
# same stops, hits and counters whether continue runs at full speed
# (fetch breakpoints) or a step at a time (tests/monitor.sh runs it both
# ways).
break on_tick
break woke if r5 == 2
tbreak loop.spin if r2 == 3
continue
info registers
continue
continue
continue
ignore 1 2
continue
print r5
info break
delete 1
break woke
continue
continue
x/2i pc
delete
break _start+4
continue
info mmu
