/*
 * Reverse execution: reverse-step, reverse-next, reverse-finish,
 * reverse-continue and goto, on the timeline (monitor/timeline.h).
 *
 * Going back is going to an earlier position: restore the checkpoint
 * before it and run forward, silently, to it.  What the backward commands
 * look for -- the previous instruction of this function, the call that
 * entered it, the previous breakpoint hit -- is found by stepping forward
 * from a checkpoint, one instruction at a time, noting each position with
 * its call depth and whether a breakpoint or watchpoint would stop there;
 * the last one that fits is the answer.  The step that reaches a
 * breakpoint is then run once more, as a forward step, so the stop reads
 * the same as forward.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/isa.h"
#include "monitor/mon_int.h"

#define DEPTHS 2048		/* call depths told apart: -1024..1023 */

static uint64_t start_pos(const struct mon *m)
{
	return m->tl.pt[0].pos;
}

/* The monitor's view after the machine moved. */
static void moved(struct mon *m)
{
	m->prev = m->now;
	mon_snap_take(m->vm, &m->now);
	m->dis_next = m->x_next = m->vm->cpu.pc;
}

/* 0 to go on; 1 when only checking lines (nothing runs: the command is
 * done once its arguments are read); -1 with a message. */
static int need_timeline(struct mon *m)
{
	if (m->cfg.check_only)
		return 1;
	if (!m->tl.on)
		return mon_error(m, NULL, "no timeline to go back on: %s",
				 m->tl.why_off);
	return 0;
}

static int go_pos(struct mon *m, uint64_t pos)
{
	char err[256];
	if (tl_goto(&m->tl, m->vm, pos, false, err, sizeof err))
		return mon_error(m, NULL, "%s", err);
	moved(m);
	return 0;
}

/* Where it stopped, as a forward command shows it: pc and the displays. */
static void show_stop(struct mon *m)
{
	mon_show_pc(m);
	mon_show_displays(m);
}

static void report_start(struct mon *m)
{
	mon_printf(m, "stopped: start: the timeline begins here, at #%llu\n",
		   (unsigned long long)m->vm->cpu.insns);
}

/* ---- scanning forward from a checkpoint ---------------------------------- */

struct scan {
	bool breakpoints;	/* look for hits */
	int64_t depth;		/* calls entered since the scan began */
	uint64_t last_at[DEPTHS];	/* +1: the last step at each depth */
	uint64_t last_hit;	/* +1: the last step after which one hits */
	int64_t end_depth;
};

static size_t depth_slot(int64_t d)
{
	d += DEPTHS / 2;
	return d < 0 ? 0 : d >= DEPTHS ? DEPTHS - 1 : (size_t)d;
}

/* Step from point i to position end, noting every step in s.  0, or -1
 * after an error. */
static int scan(struct mon *m, int i, uint64_t end, struct scan *s)
{
	struct vm *vm = m->vm;
	const struct cpu *c = &vm->cpu;
	char err[256];
	if (tl_restore(&m->tl, vm, i, err, sizeof err))
		return mon_error(m, NULL, "%s", err);
	const struct vm_trace *trace = vm->trace;
	void (*bus_trace)(void *, uint16_t, uint32_t, int) = vm->bus.trace;
	vm->trace = NULL;
	vm->bus.trace = NULL;
	m->scanning = true;
	m->tl.replaying = 1;
	s->depth = 0;
	memset(s->last_at, 0, sizeof s->last_at);
	s->last_hit = 0;
	while (tl_pos(vm) < end) {
		uint64_t pos = tl_pos(vm);
		tl_before_run(&m->tl, vm);
		struct mon_pre pre;
		mon_step_before(m, &pre);
		s->last_at[depth_slot(s->depth)] = pos + 1;
		enum vm_stop st = vm_run(vm, 1);
		if (s->breakpoints && tl_pos(vm) <= end &&
		    mon_step_after(m, &pre))
			s->last_hit = pos + 1;
		unsigned op = pre.have_insn ? isa_op(pre.insn) : 0;
		bool retired = c->insns > pre.insns;
		/* An exception entry enters a handler as a call enters a
		 * function. */
		s->depth += (int64_t)(c->exceptions - pre.exceptions);
		if (retired && (op == ISA_OP_call || op == ISA_OP_callr))
			s->depth++;
		else if (retired && (op == ISA_OP_ret || op == ISA_OP_rti))
			s->depth--;
		if (st != VM_RUNNING && st != VM_STOP_BUDGET &&
		    st != VM_STOP_BREAKPOINT)
			break;
	}
	s->end_depth = s->depth;
	m->scanning = false;
	m->tl.replaying = 0;
	vm->trace = trace;
	vm->bus.trace = bus_trace;
	return 0;
}

/* The last step before position now at a depth of at most (shallower:
 * below) the depth now, scanning from ever earlier checkpoints; 0 when
 * there is none since the timeline began, else its position + 1. */
static int find_frame_step(struct mon *m, bool shallower, uint64_t *found)
{
	uint64_t now = tl_pos(m->vm);
	/* 16 KiB: on the heap, not static, so that two monitors in one
	 * process (a lab) never share it. */
	struct scan *s = malloc(sizeof *s);
	int rc = 0;
	*found = 0;
	if (!s)
		return mon_error(m, NULL, "out of host memory");
	for (int i = tl_point_before(&m->tl, now ? now - 1 : 0); i >= 0; i--) {
		memset(s, 0, sizeof *s);
		if (scan(m, i, now, s)) {
			rc = -1;
			break;
		}
		size_t top = depth_slot(s->end_depth);
		for (size_t d = 0; d < DEPTHS; d++) {
			if (shallower ? d >= top : d > top)
				break;
			if (s->last_at[d] > *found)
				*found = s->last_at[d];
		}
		if (*found && *found - 1 < now)
			break;
		*found = 0;
	}
	free(s);
	return rc;
}

/* ---- the commands -------------------------------------------------------- */

int mon_cmd_reverse_step(struct mon *m, struct mon_args *a)
{
	uint32_t n;
	const char *at = (mon_skip_blanks(a), a->p);
	if (mon_args_opt_expr(m, a, 1, &n) || mon_args_end(m, a))
		return -1;
	if (n == 0)
		return mon_error(m, at, "step back at least 1");
	int tl = need_timeline(m);
	if (tl)
		return tl < 0 ? -1 : 0;
	uint64_t now = tl_pos(m->vm), first = start_pos(m);
	bool at_start = now - first <= n;
	if (go_pos(m, at_start ? first : now - n))
		return -1;
	if (at_start && now - first < n)
		report_start(m);
	show_stop(m);
	return 0;
}

int mon_cmd_reverse_next(struct mon *m, struct mon_args *a)
{
	uint32_t n;
	const char *at = (mon_skip_blanks(a), a->p);
	if (mon_args_opt_expr(m, a, 1, &n) || mon_args_end(m, a))
		return -1;
	if (n == 0)
		return mon_error(m, at, "step back at least 1");
	int tl = need_timeline(m);
	if (tl)
		return tl < 0 ? -1 : 0;
	for (uint32_t k = 0; k < n; k++) {
		uint64_t found;
		if (find_frame_step(m, false, &found))
			return -1;
		if (!found) {
			if (go_pos(m, start_pos(m)))
				return -1;
			report_start(m);
			break;
		}
		if (go_pos(m, found - 1))
			return -1;
	}
	show_stop(m);
	return 0;
}

int mon_cmd_reverse_finish(struct mon *m, struct mon_args *a)
{
	if (mon_args_end(m, a))
		return -1;
	int tl = need_timeline(m);
	if (tl)
		return tl < 0 ? -1 : 0;
	uint64_t found;
	if (find_frame_step(m, true, &found))
		return -1;
	if (!found) {
		if (go_pos(m, start_pos(m)))
			return -1;
		report_start(m);
	} else {
		char sym[160];
		if (go_pos(m, found - 1))
			return -1;
		const struct cpu *c = &m->vm->cpu;
		mon_printf(m, "reverse-finish: back where this function or "
			   "handler was entered, 0x%08x%s in %s mode\n", c->pc, mon_sym(m, c->pc, sym, sizeof sym),
			   c->flags & CPU_P ? "kernel" : "user");
	}
	show_stop(m);
	return 0;
}

int mon_cmd_reverse_continue(struct mon *m, struct mon_args *a)
{
	if (mon_args_end(m, a))
		return -1;
	int tl = need_timeline(m);
	if (tl)
		return tl < 0 ? -1 : 0;
	uint64_t now = tl_pos(m->vm);
	struct scan *s = malloc(sizeof *s);	/* as in find_frame_step */
	uint64_t hit = 0, end = now ? now - 1 : 0;
	if (!s)
		return mon_error(m, NULL, "out of host memory");
	/* The last hit before the stop we are at, interval by interval,
	 * going back. */
	for (int i = tl_point_before(&m->tl, end); i >= 0 && !hit; i--) {
		memset(s, 0, sizeof *s);
		s->breakpoints = true;
		if (scan(m, i, end, s)) {
			free(s);
			return -1;
		}
		hit = s->last_hit;
		end = m->tl.pt[i].pos;
	}
	free(s);
	if (!hit) {
		if (go_pos(m, start_pos(m)))
			return -1;
		report_start(m);
		show_stop(m);
		return 0;
	}
	/* One step short of it, then the step itself, forward, so that the
	 * breakpoint reports itself as it does going forward. */
	if (go_pos(m, hit - 1))
		return -1;
	struct mon_go g = { .goal = MON_GO_STEP, .count = 1 };
	return mon_go(m, &g);
}

int mon_cmd_goto(struct mon *m, struct mon_args *a)
{
	mon_skip_blanks(a);
	if (*a->p == '#')
		a->p++;
	uint32_t n;
	const char *at = a->p;
	if (mon_args_expr(m, a, &n, NULL) || mon_args_end(m, a))
		return -1;
	int tl = need_timeline(m);
	if (tl)
		return tl < 0 ? -1 : 0;
	if (n < m->tl.pt[0].insns)
		return mon_error(m, at, "#%u is before the timeline begins "
				 "(#%llu)", n,
				 (unsigned long long)m->tl.pt[0].insns);
	if (n > m->tl.frontier_insns)
		return mon_error(m, at, "#%u is beyond the timeline so far "
				 "(#%llu): continue or until get there", n,
				 (unsigned long long)m->tl.frontier_insns);
	char err[256];
	if (tl_goto(&m->tl, m->vm, n, true, err, sizeof err))
		return mon_error(m, NULL, "%s", err);
	moved(m);
	show_stop(m);
	return 0;
}

int mon_info_timeline(struct mon *m, struct mon_args *a)
{
	if (mon_args_end(m, a))
		return -1;
	const struct timeline *t = &m->tl;
	if (!t->on) {
		mon_printf(m, "no timeline: %s\n", t->why_off);
		return 0;
	}
	mon_printf(m, "timeline: #%llu to #%llu (positions %llu to %llu), "
		   "now #%llu\n", (unsigned long long)t->pt[0].insns,
		   (unsigned long long)t->frontier_insns,
		   (unsigned long long)t->pt[0].pos,
		   (unsigned long long)t->frontier,
		   (unsigned long long)m->vm->cpu.insns);
	mon_printf(m, "checkpoints: %d, every %llu positions, %zu KiB of "
		   "%zu KiB; %llu merged away\n", t->n,
		   (unsigned long long)t->interval, t->bytes / 1024,
		   t->cap_bytes / 1024, (unsigned long long)t->thinned);
	mon_printf(m, "console input logged: %zu bytes\n", t->nin);
	if (t->n_ext)
		mon_printf(m, "keys and frames logged: %zu (%zu KiB)\n",
			   t->n_ext, t->bytes_ext / 1024);
	if (t->ndisks)
		mon_printf(m, "disk writes logged: %zu (%zu KiB of %zu KiB)\n",
			   t->nwr, t->wr_bytes / 1024, t->cap_bytes / 4 / 1024);
	if (t->floor) {
		int i = 0;
		while (i < t->n && t->pt[i].seq < t->floor)
			i++;
		if (i < t->n)
			mon_printf(m, "it reaches back to #%llu only: the disk "
				   "writes, frames or keys before are more "
				   "than it keeps\n",
				   (unsigned long long)t->pt[i].insns);
		else
			mon_printf(m, "it cannot go back yet: the disk writes, "
				   "frames or keys since its last checkpoint "
				   "are more than it keeps\n");
	}
	return 0;
}
