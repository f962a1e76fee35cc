/* The decode cache's pages (mem/code.h): made on first run, invalidated a
 * word at a time, freed with the machine's RAM. */
#include "mem/code.h"

#include <stdlib.h>
#include <string.h>

#include "mem/mem.h"

struct code_page *mem_code_page(struct mem *m, uint32_t gpa, bool *created)
{
	*created = false;
	if (!mem_page(m, gpa))
		return NULL;
	uint32_t pn = gpa >> MEM_PAGE_SHIFT;
	if (!m->code && !(m->code = calloc(mem_nleaves(m), sizeof *m->code))) {
		m->oom = 1;
		return NULL;
	}
	struct code_page ***leaf = &m->code[pn >> MEM_LEAF_SHIFT];
	if (!*leaf && !(*leaf = calloc(MEM_LEAF, sizeof **leaf))) {
		m->oom = 1;
		return NULL;
	}
	struct code_page **slot = &(*leaf)[pn & (MEM_LEAF - 1)];
	if (!*slot) {
		struct code_page *p = calloc(1, sizeof *p);
		if (!p) {
			m->oom = 1;
			return NULL;
		}
		p->e[CODE_ENTRIES].op = CODE_OP_PAGE_END;
		p->gpa = gpa & ~MEM_PAGE_MASK;
		p->next = m->code_list;
		m->code_list = p;
		*slot = p;
		*created = true;
	}
	return *slot;
}

void mem_code_written(struct mem *m, uint32_t gpa, uint32_t len)
{
	if (!m->code || !len)
		return;
	uint64_t end = (uint64_t)gpa + len;
	if (end > m->size)
		end = m->size;
	/* Every word the bytes touch, page by page. */
	for (uint64_t a = gpa & ~3u; a < end;) {
		struct code_page *p = mem_code_at(m, (uint32_t)a);
		uint64_t page_end = (a | MEM_PAGE_MASK) + 1;
		uint64_t stop = end < page_end ? end : page_end;
		if (p) {
			unsigned first = (unsigned)(a & MEM_PAGE_MASK) >> 2,
				 last = (unsigned)((stop - 1) & MEM_PAGE_MASK) >> 2;
			memset(&p->e[first], 0,
			       (last - first + 1) * sizeof p->e[0]);
		}
		a = page_end;
	}
}

void mem_code_redecode(struct mem *m)
{
	for (struct code_page *p = m->code_list; p; p = p->next)
		memset(p->e, 0, CODE_ENTRIES * sizeof p->e[0]);
}

void mem_code_free(struct mem *m)
{
	while (m->code_list) {
		struct code_page *p = m->code_list;
		m->code_list = p->next;
		free(p);
	}
	for (uint32_t i = 0; m->code && i < mem_nleaves(m); i++)
		free(m->code[i]);
	free(m->code);
	m->code = NULL;
}
