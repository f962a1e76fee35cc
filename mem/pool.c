/* The host's memory manager: budget, swap by a clock, sharing, balloon. */
#include "mem/pool.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/vm.h"
#include "mem/code.h"
#include "mem/shadow.h"

/* Per guest page, in pool_vm.flags. */
#define PG_ACCESSED 1u	/* looked up since the clock hand passed */
#define PG_WS 2u	/* looked up in this working-set interval */
#define PG_SWAPPED 4u	/* in the swap file, not in memory */
#define PG_SHARED 8u	/* mapped to a shared host page (sidx) */
#define PG_BALLOONED 16u	/* given back by the guest's balloon */

#define POOL_PINNED 8	/* the pages handed out last are never taken */

struct shared_page {
	uint8_t *buf;		/* NULL: a free slot */
	uint32_t refs;
	uint64_t hash;
};

struct pool_vm {
	struct mem_pool *pool;
	struct vm *vm;
	uint8_t *flags;
	uint32_t *sidx;
	struct pool_swap_host swap;
	struct pool_vm_stats st;
};

struct pin {
	const struct pool_vm *pv;
	uint32_t pn;
};

struct mem_pool {
	uint64_t budget;	/* pages; 0: none */
	bool share;
	struct pool_stats st;
	struct pool_vm **vms;
	int nvms;
	int hand_vm;		/* the clock hand: a machine and a page */
	uint32_t hand_pn;
	struct pin pin[POOL_PINNED];
	unsigned pin_next;
	uint8_t **limbo;	/* host pages to free at pool_quiesce */
	size_t nlimbo, caplimbo;
	struct shared_page *sh;
	uint32_t nsh, capsh;
};

struct mem_pool *pool_create(uint64_t budget, bool share)
{
	struct mem_pool *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->budget = budget / MEM_PAGE_SIZE;
	p->share = share;
	p->st.budget = p->budget;
	return p;
}

void pool_destroy(struct mem_pool *p)
{
	if (!p)
		return;
	pool_quiesce(p);
	for (uint32_t i = 0; i < p->nsh; i++)
		free(p->sh[i].buf);
	free(p->sh);
	free(p->limbo);
	free(p->vms);
	free(p);
}

int pool_attach(struct mem_pool *p, struct vm *vm,
		const struct pool_swap_host *swap)
{
	struct pool_vm *pv = calloc(1, sizeof *pv);
	struct pool_vm **vms = realloc(p->vms, (size_t)(p->nvms + 1) *
					       sizeof *vms);
	if (vms)
		p->vms = vms;
	/* Every leaf made: the manager sets slots where nothing may fail. */
	if (!pv || !vms || mem_make_leaves(&vm->mem) ||
	    !(pv->flags = calloc(vm->mem.npages, 1)) ||
	    !(pv->sidx = calloc(vm->mem.npages, sizeof *pv->sidx))) {
		if (pv)
			free(pv->flags);
		free(pv);
		return -1;
	}
	pv->pool = p;
	pv->vm = vm;
	pv->swap = *swap;
	/* Pages the machine touched before it joined count from now. */
	for (uint32_t i = 0; i < vm->mem.npages; i++)
		if (mem_host_page(&vm->mem, i)) {
			pv->st.resident++;
			p->st.used++;
		}
	if (p->st.used > p->st.peak)
		p->st.peak = p->st.used;
	p->vms[p->nvms++] = pv;
	vm->mem.pool = pv;
	return 0;
}

/* ---- host pages ------------------------------------------------------ */

static void to_limbo(struct mem_pool *p, uint8_t *buf)
{
	if (p->nlimbo == p->caplimbo) {
		size_t cap = p->caplimbo ? 2 * p->caplimbo : 64;
		uint8_t **l = realloc(p->limbo, cap * sizeof *l);
		if (!l) {
			/* Better a leak than a dangling code page. */
			return;
		}
		p->limbo = l;
		p->caplimbo = cap;
	}
	p->limbo[p->nlimbo++] = buf;
}

void pool_quiesce(struct mem_pool *p)
{
	for (size_t i = 0; i < p->nlimbo; i++)
		free(p->limbo[i]);
	p->nlimbo = 0;
}

/* The machine may cache buf in its TLB and shadow tables: no more. */
static void forget(struct pool_vm *pv, const uint8_t *buf)
{
	mmu_flush_tlb(pv->vm);
	shadow_forget_host(&pv->vm->mmu, buf);
}

static void pin(struct mem_pool *p, const struct pool_vm *pv, uint32_t pn)
{
	p->pin[p->pin_next++ % POOL_PINNED] = (struct pin){ pv, pn };
}

static bool pinned(const struct mem_pool *p, const struct pool_vm *pv,
		   uint32_t pn)
{
	for (int i = 0; i < POOL_PINNED; i++)
		if (p->pin[i].pv == pv && p->pin[i].pn == pn)
			return true;
	return false;
}

/* Swap out the first page the clock hand finds untouched. */
static void evict_one(struct mem_pool *p)
{
	uint64_t total = 0;
	for (int i = 0; i < p->nvms; i++)
		total += p->vms[i]->vm->mem.npages;
	for (uint64_t step = 0; step < 2 * total; step++) {
		if (p->hand_vm >= p->nvms)
			p->hand_vm = 0, p->hand_pn = 0;
		struct pool_vm *pv = p->vms[p->hand_vm];
		uint32_t pn = p->hand_pn;
		if (++p->hand_pn == pv->vm->mem.npages)
			p->hand_vm++, p->hand_pn = 0;
		uint8_t **slot = mem_slot_made(&pv->vm->mem, pn);
		if (!*slot || (pv->flags[pn] & PG_SHARED) || pinned(p, pv, pn))
			continue;
		if (pv->flags[pn] & PG_ACCESSED) {
			pv->flags[pn] &= (uint8_t)~PG_ACCESSED;
			continue;
		}
		if (pv->swap.write(pv->swap.opaque, pn, *slot)) {
			p->st.swap_errors++;
			continue;
		}
		uint8_t *buf = *slot;
		*slot = NULL;
		pv->flags[pn] |= PG_SWAPPED;
		pv->st.swapped++;
		pv->st.resident--;
		pv->st.swap_outs++;
		forget(pv, buf);
		to_limbo(p, buf);
		p->st.used--;
		return;
	}
	p->st.over++;
}

/* A zeroed host page, within the budget if the clock finds one to take. */
static uint8_t *take_page(struct mem_pool *p)
{
	if (p->budget && p->st.used >= p->budget)
		evict_one(p);
	uint8_t *b = calloc(1, MEM_PAGE_SIZE);
	if (b && ++p->st.used > p->st.peak)
		p->st.peak = p->st.used;
	return b;
}

static void unref(struct mem_pool *p, uint32_t si)
{
	struct shared_page *s = &p->sh[si];
	if (--s->refs)
		return;
	to_limbo(p, s->buf);
	s->buf = NULL;
	p->st.used--;
	p->st.shared_pages--;
}

/* ---- the machine's pages --------------------------------------------- */

static uint8_t *cow_break(struct pool_vm *pv, uint32_t pn)
{
	struct mem_pool *p = pv->pool;
	uint8_t **slot = mem_slot_made(&pv->vm->mem, pn), *old = *slot;
	uint8_t *buf = take_page(p);
	if (!buf) {
		pv->vm->mem.oom = 1;
		return NULL;
	}
	memcpy(buf, old, MEM_PAGE_SIZE);
	unref(p, pv->sidx[pn]);
	*slot = buf;
	pv->flags[pn] &= (uint8_t)~PG_SHARED;
	pv->st.shared--;
	pv->st.resident++;
	pv->st.cow_breaks++;
	forget(pv, old);
	return buf;
}

uint8_t *pool_page(struct pool_vm *pv, uint32_t pn, bool write)
{
	struct mem_pool *p = pv->pool;
	struct mem *m = &pv->vm->mem;
	uint8_t **slot = mem_slot_made(m, pn);
	uint8_t f = pv->flags[pn];
	pv->flags[pn] |= PG_ACCESSED | PG_WS;
	pin(p, pv, pn);
	if (*slot)
		return write && (f & PG_SHARED) ? cow_break(pv, pn) : *slot;
	if (f & PG_BALLOONED) {
		/* The guest touches a page it gave away: it gets a fresh one,
		 * as if it had deflated it first. */
		pv->flags[pn] &= (uint8_t)~PG_BALLOONED;
		pv->st.ballooned--;
	}
	uint8_t *buf = take_page(p);
	if (!buf) {
		m->oom = 1;
		return NULL;
	}
	if (f & PG_SWAPPED) {
		if (pv->swap.read(pv->swap.opaque, pn, buf)) {
			p->st.swap_errors++;
			free(buf);
			p->st.used--;
			m->oom = 1;
			return NULL;
		}
		pv->flags[pn] &= (uint8_t)~PG_SWAPPED;
		pv->st.swapped--;
		pv->st.swap_ins++;
	} else {
		m->touched++;
	}
	*slot = buf;
	pv->st.resident++;
	return buf;
}

bool pool_shared(const struct pool_vm *pv, uint32_t pn)
{
	return pv->flags[pn] & PG_SHARED;
}

void pool_discard(struct pool_vm *pv, uint32_t pn)
{
	struct mem_pool *p = pv->pool;
	uint8_t f = pv->flags[pn], **slot = mem_slot_made(&pv->vm->mem, pn);
	if (f & PG_BALLOONED)
		return;
	if (f & PG_SHARED) {
		unref(p, pv->sidx[pn]);
		pv->st.shared--;
	} else if (*slot) {
		to_limbo(p, *slot);
		p->st.used--;
		pv->st.resident--;
	} else if (f & PG_SWAPPED) {
		pv->st.swapped--;
	}
	if (*slot)
		forget(pv, *slot);
	*slot = NULL;
	pv->flags[pn] = PG_BALLOONED;
	pv->st.ballooned++;
}

int pool_peek(struct pool_vm *pv, uint32_t pn, uint32_t off, void *out,
	      uint32_t n)
{
	uint8_t page[MEM_PAGE_SIZE];
	if (!(pv->flags[pn] & PG_SWAPPED) ||
	    pv->swap.read(pv->swap.opaque, pn, page))
		return -1;
	memcpy(out, page + off, n);
	return 0;
}

void pool_clear(struct pool_vm *pv)
{
	struct mem_pool *p = pv->pool;
	struct mem *m = &pv->vm->mem;
	for (uint32_t pn = 0; pn < m->npages; pn++) {
		uint8_t **slot = mem_slot_made(m, pn);
		if (pv->flags[pn] & PG_SHARED) {
			unref(p, pv->sidx[pn]);
		} else if (*slot) {
			free(*slot);
			p->st.used--;
		}
		*slot = NULL;
		pv->flags[pn] = 0;
	}
	pool_quiesce(p);
	memset(&pv->st, 0, sizeof pv->st);
}

void pool_detach(struct pool_vm *pv)
{
	struct mem_pool *p = pv->pool;
	pool_clear(pv);
	for (int i = 0; i < p->nvms; i++)
		if (p->vms[i] == pv) {
			memmove(&p->vms[i], &p->vms[i + 1],
				(size_t)(p->nvms - i - 1) * sizeof *p->vms);
			p->nvms--;
			break;
		}
	p->hand_vm = 0;
	p->hand_pn = 0;
	memset(p->pin, 0, sizeof p->pin);
	pv->vm->mem.pool = NULL;
	free(pv->flags);
	free(pv->sidx);
	free(pv);
}

/* ---- working sets ---------------------------------------------------- */

void pool_sample(struct mem_pool *p)
{
	for (int i = 0; i < p->nvms; i++) {
		struct pool_vm *pv = p->vms[i];
		uint64_t ws = 0;
		for (uint32_t pn = 0; pn < pv->vm->mem.npages; pn++)
			if (pv->flags[pn] & PG_WS) {
				ws++;
				pv->flags[pn] &= (uint8_t)~PG_WS;
			}
		pv->st.wss = ws;
		if (ws > pv->st.wss_peak)
			pv->st.wss_peak = ws;
		/* The next interval's lookups mark what it uses. */
		mmu_flush_tlb(pv->vm);
		shadow_drop_all(&pv->vm->mmu);
	}
}

/* ---- sharing --------------------------------------------------------- */

static uint64_t page_hash(const uint8_t *b)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (uint32_t i = 0; i < MEM_PAGE_SIZE; i += 8) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
	}
	return h;
}

/* One slot of a scan's table: a shared page, or a candidate page. */
struct scan_slot {
	uint64_t hash;
	struct pool_vm *pv;	/* NULL: the shared page si */
	uint32_t pn, si;
	bool used;
};

static int new_shared(struct mem_pool *p, uint8_t *buf, uint64_t hash,
		      uint32_t *si)
{
	for (uint32_t i = 0; i < p->nsh; i++)
		if (!p->sh[i].buf) {
			*si = i;
			goto found;
		}
	if (p->nsh == p->capsh) {
		uint32_t cap = p->capsh ? 2 * p->capsh : 64;
		struct shared_page *s = realloc(p->sh, cap * sizeof *s);
		if (!s)
			return -1;
		p->sh = s;
		p->capsh = cap;
	}
	*si = p->nsh++;
found:
	p->sh[*si] = (struct shared_page){ .buf = buf, .refs = 0,
					   .hash = hash };
	p->st.shared_pages++;
	return 0;
}

/* Map the machine's page pn to the shared page si. */
static void map_shared(struct mem_pool *p, struct pool_vm *pv, uint32_t pn,
		       uint32_t si)
{
	uint8_t **slot = mem_slot_made(&pv->vm->mem, pn), *old = *slot;
	struct shared_page *s = &p->sh[si];
	s->refs++;
	pv->flags[pn] |= PG_SHARED;
	pv->sidx[pn] = si;
	pv->st.shared++;
	pv->st.resident--;
	pv->st.merges++;
	forget(pv, old);
	if (old != s->buf) {
		*slot = s->buf;
		free(old);
		p->st.used--;
	}
}

void pool_share_scan(struct mem_pool *p)
{
	if (!p->share)
		return;
	p->st.scans++;
	uint64_t n = p->nsh;
	for (int i = 0; i < p->nvms; i++)
		n += p->vms[i]->st.resident;
	uint64_t size = 64;
	while (size < 2 * n)
		size *= 2;
	struct scan_slot *t = calloc(size, sizeof *t);
	if (!t)
		return;
	for (uint32_t si = 0; si < p->nsh; si++) {
		if (!p->sh[si].buf)
			continue;
		uint64_t j = p->sh[si].hash & (size - 1);
		while (t[j].used)
			j = (j + 1) & (size - 1);
		t[j] = (struct scan_slot){ .hash = p->sh[si].hash, .si = si,
					   .used = true };
	}
	for (int i = 0; i < p->nvms; i++) {
		struct pool_vm *pv = p->vms[i];
		for (uint32_t pn = 0; pn < pv->vm->mem.npages; pn++) {
			uint8_t *buf = mem_host_page(&pv->vm->mem, pn);
			if (!buf || (pv->flags[pn] & PG_SHARED))
				continue;
			uint64_t h = page_hash(buf), j = h & (size - 1);
			bool merged = false;
			for (; t[j].used && !merged; j = (j + 1) & (size - 1)) {
				struct scan_slot *s = &t[j];
				if (s->hash != h)
					continue;
				if (!s->pv) {
					if (memcmp(p->sh[s->si].buf, buf,
						   MEM_PAGE_SIZE))
						continue;
				} else {
					const struct mem *cm =
						&s->pv->vm->mem;
					uint8_t *cb = mem_host_page(cm, s->pn);
					uint32_t si;
					if (memcmp(cb, buf, MEM_PAGE_SIZE) ||
					    new_shared(p, cb, h, &si))
						continue;
					map_shared(p, s->pv, s->pn, si);
					s->pv = NULL;
					s->si = si;
				}
				map_shared(p, pv, pn, s->si);
				merged = true;
			}
			if (!merged) {
				while (t[j].used)
					j = (j + 1) & (size - 1);
				t[j] = (struct scan_slot){ .hash = h, .pv = pv,
							   .pn = pn,
							   .used = true };
			}
		}
	}
	free(t);
}

const struct pool_stats *pool_stats(const struct mem_pool *p)
{
	return &p->st;
}

const struct pool_vm_stats *pool_vm_stats(const struct vm *vm)
{
	return vm->mem.pool ? &vm->mem.pool->st : NULL;
}

/* ---- snapshots (lab/snap.c) ------------------------------------------ */

struct pool_vm_snap {
	const struct vm *vm;
	uint8_t *flags;
	uint32_t *sidx;
	struct pool_vm_stats st;
	uint32_t touched;
	uint32_t nkept;		/* private pages, resident or swapped */
	uint32_t *pns;
	uint8_t *pages;		/* nkept x MEM_PAGE_SIZE */
};

struct pool_snap {
	struct pool_stats st;
	int hand_vm;
	uint32_t hand_pn;
	struct { int vm; uint32_t pn; } pin[POOL_PINNED];
	unsigned pin_next;
	struct shared_page *sh;	/* copies of the bufs */
	uint32_t nsh;
	struct pool_vm_snap *vms;
	int nvms;
};

void pool_snap_free(struct pool_snap *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; s->sh && i < s->nsh; i++)
		free(s->sh[i].buf);
	free(s->sh);
	for (int i = 0; s->vms && i < s->nvms; i++) {
		free(s->vms[i].flags);
		free(s->vms[i].sidx);
		free(s->vms[i].pns);
		free(s->vms[i].pages);
	}
	free(s->vms);
	free(s);
}

static int index_of(const struct mem_pool *p, const struct pool_vm *pv)
{
	for (int i = 0; i < p->nvms; i++)
		if (p->vms[i] == pv)
			return i;
	return -1;
}

static int save_vm(struct pool_vm_snap *o, const struct pool_vm *pv)
{
	const struct mem *m = &pv->vm->mem;
	o->vm = pv->vm;
	o->st = pv->st;
	o->touched = m->touched;
	o->flags = malloc(m->npages);
	o->sidx = malloc((size_t)m->npages * sizeof *o->sidx);
	if (!o->flags || !o->sidx)
		return -1;
	memcpy(o->flags, pv->flags, m->npages);
	memcpy(o->sidx, pv->sidx, (size_t)m->npages * sizeof *o->sidx);
	for (uint32_t pn = 0; pn < m->npages; pn++)
		o->nkept += !(pv->flags[pn] & PG_SHARED) &&
			    (mem_host_page(m, pn) ||
			     (pv->flags[pn] & PG_SWAPPED));
	o->pns = malloc((o->nkept ? o->nkept : 1) * sizeof *o->pns);
	o->pages = malloc((size_t)(o->nkept ? o->nkept : 1) * MEM_PAGE_SIZE);
	if (!o->pns || !o->pages)
		return -1;
	uint32_t k = 0;
	for (uint32_t pn = 0; pn < m->npages; pn++) {
		if (pv->flags[pn] & PG_SHARED)
			continue;
		uint8_t *out = o->pages + (size_t)k * MEM_PAGE_SIZE;
		if (mem_host_page(m, pn))
			memcpy(out, mem_host_page(m, pn), MEM_PAGE_SIZE);
		else if (!(pv->flags[pn] & PG_SWAPPED))
			continue;
		else if (pv->swap.read(pv->swap.opaque, pn, out))
			return -1;
		o->pns[k++] = pn;
	}
	return 0;
}

struct pool_snap *pool_save(struct mem_pool *p)
{
	pool_quiesce(p);
	struct pool_snap *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->st = p->st;
	s->hand_vm = p->hand_vm;
	s->hand_pn = p->hand_pn;
	s->pin_next = p->pin_next;
	for (int i = 0; i < POOL_PINNED; i++)
		s->pin[i].vm = p->pin[i].pv ? index_of(p, p->pin[i].pv) : -1,
		s->pin[i].pn = p->pin[i].pn;
	s->nsh = p->nsh;
	s->sh = calloc(p->nsh ? p->nsh : 1, sizeof *s->sh);
	s->nvms = p->nvms;
	s->vms = calloc(p->nvms ? (size_t)p->nvms : 1, sizeof *s->vms);
	if (!s->sh || !s->vms)
		goto fail;
	for (uint32_t i = 0; i < p->nsh; i++) {
		s->sh[i] = p->sh[i];
		s->sh[i].buf = NULL;
		if (p->sh[i].buf) {
			if (!(s->sh[i].buf = malloc(MEM_PAGE_SIZE)))
				goto fail;
			memcpy(s->sh[i].buf, p->sh[i].buf, MEM_PAGE_SIZE);
		}
	}
	for (int i = 0; i < p->nvms; i++)
		if (save_vm(&s->vms[i], p->vms[i]))
			goto fail;
	return s;
fail:
	pool_snap_free(s);
	return NULL;
}

/* Every page of pv freed (shared ones are the pool's to free). */
static void drop_pages(struct pool_vm *pv)
{
	struct mem *m = &pv->vm->mem;
	for (uint32_t pn = 0; pn < m->npages; pn++) {
		uint8_t **slot = mem_slot_made(m, pn);
		if (!(pv->flags[pn] & PG_SHARED))
			free(*slot);
		*slot = NULL;
	}
	mem_code_free(m);
	mmu_flush_tlb(pv->vm);
}

/* The host pages a restore needs, all taken before anything changes:
 * the shared pages' and, per machine, one for each page kept (a swapped
 * one's goes back to the swap file, or stays in memory if that fails). */
struct restore_bufs {
	uint8_t **sh;		/* s->nsh, NULL for a free slot */
	uint8_t ***kept;	/* per machine, o->nkept */
};

static void bufs_free(struct restore_bufs *b, const struct pool_snap *s)
{
	for (uint32_t i = 0; b->sh && i < s->nsh; i++)
		free(b->sh[i]);
	free(b->sh);
	for (int v = 0; b->kept && v < s->nvms; v++) {
		for (uint32_t k = 0; b->kept[v] && k < s->vms[v].nkept; k++)
			free(b->kept[v][k]);
		free(b->kept[v]);
	}
	free(b->kept);
}

static uint8_t *page_copy(const uint8_t *from)
{
	uint8_t *b = malloc(MEM_PAGE_SIZE);
	if (b)
		memcpy(b, from, MEM_PAGE_SIZE);
	return b;
}

static int bufs_take(struct restore_bufs *b, const struct pool_snap *s)
{
	b->sh = calloc(s->nsh ? s->nsh : 1, sizeof *b->sh);
	b->kept = calloc(s->nvms ? (size_t)s->nvms : 1, sizeof *b->kept);
	if (!b->sh || !b->kept)
		return -1;
	for (uint32_t i = 0; i < s->nsh; i++)
		if (s->sh[i].buf && !(b->sh[i] = page_copy(s->sh[i].buf)))
			return -1;
	for (int v = 0; v < s->nvms; v++) {
		const struct pool_vm_snap *o = &s->vms[v];
		if (!(b->kept[v] = calloc(o->nkept ? o->nkept : 1,
					  sizeof *b->kept[v])))
			return -1;
		for (uint32_t k = 0; k < o->nkept; k++)
			if (!(b->kept[v][k] = page_copy(o->pages +
						(size_t)k * MEM_PAGE_SIZE)))
				return -1;
	}
	return 0;
}

/* Install machine pv's pages from the snapshot, taking its buffers.  A
 * swapped page whose swap write fails stays in memory, over the budget,
 * counted, as evict_one does. */
static void restore_vm(struct mem_pool *p, struct pool_vm *pv,
		       const struct pool_vm_snap *o, uint8_t **kept)
{
	struct mem *m = &pv->vm->mem;
	memcpy(pv->flags, o->flags, m->npages);
	memcpy(pv->sidx, o->sidx, (size_t)m->npages * sizeof *pv->sidx);
	pv->st = o->st;
	m->touched = o->touched;
	for (uint32_t pn = 0; pn < m->npages; pn++)
		if (pv->flags[pn] & PG_SHARED)
			*mem_slot_made(m, pn) = p->sh[pv->sidx[pn]].buf;
	for (uint32_t k = 0; k < o->nkept; k++) {
		uint32_t pn = o->pns[k];
		uint8_t *page = kept[k];
		kept[k] = NULL;
		if ((pv->flags[pn] & PG_SWAPPED) &&
		    !pv->swap.write(pv->swap.opaque, pn, page)) {
			free(page);
			continue;
		}
		if (pv->flags[pn] & PG_SWAPPED) {
			pv->flags[pn] &= (uint8_t)~PG_SWAPPED;
			pv->st.swapped--;
			pv->st.resident++;
			p->st.swap_errors++;
			if (++p->st.used > p->st.peak)
				p->st.peak = p->st.used;
		}
		*mem_slot_made(m, pn) = page;
	}
}

int pool_restore(struct mem_pool *p, const struct pool_snap *s)
{
	if (s->nvms != p->nvms)
		return -1;
	/* The snapshot's order (the clock hand counts in it). */
	struct pool_vm **order = calloc(p->nvms ? (size_t)p->nvms : 1,
					sizeof *order);
	struct shared_page *sh = malloc((s->nsh ? s->nsh : 1) * sizeof *sh);
	struct restore_bufs b = { 0 };
	if (!order || !sh || bufs_take(&b, s))
		goto fail;
	for (int i = 0; i < s->nvms; i++) {
		for (int j = 0; j < p->nvms; j++)
			if (p->vms[j]->vm == s->vms[i].vm)
				order[i] = p->vms[j];
		if (!order[i])
			goto fail;
	}
	/* Nothing can fail from here on. */
	pool_quiesce(p);
	for (int i = 0; i < p->nvms; i++)
		drop_pages(p->vms[i]);
	for (uint32_t i = 0; i < p->nsh; i++)
		free(p->sh[i].buf);
	free(p->sh);
	p->sh = sh;
	p->nsh = p->capsh = s->nsh;
	for (uint32_t i = 0; i < s->nsh; i++) {
		p->sh[i] = s->sh[i];
		p->sh[i].buf = b.sh[i];
		b.sh[i] = NULL;
	}
	memcpy(p->vms, order, (size_t)p->nvms * sizeof *order);
	free(order);
	p->st = s->st;
	for (int i = 0; i < p->nvms; i++)
		restore_vm(p, p->vms[i], &s->vms[i], b.kept[i]);
	p->hand_vm = s->hand_vm;
	p->hand_pn = s->hand_pn;
	p->pin_next = s->pin_next;
	for (int i = 0; i < POOL_PINNED; i++)
		p->pin[i] = (struct pin){
			s->pin[i].vm >= 0 ? p->vms[s->pin[i].vm] : NULL,
			s->pin[i].pn };
	bufs_free(&b, s);
	return 0;
fail:
	free(order);
	free(sh);
	bufs_free(&b, s);
	return -1;
}
