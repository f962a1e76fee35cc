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

/* usage: aula-bench [--max-insns N] [--mmu=shadow|nested] WORKLOAD.s ... */
int main(int argc, char **argv)
{
	uint64_t budget = UINT64_MAX;
	enum mmu_mode mmu = MMU_SHADOW;
	int first = 1, paging = 0;
	for (; first < argc && argv[first][0] == '-'; first++) {
		if (!strcmp(argv[first], "--max-insns") && first + 1 < argc)
			budget = strtoull(argv[++first], NULL, 0);
		else if (!strcmp(argv[first], "--mmu=nested"))
			mmu = MMU_NESTED, paging = 1;
		else if (!strcmp(argv[first], "--mmu=shadow"))
			mmu = MMU_SHADOW, paging = 1;
	}
	if (paging)
		printf("%-16s %-7s %12s %7s %8s %9s %9s %9s %9s\n", "workload",
		       "mmu", "guest insns", "seconds", "MIPS", "misses",
		       "walks", "sh.fills", "sh.hits");
	else
		printf("%-28s %14s %9s %10s\n", "workload", "guest insns",
		       "seconds", "MIPS");
	for (int i = first; i < argc; i++) {
		struct image img;
		char err[256];
		if (as_assemble(argv[i], NULL, NULL, stderr, &img))
			return 1;
		struct vm_config cfg = { .ram_size = 16u << 20, .mmu = mmu };
		struct vm *vm = vm_create(&cfg, err, sizeof err);
		if (!vm || image_load(&img, vm, err, sizeof err)) {
			fprintf(stderr, "%s: %s\n", argv[i], err);
			return 1;
		}
		double t0 = now();
		enum vm_stop s = vm_run(vm, budget);
		double dt = now() - t0;
		const char *name = strrchr(argv[i], '/');
		const struct mmu_stats *st = &vm->mmu.stats;
		if (paging) {
			printf("%-16s %-7s %12llu %7.3f %8.1f %9llu %9llu %9llu "
			       "%9llu%s\n", name ? name + 1 : argv[i],
			       mmu_mode_name(mmu),
			       (unsigned long long)vm->cpu.insns, dt,
			       vm->cpu.insns / dt / 1e6,
			       (unsigned long long)(st->misses[0] + st->misses[1] +
						    st->misses[2]),
			       (unsigned long long)st->walks,
			       (unsigned long long)st->shadow_fills,
			       (unsigned long long)st->shadow_hits,
			       s == VM_STOP_POWEROFF || s == VM_STOP_BUDGET ? ""
			       : "  (stopped abnormally)");
			vm_destroy(vm);
			image_free(&img);
			continue;
		}
		printf("%-28s %14llu %9.3f %10.1f%s\n", name ? name + 1 : argv[i],
		       (unsigned long long)vm->cpu.insns, dt,
		       vm->cpu.insns / dt / 1e6,
		       s == VM_STOP_POWEROFF || s == VM_STOP_BUDGET ? "" :
		       "  (stopped abnormally)");
		/* Interrupt-driven workloads: the host cost of each one. */
		uint64_t irqs = vm->cpu.exceptions;
		if (irqs)
			printf("%-28s %14llu interrupts: %.0f ns each, with "
			       "the %.0f instructions per interrupt\n", "",
			       (unsigned long long)irqs,
			       dt * 1e9 / (double)irqs,
			       (double)vm->cpu.insns / (double)irqs);
		vm_destroy(vm);
		image_free(&img);
	}
	return 0;
}
