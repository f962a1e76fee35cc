# name: at most 200 instructions a byte
# points: 1
# budget: 5000
# input: aaaaaaaaaa
continue
stop poweroff
assert $insns <= 2000 "200 instructions a byte"
