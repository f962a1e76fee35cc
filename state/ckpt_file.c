/*
 * The checkpoint file format (docs/checkpoint-format.md): a struct ckpt to
 * bytes and back.  The decoder reads every byte through a bounds-checked
 * cursor and checks each value it stores, so that a truncated, corrupt or
 * hostile file gets a message and never a crash.
 */
#include "state/ckpt.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "mem/mmu.h"

enum { SEC_CONF, SEC_CPU, SEC_HIST, SEC_MACH, SEC_MMU, SEC_DEVS, SEC_EVTQ,
       SEC_RAM, SEC_END, NSECTIONS };
static const char section_tag[NSECTIONS][5] = {
	"CONF", "CPU ", "HIST", "MACH", "MMU ", "DEVS", "EVTQ", "RAM ", "END ",
};
#define MMU_COUNTERS 16
_Static_assert(sizeof(struct mmu_stats) == MMU_COUNTERS * 8,
	       "the MMU section lists every counter");

/* ---- writing ------------------------------------------------------------ */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	int oom;
};

static uint8_t *room(struct wbuf *w, size_t n)
{
	if (w->oom)
		return NULL;
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		while (cap < w->len + n)
			cap *= 2;
		uint8_t *p = realloc(w->p, cap);
		if (!p) {
			w->oom = 1;
			return NULL;
		}
		w->p = p;
		w->cap = cap;
	}
	uint8_t *at = w->p + w->len;
	w->len += n;
	return at;
}

static void put_bytes(struct wbuf *w, const void *b, size_t n)
{
	uint8_t *at = room(w, n);
	if (at && n)
		memcpy(at, b, n);
}

static void put_le(struct wbuf *w, uint64_t v, unsigned n)
{
	uint8_t *at = room(w, n);
	for (unsigned i = 0; at && i < n; i++)
		at[i] = (uint8_t)(v >> (8 * i));
}

static void put8(struct wbuf *w, uint64_t v) { put_le(w, v, 1); }
static void put16(struct wbuf *w, uint64_t v) { put_le(w, v, 2); }
static void put32(struct wbuf *w, uint64_t v) { put_le(w, v, 4); }
static void put64(struct wbuf *w, uint64_t v) { put_le(w, v, 8); }

static void store_le(uint8_t *at, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		at[i] = (uint8_t)(v >> (8 * i));
}

static size_t begin_section(struct wbuf *w, int s)
{
	put_bytes(w, section_tag[s], 4);
	put32(w, 0);
	put32(w, 0);
	return w->len;
}

static void end_section(struct wbuf *w, size_t start)
{
	if (w->oom)
		return;
	size_t n = w->len - start;
	store_le(w->p + start - 8, n, 4);
	store_le(w->p + start - 4, crc32(0, w->p + start, (uInt)n), 4);
}

static void put_conf(struct wbuf *w, const struct ckpt_conf *c)
{
	put32(w, c->ram_size);
	put32(w, c->mmu);
	put32(w, c->on_brk);
	put_bytes(w, c->mac, 6);
	put16(w, c->wiring);
	put32(w, c->ndisks);
	for (uint32_t i = 0; i < c->ndisks; i++) {
		const struct ckpt_disk *d = &c->disks[i];
		size_t n = strlen(d->name);
		put64(w, d->size);
		put32(w, d->read_only);
		put32(w, d->crc);
		put16(w, n);
		put_bytes(w, d->name, n);
	}
}

static void put_cpu(struct wbuf *w, const struct ckpt_cpu *c)
{
	for (int i = 0; i < 16; i++)
		put32(w, c->r[i]);
	put32(w, c->pc);
	put32(w, c->flags);
	put32(w, c->other_sp);
	put32(w, c->vbr);
	put32(w, c->ptbr);
	put32(w, c->paging);
	put32(w, c->far);
	put32(w, c->cause);
	put32(w, c->kscratch);
	put64(w, c->insns);
	put64(w, c->exceptions);
	put32(w, c->halted);
	put32(w, CPU_VEC_COUNT);
	for (int i = 0; i < CPU_VEC_COUNT; i++)
		put64(w, c->vectors[i]);
}

static void put_mach(struct wbuf *w, const struct ckpt_mach *m)
{
	size_t n = strlen(m->detail);
	put64(w, m->halted_time);
	put64(w, m->waited_time);
	put32(w, m->entry);
	put32(w, m->stop);
	put32(w, m->stop_code);
	put32(w, m->reset_pending);
	put64(w, m->bus_in);
	put64(w, m->bus_out);
	put32(w, m->bus_last);
	put16(w, n);
	put_bytes(w, m->detail, n);
}

static void put_mmu(struct wbuf *w, const struct ckpt *ck)
{
	uint64_t v[MMU_COUNTERS];
	memcpy(v, &ck->mmu, sizeof v);
	put32(w, ck->mmu_mode);
	put32(w, MMU_COUNTERS);
	for (int i = 0; i < MMU_COUNTERS; i++)
		put64(w, v[i]);
}

/* RAM goes in chunks of CHUNK_PAGES pages, each compressed on its own
 * with run-length deflate (fast, and what guest memory mostly needs), or
 * stored raw when that would not save an eighth.  Whether it would is
 * judged on the chunk's first page, so that random data costs one page
 * of deflate per chunk, not sixteen. */
#define CHUNK_PAGES 16u
#define CHUNK_ZLIB 0x80000000u

/* Deflate len bytes of src into out (cap bytes): the length, or 0 if it
 * did not fit or failed. */
static uLong deflate_into(z_stream *z, const uint8_t *src, uLong len,
			  uint8_t *out, uLong cap)
{
	deflateReset(z);
	z->next_in = (Bytef *)src;
	z->avail_in = (uInt)len;
	z->next_out = out;
	z->avail_out = (uInt)cap;
	return deflate(z, Z_FINISH) == Z_STREAM_END ? cap - z->avail_out : 0;
}

static int put_ram(struct wbuf *w, const struct ckpt *ck)
{
	z_stream z = { 0 };
	if (deflateInit2(&z, 1, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK)
		return -1;
	put32(w, ck->npages);
	put32(w, ck->nstored);
	for (uint32_t k = 0; k < ck->nstored; k++)
		put32(w, ck->pagenos[k]);
	int rc = 0;
	for (uint32_t k = 0; k < ck->nstored && !rc; k += CHUNK_PAGES) {
		uint32_t n = ck->nstored - k < CHUNK_PAGES ? ck->nstored - k
							   : CHUNK_PAGES;
		uLong raw = (uLong)n * MEM_PAGE_SIZE;
		const uint8_t *src = ck->pages + (size_t)k * MEM_PAGE_SIZE;
		size_t head = w->len;
		uint8_t *out = room(w, 4 + deflateBound(&z, raw));
		if (!out) {
			rc = -1;
			break;
		}
		uLong cap = deflateBound(&z, raw), zlen = 0,
		      probe = deflate_into(&z, src, MEM_PAGE_SIZE, out + 4, cap);
		if (probe && probe < MEM_PAGE_SIZE - MEM_PAGE_SIZE / 8)
			zlen = n == 1 ? probe
				      : deflate_into(&z, src, raw, out + 4, cap);
		if (zlen && zlen < raw - raw / 8) {
			store_le(out, zlen | CHUNK_ZLIB, 4);
			w->len = head + 4 + zlen;
		} else {
			store_le(out, raw, 4);
			memcpy(out + 4, src, raw);
			w->len = head + 4 + raw;
		}
	}
	deflateEnd(&z);
	return rc;
}

int ckpt_encode(const struct ckpt *ck, uint8_t **buf, size_t *len)
{
	/* Room for it all at once: RAM raw at worst, and the rest. */
	size_t guess = 64 * 1024 + (size_t)ck->nstored * (MEM_PAGE_SIZE + 8);
	for (uint32_t i = 0; i < ck->ndev; i++)
		guess += ck->dev[i].len + 64;
	struct wbuf w = { .p = malloc(guess), .cap = guess };
	if (!w.p)
		return -1;
	put_bytes(&w, CKPT_MAGIC, 8);
	put32(&w, CKPT_VERSION);
	put32(&w, CKPT_HEADER_SIZE);
	put64(&w, ck->taken ? ck->taken : (uint64_t)time(NULL));
	put32(&w, NSECTIONS);
	if (!w.oom)
		put32(&w, crc32(0, w.p, 28));
	size_t s;

	s = begin_section(&w, SEC_CONF);
	put_conf(&w, &ck->conf);
	end_section(&w, s);

	s = begin_section(&w, SEC_CPU);
	put_cpu(&w, &ck->cpu);
	end_section(&w, s);

	s = begin_section(&w, SEC_HIST);
	put32(&w, ck->hist_next);
	for (int i = 0; i < CPU_HISTORY; i++) {
		const struct cpu_hist *h = &ck->hist[i];
		put32(&w, h->pc);
		put32(&w, h->cause);
		put64(&w, h->insns);
		put32(&w, h->from);
		put32(&w, h->kind);
	}
	const struct cpu_cascade *k = &ck->cascade;
	put64(&w, k->entries);
	put64(&w, k->last_insns);
	put32(&w, k->cause);
	put32(&w, k->saved_pc);
	put32(&w, k->flags);
	put32(&w, k->vbr);
	put64(&w, k->insns);
	put32(&w, k->insn);
	put32(&w, k->have_insn);
	end_section(&w, s);

	s = begin_section(&w, SEC_MACH);
	put_mach(&w, &ck->mach);
	end_section(&w, s);

	s = begin_section(&w, SEC_MMU);
	put_mmu(&w, ck);
	end_section(&w, s);

	s = begin_section(&w, SEC_DEVS);
	put32(&w, ck->ndev);
	for (uint32_t i = 0; i < ck->ndev; i++) {
		const struct ckpt_dev *d = &ck->dev[i];
		size_t n = strlen(d->name);
		put8(&w, n);
		put_bytes(&w, d->name, n);
		put32(&w, d->unit);
		put32(&w, d->layout);
		put32(&w, d->len);
		put_bytes(&w, d->values, d->len);
	}
	end_section(&w, s);

	s = begin_section(&w, SEC_EVTQ);
	put32(&w, ck->nevents);
	for (uint32_t i = 0; i < ck->nevents; i++) {
		put64(&w, ck->ev[i].when);
		put8(&w, ck->ev[i].dev);
		put8(&w, ck->ev[i].kind);
	}
	end_section(&w, s);

	s = begin_section(&w, SEC_RAM);
	if (put_ram(&w, ck))
		w.oom = 1;
	end_section(&w, s);

	s = begin_section(&w, SEC_END);
	end_section(&w, s);
	if (w.oom) {
		free(w.p);
		return -1;
	}
	*buf = w.p;
	*len = w.len;
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

/* A fuzzer's mutations would almost never get past the CRCs to the
 * parsers behind them: its builds (the libFuzzer convention) skip them. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define CRC_OK(got, want) ((void)(got), (void)(want), 1)
#else
#define CRC_OK(got, want) ((got) == (want))
#endif

struct rbuf {
	const uint8_t *p;
	size_t len, off;
	int short_read;		/* a get ran past the end */
};

static const uint8_t *take(struct rbuf *r, size_t n)
{
	if (r->short_read || n > r->len - r->off) {
		r->short_read = 1;
		return NULL;
	}
	const uint8_t *at = r->p + r->off;
	r->off += n;
	return at;
}

static uint64_t get_le(struct rbuf *r, unsigned n)
{
	const uint8_t *at = take(r, n);
	uint64_t v = 0;
	for (unsigned i = 0; at && i < n; i++)
		v |= (uint64_t)at[i] << (8 * i);
	return v;
}

static uint8_t get8(struct rbuf *r) { return (uint8_t)get_le(r, 1); }
static uint16_t get16(struct rbuf *r) { return (uint16_t)get_le(r, 2); }
static uint32_t get32(struct rbuf *r) { return (uint32_t)get_le(r, 4); }
static uint64_t get64(struct rbuf *r) { return get_le(r, 8); }

static void get_bytes(struct rbuf *r, void *out, size_t n)
{
	const uint8_t *at = take(r, n);
	if (at)
		memcpy(out, at, n);
	else
		memset(out, 0, n);
}

/* A section's payload is well formed: 0, or -1 with err. */
typedef int section_fn(struct ckpt *ck, struct rbuf *r, char *err,
		       size_t errlen);

#define BAD(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int get_conf(struct ckpt *ck, struct rbuf *r, char *err, size_t errlen)
{
	struct ckpt_conf *c = &ck->conf;
	c->ram_size = get32(r);
	c->mmu = get32(r);
	c->on_brk = get32(r);
	get_bytes(r, c->mac, 6);
	c->wiring = get16(r);
	c->ndisks = get32(r);
	if (r->short_read)
		return 0;
	if (c->ram_size < MEM_MIN_SIZE || c->ram_size > MEM_MAX_SIZE ||
	    c->ram_size % MEM_PAGE_SIZE)
		BAD("a RAM size of %u bytes is not one aula makes", c->ram_size);
	if (c->mmu > MMU_NESTED || c->on_brk > VM_BRK_GUEST ||
	    c->wiring > 15)
		BAD("an MMU mode, brk mode or wiring out of range");
	if (c->ndisks > VM_MAX_DISKS)
		BAD("%u disks; the machine has room for %d", c->ndisks,
		    VM_MAX_DISKS);
	for (uint32_t i = 0; i < c->ndisks; i++) {
		struct ckpt_disk *d = &c->disks[i];
		d->size = get64(r);
		d->read_only = get32(r);
		d->crc = get32(r);
		d->has_crc = 1;
		uint16_t n = get16(r);
		if (n > CKPT_NAME_MAX)
			BAD("disk %u's name is %u bytes long", i, n);
		get_bytes(r, d->name, n);
		d->name[n] = 0;
		if (memchr(d->name, 0, n))
			BAD("disk %u's name holds a NUL byte", i);
		if (d->read_only > 1)
			BAD("disk %u: read_only is %u", i, d->read_only);
	}
	return 0;
}

static int get_cpu(struct ckpt *ck, struct rbuf *r, char *err, size_t errlen)
{
	struct ckpt_cpu *c = &ck->cpu;
	for (int i = 0; i < 16; i++)
		c->r[i] = get32(r);
	c->pc = get32(r);
	c->flags = get32(r);
	c->other_sp = get32(r);
	c->vbr = get32(r);
	c->ptbr = get32(r);
	c->paging = get32(r);
	c->far = get32(r);
	c->cause = get32(r);
	c->kscratch = get32(r);
	c->insns = get64(r);
	c->exceptions = get64(r);
	c->halted = get32(r);
	if (c->halted > 1)
		BAD("halted is %u", c->halted);
	if (get32(r) != CPU_VEC_COUNT)
		BAD("the vector counters are not %d", CPU_VEC_COUNT);
	for (int i = 0; i < CPU_VEC_COUNT; i++)
		c->vectors[i] = get64(r);
	return 0;
}

static int get_hist(struct ckpt *ck, struct rbuf *r, char *err,
		    size_t errlen)
{
	ck->hist_next = get32(r);
	for (int i = 0; i < CPU_HISTORY; i++) {
		struct cpu_hist *h = &ck->hist[i];
		h->pc = get32(r);
		h->cause = get32(r);
		h->insns = get64(r);
		h->from = get32(r);
		h->kind = get32(r);
		if (h->kind > CPU_HIST_EXCEPTION)
			BAD("history entry %d has kind %u", i, h->kind);
	}
	struct cpu_cascade *k = &ck->cascade;
	k->entries = get64(r);
	k->last_insns = get64(r);
	k->cause = get32(r);
	k->saved_pc = get32(r);
	k->flags = get32(r);
	k->vbr = get32(r);
	k->insns = get64(r);
	k->insn = get32(r);
	uint32_t have = get32(r);
	if (have > 1)
		BAD("the cascade's have_insn is %u", have);
	k->have_insn = have;
	return 0;
}

static int get_mach(struct ckpt *ck, struct rbuf *r, char *err,
		    size_t errlen)
{
	struct ckpt_mach *m = &ck->mach;
	m->halted_time = get64(r);
	m->waited_time = get64(r);
	m->entry = get32(r);
	m->stop = get32(r);
	m->stop_code = get32(r);
	m->reset_pending = get32(r);
	m->bus_in = get64(r);
	m->bus_out = get64(r);
	m->bus_last = get32(r);
	uint16_t n = get16(r);
	if (n >= sizeof m->detail)
		BAD("a stop detail of %u bytes", n);
	get_bytes(r, m->detail, n);
	m->detail[n] = 0;
	if (memchr(m->detail, 0, n))
		BAD("the stop detail holds a NUL byte");
	if (m->stop > VM_STOP_INTERRUPTED || m->reset_pending > 1 ||
	    m->bus_last > 0xffff)
		BAD("a stop reason, reset flag or port out of range");
	return 0;
}

static int get_mmu(struct ckpt *ck, struct rbuf *r, char *err, size_t errlen)
{
	uint64_t v[MMU_COUNTERS];
	ck->mmu_mode = get32(r);
	uint32_t n = get32(r);
	if (n != MMU_COUNTERS)
		BAD("%u counters, not %d", n, MMU_COUNTERS);
	for (int i = 0; i < MMU_COUNTERS; i++)
		v[i] = get64(r);
	memcpy(&ck->mmu, v, sizeof v);
	if (ck->mmu_mode != ck->conf.mmu)
		BAD("the MMU mode differs from CONF's");
	return 0;
}

static int get_devs(struct ckpt *ck, struct rbuf *r, char *err,
		    size_t errlen)
{
	uint32_t n = get32(r);
	if (n > VM_MAX_DEVICES)
		BAD("%u devices; a machine has at most %d", n,
		    VM_MAX_DEVICES);
	for (uint32_t i = 0; i < n && !r->short_read; i++) {
		struct ckpt_dev *d = &ck->dev[i];
		uint8_t len = get8(r);
		if (len == 0 || len >= sizeof d->name)
			BAD("device %u's name is %u bytes long", i, len);
		get_bytes(r, d->name, len);
		d->name[len] = 0;
		if (memchr(d->name, 0, len))
			BAD("device %u's name holds a NUL byte", i);
		d->unit = get32(r);
		d->layout = get32(r);
		d->len = get32(r);
		if (d->len > r->len - r->off)
			BAD("device %u (%s) claims %u bytes of values, more "
			    "than the section holds", i, d->name, d->len);
		if (!(d->values = malloc(d->len ? d->len : 1)))
			BAD("out of host memory");
		ck->ndev = i + 1;
		get_bytes(r, d->values, d->len);
	}
	return 0;
}

static int get_evtq(struct ckpt *ck, struct rbuf *r, char *err,
		    size_t errlen)
{
	uint32_t n = get32(r);
	if (n > EVENT_MAX)
		BAD("%u events; the queue holds %d", n, EVENT_MAX);
	for (uint32_t i = 0; i < n; i++) {
		struct ckpt_event *e = &ck->ev[i];
		e->when = get64(r);
		e->dev = get8(r);
		e->kind = get8(r);
		if (e->dev >= ck->ndev)
			BAD("event %u names device %u of %u", i, e->dev,
			    ck->ndev);
		if (i && e->when < ck->ev[i - 1].when)
			BAD("event %u fires before the one ahead of it", i);
	}
	ck->nevents = n;
	return 0;
}

static int get_ram(struct ckpt *ck, struct rbuf *r, char *err, size_t errlen)
{
	ck->npages = get32(r);
	uint32_t n = get32(r);
	if (r->short_read)
		return 0;
	if (ck->npages != ck->conf.ram_size / MEM_PAGE_SIZE)
		BAD("%u pages of RAM, but CONF says %u bytes", ck->npages,
		    ck->conf.ram_size);
	if (n > ck->npages || (uint64_t)n * 4 > r->len - r->off)
		BAD("%u pages stored of %u", n, ck->npages);
	ck->pagenos = malloc((n ? n : 1) * sizeof *ck->pagenos);
	if (!ck->pagenos)
		BAD("out of host memory");
	for (uint32_t k = 0; k < n; k++) {
		ck->pagenos[k] = get32(r);
		if (ck->pagenos[k] >= ck->npages ||
		    (k && ck->pagenos[k] <= ck->pagenos[k - 1]))
			BAD("page %u of the list (%u) is out of order or "
			    "range", k, ck->pagenos[k]);
	}
	/* The contents, chunk by chunk; the buffer grows only as chunks
	 * that are really there decode, so a file cannot make us allocate
	 * what it does not hold. */
	for (uint32_t k = 0; k < n; k += CHUNK_PAGES) {
		uint32_t pages = n - k < CHUNK_PAGES ? n - k : CHUNK_PAGES;
		uLongf raw = (uLongf)pages * MEM_PAGE_SIZE;
		uint32_t head = get32(r), len = head & ~CHUNK_ZLIB;
		const uint8_t *data = take(r, len);
		if (!data)
			BAD("the chunk of pages %u.. is cut short", k);
		if (k + pages > ck->cap) {
			uint32_t cap = ck->cap ? ck->cap : CHUNK_PAGES;
			while (cap < k + pages)
				cap *= 2;
			if (cap > n)
				cap = n;
			uint8_t *p = realloc(ck->pages,
					     (size_t)cap * MEM_PAGE_SIZE);
			if (!p)
				BAD("out of host memory");
			ck->pages = p;
			ck->cap = cap;
		}
		uint8_t *dst = ck->pages + (size_t)k * MEM_PAGE_SIZE;
		if (!(head & CHUNK_ZLIB)) {
			if (len != raw)
				BAD("the raw chunk of pages %u.. is %u bytes, "
				    "not %lu", k, len, (unsigned long)raw);
			memcpy(dst, data, raw);
		} else {
			uLongf got = raw;
			int zr = uncompress(dst, &got, data, len);
			if (zr != Z_OK || got != raw)
				BAD("the zlib chunk of pages %u.. is corrupt "
				    "(%s)", k, zr == Z_OK ? "too short" :
				    zr == Z_BUF_ERROR ? "too long or cut short"
				    : "bad data");
		}
		ck->nstored = k + pages;
	}
	if (!ck->pages && !(ck->pages = malloc(1)))
		BAD("out of host memory");
	return 0;
}

static int get_end(struct ckpt *ck, struct rbuf *r, char *err, size_t errlen)
{
	(void)ck, (void)r, (void)err, (void)errlen;
	return 0;
}

static section_fn *const section_get[NSECTIONS] = {
	get_conf, get_cpu, get_hist, get_mach, get_mmu, get_devs, get_evtq,
	get_ram, get_end,
};

static int decode(struct ckpt *ck, const uint8_t *buf, size_t len, char *err,
		  size_t errlen)
{
	struct rbuf r = { .p = buf, .len = len };
	if (len < 8 || memcmp(buf, CKPT_MAGIC, 8))
		BAD("not an Aula checkpoint (no AULACKPT at the start)");
	if (len < CKPT_HEADER_SIZE)
		BAD("truncated: %zu bytes, shorter than the header", len);
	take(&r, 8);
	uint32_t version = get32(&r), hsize = get32(&r);
	ck->taken = get64(&r);
	uint32_t nsec = get32(&r), hcrc = get32(&r);
	if (!CRC_OK(hcrc, crc32(0, buf, 28)))
		BAD("corrupt: the header's CRC does not match");
	if (version > CKPT_VERSION)
		BAD("written by a newer aula: format version %u, and this "
		    "aula reads version %d", version, CKPT_VERSION);
	if (version == 0 || hsize != CKPT_HEADER_SIZE || nsec != NSECTIONS)
		BAD("corrupt: version %u, a %u-byte header, %u sections",
		    version, hsize, nsec);
	for (int s = 0; s < NSECTIONS; s++) {
		size_t at = r.off;
		if (len - at < CKPT_SECTION_HEADER)
			BAD("truncated at byte %zu: section %s is missing",
			    at, section_tag[s]);
		const uint8_t *h = take(&r, CKPT_SECTION_HEADER);
		if (memcmp(h, section_tag[s], 4))
			BAD("corrupt at byte %zu: section %s expected, not "
			    "'%.4s'", at, section_tag[s],
			    (const char *)h);
		uint32_t plen = get_le(&(struct rbuf){ .p = h + 4, .len = 4 },
				       4);
		uint32_t pcrc = get_le(&(struct rbuf){ .p = h + 8, .len = 4 },
				       4);
		if (plen > len - r.off)
			BAD("truncated: section %s at byte %zu has %u bytes, "
			    "but the file ends %zu bytes after its header",
			    section_tag[s], at, plen, len - r.off);
		struct rbuf p = { .p = buf + r.off, .len = plen };
		if (!CRC_OK(crc32(0, p.p, plen), pcrc))
			BAD("corrupt: section %s at byte %zu fails its CRC",
			    section_tag[s], at);
		char why[256];
		if (section_get[s](ck, &p, why, sizeof why))
			BAD("corrupt: section %s at byte %zu: %s",
			    section_tag[s], at, why);
		if (p.short_read || p.off != p.len)
			BAD("corrupt: section %s at byte %zu is %u bytes, "
			    "%s than its contents", section_tag[s], at, plen,
			    p.short_read ? "shorter" : "longer");
		take(&r, plen);
	}
	if (r.off != len)
		BAD("corrupt: %zu bytes after the END section", len - r.off);
	return 0;
}

int ckpt_decode(struct ckpt *ck, const uint8_t *buf, size_t len, char *err,
		size_t errlen)
{
	memset(ck, 0, sizeof *ck);
	if (decode(ck, buf, len, err, errlen)) {
		ckpt_free(ck);
		return -1;
	}
	return 0;
}

/* ---- files -------------------------------------------------------------- */

int ckpt_write_file(const struct ckpt *ck, const char *path, char *err,
		    size_t errlen)
{
	uint8_t *buf;
	size_t len;
	char tmp[4096];
	if (ckpt_encode(ck, &buf, &len)) {
		snprintf(err, errlen, "%s: out of host memory", path);
		return -1;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	int ok = f && fwrite(buf, 1, len, f) == len;
	int saved = errno;
	if (f && fclose(f) != 0 && ok) {
		ok = 0;
		saved = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = 0;
		saved = errno;
	}
	free(buf);
	if (!ok) {
		if (f)
			remove(tmp);
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		return -1;
	}
	return 0;
}

int ckpt_read_file(struct ckpt *ck, const char *path, char *err,
		   size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	struct stat st;
	/* A regular file is read in one go; anything else as it comes. */
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 1;
	for (;;) {
		if (len == cap || !buf) {
			cap = !buf && cap ? cap : cap ? 2 * cap : 1 << 16;
			uint8_t *p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				snprintf(err, errlen, "%s: out of host memory",
					 path);
				return -1;
			}
			buf = p;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		snprintf(err, errlen, "%s: read error", path);
		return -1;
	}
	char why[400];
	int r = ckpt_decode(ck, buf, len, why, sizeof why);
	free(buf);
	if (r)
		snprintf(err, errlen, "%s: %s", path, why);
	return r;
}

/* ---- aula checkpoint info ----------------------------------------------- */

/* A device's saved scalars, named by this aula's field table. */
static void describe_device(const struct ckpt_dev *d, FILE *f)
{
	const struct dev_ops *ops = vm_device_ops(d->name);
	fprintf(f, "  %s %u:", d->name, d->unit);
	if (!ops || ckpt_layout(ops) != d->layout) {
		fprintf(f, " %u bytes, in a layout this aula does not know\n",
			d->len);
		return;
	}
	uint32_t need = 0;
	for (const struct dev_field *fl = ops->fields; fl->name; fl++)
		need += dev_field_width(fl) * dev_field_count(fl);
	if (d->len < need || (!ops->extra_name && d->len != need)) {
		/* A forged file: its layout is ours, its length not. */
		fprintf(f, " %u bytes, where its fields are %u\n", d->len,
			need);
		return;
	}
	const uint8_t *p = d->values;
	for (const struct dev_field *fl = ops->fields; fl->name; fl++) {
		unsigned w = dev_field_width(fl);
		if (!fl->count) {
			uint64_t v = 0;
			for (unsigned b = 0; b < w; b++)
				v |= (uint64_t)p[b] << (8 * b);
			if (w == 8)
				fprintf(f, " %s=%llu", fl->name,
					(unsigned long long)v);
			else
				fprintf(f, " %s=0x%0*llx", fl->name,
					(int)(2 * w), (unsigned long long)v);
		}
		p += (size_t)w * dev_field_count(fl);
	}
	if (ops->extra_name)
		fprintf(f, " %s=%u bytes", ops->extra_name, d->len - need);
	fprintf(f, "\n");
}

void ckpt_describe(const struct ckpt *ck, FILE *f)
{
	char when[64] = "unknown";
	time_t t = (time_t)ck->taken;
	struct tm tm;
	if (ck->taken && gmtime_r(&t, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "format:   aula checkpoint, version %d\n", CKPT_VERSION);
	fprintf(f, "taken:    %s\n", when);
	fprintf(f, "machine:  %u KiB of RAM, --mmu=%s, --on-brk=%s\n",
		ck->conf.ram_size / 1024,
		mmu_mode_name((enum mmu_mode)ck->conf.mmu),
		ck->conf.on_brk ? "guest" : "stop");
	fprintf(f, "ram:      %u of %u pages stored (%u KiB)\n", ck->nstored,
		ck->npages, ck->nstored * (MEM_PAGE_SIZE / 1024));
	for (uint32_t i = 0; i < ck->conf.ndisks; i++) {
		const struct ckpt_disk *d = &ck->conf.disks[i];
		fprintf(f, "disk %u:   %s, %llu bytes%s, CRC-32 %08x\n", i,
			d->name, (unsigned long long)d->size,
			d->read_only ? ", read-only" : "", d->crc);
	}
	fprintf(f, "time:     insns=%llu exceptions=%llu halted_time=%llu\n",
		(unsigned long long)ck->cpu.insns,
		(unsigned long long)ck->cpu.exceptions,
		(unsigned long long)ck->mach.halted_time);
	fprintf(f, "cpu:      pc=0x%08x flags=0x%08x mode=%s%s\n", ck->cpu.pc,
		ck->cpu.flags, ck->cpu.flags & CPU_P ? "kernel" : "user",
		ck->cpu.halted ? ", halted" : "");
	fprintf(f, "stop:     %s\n", vm_stop_name((enum vm_stop)ck->mach.stop));
	fprintf(f, "devices:  %u\n", ck->ndev);
	for (uint32_t i = 0; i < ck->ndev; i++)
		describe_device(&ck->dev[i], f);
	fprintf(f, "events:   %u pending\n", ck->nevents);
	for (uint32_t i = 0; i < ck->nevents; i++) {
		const struct ckpt_event *e = &ck->ev[i];
		const struct ckpt_dev *d = &ck->dev[e->dev];
		const struct dev_ops *ops = vm_device_ops(d->name);
		const char *kind = NULL;
		for (int k = 0; ops && ops->events && ops->events[k].name;
		     k++)
			if (k == e->kind)
				kind = ops->events[k].name;
		fprintf(f, "  at %llu: %s %u %s\n",
			(unsigned long long)e->when, d->name, d->unit,
			kind ? kind : "(an event kind this aula lacks)");
	}
}
