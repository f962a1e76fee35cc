/*
 * Images: what the assembler writes and the machine boots
 * (docs/image-format.md).
 */
#ifndef AULA_IMAGE_H
#define AULA_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct vm;

#define IMAGE_HEADER_SIZE 40
#define IMAGE_VERSION 2		/* written; version 1 is still read */
#define IMAGE_FLAG_ZLIB 1u
#define IMAGE_MAX_SEGMENTS 4096
#define IMAGE_MAX_SYMBOLS (1u << 20)
#define IMAGE_MAX_LINES (1u << 24)
/* Bytes of a body that are not segment data (tables, names, source
 * text): bounds what a small compressed image may inflate to. */
#define IMAGE_MAX_META (64u << 20)
#define IMAGE_MAX_RAW (256u << 20)

#define IMAGE_SEG_ZERO 1u	/* zero-filled: no bytes stored (.bss) */
#define IMAGE_SYM_CONST 1u	/* a constant (.equ), not an address */

/* A segment runs at addr (the address its code was assembled for, which
 * paging may map anywhere) and is loaded into RAM at load. */
struct image_segment {
	uint32_t addr, size;
	uint8_t *data;		/* NULL for a zero-filled segment */
	uint32_t load;
	uint32_t flags;		/* IMAGE_SEG_* */
};

struct image_symbol {
	uint32_t value;
	char *name;
};

/* The line table: the bytes at load .. load + size - 1 came from line
 * `line` of `file`, whose text (as written: a pseudo-instruction or a
 * macro call, not its expansion) is `text`. */
struct image_line {
	uint32_t load, size;
	uint32_t line;
	const char *file, *text;	/* into image.strings */
};

struct image {
	uint32_t entry;
	struct image_segment *seg;
	uint32_t nseg;
	struct image_symbol *sym;	/* labels: addresses */
	uint32_t nsym;
	struct image_symbol *con;	/* constants (.equ, =) */
	uint32_t ncon;
	struct image_line *line;	/* sorted by load, disjoint */
	uint32_t nline;
	char *strings;			/* what the lines point into */
	uint32_t *by_value;		/* sym indices sorted by value, or
					   NULL (then searched in order) */
};

void image_free(struct image *img);

/* Serialize; returns a malloc'd buffer and its length, or NULL. */
uint8_t *image_encode(const struct image *img, int compress, size_t *len);
/* Parse and check an image held in memory; 0, or -1 with a message. */
int image_decode(const uint8_t *buf, size_t len, struct image *img,
		 char *err, size_t errlen);
/* The same, refusing (before inflating the rest of the body) an image
 * whose segments do not all fit below ram bytes. */
int image_decode_limit(const uint8_t *buf, size_t len, uint64_t ram,
		       struct image *img, char *err, size_t errlen);
/* Sort the labels for image_symbol_at (done by the decoder and the
 * assembler; an image built by hand may skip it). */
void image_index(struct image *img);

int image_write(const struct image *img, const char *path, int compress,
		char *err, size_t errlen);
/* The segments as one flat block of bytes from the lowest address to the
 * highest end, gaps zero-filled (aula as --raw); *base is its address.
 * NULL with a message if it would exceed IMAGE_MAX_RAW bytes. */
uint8_t *image_encode_raw(const struct image *img, uint32_t *base,
			  size_t *len, char *err, size_t errlen);
int image_write_raw(const struct image *img, const char *path,
		    uint32_t *base, char *err, size_t errlen);
int image_read(const char *path, struct image *img, char *err,
	       size_t errlen);
int image_read_limit(const char *path, uint64_t ram, struct image *img,
		     char *err, size_t errlen);
/* Does this file start with the image magic? */
int image_sniff(const char *path);

/* Copy the segments into guest RAM and set the boot entry; 0, or -1 when
 * a segment does not fit in RAM. */
int image_load(const struct image *img, struct vm *vm, char *err,
	       size_t errlen);

/* The symbol whose value is the greatest <= addr, or NULL. */
const struct image_symbol *image_symbol_at(const struct image *img,
					   uint32_t addr);
const struct image_symbol *image_symbol_named(const struct image *img,
					      const char *name);
/* The labels whose value is exactly addr, up to max of them in out, in
 * the image's order; returns how many there are. */
uint32_t image_symbols_equal(const struct image *img, uint32_t addr,
			     const struct image_symbol **out, uint32_t max);
/* A constant by name, or NULL. */
const struct image_symbol *image_constant_named(const struct image *img,
						const char *name);
/* The line that the byte at load address addr came from, or NULL. */
const struct image_line *image_line_at(const struct image *img,
				       uint32_t addr);
/* The load address of run address addr, in the first segment that runs
 * there; -1 if none does.  (Where several do, only the machine's page
 * tables know: ask with the physical address.) */
int64_t image_load_addr(const struct image *img, uint32_t addr);

#endif
