/*
 * info TOPIC, and translate.  A device's state is printed from its field
 * table (io/dev.h), so a new device shows up in `info` with no code here;
 * only the PIC gets an explanation on top, read through the same table.
 */
#include <string.h>

#include "cpu/isa.h"
#include "io/dev.h"
#include "io/devices.h"
#include "monitor/mon_int.h"
#include "state/dump.h"

static int info_regs(struct mon *m, struct mon_args *a)
{
	return mon_cmd_regs(m, a);
}

/* ---- devices ------------------------------------------------------------- */

/* A device's name in info: its type, and its unit when the machine has
 * several of the type (disk0, disk1). */
const char *mon_dev_name(const struct vm *vm, const struct vm_device *d,
			 char *buf, size_t len)
{
	bool several = d->unit > 0;
	for (int i = 0; i < vm->ndev && !several; i++)
		several = vm->dev[i].ops == d->ops && &vm->dev[i] != d;
	if (several)
		snprintf(buf, len, "%s%u", d->ops->name, d->unit);
	else
		snprintf(buf, len, "%s", d->ops->name);
	return buf;
}

/* By its name in info, or by its type (the first of several). */
static const struct vm_device *find_device(const struct vm *vm,
					   const char *name)
{
	char buf[64];
	for (int i = 0; i < vm->ndev; i++)
		if (!strcmp(mon_dev_name(vm, &vm->dev[i], buf, sizeof buf),
			    name))
			return &vm->dev[i];
	return vm_find_device(vm, name);
}

static int field(const struct vm_device *d, const char *name, uint32_t *v)
{
	for (const struct dev_field *f = d->ops->fields; f && f->name; f++)
		if (!strcmp(f->name, name)) {
			*v = (uint32_t)dev_field_get(d->state, f);
			return 0;
		}
	return -1;
}

/* Why a pending IRQ is or is not being delivered (docs/devices.md, 5). */
static void explain_pic(struct mon *m, const struct vm_device *d, bool quiet)
{
	uint32_t level, latched, isr, mask, edge;
	const struct cpu *c = &m->vm->cpu;
	if (field(d, "level", &level) || field(d, "latched", &latched) ||
	    field(d, "isr", &isr) || field(d, "mask", &mask) ||
	    field(d, "edge", &edge))
		return;
	uint32_t pending = (level & ~edge) | latched;
	int served = isr ? __builtin_ctz(isr) : -1;
	if (quiet && !pending)
		return;
	int handler = mon_handler_vector(m);
	char vec[64] = "";
	if (handler >= 0)
		mon_vector_text((unsigned)handler, vec, sizeof vec);
	mon_printf(m, "why:\n");
	if (!pending)
		mon_printf(m, "  no IRQ is pending\n");
	for (unsigned n = 0; n < 16; n++) {
		uint32_t bit = 1u << n;
		char why[256];
		if (!(pending & bit))
			continue;
		if (mask & bit)
			snprintf(why, sizeof why, "masked (MASK bit %u is "
				 "set), it waits until the guest clears the "
				 "bit", n);
		else if (served >= 0 && (unsigned)served == n)
			snprintf(why, sizeof why, "its previous request is in "
				 "service; it waits for EOI %d", served);
		else if (served >= 0 && (unsigned)served < n)
			snprintf(why, sizeof why, "IRQ %d, of higher priority, "
				 "is in service; it waits for EOI %d", served,
				 served);
		else if (!(c->flags & CPU_I) && handler >= 0)
			snprintf(why, sizeof why, "deliverable, but interrupts "
				 "are disabled: the CPU is in the handler of %s, "
				 "and the entry cleared I; it is taken after its "
				 "rti, or at its ei", vec);
		else if (!(c->flags & CPU_I))
			snprintf(why, sizeof why, "deliverable, but interrupts "
				 "are disabled (flags.I = 0): it is taken when ei "
				 "or an rti sets I");
		else
			snprintf(why, sizeof why, "delivered before the next "
				 "instruction");
		mon_wrapped(m, 2, "IRQ %u (vector %u, %s) is pending: %s", n,
			    CPU_VEC_IRQ0 + n, edge & bit ? "edge, latched"
			    : "level, held up by its device", why);
	}
	if (isr)
		for (unsigned n = 0; n < 16; n++)
			if (isr & (1u << n))
				mon_printf(m, "  IRQ %u is in service: its "
					   "handler has not written EOI %u\n",
					   n, n);
}

static void show_device(struct mon *m, const struct vm_device *d)
{
	char name[64];
	mon_printf(m, "%s: ports 0x%04x-0x%04x\n",
		   mon_dev_name(m->vm, d, name, sizeof name), d->base,
		   d->base + d->ops->nports - 1);
	if (d->ops == &disk_ops) {
		const struct vm_disk_host *h = &m->vm->cfg.disks[d->unit];
		mon_printf(m, "  file           %s (%s, %llu sectors)\n",
			   h->name ? h->name : "(none)",
			   h->read_only ? "read-only" : "read-write",
			   (unsigned long long)(h->size / 512));
	}
	for (const struct dev_field *f = d->ops->fields; f && f->name; f++) {
		uint64_t v = dev_field_get(d->state, f);
		char val[32];
		switch (f->type) {
		case DEV_FIELD_U8: snprintf(val, sizeof val, "0x%02x",
					    (unsigned)v); break;
		case DEV_FIELD_U32: snprintf(val, sizeof val, "0x%08x",
					     (unsigned)v); break;
		case DEV_FIELD_U64: snprintf(val, sizeof val, "%llu",
					     (unsigned long long)v); break;
		}
		mon_printf(m, "  %-14s %-12s %s\n", f->name, val, f->doc);
	}
	if (!strcmp(d->ops->name, "pic"))
		explain_pic(m, d, false);
}

void mon_pic_why(struct mon *m)
{
	const struct vm_device *d = vm_find_device(m->vm, "pic");
	if (d)
		explain_pic(m, d, true);
}

static int info_devices(struct mon *m, struct mon_args *a)
{
	if (mon_args_end(m, a))
		return -1;
	for (int i = 0; i < m->vm->ndev; i++) {
		const struct vm_device *d = &m->vm->dev[i];
		int n = 0;
		for (const struct dev_field *f = d->ops->fields; f && f->name;
		     f++)
			n++;
		char name[64];
		mon_dev_name(m->vm, d, name, sizeof name);
		mon_printf(m, "%-8s ports 0x%04x-0x%04x  %d fields  (info %s)",
			   name, d->base, d->base + d->ops->nports - 1, n,
			   name);
		if (d->ops == &disk_ops && m->vm->cfg.disks[d->unit].name)
			mon_printf(m, "  %s", m->vm->cfg.disks[d->unit].name);
		mon_printf(m, "\n");
	}
	return 0;
}

static int info_ports(struct mon *m, struct mon_args *a)
{
	const struct bus *b = &m->vm->bus;
	if (mon_args_end(m, a))
		return -1;
	/* In port order, whatever order the devices were mapped in. */
	for (uint32_t port = 0, done = 0; done < (uint32_t)b->n; done++) {
		const struct bus_range *r = NULL;
		for (int i = 0; i < b->n; i++)
			if (b->r[i].base >= port && (!r || b->r[i].base < r->base))
				r = &b->r[i];
		if (!r)
			break;
		const char *name = "?";
		for (int k = 0; k < m->vm->ndev; k++)
			if (m->vm->dev[k].state == r->dev)
				name = m->vm->dev[k].ops->name;
		mon_printf(m, "0x%04x-0x%04x  %s\n", r->base,
			   r->base + r->count - 1, name);
		port = (uint32_t)r->base + 1;
	}
	mon_printf(m, "unassigned ports: %llu reads, %llu writes",
		   (unsigned long long)b->unassigned_in,
		   (unsigned long long)b->unassigned_out);
	if (b->unassigned_in || b->unassigned_out)
		mon_printf(m, ", the last at port 0x%04x", b->last_unassigned);
	mon_printf(m, "\n");
	return 0;
}

/* ---- vectors ------------------------------------------------------------- */

static void vec_name(unsigned v, char *buf, size_t len)
{
	if (v >= CPU_VEC_IRQ0 && v < CPU_VEC_TRAP_FIRST)
		snprintf(buf, len, "IRQ %u", v - CPU_VEC_IRQ0);
	else if (v >= CPU_VEC_TRAP_FIRST)
		snprintf(buf, len, "trap %u", v);
	else
		snprintf(buf, len, "%s", cpu_vector_name(v));
}

static int info_vectors(struct mon *m, struct mon_args *a)
{
	uint8_t table[4 * CPU_VEC_COUNT];
	char why[64], sym[160], name[40];
	uint32_t vbr = m->vm->cpu.vbr;
	if (mon_args_end(m, a))
		return -1;
	mon_printf(m, "vector table at vbr = 0x%08x (physical)\n", vbr);
	if (mon_read_phys(m, vbr, table, sizeof table, why, sizeof why)) {
		mon_printf(m, "  it is not all in RAM: an exception through a "
			   "vector outside RAM is a double fault\n");
		return 0;
	}
	char unset[512] = "";
	size_t used = 0;
	for (unsigned v = 0; v < CPU_VEC_COUNT; v++) {
		uint32_t h = mem_ld32(table + 4 * v);
		/* Runs of vectors with one handler, as 35-255. */
		unsigned e = v;
		while (e + 1 < CPU_VEC_COUNT && mem_ld32(table + 4 * (e + 1)) == h)
			e++;
		if (!h) {
			if (used < sizeof unset)
				used += (size_t)snprintf(unset + used,
							 sizeof unset - used,
							 e > v ? "%s%u-%u" : "%s%u",
							 used ? ", " : "", v, e);
		} else {
			char range[16];
			snprintf(range, sizeof range, e > v ? "%u-%u" : "%u", v,
				 e);
			vec_name(v, name, sizeof name);
			if (e > v)
				snprintf(name, sizeof name, "(%u vectors)",
					 e - v + 1);
			mon_printf(m, "  %7s  %-24s 0x%08x%s%s\n", range, name, h,
				   mon_sym(m, h, sym, sizeof sym),
				   h & 3 ? "  (not a multiple of 4: a double "
					   "fault)" : "");
		}
		v = e;
	}
	if (used)
		mon_printf(m, "  not set (0: entering one jumps to 0x00000000): "
			   "%s\n", unset);
	return 0;
}

/* ---- paging -------------------------------------------------------------- */

static int info_mmu(struct mon *m, struct mon_args *a)
{
	const struct cpu *c = &m->vm->cpu;
	if (mon_args_end(m, a))
		return -1;
	mon_printf(m, "paging %s, ptbr=0x%08x, mmu=%s\n",
		   c->paging & 1 ? "on" : "off", c->ptbr,
		   mmu_mode_name(m->vm->mmu.mode));
	fflush(m->out);
	dump_stats(m->out, m->vm, DUMP_TEXT);
	if (m->vm->mmu.stats.stale_uses)
		mon_printf(m, "warning: the guest used %llu translations a "
			   "real TLB could have kept stale: it changed page "
			   "tables without tlbi, tlbia or a ptbr write\n",
			   (unsigned long long)m->vm->mmu.stats.stale_uses);
	return 0;
}

struct range {
	uint32_t va, pa, pages;
	bool w, u;
};

static void show_range(struct mon *m, const struct range *r)
{
	uint64_t size = (uint64_t)r->pages << MEM_PAGE_SHIFT;
	mon_printf(m, "  0x%08x-0x%08x -> 0x%08x-0x%08x  %s %-6s %6u page%s%s\n",
		   r->va, (uint32_t)(r->va + size - 1), r->pa,
		   (uint32_t)(r->pa + size - 1), r->w ? "rw" : "r-",
		   r->u ? "user" : "kernel", r->pages, r->pages > 1 ? "s" : "",
		   r->pa + size > m->vm->mem.size ? "  (beyond RAM)" : "");
}

static int info_pagetable(struct mon *m, struct mon_args *a)
{
	uint32_t ptbr = m->vm->cpu.ptbr;
	const char *at = (mon_skip_blanks(a), a->p);
	if (mon_args_opt_expr(m, a, ptbr, &ptbr) || mon_args_end(m, a))
		return -1;
	ptbr &= MMU_PTE_FRAME;
	uint8_t dir[MEM_PAGE_SIZE], tab[MEM_PAGE_SIZE];
	char why[64];
	if (mon_read_phys(m, ptbr, dir, sizeof dir, why, sizeof why))
		return mon_error(m, at, "the page directory at 0x%08x is "
				 "outside RAM", ptbr);
	mon_printf(m, "page directory at 0x%08x%s, paging %s:\n", ptbr,
		   ptbr == m->vm->cpu.ptbr ? " (ptbr)" : "",
		   m->vm->cpu.paging & 1 ? "on" : "off");
	struct range r = { 0 };
	unsigned ranges = 0, pages = 0;
	for (uint32_t d = 0; d < 1024; d++) {
		uint32_t pde = mem_ld32(dir + 4 * d);
		if (!(pde & MMU_PTE_P))
			continue;
		if (mon_read_phys(m, pde & MMU_PTE_FRAME, tab, sizeof tab, why,
				  sizeof why)) {
			mon_printf(m, "  PDE %u (0x%08x-): its table at 0x%08x "
				   "is outside RAM (a bus error)\n", d, d << 22,
				   pde & MMU_PTE_FRAME);
			continue;
		}
		for (uint32_t t = 0; t < 1024; t++) {
			uint32_t pte = mem_ld32(tab + 4 * t);
			if (!(pte & MMU_PTE_P))
				continue;
			uint32_t va = d << 22 | t << 12, pa = pte & MMU_PTE_FRAME;
			bool w = pde & pte & MMU_PTE_W, u = pde & pte & MMU_PTE_U;
			pages++;
			if (r.pages && va == r.va + (r.pages << 12) &&
			    pa == r.pa + (r.pages << 12) && w == r.w && u == r.u) {
				r.pages++;
				continue;
			}
			if (r.pages)
				show_range(m, &r);
			r = (struct range){ va, pa, 1, w, u };
			ranges++;
		}
	}
	if (r.pages)
		show_range(m, &r);
	mon_printf(m, "%u page%s mapped in %u range%s\n", pages,
		   pages == 1 ? "" : "s", ranges, ranges == 1 ? "" : "s");
	return 0;
}

int mon_cmd_translate(struct mon *m, struct mon_args *a)
{
	uint32_t va;
	enum mmu_access acc = MMU_READ;
	bool user = false;
	char buf[2048];
	const char *at = (mon_skip_blanks(a), a->p);
	if (mon_at_end(a))
		return mon_error(m, at, "translate which address?");
	if (mon_args_expr(m, a, &va, NULL))
		return -1;
	for (;;) {
		if (mon_args_keyword(a, "read"))
			acc = MMU_READ;
		else if (mon_args_keyword(a, "write"))
			acc = MMU_WRITE;
		else if (mon_args_keyword(a, "fetch"))
			acc = MMU_FETCH;
		else if (mon_args_keyword(a, "user"))
			user = true;
		else if (mon_args_keyword(a, "kernel"))
			user = false;
		else
			break;
	}
	if (mon_args_end(m, a))
		return -1;
	mmu_explain(m->vm, va, acc, user, buf, sizeof buf);
	mon_printf(m, "%s", buf);
	return 0;
}

/* The console is the UART: students look for it by what it is for. */
static int info_console(struct mon *m, struct mon_args *a)
{
	const struct vm_device *d = vm_find_device(m->vm, "uart");
	if (mon_args_end(m, a))
		return -1;
	if (!d)
		return mon_error(m, NULL, "this machine has no console UART");
	show_device(m, d);
	return 0;
}

/* ---- dispatch ------------------------------------------------------------ */

const struct mon_info_topic mon_info_topics[] = {
	{ "break", "breakpoints and watchpoints", mon_info_break },
	{ "regs", "the registers (as regs)", info_regs },
	{ "registers", "the registers (as regs)", info_regs },
	{ "vectors", "the vector table, with labels", info_vectors },
	{ "ports", "the port map, unassigned accesses", info_ports },
	{ "devices", "the devices of this machine", info_devices },
	{ "mmu", "paging state and the MMU counters", info_mmu },
	{ "pagetable", "[PTBR] the mappings, as ranges", info_pagetable },
	{ "console", "the console UART (as info uart)", info_console },
};
const size_t mon_ninfo_topics = sizeof mon_info_topics /
				sizeof *mon_info_topics;

int mon_cmd_info(struct mon *m, struct mon_args *a)
{
	char topic[64];
	const char *at;
	if (!mon_args_word(a, topic, sizeof topic, &at))
		return mon_error(m, at, "info what? (help info)");
	size_t len = strlen(topic);
	const struct mon_info_topic *found = NULL;
	int n = 0;
	/* A topic's full name, a device's, then a topic's prefix. */
	for (size_t i = 0; i < mon_ninfo_topics; i++)
		if (!strcmp(mon_info_topics[i].name, topic))
			return mon_info_topics[i].fn(m, a);
	if (m->cfg.lab) {
		mon_skip_blanks(a);
		int rc = m->cfg.lab->info(m->cfg.lab->opaque, topic, a->p,
					  m->out);
		if (rc <= 0)
			return rc;
	}
	const struct vm_device *d = find_device(m->vm, topic);
	if (d) {
		if (mon_args_end(m, a))
			return -1;
		show_device(m, d);
		return 0;
	}
	/* Two names of one topic (regs, registers) are not ambiguous. */
	for (size_t i = 0; i < mon_ninfo_topics; i++)
		if (!strncmp(mon_info_topics[i].name, topic, len) &&
		    (!found || found->fn != mon_info_topics[i].fn)) {
			found = &mon_info_topics[i];
			n++;
		}
	if (n == 1)
		return found->fn(m, a);
	return mon_error(m, at, n > 1 ? "'%s' is ambiguous (help info)"
			 : "no topic or device '%s' (help info)", topic);
}
