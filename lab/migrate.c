/*
 * Live migration inside a lab (aula-lab(5), [migration NAME]): a machine
 * moves from its host to another by pre-copy, on the lab's clock, through
 * the same stream aula run --migrate-to sends (state/migrate.h) -- here the
 * link is in the process: what the source writes, the target's parser
 * reads at once.
 *
 *   lab clock:  at          steps every slice of link time        T
 *               |-- rounds of pages; the guest runs on host A ---|-- downtime
 *               start                                  switchover  (steal)
 *                                                                  resumes on B
 *
 * Everything happens between windows, when no machine runs: the lab's
 * windows are cut to end at the link's next step.  At the switchover the
 * machine stops where it is, its state (the STAT record) and last pages
 * go, and the machine is rebuilt from what the target parsed -- its RAM
 * from the PAGE records -- on the other host, which may run it once its
 * downtime has passed.  The struct vm stays the same object (the monitor
 * holds it), but everything in it comes from the stream.
 */
#include "lab/lab_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The link: the source's bytes go straight into the target's parser. */
static int link_write(void *ctx, const void *buf, size_t len)
{
	struct lab_mig *m = ctx;
	char err[400];
	if ((m->fed = mig_dst_feed(m->dst, buf, len, err, sizeof err)) ==
	    MIG_DST_BAD) {
		snprintf(m->src->stats.detail, sizeof m->src->stats.detail,
			 "the target refused the stream: %s", err);
		return -1;
	}
	return 0;
}

static void end(struct lab_mig *m, const char *why)
{
	if (m->src) {
		mig_src_cancel(m->src);
		m->stats = m->src->stats;
		mig_src_free(m->src);
		free(m->src);
		m->src = NULL;
	}
	if (m->dst) {
		mig_dst_free(m->dst);
		free(m->dst);
		m->dst = NULL;
	}
	if (why) {
		m->stats.status = MIG_FAILED;
		snprintf(m->stats.detail, sizeof m->stats.detail, "%s", why);
	} else if (m->stats.status == MIG_FAILED && !m->stats.detail[0]) {
		snprintf(m->stats.detail, sizeof m->stats.detail,
			 "the stream could not be written");
	}
	if (m->lv)
		m->lv->throttle = 0;
	m->phase = LAB_MIG_DONE;
}

static void start(struct lab *l, struct lab_mig *m)
{
	struct lab_vm *lv = m->lv;
	char err[512];
	m->started = true;
	m->from = lv->host->index;
	if (lv->state == LAB_STOPPED) {
		end(m, "the machine had stopped");
		return;
	}
	if (lv->host->index == m->to) {
		snprintf(err, sizeof err, "the machine is on host %s already",
			 l->hosts[m->to].cfg->name);
		end(m, err);
		return;
	}
	/* One at a time: two would share the machine's dirty bits. */
	for (int i = 0; i < l->nmig; i++)
		if (&l->mig[i] != m && l->mig[i].lv == lv &&
		    l->mig[i].phase == LAB_MIG_ACTIVE) {
			snprintf(err, sizeof err, "the machine is migrating "
				 "already (migration %s)", l->mig[i].name);
			end(m, err);
			return;
		}
	m->src = calloc(1, sizeof *m->src);
	m->dst = malloc(sizeof *m->dst);
	if (!m->src || !m->dst) {
		end(m, "out of host memory");
		return;
	}
	mig_dst_init(m->dst);
	m->fed = MIG_DST_MORE;
	m->phase = LAB_MIG_ACTIVE;
	if (mig_src_start(m->src, lv->vm, &m->policy, link_write, m, err,
			  sizeof err)) {
		end(m, err);
		return;
	}
	m->next_step = l->now + mig_src_slice_ticks(m->src);
}

/* Take lv off its host's scheduler and give it to host `to`. */
static void move_to(struct lab *l, struct lab_vm *lv, int to)
{
	struct lab_host *from = lv->host, *h = &l->hosts[to];
	for (unsigned p = 0; p < from->cfg->cpus; p++)
		if (from->cpu[p].cur == lv)
			from->cpu[p].cur = NULL;
	int k = 0;
	for (int i = 0; i < from->nvms; i++)
		if (from->vms[i] != lv)
			from->vms[k++] = from->vms[i];
	from->nvms = k;
	h->vms[h->nvms++] = lv;
	lv->host = h;
	lv->seq = h->seq++;
}

/* Stop and copy, then the machine resumes on the other host. */
static void switchover(struct lab *l, struct lab_mig *m)
{
	struct lab_vm *lv = m->lv;
	char err[512];
	lab_sync(l);	/* every machine not running is at l->now */
	if (mig_src_finish(m->src, err, sizeof err)) {
		end(m, err);
		return;
	}
	struct ckpt ck = { 0 };
	if (m->fed != MIG_DST_DONE || mig_dst_take(m->dst, &ck)) {
		ckpt_free(&ck);
		end(m, "the target did not get the whole stream");
		return;
	}
	/* The machine as the target made it: everything from the stream.
	 * Checked first: past the change of memory managers only running
	 * out of host memory can fail, and the machine is lost then. */
	if (ckpt_check(&ck, lv->vm, 0, err, sizeof err)) {
		ckpt_free(&ck);
		end(m, err);
		return;
	}
	if (lab_change_pools(lv, &l->hosts[m->to], err, sizeof err) ||
	    ckpt_apply(&ck, lv->vm, 0, err, sizeof err)) {
		ckpt_free(&ck);
		vm_stop(lv->vm, VM_STOP_HOST_ERROR, 0);
		snprintf(lv->vm->stop_detail, sizeof lv->vm->stop_detail,
			 "the migration's switchover: %.96s", err);
		lv->state = LAB_STOPPED;
		lv->stopped_at = vm_now(lv->vm);
		end(m, err);
		return;
	}
	ckpt_free(&ck);
	uint64_t downtime = m->src->stats.downtime;
	end(m, NULL);
	move_to(l, lv, m->to);
	lv->state = LAB_READY;
	lv->since = l->now;
	lv->resume_at = l->now + downtime;
	mig_announce(lv->vm);	/* its switch learns where it is at once */
}

static void step(struct lab *l, struct lab_mig *m)
{
	struct lab_vm *lv = m->lv;
	while (m->phase == LAB_MIG_ACTIVE && m->next_step <= l->now) {
		if (lv->state == LAB_STOPPED) {
			end(m, "the guest stopped before the switchover");
			return;
		}
		enum mig_step r = mig_src_step(m->src);
		if (r == MIG_STEP_FAILED) {
			end(m, NULL);
			return;
		}
		if (r == MIG_STEP_SWITCHOVER) {
			switchover(l, m);
			return;
		}
		unsigned t = m->src->stats.throttle;
		if (t && !lv->throttle && !lv->cfg->cap) {
			/* A cap's credit starts now. */
			lv->credit = 0;
			lv->credit_at = l->now;
		}
		lv->throttle = t;
		m->next_step += mig_src_slice_ticks(m->src);
	}
}

void lab_mig_tick(struct lab *l)
{
	for (int i = 0; i < l->nmig; i++) {
		struct lab_mig *m = &l->mig[i];
		if (m->phase == LAB_MIG_PENDING && m->at <= l->now)
			start(l, m);
		if (m->phase == LAB_MIG_ACTIVE)
			step(l, m);
	}
}

uint64_t lab_mig_next(const struct lab *l)
{
	uint64_t next = UINT64_MAX;
	for (int i = 0; i < l->nmig; i++) {
		const struct lab_mig *m = &l->mig[i];
		uint64_t t = m->phase == LAB_MIG_PENDING ? m->at
			     : m->phase == LAB_MIG_ACTIVE ? m->next_step
							  : UINT64_MAX;
		if (t < next)
			next = t;
	}
	return next;
}

void lab_mig_free(struct lab *l)
{
	for (int i = 0; i < l->nmig; i++)
		if (l->mig[i].phase == LAB_MIG_ACTIVE)
			end(&l->mig[i], l->mig[i].lv->state == LAB_STOPPED
				? "the guest stopped before the switchover"
				: "the lab ended first");
}

int lab_migrate(struct lab *l, const char *machine, const char *host,
		char *err, size_t errlen)
{
	struct lab_vm *lv = NULL;
	int to = -1;
	for (int i = 0; i < l->nvms; i++)
		if (!strcmp(l->vms[i].cfg->name, machine))
			lv = &l->vms[i];
	for (int i = 0; i < l->cfg.nhosts; i++)
		if (!strcmp(l->cfg.hosts[i].name, host))
			to = i;
	if (!lv) {
		snprintf(err, errlen, "no machine '%s' in the lab (info vms)",
			 machine);
		return -1;
	}
	if (to < 0) {
		snprintf(err, errlen, "no host '%s' in the lab", host);
		return -1;
	}
	if (lv->host->index == to) {
		snprintf(err, errlen, "%s is on host %s already", machine, host);
		return -1;
	}
	for (int i = 0; i < l->nmig; i++)
		if (l->mig[i].lv == lv && l->mig[i].phase != LAB_MIG_DONE) {
			snprintf(err, errlen, "%s is migrating already "
				 "(migration %s)", machine, l->mig[i].name);
			return -1;
		}
	if (l->nmig == (int)(sizeof l->mig / sizeof *l->mig)) {
		snprintf(err, errlen, "too many migrations in one lab");
		return -1;
	}
	struct lab_mig *m = &l->mig[l->nmig];
	memset(m, 0, sizeof *m);
	snprintf(m->name, sizeof m->name, "monitor-%d", l->nmig + 1);
	m->lv = lv;
	m->to = to;
	m->at = l->in_window ? l->win_end : l->now;
	m->policy = MIG_POLICY_DEFAULT;
	l->nmig++;
	return 0;
}

/* ---- what it says ---------------------------------------------------- */

/* The host a migration leaves: where it started, or, not started yet,
 * where the machine will be by then -- the target of the last migration
 * of it ahead of this one still to be done. */
static int leaves(const struct lab *l, const struct lab_mig *m)
{
	if (m->started)
		return m->from;
	int from = m->lv->host->index;
	for (const struct lab_mig *e = l->mig; e < m; e++)
		if (e->lv == m->lv && e->phase != LAB_MIG_DONE)
			from = e->to;
	return from;
}

static void headline(const struct lab *l, const struct lab_mig *m, FILE *f)
{
	fprintf(f, "migration %s: %s from %s to %s at %" PRIu64, m->name,
		m->lv->cfg->name, l->hosts[leaves(l, m)].cfg->name,
		l->hosts[m->to].cfg->name, m->at);
}

void lab_report_migrations(const struct lab *l, FILE *f)
{
	for (int i = 0; i < l->nmig; i++) {
		const struct lab_mig *m = &l->mig[i];
		const struct mig_stats *st = &m->stats;
		headline(l, m, f);
		if (m->phase == LAB_MIG_PENDING)
			fprintf(f, ": not started\n");
		else if (m->phase == LAB_MIG_ACTIVE)
			fprintf(f, ": active\n");
		else if (st->status == MIG_FAILED)
			fprintf(f, ": failed: %s\n", st->detail);
		else
			fprintf(f, ": completed, %u rounds, %" PRIu64 " pages, "
				"downtime %" PRIu64 " ticks, total %" PRIu64
				" ticks, throttle %u%%\n", st->rounds,
				st->total_pages, st->downtime, st->total_time,
				st->throttle);
	}
}

/* info migrate: each migration's headline and its report. */
int lab_info_migrate(const struct lab *l, FILE *out)
{
	if (!l->nmig) {
		fprintf(out, "no migrations: a [migration NAME] section or "
			"the migrate command starts one\n");
		return 0;
	}
	for (int i = 0; i < l->nmig; i++) {
		const struct lab_mig *m = &l->mig[i];
		headline(l, m, out);
		if (m->phase == LAB_MIG_PENDING) {
			fprintf(out, ": not started\n");
			continue;
		}
		fprintf(out, "\n");
		mig_stats_print(m->phase == LAB_MIG_ACTIVE ? &m->src->stats
							   : &m->stats, 0, out);
	}
	return 0;
}
