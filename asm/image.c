/*
 * Reading and writing images (docs/image-format.md).  The decoder treats
 * every byte as hostile: sizes are checked before they are used, and a bad
 * image gets a message, never a crash.
 */
#include "asm/image.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cpu/vm.h"

static const uint8_t magic[8] = { 'A', 'U', 'L', 'A', 'I', 'M', 'G', 0 };

static uint32_t rd32(const uint8_t *p) { return mem_ld32(p); }
static uint16_t rd16(const uint8_t *p) { return mem_ld16(p); }

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void image_free(struct image *img)
{
	for (uint32_t i = 0; i < img->nseg; i++)
		free(img->seg[i].data);
	for (uint32_t i = 0; i < img->nsym; i++)
		free(img->sym[i].name);
	free(img->seg);
	free(img->sym);
	memset(img, 0, sizeof *img);
}

uint8_t *image_encode(const struct image *img, int compress, size_t *len)
{
	uint64_t strings = 0, data = 0;
	for (uint32_t i = 0; i < img->nsym; i++)
		strings += strlen(img->sym[i].name) + 1;
	for (uint32_t i = 0; i < img->nseg; i++)
		data += img->seg[i].size;
	uint64_t body_size = 8ull * img->nseg + 8ull * img->nsym + 4 +
			     strings + data;
	if (body_size > UINT32_MAX)
		return NULL;
	uint8_t *body = malloc(body_size), *p = body;
	if (!body)
		return NULL;
	for (uint32_t i = 0; i < img->nseg; i++, p += 8) {
		mem_st32(p, img->seg[i].addr);
		mem_st32(p + 4, img->seg[i].size);
	}
	uint32_t off = 0;
	for (uint32_t i = 0; i < img->nsym; i++, p += 8) {
		mem_st32(p, img->sym[i].value);
		mem_st32(p + 4, off);
		off += (uint32_t)strlen(img->sym[i].name) + 1;
	}
	mem_st32(p, (uint32_t)strings);
	p += 4;
	for (uint32_t i = 0; i < img->nsym; i++) {
		size_t n = strlen(img->sym[i].name) + 1;
		memcpy(p, img->sym[i].name, n);
		p += n;
	}
	for (uint32_t i = 0; i < img->nseg; i++) {
		memcpy(p, img->seg[i].data, img->seg[i].size);
		p += img->seg[i].size;
	}

	uLongf stored = (uLongf)body_size;
	uint8_t *out;
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
	if (!out) {
		free(body);
		return NULL;
	}
	memcpy(out, magic, 8);
	mem_st16(out + 8, IMAGE_VERSION);
	mem_st16(out + 10, compress ? IMAGE_FLAG_ZLIB : 0);
	mem_st32(out + 12, img->entry);
	mem_st32(out + 16, img->nseg);
	mem_st32(out + 20, img->nsym);
	mem_st32(out + 24, (uint32_t)body_size);
	mem_st32(out + 28, (uint32_t)stored);
	mem_st32(out + 32, (uint32_t)crc32(0, body, (uInt)body_size));
	mem_st32(out + 36, (uint32_t)crc32(0, out, 36));
	free(body);
	*len = IMAGE_HEADER_SIZE + stored;
	return out;
}

static int decode_body(const uint8_t *body, uint32_t size, uint32_t nseg,
		       uint32_t nsym, struct image *img, char *err,
		       size_t errlen)
{
	uint64_t tables = 8ull * nseg + 8ull * nsym + 4;
	if (tables > size)
		return fail(err, errlen, "tables run past the end of the body");
	uint32_t strings = rd32(body + tables - 4);
	if (strings > size - tables)
		return fail(err, errlen, "string table runs past the body");
	const uint8_t *str = body + tables;
	uint64_t data_off = tables + strings, want = data_off;

	img->seg = calloc(nseg ? nseg : 1, sizeof *img->seg);
	img->sym = calloc(nsym ? nsym : 1, sizeof *img->sym);
	if (!img->seg || !img->sym)
		return fail(err, errlen, "out of memory");
	for (uint32_t i = 0; i < nseg; i++) {
		struct image_segment *s = &img->seg[i];
		s->addr = rd32(body + 8 * i);
		s->size = rd32(body + 8 * i + 4);
		if (s->size == 0)
			return fail(err, errlen, "segment %u is empty", i);
		if ((uint64_t)s->addr + s->size > 0x100000000ull)
			return fail(err, errlen,
				    "segment %u (0x%08x, %u bytes) wraps "
				    "around the address space", i, s->addr,
				    s->size);
		want += s->size;
	}
	if (want != size)
		return fail(err, errlen,
			    "body is %u bytes but its tables describe %llu",
			    size, (unsigned long long)want);
	for (uint32_t i = 0; i < nseg; i++)
		for (uint32_t j = i + 1; j < nseg; j++) {
			const struct image_segment *a = &img->seg[i],
						   *b = &img->seg[j];
			if ((uint64_t)a->addr < (uint64_t)b->addr + b->size &&
			    (uint64_t)b->addr < (uint64_t)a->addr + a->size)
				return fail(err, errlen,
					    "segments %u (0x%08x) and %u "
					    "(0x%08x) overlap", i, a->addr, j,
					    b->addr);
		}
	for (uint32_t i = 0; i < nseg; i++) {
		struct image_segment *s = &img->seg[i];
		s->data = malloc(s->size);
		if (!s->data) {
			img->nseg = i;
			return fail(err, errlen, "out of memory");
		}
		memcpy(s->data, body + data_off, s->size);
		data_off += s->size;
		img->nseg = i + 1;
	}
	for (uint32_t i = 0; i < nsym; i++) {
		const uint8_t *e = body + 8ull * nseg + 8ull * i;
		uint32_t name = rd32(e + 4);
		if (name >= strings || !memchr(str + name, 0, strings - name))
			return fail(err, errlen,
				    "symbol %u has a bad name offset", i);
		img->sym[i].value = rd32(e);
		img->sym[i].name = strdup((const char *)str + name);
		if (!img->sym[i].name)
			return fail(err, errlen, "out of memory");
		img->nsym = i + 1;
	}
	return 0;
}

int image_decode(const uint8_t *buf, size_t len, struct image *img,
		 char *err, size_t errlen)
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
	if (version != IMAGE_VERSION)
		return fail(err, errlen, "image version %u; this aula reads "
			    "version %d", version, IMAGE_VERSION);
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
	if (body_size > MEM_MAX_SIZE + (64u << 20))
		return fail(err, errlen, "body of %u bytes is too large",
			    body_size);
	if (entry & 3)
		return fail(err, errlen, "entry point 0x%08x is not a "
			    "multiple of 4", entry);

	const uint8_t *src = buf + IMAGE_HEADER_SIZE;
	uint8_t *inflated = NULL;
	if (flags & IMAGE_FLAG_ZLIB) {
		inflated = malloc(body_size ? body_size : 1);
		if (!inflated)
			return fail(err, errlen, "out of memory");
		uLongf got = body_size;
		if (uncompress(inflated, &got, src, stored) != Z_OK ||
		    got != body_size) {
			free(inflated);
			return fail(err, errlen, "corrupt compressed body");
		}
		src = inflated;
	} else if (stored != body_size) {
		return fail(err, errlen, "stored size %u differs from body "
			    "size %u in an uncompressed image", stored,
			    body_size);
	}
	int rc = -1;
	if ((uint32_t)crc32(0, src, body_size) != crc)
		fail(err, errlen, "corrupt body (checksum mismatch)");
	else
		rc = decode_body(src, body_size, nseg, nsym, img, err, errlen);
	free(inflated);
	if (rc != 0)
		image_free(img);
	else
		img->entry = entry;
	return rc;
}

/* Write a temporary file and rename it, so a failure never leaves a
 * half-written file where a good one was. */
static int write_file(const char *path, const uint8_t *buf, size_t len,
		      char *err, size_t errlen)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	int ok = f && fwrite(buf, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0) {
		int e = errno;
		remove(tmp);
		return fail(err, errlen, "%s: %s", path, strerror(e));
	}
	return 0;
}

uint8_t *image_encode_raw(const struct image *img, uint32_t *base,
			  size_t *len, char *err, size_t errlen)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	for (uint32_t i = 0; i < img->nseg; i++) {
		const struct image_segment *s = &img->seg[i];
		if (lo > s->addr)
			lo = s->addr;
		if (hi < (uint64_t)s->addr + s->size)
			hi = (uint64_t)s->addr + s->size;
	}
	if (lo >= hi) {
		fail(err, errlen, "nothing to write");
		return NULL;
	}
	if (hi - lo > IMAGE_MAX_RAW) {
		fail(err, errlen, "the segments span %llu bytes from 0x%08llx, "
		     "more than the %u MiB a raw file may hold",
		     (unsigned long long)(hi - lo), (unsigned long long)lo,
		     IMAGE_MAX_RAW >> 20);
		return NULL;
	}
	uint8_t *out = calloc(1, (size_t)(hi - lo));
	if (!out) {
		fail(err, errlen, "out of memory");
		return NULL;
	}
	for (uint32_t i = 0; i < img->nseg; i++)
		memcpy(out + (img->seg[i].addr - lo), img->seg[i].data,
		       img->seg[i].size);
	*base = (uint32_t)lo;
	*len = (size_t)(hi - lo);
	return out;
}

int image_write_raw(const struct image *img, const char *path,
		    uint32_t *base, char *err, size_t errlen)
{
	size_t len;
	char why[256];
	uint8_t *buf = image_encode_raw(img, base, &len, why, sizeof why);
	if (!buf)
		return fail(err, errlen, "%s: %s", path, why);
	int rc = write_file(path, buf, len, err, errlen);
	free(buf);
	return rc;
}

int image_write(const struct image *img, const char *path, int compress,
		char *err, size_t errlen)
{
	size_t len;
	uint8_t *buf = image_encode(img, compress, &len);
	if (!buf)
		return fail(err, errlen, "%s: cannot encode the image", path);
	int rc = write_file(path, buf, len, err, errlen);
	free(buf);
	return rc;
}

int image_read(const char *path, struct image *img, char *err, size_t errlen)
{
	memset(img, 0, sizeof *img);
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	size_t cap = 1 << 16, len = 0, n;
	uint8_t *buf = malloc(cap);
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *nb = cap < ((size_t)3 << 30) ?
					      realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	int ioerr = ferror(f);
	fclose(f);
	if (!buf || ioerr) {
		free(buf);
		return fail(err, errlen, "%s: %s", path,
			    buf ? "read error" : "file too large");
	}
	char why[256];
	int rc = image_decode(buf, len, img, why, sizeof why);
	free(buf);
	if (rc)
		fail(err, errlen, "%s: %s", path, why);
	return rc;
}

int image_sniff(const char *path)
{
	uint8_t head[8];
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	size_t n = fread(head, 1, 8, f);
	fclose(f);
	return n == 8 && memcmp(head, magic, 8) == 0;
}

int image_load(const struct image *img, struct vm *vm, char *err,
	       size_t errlen)
{
	for (uint32_t i = 0; i < img->nseg; i++) {
		const struct image_segment *s = &img->seg[i];
		if ((uint64_t)s->addr + s->size > vm->mem.size)
			return fail(err, errlen,
				    "segment at 0x%08x (%u bytes) does not fit "
				    "in %u KiB of RAM (try --mem)", s->addr,
				    s->size, vm->mem.size / 1024);
	}
	if (img->entry >= vm->mem.size)
		return fail(err, errlen, "entry point 0x%08x is outside RAM",
			    img->entry);
	for (uint32_t i = 0; i < img->nseg; i++)
		mem_write(&vm->mem, img->seg[i].addr, img->seg[i].data,
			  img->seg[i].size);
	vm->entry = img->entry;
	vm_reset(vm);
	return 0;
}

const struct image_symbol *image_symbol_at(const struct image *img,
					   uint32_t addr)
{
	const struct image_symbol *best = NULL;
	for (uint32_t i = 0; i < img->nsym; i++) {
		const struct image_symbol *s = &img->sym[i];
		if (s->value <= addr && (!best || s->value > best->value))
			best = s;
	}
	return best;
}

const struct image_symbol *image_symbol_named(const struct image *img,
					      const char *name)
{
	for (uint32_t i = 0; i < img->nsym; i++)
		if (strcmp(img->sym[i].name, name) == 0)
			return &img->sym[i];
	return NULL;
}
