/*
 * qcow2 images (QEMU's docs/interop/qcow2.txt, versions 2 and 3), the
 * format hypervisors keep overlays and linked clones in.  docs/qcow2.md
 * and aula-qcow2(5) say what Aula reads and writes and in which order.
 */
#ifndef AULA_QCOW2_H
#define AULA_QCOW2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "host/vdisk.h"

#define QCOW2_MAGIC 0x514649fbu	/* "QFI\xfb" */
#define QCOW2_MIN_CLUSTER_BITS 12	/* 4 KiB */
#define QCOW2_MAX_CLUSTER_BITS 21	/* 2 MiB */
#define QCOW2_DEFAULT_CLUSTER_BITS 16	/* 64 KiB */

/* Do the first n bytes of a file start like a qcow2 image? */
bool qcow2_probe(const uint8_t *buf, size_t n);

/* Parse the image open on vd->fd and attach the qcow2 ops; the caller
 * opens the backing file named in vd->backing_name.  0; or -1 with the
 * reason in err when a feature of the image is refused, QCOW2_DAMAGED
 * when its header or tables are malformed (as they are in a raw image
 * that only starts with the magic). */
#define QCOW2_DAMAGED (-2)
int qcow2_open(struct vdisk *vd, char *err, size_t errlen);

/* Write a new, empty image of size bytes to fd (an empty file), with
 * clusters of 1 << cluster_bits bytes, on backing (NULL for none) of
 * format backing_format.  0, or -1 with the reason in err. */
int qcow2_create(int fd, uint64_t size, unsigned cluster_bits,
		 const char *backing, const char *backing_format,
		 char *err, size_t errlen);

/* What `aula disk info` shows of an open qcow2 image. */
struct qcow2_info {
	uint32_t version;
	uint64_t cluster_size;
	unsigned refcount_bits;
	uint64_t incompatible, compatible, autoclear;
	bool dirty, corrupt, lazy_refcounts, extended_l2;
	uint32_t nb_snapshots;
};
void qcow2_get_info(const struct vdisk *vd, struct qcow2_info *info);

/* One internal snapshot, as the snapshot table records it. */
struct qcow2_snapshot {
	char id[64], name[256];
	uint64_t vm_state_size, vm_clock_ns, disk_size;
	uint32_t date_sec, date_nsec;
};
/* Snapshot i (< nb_snapshots) into *s: 0, or -1 with vd->err. */
int qcow2_snapshot(struct vdisk *vd, uint32_t i, struct qcow2_snapshot *s);

/* What a check found.  Errors are corruption (a cluster used twice, a
 * refcount too low, a table pointing outside the file); leaks are
 * clusters marked used that nothing references. */
struct qcow2_check {
	uint64_t errors, leaks;
	uint64_t fixed_errors, fixed_leaks;
	uint64_t allocated, total;	/* guest clusters */
	uint64_t image_end;		/* bytes the image uses */
};
/* Check the image's metadata, telling each problem on report; with
 * repair (the image must be writable), set every refcount to what the
 * tables reference.  0 when the check ran (see *r), -1 with vd->err. */
int qcow2_check(struct vdisk *vd, bool repair, FILE *report,
		struct qcow2_check *r);

#endif
