/*
 * TLB slow paths.  Paging is not switched on yet (see docs/isa.md), so a
 * miss translates virtual = guest-physical through the guest-physical-to-
 * host map and fills the entry.
 */
#include "mem/mmu.h"

#include "cpu/vm.h"

void mmu_flush(struct mmu_tlb *t)
{
	for (int i = 0; i < MMU_TLB_SIZE; i++)
		t->r[i].tag = t->w[i].tag = t->x[i].tag = MMU_TAG_INVALID;
}

/* Translate and fill one TLB set; 0 or a vector. */
static unsigned fill(struct vm *vm, struct mmu_tlb_entry *set, uint32_t va,
		     unsigned size, uint8_t **host, uint32_t *far)
{
	if (va & (size - 1)) {
		*far = va;
		return CPU_VEC_MISALIGNED;
	}
	uint8_t *page = mem_page(&vm->mem, va);
	if (!page) {
		if (vm->mem.oom)
			vm_stop(vm, VM_STOP_HOST_ERROR, 0);
		*far = va;
		return CPU_VEC_BUS_ERROR;
	}
	struct mmu_tlb_entry *e = mmu_slot(set, va);
	e->tag = va & ~MEM_PAGE_MASK;
	e->addend = (uintptr_t)page - e->tag;
	*host = page + (va & MEM_PAGE_MASK);
	return 0;
}

unsigned mmu_load(struct vm *vm, uint32_t va, unsigned size, uint32_t *out,
		  uint32_t *far)
{
	uint8_t *p;
	unsigned vec = fill(vm, vm->cpu.tlb.r, va, size, &p, far);
	if (vec)
		return vec;
	*out = size == 4 ? mem_ld32(p) : size == 2 ? mem_ld16(p) : *p;
	return 0;
}

unsigned mmu_store(struct vm *vm, uint32_t va, unsigned size, uint32_t val,
		   uint32_t *far)
{
	uint8_t *p;
	unsigned vec = fill(vm, vm->cpu.tlb.w, va, size, &p, far);
	if (vec)
		return vec;
	if (size == 4)
		mem_st32(p, val);
	else if (size == 2)
		mem_st16(p, (uint16_t)val);
	else
		*p = (uint8_t)val;
	return 0;
}

unsigned mmu_fetch_page(struct vm *vm, uint32_t pc, uint8_t **page,
			uint32_t *far)
{
	uint8_t *p;
	unsigned vec = fill(vm, vm->cpu.tlb.x, pc, 4, &p, far);
	if (!vec)
		*page = p - (pc & MEM_PAGE_MASK);
	return vec;
}

unsigned mmu_read32(struct vm *vm, uint32_t va, uint32_t *out, uint32_t *far)
{
	struct mmu_tlb_entry *e = mmu_slot(vm->cpu.tlb.r, va);
	if (e->tag == mmu_tag(va, 4)) {
		*out = mem_ld32((uint8_t *)(e->addend + va));
		return 0;
	}
	return mmu_load(vm, va, 4, out, far);
}

unsigned mmu_write32(struct vm *vm, uint32_t va, uint32_t val, uint32_t *far)
{
	struct mmu_tlb_entry *e = mmu_slot(vm->cpu.tlb.w, va);
	if (e->tag == mmu_tag(va, 4)) {
		mem_st32((uint8_t *)(e->addend + va), val);
		return 0;
	}
	return mmu_store(vm, va, 4, val, far);
}
