/*
 * Unit tests: the image format (docs/image-format.md) and its loader, on
 * good images: encode/decode and write/read leave them unchanged, the byte
 * layout is the document's, and loading places them in a machine.  Corrupt
 * and malformed images are in test_image_bad.c.
 */
#define _GNU_SOURCE		/* mkdtemp, nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "asm/image.h"
#include "cpu/isa.h"
#include "tests/unit/harness.h"
#include "tests/unit/step.h"
#include "tests/unit/imgtest.h"

#define ERRLEN 512

START_TEST(roundtrip)
{
	struct image a, b;
	char err[ERRLEN];
	imt_full_image(&a);
	for (int z = 0; z < 2; z++) {
		size_t len;
		uint8_t *buf = image_encode(&a, z, &len);
		ck_assert_ptr_nonnull(buf);
		ck_assert_int_eq(image_decode(buf, len, &b, err, sizeof err),
				 0);
		imt_assert_same(&a, &b);
		image_free(&b);
		imt_assert_empty(&b);
		free(buf);
	}
	image_free(&a);

	/* An image of nothing: legal, if useless. */
	memset(&a, 0, sizeof a);
	size_t len;
	uint8_t *buf = image_encode(&a, 0, &len);
	ck_assert_uint_eq(len, IMAGE_HEADER_SIZE + 8);
	ck_assert_int_eq(image_decode(buf, len, &b, err, sizeof err), 0);
	imt_assert_same(&a, &b);
	image_free(&b);
	free(buf);
}
END_TEST

START_TEST(roundtrip_compressed_big)
{
	struct image a, b;
	char err[ERRLEN];
	size_t plain, packed;
	imt_big_image(&a, 40, 4096);
	uint8_t *p = image_encode(&a, 0, &plain);
	uint8_t *z = image_encode(&a, 1, &packed);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(z);
	ck_assert_uint_lt(packed * 10, plain);	/* it did compress */
	ck_assert_uint_eq(mem_ld32(p + 24), mem_ld32(z + 24));
	ck_assert_int_eq(image_decode(z, packed, &b, err, sizeof err), 0);
	imt_assert_same(&a, &b);
	image_free(&b);
	ck_assert_int_eq(image_decode(p, plain, &b, err, sizeof err), 0);
	imt_assert_same(&a, &b);
	image_free(&b);
	free(p);
	free(z);
	image_free(&a);
}
END_TEST

/* The bytes are laid out as docs/image-format.md draws them. */
START_TEST(layout_matches_the_document)
{
	struct image a;
	size_t len;
	imt_full_image(&a);
	uint8_t *buf = image_encode(&a, 0, &len);
	static const uint8_t magic[8] = { 0x41, 0x55, 0x4c, 0x41, 0x49, 0x4d,
					  0x47, 0x00 };
	/* Names, then each run of one file's lines: its name once, then
	 * the texts. */
	static const char strtab[] = "msg\0_start\0\0STACK\0a.s\0_start: nop"
		"\0\tli r1, 0x12345\0u.s\0.ascii \"user one\"";
	uint32_t strings = sizeof strtab;
	uint32_t body = 16 * 4 + 12 * 4 + 4 + strings + 4 + 20 * 3 +
			12 + 5 + 8;
	ck_assert_int_eq(memcmp(buf, magic, 8), 0);
	ck_assert_uint_eq(mem_ld16(buf + 8), 2);
	ck_assert_uint_eq(mem_ld16(buf + 10), 0);
	ck_assert_uint_eq(mem_ld32(buf + 12), 0x1004);
	ck_assert_uint_eq(mem_ld32(buf + 16), 4);
	ck_assert_uint_eq(mem_ld32(buf + 20), 4);
	ck_assert_uint_eq(mem_ld32(buf + 24), body);
	ck_assert_uint_eq(mem_ld32(buf + 28), body);
	ck_assert_uint_eq(len, 40 + body);
	ck_assert_uint_eq(mem_ld32(buf + 32), crc32(0, buf + 40, body));
	ck_assert_uint_eq(mem_ld32(buf + 36), crc32(0, buf, 36));
	const uint8_t *b = buf + 40;
	static const uint32_t segs[4][4] = {
		{ 0x1000, 12, 0x1000, 0 }, { 0x3000, 5, 0x3000, 0 },
		{ 0x400000, 8, 0x8000, 0 }, { 0x10000, 4096, 0x10000, 1 },
	};
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 4; k++)
			ck_assert_uint_eq(mem_ld32(b + 16 * i + 4 * k),
					  segs[i][k]);
	const uint8_t *sym = b + 64, *str = sym + 48 + 4;
	ck_assert_uint_eq(mem_ld32(sym + 48), strings);
	ck_assert_int_eq(memcmp(str, strtab, strings), 0);
	static const uint32_t syms[4][3] = {
		{ 0x3000, 0, 0 }, { 0x1004, 4, 0 }, { 0x1000, 11, 0 },
		{ 0x7ff0, 12, 1 },
	};
	for (int i = 0; i < 4; i++)
		for (int k = 0; k < 3; k++)
			ck_assert_uint_eq(mem_ld32(sym + 12 * i + 4 * k),
					  syms[i][k]);
	const uint8_t *lt = str + strings;
	ck_assert_uint_eq(mem_ld32(lt), 3);
	static const uint32_t lines[3][5] = {
		{ 0x1000, 4, 18, 1, 22 }, { 0x1004, 8, 18, 2, 34 },
		{ 0x8000, 8, 50, 7, 54 },
	};
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 5; k++)
			ck_assert_uint_eq(mem_ld32(lt + 4 + 20 * i + 4 * k),
					  lines[i][k]);
	const uint8_t *data = lt + 4 + 60;
	ck_assert_int_eq(memcmp(data, a.seg[0].data, 12), 0);
	ck_assert_int_eq(memcmp(data + 12, "hello", 5), 0);
	ck_assert_int_eq(memcmp(data + 17, "user one", 8), 0);
	free(buf);

	/* Compressed: flag bit 0, the body is a zlib stream of the same
	 * bytes, and body_crc is still that of the uncompressed body. */
	uint8_t *plain = image_encode(&a, 0, &len);
	size_t zlen;
	buf = image_encode(&a, 1, &zlen);
	ck_assert_uint_eq(mem_ld16(buf + 10), 1);
	ck_assert_uint_eq(mem_ld32(buf + 28), zlen - 40);
	ck_assert_uint_eq(mem_ld32(buf + 32), mem_ld32(plain + 32));
	uint8_t out[512];
	uLongf outlen = sizeof out;
	ck_assert_int_eq(uncompress(out, &outlen, buf + 40, zlen - 40), Z_OK);
	ck_assert_uint_eq(outlen, body);
	ck_assert_int_eq(memcmp(out, plain + 40, body), 0);
	free(plain);
	free(buf);
	image_free(&a);
}
END_TEST

/* The limits themselves are allowed. */
START_TEST(limits_accepted)
{
	struct image a, b;
	char err[ERRLEN];
	size_t len;
	imt_big_image(&a, IMAGE_MAX_SEGMENTS, 1);
	uint8_t *buf = image_encode(&a, 1, &len);
	ck_assert_int_eq(image_decode(buf, len, &b, err, sizeof err), 0);
	imt_assert_same(&a, &b);
	image_free(&b);
	free(buf);
	image_free(&a);

	/* A segment that ends exactly at 2^32 does not wrap. */
	memset(&a, 0, sizeof a);
	uint8_t data[4] = { 1, 2, 3, 4 };
	struct image_segment seg = { .addr = 0xfffffffc, .size = 4,
				     .data = data, .load = 0xfffffffc };
	a.seg = &seg;
	a.nseg = 1;
	buf = image_encode(&a, 0, &len);
	ck_assert_int_eq(image_decode(buf, len, &b, err, sizeof err), 0);
	imt_assert_same(&a, &b);
	image_free(&b);
	free(buf);
}
END_TEST


/* ---- files ------------------------------------------------------------ */

static char tmpdir[64];

static void files_setup(void)
{
	th_mkdtemp(tmpdir, sizeof tmpdir, "image");
}

static void files_teardown(void)
{
	th_rmtree(tmpdir);
}

static void path_of(char *path, size_t len, const char *name)
{
	snprintf(path, len, "%s/%s", tmpdir, name);
}

static void put_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(write_and_read)
{
	char path[256], tmp[300], err[ERRLEN] = "";
	struct image a, b;
	imt_small_image(&a);
	path_of(path, sizeof path, "small.img");
	for (int z = 0; z < 2; z++) {
		ck_assert_msg(image_write(&a, path, z, err, sizeof err) == 0,
			      "%s", err);
		ck_assert_int_eq(image_sniff(path), 1);
		ck_assert_msg(image_read(path, &b, err, sizeof err) == 0, "%s",
			      err);
		imt_assert_same(&a, &b);
		image_free(&b);
	}
	/* No temporary file is left behind. */
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "rb");
	ck_assert_ptr_null(f);
	image_free(&a);

	/* A big one, past the reader's first buffer. */
	imt_big_image(&a, 40, 4096);
	path_of(path, sizeof path, "big.img");
	ck_assert_int_eq(image_write(&a, path, 0, err, sizeof err), 0);
	ck_assert_msg(image_read(path, &b, err, sizeof err) == 0, "%s", err);
	imt_assert_same(&a, &b);
	image_free(&b);
	image_free(&a);
}
END_TEST

START_TEST(file_errors)
{
	char path[256], err[ERRLEN] = "";
	struct image a, b;

	path_of(path, sizeof path, "missing.img");
	ck_assert_int_eq(image_read(path, &b, err, sizeof err), -1);
	ck_assert_msg(strstr(err, path) != NULL, "%s", err);
	imt_assert_empty(&b);
	ck_assert_int_eq(image_sniff(path), 0);

	path_of(path, sizeof path, "text.s");
	put_bytes(path, "nop\n", 4);
	ck_assert_int_eq(image_sniff(path), 0);
	ck_assert_int_eq(image_read(path, &b, err, sizeof err), -1);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0 &&
		      strstr(err, "truncated"), "%s", err);

	path_of(path, sizeof path, "empty.img");
	put_bytes(path, "", 0);
	ck_assert_int_eq(image_sniff(path), 0);
	ck_assert_int_eq(image_read(path, &b, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "truncated"), "%s", err);

	/* A truncated image file names the file and the problem. */
	imt_small_image(&a);
	size_t len;
	uint8_t *buf = image_encode(&a, 0, &len);
	path_of(path, sizeof path, "cut.img");
	put_bytes(path, buf, len - 1);
	ck_assert_int_eq(image_sniff(path), 1);
	ck_assert_int_eq(image_read(path, &b, err, sizeof err), -1);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0 &&
		      strstr(err, "truncated"), "%s", err);
	imt_assert_empty(&b);
	free(buf);

	/* A directory is not an image. */
	ck_assert_int_eq(image_read(tmpdir, &b, err, sizeof err), -1);
	ck_assert_msg(strstr(err, tmpdir) != NULL, "%s", err);
	imt_assert_empty(&b);

	/* Writing where no directory exists fails with the name. */
	path_of(path, sizeof path, "no/such/dir/x.img");
	ck_assert_int_eq(image_write(&a, path, 0, err, sizeof err), -1);
	ck_assert_msg(strstr(err, path) != NULL, "%s", err);
	image_free(&a);
}
END_TEST


/* ---- loading into a machine, and symbol lookup ------------------------- */

static struct vm *small_vm(void)
{
	char err[ERRLEN];
	struct vm_config cfg = { .ram_size = 64 * 1024 };
	struct vm *vm = vm_create(&cfg, err, sizeof err);
	ck_assert_msg(vm != NULL, "%s", err);
	return vm;
}

START_TEST(load_good)
{
	struct vm *vm = small_vm();
	struct image a;
	char err[ERRLEN] = "";
	imt_small_image(&a);
	vm->cpu.r[3] = 77;
	ck_assert_msg(image_load(&a, vm, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(vm->entry, 0x1004);
	ck_assert_uint_eq(vm->cpu.pc, 0x1004);
	ck_assert_uint_eq(vm->cpu.r[3], 0);		/* reset */
	ck_assert_uint_eq(vm->cpu.flags, CPU_P);
	ck_assert_uint_eq(vm->cpu.r[ISA_REG_SP], 64 * 1024);
	for (uint32_t i = 0; i < a.nseg; i++) {
		uint8_t got[16];
		ck_assert_int_eq(mem_read(&vm->mem, a.seg[i].addr, got,
					  a.seg[i].size), 0);
		ck_assert_int_eq(memcmp(got, a.seg[i].data, a.seg[i].size), 0);
	}
	image_free(&a);

	/* A segment that ends at the very end of RAM fits. */
	uint8_t data[16] = { 0xaa, [15] = 0xbb };
	struct image_segment seg = { .addr = 64 * 1024 - 16, .size = 16,
				     .data = data, .load = 64 * 1024 - 16 };
	struct image top = { .entry = 0, .seg = &seg, .nseg = 1 };
	ck_assert_msg(image_load(&top, vm, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(vm->entry, 0);
	ck_assert_uint_eq(vm->cpu.pc, 0);
	uint8_t got[16];
	mem_read(&vm->mem, 64 * 1024 - 16, got, 16);
	ck_assert_int_eq(memcmp(got, data, 16), 0);
	vm_destroy(vm);
}
END_TEST

/* A segment past the end of RAM is refused before anything is written. */
START_TEST(load_beyond_ram)
{
	struct vm *vm = small_vm();
	char err[ERRLEN] = "";
	uint8_t d1[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, d2[32];
	memset(d2, 0xee, sizeof d2);
	struct image_segment segs[2] = {
		{ .addr = 0x1000, .size = 8, .data = d1, .load = 0x1000 },
		{ .addr = 64 * 1024 - 16, .size = 32, .data = d2,
		  .load = 64 * 1024 - 16 },
	};
	struct image img = { .entry = 0x1000, .seg = segs, .nseg = 2 };
	vm->entry = 0x40;
	vm->cpu.pc = 0x44;
	ck_assert_int_eq(image_load(&img, vm, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "segment at 0x0000fff0 (32 bytes) does not "
			     "fit in 64 KiB of RAM"), "%s", err);
	uint8_t got[16];
	ck_assert_int_eq(mem_read(&vm->mem, 0x1000, got, 8), 0);
	for (int i = 0; i < 8; i++)
		ck_assert_uint_eq(got[i], 0);
	ck_assert_int_eq(mem_read(&vm->mem, 64 * 1024 - 16, got, 16), 0);
	for (int i = 0; i < 16; i++)
		ck_assert_uint_eq(got[i], 0);
	ck_assert_uint_eq(vm->entry, 0x40);
	ck_assert_uint_eq(vm->cpu.pc, 0x44);

	/* Far beyond, and wrapping sums. */
	segs[1] = (struct image_segment){ .addr = 0xfffffff0, .size = 16,
					  .data = d2, .load = 0xfffffff0 };
	ck_assert_int_eq(image_load(&img, vm, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "does not fit"), "%s", err);
	segs[1] = (struct image_segment){ .addr = 0x10000, .size = 1,
					  .data = d2, .load = 0x10000 };
	ck_assert_int_eq(image_load(&img, vm, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "does not fit"), "%s", err);

	/* An entry point outside RAM. */
	struct image noentry = { .entry = 0x10000, .seg = segs, .nseg = 1 };
	ck_assert_int_eq(image_load(&noentry, vm, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "entry point 0x00010000"), "%s", err);
	vm_destroy(vm);
}
END_TEST

START_TEST(symbol_lookup)
{
	struct image a;
	imt_small_image(&a);	/* msg 0x3000, _start 0x1004, "" 0x1000 */
	ck_assert_ptr_null(image_symbol_at(&a, 0));
	ck_assert_ptr_null(image_symbol_at(&a, 0xfff));
	ck_assert_str_eq(image_symbol_at(&a, 0x1000)->name, "");
	ck_assert_str_eq(image_symbol_at(&a, 0x1003)->name, "");
	ck_assert_str_eq(image_symbol_at(&a, 0x1004)->name, "_start");
	ck_assert_str_eq(image_symbol_at(&a, 0x2fff)->name, "_start");
	ck_assert_str_eq(image_symbol_at(&a, 0x3000)->name, "msg");
	ck_assert_str_eq(image_symbol_at(&a, 0xffffffff)->name, "msg");
	ck_assert_uint_eq(image_symbol_named(&a, "_start")->value, 0x1004);
	ck_assert_uint_eq(image_symbol_named(&a, "msg")->value, 0x3000);
	ck_assert_uint_eq(image_symbol_named(&a, "")->value, 0x1000);
	ck_assert_ptr_null(image_symbol_named(&a, "start"));
	ck_assert_ptr_null(image_symbol_named(&a, "msg2"));
	image_free(&a);

	struct image none;
	memset(&none, 0, sizeof none);
	ck_assert_ptr_null(image_symbol_at(&none, 0x1000));
	ck_assert_ptr_null(image_symbol_named(&none, "x"));
}
END_TEST

/* Version 2: a segment goes to its load address, not its run address; a
 * zero-filled one clears RAM; lines and constants are found. */
START_TEST(load_full)
{
	struct vm *vm = small_vm();
	struct image a;
	char err[ERRLEN] = "";
	imt_full_image(&a);
	uint8_t junk[4096];
	memset(junk, 0xee, sizeof junk);
	mem_write(&vm->mem, 0x10000 - 16, junk, 16);
	mem_write(&vm->mem, 0x10000, junk, sizeof junk);
	mem_write(&vm->mem, 0x11000, junk, 16);
	vm_destroy(vm);
	struct vm_config cfg = { .ram_size = 128 * 1024 };
	vm = vm_create(&cfg, err, sizeof err);
	ck_assert_ptr_nonnull(vm);
	mem_write(&vm->mem, 0x10000 - 16, junk, 16);
	mem_write(&vm->mem, 0x10000, junk, sizeof junk);
	mem_write(&vm->mem, 0x11000, junk, 16);
	ck_assert_msg(image_load(&a, vm, err, sizeof err) == 0, "%s", err);
	uint8_t got[4096];
	ck_assert_int_eq(mem_read(&vm->mem, 0x8000, got, 8), 0);
	ck_assert_int_eq(memcmp(got, "user one", 8), 0);
	ck_assert_int_eq(mem_read(&vm->mem, 0x10000, got, 4096), 0);
	for (int i = 0; i < 4096; i++)
		ck_assert_uint_eq(got[i], 0);
	ck_assert_int_eq(mem_read(&vm->mem, 0x10000 - 16, got, 16), 0);
	ck_assert_uint_eq(got[15], 0xee);	/* only the segment */
	ck_assert_int_eq(mem_read(&vm->mem, 0x11000, got, 16), 0);
	ck_assert_uint_eq(got[0], 0xee);
	vm_destroy(vm);

	ck_assert_ptr_null(image_line_at(&a, 0xfff));
	ck_assert_uint_eq(image_line_at(&a, 0x1000)->line, 1);
	ck_assert_uint_eq(image_line_at(&a, 0x100b)->line, 2);
	ck_assert_str_eq(image_line_at(&a, 0x1004)->text, "\tli r1, 0x12345");
	ck_assert_ptr_null(image_line_at(&a, 0x100c));
	ck_assert_str_eq(image_line_at(&a, 0x8007)->file, "u.s");
	ck_assert_ptr_null(image_line_at(&a, 0x400000));
	ck_assert_int_eq(image_load_addr(&a, 0x400004), 0x8004);
	ck_assert_int_eq(image_load_addr(&a, 0x1008), 0x1008);
	ck_assert_int_eq(image_load_addr(&a, 0x400008), -1);
	ck_assert_uint_eq(image_constant_named(&a, "STACK")->value, 0x7ff0);
	ck_assert_ptr_null(image_constant_named(&a, "msg"));
	ck_assert_ptr_null(image_symbol_named(&a, "STACK"));
	image_free(&a);
}
END_TEST

/* An image whose segments cannot fit in RAM is refused before its body
 * is inflated, and a body much larger than its segments at all. */
START_TEST(decode_limits)
{
	struct image a, b;
	char err[ERRLEN] = "";
	size_t len;
	imt_full_image(&a);
	for (int z = 0; z < 2; z++) {
		uint8_t *buf = image_encode(&a, z, &len);
		ck_assert_int_eq(image_decode_limit(buf, len, 64 * 1024, &b,
						    err, sizeof err), -1);
		ck_assert_msg(strstr(err, "segment 3 (0x00010000, 4096 bytes) "
				     "does not fit in 64 KiB of RAM"), "%s",
			      err);
		imt_assert_empty(&b);
		ck_assert_int_eq(image_decode_limit(buf, len, 0x11000, &b,
						    err, sizeof err), 0);
		image_free(&b);
		free(buf);
	}
	image_free(&a);

	/* A zlib bomb: 80 MiB of zeros in a symbol name, one byte of
	 * segment.  Built by streaming, so the test does not hold it. */
	uint32_t big = 80u << 20;
	z_stream z;
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(deflateInit(&z, 9), Z_OK);
	static uint8_t out[1 << 20];
	uint8_t head[16 + 12 + 4];
	mem_st32(head, 0x1000);
	mem_st32(head + 4, 1);
	mem_st32(head + 8, 0x1000);
	mem_st32(head + 12, 0);
	mem_st32(head + 16, 0x1000);
	mem_st32(head + 20, 0);
	mem_st32(head + 24, 0);
	mem_st32(head + 28, big);
	z.next_out = out + 40;
	z.avail_out = sizeof out - 40;
	z.next_in = head;
	z.avail_in = sizeof head;
	ck_assert_int_eq(deflate(&z, Z_NO_FLUSH), Z_OK);
	static uint8_t zeros[1 << 16];
	uLong crc = crc32(0, head, sizeof head);
	for (uint32_t done = 0; done < big; done += sizeof zeros) {
		z.next_in = zeros;
		z.avail_in = sizeof zeros;
		ck_assert_int_eq(deflate(&z, Z_NO_FLUSH), Z_OK);
		crc = crc32(crc, zeros, sizeof zeros);
	}
	uint8_t tail[5] = { 0, 0, 0, 0, 0x42 };	/* no lines, data */
	z.next_in = tail;
	z.avail_in = sizeof tail;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	crc = crc32(crc, tail, sizeof tail);
	uint32_t stored = (uint32_t)(sizeof out - 40 - z.avail_out);
	deflateEnd(&z);
	memcpy(out, "AULAIMG", 8);
	mem_st16(out + 8, 2);
	mem_st16(out + 10, IMAGE_FLAG_ZLIB);
	mem_st32(out + 12, 0x1000);
	mem_st32(out + 16, 1);
	mem_st32(out + 20, 1);
	mem_st32(out + 24, (uint32_t)(sizeof head + big + sizeof tail));
	mem_st32(out + 28, stored);
	mem_st32(out + 32, (uint32_t)crc);
	mem_st32(out + 36, (uint32_t)crc32(0, out, 36));
	ck_assert_uint_lt(stored, 1u << 20);
	ck_assert_int_eq(image_decode_limit(out, 40 + stored, 16u << 20, &b,
					    err, sizeof err), -1);
	ck_assert_msg(strstr(err, "too large for its 1 bytes of segments"),
		      "%s", err);
	imt_assert_empty(&b);
}
END_TEST

/* From source to machine: the assembler's image round-trips and boots. */
START_TEST(assembled_image)
{
	struct image a, b;
	char errs[2048] = "", err[ERRLEN];
	ck_assert_msg(th_assemble(".org 0x2000\n_start: li r1, 7\nloop: "
				  "br loop\n.org 0x3000\ntable: .word 1, 2\n",
				  errs, sizeof errs, &a) == 0, "%s", errs);
	size_t len;
	uint8_t *buf = image_encode(&a, 1, &len);
	ck_assert_int_eq(image_decode(buf, len, &b, err, sizeof err), 0);
	imt_assert_same(&a, &b);
	ck_assert_uint_eq(b.nseg, 2);
	ck_assert_uint_eq(image_symbol_named(&b, "table")->value, 0x3000);
	ck_assert_str_eq(image_symbol_at(&b, 0x2007)->name, "loop");
	struct vm *vm = small_vm();
	ck_assert_int_eq(image_load(&b, vm, err, sizeof err), 0);
	ck_assert_uint_eq(vm->cpu.pc, 0x2000);
	ck_assert_int_eq(vm_run(vm, 10), VM_STOP_BUDGET);
	ck_assert_uint_eq(vm->cpu.r[1], 7);
	vm_destroy(vm);
	free(buf);
	image_free(&a);
	image_free(&b);
}
END_TEST

static Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc;
	tc = tcase_create("roundtrip");
	tcase_add_test(tc, roundtrip);
	tcase_add_test(tc, roundtrip_compressed_big);
	tcase_add_test(tc, layout_matches_the_document);
	tcase_add_test(tc, limits_accepted);
	tcase_add_test(tc, assembled_image);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_unchecked_fixture(tc, files_setup, files_teardown);
	tcase_add_test(tc, write_and_read);
	tcase_add_test(tc, file_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("load");
	tcase_add_test(tc, load_good);
	tcase_add_test(tc, load_beyond_ram);
	tcase_add_test(tc, symbol_lookup);
	tcase_add_test(tc, load_full);
	suite_add_tcase(s, tc);
	/* The zlib bomb streams 300 MiB through deflate and inflate: seconds
	 * under the sanitizers on a busy machine, beyond Check's default 4 s
	 * timeout, which is a bound on hangs here, not a speed test. */
	tc = tcase_create("bomb");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, decode_limits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(image_suite());
}
