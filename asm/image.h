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
#define IMAGE_VERSION 1
#define IMAGE_FLAG_ZLIB 1u
#define IMAGE_MAX_SEGMENTS 4096
#define IMAGE_MAX_SYMBOLS (1u << 20)
#define IMAGE_MAX_RAW (256u << 20)

struct image_segment {
	uint32_t addr, size;
	uint8_t *data;
};

struct image_symbol {
	uint32_t value;
	char *name;
};

struct image {
	uint32_t entry;
	struct image_segment *seg;
	uint32_t nseg;
	struct image_symbol *sym;
	uint32_t nsym;
};

void image_free(struct image *img);

/* Serialize; returns a malloc'd buffer and its length, or NULL. */
uint8_t *image_encode(const struct image *img, int compress, size_t *len);
/* Parse and check an image held in memory; 0, or -1 with a message. */
int image_decode(const uint8_t *buf, size_t len, struct image *img,
		 char *err, size_t errlen);

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

#endif
