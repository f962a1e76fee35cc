/*
 * aula grade TEST... -- SUBMISSION...: every test on every submission,
 * each on a fresh machine, in worker processes (aula-grade(1)).
 *
 * The results live in shared memory (cli/grade_pairs.h), a record per
 * pair in (submission, test) order.  A unit is one submission, loaded
 * once, on a range of its tests in order; a pool of long-lived workers
 * claims units one after another, marking each result done as it ends.
 * A worker that dies was running the first pair of its unit not yet done:
 * that pair is charged and a new worker runs the rest.  The reports are
 * written by the parent once every worker has ended, from the records
 * alone, so that they do not depend on the number of workers or on which
 * finished first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/grade_pairs.h"
#include "cli/grade_pool.h"
#include "cli/outfile.h"
#include "state/dump.h"
#include "grade/grade.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: aula grade [OPTIONS] TEST... -- SUBMISSION...\n"
		"       aula grade --merge [OPTIONS] REPORT.json...\n"
		"Run every test (a monitor script under a header) on every\n"
		"submission (an image or an assembly source), each on a fresh\n"
		"machine, and print a table of the points.\n\n"
		"  -j, --jobs N      N runs at a time (default: the cores)\n"
		"      --json FILE   the results as JSON\n"
		"      --csv FILE    a gradebook: a row per submission\n"
		"      --csv-safe    cells starting = + - @ get a ' first\n"
		"      --junit FILE  JUnit XML, a test suite per submission\n"
		"      --tap         TAP on standard output, not the table\n"
		"      --shard K/N   only submissions K, K+N, K+2N...\n"
		"      --cpu-limit S host CPU seconds per run (60; 0: none)\n"
		"      --mem-limit M host MiB per run (1024; 0: none)\n"
		"      --setup-each  run a test's setup (# from:) before it,\n"
		"                    not from the setup's checkpoint\n"
		"      --recycle N   a new worker process after every N\n"
		"                    submissions (0: workers live on)\n"
		"      --merge       the arguments are the --json reports of\n"
		"                    shards: report on the whole class\n"
		"  -h, --help        this help\n\n"
		"The test file format: %s.\n", cmd_man("aula-grade"));
}

struct grade_outputs {
	const char *json, *csv, *junit;
	bool tap, csv_safe;
};

/* Through a temporary file renamed into place: a report is whole, or the
 * old one is left as it was. */
static int write_report(const char *path, const struct grade_run_set *s,
			void (*fn)(FILE *, const struct grade_run_set *))
{
	struct out_temp o;
	if (out_temp_open(&o, path)) {
		cmd_error("%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	fn(o.f, s);
	if (ferror(o.f) || out_temp_commit(&o) != 0) {
		cmd_error("%s: cannot write: %s", path, strerror(errno));
		out_temp_abort(&o);
		return -1;
	}
	return 0;
}

/* Whether the file at path may be replaced by a report that starts with
 * magic: it does not exist, is empty, is not a regular file, or is a
 * report of the same kind.  So "--csv a.t b.t --", the report's name
 * forgotten, does not overwrite the test a.t. */
static bool report_replaceable(const char *path, const char *magic)
{
	char head[64] = "";
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	size_t n = fread(head, 1, sizeof head - 1, f);
	fclose(f);
	head[n] = 0;
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || n == 0)
		return true;
	return strncmp(head, magic, strlen(magic)) == 0;
}

/* No report may overwrite a test, a submission or a shard's report, or a
 * file that is not a report of its kind: 0, or -1 after saying which. */
static int reports_spare_inputs(const struct grade_outputs *o,
				char *const *tests, int ntests,
				char *const *subs, int nsubs, const char *what)
{
	const char *const outs[3][2] = { { "--json", o->json },
					 { "--csv", o->csv },
					 { "--junit", o->junit } };
	int n = ntests + nsubs;
	struct out_input *in = calloc((size_t)n + 1, sizeof *in);
	if (!in)
		return 0;
	for (int i = 0; i < ntests; i++)
		in[i] = (struct out_input){ what, tests[i] };
	for (int i = 0; i < nsubs; i++)
		in[ntests + i] = (struct out_input){ "the submission",
						     subs[i] };
	static const char *const magic[3] = {
		"{\n  \"format\": \"aula-grade\"", "submission,",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>" };
	int rc = 0;
	for (int k = 0; k < 3 && rc == 0; k++) {
		rc = out_same_input(outs[k][0], outs[k][1], in, n);
		if (rc == 0 && outs[k][1] &&
		    !report_replaceable(outs[k][1], magic[k])) {
			cmd_error("%s %s: the file exists and is not a report of "
				  "aula grade; refusing to overwrite it (remove "
				  "it first)", outs[k][0], outs[k][1]);
			rc = -1;
		}
	}
	free(in);
	return rc;
}

/* Read the setups the tests name (# from:), each file once (by its
 * device and inode), and point each test at its own: 0, or -1 with the
 * messages said. */
static int read_setups(struct grade_test *tests, int ntests,
		       struct grade_test **setups, int *nsetups)
{
	struct grade_test *v = calloc((size_t)ntests, sizeof *v);
	struct stat *ids = calloc((size_t)ntests, sizeof *ids);
	int n = 0, rc = 0;
	*setups = v;
	*nsetups = 0;
	if (!v || !ids) {
		free(ids);
		cmd_error("out of memory");
		return -1;
	}
	for (int i = 0; i < ntests && rc == 0; i++) {
		struct grade_test *t = &tests[i];
		struct stat st;
		if (!t->from)
			continue;
		if (stat(t->from, &st)) {
			cmd_error("%s: # from: %s: %s", t->path, t->from,
				  strerror(errno));
			rc = -1;
			break;
		}
		int k = 0;
		while (k < n && (ids[k].st_dev != st.st_dev ||
				 ids[k].st_ino != st.st_ino))
			k++;
		if (k == n) {
			char err[1024];
			if (grade_setup_read(t->from, &v[n], err, sizeof err)) {
				cmd_error("%s", err);
				grade_test_free(&v[n]);
				rc = -1;
				break;
			}
			ids[n++] = st;
		}
		t->setup = &v[k];
		t->setup_index = k;
	}
	free(ids);
	*nsetups = n;
	return rc;
}

/* The table or TAP, then the report files: 0, or DUMP_EXIT_HOST. */
static int report(const struct grade_run_set *set,
		  const struct grade_outputs *o)
{
	if (o->tap)
		grade_report_tap(stdout, set);
	else
		grade_report_table(stdout, set);
	if ((o->json && write_report(o->json, set, grade_report_json)) ||
	    (o->csv && write_report(o->csv, set, grade_report_csv)) ||
	    (o->junit && write_report(o->junit, set, grade_report_junit)))
		return DUMP_EXIT_HOST;
	return 0;
}

static int merge_main(char *const *files, int nfiles,
		      const struct grade_outputs *o)
{
	struct grade_merge m;
	char err[1024];
	if (nfiles <= 0) {
		cmd_error("grade --merge: give the shards' --json reports");
		return DUMP_EXIT_USAGE;
	}
	int status = 0;
	if (grade_merge_read(&m, files, nfiles, err, sizeof err)) {
		cmd_error("%s", err);
		status = DUMP_EXIT_USAGE;
	} else {
		const struct grade_run_set set = {
			.tests = m.tests, .ntests = m.ntests, .subs = m.subs,
			.nsubs = m.nsubs, .results = m.results, .shard = 1,
			.nshards = 1, .csv_safe = o->csv_safe,
		};
		status = report(&set, o);
	}
	grade_merge_free(&m);
	return status;
}

/* "K/N" with 1 <= K <= N: 0, or -1. */
static int parse_shard(const char *s, unsigned *k, unsigned *n)
{
	char *end;
	unsigned long a = strtoul(s, &end, 10);
	if (end == s || *end != '/')
		return -1;
	const char *p = end + 1;
	unsigned long b = strtoul(p, &end, 10);
	if (end == p || *end || a < 1 || a > b || b > 1000000)
		return -1;
	*k = (unsigned)a;
	*n = (unsigned)b;
	return 0;
}

int cmd_grade(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "json", required_argument, NULL, 'J' },
		{ "csv", required_argument, NULL, 'C' },
		{ "junit", required_argument, NULL, 'U' },
		{ "tap", no_argument, NULL, 'T' },
		{ "shard", required_argument, NULL, 'S' },
		{ "merge", no_argument, NULL, 'M' },
		{ "cpu-limit", required_argument, NULL, 'L' },
		{ "csv-safe", no_argument, NULL, 'F' },
		{ "mem-limit", required_argument, NULL, 'm' },
		{ "setup-each", no_argument, NULL, 'E' },
		{ "recycle", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *json = NULL, *csv = NULL, *junit = NULL;
	bool tap = false, csv_safe = false;
	unsigned shard = 1, nshards = 1;
	bool merge = false;
	struct grade_limits limits = { .cpu = GRADE_CPU_LIMIT,
				       .mem = GRADE_MEM_LIMIT };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t jobs = cores > 0 ? (uint64_t)cores : 1;
	/* Options and tests come before --, submissions after. */
	int dashes = 1;
	while (dashes < argc && strcmp(argv[dashes], "--"))
		dashes++;
	int c;
	while ((c = getopt_long(dashes, argv, "j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			if (!cmd_parse_u64(optarg, &jobs) || jobs == 0 ||
			    jobs > GRADE_MAX_JOBS) {
				cmd_error("-j %s: from 1 to %d jobs", optarg,
					  GRADE_MAX_JOBS);
				return DUMP_EXIT_USAGE;
			}
			break;
		case 'J': json = optarg; break;
		case 'C': csv = optarg; break;
		case 'U': junit = optarg; break;
		case 'T': tap = true; break;
		case 'M': merge = true; break;
		case 'F': csv_safe = true; break;
		case 'E': limits.setup_each = true; break;
		case 'R':
			if (!cmd_parse_u64(optarg, &limits.recycle) ||
			    limits.recycle > 1000000) {
				cmd_error("--recycle %s: submissions per worker, "
					  "0 (no end) to 1000000", optarg);
				return DUMP_EXIT_USAGE;
			}
			break;
		case 'L':
			if (!cmd_parse_u64(optarg, &limits.cpu) ||
			    limits.cpu > 86400) {
				cmd_error("--cpu-limit %s: seconds, from 0 (none) "
					  "to 86400", optarg);
				return DUMP_EXIT_USAGE;
			}
			break;
		case 'm':
			if (!cmd_parse_u64(optarg, &limits.mem) ||
			    (limits.mem && limits.mem < 64) ||
			    limits.mem > (1u << 20)) {
				cmd_error("--mem-limit %s: MiB, 0 (none) or from "
					  "64 to 1048576", optarg);
				return DUMP_EXIT_USAGE;
			}
			break;
		case 'S':
			if (parse_shard(optarg, &shard, &nshards)) {
				cmd_error("--shard %s: K/N, with 1 <= K <= N",
					  optarg);
				return DUMP_EXIT_USAGE;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return DUMP_EXIT_USAGE;
		}
	}
	const struct grade_outputs outs = {
		.json = json, .csv = csv, .junit = junit, .tap = tap,
		.csv_safe = csv_safe };
	if (merge) {
		if (dashes < argc || nshards != 1) {
			cmd_error("grade --merge takes reports: no --, no "
				  "--shard");
			return DUMP_EXIT_USAGE;
		}
		if (reports_spare_inputs(&outs, argv + optind, dashes - optind,
					 NULL, 0, "the shard report"))
			return DUMP_EXIT_USAGE;
		return merge_main(argv + optind, dashes - optind, &outs);
	}
	int ntests = dashes - optind;
	int nsubs = dashes < argc ? argc - dashes - 1 : 0;
	/* A shard keeps every nshards-th submission, from the shard-th. */
	char **sub_args = argv + dashes + 1;
	if (reports_spare_inputs(&outs, argv + optind, ntests > 0 ? ntests : 0,
				 sub_args, nsubs,
				 "the test"))
		return DUMP_EXIT_USAGE;
	int kept = 0;
	for (int i = 0; i < nsubs; i++)
		if ((unsigned)i % nshards == shard - 1)
			sub_args[kept++] = sub_args[i];
	if (nsubs > 0 && kept == 0) {
		cmd_error("--shard %u/%u: no submission falls in this shard",
			  shard, nshards);
		return DUMP_EXIT_USAGE;
	}
	nsubs = kept;
	if (ntests <= 0 || nsubs <= 0) {
		cmd_error("grade: give tests, then --, then submissions");
		usage(stderr);
		return DUMP_EXIT_USAGE;
	}

	struct grade_test *tests = calloc((size_t)ntests, sizeof *tests);
	struct grade_sub *subs = calloc((size_t)nsubs, sizeof *subs);
	if (!tests || !subs) {
		cmd_error("out of memory");
		return DUMP_EXIT_USAGE;
	}
	int status = 0;
	for (int i = 0; i < ntests; i++) {
		char err[1024];
		if (grade_test_read(argv[optind + i], &tests[i], err,
				    sizeof err)) {
			cmd_error("%s", err);
			status = DUMP_EXIT_USAGE;
		}
	}
	/* The setups the tests name, each read once. */
	struct grade_test *setups = NULL;
	if (status == 0 && read_setups(tests, ntests, &setups,
				       &limits.nsetups))
		status = DUMP_EXIT_USAGE;
	for (int i = 0; i < nsubs; i++) {
		subs[i].path = sub_args[i];
		subs[i].loaded = true;
	}
	size_t npairs = (size_t)ntests * (size_t)nsubs;
	struct grade_pairs pairs = { 0 };
	if (status == 0 && pairs_map(&pairs, npairs)) {
		cmd_error("cannot map %zu results: %s", npairs,
			  strerror(errno));
		status = DUMP_EXIT_USAGE;
	}
	struct grade_run_set set = {
		.tests = tests, .ntests = ntests, .subs = subs,
		.nsubs = nsubs, .shard = shard,
		.nshards = nshards, .csv_safe = outs.csv_safe,
	};
	if (jobs > npairs)
		jobs = npairs;
	int stopped = 0;
	if (status == 0 &&
	    pool_grade(&set, &pairs, (int)jobs, &limits, &stopped))
		status = DUMP_EXIT_HOST;
	struct grade_result *res = NULL;
	if (status == 0 && !stopped && !(res = pairs_results(&pairs))) {
		cmd_error("out of memory");
		status = DUMP_EXIT_HOST;
	}
	set.results = res;
	if (status == 0 && !stopped) {
		/* A submission that did not load: its pairs all say why. */
		for (int i = 0; i < nsubs; i++)
			for (int j = 0; j < ntests; j++) {
				const struct grade_result *r =
					&res[(size_t)i * ntests + j];
				if (r->status != GRADE_NO_PROGRAM)
					continue;
				subs[i].loaded = false;
				subs[i].error = strdup(r->detail);
				fprintf(stderr, "aula: %s: %s\n", subs[i].path,
					r->detail);
				break;
			}
		status = report(&set, &outs);
	}
	free(res);
	pairs_unmap(&pairs);
	for (int i = 0; i < ntests; i++)
		grade_test_free(&tests[i]);
	for (int i = 0; i < limits.nsetups; i++)
		grade_test_free(&setups[i]);
	free(setups);
	for (int i = 0; i < nsubs; i++)
		free(subs[i].error);
	if (stopped) {
		/* Nothing is written: die of the signal, as the shell
		 * expects of an interrupted command. */
		fprintf(stderr, "aula: grade: stopped by signal %d (%s); no "
			"report was written\n", stopped, strsignal(stopped));
		free(tests);
		free(subs);
		signal(stopped, SIG_DFL);
		raise(stopped);
		return 128 + stopped;
	}
	free(tests);
	free(subs);
	return status;
}
