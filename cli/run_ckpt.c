/* aula run's checkpoints (cli/run_ckpt.h). */
#include "cli/run_ckpt.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cmd.h"
#include "io/devices.h"

int run_ckpt_opt_save_at(struct run_ckpt_opts *o, const char *n, int argc,
			 char **argv, int *optind)
{
	uint64_t at;
	if (!cmd_parse_u64(n, &at)) {
		cmd_error("--save-at: bad number '%s' (--save-at N FILE)", n);
		return -1;
	}
	if (*optind >= argc || argv[*optind][0] == '-') {
		cmd_error("--save-at %s: which file? (--save-at N FILE)", n);
		return -1;
	}
	if (o->nsave == RUN_CKPT_MAX_SAVES) {
		cmd_error("--save-at: at most %d in one run",
			  RUN_CKPT_MAX_SAVES);
		return -1;
	}
	o->save[o->nsave].at = at;
	o->save[o->nsave].path = argv[(*optind)++];
	/* Kept in order of N, so the run can go from one to the next. */
	for (int i = o->nsave++; i > 0 && o->save[i - 1].at > o->save[i].at;
	     i--) {
		__typeof__(o->save[0]) t = o->save[i];
		o->save[i] = o->save[i - 1];
		o->save[i - 1] = t;
	}
	return 0;
}

int run_ckpt_load(const struct run_ckpt_opts *o, struct ckpt *ck,
		  struct vm_config *cfg, int mac_given, const char **disks,
		  unsigned *ndisks, char (*spec_buf)[CKPT_NAME_MAX + 8])
{
	char err[1024];
	if (ckpt_read_file(ck, o->restore, err, sizeof err)) {
		cmd_error("--restore %s", err);
		return -1;
	}
	run_ckpt_shape(o, ck, cfg, mac_given, disks, ndisks, spec_buf);
	return 0;
}

void run_ckpt_shape(const struct run_ckpt_opts *o, const struct ckpt *ck,
		    struct vm_config *cfg, int mac_given, const char **disks,
		    unsigned *ndisks, char (*spec_buf)[CKPT_NAME_MAX + 8])
{
	if (!o->mem_given)
		cfg->ram_size = ck->conf.ram_size;
	if (!o->mmu_given)
		cfg->mmu = (enum mmu_mode)ck->conf.mmu;
	if (!o->brk_given)
		cfg->on_brk = (enum vm_brk_mode)ck->conf.on_brk;
	if (!mac_given)
		memcpy(cfg->mac, ck->conf.mac, 6);
	if (*ndisks == 0) {
		/* The same images again, by the names they had. */
		for (uint32_t i = 0; i < ck->conf.ndisks; i++) {
			snprintf(spec_buf[i], CKPT_NAME_MAX + 8, "%s%s",
				 ck->conf.disks[i].name,
				 ck->conf.disks[i].read_only ? ",ro" : "");
			disks[i] = spec_buf[i];
		}
		*ndisks = ck->conf.ndisks;
	}
}

int run_ckpt_restore(const struct run_ckpt_opts *o, const struct ckpt *ck,
		     struct vm *vm, FILE *console_in)
{
	char err[1024];
	if (ckpt_apply(ck, vm, o->changed_disks ? CKPT_CHANGED_DISKS : 0, err,
		       sizeof err)) {
		cmd_error("--%s %s: %s",
			  o->restore ? "restore" : o->incoming ? "incoming"
							      : "replay",
			  o->restore ? o->restore : o->incoming ? o->incoming
								: o->replay,
			  err);
		return -1;
	}
	/* A regular file is the same input again: go on where the saved run
	 * stopped reading.  A pipe or a terminal brings what comes next. */
	struct stat st;
	const struct vm_device *uart = vm_find_device(vm, "uart");
	if (console_in && uart && fstat(fileno(console_in), &st) == 0 &&
	    S_ISREG(st.st_mode)) {
		uint64_t pos = dev_field_get(uart->state,
					     dev_field_find(&uart_ops,
							    "host_bytes"));
		if (fseeko(console_in, (off_t)pos, SEEK_SET) != 0) {
			cmd_error("--%s %s: cannot move the console input "
				  "to byte %llu: %m",
				  o->restore ? "restore" : "incoming",
				  o->restore ? o->restore : o->incoming,
				  (unsigned long long)pos);
			return -1;
		}
	}
	return 0;
}

int run_ckpt_save(struct vm *vm, const char *path)
{
	struct ckpt ck;
	char err[1024];
	if (ckpt_capture(&ck, vm, CKPT_DISK_CRC, err, sizeof err) ||
	    ckpt_write_file(&ck, path, err, sizeof err)) {
		cmd_error("saving a checkpoint: %s", err);
		ckpt_free(&ck);
		return -1;
	}
	ckpt_free(&ck);
	return 0;
}

/* The --save-at points the run did not reach are worth a word. */
static void warn_unreached(const struct run_ckpt_opts *o, int from)
{
	for (int i = from; i < o->nsave; i++)
		cmd_error("warning: --save-at %llu %s: the run ended first; "
			  "nothing saved", (unsigned long long)o->save[i].at,
			  o->save[i].path);
}

enum vm_stop run_ckpt_run(const struct run_ckpt_opts *o, struct vm *vm,
			  uint64_t budget,
			  enum vm_stop (*run)(void *ctx, uint64_t n),
			  void *ctx)
{
	uint64_t spent = 0;
	for (int i = 0; i < o->nsave; i++) {
		uint64_t at = o->save[i].at;
		if (at > budget) {
			enum vm_stop st = run(ctx, budget - spent);
			warn_unreached(o, i);
			return st;
		}
		if (at > spent) {
			enum vm_stop st = run(ctx, at - spent);
			spent = at;
			if (st != VM_STOP_BUDGET && st != VM_RUNNING) {
				warn_unreached(o, i);
				return st;
			}
		}
		if (run_ckpt_save(vm, o->save[i].path)) {
			snprintf(vm->stop_detail, sizeof vm->stop_detail,
				 "saving the checkpoint %s failed",
				 o->save[i].path);
			vm->stop = VM_STOP_HOST_ERROR;
			return vm->stop;
		}
	}
	if (budget > spent || !o->nsave)
		return run(ctx, budget - spent);
	return vm->stop;
}
