/*
 * aula lab FILE: many machines in one process, on one clock (lab/,
 * aula-lab(5)).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "lab/lab.h"
#include "monitor/mon.h"
#include "state/dump.h"

#define LAB_MAX_SCRIPTS 16

/* ---- the monitor's view of the lab (monitor/mon.h, struct mon_lab) ---- */

static struct vm *mon_find(void *opaque, const char *name)
{
	return lab_find(opaque, name);
}

static const char *mon_name_of(void *opaque, const struct vm *vm)
{
	return lab_name_of(opaque, vm);
}

static bool mon_run(void *opaque, struct vm *vm, uint64_t n)
{
	return lab_run_focus(opaque, vm, n);
}

/* The focus is the monitor's; lab_info marks the machine it is given. */
static struct mon *lab_mon;

static int mon_info(void *opaque, const char *topic, const char *arg,
		    FILE *out)
{
	return lab_info(opaque, mon_vm(lab_mon), topic, arg, out);
}

static int mon_migrate(void *opaque, const char *machine, const char *host,
		       char *err, size_t errlen)
{
	return lab_migrate(opaque, machine, host, err, errlen);
}

static int mon_snap(void *opaque, char op, const char *name, char *err,
		    size_t errlen)
{
	return op == 's' ? lab_snap_save(opaque, name, err, errlen)
	       : op == 'l' ? lab_snap_load(opaque, name, err, errlen)
			   : lab_snap_delete(opaque, name, err, errlen);
}

static void mon_snap_list(void *opaque, FILE *out)
{
	lab_snap_list(opaque, out);
}

static int run_monitor(struct lab *l, const char *path,
		       const char *const *scripts, int nscripts, int batch,
		       int quiet)
{
	const struct mon_lab ml = {
		.opaque = l, .find = mon_find, .name_of = mon_name_of,
		.run = mon_run, .info = mon_info, .migrate = mon_migrate,
		.snap = mon_snap, .snap_list = mon_snap_list,
	};
	const struct mon_config mc = {
		.lab = &ml, .lab_vm = lab_vm_at(l, 0), .program = path,
		.out = stdout, .console_is_out = true, .scripts = scripts,
		.nscripts = nscripts, .batch = batch, .quiet = quiet,
	};
	char err[512];
	if (!(lab_mon = mon_create(&mc, err, sizeof err))) {
		cmd_error("%s: %s", path, err);
		return DUMP_EXIT_USAGE;
	}
	int status = mon_main(lab_mon);
	mon_destroy(lab_mon);
	lab_mon = NULL;
	return status;
}

static void lab_usage(FILE *f)
{
	fprintf(f,
"usage: aula lab FILE [options]\n"
"  --time N               stop the lab at tick N (overrides [lab] time)\n"
"  --report FILE          write the report to FILE (default: standard output)\n"
"  --dump-dir DIR         write each machine's dump to DIR/NAME.dump\n"
"  --check                read and check the lab file, run nothing\n"
"  -I, --include-dir DIR  the lab's sources may .include and .incbin from DIR\n"
"  -q, --quiet            no report on standard output\n"
"  --monitor              the monitor (man aula-debug) on the lab's first\n"
"                         machine: vm NAME moves it, info vms, sched,\n"
"                         memory and switch NAME show the lab\n"
"  -x, --script FILE      run the monitor commands in FILE (repeatable)\n"
"  --batch                exit when the scripts end, without a prompt\n"
"  -h, --help             this summary\n"
"The lab file: %s.\n", cmd_man("aula-lab"));
}

int cmd_lab(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "time", required_argument, 0, 't' },
		{ "report", required_argument, 0, 'r' },
		{ "dump-dir", required_argument, 0, 'd' },
		{ "check", no_argument, 0, 'c' },
		{ "include-dir", required_argument, 0, 'I' },
		{ "quiet", no_argument, 0, 'q' },
		{ "monitor", no_argument, 0, 'm' },
		{ "script", required_argument, 0, 'x' },
		{ "batch", no_argument, 0, 'b' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 }
	};
	const char *report = NULL, *dump_dir = NULL;
	uint64_t time = 0;
	int c, quiet = 0, check_only = 0, monitor = 0, batch = 0, nscripts = 0;
	const char *scripts[LAB_MAX_SCRIPTS];
	optind = 1;
	while ((c = getopt_long(argc, argv, "qhx:I:", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!cmd_parse_u64(optarg, &time) || !time) {
				cmd_error("--time: bad number '%s'", optarg);
				return DUMP_EXIT_USAGE;
			}
			break;
		case 'r': report = optarg; break;
		case 'd': dump_dir = optarg; break;
		case 'c': check_only = 1; break;
		case 'q': quiet = 1; break;
		case 'I':
			if (cmd_add_include_dir(optarg))
				return DUMP_EXIT_USAGE;
			break;
		case 'm': monitor = 1; break;
		case 'b': batch = monitor = 1; break;
		case 'x':
			if (nscripts == LAB_MAX_SCRIPTS) {
				cmd_error("-x: at most %d scripts",
					  LAB_MAX_SCRIPTS);
				return DUMP_EXIT_USAGE;
			}
			scripts[nscripts++] = optarg;
			monitor = 1;
			break;
		case 'h': lab_usage(stdout); return 0;
		default: lab_usage(stderr); return DUMP_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cmd_error(optind == argc ? "lab: which lab file?"
					 : "lab: one lab file at a time");
		lab_usage(stderr);
		return DUMP_EXIT_USAGE;
	}
	struct lab_cfg *cfg = malloc(sizeof *cfg);
	if (!cfg) {
		cmd_error("out of host memory");
		return DUMP_EXIT_USAGE;
	}
	int errors = lab_parse_file(argv[optind], cfg, stderr);
	if (errors) {
		cmd_error("%s: %d error%s; nothing was run", argv[optind],
			  errors, errors == 1 ? "" : "s");
		free(cfg);
		return DUMP_EXIT_USAGE;
	}
	if (time)
		cfg->time = time;
	for (int i = 0; i < cfg->ninclude; i++)
		if (cmd_add_include_dir(cfg->include[i])) {
			cmd_error("%s: [lab] include-dir %s", argv[optind],
				  cfg->include[i]);
			free(cfg);
			return DUMP_EXIT_USAGE;
		}
	if (check_only) {
		free(cfg);
		return 0;
	}
	const struct lab_services svc = {
		.load = cmd_load_program, .out = stdout, .msg = stderr,
	};
	struct lab *l = lab_create(cfg, &svc);
	free(cfg);
	if (!l)
		return DUMP_EXIT_USAGE;
	int status;
	if (monitor) {
		status = run_monitor(l, argv[optind], scripts, nscripts, batch,
				     quiet);
		if (lab_finish(l))
			status = DUMP_EXIT_HOST;
	} else {
		int host_failed = lab_run(l, UINT64_MAX);
		if (lab_finish(l) || host_failed)
			status = DUMP_EXIT_HOST;
		else
			status = lab_exit_status(l);
	}
	if (report || !quiet) {
		FILE *f = report ? fopen(report, "w") : stdout;
		if (!f) {
			cmd_error("--report %s: %m", report);
			status = DUMP_EXIT_USAGE;
		} else {
			lab_report(l, f);
			if (f != stdout && fclose(f) != 0) {
				cmd_error("--report %s: %m", report);
				status = DUMP_EXIT_USAGE;
			}
		}
	}
	if (dump_dir && lab_write_dumps(l, dump_dir))
		status = DUMP_EXIT_USAGE;
	lab_destroy(l);
	return status;
}
