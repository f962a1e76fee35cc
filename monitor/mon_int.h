/*
 * The monitor's insides, shared by its files:
 *
 *   cmds.c     the command table: dispatch, help, completion
 *   args.c     argument parsing and error messages with a caret
 *   mon.c      the session: create, scripts, lines, names and labels
 *   run.c      execution: step, next, finish, until, continue, run
 *   break.c    breakpoints and watchpoints
 *   state.c    registers, memory, disassembly, backtrace
 *   info.c     info (devices from their field tables), paging
 *   hist.c     the instruction history, and crash explanations
 *   script.c   the guest console (send, expect), assert, source, quit
 *   trace.c    tracing
 *   term.c     readline: the prompt, completion, the history file
 *   snapshot.c savevm, loadvm, delvm, info snapshots
 *   timeline.c the checkpoints and input log of reverse execution
 *   reverse.c  reverse-step, reverse-next, reverse-finish,
 *              reverse-continue, goto
 */
#ifndef AULA_MON_INT_H
#define AULA_MON_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "monitor/expr.h"
#include "monitor/mon.h"
#include "monitor/timeline.h"
#include "state/ckpt.h"

#define MON_MAX_BP 64
#define MON_LINE_MAX 1024
#define MON_SEEN_MAX 65536	/* console output kept for expect */
#define MON_SLICE (1u << 20)	/* instructions between looks at Ctrl-C */
#define MON_SOURCE_DEPTH 8
#define MON_MAX_DISPLAY 16

/* Set by SIGINT while the guest runs (the only global: a signal handler
 * has nowhere else to write). */
extern volatile sig_atomic_t mon_interrupted;

/* ---- commands ----------------------------------------------------------- */

struct mon;

/* The arguments of the command being run. */
struct mon_args {
	const char *line;	/* the whole line, for carets */
	const char *p;		/* what is left to parse */
	const char *fmt;	/* x/FMT: the text after '/', else NULL */
	size_t fmtlen;
};

enum mon_group {
	MON_G_RUN, MON_G_BREAK, MON_G_STATE, MON_G_INFO, MON_G_SCRIPT,
	MON_G_BACK,		/* reverse execution and saved machines: a
			 * paragraph of help */
	MON_G_NGROUPS
};

/* What the arguments of a command complete to. */
enum mon_complete {
	MON_C_NONE, MON_C_EXPR, MON_C_CMD, MON_C_INFO, MON_C_TRACE,
	MON_C_BREAK, MON_C_FILE,
};

enum mon_repeat {
	MON_REPEAT_NO,
	MON_REPEAT_LINE,	/* runs the same line again (step 5) */
	MON_REPEAT_GO_ON,	/* goes on where it stopped (x, disas) */
};

struct mon_cmd {
	const char *name;
	const char *alias;	/* a short form, or NULL */
	const char *args;	/* synopsis of the arguments */
	const char *summary;	/* one line, for help */
	const char *help;	/* the rest, for help NAME */
	int (*fn)(struct mon *m, struct mon_args *a);
	enum mon_group group;
	enum mon_complete complete;
	enum mon_repeat repeat;	/* what an empty line at the prompt does */
};

extern const struct mon_cmd mon_cmds[];
extern const size_t mon_ncmds;
extern const char *const mon_group_names[MON_G_NGROUPS];

/* The commands whose name or alias is word (exact) or starts with it:
 * the count, and the first in *cmd.  An exact match counts alone. */
int mon_cmd_lookup(const char *word, size_t len, const struct mon_cmd **cmd);
/* help, or help TOPIC: -1 if there is no such topic. */
int mon_help(FILE *f, const char *topic);
/* Offer every completion of text (the word starting at offset start of
 * line) to add(). */
void mon_complete(struct mon *m, const char *line, size_t start,
		  const char *text, void (*add)(void *ctx, const char *word),
		  void *ctx);

/* info TOPIC: the topics that are not devices. */
struct mon_info_topic {
	const char *name;
	const char *summary;
	int (*fn)(struct mon *m, struct mon_args *a);
};
extern const struct mon_info_topic mon_info_topics[];
extern const size_t mon_ninfo_topics;

/* ---- argument parsing and messages (args.c) ----------------------------- */

void mon_printf(struct mon *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same for the busiest lines (a stop's, the pc's, a history's), whose
 * conversions dis_format takes (asm/dis.h): a fraction of the cost. */
void mon_put(struct mon *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Text wrapped to 78 columns: the first line indented by indent, the
 * others 2 more. */
void mon_wrapped(struct mon *m, int indent, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An error about the line being run, with a caret under at (NULL: no
 * caret).  Returns -1, for `return mon_error(...)`. */
int mon_error(struct mon *m, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mon_skip_blanks(struct mon_args *a);
bool mon_at_end(struct mon_args *a);
/* -1 with an error if anything but blanks is left. */
int mon_args_end(struct mon *m, struct mon_args *a);
/* The next blank-separated word, or NULL at the end; *start is where it
 * began (for carets). */
const char *mon_args_word(struct mon_args *a, char *buf, size_t len,
			  const char **start);
/* Take the next word if it is kw. */
bool mon_args_keyword(struct mon_args *a, const char *kw);
/* An expression; with r, its terms too (r may be NULL). */
int mon_args_expr(struct mon *m, struct mon_args *a, uint32_t *v,
		  struct mon_expr *r);
/* An optional expression: def at the end of the line. */
int mon_args_opt_expr(struct mon *m, struct mon_args *a, uint32_t def,
		      uint32_t *v);
/* A "quoted string" with C escapes (\n \t \r \\ \" \xNN); *len bytes. */
int mon_args_string(struct mon *m, struct mon_args *a, char *buf,
		    size_t size, size_t *len);

/* ---- the machine as the monitor sees it --------------------------------- */

/* Registers at a stop, to mark what changed. */
struct mon_snap {
	uint32_t r[16], pc, flags, other_sp;
	uint32_t vbr, ptbr, paging, far, cause, kscratch;
};

enum mon_bp_kind { MON_BP_ADDR, MON_BP_WATCH, MON_BP_VECTOR, MON_BP_MODE };
/* Which vectors a vector breakpoint catches. */
enum mon_vec_class {
	MON_VEC_ONE, MON_VEC_EXCEPTION, MON_VEC_IRQ, MON_VEC_TRAP
};
enum { MON_W_READ = 1, MON_W_WRITE = 2 };

struct mon_bp {
	int id;
	enum mon_bp_kind kind;
	bool enabled;
	uint32_t addr, len;	/* ADDR: the pc; WATCH: the range */
	bool phys;		/* WATCH: physical addresses */
	unsigned access;	/* WATCH: MON_W_* */
	enum mon_vec_class vclass;	/* VECTOR */
	unsigned vec;		/* VECTOR, MON_VEC_ONE; or line, trap... */
	bool any;		/* VECTOR: any vector of the class */
	char cond[MON_LINE_MAX];	/* an expression, or "" */
	uint64_t ignore;	/* hits still to pass over */
	bool temporary;		/* tbreak: deleted when it stops a run */
	char reg[32];		/* WATCH of a register: its name, else "" */
	uint32_t reg_value;	/* ... and its value after the last step */
	uint64_t hits;
};

/* The memory accesses an instruction is about to make (watchpoints). */
struct mon_access {
	int n;
	struct {
		uint32_t va;
		unsigned size;
		bool write;
	} a[2];
};

/* What a step looked like before it ran, for the checks after it. */
struct mon_pre {
	uint32_t pc, insn, flags, sp;
	bool have_insn;		/* the instruction could be read */
	struct mon_access acc;
	uint64_t insns, exceptions;
	uint32_t hist_next;
};

/* The console between the guest and its host back end. */
struct mon_console {
	struct vm_console_host back;	/* file, terminal, or none */
	char *in;			/* send: typed ahead of the back end */
	size_t in_len, in_pos, in_cap;
	char *seen;	/* MON_SEEN_MAX bytes: output expect has not consumed */
	size_t seen_len;
	char want[MON_LINE_MAX];	/* what expect waits for */
	size_t want_len;
	bool matched;
	bool mid_line;			/* output did not end with \n */
	/* No input can come during this run (script.c). */
	bool starved;
	uint64_t idle_insns;		/* insns at the last empty poll */
	/* Halted ticks spent waiting for someone to type at the terminal
	 * (script.c), which runlimit does not count. */
	uint64_t user_wait, wait_mark;
	bool waiting;
};

/* How a run ended. */
enum mon_end {
	MON_END_GOAL, MON_END_BREAK, MON_END_MACHINE, MON_END_INTERRUPT,
	MON_END_LIMIT, MON_END_INPUT, MON_END_LAB,
};

/* What a run is for. */
enum mon_goal {
	MON_GO_STEP, MON_GO_CONTINUE, MON_GO_NEXT, MON_GO_FINISH,
	MON_GO_UNTIL, MON_GO_EXPECT,
};

struct mon_go {
	enum mon_goal goal;
	uint64_t count;		/* STEP: steps to go */
	uint32_t pc, sp;	/* NEXT, UNTIL: where to stop */
	bool user;		/* ... and in which mode */
	bool until_next;	/* UNTIL without address: past pc, same frame */
	int depth;		/* FINISH, UNTIL: calls not yet returned */
	uint64_t within;	/* EXPECT: its own limit; 0 none */
	bool quiet;		/* do not show pc when the goal is reached */
	bool quiet_poweroff;	/* nothing to say if the guest powers off */
	enum mon_end end;	/* out: how it ended */
};

#define MON_SNAP_NAME 64

/* A machine kept by savevm. */
struct mon_snapshot {
	char name[MON_SNAP_NAME];
	struct ckpt ck;
	/* The images its disks were frozen in (NULL: a read-only disk, or
	 * none frozen), and the snapshot the machine came from then. */
	char *frozen[VM_MAX_DISKS];
	char parent[MON_SNAP_NAME];
};

/* An expression display shows at every stop. */
struct mon_display {
	int id;
	char fmt;		/* print's /FMT, or 0 */
	char expr[MON_LINE_MAX];
};

struct mon {
	struct mon_config cfg;
	struct vm *vm;
	const struct image *img;
	FILE *out;
	struct mon_console con;
	struct mon_snap prev, now;	/* registers at the last two stops */
	/* MON_MAX_BP and MON_MAX_DISPLAY of them, made at the first one:
	 * as arrays they were most of the monitor's size, zeroed for each
	 * test aula grade runs. */
	struct mon_bp *bp;
	int nbp, next_bp;
	bool next_bp_temporary;		/* tbreak: the breakpoint being made */
	struct mon_display *disp;
	int ndisp, next_disp;
	struct mon_trace trace;
	uint64_t runlimit;		/* per command; 0: none */
	/* Where the line being run came from, for messages. */
	const char *line;
	const char *src;		/* script file, or NULL */
	int lineno;
	int depth;			/* source nesting */
	bool quit;
	int exit_code;
	bool interactive;		/* a person at a terminal */
	bool repeating;			/* an empty line repeats the command */
	bool echo;			/* echo script lines */
	uint32_t dis_next, x_next;	/* where disas and x go on */
	char x_fmt;			/* x's format, size and count */
	unsigned x_size, x_count;
	struct mon_expr_env env;
	struct mon_snapshot *snaps;	/* savevm's */
	int nsnaps, snap_seq, lab_snap_seq;
	char snap_current[MON_SNAP_NAME];	/* the one we came from */
	struct timeline tl;		/* reverse execution */
	struct vm_nic_host nic_back;	/* the cable, behind the monitor */
	struct vm_keyboard_host kbd_back;	/* the keys, likewise */
	/* The disks, behind the timeline (tl_disk_write): each wrapper
	 * names its unit. */
	struct mon_disk { struct mon *m; unsigned unit; } disk[VM_MAX_DISKS];
	/* Stepping to find a moment (reverse.c): breakpoints are checked
	 * but report nothing and count no hit. */
	bool scanning;
	/* check_only: the first error of the line being checked. */
	char check_err[256];
	int check_col;
	struct mon_sources *sources;	/* source.c: files read for list */
};

/* mon.c */
/* " <label+0x4>", or "" far from any label. */
const char *mon_symbolize(const struct image *img, uint32_t addr, char *buf,
			  size_t len);
const char *mon_sym(struct mon *m, uint32_t addr, char *buf, size_t len);
/* Read guest memory without side effects: virtual (through the MMU, as
 * kernel mode) or physical.  0, or -1 with the reason in why. */
int mon_read_virt(struct mon *m, uint32_t va, void *buf, uint32_t len,
		  char *why, size_t whylen);
int mon_read_phys(struct mon *m, uint32_t pa, void *buf, uint32_t len,
		  char *why, size_t whylen);
int mon_write_mem(struct mon *m, uint32_t addr, bool phys, const void *buf,
		  uint32_t len, char *why, size_t whylen);
int mon_read_insn(struct mon *m, uint32_t va, uint32_t *insn);
void mon_insn_text(struct mon *m, uint32_t va, char *buf, size_t len);
/* Run one line from a script or the prompt. */
int mon_run_line(struct mon *m, const char *line);
void mon_end_console_line(struct mon *m);

/* state.c */
void mon_snap_take(const struct vm *vm, struct mon_snap *s);
int mon_reg_get(const struct vm *vm, const char *name, uint32_t *v);
extern const char *const mon_reg_names[];
void mon_show_pc(struct mon *m);

/* run.c */
int mon_go(struct mon *m, struct mon_go *g);
int mon_new_machine(struct mon *m, char *err, size_t errlen);
/* Look at vm from now on (a new machine, or vm NAME in a lab). */
void mon_focus(struct mon *m, struct vm *vm);
/* The timeline starts again at the machine's present (or stays off, in a
 * lab, with no_timeline, when only checking). */
int mon_timeline_begin(struct mon *m);	/* -1: it could not */
int mon_cmd_vm(struct mon *m, struct mon_args *a);
int mon_cmd_migrate(struct mon *m, struct mon_args *a);

/* break.c */
bool mon_bp_active(const struct mon *m);
void mon_insn_access(const struct vm *vm, uint32_t insn,
		     struct mon_access *acc);
void mon_step_before(struct mon *m, struct mon_pre *pre);
/* After a step: the breakpoint or watchpoint that stops the run (its
 * report printed), or 0. */
int mon_step_after(struct mon *m, const struct mon_pre *pre);
bool mon_bp_at(const struct mon *m, uint32_t pc);
/* A run that arrived at pc without single steps (fetch breakpoints): the
 * breakpoint there that stops it, as mon_step_after would say, or 0. */
int mon_break_arrived(struct mon *m);
/* Can every enabled breakpoint be a fetch breakpoint (vm.h)?  Then put
 * them in the machine and return true. */
bool mon_fetch_breaks(struct mon *m);

/* info.c: a device's name for info (disk0, disk1 when there are
 * several; else the type). */
const char *mon_dev_name(const struct vm *vm, const struct vm_device *d,
			 char *buf, size_t len);
/* info.c: the PIC's pending requests and why they wait, if any. */
void mon_pic_why(struct mon *m);

/* hist.c */
/* "vector 3 (page fault)", "vector 20 (IRQ 4)" */
void mon_vector_text(unsigned vec, char *buf, size_t len);
/* The vector whose handler the CPU is in (the newest exception entry in
 * the history ring that no rti has ended since), or -1. */
int mon_handler_vector(struct mon *m);
void mon_explain_stop(struct mon *m);

/* display.c: the displays, after a stop. */
void mon_show_displays(struct mon *m);

/* script.c */
void mon_console_attach(struct mon *m);

/* source.c: the line table */
struct image_line;
struct image_symbol;
/* The line that the instruction at virtual address va came from. */
const struct image_line *mon_line_at(struct mon *m, uint32_t va);
/* "kernel.s:212: in r1, 0x10(r0)", or "" if there is no line. */
const char *mon_where(struct mon *m, uint32_t va, char *buf, size_t len);
/* Print that line, indented, if there is one (at every stop). */
void mon_show_source(struct mon *m, uint32_t va);
/* Of the labels at s's address, the one defined in the program that is
 * mapped at va now (s if there is one label, or no way to tell). */
const struct image_symbol *mon_pick_label(struct mon *m, uint32_t va,
					  const struct image_symbol *s);
/* The guest ran: list starts again around pc. */
void mon_list_reset(struct mon *m);
void mon_sources_free(struct mon *m);

/* term.c */
int mon_prompt_loop(struct mon *m);

/* The commands, by file. */
int mon_cmd_step(struct mon *m, struct mon_args *a);
int mon_cmd_next(struct mon *m, struct mon_args *a);
int mon_cmd_finish(struct mon *m, struct mon_args *a);
int mon_cmd_continue(struct mon *m, struct mon_args *a);
int mon_cmd_until(struct mon *m, struct mon_args *a);
int mon_cmd_run(struct mon *m, struct mon_args *a);
int mon_cmd_break(struct mon *m, struct mon_args *a);
int mon_cmd_watch(struct mon *m, struct mon_args *a);
int mon_cmd_delete(struct mon *m, struct mon_args *a);
int mon_cmd_disable(struct mon *m, struct mon_args *a);
int mon_cmd_enable(struct mon *m, struct mon_args *a);
int mon_cmd_ignore(struct mon *m, struct mon_args *a);
int mon_info_break(struct mon *m, struct mon_args *a);
int mon_cmd_regs(struct mon *m, struct mon_args *a);
int mon_cmd_set(struct mon *m, struct mon_args *a);
int mon_cmd_print(struct mon *m, struct mon_args *a);
int mon_cmd_display(struct mon *m, struct mon_args *a);
int mon_cmd_undisplay(struct mon *m, struct mon_args *a);
int mon_cmd_tbreak(struct mon *m, struct mon_args *a);
int mon_cmd_x(struct mon *m, struct mon_args *a);
int mon_cmd_xp(struct mon *m, struct mon_args *a);
int mon_cmd_disas(struct mon *m, struct mon_args *a);
int mon_cmd_bt(struct mon *m, struct mon_args *a);
int mon_cmd_info(struct mon *m, struct mon_args *a);
int mon_cmd_translate(struct mon *m, struct mon_args *a);
int mon_cmd_history(struct mon *m, struct mon_args *a);
int mon_cmd_list(struct mon *m, struct mon_args *a);
int mon_cmd_trace(struct mon *m, struct mon_args *a);
int mon_cmd_source(struct mon *m, struct mon_args *a);
int mon_cmd_expect(struct mon *m, struct mon_args *a);
int mon_cmd_send(struct mon *m, struct mon_args *a);
int mon_cmd_assert(struct mon *m, struct mon_args *a);
int mon_cmd_runlimit(struct mon *m, struct mon_args *a);
int mon_cmd_echo(struct mon *m, struct mon_args *a);
int mon_cmd_quit(struct mon *m, struct mon_args *a);
int mon_cmd_savevm(struct mon *m, struct mon_args *a);
int mon_cmd_loadvm(struct mon *m, struct mon_args *a);
int mon_cmd_delvm(struct mon *m, struct mon_args *a);
int mon_info_snapshots(struct mon *m, struct mon_args *a);
void mon_snapshots_free(struct mon *m);
int mon_cmd_reverse_step(struct mon *m, struct mon_args *a);
int mon_cmd_reverse_next(struct mon *m, struct mon_args *a);
int mon_cmd_reverse_finish(struct mon *m, struct mon_args *a);
int mon_cmd_reverse_continue(struct mon *m, struct mon_args *a);
int mon_cmd_goto(struct mon *m, struct mon_args *a);
int mon_info_timeline(struct mon *m, struct mon_args *a);

#endif
