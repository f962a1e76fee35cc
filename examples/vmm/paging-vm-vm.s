; paging-vm-vm: paging-vm under a second VMM, which lives above the first.
; Build: make (images/paging-vm-vm.img).  Run: aula run images/paging-vm-vm.img --mem 76M
        .equ    VMM_BASE, 0x02400000
        .include "vmm.s"
        .align  4
guest_image:
        .incbin "paging-vm.img"
guest_image_end:
