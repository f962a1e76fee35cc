/* aula run's --record and --replay (cli/run_replay.h). */
#include "cli/run_replay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"

int run_record_begin(struct recorder *r, const char *path, struct vm *vm,
		     FILE **f)
{
	char err[512];
	if (!(*f = fopen(path, "wb"))) {
		cmd_error("--record %s: %m", path);
		return -1;
	}
	if (rec_begin(r, *f, vm, err, sizeof err)) {
		cmd_error("--record %s: %s", path, err);
		return -1;
	}
	return 0;
}

int run_record_end(struct recorder *r, const char *path, FILE *f)
{
	char err[512];
	int rc = rec_end(r, err, sizeof err);
	if (fclose(f) != 0 && rc == 0) {
		snprintf(err, sizeof err, "%s", strerror(errno));
		rc = -1;
	}
	if (rc)
		cmd_error("--record %s: %s", path, err);
	return rc;
}

int run_replay_read(const char *path, struct replay *p)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		cmd_error("--replay %s: %m", path);
		return -1;
	}
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;
	do {
		if (len == cap) {
			uint8_t *b = realloc(buf, cap = cap ? 2 * cap : 1 << 16);
			if (!b) {
				free(buf);
				fclose(f);
				cmd_error("--replay %s: out of host memory",
					  path);
				return -1;
			}
			buf = b;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	int bad = ferror(f);
	fclose(f);
	char err[512];
	if (bad) {
		free(buf);
		cmd_error("--replay %s: read error", path);
		return -1;
	}
	if (replay_decode(p, buf, len, err, sizeof err)) {
		cmd_error("--replay %s: %s", path, err);
		return -1;
	}
	return 0;
}

int run_replay_report(const struct replay *p, const struct vm *vm,
		      const char *path, int quiet)
{
	char err[256];
	uint32_t crc = 0;
	if (p->diverged[0]) {
		cmd_error("--replay %s: the run diverged: %s", path,
			  p->diverged);
		return -1;
	}
	if (!p->have_end) {
		cmd_error("--replay %s: the recording has no END (its run was "
			  "cut short): replayed its %zu inputs, to position "
			  "%llu, with nothing to compare the end with", path,
			  p->n, (unsigned long long)rec_pos(vm));
		return 0;
	}
	if (rec_state_crc(vm, &crc, err, sizeof err)) {
		cmd_error("--replay %s: %s", path, err);
		return -1;
	}
	if (rec_pos(vm) != p->end_pos || vm->stop != p->end_stop ||
	    vm->stop_code != p->end_code || crc != p->end_crc) {
		cmd_error("--replay %s: the run diverged: it ended at position "
			  "%llu (%s, code %u), the recorded one at %llu (%s, "
			  "code %u)%s", path, (unsigned long long)rec_pos(vm),
			  vm_stop_name(vm->stop), vm->stop_code,
			  (unsigned long long)p->end_pos,
			  vm_stop_name((enum vm_stop)p->end_stop), p->end_code,
			  crc != p->end_crc ? ", in another state" : "");
		return -1;
	}
	if (!quiet)
		cmd_error("replay %s: the run came out as recorded: %zu inputs "
			  "served, %llu instructions, stopped by %s", path,
			  (size_t)p->served, (unsigned long long)vm->cpu.insns,
			  vm_stop_name(vm->stop));
	return 0;
}
