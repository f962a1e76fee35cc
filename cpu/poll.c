/* Polling loops skipped ahead, exactly (cpu/poll.h). */
#include "cpu/poll.h"

#include <string.h>

#include "cpu/vm.h"

/* same() compares every field: one added here must be added there. */
_Static_assert(sizeof(struct cpu_poll_state) ==
	       24 * sizeof(uint32_t) + 5 * sizeof(uint64_t) +
	       sizeof(struct mmu_stats), "a field same() does not compare");

static void take(struct cpu_poll_state *s, const struct vm *vm)
{
	const struct cpu *c = &vm->cpu;
	memcpy(s->r, c->r, sizeof s->r);
	s->flags = c->flags;
	s->other_sp = c->other_sp;
	s->vbr = c->vbr;
	s->ptbr = c->ptbr;
	s->paging = c->paging;
	s->far = c->far;
	s->cause = c->cause;
	s->kscratch = c->kscratch;
	s->exceptions = c->exceptions;
	s->effects = vm->bus.effects;
	s->unassigned_in = vm->bus.unassigned_in;
	s->unassigned_out = vm->bus.unassigned_out;
	s->drops = vm->mmu.drops;
	s->mmu = vm->mmu.stats;
}

/* Whether the machine is in state a but for the loads and fetches
 * counted: those a period makes again, *reads (and *fetches) each.  The
 * registers first: a loop that is not going round again differs there,
 * and is told so at once (it is every IN of a program reading its input,
 * the state then noted again). */
static bool same(const struct cpu_poll_state *a, const struct vm *vm,
		 uint64_t *reads, uint64_t *fetches)
{
	const struct cpu *c = &vm->cpu;
	if (memcmp(a->r, c->r, sizeof a->r) || a->flags != c->flags ||
	    a->effects != vm->bus.effects || a->drops != vm->mmu.drops ||
	    a->exceptions != c->exceptions || a->other_sp != c->other_sp ||
	    a->vbr != c->vbr || a->ptbr != c->ptbr ||
	    a->paging != c->paging || a->far != c->far ||
	    a->cause != c->cause || a->kscratch != c->kscratch ||
	    a->unassigned_in != vm->bus.unassigned_in ||
	    a->unassigned_out != vm->bus.unassigned_out)
		return false;
	struct mmu_stats x = vm->mmu.stats;
	*reads = x.accesses[MMU_READ] - a->mmu.accesses[MMU_READ];
	*fetches = x.accesses[MMU_FETCH] - a->mmu.accesses[MMU_FETCH];
	x.accesses[MMU_READ] = a->mmu.accesses[MMU_READ];
	x.accesses[MMU_FETCH] = a->mmu.accesses[MMU_FETCH];
	return !memcmp(&a->mmu, &x, sizeof x);
}

/* Note the state at pc, now, for the next time round. */
static void note(struct cpu_poll *p, const struct vm *vm, uint32_t pc,
		 uint64_t now)
{
	p->valid = true;
	p->pc = pc;
	p->insns = now;
	p->hist_next = vm->cpu.hist_next;
	take(&p->st, vm);
}

uint64_t cpu_poll_skip(struct vm *vm, uint32_t pc, uint64_t now,
		       uint64_t end)
{
	struct cpu *c = &vm->cpu;
	struct cpu_poll *p = &vm->poll;
	uint64_t reads, fetches;
	if (!p->valid || p->pc != pc || now <= p->insns ||
	    !same(&p->st, vm, &reads, &fetches)) {
		note(p, vm, pc, now);
		return 0;
	}
	uint64_t period = now - p->insns, k = (end - now - 1) / period;
	uint32_t per = c->hist_next - p->hist_next;	/* entries a period */
	if (k == 0 || per > CPU_HISTORY) {
		note(p, vm, pc, now);
		return 0;
	}
	if (per) {
		/* The last period's entries, again for each period skipped,
		 * their counts later by a period each time; only the last
		 * CPU_HISTORY of them stay in the ring. */
		struct cpu_hist last[CPU_HISTORY];
		for (uint32_t i = 0; i < per; i++)
			last[i] = c->hist[(p->hist_next + i) % CPU_HISTORY];
		uint64_t total = k * per;
		uint64_t from = total > CPU_HISTORY ? total - CPU_HISTORY : 0;
		/* Entry q is last[q % per], later by (q / per + 1) periods:
		 * counted along rather than divided for each entry. */
		uint32_t i = (uint32_t)(from % per);
		uint64_t later = (from / per + 1) * period;
		uint32_t slot = (uint32_t)((c->hist_next + from) % CPU_HISTORY);
		for (uint64_t q = from; q < total; q++) {
			struct cpu_hist h = last[i];
			h.insns += later;
			c->hist[slot] = h;
			slot = (slot + 1) % CPU_HISTORY;
			if (++i == per) {
				i = 0;
				later += period;
			}
		}
		c->hist_next += (uint32_t)total;
	}
	vm->mmu.stats.accesses[MMU_READ] += k * reads;
	vm->mmu.stats.accesses[MMU_FETCH] += k * fetches;
	note(p, vm, pc, now + k * period);
	return k * period;
}
