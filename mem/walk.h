/* The guest page-table walk, shared by the nested and shadow strategies. */
#ifndef AULA_WALK_H
#define AULA_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/mmu.h"

struct vm;

struct walk {
	uint32_t pde_addr, pde;	/* guest-physical address and value */
	uint32_t pte_addr, pte;
	uint32_t pa;		/* the translation, on success */
	bool writable, user;	/* effective permissions (PDE and PTE) */
	unsigned refs;		/* memory references made */
};

/*
 * Walk va through the guest's tables (ptbr), checking the access.  With
 * set_ad, set A in both entries and D in the PTE for a write, in guest
 * memory, as the hardware does.  Every guest-physical address the walk
 * touches goes through the guest-physical-to-host map: with G = 2 guest
 * levels and N = 1 host level a complete walk, data access included, makes
 * (G+1) x (N+1) = 6 memory references.
 *
 * Returns 0, or a cause: CPU_VEC_PAGE_FAULT | MMU_FAULT_* bits, or
 * CPU_VEC_BUS_ERROR when an entry's address has no RAM (*far = it).
 */
unsigned walk_guest(struct vm *vm, uint32_t va, enum mmu_access acc,
		    bool user, bool set_ad, struct walk *w, uint32_t *far);


#endif
