# The examples, assembled into images/ by make.
EXAMPLE_FILES = examples/hello/hello.s examples/syscall/syscall.s \
	examples/exception/exception.s examples/paging/paging.s \
	examples/disk/disk.s examples/kbd/kbd.s examples/lib/console.inc \
	examples/paging/pages.s examples/lib/paging.inc examples/hello/check.cmd \
	examples/net/sender.s examples/net/receiver.s examples/net/nic.inc
IMAGES = images/hello.img images/syscall.img images/exception.img \
	images/paging.img images/disk.img images/kbd.img \
	images/net-sender.img images/net-receiver.img
noinst_DATA = $(IMAGES)
# make install: the examples with their include files, in
# $(pkgdatadir)/examples (the man pages name it).
examplesdir = $(pkgdatadir)
nobase_dist_examples_DATA = $(EXAMPLE_FILES) $(GRADE_TEST_FILES) \
	$(LAB_TEST_FILES)
CLEANFILES += $(IMAGES)
EXTRA_DIST += $(EXAMPLE_FILES) images/README.md

AULA_AS = $(AM_V_GEN)$(MKDIR_P) images && ./aula$(EXEEXT) as \
	-I $(srcdir)/examples/lib -o $@
images/hello.img: examples/hello/hello.s aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/hello/hello.s
images/syscall.img: examples/syscall/syscall.s examples/lib/console.inc aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/syscall/syscall.s
images/exception.img: examples/exception/exception.s examples/lib/console.inc aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/exception/exception.s
images/paging.img: examples/paging/paging.s examples/lib/console.inc aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/paging/paging.s
images/disk.img: examples/disk/disk.s examples/lib/console.inc aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/disk/disk.s

EXAMPLE_FILES += examples/timer/timer.s
IMAGES += images/timer.img
images/timer.img: examples/timer/timer.s examples/lib/console.inc aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/timer/timer.s
EXAMPLE_FILES += examples/timer/clock.s
IMAGES += images/clock.img
images/clock.img: examples/timer/clock.s examples/lib/console.inc aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/timer/clock.s

images/kbd.img: examples/kbd/kbd.s aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/kbd/kbd.s

NET_DEPS = examples/net/nic.inc examples/lib/console.inc aula$(EXEEXT)
images/net-sender.img: examples/net/sender.s $(NET_DEPS)
	$(AULA_AS) $(srcdir)/examples/net/sender.s
images/net-receiver.img: examples/net/receiver.s $(NET_DEPS)
	$(AULA_AS) $(srcdir)/examples/net/receiver.s

# The class walk-through of disk snapshots (tests/qcow2.sh runs demo.sh).
EXAMPLE_FILES += examples/disk-snapshots/guestbook.s \
	examples/disk-snapshots/demo.sh examples/disk-snapshots/README.md
IMAGES += images/guestbook.img
images/guestbook.img: examples/disk-snapshots/guestbook.s examples/lib/console.inc aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/disk-snapshots/guestbook.s
# The hypervisor (examples/vmm/README.md).  A VM is the VMM with an image
# of images/ embedded: make writes its four lines next to the images and
# assembles them (tests/vmm.sh builds many more).
VMM_FILES = examples/vmm/vmm.s examples/vmm/vmm.inc examples/vmm/shadow.inc \
	examples/vmm/devices.inc examples/vmm/paravirt.inc \
	examples/vmm/report.inc examples/vmm/step.inc
EXAMPLE_FILES += $(VMM_FILES) examples/vmm/syscall-pv.s \
	examples/vmm/README.md
VMM_IMAGES = images/hello-vm.img images/syscall-vm.img \
	images/syscall-pv-vm.img images/paging-vm.img images/paging-vm-vm.img
IMAGES += images/vmm.img images/syscall-pv.img $(VMM_IMAGES)
CLEANFILES += $(VMM_IMAGES:.img=.s)
VM_DEPS = $(VMM_FILES) examples/lib/console.inc aula$(EXEEXT)
images/vmm.img: $(VM_DEPS)
	$(AULA_AS) $(srcdir)/examples/vmm/vmm.s
images/syscall-pv.img: examples/vmm/syscall-pv.s aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/vmm/syscall-pv.s
# AULA_VM base guest: the VM $@ of the VMM at base running images/guest
AULA_VM = $(AM_V_GEN)printf '\t.equ\tVMM_BASE, %s\n\t.include "vmm.inc"\n\t.align\t4\nguest_image:\n\t.incbin "%s"\nguest_image_end:\n'
AULA_VM_AS = ./aula$(EXEEXT) as -I $(srcdir)/examples/vmm -I $(srcdir)/examples/lib
images/hello-vm.img: images/hello.img $(VM_DEPS)
	$(AULA_VM) 0x01000000 hello.img >$(@:.img=.s) && $(AULA_VM_AS) -o $@ $(@:.img=.s)
images/syscall-vm.img: images/syscall.img $(VM_DEPS)
	$(AULA_VM) 0x01000000 syscall.img >$(@:.img=.s) && $(AULA_VM_AS) -o $@ $(@:.img=.s)
images/syscall-pv-vm.img: images/syscall-pv.img $(VM_DEPS)
	$(AULA_VM) 0x01000000 syscall-pv.img >$(@:.img=.s) && $(AULA_VM_AS) -o $@ $(@:.img=.s)
images/paging-vm.img: images/paging.img $(VM_DEPS)
	$(AULA_VM) 0x01000000 paging.img >$(@:.img=.s) && $(AULA_VM_AS) -o $@ $(@:.img=.s)
images/paging-vm-vm.img: images/paging-vm.img $(VM_DEPS)
	$(AULA_VM) 0x02400000 paging-vm.img >$(@:.img=.s) && $(AULA_VM_AS) -o $@ $(@:.img=.s)
# The kernel of examples/kernel (README.md there): two user programs
# linked at one address, loaded at two.
KERNEL_FILES = examples/kernel/kernel.s examples/kernel/kernel.inc \
	examples/kernel/ping.s examples/kernel/pong.s \
	examples/kernel/README.md
EXAMPLE_FILES += $(KERNEL_FILES)
IMAGES += images/kernel.img
images/kernel.img: $(KERNEL_FILES) examples/lib/console.inc aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/kernel/kernel.s

# A guest that dirties pages faster than a slow link sends them: the
# migration policies' example (docs/migration.md, tests/migrate.sh).
EXAMPLE_FILES += examples/migrate/dirty.s
IMAGES += images/dirty.img
images/dirty.img: examples/migrate/dirty.s examples/lib/console.inc aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/migrate/dirty.s
