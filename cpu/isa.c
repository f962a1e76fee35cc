/* The instruction table and the one definition of "defined encoding". */
#include "cpu/isa.h"

#include <string.h>

const struct isa_insn isa_table[256] = {
#define INSN(n, op, fmt, priv) \
	[op] = { .name = #n, .opcode = op, .format = fmt, .privileged = priv },
#include "cpu/isa.def"
#undef INSN
};

const char *const isa_cr_names[ISA_CR_COUNT] = {
	[ISA_CR_FLAGS] = "flags", [ISA_CR_VBR] = "vbr", [ISA_CR_PTBR] = "ptbr",
	[ISA_CR_PAGING] = "paging", [ISA_CR_FAR] = "far",
	[ISA_CR_CAUSE] = "cause", [ISA_CR_USP] = "usp",
	[ISA_CR_KSCRATCH] = "kscratch", [ISA_CR_ICOUNT] = "icount",
	[ISA_CR_ICOUNTH] = "icounth", [ISA_CR_TIME] = "time",
	[ISA_CR_TIMEH] = "timeh",
};

const struct isa_insn *isa_lookup_name(const char *name)
{
	for (int op = 0; op < 256; op++)
		if (isa_table[op].name && strcmp(isa_table[op].name, name) == 0)
			return &isa_table[op];
	return NULL;
}

/* The bits of the word each format leaves unused and so requires zero. */
static uint32_t unused_mask(enum isa_format f)
{
	switch (f) {
	case ISA_F_N:   return 0xffffff00;
	case ISA_F_R3:  return 0xfff00000;
	case ISA_F_R2:  return 0xfff00f00;
	case ISA_F_RD:  return 0xfffff000;
	case ISA_F_RS:  return 0xffff0f00;
	case ISA_F_I: case ISA_F_IU: case ISA_F_SH: case ISA_F_M:
		return 0;
	case ISA_F_CI: case ISA_F_CIU: return 0x00000f00;
	case ISA_F_U: case ISA_F_B: return 0;
	case ISA_F_T:   return 0xffff0000;
	case ISA_F_CRR: case ISA_F_CRW: return 0x0000f000;
	}
	return 0xffffffff;
}

bool isa_valid(uint32_t insn)
{
	const struct isa_insn *d = &isa_table[isa_op(insn)];
	if (!d->name || (insn & unused_mask(d->format)))
		return false;
	if (d->format == ISA_F_SH && isa_uimm16(insn) > 31)
		return false;
	if (d->format == ISA_F_CRR && isa_uimm16(insn) >= ISA_CR_COUNT)
		return false;
	if (d->format == ISA_F_CRW && (isa_uimm16(insn) >= ISA_CR_COUNT ||
				       isa_cr_read_only(isa_uimm16(insn))))
		return false;
	return true;
}
