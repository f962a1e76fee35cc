/* aula grade's pool of workers (cli/grade_pool.h). */
#define _GNU_SOURCE
#include "cli/grade_pool.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"

/*
 * Pairs run in worker processes (docs/security.md, section 3), never in
 * the parent: a worker assembles or loads the submission, runs each test
 * on a new machine, writes the result into the shared records and sets done
 * last.  The parent keeps jobs of them running and learns from waitpid
 * and the pool which pair a dead process held, so a worker that dies -- a
 * limit, a signal, a bug of ours -- costs exactly its own pair.
 */

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

/* The unit's first test from t on whose pair is not done, or u.t1. */
static int undone(const struct grade_pairs *res, const struct grade_run_set *s,
		  struct grade_unit u, int t)
{
	size_t row = (size_t)u.sub * s->ntests;
	while (t < u.t1 && pairs_done(res, row + t))
		t++;
	return t;
}

/* The unit's pairs not yet done, in this worker: o the room each pair's
 * result is made in, env what the runs keep from one to the next. */
static void run_unit(const struct grade_run_set *s, struct grade_pairs *res,
		     struct grade_unit u, const struct grade_limits *lim,
		     struct grade_outcome *o, struct grade_env *env)
{
	size_t row = (size_t)u.sub * s->ntests;
	/* Loading is charged to the unit's first pair still to run. */
	int first = undone(res, s, u, u.t0);
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
				grade_outcome_failed(o, GRADE_INTERNAL,
						     "out of memory");
				pairs_put(res, row + t, o);
				continue;
			}
			from = &starts[test->setup_index];
			if (!from->ran)
				grade_setup_run(test->setup, &sub.img,
						sub.path, env, from);
		}
		if (!loaded)
			grade_outcome_failed(o, GRADE_NO_PROGRAM, "%s",
					     sub.error ? sub.error : "");
		else
			grade_run(test, &sub.img, sub.path, from, env, o);
		pairs_put(res, row + t, o);
	}
	for (int i = 0; starts && i < lim->nsetups; i++)
		grade_start_free(&starts[i]);
	free(starts);
	if (loaded)
		image_free(&sub.img);
	free(sub.error);
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
	/* The outcome on the stack: nothing here may fail before a unit is
	 * claimed, or the parent would start worker after worker.  Without
	 * an env each run makes its own (and says so if it cannot). */
	struct grade_outcome o;
	struct grade_env *env = grade_env_new();
	while ((i = claim_unit(pool, slot, &cursor)) >= 0) {
		run_unit(s, res, unit_at(s, pool, i), lim, &o, env);
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
	if (WIFSIGNALED(wstatus)) {
		int sig = WTERMSIG(wstatus);
		if (sig == SIGXCPU)
			grade_outcome_failed(&o, GRADE_INTERNAL, "the run was "
					     "killed by signal %d (%s): it "
					     "used more than its %llu s of "
					     "host CPU time (--cpu-limit)",
					     sig, strsignal(sig),
					     (unsigned long long)lim->cpu);
		else if (sig == SIGALRM)
			grade_outcome_failed(&o, GRADE_INTERNAL, "the run was "
					     "killed: it took more than %u s "
					     "of real time (4 x --cpu-limit "
					     "+ %d s)", real_limit(lim),
					     GRADE_REAL_SLACK);
		else
			grade_outcome_failed(&o, GRADE_INTERNAL, "the worker "
					     "running this test died of "
					     "signal %d (%s): a bug in aula "
					     "(please report it), or its host "
					     "memory limit of %llu MiB ran out "
					     "(--mem-limit)", sig,
					     strsignal(sig),
					     (unsigned long long)lim->mem);
	} else {
		grade_outcome_failed(&o, GRADE_INTERNAL, "the worker running "
				     "this test ended without a result (exit "
				     "status %d): a bug in aula, or its host "
				     "memory limit of %llu MiB ran out "
				     "(--mem-limit)",
				     WIFEXITED(wstatus) ? WEXITSTATUS(wstatus)
							: -1,
				     (unsigned long long)lim->mem);
	}
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
	int t = undone(res, s, u, u.t0);
	if (t == u.t1)
		return;
	worker_died(res, (size_t)u.sub * s->ntests + t, wstatus, lim);
	t = undone(res, s, u, t);
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
		pool->owner[i] = undone(res, s, u, u.t0) == u.t1 ? UNIT_DONE
								  : 0;
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
			grade_outcome_failed(&o, GRADE_INTERNAL, "the pair "
					     "was never run (a bug in aula "
					     "grade: please report it)");
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

int pool_grade(const struct grade_run_set *s, struct grade_pairs *res,
	       int jobs, const struct grade_limits *lim, int *stopped)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++) {
		sigaction(stop_sigs[i], &sa, &stop_old[i]);
		/* An ignored signal (nohup, a background job) stays
		 * ignored. */
		if (stop_old[i].sa_handler == SIG_IGN)
			sigaction(stop_sigs[i], &stop_old[i], NULL);
	}
	int rc = run_all(s, res, jobs, lim);
	for (int i = 0; i < 3; i++)
		sigaction(stop_sigs[i], &stop_old[i], NULL);
	*stopped = rc > 0 ? rc : grade_stop_signal;
	return rc < 0 ? -1 : 0;
}
