/*
 * The machine's state through the monitor: registers (regs, set, names in
 * expressions), memory (x, xp, set mem), code (disas) and the call stack
 * (bt).  Memory is read without side effects (mon_read_virt).
 */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "asm/dis.h"
#include "cpu/isa.h"
#include "monitor/mon_int.h"

/* ---- registers ---------------------------------------------------------- */

enum reg_kind { REG_GPR, REG_PC, REG_FLAGS, REG_CR, REG_USP, REG_KSP };

static const struct {
	const char *name;
	enum reg_kind kind;
	unsigned n;
} regs[] = {
	{ "r0", REG_GPR, 0 }, { "r1", REG_GPR, 1 }, { "r2", REG_GPR, 2 },
	{ "r3", REG_GPR, 3 }, { "r4", REG_GPR, 4 }, { "r5", REG_GPR, 5 },
	{ "r6", REG_GPR, 6 }, { "r7", REG_GPR, 7 }, { "r8", REG_GPR, 8 },
	{ "r9", REG_GPR, 9 }, { "r10", REG_GPR, 10 }, { "r11", REG_GPR, 11 },
	{ "r12", REG_GPR, 12 }, { "r13", REG_GPR, 13 }, { "r14", REG_GPR, 14 },
	{ "r15", REG_GPR, 15 }, { "zero", REG_GPR, 0 },
	{ "fp", REG_GPR, ISA_REG_FP }, { "at", REG_GPR, ISA_REG_AT },
	{ "sp", REG_GPR, ISA_REG_SP }, { "pc", REG_PC, 0 },
	{ "flags", REG_FLAGS, 0 }, { "vbr", REG_CR, ISA_CR_VBR },
	{ "ptbr", REG_CR, ISA_CR_PTBR }, { "paging", REG_CR, ISA_CR_PAGING },
	{ "far", REG_CR, ISA_CR_FAR }, { "cause", REG_CR, ISA_CR_CAUSE },
	{ "usp", REG_USP, 0 }, { "ksp", REG_KSP, 0 },
	{ "kscratch", REG_CR, ISA_CR_KSCRATCH },
	{ "icount", REG_CR, ISA_CR_ICOUNT },
};
#define NREGS (sizeof regs / sizeof *regs)

const char *const mon_reg_names[] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
	"r11", "r12", "r13", "r14", "r15", "zero", "fp", "at", "sp", "pc",
	"flags", "vbr", "ptbr", "paging", "far", "cause", "usp", "ksp",
	"kscratch", "icount", NULL
};

static int reg_find(const char *name)
{
	for (size_t i = 0; i < NREGS; i++)
		if (!strcmp(regs[i].name, name))
			return (int)i;
	return -1;
}

int mon_reg_get(const struct vm *vm, const char *name, uint32_t *v)
{
	const struct cpu *c = &vm->cpu;
	bool kernel = c->flags & CPU_P;
	int i = reg_find(name);
	if (i < 0)
		return -1;
	switch (regs[i].kind) {
	case REG_GPR: *v = c->r[regs[i].n]; break;
	case REG_PC: *v = c->pc; break;
	case REG_FLAGS: *v = c->flags; break;
	case REG_USP: *v = kernel ? c->other_sp : c->r[ISA_REG_SP]; break;
	case REG_KSP: *v = kernel ? c->r[ISA_REG_SP] : c->other_sp; break;
	case REG_CR:
		return cpu_read_cr((struct vm *)vm, regs[i].n, v) ? -1 : 0;
	}
	return 0;
}

static int reg_set(struct mon *m, const char *name, const char *at,
		   uint32_t v)
{
	struct vm *vm = m->vm;
	struct cpu *c = &vm->cpu;
	bool kernel = c->flags & CPU_P;
	int i = reg_find(name);
	if (i < 0)
		return mon_error(m, at, "no register '%s'", name);
	switch (regs[i].kind) {
	case REG_GPR:
		if (regs[i].n == 0)
			return mon_error(m, at, "r0 is always 0");
		c->r[regs[i].n] = v;
		break;
	case REG_PC:
		if (v & 3)
			return mon_error(m, at, "pc must be a multiple of 4");
		/* A new run starts here: keep the history ring true. */
		cpu_hist_record(c, v, c->pc, c->insns, 0, CPU_HIST_JUMP);
		c->pc = v;
		c->halted = false;
		break;
	case REG_FLAGS:
		cpu_set_flags(c, v);
		break;
	case REG_USP:
		*(kernel ? &c->other_sp : &c->r[ISA_REG_SP]) = v;
		break;
	case REG_KSP:
		*(kernel ? &c->r[ISA_REG_SP] : &c->other_sp) = v;
		break;
	case REG_CR:
		if (regs[i].n == ISA_CR_ICOUNT)
			return mon_error(m, at, "icount counts retired "
					 "instructions; it cannot be set");
		cpu_write_cr(vm, regs[i].n, v);
		break;
	}
	cpu_check_irq(vm);
	return 0;
}

void mon_snap_take(const struct vm *vm, struct mon_snap *s)
{
	const struct cpu *c = &vm->cpu;
	memcpy(s->r, c->r, sizeof s->r);
	s->pc = c->pc;
	s->flags = c->flags;
	s->other_sp = c->other_sp;
	s->vbr = c->vbr;
	s->ptbr = c->ptbr;
	s->paging = c->paging;
	s->far = c->far;
	s->cause = c->cause;
	s->kscratch = c->kscratch;
}

void mon_show_pc(struct mon *m)
{
	char sym[160], text[200];
	uint32_t pc = m->vm->cpu.pc;
	mon_insn_text(m, pc, text, sizeof text);
	mon_put(m, "=> 0x%08x%s:  %s\n", pc, mon_sym(m, pc, sym, sizeof sym),
		text);
	mon_show_source(m, pc);
	mon_list_reset(m);
}

/* regs builds each line in a buffer: cells, with no trailing blanks. */
struct row {
	char buf[160];
	size_t len;
};

static void put(struct row *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void put(struct row *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(r->buf + r->len, sizeof r->buf - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n;
	if (r->len >= sizeof r->buf)
		r->len = sizeof r->buf - 1;
}

static void cell(struct row *r, const char *name, uint32_t now, uint32_t was)
{
	put(r, "%3s %08x%c ", name, now, now != was ? '*' : ' ');
}

static void end_row(struct mon *m, struct row *r)
{
	while (r->len && r->buf[r->len - 1] == ' ')
		r->len--;
	mon_printf(m, "%.*s\n", (int)r->len, r->buf);
	r->len = 0;
}

int mon_cmd_regs(struct mon *m, struct mon_args *a)
{
	if (mon_args_end(m, a))
		return -1;
	struct mon_snap s, *p = &m->prev;
	const struct cpu *c = &m->vm->cpu;
	struct row r = { .len = 0 };
	char sym[160];
	mon_snap_take(m->vm, &s);
	for (int i = 0; i < 16; i++) {
		char name[8];
		snprintf(name, sizeof name, i == ISA_REG_SP ? "sp" : "r%d", i);
		cell(&r, name, s.r[i], p->r[i]);
		if (i % 4 == 3)
			end_row(m, &r);
	}
	cell(&r, "pc", s.pc, p->pc);
	put(&r, "%s", mon_sym(m, s.pc, sym, sizeof sym));
	end_row(m, &r);
	put(&r, "flags %08x%c P=%d I=%d V=%d C=%d N=%d Z=%d  %s mode%s",
	    s.flags, s.flags != p->flags ? '*' : ' ', !!(s.flags & CPU_P),
	    !!(s.flags & CPU_I), !!(s.flags & CPU_V), !!(s.flags & CPU_C),
	    !!(s.flags & CPU_N), !!(s.flags & CPU_Z),
	    s.flags & CPU_P ? "kernel" : "user", c->halted ? ", halted" : "");
	end_row(m, &r);
	cell(&r, "vbr", s.vbr, p->vbr);
	put(&r, "ptbr %08x%c paging %u%c ", s.ptbr,
	    s.ptbr != p->ptbr ? '*' : ' ', s.paging,
	    s.paging != p->paging ? '*' : ' ');
	cell(&r, "far", s.far, p->far);
	put(&r, "cause %08x%c", s.cause, s.cause != p->cause ? '*' : ' ');
	end_row(m, &r);
	bool k = s.flags & CPU_P, pk = p->flags & CPU_P;
	cell(&r, "usp", k ? s.other_sp : s.r[15], pk ? p->other_sp : p->r[15]);
	cell(&r, "ksp", k ? s.r[15] : s.other_sp, pk ? p->r[15] : p->other_sp);
	put(&r, "kscratch %08x%c insns %llu", s.kscratch,
	    s.kscratch != p->kscratch ? '*' : ' ',
	    (unsigned long long)c->insns);
	end_row(m, &r);
	return 0;
}

/* ---- set ---------------------------------------------------------- */

/* "/b", "/h", "/w" after mem or phys. */
static int unit_size(struct mon *m, const char *word, const char *at,
		     unsigned *size)
{
	const char *slash = strchr(word, '/');
	*size = 4;
	if (!slash)
		return 0;
	if (!strcmp(slash, "/b"))
		*size = 1;
	else if (!strcmp(slash, "/h"))
		*size = 2;
	else if (strcmp(slash, "/w"))
		return mon_error(m, at + (slash - word), "the unit is /b, /h "
				 "or /w");
	return 0;
}

int mon_cmd_set(struct mon *m, struct mon_args *a)
{
	char word[32], why[64];
	const char *at;
	uint32_t addr, v;
	if (!mon_args_word(a, word, sizeof word, &at))
		return mon_error(m, at, "set what? (a register, mem or phys)");
	bool mem = !strncmp(word, "mem", 3) && (!word[3] || word[3] == '/');
	bool phys = !strncmp(word, "phys", 4) && (!word[4] || word[4] == '/');
	if (mem || phys) {
		unsigned size;
		if (unit_size(m, word, at, &size))
			return -1;
		const char *vat = (mon_skip_blanks(a), a->p);
		if (mon_args_expr(m, a, &addr, NULL))
			return -1;
		mon_args_keyword(a, "=");
		const char *vstart = (mon_skip_blanks(a), a->p);
		if (mon_args_expr(m, a, &v, NULL) || mon_args_end(m, a))
			return -1;
		if (size < 4 && v >> (8 * size))
			return mon_error(m, vstart, "0x%x does not fit in %u "
					 "byte%s", v, size, size > 1 ? "s" : "");
		uint8_t b[4];
		mem_st32(b, v);
		if (mon_write_mem(m, addr, phys, b, size, why, sizeof why))
			return mon_error(m, vat, "cannot write 0x%08x: %s",
					 addr, why);
		tl_diverge(&m->tl, m->vm);	/* another future */
		return 0;
	}
	char *slash = strchr(word, '/');
	if (slash)
		return mon_error(m, at + (slash - word), "a register takes no "
				 "unit");
	mon_args_keyword(a, "=");
	if (mon_args_expr(m, a, &v, NULL) || mon_args_end(m, a))
		return -1;
	if (reg_set(m, word, at, v))
		return -1;
	tl_diverge(&m->tl, m->vm);	/* another future */
	return 0;
}

/* ---- x, xp --------------------------------------------------------------- */

static int parse_fmt(struct mon *m, struct mon_args *a, unsigned *count)
{
	const char *p = a->fmt, *end;
	*count = 1;
	if (!p)
		return 0;	/* (NULL + 0 is undefined: end only after) */
	end = p + a->fmtlen;
	if (p < end && isdigit((unsigned char)*p)) {
		unsigned long n = 0;
		while (p < end && isdigit((unsigned char)*p) && n <= 4096)
			n = n * 10 + (unsigned long)(*p++ - '0');
		if (n == 0 || n > 4096)
			return mon_error(m, a->fmt, "count from 1 to 4096");
		*count = (unsigned)n;
	}
	for (; p < end; p++) {
		if (strchr("xducsi", *p))
			m->x_fmt = *p;
		else if (*p == 'b')
			m->x_size = 1;
		else if (*p == 'h')
			m->x_size = 2;
		else if (*p == 'w')
			m->x_size = 4;
		else
			return mon_error(m, p, "format letters: x d u c s i, "
					 "units: b h w");
	}
	return 0;
}

static int read_unit(struct mon *m, bool phys, uint32_t addr, unsigned size,
		     uint32_t *v, char *why, size_t whylen)
{
	uint8_t b[4] = { 0 };
	int rc = phys ? mon_read_phys(m, addr, b, size, why, whylen)
		      : mon_read_virt(m, addr, b, size, why, whylen);
	*v = size == 4 ? mem_ld32(b) : size == 2 ? mem_ld16(b) : b[0];
	return rc;
}

static int examine(struct mon *m, struct mon_args *a, bool phys)
{
	unsigned count;
	uint32_t addr = m->x_next;
	char why[64], sym[160];
	if (parse_fmt(m, a, &count))
		return -1;
	if (m->repeating) {
		count = m->x_count;
		a->p += strlen(a->p);	/* go on from x_next */
	} else if (!mon_at_end(a) && mon_args_expr(m, a, &addr, NULL)) {
		return -1;
	}
	if (mon_args_end(m, a))
		return -1;
	m->x_count = count;
	char f = m->x_fmt;
	unsigned size = f == 'c' || f == 's' ? 1 : f == 'i' ? 4 : m->x_size;
	unsigned per_line = f == 'i' || f == 's' ? 1 : size == 4 ? 4 : 8;
	bool open = false;	/* a line is started */
	for (unsigned i = 0; i < count; i++) {
		uint32_t v;
		if (i % per_line == 0) {
			if (open)
				mon_printf(m, "\n");
			open = false;
			/* A line starts only if its first unit can be read. */
			if (read_unit(m, phys, addr, 1, &v, why, sizeof why))
				goto bad;
			mon_printf(m, "0x%08x%s:", addr, phys ? ""
				   : mon_sym(m, addr, sym, sizeof sym));
			open = true;
		}
		if (f == 'i') {
			char text[200];
			if (phys) {
				if (read_unit(m, true, addr, 4, &v, why,
					      sizeof why))
					goto bad;
				char dis[96];
				snprintf(text, sizeof text, "%08x  %s", v,
					 dis_insn(v, addr, m->img, dis,
						  sizeof dis));
			} else {
				mon_insn_text(m, addr, text, sizeof text);
			}
			mon_printf(m, "  %s", text);
			addr += 4;
			continue;
		}
		if (f == 's') {
			mon_printf(m, "  \"");
			for (unsigned n = 0; n < 256; n++, addr++) {
				if (read_unit(m, phys, addr, 1, &v, why,
					      sizeof why))
					goto bad;
				if (!v)
					break;
				if (v == '\n')
					mon_printf(m, "\\n");
				else if (v == '"' || v == '\\')
					mon_printf(m, "\\%c", v);
				else if (v < 32 || v > 126)
					mon_printf(m, "\\x%02x", v);
				else
					mon_printf(m, "%c", v);
			}
			mon_printf(m, "\"");
			addr++;
			continue;
		}
		if (read_unit(m, phys, addr, size, &v, why, sizeof why))
			goto bad;
		if (f == 'c')
			mon_printf(m, isprint((int)v) ? "  '%c'" : "  \\x%02x",
				   v);
		else if (f == 'd')
			mon_printf(m, "  %d", size == 4 ? (int32_t)v
				   : size == 2 ? (int16_t)v : (int8_t)v);
		else if (f == 'u')
			mon_printf(m, "  %u", v);
		else
			mon_printf(m, "  0x%0*x", (int)size * 2, v);
		addr += size;
	}
	if (open)
		mon_printf(m, "\n");
	m->x_next = addr;
	return 0;
bad:
	if (open)
		mon_printf(m, "\n");
	m->x_next = addr;
	return mon_error(m, NULL, "cannot read 0x%08x: %s", addr, why);
}

int mon_cmd_x(struct mon *m, struct mon_args *a)
{
	return examine(m, a, false);
}

int mon_cmd_xp(struct mon *m, struct mon_args *a)
{
	return examine(m, a, true);
}

/* ---- disas, bt ----------------------------------------------------------- */

int mon_cmd_disas(struct mon *m, struct mon_args *a)
{
	uint32_t addr = m->vm->cpu.pc, n = 10;
	if (m->repeating) {
		addr = m->dis_next;
		a->p += strlen(a->p);
	} else if (!mon_at_end(a) && (mon_args_expr(m, a, &addr, NULL) ||
				    mon_args_opt_expr(m, a, 10, &n)))
		return -1;
	if (mon_args_end(m, a))
		return -1;
	if (n == 0 || n > 4096)
		return mon_error(m, NULL, "disassemble 1 to 4096 instructions");
	addr &= ~3u;
	for (uint32_t i = 0; i < n; i++, addr += 4) {
		const struct image_symbol *s =
			m->img ? image_symbol_at(m->img, addr) : NULL;
		char text[200];
		if (s && s->value == addr)
			mon_printf(m, "%s:\n", s->name);
		mon_insn_text(m, addr, text, sizeof text);
		mon_printf(m, "%s%c 0x%08x:  %s\n",
			   addr == m->vm->cpu.pc ? "=>" : "  ",
			   mon_bp_at(m, addr) ? '*' : ' ', addr, text);
	}
	m->dis_next = addr;
	return 0;
}

#define BT_WORDS 1024	/* how far up the stack bt looks */
#define BT_FRAMES 32

/* The function holding addr: the nearest label at or below it that is not
 * a local one (main, not main.loop). */
static const struct image_symbol *function_at(const struct image *img,
					       uint32_t addr)
{
	const struct image_symbol *best = NULL;
	for (uint32_t i = 0; img && i < img->nsym; i++) {
		const struct image_symbol *s = &img->sym[i];
		if (s->value <= addr && !strchr(s->name + 1, '.') &&
		    (!best || s->value > best->value))
			best = s;
	}
	return best;
}

int mon_cmd_bt(struct mon *m, struct mon_args *a)
{
	if (mon_args_end(m, a))
		return -1;
	const struct cpu *c = &m->vm->cpu;
	char sym[160], why[64];
	uint32_t pc = c->pc, at = c->r[ISA_REG_SP];
	const struct image_symbol *fn = function_at(m->img, pc);
	mon_printf(m, "#0  0x%08x%s\n", pc, mon_sym(m, pc, sym, sizeof sym));
	int frames = 1;
	for (int i = 0; i < BT_WORDS && frames < BT_FRAMES; i++, at += 4) {
		uint32_t ra, call;
		uint8_t b[4];
		if (mon_read_virt(m, at, b, 4, why, sizeof why))
			break;	/* the top of the stack, as far as we know */
		ra = mem_ld32(b);
		if ((ra & 3) || ra < 4 || mon_read_insn(m, ra - 4, &call))
			continue;
		if (isa_op(call) == ISA_OP_call) {
			uint32_t target = ra - 4 + ((uint32_t)isa_simm24(call)
						    << 2);
			/* A call to another function is a stale word, or a
			 * value that only looks like a return address. */
			if (fn && target != fn->value)
				continue;
		} else if (isa_op(call) != ISA_OP_callr || !isa_valid(call)) {
			continue;
		}
		mon_printf(m, "#%d  0x%08x%s  (return address at 0x%08x)\n",
			   frames++, ra, mon_sym(m, ra, sym, sizeof sym), at);
		fn = function_at(m->img, ra);
	}
	return 0;
}
