/*
 * Monitor command lines on a live machine: each line of the input runs
 * on one monitor, on a program with a loop, a call, a timer interrupt and
 * console output.  Commands that would touch host files (source, trace
 * to a file) or lift the run limit are left out, and every line runs
 * under a runlimit, so that an input costs a bounded time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as.h"
#include "fuzz/fuzz.h"
#include "monitor/mon_int.h"

static const char prog[] =
	"_start: la r1, vectors\n"
	"        mtcr vbr, r1\n"
	"        la r2, tick\n"
	"        stw r2, 64(r1)\n"
	"        li r1, 500\n"
	"        out r1, 0x31(r0)\n"
	"        li r1, 3\n"
	"        out r1, 0x30(r0)\n"
	"        ei\n"
	"loop:   li r3, 'a'\n"
	"        out r3, 0x10(r0)\n"
	"        call f\n"
	"        halt\n"
	"        br loop\n"
	"f:      addi r4, r4, 1\n"
	"        ret\n"
	"tick:   li r1, 1\n"
	"        out r1, 0x33(r0)\n"
	"        li r1, 0\n"
	"        out r1, 0x23(r0)\n"
	"        rti\n"
	"        .align 4\n"
	"vectors: .space 1024\n"
	"data:   .word 1, 2, 3, 4\n";

static bool allowed(const char *line)
{
	const char *p = line;
	while (*p == ' ' || *p == '\t' || *p == '-')
		p++;
	size_t n = strcspn(p, " \t/");
	const struct mon_cmd *cmd;
	if (mon_cmd_lookup(p, n, &cmd) == 1 &&
	    (cmd->fn == mon_cmd_source || cmd->fn == mon_cmd_trace ||
	     cmd->fn == mon_cmd_runlimit))
		return false;
	/* expect ... within N has a limit of its own. */
	return !strstr(line, "within");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct image img;
	static bool have_img;
	char err[256];
	if (!have_img) {
		FILE *null = fopen("/dev/null", "w");
		if (as_assemble("prog.s", prog, NULL, null, &img) != 0)
			abort();
		fclose(null);
		have_img = true;
	}
	FILE *out = fopen("/dev/null", "w");
	if (!out)
		return 0;
	const struct mon_config cfg = { .img = &img, .program = "prog.s",
					.out = out, .batch = true,
					.quiet = true, .runlimit = 20000,
					.vm = { .ram_size = 1u << 20 } };
	struct mon *m = mon_create(&cfg, err, sizeof err);
	if (!m)
		abort();
	char *text = fuzz_string(data, size);
	int lines = 0;
	for (char *line = text, *next; line && lines < 64; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lines++;
		if (!allowed(line))
			continue;
		mon_exec(m, "runlimit 20000");
		mon_exec(m, line);
	}
	free(text);
	mon_destroy(m);
	fclose(out);
	return 0;
}
