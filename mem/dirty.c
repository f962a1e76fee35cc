/* Dirty tracking of guest-physical pages (mem/dirty.h). */
#include "mem/dirty.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/vm.h"

uint32_t mmu_dirty_words(const struct vm *vm)
{
	return (vm->mem.npages + 63) / 64;
}

/* No cached write translation survives: the next store to each page
 * comes to mmu_store, which marks it. */
static void drop_write_tlbs(struct vm *vm)
{
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < MMU_TLB_SIZE; i++)
			vm->cpu.tlb[s].w[i].tag = MMU_TAG_INVALID;
}

int mmu_dirty_start(struct vm *vm)
{
	size_t bytes = mmu_dirty_words(vm) * sizeof *vm->mem.dirty;
	if (!vm->mem.dirty && !(vm->mem.dirty = malloc(bytes)))
		return -1;
	memset(vm->mem.dirty, 0, bytes);
	drop_write_tlbs(vm);
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
	memset(vm->mem.dirty, 0, bytes);
	drop_write_tlbs(vm);
}

void mmu_dirty_stop(struct vm *vm)
{
	free(vm->mem.dirty);
	vm->mem.dirty = NULL;
}
