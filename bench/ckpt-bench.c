/*
 * make bench's checkpoint figures (docs/checkpoint-format.md): a 16 MiB
 * machine that has touched 2 MiB (bench/touch2m.s) saved to a file and
 * restored from it, the same in process with no file, and the monitor's
 * reverse-step after 1e9 instructions of run.  Each is the median of
 * several tries; host time is read here, around the calls, as the
 * process's CPU time: on a machine shared with other work, wall-clock
 * time measures the neighbours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "asm/as.h"
#include "cpu/vm.h"
#include "monitor/mon.h"
#include "state/ckpt.h"

#define TRIES 9

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, by_value);
	return t[n / 2];
}

static void die(const char *what, const char *err)
{
	fprintf(stderr, "ckpt-bench: %s: %s\n", what, err);
	exit(1);
}

static struct vm *boot(const struct image *img)
{
	char err[256];
	struct vm_config cfg = { .ram_size = 16u << 20 };
	struct vm *vm = vm_create(&cfg, err, sizeof err);
	if (!vm || image_load(img, vm, err, sizeof err))
		die("boot", err);
	return vm;
}

/* Run until the 2 MiB are written (pc reaches filled). */
static void fill(struct vm *vm, uint32_t filled)
{
	while (vm->cpu.pc != filled && vm_run(vm, 4096) == VM_STOP_BUDGET)
		;
	while (vm->cpu.pc != filled)
		vm_run(vm, 1);
}

static uint32_t symbol(const struct image *img, const char *name)
{
	const struct image_symbol *s = image_symbol_named(img, name);
	if (!s)
		die(name, "no such label");
	return s->value;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: ckpt-bench bench/touch2m.s\n");
		return 2;
	}
	struct image img;
	char err[512], path[512];
	if (as_assemble(argv[1], NULL, NULL, stderr, &img))
		return 1;
	const char *dir = getenv("TMPDIR");
	snprintf(path, sizeof path, "%s/aula-ckpt-bench-%d.ck",
		 dir ? dir : "/tmp", (int)getpid());
	struct vm *vm = boot(&img), *other = boot(&img);
	fill(vm, symbol(&img, "filled"));
	double save[TRIES], load[TRIES], cap[TRIES], apply[TRIES];
	long size = 0;
	for (int i = 0; i < TRIES; i++) {
		struct ckpt ck, back;
		double t0 = now();
		if (ckpt_capture(&ck, vm, CKPT_DISK_CRC, err, sizeof err) ||
		    ckpt_write_file(&ck, path, err, sizeof err))
			die("save", err);
		double t1 = now();
		if (ckpt_read_file(&back, path, err, sizeof err) ||
		    ckpt_apply(&back, other, 0, err, sizeof err))
			die("restore", err);
		double t2 = now();
		save[i] = t1 - t0;
		load[i] = t2 - t1;
		ckpt_free(&back);
		FILE *f = fopen(path, "rb");
		if (f && !fseek(f, 0, SEEK_END))
			size = ftell(f);
		if (f)
			fclose(f);
		/* In process: the machine as a value, and back. */
		ckpt_free(&ck);
		t0 = now();
		if (ckpt_capture(&ck, vm, 0, err, sizeof err))
			die("capture", err);
		t1 = now();
		if (ckpt_apply(&ck, other, 0, err, sizeof err))
			die("apply", err);
		t2 = now();
		cap[i] = t1 - t0;
		apply[i] = t2 - t1;
		ckpt_free(&ck);
	}
	remove(path);
	printf("%-44s %10s\n", "checkpoint (16 MiB machine, 2 MiB touched)",
	       "CPU ms");
	printf("%-44s %10.3f   (target < 10; file %ld bytes)\n",
	       "  save to a file", median(save, TRIES) * 1e3, size);
	printf("%-44s %10.3f   (target < 10)\n", "  restore from the file",
	       median(load, TRIES) * 1e3);
	printf("%-44s %10.3f\n", "  capture in process",
	       median(cap, TRIES) * 1e3);
	printf("%-44s %10.3f   (target < 1)\n", "  restore in process",
	       median(apply, TRIES) * 1e3);
	vm_destroy(vm);
	vm_destroy(other);

	/* reverse-step after 1e9 instructions, in the monitor. */
	FILE *out = fopen("/dev/null", "w");
	struct mon_config mc = { .vm = { .ram_size = 16u << 20 }, .img = &img,
				 .program = argv[1], .out = out, .batch = true,
				 .quiet = true, .runlimit = 0 };
	struct mon *m = mon_create(&mc, err, sizeof err);
	if (!m)
		die("monitor", err);
	double t0 = now();
	if (mon_exec(m, "runlimit 1000000000") || mon_exec(m, "continue"))
		die("monitor", "continue failed");
	double run = now() - t0, rs[TRIES];
	for (int i = 0; i < TRIES; i++) {
		t0 = now();
		if (mon_exec(m, "reverse-step"))
			die("monitor", "reverse-step failed");
		rs[i] = now() - t0;
	}
	printf("%-44s %10.3f   (target < 50; the run took %.1f s)\n",
	       "  reverse-step after 1e9 instructions", median(rs, TRIES) * 1e3,
	       run);
	mon_destroy(m);
	fclose(out);
	image_free(&img);
	return 0;
}
