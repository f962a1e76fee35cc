; syscall-pv-vm: its paravirtualized twin, syscall-pv.s, under the VMM.
; Build: make (images/syscall-pv-vm.img).  Run: aula run images/syscall-pv-vm.img --mem 36M
        .equ    VMM_BASE, 0x01000000
        .include "vmm.s"
        .align  4
guest_image:
        .incbin "syscall-pv.img"
guest_image_end:
