/*
 * mmu_explain: the translation of one virtual address told step by step,
 * for students (the monitor's `translate`), and mmu_peek, the same
 * translation as a value.  Both read the guest's tables without changing
 * them: no A/D bits are set and no counter moves.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cpu/vm.h"
#include "mem/shadow.h"
#include "mem/walk.h"

struct out {
	char *buf;
	size_t len, used;
};

static void say(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct out *o, const char *fmt, ...)
{
	if (o->used >= o->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n;
}

static void bits(struct out *o, uint32_t e)
{
	say(o, "[%c%c%c%c%c]", e & MMU_PTE_P ? 'P' : '-',
	    e & MMU_PTE_W ? 'W' : '-', e & MMU_PTE_U ? 'U' : '-',
	    e & MMU_PTE_A ? 'A' : '-', e & MMU_PTE_D ? 'D' : '-');
}

static const char *const access_names[] = { "read", "write", "fetch" };

/* One guest-physical reference of a nested walk, through the host map. */
static void host_row(struct out *o, const struct vm *vm, unsigned first,
		     const char *what, uint32_t gpa)
{
	uint32_t page = gpa >> MEM_PAGE_SHIFT;
	say(o, "    %u,%u   %-4s  0x%08x  -> pages[0x%05x]: %s\n", first,
	    first + 1, what, gpa, page, gpa >= vm->mem.size ? "no RAM"
	    : mem_host_page(&vm->mem, page) ? "a host page"
					    : "untouched (reads as 0)");
}

/*
 * The second dimension of a nested walk: every guest-physical address the
 * guest walk touches is translated again, through the host map (N = 1
 * level: mem's map of host pages), before it is read.  With G = 2 guest
 * levels, a complete miss costs (G+1)(N+1) = 6 references:
 *
 *                   host map (N=1)   access
 *      PDE  (G=1)        1             2
 *      PTE  (G=2)        3             4
 *      data              5             6
 */
static void nested(struct out *o, const struct vm *vm, const struct walk *w)
{
	say(o, "  nested: each guest-physical address is translated again "
	    "by the host map\n    (one level, N = 1), then read: 2 "
	    "references each, (G+1)(N+1) = 6 for a miss\n");
	say(o, "    refs  what  guest-phys  -> host map\n");
	if (w->refs >= 2)
		host_row(o, vm, 1, "PDE", w->pde_addr);
	if (w->refs >= 4)
		host_row(o, vm, 3, "PTE", w->pte_addr);
	if (w->refs >= 6)
		host_row(o, vm, 5, "data", w->pa);
	say(o, "  this translation: %u of the 6 references%s\n", w->refs,
	    w->refs < 6 ? " (the walk stopped at a fault)" : "");
}

void mmu_explain(struct vm *vm, uint32_t va, enum mmu_access acc,
		 bool user, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	const struct cpu *c = &vm->cpu;
	buf[0] = 0;
	say(&o, "translate 0x%08x: %s in %s mode, paging %s, mmu=%s\n", va,
	    access_names[acc], user ? "user" : "kernel",
	    c->paging & 1 ? "on" : "off", mmu_mode_name(vm->mmu.mode));
	if (!(c->paging & 1)) {
		say(&o, "  paging is off: the physical address is 0x%08x%s\n",
		    va, va < vm->mem.size ? "" : " -- no RAM there: bus error");
		return;
	}
	uint32_t dir = va >> 22, tab = (va >> 12) & 1023;
	say(&o, "  split: dir=%u (bits 31..22), table=%u (bits 21..12), "
	    "offset=0x%03x\n", dir, tab, va & MEM_PAGE_MASK);

	struct walk w;
	uint32_t far = 0;
	unsigned cause = walk_guest(vm, va, acc, user, false, &w, &far);
	say(&o, "  ptbr=0x%08x: PDE at 0x%08x", c->ptbr, w.pde_addr);
	if (cause == CPU_VEC_BUS_ERROR && far == w.pde_addr) {
		say(&o, " -- no RAM there: bus error\n");
		goto out;
	}
	say(&o, " = 0x%08x ", w.pde);
	bits(&o, w.pde);
	if (!(w.pde & MMU_PTE_P)) {
		say(&o, "\n  page fault: the directory entry is not present "
		    "(cause=0x%x)\n", cause);
		goto out;
	}
	say(&o, " -> page table at 0x%08x\n", w.pde & MMU_PTE_FRAME);
	say(&o, "  PTE at 0x%08x", w.pte_addr);
	if (cause == CPU_VEC_BUS_ERROR && far == w.pte_addr) {
		say(&o, " -- no RAM there: bus error\n");
		goto out;
	}
	say(&o, " = 0x%08x ", w.pte);
	bits(&o, w.pte);
	if (!(w.pte & MMU_PTE_P)) {
		say(&o, "\n  page fault: the table entry is not present "
		    "(cause=0x%x)\n", cause);
		goto out;
	}
	say(&o, " -> frame 0x%08x\n", w.pte & MMU_PTE_FRAME);
	bool wr = w.pde & w.pte & MMU_PTE_W, us = w.pde & w.pte & MMU_PTE_U;
	say(&o, "  permissions (PDE and PTE): %s, %s\n",
	    wr ? "writable" : "read-only",
	    us ? "user and kernel" : "kernel only");
	if (cause == CPU_VEC_BUS_ERROR) {
		say(&o, "  physical address: 0x%08x -- no RAM there: bus error\n",
		    far);
	} else if (cause) {
		say(&o, "  page fault: protection -- %s (cause=0x%x)\n",
		    user && !us ? "a user-mode access to a kernel page"
				: "a write to a read-only page", cause);
	} else {
		say(&o, "  physical address: 0x%08x\n", w.pa);
		if (acc == MMU_WRITE && !(w.pte & MMU_PTE_D))
			say(&o, "  this first write will set D in the PTE\n");
	}
	if (vm->mmu.mode == MMU_NESTED)
		nested(&o, vm, &w);
	if (vm->mmu.mode == MMU_SHADOW) {
		uintptr_t host;
		bool sw, su;
		if (shadow_lookup(&vm->mmu, c->ptbr, va, &host, &sw, &su))
			say(&o, "  shadow: 0x%08x -> host page, %s, %s%s\n",
			    va & MMU_PTE_FRAME,
			    sw ? "writable" : "read-only",
			    su ? "user" : "kernel only",
			    !sw && wr ? " (until the first write sets D)" : "");
		else
			say(&o, "  shadow: no entry yet; the next access walks "
			    "the guest table and fills it (a hidden fault)\n");
	}
	return;
out:
	if (vm->mmu.mode == MMU_NESTED)
		nested(&o, vm, &w);
}

unsigned mmu_peek(struct vm *vm, uint32_t va, enum mmu_access acc,
		  bool user, uint32_t *pa)
{
	if (!(vm->cpu.paging & 1)) {
		if (va >= vm->mem.size)
			return CPU_VEC_BUS_ERROR;
		*pa = va;
		return 0;
	}
	struct walk w;
	uint32_t far = 0;
	unsigned cause = walk_guest(vm, va, acc, user, false, &w, &far);
	if (!cause)
		*pa = w.pa;
	return cause;
}
