/* Helpers shared by the image unit tests (imgtest.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/imgtest.h"



char *imt_xstrdup(const char *s)
{
	char *p = strdup(s);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* A small image: two segments, three symbols (unsorted, one duplicate
 * value). */
void imt_small_image(struct image *img)
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
	img->sym[0] = (struct image_symbol){ 0x3000, imt_xstrdup("msg") };
	img->sym[1] = (struct image_symbol){ 0x1004, imt_xstrdup("_start") };
	img->sym[2] = (struct image_symbol){ 0x1000, imt_xstrdup("") };
}

/* A larger image that compresses well. */
void imt_big_image(struct image *img, uint32_t nseg, uint32_t segsize)
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
						     imt_xstrdup(name) };
	}
}

void imt_assert_same(const struct image *a, const struct image *b)
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

bool imt_same(const struct image *a, const struct image *b)
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

void imt_assert_empty(const struct image *img)
{
	ck_assert_uint_eq(img->nseg, 0);
	ck_assert_uint_eq(img->nsym, 0);
	ck_assert_ptr_null(img->seg);
	ck_assert_ptr_null(img->sym);
}

/* decode must fail with a message containing want (if not NULL). */
void imt_decode_fails(const uint8_t *buf, size_t len, const char *want)
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
	imt_assert_empty(&img);
}

