/*
 * Dirty tracking of guest-physical pages: which pages were written since
 * an epoch began.  Incremental checkpoints (reverse execution) and live
 * migration's pre-copy rounds ask it, between instructions.
 *
 * It costs the interpreter nothing, and it changes no counter.  Stores
 * that miss the write TLB reach the slow path (mmu_store), which marks
 * the page; DMA, the walker's A/D bits and mem_write mark the pages they
 * write.  A store that hits the write TLB marks nothing, so a page whose
 * write translation is cached counts as written in every epoch it stays
 * cached: each new epoch begins with those pages marked (the slow path
 * notes the page of each entry it fills, in struct mmu).  The answer is
 * a superset, never missing a page.
 *
 *     mmu_dirty_start(vm)          epoch 1 begins
 *     ... run ...
 *     mmu_dirty_harvest(vm, bits)  bits = pages written in epoch 1;
 *     ... run ...                  epoch 2 begins at once
 *     mmu_dirty_harvest(vm, bits)  pages written in epoch 2
 *     mmu_dirty_stop(vm)
 */
#ifndef AULA_DIRTY_H
#define AULA_DIRTY_H

#include <stdint.h>

struct vm;

/* Words of a bitmap with one bit per page of the machine's RAM. */
uint32_t mmu_dirty_words(const struct vm *vm);
/* Begin tracking; 0, or -1 out of host memory.  Starting again while
 * tracking begins a new epoch. */
int mmu_dirty_start(struct vm *vm);
/* The pages written since the epoch began, into out (mmu_dirty_words
 * words), and a new epoch begins. */
void mmu_dirty_harvest(struct vm *vm, uint64_t *out);
void mmu_dirty_stop(struct vm *vm);

#endif
