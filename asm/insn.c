/*
 * Instructions and pseudo-instructions: operands, ranges and encodings,
 * from the table in cpu/isa.def (syntax in aula-as(1)).
 */
#include <string.h>
#include <strings.h>

#include "asm/as_int.h"
#include "cpu/isa.h"

/* ---- operands ---------------------------------------------------------- */

static int reg(struct as *a)
{
	as_skip_ws(a);
	size_t n = as_ident_len(a->p);
	int r = as_reg_number(a->p, n);
	if (r < 0) {
		as_error(a, NULL, "expected a register (r0..r15, zero, fp, "
			 "at, sp)");
		return -1;
	}
	a->p += n;
	return r;
}

static bool comma(struct as *a) { return as_expect(a, ','); }

/* An expression whose value must lie in [min, max] (checked in pass 2). */
bool as_value(struct as *a, int64_t min, int64_t max, const char *what,
		  int64_t *v)
{
	as_skip_ws(a);
	const char *at = a->p;
	bool known;
	if (!as_expr(a, v, &known))
		return false;
	if (a->pass == 2 && known && (*v < min || *v > max))
		/* Reported, but the statement goes on and emits its bytes,
		 * so later addresses stay as pass 1 laid them out. */
		as_error(a, at, "%s %lld is out of range (%lld..%lld)", what,
			 (long long)*v, (long long)min, (long long)max);
	return true;
}

static bool imm_s16(struct as *a, int64_t *v)
{
	return as_value(a, -32768, 32767, "signed 16-bit immediate", v);
}

static bool imm_u16(struct as *a, int64_t *v)
{
	return as_value(a, 0, 65535, "unsigned 16-bit immediate", v);
}

/* off(rs), (rs), or an absolute address reachable from r0. */
static bool mem_operand(struct as *a, int *base, int64_t *off)
{
	as_skip_ws(a);
	const char *save = a->p;
	*off = 0;
	if (*a->p == '(') {
		a->p++;
		as_skip_ws(a);
		size_t n = as_ident_len(a->p);
		if (as_reg_number(a->p, n) >= 0) {
			*base = reg(a);
			return as_expect(a, ')');
		}
		a->p = save;
	}
	if (!as_value(a, -32768, 32767, "offset", off))
		return false;
	if (as_accept(a, '(')) {
		*base = reg(a);
		return *base >= 0 && as_expect(a, ')');
	}
	*base = 0;
	return true;
}

static bool control_reg(struct as *a, int64_t *cr)
{
	as_skip_ws(a);
	size_t n = as_ident_len(a->p);
	for (int i = 0; i < ISA_CR_COUNT; i++)
		if (n == strlen(isa_cr_names[i]) &&
		    strncasecmp(a->p, isa_cr_names[i], n) == 0) {
			a->p += n;
			*cr = i;
			return true;
		}
	return as_value(a, 0, ISA_CR_COUNT - 1, "control register", cr);
}

static bool branch_target(struct as *a, int32_t *words)
{
	int64_t t;
	as_skip_ws(a);
	const char *at = a->p;
	bool known;
	*words = 0;
	if (!as_expr(a, &t, &known))
		return false;
	if (a->pass == 1 || !known)
		return true;
	int64_t d = (int64_t)(uint32_t)t - (int64_t)a->pc;
	if (d % 4) {
		as_error(a, at, "branch target 0x%08x is not a multiple of 4",
			 (uint32_t)t);
		return false;
	}
	if (d / 4 < -(1 << 23) || d / 4 >= (1 << 23)) {
		as_error(a, at, "branch target 0x%08x is out of reach "
			 "(more than 32 MiB away)", (uint32_t)t);
		return false;
	}
	*words = (int32_t)(d / 4);
	return true;
}

/* ---- instructions -------------------------------------------------------- */

void as_insn(struct as *a, const struct isa_insn *d)
{
	int rd = 0, rs1 = 0, rs2 = 0;
	int64_t v = 0;
	int32_t w = 0;
	unsigned op = d->opcode;
	bool ok = true;

	switch (d->format) {
	case ISA_F_N:
		break;
	case ISA_F_R3:
		ok = (rd = reg(a)) >= 0 && comma(a) && (rs1 = reg(a)) >= 0 &&
		     comma(a) && (rs2 = reg(a)) >= 0;
		break;
	case ISA_F_R2:
		ok = (rs1 = reg(a)) >= 0 && comma(a) && (rs2 = reg(a)) >= 0;
		break;
	case ISA_F_RD:
		ok = (rd = reg(a)) >= 0;
		break;
	case ISA_F_RS:
		ok = (rs1 = reg(a)) >= 0;
		break;
	case ISA_F_I:
	case ISA_F_IU:
	case ISA_F_SH:
		ok = (rd = reg(a)) >= 0 && comma(a) && (rs1 = reg(a)) >= 0 &&
		     comma(a) &&
		     (d->format == ISA_F_I ? imm_s16(a, &v) :
		      d->format == ISA_F_IU ? imm_u16(a, &v) :
		      as_value(a, 0, 31, "shift amount", &v));
		break;
	case ISA_F_CI:
	case ISA_F_CIU:
		ok = (rs1 = reg(a)) >= 0 && comma(a) &&
		     (d->format == ISA_F_CI ? imm_s16(a, &v) : imm_u16(a, &v));
		break;
	case ISA_F_U:
		ok = (rd = reg(a)) >= 0 && comma(a) &&
		     as_value(a, 0, 0xfffff, "20-bit immediate", &v);
		break;
	case ISA_F_M:
		ok = (rd = reg(a)) >= 0 && comma(a) &&
		     mem_operand(a, &rs1, &v);
		break;
	case ISA_F_B:
		ok = branch_target(a, &w);
		break;
	case ISA_F_T:
		ok = as_value(a, 0, 255, "trap number", &v);
		break;
	case ISA_F_CRR:
		ok = (rd = reg(a)) >= 0 && comma(a) && control_reg(a, &v);
		break;
	case ISA_F_CRW: {
		as_skip_ws(a);
		const char *at = a->p;
		ok = control_reg(a, &v) && comma(a) && (rd = reg(a)) >= 0;
		if (ok && isa_cr_read_only(v))
			as_error(a, at, "control register %s is read-only",
				 isa_cr_names[v]);
		break;
	}
	}
	if (ok && !as_at_end(a)) {
		as_error(a, NULL, "unexpected text after the operands");
		ok = false;
	}
	uint32_t word;
	switch (d->format) {
	case ISA_F_U: word = isa_enc_u(op, rd, (uint32_t)v); break;
	case ISA_F_B: word = isa_enc_b(op, w); break;
	case ISA_F_T: word = isa_enc_t(op, (unsigned)v); break;
	case ISA_F_N: case ISA_F_R3: case ISA_F_R2: case ISA_F_RD:
	case ISA_F_RS:
		word = isa_enc_r(op, rd, rs1, rs2);
		break;
	default:
		word = isa_enc_i(op, rd, rs1, (uint32_t)v);
		break;
	}
	(void)ok;
	as_emit_word(a, word);
}

bool as_is_pseudo(const char *name)
{
	static const char *const names[] = { "mov", "not", "neg", "clr",
		"inc", "dec", "li", "la", "lapc", "jmp", NULL };
	for (const char *const *n = names; *n; n++)
		if (!strcmp(name, *n))
			return true;
	return false;
}

/* Pseudo-instructions (aula-as(1)): each expands to real ones. */
bool as_pseudo(struct as *a, const char *name)
{
	int rd, rs;
	int64_t v;
	bool known;
	struct as_line *l = &a->lines[a->cur];

	if (!strcmp(name, "mov") || !strcmp(name, "not") ||
	    !strcmp(name, "neg")) {
		if ((rd = reg(a)) < 0 || !comma(a) || (rs = reg(a)) < 0)
			return true;
		if (!as_at_end(a))
			as_error(a, NULL, "unexpected text after the operands");
		if (name[0] == 'm')
			as_emit_word(a, isa_enc_r(ISA_OP_or, rd, rs, 0));
		else if (name[0] == 'n' && name[1] == 'o')
			as_emit_word(a, isa_enc_r(ISA_OP_nor, rd, rs, 0));
		else
			as_emit_word(a, isa_enc_r(ISA_OP_sub, rd, 0, rs));
		return true;
	}
	if (!strcmp(name, "clr") || !strcmp(name, "inc") ||
	    !strcmp(name, "dec")) {
		if ((rd = reg(a)) < 0)
			return true;
		if (!as_at_end(a))
			as_error(a, NULL, "unexpected text after the operand");
		if (name[0] == 'c')
			as_emit_word(a, isa_enc_r(ISA_OP_or, rd, 0, 0));
		else
			as_emit_word(a, isa_enc_i(ISA_OP_addi, rd, rd,
					       name[0] == 'i' ? 1u : 0xffffu));
		return true;
	}
	if (!strcmp(name, "li") || !strcmp(name, "la")) {
		if ((rd = reg(a)) < 0 || !comma(a))
			return true;
		as_skip_ws(a);
		const char *at = a->p;
		if (!as_expr(a, &v, &known))
			return true;
		if (!as_at_end(a)) {
			as_error(a, NULL, "unexpected text after the operands");
			return true;
		}
		if (a->pass == 2 && known && (v < -0x80000000ll ||
					      v > 0xffffffffll))
			as_error(a, at, "constant does not fit in 32 bits");
		/* Pass 1 decides the size and pass 2 must agree with it. */
		bool one = name[1] == 'i' &&
			   (a->pass == 1 ? known && v >= -32768 && v <= 32767
					 : l->size == 4);
		uint32_t u = (uint32_t)v;
		if (one) {
			as_emit_word(a, isa_enc_i(ISA_OP_addi, rd, 0, u));
		} else {
			as_emit_word(a, isa_enc_u(ISA_OP_lui, rd, u >> 12));
			as_emit_word(a, isa_enc_i(ISA_OP_ori, rd, rd, u & 0xfff));
		}
		return true;
	}
	if (!strcmp(name, "lapc")) {
		/* Position-independent: call pushes the address after it,
		 * which is the pop's own; the offset from there is fixed
		 * wherever the code is loaded.  Three words always. */
		if ((rd = reg(a)) < 0 || !comma(a))
			return true;
		as_skip_ws(a);
		const char *at = a->p;
		if (!as_expr(a, &v, &known))
			return true;
		if (!as_at_end(a)) {
			as_error(a, NULL, "unexpected text after the operands");
			return true;
		}
		int64_t off = (int64_t)(uint32_t)v - (int64_t)(a->pc + 4);
		if (a->pass == 2 && known && (off < -32768 || off > 32767))
			as_error(a, at, "lapc target 0x%08x is %lld bytes away, "
				 "more than 32 KiB (use la for a fixed address)",
				 (uint32_t)v, (long long)off);
		as_emit_word(a, isa_enc_b(ISA_OP_call, 1));
		as_emit_word(a, isa_enc_r(ISA_OP_pop, rd, 0, 0));
		as_emit_word(a, isa_enc_i(ISA_OP_addi, rd, rd,
					  (uint32_t)off & 0xffff));
		return true;
	}
	if (!strcmp(name, "jmp")) {
		as_insn(a, &isa_table[ISA_OP_br]);
		return true;
	}
	return false;
}

