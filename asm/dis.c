/* Disassembly: operand syntax follows each format of cpu/isa.h. */
#include "asm/dis.h"

#include <stdio.h>

#include "cpu/isa.h"

static const char *reg(unsigned r)
{
	static const char *const names[16] = {
		"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9",
		"r10", "r11", "r12", "r13", "r14", "sp",
	};
	return names[r & 15];
}

char *dis_insn(uint32_t w, uint32_t pc, const struct image *symbols,
	       char *buf, size_t len)
{
	const struct isa_insn *d = &isa_table[isa_op(w)];
	const char *rd = reg(isa_rd(w)), *rs1 = reg(isa_rs1(w)),
		   *rs2 = reg(isa_rs2(w));
	if (!isa_valid(w)) {
		snprintf(buf, len, ".word 0x%08x", w);
		return buf;
	}
	switch (d->format) {
	case ISA_F_N:
		snprintf(buf, len, "%s", d->name);
		break;
	case ISA_F_R3:
		snprintf(buf, len, "%s %s, %s, %s", d->name, rd, rs1, rs2);
		break;
	case ISA_F_R2:
		snprintf(buf, len, "%s %s, %s", d->name, rs1, rs2);
		break;
	case ISA_F_RD:
		snprintf(buf, len, "%s %s", d->name, rd);
		break;
	case ISA_F_RS:
		snprintf(buf, len, "%s %s", d->name, rs1);
		break;
	case ISA_F_I:
		snprintf(buf, len, "%s %s, %s, %d", d->name, rd, rs1,
			 isa_simm16(w));
		break;
	case ISA_F_IU:
		snprintf(buf, len, "%s %s, %s, 0x%x", d->name, rd, rs1,
			 isa_uimm16(w));
		break;
	case ISA_F_SH:
		snprintf(buf, len, "%s %s, %s, %u", d->name, rd, rs1,
			 isa_uimm16(w));
		break;
	case ISA_F_CI:
		snprintf(buf, len, "%s %s, %d", d->name, rs1, isa_simm16(w));
		break;
	case ISA_F_CIU:
		snprintf(buf, len, "%s %s, 0x%x", d->name, rs1, isa_uimm16(w));
		break;
	case ISA_F_U:
		snprintf(buf, len, "%s %s, 0x%x", d->name, rd, isa_imm20(w));
		break;
	case ISA_F_M:
		snprintf(buf, len, "%s %s, %d(%s)", d->name, rd,
			 isa_simm16(w), rs1);
		break;
	case ISA_F_B: {
		uint32_t t = pc + ((uint32_t)isa_simm24(w) << 2);
		const struct image_symbol *s =
			symbols ? image_symbol_at(symbols, t) : NULL;
		if (s && t == s->value)
			snprintf(buf, len, "%s 0x%08x <%s>", d->name, t,
				 s->name);
		else if (s)
			snprintf(buf, len, "%s 0x%08x <%s+0x%x>", d->name, t,
				 s->name, t - s->value);
		else
			snprintf(buf, len, "%s 0x%08x", d->name, t);
		break;
	}
	case ISA_F_T:
		snprintf(buf, len, "%s %u", d->name, isa_trapno(w));
		break;
	case ISA_F_CRR:
		snprintf(buf, len, "%s %s, %s", d->name, rd,
			 isa_cr_names[isa_uimm16(w)]);
		break;
	case ISA_F_CRW:
		snprintf(buf, len, "%s %s, %s", d->name,
			 isa_cr_names[isa_uimm16(w)], rd);
		break;
	}
	return buf;
}
