/*
 * Checking a qcow2 image (`aula disk check`), as `qemu-img check` does:
 * count every reference the header and the tables make to each host
 * cluster, and compare the counts with the refcounts stored.
 *
 *   stored > referenced        a leak (harmless: space not reused)
 *   stored < referenced        an error: the cluster could be handed out
 *                              again while in use
 *   COPIED set iff refcount 1  an error when not
 *
 * Repair sets every stored refcount to the count of references and the
 * COPIED flags to match, then clears the dirty bit.
 */
#include "host/qcow2.h"
#include "host/qcow2_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Counts are kept for host clusters up to this many (a 1 TiB file of
 * 4 KiB clusters). */
#define CHECK_MAX_CLUSTERS (1ull << 28)

struct walk {
	struct qcow2 *s;
	struct qcow2_check *r;
	FILE *report;
	uint32_t *refs;		/* references counted per host cluster */
	uint64_t nc;		/* clusters counted */
};

static void say(struct walk *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	if (!w->report)
		return;
	va_start(ap, fmt);
	vfprintf(w->report, fmt, ap);
	va_end(ap);
}

/* Count a reference to the bytes [off, off + len) of the file. */
static void ref_range(struct walk *w, uint64_t off, uint64_t len,
		      const char *what)
{
	struct qcow2 *s = w->s;
	if (!len)
		return;
	uint64_t first = off >> s->cluster_bits,
		 last = (off + len - 1) >> s->cluster_bits;
	for (uint64_t c = first; c <= last; c++) {
		if (c >= w->nc) {
			say(w, "ERROR %s at byte %llu lies past the end of the "
			    "file\n", what, (unsigned long long)off);
			w->r->errors++;
			return;
		}
		if (w->refs[c] < UINT32_MAX)
			w->refs[c]++;
	}
}

/* The L2 table at off, of snapshot snap (-1: the active one). */
static int walk_l2(struct walk *w, uint64_t off, bool active)
{
	struct qcow2 *s = w->s;
	uint8_t *t = qcow2_l2_table(s, off, false);
	if (!t)
		return -1;
	uint64_t n = 1ull << s->l2_bits;
	uint8_t *copy = malloc(s->cs);	/* the cache may move under us */
	if (!copy)
		return vdisk_fail(s->vd, "out of memory");
	memcpy(copy, t, s->cs);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t e = qcow2_be64(copy + 8 * i);
		if (!e)
			continue;
		if (active)
			w->r->allocated += (e & ~QCOW2_COPIED) != 0;
		if (e & QCOW2_COMPRESSED) {
			uint64_t first, last;
			qcow2_compressed_span(s, e, &first, &last);
			ref_range(w, first << s->cluster_bits,
				  (last - first + 1) << s->cluster_bits,
				  "a compressed cluster");
			continue;
		}
		uint64_t host = e & QCOW2_OFFSET_MASK;
		if ((e & QCOW2_L2_RESERVED) || (host & (s->cs - 1))) {
			say(w, "ERROR L2 entry %#llx in the table at byte %llu "
			    "is corrupt (reserved bits or an unaligned "
			    "offset)\n", (unsigned long long)e,
			    (unsigned long long)off);
			w->r->errors++;
			continue;
		}
		if (host)
			ref_range(w, host, s->cs, "a data cluster");
	}
	free(copy);
	return 0;
}

static int walk_l1(struct walk *w, const uint64_t *l1, uint32_t size,
		   bool active)
{
	struct qcow2 *s = w->s;
	for (uint32_t i = 0; i < size; i++) {
		uint64_t off = l1[i] & QCOW2_OFFSET_MASK;
		if ((l1[i] & QCOW2_L1_RESERVED) || (off & (s->cs - 1))) {
			say(w, "ERROR L1 entry %u (%#llx) is corrupt\n", i,
			    (unsigned long long)l1[i]);
			w->r->errors++;
			continue;
		}
		if (!off)
			continue;
		if ((off >> s->cluster_bits) >= w->nc) {
			say(w, "ERROR L2 table %u at byte %llu lies past the "
			    "end of the file\n", i, (unsigned long long)off);
			w->r->errors++;
			continue;
		}
		ref_range(w, off, s->cs, "an L2 table");
		if (walk_l2(w, off, active))
			return -1;
	}
	return 0;
}

/* The snapshot table and every snapshot's L1 table (and what it maps). */
static int walk_snapshots(struct walk *w)
{
	struct qcow2 *s = w->s;
	uint64_t p = s->snapshots_off;
	for (uint32_t i = 0; i < s->nb_snapshots; i++) {
		uint8_t e[40];
		if (vdisk_pread(s->vd, p, e, sizeof e, "reading a snapshot"))
			return -1;
		uint64_t l1_off = qcow2_be64(e);
		uint32_t l1_size = qcow2_be32(e + 8);
		uint32_t len = 40 + qcow2_be32(e + 36) + (e[12] << 8 | e[13]) +
			       (e[14] << 8 | e[15]);
		ref_range(w, p, len, "the snapshot table");
		p += (len + 7) & ~7u;
		if ((l1_off & (s->cs - 1)) || l1_size > (1u << 25) ||
		    l1_off + l1_size * 8ull > (w->nc << s->cluster_bits)) {
			say(w, "ERROR snapshot %u: its L1 table lies outside "
			    "the file\n", i);
			w->r->errors++;
			continue;
		}
		uint64_t *l1 = malloc(l1_size * 8ull + 8);
		if (!l1)
			return vdisk_fail(s->vd, "out of memory");
		if (vdisk_pread(s->vd, l1_off, l1, l1_size * 8ull,
				"reading a snapshot's L1 table")) {
			free(l1);
			return -1;
		}
		for (uint32_t k = 0; k < l1_size; k++)
			l1[k] = qcow2_be64((uint8_t *)&l1[k]);
		ref_range(w, l1_off, l1_size * 8ull, "a snapshot's L1 table");
		int st = walk_l1(w, l1, l1_size, false);
		free(l1);
		if (st)
			return -1;
	}
	return 0;
}

/* Compare stored refcounts with the references, repairing if asked. */
static int compare(struct walk *w, bool repair)
{
	struct qcow2 *s = w->s;
	/* Clusters past the file's end are compared to the end of their
	 * refcount block: blocks wholly past it describe nothing. */
	uint64_t limit = (w->nc + s->rb_entries - 1) / s->rb_entries *
			 s->rb_entries;
	for (uint64_t c = 0; c < limit; c++) {
		uint64_t stored;
		if (qcow2_get_refcount(s, c, &stored))
			return -1;
		uint64_t ref = c < w->nc ? w->refs[c] : 0;
		if (stored == ref)
			continue;
		/* More counted than referenced wastes space (as qemu-img
		 * check sees it); fewer lets a cluster in use be reused. */
		bool leak = stored > ref;
		say(w, "%s cluster %llu refcount=%llu reference=%llu\n",
		    repair ? "Repairing" : leak ? "Leaked" : "ERROR",
		    (unsigned long long)c, (unsigned long long)stored,
		    (unsigned long long)ref);
		if (leak)
			w->r->leaks++;
		else
			w->r->errors++;
		if (!repair)
			continue;
		if (qcow2_set_refcount(s, c, ref))
			return -1;
		if (leak)
			w->r->fixed_leaks++;
		else
			w->r->fixed_errors++;
	}
	return 0;
}

/* COPIED must be set exactly on the entries whose cluster's refcount is
 * 1 (the active tables only). */
static int check_copied(struct walk *w, bool repair)
{
	struct qcow2 *s = w->s;
	for (uint32_t i = 0; i < s->l1_size; i++) {
		uint64_t off = s->l1[i] & QCOW2_OFFSET_MASK, rc;
		if (!off || (off >> s->cluster_bits) >= w->nc ||
		    (s->l1[i] & QCOW2_L1_RESERVED) || (off & (s->cs - 1)))
			continue;
		if (qcow2_get_refcount(s, off >> s->cluster_bits, &rc))
			return -1;
		if ((rc == 1) != !!(s->l1[i] & QCOW2_COPIED)) {
			say(w, "%s OFLAG_COPIED L2 cluster: l1_index=%u "
			    "l1_entry=%llx refcount=%llu\n",
			    repair ? "Repairing" : "ERROR", i,
			    (unsigned long long)s->l1[i],
			    (unsigned long long)rc);
			w->r->errors++;
			if (repair) {
				s->l1[i] ^= QCOW2_COPIED;
				s->l1_dirty = true;
				w->r->fixed_errors++;
			}
		}
		uint8_t *t = qcow2_l2_table(s, off, false);
		if (!t)
			return -1;
		for (uint64_t k = 0; k < (1ull << s->l2_bits); k++) {
			uint64_t e = qcow2_be64(t + 8 * k),
				 h = e & QCOW2_OFFSET_MASK;
			if (!h || (e & (QCOW2_COMPRESSED | QCOW2_L2_RESERVED)) ||
			    (h >> s->cluster_bits) >= w->nc)
				continue;
			if (qcow2_get_refcount(s, h >> s->cluster_bits, &rc))
				return -1;
			if ((rc == 1) == !!(e & QCOW2_COPIED))
				continue;
			say(w, "%s OFLAG_COPIED data cluster: l2_entry=%llx "
			    "refcount=%llu\n", repair ? "Repairing" : "ERROR",
			    (unsigned long long)e, (unsigned long long)rc);
			w->r->errors++;
			if (!repair)
				continue;
			/* Reload: the refcount lookup may have moved it. */
			if (!(t = qcow2_l2_table(s, off, true)))
				return -1;
			qcow2_put64(t + 8 * k, e ^ QCOW2_COPIED);
			w->r->fixed_errors++;
		}
	}
	return 0;
}

int qcow2_check(struct vdisk *vd, bool repair, FILE *report,
		struct qcow2_check *r)
{
	struct qcow2 *s = vd->priv;
	struct stat st;
	memset(r, 0, sizeof *r);
	if (repair && vd->read_only)
		return vdisk_fail(vd, "open read-only: cannot repair");
	if (fstat(vd->fd, &st))
		return vdisk_fail(vd, "fstat failed");
	struct walk w = { .s = s, .r = r, .report = report };
	w.nc = ((uint64_t)st.st_size + s->cs - 1) >> s->cluster_bits;
	if (w.nc < s->end)
		w.nc = s->end;
	if (w.nc > CHECK_MAX_CLUSTERS)
		return vdisk_fail(vd, "too many clusters to check (%llu)",
				  (unsigned long long)w.nc);
	if (!(w.refs = calloc(w.nc + 1, sizeof *w.refs)))
		return vdisk_fail(vd, "out of memory");
	r->total = (vd->size + s->cs - 1) >> s->cluster_bits;
	ref_range(&w, 0, s->cs, "the header");
	ref_range(&w, s->l1_off, s->l1_size * 8ull, "the L1 table");
	ref_range(&w, s->rt_off, (uint64_t)s->rt_clusters << s->cluster_bits,
		  "the refcount table");
	for (uint64_t t = 0; t < s->rt_entries; t++) {
		uint64_t off = s->rt[t] & ~QCOW2_RT_RESERVED;
		if (off & (s->cs - 1)) {
			say(&w, "ERROR refcount block %llu is not "
			    "cluster-aligned\n", (unsigned long long)t);
			r->errors++;
		} else if (off) {
			ref_range(&w, off, s->cs, "a refcount block");
		}
	}
	int st2 = walk_l1(&w, s->l1, s->l1_size, true);
	if (!st2)
		st2 = walk_snapshots(&w);
	if (!st2 && r->errors && repair) {
		/* Structural errors (bad entries) are not repaired by
		 * recounting; a recount would free clusters still in use. */
		free(w.refs);
		return vdisk_fail(vd, "the tables themselves are corrupt; "
				  "no repair attempted");
	}
	if (!st2)
		st2 = compare(&w, repair);
	if (!st2)
		st2 = check_copied(&w, repair);
	for (uint64_t c = w.nc; c-- > 0;)
		if (w.refs[c]) {
			r->image_end = (c + 1) << s->cluster_bits;
			break;
		}
	free(w.refs);
	if (st2)
		return -1;
	if (repair) {
		s->free_hint = 0;
		if (s->incompat & QCOW2_INCOMPAT_DIRTY) {
			s->incompat &= ~QCOW2_INCOMPAT_DIRTY;
			if (qcow2_write_header64(s, QCOW2_H_INCOMPAT,
						 s->incompat))
				return -1;
		}
		return qcow2_meta_flush(s);
	}
	return 0;
}
