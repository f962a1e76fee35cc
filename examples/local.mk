# The examples, assembled into images/ by make.
EXAMPLE_FILES = examples/hello/hello.s examples/syscall/syscall.s \
	examples/exception/exception.s examples/paging/paging.s \
	examples/disk/disk.s examples/kbd/kbd.s examples/lib/console.inc \
	examples/net/sender.s examples/net/receiver.s examples/net/nic.inc
IMAGES = images/hello.img images/syscall.img images/exception.img \
	images/paging.img images/disk.img images/kbd.img \
	images/net-sender.img images/net-receiver.img
noinst_DATA = $(IMAGES)
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

images/kbd.img: examples/kbd/kbd.s aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/kbd/kbd.s

NET_DEPS = examples/net/nic.inc examples/lib/console.inc aula$(EXEEXT)
images/net-sender.img: examples/net/sender.s $(NET_DEPS)
	$(AULA_AS) $(srcdir)/examples/net/sender.s
images/net-receiver.img: examples/net/receiver.s $(NET_DEPS)
	$(AULA_AS) $(srcdir)/examples/net/receiver.s

# The kernel of examples/kernel (README.md there): two user programs
# linked at one address, loaded at two.
KERNEL_FILES = examples/kernel/kernel.s examples/kernel/kernel.inc \
	examples/kernel/ping.s examples/kernel/pong.s \
	examples/kernel/README.md
EXAMPLE_FILES += $(KERNEL_FILES)
IMAGES += images/kernel.img
images/kernel.img: $(KERNEL_FILES) examples/lib/console.inc aula$(EXEEXT)
	$(AULA_AS) $(srcdir)/examples/kernel/kernel.s
