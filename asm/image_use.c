/*
 * Images as files and in the machine: writing (as an image or raw bytes),
 * reading, loading into RAM, and the look-ups the monitor and the
 * disassembler make (labels, constants, source lines).
 */
#include "asm/image.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "asm/image_int.h"
#include "cpu/vm.h"

#define fail image_fail

/* Write a temporary file and rename it, so a failure never leaves a
 * half-written file where a good one was.  An existing path that is not
 * a regular file (/dev/null, a FIFO, a terminal) is written in place:
 * renaming over it would replace the device with a file. */
static int write_file(const char *path, const uint8_t *buf, size_t len,
		      char *err, size_t errlen)
{
	struct stat st;
	bool direct = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(direct ? path : tmp, "wb");
	int ok = f && fwrite(buf, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok || (!direct && rename(tmp, path) != 0)) {
		int e = errno;
		if (!direct)
			remove(tmp);
		return fail(err, errlen, "%s: %s", path, strerror(e));
	}
	return 0;
}

uint8_t *image_encode_raw(const struct image *img, uint32_t *base,
			  size_t *len, char *err, size_t errlen)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	/* By load address: the bytes as they lie in RAM.  Zero-filled
	 * segments take no room unless stored bytes follow them. */
	for (uint32_t i = 0; i < img->nseg; i++) {
		const struct image_segment *s = &img->seg[i];
		if (!s->data)
			continue;
		if (lo > s->load)
			lo = s->load;
		if (hi < (uint64_t)s->load + s->size)
			hi = (uint64_t)s->load + s->size;
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
		if (img->seg[i].data)
			memcpy(out + (img->seg[i].load - lo), img->seg[i].data,
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
	return image_read_limit(path, 0, img, err, errlen);
}

int image_read_limit(const char *path, uint64_t ram, struct image *img,
		     char *err, size_t errlen)
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
	int rc = image_decode_limit(buf, len, ram, img, why, sizeof why);
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
	return image_sniff_bytes(head, n);
}

int image_load(const struct image *img, struct vm *vm, char *err,
	       size_t errlen)
{
	for (uint32_t i = 0; i < img->nseg; i++) {
		const struct image_segment *s = &img->seg[i];
		if ((uint64_t)s->load + s->size > vm->mem.size)
			return fail(err, errlen,
				    "segment at 0x%08x (%u bytes) does not fit "
				    "in %u KiB of RAM (try --mem)", s->load,
				    s->size, vm->mem.size / 1024);
	}
	if (img->entry >= vm->mem.size)
		return fail(err, errlen, "entry point 0x%08x is outside RAM",
			    img->entry);
	static const uint8_t zeros[4096];
	for (uint32_t i = 0; i < img->nseg; i++) {
		const struct image_segment *s = &img->seg[i];
		if (s->data) {
			mem_write(&vm->mem, s->load, s->data, s->size);
			continue;
		}
		for (uint32_t off = 0; off < s->size; off += sizeof zeros) {
			uint32_t n = s->size - off < sizeof zeros ?
				     s->size - off : (uint32_t)sizeof zeros;
			mem_write(&vm->mem, s->load + off, zeros, n);
		}
	}
	vm->entry = img->entry;
	vm_reset(vm);
	return 0;
}

/* ---- look-ups ----------------------------------------------------------- */

static const struct image *sort_img;	/* for qsort's comparator only */

static int by_value(const void *x, const void *y)
{
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	uint32_t a = sort_img->sym[i].value, b = sort_img->sym[j].value;
	return a != b ? (a < b ? -1 : 1) : (i < j ? -1 : i > j);
}

void image_index(struct image *img)
{
	free(img->by_value);
	img->by_value = malloc((img->nsym ? img->nsym : 1) *
			       sizeof *img->by_value);
	if (!img->by_value)
		return;
	for (uint32_t i = 0; i < img->nsym; i++)
		img->by_value[i] = i;
	sort_img = img;
	qsort(img->by_value, img->nsym, sizeof *img->by_value, by_value);
	sort_img = NULL;
}

/* The first position in by_value whose value is > addr. */
static uint32_t upper_bound(const struct image *img, uint32_t addr)
{
	uint32_t lo = 0, hi = img->nsym;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (img->sym[img->by_value[mid]].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct image_symbol *image_symbol_at(const struct image *img,
					   uint32_t addr)
{
	if (img->by_value) {
		uint32_t k = upper_bound(img, addr);
		if (k == 0)
			return NULL;
		/* Of several at the same value, the first defined. */
		uint32_t v = img->sym[img->by_value[k - 1]].value;
		while (k > 1 && img->sym[img->by_value[k - 2]].value == v)
			k--;
		return &img->sym[img->by_value[k - 1]];
	}
	const struct image_symbol *best = NULL;
	for (uint32_t i = 0; i < img->nsym; i++) {
		const struct image_symbol *s = &img->sym[i];
		if (s->value <= addr && (!best || s->value > best->value))
			best = s;
	}
	return best;
}

uint32_t image_symbols_equal(const struct image *img, uint32_t addr,
			     const struct image_symbol **out, uint32_t max)
{
	uint32_t n = 0;
	if (img->by_value) {
		uint32_t k = upper_bound(img, addr);
		while (k > 0 && img->sym[img->by_value[k - 1]].value == addr)
			k--;
		for (; k < img->nsym &&
		       img->sym[img->by_value[k]].value == addr; k++, n++)
			if (n < max)
				out[n] = &img->sym[img->by_value[k]];
		return n;
	}
	for (uint32_t i = 0; i < img->nsym; i++)
		if (img->sym[i].value == addr && n++ < max)
			out[n - 1] = &img->sym[i];
	return n;
}

const struct image_symbol *image_symbol_named(const struct image *img,
					      const char *name)
{
	for (uint32_t i = 0; i < img->nsym; i++)
		if (strcmp(img->sym[i].name, name) == 0)
			return &img->sym[i];
	return NULL;
}

const struct image_symbol *image_constant_named(const struct image *img,
						const char *name)
{
	/* The last definition: a constant may be set again. */
	for (uint32_t i = img->ncon; i-- > 0;)
		if (strcmp(img->con[i].name, name) == 0)
			return &img->con[i];
	return NULL;
}

const struct image_line *image_line_at(const struct image *img,
				       uint32_t addr)
{
	uint32_t lo = 0, hi = img->nline;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (img->line[mid].load <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct image_line *l = &img->line[lo - 1];
	return addr - l->load < l->size ? l : NULL;
}

int64_t image_load_addr(const struct image *img, uint32_t addr)
{
	for (uint32_t i = 0; i < img->nseg; i++) {
		const struct image_segment *s = &img->seg[i];
		if (addr - s->addr < s->size)
			return (int64_t)s->load + (addr - s->addr);
	}
	return -1;
}
