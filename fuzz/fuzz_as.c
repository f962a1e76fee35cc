/* The assembler, through its public API, on hostile source text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	/* An .include reads host files (its rules are asm/'s, tested in
	 * test_as_errors): the fuzzer stays in memory. */
	if (strstr(text, "include")) {
		free(text);
		return 0;
	}
	FILE *null = fopen("/dev/null", "w");
	struct image img;
	if (null && as_assemble("fuzz.s", text, null, null, &img) == 0)
		image_free(&img);
	if (null)
		fclose(null);
	free(text);
	return 0;
}
