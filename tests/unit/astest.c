/* Helpers shared by the assembler's unit tests (astest.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as.h"
#include "tests/unit/astest.h"
#include "tests/unit/harness.h"

/* ---- helpers -------------------------------------------------------- */

int ast_count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Assemble src, which must have no error. */
void ast_good(const char *src, struct image *img)
{
	char errs[ERRLEN] = "";
	int n = th_assemble(src, errs, sizeof errs, img);
	ck_assert_msg(n == 0, "errors for:\n%s\n---\n%s", src, errs);
	ck_assert_msg(errs[0] == 0, "messages with no error count:\n%s", errs);
}

/* len bytes at addr in the image; fails unless one segment holds them. */
const uint8_t *ast_bytes_at(const struct image *img, uint32_t addr,
			       uint32_t len)
{
	for (uint32_t i = 0; i < img->nseg; i++) {
		const struct image_segment *s = &img->seg[i];
		if (addr >= s->addr &&
		    (uint64_t)addr + len <= (uint64_t)s->addr + s->size)
			return s->data + (addr - s->addr);
	}
	ck_abort_msg("0x%08x (%u bytes) is not in the image", addr, len);
	return NULL;
}

uint32_t ast_word_at(const struct image *img, uint32_t addr)
{
	return mem_ld32(ast_bytes_at(img, addr, 4));
}

uint32_t ast_sym_value(const struct image *img, const char *name)
{
	const struct image_symbol *s = image_symbol_named(img, name);
	ck_assert_msg(s != NULL, "no symbol '%s'", name);
	return s->value;
}

/* Assemble lines at 0x2000 into at most max words; returns the count. */
int ast_enc_words(const char *lines, uint32_t *w, int max)
{
	char src[1024];
	struct image img;
	snprintf(src, sizeof src, ".org 0x2000\n%s\n", lines);
	ast_good(src, &img);
	ck_assert_uint_eq(img.nseg, 1);
	ck_assert_uint_eq(img.seg[0].addr, 0x2000);
	ck_assert_msg(img.seg[0].size % 4 == 0 &&
		      img.seg[0].size / 4 <= (uint32_t)max,
		      "'%s' emitted %u bytes", lines, img.seg[0].size);
	int n = (int)(img.seg[0].size / 4);
	for (int i = 0; i < n; i++)
		w[i] = mem_ld32(img.seg[0].data + 4 * i);
	image_free(&img);
	return n;
}

/* The one word that line assembles to at 0x2000. */
uint32_t ast_enc(const char *line)
{
	uint32_t w[4];
	int n = ast_enc_words(line, w, 4);
	ck_assert_msg(n == 1, "'%s' emitted %d words, not 1", line, n);
	return w[0];
}


/* src must give exactly one error at test.s:line:col containing msg. */
void ast_bad(const char *src, int line, int col, const char *msg)
{
	char errs[ERRLEN] = "", want[64];
	struct image img;
	int n = th_assemble(src, errs, sizeof errs, &img);
	snprintf(want, sizeof want, "test.s:%d:%d: error: ", line, col);
	ck_assert_msg(n == 1 && ast_count_lines(errs) == 1,
		      "want one error (%s%s) for:\n%s\n--- got %d:\n%s", want,
		      msg, src, n, errs);
	ck_assert_msg(strncmp(errs, want, strlen(want)) == 0 &&
		      strstr(errs + strlen(want), msg),
		      "want '%s...%s' for:\n%s\n--- got:\n%s", want, msg, src,
		      errs);
	ck_assert_uint_eq(img.nseg, 0);
	ck_assert_ptr_null(img.seg);
	ck_assert_uint_eq(img.nsym, 0);
}

