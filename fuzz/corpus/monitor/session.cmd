x/4x data
x data
xp/2b 0x1000
step 3
continue
break f if r4 == 2
continue
bt
finish
info pic
regs
history 5
run
print $insns + r4 * 2
set mem/b data 7
assert [data] != 0 "data"
send "abc"
expect "a"
watch data
continue
delete
disas f 3
until loop
