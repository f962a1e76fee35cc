/*
 * aula grade TEST... -- SUBMISSION...: every test on every submission,
 * each on a fresh machine, in worker processes (aula-grade(1)).
 *
 * The results live in one shared anonymous mapping, an array of fixed-size
 * struct grade_result in (submission, test) order; worker w runs the pairs
 * w, w + jobs, w + 2 jobs...  The reports are written by the parent once
 * every worker has ended, from the array alone, so that they do not depend
 * on the number of workers or on which finished first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "state/dump.h"
#include "grade/grade.h"

#define GRADE_MAX_JOBS 256

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
		"      --junit FILE  JUnit XML, a test suite per submission\n"
		"      --tap         TAP on standard output, not the table\n"
		"      --shard K/N   only submissions K, K+N, K+2N...\n"
		"      --merge       the arguments are the --json reports of\n"
		"                    shards: report on the whole class\n"
		"  -h, --help        this help\n\n"
		"The test file format: man aula-grade.\n");
}

static int write_report(const char *path, const struct grade_run_set *s,
			void (*fn)(FILE *, const struct grade_run_set *))
{
	FILE *f = fopen(path, "w");
	if (!f) {
		cmd_error("%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	fn(f, s);
	if (fclose(f) != 0) {
		cmd_error("%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void run_pairs(const struct grade_run_set *s,
		      struct grade_result *res, int worker, int jobs)
{
	int npairs = s->nsubs * s->ntests;
	for (int p = worker; p < npairs; p += jobs) {
		const struct grade_sub *sub = &s->subs[p / s->ntests];
		const struct grade_test *t = &s->tests[p % s->ntests];
		struct grade_result *r = &res[p];
		if (!grade_test_applies(t, sub->path)) {
			memset(r, 0, sizeof *r);
			r->done = true;
			r->status = GRADE_NOT_APPLICABLE;
		} else if (!sub->loaded) {
			memset(r, 0, sizeof *r);
			r->done = true;
			r->status = GRADE_NO_PROGRAM;
			snprintf(r->detail, sizeof r->detail, "%s",
				 sub->error);
		} else {
			grade_run(t, &sub->img, sub->path, r);
		}
	}
}

/* The progress bar, on a terminal only: the workers' results are in
 * shared memory, so the pairs done are counted there. */
static void show_progress(const struct grade_result *res, int npairs)
{
	static const char bar[] = "########################################";
	const int width = (int)sizeof bar - 1;
	int done = 0;
	for (int p = 0; p < npairs; p++)
		done += __atomic_load_n(&res[p].done, __ATOMIC_RELAXED);
	int fill = npairs ? done * width / npairs : width;
	fprintf(stderr, "\rgrading [%.*s%*s] %d/%d runs", fill, bar,
		width - fill, "", done, npairs);
	fflush(stderr);
}

/* Wait for the workers, drawing the progress bar ten times a second. */
static void wait_with_progress(pid_t *pids, int started,
			       const struct grade_result *res, int npairs)
{
	int live = started;
	while (live > 0) {
		show_progress(res, npairs);
		for (int w = 0; w < started; w++)
			if (pids[w] > 0 && waitpid(pids[w], NULL, WNOHANG) ==
						   pids[w]) {
				pids[w] = 0;
				live--;
			}
		if (live > 0) {
			struct timespec tick = { 0, 100000000 };
			nanosleep(&tick, NULL);
		}
	}
	show_progress(res, npairs);
	fputc('\n', stderr);
}

/* Run every pair in jobs worker processes; 0, or -1 if none could
 * start.  A worker that dies leaves its pairs not done. */
static int run_all(const struct grade_run_set *s, struct grade_result *res,
		   int jobs)
{
	pid_t pids[GRADE_MAX_JOBS];
	int started = 0;
	fflush(NULL);
	for (int w = 0; w < jobs; w++) {
		pid_t pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			/* Each run makes and frees a machine: keep the freed
			 * memory mapped for the next instead of giving it back
			 * to the kernel (and faulting it in again) each time. */
			mallopt(M_TRIM_THRESHOLD, 256 << 20);
			mallopt(M_MMAP_THRESHOLD, 64 << 20);
			run_pairs(s, res, w, jobs);
			_exit(0);
		}
		pids[started++] = pid;
	}
	if (started == 0) {
		cmd_error("cannot start a worker: %s", strerror(errno));
		return -1;
	}
	int npairs = s->nsubs * s->ntests;
	if (isatty(STDERR_FILENO))
		wait_with_progress(pids, started, res, npairs);
	else
		for (int w = 0; w < started; w++)
			while (waitpid(pids[w], NULL, 0) < 0 && errno == EINTR)
				;
	/* Pairs of workers that never started run here. */
	if (started < jobs)
		for (int w = started; w < jobs; w++)
			run_pairs(s, res, w, jobs);
	for (int p = 0; p < npairs; p++)
		if (!res[p].done) {
			memset(&res[p], 0, sizeof res[p]);
			res[p].status = GRADE_INTERNAL;
			snprintf(res[p].detail, sizeof res[p].detail,
				 "the worker running this test died (a bug "
				 "in aula: please report it)");
		}
	return 0;
}

struct grade_outputs {
	const char *json, *csv, *junit;
	bool tap;
};

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
			.nshards = 1,
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *json = NULL, *csv = NULL, *junit = NULL;
	bool tap = false;
	unsigned shard = 1, nshards = 1;
	bool merge = false;
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
		.json = json, .csv = csv, .junit = junit, .tap = tap };
	if (merge) {
		if (dashes < argc || nshards != 1) {
			cmd_error("grade --merge takes reports: no --, no "
				  "--shard");
			return DUMP_EXIT_USAGE;
		}
		return merge_main(argv + optind, dashes - optind, &outs);
	}
	int ntests = dashes - optind;
	int nsubs = dashes < argc ? argc - dashes - 1 : 0;
	/* A shard keeps every nshards-th submission, from the shard-th. */
	char **sub_args = argv + dashes + 1;
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
	for (int i = 0; i < nsubs; i++) {
		subs[i].path = sub_args[i];
		if (!grade_sub_load(&subs[i]))
			fprintf(stderr, "aula: %s: %s\n", subs[i].path,
				subs[i].error);
	}
	size_t npairs = (size_t)ntests * (size_t)nsubs;
	struct grade_result *res = MAP_FAILED;
	if (status == 0) {
		res = mmap(NULL, npairs * sizeof *res, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (res == MAP_FAILED) {
			cmd_error("cannot map %zu results: %s", npairs,
				  strerror(errno));
			status = DUMP_EXIT_USAGE;
		}
	}
	const struct grade_run_set set = {
		.tests = tests, .ntests = ntests, .subs = subs,
		.nsubs = nsubs, .results = res, .shard = shard,
		.nshards = nshards,
	};
	if (jobs > npairs)
		jobs = npairs;
	if (status == 0 && run_all(&set, res, (int)jobs))
		status = DUMP_EXIT_HOST;
	if (status == 0)
		status = report(&set, &outs);
	if (res != MAP_FAILED)
		munmap(res, npairs * sizeof *res);
	for (int i = 0; i < ntests; i++)
		grade_test_free(&tests[i]);
	for (int i = 0; i < nsubs; i++)
		if (subs[i].loaded)
			image_free(&subs[i].img);
	free(tests);
	free(subs);
	return status;
}
