/* Helpers of the paging tests: see paging.h. */
#include "tests/unit/paging.h"

#include <string.h>

static void poke1(struct th *t, uint32_t gpa, uint32_t val)
{
	uint8_t w[4];
	mem_st32(w, val);
	ck_assert_int_eq(mem_write(&t->vm->mem, gpa, w, 4), 0);
}

static void identity(struct th *t, uint32_t flags)
{
	uint8_t table[MEM_PAGE_SIZE];
	for (uint32_t d = 0; d < PG_RAM >> 22; d++) {
		for (uint32_t i = 0; i < 1024; i++)
			mem_st32(table + 4 * i, (d << 22 | i << 12) | flags);
		if (d == (PG_RAM >> 22) - 1)	/* the kernel stack */
			mem_st32(table + 4 * 1023,
				 (PG_RAM - MEM_PAGE_SIZE) | PG_PW);
		ck_assert_int_eq(mem_write(&t->vm->mem, PG_IDT + d * 4096,
					   table, sizeof table), 0);
		poke1(t, PG_PD + 4 * d, (PG_IDT + d * 4096) | flags);
	}
}

void pg_boot(struct th *t[2], const char *src, uint32_t flags)
{
	static const enum mmu_mode modes[2] = { MMU_SHADOW, MMU_NESTED };
	PG_EACH(m) {
		t[m] = th_boot_mmu(src, modes[m]);
		identity(t[m], flags);
	}
}

static void same_cpu(struct th *t[2])
{
	const struct cpu *a = &t[0]->vm->cpu, *b = &t[1]->vm->cpu;
	for (int i = 0; i < 16; i++)
		ck_assert_msg(a->r[i] == b->r[i],
			      "r%d: 0x%08x with shadow, 0x%08x nested", i,
			      a->r[i], b->r[i]);
#define SAME(f)								\
	ck_assert_msg(a->f == b->f, #f ": 0x%08x with shadow, 0x%08x "	\
		      "nested", (unsigned)a->f, (unsigned)b->f)
	SAME(pc); SAME(flags); SAME(other_sp); SAME(vbr); SAME(ptbr);
	SAME(paging); SAME(far); SAME(cause); SAME(kscratch); SAME(insns);
#undef SAME
	ck_assert_int_eq(t[0]->vm->stop_code, t[1]->vm->stop_code);
	ck_assert_str_eq(t[0]->vm->stop_detail, t[1]->vm->stop_detail);
}

void pg_run(struct th *t[2], enum vm_stop want)
{
	PG_EACH(m) {
		enum vm_stop got = th_run(t[m], 1000000);
		ck_assert_msg(got == want, "mmu=%s: stopped with %s (%s), "
			      "expected %s", PG_NAME(t, m), vm_stop_name(got),
			      t[m]->vm->stop_detail, vm_stop_name(want));
	}
	same_cpu(t);
}

void pg_finish(struct th *t[2])
{
	static const uint8_t zero[MEM_PAGE_SIZE];
	same_cpu(t);
	const struct mem *a = &t[0]->vm->mem, *b = &t[1]->vm->mem;
	for (uint32_t p = 0; p < a->npages; p++) {
		const uint8_t *pa = mem_host_page(a, p);
		const uint8_t *pb = mem_host_page(b, p);
		pa = pa ? pa : zero;
		pb = pb ? pb : zero;
		if (!memcmp(pa, pb, MEM_PAGE_SIZE))
			continue;
		uint32_t i = 0;
		while (mem_ld32(pa + i) == mem_ld32(pb + i))
			i += 4;
		ck_abort_msg("RAM at 0x%08x: 0x%08x with shadow, 0x%08x "
			     "nested", p << 12 | i, mem_ld32(pa + i),
			     mem_ld32(pb + i));
	}
	PG_EACH(m)
		th_free(t[m]);
}

void pg_poke(struct th *t[2], uint32_t gpa, uint32_t val)
{
	PG_EACH(m)
		poke1(t[m], gpa, val);
}

uint32_t pg_peek(struct th *t[2], uint32_t gpa)
{
	uint32_t a = th_peek32(t[0], gpa), b = th_peek32(t[1], gpa);
	ck_assert_msg(a == b, "RAM at 0x%08x: 0x%08x with shadow, 0x%08x "
		      "nested", gpa, a, b);
	return a;
}

void pg_pde(struct th *t[2], uint32_t pd, uint32_t va, uint32_t table,
	    uint32_t flags)
{
	pg_poke(t, pg_pde_addr(pd, va), table | flags);
}

void pg_pte(struct th *t[2], uint32_t table, uint32_t va, uint32_t frame,
	    uint32_t flags)
{
	pg_poke(t, pg_pte_addr(table, va), frame | flags);
}

void pg_share_identity(struct th *t[2], uint32_t pd, uint32_t flags)
{
	for (uint32_t d = 0; d < PG_RAM >> 22; d++)
		pg_poke(t, pd + 4 * d, (PG_IDT + d * 4096) | flags);
}

uint32_t pg_faults(struct th *t[2])
{
	return pg_peek(t, th_sym(t[0], "log"));
}

void pg_expect_fault(struct th *t[2], uint32_t k, uint32_t cause,
		     uint32_t far, uint32_t pc)
{
	uint32_t e = th_sym(t[0], "log") + 4 + 12 * k;
	ck_assert_uint_gt(pg_faults(t), k);
	uint32_t c = pg_peek(t, e), f = pg_peek(t, e + 4),
		 p = pg_peek(t, e + 8);
	ck_assert_msg(c == cause && f == far && p == pc,
		      "fault %u: cause=0x%x far=0x%08x pc=0x%08x, expected "
		      "cause=0x%x far=0x%08x pc=0x%08x", k, c, f, p, cause,
		      far, pc);
}
