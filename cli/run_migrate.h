/* aula run's live migration: --migrate-to on the source, --incoming on
 * the target (aula(1), docs/migration.md).  The sockets are here; the
 * stream and the rounds are state/migrate.h. */
#ifndef AULA_RUN_MIGRATE_H
#define AULA_RUN_MIGRATE_H

#include <stdint.h>
#include <stdio.h>

#include "cpu/vm.h"
#include "state/ckpt.h"
#include "state/migrate.h"

struct run_mig_opts {
	const char *to;		/* --migrate-to ADDR */
	const char *incoming;	/* --incoming ADDR */
	uint64_t at;		/* --migrate-at N */
	struct mig_policy policy;
	int json;		/* --migrate-report=json */
	int given;		/* a --migrate-* option other than -to */
	int reply_fd;		/* the target: the stream's socket, until
				 * the answer has gone; -1 */
};

/* The options, as getopt_long codes (cli/cmd_run.c lists them). */
enum run_mig_opt {
	RUN_MIG_TO = 1024, RUN_MIG_INCOMING, RUN_MIG_AT, RUN_MIG_BANDWIDTH,
	RUN_MIG_ROUNDS, RUN_MIG_THRESHOLD, RUN_MIG_CONVERGE, RUN_MIG_REPORT,
};
#define RUN_MIG_LONGOPTS                                                  \
	{ "migrate-to", required_argument, 0, RUN_MIG_TO },               \
	{ "incoming", required_argument, 0, RUN_MIG_INCOMING },           \
	{ "migrate-at", required_argument, 0, RUN_MIG_AT },               \
	{ "migrate-bandwidth", required_argument, 0, RUN_MIG_BANDWIDTH }, \
	{ "migrate-max-rounds", required_argument, 0, RUN_MIG_ROUNDS },   \
	{ "migrate-threshold", required_argument, 0, RUN_MIG_THRESHOLD }, \
	{ "migrate-converge", required_argument, 0, RUN_MIG_CONVERGE },   \
	{ "migrate-report", required_argument, 0, RUN_MIG_REPORT }

/* The defaults of docs/migration.md. */
void run_mig_defaults(struct run_mig_opts *o);
/* One of the options: 0, or -1 after saying what is wrong. */
int run_mig_opt(struct run_mig_opts *o, int code, const char *arg);
/* ADDR is unix:PATH or tcp:A.B.C.D:PORT?  0, or -1 after saying why. */
int run_mig_check_addr(const char *opt, const char *addr);

/* The target: listen at o->incoming, take one stream, and put the
 * machine it carries in ck.  0, or -1 after printing why.  On 0 the
 * socket stays open in o->reply_fd for the answer. */
int run_mig_receive(struct run_mig_opts *o, struct ckpt *ck);
/* The target's answer (docs/migration.md, "The answer"): the machine
 * runs here (why NULL), or it could not be made, and why.  Closes the
 * socket; nothing if it is closed already.  -1 when "it runs here" could
 * not be sent: the source runs the machine on, so this one must not. */
int run_mig_answer(struct run_mig_opts *o, const char *why);

/* The source, in a created machine: connect to o->to, run until
 * --migrate-at, then migrate, running the guest in slices through run.
 * Once the target answers that the machine runs there, release(rctx)
 * closes what the source still holds (disks, the NIC's cable).  1: the
 * machine has moved (the run is over, with no dump); 0: the migration
 * did not happen, failed or was refused, and the caller runs the guest on
 * for what is left of budget as if nothing had happened.  The target runs
 * the machine only once it has said so, so it never runs in both. */
int run_mig_send(const struct run_mig_opts *o, struct vm *vm,
		 uint64_t budget, enum vm_stop (*run)(void *ctx, uint64_t n),
		 void *ctx, void (*release)(void *rctx), void *rctx);

#endif
