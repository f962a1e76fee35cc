/*
 * The instruction set as data: formats, field extraction, and the table
 * generated from cpu/isa.def.  Encodings (docs/isa.md, section 2):
 *
 *        31            20 19    16 15    12 11     8 7          0
 *  R    |   0 (12 bits)  |  rs2   |  rs1   |   rd   |   opcode   |
 *  I    |      imm16 (31..16)     |  rs1   |   rd   |   opcode   |
 *  U    |       imm20 (31..12)             |   rd   |   opcode   |
 *  B    |            simm24 (31..8)                 |   opcode   |
 *  T    |      0 (31..16)         |   n (15..8)     |   opcode   |
 */
#ifndef AULA_ISA_H
#define AULA_ISA_H

#include <stdbool.h>
#include <stdint.h>

enum isa_format {
	ISA_F_N,	/* no operands */
	ISA_F_R3,	/* rd, rs1, rs2 */
	ISA_F_R2,	/* rs1, rs2 (rd = 0) */
	ISA_F_RD,	/* rd */
	ISA_F_RS,	/* rs, held in the rs1 field */
	ISA_F_I,	/* rd, rs1, simm16 */
	ISA_F_IU,	/* rd, rs1, uimm16 */
	ISA_F_SH,	/* rd, rs1, shift amount 0..31 */
	ISA_F_CI,	/* rs1, simm16 (rd = 0) */
	ISA_F_CIU,	/* rs1, uimm16 (rd = 0) */
	ISA_F_U,	/* rd, imm20 */
	ISA_F_M,	/* rd, simm16(rs1) */
	ISA_F_B,	/* pc-relative simm24 words */
	ISA_F_T,	/* n, 0..255 */
	ISA_F_CRR,	/* rd, control register (imm16) */
	ISA_F_CRW,	/* control register (imm16), rs (rd field) */
};

enum isa_opcode {
#define INSN(name, op, fmt, priv) ISA_OP_##name = op,
#include "cpu/isa.def"
#undef INSN
};

struct isa_insn {
	const char *name;
	uint8_t opcode;
	enum isa_format format;
	bool privileged;
};

/* Indexed by opcode; .name is NULL for an undefined opcode. */
extern const struct isa_insn isa_table[256];

const struct isa_insn *isa_lookup_name(const char *name);

/* Is this 32-bit word a defined encoding (opcode, zero unused fields,
 * shift amount and control register in range)? */
bool isa_valid(uint32_t insn);

enum isa_cr {
	ISA_CR_FLAGS, ISA_CR_VBR, ISA_CR_PTBR, ISA_CR_PAGING, ISA_CR_FAR,
	ISA_CR_CAUSE, ISA_CR_USP, ISA_CR_KSCRATCH, ISA_CR_ICOUNT,
	ISA_CR_ICOUNTH, ISA_CR_TIME, ISA_CR_TIMEH, ISA_CR_COUNT
};
extern const char *const isa_cr_names[ISA_CR_COUNT];

/* The counters (icount, time and their high halves) are read-only: mtcr
 * to them is undefined, and the assembler refuses it. */
static inline bool isa_cr_read_only(unsigned cr)
{
	return cr == ISA_CR_ICOUNT || cr == ISA_CR_ICOUNTH ||
	       cr == ISA_CR_TIME || cr == ISA_CR_TIMEH;
}

/* Register numbers with a role (docs/isa.md, section 1). */
enum { ISA_REG_FP = 13, ISA_REG_AT = 14, ISA_REG_SP = 15 };

static inline unsigned isa_op(uint32_t i) { return i & 0xff; }
static inline unsigned isa_rd(uint32_t i) { return (i >> 8) & 15; }
static inline unsigned isa_rs1(uint32_t i) { return (i >> 12) & 15; }
static inline unsigned isa_rs2(uint32_t i) { return (i >> 16) & 15; }
static inline uint32_t isa_uimm16(uint32_t i) { return i >> 16; }
static inline int32_t isa_simm16(uint32_t i) { return (int32_t)i >> 16; }
static inline uint32_t isa_imm20(uint32_t i) { return i >> 12; }
static inline int32_t isa_simm24(uint32_t i) { return (int32_t)i >> 8; }
static inline unsigned isa_trapno(uint32_t i) { return (i >> 8) & 0xff; }

static inline uint32_t isa_enc_r(unsigned op, unsigned rd, unsigned rs1,
				 unsigned rs2)
{
	return op | rd << 8 | rs1 << 12 | rs2 << 16;
}
static inline uint32_t isa_enc_i(unsigned op, unsigned rd, unsigned rs1,
				 uint32_t imm16)
{
	return op | rd << 8 | rs1 << 12 | (imm16 & 0xffff) << 16;
}
static inline uint32_t isa_enc_u(unsigned op, unsigned rd, uint32_t imm20)
{
	return op | rd << 8 | (imm20 & 0xfffff) << 12;
}
static inline uint32_t isa_enc_b(unsigned op, int32_t words)
{
	return op | ((uint32_t)words & 0xffffff) << 8;
}
static inline uint32_t isa_enc_t(unsigned op, unsigned n)
{
	return op | (n & 0xff) << 8;
}

#endif
