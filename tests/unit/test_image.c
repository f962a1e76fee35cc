/*
 * Unit tests: the image format (docs/image-format.md) and its loader.
 *
 * Good images must survive encode/decode and write/read unchanged.  Bad
 * ones are built by hand, with correct CRCs wherever the check under test
 * comes after the CRC checks, so each reaches the validation it is aimed
 * at; each must fail with its own message and leave no image behind.  The
 * suite also runs under AddressSanitizer, so "never crashes" is checked.
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

#define ERRLEN 512

/* ---- good images ---------------------------------------------------- */

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* A small image: two segments, three symbols (unsorted, one duplicate
 * value). */
static void small_image(struct image *img)
{
	memset(img, 0, sizeof *img);
	img->entry = 0x1004;
	img->nseg = 2;
	img->seg = calloc(2, sizeof *img->seg);
	img->seg[0] = (struct image_segment){ 0x1000, 12, malloc(12) };
	img->seg[1] = (struct image_segment){ 0x3000, 5, malloc(5) };
	for (int i = 0; i < 12; i++)
		img->seg[0].data[i] = (uint8_t)(0x10 + i);
	memcpy(img->seg[1].data, "hello", 5);
	img->nsym = 3;
	img->sym = calloc(3, sizeof *img->sym);
	img->sym[0] = (struct image_symbol){ 0x3000, xstrdup("msg") };
	img->sym[1] = (struct image_symbol){ 0x1004, xstrdup("_start") };
	img->sym[2] = (struct image_symbol){ 0x1000, xstrdup("") };
}

/* A larger image that compresses well. */
static void big_image(struct image *img, uint32_t nseg, uint32_t segsize)
{
	memset(img, 0, sizeof *img);
	img->entry = 0x100000;
	img->nseg = nseg;
	img->seg = calloc(nseg, sizeof *img->seg);
	for (uint32_t i = 0; i < nseg; i++) {
		struct image_segment *s = &img->seg[i];
		s->addr = 0x100000 + i * (segsize + 16);
		s->size = segsize;
		s->data = malloc(segsize);
		for (uint32_t k = 0; k < segsize; k++)
			s->data[k] = (uint8_t)(k / 64 + i);
	}
	img->nsym = nseg;
	img->sym = calloc(nseg, sizeof *img->sym);
	for (uint32_t i = 0; i < nseg; i++) {
		char name[32];
		snprintf(name, sizeof name, "seg%u", i);
		img->sym[i] = (struct image_symbol){ img->seg[i].addr,
						     xstrdup(name) };
	}
}

static void assert_same(const struct image *a, const struct image *b)
{
	ck_assert_uint_eq(a->entry, b->entry);
	ck_assert_uint_eq(a->nseg, b->nseg);
	for (uint32_t i = 0; i < a->nseg; i++) {
		ck_assert_uint_eq(a->seg[i].addr, b->seg[i].addr);
		ck_assert_uint_eq(a->seg[i].size, b->seg[i].size);
		ck_assert_int_eq(memcmp(a->seg[i].data, b->seg[i].data,
					a->seg[i].size), 0);
	}
	ck_assert_uint_eq(a->nsym, b->nsym);
	for (uint32_t i = 0; i < a->nsym; i++) {
		ck_assert_uint_eq(a->sym[i].value, b->sym[i].value);
		ck_assert_str_eq(a->sym[i].name, b->sym[i].name);
	}
}

static bool same(const struct image *a, const struct image *b)
{
	if (a->entry != b->entry || a->nseg != b->nseg || a->nsym != b->nsym)
		return false;
	for (uint32_t i = 0; i < a->nseg; i++)
		if (a->seg[i].addr != b->seg[i].addr ||
		    a->seg[i].size != b->seg[i].size ||
		    memcmp(a->seg[i].data, b->seg[i].data, a->seg[i].size))
			return false;
	for (uint32_t i = 0; i < a->nsym; i++)
		if (a->sym[i].value != b->sym[i].value ||
		    strcmp(a->sym[i].name, b->sym[i].name))
			return false;
	return true;
}

static void assert_empty(const struct image *img)
{
	ck_assert_uint_eq(img->nseg, 0);
	ck_assert_uint_eq(img->nsym, 0);
	ck_assert_ptr_null(img->seg);
	ck_assert_ptr_null(img->sym);
}

/* decode must fail with a message containing want (if not NULL). */
static void decode_fails(const uint8_t *buf, size_t len, const char *want)
{
	char err[ERRLEN] = "";
	struct image img;
	memset(&img, 0xa5, sizeof img);
	int rc = image_decode(buf, len, &img, err, sizeof err);
	ck_assert_msg(rc == -1, "decoded %zu bytes; wanted '%s'", len,
		      want ? want : "a failure");
	ck_assert_msg(err[0] != 0, "no message (%zu bytes)", len);
	if (want)
		ck_assert_msg(strstr(err, want) != NULL,
			      "message '%s', wanted '%s'", err, want);
	assert_empty(&img);
}

START_TEST(roundtrip)
{
	struct image a, b;
	char err[ERRLEN];
	small_image(&a);
	for (int z = 0; z < 2; z++) {
		size_t len;
		uint8_t *buf = image_encode(&a, z, &len);
		ck_assert_ptr_nonnull(buf);
		ck_assert_int_eq(image_decode(buf, len, &b, err, sizeof err),
				 0);
		assert_same(&a, &b);
		image_free(&b);
		assert_empty(&b);
		free(buf);
	}
	image_free(&a);

	/* An image of nothing: legal, if useless. */
	memset(&a, 0, sizeof a);
	size_t len;
	uint8_t *buf = image_encode(&a, 0, &len);
	ck_assert_uint_eq(len, IMAGE_HEADER_SIZE + 4);
	ck_assert_int_eq(image_decode(buf, len, &b, err, sizeof err), 0);
	assert_same(&a, &b);
	image_free(&b);
	free(buf);
}
END_TEST

START_TEST(roundtrip_compressed_big)
{
	struct image a, b;
	char err[ERRLEN];
	size_t plain, packed;
	big_image(&a, 40, 4096);
	uint8_t *p = image_encode(&a, 0, &plain);
	uint8_t *z = image_encode(&a, 1, &packed);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(z);
	ck_assert_uint_lt(packed * 10, plain);	/* it did compress */
	ck_assert_uint_eq(mem_ld32(p + 24), mem_ld32(z + 24));
	ck_assert_int_eq(image_decode(z, packed, &b, err, sizeof err), 0);
	assert_same(&a, &b);
	image_free(&b);
	ck_assert_int_eq(image_decode(p, plain, &b, err, sizeof err), 0);
	assert_same(&a, &b);
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
	small_image(&a);
	uint8_t *buf = image_encode(&a, 0, &len);
	static const uint8_t magic[8] = { 0x41, 0x55, 0x4c, 0x41, 0x49, 0x4d,
					  0x47, 0x00 };
	uint32_t strings = 4 + 7 + 1;	/* "msg", "_start", "" */
	uint32_t body = 8 * 2 + 8 * 3 + 4 + strings + 12 + 5;
	ck_assert_int_eq(memcmp(buf, magic, 8), 0);
	ck_assert_uint_eq(mem_ld16(buf + 8), 1);
	ck_assert_uint_eq(mem_ld16(buf + 10), 0);
	ck_assert_uint_eq(mem_ld32(buf + 12), 0x1004);
	ck_assert_uint_eq(mem_ld32(buf + 16), 2);
	ck_assert_uint_eq(mem_ld32(buf + 20), 3);
	ck_assert_uint_eq(mem_ld32(buf + 24), body);
	ck_assert_uint_eq(mem_ld32(buf + 28), body);
	ck_assert_uint_eq(len, 40 + body);
	ck_assert_uint_eq(mem_ld32(buf + 32), crc32(0, buf + 40, body));
	ck_assert_uint_eq(mem_ld32(buf + 36), crc32(0, buf, 36));
	const uint8_t *b = buf + 40;
	ck_assert_uint_eq(mem_ld32(b + 0), 0x1000);
	ck_assert_uint_eq(mem_ld32(b + 4), 12);
	ck_assert_uint_eq(mem_ld32(b + 8), 0x3000);
	ck_assert_uint_eq(mem_ld32(b + 12), 5);
	const uint8_t *sym = b + 16, *str = sym + 24 + 4;
	ck_assert_uint_eq(mem_ld32(sym + 24), strings);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(mem_ld32(sym + 8 * i), a.sym[i].value);
		ck_assert_str_eq((const char *)str + mem_ld32(sym + 8 * i + 4),
				 a.sym[i].name);
	}
	ck_assert_int_eq(memcmp(str + strings, a.seg[0].data, 12), 0);
	ck_assert_int_eq(memcmp(str + strings + 12, "hello", 5), 0);
	free(buf);

	/* Compressed: flag bit 0, the body is a zlib stream of the same
	 * bytes, and body_crc is still that of the uncompressed body. */
	uint8_t *plain = image_encode(&a, 0, &len);
	size_t zlen;
	buf = image_encode(&a, 1, &zlen);
	ck_assert_uint_eq(mem_ld16(buf + 10), 1);
	ck_assert_uint_eq(mem_ld32(buf + 28), zlen - 40);
	ck_assert_uint_eq(mem_ld32(buf + 32), mem_ld32(plain + 32));
	uint8_t out[256];
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
	big_image(&a, IMAGE_MAX_SEGMENTS, 1);
	uint8_t *buf = image_encode(&a, 1, &len);
	ck_assert_int_eq(image_decode(buf, len, &b, err, sizeof err), 0);
	assert_same(&a, &b);
	image_free(&b);
	free(buf);
	image_free(&a);

	/* A segment that ends exactly at 2^32 does not wrap. */
	memset(&a, 0, sizeof a);
	uint8_t data[4] = { 1, 2, 3, 4 };
	struct image_segment seg = { 0xfffffffc, 4, data };
	a.seg = &seg;
	a.nseg = 1;
	buf = image_encode(&a, 0, &len);
	ck_assert_int_eq(image_decode(buf, len, &b, err, sizeof err), 0);
	assert_same(&a, &b);
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
	small_image(&a);
	path_of(path, sizeof path, "small.img");
	for (int z = 0; z < 2; z++) {
		ck_assert_msg(image_write(&a, path, z, err, sizeof err) == 0,
			      "%s", err);
		ck_assert_int_eq(image_sniff(path), 1);
		ck_assert_msg(image_read(path, &b, err, sizeof err) == 0, "%s",
			      err);
		assert_same(&a, &b);
		image_free(&b);
	}
	/* No temporary file is left behind. */
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "rb");
	ck_assert_ptr_null(f);
	image_free(&a);

	/* A big one, past the reader's first buffer. */
	big_image(&a, 40, 4096);
	path_of(path, sizeof path, "big.img");
	ck_assert_int_eq(image_write(&a, path, 0, err, sizeof err), 0);
	ck_assert_msg(image_read(path, &b, err, sizeof err) == 0, "%s", err);
	assert_same(&a, &b);
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
	assert_empty(&b);
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
	small_image(&a);
	size_t len;
	uint8_t *buf = image_encode(&a, 0, &len);
	path_of(path, sizeof path, "cut.img");
	put_bytes(path, buf, len - 1);
	ck_assert_int_eq(image_sniff(path), 1);
	ck_assert_int_eq(image_read(path, &b, err, sizeof err), -1);
	ck_assert_msg(strncmp(err, path, strlen(path)) == 0 &&
		      strstr(err, "truncated"), "%s", err);
	assert_empty(&b);
	free(buf);

	/* A directory is not an image. */
	ck_assert_int_eq(image_read(tmpdir, &b, err, sizeof err), -1);
	ck_assert_msg(strstr(err, tmpdir) != NULL, "%s", err);
	assert_empty(&b);

	/* Writing where no directory exists fails with the name. */
	path_of(path, sizeof path, "no/such/dir/x.img");
	ck_assert_int_eq(image_write(&a, path, 0, err, sizeof err), -1);
	ck_assert_msg(strstr(err, path) != NULL, "%s", err);
	image_free(&a);
}
END_TEST

/* ---- corrupt images, found by their CRCs -------------------------------- */

/* Every truncation fails cleanly, with a message. */
START_TEST(truncated_everywhere)
{
	struct image a;
	small_image(&a);
	for (int z = 0; z < 2; z++) {
		size_t len;
		uint8_t *buf = image_encode(&a, z, &len);
		for (size_t n = 0; n < len; n++) {
			/* A copy of exactly n bytes, so ASan sees any read
			 * past the end. */
			uint8_t *cut = malloc(n ? n : 1);
			memcpy(cut, buf, n);
			decode_fails(cut, n, n < 40 ? "truncated" : NULL);
			free(cut);
		}
		free(buf);
	}
	image_free(&a);
}
END_TEST

/* Every single-bit change, and every byte inverted, either fails or (it
 * cannot, with two CRCs, but if it did) decodes to the same image. */
START_TEST(every_byte_flipped)
{
	struct image a, b;
	char err[ERRLEN];
	small_image(&a);
	for (int z = 0; z < 2; z++) {
		size_t len;
		uint8_t *buf = image_encode(&a, z, &len);
		int decoded = 0;
		for (size_t i = 0; i < len; i++) {
			static const uint8_t masks[] = { 1, 2, 4, 8, 16, 32,
							 64, 128, 0xff };
			for (size_t m = 0; m < sizeof masks; m++) {
				buf[i] ^= masks[m];
				err[0] = 0;
				if (image_decode(buf, len, &b, err,
						 sizeof err) == 0) {
					ck_assert_msg(same(&a, &b),
						      "byte %zu ^ 0x%02x "
						      "decoded differently",
						      i, masks[m]);
					image_free(&b);
					decoded++;
				} else {
					ck_assert_msg(err[0], "no message");
					assert_empty(&b);
				}
				buf[i] ^= masks[m];
			}
		}
		/* Uncompressed, the two CRCs cover every byte.  Compressed,
		 * inflate ignores a few bits (the padding after the last
		 * block), so an identical image may come out. */
		if (!z)
			ck_assert_int_eq(decoded, 0);
		free(buf);
	}
	image_free(&a);
}
END_TEST

/* ---- malformed images, built by hand ----------------------------------- */

struct hdr {
	uint16_t version, flags;
	uint32_t entry, nseg, nsym, body_size, stored_size;
};

struct body {
	uint8_t b[4096];
	uint32_t len;
};

static void put32(struct body *b, uint32_t v)
{
	mem_st32(b->b + b->len, v);
	b->len += 4;
}

static void put_raw(struct body *b, const void *p, uint32_t n)
{
	memcpy(b->b + b->len, p, n);
	b->len += n;
}

static void fix_header_crc(uint8_t *buf)
{
	mem_st32(buf + 36, (uint32_t)crc32(0, buf, 36));
}

/* A whole image file around a body: header fields from h (stored_size
 * and body_size 0 mean "the real ones"), CRCs right. */
static uint8_t *wrap(const struct body *body, struct hdr h, int compress,
		     size_t *len)
{
	uLongf stored = body->len;
	uint8_t *buf = malloc(40 + compressBound(body->len) + 64);
	if (compress) {
		stored = compressBound(body->len);
		ck_assert_int_eq(compress2(buf + 40, &stored, body->b,
					   body->len, 9), Z_OK);
	} else {
		memcpy(buf + 40, body->b, body->len);
	}
	memcpy(buf, "AULAIMG", 8);
	mem_st16(buf + 8, h.version ? h.version : IMAGE_VERSION);
	mem_st16(buf + 10, h.flags | (compress ? IMAGE_FLAG_ZLIB : 0));
	mem_st32(buf + 12, h.entry);
	mem_st32(buf + 16, h.nseg);
	mem_st32(buf + 20, h.nsym);
	mem_st32(buf + 24, h.body_size ? h.body_size : body->len);
	mem_st32(buf + 28, h.stored_size ? h.stored_size : (uint32_t)stored);
	mem_st32(buf + 32, (uint32_t)crc32(0, body->b, body->len));
	fix_header_crc(buf);
	*len = 40 + stored;
	return buf;
}

/* A body: segments (data filled with a pattern), symbols, strings. */
static void body_of(struct body *b, const uint32_t (*seg)[2], uint32_t nseg,
		    const uint32_t (*sym)[2], uint32_t nsym,
		    const char *strings, uint32_t strings_size)
{
	b->len = 0;
	uint32_t data = 0;
	for (uint32_t i = 0; i < nseg; i++) {
		put32(b, seg[i][0]);
		put32(b, seg[i][1]);
		data += seg[i][1];
	}
	for (uint32_t i = 0; i < nsym; i++) {
		put32(b, sym[i][0]);
		put32(b, sym[i][1]);
	}
	put32(b, strings_size);
	put_raw(b, strings, strings_size);
	ck_assert_uint_le(b->len + data, sizeof b->b);
	for (uint32_t i = 0; i < data; i++)
		b->b[b->len++] = (uint8_t)(i * 7);
}

/* A good body and header to start from: two segments, two symbols. */
static const uint32_t good_seg[2][2] = { { 0x1000, 8 }, { 0x2000, 4 } };
static const uint32_t good_sym[2][2] = { { 0x1000, 0 }, { 0x2000, 5 } };
static const struct hdr good_hdr = { .entry = 0x1000, .nseg = 2, .nsym = 2 };

static void good_body(struct body *b)
{
	body_of(b, good_seg, 2, good_sym, 2, "main\0data", 10);
}

/* The hand-built good image decodes, both ways: the builder is right. */
START_TEST(handmade_good)
{
	struct body b;
	struct image img;
	char err[ERRLEN] = "";
	good_body(&b);
	for (int z = 0; z < 2; z++) {
		size_t len;
		uint8_t *buf = wrap(&b, good_hdr, z, &len);
		ck_assert_msg(image_decode(buf, len, &img, err,
					   sizeof err) == 0, "%s", err);
		ck_assert_uint_eq(img.entry, 0x1000);
		ck_assert_uint_eq(img.nseg, 2);
		ck_assert_uint_eq(img.seg[1].addr, 0x2000);
		ck_assert_uint_eq(img.seg[1].size, 4);
		ck_assert_uint_eq(img.seg[1].data[0], 56);
		ck_assert_uint_eq(img.nsym, 2);
		ck_assert_str_eq(img.sym[0].name, "main");
		ck_assert_str_eq(img.sym[1].name, "data");
		image_free(&img);
		free(buf);
	}
}
END_TEST

START_TEST(bad_header)
{
	struct body b;
	struct hdr h;
	size_t len;
	uint8_t *buf;
	good_body(&b);

	buf = wrap(&b, good_hdr, 0, &len);
	buf[0] = 'B';
	fix_header_crc(buf);
	decode_fails(buf, len, "bad magic");
	buf[0] = 'A';
	buf[7] = '!';
	fix_header_crc(buf);
	decode_fails(buf, len, "bad magic");
	free(buf);

	buf = wrap(&b, good_hdr, 0, &len);
	buf[12] ^= 4;		/* entry, CRC left as it was */
	decode_fails(buf, len, "corrupt header (checksum mismatch)");
	buf[12] ^= 4;
	buf[37] ^= 1;		/* the CRC itself */
	decode_fails(buf, len, "corrupt header (checksum mismatch)");
	free(buf);

	h = good_hdr;
	h.version = 2;
	buf = wrap(&b, h, 0, &len);
	decode_fails(buf, len, "image version 2; this aula reads version 1");
	mem_st16(buf + 8, 0);
	fix_header_crc(buf);
	decode_fails(buf, len, "image version 0");
	free(buf);

	h = good_hdr;
	h.flags = 2;
	buf = wrap(&b, h, 0, &len);
	decode_fails(buf, len, "unknown flags 0x0002");
	free(buf);
	h.flags = 0x8000;
	buf = wrap(&b, h, 1, &len);
	decode_fails(buf, len, "unknown flags 0x8001");
	free(buf);

	h = good_hdr;
	h.entry = 0x1002;
	buf = wrap(&b, h, 0, &len);
	decode_fails(buf, len, "entry point 0x00001002 is not a multiple of 4");
	free(buf);
	h.entry = 0x1001;
	buf = wrap(&b, h, 1, &len);
	decode_fails(buf, len, "not a multiple of 4");
	free(buf);
}
END_TEST

START_TEST(bad_counts)
{
	struct body b;
	struct hdr h;
	size_t len;
	uint8_t *buf;
	good_body(&b);

	h = good_hdr;
	h.nseg = IMAGE_MAX_SEGMENTS + 1;
	buf = wrap(&b, h, 0, &len);
	decode_fails(buf, len, "too many segments (4097)");
	free(buf);
	h.nseg = 0xffffffff;
	buf = wrap(&b, h, 0, &len);
	decode_fails(buf, len, "too many segments (4294967295)");
	free(buf);

	h = good_hdr;
	h.nsym = IMAGE_MAX_SYMBOLS + 1;
	buf = wrap(&b, h, 0, &len);
	decode_fails(buf, len, "symbols (1048577)");
	free(buf);

	/* At the limits, the counts pass and the tables do not fit. */
	h = good_hdr;
	h.nseg = IMAGE_MAX_SEGMENTS;
	h.nsym = IMAGE_MAX_SYMBOLS;
	buf = wrap(&b, h, 0, &len);
	decode_fails(buf, len, "tables run past the end of the body");
	free(buf);

	/* One segment more than the table holds. */
	h = good_hdr;
	h.nseg = 3;
	buf = wrap(&b, h, 0, &len);
	decode_fails(buf, len, NULL);
	free(buf);
}
END_TEST

START_TEST(bad_sizes)
{
	struct body b;
	struct hdr h;
	size_t len;
	uint8_t *buf, *big;
	good_body(&b);

	/* The file is shorter than the header says. */
	buf = wrap(&b, good_hdr, 0, &len);
	decode_fails(buf, len - 1, "truncated: the header announces");
	decode_fails(buf, 40, "truncated: the header announces");
	decode_fails(buf, 39, "truncated: 39 bytes, shorter than the 40-byte "
		     "header");

	/* Longer. */
	big = malloc(len + 3);
	memcpy(big, buf, len);
	memset(big + len, 0, 3);
	decode_fails(big, len + 1, "1 unexpected bytes after the body");
	decode_fails(big, len + 3, "3 unexpected bytes after the body");
	free(big);
	free(buf);

	/* Uncompressed, the stored size must be the body size. */
	h = good_hdr;
	h.body_size = b.len - 1;
	buf = wrap(&b, h, 0, &len);
	decode_fails(buf, len, "differs from body size");
	free(buf);
	h.body_size = b.len + 1;
	buf = wrap(&b, h, 0, &len);
	decode_fails(buf, len, "differs from body size");
	free(buf);

	/* Compressed: a body_size the stream does not match. */
	h.body_size = b.len + 1;
	buf = wrap(&b, h, 1, &len);
	decode_fails(buf, len, "corrupt compressed body");
	free(buf);
	h.body_size = b.len - 1;
	buf = wrap(&b, h, 1, &len);
	decode_fails(buf, len, "corrupt compressed body");
	free(buf);

	/* An absurd body_size is refused before anything is allocated. */
	h.body_size = 0xffffffff;
	buf = wrap(&b, h, 1, &len);
	decode_fails(buf, len, "body of 4294967295 bytes is too large");
	free(buf);
}
END_TEST

START_TEST(bad_body)
{
	struct body b;
	size_t len;
	uint8_t *buf;
	good_body(&b);

	/* A body byte changed, header and its CRC intact. */
	buf = wrap(&b, good_hdr, 0, &len);
	buf[len - 1] ^= 0x40;
	decode_fails(buf, len, "corrupt body (checksum mismatch)");
	free(buf);

	/* A stream that is not zlib at all. */
	buf = wrap(&b, good_hdr, 1, &len);
	memset(buf + 40, 0x5a, len - 40);
	decode_fails(buf, len, "corrupt compressed body");
	free(buf);

	/* A zlib stream cut short (stored_size says so, so the file itself
	 * is consistent). */
	buf = wrap(&b, good_hdr, 1, &len);
	mem_st32(buf + 28, (uint32_t)(len - 40 - 4));
	fix_header_crc(buf);
	decode_fails(buf, len - 4, "corrupt compressed body");
	free(buf);

	/* A good zlib stream of a body the CRC does not match. */
	buf = wrap(&b, good_hdr, 1, &len);
	mem_st32(buf + 32, mem_ld32(buf + 32) ^ 1);
	fix_header_crc(buf);
	decode_fails(buf, len, "corrupt body (checksum mismatch)");
	free(buf);
}
END_TEST

/* Decode a body that passes every CRC; it must fail with want. */
static void body_fails(const struct body *b, uint32_t nseg, uint32_t nsym,
		       const char *want)
{
	struct hdr h = { .entry = 0x1000, .nseg = nseg, .nsym = nsym };
	for (int z = 0; z < 2; z++) {
		size_t len;
		uint8_t *buf = wrap(b, h, z, &len);
		decode_fails(buf, len, want);
		free(buf);
	}
}

START_TEST(bad_tables)
{
	struct body b;

	/* Tables longer than the body. */
	b.len = 0;
	put32(&b, 0x1000);
	put32(&b, 4);
	body_fails(&b, 1, 0, "tables run past the end of the body");
	b.len = 0;
	body_fails(&b, 0, 0, "tables run past the end of the body");

	/* A string table longer than what is left. */
	static const uint32_t seg1[1][2] = { { 0x1000, 4 } };
	body_of(&b, seg1, 1, NULL, 0, "ab", 3);
	mem_st32(b.b + 8, 3 + 4 + 1);
	body_fails(&b, 1, 0, "string table runs past the body");
	mem_st32(b.b + 8, 0xffffffff);
	body_fails(&b, 1, 0, "string table runs past the body");

	/* More data than the segments describe, and less. */
	body_of(&b, seg1, 1, NULL, 0, "", 0);
	b.b[b.len++] = 0;
	body_fails(&b, 1, 0, "body is 17 bytes but its tables describe 16");
	b.len -= 2;
	body_fails(&b, 1, 0, "body is 15 bytes but its tables describe 16");
}
END_TEST

START_TEST(bad_segments)
{
	struct body b;
	static const uint32_t empty[2][2] = { { 0x1000, 4 }, { 0x2000, 0 } };
	body_of(&b, empty, 2, NULL, 0, "", 0);
	body_fails(&b, 2, 0, "segment 1 is empty");

	static const uint32_t wrap1[1][2] = { { 0xfffffffc, 8 } };
	body_of(&b, wrap1, 1, NULL, 0, "", 0);
	body_fails(&b, 1, 0, "segment 0 (0xfffffffc, 8 bytes) wraps around "
		   "the address space");
	static const uint32_t wrap2[2][2] = { { 0, 4 }, { 0xfffffff0, 0x20 } };
	body_of(&b, wrap2, 2, NULL, 0, "", 0);
	body_fails(&b, 2, 0, "segment 1 (0xfffffff0, 32 bytes) wraps");

	/* A size that would make the data run past the body, checked
	 * before anything is copied. */
	static const uint32_t huge[1][2] = { { 0, 0xfffffff0 } };
	b.len = 0;
	put32(&b, huge[0][0]);
	put32(&b, huge[0][1]);
	put32(&b, 0);
	body_fails(&b, 1, 0, "body is 12 bytes but its tables describe");

	static const uint32_t overlap[2][2] = { { 0x1000, 8 }, { 0x1004, 8 } };
	body_of(&b, overlap, 2, NULL, 0, "", 0);
	body_fails(&b, 2, 0, "segments 0 (0x00001000) and 1 (0x00001004) "
		   "overlap");
	static const uint32_t inside[3][2] = {
		{ 0x3000, 4 }, { 0x1000, 0x100 }, { 0x1080, 1 } };
	body_of(&b, inside, 3, NULL, 0, "", 0);
	body_fails(&b, 3, 0, "segments 1 (0x00001000) and 2 (0x00001080) "
		   "overlap");
	static const uint32_t twice[2][2] = { { 0x1000, 1 }, { 0x1000, 1 } };
	body_of(&b, twice, 2, NULL, 0, "", 0);
	body_fails(&b, 2, 0, "overlap");
	static const uint32_t before[2][2] = { { 0x1004, 4 }, { 0x1000, 5 } };
	body_of(&b, before, 2, NULL, 0, "", 0);
	body_fails(&b, 2, 0, "overlap");

	/* Touching is not overlapping, in either order. */
	static const uint32_t touch[2][2] = { { 0x1004, 4 }, { 0x1000, 4 } };
	body_of(&b, touch, 2, NULL, 0, "", 0);
	struct hdr h = { .entry = 0x1000, .nseg = 2 };
	size_t len;
	uint8_t *buf = wrap(&b, h, 0, &len);
	struct image img;
	char err[ERRLEN] = "";
	ck_assert_msg(image_decode(buf, len, &img, err, sizeof err) == 0, "%s",
		      err);
	image_free(&img);
	free(buf);
}
END_TEST

START_TEST(bad_symbols)
{
	struct body b;
	static const uint32_t seg1[1][2] = { { 0x1000, 4 } };

	static const uint32_t past[2][2] = { { 0x1000, 0 }, { 0x1000, 4 } };
	body_of(&b, seg1, 1, past, 2, "abc", 4);
	body_fails(&b, 1, 2, "symbol 1 has a bad name offset");
	static const uint32_t far[1][2] = { { 0x1000, 0xfffffff0 } };
	body_of(&b, far, 0, far, 1, "abc", 4);
	body_fails(&b, 0, 1, "symbol 0 has a bad name offset");

	/* The last name lacks its NUL. */
	static const uint32_t unterminated[2][2] = {
		{ 0x1000, 0 }, { 0x1000, 4 } };
	body_of(&b, seg1, 1, unterminated, 2, "abc\0def", 7);
	body_fails(&b, 1, 2, "symbol 1 has a bad name offset");
	body_of(&b, seg1, 1, unterminated, 1, "abc", 3);
	body_fails(&b, 1, 1, "symbol 0 has a bad name offset");
	/* No strings at all. */
	body_of(&b, seg1, 1, unterminated, 1, "", 0);
	body_fails(&b, 1, 1, "symbol 0 has a bad name offset");

	/* The NUL itself is a good (empty) name; names may be shared. */
	static const uint32_t ok[3][2] = {
		{ 1, 3 }, { 2, 0 }, { 3, 1 } };
	body_of(&b, seg1, 1, ok, 3, "abc", 4);
	struct hdr h = { .entry = 0x1000, .nseg = 1, .nsym = 3 };
	size_t len;
	uint8_t *buf = wrap(&b, h, 0, &len);
	struct image img;
	char err[ERRLEN] = "";
	ck_assert_msg(image_decode(buf, len, &img, err, sizeof err) == 0, "%s",
		      err);
	ck_assert_str_eq(img.sym[0].name, "");
	ck_assert_str_eq(img.sym[1].name, "abc");
	ck_assert_str_eq(img.sym[2].name, "bc");
	image_free(&img);
	free(buf);
}
END_TEST

/* What a decoded image promises: an aligned entry, non-empty segments
 * that neither wrap nor overlap, names inside the body. */
static void assert_sane(const struct image *img, uint32_t body_len)
{
	ck_assert_uint_eq(img->entry % 4, 0);
	for (uint32_t i = 0; i < img->nseg; i++) {
		const struct image_segment *s = &img->seg[i];
		uint64_t s_end = (uint64_t)s->addr + s->size;
		ck_assert_uint_ne(s->size, 0);
		ck_assert_uint_le(s_end, 0x100000000ull);
		for (uint32_t j = 0; j < i; j++) {
			const struct image_segment *t = &img->seg[j];
			uint64_t t_end = (uint64_t)t->addr + t->size;
			ck_assert(s->addr >= t_end || t->addr >= s_end);
		}
	}
	for (uint32_t i = 0; i < img->nsym; i++)
		ck_assert_uint_lt(strlen(img->sym[i].name), body_len);
}

/* Random damage with the CRCs put right, so it reaches the body checks:
 * a clean failure, or an image that keeps the format's promises. */
START_TEST(mutations_with_good_crcs)
{
	struct body b;
	good_body(&b);
	uint32_t seed = 0x9e3779b9;
	int decoded = 0, refused = 0;
	for (int iter = 0; iter < 20000; iter++) {
		struct body m = b;
		int n = 1 + iter % 4;
		for (int k = 0; k < n; k++) {
			seed = seed * 1103515245 + 12345;
			uint32_t at = (seed >> 8) % m.len;
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) & 1)
				m.b[at] = (uint8_t)(seed >> 8);
			else
				m.b[at] ^= (uint8_t)(1u << (seed >> 20 & 7));
		}
		struct hdr h = good_hdr;
		seed = seed * 1103515245 + 12345;
		if ((seed >> 16) % 4 == 0) {
			h.nseg = (seed >> 20) % 4;
			h.nsym = (seed >> 24) % 4;
		}
		size_t len;
		uint8_t *buf = wrap(&m, h, iter % 8 == 0, &len);
		struct image img;
		char err[ERRLEN] = "";
		if (image_decode(buf, len, &img, err, sizeof err) == 0) {
			assert_sane(&img, m.len);
			image_free(&img);
			decoded++;
		} else {
			ck_assert(err[0]);
			assert_empty(&img);
			refused++;
		}
		free(buf);
	}
	/* Both paths were taken, many times. */
	ck_assert_int_gt(decoded, 1000);
	ck_assert_int_gt(refused, 1000);
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
	small_image(&a);
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
	struct image_segment seg = { 64 * 1024 - 16, 16, data };
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
		{ 0x1000, 8, d1 }, { 64 * 1024 - 16, 32, d2 },
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
	segs[1] = (struct image_segment){ 0xfffffff0, 16, d2 };
	ck_assert_int_eq(image_load(&img, vm, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "does not fit"), "%s", err);
	segs[1] = (struct image_segment){ 0x10000, 1, d2 };
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
	small_image(&a);	/* msg 0x3000, _start 0x1004, "" 0x1000 */
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
	assert_same(&a, &b);
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
	TCase *tc = tcase_create("roundtrip");
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

	tc = tcase_create("corrupt");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, truncated_everywhere);
	tcase_add_test(tc, every_byte_flipped);
	tcase_add_test(tc, mutations_with_good_crcs);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, handmade_good);
	tcase_add_test(tc, bad_header);
	tcase_add_test(tc, bad_counts);
	tcase_add_test(tc, bad_sizes);
	tcase_add_test(tc, bad_body);
	tcase_add_test(tc, bad_tables);
	tcase_add_test(tc, bad_segments);
	tcase_add_test(tc, bad_symbols);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_test(tc, load_good);
	tcase_add_test(tc, load_beyond_ram);
	tcase_add_test(tc, symbol_lookup);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(image_suite());
}
