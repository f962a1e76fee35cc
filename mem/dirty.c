/* Dirty tracking of guest-physical pages (mem/dirty.h). */
#include "mem/dirty.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/vm.h"

uint32_t mmu_dirty_words(const struct vm *vm)
{
	return (vm->mem.npages + 63) / 64;
}

/* A new epoch: only the pages stores can still reach without the slow
 * path are marked. */
static void new_epoch(struct vm *vm)
{
	memset(vm->mem.dirty, 0, mmu_dirty_words(vm) * sizeof *vm->mem.dirty);
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < MMU_TLB_SIZE; i++)
			if (vm->cpu.tlb[s].w_tag[i] != MMU_TAG_INVALID)
				mem_dirty_mark(&vm->mem,
					       vm->cpu.tlb[s].w_gpa[i]);
}

int mmu_dirty_start(struct vm *vm)
{
	size_t bytes = mmu_dirty_words(vm) * sizeof *vm->mem.dirty;
	if (!vm->mem.dirty && !(vm->mem.dirty = malloc(bytes)))
		return -1;
	new_epoch(vm);
	return 0;
}

void mmu_dirty_harvest(struct vm *vm, uint64_t *out)
{
	size_t bytes = mmu_dirty_words(vm) * sizeof *vm->mem.dirty;
	if (!vm->mem.dirty) {
		memset(out, 0, bytes);
		return;
	}
	memcpy(out, vm->mem.dirty, bytes);
	new_epoch(vm);
}

void mmu_dirty_stop(struct vm *vm)
{
	free(vm->mem.dirty);
	vm->mem.dirty = NULL;
}
