# aula debug tests/monitor/calls.s --disk @TMP@/disk0.img --disk @TMP@/disk1.img,ro
# What students who know gdb type: print formats, display, tbreak, watching
# a register, info registers, the disks, 64-bit counters, counts and limits.
print/x 42
p/d -1
p/u -1
p/o 8
p/t 10
p/c 65
p/a sum
p/z 5
-p/q 1
-p/xx 1
display r1
display/x r2
step
step 2
display
undisplay 1
step
undisplay
tbreak add_to
info break
continue
info break
watch r5
-watch read r5
-watch phys r5
-watch pc
watch [r3]
info break
continue
delete
continue
-step -1
-next -5
-step 0x100000000
p $insns
p $insns + 0xffffffff
p/x $insns << 32
p $insns > 0xffffffff
p 0x100000000 - 1
runlimit 5000000000
runlimit
runlimit 0x10
-runlimit -1
runlimit off
info registers
info devices
info disk1
info disk
