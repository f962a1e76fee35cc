/* aula run's and aula debug's options: the usage texts, and the parser
 * that reads them and refuses what does not go together (cli/run_opts.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cli/cmd.h"
#include "cli/run_opts.h"
#include "monitor/mon.h"

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

int run_parse_opts(int argc, char **argv, struct run_opts *o,
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
