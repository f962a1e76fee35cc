/*
 * The TLB's slow paths and the MMU's bookkeeping: write tracking of page
 * tables, the architectural invalidations, and stale-use accounting.
 */
#include "mem/mmu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/vm.h"
#include "mem/shadow.h"
#include "mem/walk.h"

#define USED_STALE 0x8000u
#define USED_GEN_MAX 0x7fffu

int mmu_init(struct mmu *m, uint32_t npages, enum mmu_mode mode)
{
	memset(m, 0, sizeof *m);
	m->mode = mode;
	/* The paging tables wait for paging (tables_alloc): most machines
	 * a grader makes never page. */
	m->track_pages = npages;
	m->track_gen = 1;
	m->used_gen = 1;
	return 0;
}

#define USED_BYTES ((size_t)(1u << 20) * sizeof(uint16_t))

/* The tables paging needs, made when it is first turned on (or first
 * translates, in a machine restored with paging on): the stale-use table,
 * one entry per virtual page -- the host maps it on demand, so only the
 * parts a guest uses cost memory -- and the write-tracking table, a word
 * per page of RAM.  A machine that never pages has neither.  track is
 * made last: with it, both are there.  true, or false with the machine
 * stopped (no host memory). */
static bool tables_alloc(struct vm *vm)
{
	struct mmu *m = &vm->mmu;
	if (!m->used) {
		void *p = mmap(NULL, USED_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			       -1, 0);
		m->used = p == MAP_FAILED ? NULL : p;
	}
	if (m->used && !m->track)
		m->track = calloc(m->track_pages, sizeof *m->track);
	if (m->track)
		return true;
	snprintf(vm->stop_detail, sizeof vm->stop_detail,
		 "out of host memory for the MMU's tables");
	vm_stop(vm, VM_STOP_HOST_ERROR, 0);
	return false;
}

void mmu_free(struct mmu *m)
{
	shadow_drop_all(m);
	free(m->track);
	if (m->used)
		munmap(m->used, USED_BYTES);
	m->track = NULL;
	m->used = NULL;
}

const char *mmu_mode_name(enum mmu_mode mode)
{
	return mode == MMU_NESTED ? "nested" : "shadow";
}

void mmu_flush_tlb(struct vm *vm)
{
	vm->mmu.drops++;
	for (int s = 0; s < 2; s++) {
		struct mmu_tlb *t = &vm->cpu.tlb[s];
		/* A set nothing was put in since it was last flushed (a new
		 * machine's, reset again as its program loads) stays so. */
		if (!t->filled)
			continue;
		memset(t->r_tag, 0xff, sizeof t->r_tag);
		memset(t->w_tag, 0xff, sizeof t->w_tag);
		memset(t->x_tag, 0xff, sizeof t->x_tag);
		t->filled = false;
	}
}

static bool paging_on(const struct vm *vm)
{
	return vm->cpu.paging & 1;
}

/* ---- write tracking -------------------------------------------------- */

static bool tracked(const struct mmu *m, uint32_t gpa)
{
	return m->track && m->track[gpa >> MEM_PAGE_SHIFT] == m->track_gen;
}

/* The host page a valid write-TLB entry maps. */
static const uint8_t *w_page(const struct mmu_tlb *t, unsigned i)
{
	return (const uint8_t *)(t->w_addend[i] + (t->w_tag[i] & ~MMU_TAG_CODE));
}

/* Every store to this host page must come to mmu_store: drop its write
 * translations (a page table), or flag them (code: still hits). */
static void unmap_writes(struct vm *vm, const uint8_t *page, uint32_t flag)
{
	for (int s = 0; s < 2; s++)
		for (int i = 0; vm->cpu.tlb[s].filled && i < MMU_TLB_SIZE;
		     i++) {
			struct mmu_tlb *t = &vm->cpu.tlb[s];
			if (t->w_tag[i] != MMU_TAG_INVALID &&
			    w_page(t, i) == page)
				t->w_tag[i] = flag ? t->w_tag[i] | flag
						   : MMU_TAG_INVALID;
		}
}

/* Page pn holds a page table from now on. */
static void __attribute__((noinline)) track_page(struct vm *vm, uint32_t pn)
{
	vm->mmu.track[pn] = vm->mmu.track_gen;
	unmap_writes(vm, mem_host_page(&vm->mem, pn), 0);
}

/* Start tracking a page-table page.  It runs twice a TLB miss, nearly
 * always on a page tracked already: that much is a leaf (translate has
 * made the table). */
static void track(struct vm *vm, uint32_t gpa)
{
	struct mmu *m = &vm->mmu;
	if (gpa < vm->mem.size &&
	    m->track[gpa >> MEM_PAGE_SHIFT] != m->track_gen)
		track_page(vm, gpa >> MEM_PAGE_SHIFT);
}

static void untrack_all(struct mmu *m)
{
	if (++m->track_gen == 0) {
		m->track_gen = 1;
		/* Wrapped after 4 billion flushes: stale generations could
		 * match again, so forget them all. */
		if (m->track)
			memset(m->track, 0,
			       m->track_pages * sizeof *m->track);
	}
}

/* ---- stale-use accounting -------------------------------------------- */

static void new_used_generation(struct mmu *m)
{
	if (++m->used_gen > USED_GEN_MAX) {
		if (m->used)
			memset(m->used, 0, USED_BYTES);
		m->used_gen = 1;
	}
}

/* A use of virtual page vp; false if it is stale (counted). */
static bool note_use(struct mmu *m, uint32_t vp)
{
	uint16_t u = m->used[vp];	/* translate made the table */
	if (u == (m->used_gen | USED_STALE)) {
		m->stats.stale_uses++;
		return false;
	}
	m->used[vp] = m->used_gen;
	return true;
}

static void mark_stale(struct mmu *m, uint32_t vp)
{
	if (m->used && m->used[vp] == m->used_gen)
		m->used[vp] |= USED_STALE;
}

/* The guest changed the word at gpa in a page table of the current
 * address space: every virtual page it maps that a real TLB may hold now
 * may be stale there, until the guest invalidates it. */
static void mark_changed(struct vm *vm, uint32_t gpa)
{
	struct mmu *m = &vm->mmu;
	uint32_t dir = vm->cpu.ptbr & MMU_PTE_FRAME, page = gpa & MMU_PTE_FRAME;
	unsigned i = (gpa & MEM_PAGE_MASK) >> 2;
	const uint8_t *d = dir < vm->mem.size
			   ? mem_host_page(&vm->mem, dir >> MEM_PAGE_SHIFT)
			   : NULL;
	if (!d)
		return;
	if (page == dir)
		for (unsigned t = 0; t < 1024; t++)
			mark_stale(m, i << 10 | t);
	for (unsigned k = 0; k < 1024; k++) {
		uint32_t pde = mem_ld32(d + 4 * k);
		if ((pde & MMU_PTE_P) && (pde & MMU_PTE_FRAME) == page)
			mark_stale(m, k << 10 | i);
	}
}

/* A guest store hit a tracked page table: keep every cache coherent. */
static void page_table_written(struct vm *vm, uint32_t gpa, uint32_t old,
			       uint32_t new)
{
	struct mmu *m = &vm->mmu;
	m->stats.track_traps++;
	if (old != new && paging_on(vm))
		mark_changed(vm, gpa & ~3u);
	if (m->mode == MMU_SHADOW)
		shadow_invalidate(vm, gpa & ~3u);
	mmu_flush_tlb(vm);
	/* The page stays tracked even in nested mode, where no cached
	 * translation is left: a later store to it may make another used
	 * page stale, and that must be counted alike in both modes.  Only
	 * an architectural flush (mmu_invalidate_all) ends tracking. */
}

int mmu_dma_write(struct vm *vm, uint32_t gpa, const void *buf,
		  uint32_t len)
{
	const uint8_t *in = buf;
	if (len > vm->mem.size || gpa > vm->mem.size - len)
		return -1;
	while (len) {
		uint32_t off = gpa & MEM_PAGE_MASK, n = MEM_PAGE_SIZE - off;
		if (n > len)
			n = len;
		uint8_t *page = mem_page(&vm->mem, gpa);
		if (!page) {
			vm_stop(vm, VM_STOP_HOST_ERROR, 0);
			return -1;
		}
		mem_dirty_mark(&vm->mem, gpa);
		if (!tracked(&vm->mmu, gpa)) {
			memcpy(page + off, in, n);
			mem_code_written(&vm->mem, gpa, n);
		} else {
			/* Rare: a device overwrote a page table in use.  Each
			 * word it changes is a tracked store. */
			for (uint32_t i = 0; i < n; i++) {
				uint8_t *word = page + ((off + i) & ~3u);
				uint32_t old = mem_ld32(word);
				page[off + i] = in[i];
				mem_code_written(&vm->mem, gpa + i, 1);
				if (mem_ld32(word) != old)
					page_table_written(vm, gpa + i, old,
							   mem_ld32(word));
			}
		}
		in += n, gpa += n, len -= n;
	}
	return 0;
}

/* ---- the architectural invalidations ---------------------------------- */

void mmu_invalidate_page(struct vm *vm, uint32_t va)
{
	vm->mmu.drops++;
	for (int s = 0; s < 2; s++) {
		struct mmu_tlb *t = &vm->cpu.tlb[s];
		t->r_tag[mmu_slot(va)] = MMU_TAG_INVALID;
		t->w_tag[mmu_slot(va)] = MMU_TAG_INVALID;
		t->x_tag[mmu_slot(va)] = MMU_TAG_INVALID;
	}
	if (vm->mmu.used)
		vm->mmu.used[va >> MEM_PAGE_SHIFT] = 0;
}

void mmu_invalidate_all(struct vm *vm)
{
	mmu_flush_tlb(vm);
	new_used_generation(&vm->mmu);
	if (vm->mmu.mode == MMU_NESTED)
		untrack_all(&vm->mmu);
}

void mmu_reset(struct vm *vm)
{
	shadow_drop_all(&vm->mmu);
	untrack_all(&vm->mmu);
	mmu_invalidate_all(vm);
}

void mmu_set_ptbr(struct vm *vm, uint32_t ptbr)
{
	ptbr &= MMU_PTE_FRAME;
	if (ptbr != vm->cpu.ptbr)
		vm->mmu.stats.as_switches++;
	vm->cpu.ptbr = ptbr;
	mmu_invalidate_all(vm);
}

void mmu_set_paging(struct vm *vm, uint32_t paging)
{
	paging &= 1;
	if (paging && !tables_alloc(vm))
		paging = 0;
	if (paging != vm->cpu.paging) {
		/* Shadows were kept coherent only while paging was on. */
		shadow_drop_all(&vm->mmu);
		untrack_all(&vm->mmu);
	}
	vm->cpu.paging = paging;
	mmu_invalidate_all(vm);
}

/* ---- translation ------------------------------------------------------ */

/* The host page for va and its guest-physical address, or a cause.  *cache
 * says whether the TLB may keep this translation for this kind of access. */
static unsigned translate(struct vm *vm, uint32_t va, enum mmu_access acc,
			  uint8_t **page, uint32_t *gpa_out, bool *cache,
			  uint32_t *far)
{
	struct mmu *m = &vm->mmu;
	bool user = !(vm->cpu.flags & CPU_P);
	uint32_t gpa;
	unsigned cause = 0;
	struct walk w;
	const struct walk *walked = NULL;	/* for the trace */

	m->stats.misses[acc]++;
	*page = NULL;
	if (!paging_on(vm)) {
		gpa = va;
	} else if (!m->track && !tables_alloc(vm)) {
		*far = va;
		cause = CPU_VEC_BUS_ERROR;
	} else if (m->mode == MMU_NESTED) {
		cause = walk_guest(vm, va, acc, user, true, &w, far);
		walked = &w;
		m->stats.walks++;
		m->stats.walk_refs += w.refs;
		if (!cause) {
			track(vm, w.pde_addr);
			track(vm, w.pte_addr);
			gpa = w.pa;
		}
	} else {
		uint32_t tables[2];
		cause = shadow_translate(vm, va, acc, user, page, &gpa, tables,
					 far);
		if (!cause) {
			track(vm, tables[0]);
			track(vm, tables[1]);
		}
	}
	if ((cause & 0xff) == CPU_VEC_PAGE_FAULT) {
		m->stats.page_faults++;
		*far = va;
	} else if (!cause && !*page &&
		   !(*page = acc == MMU_WRITE ? mem_page(&vm->mem, gpa)
					      : mem_page_read(&vm->mem, gpa))) {
		if (vm->mem.oom)
			vm_stop(vm, VM_STOP_HOST_ERROR, 0);
		*far = gpa;
		cause = CPU_VEC_BUS_ERROR;
	}
	if (vm->trace && vm->trace->tlb_miss)
		vm->trace->tlb_miss(vm->trace->opaque, va, acc, cause,
				    cause ? *far : (gpa & MMU_PTE_FRAME) |
						   (va & MEM_PAGE_MASK), walked);
	if (cause)
		return cause;
	*cache = !paging_on(vm) || note_use(m, va >> MEM_PAGE_SHIFT);
	/* Stores to a page table must come back here, to be tracked. */
	if (acc == MMU_WRITE && tracked(m, gpa))
		*cache = false;
	*gpa_out = (gpa & MMU_PTE_FRAME) | (va & MEM_PAGE_MASK);
	return 0;
}

static void fill(struct mmu_tlb *t, uint32_t *tag, uintptr_t *addend,
		 uint32_t va, uint8_t *page)
{
	unsigned i = mmu_slot(va);
	t->filled = true;
	tag[i] = va & ~MEM_PAGE_MASK;
	addend[i] = (uintptr_t)page - tag[i];
}

static struct mmu_tlb *cur_tlb(struct vm *vm)
{
	return vm->cpu.tlb_cur;
}

unsigned mmu_load(struct vm *vm, uint32_t va, unsigned size, uint32_t *out,
		  uint32_t *far)
{
	uint8_t *page;
	uint32_t gpa;
	bool cache;
	if (va & (size - 1)) {
		*far = va;
		return CPU_VEC_MISALIGNED;
	}
	unsigned cause = translate(vm, va, MMU_READ, &page, &gpa, &cache, far);
	if (cause)
		return cause;
	if (cache)
		fill(cur_tlb(vm), cur_tlb(vm)->r_tag, cur_tlb(vm)->r_addend,
		     va, page);
	const uint8_t *p = page + (va & MEM_PAGE_MASK);
	*out = size == 4 ? mem_ld32(p) : size == 2 ? mem_ld16(p) : *p;
	return 0;
}

/* Forget the decoded instruction at gpa, if any. */
static inline __attribute__((always_inline)) void
code_written(struct vm *vm, uint32_t gpa)
{
	struct code_page *c = mem_code_at(&vm->mem, gpa);
	if (c)
		c->e[(gpa & MEM_PAGE_MASK) >> 2].op = CODE_OP_UNDECODED;
}

static void store_host(uint8_t *p, unsigned size, uint32_t val)
{
	if (size == 4)
		mem_st32(p, val);
	else if (size == 2)
		mem_st16(p, (uint16_t)val);
	else
		*p = (uint8_t)val;
}

unsigned mmu_store(struct vm *vm, uint32_t va, unsigned size, uint32_t val,
		   uint32_t *far)
{
	uint8_t *page;
	uint32_t gpa;
	bool cache;
	struct mmu_tlb *t = cur_tlb(vm);
	unsigned i = mmu_slot(va);
	if (t->w_tag[i] == (mmu_tag(va, size) | MMU_TAG_CODE)) {
		/* A hit on a page with decoded code. */
		store_host((uint8_t *)(t->w_addend[i] + va), size, val);
		code_written(vm, t->w_gpa[i] | (va & MEM_PAGE_MASK));
		return 0;
	}
	if (va & (size - 1)) {
		*far = va;
		return CPU_VEC_MISALIGNED;
	}
	unsigned cause = translate(vm, va, MMU_WRITE, &page, &gpa, &cache, far);
	if (cause)
		return cause;
	uint8_t *p = page + (va & MEM_PAGE_MASK), *word = page +
						       (va & MEM_PAGE_MASK & ~3u);
	uint32_t old = mem_ld32(word);
	mem_dirty_mark(&vm->mem, gpa);
	store_host(p, size, val);
	code_written(vm, gpa);
	if (cache) {
		fill(t, t->w_tag, t->w_addend, va, page);
		t->w_gpa[i] = gpa & ~MEM_PAGE_MASK;
		if (mem_has_code(&vm->mem, gpa))
			t->w_tag[i] |= MMU_TAG_CODE;
		return 0;
	}
	if (tracked(&vm->mmu, gpa))
		page_table_written(vm, gpa, old, mem_ld32(word));
	return 0;
}

unsigned mmu_fetch_code(struct vm *vm, uint32_t pc, struct code_page **code,
			uint8_t **host, uint32_t *far)
{
	struct mmu_tlb *t = cur_tlb(vm);
	unsigned i = mmu_slot(pc);
	if (t->x_tag[i] == mmu_tag(pc, 4)) {
		*code = t->x_code[i];
		return 0;
	}
	uint32_t gpa;
	bool cacheable, created;
	unsigned cause = translate(vm, pc, MMU_FETCH, host, &gpa, &cacheable,
				   far);
	*code = NULL;
	if (cause || !cacheable)
		return cause;
	if (!(*code = mem_code_page(&vm->mem, gpa, &created))) {
		vm_stop(vm, VM_STOP_HOST_ERROR, 0);
		*far = gpa;
		return CPU_VEC_BUS_ERROR;
	}
	if (created)
		unmap_writes(vm, *host, MMU_TAG_CODE);
	t->filled = true;
	t->x_tag[i] = pc & ~MEM_PAGE_MASK;
	t->x_code[i] = *code;
	return 0;
}

unsigned mmu_read32(struct vm *vm, uint32_t va, uint32_t *out, uint32_t *far)
{
	struct mmu_tlb *t = cur_tlb(vm);
	unsigned i = mmu_slot(va);
	if (t->r_tag[i] == mmu_tag(va, 4)) {
		*out = mem_ld32((uint8_t *)(t->r_addend[i] + va));
		return 0;
	}
	return mmu_load(vm, va, 4, out, far);
}

unsigned mmu_write32(struct vm *vm, uint32_t va, uint32_t val, uint32_t *far)
{
	struct mmu_tlb *t = cur_tlb(vm);
	unsigned i = mmu_slot(va);
	if (t->w_tag[i] == mmu_tag(va, 4)) {
		mem_st32((uint8_t *)(t->w_addend[i] + va), val);
		return 0;
	}
	return mmu_store(vm, va, 4, val, far);
}
