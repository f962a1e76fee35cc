# aula debug tests/monitor/crash.s
# A guest crash: the stop explains it, with the history before it.
runlimit 1000
break mode
continue
continue
regs
info vectors
continue
-continue
history 3
