# input: \x00\xff\n
continue
+1 output matches "o(k|x)"
memory result is "\x2a\x00\x00\x00"
memory 0xfffffff0 is "AAAAAAAAAAAAAAAAAAAAAAAAA"
stop poweroff 0
runlimit 10
expect "z"
