/* The disassembler: the inverse of aula as, from the same table. */
#ifndef AULA_DIS_H
#define AULA_DIS_H

#include <stddef.h>
#include <stdint.h>

#include "asm/image.h"

/* One instruction at pc as assembly text that aula as accepts.  With
 * symbols, branch targets are followed by <label+offset>.  An undefined
 * encoding is written ".word 0x...".  Returns buf. */
char *dis_insn(uint32_t insn, uint32_t pc, const struct image *symbols,
	       char *buf, size_t len);

#endif
