/*
 * A grade test file: read and checked into its plan (grade_test_read)
 * and, when it loads, run on a small program with its budget capped, as
 * one worker of aula grade would; then read as a setup (grade_setup_read),
 * run, and a test started from its checkpoint.
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
		struct grade_outcome *r = malloc(sizeof *r);
		if (t.budget > 50000)
			t.budget = 50000;
		if (r)
			grade_run(&t, &img, "prog.s", NULL, NULL, r);
		free(r);
	}
	grade_test_free(&t);
	/* The same bytes as a setup, and a test started from it. */
	struct grade_test st;
	if (grade_setup_read(path, &st, err, sizeof err) == 0) {
		struct grade_start *start = malloc(sizeof *start);
		struct grade_outcome *r = malloc(sizeof *r);
		if (st.budget > 50000)
			st.budget = 50000;
		if (start && r) {
			static const struct grade_line stop = {
				.lineno = 1, .text = "continue",
				.kind = GRADE_LINE_MONITOR };
			struct grade_test t2 = { .path = "fuzz.t",
						 .points = 1, .budget = 1000,
						 .lines = (struct grade_line *)
							  &stop,
						 .nlines = 1, .setup = &st };
			/* One env for both, as a worker keeps it. */
			struct grade_env *env = grade_env_new();
			grade_setup_run(&st, &img, "prog.s", env, start);
			grade_run(&t2, &img, "prog.s", start, env, r);
			grade_env_free(env);
			grade_start_free(start);
		}
		free(start);
		free(r);
	}
	grade_test_free(&st);
	unlink(path);
	return 0;
}
