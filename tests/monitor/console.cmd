# aula debug tests/monitor/echo.s
# The console from a script: expect, send, assert, runlimit, trace io.
runlimit 5000
expect "ready> "
send "hi\n"
expect "hi"
assert [count] == 1
expect "\n" within 1000 insns
assert [count] == 2 "h and i: the newline is echoed, not yet counted"
# Nothing more to read: a polling guest runs into the runlimit.
continue
send "ok"
trace io on
expect "o"
trace io off
-expect "never" within 300
assert r2 == 'k'
send "q"
continue
-assert [count] == 9 "three lines"
quit [count]
