/* Helpers shared by the image unit tests (test_image*.c). */
#ifndef AULA_TEST_IMGTEST_H
#define AULA_TEST_IMGTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asm/image.h"

#define ERRLEN 512

char *imt_xstrdup(const char *s);
void imt_small_image(struct image *img);
void imt_full_image(struct image *img);
void imt_big_image(struct image *img, uint32_t nseg, uint32_t segsize);
void imt_assert_same(const struct image *a, const struct image *b);
bool imt_same(const struct image *a, const struct image *b);
void imt_assert_empty(const struct image *img);
void imt_decode_fails(const uint8_t *buf, size_t len, const char *want);

#endif
