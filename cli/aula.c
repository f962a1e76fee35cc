/*
 * aula: one binary, subcommands (aula(1)).  This folder is the command
 * line and nothing else: main and the command table are here, each
 * subcommand is one cmd_*.c, and each turns options into calls on the
 * folders below it (grade/, monitor/, host/, net/, state/, asm/ and the
 * core), which never call back up into cli/.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as.h"
#include "config.h"
#include "cli/cmd.h"
#include "state/dump.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "run an image or assembly source headless" },
	{ "debug", cmd_debug, "run a program under the monitor, a debugger" },
	{ "as", cmd_as, "assemble a source file into an image" },
	{ "dis", cmd_dis, "disassemble an image or a raw binary" },
	{ "disk", cmd_disk, "create or inspect a raw disk image" },
	{ "grade", cmd_grade, "run tests on many programs, report points" },
	{ "hub", cmd_hub, "run a virtual LAN's switch for aula run --nic" },
	{ "checkpoint", cmd_checkpoint, "show what a saved machine holds" },
};

void cmd_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("aula: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

bool cmd_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s || *s == '-')
		return false;
	unsigned long long v = strtoull(s, &end, 0);
	if (*end)
		return false;
	*out = v;
	return true;
}

bool cmd_parse_size(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s || *s == '-')
		return false;
	unsigned long long v = strtoull(s, &end, 0), mul = 1;
	if (end == s)
		return false;
	switch (*end) {
	case 0: break;
	case 'k': case 'K': mul = 1ull << 10; end++; break;
	case 'm': case 'M': mul = 1ull << 20; end++; break;
	case 'g': case 'G': mul = 1ull << 30; end++; break;
	default: return false;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || v > (1ull << 40) / mul)
		return false;
	*out = v * mul;
	return true;
}

int cmd_load_program(const char *path, struct image *img)
{
	char err[512];
	if (image_sniff(path)) {
		if (image_read(path, img, err, sizeof err) == 0)
			return 0;
		cmd_error("%s", err);
		return -1;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		cmd_error("%s: cannot open: %m", path);
		return -1;
	}
	fclose(f);
	int errors = as_assemble(path, NULL, NULL, stderr, img);
	if (errors) {
		const char *dot = strrchr(path, '.');
		bool source = dot && (!strcmp(dot, ".s") || !strcmp(dot, ".S") ||
				      !strcmp(dot, ".asm"));
		cmd_error("%s: %d error%s in assembly%s", path, errors,
			  errors == 1 ? "" : "s",
			  source ? "" : " (it is not an Aula image either)");
		return -1;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: aula COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(f, "  %-6s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n'aula COMMAND --help' for one command; man aula for "
		"all of them.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return DUMP_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("aula %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	cmd_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return DUMP_EXIT_USAGE;
}
