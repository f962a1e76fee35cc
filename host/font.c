/*
 * PC Screen Font loader.  The two formats, little-endian:
 *
 *   PSF1   0  magic 0x36 0x04
 *          2  mode: 0x01 512 glyphs (else 256), 0x02 or 0x04 a Unicode
 *             table follows the glyphs
 *          3  bytes per glyph = height (the width is 8)
 *          4  glyphs; then the table: per glyph, u16 code points, 0xfffe
 *             before sequences of several, 0xffff at the end
 *
 *   PSF2   0  magic 0x72 0xb5 0x4a 0x86      16  number of glyphs
 *          4  version (0)                    20  bytes per glyph
 *          8  header size (glyphs start)     24  height
 *         12  flags: 1 = Unicode table       28  width
 *          then the table: per glyph, UTF-8 characters, 0xfe before
 *          sequences, 0xff at the end
 *
 * A glyph is height rows of (width + 7) / 8 bytes, leftmost pixel in the
 * most significant bit.  The Unicode table says which glyph draws which
 * character; the display's characters are Latin-1, whose codes are the
 * first 256 code points, so only those are kept.  gzread reads gzipped and
 * plain files alike.
 */
#include "host/font.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define FONT_MAX_FILE (4u << 20)
#define PSF1_MODE512 0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODESEQ 0x04
#define PSF1_SEPARATOR 0xffff
#define PSF1_STARTSEQ 0xfffe
#define PSF2_HAS_UNICODE_TABLE 0x01
#define PSF2_SEPARATOR 0xff
#define PSF2_STARTSEQ 0xfe
#define REPLACEMENT_CHAR 0xfffd

static const char *const font_dirs[] = {
	"/usr/share/consolefonts",	/* Debian: console-setup-linux */
	"/usr/share/kbd/consolefonts",		/* kbd elsewhere */
	"/usr/lib/kbd/consolefonts",
};
/* The VGA look first; Uni2 has every Latin-1 character, Lat15 most. */
static const char *const font_names[] = {
	"Uni2-VGA16.psf.gz", "Lat15-VGA16.psf.gz", "Uni2-Fixed16.psf.gz",
	"default8x16.psfu.gz", "default8x16.psf.gz",
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The whole file, gunzipped if it was gzipped. */
static uint8_t *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	errno = 0;
	gzFile gz = gzopen(path, "rb");
	if (!gz) {
		snprintf(err, errlen, "%s: %s", path,
			 errno ? strerror(errno) : "cannot open");
		return NULL;
	}
	size_t cap = 64 * 1024, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			snprintf(err, errlen, "%s: out of memory", path);
			break;
		}
		int got = gzread(gz, buf + n, (unsigned)(cap - n));
		if (got < 0) {
			int zerr;
			snprintf(err, errlen, "%s: %s", path,
				 gzerror(gz, &zerr));
			break;
		}
		n += (size_t)got;
		if (got == 0) {
			gzclose(gz);
			*len = n;
			return buf;
		}
		if (n == cap) {
			if (cap >= FONT_MAX_FILE) {
				snprintf(err, errlen, "%s: too big for a "
					 "console font", path);
				break;
			}
			uint8_t *bigger = realloc(buf, cap * 2);
			if (!bigger)
				free(buf);
			buf = bigger;
			cap *= 2;
		}
	}
	free(buf);
	gzclose(gz);
	return NULL;
}

/* Glyph g draws code point cp. */
static void map(struct font *f, int *replacement, int g, uint32_t cp)
{
	if (cp < 256 && f->latin1[cp] < 0)
		f->latin1[cp] = g;
	else if (cp == REPLACEMENT_CHAR && *replacement < 0)
		*replacement = g;
}

static void psf1_table(struct font *f, int *repl, const uint8_t *p,
		       const uint8_t *end)
{
	for (int g = 0; g < f->nglyphs && p + 2 <= end; g++) {
		int seq = 0;
		for (; p + 2 <= end; p += 2) {
			unsigned cp = (unsigned)(p[0] | p[1] << 8);
			if (cp == PSF1_SEPARATOR)
				break;
			if (cp == PSF1_STARTSEQ)
				seq = 1;
			else if (!seq)
				map(f, repl, g, cp);
		}
		p += 2;
	}
}

/* One UTF-8 character at *pp (advanced past it); -1 if malformed. */
static long utf8(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp;
	unsigned lead = *p++, more;
	long cp;
	if (lead < 0x80) {
		*pp = p;
		return lead;
	}
	if ((lead & 0xe0) == 0xc0)
		more = 1, cp = lead & 0x1f;
	else if ((lead & 0xf0) == 0xe0)
		more = 2, cp = lead & 0x0f;
	else if ((lead & 0xf8) == 0xf0)
		more = 3, cp = lead & 0x07;
	else
		more = 0, cp = -1;
	for (; more && p < end && (*p & 0xc0) == 0x80; more--)
		cp = cp << 6 | (*p++ & 0x3f);
	*pp = p;
	return more ? -1 : cp;
}

static void psf2_table(struct font *f, int *repl, const uint8_t *p,
		       const uint8_t *end)
{
	for (int g = 0; g < f->nglyphs && p < end; g++) {
		int seq = 0;
		while (p < end && *p != PSF2_SEPARATOR) {
			if (*p == PSF2_STARTSEQ) {
				seq = 1;
				p++;
				continue;
			}
			long cp = utf8(&p, end);
			if (cp >= 0 && !seq)
				map(f, repl, g, (uint32_t)cp);
		}
		p++;
	}
}

static int parse(struct font *f, const uint8_t *b, size_t len, char *why,
		 size_t whylen)
{
	const uint8_t *glyphs, *table = NULL;
	size_t glyph_bytes;
	if (len >= 4 && b[0] == 0x36 && b[1] == 0x04) {
		f->nglyphs = b[2] & PSF1_MODE512 ? 512 : 256;
		f->width = 8;
		f->height = b[3];
		glyph_bytes = b[3];
		glyphs = b + 4;
		if (b[2] & (PSF1_MODEHASTAB | PSF1_MODESEQ))
			table = glyphs + (size_t)f->nglyphs * glyph_bytes;
	} else if (len >= 32 && le32(b) == 0x864ab572u) {
		uint32_t hdr = le32(b + 8), n = le32(b + 16);
		glyph_bytes = le32(b + 20);
		f->height = (int)(le32(b + 24) & 0xffff);
		f->width = (int)(le32(b + 28) & 0xffff);
		if (hdr < 32 || hdr > len || n == 0 || n > 65536 ||
		    le32(b + 24) > FONT_MAX_HEIGHT ||
		    le32(b + 28) > FONT_MAX_WIDTH) {
			snprintf(why, whylen, "a PSF2 header out of range");
			return -1;
		}
		f->nglyphs = (int)n;
		glyphs = b + hdr;
		if (le32(b + 12) & PSF2_HAS_UNICODE_TABLE)
			table = glyphs + (size_t)n * glyph_bytes;
	} else {
		snprintf(why, whylen, "not a PSF1 or PSF2 console font");
		return -1;
	}
	f->row_bytes = (f->width + 7) / 8;
	if (f->width < 1 || f->height < 1 || f->height > FONT_MAX_HEIGHT ||
	    glyph_bytes != (size_t)f->height * (size_t)f->row_bytes) {
		snprintf(why, whylen, "glyphs of %dx%d in %zu bytes", f->width,
			 f->height, glyph_bytes);
		return -1;
	}
	size_t all = (size_t)f->nglyphs * glyph_bytes;
	if ((size_t)(glyphs - b) + all > len) {
		snprintf(why, whylen, "truncated: %d glyphs do not fit",
			 f->nglyphs);
		return -1;
	}
	if (!(f->glyphs = malloc(all))) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	memcpy(f->glyphs, glyphs, all);

	int repl = -1;
	for (int c = 0; c < 256; c++)
		f->latin1[c] = table ? -1 : (c < f->nglyphs ? c : 0);
	if (table && b[0] == 0x36)
		psf1_table(f, &repl, table, b + len);
	else if (table)
		psf2_table(f, &repl, table, b + len);
	if (repl < 0)
		repl = f->latin1['?'] >= 0 ? f->latin1['?'] : 0;
	for (int c = 0; c < 256; c++)
		if (f->latin1[c] < 0)
			f->latin1[c] = repl;
	return 0;
}

struct font *font_load(const char *path, char *err, size_t errlen)
{
	size_t len;
	uint8_t *b = slurp(path, &len, err, errlen);
	if (!b)
		return NULL;
	struct font *f = calloc(1, sizeof *f);
	char why[128];
	if (!f) {
		snprintf(err, errlen, "%s: out of memory", path);
	} else if (parse(f, b, len, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		font_free(f);
		f = NULL;
	} else {
		snprintf(f->path, sizeof f->path, "%s", path);
	}
	free(b);
	return f;
}

struct font *font_load_system(char *err, size_t errlen)
{
	char path[256], why[256];
	for (size_t d = 0; d < sizeof font_dirs / sizeof *font_dirs; d++)
		for (size_t n = 0; n < sizeof font_names / sizeof *font_names;
		     n++) {
			snprintf(path, sizeof path, "%s/%s", font_dirs[d],
				 font_names[n]);
			struct font *f = font_load(path, why, sizeof why);
			if (f)
				return f;
		}
	snprintf(err, errlen, "no console font found in %s (install the "
		 "package console-setup-linux, or give --font)", font_dirs[0]);
	return NULL;
}

void font_free(struct font *f)
{
	if (f) {
		free(f->glyphs);
		free(f);
	}
}
