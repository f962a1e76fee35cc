/* aula run: boot an image, headless or in a window, and report how it
 * stopped; aula debug (and aula run --monitor): the same machine under the
 * monitor. */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cpu/vm.h"
#include "io/display.h"
#include "io/devices.h"
#include "io/ports.h"
#include "monitor/mon.h"
#include "cli/cmd.h"
#include "cli/outfile.h"
#include "host/console.h"
#include "host/diskfile.h"
#include "state/dump.h"
#include "cli/run_ckpt.h"
#include "state/stuck.h"
#include "cli/run_net.h"
#include "cli/run_migrate.h"
#include "cli/run_replay.h"
#include "host/screen.h"
#include "host/sdl_display.h"

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

static void run_usage(FILE *f)
{
	fprintf(f,
"usage: aula run IMAGE|SOURCE.s [options]\n"
"  --mem SIZE             guest RAM (default 16M; 64K..2G)\n"
"  --max-insns N          instruction budget (default %llu)\n"
"  --console-in FILE      console input (default: standard input)\n"
"  --console-out FILE     console output (default: standard output)\n"
"  --dump-regs[=text|json] print the final register dump\n"
"  --dump-file FILE       write the dump to FILE instead of stdout\n"
"  --dump-mem ADDR:LEN    add guest-physical memory to the dump (repeatable)\n"
"  --on-brk=stop|guest    brk stops the run (default) or traps to the guest\n"
"  --mmu=shadow|nested    how paging is virtualized (default shadow)\n"
"  --realtime             pace virtual time to the host clock (demos only)\n"
"  --stats[=text|json]    print the MMU counters at the end (standard error)\n"
"  --stats-file FILE      write them to FILE instead\n"
"  --disk FILE[,ro][,format=raw|qcow2]\n"
"                         attach a disk image, raw or qcow2 (repeatable,\n"
"                         up to %d; ,ro: read-only; format= when the\n"
"                         file's first bytes may mislead)\n"
"  --display=none|sdl     headless (default), or the text display and\n"
"                         keyboard in a window\n"
"  --font FILE            console font (.psf or .psf.gz) for the display\n"
"  --screenshot FILE      at the end, save the display as a picture (PNG\n"
"                         if FILE ends in .png, else BMP)\n"
"  --nic none|hub=PATH|pcap=FILE  the network card's cable (default none;\n"
"                         repeatable: --nic hub=PATH --nic pcap=FILE)\n"
"  --pcap FILE            also capture the card's frames in FILE\n"
"  --mac ADDR|N           the card's address (default 02:00:00:00:00:01;\n"
"                         N: 02:00 and N in the last four bytes)\n"
"  --trace CAT[,CAT...]   trace insn, int, mmu, io (on standard error)\n"
"  --trace-file FILE      write the trace to FILE instead\n"
"  --monitor[=crash]      open the monitor on the machine (aula debug);\n"
"                         =crash: run, and open it only if the guest does\n"
"                         not power off\n"
"  --save-at N FILE       save a checkpoint after N instructions of the\n"
"                         budget (repeatable)\n"
"  --save-on-stop FILE    save a checkpoint when the run ends\n"
"  --restore FILE         continue the machine saved in FILE (then IMAGE\n"
"                         may be left out)\n"
"  --restore-changed-disks  restore even if a disk changed since the save\n"
"  --record FILE          record the run's inputs (console, frames, keys)\n"
"                         in FILE, after the machine as it begins\n"
"  --replay FILE          run a recording again and say if it came out\n"
"                         the same (then IMAGE may be left out)\n"
"  --migrate-to ADDR      move the running machine to the aula waiting\n"
"                         at ADDR (unix:PATH or tcp:HOST:PORT)\n"
"  --migrate-at N         start migrating after N instructions (default 0)\n"
"  --migrate-bandwidth P  the link sends P pages per 1000 ticks (default 64)\n"
"  --migrate-max-rounds R rounds of pre-copy before the policy (default 30)\n"
"  --migrate-threshold T  stop and copy with T pages left (default 16)\n"
"  --migrate-converge throttle|give-up  a guest that does not converge\n"
"  --migrate-report text|json  the report on standard error\n"
"  --incoming ADDR        wait at ADDR for a migrating machine, and run it\n"
"                         (no IMAGE)\n"
"  -q, --quiet            no message on stderr about how the run stopped\n"
"  -I, --include-dir DIR  a SOURCE.s may .include and .incbin from DIR\n",
		RUN_DEFAULT_BUDGET, VM_MAX_DISKS);
}

static void debug_usage(FILE *f)
{
	fprintf(f,
"usage: aula debug IMAGE|SOURCE.s [options]\n"
"       aula debug --restore CHECKPOINT [IMAGE|SOURCE.s] [options]\n"
"  -x, --script FILE      run the monitor commands in FILE (repeatable)\n"
"  --restore FILE         start from the machine saved in FILE (the\n"
"                         program, if given, brings its labels and source)\n"
"  --batch                exit when the scripts end, without a prompt\n"
"  -q, --quiet            no banner\n"
"and the options of aula run (aula run --help); --max-insns N sets the\n"
"monitor's runlimit.  The commands: help at the prompt, %s.\n",
		cmd_man("aula-debug"));
}

static int parse_range(const char *s, struct dump_range *r)
{
	const char *colon = strchr(s, ':');
	uint64_t a, n;
	char addr[64];
	if (!colon || (size_t)(colon - s) >= sizeof addr)
		return -1;
	memcpy(addr, s, (size_t)(colon - s));
	addr[colon - s] = 0;
	if (!cmd_parse_u64(addr, &a) || !cmd_parse_size(colon + 1, &n) ||
	    a > UINT32_MAX || n == 0 || n > UINT32_MAX)
		return -1;
	r->addr = (uint32_t)a;
	r->len = (uint32_t)n;
	return 0;
}

/* What a migration does not go with: 0, or -1 after saying it. */
static int run_mig_opts_check(const struct run_opts *o)
{
	const struct run_mig_opts *m = &o->mig;
	const char *opt = m->to ? "--migrate-to" : "--incoming";
	if (m->given && !m->to) {
		cmd_error("the --migrate-* options go with --migrate-to");
		return -1;
	}
	if (m->to && m->incoming) {
		cmd_error("--migrate-to and --incoming: a run is the source or "
			  "the target, not both");
		return -1;
	}
	if (!m->to && !m->incoming)
		return 0;
	if (o->monitor || o->realtime || o->ck.record || o->ck.replay ||
	    o->window) {
		cmd_error("%s does not go with the monitor, --realtime, "
			  "--record, --replay or --display=sdl", opt);
		return -1;
	}
	if (m->to && (o->ck.nsave || o->ck.save_on_stop)) {
		cmd_error("--migrate-to does not go with --save-at or "
			  "--save-on-stop (the machine leaves this run)");
		return -1;
	}
	if (m->incoming && o->ck.restore) {
		cmd_error("--incoming and --restore: the machine comes from "
			  "one of them");
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct run_opts *o,
		      const char **image)
{
	enum { O_MEM = 256, O_MAX, O_CIN, O_COUT, O_DUMP, O_DFILE, O_DMEM,
	       O_BRK, O_MMU, O_STATS, O_SFILE, O_REALTIME, O_DISK, O_DISPLAY,
	       O_FONT, O_SHOT, O_NIC, O_PCAP, O_MAC };
	/* The monitor's and tracing's. */
	enum { O_MONITOR = 512, O_BATCH, O_TRACE, O_TFILE };
	/* Checkpoints'. */
	enum { O_SAVE_AT = 768, O_SAVE_STOP, O_RESTORE, O_RESTORE_CHANGED,
	       O_RECORD, O_REPLAY };
	static const struct option longopts[] = {
		{ "mem", required_argument, 0, O_MEM },
		{ "max-insns", required_argument, 0, O_MAX },
		{ "console-in", required_argument, 0, O_CIN },
		{ "console-out", required_argument, 0, O_COUT },
		{ "dump-regs", optional_argument, 0, O_DUMP },
		{ "dump-file", required_argument, 0, O_DFILE },
		{ "dump-mem", required_argument, 0, O_DMEM },
		{ "on-brk", required_argument, 0, O_BRK },
		{ "mmu", required_argument, 0, O_MMU },
		{ "realtime", no_argument, 0, O_REALTIME },
		{ "stats", optional_argument, 0, O_STATS },
		{ "stats-file", required_argument, 0, O_SFILE },
		{ "display", required_argument, 0, O_DISPLAY },
		{ "font", required_argument, 0, O_FONT },
		{ "screenshot", required_argument, 0, O_SHOT },
		{ "nic", required_argument, 0, O_NIC },
		{ "pcap", required_argument, 0, O_PCAP },
		{ "mac", required_argument, 0, O_MAC },
		{ "disk", required_argument, 0, O_DISK },
		{ "trace", required_argument, 0, O_TRACE },
		{ "trace-file", required_argument, 0, O_TFILE },
		{ "monitor", optional_argument, 0, O_MONITOR },
		{ "script", required_argument, 0, 'x' },
		{ "batch", no_argument, 0, O_BATCH },
		{ "save-at", required_argument, 0, O_SAVE_AT },
		{ "save-on-stop", required_argument, 0, O_SAVE_STOP },
		{ "restore", required_argument, 0, O_RESTORE },
		{ "restore-changed-disks", no_argument, 0, O_RESTORE_CHANGED },
		{ "record", required_argument, 0, O_RECORD },
		{ "replay", required_argument, 0, O_REPLAY },
		RUN_MIG_LONGOPTS,
		{ "quiet", no_argument, 0, 'q' },
		{ "include-dir", required_argument, 0, 'I' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	int monitor = o->monitor;
	memset(o, 0, sizeof *o);
	o->monitor = monitor;
	o->mem = MEM_DEFAULT_SIZE;
	o->budget = RUN_DEFAULT_BUDGET;
	run_mig_defaults(&o->mig);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qhx:I:", longopts, NULL)) != -1) {
		switch (c) {
		case O_MEM:
			/* 0 would mean "the default" to the machine. */
			if (!cmd_parse_size(optarg, &o->mem) || o->mem == 0) {
				cmd_error("--mem: bad size '%s' (try 16M)",
					  optarg);
				return -1;
			}
			o->ck.mem_given = 1;
			break;
		case O_MAX:
			if (!cmd_parse_u64(optarg, &o->budget)) {
				cmd_error("--max-insns: bad number '%s'",
					  optarg);
				return -1;
			}
			o->budget_given = 1;
			break;
		case O_CIN: o->console_in = optarg; break;
		case O_COUT: o->console_out = optarg; break;
		case O_DUMP:
			o->dump = 1;
			if (!optarg || !strcmp(optarg, "text"))
				o->dump_fmt = DUMP_TEXT;
			else if (!strcmp(optarg, "json"))
				o->dump_fmt = DUMP_JSON;
			else {
				cmd_error("--dump-regs: '%s' is not text or "
					  "json", optarg);
				return -1;
			}
			break;
		case O_DFILE: o->dump_file = optarg; o->dump = 1; break;
		case O_DMEM:
			if (o->nranges == RUN_MAX_RANGES ||
			    parse_range(optarg, &o->ranges[o->nranges])) {
				cmd_error("--dump-mem: expected ADDR:LEN, such "
					  "as 0x2000:64, not '%s'", optarg);
				return -1;
			}
			o->nranges++;
			o->dump = 1;
			break;
		case O_BRK:
			if (!strcmp(optarg, "stop"))
				o->on_brk = VM_BRK_STOP;
			else if (!strcmp(optarg, "guest"))
				o->on_brk = VM_BRK_GUEST;
			else {
				cmd_error("--on-brk: '%s' is not stop or "
					  "guest", optarg);
				return -1;
			}
			o->ck.brk_given = 1;
			break;
		case O_MMU:
			if (!strcmp(optarg, "shadow"))
				o->mmu = MMU_SHADOW;
			else if (!strcmp(optarg, "nested"))
				o->mmu = MMU_NESTED;
			else {
				cmd_error("--mmu: '%s' is not shadow or nested",
					  optarg);
				return -1;
			}
			o->ck.mmu_given = 1;
			break;
		case O_STATS:
			if (!optarg || !strcmp(optarg, "text"))
				o->stats = 1 + DUMP_TEXT;
			else if (!strcmp(optarg, "json"))
				o->stats = 1 + DUMP_JSON;
			else {
				cmd_error("--stats: '%s' is not text or json",
					  optarg);
				return -1;
			}
			break;
		case O_SFILE:
			o->stats_file = optarg;
			if (!o->stats)
				o->stats = 1 + DUMP_TEXT;
			break;
		case O_REALTIME: o->realtime = 1; break;
		case O_DISK:
			if (o->ndisks == VM_MAX_DISKS) {
				cmd_error("--disk: the machine has room for %d "
					  "disks", VM_MAX_DISKS);
				return -1;
			}
			o->disks[o->ndisks++] = optarg;
			break;
		case O_DISPLAY:
			if (!strcmp(optarg, "none"))
				o->window = 0;
			else if (!strcmp(optarg, "sdl"))
				o->window = 1;
			else {
				cmd_error("--display: '%s' is not none or sdl",
					  optarg);
				return -1;
			}
			break;
		case O_FONT: o->font = optarg; break;
		case O_SHOT: o->screenshot = optarg; break;
		case O_NIC:
			if (run_net_opt_nic(&o->net, optarg))
				return -1;
			break;
		case O_PCAP:
			if (run_net_opt_pcap(&o->net, optarg))
				return -1;
			break;
		case O_MAC:
			if (run_net_opt_mac(&o->net, optarg))
				return -1;
			break;
		case O_TRACE: {
			char bad[64];
			unsigned mask;
			if (mon_trace_parse(optarg, &mask, bad, sizeof bad)) {
				cmd_error("--trace: '%s' is not insn, int, mmu "
					  "or io", bad);
				return -1;
			}
			o->trace |= mask;
			break;
		}
		case O_TFILE: o->trace_file = optarg; break;
		case O_MONITOR:
			o->monitor = 1;
			if (optarg && !strcmp(optarg, "crash")) {
				o->monitor_crash = 1;
			} else if (optarg && strcmp(optarg, "reset")) {
				cmd_error("--monitor: '%s' is not reset or crash",
					  optarg);
				return -1;
			}
			break;
		case 'x':
			if (o->nscripts == RUN_MAX_SCRIPTS) {
				cmd_error("-x: at most %d scripts",
					  RUN_MAX_SCRIPTS);
				return -1;
			}
			o->scripts[o->nscripts++] = optarg;
			o->monitor = 1;
			break;
		case O_BATCH: o->batch = 1; o->monitor = 1; break;
		case O_SAVE_AT:
			if (run_ckpt_opt_save_at(&o->ck, optarg, argc, argv,
						 &optind))
				return -1;
			break;
		case O_SAVE_STOP: o->ck.save_on_stop = optarg; break;
		case O_RESTORE: o->ck.restore = optarg; break;
		case O_RESTORE_CHANGED: o->ck.changed_disks = 1; break;
		case O_RECORD: o->ck.record = optarg; break;
		case O_REPLAY: o->ck.replay = optarg; break;
		case RUN_MIG_TO: case RUN_MIG_INCOMING: case RUN_MIG_AT:
		case RUN_MIG_BANDWIDTH: case RUN_MIG_ROUNDS:
		case RUN_MIG_THRESHOLD: case RUN_MIG_CONVERGE:
		case RUN_MIG_REPORT:
			if (run_mig_opt(&o->mig, c, optarg))
				return -1;
			break;
		case 'q': o->quiet = 1; break;
		case 'I':
			if (cmd_add_include_dir(optarg))
				return -1;
			break;
		case 'h':
			(monitor ? debug_usage : run_usage)(stdout);
			exit(0);
		default: (monitor ? debug_usage : run_usage)(stderr); return -1;
		}
	}
	/* --dump-regs json: getopt took json for a second image. */
	for (int i = optind; optind < argc - 1 && i < argc; i++)
		if (!strcmp(argv[i], "json") || !strcmp(argv[i], "text")) {
			cmd_error("'%s' is not an image: an optional argument "
				  "joins its option with '=' (--dump-regs=%s, "
				  "--stats=%s)", argv[i], argv[i], argv[i]);
			return -1;
		}
	if (o->mig.incoming && optind != argc) {
		cmd_error("--incoming: the machine comes from the stream; "
			  "'%s' is not needed", argv[optind]);
		return -1;
	}
	if ((o->ck.restore || o->ck.replay || o->mig.incoming) &&
	    optind == argc) {
		*image = NULL;	/* the checkpoint holds the program */
	} else if (optind != argc - 1) {
		cmd_error(optind == argc ? "%s: which image?"
					 : "%s: one image at a time",
			  monitor ? "debug" : "run");
		(monitor ? debug_usage : run_usage)(stderr);
		return -1;
	} else {
		*image = argv[optind];
	}
	if (o->realtime && (o->monitor || (o->trace & 1u << MON_TRACE_INSN))) {
		cmd_error("--realtime does not go with the monitor or with "
			  "--trace insn");
		return -1;
	}
	if ((o->ck.nsave || o->ck.save_on_stop) && o->monitor) {
		cmd_error("--save-at and --save-on-stop do not go with the "
			  "monitor (it has savevm and savevm -o FILE)");
		return -1;
	}
	if ((o->ck.nsave || o->ck.save_on_stop || o->ck.restore) &&
	    o->realtime) {
		cmd_error("--save-at, --save-on-stop and --restore do not go "
			  "with --realtime");
		return -1;
	}
	if (run_mig_opts_check(o))
		return -1;
	if ((o->ck.record || o->ck.replay) && o->monitor) {
		cmd_error("--record and --replay do not go with the monitor "
			  "(it keeps a timeline of its own)");
		return -1;
	}
	if (o->ck.replay && (o->ck.record || o->ck.restore || o->console_in ||
			     o->window || o->realtime ||
			     o->net.hub || o->net.pcap)) {
		cmd_error("--replay: the recording holds the machine and its "
			  "inputs; --record, --restore, --console-in, "
			  "--display=sdl, --realtime and --nic do not go "
			  "with it");
		return -1;
	}
#ifndef HAVE_SDL
	if (o->window) {
		cmd_error("--display=sdl: this aula was built without SDL2 "
			  "(configure --without-sdl); install libsdl2-dev and "
			  "rebuild, or use --display=none");
		return -1;
	}
#endif
	/* A window stays up until it is closed, not for a budget. */
	if (o->window && !o->budget_given)
		o->budget = UINT64_MAX;
	return run_net_opt_check(&o->net);
}

/*
 * --realtime: virtual time may not run ahead of the host clock.  An event
 * every RT_SLICE ticks hands control back here, and we sleep until the
 * host has caught up (1 tick = 1e9 / TIMER_HZ ns).  The core never reads
 * the host clock; this front end does, and only when asked.
 */
#define RT_SLICE 1000000	/* 10 ms of virtual time */

static void rt_pace(void *arg, uint64_t now)
{
	struct vm *vm = arg;
	(void)now;
	vm_yield(vm);
	vm_schedule(vm, RT_SLICE, rt_pace, vm);
}

static uint64_t host_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * A signal (Ctrl-C, kill) stops the run at the next slice of RUN_SLICE
 * instructions: the stop is reported, the dumps asked for are written,
 * and aula exits with 130 (aula(1), EXIT STATUS).  Slicing a run changes
 * nothing in it (tests/unit/test_exc.c).
 */
#define RUN_SLICE (1u << 20)

static volatile sig_atomic_t run_signal;

static void on_run_signal(int sig)
{
	run_signal = sig;
}

static void catch_signals(bool on)
{
	static struct sigaction old_int, old_term;
	if (on) {
		struct sigaction sa = { .sa_handler = on_run_signal };
		sigemptyset(&sa.sa_mask);
		/* No SA_RESTART: a blocking read of console input ends. */
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
	} else {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
}

static void run_sliced(struct mon_trace *t, struct vm *vm, uint64_t budget)
{
	uint64_t start = vm_units(vm);
	for (;;) {
		uint64_t spent = vm_units(vm) - start;
		uint64_t n = budget - spent < RUN_SLICE ? budget - spent
							: RUN_SLICE;
		enum vm_stop st = mon_trace_run(t, n);
		if (st != VM_STOP_BUDGET && st != VM_RUNNING)
			return;
		if (run_signal) {
			vm->stop = VM_STOP_INTERRUPTED;
			return;
		}
		if (vm_units(vm) - start >= budget)
			return;
	}
}

static void run_realtime(struct vm *vm, uint64_t budget)
{
	uint64_t start_ns = host_ns(), start_tick = vm_now(vm);
	/* Counted as vm_run counts, so that halted ticks end it too. */
	uint64_t end = vm_units(vm) + budget;
	vm_schedule(vm, RT_SLICE, rt_pace, vm);
	while (vm_units(vm) < end &&
	       vm_run(vm, end - vm_units(vm)) == VM_RUNNING) {
		if (run_signal) {
			vm->stop = VM_STOP_INTERRUPTED;
			return;
		}
		uint64_t due = start_ns + (vm_now(vm) - start_tick) *
					  (1000000000u / TIMER_HZ);
		uint64_t host = host_ns();
		if (due > host) {
			struct timespec ts = {
				.tv_sec = (time_t)((due - host) / 1000000000u),
				.tv_nsec = (long)((due - host) % 1000000000u),
			};
			nanosleep(&ts, NULL);
		}
	}
}

static void report_stop(const struct vm *vm)
{
	const struct cpu *c = &vm->cpu;
	char why[160];
	switch (vm->stop) {
	case VM_STOP_POWEROFF:
		if (vm->stop_detail[0])
			cmd_error("powered off: %s", vm->stop_detail);
		else if (vm->stop_code)
			cmd_error("guest powered off with code %u",
				  vm->stop_code);
		break;
	case VM_STOP_HALT:
		cmd_error("guest halted with interrupts disabled at "
			  "pc=0x%08x", c->pc - 4);
		break;
	case VM_STOP_IDLE:
		cmd_error("guest halted waiting for an interrupt that nothing "
			  "will raise, at pc=0x%08x", c->pc - 4);
		break;
	case VM_STOP_BUDGET:
		if (stuck_explain(vm, vm->halted_time, why, sizeof why))
			cmd_error("instruction budget exhausted at pc=0x%08x: "
				  "the guest %s", c->pc - 4, why);
		else if (c->exceptions)
			cmd_error("instruction budget exhausted after %llu "
				  "instructions and %llu exception entries, at "
				  "pc=0x%08x (raise --max-insns?)",
				  (unsigned long long)c->insns,
				  (unsigned long long)c->exceptions, c->pc);
		else
			cmd_error("instruction budget exhausted after %llu "
				  "instructions, at pc=0x%08x (raise "
				  "--max-insns?)", (unsigned long long)c->insns,
				  c->pc);
		break;
	case VM_STOP_DOUBLE_FAULT:
		cmd_error("guest crashed: %s", vm->stop_detail);
		break;
	case VM_STOP_BREAKPOINT:
		cmd_error("breakpoint (brk) at pc=0x%08x", c->pc - 4);
		break;
	case VM_STOP_HOST_ERROR:
		cmd_error("host error: %s", vm->stop_detail[0] ?
			  vm->stop_detail : "out of host memory");
		break;
	case VM_STOP_INTERRUPTED:
		cmd_error("interrupted at pc=0x%08x after %llu instructions",
			  c->pc, (unsigned long long)c->insns);
		break;
	case VM_RUNNING:
		break;
	}
}

/* Open the --disk images as the machine's disk hosts; 0, or -1 after
 * printing why. */
static int open_disks(const struct run_opts *o, struct disk_file *files,
		      struct vm_config *cfg)
{
	for (unsigned i = 0; i < o->ndisks; i++) {
		if (disk_file_open(&files[i], o->disks[i], i, &cfg->disks[i])) {
			if (o->mig.incoming)	/* the source is told this */
				cmd_error("--incoming %s: disk %u (%s) cannot "
					  "be attached here: a migrating "
					  "machine's disks are shared storage, "
					  "reachable from both sides",
					  o->mig.incoming, i, o->disks[i]);
			return -1;
		}
		cfg->ndisks = i + 1;
		for (unsigned j = 0; j < i; j++)
			if ((!files[i].read_only || !files[j].read_only) &&
			    disk_file_same(&files[i], &files[j])) {
				cmd_error("--disk %s: already attached as disk "
					  "%u (or as a backing file of it); one "
					  "writer per image, and a backing file "
					  "only read (,ro)", o->disks[i], j);
				return -1;
			}
	}
	return 0;
}

/* A disk command still running when the machine stopped never completed:
 * its data did not move.  The guest's mistake, worth a word. */
static void warn_unfinished(const struct vm *vm)
{
	const struct dev_field *status = dev_field_find(&disk_ops, "status"),
			       *cmd = dev_field_find(&disk_ops, "cmd");
	for (int i = 0; i < vm->ndev; i++) {
		const struct vm_device *d = &vm->dev[i];
		if (d->ops != &disk_ops ||
		    !(dev_field_get(d->state, status) & DISK_ST_BUSY))
			continue;
		cmd_error("disk %u (%s): command %llu was still running when "
			  "the machine stopped, and was not done (wait for "
			  "DONE or ERROR)", d->unit,
			  vm->cfg.disks[d->unit].name,
			  (unsigned long long)dev_field_get(d->state, cmd));
	}
}

/* Close the images, making every write durable: 0, or -1 if one failed
 * (and its name in detail). */
static int close_disks(struct disk_file *files, unsigned n, char *detail,
		       size_t len)
{
	int status = 0;
	for (unsigned i = 0; i < n; i++) {
		if (files[i].fd < 0)
			continue;
		/* Name this disk, unless an earlier one already failed. */
		if (status == 0)
			snprintf(detail, len, "making disk %u (%s) durable "
				 "failed", i, files[i].path);
		if (disk_file_close(&files[i]))
			status = -1;
	}
	return status;
}

/* The text display's front ends: a window, a screenshot, or neither. */
struct run_display {
	struct font *font;
	struct screen screen;
	struct sdl_display *window;
};

static int display_open(struct run_display *d, const struct run_opts *o,
			struct vm_config *cfg)
{
	char err[512];
	memset(d, 0, sizeof *d);
	if (!o->window && !o->screenshot)
		return 0;
	if (o->font) {
		if (!(d->font = font_load(o->font, err, sizeof err))) {
			cmd_error("--font: %s", err);
			return -1;
		}
	} else if (!(d->font = font_load_system(err, sizeof err))) {
		cmd_error("warning: %s; the display shows each character as "
			  "a solid block", err);
	}
	if (screen_init(&d->screen, d->font)) {
		cmd_error("out of host memory");
		return -1;
	}
#ifdef HAVE_SDL
	if (o->window) {
		d->window = sdl_display_open(&d->screen, 1, err, sizeof err);
		if (!d->window) {
			cmd_error("--display=sdl: %s", err);
			return -1;
		}
		sdl_display_attach(d->window, cfg);
	}
#else
	(void)cfg;
#endif
	return 0;
}

/* Draw the final screen into the screenshot. */
static int display_screenshot(struct run_display *d, const char *path,
			      struct vm *vm)
{
	struct display_view v;
	display_get_view(vm, &v);
	screen_draw(&d->screen, &v);
	if (screen_write(&d->screen, path) != 0) {
		cmd_error("--screenshot %s: %m", path);
		return -1;
	}
	return 0;
}

static void display_close(struct run_display *d)
{
#ifdef HAVE_SDL
	sdl_display_close(d->window);
#endif
	screen_free(&d->screen);
	font_free(d->font);
}

#ifdef HAVE_SDL
/* The window's title follows the monitor's machine and its stops. */
struct title_watch {
	struct sdl_display *window;
	const char *program;
};

static void title_stopped(void *opaque, const struct vm *vm,
			  const char *state)
{
	struct title_watch *w = opaque;
	sdl_display_watch(w->window, vm, w->program);
	if (state)
		sdl_display_set_state(w->window, state);
}
#endif

/* The machine under the monitor: its exit status, and *vm_out the machine
 * it ended with (owned by *mon_out) for the dumps. */
/* aula debug --restore: each new machine of the monitor is put in the
 * checkpoint's state. */
struct run_restore {
	const struct run_ckpt_opts *o;
	const struct ckpt *ck;
	FILE *in;
};

static int restore_machine(void *opaque, struct vm *vm)
{
	const struct run_restore *r = opaque;
	return run_ckpt_restore(r->o, r->ck, vm, r->in);
}

static int run_monitor(const struct run_opts *o, const char *path,
		       const struct image *img, struct vm_config *cfg,
		       FILE *out, FILE *tracef, struct run_display *display,
		       const struct run_restore *restore,
		       struct mon **mon_out)
{
	struct mon_config mc = {
		.vm = *cfg, .img = img, .program = path, .out = stdout,
		.console_is_out = out == stdout, .scripts = o->scripts,
		.nscripts = o->nscripts, .batch = o->batch, .quiet = o->quiet,
		.runlimit = o->budget, .trace = o->trace, .trace_file = tracef,
		.run_first = o->monitor_crash,
	};
	if (o->ck.restore) {
		mc.restore = restore_machine;
		mc.restore_opaque = (void *)restore;
		mc.restored_from = o->ck.restore;
	}
#ifdef HAVE_SDL
	static struct title_watch watch;
	if (display->window) {
		watch = (struct title_watch){ display->window, path };
		mc.stopped = title_stopped;
		mc.stopped_opaque = &watch;
	}
#else
	(void)display;
#endif
	char err[512];
	struct mon *m = mon_create(&mc, err, sizeof err);
	*mon_out = m;
	if (!m) {
		cmd_error("%s: %s", path ? path : o->ck.restore, err);
		return DUMP_EXIT_USAGE;
	}
	for (int i = 0; i < o->nranges; i++)
		if ((uint64_t)o->ranges[i].addr + o->ranges[i].len >
		    mon_vm(m)->mem.size) {
			cmd_error("--dump-mem 0x%x:%u is outside the %u KiB "
				  "of RAM", o->ranges[i].addr, o->ranges[i].len,
				  mon_vm(m)->mem.size / 1024);
			return DUMP_EXIT_USAGE;
		}
	return mon_main(m);
}

/* One stretch of the run between two --save-at points. */
static enum vm_stop run_segment(void *trace, uint64_t n)
{
	struct mon_trace *t = trace;
	run_sliced(t, t->vm, n);
	return t->vm->stop;
}

/* Refuse an output that is one of the run's inputs (the same inode):
 * --console-out naming the --disk image would truncate it before the
 * guest ever ran.  0, or -1 after saying which. */
static int outputs_spare_inputs(const struct run_opts *o, const char *path)
{
	struct out_input in[3 + VM_MAX_DISKS + RUN_MAX_SCRIPTS];
	char disks[VM_MAX_DISKS][4096];
	int n = 0;
	in[n++] = (struct out_input){ "the program", path };
	in[n++] = (struct out_input){ "the --console-in file", o->console_in };
	in[n++] = (struct out_input){ "the --font file", o->font };
	for (unsigned i = 0; i < o->ndisks; i++) {
		/* FILE[,ro][,format=...]: a name with a comma is taken
		 * whole when it exists, as host/diskfile.c does. */
		snprintf(disks[i], sizeof disks[i], "%s", o->disks[i]);
		if (access(disks[i], F_OK) != 0)
			disks[i][strcspn(disks[i], ",")] = 0;
		in[n++] = (struct out_input){ "the --disk image", disks[i] };
	}
	for (int i = 0; i < o->nscripts; i++)
		in[n++] = (struct out_input){ "the script", o->scripts[i] };
	const struct { const char *opt, *path; } outs[] = {
		{ "--console-out", o->console_out },
		{ "--dump-file", o->dump_file },
		{ "--trace-file", o->trace_file },
		{ "--stats-file", o->stats_file },
		{ "--screenshot", o->screenshot },
		{ "--pcap", o->net.pcap },
	};
	for (size_t k = 0; k < sizeof outs / sizeof *outs; k++)
		if (out_same_input(outs[k].opt, outs[k].path, in, n))
			return -1;
	return 0;
}

/* What a migrating source closes just before its state goes: the target
 * opens the same disk images and takes the NIC's place on the hub. */
struct run_release {
	struct disk_file *disks;
	unsigned ndisks;
	struct run_net_host *net;
	FILE *out;
};

static void release_hosts(void *arg)
{
	struct run_release *r = arg;
	char detail[256];
	if (r->out)
		fflush(r->out);
	close_disks(r->disks, r->ndisks, detail, sizeof detail);
	run_net_flush(r->net);
	run_net_close(r->net);
}

/* The target's NIC tells the switch where the machine is now. */
static void announce(struct vm *vm, const struct ckpt *ck)
{
	uint8_t frame[MIG_ANNOUNCE_LEN];
	if (!vm->cfg.nic.send)
		return;
	mig_announce_frame(ck->conf.mac, frame);
	vm->cfg.nic.send(vm->cfg.nic.opaque, frame, sizeof frame,
			 vm_now(vm));
}

static int run_main(int argc, char **argv, int monitor)
{
	struct run_opts o = { .monitor = monitor };
	const char *path;
	if (parse_opts(argc, argv, &o, &path))
		return DUMP_EXIT_USAGE;
	if (outputs_spare_inputs(&o, path))
		return DUMP_EXIT_USAGE;
	/* A closed pipe (aula run | head) or a file size limit (ulimit -f)
	 * is a failed write, reported as a host error with a message, and
	 * the capture is left valid -- not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);

	FILE *in = stdin, *out = stdout, *dump = stdout, *tracef = stderr;
	if (o.console_in && !(in = fopen(o.console_in, "rb"))) {
		cmd_error("--console-in %s: %m", o.console_in);
		return DUMP_EXIT_USAGE;
	}
	/* The monitor reads its commands from standard input unless it is
	 * a terminal, where a running guest may read what is typed. */
	if (!o.console_in && o.monitor && !isatty(STDIN_FILENO))
		in = NULL;
	struct image img = { 0 };
	cmd_set_ram_limit(o.mem);
	if (path && cmd_load_program(path, &img)) {
		if (in && in != stdin)
			fclose(in);
		return DUMP_EXIT_USAGE;
	}
	int status = DUMP_EXIT_USAGE;
	struct vm *vm = NULL;
	struct mon *mon = NULL;
	struct mon_trace trace = { .img = &img };
	struct console_host host;
	struct run_display display = { 0 };
	struct run_net_host net = { .hub.fd = -1 };
	struct vm_config cfg = { .ram_size = o.mem, .on_brk = o.on_brk,
				 .mmu = o.mmu };
	struct disk_file disks[VM_MAX_DISKS];
	char err[512], detail[sizeof vm->stop_detail];
	struct ckpt ck = { 0 };
	static char disk_specs[VM_MAX_DISKS][CKPT_NAME_MAX + 8];
	struct replay *replay = NULL;
	struct recorder rec;
	FILE *recf = NULL;
	for (unsigned i = 0; i < VM_MAX_DISKS; i++)
		disks[i].fd = -1;
	if (o.ck.restore &&
	    run_ckpt_load(&o.ck, &ck, &cfg, o.net.have_mac, o.disks,
			  &o.ndisks, disk_specs))
		goto done;
	if (o.mig.incoming) {
		/* The machine is made once all of it has come. */
		if (run_mig_receive(&o.mig, &ck))
			goto done;
		o.ck.incoming = o.mig.incoming;
		run_ckpt_shape(&o.ck, &ck, &cfg, o.net.have_mac, o.disks,
			       &o.ndisks, disk_specs);
	}
	if (o.ck.replay) {
		if (!(replay = calloc(1, sizeof *replay))) {
			cmd_error("out of host memory");
			goto done;
		}
		if (run_replay_read(o.ck.replay, replay))
			goto done;
		run_ckpt_shape(&o.ck, &replay->start, &cfg, o.net.have_mac,
			       o.disks, &o.ndisks, disk_specs);
		if (!o.budget_given)
			o.budget = replay->end_pos - rec_pos(&(struct vm){
				.cpu = { .insns = replay->start.cpu.insns,
					 .exceptions =
						 replay->start.cpu.exceptions },
				.halted_time =
					replay->start.mach.halted_time });
	}

	/* A JSON dump on standard output stands alone there, for | jq: the
	 * console goes to standard error unless --console-out says where
	 * (aula(1), REGISTER DUMP).  The monitor keeps its console. */
	if (o.dump && o.dump_fmt == DUMP_JSON && !o.dump_file &&
	    !o.console_out && !o.monitor)
		out = stderr;
	if (o.console_out && !(out = fopen(o.console_out, "wb"))) {
		cmd_error("--console-out %s: %m", o.console_out);
		out = NULL;
		goto done;
	}
	if (o.trace_file && !(tracef = fopen(o.trace_file, "w"))) {
		cmd_error("--trace-file %s: %m", o.trace_file);
		tracef = NULL;
		goto done;
	}
	console_host_init(&host, in, out, &cfg.console);
	if (!in)
		cfg.console.getc = NULL;	/* only the monitor's send */
	if (run_net_open(&net, &o.net, &cfg))
		goto done;
	if ((o.ck.restore || o.mig.incoming) && !o.net.have_mac)
		memcpy(cfg.mac, ck.conf.mac, 6);
	if (replay) {
		struct vm_console_host out_host = cfg.console;
		replay_hosts(replay, &cfg, &out_host);
	}
	if (display_open(&display, &o, &cfg))
		goto done;
	if (open_disks(&o, disks, &cfg))
		goto done;
	if (o.monitor) {
		struct run_restore rr = { &o.ck, &ck, in };
		status = run_monitor(&o, path, path ? &img : NULL, &cfg, out,
				     tracef, &display, &rr, &mon);
		if (!mon || status == DUMP_EXIT_USAGE)
			goto done;
		vm = mon_vm(mon);
		goto reports;
	}
	if (o.ck.record)
		rec_wrap(&rec, &cfg);	/* after every host is in place */
	if (!(vm = vm_create(&cfg, err, sizeof err))) {
		cmd_error("%s", err);
		goto done;
	}
	if ((o.window || o.screenshot) &&
	    vm->mem.size < DISPLAY_TEXT_BASE + DISPLAY_TEXT_SIZE)
		cmd_error("warning: the text buffer at 0x%x is beyond the %u "
			  "KiB of RAM: the display stays blank (--mem 1M or "
			  "more)", DISPLAY_TEXT_BASE, vm->mem.size / 1024);
	for (int i = 0; i < o.nranges; i++)
		if ((uint64_t)o.ranges[i].addr + o.ranges[i].len > vm->mem.size) {
			cmd_error("--dump-mem 0x%x:%u is outside the %u KiB "
				  "of RAM", o.ranges[i].addr, o.ranges[i].len,
				  vm->mem.size / 1024);
			goto done;
		}
	if (replay) {
		replay->vm = vm;
		if (run_ckpt_restore(&o.ck, &replay->start, vm, NULL))
			goto done;
	} else if (o.ck.restore || o.mig.incoming) {
		if (run_ckpt_restore(&o.ck, &ck, vm, in))
			goto done;
		if (o.mig.incoming) {
			if (run_mig_answer(&o.mig, NULL))
				goto done;
			announce(vm, &ck);
		}
	} else if (image_load(&img, vm, err, sizeof err)) {
		cmd_error("%s: %s", path, err);
		goto done;
	}
	if (o.ck.record && run_record_begin(&rec, o.ck.record, vm, &recf))
		goto done;
	for (int i = 0; i < MON_TRACE_NCAT; i++)
		if (o.trace & (1u << i))
			mon_trace_set(&trace, (enum mon_trace_cat)i, tracef,
				      false);
	mon_trace_attach(&trace, vm);
#ifdef HAVE_SDL
	if (display.window)
		sdl_display_watch(display.window, vm, path);
#endif
	catch_signals(true);
	if (o.realtime) {
		run_realtime(vm, o.budget);
	} else if (o.mig.to) {
		struct run_release rel = { disks, cfg.ndisks, &net, out };
		uint64_t u0 = vm_units(vm);
		int moved = run_mig_send(&o.mig, vm, o.budget, run_segment,
					 &trace, release_hosts, &rel);
		if (moved == 1) {
			/* The machine lives on in the target. */
			catch_signals(false);
			mon_trace_close(&trace);
			status = host.out_error ? DUMP_EXIT_HOST : 0;
			goto done;
		}
		run_segment(&trace, o.budget - (vm_units(vm) - u0));
	} else {
		run_ckpt_run(&o.ck, vm, o.budget, run_segment, &trace);
	}
	catch_signals(false);
#ifdef HAVE_SDL
	if (display.window)
		sdl_display_set_state(display.window, sdl_display_state(vm));
#endif
	mon_trace_close(&trace);
	if (o.ck.save_on_stop && run_ckpt_save(vm, o.ck.save_on_stop)) {
		snprintf(vm->stop_detail, sizeof vm->stop_detail,
			 "saving the checkpoint %s failed", o.ck.save_on_stop);
		vm->stop = VM_STOP_HOST_ERROR;
	}
	if (recf) {
		int bad = run_record_end(&rec, o.ck.record, recf);
		recf = NULL;
		if (bad) {
			snprintf(vm->stop_detail, sizeof vm->stop_detail,
				 "writing the recording %s failed",
				 o.ck.record);
			vm->stop = VM_STOP_HOST_ERROR;
		}
	}
	if (replay && run_replay_report(replay, vm, o.ck.replay, o.quiet)) {
		status = DUMP_EXIT_USAGE;
		goto done;
	}
	if (out)
		fflush(out);
	if (host.out_error || (out && ferror(out))) {
		/* Lost output outranks how the guest stopped: each exit
		 * status names one stop reason (aula(1)). */
		snprintf(vm->stop_detail, sizeof vm->stop_detail,
			 "writing the console output failed");
		vm->stop = VM_STOP_HOST_ERROR;
	} else if (run_net_flush(&net)) {
		snprintf(vm->stop_detail, sizeof vm->stop_detail,
			 "writing the capture file failed");
		vm->stop = VM_STOP_HOST_ERROR;
	}
	if (!o.ck.save_on_stop)	/* else the checkpoint holds it */
		warn_unfinished(vm);
	if (close_disks(disks, cfg.ndisks, detail, sizeof detail)) {
		/* The guest's writes may not all be on the medium. */
		snprintf(vm->stop_detail, sizeof vm->stop_detail, "%s",
			 detail);
		vm->stop = VM_STOP_HOST_ERROR;
	}
	if (!o.quiet)
		report_stop(vm);
	status = dump_exit_status(vm);
reports:
	if (o.screenshot &&
	    display_screenshot(&display, o.screenshot, vm) != 0)
		status = DUMP_EXIT_USAGE;
	if (o.stats) {
		FILE *sf = o.stats_file ? fopen(o.stats_file, "w") : stderr;
		if (!sf) {
			cmd_error("--stats-file %s: %m", o.stats_file);
			status = DUMP_EXIT_USAGE;
			goto done;
		}
		dump_run_stats(sf, vm, (enum dump_format)(o.stats - 1));
		if (sf != stderr && fclose(sf) != 0) {
			cmd_error("--stats-file %s: %m", o.stats_file);
			status = DUMP_EXIT_USAGE;
		}
	}
	if (o.dump) {
		if (o.dump_file && !(dump = fopen(o.dump_file, "w"))) {
			cmd_error("--dump-file %s: %m", o.dump_file);
			status = DUMP_EXIT_USAGE;
			goto done;
		}
		dump_write(dump, vm, o.dump_fmt, o.ranges, o.nranges);
		if (dump != stdout && fclose(dump) != 0) {
			cmd_error("--dump-file %s: %m", o.dump_file);
			status = DUMP_EXIT_USAGE;
		}
	}
done:
	/* A machine that came and could not be made: the source runs it
	 * on, told why. */
	run_mig_answer(&o.mig, cmd_last_error());
	if (mon)
		mon_destroy(mon);
	else
		vm_destroy(vm);
	run_net_close(&net);
	display_close(&display);
	close_disks(disks, cfg.ndisks, detail, sizeof detail);
	image_free(&img);
	ckpt_free(&ck);
	if (recf)
		fclose(recf);
	if (replay)
		replay_free(replay);
	free(replay);
	if (in && in != stdin)
		fclose(in);
	if (out && out != stdout && out != stderr)
		fclose(out);
	if (tracef && tracef != stderr && fclose(tracef) != 0) {
		cmd_error("--trace-file %s: %m", o.trace_file);
		status = DUMP_EXIT_USAGE;
	}
	return status;
}

int cmd_run(int argc, char **argv)
{
	return run_main(argc, argv, 0);
}

int cmd_debug(int argc, char **argv)
{
	return run_main(argc, argv, 1);
}
