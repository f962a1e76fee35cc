/*
 * A grade test file: read and checked into its plan (grade_test_read)
 * and, when it loads, run on a small program with its budget capped, as
 * one worker of aula grade would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asm/as.h"
#include "fuzz/fuzz.h"
#include "grade/grade.h"

static const char prog[] =
	"_start: li r1, 'o'\n"
	"        out r1, 0x10(r0)\n"
	"        li r1, 'k'\n"
	"        out r1, 0x10(r0)\n"
	"        in r2, 0x10(r0)\n"
	"        out r0, 0(r0)\n"
	"result: .word 42\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct image img;
	static char path[64];
	if (!path[0]) {
		FILE *null = fopen("/dev/null", "w");
		if (as_assemble("prog.s", prog, NULL, null, &img) != 0)
			abort();
		fclose(null);
		snprintf(path, sizeof path, "/tmp/aula-fuzz-grade.%ld.t",
			 (long)getpid());
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	struct grade_test t;
	char err[1024];
	if (grade_test_read(path, &t, err, sizeof err) == 0) {
		struct grade_result *r = malloc(sizeof *r);
		if (t.budget > 50000)
			t.budget = 50000;
		if (r)
			grade_run(&t, &img, "prog.s", r);
		free(r);
	}
	grade_test_free(&t);
	unlink(path);
	return 0;
}
