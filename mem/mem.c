/* Guest physical memory, allocated a page at a time on first touch. */
#include "mem/mem.h"

#include <stdlib.h>
#include <string.h>

#include "mem/pool.h"

int mem_init(struct mem *m, uint64_t size)
{
	memset(m, 0, sizeof *m);
	if (size < MEM_MIN_SIZE || size > MEM_MAX_SIZE || size % MEM_PAGE_SIZE)
		return -1;
	m->size = (uint32_t)size;
	m->npages = (uint32_t)(size >> MEM_PAGE_SHIFT);
	m->leaf = calloc(mem_nleaves(m), sizeof *m->leaf);
	return m->leaf ? 0 : -1;
}

uint8_t **mem_slot(struct mem *m, uint32_t pn)
{
	uint8_t ***l = &m->leaf[pn >> MEM_LEAF_SHIFT];
	if (!*l && !(*l = calloc(MEM_LEAF, sizeof **l))) {
		m->oom = 1;
		return NULL;
	}
	return &(*l)[pn & (MEM_LEAF - 1)];
}

int mem_make_leaves(struct mem *m)
{
	for (uint32_t pn = 0; pn < m->npages; pn += MEM_LEAF)
		if (!mem_slot(m, pn))
			return -1;
	return 0;
}

void mem_clear(struct mem *m)
{
	mem_code_free(m);
	if (m->pool)
		pool_clear(m->pool);
	if (m->nlisted == m->touched) {
		/* Only the pages touched: a 16 MiB machine has 4096 slots. */
		for (uint32_t i = 0; i < m->nlisted; i++) {
			uint8_t **slot = mem_slot_made(m, m->touched_list[i]);
			free(*slot);
			*slot = NULL;
		}
	} else {
		/* A memory manager gave some: look at every slot. */
		for (uint32_t i = 0; i < mem_nleaves(m); i++)
			for (uint32_t j = 0; m->leaf[i] && j < MEM_LEAF; j++) {
				free(m->leaf[i][j]);
				m->leaf[i][j] = NULL;
			}
	}
	m->touched = m->nlisted = 0;
}

void mem_free(struct mem *m)
{
	if (!m->leaf)
		return;
	if (m->pool)
		pool_detach(m->pool);
	mem_clear(m);
	free(m->dirty);
	m->dirty = NULL;
	for (uint32_t i = 0; i < mem_nleaves(m); i++)
		free(m->leaf[i]);
	free(m->leaf);
	free(m->touched_list);
	m->leaf = NULL;
	m->touched_list = NULL;
}

uint8_t *mem_page_slow(struct mem *m, uint32_t gpa)
{
	if (gpa >= m->size)
		return NULL;
	if (m->pool)
		return pool_page(m->pool, gpa >> MEM_PAGE_SHIFT, true);
	uint32_t pn = gpa >> MEM_PAGE_SHIFT;
	uint8_t **slot = mem_slot(m, pn);
	if (!slot)
		return NULL;
	if (!*slot) {
		if (m->nlisted == m->touched_cap) {
			uint32_t cap = m->touched_cap ? 2 * m->touched_cap : 64;
			uint32_t *l = realloc(m->touched_list, cap * sizeof *l);
			if (!l) {
				m->oom = 1;
				return NULL;
			}
			m->touched_list = l;
			m->touched_cap = cap;
		}
		*slot = calloc(1, MEM_PAGE_SIZE);
		if (!*slot) {
			m->oom = 1;
			return NULL;
		}
		m->touched_list[m->nlisted++] = pn;
		m->touched++;
	}
	return *slot;
}

uint8_t *mem_page_read(struct mem *m, uint32_t gpa)
{
	if (gpa < m->size && m->pool)
		return pool_page(m->pool, gpa >> MEM_PAGE_SHIFT, false);
	return mem_page(m, gpa);
}

int mem_shared(const struct mem *m, uint32_t gpa)
{
	return m->pool && gpa < m->size &&
	       pool_shared(m->pool, gpa >> MEM_PAGE_SHIFT);
}

void mem_discard(struct mem *m, uint32_t gpa)
{
	if (gpa >= m->size)
		return;
	if (m->pool) {
		/* Its contents are gone: a migration must send the zeros. */
		pool_discard(m->pool, gpa >> MEM_PAGE_SHIFT);
		mem_dirty_mark(m, gpa);
		mem_code_written(m, gpa & ~MEM_PAGE_MASK, MEM_PAGE_SIZE);
		return;
	}
	/* Without a memory manager there is no budget to give it back to:
	 * the page stays, as zeros (freeing it under a cached translation
	 * would leave the interpreter a dangling pointer). */
	uint8_t *p = mem_host_page(m, gpa >> MEM_PAGE_SHIFT);
	if (p) {
		memset(p, 0, MEM_PAGE_SIZE);
		mem_dirty_mark(m, gpa);
	}
	mem_code_written(m, gpa & ~MEM_PAGE_MASK, MEM_PAGE_SIZE);
}

static int in_ram(const struct mem *m, uint32_t gpa, uint32_t len)
{
	return len <= m->size && gpa <= m->size - len;
}

int mem_read(struct mem *m, uint32_t gpa, void *buf, uint32_t len)
{
	if (!in_ram(m, gpa, len))
		return -1;
	uint8_t *out = buf;
	while (len) {
		uint32_t off = gpa & MEM_PAGE_MASK, n = MEM_PAGE_SIZE - off;
		if (n > len)
			n = len;
		const uint8_t *p = mem_host_page(m, gpa >> MEM_PAGE_SHIFT);
		if (p)
			memcpy(out, p + off, n);
		else if (!m->pool || pool_peek(m->pool, gpa >> MEM_PAGE_SHIFT,
					       off, out, n))
			memset(out, 0, n);
		out += n, gpa += n, len -= n;
	}
	return 0;
}

int mem_write(struct mem *m, uint32_t gpa, const void *buf, uint32_t len)
{
	if (!in_ram(m, gpa, len))
		return -1;
	const uint8_t *in = buf;
	while (len) {
		uint32_t off = gpa & MEM_PAGE_MASK, n = MEM_PAGE_SIZE - off;
		if (n > len)
			n = len;
		uint8_t *p = mem_page(m, gpa);
		if (!p)
			return -1;
		memcpy(p + off, in, n);
		mem_dirty_mark(m, gpa);
		mem_code_written(m, gpa, n);
		in += n, gpa += n, len -= n;
	}
	return 0;
}
