/*
 * The host's memory manager: one host's RAM budget shared by the machines
 * of a lab (lab/, aula-lab(5), MEMORY), the way a hypervisor manages it.
 *
 * Guest pages are given on first touch, as without a pool, but each host
 * page counts against the budget.  When the budget is reached, the pool
 * takes a page back before it gives one:
 *
 *   swap     a clock hand sweeps the host's resident private pages; a page
 *            touched since the hand last passed (its accessed bit) is
 *            spared and its bit cleared, the first untouched one is
 *            written to its machine's swap file (through the host's
 *            callbacks: the core opens no file) and its host page freed.
 *            The next touch reads it back.  The guest cannot tell.
 *   sharing  at each scan, resident pages with the same contents (zero
 *            pages, the same kernel in several clones) are merged into
 *            one host page, mapped read-only; the first write to it gives
 *            the writer a private copy again (copy on write).
 *   balloon  a guest's balloon driver hands pages back (mem_discard); they
 *            cost nothing until touched again.
 *
 * The accessed bits come from the slow paths only: a page is marked when a
 * TLB or shadow miss looks it up (mem_page, mem_page_read).  pool_sample
 * drops every machine's cached translations, so that the next interval's
 * misses mark what each machine really uses: that count is its working
 * set.
 *
 * Host pages taken away while a machine runs are freed only at
 * pool_quiesce, when no machine runs: the interpreter may still hold the
 * current code page.  The pages handed out last are never taken (a page
 * table walk holds two of them at once).
 */
#ifndef AULA_POOL_H
#define AULA_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

/* Host services for one machine's swap file: a page of 4 KiB at page
 * number pn.  0, or -1 when the host failed (then the page is kept in
 * memory, over the budget, and the failure counted). */
struct pool_swap_host {
	void *opaque;
	int (*write)(void *opaque, uint32_t pn, const void *page);
	int (*read)(void *opaque, uint32_t pn, void *page);
};

struct pool_vm_stats {
	uint64_t resident;	/* private host pages it has now */
	uint64_t swapped;	/* pages in its swap file now */
	uint64_t shared;	/* pages mapped to a shared host page now */
	uint64_t ballooned;	/* pages in its balloon now */
	uint64_t swap_outs, swap_ins, cow_breaks, merges;
	uint64_t wss;		/* pages touched in the last interval */
	uint64_t wss_peak;
};

struct pool_stats {
	uint64_t budget;	/* host pages */
	uint64_t used;		/* host pages in use: private + shared */
	uint64_t peak;
	uint64_t shared_pages;	/* host pages that hold shared guest pages */
	uint64_t over;		/* allocations that found nothing to take */
	uint64_t swap_errors;
	uint64_t scans;
};

struct mem_pool;
struct pool_vm;

/* A pool of budget bytes (0: no limit, only sharing and counting); NULL
 * when out of host memory. */
struct mem_pool *pool_create(uint64_t budget, bool share);
/* After every machine has left it. */
void pool_destroy(struct mem_pool *p);
/* Put vm's memory under the pool (before it touches any page): 0, or -1
 * when out of host memory. */
int pool_attach(struct mem_pool *p, struct vm *vm,
		const struct pool_swap_host *swap);

/* For mem.c.  A page number pn < npages of the machine. */
uint8_t *pool_page(struct pool_vm *pv, uint32_t pn, bool write);
bool pool_shared(const struct pool_vm *pv, uint32_t pn);
void pool_discard(struct pool_vm *pv, uint32_t pn);
/* Copy n bytes at off of a swapped-out page into out without bringing it
 * in: 0, or -1 if the page is not swapped out (it reads as zero). */
int pool_peek(struct pool_vm *pv, uint32_t pn, uint32_t off, void *out,
	      uint32_t n);
/* Give every page of the machine back (mem_clear). */
void pool_clear(struct pool_vm *pv);
/* Give every page back and leave the pool (mem_free). */
void pool_detach(struct pool_vm *pv);

/* For the lab, when no machine is running. */
void pool_quiesce(struct mem_pool *p);
/* Close a working-set interval for every machine. */
void pool_sample(struct mem_pool *p);
/* Merge identical pages (if the pool shares). */
void pool_share_scan(struct mem_pool *p);

/*
 * The pool's state as data, for a snapshot of a whole lab (lab/snap.c):
 * each machine's page states and the contents of its private pages (a
 * swapped one read from its swap file), the shared pages, the clock hand,
 * the pins and the counters.  Taken when no machine runs; NULL when out
 * of host memory or a swap file could not be read.
 *
 * pool_restore puts p back as the snapshot found it.  The same machines
 * must be attached to p again (the lab moves back those that migrated),
 * in any order: p takes the snapshot's.  Their pages are rebuilt (a
 * swapped page written again to the machine's swap file, which may be a
 * new one) and their decode caches dropped; the caller resets their
 * MMUs (ckpt_apply does).  0, or -1: out of host memory, a swap write
 * failed, or the machines differ.
 */
struct pool_snap;
struct pool_snap *pool_save(struct mem_pool *p);
int pool_restore(struct mem_pool *p, const struct pool_snap *s);
void pool_snap_free(struct pool_snap *s);

const struct pool_stats *pool_stats(const struct mem_pool *p);
const struct pool_vm_stats *pool_vm_stats(const struct vm *vm);

#endif
