/*
 * libFuzzer harness for the recording loader (docs/record-format.md): any
 * bytes go through replay_decode; what decodes is replayed on a machine
 * of its checkpoint's configuration, so that a forged recording must be
 * refused, or replayed and found to diverge -- never a crash or a hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/vm.h"
#include "fuzz/fuzz.h"
#include "state/replay.h"


static void drop(void *opaque, uint8_t byte)
{
	(void)opaque, (void)byte;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay *p = calloc(1, sizeof *p);
	uint8_t *buf = malloc(size ? size : 1);
	char err[512];
	if (!p || !buf) {
		free(p);
		free(buf);
		return 0;
	}
	memcpy(buf, data, size);
	if (replay_decode(p, buf, size, err, sizeof err)) {
		free(p);
		return 0;
	}
	struct vm_config cfg = { .ram_size = p->start.conf.ram_size,
				 .mmu = (enum mmu_mode)p->start.conf.mmu,
				 .on_brk = (enum vm_brk_mode)p->start.conf.on_brk };
	memcpy(cfg.mac, p->start.conf.mac, 6);
	struct vm_console_host out = { .putc = drop };
	replay_hosts(p, &cfg, &out);
	if (cfg.ram_size <= (4u << 20) && !p->start.conf.ndisks) {
		struct vm *vm = vm_create(&cfg, err, sizeof err);
		p->vm = vm;
		if (vm && ckpt_apply(&p->start, vm, 0, err, sizeof err) == 0)
			vm_run(vm, 20000);
		vm_destroy(vm);
	}
	replay_free(p);
	free(p);
	return 0;
}
