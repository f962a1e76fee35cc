/* The disassembler: the inverse of aula as, from the same table. */
#ifndef AULA_DIS_H
#define AULA_DIS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "asm/image.h"

/* One instruction at pc as assembly text that aula as accepts.  With
 * symbols, branch targets are followed by <label+offset>.  An undefined
 * encoding is written ".word 0x...".  Returns buf. */
char *dis_insn(uint32_t insn, uint32_t pc, const struct image *symbols,
	       char *buf, size_t len);

/* snprintf for the conversions disassembly, its labels and the monitor's
 * busiest lines use -- %s %d %u %x, with the flags - and 0, a width and
 * ll -- and %%, at a fraction of the C library's cost (a history or a
 * trace formats thousands of such lines).  The same bytes as snprintf,
 * cut to len - 1 and ended; returns the length uncut.  Any other
 * conversion aborts. */
int dis_format(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int dis_vformat(char *buf, size_t len, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
