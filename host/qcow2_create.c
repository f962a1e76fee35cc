/*
 * New qcow2 images, laid out as qemu-img lays them out:
 *
 *   cluster 0           header (version 3, 112 bytes), the backing
 *                       format extension, the end extension, the
 *                       backing file name
 *   clusters 1 ..       the refcount table, sized so the image can grow
 *                       to hold every guest cluster without moving it
 *   next cluster        refcount block 0
 *   next clusters       the L1 table, all entries 0 (nothing allocated)
 */
#define _GNU_SOURCE
#include "host/qcow2.h"
#include "host/qcow2_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QCOW2_CREATE_HEADER 112		/* with the compression type byte */

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

int qcow2_create(int fd, uint64_t size, unsigned cluster_bits,
		 const char *backing, const char *backing_format,
		 char *err, size_t errlen)
{
	uint64_t cs = 1ull << cluster_bits;
	if (cluster_bits < QCOW2_MIN_CLUSTER_BITS ||
	    cluster_bits > QCOW2_MAX_CLUSTER_BITS) {
		snprintf(err, errlen, "a cluster size must be a power of two "
			 "from 4K to 2M");
		return -1;
	}
	uint64_t per_l2 = cs / 8, rb_entries = cs * 8 / 16;
	uint64_t l1_size = div_up(div_up(size, cs), per_l2);
	uint64_t l1_clusters = div_up(l1_size * 8, cs);
	if (l1_clusters == 0)
		l1_clusters = 1;
	/* Every cluster the image could ever hold: header, L1, L2 tables,
	 * data, plus the refcount table and blocks describing them. */
	uint64_t fixed = 1 + l1_clusters + l1_size + div_up(size, cs) + 1;
	uint64_t rt = 1, rb = 1;
	for (int i = 0; i < 4; i++) {
		rb = div_up(fixed + rt + rb, rb_entries);
		rt = div_up(rb * 8, cs);
	}
	size_t blen = backing ? strlen(backing) : 0;
	size_t flen = backing_format ? strlen(backing_format) : 0;
	if (blen > 1023) {
		snprintf(err, errlen, "the backing file name is longer than "
			 "1023 bytes");
		return -1;
	}
	uint64_t rt_off = cs, rb_off = rt_off + rt * cs,
		 l1_off = rb_off + cs, end = l1_off + l1_clusters * cs;
	if (end / cs > rb_entries) {
		snprintf(err, errlen, "the image is too large for its "
			 "clusters; use larger ones (--cluster-size)");
		return -1;
	}
	uint8_t *img = calloc(1, end);
	if (!img) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	uint8_t *h = img;
	qcow2_put32(h, QCOW2_MAGIC);
	qcow2_put32(h + 4, 3);
	qcow2_put32(h + QCOW2_H_CLUSTER_BITS, cluster_bits);
	qcow2_put64(h + QCOW2_H_SIZE, size);
	qcow2_put32(h + QCOW2_H_L1_SIZE, (uint32_t)l1_size);
	qcow2_put64(h + QCOW2_H_L1_OFF, l1_off);
	qcow2_put64(h + QCOW2_H_RT_OFF, rt_off);
	qcow2_put32(h + QCOW2_H_RT_CLUSTERS, (uint32_t)rt);
	qcow2_put32(h + QCOW2_H_REFCOUNT_ORDER, 4);
	qcow2_put32(h + QCOW2_H_LENGTH, QCOW2_CREATE_HEADER);
	uint64_t p = QCOW2_CREATE_HEADER;
	if (backing_format) {
		qcow2_put32(h + p, QCOW2_EXT_BACKING_FORMAT);
		qcow2_put32(h + p + 4, (uint32_t)flen);
		memcpy(h + p + 8, backing_format, flen);
		p += 8 + ((flen + 7) & ~(size_t)7);
	}
	p += 8;			/* the end extension: type 0, length 0 */
	if (backing) {
		qcow2_put64(h + QCOW2_H_BACKING_OFF, p);
		qcow2_put32(h + QCOW2_H_BACKING_SIZE, (uint32_t)blen);
		memcpy(h + p, backing, blen);
	}
	qcow2_put64(img + rt_off, rb_off);
	for (uint64_t c = 0; c < end / cs; c++)
		img[rb_off + 2 * c + 1] = 1;	/* 16-bit big-endian 1 */
	int status = 0;
	for (uint64_t done = 0; done < end;) {
		ssize_t n = pwrite(fd, img + done, end - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s", n < 0 ? strerror(errno)
				 : "nothing written");
			status = -1;
			break;
		}
		done += (uint64_t)n;
	}
	free(img);
	if (status == 0 && fsync(fd)) {
		snprintf(err, errlen, "fsync: %s", strerror(errno));
		status = -1;
	}
	return status;
}
