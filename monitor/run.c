/*
 * Running the guest under the monitor.
 *
 * Everything runs through vm_run.  With no breakpoint, watchpoint or
 * instruction trace enabled, and nothing to watch for (continue, expect),
 * the guest runs at full speed in slices of MON_SLICE instructions, and
 * Ctrl-C is looked at between slices.  Otherwise it runs one step at a
 * time -- vm_run(vm, 1): one instruction, or one exception entry, which
 * uses up a unit of the limit too -- and each step is checked before and
 * after (break.c).  The interpreter's one hook for the monitor: when every
 * enabled breakpoint is an address, continue and expect run at full speed
 * with them as fetch breakpoints (vm_set_fetch_breaks), which stop the
 * run wherever a step would have arrived at one (not where it starts);
 * the monitor then checks there as after a step.
 *
 * A guest that sleeps in halt waiting for typed input never finishes a
 * slice; the console back end yields when Ctrl-C was pressed (script.c).
 */
#include <signal.h>
#include <string.h>

#include "cpu/isa.h"
#include "monitor/mon_int.h"
#include "state/stuck.h"

volatile sig_atomic_t mon_interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	mon_interrupted = 1;
}

int mon_new_machine(struct mon *m, char *err, size_t errlen)
{
	struct vm *vm = vm_create(&m->cfg.vm, err, errlen);
	if (!vm)
		return -1;
	if (m->img && image_load(m->img, vm, err, errlen) != 0) {
		vm_destroy(vm);
		return -1;
	}
	if (m->cfg.restore && m->cfg.restore(m->cfg.restore_opaque, vm)) {
		snprintf(err, errlen, "%s: the machine could not be restored",
			 m->cfg.restored_from);
		vm_destroy(vm);
		return -1;
	}
	vm_destroy(m->vm);
	mon_focus(m, vm);
	return 0;
}

void mon_focus(struct mon *m, struct vm *vm)
{
	m->vm = vm;
	if (m->cfg.stopped)
		m->cfg.stopped(m->cfg.stopped_opaque, vm, NULL);
	mon_trace_attach(&m->trace, vm);
	m->con.matched = false;
	m->con.seen_len = 0;	/* expect starts afresh, too */
	mon_snap_take(vm, &m->now);
	m->prev = m->now;
	m->dis_next = m->x_next = vm->cpu.pc;
	/* Register watches compare with the new machine's registers. */
	for (int i = 0; i < m->nbp; i++)
		if (m->bp[i].reg[0])
			mon_reg_get(vm, m->bp[i].reg, &m->bp[i].reg_value);
	(void)mon_timeline_begin(m);
}

int mon_timeline_begin(struct mon *m)
{
	/* Without a timeline the monitor still works, going forward.  A
	 * lab's machines share one clock: one of them alone cannot go
	 * back. */
	char why[160];
	if (m->cfg.lab) {
		tl_free(&m->tl);
		snprintf(m->tl.why_off, sizeof m->tl.why_off, "a machine of a "
			 "lab cannot go back alone");
	} else if (m->cfg.no_timeline || m->cfg.check_only) {
		tl_free(&m->tl);
		snprintf(m->tl.why_off, sizeof m->tl.why_off, "%s",
			 m->cfg.check_only ? "nothing runs: lines are only "
			 "checked" : m->cfg.no_timeline);
	} else {
		return tl_start(&m->tl, m->vm, why, sizeof why);
	}
	return 0;
}

/* Run the machine n units: alone, or with its lab.  false when the lab's
 * time is up. */
static bool run_units(struct mon *m, uint64_t n)
{
	if (m->cfg.lab)
		return m->cfg.lab->run(m->cfg.lab->opaque, m->vm, n);
	vm_run(m->vm, n);
	return true;
}

/* A stop the machine cannot be continued from (vm_run resumes only a
 * budget or brk stop). */
static bool final_stop(enum vm_stop s)
{
	return s != VM_RUNNING && s != VM_STOP_BUDGET &&
	       s != VM_STOP_BREAKPOINT;
}

static bool user_mode(const struct cpu *c)
{
	return !(c->flags & CPU_P);
}

static bool must_step(const struct mon *m, const struct mon_go *g)
{
	return (g->goal != MON_GO_CONTINUE && g->goal != MON_GO_EXPECT) ||
	       mon_bp_active(m) || m->trace.f[MON_TRACE_INSN];
}

/* After one step: has the run reached what it was for? */
static bool goal_reached(struct mon_go *g, const struct cpu *c,
			 const struct mon_pre *pre)
{
	bool retired = c->insns > pre->insns;
	unsigned op = pre->have_insn ? isa_op(pre->insn) : 0;
	/* An exception handler returns with rti. */
	bool ret = retired && (op == ISA_OP_ret || op == ISA_OP_rti);
	if (retired && (op == ISA_OP_call || op == ISA_OP_callr))
		g->depth++;
	switch (g->goal) {
	case MON_GO_STEP:
		return --g->count == 0;
	case MON_GO_NEXT:
		return c->pc == g->pc && c->r[ISA_REG_SP] == g->sp &&
		       user_mode(c) == g->user;
	case MON_GO_FINISH:
		if (ret && g->depth-- == 0)
			return true;
		return false;
	case MON_GO_UNTIL:
		if (!g->until_next)
			return c->pc == g->pc;
		if (ret && g->depth-- == 0)
			return true;
		return g->depth == 0 && c->pc > g->pc &&
		       user_mode(c) == g->user;
	case MON_GO_CONTINUE:
	case MON_GO_EXPECT:
		return false;
	}
	return false;
}

static void report_machine(struct mon *m)
{
	const struct vm *vm = m->vm;
	const struct cpu *c = &vm->cpu;
	char sym[160];
	switch (vm->stop) {
	case VM_STOP_POWEROFF:
		mon_put(m, "stopped: poweroff: the guest powered off with "
			"code %u\n", vm->stop_code);
		break;
	case VM_STOP_HALT:
		mon_printf(m, "stopped: halt: the guest halted with interrupts "
			   "disabled at 0x%08x%s\n", c->pc - 4,
			   mon_sym(m, c->pc - 4, sym, sizeof sym));
		break;
	case VM_STOP_IDLE:
		mon_printf(m, "stopped: idle: the guest waits at 0x%08x%s for "
			   "an interrupt that nothing will raise\n", c->pc - 4,
			   mon_sym(m, c->pc - 4, sym, sizeof sym));
		mon_explain_stop(m);
		break;
	case VM_STOP_DOUBLE_FAULT:
		mon_printf(m, "stopped: double-fault: %s\n", vm->stop_detail);
		mon_explain_stop(m);
		break;
	case VM_STOP_BREAKPOINT:
		mon_printf(m, "stopped: brk: at 0x%08x%s (continue goes on "
			   "after it)\n", c->pc - 4,
			   mon_sym(m, c->pc - 4, sym, sizeof sym));
		break;
	case VM_STOP_INTERRUPTED:	/* the monitor's own Ctrl-C stops */
		break;
	case VM_STOP_HOST_ERROR:
		mon_printf(m, "stopped: host-error: %s\n", vm->stop_detail[0]
			   ? vm->stop_detail : "out of host memory");
		break;
	case VM_STOP_BUDGET:
	case VM_RUNNING:
		break;
	}
}

int mon_go(struct mon *m, struct mon_go *g)
{
	struct vm *vm = m->vm;
	struct cpu *c = &vm->cpu;
	if (m->cfg.check_only)
		return 0;
	if (final_stop(vm->stop))
		return mon_error(m, NULL, "the machine has stopped (%s); run "
				 "starts it again", vm_stop_name(vm->stop));
	uint64_t start = vm_units(vm), halt0 = vm->halted_time;
	uint64_t limit = g->within ? g->within : m->runlimit;
	enum mon_end end = MON_END_GOAL;
	struct sigaction sa = { .sa_handler = on_sigint }, old;
	sigemptyset(&sa.sa_mask);
	/* At the prompt, a Ctrl-C typed right after the command belongs
	 * to it; the prompt clears the flag before it reads a line. */
	if (!m->interactive)
		mon_interrupted = 0;
	m->con.starved = false;
	m->con.idle_insns = UINT64_MAX;
	m->con.waiting = false;
	uint64_t wait0 = m->con.user_wait;
	/* Breakpoints at full speed: not in a lab (its run goes round its
	 * machines), not while tracing every instruction. */
	bool fetch_ok = (g->goal == MON_GO_CONTINUE ||
			 g->goal == MON_GO_EXPECT) && !m->cfg.lab &&
			!m->trace.f[MON_TRACE_INSN];
	if (!m->cfg.no_sigint)
		sigaction(SIGINT, &sa, &old);
	fflush(m->out);

	for (;;) {
		if (mon_interrupted) {
			end = MON_END_INTERRUPT;
			break;
		}
		if (g->goal == MON_GO_EXPECT && m->con.matched)
			break;
		if (m->con.starved) {
			end = MON_END_INPUT;
			break;
		}
		uint64_t spent = vm_units(vm) - start -
				 (m->con.user_wait - wait0);
		if (limit && spent >= limit) {
			end = MON_END_LIMIT;
			break;
		}
		/* A checkpoint of the timeline may be due. */
		uint64_t room = tl_before_run(&m->tl, vm);
		bool fast = !must_step(m, g);
		if (!fast && fetch_ok)
			fast = vm->fetch_break_armed = mon_fetch_breaks(m);
		if (fast) {
			uint64_t n = MON_SLICE, ran0 = c->insns + c->exceptions;
			if (limit && limit - spent < n)
				n = limit - spent;
			if (room < n)
				n = room;
			bool in_time = run_units(m, n);
			bool armed = vm->fetch_break_armed;
			vm->fetch_break_armed = false;
			if (!in_time) {
				end = MON_END_LAB;
				break;
			}
			if (final_stop(vm->stop) ||
			    vm->stop == VM_STOP_BREAKPOINT) {
				end = MON_END_MACHINE;
				break;
			}
			if (armed && c->insns + c->exceptions != ran0 &&
			    mon_break_arrived(m)) {
				end = MON_END_BREAK;
				break;
			}
			continue;
		}
		struct mon_pre pre;
		mon_step_before(m, &pre);
		mon_trace_insn(&m->trace);
		if (!run_units(m, 1)) {
			end = MON_END_LAB;
			break;
		}
		enum vm_stop st = vm->stop;
		if (final_stop(st) || st == VM_STOP_BREAKPOINT) {
			end = MON_END_MACHINE;
			break;
		}
		if (mon_step_after(m, &pre)) {
			end = MON_END_BREAK;
			break;
		}
		if (goal_reached(g, c, &pre))
			break;
	}
	if (!m->cfg.no_sigint)
		sigaction(SIGINT, &old, NULL);
	tl_after_run(&m->tl, vm);
	mon_end_console_line(m);

	int rc = 0;
	char why[160];
	switch (end) {
	case MON_END_GOAL:
		if (g->goal == MON_GO_FINISH) {
			char sym[160];
			mon_printf(m, "finish: returned to 0x%08x%s in %s "
				   "mode, r1 = 0x%08x\n", c->pc,
				   mon_sym(m, c->pc, sym, sizeof sym),
				   user_mode(c) ? "user" : "kernel", c->r[1]);
		}
		break;
	case MON_END_BREAK:
		break;
	case MON_END_MACHINE:
		if (!g->quiet_poweroff || vm->stop != VM_STOP_POWEROFF)
			report_machine(m);
		break;
	case MON_END_INTERRUPT:
		mon_printf(m, "stopped: interrupted\n");
		if (!m->interactive)
			rc = -1;
		break;
	case MON_END_INPUT:
		mon_printf(m, "stopped: input: the guest waits for console "
			   "input (send types some)\n");
		break;
	case MON_END_LAB:
		mon_printf(m, "stopped: lab: the lab's time is up\n");
		break;
	case MON_END_LIMIT:
		if (g->goal == MON_GO_EXPECT)
			break;
		if (stuck_explain(vm, vm->halted_time - halt0, why,
				  sizeof why))
			mon_put(m, "stopped: runlimit: %llu instructions; "
				"the guest %s\n", (unsigned long long)limit,
				why);
		else
			mon_put(m, "stopped: runlimit: %llu instructions "
				"(runlimit changes it)\n",
				(unsigned long long)limit);
		break;
	}
	if (g->goal == MON_GO_EXPECT && !m->con.matched) {
		mon_error(m, NULL, "expect: \"%s\" was not printed %s",
			  m->con.want, end == MON_END_LIMIT
			  ? "within the limit" : "before the run stopped");
		rc = -1;
	}
	g->end = end;
	if (m->cfg.stopped) {
		static const char *const said[] = {
			[MON_END_GOAL] = "stopped in the monitor",
			[MON_END_BREAK] = "at a breakpoint (monitor)",
			[MON_END_MACHINE] = NULL,
			[MON_END_INTERRUPT] = "interrupted (monitor)",
			[MON_END_LIMIT] = "stopped at the runlimit (monitor)",
			[MON_END_INPUT] = "waiting for console input (monitor)",
		};
		m->cfg.stopped(m->cfg.stopped_opaque, vm, said[end]);
	}
	if (g->quiet_poweroff && vm->stop == VM_STOP_POWEROFF)
		return rc;
	if (end != MON_END_GOAL || (!g->quiet && g->goal != MON_GO_EXPECT)) {
		mon_show_pc(m);
		mon_show_displays(m);
	}
	m->prev = m->now;
	mon_snap_take(vm, &m->now);
	m->dis_next = m->x_next = c->pc;
	return rc;
}

/* ---- the commands -------------------------------------------------------- */

static int step_count(struct mon *m, struct mon_args *a, uint64_t *n)
{
	const char *at = (mon_skip_blanks(a), a->p);
	struct mon_expr r = { .value = 1 };
	uint32_t v;
	if ((!mon_at_end(a) && mon_args_expr(m, a, &v, &r)) ||
	    mon_args_end(m, a))
		return -1;
	/* -1 is 0xffffffff in 32 bits: four billion steps is a typo. */
	if (r.value == 0 || r.wide || r.value > INT32_MAX)
		return mon_error(m, at, "the count is from 1 to %d",
				 INT32_MAX);
	*n = r.value;
	return 0;
}

int mon_cmd_step(struct mon *m, struct mon_args *a)
{
	struct mon_go g = { .goal = MON_GO_STEP };
	if (step_count(m, a, &g.count))
		return -1;
	return mon_go(m, &g);
}

int mon_cmd_next(struct mon *m, struct mon_args *a)
{
	uint64_t n;
	if (step_count(m, a, &n))
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		const struct cpu *c = &m->vm->cpu;
		uint32_t insn;
		/* Only the last of n shows where it stopped. */
		struct mon_go g = { .goal = MON_GO_STEP, .count = 1,
				    .quiet = i + 1 < n };
		if (!c->halted && mon_read_insn(m, c->pc, &insn) == 0 &&
		    (isa_op(insn) == ISA_OP_call || isa_op(insn) == ISA_OP_callr
		     || isa_op(insn) == ISA_OP_trap)) {
			/* Back here, with the stack as it is now. */
			g.goal = MON_GO_NEXT;
			g.pc = c->pc + 4;
			g.sp = c->r[ISA_REG_SP];
			g.user = user_mode(c);
		}
		int rc = mon_go(m, &g);
		if (rc || g.end != MON_END_GOAL)
			return rc;
	}
	return 0;
}

int mon_cmd_finish(struct mon *m, struct mon_args *a)
{
	if (mon_args_end(m, a))
		return -1;
	struct mon_go g = { .goal = MON_GO_FINISH };
	return mon_go(m, &g);
}

int mon_cmd_continue(struct mon *m, struct mon_args *a)
{
	if (mon_args_end(m, a))
		return -1;
	struct mon_go g = { .goal = MON_GO_CONTINUE };
	return mon_go(m, &g);
}

int mon_cmd_until(struct mon *m, struct mon_args *a)
{
	const struct cpu *c = &m->vm->cpu;
	struct mon_go g = { .goal = MON_GO_UNTIL, .pc = c->pc,
			    .sp = c->r[ISA_REG_SP], .user = user_mode(c) };
	if (mon_at_end(a))
		g.until_next = true;
	else if (mon_args_expr(m, a, &g.pc, NULL) || mon_args_end(m, a))
		return -1;
	return mon_go(m, &g);
}

int mon_cmd_run(struct mon *m, struct mon_args *a)
{
	char err[256];
	if (mon_args_end(m, a))
		return -1;
	if (m->cfg.lab)
		return mon_error(m, NULL, "a lab's machine is not restarted "
				 "alone (quit, and run the lab again)");
	if (mon_new_machine(m, err, sizeof err) != 0)
		return mon_error(m, NULL, "%s", err);
	struct mon_go g = { .goal = MON_GO_CONTINUE };
	return mon_go(m, &g);
}

int mon_cmd_vm(struct mon *m, struct mon_args *a)
{
	char name[64];
	const char *at;
	if (!m->cfg.lab)
		return mon_error(m, NULL, "vm: there is one machine (vm is for "
				 "aula lab --monitor)");
	if (mon_at_end(a)) {
		mon_printf(m, "the focus is on %s\n",
			   m->cfg.lab->name_of(m->cfg.lab->opaque, m->vm));
		return 0;
	}
	if (!mon_args_word(a, name, sizeof name, &at) || mon_args_end(m, a))
		return -1;
	struct vm *vm = m->cfg.lab->find(m->cfg.lab->opaque, name);
	if (!vm)
		return mon_error(m, at, "no machine '%s' in the lab (info vms)",
				 name);
	mon_focus(m, vm);
	mon_printf(m, "the focus is on %s\n", name);
	mon_show_pc(m);
	return 0;
}

int mon_cmd_migrate(struct mon *m, struct mon_args *a)
{
	char machine[64], host[64], err[256];
	const char *at;
	if (!m->cfg.lab || !m->cfg.lab->migrate)
		return mon_error(m, NULL, "migrate: there is one machine here "
				 "(migrate is for aula lab --monitor; aula run "
				 "--migrate-to moves a machine between "
				 "processes)");
	if (!mon_args_word(a, machine, sizeof machine, &at) ||
	    !mon_args_word(a, host, sizeof host, &at) || mon_args_end(m, a))
		return mon_error(m, NULL, "migrate MACHINE HOST");
	if (m->cfg.lab->migrate(m->cfg.lab->opaque, machine, host, err,
				sizeof err))
		return mon_error(m, at, "migrate: %s", err);
	mon_printf(m, "migrating %s to %s from the lab's next window "
		   "(info migrate)\n", machine, host);
	return 0;
}
