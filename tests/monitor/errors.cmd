# aula debug examples/hello/hello.s
# Mistakes: each message names the problem, with a caret under the bad
# token.  A line starting with - may fail; the last assert ends the script
# with exit status 1, and the line after it never runs.
-frobnicate
-se 1
-break nosuch if r1 == 2
-break _start if r1 === 2
-break _start + 2
-print (r1 + 2
-print 0x1g
-print 4 / (r1 - r1)
-print [0x7ffffff0]
-x/4q r1
-set r0 5
-set pc 2
-set mem/b 0 0x100
-watch read
-trace insn maybe
-info frob
-send "no end
-send "\q"
-expect ""
-step 0
-quit 999
-history 0
-delete 42
-regs please
-step/2
assert r1 == 1 "r1 is still 0"
echo not reached
