# aula debug -I examples/lib examples/paging/paging.s
# Paging: translate, info pagetable, info mmu, memory through the MMU,
# a physical watchpoint, page-fault breakpoints, trace mmu.
runlimit 200000
break exception 3
continue
info mmu
translate far
translate far read user
translate 0x400000 fetch user
translate 0x401000 write user
info pagetable
x/s 0x401000
print ptbr
history 6
bt
delete
break sys_yield
continue
info pagetable
translate 0x401000 write user
watch access phys 0x106ffc
delete 2
info break
-x/4xw 0
continue
x/xw sp - 4
translate sp - 4 read user
delete
trace mmu on
step 40
trace mmu off
continue
info mmu
