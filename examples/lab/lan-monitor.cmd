# The monitor on lan.lab (aula lab lan.lab -x lan-monitor.cmd --batch):
# stop the receiver at its first halt, look at the lab, follow the
# sender until its frame is on the wire, then let the lab run on.
info vms
break 0x108c
continue
info vms
info sched
vm sender
break 0x1088
continue
info switch lan
delete
continue
info vms
vm receiver
continue
info memory
quit
