/* What the harnesses share, with libFuzzer as with fuzz/driver.c. */
#include <stdlib.h>
#include <string.h>

#include "cpu/vm.h"
#include "fuzz/fuzz.h"
#include "state/ckpt.h"

char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

void fuzz_apply_and_run(const struct ckpt *ck, uint64_t steps)
{
	char err[512];
	struct vm_config cfg = { .ram_size = ck->conf.ram_size,
				 .mmu = (enum mmu_mode)ck->conf.mmu,
				 .on_brk = (enum vm_brk_mode)ck->conf.on_brk };
	for (int i = 0; i < 6; i++)
		cfg.mac[i] = ck->conf.mac[i];
	/* A lab's machine has a balloon (its bitmap: extra state). */
	for (uint32_t i = 0; i < ck->ndev; i++)
		if (!strcmp(ck->dev[i].name, "balloon"))
			cfg.balloon = true;
	if (cfg.ram_size > (4u << 20))
		return;
	struct vm *vm = vm_create(&cfg, err, sizeof err);
	if (vm && ckpt_apply(ck, vm, CKPT_CHANGED_DISKS, err, sizeof err) == 0)
		vm_run(vm, steps);
	vm_destroy(vm);
}
