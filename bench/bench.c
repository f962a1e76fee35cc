/*
 * make bench: run each guest workload and print guest instructions,
 * seconds and guest MIPS.  Host time is read here, around vm_run, never
 * inside the machine.  With --disk each workload gets a temporary 4 MiB
 * image as disk 0, and the figures are per sector moved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asm/as.h"
#include "cpu/vm.h"
#include "io/devices.h"
#include "host/diskfile.h"

#define BENCH_DISK_SIZE (4u << 20)
#define MAX_INCLUDE_DIRS 8

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A sparse temporary image, attached as disk 0 of cfg; its name is
 * unlinked at once, so nothing is left behind. */
static int attach_temp_disk(struct disk_file *f, struct vm_config *cfg)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/aula-bench-XXXXXX", dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, BENCH_DISK_SIZE) != 0) {
		perror(path);
		return -1;
	}
	close(fd);
	int status = disk_file_open(f, path, 0, &cfg->disks[0]);
	unlink(path);
	cfg->ndisks = status == 0;
	return status;
}

static uint64_t disk_counter(const struct vm *vm, const char *name)
{
	const struct vm_device *d = vm_find_device(vm, "disk");
	const struct dev_field *f = dev_field_find(&disk_ops, name);
	return d && f ? dev_field_get(d->state, f) : 0;
}

/* --cpu COMMAND...: run it (output discarded), print its CPU time (user
 * + system) in seconds, to the microsecond: shell scripts have no clock
 * that fine. */
static int child_cpu(char **argv)
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) ||
		    !freopen("/dev/null", "r", stdin))
			_exit(127);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 1;
	}
	printf("%.6f\n", (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
			 (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	return WIFEXITED(status) && WEXITSTATUS(status) == 127;
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --vm-create N: CPU time of vm_create + vm_destroy (16 MiB of RAM). */
static int vm_create_cost(unsigned long n)
{
	struct vm_config cfg = { .ram_size = 16u << 20 };
	char err[256];
	double t0 = cpu_now();
	for (unsigned long i = 0; i < n; i++) {
		struct vm *vm = vm_create(&cfg, err, sizeof err);
		if (!vm) {
			fprintf(stderr, "vm_create: %s\n", err);
			return 1;
		}
		vm_destroy(vm);
	}
	printf("vm_create + vm_destroy (16 MiB of RAM): %.2f us of CPU time "
	       "(target: < 5 us)\n", (cpu_now() - t0) * 1e6 / (double)n);
	return 0;
}

/* usage: aula-bench [--max-insns N] [--mmu=shadow|nested] [--disk]
 *                   [-I DIR] WORKLOAD.s ...
 *        aula-bench --vm-create N
 *        aula-bench --cpu COMMAND [ARG...] */
int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "--cpu"))
		return child_cpu(argv + 2);
	if (argc == 3 && !strcmp(argv[1], "--vm-create"))
		return vm_create_cost(strtoul(argv[2], NULL, 0));
	uint64_t budget = UINT64_MAX;
	enum mmu_mode mmu = MMU_SHADOW;
	int first = 1, paging = 0, disk = 0, ninc = 0;
	const char *inc[MAX_INCLUDE_DIRS];
	for (; first < argc && argv[first][0] == '-'; first++) {
		if (!strcmp(argv[first], "--max-insns") && first + 1 < argc)
			budget = strtoull(argv[++first], NULL, 0);
		else if (!strcmp(argv[first], "--mmu=nested"))
			mmu = MMU_NESTED, paging = 1;
		else if (!strcmp(argv[first], "--mmu=shadow"))
			mmu = MMU_SHADOW, paging = 1;
		else if (!strcmp(argv[first], "--disk"))
			disk = 1;
		else if (!strcmp(argv[first], "-I") && first + 1 < argc &&
			 ninc < MAX_INCLUDE_DIRS)
			inc[ninc++] = argv[++first];
	}
	if (disk)
		printf("%-16s %12s %7s %9s %10s %12s %9s\n", "workload",
		       "guest insns", "seconds", "sectors", "ns/sector",
		       "ticks/sector", "commands");
	else if (paging)
		printf("%-16s %-7s %12s %7s %8s %9s %9s %9s %9s\n", "workload",
		       "mmu", "guest insns", "seconds", "MIPS", "misses",
		       "walks", "sh.fills", "sh.hits");
	else
		printf("%-28s %14s %9s %10s\n", "workload", "guest insns",
		       "seconds", "MIPS");
	for (int i = first; i < argc; i++) {
		struct image img;
		char err[256];
		const struct as_options ao = { .include_dirs = inc,
					       .ninclude_dirs = ninc };
		if (as_assemble_opts(argv[i], NULL, &ao, stderr, &img))
			return 1;
		struct vm_config cfg = { .ram_size = 16u << 20, .mmu = mmu };
		struct disk_file df = { .fd = -1 };
		if (disk && attach_temp_disk(&df, &cfg))
			return 1;
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
		const char *abnormal = s == VM_STOP_POWEROFF ||
				       s == VM_STOP_BUDGET ? "" :
				       "  (stopped abnormally)";
		if (disk) {
			uint64_t n = disk_counter(vm, "sectors_read") +
				     disk_counter(vm, "sectors_written");
			double per = n ? 1.0 / (double)n : 0;
			printf("%-16s %12llu %7.3f %9llu %10.0f %12.0f %9llu%s\n",
			       name ? name + 1 : argv[i],
			       (unsigned long long)vm->cpu.insns, dt,
			       (unsigned long long)n, dt * 1e9 * per,
			       (double)vm_now(vm) * per,
			       (unsigned long long)disk_counter(vm, "commands"),
			       abnormal);
			vm_destroy(vm);
			disk_file_close(&df);
			image_free(&img);
			continue;
		}
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
			       (unsigned long long)st->shadow_hits, abnormal);
			vm_destroy(vm);
			image_free(&img);
			continue;
		}
		printf("%-28s %14llu %9.3f %10.1f%s\n", name ? name + 1 : argv[i],
		       (unsigned long long)vm->cpu.insns, dt,
		       vm->cpu.insns / dt / 1e6, abnormal);
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
