/*
 * qcow2 clusters compressed with zlib (qemu-img convert -c): read by
 * inflating them, and rewritten uncompressed when the guest writes one,
 * after which the compressed bytes lose their references -- but only once
 * the tables that no longer point at them are durable.
 */
#include "host/qcow2.h"
#include "host/qcow2_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Inflate the compressed cluster of descriptor e into s->zout (kept
 * there for the next read of the same cluster).  The descriptor, with
 * x = 62 - (cluster_bits - 8):
 *   bits 0..x-1   byte offset of the compressed data in the file
 *   bits x..61    512-byte sectors it spans past the first
 * The data is raw deflate (zlib without its header), as QEMU writes it. */
int qcow2_read_compressed(struct qcow2 *s, uint64_t e, uint64_t off)
{
	struct vdisk *vd = s->vd;
	unsigned x = 62 - (s->cluster_bits - 8);
	uint64_t host = e & ((1ull << x) - 1);
	uint64_t secs = ((e >> x) & ((1ull << (s->cluster_bits - 8)) - 1)) + 1;
	uint64_t len = secs * 512 - (host & 511);
	if (s->zout_entry == e && s->zout)
		return 0;
	if (!s->zout && !(s->zout = malloc(s->cs)))
		return vdisk_fail(vd, "out of memory");
	if (!s->zin && !(s->zin = malloc(2 * s->cs)))
		return vdisk_fail(vd, "out of memory");
	if (len > 2 * s->cs)
		len = 2 * s->cs;
	ssize_t got = pread(vd->fd, s->zin, len, (off_t)host);
	if (got <= 0)
		return vdisk_fail(vd, "reading the compressed cluster of guest "
				  "byte %llu at byte %llu: %s",
				  (unsigned long long)off,
				  (unsigned long long)host, got < 0 ?
				  strerror(errno) : "past the end of the file");
	z_stream z = { .next_in = s->zin, .avail_in = (uInt)got,
		       .next_out = s->zout, .avail_out = (uInt)s->cs };
	s->zout_entry = 0;
	if (inflateInit2(&z, -12) != Z_OK)
		return vdisk_fail(vd, "zlib: %s", z.msg ? z.msg : "no memory");
	int zst = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	if ((zst != Z_STREAM_END && zst != Z_BUF_ERROR) || z.avail_out)
		return vdisk_fail(vd, "the compressed cluster of guest byte "
				  "%llu (at byte %llu) is corrupt",
				  (unsigned long long)off,
				  (unsigned long long)host);
	s->zout_entry = e;
	return 0;
}

/* The host clusters compressed descriptor e spans (as qemu-img check
 * counts them): [*first, *last]. */
void qcow2_compressed_span(const struct qcow2 *s, uint64_t e,
			   uint64_t *first, uint64_t *last)
{
	unsigned x = 62 - (s->cluster_bits - 8);
	uint64_t host = (e & ((1ull << x) - 1)) & ~511ull;
	uint64_t secs = ((e >> x) & ((1ull << (s->cluster_bits - 8)) - 1)) + 1;
	*first = host >> s->cluster_bits;
	*last = (host + secs * 512 - 1) >> s->cluster_bits;
}

/* Remember to drop the references of compressed descriptor e, which no
 * table in memory points at any more, once the tables are durable. */
int qcow2_free_later(struct qcow2 *s, uint64_t e)
{
	if (s->npending == s->cap_pending) {
		size_t cap = s->cap_pending ? 2 * s->cap_pending : 16;
		uint64_t *p = realloc(s->pending, cap * sizeof *p);
		if (!p)
			return vdisk_fail(s->vd, "out of memory");
		s->pending = p;
		s->cap_pending = cap;
	}
	s->pending[s->npending++] = e;
	return 0;
}

/* The tables are durable: drop the references they no longer make. */
int qcow2_free_pending(struct qcow2 *s)
{
	for (size_t i = 0; i < s->npending; i++) {
		uint64_t first, last, rc;
		qcow2_compressed_span(s, s->pending[i], &first, &last);
		for (uint64_t c = first; c <= last; c++) {
			if (qcow2_get_refcount(s, c, &rc))
				return -1;
			if (rc && qcow2_set_refcount(s, c, rc - 1))
				return -1;
			if (rc == 1 && c < s->free_hint)
				s->free_hint = c;
		}
	}
	s->npending = 0;
	s->zout_entry = 0;
	return 0;
}
