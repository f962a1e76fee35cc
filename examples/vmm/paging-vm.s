; paging-vm: examples/paging/paging.s under the VMM.
; Build: make (images/paging-vm.img).  Run: aula run images/paging-vm.img --mem 36M
        .equ    VMM_BASE, 0x01000000
        .include "vmm.s"
        .align  4
guest_image:
        .incbin "paging.img"
guest_image_end:
