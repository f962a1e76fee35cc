/*
 * Address translation: the software TLB, paging (docs/isa.md, section 6)
 * and the two ways a hypervisor virtualizes it.
 *
 * Two sets of three small direct-mapped caches (read, write, fetch), one
 * set per mode, map a virtual page to a host pointer.  A hit is one compare
 * and one add:
 *
 *     i = (va >> 12) % MMU_TLB_SIZE;
 *     if (t->r_tag[i] == (va & (0xfffff000 | (size - 1))))
 *             host = t->r_addend[i] + va;
 *
 * The low bits of the compare also reject a misaligned access, which then
 * goes to the slow path and becomes an exception.  Port I/O is not memory
 * and is never cached.  A miss goes to one slow path:
 *
 *   paging off:  virtual = guest-physical -> the guest-physical-to-host map
 *   nested:      walk the guest's table (guest-virtual -> guest-physical),
 *                translating each guest-physical address it touches through
 *                the guest-physical-to-host map, as EPT hardware does
 *   shadow:      look up the shadow table of this address space, which maps
 *                guest-virtual pages straight to host pages; on a shadow miss
 *                walk the guest's table once and fill it (a hidden fault)
 *
 * Both strategies keep the caches coherent by write-tracking the guest's
 * page-table pages, so they behave identically, architecturally, even for
 * software that forgets to invalidate (and such uses are counted).
 */
#ifndef AULA_MMU_H
#define AULA_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MMU_TLB_SIZE 256
#define MMU_TAG_INVALID 0xffffffffu	/* never equal to a masked address */
/* In a write-TLB tag: the page holds decoded code.  No masked address has
 * this bit, so the interpreter's one compare fails and the store goes to
 * mmu_store, which does it as the hit it is (no miss is counted) and
 * forgets the decoded word. */
#define MMU_TAG_CODE 0x800u
#define MMU_MAX_AS 8			/* shadow address spaces kept */

struct vm;
struct shadow_as;

/* Page-table entry bits (docs/isa.md, section 6). */
enum mmu_pte {
	MMU_PTE_P = 1u << 0, MMU_PTE_W = 1u << 1, MMU_PTE_U = 1u << 2,
	MMU_PTE_A = 1u << 3, MMU_PTE_D = 1u << 4,
};
#define MMU_PTE_FRAME 0xfffff000u

/* Page-fault details in cause bits 8..11. */
enum mmu_fault_bits {
	MMU_FAULT_PROT = 1u << 8, MMU_FAULT_WRITE = 1u << 9,
	MMU_FAULT_FETCH = 1u << 10, MMU_FAULT_USER = 1u << 11,
};

enum mmu_mode { MMU_SHADOW, MMU_NESTED };
enum mmu_access { MMU_READ, MMU_WRITE, MMU_FETCH, MMU_NACCESS };

/* The tags first, together, so a flush is one small memset.  The fetch
 * TLB maps a virtual page to its decoded code (mem/code.h). */
struct mmu_tlb {
	uint32_t r_tag[MMU_TLB_SIZE], w_tag[MMU_TLB_SIZE],
		x_tag[MMU_TLB_SIZE];
	uintptr_t r_addend[MMU_TLB_SIZE];	/* host - virtual address */
	uintptr_t w_addend[MMU_TLB_SIZE];
	struct code_page *x_code[MMU_TLB_SIZE];
	uint32_t w_gpa[MMU_TLB_SIZE];	/* guest-physical page of each w */
	/* Some tag may be valid: false when every tag is invalid (flushed,
	 * nothing put in since), so that a flush need not write them. */
	bool filled;
};

/* What students read with --stats; field names are the output's keys. */
struct mmu_stats {
	uint64_t accesses[MMU_NACCESS];	/* data accesses; fetch: see mmu.c */
	uint64_t misses[MMU_NACCESS];	/* TLB misses */
	uint64_t walks;			/* guest page-table walks */
	uint64_t walk_refs;		/* memory references those walks made */
	uint64_t shadow_hits;		/* TLB misses served by the shadow */
	uint64_t shadow_fills;		/* hidden faults: shadow entry built */
	uint64_t track_traps;		/* stores into tracked page tables */
	uint64_t shadow_invalidations;	/* shadow entries dropped by them */
	uint64_t as_switches;		/* ptbr changed */
	uint64_t as_evictions;		/* shadow address spaces evicted */
	uint64_t page_faults;		/* page faults delivered to the guest */
	uint64_t stale_uses;		/* uses a real TLB could serve stale */
};

struct mmu {
	enum mmu_mode mode;
	struct mmu_stats stats;
	/* TLB entries dropped (tlbi, a flush): a host count, not saved; a
	 * polling loop that drops one is not the same turn after turn
	 * (cpu/poll.h). */
	uint64_t drops;
	/* Write tracking: guest page p holds a page table in use iff
	 * track[p] == track_gen.  Bumping track_gen untracks every page.
	 * NULL until paging is first on (made after used: with it, both are). */
	uint32_t *track;
	uint32_t track_gen, track_pages;
	/* Stale-use accounting: virtual page v was used since its last
	 * invalidation iff (used[v] & 0x7fff) == used_gen; bit 15 marks it
	 * stale (its entry changed without an invalidation).  NULL until
	 * paging is first turned on. */
	uint16_t *used;
	uint16_t used_gen;
	struct shadow_as *as[MMU_MAX_AS];
	struct shadow_as *cur;		/* shadow of the current ptbr */
	uint64_t as_clock;
};

int mmu_init(struct mmu *m, uint32_t npages, enum mmu_mode mode);
void mmu_free(struct mmu *m);

void mmu_flush_tlb(struct vm *vm);
/* Machine reset: no translation, shadow or tracking survives. */
void mmu_reset(struct vm *vm);
/* The architectural events (docs/isa.md): tlbi, tlbia, ptbr and paging
 * writes. */
void mmu_invalidate_page(struct vm *vm, uint32_t va);
void mmu_invalidate_all(struct vm *vm);
void mmu_set_ptbr(struct vm *vm, uint32_t ptbr);
void mmu_set_paging(struct vm *vm, uint32_t paging);

static inline uint32_t mmu_tag(uint32_t va, unsigned size)
{
	return va & (0xfffff000u | (size - 1));
}
static inline unsigned mmu_slot(uint32_t va)
{
	return (va >> 12) % MMU_TLB_SIZE;
}

/* Slow paths.  Each returns 0, or the exception vector to raise with the
 * faulting address in *far (and cause details in the CPU's cause, for a
 * page fault); on success the TLB entry is filled when it may be cached.
 *
 * mmu_store is the one place every store that fails the write TLB's
 * compare goes (the interpreter's stores, exception frames): a page that
 * is tracked (a page table in use) is never put in the write TLB, and one
 * that holds decoded code is there with MMU_TAG_CODE, so every store to
 * either comes here, and here keeps the shadows and the decode cache
 * coherent.  Hooks that must see stores (dirty tracking) belong here and
 * in mmu_dma_write; flushing the write TLBs (mmu_flush_tlb) makes every
 * page's next store come here again, as a counted miss; setting a flag
 * bit like MMU_TAG_CODE in an entry's tag does so without one. */
unsigned mmu_load(struct vm *vm, uint32_t va, unsigned size, uint32_t *out,
		  uint32_t *far);
unsigned mmu_store(struct vm *vm, uint32_t va, unsigned size, uint32_t val,
		   uint32_t *far);
/* The code page for pc (a multiple of 4), through the fetch TLB.  *code
 * is NULL when the interpreter must come back for the next instruction (a
 * stale translation, counted at every use): it then decodes the word at
 * *host + (pc % 4096) alone, *host being the guest page's bytes. */
unsigned mmu_fetch_code(struct vm *vm, uint32_t pc, struct code_page **code,
			uint8_t **host, uint32_t *far);

/* A device writes guest RAM (DMA) behind the CPU's back, by guest-physical
 * address.  Bytes that land in a write-tracked page table keep every cache
 * coherent as a CPU store there would, so both strategies still agree;
 * decoded code they overwrite is forgotten (mem_code_written).
 * 0, or -1 if any byte lies outside RAM (nothing is written then) or the
 * host ran out of memory (which also stops the machine). */
int mmu_dma_write(struct vm *vm, uint32_t gpa, const void *buf,
		  uint32_t len);

/* Word access through the MMU in the current mode, for code outside the
 * interpreter loop (exception entry, rti, tests). */
unsigned mmu_read32(struct vm *vm, uint32_t va, uint32_t *out,
		    uint32_t *far);
unsigned mmu_write32(struct vm *vm, uint32_t va, uint32_t val,
		     uint32_t *far);

/* Narrate the translation of va, step by step, into buf (the monitor's
 * `translate`).  Changes nothing: no A/D bits, no counters. */
void mmu_explain(struct vm *vm, uint32_t va, enum mmu_access acc,
		 bool user, char *buf, size_t len);

/* Translate va as an access of this kind in this mode would, but without
 * side effects: no A/D bits, no counters, no TLB fill, no page allocated
 * (for debuggers: the monitor's x, bt, watchpoints).  0 with the physical
 * address in *pa, or the cause the access would raise. */
unsigned mmu_peek(struct vm *vm, uint32_t va, enum mmu_access acc,
		  bool user, uint32_t *pa);

const char *mmu_mode_name(enum mmu_mode m);

#endif
