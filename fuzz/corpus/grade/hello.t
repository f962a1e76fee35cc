# name: a line in lower case
# points: 4
# budget: 10000
# input: hello\n
continue
+2 output is "HELLO\n"
+1 assert r1 == 6 "r1 counts the bytes"
stop poweroff 0
