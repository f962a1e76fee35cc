/*
 * The two-level walk (docs/isa.md, section 6):
 *
 *   31        22 21        12 11          0
 *  +------------+------------+-------------+
 *  |    dir     |   table    |   offset    |
 *  +------------+------------+-------------+
 *
 *  PDE = M32[ptbr + 4*dir]        PTE = M32[PDE.frame + 4*table]
 *  pa  = PTE.frame + offset
 *
 *  entry:  frame (31..12) | avail (11..5) | D | A | U | W | P
 */
#include "mem/walk.h"

#include "cpu/cpu.h"
#include "cpu/vm.h"

/* Cause bits of a page fault for this access. */
static uint32_t walk_fault_cause(enum mmu_access acc, bool user,
				 bool protection)
{
	return CPU_VEC_PAGE_FAULT | (protection ? MMU_FAULT_PROT : 0) |
	       (acc == MMU_WRITE ? MMU_FAULT_WRITE : 0) |
	       (acc == MMU_FETCH ? MMU_FAULT_FETCH : 0) |
	       (user ? MMU_FAULT_USER : 0);
}

/* One guest-physical entry: a host-map lookup, then the read.  NULL if
 * gpa has no RAM.  Without alloc (narration), an untouched page reads as
 * zero and stays untouched; *value is then set and NULL returned with
 * *untouched, which callers only read. */
static uint8_t *entry(struct vm *vm, uint32_t gpa, struct walk *w,
		      uint32_t *value, bool alloc, bool *missing)
{
	static const uint8_t zero[4];
	w->refs += 2;
	*missing = gpa >= vm->mem.size;
	if (*missing)
		return NULL;
	uint8_t *page = alloc ? mem_page(&vm->mem, gpa)
			      : mem_host_page(&vm->mem, gpa >> MEM_PAGE_SHIFT);
	if (!page) {
		*missing = alloc;	/* alloc fails only without host memory */
		*value = 0;
		return alloc ? NULL : (uint8_t *)zero;
	}
	uint8_t *p = page + (gpa & MEM_PAGE_MASK);
	*value = mem_ld32(p);
	return p;
}

unsigned walk_guest(struct vm *vm, uint32_t va, enum mmu_access acc,
		    bool user, bool set_ad, struct walk *w, uint32_t *far)
{
	uint32_t ptbr = vm->cpu.ptbr & MMU_PTE_FRAME;
	uint8_t *pde_p, *pte_p;
	bool missing;

	w->refs = 0;
	w->pde_addr = ptbr + ((va >> 22) << 2);
	pde_p = entry(vm, w->pde_addr, w, &w->pde, set_ad, &missing);
	if (missing) {
		*far = w->pde_addr;
		return CPU_VEC_BUS_ERROR;
	}
	if (!(w->pde & MMU_PTE_P))
		return walk_fault_cause(acc, user, false);
	w->pte_addr = (w->pde & MMU_PTE_FRAME) + (((va >> 12) & 1023) << 2);
	pte_p = entry(vm, w->pte_addr, w, &w->pte, set_ad, &missing);
	if (missing) {
		*far = w->pte_addr;
		return CPU_VEC_BUS_ERROR;
	}
	if (!(w->pte & MMU_PTE_P))
		return walk_fault_cause(acc, user, false);
	w->writable = w->pde & w->pte & MMU_PTE_W;
	w->user = w->pde & w->pte & MMU_PTE_U;
	if ((user && !w->user) || (acc == MMU_WRITE && !w->writable))
		return walk_fault_cause(acc, user, true);

	w->pa = (w->pte & MMU_PTE_FRAME) | (va & MEM_PAGE_MASK);
	w->refs += 2;		/* the data page's lookup and the access */
	if (w->pa >= vm->mem.size) {
		/* The access cannot complete: a walk that faults sets no
		 * A or D bit. */
		*far = w->pa;
		return CPU_VEC_BUS_ERROR;
	}
	if (set_ad) {
		/* The hardware's own writes: not guest stores, so they do
		 * not go through write tracking. */
		if (!(w->pde & MMU_PTE_A)) {
			mem_st32(pde_p, w->pde |= MMU_PTE_A);
			mem_dirty_mark(&vm->mem, w->pde_addr);
			mem_code_written(&vm->mem, w->pde_addr, 4);
		}
		uint32_t bits = MMU_PTE_A | (acc == MMU_WRITE ? MMU_PTE_D : 0);
		if ((w->pte & bits) != bits) {
			mem_st32(pte_p, w->pte |= bits);
			mem_dirty_mark(&vm->mem, w->pte_addr);
			mem_code_written(&vm->mem, w->pte_addr, 4);
		}
	}
	return 0;
}
