; vmm: the hypervisor (vmm.inc) with a small guest of its own, so that it
; runs alone:
;
;       aula run examples/vmm/vmm.s --mem 36M
;
; Any other guest goes in as an image, with .incbin (README.md, "Building
; a VM"); make builds images/hello-vm.img, images/paging-vm.img, ...

        .equ    VMM_BASE, 0x01000000
        .include "vmm.inc"

; The guest: an image as aula as would write it (docs/image-format.md,
; version 1), by hand: one segment of code that runs at 0x1000, in the
; guest's memory.  The VMM reads the header, not the sizes and CRCs.
        .align  4
guest_image:
        .ascii  "AULAIMG\0"
        .half   1, 0                ; version 1, no flags
        .word   0x1000              ; the entry point
        .word   1, 0                ; one segment, no symbols
        .word   0, 0, 0, 0          ; body_size, stored_size, CRCs
        .word   0x1000, demo_end - demo ; the segment: address, size
        .word   0                   ; no strings
demo_load:
        .org    0x1000, demo_load   ; runs at 0x1000, sits here

; The guest kernel: it says hello, enters user mode, and its user program
; asks it, with trap 32, to power off -- a privileged out, an rti, a
; system call and its mtcr: each an exit into the VMM.
demo:   la      r1, demo_hello
.next:  ldbu    r2, 0(r1)
        cmpi    r2, 0
        beq     .user
        out     r2, UART_DATA(r0)
        addi    r1, r1, 1
        br      .next
.user:  la      r1, demo_vectors
        mtcr    vbr, r1
        la      r2, demo_exit
        stw     r2, 32 * 4(r1)
        push    r0                  ; flags: user mode
        la      r1, demo_program
        push    r1
        rti
demo_program:
        trap    32
demo_exit:
        out     r0, SYSCTL_POWEROFF(r0)
demo_hello:
        .asciz  "Hello from inside a virtual machine!\n"
        .align  4
demo_vectors:
        .space  1024
demo_end:
guest_image_end:
