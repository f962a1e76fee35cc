/* Shared by asm/image.c (the codec) and asm/image_use.c (files, loading,
 * look-ups). */
#ifndef AULA_IMAGE_INT_H
#define AULA_IMAGE_INT_H

#include <stddef.h>
#include <stdint.h>

/* Format a message into err; returns -1. */
int image_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int image_sniff_bytes(const uint8_t *buf, size_t len);

#endif
