/* aula run's checkpoints: --save-at, --save-on-stop, --restore (aula(1),
 * docs/checkpoint-format.md). */
#ifndef AULA_RUN_CKPT_H
#define AULA_RUN_CKPT_H

#include <stdint.h>
#include <stdio.h>

#include "cpu/vm.h"
#include "state/ckpt.h"

#define RUN_CKPT_MAX_SAVES 16

struct run_ckpt_opts {
	struct { uint64_t at; const char *path; } save[RUN_CKPT_MAX_SAVES];
	int nsave;
	const char *save_on_stop;
	const char *restore;
	const char *record, *replay;	/* --record, --replay */
	const char *incoming;		/* --incoming: restored from a stream */
	int changed_disks;		/* --restore-changed-disks */
	/* The options a restore takes from the checkpoint unless given. */
	int mem_given, mmu_given, brk_given;
};

/* --save-at N FILE: N is optarg, FILE the next argument (argv[*optind],
 * which it consumes).  0, or -1 after printing why. */
int run_ckpt_opt_save_at(struct run_ckpt_opts *o, const char *n, int argc,
			 char **argv, int *optind);

/* --restore: read the checkpoint into ck and let it shape the machine:
 * cfg's RAM size, MMU mode, brk mode and MAC come from it unless given,
 * and *disks / *ndisks (the --disk specs) from its disks unless given.
 * spec_buf holds the specs it makes.  0, or -1 after printing why. */
int run_ckpt_load(const struct run_ckpt_opts *o, struct ckpt *ck,
		  struct vm_config *cfg, int mac_given, const char **disks,
		  unsigned *ndisks, char (*spec_buf)[CKPT_NAME_MAX + 8]);

/* The same for a checkpoint already read (a recording's). */
void run_ckpt_shape(const struct run_ckpt_opts *o, const struct ckpt *ck,
		    struct vm_config *cfg, int mac_given, const char **disks,
		    unsigned *ndisks, char (*spec_buf)[CKPT_NAME_MAX + 8]);

/* Put the created machine in the checkpoint's state, and move a regular
 * console input file to where the saved run had read to.  0, or -1 after
 * printing why. */
int run_ckpt_restore(const struct run_ckpt_opts *o, const struct ckpt *ck,
		     struct vm *vm, FILE *console_in);

/* Run for budget, saving at each --save-at point on the way; run is how
 * to run (tracing or not).  The machine's stop. */
enum vm_stop run_ckpt_run(const struct run_ckpt_opts *o, struct vm *vm,
			  uint64_t budget,
			  enum vm_stop (*run)(void *ctx, uint64_t n),
			  void *ctx);

/* Save the machine to path: 0, or -1 after printing why. */
int run_ckpt_save(struct vm *vm, const char *path);

#endif
