/*
 * Encoding and decoding images (docs/image-format.md).  The decoder treats
 * every byte as hostile: sizes are checked before they are used, and a bad
 * image gets a message, never a crash.  Version 2 is written; version 1
 * (no load addresses, zero-filled segments, constants or lines) is read.
 *
 *   body, version 2                          version 1
 *   segments  nseg x {addr size load flags}  nseg x {addr size}
 *   symbols   nsym x {value name flags}      nsym x {value name}
 *   u32 strings_size, strings
 *   u32 nline, nline x {load size file line text}    (absent)
 *   data of the segments that are not zero-filled, in table order
 */
#include "asm/image.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "asm/image_int.h"
#include "mem/mem.h"

static const uint8_t magic[8] = { 'A', 'U', 'L', 'A', 'I', 'M', 'G', 0 };

static uint32_t rd32(const uint8_t *p) { return mem_ld32(p); }
static uint16_t rd16(const uint8_t *p) { return mem_ld16(p); }

int image_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
#define fail image_fail

int image_sniff_bytes(const uint8_t *buf, size_t len)
{
	return len >= 8 && memcmp(buf, magic, 8) == 0;
}

void image_free(struct image *img)
{
	for (uint32_t i = 0; i < img->nseg; i++)
		free(img->seg[i].data);
	for (uint32_t i = 0; i < img->nsym; i++)
		free(img->sym[i].name);
	for (uint32_t i = 0; i < img->ncon; i++)
		free(img->con[i].name);
	free(img->seg);
	free(img->sym);
	free(img->con);
	free(img->line);
	free(img->strings);
	free(img->by_value);
	memset(img, 0, sizeof *img);
}

/* ---- encoding ----------------------------------------------------------- */

/* The string table: names, then each file name once, then line texts. */
struct strtab {
	uint8_t *p;
	uint64_t len, cap;
};

static uint32_t str_add(struct strtab *t, const char *s)
{
	size_t n = strlen(s) + 1;
	if (t->len + n > t->cap) {
		t->cap = 2 * (t->len + n);
		uint8_t *q = realloc(t->p, t->cap);
		if (!q)
			abort();
		t->p = q;
	}
	memcpy(t->p + t->len, s, n);
	uint32_t off = (uint32_t)t->len;
	t->len += n;
	return off;
}

uint8_t *image_encode(const struct image *img, int compress, size_t *len)
{
	struct strtab st = { 0 };
	uint32_t nsym = img->nsym + img->ncon;
	uint32_t *names = malloc((nsym + 1) * sizeof *names);
	uint32_t *lfile = malloc((img->nline + 1) * sizeof *lfile);
	uint32_t *ltext = malloc((img->nline + 1) * sizeof *ltext);
	if (!names || !lfile || !ltext)
		abort();
	for (uint32_t i = 0; i < nsym; i++)
		names[i] = str_add(&st, i < img->nsym ? img->sym[i].name :
				   img->con[i - img->nsym].name);
	const char *last = NULL;
	uint32_t last_off = 0;
	for (uint32_t i = 0; i < img->nline; i++) {
		/* Lines of one file follow each other: one copy of its
		 * name per run is enough. */
		const struct image_line *l = &img->line[i];
		if (!last || strcmp(last, l->file) != 0)
			last_off = str_add(&st, last = l->file);
		lfile[i] = last_off;
		ltext[i] = str_add(&st, l->text);
	}
	uint64_t data = 0;
	for (uint32_t i = 0; i < img->nseg; i++)
		if (!(img->seg[i].flags & IMAGE_SEG_ZERO))
			data += img->seg[i].size;
	uint64_t body_size = 16ull * img->nseg + 12ull * nsym + 4 + st.len +
			     4 + 20ull * img->nline + data;
	uint8_t *body = body_size <= UINT32_MAX ? malloc(body_size) : NULL;
	uint8_t *out = NULL, *p = body;
	if (!body)
		goto done;
	for (uint32_t i = 0; i < img->nseg; i++, p += 16) {
		mem_st32(p, img->seg[i].addr);
		mem_st32(p + 4, img->seg[i].size);
		mem_st32(p + 8, img->seg[i].load);
		mem_st32(p + 12, img->seg[i].flags);
	}
	for (uint32_t i = 0; i < nsym; i++, p += 12) {
		bool con = i >= img->nsym;
		mem_st32(p, con ? img->con[i - img->nsym].value :
			 img->sym[i].value);
		mem_st32(p + 4, names[i]);
		mem_st32(p + 8, con ? IMAGE_SYM_CONST : 0);
	}
	mem_st32(p, (uint32_t)st.len);
	if (st.len)
		memcpy(p + 4, st.p, st.len);
	p += 4 + st.len;
	mem_st32(p, img->nline);
	p += 4;
	for (uint32_t i = 0; i < img->nline; i++, p += 20) {
		mem_st32(p, img->line[i].load);
		mem_st32(p + 4, img->line[i].size);
		mem_st32(p + 8, lfile[i]);
		mem_st32(p + 12, img->line[i].line);
		mem_st32(p + 16, ltext[i]);
	}
	for (uint32_t i = 0; i < img->nseg; i++) {
		if (img->seg[i].flags & IMAGE_SEG_ZERO)
			continue;
		memcpy(p, img->seg[i].data, img->seg[i].size);
		p += img->seg[i].size;
	}

	uLongf stored = (uLongf)body_size;
	if (compress) {
		stored = compressBound((uLong)body_size);
		out = malloc(IMAGE_HEADER_SIZE + stored);
		if (out && compress2(out + IMAGE_HEADER_SIZE, &stored, body,
				     (uLong)body_size, 9) != Z_OK) {
			free(out);
			out = NULL;
		}
	} else {
		out = malloc(IMAGE_HEADER_SIZE + body_size);
		if (out)
			memcpy(out + IMAGE_HEADER_SIZE, body, body_size);
	}
	if (!out)
		goto done;
	memcpy(out, magic, 8);
	mem_st16(out + 8, IMAGE_VERSION);
	mem_st16(out + 10, compress ? IMAGE_FLAG_ZLIB : 0);
	mem_st32(out + 12, img->entry);
	mem_st32(out + 16, img->nseg);
	mem_st32(out + 20, nsym);
	mem_st32(out + 24, (uint32_t)body_size);
	mem_st32(out + 28, (uint32_t)stored);
	mem_st32(out + 32, (uint32_t)crc32(0, body, (uInt)body_size));
	mem_st32(out + 36, (uint32_t)crc32(0, out, 36));
	*len = IMAGE_HEADER_SIZE + stored;
done:
	free(body);
	free(st.p);
	free(names);
	free(lfile);
	free(ltext);
	return out;
}

/* ---- decoding ----------------------------------------------------------- */

struct layout {
	uint16_t version;
	uint32_t nseg, nsym;
	uint32_t segsz, symsz;	/* bytes per table entry */
};

/* Read and check the segment table (the body's first bytes): each
 * segment sane, load ranges disjoint, each in RAM if ram is not 0.
 * *data is the number of stored bytes it describes. */
static int check_segments(const uint8_t *t, const struct layout *ly,
			  uint64_t ram, uint64_t *data, char *err,
			  size_t errlen)
{
	*data = 0;
	for (uint32_t i = 0; i < ly->nseg; i++) {
		const uint8_t *e = t + (size_t)ly->segsz * i;
		uint32_t addr = rd32(e), size = rd32(e + 4);
		uint32_t load = ly->version >= 2 ? rd32(e + 8) : addr;
		uint32_t flags = ly->version >= 2 ? rd32(e + 12) : 0;
		if (size == 0)
			return fail(err, errlen, "segment %u is empty", i);
		if (flags & ~IMAGE_SEG_ZERO)
			return fail(err, errlen, "segment %u has unknown flags "
				    "0x%x", i, flags);
		if ((uint64_t)addr + size > 0x100000000ull ||
		    (uint64_t)load + size > 0x100000000ull)
			return fail(err, errlen,
				    "segment %u (0x%08x, %u bytes) wraps "
				    "around the address space", i,
				    (uint64_t)addr + size > 0x100000000ull ?
				    addr : load, size);
		if (ram && (uint64_t)load + size > ram)
			return fail(err, errlen, "segment %u (0x%08x, %u bytes) "
				    "does not fit in %llu KiB of RAM (try "
				    "--mem)", i, load, size,
				    (unsigned long long)(ram / 1024));
		if (!(flags & IMAGE_SEG_ZERO))
			*data += size;
	}
	return 0;
}

static int overlaps(const struct image *img, char *err, size_t errlen)
{
	/* Sorting would be n log n; 4096 segments squared is 16 M compares
	 * at worst, and the common case is a handful. */
	for (uint32_t i = 0; i < img->nseg; i++)
		for (uint32_t j = i + 1; j < img->nseg; j++) {
			const struct image_segment *a = &img->seg[i],
						   *b = &img->seg[j];
			if ((uint64_t)a->load < (uint64_t)b->load + b->size &&
			    (uint64_t)b->load < (uint64_t)a->load + a->size)
				return fail(err, errlen,
					    "segments %u (0x%08x) and %u "
					    "(0x%08x) overlap", i, a->load, j,
					    b->load);
		}
	return 0;
}

/* A NUL-terminated string at off of the string table, or NULL. */
static const char *str_at(const uint8_t *str, uint32_t size, uint32_t off)
{
	if (off >= size || !memchr(str + off, 0, size - off))
		return NULL;
	return (const char *)str + off;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		abort();
	return d;
}

static int decode_lines(const uint8_t *p, uint32_t nline,
			const uint8_t *str, uint32_t strings,
			struct image *img, char *err, size_t errlen)
{
	img->strings = malloc(strings ? strings : 1);
	img->line = calloc(nline ? nline : 1, sizeof *img->line);
	if (!img->strings || !img->line)
		return fail(err, errlen, "out of memory");
	memcpy(img->strings, str, strings);
	for (uint32_t i = 0; i < nline; i++, p += 20) {
		struct image_line *l = &img->line[i];
		l->load = rd32(p);
		l->size = rd32(p + 4);
		l->line = rd32(p + 12);
		const char *f = str_at(str, strings, rd32(p + 8));
		const char *t = str_at(str, strings, rd32(p + 16));
		if (!f || !t)
			return fail(err, errlen, "line %u of the line table "
				    "has a bad name offset", i);
		l->file = img->strings + (f - (const char *)str);
		l->text = img->strings + (t - (const char *)str);
		if (l->size == 0 ||
		    (uint64_t)l->load + l->size > 0x100000000ull)
			return fail(err, errlen, "line %u of the line table "
				    "covers no bytes or wraps", i);
		if (i && l[-1].load + (uint64_t)l[-1].size > l->load)
			return fail(err, errlen, "the line table is not sorted "
				    "(line %u)", i);
		img->nline = i + 1;
	}
	return 0;
}

static int decode_body(const uint8_t *body, uint32_t size,
		       const struct layout *ly, struct image *img, char *err,
		       size_t errlen)
{
	uint64_t tables = (uint64_t)ly->segsz * ly->nseg +
			  (uint64_t)ly->symsz * ly->nsym + 4;
	if (tables > size)
		return fail(err, errlen, "tables run past the end of the body");
	uint32_t strings = rd32(body + tables - 4);
	if (strings > size - tables)
		return fail(err, errlen, "string table runs past the body");
	const uint8_t *str = body + tables;
	uint64_t off = tables + strings;
	uint32_t nline = 0;
	if (ly->version >= 2) {
		if (off + 4 > size)
			return fail(err, errlen, "the line table runs past the "
				    "body");
		nline = rd32(body + off);
		if (nline > IMAGE_MAX_LINES ||
		    off + 4 + 20ull * nline > size)
			return fail(err, errlen, "the line table (%u lines) "
				    "runs past the body", nline);
	}
	const uint8_t *lines = body + off + 4;
	uint64_t data_off = ly->version >= 2 ? off + 4 + 20ull * nline : off,
		 data;
	if (check_segments(body, ly, 0, &data, err, errlen))
		return -1;
	if (data_off + data != size)
		return fail(err, errlen,
			    "body is %u bytes but its tables describe %llu",
			    size, (unsigned long long)(data_off + data));

	img->seg = calloc(ly->nseg ? ly->nseg : 1, sizeof *img->seg);
	img->sym = calloc(ly->nsym ? ly->nsym : 1, sizeof *img->sym);
	img->con = calloc(ly->nsym ? ly->nsym : 1, sizeof *img->con);
	if (!img->seg || !img->sym || !img->con)
		return fail(err, errlen, "out of memory");
	for (uint32_t i = 0; i < ly->nseg; i++) {
		const uint8_t *e = body + (size_t)ly->segsz * i;
		struct image_segment *s = &img->seg[i];
		s->addr = rd32(e);
		s->size = rd32(e + 4);
		s->load = ly->version >= 2 ? rd32(e + 8) : s->addr;
		s->flags = ly->version >= 2 ? rd32(e + 12) : 0;
		img->nseg = i + 1;
		if (s->flags & IMAGE_SEG_ZERO)
			continue;
		s->data = malloc(s->size);
		if (!s->data)
			return fail(err, errlen, "out of memory");
		memcpy(s->data, body + data_off, s->size);
		data_off += s->size;
	}
	if (overlaps(img, err, errlen))
		return -1;
	for (uint32_t i = 0; i < ly->nsym; i++) {
		const uint8_t *e = body + (size_t)ly->segsz * ly->nseg +
				   (size_t)ly->symsz * i;
		const char *name = str_at(str, strings, rd32(e + 4));
		uint32_t flags = ly->version >= 2 ? rd32(e + 8) : 0;
		if (!name)
			return fail(err, errlen,
				    "symbol %u has a bad name offset", i);
		if (flags & ~IMAGE_SYM_CONST)
			return fail(err, errlen, "symbol %u has unknown flags "
				    "0x%x", i, flags);
		struct image_symbol *s = flags ? &img->con[img->ncon++]
					       : &img->sym[img->nsym++];
		s->value = rd32(e);
		s->name = xstrdup(name);
	}
	if (decode_lines(lines, nline, str, strings, img, err, errlen))
		return -1;
	image_index(img);
	return 0;
}

/* Inflate src into exactly want bytes at dst, from where strm left off. */
static int inflate_to(z_stream *z, uint8_t *dst, uint32_t want)
{
	z->next_out = dst;
	z->avail_out = want;
	while (z->avail_out) {
		int rc = inflate(z, Z_SYNC_FLUSH);
		if (rc == Z_STREAM_END)
			break;
		if (rc != Z_OK)
			return -1;
	}
	return z->avail_out ? -1 : 0;
}

/* A compressed body: the segment table first, checked against ram and
 * the metadata bound, then the rest, so that a small file cannot make us
 * allocate gigabytes. */
static uint8_t *inflate_body(const uint8_t *src, uint32_t stored,
			     uint32_t body_size, const struct layout *ly,
			     uint64_t ram, char *err, size_t errlen)
{
	uint32_t table = ly->segsz * ly->nseg;
	if (table > body_size) {
		fail(err, errlen, "tables run past the end of the body");
		return NULL;
	}
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK) {
		fail(err, errlen, "out of memory");
		return NULL;
	}
	z.next_in = (Bytef *)src;
	z.avail_in = stored;
	uint8_t *t = malloc(table ? table : 1), *body = NULL;
	uint64_t data;
	if (!t) {
		fail(err, errlen, "out of memory");
	} else if (inflate_to(&z, t, table) != 0) {
		fail(err, errlen, "corrupt compressed body");
	} else if (check_segments(t, ly, ram, &data, err, errlen) == 0) {
		if (body_size < data)
			fail(err, errlen, "body is %u bytes but its tables "
			     "describe %llu", body_size,
			     (unsigned long long)data);
		else if (body_size - data > IMAGE_MAX_META)
			fail(err, errlen, "body of %u bytes is too large for "
			     "its %llu bytes of segments", body_size,
			     (unsigned long long)data);
		else if (!(body = malloc(body_size ? body_size : 1)))
			fail(err, errlen, "out of memory");
	}
	if (body) {
		memcpy(body, t, table);
		if (inflate_to(&z, body + table, body_size - table) != 0 ||
		    inflate(&z, Z_FINISH) != Z_STREAM_END || z.avail_in) {
			fail(err, errlen, "corrupt compressed body");
			free(body);
			body = NULL;
		}
	}
	free(t);
	inflateEnd(&z);
	return body;
}

int image_decode_limit(const uint8_t *buf, size_t len, uint64_t ram,
		       struct image *img, char *err, size_t errlen)
{
	memset(img, 0, sizeof *img);
	if (len < IMAGE_HEADER_SIZE)
		return fail(err, errlen, "truncated: %zu bytes, shorter than "
			    "the %d-byte header", len, IMAGE_HEADER_SIZE);
	if (memcmp(buf, magic, 8) != 0)
		return fail(err, errlen, "not an Aula image (bad magic)");
	if (rd32(buf + 36) != (uint32_t)crc32(0, buf, 36))
		return fail(err, errlen, "corrupt header (checksum mismatch)");
	uint16_t version = rd16(buf + 8), flags = rd16(buf + 10);
	if (version < 1 || version > IMAGE_VERSION)
		return fail(err, errlen, "image version %u; this aula reads "
			    "versions 1 to %d", version, IMAGE_VERSION);
	if (flags & ~IMAGE_FLAG_ZLIB)
		return fail(err, errlen, "unknown flags 0x%04x", flags);
	uint32_t entry = rd32(buf + 12), nseg = rd32(buf + 16),
		 nsym = rd32(buf + 20), body_size = rd32(buf + 24),
		 stored = rd32(buf + 28), crc = rd32(buf + 32);
	if (nseg > IMAGE_MAX_SEGMENTS || nsym > IMAGE_MAX_SYMBOLS)
		return fail(err, errlen, "too many segments (%u) or symbols "
			    "(%u)", nseg, nsym);
	if (len - IMAGE_HEADER_SIZE < stored)
		return fail(err, errlen, "truncated: the header announces %u "
			    "body bytes, the file has %zu", stored,
			    len - IMAGE_HEADER_SIZE);
	if (len - IMAGE_HEADER_SIZE > stored)
		return fail(err, errlen, "%zu unexpected bytes after the body",
			    len - IMAGE_HEADER_SIZE - stored);
	if (body_size > MEM_MAX_SIZE + (uint64_t)IMAGE_MAX_META)
		return fail(err, errlen, "body of %u bytes is too large",
			    body_size);
	if (entry & 3)
		return fail(err, errlen, "entry point 0x%08x is not a "
			    "multiple of 4", entry);
	struct layout ly = { version, nseg, nsym, version >= 2 ? 16 : 8,
			     version >= 2 ? 12 : 8 };

	const uint8_t *src = buf + IMAGE_HEADER_SIZE;
	uint8_t *inflated = NULL;
	if (flags & IMAGE_FLAG_ZLIB) {
		inflated = inflate_body(src, stored, body_size, &ly, ram, err,
					errlen);
		if (!inflated)
			return -1;
		src = inflated;
	} else if (stored != body_size) {
		return fail(err, errlen, "stored size %u differs from body "
			    "size %u in an uncompressed image", stored,
			    body_size);
	} else if (ram && (uint64_t)ly.segsz * nseg <= body_size) {
		uint64_t data;
		if (check_segments(src, &ly, ram, &data, err, errlen))
			return -1;
	}
	int rc = -1;
	if ((uint32_t)crc32(0, src, body_size) != crc)
		fail(err, errlen, "corrupt body (checksum mismatch)");
	else
		rc = decode_body(src, body_size, &ly, img, err, errlen);
	free(inflated);
	if (rc != 0)
		image_free(img);
	else
		img->entry = entry;
	return rc;
}

int image_decode(const uint8_t *buf, size_t len, struct image *img,
		 char *err, size_t errlen)
{
	return image_decode_limit(buf, len, 0, img, err, errlen);
}
