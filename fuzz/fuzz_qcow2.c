/*
 * libFuzzer harness for the qcow2 parser (host/qcow2_open.c) and the
 * table walks behind it (host/qcow2.c, host/qcow2_check.c): the input is
 * an image file.  It is opened read-only and read through, then checked;
 * then opened writable, written in a few places, flushed and checked
 * again.  The backing file it may name is never opened (what falls
 * through reads as zeros), so a run touches no other file.
 *
 * make fuzz FUZZ=qcow2 runs it (fuzz/README.md); make check replays
 * fuzz/corpus/qcow2, and tests/unit/test_qcow2.c runs it on mutations of
 * an image.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "host/qcow2.h"
#include "host/vdisk.h"

/* Reads and writes stop here, so a huge virtual size costs nothing. */
#define FUZZ_SPAN (4u << 20)

/* The input as a file: its path in /proc/self/fd, or NULL. */
static int as_file(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("fuzz_qcow2", 0);
	if (fd < 0)
		return -1;
	for (size_t done = 0; done < size;) {
		ssize_t n = write(fd, data + done, size - done);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

static void read_through(struct vdisk *vd, uint8_t *buf, size_t len)
{
	uint64_t end = vd->size < FUZZ_SPAN ? vd->size : FUZZ_SPAN;
	for (uint64_t off = 0; off < end; off += len) {
		size_t n = end - off < len ? (size_t)(end - off) : len;
		(void)vdisk_read(vd, off, buf, n);
		enum vdisk_kind k;
		uint64_t got, host;
		(void)vdisk_status(vd, off, n, &k, &got, &host);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[1024];
	static uint8_t buf[65536];
	struct vdisk *vd;
	struct qcow2_check r;
	int fd = as_file(data, size, path, sizeof path);
	if (fd < 0)
		return 0;
	if (vdisk_open(&vd, path, VDISK_QCOW2,
		       VDISK_READ_ONLY | VDISK_NO_BACKING, err, sizeof err) == 0) {
		read_through(vd, buf, sizeof buf);
		(void)qcow2_check(vd, false, NULL, &r);
		vdisk_close(vd, NULL, 0);
	}
	if (vdisk_open(&vd, path, VDISK_QCOW2, VDISK_NO_BACKING, err,
		       sizeof err) == 0) {
		memset(buf, 0xa5, sizeof buf);
		uint64_t end = vd->size < FUZZ_SPAN ? vd->size : FUZZ_SPAN;
		for (uint64_t off = 0; off + 4096 <= end; off += end / 3 + 512)
			(void)vdisk_write(vd, off, buf, 4096);
		(void)vdisk_flush(vd);
		(void)qcow2_check(vd, false, NULL, &r);
		vdisk_close(vd, NULL, 0);
	}
	close(fd);
	return 0;
}
