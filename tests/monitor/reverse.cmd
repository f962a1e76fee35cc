# aula debug tests/monitor/calls.s
# Reverse execution: reverse-step, reverse-next over a call, reverse-finish
# to the call, reverse-continue to breakpoints and watchpoints behind,
# goto an instruction count, and savevm / loadvm / delvm.
break add_to
continue
continue
print $insns
reverse-step 3
print $insns
rs
reverse-continue
print r2
reverse-next
reverse-next
reverse-finish
rc
goto #16
print [calls]
goto #3
savevm
savevm before
step 10
info snapshots
loadvm before
print $insns
delvm snap1
info snapshots
watch calls
continue
continue
continue
rc
print [calls]
rc
info timeline
goto #1
