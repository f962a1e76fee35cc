/*
 * The monitor (aula-debug(1)): a debugger on one machine, driven from a
 * readline prompt or from scripts.  `aula debug` and `aula run --monitor`
 * build a struct mon_config from the run options and hand over here.
 *
 * Tracing (aula run --trace, the monitor's trace) lives here too: it
 * prints through the core's slow-path hooks (struct vm_trace) and steps
 * the machine for instruction tracing.
 */
#ifndef AULA_MON_H
#define AULA_MON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "asm/image.h"
#include "cpu/vm.h"

/* ---- tracing ------------------------------------------------------------ */

enum mon_trace_cat {
	MON_TRACE_INSN,		/* every instruction, before it runs */
	MON_TRACE_INT,		/* exception and interrupt entries */
	MON_TRACE_MMU,		/* TLB misses: translations and faults */
	MON_TRACE_IO,		/* port reads and writes */
	MON_TRACE_NCAT
};

struct mon_trace {
	struct vm *vm;
	const struct image *img;	/* labels; may be NULL */
	FILE *f[MON_TRACE_NCAT];	/* NULL: the category is off */
	bool own[MON_TRACE_NCAT];	/* we opened it: close it */
	char path[MON_TRACE_NCAT][256];	/* the file we opened, or "" */
	/* The stream the guest's console also writes to, and whether the
	 * console left a line open there: a trace line starts afresh. */
	FILE *console;
	bool *console_mid_line;
	struct vm_trace hooks;
};

extern const char *const mon_trace_names[MON_TRACE_NCAT];

/* "insn,io" -> a bit mask of 1u << enum mon_trace_cat; -1 with the
 * unknown name in bad (of badlen bytes) on error. */
int mon_trace_parse(const char *list, unsigned *mask, char *bad,
		    size_t badlen);
/* Start tracing vm (again after a new machine); the categories' files
 * stay as they are. */
void mon_trace_attach(struct mon_trace *t, struct vm *vm);
/* Turn a category on (f, owned if own) or off (f NULL). */
void mon_trace_set(struct mon_trace *t, enum mon_trace_cat cat, FILE *f,
		   bool own);
/* Print the instruction about to run, if insn tracing is on. */
void mon_trace_insn(struct mon_trace *t);
/* aula run --trace: run up to budget instructions (exception entries
 * count), stepping when instructions are traced.  The stop reason. */
enum vm_stop mon_trace_run(struct mon_trace *t, uint64_t budget);
/* Detach and close what we opened. */
void mon_trace_close(struct mon_trace *t);

/* ---- the monitor -------------------------------------------------------- */

/*
 * A lab (aula lab --monitor): the monitor's commands apply to the focused
 * machine, one of the lab's, and running it runs the whole lab on its
 * clock.  cli/cmd_lab.c fills these from the lab's API; the monitor
 * knows nothing else of labs.
 */
struct mon_lab {
	void *opaque;
	/* The lab's machine called name, or NULL. */
	struct vm *(*find)(void *opaque, const char *name);
	const char *(*name_of)(void *opaque, const struct vm *vm);
	/* Run the lab until vm has spent n more units (instructions and
	 * exception entries), stopped, or the lab's time is up: then false. */
	bool (*run)(void *opaque, struct vm *vm, uint64_t n);
	/* info TOPIC [ARG] for the lab's topics: 0, -1 after an error message
	 * on out, or 1 if topic is none of the lab's. */
	int (*info)(void *opaque, const char *topic, const char *arg,
		    FILE *out);
	/* migrate MACHINE HOST: 0, or -1 with why in err. */
	int (*migrate)(void *opaque, const char *machine, const char *host,
		       char *err, size_t errlen);
	/* savevm -l, loadvm -l, delvm -l NAME (op 's', 'l', 'd'): the whole
	 * lab; 0, or -1 with why in err.  snap_list: info snapshots. */
	int (*snap)(void *opaque, char op, const char *name, char *err,
		    size_t errlen);
	void (*snap_list)(void *opaque, FILE *out);
};

struct mon_config {
	/* A lab, and the machine focused first; NULL: a machine of the
	 * monitor's own, built from vm and img. */
	const struct mon_lab *lab;
	struct vm *lab_vm;
	/* The machine.  Its console callbacks are the host back end (file,
	 * terminal or none); the monitor puts itself in between, for send
	 * and expect. */
	struct vm_config vm;
	const struct image *img;	/* the program; the caller keeps it */
	const char *program;		/* its file name, for messages */
	FILE *out;			/* where the monitor writes */
	bool console_is_out;		/* the console writes there too */
	const char *const *scripts;	/* -x FILE..., run in order */
	int nscripts;
	bool batch;			/* exit when the scripts end */
	bool quiet;			/* no banner */
	/* Leave SIGINT alone while the guest runs (aula grade, whose
	 * parent stops its workers otherwise): two system calls a run. */
	bool no_sigint;
	/* --monitor=crash: run the guest first, and open the monitor only
	 * if it stops otherwise than by powering off. */
	bool run_first;
	uint64_t runlimit;		/* see `runlimit`; 0: none */
	unsigned trace;			/* --trace categories (a mask) */
	FILE *trace_file;		/* where they go (the caller's) */
	/* Check lines only (mon_check): nothing runs, no file is opened,
	 * every name is taken for a label of a program not yet known. */
	bool check_only;
	/* Keep no timeline (no reverse execution, and none of its
	 * checkpoints' cost), saying this why; NULL: keep one. */
	const char *no_timeline;
	/* Told of each new machine (state NULL) and of each stop of a
	 * command that ran the guest, with what the monitor calls it
	 * ("at a breakpoint"), or NULL when the machine's own stop says
	 * it: a window's title follows.  May be NULL. */
	void (*stopped)(void *opaque, const struct vm *vm, const char *state);
	void *stopped_opaque;
	/* aula debug --restore: each new machine (at the start, and at
	 * run), once the program is in it, is put in the state saved in
	 * the file restored_from names; 0, or -1 after saying why. */
	int (*restore)(void *opaque, struct vm *vm);
	void *restore_opaque;
	const char *restored_from;
	/* savevm and loadvm of a machine with disks (aula-debug(1), SAVED
	 * MACHINES AND DISKS): put a new, empty qcow2 overlay, named after
	 * tag, on backing (an image's path) for disk unit, and write it from
	 * now on; *name is its path (the caller's, while the disk is open).
	 * NULL: disks are not frozen, a snapshot keeps their CRC only.  0,
	 * or -1 with err. */
	int (*disk_layer)(void *opaque, unsigned unit, const char *backing,
			  const char *tag, const char **name, char *err,
			  size_t errlen);
	void *disk_layer_opaque;
};

struct mon;

/* A monitor on a freshly booted machine; NULL with a message in err. */
struct mon *mon_create(const struct mon_config *cfg, char *err,
		       size_t errlen);
void mon_destroy(struct mon *m);
/* Whether the command of a line goes back in time (reverse-step, goto
 * and the like), and so needs the timeline. */
bool mon_line_goes_back(const char *line);
struct ckpt;
/* Put the machine in the checkpoint's state (as loadvm does, silently):
 * 0, or -1 with err and the machine unchanged. */
int mon_load_state(struct mon *m, const struct ckpt *ck, char *err,
		   size_t errlen);
/* Make the monitor as new on the machine as it is: no breakpoints,
 * displays or snapshots, nothing typed ahead, expect and the timeline
 * starting afresh -- what a new monitor given the same machine with
 * mon_load_state would be. */
void mon_forget(struct mon *m);
/* Run the scripts, then (unless batch) the prompt: readline on a
 * terminal, plain lines otherwise.  The exit status (aula-debug(1)). */
int mon_main(struct mon *m);
/* Execute one command line; 0, or -1 if it failed.  For tests. */
int mon_exec(struct mon *m, const char *line);
/* What "runlimit N" does (0: off), without a line to parse: aula grade
 * sets it before every line of a test. */
void mon_set_runlimit(struct mon *m, uint64_t n);
/* Whether line would parse, on a monitor made with check_only: the
 * command exists and its arguments and expressions are well formed.  0,
 * or -1 with the first error in err and the 0-based column it is at in
 * *col (0 when it is about the whole line). */
int mon_check(struct mon *m, const char *line, char *err, size_t errlen,
	      int *col);
/* The machine now (`run` builds a new one). */
struct vm *mon_vm(struct mon *m);

/* Exit statuses of aula debug (aula-debug(1), EXIT STATUS); with
 * run_first, a guest that powers off exits as aula run would. */
enum mon_exit { MON_EXIT_OK = 0, MON_EXIT_SCRIPT = 1, MON_EXIT_USAGE = 2 };

#endif
