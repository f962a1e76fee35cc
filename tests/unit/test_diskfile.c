/*
 * The disk's file back end (host/diskfile.c) under a guest: data that
 * outlives the machine, read-only images, images that are not whole
 * sectors or shrink under us, and what the user is told on stderr.
 */
#define _GNU_SOURCE		/* dup2 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/ports.h"
#include "tests/unit/harness.h"
#include "host/diskfile.h"

#define SECT DISK_SECTOR_SIZE

/* Poll until the command ends; power off with STATUS.  r1 = command,
 * r2 = LBA, r3 = COUNT, r4 = DMA. */
#define DCMD								\
	" out r2, 0x42(r0)\n out r3, 0x43(r0)\n out r4, 0x44(r0)\n"	\
	" out r1, 0x40(r0)\n"						\
	".w: in r1, 0x41(r0)\n tsti r1, 1\n bne .w\n out r1, 0(r0)\n"

static char dir[64], path[128], errpath[128];

static void setup(void)
{
	th_mkdtemp(dir, sizeof dir, "diskfile");
	snprintf(path, sizeof path, "%s/disk.img", dir);
	snprintf(errpath, sizeof errpath, "%s/stderr", dir);
}

static void teardown(void)
{
	th_rmtree(dir);
}

static void make_image(const char *p, off_t size)
{
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, size), 0);
	close(fd);
}

/* stderr goes to errpath between these two. */
static int saved_stderr = -1;
static void capture(void)
{
	fflush(stderr);
	saved_stderr = dup(2);
	int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	dup2(fd, 2);
	close(fd);
}

static const char *captured(void)
{
	static char text[4096];
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	FILE *f = fopen(errpath, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = 0;
	fclose(f);
	return text;
}

/* Boot src with the image of spec as disk 0; the run's STATUS comes
 * back as the power-off code. */
static uint32_t run_with(const char *spec, const char *src,
			 struct disk_file *f, struct th **tp)
{
	struct vm_config cfg = { .ndisks = 1 };
	ck_assert_int_eq(disk_file_open(f, spec, 0, &cfg.disks[0]), 0);
	struct th *t = th_boot_config(src, &cfg);
	ck_assert_int_eq(th_run(t, 1000000), VM_STOP_POWEROFF);
	uint32_t status = t->vm->stop_code;
	if (tp)
		*tp = t;
	else
		th_free(t);
	return status;
}

/* A sector written by one machine is in the file, and read back by the
 * next machine. */
START_TEST(data_outlives_the_machine)
{
	struct disk_file f;
	struct th *t;
	make_image(path, 16 * SECT);
	uint32_t st = run_with(path,
		"_start: la r1, buf\n li r2, 512\n"
		".f: stb r2, 0(r1)\n addi r1, r1, 1\n addi r2, r2, -1\n"
		" cmpi r2, 0\n bne .f\n"
		" li r1, 2\n li r2, 3\n li r3, 1\n la r4, buf\n"
		" out r2, 0x42(r0)\n out r3, 0x43(r0)\n out r4, 0x44(r0)\n"
		" out r1, 0x40(r0)\n"
		".w1: in r1, 0x41(r0)\n tsti r1, 1\n bne .w1\n li r1, 3\n"
		DCMD " .align 4\nbuf: .space 512\n", &f, NULL);
	ck_assert_uint_eq(st, DISK_ST_DONE);
	ck_assert_int_eq(disk_file_close(&f), 0);

	uint8_t want[SECT], got[SECT];
	for (int i = 0; i < SECT; i++)
		want[i] = (uint8_t)(512 - i);
	int fd = open(path, O_RDONLY);
	ck_assert_int_eq(pread(fd, got, SECT, 3 * SECT), SECT);
	ck_assert_mem_eq(got, want, SECT);
	ck_assert_int_eq(pread(fd, got, SECT, 2 * SECT), SECT);
	for (int i = 0; i < SECT; i++)
		ck_assert_uint_eq(got[i], 0);
	close(fd);

	st = run_with(path, "_start: li r1, 1\n li r2, 3\n li r3, 1\n"
		      " la r4, 0x10000\n" DCMD, &f, &t);
	ck_assert_uint_eq(st, DISK_ST_DONE);
	ck_assert_int_eq(mem_read(&t->vm->mem, 0x10000, got, SECT), 0);
	ck_assert_mem_eq(got, want, SECT);
	th_free(t);
	ck_assert_int_eq(disk_file_close(&f), 0);
}
END_TEST

START_TEST(read_only_image)
{
	struct disk_file f;
	make_image(path, 4 * SECT);
	char spec[160];
	snprintf(spec, sizeof spec, "%s,ro", path);
	uint32_t st = run_with(spec, "_start: li r1, 2\n li r2, 0\n li r3, 1\n"
			       " la r4, 0x10000\n" DCMD, &f, NULL);
	ck_assert_uint_eq(st, DISK_ST_ERROR | DISK_ST_READONLY |
			  DISK_ERR_READONLY << DISK_ST_CODE_SHIFT);
	ck_assert(f.read_only);
	ck_assert_int_eq(disk_file_close(&f), 0);
	struct stat sb;
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_blocks, 0);	/* still sparse: untouched */

	/* A file we may not write needs ,ro -- and the message says so.
	 * (root may write anything.) */
	if (geteuid() != 0) {
		struct vm_disk_host h;
		chmod(path, 0444);
		capture();
		ck_assert_int_eq(disk_file_open(&f, path, 0, &h), -1);
		ck_assert_ptr_nonnull(strstr(captured(), "add ,ro"));
		ck_assert_int_eq(disk_file_open(&f, spec, 0, &h), 0);
		ck_assert_int_eq(disk_file_close(&f), 0);
	}
}
END_TEST

START_TEST(images_that_are_not_whole_sectors)
{
	struct disk_file f;
	struct vm_disk_host h;
	char why[128];
	make_image(path, 1000);
	capture();
	ck_assert_int_eq(disk_file_open(&f, path, 0, &h), -1);
	const char *msg = captured();
	ck_assert_ptr_nonnull(strstr(msg, path));
	ck_assert_ptr_nonnull(strstr(msg, "not a multiple of the 512-byte"));
	make_image(path, 0);
	capture();
	ck_assert_int_eq(disk_file_open(&f, path, 0, &h), -1);
	ck_assert_ptr_nonnull(strstr(captured(), "empty"));
	ck_assert(disk_file_size_ok(512, why, sizeof why));
	ck_assert(!disk_file_size_ok(513, why, sizeof why));
	ck_assert(disk_file_size_ok((uint64_t)DISK_MAX_SECTORS * SECT, why,
				    sizeof why));
	ck_assert(!disk_file_size_ok((uint64_t)DISK_MAX_SECTORS * SECT + SECT,
				     why, sizeof why));
}
END_TEST

/* The image shrinks while attached: reading past its new end is a host
 * I/O error for the guest, and a message naming the file for the user. */
START_TEST(image_truncated_under_the_guest)
{
	struct disk_file f;
	struct th *t;
	struct vm_config cfg = { .ndisks = 1 };
	make_image(path, 8 * SECT);
	ck_assert_int_eq(disk_file_open(&f, path, 0, &cfg.disks[0]), 0);
	t = th_boot_config("_start: li r1, 1\n li r2, 4\n li r3, 2\n"
			   " la r4, 0x10000\n" DCMD, &cfg);
	ck_assert_int_eq(truncate(path, 2 * SECT), 0);
	capture();
	ck_assert_int_eq(th_run(t, 1000000), VM_STOP_POWEROFF);
	const char *msg = captured();
	ck_assert_uint_eq(t->vm->stop_code,
			  DISK_ST_ERROR | DISK_ERR_IO << DISK_ST_CODE_SHIFT);
	ck_assert_ptr_nonnull(strstr(msg, "disk 0 ("));
	ck_assert_ptr_nonnull(strstr(msg, path));
	ck_assert_ptr_nonnull(strstr(msg, "at byte 2048"));
	ck_assert_ptr_nonnull(strstr(msg, "truncated"));
	ck_assert_uint_eq(f.io_errors, 1);
	th_free(t);
	ck_assert_int_eq(disk_file_close(&f), 0);
}
END_TEST

/* A guest hammering a failing disk: five messages, then a count. */
START_TEST(repeated_errors_are_counted)
{
	struct disk_file f;
	struct vm_config cfg = { .ndisks = 1 };
	make_image(path, 8 * SECT);
	ck_assert_int_eq(disk_file_open(&f, path, 0, &cfg.disks[0]), 0);
	struct th *t = th_boot_config(
		"_start: li r5, 20\n li r2, 4\n li r3, 1\n la r4, 0x10000\n"
		" out r2, 0x42(r0)\n out r3, 0x43(r0)\n out r4, 0x44(r0)\n"
		".again: li r1, 1\n out r1, 0x40(r0)\n"
		".w: in r1, 0x41(r0)\n tsti r1, 1\n bne .w\n"
		" addi r5, r5, -1\n cmpi r5, 0\n bne .again\n out r1, 0(r0)\n",
		&cfg);
	ck_assert_int_eq(truncate(path, SECT), 0);
	capture();
	ck_assert_int_eq(th_run(t, 10000000), VM_STOP_POWEROFF);
	th_free(t);
	ck_assert_int_eq(disk_file_close(&f), 0);
	const char *msg = captured();
	int lines = 0;
	for (const char *p = msg; (p = strstr(p, "read of 512 bytes")); p++)
		lines++;
	ck_assert_int_eq(lines, 5);
	ck_assert_ptr_nonnull(strstr(msg, "further I/O errors are counted"));
	ck_assert_ptr_nonnull(strstr(msg, "20 I/O errors in all"));
}
END_TEST

START_TEST(specs_and_sameness)
{
	struct disk_file a, b;
	struct vm_disk_host h;
	char spec[160];
	make_image(path, 4 * SECT);
	snprintf(spec, sizeof spec, "%s,rw", path);
	capture();
	ck_assert_int_eq(disk_file_open(&a, spec, 0, &h), -1);
	ck_assert_ptr_nonnull(strstr(captured(), "only flag"));
	capture();
	ck_assert_int_eq(disk_file_open(&a, "/nonexistent/x.img", 0, &h), -1);
	ck_assert_ptr_nonnull(strstr(captured(), "aula disk create"));
	snprintf(spec, sizeof spec, "%s,ro", dir);
	capture();
	ck_assert_int_eq(disk_file_open(&a, spec, 0, &h), -1);
	ck_assert_ptr_nonnull(strstr(captured(), "not a regular file"));

	ck_assert_int_eq(disk_file_open(&a, path, 0, &h), 0);
	ck_assert_uint_eq(h.size, 4 * SECT);
	ck_assert(!h.read_only);
	ck_assert_str_eq(h.name, path);
	snprintf(spec, sizeof spec, "%s/../%s/disk.img,ro", dir,
		 strrchr(dir, '/') + 1);
	ck_assert_int_eq(disk_file_open(&b, spec, 1, &h), 0);
	ck_assert(h.read_only);
	ck_assert(disk_file_same(&a, &b));
	ck_assert_int_eq(disk_file_close(&a), 0);
	ck_assert_int_eq(disk_file_close(&b), 0);
	ck_assert_int_eq(disk_file_close(&b), 0);	/* twice is harmless */
}
END_TEST

static Suite *diskfile_suite(void)
{
	Suite *s = suite_create("diskfile");
	TCase *tc = tcase_create("file");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, data_outlives_the_machine);
	tcase_add_test(tc, read_only_image);
	tcase_add_test(tc, images_that_are_not_whole_sectors);
	tcase_add_test(tc, image_truncated_under_the_guest);
	tcase_add_test(tc, repeated_errors_are_counted);
	tcase_add_test(tc, specs_and_sameness);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(diskfile_suite());
}
