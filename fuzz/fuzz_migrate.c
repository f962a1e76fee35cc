/*
 * libFuzzer harness for the live-migration stream (docs/migration.md):
 * any bytes go through mig_dst_feed in chunks whose sizes come from the
 * input's first byte, so that a record split at every point is parsed as
 * one that came whole; a stream that completes is applied to a machine of
 * its configuration and run a little.  Never a crash, a hang or a read out
 * of bounds -- whatever a peer that connected to --incoming sends.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpu/vm.h"
#include "fuzz/fuzz.h"
#include "state/migrate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t chunk = (size_t)data[0] * 37 + 1;
	data++, size--;
	struct mig_dst *d = malloc(sizeof *d);
	if (!d)
		return 0;
	mig_dst_init(d);
	char err[768];
	enum mig_feed f = MIG_DST_MORE;
	for (size_t off = 0; off < size && f == MIG_DST_MORE; off += chunk)
		f = mig_dst_feed(d, data + off,
				 size - off < chunk ? size - off : chunk, err,
				 sizeof err);
	struct ckpt ck;
	if (f == MIG_DST_DONE && mig_dst_take(d, &ck) == 0) {
		fuzz_apply_and_run(&ck, 10000);
		ckpt_free(&ck);
	}
	mig_dst_free(d);
	free(d);
	return 0;
}
