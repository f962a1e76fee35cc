/*
 * qcow2 images: parsing the header at open (every field checked before
 * anything is used, so a damaged or hostile image gets a message naming
 * what is wrong), and what `aula disk info` shows.
 */
#define _GNU_SOURCE
#include "host/qcow2.h"
#include "host/qcow2_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const incompat_names[] = {
	"dirty (refcounts may be wrong)", "corrupt", "external data file",
	"compression type (other than zlib)", "extended L2 entries",
};

bool qcow2_probe(const uint8_t *buf, size_t n)
{
	return n >= 8 && qcow2_be32(buf) == QCOW2_MAGIC &&
	       (qcow2_be32(buf + 4) == 2 || qcow2_be32(buf + 4) == 3);
}

/* --- opening ------------------------------------------------------------- */

/* A malformed image (QCOW2_DAMAGED), or one refused for a feature. */
#define OPEN_FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); \
	goto fail; } while (0)
#define OPEN_REFUSE(...) do { rc = -1; OPEN_FAIL(__VA_ARGS__); } while (0)

/* The name of incompatible feature bit b: from the image's own feature
 * name table when it has one, else what the spec calls it. */
static void feature_name(const uint8_t *names, uint32_t len, unsigned b,
			 char *out, size_t outlen)
{
	for (uint32_t p = 0; names && p + 48 <= len; p += 48)
		if (names[p] == 0 && names[p + 1] == b) {
			snprintf(out, outlen, "%.46s", (const char *)names +
				 p + 2);
			return;
		}
	if (b < sizeof incompat_names / sizeof *incompat_names)
		snprintf(out, outlen, "%s", incompat_names[b]);
	else
		snprintf(out, outlen, "unknown feature bit %u", b);
}

/* Walk the header extensions of cluster 0 (h, hlen bytes). */
static int parse_extensions(struct vdisk *vd, struct qcow2 *s,
			    const uint8_t *h, uint64_t hlen,
			    const uint8_t **names, uint32_t *names_len,
			    char *err, size_t errlen)
{
	uint64_t p = s->version >= 3 ? s->header_length : QCOW2_V2_HEADER;
	uint64_t limit = hlen;
	uint64_t boff = qcow2_be64(h + QCOW2_H_BACKING_OFF);
	if (boff && boff < limit)
		limit = boff;
	while (p + 8 <= limit) {
		uint32_t type = qcow2_be32(h + p), len = qcow2_be32(h + p + 4);
		if (type == QCOW2_EXT_END)
			return 0;
		if (len > limit - p - 8) {
			snprintf(err, errlen, "header extension %#x at byte "
				 "%llu runs past the header", type,
				 (unsigned long long)p);
			return -1;
		}
		const uint8_t *d = h + p + 8;
		if (type == QCOW2_EXT_BACKING_FORMAT) {
			free(vd->backing_format);
			vd->backing_format = strndup((const char *)d, len);
		} else if (type == QCOW2_EXT_FEATURE_NAMES) {
			*names = d;
			*names_len = len;
		}
		p += 8 + ((len + 7ull) & ~7ull);
	}
	return 0;
}

int qcow2_open(struct vdisk *vd, char *err, size_t errlen)
{
	struct stat st;
	uint8_t *h = NULL;
	int rc = QCOW2_DAMAGED;
	struct qcow2 *s = calloc(1, sizeof *s);
	if (!s || fstat(vd->fd, &st))
		OPEN_FAIL("%s", s ? strerror(errno) : "out of memory");
	s->vd = vd;
	uint64_t fsize = (uint64_t)st.st_size;
	uint8_t h0[QCOW2_V3_HEADER] = { 0 };
	if (fsize < QCOW2_V2_HEADER || pread(vd->fd, h0, sizeof h0, 0) <
	    QCOW2_V2_HEADER)
		OPEN_FAIL("too short for a qcow2 header (%llu bytes)",
			  (unsigned long long)fsize);
	if (!qcow2_probe(h0, sizeof h0))
		OPEN_FAIL("not a qcow2 image of version 2 or 3 (the first "
			  "bytes are not 'QFI\\xfb' and version 2 or 3)");
	s->version = qcow2_be32(h0 + 4);
	s->cluster_bits = qcow2_be32(h0 + QCOW2_H_CLUSTER_BITS);
	if (s->cluster_bits < QCOW2_MIN_CLUSTER_BITS ||
	    s->cluster_bits > QCOW2_MAX_CLUSTER_BITS)
		OPEN_FAIL("cluster_bits %u: Aula takes clusters of 4 KiB to "
			  "2 MiB (12 to 21)", s->cluster_bits);
	s->cs = 1ull << s->cluster_bits;
	s->l2_bits = s->cluster_bits - 3;
	if (s->version >= 3) {
		if (fsize < QCOW2_V3_HEADER)
			OPEN_FAIL("too short for a version 3 header");
		s->incompat = qcow2_be64(h0 + QCOW2_H_INCOMPAT);
		s->compat = qcow2_be64(h0 + QCOW2_H_COMPAT);
		s->autoclear = qcow2_be64(h0 + QCOW2_H_AUTOCLEAR);
		s->refcount_order = qcow2_be32(h0 + QCOW2_H_REFCOUNT_ORDER);
		s->header_length = qcow2_be32(h0 + QCOW2_H_LENGTH);
		if (s->header_length < QCOW2_V3_HEADER ||
		    s->header_length % 8 || s->header_length > s->cs)
			OPEN_FAIL("bad header length %u", s->header_length);
	} else {
		s->refcount_order = 4;
		s->header_length = QCOW2_V2_HEADER;
	}
	if (s->refcount_order > 6)
		OPEN_FAIL("refcount_order %u (at most 6, 64-bit refcounts)",
			  s->refcount_order);
	uint64_t hlen = fsize < s->cs ? fsize : s->cs;
	if (!(h = malloc(hlen)) || vdisk_pread(vd, 0, h, hlen, "header"))
		OPEN_FAIL("%s", h ? vd->err : "out of memory");
	const uint8_t *names = NULL;
	uint32_t names_len = 0;
	if (parse_extensions(vd, s, h, hlen, &names, &names_len, err,
			     errlen))
		goto fail;
	if (qcow2_be32(h + QCOW2_H_CRYPT))
		OPEN_REFUSE("it is encrypted (method %u), which Aula does not "
			  "support; 'qemu-img convert' can decrypt it",
			  qcow2_be32(h + QCOW2_H_CRYPT));
	uint64_t bad = s->incompat & ~(QCOW2_INCOMPAT_DIRTY |
				       QCOW2_INCOMPAT_CORRUPT);
	for (unsigned b = 0; b < 64; b++) {
		char name[64];
		uint64_t m = 1ull << b;
		if (!(bad & m) && !(!vd->read_only && !vd->repair &&
		      (s->incompat & m)))
			continue;
		feature_name(names, names_len, b, name, sizeof name);
		if (bad & m)
			OPEN_REFUSE("it uses the incompatible feature '%s' "
				  "(bit %u), which Aula does not support", name,
				  b);
		OPEN_REFUSE("it is marked '%s' (incompatible feature bit %u): "
			  "it may only be opened read-only (,ro) until "
			  "'aula disk check --repair' fixes it", name, b);
	}
	vd->size = qcow2_be64(h + QCOW2_H_SIZE);
	s->l1_size = qcow2_be32(h + QCOW2_H_L1_SIZE);
	s->l1_off = qcow2_be64(h + QCOW2_H_L1_OFF);
	s->rt_off = qcow2_be64(h + QCOW2_H_RT_OFF);
	s->rt_clusters = qcow2_be32(h + QCOW2_H_RT_CLUSTERS);
	s->nb_snapshots = qcow2_be32(h + QCOW2_H_NB_SNAPSHOTS);
	s->snapshots_off = qcow2_be64(h + QCOW2_H_SNAPSHOTS_OFF);
	s->rb_entries = (s->cs * 8) >> s->refcount_order;
	uint64_t per_l1 = s->cs << s->l2_bits;	/* guest bytes an L2 maps */
	if (vd->size > (1ull << 56))
		OPEN_FAIL("virtual size %llu is too large",
			  (unsigned long long)vd->size);
	if ((uint64_t)s->l1_size < (vd->size + per_l1 - 1) / per_l1)
		OPEN_FAIL("the L1 table (%u entries) is too small for the "
			  "virtual size", s->l1_size);
	if ((s->l1_off & (s->cs - 1)) || s->l1_off + s->l1_size * 8ull >
	    fsize || (s->l1_size && !s->l1_off))
		OPEN_FAIL("the L1 table (%u entries at byte %llu) lies outside "
			  "the file or is not cluster-aligned", s->l1_size,
			  (unsigned long long)s->l1_off);
	if (!s->rt_clusters || (s->rt_off & (s->cs - 1)) || !s->rt_off ||
	    s->rt_off + ((uint64_t)s->rt_clusters << s->cluster_bits) > fsize)
		OPEN_FAIL("the refcount table (%u clusters at byte %llu) lies "
			  "outside the file or is not cluster-aligned",
			  s->rt_clusters, (unsigned long long)s->rt_off);
	if (s->nb_snapshots && (s->snapshots_off & (s->cs - 1) ||
				s->snapshots_off >= fsize))
		OPEN_FAIL("the snapshot table lies outside the file");
	uint64_t boff = qcow2_be64(h + QCOW2_H_BACKING_OFF);
	uint32_t blen = qcow2_be32(h + QCOW2_H_BACKING_SIZE);
	if (boff) {
		if (blen == 0 || blen > 1023 || boff + blen > hlen)
			OPEN_FAIL("the backing file name (%u bytes at byte "
				  "%llu) lies outside the first cluster", blen,
				  (unsigned long long)boff);
		vd->backing_name = strndup((const char *)h + boff, blen);
		if (!vd->backing_name || strlen(vd->backing_name) != blen)
			OPEN_FAIL("the backing file name is not a string");
	}
	if (!vd->read_only && !vd->repair && s->nb_snapshots)
		OPEN_REFUSE("it has %u internal snapshot%s, which Aula does "
			    "not write around: attach it read-only (,ro), or "
			    "clone it ('aula disk clone --linked')",
			    s->nb_snapshots, s->nb_snapshots == 1 ? "" : "s");
	s->l1 = malloc(s->l1_size * 8ull + 8);
	s->rt_entries = ((uint64_t)s->rt_clusters << s->cluster_bits) / 8;
	s->rt = malloc(s->rt_entries * 8);
	s->fill[0] = malloc(s->cs);
	s->fill[1] = malloc(s->cs);
	if (!s->l1 || !s->rt || !s->fill[0] || !s->fill[1])
		OPEN_FAIL("out of memory");
	if (vdisk_pread(vd, s->l1_off, s->l1, s->l1_size * 8ull,
			"reading the L1 table") ||
	    vdisk_pread(vd, s->rt_off, s->rt, s->rt_entries * 8,
			"reading the refcount table"))
		OPEN_FAIL("%s", vd->err);
	for (uint32_t i = 0; i < s->l1_size; i++)
		s->l1[i] = qcow2_be64((uint8_t *)&s->l1[i]);
	for (uint64_t i = 0; i < s->rt_entries; i++)
		s->rt[i] = qcow2_be64((uint8_t *)&s->rt[i]);
	s->end = (fsize + s->cs - 1) >> s->cluster_bits;
	vd->priv = s;
	vd->ops = &qcow2_ops;
	free(h);
	/* Features we do not keep up to date must not claim to be. */
	if (!vd->read_only && s->version >= 3 && s->autoclear) {
		s->autoclear = 0;
		if (qcow2_write_header64(s, QCOW2_H_AUTOCLEAR, 0)) {
			snprintf(err, errlen, "%s", vd->err);
			qcow2_free(vd);
			return -1;
		}
	}
	return 0;
fail:
	free(h);
	if (s) {
		vd->priv = s;
		qcow2_free(vd);
	}
	return rc;
}

void qcow2_get_info(const struct vdisk *vd, struct qcow2_info *info)
{
	const struct qcow2 *s = vd->priv;
	*info = (struct qcow2_info){
		.version = s->version,
		.cluster_size = s->cs,
		.refcount_bits = 1u << s->refcount_order,
		.incompatible = s->incompat,
		.compatible = s->compat,
		.autoclear = s->autoclear,
		.dirty = s->incompat & QCOW2_INCOMPAT_DIRTY,
		.corrupt = s->incompat & QCOW2_INCOMPAT_CORRUPT,
		.lazy_refcounts = s->compat & QCOW2_COMPAT_LAZY,
		.extended_l2 = s->incompat & QCOW2_INCOMPAT_EXTL2,
		.nb_snapshots = s->nb_snapshots,
	};
}

/* A snapshot table entry:
 *   0 u64 L1 offset   8 u32 L1 size   12 u16 id length  14 u16 name length
 *  16 u32 date (s)   20 u32 date (ns) 24 u64 VM clock (ns)
 *  32 u32 VM state size  36 u32 extra data size  40 extra data, id, name,
 *  padding to 8.  Extra data (v3): u64 VM state size, u64 disk size. */
int qcow2_snapshot(struct vdisk *vd, uint32_t n, struct qcow2_snapshot *sn)
{
	struct qcow2 *s = vd->priv;
	uint64_t p = s->snapshots_off;
	uint8_t e[40], x[16];
	static uint8_t str[2 * 65536];
	for (uint32_t i = 0; i <= n; i++) {
		if (vdisk_pread(vd, p, e, sizeof e, "reading a snapshot"))
			return -1;
		uint32_t idl = e[12] << 8 | e[13], nl = e[14] << 8 | e[15];
		uint32_t xl = qcow2_be32(e + 36);
		if (xl > 1024)
			return vdisk_fail(vd, "snapshot %u: extra data of %u "
					  "bytes is too long", i, xl);
		if (i == n) {
			memset(sn, 0, sizeof *sn);
			memset(x, 0, sizeof x);
			if (vdisk_pread(vd, p + 40, x, xl < 16 ? xl : 16,
					"reading a snapshot"))
				return -1;
			sn->date_sec = qcow2_be32(e + 16);
			sn->date_nsec = qcow2_be32(e + 20);
			sn->vm_clock_ns = qcow2_be64(e + 24);
			sn->vm_state_size = xl >= 8 ? qcow2_be64(x)
					    : qcow2_be32(e + 32);
			sn->disk_size = xl >= 16 ? qcow2_be64(x + 8)
					: vd->size;
			if (vdisk_pread(vd, p + 40 + xl, str, idl + nl,
					"reading a snapshot"))
				return -1;
			snprintf(sn->id, sizeof sn->id, "%.*s", (int)idl, str);
			snprintf(sn->name, sizeof sn->name, "%.*s", (int)nl,
				 str + idl);
			return 0;
		}
		p += (40 + xl + idl + nl + 7) & ~7ull;
	}
	return 0;
}
