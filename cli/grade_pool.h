/*
 * aula grade's pool of workers: long-lived processes that claim units (a
 * submission on a range of its tests) from a shared pool and run each
 * pair on a machine made afresh, under the limits below, leaving the
 * results in cli/grade_pairs.h's shared records (docs/security.md,
 * section 3).
 */
#ifndef AULA_CLI_GRADE_POOL_H
#define AULA_CLI_GRADE_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/grade_pairs.h"
#include "grade/grade.h"

#define GRADE_MAX_JOBS 256
#define GRADE_CPU_LIMIT 60	/* s of host CPU time per pair */
#define GRADE_MEM_LIMIT 1024	/* MiB of address space per pair */
#define GRADE_REAL_SLACK 30	/* s of real time beyond 4 x the CPU's */

struct grade_limits {
	uint64_t cpu;		/* seconds of host CPU time; 0: none */
	uint64_t mem;		/* MiB of address space; 0: none */
	bool setup_each;	/* --setup-each */
	int nsetups;		/* the tests' setups, for the worker's cache */
	uint64_t recycle;	/* --recycle: units per worker; 0: no end */
};

/* Run every pair of s on jobs workers, into res, SIGINT, SIGTERM and
 * SIGHUP caught meanwhile (each kills the workers): 0, or -1 if a worker
 * could not start (said).  *stopped: the signal that stopped the run, or
 * 0. */
int pool_grade(const struct grade_run_set *s, struct grade_pairs *res,
	       int jobs, const struct grade_limits *lim, int *stopped);

#endif
