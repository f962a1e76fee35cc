/* The image loader on hostile bytes: decode, then load into a machine of
 * a small RAM, as aula run and aula grade do. */
#include <stdio.h>
#include <stdlib.h>

#include "asm/image.h"
#include "cpu/vm.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image img;
	char err[512];
	if (image_decode(data, size, &img, err, sizeof err) != 0)
		return 0;
	const struct vm_config cfg = { .ram_size = 1u << 20 };
	struct vm *vm = vm_create(&cfg, err, sizeof err);
	if (vm) {
		if (image_load(&img, vm, err, sizeof err) == 0)
			vm_run(vm, 1000);
		vm_destroy(vm);
	}
	/* And back: what was read can be written. */
	size_t len;
	uint8_t *buf = image_encode(&img, 0, &len);
	free(buf);
	image_free(&img);
	return 0;
}
