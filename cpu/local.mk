# The core: cpu/ mem/ io/ build one library with no front-end dependencies.
noinst_LIBRARIES += libaulacore.a
libaulacore_a_SOURCES = \
	cpu/isa.def cpu/isa.h cpu/isa.c \
	cpu/cpu.h cpu/cpu.c cpu/exec.c cpu/poll.h cpu/poll.c \
	cpu/vm.h cpu/vm.c
