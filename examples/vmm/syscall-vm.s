; syscall-vm: examples/syscall/syscall.s under the VMM.
; Build: make (images/syscall-vm.img).  Run: aula run images/syscall-vm.img --mem 36M
        .equ    VMM_BASE, 0x01000000
        .include "vmm.s"
        .align  4
guest_image:
        .incbin "syscall.img"
guest_image_end:
