/*
 * aula: one binary, subcommands (aula(1)).  This folder is the command
 * line and nothing else: main and the command table are here, each
 * subcommand is one cmd_*.c, and each turns options into calls on the
 * folders below it (grade/, monitor/, host/, net/, state/, asm/ and the
 * core), which never call back up into cli/.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
	{ "disk", cmd_disk, "make, inspect, clone and commit disk images (raw, qcow2)" },
	{ "grade", cmd_grade, "run tests on many programs, report points" },
	{ "hub", cmd_hub, "run a virtual LAN's switch for aula run --nic" },
	{ "checkpoint", cmd_checkpoint, "show what a saved machine holds" },
	{ "lab", cmd_lab, "run many machines on one clock, CPUs and LAN" },
};

/* The last message, for a caller that must pass it on (the answer of
 * aula run --incoming to the source).  One process, one front end: this
 * is not core state. */
static char last_error[512];

void cmd_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	fprintf(stderr, "aula: %s\n", last_error);
}

const char *cmd_last_error(void)
{
	return last_error[0] ? last_error : "it failed (no message)";
}

bool cmd_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	/* strtoull would take " -5" for 2^64 - 5. */
	if (!s || !isdigit((unsigned char)*s))
		return false;
	/* strtoull saturates: 2^64 would silently mean 2^64 - 1, which
	 * for --max-insns is no budget at all. */
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (*end || end == s || errno == ERANGE)
		return false;
	*out = v;
	return true;
}

bool cmd_parse_size(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0), mul = 1;
	if (end == s || errno == ERANGE)
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

/* The -I directories: set once by option parsing, before anything is
 * assembled, and read by cmd_load_program. */
#define CMD_MAX_INCLUDE_DIRS 64
static const char *include_dirs[CMD_MAX_INCLUDE_DIRS];
static int ninclude_dirs;

int cmd_add_include_dir(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cmd_error("-I %s: not a directory", dir);
		return -1;
	}
	if (ninclude_dirs == CMD_MAX_INCLUDE_DIRS) {
		cmd_error("-I: at most %d directories", CMD_MAX_INCLUDE_DIRS);
		return -1;
	}
	include_dirs[ninclude_dirs++] = dir;
	return 0;
}

/* The command line's own sources (aula run, as, debug) may also read
 * below the current directory, as GNU as searches it: a user who types
 * `aula run examples/syscall/syscall.s` in a source tree means the tree.
 * aula grade never asks for this list, so a submission reads only its own
 * directory tree and the -I directories (docs/security.md). */
void cmd_include_dirs(const char *const **dirs, int *ndirs)
{
	static const char *with_cwd[CMD_MAX_INCLUDE_DIRS + 1];
	for (int i = 0; i < ninclude_dirs; i++)
		with_cwd[i] = include_dirs[i];
	with_cwd[ninclude_dirs] = ".";
	*dirs = with_cwd;
	*ndirs = ninclude_dirs + 1;
}

static uint64_t ram_limit;	/* 0: none (aula dis) */

void cmd_set_ram_limit(uint64_t ram)
{
	ram_limit = ram;
}

int cmd_load_program(const char *path, struct image *img)
{
	char err[512];
	int errors;
	struct as_options opt = { 0 };
	cmd_include_dirs(&opt.include_dirs, &opt.ninclude_dirs);
	switch (as_load_program(path, ram_limit, &opt, stderr, img, &errors,
				err, sizeof err)) {
	case AS_PROGRAM_OK:
		return 0;
	case AS_PROGRAM_UNREADABLE:
	case AS_PROGRAM_BAD_IMAGE:
		cmd_error("%s: %s", path, err);
		return -1;
	case AS_PROGRAM_ASSEMBLY:
		break;
	}
	const char *dot = strrchr(path, '.');
	bool source = dot && (!strcmp(dot, ".s") || !strcmp(dot, ".S") ||
			      !strcmp(dot, ".asm"));
	cmd_error("%s: %d error%s in assembly%s", path, errors,
		  errors == 1 ? "" : "s",
		  source ? "" : " (it is not an Aula image either)");
	return -1;
}

const char *cmd_man(const char *page)
{
	static char buf[4300];
	char exe[4096], src[4200];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
	}
	snprintf(buf, sizeof buf, "man %s", page);
	if (n <= 0 || !strcmp(exe, AULA_BINDIR))
		return buf;
	/* The page's section: commands 1, file formats 5, the ISA 7. */
	for (const char *sec = "157"; *sec; sec++) {
		snprintf(src, sizeof src, "%s/man/%s.%c", AULA_SRCDIR, page,
			 *sec);
		if (access(src, R_OK) == 0) {
			snprintf(buf, sizeof buf, "man -l %s", src);
			break;
		}
	}
	return buf;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: aula COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(f, "  %-11s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n'aula COMMAND --help' for one command; %s for all of "
		"them.\n", cmd_man("aula"));
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
