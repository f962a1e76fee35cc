/* aula checkpoint info FILE: what a checkpoint holds
 * (docs/checkpoint-format.md). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cmd.h"
#include "state/ckpt.h"
#include "state/dump.h"

static void checkpoint_usage(FILE *f)
{
	fprintf(f, "usage: aula checkpoint info FILE\n"
		   "  what the checkpoint FILE holds: the machine, when it was "
		   "taken, its size,\n  the CPU, every device and the pending "
		   "events\n");
}

int cmd_checkpoint(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "-h"))) {
		checkpoint_usage(stdout);
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "info")) {
		checkpoint_usage(stderr);
		return DUMP_EXIT_USAGE;
	}
	struct ckpt ck;
	char err[1024];
	struct stat st;
	if (ckpt_read_file(&ck, argv[2], err, sizeof err)) {
		cmd_error("%s", err);
		return DUMP_EXIT_USAGE;
	}
	printf("file:     %s, %lld bytes\n", argv[2],
	       stat(argv[2], &st) == 0 ? (long long)st.st_size : -1LL);
	ckpt_describe(&ck, stdout);
	ckpt_free(&ck);
	return 0;
}
