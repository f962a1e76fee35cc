/*
 * The two-pass assembler.  Pass 1 fixes every line's size and every
 * label's address; pass 2 evaluates, checks ranges and emits.  Syntax
 * errors are reported in pass 1, value errors (undefined symbols, ranges)
 * in pass 2, each once, as file:line:col.
 */
#include "asm/as.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as_int.h"
#include "cpu/isa.h"

#define AS_DEFAULT_ORIGIN 0x1000

/* ---- symbols and output ---------------------------------------------- */

static void define(struct as *a, char *name, uint32_t value, bool label,
		   const char *at)
{
	struct as_sym *s = as_sym_find(a, name);
	if (s && s->pass == a->pass && (label || s->label)) {
		const struct as_line *l = &a->lines[s->line];
		as_error(a, at, "'%s' is already defined at %s:%d", name,
			 l->file, l->lineno);
		free(name);
		return;
	}
	if (!s) {
		if (a->nsyms == a->syms_cap) {
			a->syms_cap = a->syms_cap ? 2 * a->syms_cap : 64;
			a->syms = as_xrealloc(a->syms,
					   a->syms_cap * sizeof *a->syms);
		}
		s = &a->syms[a->nsyms++];
		s->name = name;
	} else {
		free(name);
	}
	s->value = value;
	s->pass = a->pass;
	s->label = label;
	s->line = a->cur;
}

static void emit(struct as *a, const void *bytes, uint32_t n)
{
	if (a->pc + n > 0x100000000ull) {
		as_error(a, a->lines[a->cur].text,
			 "code runs past the end of the address space");
		return;
	}
	if (a->pass == 2 && n) {
		struct as_seg *s = a->nsegs ? &a->segs[a->nsegs - 1] : NULL;
		if (!s || s->addr + s->size != a->pc) {
			a->segs = as_xrealloc(a->segs,
					   (a->nsegs + 1) * sizeof *a->segs);
			s = &a->segs[a->nsegs++];
			memset(s, 0, sizeof *s);
			s->addr = (uint32_t)a->pc;
			s->line = a->cur;
		}
		if (s->size + n > s->cap) {
			s->cap = (s->size + n) * 2;
			s->data = as_xrealloc(s->data, s->cap);
		}
		if (bytes)
			memcpy(s->data + s->size, bytes, n);
		else
			memset(s->data + s->size, 0, n);
		s->size += n;
		a->emitted += n;
	}
	a->pc += n;
}

static void emit_word(struct as *a, uint32_t w)
{
	uint8_t b[4] = { (uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16),
			 (uint8_t)(w >> 24) };
	emit(a, b, 4);
}

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
static bool value(struct as *a, int64_t min, int64_t max, const char *what,
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
	return value(a, -32768, 32767, "signed 16-bit immediate", v);
}

static bool imm_u16(struct as *a, int64_t *v)
{
	return value(a, 0, 65535, "unsigned 16-bit immediate", v);
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
	if (!value(a, -32768, 32767, "offset", off))
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
	return value(a, 0, ISA_CR_COUNT - 1, "control register", cr);
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

static void insn(struct as *a, const struct isa_insn *d)
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
		      value(a, 0, 31, "shift amount", &v));
		break;
	case ISA_F_CI:
	case ISA_F_CIU:
		ok = (rs1 = reg(a)) >= 0 && comma(a) &&
		     (d->format == ISA_F_CI ? imm_s16(a, &v) : imm_u16(a, &v));
		break;
	case ISA_F_U:
		ok = (rd = reg(a)) >= 0 && comma(a) &&
		     value(a, 0, 0xfffff, "20-bit immediate", &v);
		break;
	case ISA_F_M:
		ok = (rd = reg(a)) >= 0 && comma(a) &&
		     mem_operand(a, &rs1, &v);
		break;
	case ISA_F_B:
		ok = branch_target(a, &w);
		break;
	case ISA_F_T:
		ok = value(a, 0, 255, "trap number", &v);
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
	emit_word(a, word);
}

/* Pseudo-instructions (aula-as(1)): each expands to real ones. */
static bool pseudo(struct as *a, const char *name)
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
			emit_word(a, isa_enc_r(ISA_OP_or, rd, rs, 0));
		else if (name[0] == 'n' && name[1] == 'o')
			emit_word(a, isa_enc_r(ISA_OP_nor, rd, rs, 0));
		else
			emit_word(a, isa_enc_r(ISA_OP_sub, rd, 0, rs));
		return true;
	}
	if (!strcmp(name, "clr") || !strcmp(name, "inc") ||
	    !strcmp(name, "dec")) {
		if ((rd = reg(a)) < 0)
			return true;
		if (!as_at_end(a))
			as_error(a, NULL, "unexpected text after the operand");
		if (name[0] == 'c')
			emit_word(a, isa_enc_r(ISA_OP_or, rd, 0, 0));
		else
			emit_word(a, isa_enc_i(ISA_OP_addi, rd, rd,
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
			emit_word(a, isa_enc_i(ISA_OP_addi, rd, 0, u));
		} else {
			emit_word(a, isa_enc_u(ISA_OP_lui, rd, u >> 12));
			emit_word(a, isa_enc_i(ISA_OP_ori, rd, rd, u & 0xfff));
		}
		return true;
	}
	if (!strcmp(name, "jmp")) {
		insn(a, &isa_table[ISA_OP_br]);
		return true;
	}
	return false;
}

/* ---- directives ---------------------------------------------------------- */

static bool pass1_value(struct as *a, int64_t *v, const char *dir)
{
	as_skip_ws(a);
	const char *at = a->p;
	bool known;
	if (!as_expr(a, v, &known))
		return false;
	if (!known) {
		/* Layout depends on it, so it is a pass-1 rule. */
		if (a->pass == 1)
			as_error(a, at, "the operand of %s must be known where "
				 "it stands (no forward references)", dir);
		return false;
	}
	return true;
}

static void data_list(struct as *a, unsigned size, int64_t min, int64_t max)
{
	const char *what = size == 4 ? ".word value" :
			   size == 2 ? ".half value" : ".byte value";
	do {
		int64_t v;
		if (!value(a, min, max, what, &v))
			return;
		uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8),
				 (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
		emit(a, b, size);
	} while (as_accept(a, ','));
	if (!as_at_end(a))
		as_error(a, NULL, "expected ',' or the end of the line");
}

static void string_list(struct as *a, bool nul)
{
	do {
		as_skip_ws(a);
		if (*a->p != '"') {
			as_error(a, NULL, "expected a quoted string");
			return;
		}
		const char *p = a->p + 1;
		while (*p && *p != '"') {
			const char *at = p;
			int c = as_char_escape(&p);
			if (c < 0) {
				as_error(a, at, "bad escape sequence");
				return;
			}
			uint8_t b = (uint8_t)c;
			emit(a, &b, 1);
		}
		if (*p != '"') {
			as_error(a, NULL, "unterminated string");
			return;
		}
		a->p = p + 1;
		if (nul)
			emit(a, NULL, 1);
	} while (as_accept(a, ','));
	if (!as_at_end(a))
		as_error(a, NULL, "expected ',' or the end of the line");
}

static void equ(struct as *a, const char *name_at, size_t name_len)
{
	int64_t v;
	bool known;
	if (!as_expr(a, &v, &known))
		return;
	if (!as_at_end(a)) {
		as_error(a, NULL, "unexpected text after the value");
		return;
	}
	if (known || a->pass == 2)
		define(a, as_full_name(a, name_at, name_len), (uint32_t)v,
		       false, name_at);
}

static void directive(struct as *a, const char *name, const char *at)
{
	int64_t v;
	if (!strcmp(name, ".org")) {
		if (pass1_value(a, &v, ".org")) {
			if (v < 0 || v > 0xffffffffll)
				as_error(a, at, ".org address out of range");
			else
				a->pc = (uint64_t)v;
		}
	} else if (!strcmp(name, ".word")) {
		data_list(a, 4, -0x80000000ll, 0xffffffffll);
	} else if (!strcmp(name, ".half")) {
		data_list(a, 2, -32768, 65535);
	} else if (!strcmp(name, ".byte")) {
		data_list(a, 1, -128, 255);
	} else if (!strcmp(name, ".ascii") || !strcmp(name, ".asciz")) {
		string_list(a, name[5] == 'z');
	} else if (!strcmp(name, ".space")) {
		if (pass1_value(a, &v, ".space")) {
			if (v < 0 || v > 0x7fffffff)
				as_error(a, at, ".space size out of range");
			else
				emit(a, NULL, (uint32_t)v);
		}
	} else if (!strcmp(name, ".align")) {
		if (pass1_value(a, &v, ".align")) {
			if (v <= 0 || v > 0x10000 || (v & (v - 1)))
				as_error(a, at, ".align needs a power of two "
					 "from 1 to 65536");
			else
				emit(a, NULL, (uint32_t)(-a->pc & (uint64_t)(v - 1)));
		}
	} else if (!strcmp(name, ".equ") || !strcmp(name, ".set")) {
		as_skip_ws(a);
		const char *n = a->p;
		size_t len = as_ident_len(n);
		if (!len || as_reg_number(n, len) >= 0) {
			as_error(a, NULL, "expected a symbol name");
			return;
		}
		a->p += len;
		if (comma(a))
			equ(a, n, len);
		return;
	} else if (!strcmp(name, ".entry")) {
		as_skip_ws(a);
		const char *vat = a->p;
		bool known;
		if (as_expr(a, &v, &known) && a->pass == 2) {
			if (v & 3)
				as_error(a, vat, "entry point must be a "
					 "multiple of 4");
			a->entry_set = true;
			a->entry = (uint32_t)v;
			a->entry_line = a->cur;
		}
	} else {
		as_error(a, at, "unknown directive '%s'", name);
		return;
	}
	if (!as_at_end(a) && !a->lines[a->cur].bad)
		as_error(a, NULL, "unexpected text after the operands");
}

/* ---- passes -------------------------------------------------------------- */

/* The labels at the start of a line ("name: [name: ...]").  False after an
 * error. */
static bool labels(struct as *a)
{
	for (;;) {
		as_skip_ws(a);
		size_t n = as_ident_len(a->p);
		const char *q = a->p + n;
		while (*q == ' ' || *q == '\t')
			q++;
		if (!n || *q != ':')
			return true;
		if (as_reg_number(a->p, n) >= 0) {
			as_error(a, NULL, "'%.*s' is a register and cannot be a "
				 "label", (int)n, a->p);
			return false;
		}
		if (n == 1 && a->p[0] == '.') {
			as_error(a, NULL, "'.' alone is not a label");
			return false;
		}
		if (a->p[0] != '.') {
			if (n >= sizeof a->scope) {
				as_error(a, NULL, "label longer than %zu "
					 "characters", sizeof a->scope - 1);
				return false;
			}
			memcpy(a->scope, a->p, n);
			a->scope[n] = 0;
		}
		define(a, as_full_name(a, a->p, n), (uint32_t)a->pc, true,
		       a->p);
		a->p = q + 1;
	}
}

static void statement(struct as *a)
{
	struct as_line *l = &a->lines[a->cur];
	a->p = l->text;
	if (!labels(a) || as_at_end(a))
		return;

	const char *at = a->p;
	size_t n = as_ident_len(a->p);
	if (!n) {
		as_error(a, NULL, "expected a label, an instruction or a "
			 "directive");
		return;
	}
	a->p += n;
	if (as_accept(a, '=')) {		/* name = expr */
		if (as_reg_number(at, n) >= 0)
			as_error(a, at, "'%.*s' is a register and cannot be "
				 "a symbol", (int)n, at);
		else
			equ(a, at, n);
		return;
	}
	char name[32];
	if (n >= sizeof name) {
		as_error(a, at, "unknown instruction '%.*s'", (int)n, at);
		return;
	}
	for (size_t i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)at[i]);
	name[n] = 0;
	if (name[0] == '.') {
		directive(a, name, at);
		return;
	}
	if (a->pc & 3) {
		as_error(a, at, "instruction at unaligned address 0x%08x (add "
			 ".align 4)", (uint32_t)a->pc);
		return;
	}
	const struct isa_insn *d = isa_lookup_name(name);
	if (d)
		insn(a, d);
	else if (!pseudo(a, name))
		as_error(a, at, "unknown instruction '%s'", name);
}

static void listing_line(struct as *a, uint64_t emitted)
{
	struct as_line *l = &a->lines[a->cur];
	uint32_t n = (uint32_t)(a->emitted - emitted);
	struct as_seg *s = a->nsegs ? &a->segs[a->nsegs - 1] : NULL;
	char hex[32] = "";
	if (n && s && s->addr + s->size == a->pc) {
		uint32_t show = n > 8 ? 8 : n, k = 0;
		for (uint32_t i = 0; i < show; i++)
			k += (uint32_t)snprintf(hex + k, sizeof hex - k, "%02x",
						s->data[s->size - n + i]);
		if (n > 8)
			snprintf(hex + k, sizeof hex - k, "..");
	}
	if (n)
		fprintf(a->listing, "%08x  %-18s  %s\n",
			(uint32_t)(a->pc - n), hex, l->text);
	else
		fprintf(a->listing, "%8s  %-18s  %s\n", "", "", l->text);
}

static void run_pass(struct as *a, int pass)
{
	a->pass = pass;
	a->pc = AS_DEFAULT_ORIGIN;
	a->scope[0] = 0;
	for (a->cur = 0; a->cur < a->nlines; a->cur++) {
		struct as_line *l = &a->lines[a->cur];
		uint64_t start = a->pc, emitted = a->emitted;
		if (pass == 2 && l->bad) {
			/* Reported in pass 1; only its labels matter now,
			 * for the scope of the local labels after it. */
			a->p = l->text;
			a->quiet = true;
			labels(a);
			a->quiet = false;
			a->pc = (uint64_t)((int64_t)start + l->size);
			continue;
		}
		int errors = a->errors;
		statement(a);
		if (pass == 1) {
			l->size = (int64_t)(a->pc - start);
		} else if ((int64_t)(a->pc - start) != l->size) {
			/* A statement cut short by an error in pass 2 keeps
			 * pass 1's layout, so no error cascades. */
			if (a->errors == errors)
				as_error(a, l->text, "internal error: this "
					 "line's size changed between passes");
			a->pc = (uint64_t)((int64_t)start + l->size);
		}
		if (pass == 2 && a->listing)
			listing_line(a, emitted);
	}
}

static int seg_cmp(const void *x, const void *y)
{
	const struct as_seg *a = x, *b = y;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/* Sort, reject overlaps, merge touching segments, and build the image. */
static void finish(struct as *a, struct image *img)
{
	memset(img, 0, sizeof *img);
	if (!a->nsegs) {
		fprintf(a->errs, "%s: error: nothing to assemble (no "
			"instructions or data)\n", a->files[0]);
		a->errors++;
		return;
	}
	uint32_t first = a->segs[0].addr;
	int first_line = a->segs[0].line;
	qsort(a->segs, a->nsegs, sizeof *a->segs, seg_cmp);
	int m = 0;
	for (int i = 0; i < a->nsegs; i++) {
		struct as_seg *s = &a->segs[i], *prev = m ? &a->segs[m - 1] : 0;
		if (prev && (uint64_t)prev->addr + prev->size > s->addr) {
			a->cur = s->line;
			a->pass = 2;
			as_error(a, a->lines[s->line].text, "code at 0x%08x "
				 "overlaps code placed earlier at 0x%08x",
				 s->addr, prev->addr);
			free(s->data);
			s->data = NULL;
			continue;
		}
		if (prev && prev->addr + prev->size == s->addr) {
			if (prev->size + s->size > prev->cap) {
				prev->cap = prev->size + s->size;
				prev->data = as_xrealloc(prev->data, prev->cap);
			}
			memcpy(prev->data + prev->size, s->data, s->size);
			prev->size += s->size;
			free(s->data);
			s->data = NULL;
			continue;
		}
		a->segs[m++] = *s;
	}
	a->nsegs = m;
	img->nseg = (uint32_t)m;
	img->seg = as_xrealloc(NULL, m * sizeof *img->seg);
	for (int i = 0; i < m; i++) {
		img->seg[i] = (struct image_segment){ a->segs[i].addr,
			a->segs[i].size, a->segs[i].data };
		a->segs[i].data = NULL;
	}
	img->sym = as_xrealloc(NULL, a->nsyms * sizeof *img->sym);
	for (int i = 0; i < a->nsyms; i++)
		if (a->syms[i].label)
			img->sym[img->nsym++] = (struct image_symbol){
				a->syms[i].value, as_xstrdup(a->syms[i].name) };
	const struct as_sym *start = as_sym_find(a, "_start");
	img->entry = start && start->label ? start->value :
		     a->entry_set ? a->entry : first;
	if (img->entry & 3) {
		a->cur = start && start->label ? start->line :
			 a->entry_set ? a->entry_line : first_line;
		a->pass = 2;
		as_error(a, a->lines[a->cur].text, "entry point 0x%08x is not "
			 "a multiple of 4 (add .align 4 before it)",
			 img->entry);
	}
}

int as_assemble(const char *path, const char *text, FILE *listing,
		FILE *errs, struct image *out)
{
	struct as a;
	memset(&a, 0, sizeof a);
	memset(out, 0, sizeof *out);
	a.errs = errs;
	a.pass = 1;
	if (as_read_source(&a, path, text, 0) != 0) {
		fprintf(errs, "%s: error: cannot read: %s\n", path,
			strerror(errno));
		a.errors++;
	}
	/* A source that could not be read is reported alone.  Otherwise
	 * pass 2 runs even after syntax errors (it skips those lines), so
	 * one run also reports undefined symbols and ranges. */
	if (!a.errors && a.nlines) {
		run_pass(&a, 1);
		if (a.errors < AS_MAX_ERRORS) {
			a.listing = a.errors ? NULL : listing;
			run_pass(&a, 2);
		}
	}
	if (!a.errors)
		finish(&a, out);
	if (a.errors)
		image_free(out);

	for (int i = 0; i < a.nlines; i++)
		free(a.lines[i].text);
	for (int i = 0; i < a.nfiles; i++)
		free(a.files[i]);
	for (int i = 0; i < a.nsyms; i++)
		free(a.syms[i].name);
	for (int i = 0; i < a.nsegs; i++)
		free(a.segs[i].data);
	free(a.lines);
	free(a.files);
	free(a.syms);
	free(a.segs);
	return a.errors;
}
