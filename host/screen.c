/*
 * The text display in pixels.  Each cell is a glyph of the font, ink in
 * the attribute's foreground colour on its background colour; characters
 * 0x00-0x20 and 0x7f-0xa0 are blank.  Without a font a character is a
 * solid block of the foreground colour, one pixel short of the cell's right
 * and bottom edges so that neighbours stay apart.  The cursor, when shown,
 * is the bottom eighth of its cell (2 rows of 16) in the cell's foreground
 * colour.  Nothing blinks.
 */
#include "host/screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The CGA colours, as VGA text mode shows them. */
const uint32_t screen_palette[16] = {
	0x000000, 0x0000aa, 0x00aa00, 0x00aaaa,	/* black blue green cyan */
	0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,	/* red magenta brown grey */
	0x555555, 0x5555ff, 0x55ff55, 0x55ffff,	/* the same, light */
	0xff5555, 0xff55ff, 0xffff55, 0xffffff,	/* ... yellow, white */
};

int screen_init(struct screen *s, const struct font *font)
{
	s->font = font;
	s->cell_w = font ? font->width : SCREEN_BLOCK_W;
	s->cell_h = font ? font->height : SCREEN_BLOCK_H;
	s->w = DISPLAY_COLS * s->cell_w;
	s->h = DISPLAY_ROWS * s->cell_h;
	s->pixels = calloc((size_t)s->w * (size_t)s->h, sizeof *s->pixels);
	return s->pixels ? 0 : -1;
}

void screen_free(struct screen *s)
{
	free(s->pixels);
	s->pixels = NULL;
}

static int blank(uint8_t c)
{
	return c <= 0x20 || (c >= 0x7f && c <= 0xa0);
}

static void draw_cell(struct screen *s, int cell, uint8_t c, uint8_t attr,
		      int cursor)
{
	uint32_t fg = screen_palette[attr & 15], bg = screen_palette[attr >> 4];
	int x0 = cell % DISPLAY_COLS * s->cell_w;
	int y0 = cell / DISPLAY_COLS * s->cell_h;
	int cursor_top = s->cell_h - (s->cell_h >= 8 ? s->cell_h / 8 : 1);
	for (int y = 0; y < s->cell_h; y++) {
		uint32_t *p = s->pixels + (size_t)(y0 + y) * (size_t)s->w +
			      x0;
		for (int x = 0; x < s->cell_w; x++) {
			int ink;
			if (cursor && y >= cursor_top)
				ink = 1;
			else if (blank(c))
				ink = 0;
			else if (s->font)
				ink = font_ink(s->font, c, x, y);
			else
				ink = x < s->cell_w - 1 && y < s->cell_h - 1;
			p[x] = ink ? fg : bg;
		}
	}
}

void screen_draw(struct screen *s, const struct display_view *v)
{
	if (!(v->ctrl & DISPLAY_CTRL_ENABLE)) {
		memset(s->pixels, 0, (size_t)s->w * (size_t)s->h *
		       sizeof *s->pixels);
		return;
	}
	uint32_t cursor = v->ctrl & DISPLAY_CTRL_CURSOR ? v->cursor
							: DISPLAY_CELLS;
	for (int i = 0; i < DISPLAY_CELLS; i++)
		draw_cell(s, i, v->text[2 * i], v->text[2 * i + 1],
			  (uint32_t)i == cursor);
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/*
 * BMP: a 14-byte file header ("BM", file size, 0, offset of the pixels),
 * a 40-byte BITMAPINFOHEADER (size 40, width, height, 1 plane, 24 bits,
 * no compression, ...), then the rows bottom-up as B, G, R bytes, each row
 * padded to a multiple of 4 bytes.
 */
int screen_write(const struct screen *s, const char *path)
{
	size_t n = strlen(path);
	if (n >= 4 && !strcasecmp(path + n - 4, ".png"))
		return screen_write_png(s, path);
	return screen_write_bmp(s, path);
}

int screen_write_bmp(const struct screen *s, const char *path)
{
	uint32_t row = ((uint32_t)s->w * 3 + 3) & ~3u;
	uint32_t size = 54 + row * (uint32_t)s->h;
	uint8_t hdr[54] = { 'B', 'M' };
	put32(hdr + 2, size);
	put32(hdr + 10, 54);
	put32(hdr + 14, 40);
	put32(hdr + 18, (uint32_t)s->w);
	put32(hdr + 22, (uint32_t)s->h);
	put16(hdr + 26, 1);
	put16(hdr + 28, 24);
	put32(hdr + 34, row * (uint32_t)s->h);
	put32(hdr + 38, 2835);		/* 72 dots per inch */
	put32(hdr + 42, 2835);

	uint8_t *line = calloc(row, 1);
	FILE *f = line ? fopen(path, "wb") : NULL;
	int ok = f && fwrite(hdr, sizeof hdr, 1, f) == 1;
	for (int y = s->h - 1; ok && y >= 0; y--) {
		const uint32_t *p = s->pixels + (size_t)y * (size_t)s->w;
		for (int x = 0; x < s->w; x++) {
			line[3 * x] = (uint8_t)p[x];
			line[3 * x + 1] = (uint8_t)(p[x] >> 8);
			line[3 * x + 2] = (uint8_t)(p[x] >> 16);
		}
		ok = fwrite(line, row, 1, f) == 1;
	}
	if (f && fclose(f) != 0)
		ok = 0;
	free(line);
	return ok ? 0 : -1;
}
