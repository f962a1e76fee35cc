/*
 * libFuzzer harness: the image decoder (docs/image-format.md), versions 1
 * and 2, on hostile bytes.  A decoded image must also encode, decode to
 * the same line count, and answer every look-up without a crash.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ibuild/check \
 *     fuzz/fuzz_image.c asm/image.c asm/image_use.c ... -lz
 * (or make fuzz, once the fuzz/ infrastructure of issue 10 is in).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "asm/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image img, again;
	char err[256];
	if (image_decode_limit(data, size, 16u << 20, &img, err,
			       sizeof err) != 0)
		return 0;
	for (uint32_t i = 0; i < img.nseg; i++) {
		(void)image_symbol_at(&img, img.seg[i].addr);
		(void)image_line_at(&img, img.seg[i].load);
		(void)image_load_addr(&img, img.seg[i].addr);
	}
	size_t len;
	uint8_t *buf = image_encode(&img, 0, &len);
	if (buf && image_decode(buf, len, &again, err, sizeof err) == 0) {
		if (again.nline != img.nline || again.nseg != img.nseg)
			abort();
		image_free(&again);
	}
	free(buf);
	image_free(&img);
	return 0;
}
