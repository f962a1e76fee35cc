/*
 * The screen as a PNG file (aula run --screenshot NAME.png), as the PNG
 * specification (ISO/IEC 15948) defines it, with zlib for the compression
 * and the CRCs:
 *
 *   signature   89 50 4e 47 0d 0a 1a 0a
 *   chunk       u32 length (big-endian) | type (4) | data | u32 CRC
 *               (CRC-32 of type and data)
 *   IHDR        u32 width, u32 height, depth 8, colour type 2 (RGB),
 *               compression 0, filter 0, interlace 0
 *   IDAT        a zlib stream of the rows, top to bottom, each a filter
 *               byte (0: none) and width x (R, G, B)
 *   IEND        empty
 */
#include "host/screen.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One chunk; false if the write failed. */
static bool chunk(FILE *f, const char type[4], const uint8_t *data,
		  uint32_t len)
{
	uint8_t head[8], tail[4];
	be32(head, len);
	memcpy(head + 4, type, 4);
	uLong crc = crc32(0L, (const Bytef *)type, 4);
	if (len)
		crc = crc32(crc, data, len);
	be32(tail, (uint32_t)crc);
	return fwrite(head, sizeof head, 1, f) == 1 &&
	       (!len || fwrite(data, len, 1, f) == 1) &&
	       fwrite(tail, sizeof tail, 1, f) == 1;
}

int screen_write_png(const struct screen *s, const char *path)
{
	static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', '\r',
					      '\n', 0x1a, '\n' };
	size_t row = 1 + 3 * (size_t)s->w, raw_len = row * (size_t)s->h;
	uint8_t *raw = malloc(raw_len);
	uLongf z_len = compressBound((uLong)raw_len);
	uint8_t *z = malloc(z_len);
	if (!raw || !z) {
		free(raw);
		free(z);
		errno = ENOMEM;
		return -1;
	}
	for (int y = 0; y < s->h; y++) {
		uint8_t *out = raw + (size_t)y * row;
		const uint32_t *p = s->pixels + (size_t)y * (size_t)s->w;
		*out++ = 0;	/* filter: none */
		for (int x = 0; x < s->w; x++) {
			*out++ = (uint8_t)(p[x] >> 16);
			*out++ = (uint8_t)(p[x] >> 8);
			*out++ = (uint8_t)p[x];
		}
	}
	int ok = compress2(z, &z_len, raw, (uLong)raw_len,
			   Z_BEST_COMPRESSION) == Z_OK;
	free(raw);
	if (!ok)
		errno = ENOMEM;
	uint8_t ihdr[13] = { 0 };
	be32(ihdr, (uint32_t)s->w);
	be32(ihdr + 4, (uint32_t)s->h);
	ihdr[8] = 8;		/* bits per sample */
	ihdr[9] = 2;		/* RGB */
	FILE *f = ok ? fopen(path, "wb") : NULL;
	ok = f && fwrite(signature, sizeof signature, 1, f) == 1 &&
	     chunk(f, "IHDR", ihdr, sizeof ihdr) &&
	     chunk(f, "IDAT", z, (uint32_t)z_len) && chunk(f, "IEND", NULL, 0);
	if (f && fclose(f) != 0)
		ok = 0;
	free(z);
	return ok ? 0 : -1;
}
