/* The monitor's view of a lab: info vms, sched, memory, switch NAME. */
#include "lab/lab_int.h"

#include <string.h>

static const char *state_name(enum lab_state s)
{
	static const char *const names[] = {
		[LAB_READY] = "ready", [LAB_RUNNING] = "running",
		[LAB_HALTED] = "halted", [LAB_STOPPED] = "stopped",
	};
	return names[s];
}

static void info_vms(const struct lab *l, const struct vm *focus, FILE *f)
{
	fprintf(f, "  %-10s %-10s %-8s %-12s %12s %10s\n", "machine", "host",
		"state", "stop", "clock", "pc");
	for (int i = 0; i < l->nvms; i++) {
		const struct lab_vm *lv = &l->vms[i];
		fprintf(f, "%c %-10s %-10s %-8s %-12s %12llu 0x%08x\n",
			lv->vm == focus ? '*' : ' ', lv->cfg->name,
			lv->host->cfg->name, state_name(lv->state),
			lv->state == LAB_STOPPED ? vm_stop_name(lv->vm->stop)
						 : "-",
			(unsigned long long)vm_now(lv->vm), lv->vm->cpu.pc);
	}
	fprintf(f, "lab clock %llu, time %llu%s\n", (unsigned long long)l->now,
		(unsigned long long)l->cfg.time, l->done ? ", over" : "");
}

static void info_sched(const struct lab *l, FILE *f)
{
	for (int i = 0; i < l->cfg.nhosts; i++) {
		const struct lab_host *h = &l->hosts[i];
		fprintf(f, "host %s: %u cpu%s, quantum %llu\n", h->cfg->name,
			h->cfg->cpus, h->cfg->cpus == 1 ? "" : "s",
			(unsigned long long)h->cfg->quantum);
		for (unsigned p = 0; p < h->cfg->cpus; p++) {
			const struct lab_cpu *c = &h->cpu[p];
			if (c->cur)
				fprintf(f, "  cpu %u: %s, %llu ticks of its "
					"quantum left\n", p, c->cur->cfg->name,
					(unsigned long long)c->qleft);
			else
				fprintf(f, "  cpu %u: idle\n", p);
		}
		lab_report_machines(h, f);
	}
}

static void info_memory(const struct lab *l, FILE *f)
{
	for (int i = 0; i < l->cfg.nhosts; i++) {
		const struct lab_host *h = &l->hosts[i];
		if (!h->pool) {
			fprintf(f, "host %s: no RAM budget, no sharing\n",
				h->cfg->name);
			continue;
		}
		fprintf(f, "host %s:\n", h->cfg->name);
		lab_report_memory(h, f);
	}
}

static int info_switch(const struct lab *l, const char *name, FILE *f)
{
	for (int i = 0; i < l->cfg.nswitches; i++) {
		if (strcmp(l->cfg.switches[i].name, name))
			continue;
		const struct lan_switch *s = l->sw[i];
		lab_report_switch(l, i, f);
		fprintf(f, "  learned:\n");
		for (int m = 0; m < switch_nmacs(s); m++) {
			const struct switch_mac *e = switch_mac_at(s, m);
			fprintf(f, "    %02x:%02x:%02x:%02x:%02x:%02x vlan %u "
				"port %s\n", e->mac[0], e->mac[1], e->mac[2],
				e->mac[3], e->mac[4], e->mac[5], e->vlan,
				switch_port_cfg(s, e->port)->name);
		}
		return 0;
	}
	fprintf(f, "error: no switch '%s' in the lab\n", name);
	return -1;
}

int lab_info(const struct lab *l, const struct vm *focus, const char *topic,
	     const char *arg, FILE *out)
{
	char name[LAB_NAME_MAX + 1] = "";
	sscanf(arg, "%32s", name);
	if (!strcmp(topic, "switch")) {
		if (!name[0]) {
			fprintf(out, "error: info switch which? (");
			for (int i = 0; i < l->cfg.nswitches; i++)
				fprintf(out, "%s%s", i ? ", " : "",
					l->cfg.switches[i].name);
			fprintf(out, ")\n");
			return -1;
		}
		return info_switch(l, name, out);
	}
	if (!strcmp(topic, "vms"))
		info_vms(l, focus, out);
	else if (!strcmp(topic, "sched"))
		info_sched(l, out);
	else if (!strcmp(topic, "memory"))
		info_memory(l, out);
	else if (!strcmp(topic, "migrate"))
		lab_info_migrate(l, out);
	else
		return 1;
	return 0;
}
