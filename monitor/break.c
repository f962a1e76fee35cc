/*
 * Breakpoints and watchpoints.  When any is enabled the guest runs one
 * step at a time (run.c) and each step is checked here:
 *
 *   before   read the instruction at pc and decode the memory accesses it
 *            will make (mon_insn_access), with the old values;
 *   after    if it retired, did an access touch a watched range?  did an
 *            exception entry go through a watched vector (the history
 *            ring's new entries)?  did the mode change?  is the new pc a
 *            breakpoint?
 *
 * So the interpreter needs no hook; the cost is paid only while a
 * breakpoint is enabled.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/isa.h"
#include "monitor/mon_int.h"

bool mon_bp_active(const struct mon *m)
{
	for (int i = 0; i < m->nbp; i++)
		if (m->bp[i].enabled)
			return true;
	return false;
}

bool mon_bp_at(const struct mon *m, uint32_t pc)
{
	for (int i = 0; i < m->nbp; i++)
		if (m->bp[i].kind == MON_BP_ADDR && m->bp[i].addr == pc &&
		    m->bp[i].enabled)
			return true;
	return false;
}

void mon_insn_access(const struct vm *vm, uint32_t insn,
		     struct mon_access *acc)
{
	const struct cpu *c = &vm->cpu;
	uint32_t sp = c->r[ISA_REG_SP];
	uint32_t ea = c->r[isa_rs1(insn)] + (uint32_t)isa_simm16(insn);
	acc->n = 0;
#define ACCESS(addr, sz, wr)						\
	do {								\
		acc->a[acc->n].va = (addr);				\
		acc->a[acc->n].size = (sz);				\
		acc->a[acc->n].write = (wr);				\
		acc->n++;						\
	} while (0)
	switch (isa_op(insn)) {
	case ISA_OP_ldw: ACCESS(ea, 4, false); break;
	case ISA_OP_ldh: case ISA_OP_ldhu: ACCESS(ea, 2, false); break;
	case ISA_OP_ldb: case ISA_OP_ldbu: ACCESS(ea, 1, false); break;
	case ISA_OP_stw: ACCESS(ea, 4, true); break;
	case ISA_OP_sth: ACCESS(ea, 2, true); break;
	case ISA_OP_stb: ACCESS(ea, 1, true); break;
	case ISA_OP_push: case ISA_OP_call: case ISA_OP_callr:
		ACCESS(sp - 4, 4, true);
		break;
	case ISA_OP_pop: case ISA_OP_ret: ACCESS(sp, 4, false); break;
	case ISA_OP_rti:
		ACCESS(sp, 4, false);
		ACCESS(sp + 4, 4, false);
		break;
	default: break;
	}
#undef ACCESS
}

void mon_step_before(struct mon *m, struct mon_pre *pre)
{
	const struct cpu *c = &m->vm->cpu;
	memset(pre, 0, sizeof *pre);
	pre->pc = c->pc;
	pre->flags = c->flags;
	pre->sp = c->r[ISA_REG_SP];
	pre->insns = c->insns;
	pre->exceptions = c->exceptions;
	pre->hist_next = c->hist_next;
	pre->have_insn = !c->halted && mon_read_insn(m, c->pc, &pre->insn) == 0;
	if (pre->have_insn)
		mon_insn_access(m->vm, pre->insn, &pre->acc);
}

/* A stop's report: on a line of its own, after the guest's output. */
static void report(struct mon *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void report(struct mon *m, const char *fmt, ...)
{
	va_list ap;
	if (m->scanning)
		return;
	mon_end_console_line(m);
	va_start(ap, fmt);
	vfprintf(m->out, fmt, ap);
	va_end(ap);
}

/* A hit counts; does it stop? */
static bool stops(struct mon *m, struct mon_bp *b)
{
	if (b->cond[0]) {
		struct mon_expr r;
		if (mon_expr_eval(&m->env, b->cond, &r) != 0 || *r.end) {
			report(m, "breakpoint %d: condition '%s': %s\n",
				   b->id, b->cond, *r.end && !r.err[0]
				   ? "junk at the end" : r.err);
			return true;
		}
		if (!(r.wide ? r.value64 : r.value))
			return false;
	}
	if (m->scanning)
		return true;	/* looking: neither a hit nor a pass */
	b->hits++;
	if (b->ignore) {
		b->ignore--;
		return false;
	}
	return true;
}

static bool overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return (uint64_t)a < (uint64_t)b + blen &&
	       (uint64_t)b < (uint64_t)a + alen;
}

static bool vector_matches(const struct mon_bp *b, unsigned vec)
{
	switch (b->vclass) {
	case MON_VEC_ONE:
		return vec == b->vec;
	case MON_VEC_EXCEPTION:
		return vec > 0 && vec < CPU_VEC_IRQ0 && (b->any || vec == b->vec);
	case MON_VEC_IRQ:
		return vec >= CPU_VEC_IRQ0 && vec < CPU_VEC_TRAP_FIRST &&
		       (b->any || vec == CPU_VEC_IRQ0 + b->vec);
	case MON_VEC_TRAP:
		return vec >= CPU_VEC_TRAP_FIRST && (b->any || vec == b->vec);
	}
	return false;
}

static const char *mode_name(uint32_t flags)
{
	return flags & CPU_P ? "kernel" : "user";
}

static int check_watch(struct mon *m, struct mon_bp *b,
		       const struct mon_pre *pre)
{
	char sym[160];
	for (int i = 0; i < pre->acc.n; i++) {
		uint32_t va = pre->acc.a[i].va, addr = va, pa = 0, v = 0;
		unsigned size = pre->acc.a[i].size;
		bool wr = pre->acc.a[i].write;
		if (!(b->access & (wr ? MON_W_WRITE : MON_W_READ)))
			continue;
		if (b->phys) {
			/* The mode may have changed (rti): translate as
			 * the instruction did, before it ran. */
			if (mmu_peek(m->vm, va, wr ? MMU_WRITE : MMU_READ,
				     !(pre->flags & CPU_P), &pa))
				continue;
			addr = pa;
		}
		if (!overlaps(addr, size, b->addr, b->len) || !stops(m, b))
			continue;
		uint8_t buf[4] = { 0 };
		char why[64];
		if (b->phys ? mon_read_phys(m, pa, buf, size, why, sizeof why)
			    : mon_read_virt(m, va, buf, size, why, sizeof why))
			memset(buf, 0, sizeof buf);
		v = size == 4 ? mem_ld32(buf) : size == 2 ? mem_ld16(buf)
							  : buf[0];
		report(m, "stopped: watchpoint %d: %s of %u byte%s at "
			   "0x%08x%s%s: 0x%0*x, by 0x%08x%s\n", b->id,
			   wr ? "write" : "read", size, size > 1 ? "s" : "",
			   addr, b->phys ? " (physical)" : "",
			   b->phys ? "" : mon_sym(m, addr, sym, sizeof sym),
			   (int)size * 2, v, pre->pc,
			   mon_sym(m, pre->pc, sym + 80, sizeof sym - 80));
		return b->id;
	}
	return 0;
}

/* A register watch stops when the register's value changed: by the
 * instruction, or by an exception entry (sp, flags). */
static int check_reg_watch(struct mon *m, struct mon_bp *b,
			   const struct mon_pre *pre)
{
	char sym[160];
	uint32_t now = 0, was = b->reg_value;
	mon_reg_get(m->vm, b->reg, &now);
	if (now == was)
		return 0;
	b->reg_value = now;
	if (!stops(m, b))
		return 0;
	report(m, "stopped: watchpoint %d: %s changed from 0x%08x to 0x%08x, "
		   "by 0x%08x%s\n", b->id, b->reg, was, now, pre->pc,
		   mon_sym(m, pre->pc, sym, sizeof sym));
	return b->id;
}

static void do_delete(struct mon *m, int i);

/* An address breakpoint, pc just arrived: its id if it stops the run. */
static int addr_stops(struct mon *m, struct mon_bp *b)
{
	const struct cpu *c = &m->vm->cpu;
	char sym[160];
	if (c->pc != b->addr || !stops(m, b))
		return 0;
	report(m, "stopped: breakpoint %d: 0x%08x%s\n", b->id, c->pc,
	       mon_sym(m, c->pc, sym, sizeof sym));
	return b->id;
}

/* The run stops at breakpoint stop (0: it does not): a temporary one
 * goes. */
static int stopped(struct mon *m, int stop)
{
	for (int i = 0; stop && i < m->nbp; i++)
		if (m->bp[i].id == stop && m->bp[i].temporary) {
			report(m, "(temporary breakpoint %d deleted)\n", stop);
			do_delete(m, i);
			break;
		}
	return stop;
}

int mon_step_after(struct mon *m, const struct mon_pre *pre)
{
	const struct cpu *c = &m->vm->cpu;
	bool retired = c->insns > pre->insns;
	char sym[160];
	int stop = 0;
	for (int i = 0; i < m->nbp && !stop; i++) {
		struct mon_bp *b = &m->bp[i];
		if (!b->enabled)
			continue;
		switch (b->kind) {
		case MON_BP_WATCH:
			if (b->reg[0])
				stop = check_reg_watch(m, b, pre);
			else if (retired)
				stop = check_watch(m, b, pre);
			break;
		case MON_BP_VECTOR:
			/* A guest reset empties the ring: nothing new. */
			for (uint32_t h = pre->hist_next;
			     h < c->hist_next && c->hist_next >= pre->hist_next;
			     h++) {
				const struct cpu_hist *e =
					&c->hist[h % CPU_HISTORY];
				unsigned vec = e->cause & 0xff;
				if (e->kind != CPU_HIST_EXCEPTION ||
				    !vector_matches(b, vec) || !stops(m, b))
					continue;
				char text[64];
				mon_vector_text(vec, text, sizeof text);
				report(m, "stopped: breakpoint %d: %s "
					   "entered, saved pc 0x%08x%s, cause "
					   "0x%08x\n", b->id, text, e->from,
					   mon_sym(m, e->from, sym, sizeof sym),
					   e->cause);
				stop = b->id;
				break;
			}
			break;
		case MON_BP_MODE:
			if (((pre->flags ^ c->flags) & CPU_P) && stops(m, b)) {
				report(m, "stopped: breakpoint %d: mode %s "
					   "-> %s, after 0x%08x%s\n", b->id,
					   mode_name(pre->flags),
					   mode_name(c->flags), pre->pc,
					   mon_sym(m, pre->pc, sym, sizeof sym));
				stop = b->id;
			}
			break;
		case MON_BP_ADDR:
			/* Arrived: not again while asleep there in halt. */
			if (retired || c->exceptions != pre->exceptions ||
			    c->pc != pre->pc)
				stop = addr_stops(m, b);
			break;
		}
	}
	return stopped(m, stop);
}

int mon_break_arrived(struct mon *m)
{
	int stop = 0;
	for (int i = 0; i < m->nbp && !stop; i++)
		if (m->bp[i].enabled && m->bp[i].kind == MON_BP_ADDR)
			stop = addr_stops(m, &m->bp[i]);
	return stopped(m, stop);
}

bool mon_fetch_breaks(struct mon *m)
{
	uint32_t pc[VM_MAX_FETCH_BREAKS];
	unsigned n = 0;
	for (int i = 0; i < m->nbp; i++) {
		const struct mon_bp *b = &m->bp[i];
		if (!b->enabled)
			continue;
		if (b->kind != MON_BP_ADDR || n == VM_MAX_FETCH_BREAKS)
			return false;
		pc[n++] = b->addr;
	}
	vm_set_fetch_breaks(m->vm, pc, n);
	return true;
}

/* ---- the commands -------------------------------------------------------- */

static struct mon_bp *new_bp(struct mon *m, enum mon_bp_kind kind)
{
	if (m->nbp == MON_MAX_BP) {
		mon_error(m, NULL, "too many breakpoints (%d); delete some",
			  MON_MAX_BP);
		return NULL;
	}
	if (!m->bp && !(m->bp = malloc(MON_MAX_BP * sizeof *m->bp))) {
		mon_error(m, NULL, "out of host memory");
		return NULL;
	}
	struct mon_bp *b = &m->bp[m->nbp];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	b->enabled = true;
	b->temporary = m->next_bp_temporary;
	return b;
}

/* The breakpoint is complete: number it and say so. */
static void add_bp(struct mon *m, struct mon_bp *b, const char *what)
{
	b->id = ++m->next_bp;
	m->nbp++;
	mon_printf(m, "%s%s %d: %s\n", b->temporary ? "temporary " : "",
		   b->kind == MON_BP_WATCH ? "watchpoint" : "breakpoint", b->id,
		   what);
}

/* Names must exist; memory need not be readable yet. */
static int no_deref(void *opaque, uint32_t addr, uint32_t *v, char *why,
		    size_t len)
{
	(void)opaque, (void)addr, (void)why, (void)len;
	*v = 0;
	return 0;
}

static int parse_cond(struct mon *m, struct mon_args *a, struct mon_bp *b)
{
	if (mon_at_end(a))
		return 0;
	if (!mon_args_keyword(a, "if"))
		return mon_error(m, a->p, "expected 'if CONDITION' or the "
				 "end of the line");
	mon_skip_blanks(a);
	struct mon_expr_env env = m->env;
	struct mon_expr r;
	env.deref = no_deref;
	if (!*a->p)
		return mon_error(m, a->p, "if what? (an expression)");
	if (mon_expr_eval(&env, a->p, &r) != 0)
		return mon_error(m, r.err_at, "%s", r.err);
	if (*r.end)
		return mon_error(m, r.end, "unexpected '%s'", r.end);
	snprintf(b->cond, sizeof b->cond, "%s", a->p);
	a->p += strlen(a->p);
	return 0;
}

static int vector_arg(struct mon *m, struct mon_args *a, struct mon_bp *b,
		      uint32_t lo, uint32_t hi, const char *what)
{
	const char *at = (mon_skip_blanks(a), a->p);
	if (mon_at_end(a) || mon_args_keyword(a, "if")) {
		a->p = at;
		b->any = true;
		return 0;
	}
	uint32_t v;
	if (mon_args_expr(m, a, &v, NULL))
		return -1;
	if (v < lo || v > hi)
		return mon_error(m, at, "%s is from %u to %u", what, lo, hi);
	b->vec = v;
	return 0;
}

int mon_cmd_break(struct mon *m, struct mon_args *a)
{
	char what[MON_LINE_MAX + 200], sym[160];
	struct mon_bp *b;
	if (mon_args_keyword(a, "mode")) {
		if (!(b = new_bp(m, MON_BP_MODE)) || parse_cond(m, a, b))
			return -1;
		add_bp(m, b, "on a change between user and kernel mode");
		return 0;
	}
	static const struct {
		const char *kw;
		enum mon_vec_class cls;
		uint32_t lo, hi;
		const char *what;
	} kinds[] = {
		{ "exception", MON_VEC_EXCEPTION, 1, CPU_VEC_IRQ0 - 1,
		  "an exception vector" },
		{ "irq", MON_VEC_IRQ, 0, 15, "an IRQ line" },
		{ "trap", MON_VEC_TRAP, CPU_VEC_TRAP_FIRST, CPU_VEC_COUNT - 1,
		  "a trap number" },
		{ "vector", MON_VEC_ONE, 0, CPU_VEC_COUNT - 1, "a vector" },
	};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		if (!mon_args_keyword(a, kinds[i].kw))
			continue;
		if (!(b = new_bp(m, MON_BP_VECTOR)))
			return -1;
		b->vclass = kinds[i].cls;
		if (vector_arg(m, a, b, kinds[i].lo, kinds[i].hi,
			       kinds[i].what))
			return -1;
		if (b->vclass == MON_VEC_ONE && b->any)
			return mon_error(m, a->p, "break vector which vector? "
					 "(0-255)");
		if (parse_cond(m, a, b))
			return -1;
		unsigned vec = b->vclass == MON_VEC_IRQ ? CPU_VEC_IRQ0 + b->vec
							: b->vec;
		if (b->any)
			snprintf(what, sizeof what, "on entering any %s",
				 kinds[i].kw);
		else if (b->vclass == MON_VEC_IRQ)
			snprintf(what, sizeof what, "on entering IRQ %u "
				 "(vector %u)", b->vec, vec);
		else
			snprintf(what, sizeof what, "on entering vector %u "
				 "(%s)", vec, cpu_vector_name(vec));
		add_bp(m, b, what);
		return 0;
	}
	if (!(b = new_bp(m, MON_BP_ADDR)))
		return -1;
	b->addr = m->vm->cpu.pc;
	const char *at = (mon_skip_blanks(a), a->p);
	bool cond_only = !strncmp(a->p, "if", 2) &&
			 (a->p[2] == ' ' || a->p[2] == '\t' || !a->p[2]);
	if (!mon_at_end(a) && !cond_only &&
	    mon_args_expr(m, a, &b->addr, NULL))
		return -1;
	if (b->addr & 3)
		return mon_error(m, at, "0x%08x is not an instruction "
				 "address (a multiple of 4)", b->addr);
	if (parse_cond(m, a, b))
		return -1;
	snprintf(what, sizeof what, "0x%08x%s%s%s", b->addr,
		 mon_sym(m, b->addr, sym, sizeof sym), b->cond[0] ? " if " : "",
		 b->cond);
	add_bp(m, b, what);
	return 0;
}

/* tbreak: a breakpoint that deletes itself when it first stops a run. */
int mon_cmd_tbreak(struct mon *m, struct mon_args *a)
{
	m->next_bp_temporary = true;
	int rc = mon_cmd_break(m, a);
	m->next_bp_temporary = false;
	return rc;
}

/* watch REG: the register itself, as gdb does ([REG] watches memory). */
static int watch_register(struct mon *m, struct mon_args *a,
			  struct mon_bp *b, const char *name, const char *at)
{
	if (b->phys || b->access != MON_W_WRITE)
		return mon_error(m, at, "a register is watched for changes "
				 "only (no read, access or phys); [%s] "
				 "watches the memory at %s", name, name);
	if (!strcmp(name, "pc"))
		return mon_error(m, at, "pc changes at every step; use break "
				 "or until");
	snprintf(b->reg, sizeof b->reg, "%s", name);
	mon_reg_get(m->vm, name, &b->reg_value);
	if (parse_cond(m, a, b))
		return -1;
	char what[MON_LINE_MAX + 200];
	snprintf(what, sizeof what, "changes of %s (now 0x%08x)%s%s", name,
		 b->reg_value, b->cond[0] ? " if " : "", b->cond);
	add_bp(m, b, what);
	return 0;
}

int mon_cmd_watch(struct mon *m, struct mon_args *a)
{
	char what[MON_LINE_MAX + 200], sym[160];
	struct mon_bp *b = new_bp(m, MON_BP_WATCH);
	if (!b)
		return -1;
	b->access = MON_W_WRITE;
	if (mon_args_keyword(a, "read"))
		b->access = MON_W_READ;
	else if (mon_args_keyword(a, "access"))
		b->access = MON_W_READ | MON_W_WRITE;
	else
		mon_args_keyword(a, "write");
	b->phys = mon_args_keyword(a, "phys");
	const char *at = (mon_skip_blanks(a), a->p);
	if (mon_at_end(a))
		return mon_error(m, at, "watch which address?");
	/* A register name alone (then the end or "if"). */
	char name[32];
	const char *w;
	struct mon_args peek = *a;
	uint32_t unused;
	if (mon_args_word(&peek, name, sizeof name, &w) &&
	    mon_reg_get(m->vm, name, &unused) == 0 &&
	    (mon_at_end(&peek) || mon_args_keyword(&peek, "if"))) {
		mon_args_word(a, name, sizeof name, &w);
		return watch_register(m, a, b, name, at);
	}
	if (mon_args_expr(m, a, &b->addr, NULL))
		return -1;
	const char *lat = (mon_skip_blanks(a), a->p);
	if (mon_args_opt_expr(m, a, 4, &b->len))
		return -1;
	if (b->len == 0 || (uint64_t)b->addr + b->len > 1ull << 32)
		return mon_error(m, lat, "the length must be at least 1 and "
				 "stay below 4 GiB");
	if (parse_cond(m, a, b))
		return -1;
	snprintf(what, sizeof what, "%s of 0x%08x%s, %u byte%s%s",
		 b->access == MON_W_READ ? "reads"
		 : b->access == MON_W_WRITE ? "writes" : "reads and writes",
		 b->addr, b->phys ? " (physical)" : mon_sym(m, b->addr, sym,
							     sizeof sym),
		 b->len, b->len > 1 ? "s" : "", b->phys ? "" : " (virtual)");
	add_bp(m, b, what);
	return 0;
}

/* Apply fn to breakpoints N..., or to all of them. */
static int each_bp(struct mon *m, struct mon_args *a,
		   void (*fn)(struct mon *m, int index))
{
	if (mon_at_end(a)) {
		for (int i = m->nbp - 1; i >= 0; i--)
			fn(m, i);
		return 0;
	}
	int ids[MON_MAX_BP], n = 0;
	while (!mon_at_end(a)) {
		const char *at = a->p;
		uint32_t id;
		int i;
		if (mon_args_expr(m, a, &id, NULL))
			return -1;
		for (i = 0; i < m->nbp && m->bp[i].id != (int)id; i++)
			;
		if (i == m->nbp)
			return mon_error(m, at, "no breakpoint %u (info break "
					 "lists them)", id);
		if (n < MON_MAX_BP)
			ids[n++] = (int)id;
	}
	for (int k = 0; k < n; k++)
		for (int i = 0; i < m->nbp; i++)
			if (m->bp[i].id == ids[k]) {
				fn(m, i);
				break;
			}
	return 0;
}

static void do_delete(struct mon *m, int i)
{
	memmove(&m->bp[i], &m->bp[i + 1], (size_t)(m->nbp - i - 1) *
		sizeof *m->bp);
	m->nbp--;
}

static void do_disable(struct mon *m, int i)
{
	m->bp[i].enabled = false;
}

static void do_enable(struct mon *m, int i)
{
	m->bp[i].enabled = true;
}

int mon_cmd_delete(struct mon *m, struct mon_args *a)
{
	return each_bp(m, a, do_delete);
}

int mon_cmd_disable(struct mon *m, struct mon_args *a)
{
	return each_bp(m, a, do_disable);
}

int mon_cmd_enable(struct mon *m, struct mon_args *a)
{
	return each_bp(m, a, do_enable);
}

int mon_cmd_ignore(struct mon *m, struct mon_args *a)
{
	uint32_t id, count;
	const char *at = (mon_skip_blanks(a), a->p);
	if (mon_at_end(a))
		return mon_error(m, at, "ignore which breakpoint?");
	if (mon_args_expr(m, a, &id, NULL))
		return -1;
	const char *cat = (mon_skip_blanks(a), a->p);
	if (mon_at_end(a))
		return mon_error(m, cat, "ignore it how many times?");
	if (mon_args_expr(m, a, &count, NULL) || mon_args_end(m, a))
		return -1;
	for (int i = 0; i < m->nbp; i++)
		if (m->bp[i].id == (int)id) {
			m->bp[i].ignore = count;
			mon_printf(m, "breakpoint %u: the next %u hits pass\n",
				   id, count);
			return 0;
		}
	return mon_error(m, at, "no breakpoint %u (info break lists them)",
			 id);
}

int mon_info_break(struct mon *m, struct mon_args *a)
{
	char sym[160];
	if (mon_args_end(m, a))
		return -1;
	if (!m->nbp) {
		mon_printf(m, "no breakpoints or watchpoints\n");
		return 0;
	}
	mon_printf(m, "num  type        on   hits  where\n");
	for (int i = 0; i < m->nbp; i++) {
		const struct mon_bp *b = &m->bp[i];
		static const char *const types[] = {
			[MON_BP_ADDR] = "breakpoint", [MON_BP_WATCH] = "watchpoint",
			[MON_BP_VECTOR] = "vector", [MON_BP_MODE] = "mode" };
		mon_printf(m, "%-4d %-11s %-4s %-5llu ", b->id, types[b->kind],
			   b->enabled ? "yes" : "no",
			   (unsigned long long)b->hits);
		switch (b->kind) {
		case MON_BP_ADDR:
			mon_printf(m, "0x%08x%s", b->addr,
				   mon_sym(m, b->addr, sym, sizeof sym));
			break;
		case MON_BP_WATCH:
			if (b->reg[0]) {
				mon_printf(m, "changes of %s", b->reg);
				break;
			}
			mon_printf(m, "%s%s 0x%08x-0x%08x%s",
				   b->access & MON_W_READ ? "r" : "",
				   b->access & MON_W_WRITE ? "w" : "",
				   b->addr, b->addr + b->len - 1,
				   b->phys ? " physical" : "");
			break;
		case MON_BP_VECTOR: {
			static const char *const cls[] = {
				"vector", "exception", "irq", "trap" };
			if (b->any)
				mon_printf(m, "any %s", cls[b->vclass]);
			else
				mon_printf(m, "%s %u", cls[b->vclass], b->vec);
			break;
		}
		case MON_BP_MODE:
			mon_printf(m, "user <-> kernel");
			break;
		}
		if (b->cond[0])
			mon_printf(m, " if %s", b->cond);
		if (b->ignore)
			mon_printf(m, " (the next %llu hits pass)",
				   (unsigned long long)b->ignore);
		if (b->temporary)
			mon_printf(m, " (temporary)");
		mon_printf(m, "\n");
	}
	return 0;
}
