/* The timeline of reverse execution (monitor/timeline.h). */
#include "monitor/timeline.h"

#include <stdlib.h>
#include <string.h>

#include "io/devices.h"
#include "mem/dirty.h"

/* ---- checkpoints -------------------------------------------------------- */

static void point_free(struct tl_point *p)
{
	ckpt_free(&p->state);
	free(p->pageno);
	free(p->pages);
	memset(p, 0, sizeof *p);
}

static size_t point_bytes(const struct tl_point *p)
{
	size_t n = sizeof *p + (size_t)p->npages * (MEM_PAGE_SIZE + 4);
	for (uint32_t i = 0; i < p->state.ndev; i++)
		n += p->state.dev[i].len;
	return n;
}

static struct tl_point *new_point(struct timeline *t)
{
	if (t->n == t->cap) {
		int cap = t->cap ? 2 * t->cap : 64;
		struct tl_point *pt = realloc(t->pt, (size_t)cap * sizeof *pt);
		if (!pt)
			return NULL;
		t->pt = pt;
		t->cap = cap;
	}
	struct tl_point *p = &t->pt[t->n];
	memset(p, 0, sizeof *p);
	return p;
}

/* The pages of the harvest in t->dirty, copied out of RAM. */
static int copy_dirty(struct timeline *t, const struct vm *vm,
		      struct tl_point *p)
{
	uint32_t words = mmu_dirty_words(vm), n = 0;
	for (uint32_t w = 0; w < words; w++)
		n += (uint32_t)__builtin_popcountll(t->dirty[w]);
	p->pageno = malloc((n ? n : 1) * sizeof *p->pageno);
	p->pages = malloc((size_t)(n ? n : 1) * MEM_PAGE_SIZE);
	if (!p->pageno || !p->pages)
		return -1;
	for (uint32_t pg = 0; pg < vm->mem.npages; pg++) {
		if (!mem_dirty_test(t->dirty, pg))
			continue;
		const uint8_t *src = mem_host_page(&vm->mem, pg);
		uint8_t *dst = p->pages + (size_t)p->npages * MEM_PAGE_SIZE;
		if (src)
			memcpy(dst, src, MEM_PAGE_SIZE);
		else
			memset(dst, 0, MEM_PAGE_SIZE);
		p->pageno[p->npages++] = pg;
	}
	return 0;
}

/* Checkpoint the present as the newest point. */
static int take_point(struct timeline *t, struct vm *vm)
{
	char err[160];
	struct tl_point *p = new_point(t);
	if (!p)
		return -1;
	p->pos = tl_pos(vm);
	p->insns = vm->cpu.insns;
	p->seq = t->seq;
	if (ckpt_capture(&p->state, vm, CKPT_NO_RAM, err, sizeof err))
		return -1;
	mmu_dirty_harvest(vm, t->dirty);
	if (copy_dirty(t, vm, p)) {
		point_free(p);
		return -1;
	}
	p->bytes = point_bytes(p);
	t->bytes += p->bytes;
	t->n++;
	t->seq++;
	t->base = t->n - 1;
	return 0;
}

static const uint8_t *find_page(const struct tl_point *p, uint32_t pg)
{
	uint32_t lo = 0, hi = p->npages;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (p->pageno[mid] == pg)
			return p->pages + (size_t)mid * MEM_PAGE_SIZE;
		if (p->pageno[mid] < pg)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Merge point i into point i + 1: the pages i + 1 lacks move there, so
 * that every later point still finds the page as it was. */
static int merge_into_next(struct timeline *t, int i)
{
	struct tl_point *a = &t->pt[i], *b = &t->pt[i + 1];
	uint32_t n = a->npages + b->npages, k = 0, x = 0, y = 0;
	uint32_t *no = malloc((n ? n : 1) * sizeof *no);
	uint8_t *pg = malloc((size_t)(n ? n : 1) * MEM_PAGE_SIZE);
	if (!no || !pg) {
		free(no);
		free(pg);
		return -1;
	}
	while (x < a->npages || y < b->npages) {
		/* b's copy is the later one: it wins a tie. */
		bool from_b = y < b->npages &&
			      (x == a->npages || b->pageno[y] <= a->pageno[x]);
		if (from_b && x < a->npages && a->pageno[x] == b->pageno[y])
			x++;
		const struct tl_point *s = from_b ? b : a;
		uint32_t j = from_b ? y++ : x++;
		no[k] = s->pageno[j];
		memcpy(pg + (size_t)k * MEM_PAGE_SIZE,
		       s->pages + (size_t)j * MEM_PAGE_SIZE, MEM_PAGE_SIZE);
		k++;
	}
	t->bytes -= a->bytes + b->bytes;
	free(b->pageno);
	free(b->pages);
	b->pageno = no;
	b->pages = pg;
	b->npages = k;
	b->bytes = point_bytes(b);
	t->bytes += b->bytes;
	point_free(a);
	memmove(&t->pt[i], &t->pt[i + 1], (size_t)(t->n - i - 1) * sizeof *a);
	t->n--;
	t->thinned++;
	return 0;
}

/* Over the cap: every other point but the first and the base's goes,
 * and they come half as often from now on. */
static void thin(struct timeline *t)
{
	for (int i = t->n - 2; i >= 1; i -= 2) {
		if (i == t->base || merge_into_next(t, i))
			continue;
		if (t->base > i)
			t->base--;
	}
	t->interval *= 2;
}

/* ---- the timeline ------------------------------------------------------- */

static void drop_writes(struct timeline *t, size_t from)
{
	while (t->nwr > from) {
		struct tl_write *w = &t->wr[--t->nwr];
		t->wr_bytes -= sizeof *w + w->len;
		free(w->old);
	}
}

static void drop_ext(struct timeline *t, size_t from)
{
	while (t->n_ext > from) {
		struct tl_ext *e = &t->ext[--t->n_ext];
		t->bytes_ext -= sizeof *e + e->len;
		free(e->frame);
	}
	if (t->next_ext > t->n_ext)
		t->next_ext = t->n_ext;
}

/* Room for one more item in a log of n of them: 0, or -1 out of host
 * memory. */
static int room(void *log, size_t n, size_t *cap, size_t item, size_t first)
{
	void **p = log;
	if (n < *cap)
		return 0;
	size_t c = *cap ? 2 * *cap : first;
	void *q = realloc(*p, c * item);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

/* A log has outgrown its quarter of the cap, or host memory: the points
 * taken so far are out of reach from now on, and what the logs kept for
 * them goes.  The keys and frames the run has yet to meet again stay. */
static void lose_past(struct timeline *t)
{
	drop_writes(t, 0);
	if (t->next_ext) {	/* (and so t->ext is not NULL) */
		for (size_t i = 0; i < t->next_ext; i++) {
			t->bytes_ext -= sizeof *t->ext + t->ext[i].len;
			free(t->ext[i].frame);
		}
		memmove(t->ext, t->ext + t->next_ext,
			(t->n_ext - t->next_ext) * sizeof *t->ext);
		t->n_ext -= t->next_ext;
		t->next_ext = 0;
	}
	t->floor = t->seq;
}

void tl_free(struct timeline *t)
{
	for (int i = 0; i < t->n; i++)
		point_free(&t->pt[i]);
	free(t->pt);
	free(t->dirty);
	free(t->in);
	drop_writes(t, 0);
	free(t->wr);
	drop_ext(t, 0);
	free(t->ext);
	size_t cap = t->cap_bytes;
	struct vm_disk_host disk[VM_MAX_DISKS];
	unsigned ndisks = t->ndisks;
	memcpy(disk, t->disk, sizeof disk);
	memset(t, 0, sizeof *t);
	t->cap_bytes = cap;
	memcpy(t->disk, disk, sizeof disk);
	t->ndisks = ndisks;
}

void tl_disk_hosts(struct timeline *t, const struct vm_disk_host *h,
		   unsigned n)
{
	memcpy(t->disk, h, n * sizeof *h);
	t->ndisks = n;
}

int tl_disk_write(struct timeline *t, unsigned unit, uint64_t off,
		  const void *buf, size_t len)
{
	const struct vm_disk_host *h = &t->disk[unit];
	if (t->on && t->floor < t->seq) {
		uint8_t *old = NULL;
		if (t->wr_bytes + len > t->cap_bytes / 4 ||
		    room(&t->wr, t->nwr, &t->wr_cap, sizeof *t->wr, 64) ||
		    !(old = malloc(len ? len : 1)) ||
		    h->read(h->opaque, off, old, len)) {
			/* Not kept (too much, out of memory, or the image
			 * could not be read). */
			free(old);
			lose_past(t);
		} else {
			t->wr[t->nwr++] = (struct tl_write){
				.seq = t->seq, .unit = unit, .off = off,
				.len = len, .old = old };
			t->wr_bytes += sizeof *t->wr + len;
		}
	}
	return h->write(h->opaque, off, buf, len);
}

int tl_start(struct timeline *t, struct vm *vm, char *err, size_t errlen)
{
	tl_free(t);
	if (!t->cap_bytes)
		t->cap_bytes = TL_DEFAULT_CAP;
	t->interval = TL_FIRST_INTERVAL;
	t->frontier = tl_pos(vm);
	t->frontier_insns = vm->cpu.insns;
	t->dirty = calloc(mmu_dirty_words(vm), sizeof *t->dirty);
	struct tl_point *p = new_point(t);
	if (!t->dirty || !p || mmu_dirty_start(vm))
		goto oom;
	/* The first point holds all of RAM. */
	if (ckpt_capture(&p->state, vm, 0, err, errlen))
		goto fail;
	p->pos = tl_pos(vm);
	p->insns = vm->cpu.insns;
	p->seq = t->seq++;
	p->pageno = p->state.pagenos;
	p->pages = p->state.pages;
	p->npages = p->state.nstored;
	p->state.pagenos = NULL;
	p->state.pages = NULL;
	p->state.nstored = p->state.cap = 0;
	p->bytes = point_bytes(p);
	t->bytes = p->bytes;
	t->n = 1;
	t->on = true;
	return 0;
oom:
	snprintf(err, errlen, "out of host memory");
fail:
	snprintf(t->why_off, sizeof t->why_off, "%s", err);
	mmu_dirty_stop(vm);
	return -1;
}

uint64_t tl_before_run(struct timeline *t, struct vm *vm)
{
	if (!t->on)
		return UINT64_MAX;
	uint64_t pos = tl_pos(vm);
	while (t->base + 1 < t->n && t->pt[t->base + 1].pos <= pos) {
		if (t->pt[t->base + 1].pos != pos) {
			/* Not a way the timeline went: start its future
			 * again from here. */
			tl_diverge(t, vm);
			break;
		}
		/* Known ground: RAM is that point's, nothing dirty. */
		mmu_dirty_harvest(vm, t->dirty);
		t->base++;
	}
	if (t->base == t->n - 1 && pos >= t->pt[t->base].pos + t->interval) {
		if (take_point(t, vm)) {
			snprintf(t->why_off, sizeof t->why_off, "out of host "
				 "memory for checkpoints");
			tl_free(t);
			mmu_dirty_stop(vm);
			snprintf(t->why_off, sizeof t->why_off, "out of host "
				 "memory for checkpoints");
			return UINT64_MAX;
		}
		if (t->bytes > t->cap_bytes)
			thin(t);
	}
	uint64_t due = t->base + 1 < t->n ? t->pt[t->base + 1].pos
					  : t->pt[t->base].pos + t->interval;
	return due > pos ? due - pos : 1;
}

void tl_after_run(struct timeline *t, const struct vm *vm)
{
	if (tl_pos(vm) > t->frontier) {
		t->frontier = tl_pos(vm);
		t->frontier_insns = vm->cpu.insns;
	}
}

static uint64_t host_bytes(const struct vm *vm)
{
	const struct vm_device *u = vm_find_device(vm, "uart");
	return u ? dev_field_get(u->state, dev_field_find(&uart_ops,
							  "host_bytes"))
		 : 0;
}

void tl_diverge(struct timeline *t, const struct vm *vm)
{
	if (!t->on)
		return;
	while (t->n - 1 > t->base) {
		t->bytes -= t->pt[t->n - 1].bytes;
		point_free(&t->pt[--t->n]);
	}
	uint64_t taken = host_bytes(vm);
	while (t->nin && t->in[t->nin - 1].index >= taken)
		t->nin--;
	drop_ext(t, t->next_ext);	/* what has not come yet */
	t->frontier = tl_pos(vm);
	t->frontier_insns = vm->cpu.insns;
}

int tl_point_before(const struct timeline *t, uint64_t pos)
{
	int i = t->n - 1;
	while (i > 0 && t->pt[i].pos > pos)
		i--;
	return i;
}

int tl_restore(struct timeline *t, struct vm *vm, int i, char *err,
	       size_t errlen)
{
	const struct tl_point *p = &t->pt[i];
	if (p->seq < t->floor) {
		snprintf(err, errlen, "the disk writes, frames and keys after "
			 "#%llu are more than the timeline keeps (a quarter "
			 "of its %zu MiB each): it cannot go back that far "
			 "(info timeline)",
			 (unsigned long long)p->insns, t->cap_bytes >> 20);
		return -1;
	}
	/* The disk writes after the point, undone once the machine is back
	 * there (below: nothing that can fail comes after them). */
	size_t keep = t->nwr;
	while (keep && t->wr[keep - 1].seq > p->seq)
		keep--;
	bool drop_future = keep < t->nwr;
	/* The pages that may differ: those written since the base, and
	 * those the points between the base and i hold. */
	uint32_t words = mmu_dirty_words(vm);
	mmu_dirty_harvest(vm, t->dirty);
	int lo = i < t->base ? i : t->base, hi = i < t->base ? t->base : i;
	for (int j = lo + 1; j <= hi; j++)
		for (uint32_t k = 0; k < t->pt[j].npages; k++) {
			uint32_t pg = t->pt[j].pageno[k];
			t->dirty[pg / 64] |= 1ull << (pg % 64);
		}
	for (uint32_t w = 0; w < words; w++)
		for (uint64_t bits = t->dirty[w]; bits; bits &= bits - 1) {
			uint32_t pg = w * 64 + (uint32_t)__builtin_ctzll(bits);
			const uint8_t *src = NULL;
			for (int j = i; j >= 0 && !src; j--)
				src = find_page(&t->pt[j], pg);
			uint8_t *dst = mem_host_page(&vm->mem, pg);
			if (src && !dst)
				dst = mem_page(&vm->mem, pg << MEM_PAGE_SHIFT);
			if (src && !dst) {
				snprintf(err, errlen, "out of host memory");
				return -1;
			}
			if (src)
				memcpy(dst, src, MEM_PAGE_SIZE);
			else if (dst)
				memset(dst, 0, MEM_PAGE_SIZE);
		}
	if (ckpt_apply(&p->state, vm, CKPT_KEEP_RAM, err, errlen))
		return -1;
	mmu_dirty_harvest(vm, t->dirty);
	t->base = i;
	/* The images as they were at the point, newest write first.  The
	 * points after it knew the images as they were then: they go, and
	 * the re-run takes them again.  A write that cannot be put back
	 * leaves the images between two moments: then no moment after the
	 * point is trusted either. */
	int bad = 0;
	for (size_t w = t->nwr; w > keep && !bad; w--) {
		const struct tl_write *x = &t->wr[w - 1];
		const struct vm_disk_host *h = &t->disk[x->unit];
		if (h->write(h->opaque, x->off, x->old, x->len)) {
			snprintf(err, errlen, "disk %u: putting back what the "
				 "guest wrote at byte %llu failed: the image "
				 "is not as it was", x->unit,
				 (unsigned long long)x->off);
			bad = 1;
		}
	}
	drop_writes(t, keep);
	/* The keys and frames that came after the point come again. */
	t->next_ext = 0;
	while (t->next_ext < t->n_ext && t->ext[t->next_ext].seq <= p->seq)
		t->next_ext++;
	while (drop_future && t->n - 1 > i) {
		t->bytes -= t->pt[t->n - 1].bytes;
		point_free(&t->pt[--t->n]);
	}
	return bad ? -1 : 0;
}

static bool final_stop(enum vm_stop s)
{
	return s != VM_RUNNING && s != VM_STOP_BUDGET &&
	       s != VM_STOP_BREAKPOINT;
}

int tl_goto(struct timeline *t, struct vm *vm, uint64_t target,
	    bool by_insns, char *err, size_t errlen)
{
	if (!t->on) {
		snprintf(err, errlen, "no timeline: %s", t->why_off);
		return -1;
	}
	const struct cpu *c = &vm->cpu;
	int i = t->n - 1;
	while (i > 0 && (by_insns ? t->pt[i].insns : t->pt[i].pos) > target)
		i--;
	uint64_t now = by_insns ? c->insns : tl_pos(vm);
	/* From the present if it lies between that point and the target;
	 * else from the point. */
	if (!(now <= target && tl_pos(vm) >= t->pt[i].pos &&
	      t->base >= i) && tl_restore(t, vm, i, err, errlen))
		return -1;
	const struct vm_trace *trace = vm->trace;
	void (*bus_trace)(void *, uint16_t, uint32_t, int) = vm->bus.trace;
	vm->trace = NULL;
	vm->bus.trace = NULL;
	t->replaying = 1;
	for (;;) {
		uint64_t at = by_insns ? c->insns : tl_pos(vm);
		if (at >= target)
			break;
		uint64_t n = tl_before_run(t, vm), left = target - at;
		if (c->halted && by_insns) {
			/* Nothing retires until the next event. */
			uint64_t next = event_next(&vm->events);
			if (next != EVENT_NEVER && next > vm_now(vm))
				left = next - vm_now(vm);
		}
		if (left < n)
			n = left;
		if (final_stop(vm_run(vm, n)))
			break;
	}
	t->replaying = 0;
	vm->trace = trace;
	vm->bus.trace = bus_trace;
	tl_after_run(t, vm);
	return 0;
}

/* ---- console input -------------------------------------------------------- */

int tl_input_replay(struct timeline *t, const struct vm *vm, int *c)
{
	if (!t->on || !t->nin)
		return 0;
	uint64_t idx = host_bytes(vm);
	size_t lo = 0, hi = t->nin;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->in[mid].index < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->nin || t->in[lo].index != idx)
		return 0;
	*c = tl_pos(vm) >= t->in[lo].pos ? t->in[lo].c : VM_CONSOLE_NONE;
	return 1;
}

void tl_input_log(struct timeline *t, const struct vm *vm, int c)
{
	if (!t->on || (c < 0 && c != VM_CONSOLE_EOF))
		return;
	uint64_t idx = host_bytes(vm);
	if (t->nin && t->in[t->nin - 1].index >= idx)
		return;
	if (room(&t->in, t->nin, &t->in_cap, sizeof *t->in, 256))
		return;
	t->in[t->nin++] = (struct tl_input){ .index = idx,
					     .pos = tl_pos(vm), .c = c };
}

bool tl_output_seen(const struct timeline *t, const struct vm *vm)
{
	return t->on && tl_pos(vm) < t->frontier;
}

/* ---- keys and frames ------------------------------------------------------ */

int tl_ext_replay(struct timeline *t, const struct vm *vm,
		  enum tl_ext_kind kind, int *key, uint8_t *buf, uint32_t cap,
		  uint32_t *len)
{
	if (!t->on)
		return 0;
	uint64_t pos = tl_pos(vm);
	if (t->next_ext == t->n_ext && pos >= t->frontier)
		return 0;	/* new ground: the live source says */
	*key = VM_KEY_NONE;
	*len = 0;
	/* What came where the run no longer asks is passed over. */
	while (t->next_ext < t->n_ext && t->ext[t->next_ext].pos < pos)
		t->next_ext++;
	if (t->next_ext < t->n_ext) {
		const struct tl_ext *e = &t->ext[t->next_ext];
		if (e->pos == pos && e->kind == kind) {
			*key = e->key;
			*len = e->len < cap ? e->len : cap;
			if (e->len)
				memcpy(buf, e->frame, *len);
			t->next_ext++;
		}
	}
	return 1;
}

void tl_ext_log(struct timeline *t, const struct vm *vm,
		enum tl_ext_kind kind, int key, const uint8_t *buf,
		uint32_t len)
{
	if (!t->on || (kind == TL_EXT_KEY ? key == VM_KEY_NONE : len == 0))
		return;
	if (t->bytes_ext + len > t->cap_bytes / 4)
		lose_past(t);
	uint8_t *copy = NULL;
	if (room(&t->ext, t->n_ext, &t->cap_ext, sizeof *t->ext, 64) ||
	    (len && !(copy = malloc(len)))) {
		/* Not kept: no moment before this one can be had again
		 * (a re-run would not see it come).  It comes only at new
		 * ground, so no later moment is known yet. */
		lose_past(t);
		return;
	}
	if (len)
		memcpy(copy, buf, len);
	t->ext[t->n_ext++] = (struct tl_ext){
		.seq = t->seq, .pos = tl_pos(vm), .kind = kind, .key = key,
		.len = len, .frame = copy };
	t->next_ext = t->n_ext;
	t->bytes_ext += sizeof *t->ext + len;
}
