/* Shadow page tables (see mem/mmu.h for how they fit). */
#ifndef AULA_SHADOW_H
#define AULA_SHADOW_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/mmu.h"

struct vm;

/* Translate through the current address space's shadow, filling it from
 * the guest's table on a miss.  0 with *host_page and the guest-physical
 * page *gpa, or a cause (and *far).
 * *tables gets the guest-physical pages of the directory and table the
 * translation depends on, for write tracking. */
unsigned shadow_translate(struct vm *vm, uint32_t va, enum mmu_access acc,
			  bool user, uint8_t **host_page, uint32_t *gpa,
			  uint32_t tables[2], uint32_t *far);
/* A guest store changed the word at guest-physical gpa, a tracked page:
 * drop every shadow entry derived from it. */
void shadow_invalidate(struct vm *vm, uint32_t gpa);
/* The host page at host is no longer the guest's (the host's memory
 * manager moved it, mem/pool.c): drop every entry that points at it.  Safe
 * in the middle of a translation: no table is freed. */
void shadow_forget_host(struct mmu *m, const uint8_t *host);
/* Forget every address space. */
void shadow_drop_all(struct mmu *m);
/* The shadow of an address space, for mmu_explain: the entry of va in the
 * space whose directory is at ptbr, or NULL. */
bool shadow_lookup(const struct mmu *m, uint32_t ptbr, uint32_t va,
		   uintptr_t *host, bool *writable, bool *user);

#endif
