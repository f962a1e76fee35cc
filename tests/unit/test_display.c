/*
 * The text display without a window: the device's registers, the frames
 * it hands to its host (io/display.c), console fonts (host/font.c) read
 * from files this test writes, and the drawing of a frame into pixels and
 * a BMP file (host/screen.c).  The window is test_sdl.c.
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "io/display.h"
#include "io/ports.h"
#include "tests/unit/harness.h"
#include "host/font.h"
#include "host/screen.h"

#define R(n) (t->vm->cpu.r[n])

START_TEST(registers)
{
	struct th *t = th_boot(
		"_start: la r1, flag\n ldw r2, 0(r1)\n cmpi r2, 0\n bne after\n"
		" li r2, 1\n stw r2, 0(r1)\n"
		" in r3, 0x98\n stw r3, 4(r1)\n in r3, 0x99\n stw r3, 8(r1)\n"
		" in r3, 0x9a\n stw r3, 12(r1)\n in r3, 0x9b\n stw r3, 16(r1)\n"
		" li r2, -1\n out r2, 0x98\n in r3, 0x98\n stw r3, 20(r1)\n"
		" li r2, 12345\n out r2, 0x99\n in r3, 0x99\n stw r3, 24(r1)\n"
		" out r2, 0x9a\n out r2, 0x9b\n"
		" in r3, 0x9a\n stw r3, 28(r1)\n in r3, 0x9b\n stw r3, 32(r1)\n"
		" out r0, 1(r0)\n"				/* reset */
		"after: in r11, 0x98\n in r12, 0x99\n out r0, 0(r0)\n"
		" .align 4\nflag: .word 0\nvals: .space 32\n");
	ck_assert_int_eq(th_run(t, 10000), VM_STOP_POWEROFF);
	/* Values before the reset are in RAM (the reset clears registers). */
	uint32_t vals = th_sym(t, "vals");
#define VAL(i) th_peek32(t, vals + 4 * (i))
	ck_assert_uint_eq(VAL(0), DISPLAY_CTRL_ENABLE);	/* at power-on */
	ck_assert_uint_eq(VAL(1), 0);
	ck_assert_uint_eq(VAL(2), 0x000b8000);
	ck_assert_uint_eq(VAL(3), 0x00190050);
	ck_assert_uint_eq(VAL(4), DISPLAY_CTRL_ENABLE | DISPLAY_CTRL_CURSOR);
	ck_assert_uint_eq(VAL(5), 12345);
	ck_assert_uint_eq(VAL(6), 0x000b8000);		/* read-only */
	ck_assert_uint_eq(VAL(7), 0x00190050);
#undef VAL
	ck_assert_uint_eq(R(11), DISPLAY_CTRL_ENABLE);	/* after reset */
	ck_assert_uint_eq(R(12), 0);
	th_free(t);
}
END_TEST

/* A frame is the buffer in RAM and the registers; taking one allocates no
 * RAM, and a machine too small for the buffer shows a blank screen. */
START_TEST(frame_is_the_buffer)
{
	struct th *t = th_boot("_start: la r1, 0xb8000\n"
			       " li r2, 0x1e48\n sth r2, 0(r1)\n"
			       " li r2, 0x1e69\n sth r2, 2(r1)\n"
			       " li r2, 3999\n out r2, 0x99\n"
			       " li r2, 3\n out r2, 0x98\n out r0, 0(r0)\n");
	struct display_view v;
	uint32_t touched = t->vm->mem.touched;
	display_get_view(t->vm, &v);
	ck_assert_uint_eq(t->vm->mem.touched, touched);
	ck_assert_int_eq(v.in_ram, 1);
	ck_assert_uint_eq(v.text[0], 0);
	ck_assert_int_eq(th_run(t, 1000), VM_STOP_POWEROFF);
	display_get_view(t->vm, &v);
	ck_assert_mem_eq(v.text, "H\x1ei\x1e\0\0", 6);
	ck_assert_uint_eq(v.ctrl, 3);
	ck_assert_uint_eq(v.cursor, 3999);
	th_free(t);

	t = th_boot_cfg("_start: out r0, 0(r0)\n", 64 * 1024, VM_BRK_STOP);
	display_get_view(t->vm, &v);
	ck_assert_int_eq(v.in_ram, 0);
	ck_assert_uint_eq(v.text[0] | v.text[DISPLAY_TEXT_SIZE - 1], 0);
	th_free(t);
}
END_TEST

struct watcher {
	uint64_t now[8];
	int frames, close_at;
	uint8_t first_char;
};

static int watch(void *opaque, const struct display_view *v, uint64_t now)
{
	struct watcher *w = opaque;
	if (w->frames < 8)
		w->now[w->frames] = now;
	w->first_char = v->text[0];
	return ++w->frames == w->close_at;
}

/* With a host, a frame every DISPLAY_REFRESH ticks, even while the guest
 * sleeps; the host closing the window powers off.  Without one the
 * display schedules nothing, and the sleeping guest is idle. */
START_TEST(frames_go_to_the_host)
{
	struct watcher w = { .close_at = 3 };
	struct vm_config cfg = {
		.display = { .opaque = &w, .refresh = watch },
	};
	struct th *t = th_boot_config("_start: la r1, 0xb8000\n li r2, 'W'\n"
				    " stb r2, 0(r1)\n ei\n halt\n", &cfg);
	/* The budget covers the ticks spent halted: three frames. */
	ck_assert_int_eq(th_run(t, 4 * DISPLAY_REFRESH), VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->stop_code, 0);
	ck_assert_str_eq(t->vm->stop_detail, "the display window was closed");
	ck_assert_int_eq(w.frames, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(w.now[i],
				  (uint64_t)(i + 1) * DISPLAY_REFRESH);
	ck_assert_uint_eq(w.first_char, 'W');
	th_free(t);

	t = th_boot("_start: ei\n halt\n");
	ck_assert_int_eq(th_run(t, 1000), VM_STOP_IDLE);
	th_free(t);
}
END_TEST

/* ---- fonts ----------------------------------------------------------- */

static char dir[64];

static void write_file(const char *path, const void *data, size_t len,
		       int gz)
{
	if (gz) {
		gzFile f = gzopen(path, "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(gzwrite(f, data, (unsigned)len), (int)len);
		ck_assert_int_eq(gzclose(f), Z_OK);
	} else {
		FILE *f = fopen(path, "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(data, 1, len, f), len);
		ck_assert_int_eq(fclose(f), 0);
	}
}

/* A PSF1 font, 8x16, 256 glyphs: glyph 1 has its left half inked and
 * draws 'A' and 'a'; glyph 2 has every other row and draws U+00E9 (and
 * the sequence "e" + U+0301, which must not make it draw 'e'); glyph 3,
 * its rightmost column, is U+FFFD, the replacement. */
static size_t psf1(uint8_t *b)
{
	size_t n = 0;
	b[n++] = 0x36, b[n++] = 0x04, b[n++] = 0x02, b[n++] = 16;
	for (int g = 0; g < 256; g++)
		for (int y = 0; y < 16; y++)
			b[n++] = g == 1 ? 0xf0 : g == 2 ? (y & 1 ? 0 : 0xff) :
				 g == 3 ? 0x01 : 0;
	static const uint16_t table[][5] = {
		{ 0x41, 0x61, 0xffff }, { 0xe9, 0xfffe, 0x65, 0x301, 0xffff },
		{ 0xfffd, 0xffff },
	};
	for (int g = 0; g < 256; g++) {
		const uint16_t *u = g >= 1 && g <= 3 ? table[g - 1] : NULL;
		do {
			uint16_t c = u ? *u : 0xffff;
			b[n++] = (uint8_t)c, b[n++] = (uint8_t)(c >> 8);
			if (c == 0xffff)
				break;
			u++;
		} while (1);
	}
	return n;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* A PSF2 font of 4 glyphs, 10 wide (2 bytes a row) and 12 high: glyph 1
 * ('A') inks column 9; glyph 2 is U+00E9 and the sequence "e" U+0301;
 * glyph 3 is '?', which stands in for the missing (no U+FFFD). */
static size_t psf2(uint8_t *b, uint32_t width)
{
	size_t n = 32;
	memset(b, 0, 32);
	put32(b, 0x864ab572);
	put32(b + 8, 32);
	put32(b + 12, 1);
	put32(b + 16, 4);
	put32(b + 20, 24);
	put32(b + 24, 12);
	put32(b + 28, width);
	for (int g = 0; g < 4; g++)
		for (int y = 0; y < 12; y++) {
			b[n++] = 0;
			b[n++] = g == 1 ? 0x40 : 0;
		}
	static const uint8_t table[] = {
		' ', 0xff, 'A', 0xff, 0xc3, 0xa9, 0xfe, 'e', 0xcc, 0x81, 0xff,
		'?', 0xff,
	};
	memcpy(b + n, table, sizeof table);
	return n + sizeof table;
}

START_TEST(psf1_font)
{
	uint8_t b[8192];
	char path[128], err[256];
	size_t n = psf1(b);
	th_mkdtemp(dir, sizeof dir, "font");
	snprintf(path, sizeof path, "%s/one.psf", dir);
	write_file(path, b, n, 0);
	struct font *f = font_load(path, err, sizeof err);
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_int_eq(f->width, 8);
	ck_assert_int_eq(f->height, 16);
	ck_assert_int_eq(f->nglyphs, 256);
	ck_assert_int_eq(f->latin1['A'], 1);
	ck_assert_int_eq(f->latin1['a'], 1);
	ck_assert_int_eq(f->latin1[0xe9], 2);
	ck_assert_int_eq(f->latin1['e'], 3);	/* only in a sequence */
	ck_assert_int_eq(f->latin1['Z'], 3);
	ck_assert(font_ink(f, 'A', 3, 5) && !font_ink(f, 'A', 4, 5));
	ck_assert(font_ink(f, 0xe9, 0, 0) && !font_ink(f, 0xe9, 0, 1));
	font_free(f);
	th_rmtree(dir);
}
END_TEST

START_TEST(psf2_font_gzipped)
{
	uint8_t b[1024];
	char path[128], err[256];
	size_t n = psf2(b, 10);
	th_mkdtemp(dir, sizeof dir, "font");
	snprintf(path, sizeof path, "%s/two.psf.gz", dir);
	write_file(path, b, n, 1);
	struct font *f = font_load(path, err, sizeof err);
	ck_assert_msg(f != NULL, "%s", err);
	ck_assert_int_eq(f->width, 10);
	ck_assert_int_eq(f->height, 12);
	ck_assert_int_eq(f->row_bytes, 2);
	ck_assert_int_eq(f->latin1[' '], 0);
	ck_assert_int_eq(f->latin1['A'], 1);
	ck_assert_int_eq(f->latin1[0xe9], 2);
	ck_assert_int_eq(f->latin1['e'], 3);
	ck_assert(font_ink(f, 'A', 9, 11) && !font_ink(f, 'A', 8, 11));
	ck_assert_str_eq(f->path, path);
	font_free(f);
	th_rmtree(dir);
}
END_TEST

static void bad_font(const void *data, size_t len, const char *want)
{
	char path[128], err[256];
	snprintf(path, sizeof path, "%s/bad.psf", dir);
	write_file(path, data, len, 0);
	ck_assert_ptr_null(font_load(path, err, sizeof err));
	ck_assert_msg(strstr(err, want) && strstr(err, path),
		      "'%s' does not say '%s'", err, want);
}

START_TEST(bad_fonts_are_refused)
{
	uint8_t b[8192];
	char err[256];
	th_mkdtemp(dir, sizeof dir, "font");
	bad_font("hello, world\n", 13, "not a PSF1 or PSF2");
	size_t n = psf1(b);
	bad_font(b, 4 + 100, "truncated");
	n = psf2(b, 40);
	bad_font(b, n, "out of range");
	b[3] = 0;			/* a PSF1 of height 0 */
	b[0] = 0x36, b[1] = 0x04;
	bad_font(b, 4, "glyphs of 8x0");
	ck_assert_ptr_null(font_load("/nonexistent/font.psf", err,
				     sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	th_rmtree(dir);
}
END_TEST

/* The system's font, when there is one, is a usable console font;
 * otherwise the message says what to install. */
START_TEST(system_font)
{
	char err[256] = "";
	struct font *f = font_load_system(err, sizeof err);
	if (f) {
		ck_assert_int_ge(f->width, 8);
		ck_assert_int_ge(f->height, 8);
		ck_assert_int_ne(f->latin1['A'], f->latin1['B']);
		font_free(f);
	} else {
		ck_assert_ptr_nonnull(strstr(err, "console-setup-linux"));
	}
}
END_TEST

/* ---- drawing --------------------------------------------------------- */

#define YELLOW 0xffff55u
#define BLUE 0x0000aau
#define RED 0xaa0000u
#define GREY 0xaaaaaau
#define WHITE 0xffffffu

static uint32_t px(const struct screen *s, int x, int y)
{
	return s->pixels[(size_t)y * (size_t)s->w + (size_t)x];
}

static void cell(struct display_view *v, int n, uint8_t c, uint8_t attr)
{
	v->text[2 * n] = c;
	v->text[2 * n + 1] = attr;
}

static struct font *test_font(void)
{
	uint8_t b[8192];
	char path[128], err[256];
	size_t n = psf1(b);
	th_mkdtemp(dir, sizeof dir, "font");
	snprintf(path, sizeof path, "%s/one.psf", dir);
	write_file(path, b, n, 0);
	struct font *f = font_load(path, err, sizeof err);
	ck_assert_msg(f != NULL, "%s", err);
	th_rmtree(dir);
	return f;
}

START_TEST(draw_cells)
{
	struct font *f = test_font();
	struct screen s;
	struct display_view v = { .ctrl = DISPLAY_CTRL_ENABLE, .in_ram = 1 };
	ck_assert_int_eq(screen_init(&s, f), 0);
	ck_assert_int_eq(s.w, 640);
	ck_assert_int_eq(s.h, 400);
	cell(&v, 0, 'A', 0x1e);		/* yellow on blue */
	cell(&v, 1, ' ', 0x4f);		/* white on red */
	cell(&v, 2, 0x01, 0x70);	/* control codes are blank */
	cell(&v, 3, 0x85, 0x70);
	cell(&v, 80, 'Z', 0x07);	/* no glyph: the replacement */
	screen_draw(&s, &v);
	ck_assert_uint_eq(px(&s, 0, 0), YELLOW);
	ck_assert_uint_eq(px(&s, 3, 15), YELLOW);
	ck_assert_uint_eq(px(&s, 4, 0), BLUE);
	for (int y = 0; y < 16; y++)
		for (int x = 8; x < 32; x++)
			ck_assert_uint_eq(px(&s, x, y), x < 16 ? RED : GREY);
	ck_assert_uint_eq(px(&s, 7, 16), GREY);
	ck_assert_uint_eq(px(&s, 6, 16), 0);
	ck_assert_uint_eq(px(&s, 639, 399), 0);	/* zeroed: black */

	/* The cursor: the bottom 2 rows of its cell, in its foreground. */
	v.ctrl |= DISPLAY_CTRL_CURSOR;
	v.cursor = 1;
	screen_draw(&s, &v);
	ck_assert_uint_eq(px(&s, 8, 13), RED);
	ck_assert_uint_eq(px(&s, 8, 14), WHITE);
	ck_assert_uint_eq(px(&s, 15, 15), WHITE);
	v.cursor = DISPLAY_CELLS;		/* nowhere */
	screen_draw(&s, &v);
	ck_assert_uint_eq(px(&s, 8, 15), RED);
	v.cursor = 1;
	v.ctrl = DISPLAY_CTRL_ENABLE;		/* not shown */
	screen_draw(&s, &v);
	ck_assert_uint_eq(px(&s, 8, 15), RED);

	v.ctrl = 0;				/* disabled: black */
	screen_draw(&s, &v);
	ck_assert_uint_eq(px(&s, 0, 0) | px(&s, 8, 0), 0);
	screen_free(&s);
	font_free(f);
}
END_TEST

/* Without a font every character is a block of its foreground colour,
 * a pixel short of the cell's right and bottom edges. */
START_TEST(draw_blocks_without_a_font)
{
	struct screen s;
	struct display_view v = { .ctrl = DISPLAY_CTRL_ENABLE, .in_ram = 1 };
	ck_assert_int_eq(screen_init(&s, NULL), 0);
	ck_assert_int_eq(s.cell_w, SCREEN_BLOCK_W);
	ck_assert_int_eq(s.cell_h, SCREEN_BLOCK_H);
	cell(&v, 0, 'A', 0x1e);
	cell(&v, 1, ' ', 0x1e);
	screen_draw(&s, &v);
	ck_assert_uint_eq(px(&s, 0, 0), YELLOW);
	ck_assert_uint_eq(px(&s, 6, 14), YELLOW);
	ck_assert_uint_eq(px(&s, 7, 0), BLUE);
	ck_assert_uint_eq(px(&s, 0, 15), BLUE);
	ck_assert_uint_eq(px(&s, 9, 3), BLUE);	/* the space */
	screen_free(&s);
}
END_TEST

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

START_TEST(bmp_file)
{
	struct screen s;
	struct display_view v = { .ctrl = DISPLAY_CTRL_ENABLE, .in_ram = 1 };
	char path[128];
	ck_assert_int_eq(screen_init(&s, NULL), 0);
	cell(&v, 0, 'A', 0x1e);
	screen_draw(&s, &v);
	th_mkdtemp(dir, sizeof dir, "bmp");
	snprintf(path, sizeof path, "%s/screen.bmp", dir);
	ck_assert_int_eq(screen_write_bmp(&s, path), 0);

	static uint8_t b[54 + 640 * 3 * 400 + 1];
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(b, 1, sizeof b, f);
	fclose(f);
	ck_assert_uint_eq(n, 54 + 640 * 3 * 400);
	ck_assert(b[0] == 'B' && b[1] == 'M');
	ck_assert_uint_eq(le32(b + 2), n);
	ck_assert_uint_eq(le32(b + 10), 54);
	ck_assert_uint_eq(le32(b + 18), 640);
	ck_assert_uint_eq(le32(b + 22), 400);
	ck_assert_uint_eq(b[28], 24);
	/* Rows bottom-up, pixels as B, G, R: the top left is yellow. */
	const uint8_t *top = b + 54 + 399 * 640 * 3;
	ck_assert(top[0] == 0x55 && top[1] == 0xff && top[2] == 0xff);
	ck_assert(top[21] == 0xaa && top[22] == 0 && top[23] == 0);
	ck_assert_int_eq(screen_write_bmp(&s, "/nonexistent/x.bmp"), -1);
	th_rmtree(dir);
	screen_free(&s);
}
END_TEST

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* A PNG as the specification defines it: the signature, IHDR, IDAT (a
 * zlib stream of filtered rows), IEND, each chunk's CRC right; decoded
 * with zlib, every pixel is the screen's.  (display.sh also has pngcheck
 * read one.) */
START_TEST(png_file)
{
	struct screen s;
	struct display_view v = { .ctrl = DISPLAY_CTRL_ENABLE, .in_ram = 1 };
	char path[128];
	ck_assert_int_eq(screen_init(&s, NULL), 0);
	cell(&v, 0, 'A', 0x1e);
	cell(&v, 80 * 24 + 79, 'Z', 0x4f);
	screen_draw(&s, &v);
	th_mkdtemp(dir, sizeof dir, "png");
	snprintf(path, sizeof path, "%s/screen.PNG", dir);
	ck_assert_int_eq(screen_write(&s, path), 0);

	static uint8_t b[1 << 20];
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(b, 1, sizeof b, f);
	fclose(f);
	ck_assert_mem_eq(b, "\x89PNG\r\n\x1a\n", 8);
	size_t off = 8;
	const char *types[] = { "IHDR", "IDAT", "IEND" };
	const uint8_t *idat = NULL;
	uint32_t idat_len = 0;
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_le(off + 12, n);
		uint32_t len = be32(b + off);
		ck_assert_mem_eq(b + off + 4, types[i], 4);
		ck_assert_uint_le(off + 12 + len, n);
		uLong crc = crc32(0L, b + off + 4, 4 + len);
		ck_assert_uint_eq(be32(b + off + 8 + len), (uint32_t)crc);
		if (i == 0) {
			ck_assert_uint_eq(len, 13);
			ck_assert_uint_eq(be32(b + off + 8), 640);
			ck_assert_uint_eq(be32(b + off + 12), 400);
			ck_assert_mem_eq(b + off + 16, "\x08\x02\0\0\0", 5);
		} else if (i == 1) {
			idat = b + off + 8;
			idat_len = len;
		} else {
			ck_assert_uint_eq(len, 0);
		}
		off += 12 + len;
	}
	ck_assert_uint_eq(off, n);

	static uint8_t raw[(1 + 640 * 3) * 400 + 1];
	uLongf raw_len = sizeof raw;
	ck_assert_int_eq(uncompress(raw, &raw_len, idat, idat_len), Z_OK);
	ck_assert_uint_eq(raw_len, (1 + 640 * 3) * 400);
	for (int y = 0; y < 400; y++) {
		const uint8_t *r = raw + (size_t)y * (1 + 640 * 3);
		ck_assert_uint_eq(r[0], 0);		/* filter: none */
		for (int x = 0; x < 640; x++) {
			uint32_t p = s.pixels[y * 640 + x];
			ck_assert_msg(r[1 + 3 * x] == (uint8_t)(p >> 16) &&
				      r[2 + 3 * x] == (uint8_t)(p >> 8) &&
				      r[3 + 3 * x] == (uint8_t)p,
				      "pixel %d,%d differs", x, y);
		}
	}
	/* The top left is yellow on blue, as in the BMP. */
	ck_assert(raw[1] == 0xff && raw[2] == 0xff && raw[3] == 0x55);
	ck_assert_int_eq(screen_write(&s, "/nonexistent/x.png"), -1);
	th_rmtree(dir);
	screen_free(&s);
}
END_TEST

static Suite *display_suite(void)
{
	Suite *s = suite_create("display");
	TCase *tc = tcase_create("device");
	tcase_add_test(tc, registers);
	tcase_add_test(tc, frame_is_the_buffer);
	tcase_add_test(tc, frames_go_to_the_host);
	suite_add_tcase(s, tc);
	tc = tcase_create("font");
	tcase_add_test(tc, psf1_font);
	tcase_add_test(tc, psf2_font_gzipped);
	tcase_add_test(tc, bad_fonts_are_refused);
	tcase_add_test(tc, system_font);
	suite_add_tcase(s, tc);
	tc = tcase_create("screen");
	tcase_add_test(tc, draw_cells);
	tcase_add_test(tc, draw_blocks_without_a_font);
	tcase_add_test(tc, bmp_file);
	tcase_add_test(tc, png_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(display_suite());
}
