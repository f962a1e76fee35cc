# aula debug tests/monitor/novec.s --mem 1M --monitor=crash
# The commonest OS-student crash: user mode with no vector table.  The
# privileged in traps to address 0, whose word is illegal, whose handler is
# address 0 ... until the kernel stack has wrapped through all of RAM.  The
# explanation starts from the first exception, kept aside by the CPU.
break exception 2
run
info break
quit
