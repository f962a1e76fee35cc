/*
 * libFuzzer harness: the assembler (aula-as(1)) on hostile source text,
 * macros, .rept and .if included.  Any input must end in an image or in
 * error messages, within the documented bounds, never in a crash.  The
 * source is assembled under the name fuzz.s in the current directory, so
 * .include and .incbin can reach only that directory's tree.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	FILE *errs = fopen("/dev/null", "w");
	struct image img;
	struct as_options opt = { 0 };
	if (errs && as_assemble_opts("fuzz.s", text, &opt, errs, &img) == 0)
		image_free(&img);
	if (errs)
		fclose(errs);
	free(text);
	return 0;
}
