# A monitor script: run examples/hello/hello.s and check what it printed
# and how it ended (aula-debug(1), SCRIPTS):
#     aula debug examples/hello/hello.s -x examples/hello/check.cmd --batch
# The exit status is quit's: 0, or 1 when an expect or an assert fails.
runlimit 100000
expect "Hello from Aula!"
continue
assert $stop_code == 0 "hello powers off with 0"
quit 0
