/* aula run: boot an image, headless or in a window, and report how it
 * stopped; aula debug (and aula run --monitor): the same machine under the
 * monitor. */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
#include "cli/run_opts.h"
#include "cli/disk_chain.h"

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

/* The monitor's savevm and loadvm freeze disks (aula-debug(1), SAVED
 * MACHINES AND DISKS): a new qcow2 overlay, IMAGE.vm-TAG.qcow2 (or
 * IMAGE.vm-TAG-2.qcow2, ... -- never an existing file; IMAGE is the
 * backing's name up to an earlier ".vm-" in its file name), on the image
 * given, which disk unit writes from now on, in place of the file it
 * wrote.  The backing's format is the one it was opened with, never a
 * guess: a raw image that holds what looks like a qcow2 header (the
 * guest wrote it) stays raw.  Anything that fails leaves the disk as it
 * was. */
#define RUN_MAX_LAYERS 256
struct run_layers {
	struct disk_file *files;
	int n;
	char *path[RUN_MAX_LAYERS];	/* images frozen so far... */
	enum vdisk_format format[RUN_MAX_LAYERS];	/* ...and theirs */
};

static int layer_format(struct run_layers *L, const char *path,
			enum vdisk_format *fmt)
{
	for (int i = 0; i < L->n; i++)
		if (!strcmp(L->path[i], path)) {
			*fmt = L->format[i];
			return 0;
		}
	return -1;
}

static int disk_layer(void *opaque, unsigned unit, const char *backing,
		      const char *tag, const char **name, char *err,
		      size_t errlen)
{
	struct run_layers *L = opaque;
	struct disk_file *f = &L->files[unit], nf;
	char path[4096];
	struct stat st;
	enum vdisk_format bfmt;
	bool current = !strcmp(backing, f->path);
	if (current) {
		bfmt = f->vd->format;
	} else if (layer_format(L, backing, &bfmt)) {
		snprintf(err, errlen, "%s: not an image this run froze",
			 backing);
		return -1;
	}
	if (current && layer_format(L, backing, &bfmt)) {
		if (L->n == RUN_MAX_LAYERS ||
		    !(L->path[L->n] = strdup(backing))) {
			snprintf(err, errlen, "too many disk layers");
			return -1;
		}
		L->format[L->n++] = bfmt;
	}
	const char *base = strrchr(backing, '/');
	base = base ? base + 1 : backing;
	const char *vm = strstr(base, ".vm-");
	int stem = vm ? (int)(vm - backing) : (int)strlen(backing);
	for (int k = 1;; k++) {
		int n = k == 1 ? snprintf(path, sizeof path, "%.*s.vm-%s.qcow2",
					  stem, backing, tag)
			       : snprintf(path, sizeof path,
					  "%.*s.vm-%s-%d.qcow2", stem, backing,
					  tag, k);
		if (n < 0 || (size_t)n >= sizeof path) {
			snprintf(err, errlen, "%s: the name is too long",
				 backing);
			return -1;
		}
		if (lstat(path, &st) != 0)
			break;
	}
	/* What the guest wrote is in the image before anything stands on
	 * it; the new layer is open before the old one is let go. */
	struct vm_disk_host h;
	if (current && vdisk_flush(f->vd)) {
		snprintf(err, errlen, "%s: %.400s", backing, f->vd->err);
		return -1;
	}
	if (disk_make("overlay", path, f->size, VDISK_QCOW2, 0, backing, bfmt,
		      false, NULL)) {
		snprintf(err, errlen, "%s: no overlay could be made (above)",
			 path);
		return -1;
	}
	if (disk_file_open(&nf, path, f->unit, &h)) {
		unlink(path);
		snprintf(err, errlen, "%s: the disk could not go on in it "
			 "(above)", path);
		return -1;
	}
	disk_file_close(f);	/* flushed above: nothing more to lose */
	*f = nf;
	*name = f->path;
	return 0;
}

static void layers_free(struct run_layers *L)
{
	for (int i = 0; i < L->n; i++)
		free(L->path[i]);
	L->n = 0;
}

static int run_monitor(const struct run_opts *o, const char *path,
		       const struct image *img, struct vm_config *cfg,
		       FILE *out, FILE *tracef, struct run_display *display,
		       const struct run_restore *restore,
		       struct disk_file *disks, struct mon **mon_out)
{
	struct mon_config mc = {
		.vm = *cfg, .img = img, .program = path, .out = stdout,
		.console_is_out = out == stdout, .scripts = o->scripts,
		.nscripts = o->nscripts, .batch = o->batch, .quiet = o->quiet,
		.runlimit = o->budget, .trace = o->trace, .trace_file = tracef,
		.run_first = o->monitor_crash,
	};
	static struct run_layers layers;
	layers = (struct run_layers){ .files = disks };
	mc.disk_layer = disk_layer;
	mc.disk_layer_opaque = &layers;
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
	int status = mon_main(m);
	layers_free(&layers);
	return status;
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

static int run_main(int argc, char **argv, int monitor)
{
	struct run_opts o = { .monitor = monitor };
	const char *path;
	if (run_parse_opts(argc, argv, &o, &path))
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
				     tracef, &display, &rr, disks, &mon);
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
			mig_announce(vm);	/* where it is now */
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
