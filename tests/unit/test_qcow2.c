/*
 * The disk back ends (host/vdisk.h, host/qcow2*.c) through their API:
 * the probing hole closed, reads and copy-on-write fills around a
 * backing file shorter than its overlay, writes merged into few host
 * calls, and damaged images (the fuzz harness, fuzz/fuzz_qcow2.c, run on
 * a few thousand mutations of a real image) that must be refused or read
 * without a crash.  tests/qcow2.sh checks the same images against QEMU.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/qcow2.h"
#include "host/vdisk.h"
#include "tests/unit/harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], raw[128], ov[128];

static uint64_t qcow2_be64_of(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}
static char err[1024];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/aula-qcow2-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(raw, sizeof raw, "%s/base.img", dir);
	snprintf(ov, sizeof ov, "%s/ov.qcow2", dir);
}

static void teardown(void)
{
	unlink(raw);
	unlink(ov);
	rmdir(dir);
}

static void make_raw(const char *path, uint64_t size, uint8_t byte)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	for (uint64_t i = 0; i < size; i++)
		fputc(byte, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void make_qcow2(const char *path, uint64_t size, unsigned bits,
		       const char *backing, const char *bfmt)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(qcow2_create(fd, size, bits, backing, bfmt, err,
				      sizeof err), 0);
	close(fd);
}

static struct vdisk *open_ok(const char *path, enum vdisk_format f,
			     unsigned flags)
{
	struct vdisk *vd;
	ck_assert_msg(vdisk_open(&vd, path, f, flags, err, sizeof err) == 0,
		      "%s", err);
	return vd;
}

/* A probed raw disk may not be given a qcow2 header by its guest. */
START_TEST(probing_hole)
{
	uint8_t sec[512] = { 0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3 };
	make_raw(raw, 8192, 0);
	struct vdisk *vd = open_ok(raw, VDISK_AUTO, 0);
	ck_assert_int_eq(vd->format, VDISK_RAW);
	ck_assert_int_eq(vdisk_write(vd, 0, sec, sizeof sec), -1);
	ck_assert_ptr_nonnull(strstr(vd->err, "format=raw"));
	ck_assert_int_eq(vdisk_write(vd, 512, sec, sizeof sec), 0);
	ck_assert_int_eq(vdisk_close(vd, NULL, 0), 0);
	vd = open_ok(raw, VDISK_RAW, 0);
	ck_assert_int_eq(vdisk_write(vd, 0, sec, sizeof sec), 0);
	ck_assert_int_eq(vdisk_close(vd, NULL, 0), 0);
	ck_assert_int_eq(vdisk_open(&vd, raw, VDISK_AUTO, VDISK_READ_ONLY,
				    err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "say format=raw"));
	vd = open_ok(raw, VDISK_RAW, VDISK_READ_ONLY);
	ck_assert_uint_eq(vd->size, 8192);
	vdisk_close(vd, NULL, 0);
}
END_TEST

/* An overlay larger than its base: bytes past the base's end read as
 * zeros, and so does the copy-on-write fill of a cluster across it. */
START_TEST(backing_shorter_than_overlay)
{
	uint8_t buf[16384];
	make_raw(raw, 6144, 0x77);
	make_qcow2(ov, 65536, 12, "base.img", "raw");
	struct vdisk *vd = open_ok(ov, VDISK_AUTO, 0);
	ck_assert_ptr_nonnull(vd->backing);
	ck_assert(vd->backing->read_only);
	ck_assert_int_eq(vdisk_read(vd, 0, buf, sizeof buf), 0);
	for (size_t i = 0; i < sizeof buf; i++)
		ck_assert_uint_eq(buf[i], i < 6144 ? 0x77 : 0);
	memset(buf, 0x11, 512);
	ck_assert_int_eq(vdisk_write(vd, 4096, buf, 512), 0);	/* COW */
	ck_assert_int_eq(vdisk_flush(vd), 0);
	ck_assert_int_eq(vdisk_read(vd, 4096, buf, 4096), 0);
	for (size_t i = 0; i < 4096; i++)
		ck_assert_uint_eq(buf[i], i < 512 ? 0x11 : i < 2048 ? 0x77 : 0);
	ck_assert_int_eq(vdisk_write(vd, 65024, buf, 512), 0);
	ck_assert_int_eq(vdisk_read(vd, 65536 - 1024, buf, 1024), 0);
	ck_assert_uint_eq(buf[0], 0);
	ck_assert_int_eq(vdisk_write(vd, 65024, buf, 1024), -1);
	ck_assert_ptr_nonnull(strstr(vd->err, "past the end"));
	struct qcow2_check r;
	ck_assert_int_eq(qcow2_check(vd, false, NULL, &r), 0);
	ck_assert_uint_eq(r.errors + r.leaks, 0);
	ck_assert_uint_eq(r.allocated, 2);
	ck_assert_int_eq(vdisk_close(vd, NULL, 0), 0);
}
END_TEST

/* A long write to fresh clusters lands in one contiguous host run, and
 * map-style status sees it as one extent. */
START_TEST(long_writes_are_contiguous)
{
	static uint8_t buf[1 << 20];
	make_qcow2(ov, 4 << 20, 16, NULL, NULL);
	struct vdisk *vd = open_ok(ov, VDISK_QCOW2, 0);
	memset(buf, 0x3c, sizeof buf);
	ck_assert_int_eq(vdisk_write(vd, 65536, buf, sizeof buf), 0);
	enum vdisk_kind k;
	uint64_t n, host;
	ck_assert_int_eq(vdisk_status(vd, 65536, 2 << 20, &k, &n, &host), 0);
	ck_assert_int_eq(k, VDISK_DATA);
	ck_assert_uint_eq(n, sizeof buf);
	ck_assert_int_eq(vdisk_status(vd, 0, 65536, &k, &n, &host), 0);
	ck_assert_int_eq(k, VDISK_UNALLOCATED);
	ck_assert_int_eq(vdisk_close(vd, NULL, 0), 0);
	vd = open_ok(ov, VDISK_QCOW2, VDISK_READ_ONLY);
	memset(buf, 0, sizeof buf);
	ck_assert_int_eq(vdisk_read(vd, 65536, buf, sizeof buf), 0);
	ck_assert_uint_eq(buf[0], 0x3c);
	ck_assert_uint_eq(buf[sizeof buf - 1], 0x3c);
	vdisk_close(vd, NULL, 0);
}
END_TEST

/* A full refcount table grows: an image whose 512 table entries all
 * name one block claiming every cluster used has no free cluster below
 * 4 GiB, so its first write must move the table past that (the file is
 * sparse).  The write lands, and the image reopens on the new table. */
START_TEST(refcount_table_grows)
{
	uint8_t blk[4096], e[8];
	make_qcow2(ov, 64 * 1024, 12, NULL, NULL);
	int fd = open(ov, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, e, 8, 4096), 8);	/* entry 0 */
	for (int i = 0; i < 512; i++)
		memcpy(blk + 8 * i, e, 8);
	ck_assert_int_eq(pwrite(fd, blk, sizeof blk, 4096), 4096);
	for (int i = 0; i < 2048; i++) {
		blk[2 * i] = 0;
		blk[2 * i + 1] = 1;
	}
	ck_assert_int_eq(pwrite(fd, blk, sizeof blk, 8192), 4096);
	close(fd);
	struct vdisk *vd = open_ok(ov, VDISK_QCOW2, 0);
	memset(blk, 0x5e, sizeof blk);
	ck_assert_msg(vdisk_write(vd, 8192, blk, sizeof blk) == 0, "%s",
		      vd->err);
	ck_assert_int_eq(vdisk_close(vd, NULL, 0), 0);
	vd = open_ok(ov, VDISK_QCOW2, VDISK_READ_ONLY);
	memset(blk, 0, sizeof blk);
	ck_assert_int_eq(vdisk_read(vd, 8192, blk, sizeof blk), 0);
	ck_assert_uint_eq(blk[0], 0x5e);
	ck_assert_uint_eq(blk[4095], 0x5e);
	vdisk_close(vd, NULL, 0);
	fd = open(ov, O_RDONLY);
	ck_assert_int_eq(pread(fd, e, 8, 48), 8);	/* refcount table */
	close(fd);
	ck_assert_uint_eq(qcow2_be64_of(e), 4ull << 30);
}
END_TEST

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A small image with data, then thousands of damaged copies of it:
 * bytes flipped in the header and every table, and truncations. */
START_TEST(damaged_images_never_crash)
{
	uint8_t buf[4096];
	make_qcow2(ov, 256 * 1024, 12, "nowhere.img", "qcow2");
	struct vdisk *vd = open_ok(ov, VDISK_QCOW2, VDISK_NO_BACKING);
	for (int i = 0; i < 8; i++) {
		memset(buf, 0x40 + i, sizeof buf);
		ck_assert_int_eq(vdisk_write(vd, (uint64_t)i * 28672, buf,
					     sizeof buf), 0);
	}
	ck_assert_int_eq(vdisk_close(vd, NULL, 0), 0);
	FILE *f = fopen(ov, "rb");
	ck_assert_ptr_nonnull(f);
	static uint8_t img[1 << 16], bad[1 << 16];
	size_t size = fread(img, 1, sizeof img, f);
	fclose(f);
	ck_assert_uint_gt(size, 8 * 4096);
	ck_assert_uint_lt(size, sizeof img);
	LLVMFuzzerTestOneInput(img, size);
	for (int round = 0; round < 3000; round++) {
		memcpy(bad, img, size);
		size_t n = size;
		int flips = 1 + (int)(next_rand() % 4);
		for (int k = 0; k < flips; k++) {
			/* Mostly the metadata: the first 6 clusters. */
			size_t at = next_rand() % (k ? size : 6 * 4096);
			bad[at] ^= (uint8_t)(1u << (next_rand() % 8));
		}
		if (round % 16 == 0)
			n = next_rand() % size;
		LLVMFuzzerTestOneInput(bad, n);
	}
}
END_TEST

static Suite *qcow2_suite(void)
{
	Suite *s = suite_create("qcow2");
	TCase *tc = tcase_create("vdisk");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, probing_hole);
	tcase_add_test(tc, backing_shorter_than_overlay);
	tcase_add_test(tc, long_writes_are_contiguous);
	tcase_add_test(tc, damaged_images_never_crash);
	tcase_add_test(tc, refcount_table_grows);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(qcow2_suite());
}
