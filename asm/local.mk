# The assembler, disassembler and image format (zlib).
noinst_LIBRARIES += libaulaasm.a
libaulaasm_a_SOURCES = \
	asm/as.h asm/as_int.h asm/as.c asm/insn.c asm/directive.c \
	asm/source.c asm/expr.c asm/symtab.c asm/output.c \
	asm/macro.c \
	asm/dis.h asm/dis.c asm/image.h asm/image_int.h asm/image.c \
	asm/image_use.c asm/program.c
libaulaasm_a_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
