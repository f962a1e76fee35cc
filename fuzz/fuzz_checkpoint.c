/*
 * libFuzzer harness for the checkpoint loader (docs/checkpoint-format.md):
 * any bytes go through ckpt_decode; what decodes is applied to a machine
 * of the configuration it names and run a little, so that a forged file
 * with good CRCs must be refused or leave a machine that runs -- never a
 * crash, a hang or a read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>

#include "cpu/vm.h"
#include "fuzz/fuzz.h"
#include "state/ckpt.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ckpt ck;
	char err[512];
	if (ckpt_decode(&ck, data, size, err, sizeof err))
		return 0;
	struct vm_config cfg = { .ram_size = ck.conf.ram_size,
				 .mmu = (enum mmu_mode)ck.conf.mmu,
				 .on_brk = (enum vm_brk_mode)ck.conf.on_brk };
	for (int i = 0; i < 6; i++)
		cfg.mac[i] = ck.conf.mac[i];
	/* Big machines cost the fuzzer time and memory, not coverage. */
	if (cfg.ram_size <= (4u << 20)) {
		struct vm *vm = vm_create(&cfg, err, sizeof err);
		if (vm && ckpt_apply(&ck, vm, CKPT_CHANGED_DISKS, err,
				     sizeof err) == 0)
			vm_run(vm, 10000);
		vm_destroy(vm);
	}
	ckpt_free(&ck);
	return 0;
}
