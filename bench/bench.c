/*
 * make bench: run each guest workload and print guest instructions,
 * seconds and guest MIPS.  Host time is read here, around vm_run, never
 * inside the machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asm/as.h"
#include "cpu/vm.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t budget = UINT64_MAX;
	int first = 1;
	if (argc > 2 && !strcmp(argv[1], "--max-insns")) {
		budget = strtoull(argv[2], NULL, 0);
		first = 3;
	}
	printf("%-28s %14s %9s %10s\n", "workload", "guest insns", "seconds",
	       "MIPS");
	for (int i = first; i < argc; i++) {
		struct image img;
		char err[256];
		if (as_assemble(argv[i], NULL, NULL, stderr, &img))
			return 1;
		struct vm_config cfg = { .ram_size = 16u << 20 };
		struct vm *vm = vm_create(&cfg, err, sizeof err);
		if (!vm || image_load(&img, vm, err, sizeof err)) {
			fprintf(stderr, "%s: %s\n", argv[i], err);
			return 1;
		}
		double t0 = now();
		enum vm_stop s = vm_run(vm, budget);
		double dt = now() - t0;
		const char *name = strrchr(argv[i], '/');
		printf("%-28s %14llu %9.3f %10.1f%s\n", name ? name + 1 : argv[i],
		       (unsigned long long)vm->cpu.insns, dt,
		       vm->cpu.insns / dt / 1e6,
		       s == VM_STOP_POWEROFF || s == VM_STOP_BUDGET ? "" :
		       "  (stopped abnormally)");
		vm_destroy(vm);
		image_free(&img);
	}
	return 0;
}
