/*
 * The host's memory policy, at each sample (aula-lab(5), MEMORY): close
 * the working-set interval, merge identical pages, and ask the machines
 * that have a balloon for memory back.
 *
 * A machine's fair share of the budget is in proportion to its RAM.  Once
 * the host uses 3/4 of its budget it squeezes: it asks each ballooned
 * machine for the part of its footprint (the pages it has in memory,
 * swapped or shared, plus those already in its balloon) above its fair
 * share.  Below half of the budget it lets the balloons go.
 */
#include "lab/lab_int.h"

#include "io/devices.h"
#include "mem/pool.h"

static void balloon_policy(struct lab_host *h)
{
	const struct pool_stats *ps = pool_stats(h->pool);
	uint64_t ram = 0;
	if (!ps->budget)
		return;
	if (ps->used * 4 >= ps->budget * 3)
		h->squeeze = true;
	else if (ps->used * 2 < ps->budget)
		h->squeeze = false;
	for (int i = 0; i < h->nvms; i++)
		ram += h->vms[i]->vm->mem.npages;
	for (int i = 0; i < h->nvms; i++) {
		struct vm *vm = h->vms[i]->vm;
		if (!h->vms[i]->cfg->balloon)
			continue;
		if (!h->squeeze) {
			balloon_set_target(vm, 0);
			continue;
		}
		const struct pool_vm_stats *st = pool_vm_stats(vm);
		if (!st)
			continue;	/* stopped, out of the manager */
		uint64_t fair = ps->budget * vm->mem.npages / ram,
			 foot = st->resident + st->swapped + st->shared +
				balloon_size(vm);
		balloon_set_target(vm, foot > fair ? (uint32_t)(foot - fair)
						   : 0);
	}
}

void lab_memory_sample(struct lab_host *h)
{
	pool_sample(h->pool);
	pool_share_scan(h->pool);
	balloon_policy(h);
}
