/*
 * Snapshots of a whole lab, kept by name in the process (the lab
 * monitor's savevm -l, loadvm -l, delvm -l; aula-lab(5), MONITOR).
 *
 * A snapshot is the lab as data, at one instant of its clock:
 *
 *   lab       clock, the window under way (its end, the hosts through it,
 *             each CPU's instant), the migrations' table
 *   host      its CPUs (the machine each runs, quantum left, busy time),
 *             its machines in order, the arrival counter, the next memory
 *             sample, whether it squeezes balloons; its memory manager's
 *             whole state (mem/pool.h, pool_save)
 *   machine   its checkpoint (state/ckpt.h; its RAM in it, or in its
 *             host's pool snapshot), its place in the scheduler (state,
 *             since, wake-up, run/steal/halted/switches, cap credit,
 *             throttle), its host, its console's partial line and input
 *             offset
 *   switch    learning table, frames in flight, counters (net/switch.h)
 *
 * Loading one puts every part back, so that the lab then runs exactly as
 * it ran from that instant (tests/lab-ckpt.sh compares the reports).
 * What left the process stays out: console output and captures already
 * written are not taken back.  So a snapshot is refused while a migration
 * is under way, with an uplink (another process's frames), with a
 * writable disk, or with console input that is not a file.
 */
#include "lab/lab_int.h"

#include <stdlib.h>
#include <string.h>

#include "mem/pool.h"
#include "state/ckpt.h"

/* A machine's place under the scheduler: the members of struct lab_vm a
 * snapshot keeps, named once for saving and for loading. */
#define SCHED_FIELDS(X)							\
	X(state) X(since) X(wake_at) X(seq) X(run) X(steal) X(halted)	\
	X(switches) X(stopped_at) X(credit) X(credit_at) X(resume_at)	\
	X(throttle)

struct snap_vm {
	struct ckpt ck;
	int host;
	struct lab_vm sched;	/* SCHED_FIELDS only */
	char line[LAB_LINE_MAX];
	size_t n;
	long in_pos;		/* -1: no input */
};

struct snap_cpu {
	int cur;		/* machine index, or -1 */
	uint64_t qleft, now, busy;
};

struct snap_host {
	struct snap_cpu cpu[LAB_MAX_CPUS];
	int vms[LAB_MAX_MACHINES];	/* machine indices, in order */
	int nvms;
	uint64_t seq, next_sample;
	bool squeeze;
	struct pool_snap *pool;
};

struct lab_snap {
	char name[LAB_NAME_MAX];
	struct lab_snap *next;
	uint64_t now, win_end;
	bool in_window, done;
	int win_host;
	struct snap_vm *vms;
	int nvms;
	struct snap_host hosts[LAB_MAX_HOSTS];
	struct switch_snap *sw[LAB_MAX_SWITCHES];
	struct lab_mig mig[LAB_MAX_MIGRATIONS * 2];
	int nmig;
};

static void snap_free(struct lab_snap *s, int nhosts, int nswitches)
{
	if (!s)
		return;
	for (int i = 0; s->vms && i < s->nvms; i++)
		ckpt_free(&s->vms[i].ck);
	free(s->vms);
	for (int h = 0; h < nhosts; h++)
		pool_snap_free(s->hosts[h].pool);
	for (int i = 0; i < nswitches; i++)
		switch_snap_free(s->sw[i]);
	free(s);
}

static struct lab_snap *find(struct lab *l, const char *name,
			     struct lab_snap ***link)
{
	struct lab_snap **p = &l->snaps;
	while (*p && strcmp((*p)->name, name))
		p = &(*p)->next;
	if (link)
		*link = p;
	return *p;
}

/* What keeps the lab from being saved: NULL, or why. */
static const char *unsavable(const struct lab *l, char *why, size_t len)
{
	for (int i = 0; i < l->nmig; i++)
		if (l->mig[i].phase == LAB_MIG_ACTIVE) {
			snprintf(why, len, "migration %s is under way (a "
				 "snapshot cannot hold its link)",
				 l->mig[i].name);
			return why;
		}
	for (int i = 0; i < l->cfg.nswitches; i++)
		if (l->have_uplink[i]) {
			snprintf(why, len, "switch %s has an uplink: the "
				 "frames of other processes cannot be taken "
				 "back", l->cfg.switches[i].name);
			return why;
		}
	for (int i = 0; i < l->nvms; i++) {
		const struct lab_vm *lv = &l->vms[i];
		for (unsigned d = 0; d < lv->cfg->ndisks; d++)
			if (!lv->disks[d].read_only) {
				snprintf(why, len, "machine %s has a writable "
					 "disk (%s): a lab snapshot does not "
					 "keep disks yet (savevm of the "
					 "machine does)", lv->cfg->name,
					 lv->disks[d].path);
				return why;
			}
		if (lv->con.in && ftell(lv->con.in) < 0) {
			snprintf(why, len, "machine %s's console input is not "
				 "a file: what it read could not be read "
				 "again", lv->cfg->name);
			return why;
		}
	}
	return NULL;
}

static int save_vm(struct snap_vm *o, const struct lab_vm *lv, char *err,
		   size_t errlen)
{
	/* RAM under a memory manager is in its pool's snapshot. */
	unsigned flags = lv->vm->mem.pool ? CKPT_NO_RAM | CKPT_RAM_READ : 0;
	if (ckpt_capture(&o->ck, lv->vm, flags, err, errlen))
		return -1;
	o->host = lv->host->index;
#define SAVE(f) o->sched.f = lv->f;
	SCHED_FIELDS(SAVE)
#undef SAVE
	memcpy(o->line, lv->con.line, sizeof o->line);
	o->n = lv->con.n;
	o->in_pos = lv->con.in ? ftell(lv->con.in) : -1;
	return 0;
}

static void save_host(struct snap_host *o, const struct lab_host *h)
{
	for (unsigned p = 0; p < h->cfg->cpus; p++) {
		const struct lab_cpu *c = &h->cpu[p];
		o->cpu[p] = (struct snap_cpu){ c->cur ? c->cur->index : -1,
					       c->qleft, c->now, c->busy };
	}
	o->nvms = h->nvms;
	for (int i = 0; i < h->nvms; i++)
		o->vms[i] = h->vms[i]->index;
	o->seq = h->seq;
	o->next_sample = h->next_sample;
	o->squeeze = h->squeeze;
}

int lab_snap_save(struct lab *l, const char *name, char *err, size_t errlen)
{
	char why[256];
	if (unsavable(l, why, sizeof why)) {
		snprintf(err, errlen, "the lab cannot be saved: %s", why);
		return -1;
	}
	if (strlen(name) >= LAB_NAME_MAX) {
		snprintf(err, errlen, "a snapshot's name has at most %d "
			 "characters", LAB_NAME_MAX - 1);
		return -1;
	}
	struct lab_snap *s = calloc(1, sizeof *s);
	if (!s || !(s->vms = calloc((size_t)l->nvms, sizeof *s->vms))) {
		free(s);
		snprintf(err, errlen, "out of host memory");
		return -1;
	}
	snprintf(s->name, sizeof s->name, "%s", name);
	s->nvms = l->nvms;
	s->now = l->now;
	s->win_end = l->win_end;
	s->in_window = l->in_window;
	s->win_host = l->win_host;
	s->done = l->done;
	for (int i = 0; i < l->nvms; i++)
		if (save_vm(&s->vms[i], &l->vms[i], err, errlen))
			goto fail;
	for (int h = 0; h < l->cfg.nhosts; h++) {
		save_host(&s->hosts[h], &l->hosts[h]);
		if (l->hosts[h].pool &&
		    !(s->hosts[h].pool = pool_save(l->hosts[h].pool))) {
			snprintf(err, errlen, "out of host memory, or a swap "
				 "file could not be read");
			goto fail;
		}
	}
	for (int i = 0; i < l->cfg.nswitches; i++)
		if (!(s->sw[i] = switch_save(l->sw[i]))) {
			snprintf(err, errlen, "out of host memory");
			goto fail;
		}
	memcpy(s->mig, l->mig, sizeof s->mig);
	s->nmig = l->nmig;
	/* A name said again takes the new snapshot. */
	struct lab_snap **link, *old = find(l, name, &link);
	if (old) {
		s->next = old->next;
		snap_free(old, l->cfg.nhosts, l->cfg.nswitches);
	}
	*link = s;
	return 0;
fail:
	snap_free(s, l->cfg.nhosts, l->cfg.nswitches);
	return -1;
}

/* Put every machine back on its host of the snapshot (a migration may
 * have moved it since): the host's list and order, and its memory
 * manager, with a swap file on that host.  0, or -1 with err. */
static int restore_hosts(struct lab *l, const struct lab_snap *s, char *err,
			 size_t errlen)
{
	for (int i = 0; i < l->nvms; i++) {
		struct lab_vm *lv = &l->vms[i];
		struct lab_host *to = &l->hosts[s->vms[i].host];
		if (lv->host == to)
			continue;
		if (lab_change_pools(lv, to, err, errlen))
			return -1;
		lv->host = to;
	}
	for (int h = 0; h < l->cfg.nhosts; h++) {
		struct lab_host *host = &l->hosts[h];
		const struct snap_host *o = &s->hosts[h];
		host->nvms = o->nvms;
		for (int i = 0; i < o->nvms; i++)
			host->vms[i] = &l->vms[o->vms[i]];
		for (unsigned p = 0; p < host->cfg->cpus; p++) {
			const struct snap_cpu *c = &o->cpu[p];
			host->cpu[p] = (struct lab_cpu){
				c->cur >= 0 ? &l->vms[c->cur] : NULL,
				c->qleft, c->now, c->busy };
		}
		host->seq = o->seq;
		host->next_sample = o->next_sample;
		host->squeeze = o->squeeze;
		if (host->pool && pool_restore(host->pool, o->pool)) {
			snprintf(err, errlen, "host %s's memory could not be "
				 "put back (out of host memory, or a swap file "
				 "failed)", host->cfg->name);
			return -1;
		}
	}
	return 0;
}

static int restore_vm(struct lab_vm *lv, const struct snap_vm *o, char *err,
		      size_t errlen)
{
	unsigned flags = lv->vm->mem.pool ? CKPT_KEEP_RAM | CKPT_RAM_RESTORED
					  : 0;
	if (ckpt_apply(&o->ck, lv->vm, flags, err, errlen))
		return -1;
#define LOAD(f) lv->f = o->sched.f;
	SCHED_FIELDS(LOAD)
#undef LOAD
	memcpy(lv->con.line, o->line, sizeof lv->con.line);
	lv->con.n = o->n;
	if (lv->con.in && o->in_pos >= 0) {
		clearerr(lv->con.in);
		fseek(lv->con.in, o->in_pos, SEEK_SET);
	}
	return 0;
}

int lab_snap_load(struct lab *l, const char *name, char *err, size_t errlen)
{
	const struct lab_snap *s = find(l, name, NULL);
	if (!s) {
		snprintf(err, errlen, "no lab snapshot '%s' (info snapshots "
			 "lists them)", name);
		return -1;
	}
	for (int i = 0; i < l->nvms; i++) {
		/* Before anything changes: RAM aside, each machine takes its
		 * checkpoint (the same machines: only a bug could fail). */
		if (ckpt_check(&s->vms[i].ck, l->vms[i].vm, CKPT_KEEP_RAM |
			       CKPT_RAM_RESTORED, err, errlen))
			return -1;
	}
	/* A migration under way now did not exist then. */
	lab_mig_free(l);
	char why[400];
	int rc = restore_hosts(l, s, why, sizeof why);
	for (int i = 0; rc == 0 && i < l->nvms; i++)
		rc = restore_vm(&l->vms[i], &s->vms[i], why, sizeof why);
	if (rc) {
		/* Half put back: no machine may run on from there. */
		for (int i = 0; i < l->nvms; i++) {
			vm_stop(l->vms[i].vm, VM_STOP_HOST_ERROR, 0);
			l->vms[i].state = LAB_STOPPED;
		}
		l->done = true;
		snprintf(err, errlen, "the lab could not be put back, and has "
			 "stopped: %s", why);
		return -1;
	}
	for (int i = 0; i < l->cfg.nswitches; i++)
		switch_restore(l->sw[i], s->sw[i]);
	memcpy(l->mig, s->mig, sizeof l->mig);
	l->nmig = s->nmig;
	for (int i = 0; i < l->nmig; i++)
		if (l->mig[i].lv)
			l->mig[i].lv = &l->vms[l->mig[i].lv->index];
	l->now = s->now;
	l->win_end = s->win_end;
	l->in_window = s->in_window;
	l->win_host = s->win_host;
	l->done = s->done;
	l->paused = false;
	return 0;
}

int lab_snap_delete(struct lab *l, const char *name, char *err,
		    size_t errlen)
{
	struct lab_snap **link, *s = find(l, name, &link);
	if (!s) {
		snprintf(err, errlen, "no lab snapshot '%s'", name);
		return -1;
	}
	*link = s->next;
	snap_free(s, l->cfg.nhosts, l->cfg.nswitches);
	return 0;
}

void lab_snap_list(const struct lab *l, FILE *out)
{
	if (!l->snaps) {
		fprintf(out, "no lab snapshots (savevm -l NAME takes one)\n");
		return;
	}
	fprintf(out, "  lab snapshot     clock   machines\n");
	for (const struct lab_snap *s = l->snaps; s; s = s->next)
		fprintf(out, "  %-12s %9llu   %d\n", s->name,
			(unsigned long long)s->now, s->nvms);
}

void lab_snap_free_all(struct lab *l)
{
	while (l->snaps) {
		struct lab_snap *s = l->snaps;
		l->snaps = s->next;
		snap_free(s, l->cfg.nhosts, l->cfg.nswitches);
	}
}
