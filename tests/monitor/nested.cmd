# aula debug examples/paging/pages.s --mmu=nested
# The teacher's demo of nested paging's second dimension: each TLB miss
# walks the guest table, and every guest-physical address of the walk goes
# through the host map again, (G+1)(N+1) = 6 references in all.
break _start.loop
continue
delete
trace mmu on
step 12
trace mmu off
translate 0x401000 write
translate 0x401000 read user
