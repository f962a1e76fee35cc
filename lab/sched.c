/*
 * The scheduler: every machine of a lab on one virtual clock.
 *
 * The lab's clock advances in windows of at most the smallest switch
 * latency (aula-lab(5)).  Within a window, each host shares its P
 * physical CPUs among its machines as a small discrete-event simulation:
 * the CPU whose own instant is earliest acts next, so the CPUs move
 * through the window together, and what a machine sees depends only on
 * the lab file.  A CPU
 *
 *   - runs its machine on until its quantum (quantum x weight ticks) is
 *     spent, it halts (HALT detection: the CPU is given up at once), it
 *     stops, its cap's credit is spent, or the window ends;
 *   - when free, takes the ready machine that has waited longest (round
 *     robin), or idles until the next instant something may become ready.
 *
 * A halted machine needs no CPU: its events are fired at their instants
 * (the devices' work, as a hypervisor's device models do it), and it
 * becomes ready when one of them raises an interrupt it takes.  Machines
 * of one window never see each other's effects before the next (a frame
 * takes at least one window to cross a switch), so the order in which
 * hosts and CPUs are simulated within a window changes nothing.
 */
#include "lab/lab_int.h"

#include <string.h>

#define LAB_WINDOW_MAX (1u << 20)

static uint64_t units(const struct vm *vm)
{
	return vm->cpu.insns + vm->cpu.exceptions;
}

uint64_t lab_spent(const struct lab_vm *lv)
{
	return vm_units(lv->vm);
}

static bool out_of_budget(const struct lab_vm *lv)
{
	return lv->cfg->max_insns && lab_spent(lv) >= lv->cfg->max_insns;
}

/* Whether the machine's stop ends it: a budget stop is only the end of
 * the last vm_run (of one instruction, when the monitor steps it). */
static bool stopped_for_good(const struct vm *vm)
{
	return vm->stop != VM_RUNNING && vm->stop != VM_STOP_BUDGET;
}

static void stop(struct lab_vm *lv)
{
	lv->state = LAB_STOPPED;
	lv->stopped_at = vm_now(lv->vm);
}

/* Bring a machine that is not running up to instant t. */
static void catch_up(struct lab_vm *lv, uint64_t t)
{
	uint64_t now = vm_now(lv->vm);
	if (t <= now)
		return;
	if (lv->state == LAB_HALTED) {
		lv->vm->halted_time += t - now;
		lv->halted += t - now;
	} else if (lv->state == LAB_READY) {
		lv->vm->waited_time += t - now;
		lv->steal += t - now;
	}
}

static void make_ready(struct lab_vm *lv, uint64_t t)
{
	lv->state = LAB_READY;
	lv->since = t;
	lv->seq = lv->host->seq++;
}

/* ---- caps ------------------------------------------------------------ */

/* The machine's cap, percent of one CPU; 0: none.  A migration that
 * throttles the guest (lab/migrate.c) lowers it for a while. */
static unsigned cap_of(const struct lab_vm *lv)
{
	unsigned cap = lv->cfg->cap;
	if (lv->throttle && (!cap || cap > 100 - lv->throttle))
		cap = 100 - lv->throttle;
	return cap;
}

/* A capped machine earns cap ticks of CPU per 100 ticks of the clock, up
 * to one quantum ahead; it runs only while its credit is positive. */
static int64_t credit_at(const struct lab_vm *lv, uint64_t t)
{
	int64_t c = lv->credit + (int64_t)(t - lv->credit_at) *
				 (int64_t)cap_of(lv),
		max = (int64_t)lv->host->cfg->quantum * 100;
	return c > max ? max : c;
}

/* A machine that has just migrated waits out its downtime first. */
static uint64_t eligible_from(const struct lab_vm *lv)
{
	uint64_t from = lv->since > lv->resume_at ? lv->since : lv->resume_at;
	if (!cap_of(lv))
		return from;
	int64_t c = credit_at(lv, lv->credit_at);
	uint64_t t = c > 0 ? lv->credit_at
			   : lv->credit_at + (uint64_t)(-c) / cap_of(lv) + 1;
	return t > from ? t : from;
}

/* ---- wake-ups -------------------------------------------------------- */

/* Fire the events of halted machines due by instant t, in time order;
 * those that take an interrupt become ready. */
static void wake_due(struct lab_host *h, uint64_t t)
{
	for (;;) {
		struct lab_vm *first = NULL;
		for (int i = 0; i < h->nvms; i++) {
			struct lab_vm *lv = h->vms[i];
			if (lv->state == LAB_HALTED && lv->wake_at <= t &&
			    (!first || lv->wake_at < first->wake_at))
				first = lv;
		}
		if (!first)
			return;
		struct vm *vm = first->vm;
		uint64_t at = first->wake_at;
		if (first->cfg->max_insns &&
		    lab_spent(first) + (at - vm_now(vm)) >=
			    first->cfg->max_insns) {
			/* aula run would spend the rest of its budget halted */
			catch_up(first, vm_now(vm) + first->cfg->max_insns -
						lab_spent(first));
			vm_stop(vm, VM_STOP_BUDGET, 0);
			stop(first);
			continue;
		}
		catch_up(first, at);
		event_fire_due(&vm->events, at);
		if (stopped_for_good(vm)) {
			stop(first);
		} else if (((vm->cpu.flags & CPU_I) && vm->irq_ready) ||
			   vm->reset_pending) {
			make_ready(first, at);
		} else if ((first->wake_at = event_next(&vm->events)) ==
			   EVENT_NEVER) {
			vm_stop(vm, VM_STOP_IDLE, 0);
			stop(first);
		}
	}
}

/* The ready machine that has waited longest and may run at t, or NULL. */
static struct lab_vm *pick(struct lab_host *h, uint64_t t)
{
	struct lab_vm *best = NULL;
	for (int i = 0; i < h->nvms; i++) {
		struct lab_vm *lv = h->vms[i];
		if (lv->state != LAB_READY || eligible_from(lv) > t)
			continue;
		if (!best || lv->since < best->since ||
		    (lv->since == best->since && lv->seq < best->seq))
			best = lv;
	}
	return best;
}

/* The next instant after t at which a machine may become ready to run. */
static uint64_t next_change(const struct lab_host *h, uint64_t t,
			    uint64_t end)
{
	uint64_t next = end;
	for (int i = 0; i < h->nvms; i++) {
		const struct lab_vm *lv = h->vms[i];
		uint64_t when = lv->state == LAB_HALTED ? lv->wake_at
				: lv->state == LAB_READY ? eligible_from(lv)
							 : EVENT_NEVER;
		if (when > t && when < next)
			next = when;
	}
	return next;
}

/* ---- one CPU's turn -------------------------------------------------- */

static void dispatch(struct lab_cpu *cpu, struct lab_vm *lv)
{
	catch_up(lv, cpu->now);
	if (cap_of(lv)) {
		lv->credit = credit_at(lv, cpu->now);
		lv->credit_at = cpu->now;
	}
	lv->state = LAB_RUNNING;
	lv->switches++;
	cpu->cur = lv;
	cpu->qleft = lv->host->cfg->quantum * lv->cfg->weight;
}

/* Run the CPU's machine from cpu->now, at most up to end. */
static void run_slice(struct lab_cpu *cpu, uint64_t end)
{
	struct lab_vm *lv = cpu->cur;
	struct vm *vm = lv->vm;
	uint64_t n = end - cpu->now;
	if (n > cpu->qleft)
		n = cpu->qleft;
	if (lv->cfg->max_insns && n > lv->cfg->max_insns - lab_spent(lv))
		n = lv->cfg->max_insns - lab_spent(lv);
	if (cap_of(lv) && cap_of(lv) < 100) {
		uint64_t room = lv->credit > 0 ? (uint64_t)lv->credit /
						 (100 - cap_of(lv)) : 0;
		if (n > room)
			n = room;
	}
	const struct lab_vm *focus = lv->host->lab->focus;
	if (lv == focus && n > lv->host->lab->focus_until - units(vm))
		n = lv->host->lab->focus_until - units(vm);
	/* Under the monitor, the other CPUs of the focus's host keep to its
	 * instant, so that the lab stops there when the focus stops.  How a
	 * run is cut into slices changes nothing a machine sees. */
	if (focus && lv != focus && focus->state == LAB_RUNNING &&
	    focus->host == lv->host) {
		uint64_t at = vm_now(focus->vm);
		uint64_t room = at > cpu->now ? at - cpu->now : 1;
		if (n > room)
			n = room;
	}
	if (n == 0)
		n = 1;
	uint64_t start = vm_now(vm);
	vm_run(vm, n);
	if (lv->host->pool)
		pool_quiesce(lv->host->pool);	/* no machine runs now */
	uint64_t ran = vm_now(vm) - start;
	lv->run += ran;
	cpu->busy += ran;
	cpu->now += ran;
	cpu->qleft -= ran < cpu->qleft ? ran : cpu->qleft;
	if (cap_of(lv)) {
		lv->credit = credit_at(lv, cpu->now) - (int64_t)ran * 100;
		lv->credit_at = cpu->now;
	}
	bool final = stopped_for_good(vm);
	if (final || out_of_budget(lv)) {
		if (!final)
			vm_stop(vm, VM_STOP_BUDGET, 0);
		stop(lv);
		cpu->cur = NULL;
	} else if (vm->cpu.halted) {
		lv->state = LAB_HALTED;
		lv->since = cpu->now;
		lv->wake_at = event_next(&vm->events);
		cpu->cur = NULL;
	} else if (cpu->qleft == 0 || (cap_of(lv) && lv->credit <= 0)) {
		make_ready(lv, cpu->now);
		cpu->cur = NULL;
	}
	struct lab *l = lv->host->lab;
	if (lv == l->focus &&
	    (units(vm) >= l->focus_until || lv->state == LAB_STOPPED))
		l->paused = true;
}

/* One host on through the window, up to end (its CPUs' instants were set
 * at the window's start).  false if the lab paused in it. */
static bool host_window(struct lab_host *h, uint64_t end)
{
	unsigned ncpu = h->cfg->cpus;
	for (;;) {
		if (h->lab->paused)
			return false;
		struct lab_cpu *cpu = NULL;
		for (unsigned p = 0; p < ncpu; p++)
			if (h->cpu[p].now < end &&
			    (!cpu || h->cpu[p].now < cpu->now))
				cpu = &h->cpu[p];
		if (!cpu)
			return true;
		wake_due(h, cpu->now);
		if (!cpu->cur) {
			struct lab_vm *lv = pick(h, cpu->now);
			if (!lv) {
				cpu->now = next_change(h, cpu->now, end);
				continue;
			}
			dispatch(cpu, lv);
		}
		run_slice(cpu, end);
	}
}

void lab_sync(struct lab *l)
{
	for (int i = 0; i < l->nvms; i++) {
		struct lab_vm *lv = &l->vms[i];
		if (lv->state == LAB_HALTED && lv->wake_at <= l->now)
			wake_due(lv->host, l->now);
		if (lv->state == LAB_READY || lv->state == LAB_HALTED)
			catch_up(lv, l->now);
	}
}

static bool all_stopped(const struct lab *l)
{
	for (int i = 0; i < l->nvms; i++)
		if (l->vms[i].state != LAB_STOPPED)
			return false;
	return true;
}

/* The lab ends when its last machine stopped. */
static void end_lab(struct lab *l)
{
	uint64_t last = 0;
	for (int i = 0; i < l->nvms; i++)
		if (l->vms[i].stopped_at > last)
			last = l->vms[i].stopped_at;
	l->now = last;
	l->done = true;
}

/* Run (or go on with) the window under way; false if the lab paused. */
static bool window(struct lab *l, uint64_t until)
{
	if (!l->in_window) {
		/* Migrations act between windows: a window ends at the
		 * link's next step. */
		lab_mig_tick(l);
		uint64_t len = l->window && l->window < LAB_WINDOW_MAX ?
				       l->window : LAB_WINDOW_MAX;
		uint64_t mig = lab_mig_next(l);
		if (mig > l->now && mig - l->now < len)
			len = mig - l->now;
		l->win_end = l->now + len < until ? l->now + len : until;
		for (int i = 0; i < l->cfg.nswitches; i++)
			switch_poll_uplink(l->sw[i], l->now);
		for (int i = 0; i < l->cfg.nhosts; i++)
			for (unsigned p = 0; p < l->hosts[i].cfg->cpus; p++)
				l->hosts[i].cpu[p].now = l->now;
		l->win_host = 0;
		l->in_window = true;
	}
	for (; l->win_host < l->cfg.nhosts; l->win_host++)
		if (!host_window(&l->hosts[l->win_host], l->win_end))
			return false;
	l->in_window = false;
	l->now = l->win_end;
	for (int i = 0; i < l->cfg.nhosts; i++) {
		struct lab_host *h = &l->hosts[i];
		if (!h->pool || l->now < h->next_sample)
			continue;
		lab_memory_sample(h);
		h->next_sample = l->now + h->cfg->sample;
	}
	if (all_stopped(l))
		end_lab(l);
	return true;
}

int lab_run(struct lab *l, uint64_t until)
{
	if (until > l->cfg.time)
		until = l->cfg.time;
	l->paused = false;
	while (!l->done && (l->in_window || l->now < until))
		if (!window(l, l->in_window ? l->win_end : until))
			break;
	/* The monitor paused it as the last machine stopped, in the middle
	 * of a window: the window ends as without the monitor (its hosts
	 * idle through it, then the memory samples), and so does the lab. */
	if (!l->done && l->paused && all_stopped(l)) {
		l->paused = false;
		while (!l->done && l->in_window)
			if (!window(l, l->win_end))
				break;
	}
	if (!l->paused && l->now >= l->cfg.time && !l->done) {
		l->done = true;
		lab_sync(l);
		/* Out of time: as aula run's budget stop. */
		for (int i = 0; i < l->nvms; i++) {
			struct lab_vm *lv = &l->vms[i];
			if (lv->state == LAB_STOPPED)
				continue;
			vm_stop(lv->vm, VM_STOP_BUDGET, 0);
			lv->stopped_at = l->now;
		}
	}
	if (l->done)
		lab_mig_free(l);	/* one still under way failed */
	for (int i = 0; i < l->nvms; i++) {
		const struct lab_console *c = &l->vms[i].con;
		if (c->error)
			return -1;
	}
	return 0;
}

bool lab_run_focus(struct lab *l, struct vm *vm, uint64_t n)
{
	struct lab_vm *lv = NULL;
	for (int i = 0; i < l->nvms; i++)
		if (l->vms[i].vm == vm)
			lv = &l->vms[i];
	if (!lv || l->done)
		return false;
	if (lv->state == LAB_STOPPED)
		return true;
	l->focus = lv;
	l->focus_until = units(vm) + n;
	lab_run(l, UINT64_MAX);
	l->focus = NULL;
	return !l->done || lv->state == LAB_STOPPED;
}
