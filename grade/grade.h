/*
 * aula grade (aula-grade(1)): test files, one run of a test on a
 * submission, and the reports.  grade/ holds the grader's logic
 * (grade.c: tests and runs; grade_report.c: the report formats;
 * grade_merge.c: merging shards); cli/cmd_grade.c only reads the command
 * line and schedules the workers.
 *
 * A test file is a monitor script under a header:
 *
 *   # name: sum of two numbers      <- header: "# key: value" lines,
 *   # points: 3                        up to the first other line
 *   # budget: 100000
 *   # input: 3 4\n
 *   continue                        <- monitor commands (aula-debug(1))
 *   +1 output contains "7"          <- +N: the line is worth N points
 *   +1 assert r1 == 7 "the sum"
 *   stop poweroff 0                 <- grade's own checks: output, stop
 *
 * Each (submission, test) pair runs on a fresh machine; its result is a
 * fixed-size struct, so that worker processes can fill them in shared
 * memory.
 */
#ifndef AULA_GRADE_H
#define AULA_GRADE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "asm/image.h"

#define GRADE_FORMAT_VERSION 1
#define GRADE_DEFAULT_BUDGET 1000000
#define GRADE_DETAIL_MAX 4096
#define GRADE_NAME_MAX 128
#define GRADE_INPUT_MAX 4096

/* A test file is read once, at load, into a plan of these: every line
 * checked, so that a typo fails the load rather than every student. */
enum grade_line_kind {
	GRADE_LINE_MONITOR,	/* a monitor command, checked by mon_check */
	GRADE_LINE_CHECK,	/* output, memory or stop: grade's own */
	GRADE_LINE_RUNLIMIT,	/* runlimit N|off, kept by grade */
};

struct grade_check;

struct grade_line {
	int lineno;		/* in the test file */
	unsigned points;	/* +N, or 0 */
	char *text;		/* the command, without +N */
	enum grade_line_kind kind;
	struct grade_check *check;	/* GRADE_LINE_CHECK, parsed */
	uint64_t runlimit;		/* GRADE_LINE_RUNLIMIT; 0: off */
};

struct grade_test {
	char *path;
	char id[GRADE_NAME_MAX];	/* the file name without directory
					 * and extension */
	char name[GRADE_NAME_MAX];
	unsigned points;	/* the whole test */
	unsigned line_points;	/* the sum of the +N */
	uint64_t budget;
	char input[GRADE_INPUT_MAX];
	size_t input_len;
	char applies[GRADE_NAME_MAX];	/* a glob, or "" for every one */
	struct grade_line *lines;
	int nlines;
	/* A line goes back in time (reverse-step, goto): only then does the
	 * run keep a timeline, whose checkpoints cost more than most tests. */
	bool goes_back;
	/* # from: the setup file, resolved against the test's directory,
	 * or NULL.  The caller reads it (grade_setup_read) and points
	 * setup at it; setup_index numbers the caller's setups. */
	char *from;
	const struct grade_test *setup;
	int setup_index;
	bool is_setup;		/* read by grade_setup_read */
};

/* Read and check a test file into its plan: 0, or -1 with
 * "file:line:col: message" in err. */
int grade_test_read(const char *path, struct grade_test *t, char *err,
		    size_t errlen);
/* A setup file (aula-grade(1), Setups): budget, input, and monitor
 * commands only.  0, or -1 with "file:line:col: message" in err. */
int grade_setup_read(const char *path, struct grade_test *t, char *err,
		     size_t errlen);
void grade_test_free(struct grade_test *t);
/* Whether the test applies to the submission (by its file name). */
bool grade_test_applies(const struct grade_test *t, const char *sub);

enum grade_status {
	GRADE_PASS,		/* every line held */
	GRADE_FAIL,		/* some check did not hold */
	GRADE_BUDGET,		/* the budget ran out */
	GRADE_CRASH,		/* the guest crashed (double fault) */
	GRADE_NOT_APPLICABLE,	/* # applies: excludes the submission */
	GRADE_NO_PROGRAM,	/* the submission did not load */
	GRADE_INTERNAL,		/* the worker died: a bug of ours */
};
extern const char *const grade_status_names[];

/* What a pair came to, as the reports read it.  The detail's text lives
 * elsewhere (aula grade: the text its workers wrote; --merge: the heap),
 * so that a class's results are small: most pairs have no detail. */
struct grade_result {
	bool done;
	enum grade_status status;
	unsigned points;
	uint64_t insns;		/* when the test ended */
	char stop[32];		/* the stop reason then */
	/* What failed: each line, expected vs actual ("" or NULL: none). */
	const char *detail;
};

/* A result being made: the record, and its detail's text, to which
 * r.detail points (len bytes, always NUL-terminated). */
struct grade_outcome {
	struct grade_result r;
	size_t len;
	char text[GRADE_DETAIL_MAX];
};
/* Empty: no detail, r.detail pointing to text. */
void grade_outcome_clear(struct grade_outcome *o);
/* Append to the detail, cut at GRADE_DETAIL_MAX - 1 bytes. */
void grade_detail_add(struct grade_outcome *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Empty but for status and a detail: a pair that could not run. */
void grade_outcome_failed(struct grade_outcome *o, enum grade_status status,
			  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct ckpt;

/* Where the tests of a setup start, for one submission: the machine when
 * the setup ended, or why it did not. */
struct grade_start {
	bool ran;			/* grade_setup_run has filled it */
	struct ckpt *ck;		/* the checkpoint, or NULL: */
	struct grade_outcome failed;	/* what every test of the setup
					 * reports then */
};
/* What a worker keeps from one run to the next (the buffers a run's
 * console and monitor write to; never a machine).  NULL: out of memory.
 * Where a run takes one, NULL makes it its own. */
struct grade_env;
struct grade_env *grade_env_new(void);
void grade_env_free(struct grade_env *env);

/* Run a setup on the program img, into st (free it with
 * grade_start_free). */
void grade_setup_run(const struct grade_test *setup, const struct image *img,
		     const char *sub, struct grade_env *env,
		     struct grade_start *st);
void grade_start_free(struct grade_start *st);

/* Run test t on the program img, into o: from the machine's reset; from
 * its setup's start when from is given; or, when t has a setup and from is
 * NULL, running the setup's lines first in the same session
 * (--setup-each), which must give the same result. */
void grade_run(const struct grade_test *t, const struct image *img,
	       const char *sub, const struct grade_start *from,
	       struct grade_env *env, struct grade_outcome *o);

/* A submission: the program, or why there is none. */
struct grade_sub {
	const char *path;
	bool loaded;
	struct image img;
	/* Why it did not load (assembler messages, at most GRADE_DETAIL_MAX
	 * - 1 bytes), malloc'd; NULL if it loaded (or no memory was left to
	 * say why).  Not an array: a class of submissions stays small. */
	char *error;
};

/* Load an image or assemble a source; false with the messages in
 * s->error. */
bool grade_sub_load(struct grade_sub *s);

/* The reports; results[i * ntests + j] is submission i on test j. */
struct grade_run_set {
	const struct grade_test *tests;
	int ntests;
	const struct grade_sub *subs;
	int nsubs;
	const struct grade_result *results;
	unsigned shard, nshards;	/* --shard K/N, or 1/1 */
	bool csv_safe;			/* --csv-safe */
};

/* --merge: the JSON reports of the N shards of a class, in any order,
 * back in the order of its command line. */
struct grade_merge {
	struct grade_test *tests;	/* only id, name, path, points,
					 * budget */
	int ntests;
	bool ntests_known;
	struct grade_sub *subs;		/* path and error; no image */
	int nsubs;
	struct grade_result *results;
};
int grade_merge_read(struct grade_merge *m, char *const *files, int nfiles,
		     char *err, size_t errlen);
void grade_merge_free(struct grade_merge *m);

void grade_report_table(FILE *f, const struct grade_run_set *s);
void grade_report_json(FILE *f, const struct grade_run_set *s);
void grade_report_csv(FILE *f, const struct grade_run_set *s);
void grade_report_junit(FILE *f, const struct grade_run_set *s);
void grade_report_tap(FILE *f, const struct grade_run_set *s);

#endif
