/*
 * The state of an open qcow2 image, shared by qcow2.c (open, read, write,
 * create) and qcow2_check.c (check and repair).  Not for other files.
 *
 * The file, in clusters of cs = 1 << cluster_bits bytes (all numbers
 * big-endian):
 *
 *   cluster 0     header, header extensions, backing file name
 *   anywhere      L1 table: l1_size entries, one per L2 table
 *                   bits 9..55 offset of an L2 table, 0 = none
 *                   bit 63    COPIED: its refcount is exactly 1
 *   anywhere      L2 tables: cs / 8 entries, one per guest cluster
 *                   bits 9..55 offset of the data, 0 = none
 *                   bit 0     ZERO (v3): reads as zeros
 *                   bit 62    COMPRESSED (read by Aula; rewritten
 *                             uncompressed when the guest writes it)
 *                   bit 63    COPIED
 *   anywhere      refcount table: offsets of refcount blocks
 *   anywhere      refcount blocks: one 2^refcount_order-bit count
 *                 per host cluster, how many tables reference it
 */
#ifndef AULA_QCOW2_INT_H
#define AULA_QCOW2_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "host/vdisk.h"

#define QCOW2_OFFSET_MASK 0x00fffffffffffe00ull	/* bits 9..55 */
#define QCOW2_COPIED (1ull << 63)
#define QCOW2_COMPRESSED (1ull << 62)
#define QCOW2_ZERO 1ull
#define QCOW2_L1_RESERVED 0x7f000000000001ffull	/* bits 0..8, 56..62 */
#define QCOW2_L2_RESERVED 0x3f000000000001feull	/* bits 1..8, 56..61 */
#define QCOW2_RT_RESERVED 0x1ffull

/* Incompatible feature bits (header offset 72). */
#define QCOW2_INCOMPAT_DIRTY (1ull << 0)
#define QCOW2_INCOMPAT_CORRUPT (1ull << 1)
#define QCOW2_INCOMPAT_DATA_FILE (1ull << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ull << 3)
#define QCOW2_INCOMPAT_EXTL2 (1ull << 4)
#define QCOW2_COMPAT_LAZY (1ull << 0)

/* Header field offsets. */
#define QCOW2_H_BACKING_OFF 8
#define QCOW2_H_BACKING_SIZE 16
#define QCOW2_H_CLUSTER_BITS 20
#define QCOW2_H_SIZE 24
#define QCOW2_H_CRYPT 32
#define QCOW2_H_L1_SIZE 36
#define QCOW2_H_L1_OFF 40
#define QCOW2_H_RT_OFF 48
#define QCOW2_H_RT_CLUSTERS 56
#define QCOW2_H_NB_SNAPSHOTS 60
#define QCOW2_H_SNAPSHOTS_OFF 64
#define QCOW2_H_INCOMPAT 72
#define QCOW2_H_COMPAT 80
#define QCOW2_H_AUTOCLEAR 88
#define QCOW2_H_REFCOUNT_ORDER 96
#define QCOW2_H_LENGTH 100
#define QCOW2_V2_HEADER 72
#define QCOW2_V3_HEADER 104

/* Header extension types. */
#define QCOW2_EXT_END 0
#define QCOW2_EXT_BACKING_FORMAT 0xe2792acau
#define QCOW2_EXT_FEATURE_NAMES 0x6803f857u

/* A small write-through (refcount blocks) or write-back (L2 tables)
 * cache of whole clusters, by host offset. */
#define QCOW2_CACHE_SIZE 16
struct qcow2_cached {
	uint64_t off;		/* 0: empty slot */
	uint8_t *data;
	uint64_t used;		/* for LRU */
	bool dirty;		/* L2 only: not yet written */
};

struct qcow2 {
	struct vdisk *vd;
	uint32_t version, cluster_bits, refcount_order, header_length;
	uint64_t cs;			/* cluster size */
	uint32_t l2_bits;		/* log2 of entries per L2 table */
	uint64_t incompat, compat, autoclear;
	uint64_t l1_off;
	uint32_t l1_size;
	uint64_t *l1;
	bool l1_dirty;
	uint64_t rt_off;
	uint32_t rt_clusters;
	uint64_t rt_entries;
	uint64_t *rt;
	uint64_t rb_entries;		/* refcounts per block */
	uint32_t nb_snapshots;
	uint64_t snapshots_off;
	struct qcow2_cached l2c[QCOW2_CACHE_SIZE], rbc[QCOW2_CACHE_SIZE];
	uint64_t tick;
	uint64_t free_hint;		/* no free cluster below this one */
	uint64_t end;			/* clusters the file spans */
	uint8_t *fill[2];		/* clusters for copy-on-write fills */
	uint8_t *zin, *zout;		/* a compressed cluster, inflated */
	uint64_t zout_entry;		/* the descriptor zout holds */
	/* Compressed clusters rewritten uncompressed: their references are
	 * dropped after the next flush has made the tables durable. */
	uint64_t *pending;
	size_t npending, cap_pending;
};

static inline uint64_t qcow2_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}
static inline uint32_t qcow2_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}
static inline void qcow2_put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}
static inline void qcow2_put32(uint8_t *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

extern const struct vdisk_ops qcow2_ops;
/* Free the format's state (the vdisk's close). */
void qcow2_free(struct vdisk *vd);

int qcow2_get_refcount(struct qcow2 *s, uint64_t cluster, uint64_t *rc);
int qcow2_set_refcount(struct qcow2 *s, uint64_t cluster, uint64_t rc);
/* The L2 table at off, through the cache: its bytes, or NULL. */
uint8_t *qcow2_l2_table(struct qcow2 *s, uint64_t off, bool mark_dirty);
/* Make every metadata update durable, in the crash-safe order. */
int qcow2_meta_flush(struct qcow2 *s);
/* qcow2_compress.c: inflate the compressed cluster of descriptor e (read
 * for guest byte off) into s->zout; queue e's references to be dropped
 * after the next flush; drop the queued ones (the tables are durable). */
int qcow2_read_compressed(struct qcow2 *s, uint64_t e, uint64_t off);
int qcow2_free_later(struct qcow2 *s, uint64_t e);
int qcow2_free_pending(struct qcow2 *s);
/* The host clusters compressed descriptor e spans: [*first, *last]. */
void qcow2_compressed_span(const struct qcow2 *s, uint64_t e,
			   uint64_t *first, uint64_t *last);
/* Rewrite the 8-byte header field at off. */
int qcow2_write_header64(struct qcow2 *s, unsigned off, uint64_t v);

#endif
