/*
 * make bench: throughput of the disk back ends a machine's disk uses
 * (host/diskfile.h over host/vdisk.h), on a raw image, a fresh qcow2
 * overlay on it, and an overlay three levels deep, for sequential and
 * random reads and writes.  Each figure is MiB/s through the same
 * read/write callbacks io/disk.c calls, with the transfer sizes a guest's
 * DMA makes: 64 KiB sequential, 4 KiB random.  The images live in
 * $TMPDIR (default /tmp), and are removed afterwards; each figure is the
 * best of three passes.
 *
 * "read" on an overlay reads what the overlay holds (its allocated
 * clusters, written by the write pass before it); "fallthrough" reads an
 * empty overlay, every byte from the base below.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu/vm.h"
#include "host/diskfile.h"
#include "host/qcow2.h"

#define SIZE (64u << 20)
#define SEQ (64u << 10)
#define RND 4096u
#define RND_OPS 8192u

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char dir[256];
static uint8_t buf[SEQ];

static void path_of(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static int make_image(const char *name, const char *backing,
		      const char *bfmt)
{
	char p[512], err[256];
	path_of(p, sizeof p, name);
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	int st = backing ? qcow2_create(fd, SIZE, QCOW2_DEFAULT_CLUSTER_BITS,
					backing, bfmt, err, sizeof err)
		 : ftruncate(fd, SIZE);
	if (!backing && st == 0) {	/* a raw image with data in it */
		memset(buf, 0x5a, sizeof buf);
		for (uint64_t off = 0; off < SIZE && st == 0; off += SEQ)
			st = pwrite(fd, buf, SEQ, (off_t)off) == SEQ ? 0 : -1;
	}
	close(fd);
	return st;
}

/* MiB/s of one pass: seq or random, read or write. */
static double pass1(struct vm_disk_host *h, bool seq, bool write)
{
	uint64_t seed = 42, moved = 0;
	double t0 = now();
	unsigned ops = seq ? SIZE / SEQ : RND_OPS;
	for (unsigned i = 0; i < ops; i++) {
		uint64_t off;
		size_t len = seq ? SEQ : RND;
		if (seq) {
			off = (uint64_t)i * SEQ;
		} else {
			seed = seed * 6364136223846793005ull + 1;
			off = (seed >> 20) % (SIZE / RND) * RND;
		}
		int st = write ? h->write(h->opaque, off, buf, len)
			 : h->read(h->opaque, off, buf, len);
		if (st)
			return -1;
		moved += len;
	}
	if (write && h->flush(h->opaque))
		return -1;
	return (double)moved / (1 << 20) / (now() - t0);
}

/* The best of three passes: the machine's noise only ever slows. */
static double pass(struct vm_disk_host *h, bool seq, bool write)
{
	double best = -1;
	for (int i = 0; i < 3; i++) {
		double r = pass1(h, seq, write);
		if (r > best)
			best = r;
	}
	return best;
}

static int bench(const char *label, const char *name, bool fallthrough)
{
	char p[512];
	struct disk_file f;
	struct vm_disk_host h;
	path_of(p, sizeof p, name);
	if (disk_file_open(&f, p, 0, &h))
		return -1;
	double r[5];
	if (fallthrough) {
		r[0] = pass(&h, true, false);	/* everything falls through */
		r[4] = pass(&h, false, false);
	}
	r[1] = pass(&h, true, true);
	r[2] = pass(&h, true, false);
	r[3] = pass(&h, false, true);
	double rr = pass(&h, false, false);
	disk_file_close(&f);
	printf("%-22s %9.0f %9.0f %9.0f %9.0f", label, r[1], r[2], r[3], rr);
	if (fallthrough)
		printf(" %9.0f %9.0f", r[0], r[4]);
	printf("\n");
	return 0;
}

int main(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/aula-diskbench-XXXXXX", t ? t : "/tmp");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	int st = make_image("base.img", NULL, NULL) ||
		 make_image("l1.qcow2", "base.img", "raw") ||
		 make_image("l2.qcow2", "l1.qcow2", "qcow2") ||
		 make_image("fresh.qcow2", "base.img", "raw") ||
		 make_image("deep.qcow2", "l2.qcow2", "qcow2");
	printf("%-22s %9s %9s %9s %9s %9s %9s\n", "disk (MiB/s)", "seq-wr",
	       "seq-rd", "rand-wr", "rand-rd", "fall-seq", "fall-rnd");
	if (!st)
		st = bench("raw", "base.img", false) ||
		     bench("qcow2 overlay", "fresh.qcow2", true) ||
		     bench("qcow2 3 deep", "deep.qcow2", true);
	const char *names[] = { "base.img", "l1.qcow2", "l2.qcow2",
				"fresh.qcow2", "deep.qcow2" };
	for (unsigned i = 0; i < 5; i++) {
		char p[512];
		path_of(p, sizeof p, names[i]);
		unlink(p);
	}
	rmdir(dir);
	if (st)
		fprintf(stderr, "aula-diskbench: failed\n");
	return st != 0;
}
