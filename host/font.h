/*
 * Console fonts for drawing the text display: PC Screen Font files (PSF1
 * and PSF2, gzipped or not), loaded from the host at run time -- Aula
 * ships no font of its own.
 */
#ifndef AULA_FONT_H
#define AULA_FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FONT_MAX_WIDTH 32
#define FONT_MAX_HEIGHT 64

struct font {
	int width, height;	/* pixels of a glyph */
	int row_bytes;		/* bytes per glyph row, most significant bit
				 * leftmost */
	int nglyphs;
	uint8_t *glyphs;	/* nglyphs * height * row_bytes */
	int latin1[256];	/* the glyph of each Latin-1 character */
	char path[256];		/* the file it came from */
};

/* Load a font file.  NULL with a message in err. */
struct font *font_load(const char *path, char *err, size_t errlen);
/* The first of the usual console fonts of the system that loads (Debian's
 * console-setup-linux, then kbd's places elsewhere).  NULL with a message
 * in err saying where it looked. */
struct font *font_load_system(char *err, size_t errlen);
void font_free(struct font *f);

/* Whether pixel (x, y) of Latin-1 character c is ink. */
static inline bool font_ink(const struct font *f, uint8_t c, int x, int y)
{
	const uint8_t *row = f->glyphs +
		((size_t)f->latin1[c] * (size_t)f->height + (size_t)y) *
		(size_t)f->row_bytes;
	return row[x >> 3] & (0x80 >> (x & 7));
}

#endif
