/* What a lab did: the report (aula-lab(5), REPORT), dumps, exit status. */
#include "lab/lab_int.h"

#include <errno.h>
#include <string.h>

#include "mem/pool.h"
#include "state/dump.h"

/* part / whole as a percentage with one decimal, in integers only so the
 * report is the same on every host. */
static void percent(FILE *f, uint64_t part, uint64_t whole)
{
	uint64_t pm = whole ? (part * 1000 + whole / 2) / whole : 0;
	fprintf(f, "%llu.%llu%%", (unsigned long long)(pm / 10),
		(unsigned long long)(pm % 10));
}

/* How a machine stopped: "poweroff", or "poweroff:3" with a code; while
 * the lab is not over (under the monitor), what it does if it has not. */
static void stop_text(const struct lab_vm *lv, char *buf, size_t len)
{
	static const char *const states[] = {
		[LAB_READY] = "ready", [LAB_RUNNING] = "running",
		[LAB_HALTED] = "halted",
	};
	if (lv->state != LAB_STOPPED && !lv->host->lab->done)
		snprintf(buf, len, "(%s)", states[lv->state]);
	else if (lv->vm->stop_code)
		snprintf(buf, len, "%s:%u", vm_stop_name(lv->vm->stop),
			 lv->vm->stop_code);
	else
		snprintf(buf, len, "%s", vm_stop_name(lv->vm->stop));
}

void lab_report_machines(const struct lab_host *h, FILE *f)
{
	fprintf(f, "  %-10s %-12s %10s %10s %10s %10s %8s\n", "machine",
		"stop", "insns", "run", "steal", "halted", "switches");
	for (int i = 0; i < h->nvms; i++) {
		const struct lab_vm *lv = h->vms[i];
		char st[32];
		stop_text(lv, st, sizeof st);
		fprintf(f, "  %-10s %-12s %10llu %10llu %10llu %10llu %8llu\n",
			lv->cfg->name, st,
			(unsigned long long)lv->vm->cpu.insns,
			(unsigned long long)lv->run,
			(unsigned long long)lv->steal,
			(unsigned long long)lv->halted,
			(unsigned long long)lv->switches);
	}
}

void lab_report_memory(const struct lab_host *h, FILE *f)
{
	const struct pool_stats *ps = pool_stats(h->pool);
	fprintf(f, "  memory: budget %llu pages, used %llu, peak %llu, "
		"%llu shared, %llu over budget\n",
		(unsigned long long)ps->budget, (unsigned long long)ps->used,
		(unsigned long long)ps->peak,
		(unsigned long long)ps->shared_pages,
		(unsigned long long)ps->over);
	fprintf(f, "  %-10s %7s %7s %7s %7s %7s %7s %7s %7s\n", "pages",
		"touched", "resid", "swapped", "shared", "balloon", "wss",
		"out", "in");
	for (int i = 0; i < h->nvms; i++) {
		const struct lab_vm *lv = h->vms[i];
		/* None: a machine stopped when a host ran out of memory as
		 * it changed managers. */
		static const struct pool_vm_stats none;
		const struct pool_vm_stats *st = pool_vm_stats(lv->vm);
		if (!st)
			st = &none;
		fprintf(f, "  %-10s %7u %7llu %7llu %7llu %7llu %7llu %7llu "
			"%7llu\n", lv->cfg->name, lv->vm->mem.touched,
			(unsigned long long)st->resident,
			(unsigned long long)st->swapped,
			(unsigned long long)st->shared,
			(unsigned long long)st->ballooned,
			(unsigned long long)st->wss_peak,
			(unsigned long long)st->swap_outs,
			(unsigned long long)st->swap_ins);
	}
}

static void report_host(const struct lab *l, const struct lab_host *h,
			FILE *f)
{
	/* Under the monitor the lab may have stopped within a window, with
	 * this host's CPUs past the lab's clock. */
	uint64_t now = l->now;
	for (unsigned p = 0; l->in_window && p < h->cfg->cpus; p++)
		if (h->cpu[p].now > now)
			now = h->cpu[p].now;
	uint64_t busy = 0, steal = 0, span = now * h->cfg->cpus;
	for (unsigned p = 0; p < h->cfg->cpus; p++)
		busy += h->cpu[p].busy;
	for (int i = 0; i < h->nvms; i++)
		steal += h->vms[i]->steal;
	fprintf(f, "host %s: %u cpu%s, quantum %llu, %d machine%s\n",
		h->cfg->name, h->cfg->cpus, h->cfg->cpus == 1 ? "" : "s",
		(unsigned long long)h->cfg->quantum, h->nvms,
		h->nvms == 1 ? "" : "s");
	fprintf(f, "  utilisation ");
	percent(f, busy, span);
	fprintf(f, " (busy %llu of %llu cpu ticks), steal %llu\n",
		(unsigned long long)busy, (unsigned long long)span,
		(unsigned long long)steal);
	for (unsigned p = 0; p < h->cfg->cpus; p++) {
		fprintf(f, "  cpu %u busy ", p);
		percent(f, h->cpu[p].busy, now);
		fputc('\n', f);
	}
	lab_report_machines(h, f);
	if (h->pool)
		lab_report_memory(h, f);
}

void lab_report_switch(const struct lab *l, int si, FILE *f)
{
	const struct lan_switch *s = l->sw[si];
	fprintf(f, "switch %s: latency %llu, %d port%s, %llu flooded, %d "
		"address%s learned\n", switch_name(s),
		(unsigned long long)switch_latency(s), switch_nports(s),
		switch_nports(s) == 1 ? "" : "s",
		(unsigned long long)switch_flooded(s), switch_nmacs(s),
		switch_nmacs(s) == 1 ? "" : "es");
	fprintf(f, "  %-10s %-16s %9s %9s %9s\n", "port", "vlan", "in", "out",
		"dropped");
	for (int p = 0; p < switch_nports(s); p++) {
		const struct switch_port_cfg *c = switch_port_cfg(s, p);
		const struct switch_port_stats *st = switch_port_stats(s, p);
		char vlan[64] = "trunk:";
		if (c->vlan) {
			snprintf(vlan, sizeof vlan, "%u", c->vlan);
		} else {
			for (unsigned i = 0; i < c->ntrunk; i++)
				snprintf(vlan + strlen(vlan),
					 sizeof vlan - strlen(vlan), "%s%u",
					 i ? "," : "", c->trunk[i]);
		}
		fprintf(f, "  %-10s %-16s %9llu %9llu %9llu\n", c->name, vlan,
			(unsigned long long)st->rx_frames,
			(unsigned long long)st->tx_frames,
			(unsigned long long)st->dropped);
	}
}

void lab_report(const struct lab *l, FILE *f)
{
	fprintf(f, "aula lab report, version 1\n");
	fprintf(f, "lab %s: time %llu ticks, %d machine%s, %d host%s, %d "
		"switch%s\n", l->cfg.path, (unsigned long long)l->now, l->nvms,
		l->nvms == 1 ? "" : "s", l->cfg.nhosts,
		l->cfg.nhosts == 1 ? "" : "s", l->cfg.nswitches,
		l->cfg.nswitches == 1 ? "" : "es");
	for (int i = 0; i < l->cfg.nhosts; i++)
		report_host(l, &l->hosts[i], f);
	for (int i = 0; i < l->cfg.nswitches; i++)
		lab_report_switch(l, i, f);
	lab_report_migrations(l, f);
}

int lab_write_dumps(const struct lab *l, const char *dir)
{
	for (int i = 0; i < l->nvms; i++) {
		const struct lab_vm *lv = &l->vms[i];
		char path[LAB_PATH_MAX * 2];
		snprintf(path, sizeof path, "%s/%s.dump", dir, lv->cfg->name);
		FILE *f = fopen(path, "w");
		if (!f) {
			fprintf(l->svc.msg, "aula: %s: %s\n", path,
				strerror(errno));
			return -1;
		}
		dump_write(f, lv->vm, DUMP_TEXT, lv->cfg->ranges,
			   lv->cfg->nranges);
		if (fclose(f) != 0) {
			fprintf(l->svc.msg, "aula: %s: %s\n", path,
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

int lab_exit_status(const struct lab *l)
{
	int status = 0;
	for (int i = 0; i < l->nvms; i++) {
		int s = dump_exit_status(l->vms[i].vm);
		if (s > status)
			status = s;
	}
	return status;
}
