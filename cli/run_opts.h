/* aula run's and aula debug's options (aula(1), aula-debug(1)): what they
 * say, as one struct, and the parser that checks them together. */
#ifndef AULA_RUN_OPTS_H
#define AULA_RUN_OPTS_H

#include <stdint.h>

#include "cli/run_ckpt.h"
#include "cli/run_migrate.h"
#include "cli/run_net.h"
#include "cpu/vm.h"
#include "state/dump.h"

#define RUN_DEFAULT_BUDGET 1000000000ull
#define RUN_MAX_RANGES 64
#define RUN_MAX_SCRIPTS 16

struct run_opts {
	uint64_t mem, budget;
	const char *console_in, *console_out, *dump_file;
	int dump;		/* 0: no dump */
	enum dump_format dump_fmt;
	int monitor;		/* aula debug, aula run --monitor */
	int monitor_crash;	/* --monitor=crash: run first */
	const char *scripts[RUN_MAX_SCRIPTS];	/* -x */
	int nscripts;
	int batch;
	unsigned trace;		/* categories, 1u << enum mon_trace_cat */
	const char *trace_file;
	struct dump_range ranges[RUN_MAX_RANGES];
	int nranges;
	enum vm_brk_mode on_brk;
	enum mmu_mode mmu;
	int realtime;
	int stats;		/* 0: none; else 1 + enum dump_format */
	const char *stats_file;
	int quiet;
	const char *disks[VM_MAX_DISKS];	/* --disk FILE[,ro] */
	unsigned ndisks;
	int window;		/* --display=sdl */
	int budget_given;	/* --max-insns */
	const char *font, *screenshot;
	struct run_net_opts net;
	struct run_ckpt_opts ck;
	struct run_mig_opts mig;
};

/* Parse argv into o (monitor set first for aula debug) and the image
 * (NULL when a checkpoint, recording or stream brings the machine): 0, or
 * -1 after saying what is wrong.  --help prints the usage and exits 0. */
int run_parse_opts(int argc, char **argv, struct run_opts *o,
		   const char **image);

#endif
