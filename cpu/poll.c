/* Polling loops skipped ahead, exactly (cpu/poll.h). */
#include "cpu/poll.h"

#include <string.h>

#include "cpu/vm.h"

static void take(struct cpu_poll_state *s, const struct vm *vm)
{
	const struct cpu *c = &vm->cpu;
	memset(s, 0, sizeof *s);
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

/* The same state but for the loads and fetches counted: those a period
 * makes again, *reads (and *fetches) each. */
static bool same(const struct cpu_poll_state *a,
		 const struct cpu_poll_state *b, uint64_t *reads,
		 uint64_t *fetches)
{
	struct cpu_poll_state x = *b;
	*reads = b->mmu.accesses[MMU_READ] - a->mmu.accesses[MMU_READ];
	*fetches = b->mmu.accesses[MMU_FETCH] - a->mmu.accesses[MMU_FETCH];
	x.mmu.accesses[MMU_READ] = a->mmu.accesses[MMU_READ];
	x.mmu.accesses[MMU_FETCH] = a->mmu.accesses[MMU_FETCH];
	return !memcmp(a, &x, sizeof x);
}

uint64_t cpu_poll_skip(struct vm *vm, uint32_t pc, uint64_t now,
		       uint64_t end)
{
	struct cpu *c = &vm->cpu;
	struct cpu_poll *p = &vm->poll;
	struct cpu_poll_state st;
	uint64_t reads, fetches;
	take(&st, vm);
	if (!p->valid || p->pc != pc || now <= p->insns ||
	    !same(&p->st, &st, &reads, &fetches)) {
		*p = (struct cpu_poll){ true, pc, now, c->hist_next, st };
		return 0;
	}
	uint64_t period = now - p->insns, k = (end - now - 1) / period;
	uint32_t per = c->hist_next - p->hist_next;	/* entries a period */
	if (k == 0 || per > CPU_HISTORY) {
		*p = (struct cpu_poll){ true, pc, now, c->hist_next, st };
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
		for (uint64_t q = from; q < total; q++) {
			struct cpu_hist h = last[q % per];
			h.insns += (q / per + 1) * period;
			c->hist[(c->hist_next + q) % CPU_HISTORY] = h;
		}
		c->hist_next += (uint32_t)total;
	}
	vm->mmu.stats.accesses[MMU_READ] += k * reads;
	vm->mmu.stats.accesses[MMU_FETCH] += k * fetches;
	take(&p->st, vm);
	p->insns = now + k * period;
	p->hist_next = c->hist_next;
	return k * period;
}
