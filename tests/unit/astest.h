/* Helpers shared by the assembler's unit tests (test_as*.c). */
#ifndef AULA_TEST_ASTEST_H
#define AULA_TEST_ASTEST_H

#include <stdint.h>

#include "asm/image.h"

#define ERRLEN 16384

int ast_count_lines(const char *s);
void ast_good(const char *src, struct image *img);
const uint8_t *ast_bytes_at(const struct image *img, uint32_t addr,
			    uint32_t len);
uint32_t ast_word_at(const struct image *img, uint32_t addr);
uint32_t ast_sym_value(const struct image *img, const char *name);
int ast_enc_words(const char *lines, uint32_t *w, int max);
uint32_t ast_enc(const char *line);
void ast_bad(const char *src, int line, int col, const char *msg);

#define ENC(line, want) do {						\
	uint32_t got_ = ast_enc(line);					\
	ck_assert_msg(got_ == (uint32_t)(want),				\
		      "'%s': got 0x%08x, want 0x%08x", line, got_,	\
		      (uint32_t)(want));				\
} while (0)

#endif
