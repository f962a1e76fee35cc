libaulacore_a_SOURCES += mem/mem.h mem/mem.c mem/mmu.h mem/mmu.c
