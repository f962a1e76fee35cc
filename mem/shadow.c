/*
 * Shadow page tables.  For each guest address space (keyed by its page
 * directory's address, ptbr) the emulator keeps a two-level table of its
 * own that maps guest-virtual pages straight to host pages, with the
 * effective permissions:
 *
 *   shadow_as.table[dir][table] = { host page, SH_VALID | SH_W | SH_U }
 *   shadow_as.table_gpa[dir]    = the guest page table it was built from
 *
 * A page is entered read-only until the guest's PTE has D set, so the first
 * write comes back here and the walk sets D exactly when the architecture
 * says.  The guest's directory and table pages are write-tracked (mmu.c);
 * a store into one drops the shadow entries built from it.  At most
 * MMU_MAX_AS address spaces are kept; the least recently used goes.
 */
#include "mem/shadow.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/vm.h"
#include "mem/walk.h"

#define SH_VALID 1u
#define SH_W 2u
#define SH_U 4u
#define NO_TABLE 0xffffffffu

struct shadow_pte {
	uint8_t *host;
	uint32_t gpa;		/* the guest-physical page it maps */
	uint32_t flags;
};

struct shadow_as {
	uint32_t ptbr;
	uint64_t last_used;
	uint32_t table_gpa[1024];
	struct shadow_pte *table[1024];
};

static void as_free(struct shadow_as *as)
{
	for (int d = 0; d < 1024; d++)
		free(as->table[d]);
	free(as);
}

void shadow_drop_all(struct mmu *m)
{
	for (int i = 0; i < MMU_MAX_AS; i++) {
		if (m->as[i])
			as_free(m->as[i]);
		m->as[i] = NULL;
	}
	m->cur = NULL;
}

void shadow_forget_host(struct mmu *m, const uint8_t *host)
{
	for (int i = 0; i < MMU_MAX_AS; i++) {
		struct shadow_as *as = m->as[i];
		for (int d = 0; as && d < 1024; d++)
			for (int t = 0; as->table[d] && t < 1024; t++)
				if (as->table[d][t].host == host)
					as->table[d][t].flags = 0;
	}
}

/* Find or build the shadow of the address space at ptbr. */
static struct shadow_as *as_get(struct mmu *m, uint32_t ptbr)
{
	int free_slot = -1, lru = 0;
	for (int i = 0; i < MMU_MAX_AS; i++) {
		if (!m->as[i]) {
			free_slot = i;
			continue;
		}
		if (m->as[i]->ptbr == ptbr) {
			m->as[i]->last_used = ++m->as_clock;
			return m->as[i];
		}
		if (m->as[lru] == NULL ||
		    m->as[i]->last_used < m->as[lru]->last_used)
			lru = i;
	}
	if (free_slot < 0) {
		as_free(m->as[lru]);
		m->stats.as_evictions++;
		free_slot = lru;
	}
	struct shadow_as *as = calloc(1, sizeof *as);
	if (!as)
		return NULL;
	as->ptbr = ptbr;
	as->last_used = ++m->as_clock;
	for (int d = 0; d < 1024; d++)
		as->table_gpa[d] = NO_TABLE;
	return m->as[free_slot] = as;
}

static bool allowed(uint32_t flags, enum mmu_access acc, bool user)
{
	return (flags & SH_VALID) && (!user || (flags & SH_U)) &&
	       (acc != MMU_WRITE || (flags & SH_W));
}

unsigned shadow_translate(struct vm *vm, uint32_t va, enum mmu_access acc,
			  bool user, uint8_t **host_page, uint32_t *gpa,
			  uint32_t tables[2], uint32_t *far)
{
	struct mmu *m = &vm->mmu;
	uint32_t ptbr = vm->cpu.ptbr & MMU_PTE_FRAME;
	unsigned d = va >> 22, t = (va >> 12) & 1023;

	if (!m->cur || m->cur->ptbr != ptbr)
		m->cur = as_get(m, ptbr);
	struct shadow_as *as = m->cur;
	if (!as) {
		vm_stop(vm, VM_STOP_HOST_ERROR, 0);
		*far = va;
		return CPU_VEC_BUS_ERROR;
	}
	struct shadow_pte *e = as->table[d] ? &as->table[d][t] : NULL;
	if (e && allowed(e->flags, acc, user)) {
		m->stats.shadow_hits++;
		*host_page = e->host;
		*gpa = e->gpa;
		tables[0] = ptbr;
		tables[1] = as->table_gpa[d];
		return 0;
	}

	/* A hidden fault: walk the guest's table once, fill the shadow. */
	struct walk w;
	unsigned cause = walk_guest(vm, va, acc, user, true, &w, far);
	m->stats.walks++;
	m->stats.walk_refs += w.refs;
	if (cause)
		return cause;
	/* A page shared by the host's memory manager may be read here,
	 * but never written through the shadow: a write comes back. */
	uint8_t *page = acc == MMU_WRITE ? mem_page(&vm->mem, w.pa)
					 : mem_page_read(&vm->mem, w.pa);
	if (!page) {
		*far = w.pa;
		return CPU_VEC_BUS_ERROR;
	}
	uint32_t table_gpa = w.pde & MMU_PTE_FRAME;
	if (!as->table[d] || as->table_gpa[d] != table_gpa) {
		free(as->table[d]);
		as->table[d] = calloc(1024, sizeof *as->table[d]);
		as->table_gpa[d] = table_gpa;
		if (!as->table[d]) {
			vm_stop(vm, VM_STOP_HOST_ERROR, 0);
			*far = va;
			return CPU_VEC_BUS_ERROR;
		}
	}
	e = &as->table[d][t];
	e->host = page;
	e->gpa = w.pa & MMU_PTE_FRAME;
	e->flags = SH_VALID | (w.user ? SH_U : 0) |
		   (w.writable && (w.pte & MMU_PTE_D) &&
		    !mem_shared(&vm->mem, w.pa) ? SH_W : 0);
	m->stats.shadow_fills++;
	*host_page = page;
	*gpa = e->gpa;
	tables[0] = ptbr;
	tables[1] = table_gpa;
	return 0;
}

void shadow_invalidate(struct vm *vm, uint32_t gpa)
{
	struct mmu *m = &vm->mmu;
	uint32_t page = gpa & MMU_PTE_FRAME;
	unsigned i = (gpa & MEM_PAGE_MASK) >> 2;

	for (int k = 0; k < MMU_MAX_AS; k++) {
		struct shadow_as *as = m->as[k];
		if (!as)
			continue;
		if (as->ptbr == page && as->table[i]) {
			/* A directory entry: its whole shadow table goes. */
			for (int t = 0; t < 1024; t++)
				if (as->table[i][t].flags & SH_VALID)
					m->stats.shadow_invalidations++;
			free(as->table[i]);
			as->table[i] = NULL;
			as->table_gpa[i] = NO_TABLE;
		}
		for (int d = 0; d < 1024; d++)
			if (as->table[d] && as->table_gpa[d] == page &&
			    (as->table[d][i].flags & SH_VALID)) {
				as->table[d][i].flags = 0;
				m->stats.shadow_invalidations++;
			}
	}
}

bool shadow_lookup(const struct mmu *m, uint32_t ptbr, uint32_t va,
		   uintptr_t *host, bool *writable, bool *user)
{
	ptbr &= MMU_PTE_FRAME;
	for (int k = 0; k < MMU_MAX_AS; k++) {
		const struct shadow_as *as = m->as[k];
		if (!as || as->ptbr != ptbr || !as->table[va >> 22])
			continue;
		const struct shadow_pte *e =
			&as->table[va >> 22][(va >> 12) & 1023];
		if (!(e->flags & SH_VALID))
			return false;
		*host = (uintptr_t)e->host;
		*writable = e->flags & SH_W;
		*user = e->flags & SH_U;
		return true;
	}
	return false;
}
