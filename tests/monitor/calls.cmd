# aula debug tests/monitor/calls.s
# Stepping over and out of calls, loops, conditions, ignore counts,
# watchpoints, until, history, run.
runlimit 10000
next
next
regs
step 5
bt
step 2
bt
finish
finish
print r1
# A fresh machine: breakpoints with a condition and an ignore count.
break add_to if r2 == 1
info break
run
print r2
print [calls]
delete 1
break add_to
ignore 2 2
continue
print r2
info break
disable
watch calls
watch access result
info break
continue
x/2xw calls
delete 3
until
until
until .loop
history 6
continue
continue
assert [result] == 16 "1+2+3 + 1+2+3+4"
# A line starting with - may fail: the script goes on.
-continue
quit 3
