libaulacore_a_SOURCES += mem/mem.h mem/mem.c mem/code.h mem/code.c \
	mem/mmu.h mem/mmu.c mem/walk.h mem/walk.c mem/shadow.h mem/shadow.c \
	mem/explain.c mem/pool.h mem/pool.c mem/dirty.h mem/dirty.c
