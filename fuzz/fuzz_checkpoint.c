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
	fuzz_apply_and_run(&ck, 10000);
	ckpt_free(&ck);
	return 0;
}
