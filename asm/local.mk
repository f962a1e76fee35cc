# Front-end libraries: assembler, disassembler, images (zlib), dumps.
noinst_LIBRARIES += libaulatools.a
libaulatools_a_SOURCES = \
	asm/as.h asm/as_int.h asm/as.c asm/source.c asm/expr.c \
	asm/dis.h asm/dis.c asm/image.h asm/image.c
libaulatools_a_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
