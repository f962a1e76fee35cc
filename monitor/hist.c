/*
 * history: the last instructions, replayed from the CPU's history ring
 * (cpu/cpu.h).  Each ring entry is where a straight-line run began and
 * the instruction count there; run k spans from its count to the next
 * entry's (the last one to c->insns), at consecutive addresses.  The
 * ring records addresses, not bytes: the text is what memory holds now.
 *
 * And the explanation of a crash, in plain words, rebuilt from the state
 * the machine stopped in: which exception, in which mode, at which
 * address, the access that faulted, and why its delivery failed.
 */
#include <stdarg.h>
#include <string.h>

#include "asm/dis.h"
#include "cpu/isa.h"
#include "monitor/mon_int.h"

#define HIST_LINES 256	/* at most; the ring holds 256 runs */

struct line {
	bool exception;
	uint64_t no;		/* instruction number */
	uint32_t pc;
	const struct cpu_hist *e;
	unsigned repeat;	/* the same entry again, right before */
};

/* Does this vector save the pc of the instruction that raised it? */
static bool faulting(unsigned vec)
{
	return (vec >= CPU_VEC_ILLEGAL && vec <= CPU_VEC_MISALIGNED) ||
	       vec == CPU_VEC_BUS_ERROR;
}

void mon_vector_text(unsigned vec, char *buf, size_t len)
{
	if (vec >= CPU_VEC_IRQ0 && vec < CPU_VEC_TRAP_FIRST)
		snprintf(buf, len, "vector %u (IRQ %u)", vec,
			 vec - CPU_VEC_IRQ0);
	else
		snprintf(buf, len, "vector %u (%s)", vec, cpu_vector_name(vec));
}

/* An instruction's line ends with the source line it came from, as
 * "; file:line" (the text is the disassembly's own). */
static void show_line(struct mon *m, const struct line *l)
{
	char sym[160], text[200], vec[64];
	if (!l->exception) {
		const struct image_line *src = mon_line_at(m, l->pc);
		if (src) {
			mon_insn_text(m, l->pc, text, sizeof text);
			mon_put(m, "  #%-8llu 0x%08x%s:  %s  ; %s:%u\n",
				(unsigned long long)l->no, l->pc,
				mon_sym(m, l->pc, sym, sizeof sym), text,
				src->file, src->line);
			return;
		}
		mon_insn_text(m, l->pc, text, sizeof text);
		mon_put(m, "  #%-8llu 0x%08x%s:  %s\n",
			(unsigned long long)l->no, l->pc,
			mon_sym(m, l->pc, sym, sizeof sym), text);
		return;
	}
	unsigned v = l->e->cause & 0xff;
	mon_vector_text(v, vec, sizeof vec);
	mon_printf(m, "  -- %s entered, cause 0x%08x, saved pc 0x%08x%s", vec,
		   l->e->cause, l->e->from,
		   mon_sym(m, l->e->from, sym, sizeof sym));
	if (faulting(v)) {
		mon_insn_text(m, l->e->from, text, sizeof text);
		mon_printf(m, " (it did not run: %s)", strchr(text, ' ')
			   ? strchr(text, ' ') + 2 : text);
	}
	if (l->repeat)
		mon_printf(m, ", %u times", l->repeat + 1);
	mon_printf(m, "\n");
}

/* The last n lines of history: instructions and exception entries, an
 * entry repeated with nothing run between told once. */
static void mon_history(struct mon *m, unsigned n)
{
	struct line lines[HIST_LINES];
	const struct cpu *c = &m->vm->cpu;
	uint32_t h = c->hist_next, first = h > CPU_HISTORY ? h - CPU_HISTORY : 0;
	unsigned got = 0, insns = 0;
	if (n > HIST_LINES)
		n = HIST_LINES;
	for (uint32_t k = h; k-- > first && got < n;) {
		const struct cpu_hist *e = &c->hist[k % CPU_HISTORY];
		uint64_t end = k + 1 == h ? c->insns
					  : c->hist[(k + 1) % CPU_HISTORY].insns;
		uint64_t count = end > e->insns ? end - e->insns : 0;
		for (uint64_t i = count; i-- > 0 && got < n; insns++)
			lines[got++] = (struct line){ false, e->insns + i,
						      e->pc + 4 * (uint32_t)i,
						      e, 0 };
		if (e->kind != CPU_HIST_EXCEPTION || got == n)
			continue;
		struct line *prev = got ? &lines[got - 1] : NULL;
		if (!count && prev && prev->exception &&
		    prev->e->cause == e->cause && prev->e->from == e->from &&
		    prev->e->pc == e->pc)
			prev->repeat++;
		else
			lines[got++] = (struct line){ .exception = true, .e = e };
	}
	if (!got) {
		mon_printf(m, "history: nothing has run since the reset\n");
		return;
	}
	mon_put(m, "history: the last %u instruction%s, oldest first\n",
		insns, insns == 1 ? "" : "s");
	while (got--)
		show_line(m, &lines[got]);
}

int mon_handler_vector(struct mon *m)
{
	const struct cpu *c = &m->vm->cpu;
	uint32_t h = c->hist_next, first = h > CPU_HISTORY ? h - CPU_HISTORY : 0;
	int returns = 0;
	if (!(c->flags & CPU_P))
		return -1;	/* handlers run in kernel mode */
	for (uint32_t k = h; k-- > first;) {
		const struct cpu_hist *e = &c->hist[k % CPU_HISTORY];
		uint32_t insn;
		if (e->kind == CPU_HIST_EXCEPTION) {
			if (returns-- == 0)
				return (int)(e->cause & 0xff);
		} else if (mon_read_insn(m, e->from, &insn) == 0 &&
			   isa_op(insn) == ISA_OP_rti) {
			returns++;	/* an rti ended a handler */
		}
	}
	return -1;
}

int mon_cmd_history(struct mon *m, struct mon_args *a)
{
	uint32_t n;
	const char *at = (mon_skip_blanks(a), a->p);
	if (mon_args_opt_expr(m, a, 20, &n) || mon_args_end(m, a))
		return -1;
	if (n == 0 || n > HIST_LINES)
		return mon_error(m, at, "history shows 1 to %d lines",
				 HIST_LINES);
	mon_history(m, n);
	return 0;
}

/* ---- explaining a crash -------------------------------------------------- */

/* A sentence, printed wrapped to 78 columns. */
struct para {
	char buf[1024];
	size_t len;
};

static void add(struct para *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add(struct para *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(p->buf + p->len, sizeof p->buf - p->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->len += (size_t)n;
	if (p->len >= sizeof p->buf)
		p->len = sizeof p->buf - 1;
}

static void say(struct mon *m, struct para *p)
{
	mon_wrapped(m, 2, "%s", p->buf);
	p->len = 0;
	p->buf[0] = 0;
}

static const char *why_not(struct vm *vm, uint32_t va, enum mmu_access acc,
			   bool user, unsigned size)
{
	uint32_t pa;
	if (va & (size - 1))
		return "it is not aligned (a misaligned access)";
	unsigned cause = mmu_peek(vm, va, acc, user, &pa);
	if (!cause)
		return NULL;
	if ((cause & 0xff) == CPU_VEC_BUS_ERROR)
		return "there is no RAM behind it (a bus error)";
	if (!(cause & MMU_FAULT_PROT))
		return "it is not mapped (a page fault: not present)";
	if (user && mmu_peek(vm, va, acc, false, &pa) == 0)
		return "it is a kernel page (a page fault: protection)";
	return "the page is read-only (a page fault: protection)";
}

/* What the instruction at pc was doing when it raised vec. */
static void explain_insn(struct mon *m, struct para *p, unsigned vec,
			 bool user)
{
	const struct cpu *c = &m->vm->cpu;
	uint32_t insn;
	char text[200];
	const char *why = why_not(m->vm, c->pc, MMU_FETCH, user, 4);
	if (why || mon_read_insn(m, c->pc, &insn) != 0) {
		add(p, "The access that faulted is the fetch of the "
		    "instruction at 0x%08x: %s.", c->pc,
		    why ? why : "it cannot be read");
		say(m, p);
		return;
	}
	mon_insn_text(m, c->pc, text, sizeof text);
	add(p, "The instruction is %s.", strchr(text, ' ') + 2);
	char where[MON_LINE_MAX];
	if (mon_where(m, c->pc, where, sizeof where)[0])
		add(p, " It comes from %s.", where);
	if (vec == CPU_VEC_ILLEGAL)
		add(p, " It is not a defined encoding (docs/isa.md, "
		    "section 2).");
	else if (vec == CPU_VEC_PRIVILEGED)
		add(p, " It is privileged, and the CPU was in user mode.");
	else if (vec == CPU_VEC_DIVIDE)
		add(p, " Its divisor is 0.");
	struct mon_access acc;
	mon_insn_access(m->vm, insn, &acc);
	for (int i = 0; i < acc.n; i++) {
		why = why_not(m->vm, acc.a[i].va, acc.a[i].write ? MMU_WRITE
			      : MMU_READ, user, acc.a[i].size);
		if (why) {
			add(p, " It %s %u bytes at 0x%08x, and %s.",
			    acc.a[i].write ? "writes" : "reads", acc.a[i].size,
			    acc.a[i].va, why);
			break;
		}
	}
	say(m, p);
}

/* Why delivering vec failed: the checks of cpu.c's deliver(), again. */
static void explain_delivery(struct mon *m, struct para *p, unsigned vec)
{
	struct vm *vm = m->vm;
	const struct cpu *c = &vm->cpu;
	uint8_t b[4];
	char why[64];
	uint64_t slot = (uint64_t)c->vbr + 4u * vec;
	if (slot > UINT32_MAX ||
	    mon_read_phys(m, (uint32_t)slot, b, 4, why, sizeof why)) {
		add(p, "vector %u's slot in the vector table, at 0x%08llx "
		    "(vbr = 0x%08x), is outside RAM", vec,
		    (unsigned long long)slot, c->vbr);
		return;
	}
	uint32_t handler = mem_ld32(b);
	if (handler & 3) {
		add(p, "vector %u's handler address, 0x%08x, is not a "
		    "multiple of 4", vec, handler);
		return;
	}
	uint32_t ksp = c->flags & CPU_P ? c->r[ISA_REG_SP] : c->other_sp;
	for (uint32_t off = 4; off <= 8; off += 4) {
		const char *w = why_not(vm, ksp - off, MMU_WRITE, false, 4);
		if (w) {
			add(p, "the frame goes on the kernel stack, sp = "
			    "0x%08x, and the word at 0x%08x cannot be "
			    "written: %s", ksp, ksp - off, w);
			return;
		}
	}
	add(p, "the reason is no longer visible in the machine's state");
}

/* A crash is often the echo of an earlier exception whose handler faulted
 * at once, again and again (no vector table: every handler is address 0),
 * until the stack ran out: tell the first one, which the CPU kept aside
 * (struct cpu_cascade).  True if there was a cascade. */
static bool explain_cascade(struct mon *m, struct para *p)
{
	const struct cpu_cascade *k = &m->vm->cpu.cascade;
	char sym[160], vec[64], text[200];
	if (k->entries < 2)
		return false;
	unsigned v = k->cause & 0xff;
	const char *mode = k->flags & CPU_P ? "kernel" : "user";
	mon_vector_text(v, vec, sizeof vec);
	add(p, "It began %llu exception entries earlier, with no instruction "
	    "retired since: in %s mode, ", (unsigned long long)k->entries - 1,
	    mode);
	if (faulting(v)) {
		add(p, "the instruction at 0x%08x%s", k->saved_pc,
		    mon_sym(m, k->saved_pc, sym, sizeof sym));
		if (k->have_insn)
			add(p, " (%s)", dis_insn(k->insn, k->saved_pc, m->img,
						 text, sizeof text));
		add(p, " raised %s.", vec);
		char where[MON_LINE_MAX];
		if (mon_where(m, k->saved_pc, where, sizeof where)[0])
			add(p, " It comes from %s.", where);
	} else {
		add(p, "%s was entered, with the saved pc 0x%08x%s.", vec,
		    k->saved_pc, mon_sym(m, k->saved_pc, sym, sizeof sym));
	}
	uint8_t b[4];
	char why[64];
	uint64_t slot = (uint64_t)k->vbr + 4u * v;
	uint32_t handler = 0;
	bool readable = slot <= UINT32_MAX &&
			mon_read_phys(m, (uint32_t)slot, b, 4, why,
				      sizeof why) == 0;
	if (readable)
		handler = mem_ld32(b);
	if (k->vbr == 0)
		add(p, " vbr was 0: no vector table was set (mtcr vbr), so the "
		    "handler's address came from the word at 0x%08llx",
		    (unsigned long long)slot);
	else
		add(p, " Its handler's address is the word at 0x%08llx of "
		    "the vector table (vbr = 0x%08x)",
		    (unsigned long long)slot, k->vbr);
	if (readable)
		add(p, ", 0x%08x%s, whose first instruction faulted in turn, "
		    "and so on.", handler, mon_sym(m, handler, sym,
						   sizeof sym));
	else
		add(p, ", which is outside RAM.");
	say(m, p);
	if (v > 0 && v < CPU_VEC_IRQ0)
		add(p, "To stop at the first one: break exception %u, then "
		    "run.", v);
	else
		add(p, "To stop at the first one: break vector %u, then run.",
		    v);
	say(m, p);
	add(p, "It ended so:");
	say(m, p);
	return true;
}

void mon_explain_stop(struct mon *m)
{
	const struct vm *vm = m->vm;
	const struct cpu *c = &vm->cpu;
	char sym[160], vec[64];
	struct para p = { .len = 0 };
	if (vm->stop != VM_STOP_DOUBLE_FAULT && vm->stop != VM_STOP_IDLE)
		return;
	mon_history(m, 8);
	mon_printf(m, "What happened:\n");
	if (vm->stop == VM_STOP_IDLE) {
		add(&p, "The guest executed halt with interrupts enabled, and "
		    "no device has anything scheduled: nothing will ever "
		    "wake it.");
		say(m, &p);
		mon_pic_why(m);
		return;
	}
	explain_cascade(m, &p);
	/* The double fault left far = the vector it could not deliver,
	 * and pc = the pc that vector would have saved. */
	unsigned v = c->far & 0xff;
	bool user = !(c->flags & CPU_P);
	const char *mode = user ? "user" : "kernel";
	mon_vector_text(v, vec, sizeof vec);
	if (faulting(v))
		add(&p, "In %s mode, at 0x%08x%s, the CPU raised %s.", mode,
		    c->pc, mon_sym(m, c->pc, sym, sizeof sym), vec);
	else if (v >= CPU_VEC_IRQ0 && v < CPU_VEC_TRAP_FIRST)
		add(&p, "In %s mode, before 0x%08x%s, IRQ %u arrived: %s.",
		    mode, c->pc, mon_sym(m, c->pc, sym, sizeof sym),
		    v - CPU_VEC_IRQ0, vec);
	else
		add(&p, "In %s mode, the instruction at 0x%08x%s asked for "
		    "%s.", mode, c->pc - 4,
		    mon_sym(m, c->pc - 4, sym, sizeof sym), vec);
	say(m, &p);
	if (faulting(v))
		explain_insn(m, &p, v, user);
	add(&p, "Delivering it failed: ");
	explain_delivery(m, &p, v);
	add(&p, ".");
	say(m, &p);
	add(&p, "So the CPU tried the double fault (vector 7), which failed "
	    "too: ");
	explain_delivery(m, &p, CPU_VEC_DOUBLE_FAULT);
	add(&p, ". With no way to run a handler, the machine stopped.");
	say(m, &p);
}
