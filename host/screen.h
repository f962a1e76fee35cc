/*
 * Drawing the text display into pixels, for any front end: a window
 * (host/sdl_display.c) or a picture file (aula run --screenshot).
 */
#ifndef AULA_SCREEN_H
#define AULA_SCREEN_H

#include <stdint.h>

#include "io/display.h"
#include "host/font.h"

/* A cell without a font: a solid block for each character. */
#define SCREEN_BLOCK_W 8
#define SCREEN_BLOCK_H 16

struct screen {
	const struct font *font;	/* NULL: solid blocks */
	int cell_w, cell_h;		/* pixels of a cell */
	int w, h;			/* 80 * cell_w by 25 * cell_h */
	uint32_t *pixels;		/* w * h of 0x00RRGGBB, row by row */
};

/* The 16 colours of an attribute's halves (docs/devices.md, section 9). */
extern const uint32_t screen_palette[16];

/* 0, or -1 when out of memory.  The font (may be NULL) is borrowed. */
int screen_init(struct screen *s, const struct font *font);
void screen_free(struct screen *s);
void screen_draw(struct screen *s, const struct display_view *v);
/* Write the pixels as a 24-bit BMP file.  0, or -1 with errno set. */
int screen_write_bmp(const struct screen *s, const char *path);
/* ... as an 8-bit RGB PNG file (host/png.c). */
int screen_write_png(const struct screen *s, const char *path);
/* PNG when path ends in .png (any case), else BMP. */
int screen_write(const struct screen *s, const char *path);

#endif
