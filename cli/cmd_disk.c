/* aula disk: create and inspect raw disk images (docs/devices.md, 7). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/ports.h"
#include "cli/cmd.h"
#include "host/diskfile.h"
#include "state/dump.h"

static void disk_usage(FILE *f)
{
	fprintf(f,
"usage: aula disk create FILE SIZE [--force]\n"
"       aula disk info FILE\n"
"  create                 make a sparse raw image of SIZE bytes (such as\n"
"                         16M; a multiple of 512)\n"
"  -f, --force            create: replace FILE if it exists (its contents\n"
"                         are lost)\n"
"  info                   print the size, sectors, allocated bytes and\n"
"                         whether the image is writable\n"
"  -h, --help             this summary\n");
}

static int disk_create(const char *path, const char *size_arg, bool force)
{
	uint64_t size;
	char why[128];
	if (!cmd_parse_size(size_arg, &size)) {
		cmd_error("disk create: bad size '%s' (try 16M)", size_arg);
		return DUMP_EXIT_USAGE;
	}
	if (!disk_file_size_ok(size, why, sizeof why)) {
		cmd_error("disk create: %s cannot be a disk: %s", size_arg,
			  why);
		return DUMP_EXIT_USAGE;
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
		      (force ? O_TRUNC : O_EXCL), 0666);
	if (fd < 0) {
		if (errno == EEXIST)
			cmd_error("disk create: %s exists; --force replaces "
				  "it (its contents are lost)", path);
		else
			cmd_error("disk create: %s: %m", path);
		return DUMP_EXIT_USAGE;
	}
	/* Extending with ftruncate writes nothing: the image is sparse,
	 * and reads as zeros. */
	if (ftruncate(fd, (off_t)size) != 0 || fsync(fd) != 0) {
		cmd_error("disk create: %s: %m", path);
		close(fd);
		unlink(path);
		return DUMP_EXIT_USAGE;
	}
	if (close(fd) != 0) {
		cmd_error("disk create: %s: %m", path);
		return DUMP_EXIT_USAGE;
	}
	return 0;
}

static int disk_info(const char *path)
{
	struct stat st;
	char why[128];
	if (stat(path, &st) != 0) {
		cmd_error("disk info: %s: %m", path);
		return DUMP_EXIT_USAGE;
	}
	if (!S_ISREG(st.st_mode)) {
		cmd_error("disk info: %s: not a regular file", path);
		return DUMP_EXIT_USAGE;
	}
	uint64_t size = (uint64_t)st.st_size;
	printf("file=%s\nsize=%llu\nsectors=%llu\nallocated=%llu\n"
	       "writable=%s\n", path, (unsigned long long)size,
	       (unsigned long long)(size / DISK_SECTOR_SIZE),
	       (unsigned long long)st.st_blocks * 512,
	       access(path, W_OK) == 0 ? "yes" : "no");
	if (!disk_file_size_ok(size, why, sizeof why)) {
		cmd_error("disk info: %s cannot be a disk: %s", path, why);
		return DUMP_EXIT_USAGE;
	}
	return 0;
}

int cmd_disk(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, 0, 'f' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	bool force = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'h': disk_usage(stdout); return 0;
		default: disk_usage(stderr); return DUMP_EXIT_USAGE;
		}
	}
	int n = argc - optind;
	const char *what = n > 0 ? argv[optind] : NULL;
	if (what && !strcmp(what, "create") && n == 3)
		return disk_create(argv[optind + 1], argv[optind + 2], force);
	if (what && !strcmp(what, "info") && n == 2 && !force)
		return disk_info(argv[optind + 1]);
	if (!what)
		cmd_error("disk: create or info?");
	else if (!strcmp(what, "create"))
		cmd_error("disk create: expected FILE SIZE");
	else if (!strcmp(what, "info"))
		cmd_error(force ? "disk info: --force is for create only"
				: "disk info: expected one FILE");
	else
		cmd_error("disk: unknown action '%s' (create or info)", what);
	disk_usage(stderr);
	return DUMP_EXIT_USAGE;
}
