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
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/grade_pairs.h"
#include "cli/outfile.h"
#include "state/dump.h"
#include "grade/grade.h"

#define GRADE_MAX_JOBS 256
#define GRADE_CPU_LIMIT 60	/* s of host CPU time per pair */
#define GRADE_MEM_LIMIT 1024	/* MiB of address space per pair */
#define GRADE_REAL_SLACK 30	/* s of real time beyond 4 x the CPU's */

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

/* ---- the workers ---------------------------------------------------------
 *
 * Pairs run in worker processes (docs/security.md, section 3), never in
 * the parent: a worker assembles or loads the submission, runs each test
 * on a new machine, writes the result into the shared array and sets done
 * last.  The parent keeps jobs of them running and learns from waitpid
 * and the pool which pair a dead process held, so a worker that dies -- a
 * limit, a signal, a bug of ours -- costs exactly its own pair.
 */

struct grade_limits {
	uint64_t cpu;		/* seconds of host CPU time; 0: none */
	uint64_t mem;		/* MiB of address space; 0: none */
	bool setup_each;	/* --setup-each */
	int nsetups;		/* the tests' setups, for the worker's cache */
	uint64_t recycle;	/* --recycle: units per worker; 0: no end */
};

/* The signal that stops aula grade (SIGINT, SIGTERM, SIGHUP), or 0. */
static volatile sig_atomic_t grade_stop_signal;

/* The signals that stop aula grade, and what they did before. */
static const int stop_sigs[3] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction stop_old[3];

/* The running workers, pids[w] > 0, for the handler to kill. */
static volatile pid_t grade_pids[GRADE_MAX_JOBS];

static void on_stop_signal(int sig)
{
	grade_stop_signal = sig;
	for (int w = 0; w < GRADE_MAX_JOBS; w++)
		if (grade_pids[w] > 0)
			kill(grade_pids[w], SIGKILL);
}

/* AddressSanitizer reserves terabytes of address space for its shadow:
 * an address-space limit would starve it, so such builds go without. */
#if defined(__SANITIZE_ADDRESS__)
#define GRADE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GRADE_ASAN 1
#endif
#endif

/* The real time a pair may take: generous, so that on a loaded host the
 * CPU limit still comes first. */
static unsigned real_limit(const struct grade_limits *lim)
{
	uint64_t s = lim->cpu * 4 + GRADE_REAL_SLACK;
	return s < UINT_MAX ? (unsigned)s : UINT_MAX;
}

/* The address-space limit, once per worker: every test's machine is
 * freed before the next is made. */
static void set_mem_limit(const struct grade_limits *lim)
{
#ifndef GRADE_ASAN
	if (lim->mem) {
		struct rlimit r = { .rlim_cur = lim->mem << 20,
				    .rlim_max = lim->mem << 20 };
		setrlimit(RLIMIT_AS, &r);
	}
#else
	(void)lim;
#endif
}

/* The CPU time used so far, in whole seconds, rounded up. */
static uint64_t cpu_used(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	uint64_t us = ((uint64_t)ru.ru_utime.tv_sec +
		       (uint64_t)ru.ru_stime.tv_sec) * 1000000 +
		      (uint64_t)ru.ru_utime.tv_usec +
		      (uint64_t)ru.ru_stime.tv_usec;
	return (us + 999999) / 1000000;
}

/* The hard CPU limit of a worker that may run npairs pairs: no pair can
 * reach it through the soft limits below, which each allow at most
 * lim->cpu + 2 s; it is there in case SIGXCPU does not kill. */
static void set_cpu_ceiling(const struct grade_limits *lim, int npairs)
{
	if (!lim->cpu)
		return;
	struct rlimit r;
	getrlimit(RLIMIT_CPU, &r);
	rlim_t ceiling = (rlim_t)(cpu_used() + (uint64_t)npairs *
				  (lim->cpu + 2) + 2);
	if (r.rlim_max == RLIM_INFINITY || ceiling < r.rlim_max)
		r.rlim_max = ceiling;
	r.rlim_cur = r.rlim_max;
	setrlimit(RLIMIT_CPU, &r);
}

/* Real time now, in seconds (no system call: the vDSO answers). */
static double real_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* When this worker last set its limits (real time); 0: never. */
static double armed_at;

/* Before each pair: SIGXCPU (which kills) lim->cpu + 1 seconds after the
 * worker's time so far, and a real-time alarm.  Setting them costs four
 * system calls, more than a short test's run, so a pair that starts
 * within a second of the last setting keeps it: it has used less than a
 * second of CPU and of real time since, so it still has at least
 * lim->cpu seconds of each, and at most 2 more. */
static void arm_pair_limits(const struct grade_limits *lim)
{
	if (!lim->cpu)
		return;
	double now = real_now();
	if (armed_at && now - armed_at < 1.0)
		return;
	armed_at = now;
	struct rlimit r;
	getrlimit(RLIMIT_CPU, &r);
	rlim_t soft = (rlim_t)(cpu_used() + lim->cpu + 1);
	r.rlim_cur = r.rlim_max != RLIM_INFINITY && soft >= r.rlim_max
		     ? r.rlim_max - 1 : soft;
	setrlimit(RLIMIT_CPU, &r);
	/* A pair waiting on something that never comes (a FIFO) uses no
	 * CPU time: real time bounds it too. */
	alarm(real_limit(lim) + 1);
}

/* A unit of work: submission sub on tests t0 .. t1 - 1. */
struct grade_unit {
	int sub, t0, t1;
};

/* The unit's pairs not yet done, in this worker: o the room each pair's
 * result is made in, env what the runs keep from one to the next. */
static void run_unit(const struct grade_run_set *s, struct grade_pairs *res,
		     struct grade_unit u, const struct grade_limits *lim,
		     struct grade_outcome *o, struct grade_env *env)
{
	size_t row = (size_t)u.sub * s->ntests;
	/* Loading is charged to the unit's first pair still to run. */
	int first = u.t0;
	while (first < u.t1 && pairs_done(res, row + first))
		first++;
	if (first == u.t1)
		return;
	arm_pair_limits(lim);
	struct grade_sub sub = { .path = s->subs[u.sub].path };
	bool loaded = grade_sub_load(&sub);
	/* Each setup runs once for the unit, for the first of its tests;
	 * its CPU time is that test's. */
	struct grade_start *starts = lim->nsetups && !lim->setup_each
		? calloc((size_t)lim->nsetups, sizeof *starts) : NULL;
	for (int t = first; t < u.t1; t++) {
		const struct grade_test *test = &s->tests[t];
		if (pairs_done(res, row + t))
			continue;	/* not applicable: the parent said so */
		if (t != first)
			arm_pair_limits(lim);
		struct grade_start *from = NULL;
		if (loaded && test->setup && !lim->setup_each) {
			if (!starts) {
				grade_outcome_clear(o);
				o->r.status = GRADE_INTERNAL;
				grade_detail_add(o, "out of memory");
				pairs_put(res, row + t, o);
				continue;
			}
			from = &starts[test->setup_index];
			if (!from->ran)
				grade_setup_run(test->setup, &sub.img,
						sub.path, env, from);
		}
		if (!loaded) {
			grade_outcome_clear(o);
			o->r.status = GRADE_NO_PROGRAM;
			grade_detail_add(o, "%s", sub.error);
		} else {
			grade_run(test, &sub.img, sub.path, from, env, o);
		}
		pairs_put(res, row + t, o);
	}
	for (int i = 0; starts && i < lim->nsetups; i++)
		grade_start_free(&starts[i]);
	free(starts);
	if (loaded)
		image_free(&sub.img);
}

/*
 * The pool, shared by the parent and its workers (one anonymous shared
 * mapping).  A worker claims a unit by setting its owner from 0 to its
 * slot + 1, having first written the unit into current[slot]: so when a
 * worker dies, the parent knows the one unit it can have been running
 * (current[slot], if it owns it), and every other unit it claimed is
 * done.  A unit the parent gives back (its owner 0 again) is claimed by
 * the next worker to start, which scans from the first unit.
 */
#define UNIT_DONE (-1)		/* owner: nothing in it to run */

struct grade_pool {
	int nunits, per_sub;
	/* No unit below it is still to be claimed: the parent moves it up
	 * past claimed units and down to one it gives back, and a new
	 * worker starts there (so a class costs no scan per worker). */
	int first_free;
	int current[GRADE_MAX_JOBS];	/* the unit a slot claimed last */
	int owner[];			/* per unit: 0, slot + 1 or UNIT_DONE */
};

static struct grade_unit unit_at(const struct grade_run_set *s,
				 const struct grade_pool *pool, int i)
{
	int k = i % pool->per_sub;
	return (struct grade_unit){
		.sub = i / pool->per_sub,
		.t0 = k * s->ntests / pool->per_sub,
		.t1 = (k + 1) * s->ntests / pool->per_sub,
	};
}

/* The next unit this worker claims, from *cursor on, or -1. */
static int claim_unit(struct grade_pool *pool, int slot, int *cursor)
{
	for (; *cursor < pool->nunits; (*cursor)++) {
		int i = *cursor, free_ = 0;
		if (__atomic_load_n(&pool->owner[i], __ATOMIC_ACQUIRE))
			continue;
		__atomic_store_n(&pool->current[slot], i, __ATOMIC_RELEASE);
		if (__atomic_compare_exchange_n(&pool->owner[i], &free_,
						slot + 1, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return i;
	}
	return -1;
}

/* A worker: units until none is left (or lim->recycle of them), then
 * _exit.  It lives across submissions, so that a class costs a fork per
 * worker, not per submission: every pair still starts from a machine
 * made afresh, and the limits are set again before each. */
static void __attribute__((noreturn))
worker(const struct grade_run_set *s, struct grade_pairs *res,
       struct grade_pool *pool, int slot, pid_t parent,
       const struct grade_limits *lim, const sigset_t *mask)
{
	/* Die with the parent; it may have died before we asked. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	for (int i = 0; i < 3; i++)
		sigaction(stop_sigs[i], &stop_old[i], NULL);
	/* The limits' signals kill, whatever the caller left them as. */
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGALRM, &dfl, NULL);
	sigaction(SIGXCPU, &dfl, NULL);
	sigset_t own = *mask;
	sigdelset(&own, SIGALRM);
	sigdelset(&own, SIGXCPU);
	sigprocmask(SIG_SETMASK, &own, NULL);
	set_mem_limit(lim);
	set_cpu_ceiling(lim, s->nsubs * s->ntests);
#ifdef M_TRIM_THRESHOLD
	/* Each test frees its machine and the next makes one just like it:
	 * keep the heap rather than give it back to the host and fault it
	 * in again (most of a short test's cost, measured). */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif
	int cursor = __atomic_load_n(&pool->first_free, __ATOMIC_ACQUIRE), i;
	uint64_t ran = 0;
	struct grade_outcome *o = malloc(sizeof *o);
	struct grade_env *env = grade_env_new();
	if (!o || !env)
		_exit(1);	/* charged as a worker that ended unasked */
	while ((i = claim_unit(pool, slot, &cursor)) >= 0) {
		run_unit(s, res, unit_at(s, pool, i), lim, o, env);
		if (lim->recycle && ++ran >= lim->recycle)
			break;
	}
	_exit(0);
}

/* What killed the worker running a pair, for the pair's report. */
static void worker_died(struct grade_pairs *res, size_t pair, int wstatus,
			const struct grade_limits *lim)
{
	struct grade_outcome o;
	grade_outcome_clear(&o);
	o.r.status = GRADE_INTERNAL;
	char *d = o.text;
	size_t n = sizeof o.text;
	if (WIFSIGNALED(wstatus)) {
		int sig = WTERMSIG(wstatus);
		if (sig == SIGXCPU)
			snprintf(d, n, "the run was killed by signal %d (%s): "
				 "it used more than its %llu s of host CPU time "
				 "(--cpu-limit)", sig, strsignal(sig),
				 (unsigned long long)lim->cpu);
		else if (sig == SIGALRM)
			snprintf(d, n, "the run was killed: it took more than "
				 "%u s of real time (4 x --cpu-limit + %d s)",
				 real_limit(lim), GRADE_REAL_SLACK);
		else
			snprintf(d, n, "the worker running this test died of "
				 "signal %d (%s): a bug in aula (please report "
				 "it), or its host memory limit of %llu MiB ran "
				 "out (--mem-limit)", sig, strsignal(sig),
				 (unsigned long long)lim->mem);
	} else {
		snprintf(d, n, "the worker running this test ended without a "
			 "result (exit status %d): a bug in aula, or its host "
			 "memory limit of %llu MiB ran out (--mem-limit)",
			 WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1,
			 (unsigned long long)lim->mem);
	}
	o.len = strlen(o.text);
	pairs_put(res, pair, &o);
}

/* The progress bar, on a terminal only. */
static void show_progress(int done, int npairs)
{
	static const char bar[] = "########################################";
	const int width = (int)sizeof bar - 1;
	int fill = npairs ? done * width / npairs : width;
	fprintf(stderr, "\rgrading [%.*s%*s] %d/%d runs", fill, bar,
		width - fill, "", done, npairs);
	fflush(stderr);
}

static void kill_all(volatile pid_t *pids, int jobs)
{
	for (int w = 0; w < jobs; w++)
		if (pids[w] > 0)
			kill(pids[w], SIGKILL);
	for (int w = 0; w < jobs; w++)
		if (pids[w] > 0)
			while (waitpid(pids[w], NULL, 0) < 0 && errno == EINTR)
				;
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

/* How many units each submission's tests are cut into: one, unless
 * there are too few submissions to keep every worker busy. */
static int units_per_sub(const struct grade_run_set *s, int jobs)
{
	int k = 1;
	if (s->nsubs < 2 * jobs)
		k = (2 * jobs + s->nsubs - 1) / s->nsubs;
	return k < s->ntests ? k : s->ntests;
}

/* The pairs done so far, for the progress bar. */
static int count_done(const struct grade_pairs *res, int npairs)
{
	int n = 0;
	for (int p = 0; p < npairs; p++)
		n += pairs_done(res, (size_t)p);
	return n;
}

/* Whether some unit is still to be claimed. */
static bool units_left(struct grade_pool *pool)
{
	int i = pool->first_free;
	while (i < pool->nunits &&
	       __atomic_load_n(&pool->owner[i], __ATOMIC_ACQUIRE))
		i++;
	__atomic_store_n(&pool->first_free, i, __ATOMIC_RELEASE);
	return i < pool->nunits;
}

/* Worker slot w has ended (wstatus): if it had a unit not finished, the
 * pair it was running (the first not done) pays, and the rest of the
 * unit is given back for the next worker to claim. */
static void worker_ended(const struct grade_run_set *s,
			 struct grade_pairs *res, struct grade_pool *pool,
			 int w, int wstatus, const struct grade_limits *lim)
{
	int i = __atomic_load_n(&pool->current[w], __ATOMIC_ACQUIRE);
	if (i < 0 || __atomic_load_n(&pool->owner[i], __ATOMIC_ACQUIRE) !=
		     w + 1)
		return;
	struct grade_unit u = unit_at(s, pool, i);
	size_t row = (size_t)u.sub * s->ntests;
	int t = u.t0;
	while (t < u.t1 && pairs_done(res, row + t))
		t++;
	if (t == u.t1)
		return;
	worker_died(res, row + t, wstatus, lim);
	while (t < u.t1 && pairs_done(res, row + t))
		t++;
	__atomic_store_n(&pool->owner[i], t < u.t1 ? 0 : UNIT_DONE,
			 __ATOMIC_RELEASE);
	if (t < u.t1 && i < pool->first_free)
		__atomic_store_n(&pool->first_free, i, __ATOMIC_RELEASE);
}

/* The signals that stop aula grade, as a set. */
static void stop_set(sigset_t *set)
{
	sigemptyset(set);
	for (int i = 0; i < 3; i++)
		sigaddset(set, stop_sigs[i]);
}

/* Start a worker in slot w: 0, or -1 if fork failed.  The stop signals
 * wait during the fork: a new worker must not run the parent's handler,
 * which kills every worker, before it has its own. */
static int start_worker(const struct grade_run_set *s, struct grade_pairs *res,
			struct grade_pool *pool, int w, pid_t parent,
			const struct grade_limits *lim, const sigset_t *mask)
{
	sigset_t stops, was;
	stop_set(&stops);
	__atomic_store_n(&pool->current[w], -1, __ATOMIC_RELEASE);
	sigprocmask(SIG_BLOCK, &stops, &was);
	pid_t pid = fork();
	if (pid != 0)
		sigprocmask(SIG_SETMASK, &was, NULL);
	if (pid < 0) {
		cmd_error("cannot start a worker: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		worker(s, res, pool, w, parent, lim, mask);
	grade_pids[w] = pid;
	return 0;
}

/* Run every pair on a pool of jobs workers: 0; -1 if a worker could not
 * start; or the signal that stopped aula grade, its workers killed.
 * SIGCHLD is blocked here and waited for, so that the progress bar can
 * be drawn while workers live long. */
static int run_all(const struct grade_run_set *s, struct grade_pairs *res,
		   int jobs, const struct grade_limits *lim)
{
	volatile pid_t *pids = grade_pids;
	pid_t parent = getpid();
	int npairs = s->nsubs * s->ntests, running = 0, rc = 0;
	int per_sub = units_per_sub(s, jobs), nunits = s->nsubs * per_sub;
	size_t size = sizeof(struct grade_pool) + (size_t)nunits * sizeof(int);
	struct grade_pool *pool = mmap(NULL, size, PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	bool tty = isatty(STDERR_FILENO);
	if (pool == MAP_FAILED) {
		cmd_error("cannot map the pool of workers: %s",
			  strerror(errno));
		return -1;
	}
	pool->nunits = nunits;
	pool->per_sub = per_sub;
	/* Not applicable pairs are done before any worker starts (the
	 * results are a new mapping: all zero). */
	for (int p = 0; p < npairs; p++) {
		if (!grade_test_applies(&s->tests[p % s->ntests],
					s->subs[p / s->ntests].path))
			pairs_not_applicable(res, (size_t)p);
	}
	for (int i = 0; i < nunits; i++) {
		struct grade_unit u = unit_at(s, pool, i);
		size_t row = (size_t)u.sub * s->ntests;
		int t = u.t0;
		while (t < u.t1 && pairs_done(res, row + t))
			t++;
		pool->owner[i] = t == u.t1 ? UNIT_DONE : 0;
	}
	sigset_t chld, old;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	/* SIGCHLD ignored by whoever started us would reap the workers
	 * unseen: it is the default here. */
	struct sigaction dfl = { .sa_handler = SIG_DFL }, chld_was;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &chld_was);
	sigprocmask(SIG_BLOCK, &chld, &old);
	fflush(NULL);
	for (int w = 0; w < jobs && units_left(pool); w++) {
		if (start_worker(s, res, pool, w, parent, lim, &old)) {
			rc = -1;
			goto out;
		}
		running++;
	}
	while (running > 0) {
		if (grade_stop_signal) {
			rc = grade_stop_signal;
			goto out;
		}
		int wstatus;
		pid_t pid = waitpid(-1, &wstatus, WNOHANG);
		if (pid > 0) {
			int w = 0;
			while (w < jobs && pids[w] != pid)
				w++;
			if (w == jobs)
				continue;	/* not a worker of ours */
			pids[w] = 0;
			running--;
			worker_ended(s, res, pool, w, wstatus, lim);
			if (units_left(pool)) {
				if (start_worker(s, res, pool, w, parent, lim,
						 &old)) {
					rc = -1;
					goto out;
				}
				running++;
			}
			continue;
		}
		if (pid < 0 && errno != EINTR) {
			cmd_error("cannot wait for the workers: %s",
				  strerror(errno));
			rc = -1;
			goto out;
		}
		if (tty)
			show_progress(count_done(res, npairs), npairs);
		/* Until a worker ends, a stop signal (its handler makes this
		 * return EINTR) or, on a terminal, the next frame. */
		struct timespec frame = { 0, 100 * 1000 * 1000 };
		sigtimedwait(&chld, NULL, tty ? &frame : NULL);
	}
	/* A stop signal as the last worker ended still stops the run. */
	if (grade_stop_signal)
		rc = grade_stop_signal;
	for (int p = 0; rc == 0 && p < npairs; p++)
		if (!pairs_done(res, (size_t)p)) {
			/* Never: every unit is claimed and ends done. */
			struct grade_outcome o;
			grade_outcome_clear(&o);
			o.r.status = GRADE_INTERNAL;
			grade_detail_add(&o, "the pair was never run (a bug "
					 "in aula grade: please report it)");
			pairs_put(res, (size_t)p, &o);
		}
out:
	if (rc) {
		kill_all(pids, jobs);
		for (int w = 0; w < jobs; w++)
			pids[w] = 0;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigaction(SIGCHLD, &chld_was, NULL);
	munmap(pool, size);
	if (tty) {
		if (rc == 0)
			show_progress(npairs, npairs);
		fputc('\n', stderr);
	}
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
	if (status == 0) {
		struct sigaction sa = { .sa_handler = on_stop_signal };
		sigemptyset(&sa.sa_mask);
		for (int i = 0; i < 3; i++) {
			sigaction(stop_sigs[i], &sa, &stop_old[i]);
			/* An ignored signal (nohup, a background job) stays
			 * ignored. */
			if (stop_old[i].sa_handler == SIG_IGN)
				sigaction(stop_sigs[i], &stop_old[i], NULL);
		}
		int rc = run_all(&set, &pairs, (int)jobs, &limits);
		for (int i = 0; i < 3; i++)
			sigaction(stop_sigs[i], &stop_old[i], NULL);
		if (rc < 0)
			status = DUMP_EXIT_HOST;
		stopped = rc > 0 ? rc : grade_stop_signal;
	}
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
				snprintf(subs[i].error, sizeof subs[i].error,
					 "%s", r->detail);
				fprintf(stderr, "aula: %s: %s\n", subs[i].path,
					subs[i].error);
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
