; hello-vm: examples/hello/hello.s under the VMM.
; Build: make (images/hello-vm.img).  Run: aula run images/hello-vm.img --mem 36M
        .equ    VMM_BASE, 0x01000000
        .include "vmm.s"
        .align  4
guest_image:
        .incbin "hello.img"
guest_image_end:
