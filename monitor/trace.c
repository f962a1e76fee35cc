/*
 * Tracing: one line per event, in a stable format (aula-debug(1),
 * TRACING), each starting with its category and the count of retired
 * instructions:
 *
 *   insn 12 0x00001008 <_start.next> 00001244 ldbu r2, 0(r1)
 *   int 40 vector 2 (privileged instruction) cause=0x00000002 pc=0x0000104c -> 0x00001030
 *   mmu 41 read 0x00400000 -> 0x00012000
 *   mmu 41 write 0x00400000 fault cause=0x00000303
 *   io 57 out 0x0010 0x00000048 uart
 *
 * int, mmu and io come from the core's slow-path hooks (struct vm_trace,
 * the bus's hook); insn tracing steps the machine one instruction at a
 * time and prints each before it runs.
 */
#include <string.h>

#include "asm/dis.h"
#include "mem/walk.h"
#include "monitor/mon_int.h"

const char *const mon_trace_names[MON_TRACE_NCAT] = {
	[MON_TRACE_INSN] = "insn", [MON_TRACE_INT] = "int",
	[MON_TRACE_MMU] = "mmu", [MON_TRACE_IO] = "io",
};

int mon_trace_parse(const char *list, unsigned *mask, char *bad,
		    size_t badlen)
{
	*mask = 0;
	const char *p = list;
	for (;;) {
		size_t n = strcspn(p, ",");
		int cat = -1;
		for (int i = 0; i < MON_TRACE_NCAT; i++)
			if (strlen(mon_trace_names[i]) == n &&
			    !strncmp(mon_trace_names[i], p, n))
				cat = i;
		if (cat < 0) {
			snprintf(bad, badlen, "%.*s", (int)n, p);
			return -1;
		}
		*mask |= 1u << cat;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

/* The file of a category, with the console's open line closed. */
static FILE *begin(struct mon_trace *t, enum mon_trace_cat cat)
{
	FILE *f = t->f[cat];
	if (f && f == t->console && t->console_mid_line &&
	    *t->console_mid_line) {
		fputc('\n', f);
		*t->console_mid_line = false;
	}
	return f;
}

static unsigned long long now(const struct mon_trace *t)
{
	return (unsigned long long)t->vm->cpu.insns;
}

static void t_exception(void *opaque, unsigned cause, uint32_t saved_pc,
			uint32_t handler)
{
	struct mon_trace *t = opaque;
	unsigned vec = cause & 0xff;
	FILE *f = begin(t, MON_TRACE_INT);
	if (!f)
		return;
	if (vec >= CPU_VEC_IRQ0 && vec < CPU_VEC_TRAP_FIRST)
		fprintf(f, "int %llu vector %u (IRQ %u)", now(t), vec,
			vec - CPU_VEC_IRQ0);
	else
		fprintf(f, "int %llu vector %u (%s)", now(t), vec,
			cpu_vector_name(vec));
	fprintf(f, " cause=0x%08x pc=0x%08x -> 0x%08x\n", cause, saved_pc,
		handler);
}

/* A nested walk's second dimension: each guest-physical reference, which
 * the host map translates again (docs/mmu.md). */
static void walk_refs(FILE *f, const struct walk *w)
{
	fprintf(f, " nested refs=%u:", w->refs);
	if (w->refs >= 2)
		fprintf(f, " PDE@0x%08x", w->pde_addr);
	if (w->refs >= 4)
		fprintf(f, " PTE@0x%08x", w->pte_addr);
	if (w->refs >= 6)
		fprintf(f, " data@0x%08x", w->pa);
	fprintf(f, " (each a host-map lookup and the access)");
}

static void t_tlb_miss(void *opaque, uint32_t va, enum mmu_access acc,
		       unsigned cause, uint32_t gpa, const struct walk *w)
{
	static const char *const names[] = { "read", "write", "fetch" };
	struct mon_trace *t = opaque;
	FILE *f = begin(t, MON_TRACE_MMU);
	if (!f)
		return;
	if (cause)
		fprintf(f, "mmu %llu %s 0x%08x fault cause=0x%08x", now(t),
			names[acc], va, cause);
	else
		fprintf(f, "mmu %llu %s 0x%08x -> 0x%08x", now(t),
			names[acc], va, gpa);
	if (w)
		walk_refs(f, w);
	fputc('\n', f);
}

static void t_port(void *opaque, uint16_t port, uint32_t value, int write)
{
	struct mon_trace *t = opaque;
	FILE *f = begin(t, MON_TRACE_IO);
	const struct bus_range *r = bus_find(&t->vm->bus, port);
	const char *dev = "unassigned";
	if (!f)
		return;
	for (int i = 0; r && i < t->vm->ndev; i++)
		if (t->vm->dev[i].state == r->dev)
			dev = t->vm->dev[i].ops->name;
	fprintf(f, "io %llu %s 0x%04x 0x%08x %s\n", now(t),
		write ? "out" : "in", port, value, dev);
}

void mon_trace_attach(struct mon_trace *t, struct vm *vm)
{
	t->vm = vm;
	if (!vm)
		return;
	t->hooks = (struct vm_trace){
		.opaque = t,
		.exception = t->f[MON_TRACE_INT] ? t_exception : NULL,
		.tlb_miss = t->f[MON_TRACE_MMU] ? t_tlb_miss : NULL,
	};
	vm->trace = t->f[MON_TRACE_INT] || t->f[MON_TRACE_MMU] ? &t->hooks
							       : NULL;
	vm->bus.trace = t->f[MON_TRACE_IO] ? t_port : NULL;
	vm->bus.trace_opaque = t;
}

void mon_trace_set(struct mon_trace *t, enum mon_trace_cat cat, FILE *f,
		   bool own)
{
	FILE *old = t->f[cat];
	bool shared = false;
	for (int i = 0; i < MON_TRACE_NCAT; i++)
		shared |= i != (int)cat && t->f[i] == old;
	if (old && t->own[cat] && old != f && !shared)
		fclose(old);
	else if (old)
		fflush(old);
	t->f[cat] = f;
	t->own[cat] = own;
	t->path[cat][0] = 0;
	mon_trace_attach(t, t->vm);
}

void mon_trace_insn(struct mon_trace *t)
{
	const struct cpu *c = &t->vm->cpu;
	char sym[160], dis[96];
	uint8_t b[4];
	uint32_t pa;
	if (!t->f[MON_TRACE_INSN] || c->halted)
		return;
	FILE *f = begin(t, MON_TRACE_INSN);
	mon_symbolize(t->img, c->pc, sym, sizeof sym);
	if (mmu_peek(t->vm, c->pc, MMU_FETCH, !(c->flags & CPU_P), &pa) ||
	    mem_read(&t->vm->mem, pa, b, 4)) {
		fprintf(f, "insn %llu 0x%08x%s (cannot be fetched)\n", now(t),
			c->pc, sym);
		return;
	}
	uint32_t w = mem_ld32(b);
	fprintf(f, "insn %llu 0x%08x%s %08x %s\n", now(t), c->pc, sym, w,
		dis_insn(w, c->pc, t->img, dis, sizeof dis));
}

enum vm_stop mon_trace_run(struct mon_trace *t, uint64_t budget)
{
	struct vm *vm = t->vm;
	if (!t->f[MON_TRACE_INSN])
		return vm_run(vm, budget);
	uint64_t start = vm_units(vm);
	for (;;) {
		if (vm_units(vm) - start >= budget) {
			vm_stop(vm, VM_STOP_BUDGET, 0);
			break;
		}
		mon_trace_insn(t);
		enum vm_stop st = vm_run(vm, 1);
		if (st != VM_STOP_BUDGET && st != VM_RUNNING)
			break;
	}
	return vm->stop;
}

void mon_trace_close(struct mon_trace *t)
{
	for (int i = 0; i < MON_TRACE_NCAT; i++)
		mon_trace_set(t, (enum mon_trace_cat)i, NULL, false);
	if (t->vm) {
		t->vm->trace = NULL;
		t->vm->bus.trace = NULL;
	}
}

int mon_cmd_trace(struct mon *m, struct mon_args *a)
{
	char word[32], path[sizeof m->trace.path[0]];
	const char *at;
	if (mon_at_end(a)) {
		for (int i = 0; i < MON_TRACE_NCAT; i++)
			mon_printf(m, "trace %-4s %s\n", mon_trace_names[i],
				   m->trace.f[i] ? "on" : "off");
		return 0;
	}
	mon_args_word(a, word, sizeof word, &at);
	int cat = -1;
	for (int i = 0; i < MON_TRACE_NCAT; i++)
		if (!strcmp(word, mon_trace_names[i]))
			cat = i;
	if (cat < 0)
		return mon_error(m, at, "trace insn, int, mmu or io, not '%s'",
				 word);
	bool on = mon_args_keyword(a, "on");
	if (!on && !mon_args_keyword(a, "off"))
		return mon_error(m, a->p, "trace %s on or off?", word);
	mon_skip_blanks(a);
	if (!on || !*a->p) {
		if (mon_args_end(m, a))
			return -1;
		mon_trace_set(&m->trace, (enum mon_trace_cat)cat,
			      on ? m->out : NULL, false);
		return 0;
	}
	if (strlen(a->p) >= sizeof path)
		return mon_error(m, a->p, "file name too long");
	snprintf(path, sizeof path, "%s", a->p);
	FILE *f = NULL;
	if (m->cfg.check_only)
		return 0;
	/* One file for several categories is opened once. */
	for (int i = 0; i < MON_TRACE_NCAT && !f; i++)
		if (m->trace.own[i] && !strcmp(m->trace.path[i], path))
			f = m->trace.f[i];
	if (!f && !(f = fopen(path, "w")))
		return mon_error(m, a->p, "%s: cannot write it", path);
	mon_trace_set(&m->trace, (enum mon_trace_cat)cat, f, true);
	memcpy(m->trace.path[cat], path, sizeof path);
	return 0;
}
