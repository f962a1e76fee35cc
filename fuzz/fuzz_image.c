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
	/* The look-ups the monitor and aula dis make (version 2: load
	 * addresses, lines, constants). */
	for (uint32_t i = 0; i < img.nseg; i++) {
		const struct image_symbol *at[4];
		(void)image_symbol_at(&img, img.seg[i].addr);
		(void)image_symbols_equal(&img, img.seg[i].addr, at, 4);
		(void)image_line_at(&img, img.seg[i].load);
		(void)image_load_addr(&img, img.seg[i].addr);
	}
	for (uint32_t i = 0; i < img.ncon; i++)
		(void)image_constant_named(&img, img.con[i].name);
	/* And back: what was read can be written, and reads the same. */
	size_t len;
	uint8_t *buf = image_encode(&img, 0, &len);
	struct image again;
	if (buf && image_decode(buf, len, &again, err, sizeof err) == 0) {
		if (again.nseg != img.nseg || again.nline != img.nline ||
		    again.nsym != img.nsym || again.ncon != img.ncon)
			abort();
		image_free(&again);
	}
	free(buf);
	image_free(&img);
	/* The RAM limit is checked before the body is inflated. */
	if (image_decode_limit(data, size, 1u << 20, &img, err,
			       sizeof err) == 0)
		image_free(&img);
	return 0;
}
