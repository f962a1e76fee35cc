# aula debug -I examples/lib examples/kernel/kernel.s
# examples/kernel at source level: the source line at every stop (a
# pseudo-instruction and macro calls as written), constants, list, two
# programs at one virtual address, a system call, history.
runlimit 200000
step
step 2
print QUANTUM
print USER_BASE
print FRAME_SIZE == 17 * 4
break switch
continue
list
history 4
delete
break USER_BASE
continue
list
step
step 2
next 15
info break
delete
break sys_exit
continue
x/2w procs
delete
continue
