/*
 * Guest physical memory: the guest-physical-to-host map.
 *
 * RAM is a sparse array of 4 KiB host pages indexed by guest-physical page
 * number.  A page is allocated (zeroed) the first time anything touches it,
 * so a 1 GiB guest that touches 2 MiB costs about 2 MiB of host memory.
 * This map is the second level of translation: the CPU's TLB caches
 * guest-virtual -> host, and snapshots, dirty tracking and overcommit will
 * hook in here.
 */
#ifndef AULA_MEM_H
#define AULA_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mem/code.h"

#define MEM_PAGE_SHIFT 12
#define MEM_PAGE_SIZE (1u << MEM_PAGE_SHIFT)
#define MEM_PAGE_MASK (MEM_PAGE_SIZE - 1)

#define MEM_MIN_SIZE (64u * 1024)
#define MEM_MAX_SIZE (2048u * 1024 * 1024)
#define MEM_DEFAULT_SIZE (16u * 1024 * 1024)

struct pool_vm;

struct mem {
	uint32_t size;		/* bytes of RAM, a multiple of the page size */
	uint32_t npages;
	/* The host page of each guest page, or NULL, in leaves of MEM_LEAF
	 * pages: leaf[pn >> MEM_LEAF_SHIFT][pn % MEM_LEAF], a leaf made as
	 * its first page is (a machine made afresh touches a few pages: it
	 * zeroes a leaf or two, not a pointer for every page of RAM).  Read
	 * with mem_host_page, written through mem_slot. */
	uint8_t ***leaf;
	uint32_t touched;	/* pages allocated so far */
	/* The page numbers mem_page allocated itself (not a memory
	 * manager), nlisted of them, to free just those. */
	uint32_t *touched_list;
	uint32_t nlisted, touched_cap;
	int oom;		/* a host allocation failed */
	/* Dirty tracking (mem/dirty.h): bit p set when page p was written
	 * since the epoch began; NULL when nobody tracks. */
	uint64_t *dirty;
	/* Decoded code of each guest page, or NULL (mem/code.h), in leaves
	 * as leaf is, made as pages are first run. */
	struct code_page ***code;
	struct code_page *code_list;	/* every code page, to free them */
	/* The host's memory manager (mem/pool.h), in a lab whose host has a
	 * RAM budget; NULL otherwise.  With it a NULL page may be swapped
	 * out, and a page may be shared with other machines. */
	struct pool_vm *pool;
};

#define MEM_LEAF_SHIFT 9
#define MEM_LEAF (1u << MEM_LEAF_SHIFT)	/* pages a leaf: 2 MiB of RAM */

static inline uint32_t mem_nleaves(const struct mem *m)
{
	return (m->npages + MEM_LEAF - 1) / MEM_LEAF;
}

/* The host page of guest page pn (< npages), or NULL if untouched (or,
 * under a memory manager, swapped out). */
static inline uint8_t *mem_host_page(const struct mem *m, uint32_t pn)
{
	uint8_t **l = m->leaf[pn >> MEM_LEAF_SHIFT];
	return l ? l[pn & (MEM_LEAF - 1)] : NULL;
}

/* Where guest page pn's host page is kept, its leaf made if need be;
 * NULL if the host is out of memory (m->oom is set). */
uint8_t **mem_slot(struct mem *m, uint32_t pn);
/* The same where the leaf is known to be there: a page mem_page listed,
 * or any page of a machine under a memory manager (mem_make_leaves). */
static inline uint8_t **mem_slot_made(struct mem *m, uint32_t pn)
{
	return &m->leaf[pn >> MEM_LEAF_SHIFT][pn & (MEM_LEAF - 1)];
}
/* Make every leaf, so that mem_slot cannot fail (a memory manager's
 * machine): 0, or -1 without host memory. */
int mem_make_leaves(struct mem *m);

/* The decoded code of the guest page holding gpa (in RAM), or NULL. */
static inline struct code_page *mem_code_at(const struct mem *m,
					    uint32_t gpa)
{
	uint32_t pn = gpa >> MEM_PAGE_SHIFT;
	struct code_page **leaf =
		m->code ? m->code[pn >> MEM_LEAF_SHIFT] : NULL;
	return leaf ? leaf[pn & (MEM_LEAF - 1)] : NULL;
}

/* Does the guest page holding gpa (in RAM) have decoded code? */
static inline bool mem_has_code(const struct mem *m, uint32_t gpa)
{
	return mem_code_at(m, gpa) != NULL;
}

/* 0, or -1 if size is out of range or the map cannot be allocated. */
int mem_init(struct mem *m, uint64_t size);
void mem_free(struct mem *m);
/* Drop every page: RAM reads as zero again. */
void mem_clear(struct mem *m);

/* Host page holding gpa, allocated on first touch, to be written; NULL
 * when gpa is not backed by RAM (or the host is out of memory, which sets
 * m->oom).  A page already there is found inline: a nested walk asks for
 * three a TLB miss. */
uint8_t *mem_page_slow(struct mem *m, uint32_t gpa);
static inline uint8_t *mem_page(struct mem *m, uint32_t gpa)
{
	uint8_t *p = gpa < m->size && !m->pool
		     ? mem_host_page(m, gpa >> MEM_PAGE_SHIFT) : NULL;
	return p ? p : mem_page_slow(m, gpa);
}
/* The same, for reading or fetching only: it may be a page the memory
 * manager shares with other machines, which must not be written. */
uint8_t *mem_page_read(struct mem *m, uint32_t gpa);
/* Is the page holding gpa shared (read-only to this machine)? */
int mem_shared(const struct mem *m, uint32_t gpa);
/* The guest gave the page holding gpa back (a balloon): it reads as
 * zero from now on, and the host may reuse its memory. */
void mem_discard(struct mem *m, uint32_t gpa);

/* Note a write to the page holding gpa (< size).  Only slow paths call
 * it: the write TLB holds no page while its bit is clear. */
static inline void mem_dirty_mark(struct mem *m, uint32_t gpa)
{
	if (m->dirty) {
		uint32_t p = gpa >> MEM_PAGE_SHIFT;
		m->dirty[p / 64] |= 1ull << (p % 64);
	}
}
static inline bool mem_dirty_test(const uint64_t *bits, uint32_t page)
{
	return bits[page / 64] >> (page % 64) & 1;
}

/* Copies that do not allocate untouched pages when reading (they read as
 * zero).  Both return -1 if any byte lies outside RAM, copying nothing. */
int mem_read(struct mem *m, uint32_t gpa, void *buf, uint32_t len);
int mem_write(struct mem *m, uint32_t gpa, const void *buf, uint32_t len);

static inline uint32_t mem_ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static inline uint16_t mem_ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline void mem_st32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void mem_st16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
}

#endif
