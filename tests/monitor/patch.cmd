# aula debug tests/monitor/calls.s
# Patching code that has already run: the monitor's memory writes reach
# the interpreter's decoded instructions.  add_to runs once as an add,
# then becomes a sub (0x00021111 is sub r1, r1, r2).
runlimit 10000
break add_to
run
continue
x/i add_to
set mem add_to 0x00021111
x/i add_to
delete 1
continue
assert [result] == 0xfffffff6 "3, then 3-2-1 = 0; then 0-4-3-2-1 = -10"
