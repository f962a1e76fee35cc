# name: no input at all
# points: 2
# budget: 10000
continue
+1 stop poweroff 0
output is ""
assert r1 == 0
