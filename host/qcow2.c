/*
 * qcow2 images: open, read, write (qcow2_int.h draws the layout).
 *
 * Crash safety.  Data and refcounts go to the file at once; L2 and L1
 * updates wait in memory for the next flush, which writes them in an
 * order that never lets a table point at a cluster the file does not yet
 * hold:
 *
 *   guest WRITE   allocate: refcount 1 written at once (write-through)
 *                 write the data (and the copy-on-write fill)
 *                 set the L2 entry in the cache (dirty)
 *   guest FLUSH   fsync            data and refcounts are durable
 *                 write dirty L2 tables
 *                 fsync            before any L1 entry points at them
 *                 write the L1 table, if it changed
 *                 fsync
 *
 * A crash anywhere loses only writes the guest never flushed, and leaves
 * at worst clusters whose refcount is 1 that nothing references (leaks),
 * which `aula disk check --repair` reclaims.
 */
#define _GNU_SOURCE
#include "host/qcow2.h"
#include "host/qcow2_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* Host clusters a guest write may plan at once. */
#define QCOW2_PLAN 64

/* --- the cluster caches -------------------------------------------------- */

static struct qcow2_cached *cache_slot(struct qcow2 *s,
				       struct qcow2_cached *c, uint64_t off,
				       bool *hit)
{
	struct qcow2_cached *victim = &c[0];
	s->tick++;
	for (int i = 0; i < QCOW2_CACHE_SIZE; i++) {
		if (c[i].off == off && off) {
			c[i].used = s->tick;
			*hit = true;
			return &c[i];
		}
		if (c[i].used < victim->used)
			victim = &c[i];
	}
	*hit = false;
	if (victim->dirty && qcow2_meta_flush(s))
		return NULL;
	if (!victim->data && !(victim->data = malloc(s->cs))) {
		vdisk_fail(s->vd, "out of memory");
		return NULL;
	}
	victim->off = 0;
	victim->used = s->tick;
	return victim;
}

/* The cluster at off through cache c; fresh: it is new, all zeros. */
static uint8_t *cache_get(struct qcow2 *s, struct qcow2_cached *c,
			  uint64_t off, bool fresh, const char *what)
{
	bool hit;
	struct qcow2_cached *e = cache_slot(s, c, off, &hit);
	if (!e)
		return NULL;
	if (hit)
		return e->data;
	if (fresh)
		memset(e->data, 0, s->cs);
	else if (vdisk_pread(s->vd, off, e->data, s->cs, what))
		return NULL;
	e->off = off;
	e->dirty = fresh;
	return e->data;
}

uint8_t *qcow2_l2_table(struct qcow2 *s, uint64_t off, bool mark_dirty)
{
	uint8_t *t = cache_get(s, s->l2c, off, false, "reading an L2 table");
	if (t && mark_dirty)
		for (int i = 0; i < QCOW2_CACHE_SIZE; i++)
			if (s->l2c[i].off == off)
				s->l2c[i].dirty = true;
	return t;
}

/* --- refcounts ----------------------------------------------------------- */

static uint8_t *refblock(struct qcow2 *s, uint64_t cluster, uint64_t *idx)
{
	uint64_t t = cluster / s->rb_entries;
	*idx = cluster % s->rb_entries;
	if (t >= s->rt_entries || !(s->rt[t] & ~QCOW2_RT_RESERVED))
		return NULL;
	return cache_get(s, s->rbc, s->rt[t] & ~QCOW2_RT_RESERVED, false,
			 "reading a refcount block");
}

static uint64_t rc_get(const struct qcow2 *s, const uint8_t *b, uint64_t i)
{
	unsigned bits = 1u << s->refcount_order;
	if (bits < 8)
		return (b[i * bits / 8] >> (i * bits % 8)) & ((1u << bits) - 1);
	uint64_t v = 0;
	for (unsigned k = 0; k < bits / 8; k++)
		v = v << 8 | b[i * (bits / 8) + k];
	return v;
}

/* Set entry i of block b; the byte range changed is [*at, *at + *n). */
static void rc_put(const struct qcow2 *s, uint8_t *b, uint64_t i,
		   uint64_t v, uint64_t *at, unsigned *n)
{
	unsigned bits = 1u << s->refcount_order;
	if (bits < 8) {
		unsigned sh = (unsigned)(i * bits % 8);
		uint8_t m = (uint8_t)(((1u << bits) - 1) << sh);
		*at = i * bits / 8;
		b[*at] = (uint8_t)((b[*at] & ~m) | ((v << sh) & m));
		*n = 1;
		return;
	}
	*n = bits / 8;
	*at = i * *n;
	for (unsigned k = *n; k-- > 0; v >>= 8)
		b[*at + k] = (uint8_t)v;
}

int qcow2_get_refcount(struct qcow2 *s, uint64_t cluster, uint64_t *rc)
{
	uint64_t t = cluster / s->rb_entries, i;
	if (t >= s->rt_entries || !(s->rt[t] & ~QCOW2_RT_RESERVED)) {
		*rc = 0;
		return 0;
	}
	uint8_t *b = refblock(s, cluster, &i);
	if (!b)
		return -1;
	*rc = rc_get(s, b, i);
	return 0;
}

int qcow2_set_refcount(struct qcow2 *s, uint64_t cluster, uint64_t rc)
{
	uint64_t i, at;
	unsigned n;
	uint8_t *b = refblock(s, cluster, &i);
	if (!b)
		return vdisk_fail(s->vd, "host cluster %llu has no refcount "
				  "block", (unsigned long long)cluster);
	if (s->refcount_order < 6 && rc >> (1u << s->refcount_order))
		return vdisk_fail(s->vd, "refcount of host cluster %llu "
				  "overflows", (unsigned long long)cluster);
	rc_put(s, b, i, rc, &at, &n);
	uint64_t boff = s->rt[cluster / s->rb_entries] & ~QCOW2_RT_RESERVED;
	return vdisk_pwrite(s->vd, boff + at, b + at, n,
			    "writing a refcount");
}

/* Make free cluster c the refcount block for table entry t, counting
 * itself; durable before the table points at it. */
static int new_refblock(struct qcow2 *s, uint64_t t, uint64_t c)
{
	uint64_t at, off = c << s->cluster_bits;
	unsigned n;
	uint8_t *b = cache_get(s, s->rbc, off, true, "");
	if (!b)
		return -1;
	rc_put(s, b, c % s->rb_entries, 1, &at, &n);
	if (vdisk_pwrite(s->vd, off, b, s->cs, "writing a refcount block"))
		goto fail;
	if (fsync(s->vd->fd))
		goto fail_sync;
	uint8_t e[8];
	qcow2_put64(e, off);
	if (vdisk_pwrite(s->vd, s->rt_off + t * 8, e, 8,
			 "writing the refcount table"))
		goto fail;
	s->rt[t] = off;
	if (c + 1 > s->end)
		s->end = c + 1;
	return 0;
fail_sync:
	vdisk_fail(s->vd, "fsync: %s", strerror(errno));
fail:
	for (int i = 0; i < QCOW2_CACHE_SIZE; i++)
		if (s->rbc[i].off == off)
			s->rbc[i].off = 0;
	return -1;
}

/* The refcount table is full: describe clusters from c on too.  A new
 * table twice the size (or more) and the refcount blocks it needs are
 * written past everything in use, each counting the new clusters, made
 * durable, then the header is pointed at them in one write (and made
 * durable), and only then is the old table freed.  A crash leaves the
 * old table in force, or at worst leaks it. */
static int grow_refcount_table(struct qcow2 *s, uint64_t c)
{
	struct vdisk *vd = s->vd;
	uint64_t rbe = s->rb_entries, old = s->rt_entries;
	uint64_t first = s->end > c ? s->end : c, entries = 2 * old, tc, nb;
	for (;;) {
		tc = (entries * 8 + s->cs - 1) >> s->cluster_bits;
		for (nb = 0;;) {	/* blocks for clusters up to the last */
			uint64_t end = first + tc + nb, want;
			want = (end + rbe - 1) / rbe;
			want = want > old ? want - old : 0;
			if (want == nb)
				break;
			nb = want;
		}
		if (old + nb <= entries)
			break;
		entries *= 2;
	}
	if (tc > UINT32_MAX / 2)
		return vdisk_fail(vd, "the refcount table cannot grow further");
	uint64_t *rt = calloc(entries, sizeof *rt);
	uint8_t *buf = calloc(1, s->cs);
	if (!rt || !buf) {
		free(rt);
		free(buf);
		return vdisk_fail(vd, "out of memory");
	}
	memcpy(rt, s->rt, old * sizeof *rt);
	uint64_t last = first + tc + nb;	/* clusters [first, last) */
	int st = 0;
	for (uint64_t b = 0; b < nb && !st; b++) {
		uint64_t idx = old + b, at, lo = idx * rbe;
		unsigned n;
		memset(buf, 0, s->cs);
		for (uint64_t k = lo < first ? first : lo; k < last &&
		     k < lo + rbe; k++)
			rc_put(s, buf, k - lo, 1, &at, &n);
		rt[idx] = (first + tc + b) << s->cluster_bits;
		st = vdisk_pwrite(vd, rt[idx], buf, s->cs,
				  "writing a refcount block");
	}
	for (uint64_t t = 0; t < tc && !st; t++) {
		memset(buf, 0, s->cs);
		for (uint64_t k = 0; k < s->cs / 8 && t * s->cs / 8 + k <
		     entries; k++)
			qcow2_put64(buf + 8 * k, rt[t * s->cs / 8 + k]);
		st = vdisk_pwrite(vd, (first + t) << s->cluster_bits, buf,
				  s->cs, "writing the refcount table");
	}
	uint8_t h[12];
	qcow2_put64(h, first << s->cluster_bits);
	qcow2_put32(h + 8, (uint32_t)tc);
	if (!st && fsync(vd->fd))
		st = vdisk_fail(vd, "fsync: %s", strerror(errno));
	if (!st)
		st = vdisk_pwrite(vd, QCOW2_H_RT_OFF, h, sizeof h,
				  "writing the header");
	if (!st && fsync(vd->fd))
		st = vdisk_fail(vd, "fsync: %s", strerror(errno));
	free(buf);
	if (st) {
		free(rt);
		return -1;
	}
	uint64_t old_off = s->rt_off, old_clusters = s->rt_clusters;
	free(s->rt);
	s->rt = rt;
	s->rt_entries = entries;
	s->rt_off = first << s->cluster_bits;
	s->rt_clusters = (uint32_t)tc;
	s->end = last;
	for (uint64_t k = 0; k < old_clusters; k++)
		if (qcow2_set_refcount(s, (old_off >> s->cluster_bits) + k, 0))
			return -1;
	s->free_hint = 0;
	return 0;
}

/* A free host cluster, its refcount now 1: its byte offset in *out. */
static int alloc_cluster(struct qcow2 *s, uint64_t *out)
{
	for (;;) {
		uint64_t c = s->free_hint, rc;
		if (qcow2_get_refcount(s, c, &rc))
			return -1;
		if (rc) {
			s->free_hint++;
			continue;
		}
		uint64_t t = c / s->rb_entries;
		if (t >= s->rt_entries) {
			if (grow_refcount_table(s, c))
				return -1;
			continue;
		}
		if (!(s->rt[t] & ~QCOW2_RT_RESERVED)) {
			if (new_refblock(s, t, c))
				return -1;
			s->free_hint++;
			continue;
		}
		if (qcow2_set_refcount(s, c, 1))
			return -1;
		s->free_hint = c + 1;
		if (c + 1 > s->end)
			s->end = c + 1;
		*out = c << s->cluster_bits;
		return 0;
	}
}

/* --- the tables ---------------------------------------------------------- */

int qcow2_meta_flush(struct qcow2 *s)
{
	struct vdisk *vd = s->vd;
	bool dirty = s->l1_dirty;
	for (int i = 0; i < QCOW2_CACHE_SIZE; i++)
		dirty |= s->l2c[i].dirty;
	if (fsync(vd->fd))
		return vdisk_fail(vd, "fsync: %s", strerror(errno));
	if (!dirty)
		return qcow2_free_pending(s);
	for (int i = 0; i < QCOW2_CACHE_SIZE; i++) {
		struct qcow2_cached *e = &s->l2c[i];
		if (!e->dirty)
			continue;
		if (vdisk_pwrite(vd, e->off, e->data, s->cs,
				 "writing an L2 table"))
			return -1;
		e->dirty = false;
	}
	if (s->l1_dirty) {
		size_t n = (size_t)s->l1_size * 8;
		uint8_t *buf = malloc(n ? n : 1);
		if (!buf)
			return vdisk_fail(vd, "out of memory");
		for (uint32_t i = 0; i < s->l1_size; i++)
			qcow2_put64(buf + 8 * i, s->l1[i]);
		int st = fsync(vd->fd) ? vdisk_fail(vd, "fsync: %s",
						     strerror(errno))
			 : vdisk_pwrite(vd, s->l1_off, buf, n,
					"writing the L1 table");
		free(buf);
		if (st)
			return -1;
		s->l1_dirty = false;
	}
	if (fsync(vd->fd))
		return vdisk_fail(vd, "fsync: %s", strerror(errno));
	return qcow2_free_pending(s);
}

int qcow2_write_header64(struct qcow2 *s, unsigned off, uint64_t v)
{
	uint8_t b[8];
	qcow2_put64(b, v);
	if (vdisk_pwrite(s->vd, off, b, 8, "writing the header"))
		return -1;
	return fsync(s->vd->fd) ? vdisk_fail(s->vd, "fsync: %s",
					     strerror(errno)) : 0;
}

/* What a guest cluster is in this image. */
enum q_kind { Q_UNALLOCATED, Q_DATA, Q_ZERO, Q_COMPRESSED };

static int decode_l2(struct qcow2 *s, uint64_t e, uint64_t vc,
		     enum q_kind *k, uint64_t *host)
{
	*host = e & QCOW2_OFFSET_MASK;
	if (e & QCOW2_COMPRESSED) {
		*k = Q_COMPRESSED;
		*host = e;	/* the descriptor: read_compressed decodes it */
		return 0;
	}
	if ((e & QCOW2_L2_RESERVED) || (s->version < 3 && (e & QCOW2_ZERO)))
		return vdisk_fail(s->vd, "corrupt L2 entry %#llx for guest "
				  "cluster %llu (reserved bits set); 'aula "
				  "disk check' tells more",
				  (unsigned long long)e,
				  (unsigned long long)vc);
	if (*host & (s->cs - 1))
		return vdisk_fail(s->vd, "corrupt L2 entry %#llx for guest "
				  "cluster %llu: the data offset is not "
				  "cluster-aligned", (unsigned long long)e,
				  (unsigned long long)vc);
	*k = (e & QCOW2_ZERO) ? Q_ZERO : *host ? Q_DATA : Q_UNALLOCATED;
	return 0;
}

/* The L2 table of guest cluster vc, allocating it when alloc: its bytes
 * and the index of vc's entry, or *t = NULL when there is none. */
static int l2_of(struct qcow2 *s, uint64_t vc, bool alloc, uint8_t **t,
		 uint64_t *i)
{
	uint64_t l1i = vc >> s->l2_bits, e = s->l1[l1i];
	uint64_t off = e & QCOW2_OFFSET_MASK;
	*i = vc & ((1ull << s->l2_bits) - 1);
	*t = NULL;
	if (e & QCOW2_L1_RESERVED || off & (s->cs - 1))
		return vdisk_fail(s->vd, "corrupt L1 entry %llu (%#llx); "
				  "'aula disk check' tells more",
				  (unsigned long long)l1i,
				  (unsigned long long)e);
	if (!off) {
		if (!alloc)
			return 0;
		if (alloc_cluster(s, &off) ||
		    !(*t = cache_get(s, s->l2c, off, true, "")))
			return -1;
		s->l1[l1i] = off | QCOW2_COPIED;
		s->l1_dirty = true;
		return 0;
	}
	if (alloc && !(e & QCOW2_COPIED)) {
		uint64_t rc;
		if (qcow2_get_refcount(s, off >> s->cluster_bits, &rc))
			return -1;
		if (rc != 1)
			return vdisk_fail(s->vd, "L2 table %llu is shared "
					  "with an internal snapshot; Aula "
					  "does not write shared tables",
					  (unsigned long long)l1i);
		s->l1[l1i] |= QCOW2_COPIED;
		s->l1_dirty = true;
	}
	*t = qcow2_l2_table(s, off, false);
	return *t ? 0 : -1;
}

/* The kind of guest byte off, and in *n how many of len bytes from off
 * share it (and lie contiguous on the host, for data). */
static int extent(struct qcow2 *s, uint64_t off, uint64_t len,
		  enum q_kind *k, uint64_t *n, uint64_t *host)
{
	uint64_t vc = off >> s->cluster_bits, o = off & (s->cs - 1);
	*n = 0;
	for (;;) {
		uint8_t *t;
		uint64_t i, h;
		enum q_kind kk;
		if (l2_of(s, vc, false, &t, &i))
			return -1;
		if (!t) {
			kk = Q_UNALLOCATED;
			h = 0;
		} else if (decode_l2(s, qcow2_be64(t + 8 * i), vc, &kk, &h)) {
			return -1;
		}
		if (*n == 0) {
			*k = kk;
			*host = kk == Q_COMPRESSED ? h : h + o;
		} else if (kk != *k || kk == Q_COMPRESSED ||
			   (kk == Q_DATA && h + o != *host + *n)) {
			return 0;
		}
		*n += s->cs - o;
		o = 0;
		vc++;
		if (*n >= len) {
			*n = len;
			return 0;
		}
	}
}

static int q_status(struct vdisk *vd, uint64_t off, uint64_t len,
		    enum vdisk_kind *kind, uint64_t *n, uint64_t *host)
{
	enum q_kind k;
	if (extent(vd->priv, off, len, &k, n, host))
		return -1;
	*kind = k == Q_UNALLOCATED ? VDISK_UNALLOCATED
		: k == Q_ZERO ? VDISK_ZERO : VDISK_DATA;
	return 0;
}

/* Data clusters past the end of the file read as zeros, as QEMU reads
 * them (a file truncated behind its preallocated metadata). */
static int read_data(struct vdisk *vd, uint64_t host, uint8_t *buf,
		     uint64_t n)
{
	while (n) {
		ssize_t r = pread(vd->fd, buf, n, (off_t)host);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return vdisk_fail(vd, "read at byte %llu: %s",
					  (unsigned long long)host,
					  strerror(errno));
		if (r == 0) {
			memset(buf, 0, n);
			return 0;
		}
		buf += r, host += (uint64_t)r, n -= (uint64_t)r;
	}
	return 0;
}

static int q_read(struct vdisk *vd, uint64_t off, void *buf, size_t len)
{
	struct qcow2 *s = vd->priv;
	uint8_t *out = buf;
	while (len) {
		enum q_kind k;
		uint64_t n, host;
		if (extent(s, off, len, &k, &n, &host))
			return -1;
		switch (k) {
		case Q_DATA:
			if (read_data(vd, host, out, n))
				return -1;
			break;
		case Q_ZERO:
			memset(out, 0, n);
			break;
		case Q_UNALLOCATED:
			if (vdisk_read_below(vd, vd->backing, off, out, n))
				return -1;
			break;
		case Q_COMPRESSED:
			if (qcow2_read_compressed(s, host, off))
				return -1;
			memcpy(out, s->zout + (off & (s->cs - 1)), n);
			break;
		}
		out += n, off += n, len -= n;
	}
	return 0;
}

/* How a cluster about to be written gets the bytes the guest leaves:
 * from below, zeros, or the compressed cluster it replaces. */
enum fill { FILL_NONE, FILL_BELOW, FILL_ZERO, FILL_COMPRESSED };

/* The host cluster guest cluster vc is written to, allocated if need be;
 * *fill says where the rest of a newly allocated cluster comes from (for
 * a compressed one, *comp is its descriptor). */
static int cluster_for_write(struct qcow2 *s, uint64_t vc, uint64_t *host,
			     enum fill *fill, uint64_t *comp)
{
	uint8_t *t;
	uint64_t i, rc;
	enum q_kind k;
	if (l2_of(s, vc, true, &t, &i) ||
	    decode_l2(s, qcow2_be64(t + 8 * i), vc, &k, host))
		return -1;
	uint64_t e = qcow2_be64(t + 8 * i);
	*fill = FILL_NONE;
	switch (k) {
	case Q_COMPRESSED:
		/* Uncompressed into a new cluster; the compressed bytes are
		 * freed once no durable table points at them. */
		*fill = FILL_COMPRESSED;
		*comp = e;
		return alloc_cluster(s, host);
	case Q_DATA:
	case Q_ZERO:
		if (*host && !(e & QCOW2_COPIED)) {
			if (qcow2_get_refcount(s, *host >> s->cluster_bits,
					       &rc))
				return -1;
			if (rc != 1)
				return vdisk_fail(s->vd, "guest cluster %llu "
						  "is shared with an internal "
						  "snapshot; Aula does not "
						  "write shared clusters",
						  (unsigned long long)vc);
		}
		if (k == Q_DATA)
			return 0;
		*fill = FILL_ZERO;
		return *host ? 0 : alloc_cluster(s, host);
	case Q_UNALLOCATED:
		*fill = FILL_BELOW;
		return alloc_cluster(s, host);
	}
	return 0;
}

/* Fill buf with guest bytes [off, off + n) as they read before a write:
 * from below (the backing chain), zeros, or the compressed cluster comp;
 * zeros past the virtual size. */
static int fill_bytes(struct vdisk *vd, enum fill f, uint64_t comp,
		      uint64_t off, uint8_t *buf, uint64_t n)
{
	struct qcow2 *s = vd->priv;
	memset(buf, 0, n);
	if (f == FILL_COMPRESSED) {
		if (qcow2_read_compressed(s, comp, off))
			return -1;
		memcpy(buf, s->zout + (off & (s->cs - 1)), n);
		return 0;
	}
	if (f != FILL_BELOW || off >= vd->size)
		return 0;
	if (off + n > vd->size)
		n = vd->size - off;
	return vdisk_read_below(vd, vd->backing, off, buf, n);
}

static int pwritev_all(struct vdisk *vd, uint64_t off, struct iovec *iov,
		       int cnt)
{
	while (cnt) {
		ssize_t w = pwritev(vd->fd, iov, cnt, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return vdisk_fail(vd, "write at byte %llu: %s",
					  (unsigned long long)off,
					  w < 0 ? strerror(errno)
					  : "nothing written");
		off += (uint64_t)w;
		while (cnt && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++, cnt--;
		}
		if (cnt) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* Write up to QCOW2_PLAN guest clusters from off: plan the host cluster
 * of each, write every host-contiguous run with one pwritev (the guest's
 * bytes between copy-on-write fills), then point the L2 entries of new
 * clusters at their data.  *done: bytes written. */
static int write_some(struct vdisk *vd, uint64_t off, const uint8_t *in,
		      uint64_t len, uint64_t *done)
{
	struct qcow2 *s = vd->priv;
	uint64_t host[QCOW2_PLAN], comp[QCOW2_PLAN];
	uint64_t vc0 = off >> s->cluster_bits;
	enum fill fill[QCOW2_PLAN];
	uint64_t o = off & (s->cs - 1), end = o + len;
	unsigned nc = (unsigned)((end + s->cs - 1) >> s->cluster_bits);
	if (nc > QCOW2_PLAN) {
		nc = QCOW2_PLAN;
		end = (uint64_t)nc << s->cluster_bits;
	}
	for (unsigned i = 0; i < nc; i++)
		if (cluster_for_write(s, vc0 + i, &host[i], &fill[i],
				      &comp[i]))
			return -1;
	uint64_t tail = end & (s->cs - 1);	/* guest bytes in the last */
	for (unsigned a = 0, b; a < nc; a = b) {
		for (b = a + 1; b < nc && host[b] == host[b - 1] + s->cs; b++)
			;
		struct iovec iov[3];
		int cnt = 0;
		uint64_t at = host[a], from = (uint64_t)a << s->cluster_bits;
		if (a == 0 && o) {
			if (fill[0] == FILL_NONE) {
				at += o;
			} else {
				if (fill_bytes(vd, fill[0], comp[0],
					       vc0 << s->cluster_bits,
					       s->fill[0], o))
					return -1;
				iov[cnt++] = (struct iovec){ s->fill[0], o };
			}
			from = o;
		}
		uint64_t to = b == nc ? end : (uint64_t)b << s->cluster_bits;
		iov[cnt++] = (struct iovec){ (void *)(in + from - o),
					     to - from };
		if (b == nc && tail && fill[nc - 1] != FILL_NONE) {
			uint64_t g = ((vc0 + nc - 1) << s->cluster_bits) + tail;
			if (fill_bytes(vd, fill[nc - 1], comp[nc - 1], g,
				       s->fill[1], s->cs - tail))
				return -1;
			iov[cnt++] = (struct iovec){ s->fill[1], s->cs - tail };
		}
		if (pwritev_all(vd, at, iov, cnt))
			return -1;
	}
	for (unsigned i = 0; i < nc; i++) {
		uint8_t *t;
		uint64_t j;
		if (fill[i] == FILL_NONE)
			continue;
		if (l2_of(s, vc0 + i, true, &t, &j))
			return -1;
		uint64_t l1e = s->l1[(vc0 + i) >> s->l2_bits];
		if (!qcow2_l2_table(s, l1e & QCOW2_OFFSET_MASK, true))
			return -1;
		qcow2_put64(t + 8 * j, host[i] | QCOW2_COPIED);
		if (fill[i] == FILL_COMPRESSED && qcow2_free_later(s, comp[i]))
			return -1;
	}
	*done = end - o;
	return 0;
}

static int q_write(struct vdisk *vd, uint64_t off, const void *buf,
		   size_t len)
{
	const uint8_t *in = buf;
	while (len) {
		uint64_t n;
		if (write_some(vd, off, in, len, &n))
			return -1;
		in += n, off += n, len -= n;
	}
	return 0;
}

static int q_flush(struct vdisk *vd)
{
	return qcow2_meta_flush(vd->priv);
}

void qcow2_free(struct vdisk *vd)
{
	struct qcow2 *s = vd->priv;
	if (!s)
		return;
	for (int i = 0; i < QCOW2_CACHE_SIZE; i++) {
		free(s->l2c[i].data);
		free(s->rbc[i].data);
	}
	free(s->fill[0]);
	free(s->fill[1]);
	free(s->zin);
	free(s->zout);
	free(s->pending);
	free(s->l1);
	free(s->rt);
	free(s);
	vd->priv = NULL;
}

const struct vdisk_ops qcow2_ops = {
	.read = q_read,
	.write = q_write,
	.flush = q_flush,
	.status = q_status,
	.close = qcow2_free,
};

