/*
 * Unit tests: bad images.  Each is built by hand, with correct CRCs wherever
 * the check under test comes after the CRC checks, so that it reaches the
 * validation it is aimed at; each must fail with its own message and leave
 * no image behind.  The suite also runs under AddressSanitizer, so "never
 * crashes" is checked.
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

/* ---- corrupt images, found by their CRCs -------------------------------- */

/* Every truncation fails cleanly, with a message. */
START_TEST(truncated_everywhere)
{
	struct image a;
	imt_small_image(&a);
	for (int z = 0; z < 2; z++) {
		size_t len;
		uint8_t *buf = image_encode(&a, z, &len);
		for (size_t n = 0; n < len; n++) {
			/* A copy of exactly n bytes, so ASan sees any read
			 * past the end. */
			uint8_t *cut = malloc(n ? n : 1);
			memcpy(cut, buf, n);
			imt_decode_fails(cut, n, n < 40 ? "truncated" : NULL);
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
	imt_small_image(&a);
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
					ck_assert_msg(imt_same(&a, &b),
						      "byte %zu ^ 0x%02x "
						      "decoded differently",
						      i, masks[m]);
					image_free(&b);
					decoded++;
				} else {
					ck_assert_msg(err[0], "no message");
					imt_assert_empty(&b);
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
	/* Version 1 by default: the old format must still load. */
	mem_st16(buf + 8, h.version ? h.version : 1);
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
	imt_decode_fails(buf, len, "bad magic");
	buf[0] = 'A';
	buf[7] = '!';
	fix_header_crc(buf);
	imt_decode_fails(buf, len, "bad magic");
	free(buf);

	buf = wrap(&b, good_hdr, 0, &len);
	buf[12] ^= 4;		/* entry, CRC left as it was */
	imt_decode_fails(buf, len, "corrupt header (checksum mismatch)");
	buf[12] ^= 4;
	buf[37] ^= 1;		/* the CRC itself */
	imt_decode_fails(buf, len, "corrupt header (checksum mismatch)");
	free(buf);

	h = good_hdr;
	h.version = 3;
	buf = wrap(&b, h, 0, &len);
	imt_decode_fails(buf, len, "image version 3; this aula reads versions "
			 "1 to 2");
	mem_st16(buf + 8, 0);
	fix_header_crc(buf);
	imt_decode_fails(buf, len, "image version 0");
	free(buf);

	h = good_hdr;
	h.flags = 2;
	buf = wrap(&b, h, 0, &len);
	imt_decode_fails(buf, len, "unknown flags 0x0002");
	free(buf);
	h.flags = 0x8000;
	buf = wrap(&b, h, 1, &len);
	imt_decode_fails(buf, len, "unknown flags 0x8001");
	free(buf);

	h = good_hdr;
	h.entry = 0x1002;
	buf = wrap(&b, h, 0, &len);
	imt_decode_fails(buf, len, "entry point 0x00001002 is not a multiple of 4");
	free(buf);
	h.entry = 0x1001;
	buf = wrap(&b, h, 1, &len);
	imt_decode_fails(buf, len, "not a multiple of 4");
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
	imt_decode_fails(buf, len, "too many segments (4097)");
	free(buf);
	h.nseg = 0xffffffff;
	buf = wrap(&b, h, 0, &len);
	imt_decode_fails(buf, len, "too many segments (4294967295)");
	free(buf);

	h = good_hdr;
	h.nsym = IMAGE_MAX_SYMBOLS + 1;
	buf = wrap(&b, h, 0, &len);
	imt_decode_fails(buf, len, "symbols (1048577)");
	free(buf);

	/* At the limits, the counts pass and the tables do not fit. */
	h = good_hdr;
	h.nseg = IMAGE_MAX_SEGMENTS;
	h.nsym = IMAGE_MAX_SYMBOLS;
	buf = wrap(&b, h, 0, &len);
	imt_decode_fails(buf, len, "tables run past the end of the body");
	free(buf);

	/* One segment more than the table holds. */
	h = good_hdr;
	h.nseg = 3;
	buf = wrap(&b, h, 0, &len);
	imt_decode_fails(buf, len, NULL);
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
	imt_decode_fails(buf, len - 1, "truncated: the header announces");
	imt_decode_fails(buf, 40, "truncated: the header announces");
	imt_decode_fails(buf, 39, "truncated: 39 bytes, shorter than the 40-byte "
		     "header");

	/* Longer. */
	big = malloc(len + 3);
	memcpy(big, buf, len);
	memset(big + len, 0, 3);
	imt_decode_fails(big, len + 1, "1 unexpected bytes after the body");
	imt_decode_fails(big, len + 3, "3 unexpected bytes after the body");
	free(big);
	free(buf);

	/* Uncompressed, the stored size must be the body size. */
	h = good_hdr;
	h.body_size = b.len - 1;
	buf = wrap(&b, h, 0, &len);
	imt_decode_fails(buf, len, "differs from body size");
	free(buf);
	h.body_size = b.len + 1;
	buf = wrap(&b, h, 0, &len);
	imt_decode_fails(buf, len, "differs from body size");
	free(buf);

	/* Compressed: a body_size the stream does not match. */
	h.body_size = b.len + 1;
	buf = wrap(&b, h, 1, &len);
	imt_decode_fails(buf, len, "corrupt compressed body");
	free(buf);
	h.body_size = b.len - 1;
	buf = wrap(&b, h, 1, &len);
	imt_decode_fails(buf, len, "corrupt compressed body");
	free(buf);

	/* An absurd body_size is refused before anything is allocated. */
	h.body_size = 0xffffffff;
	buf = wrap(&b, h, 1, &len);
	imt_decode_fails(buf, len, "body of 4294967295 bytes is too large");
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
	imt_decode_fails(buf, len, "corrupt body (checksum mismatch)");
	free(buf);

	/* A stream that is not zlib at all. */
	buf = wrap(&b, good_hdr, 1, &len);
	memset(buf + 40, 0x5a, len - 40);
	imt_decode_fails(buf, len, "corrupt compressed body");
	free(buf);

	/* A zlib stream cut short (stored_size says so, so the file itself
	 * is consistent). */
	buf = wrap(&b, good_hdr, 1, &len);
	mem_st32(buf + 28, (uint32_t)(len - 40 - 4));
	fix_header_crc(buf);
	imt_decode_fails(buf, len - 4, "corrupt compressed body");
	free(buf);

	/* A good zlib stream of a body the CRC does not match. */
	buf = wrap(&b, good_hdr, 1, &len);
	mem_st32(buf + 32, mem_ld32(buf + 32) ^ 1);
	fix_header_crc(buf);
	imt_decode_fails(buf, len, "corrupt body (checksum mismatch)");
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
		imt_decode_fails(buf, len, want);
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
			imt_assert_empty(&img);
			refused++;
		}
		free(buf);
	}
	/* Both paths were taken, many times. */
	ck_assert_int_gt(decoded, 1000);
	ck_assert_int_gt(refused, 1000);
}
END_TEST


static Suite *image_bad_suite(void)
{
	Suite *s = suite_create("image_bad");
	TCase *tc;
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
	return s;
}

int main(void)
{
	return th_main(image_bad_suite());
}
