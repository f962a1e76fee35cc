/*
 * Address translation for the CPU: the software TLB and its slow paths.
 *
 * Three small direct-mapped caches (read, write, fetch) map a virtual page
 * to a host pointer.  A hit is one compare and one add:
 *
 *     e = &tlb[(va >> 12) % MMU_TLB_SIZE];
 *     if (e->tag == (va & (0xfffff000 | (size - 1))))  host = e->addend + va;
 *
 * The low bits of the compare also reject a misaligned access, which then
 * goes to the slow path and becomes an exception.  Port I/O is not memory
 * and is never cached.  With paging off, virtual = guest-physical and a
 * miss consults the guest-physical-to-host map (mem/mem.h); paging adds the
 * page-table walk to the miss (see docs/isa.md).
 */
#ifndef AULA_MMU_H
#define AULA_MMU_H

#include <stdint.h>

#define MMU_TLB_SIZE 256
#define MMU_TAG_INVALID 0xffffffffu	/* never equal to a masked address */

struct vm;

struct mmu_tlb_entry {
	uint32_t tag;
	uintptr_t addend;	/* host address - virtual address */
};

struct mmu_tlb {
	struct mmu_tlb_entry r[MMU_TLB_SIZE], w[MMU_TLB_SIZE],
		x[MMU_TLB_SIZE];
};

void mmu_flush(struct mmu_tlb *t);

static inline uint32_t mmu_tag(uint32_t va, unsigned size)
{
	return va & (0xfffff000u | (size - 1));
}
static inline struct mmu_tlb_entry *mmu_slot(struct mmu_tlb_entry *set,
					     uint32_t va)
{
	return &set[(va >> 12) % MMU_TLB_SIZE];
}

/* Slow paths.  Each returns 0, or the exception vector to raise with the
 * faulting address in *far; on success the TLB entry is filled. */
unsigned mmu_load(struct vm *vm, uint32_t va, unsigned size, uint32_t *out,
		  uint32_t *far);
unsigned mmu_store(struct vm *vm, uint32_t va, unsigned size, uint32_t val,
		   uint32_t *far);
/* Host pointer to the start of the page holding pc (a multiple of 4). */
unsigned mmu_fetch_page(struct vm *vm, uint32_t pc, uint8_t **page,
			uint32_t *far);

/* Load and store through the TLB, for code outside the interpreter loop
 * (exception entry, rti, tests).  Same return convention. */
unsigned mmu_read32(struct vm *vm, uint32_t va, uint32_t *out,
		    uint32_t *far);
unsigned mmu_write32(struct vm *vm, uint32_t va, uint32_t val,
		     uint32_t *far);

#endif
