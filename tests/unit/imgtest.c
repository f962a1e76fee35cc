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
	img->seg[0] = (struct image_segment){ .addr = 0x1000, .size = 12,
		.data = malloc(12), .load = 0x1000 };
	img->seg[1] = (struct image_segment){ .addr = 0x3000, .size = 5,
		.data = malloc(5), .load = 0x3000 };
	for (int i = 0; i < 12; i++)
		img->seg[0].data[i] = (uint8_t)(0x10 + i);
	memcpy(img->seg[1].data, "hello", 5);
	img->nsym = 3;
	img->sym = calloc(3, sizeof *img->sym);
	img->sym[0] = (struct image_symbol){ 0x3000, imt_xstrdup("msg") };
	img->sym[1] = (struct image_symbol){ 0x1004, imt_xstrdup("_start") };
	img->sym[2] = (struct image_symbol){ 0x1000, imt_xstrdup("") };
}

/* The small image and what version 2 added: a segment run at another
 * address than it is loaded at, a zero-filled one, a constant, lines. */
void imt_full_image(struct image *img)
{
	imt_small_image(img);
	img->seg = realloc(img->seg, 4 * sizeof *img->seg);
	img->seg[2] = (struct image_segment){ .addr = 0x400000, .size = 8,
		.data = malloc(8), .load = 0x8000 };
	memcpy(img->seg[2].data, "user one", 8);
	img->seg[3] = (struct image_segment){ .addr = 0x10000, .size = 4096,
		.load = 0x10000, .flags = IMAGE_SEG_ZERO };
	img->nseg = 4;
	img->ncon = 1;
	img->con = calloc(1, sizeof *img->con);
	img->con[0] = (struct image_symbol){ 0x7ff0, imt_xstrdup("STACK") };
	static const char strings[] = "a.s\0_start: nop\0\tli r1, 0x12345\0"
				      "u.s\0.ascii \"user one\"";
	img->strings = malloc(sizeof strings);
	memcpy(img->strings, strings, sizeof strings);
	img->nline = 3;
	img->line = calloc(3, sizeof *img->line);
	img->line[0] = (struct image_line){ 0x1000, 4, 1, img->strings,
					    img->strings + 4 };
	img->line[1] = (struct image_line){ 0x1004, 8, 2, img->strings,
					    img->strings + 16 };
	img->line[2] = (struct image_line){ 0x8000, 8, 7, img->strings + 32,
					    img->strings + 36 };
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
		s->addr = s->load = 0x100000 + i * (segsize + 16);
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
	ck_assert_msg(imt_same(a, b), "the images differ");
}

bool imt_same(const struct image *a, const struct image *b)
{
	if (a->entry != b->entry || a->nseg != b->nseg || a->nsym != b->nsym)
		return false;
	for (uint32_t i = 0; i < a->nseg; i++) {
		const struct image_segment *x = &a->seg[i], *y = &b->seg[i];
		if (x->addr != y->addr || x->size != y->size ||
		    x->load != y->load || x->flags != y->flags ||
		    !x->data != !y->data ||
		    (x->data && memcmp(x->data, y->data, x->size)))
			return false;
	}
	for (uint32_t i = 0; i < a->nsym; i++)
		if (a->sym[i].value != b->sym[i].value ||
		    strcmp(a->sym[i].name, b->sym[i].name))
			return false;
	if (a->ncon != b->ncon || a->nline != b->nline)
		return false;
	for (uint32_t i = 0; i < a->ncon; i++)
		if (a->con[i].value != b->con[i].value ||
		    strcmp(a->con[i].name, b->con[i].name))
			return false;
	for (uint32_t i = 0; i < a->nline; i++) {
		const struct image_line *x = &a->line[i], *y = &b->line[i];
		if (x->load != y->load || x->size != y->size ||
		    x->line != y->line || strcmp(x->file, y->file) ||
		    strcmp(x->text, y->text))
			return false;
	}
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

