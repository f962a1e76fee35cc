/*
 * The TLB rules of docs/isa.md, section 6, and the machinery behind the
 * two strategies (mem/mmu.h): changed entries take effect with or without
 * tlbi, page-table pages reused, address spaces switched and evicted from
 * the shadow cache, write tracking, walk costs, and the counting of stale
 * uses.  The architectural results are checked under both strategies and
 * must agree (paging.h); the counters check the mechanism.
 */
#include <stdio.h>

#include "cpu/isa.h"
#include "tests/unit/paging.h"

#define R(n) (t[0]->vm->cpu.r[n])	/* the same in both, pg_run checks */

struct snap {
	struct mmu_stats s[2];
};

static void take(struct th *t[2], struct snap *p)
{
	PG_EACH(m)
		p->s[m] = PG_STATS(t, m);
}

/* A counter moved by exactly want in both machines since the snapshot. */
#define MOVED(t, p, field, want)					\
	PG_EACH(m_) {							\
		uint64_t d_ = PG_STATS(t, m_).field - (p)->s[m_].field;	\
		ck_assert_msg(d_ == (uint64_t)(want), "mmu=%s: " #field	\
			      " moved by %llu, expected %llu",		\
			      PG_NAME(t, m_), (unsigned long long)d_,	\
			      (unsigned long long)(want));		\
	}

/* VA -> F0 through T0 in PD; frame n holds 0xf0 + n at offset 0. */
static void map_va(struct th *t[2], uint32_t frames)
{
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA, PG_FRAME(0), PG_PW);
	for (uint32_t n = 0; n < frames; n++)
		pg_poke(t, PG_FRAME(n), 0xf0 + n);
}

/* A PTE changed with tlbi, without, and to read-only: each change takes
 * effect at once; each store into the table is trapped, and drops the
 * one shadow entry built from it. */
START_TEST(changed_pte_takes_effect)
{
	struct th *t[2];
	struct snap p;
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n la r4, TABLES\n ldw r2, 0(r1)\n brk\n"
		" la r5, FRAMES + 0x1000 + PRW\n stw r5, 0(r4)\n tlbi r1\n"
		" ldw r2, 0(r1)\n brk\n"
		" la r5, FRAMES + 0x2000 + PRW\n stw r5, 0(r4)\n"
		" ldw r2, 0(r1)\n brk\n"
		" la r5, FRAMES + 1\n stw r5, 0(r4)\n ldw r2, 0(r1)\n"
		" la r7, next\nhere: stw r2, 0(r1)\nnext: brk\n trap 40\n"
		PG_FIX_RESUME, PG_PW);
	map_va(t, 3);
	static const uint32_t want[] = { 0xf0, 0xf1, 0xf2, 0xf0 };
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(2), want[0]);
	for (int i = 1; i < 4; i++) {
		take(t, &p);
		pg_run(t, VM_STOP_BREAKPOINT);
		ck_assert_msg(R(2) == want[i], "step %d: r2 = 0x%x", i, R(2));
		MOVED(t, &p, track_traps, 1);
		ck_assert_uint_eq(PG_STATS(t, 0).shadow_invalidations -
				  p.s[0].shadow_invalidations, 1);
	}
	/* The last mapping is read-only: the write faults. */
	ck_assert_uint_eq(pg_faults(t), 1);
	pg_expect_fault(t, 0, 0x303, PG_VA, th_sym(t[0], "here"));
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(0)), 0xf0);
	ck_assert_uint_eq(PG_STATS(t, 1).shadow_invalidations, 0);
	ck_assert_uint_eq(PG_STATS(t, 1).shadow_fills, 0);
	ck_assert_uint_eq(PG_STATS(t, 1).shadow_hits, 0);
	pg_finish(t);
}
END_TEST

/* The PDE moves to another table (with tlbi), the old table page is
 * reused as the table of another directory entry, then the first PDE is
 * pointed at it without tlbi: two pages alias one frame. */
START_TEST(page_table_page_reused)
{
	struct th *t[2];
	struct snap p;
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n la r3, PD + 1024\n la r4, TABLES\n"
		" la r6, VA + 0x400000\n ldw r2, 0(r1)\n brk\n"
		" la r5, TABLES + 0x1000 + PRW\n stw r5, 0(r3)\n tlbi r1\n"
		" ldw r2, 0(r1)\n brk\n"
		" la r5, FRAMES + 0x2000 + PRW\n stw r5, 0(r4)\n"
		" la r5, TABLES + PRW\n stw r5, 4(r3)\n"
		" ldw r2, 0(r1)\n ldw r7, 0(r6)\n brk\n"
		" stw r5, 0(r3)\n ldw r2, 0(r1)\n li r5, 0x99\n"
		" stw r5, 4(r1)\n ldw r7, 4(r6)\n brk\n trap 40\n"
		"fix: br done\n", PG_PW);
	map_va(t, 3);
	pg_pte(t, PG_TABLE(1), PG_VA, PG_FRAME(1), PG_PW);

	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(2), 0xf0);
	take(t, &p);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(2), 0xf1);			/* through T1 */
	/* Storing the PDE dropped the shadow table built from T0. */
	ck_assert_uint_gt(PG_STATS(t, 0).shadow_invalidations,
			  p.s[0].shadow_invalidations);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(2), 0xf1);			/* T0 changed: not VA */
	ck_assert_uint_eq(R(7), 0xf2);			/* VA + 4 MiB via T0 */
	take(t, &p);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(2), 0xf2);			/* VA via T0 too */
	ck_assert_uint_eq(R(7), 0x99);			/* the alias */
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(2) + 4), 0x99);
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(1) + 4), 0);
	/* VA was used and its PDE changed without tlbi: two stale uses. */
	MOVED(t, &p, stale_uses, 2);
	ck_assert_uint_eq(pg_faults(t), 0);
	pg_finish(t);
}
END_TEST

/* Two address spaces map VA to different frames; switching ptbr switches
 * the mapping.  The shadow keeps both and serves the later rounds.  Then
 * B's PTE, and B's PDE, change while A is current: B sees both. */
START_TEST(ptbr_switches_address_spaces)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n la r5, PD\n la r6, PD + 0x1000\n li r7, 3\n"
		".l: mtcr ptbr, r5\n ldw r2, 0(r1)\n add r3, r3, r2\n"
		" stw r7, 4(r1)\n"
		" mtcr ptbr, r6\n ldw r2, 0(r1)\n add r4, r4, r2\n"
		" stw r7, 8(r1)\n"
		" addi r7, r7, -1\n cmpi r7, 0\n bne .l\n"
		" mtcr ptbr, r5\n brk\n"
		" la r8, TABLES + 0x1000\n la r2, FRAMES + 0x2000 + PRW\n"
		" stw r2, 0(r8)\n mtcr ptbr, r6\n ldw r3, 0(r1)\n"
		" mtcr ptbr, r5\n la r8, PD + 0x1000 + 1024\n"
		" la r2, TABLES + 0x2000 + PRW\n stw r2, 0(r8)\n"
		" mtcr ptbr, r6\n ldw r4, 0(r1)\n"
		" mtcr ptbr, r5\n ldw r2, 0(r1)\n trap 40\nfix: br done\n",
		PG_PW);
	map_va(t, 4);
	pg_share_identity(t, PG_PD + 0x1000, PG_PW);
	pg_pde(t, PG_PD + 0x1000, PG_VA, PG_TABLE(1), PG_PW);
	pg_pte(t, PG_TABLE(1), PG_VA, PG_FRAME(1), PG_PW);
	pg_pte(t, PG_TABLE(2), PG_VA, PG_FRAME(3), PG_PW);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(3), 3 * 0xf0);
	ck_assert_uint_eq(R(4), 3 * 0xf1);
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(0) + 4), 1);
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(0) + 8), 0);
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(1) + 4), 0);
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(1) + 8), 1);
	/* 0 -> A at boot, then A B A B A B A. */
	PG_EACH(m)
		ck_assert_uint_eq(PG_STATS(t, m).as_switches, 7);
	ck_assert_uint_gt(PG_STATS(t, 0).shadow_hits, 0);
	ck_assert_uint_eq(PG_STATS(t, 0).as_evictions, 0);
	ck_assert_uint_eq(PG_STATS(t, 1).shadow_hits, 0);
	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(3), 0xf2);		/* B's new PTE */
	ck_assert_uint_eq(R(4), 0xf3);		/* B's new PDE */
	ck_assert_uint_eq(R(2), 0xf0);		/* A untouched */
	ck_assert_uint_eq(pg_faults(t), 0);
	pg_finish(t);
}
END_TEST

/* A page the user wrote as data becomes a page table: once a walk uses
 * it, the user's next store into it must be seen (write-tracked). */
START_TEST(data_page_becomes_a_page_table)
{
	struct th *t[2];
	struct snap p;
	pg_boot(t, PG_KERNEL
		"test: la r1, VA + 0x400000\n la r4, TABLES + 0x1000\n"
		" la r5, FRAMES + 0x2000 + PRWU\n" PG_TO_USER
		" stw r5, 0(r4)\n ldw r2, 0(r1)\n brk\n"
		" la r5, FRAMES + 0x3000 + PRWU\n stw r5, 0(r4)\n"
		" ldw r3, 0(r1)\n brk\n trap 40\nfix: br done\n", PG_PWU);
	map_va(t, 4);
	pg_pde(t, PG_PD, PG_VA + 0x400000, PG_TABLE(1), PG_PWU);
	pg_pte(t, PG_TABLE(1), PG_VA, PG_FRAME(1), PG_PWU);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(2), 0xf2);
	take(t, &p);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(3), 0xf3);
	MOVED(t, &p, track_traps, 1);
	MOVED(t, &p, stale_uses, 1);	/* no tlbi after the change */
	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(pg_faults(t), 0);
	pg_finish(t);
}
END_TEST

/* Ten address spaces, two rounds: the shadow cache holds MMU_MAX_AS and
 * evicts, and every space still reads and writes its own frame. */
START_TEST(more_spaces_than_the_shadow_cache)
{
	enum { N = MMU_MAX_AS + 2 };
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n li r7, 2\n"
		".round: la r5, PD\n li r6, 10\n"
		".sp: mtcr ptbr, r5\n ldw r2, 0(r1)\n add r3, r3, r2\n"
		" ldw r4, 4(r1)\n addi r4, r4, 1\n stw r4, 4(r1)\n"
		" addi r5, r5, 0x1000\n addi r6, r6, -1\n cmpi r6, 0\n"
		" bne .sp\n addi r7, r7, -1\n cmpi r7, 0\n bne .round\n"
		" la r5, PD\n mtcr ptbr, r5\n trap 40\nfix: br done\n", PG_PW);
	ck_assert_int_eq(N, 10);
	for (uint32_t i = 0; i < N; i++) {
		uint32_t pd = PG_PD + 0x1000 * i;
		if (i)
			pg_share_identity(t, pd, PG_PW);
		pg_pde(t, pd, PG_VA, PG_TABLE(i), PG_PW);
		pg_pte(t, PG_TABLE(i), PG_VA, PG_FRAME(i), PG_PW);
		pg_poke(t, PG_FRAME(i), 0x100 + i);
	}
	pg_run(t, VM_STOP_POWEROFF);
	uint32_t sum = 0;
	for (uint32_t i = 0; i < N; i++) {
		sum += 0x100 + i;
		ck_assert_uint_eq(pg_peek(t, PG_FRAME(i) + 4), 2);
	}
	ck_assert_uint_eq(R(3), 2 * sum);
	ck_assert_uint_eq(pg_faults(t), 0);
	ck_assert_uint_gt(PG_STATS(t, 0).as_evictions, 0);
	ck_assert_uint_eq(PG_STATS(t, 1).as_evictions, 0);
	pg_finish(t);
}
END_TEST

/* Four pages touched ten times, with tlbia between rounds: nested walks
 * at every TLB miss, 6 references each; the shadow walks once per page
 * and serves the rest. */
START_TEST(walk_costs)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n li r7, 10\n"
		".l: ldw r2, 0(r1)\n ldw r2, 0x1000(r1)\n ldw r2, 0x2000(r1)\n"
		" stw r7, 0x3000(r1)\n tlbia\n addi r7, r7, -1\n cmpi r7, 0\n"
		" bne .l\n trap 40\nfix: br done\n", PG_PW);
	map_va(t, 4);
	for (uint32_t n = 1; n < 4; n++)
		pg_pte(t, PG_TABLE(0), PG_VA + 0x1000 * n, PG_FRAME(n), PG_PW);
	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(3)), 1);
	const struct mmu_stats *s = &PG_STATS(t, 0), *n = &PG_STATS(t, 1);
	ck_assert_uint_ge(n->walks, 40);
	ck_assert_uint_eq(n->walk_refs, 6 * n->walks);
	ck_assert_uint_eq(s->walk_refs, 6 * s->walks);
	ck_assert_uint_ge(s->shadow_hits, 36);
	ck_assert_uint_eq(s->shadow_fills, s->walks);
	ck_assert_uint_lt(s->walks, n->walks);
	ck_assert_uint_eq(n->shadow_hits + n->shadow_fills, 0);
	PG_EACH(m)
		ck_assert_uint_eq(PG_STATS(t, m).page_faults, 0);
	pg_finish(t);
}
END_TEST

/* A PTE used, then changed without tlbi: each later use is counted, and
 * still sees the new mapping.  tlbi, tlbia or a ptbr write end it.  A
 * PTE never used can change freely. */
START_TEST(stale_uses_are_counted)
{
#define LD3 " ldw r2, 0(r1)\n ldw r2, 0(r1)\n ldw r2, 0(r1)\n"
	struct th *t[2];
	struct snap p;
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n la r4, TABLES\n li r3, 0x33\n"
		" ldw r2, 0(r1)\n brk\n"
		" la r5, FRAMES + 0x2000 + PRW\n stw r5, 0(r4)\n"
		LD3 " stw r3, 4(r1)\n brk\n"
		" tlbi r1\n" LD3 " brk\n"
		" la r5, FRAMES + PRW\n stw r5, 0(r4)\n"
		" ldw r2, 0(r1)\n ldw r2, 0(r1)\n brk\n"
		" tlbia\n" LD3 " brk\n"
		" la r5, FRAMES + 0x2000 + PRW\n stw r5, 0(r4)\n"
		" ldw r2, 0(r1)\n brk\n"
		" mfcr r6, ptbr\n mtcr ptbr, r6\n" LD3 " brk\n"
		" ldw r5, 0(r4)\n stw r5, 0(r4)\n" LD3 " brk\n"
		" la r5, FRAMES + 0x3000 + PRW\n stw r5, 4(r4)\n"
		" ldw r2, 0x1000(r1)\n ldw r2, 0x1000(r1)\n brk\n"
		" trap 40\nfix: br done\n", PG_PW);
#undef LD3
	static const struct { unsigned stale; uint32_t r2; } want[] = {
		{ 4, 0xf2 },	/* changed, no tlbi: 3 loads, 1 store */
		{ 0, 0xf2 },	/* after tlbi */
		{ 2, 0xf0 },	/* changed back, no tlbi */
		{ 0, 0xf0 },	/* after tlbia */
		{ 1, 0xf2 },	/* changed, no tlbi */
		{ 0, 0xf2 },	/* after a ptbr write */
		{ 0, 0xf2 },	/* the PTE rewritten unchanged */
		{ 0, 0xf3 },	/* a PTE never used */
	};
	map_va(t, 4);
	pg_pte(t, PG_TABLE(0), PG_VA + 0x1000, PG_FRAME(1), PG_PW);
	pg_run(t, VM_STOP_BREAKPOINT);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		take(t, &p);
		pg_run(t, VM_STOP_BREAKPOINT);
		ck_assert_msg(R(2) == want[i].r2, "step %zu: r2 = 0x%x", i,
			      R(2));
		MOVED(t, &p, stale_uses, want[i].stale);
	}
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(2) + 4), 0x33);
	pg_run(t, VM_STOP_POWEROFF);
	pg_finish(t);
}
END_TEST

/* Code run from a page whose PTE changed without tlbi: every instruction
 * fetched from it is a stale use, and it is the new frame's code. */
START_TEST(stale_fetches_are_counted)
{
	struct th *t[2];
	struct snap p;
	pg_boot(t, PG_KERNEL
		"test: la r6, VA + 0x5000\n la r7, back1\n jmpr r6\n"
		"back1: brk\n la r4, TABLES + 20\n"
		" la r5, FRAMES + 0x6000 + PRW\n stw r5, 0(r4)\n"
		" la r7, back2\n jmpr r6\n"
		"back2: brk\n tlbi r6\n la r7, back3\n jmpr r6\n"
		"back3: brk\n trap 40\nfix: br done\n", PG_PW);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA + 0x5000, PG_FRAME(5), PG_PW);
	uint32_t jmpr_r7 = isa_enc_r(ISA_OP_jmpr, 0, 7, 0);
	pg_poke(t, PG_FRAME(5), isa_enc_i(ISA_OP_addi, 2, 0, 1));
	pg_poke(t, PG_FRAME(5) + 4, jmpr_r7);
	pg_poke(t, PG_FRAME(6), isa_enc_i(ISA_OP_addi, 2, 0, 2));
	pg_poke(t, PG_FRAME(6) + 4, isa_enc_i(ISA_OP_addi, 2, 2, 1));
	pg_poke(t, PG_FRAME(6) + 8, jmpr_r7);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(2), 1);
	take(t, &p);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(2), 3);		/* the new frame's code */
	MOVED(t, &p, stale_uses, 3);
	take(t, &p);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(2), 3);
	MOVED(t, &p, stale_uses, 0);
	pg_run(t, VM_STOP_POWEROFF);
	pg_finish(t);
}
END_TEST

/* Code that remaps its own page (no tlbi): the very next instruction
 * comes from the new frame, and is a stale use, as is the one after. */
START_TEST(code_remapping_its_own_page)
{
	struct th *t[2];
	struct snap p;
	pg_boot(t, PG_KERNEL
		"test: la r4, TABLES + 20\n la r5, FRAMES + 0x6000 + PRW\n"
		" la r6, VA + 0x5000\n la r7, back\n jmpr r6\n"
		"back: brk\n trap 40\nfix: br done\n", PG_PW);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA + 0x5000, PG_FRAME(5), PG_PW);
	uint32_t jmpr_r7 = isa_enc_r(ISA_OP_jmpr, 0, 7, 0);
	pg_poke(t, PG_FRAME(5), isa_enc_i(ISA_OP_stw, 5, 4, 0));
	pg_poke(t, PG_FRAME(5) + 4, isa_enc_i(ISA_OP_addi, 2, 0, 1));
	pg_poke(t, PG_FRAME(5) + 8, jmpr_r7);
	pg_poke(t, PG_FRAME(6) + 4, isa_enc_i(ISA_OP_addi, 2, 0, 2));
	pg_poke(t, PG_FRAME(6) + 8, jmpr_r7);
	take(t, &p);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(2), 2);
	MOVED(t, &p, stale_uses, 2);
	pg_run(t, VM_STOP_POWEROFF);
	pg_finish(t);
}
END_TEST

/* The stale use of VA is counted even when an unrelated PTE of the same
 * table was changed first: a real TLB still holds VA's old translation,
 * as nothing invalidated it.  (Nested mode used to stop tracking the table
 * after the first store and miss it.) */
START_TEST(stale_use_after_an_unrelated_table_store)
{
	struct th *t[2];
	struct snap p;
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n la r4, TABLES\n ldw r2, 0(r1)\n brk\n"
		" la r5, FRAMES + 0x3000 + PRW\n stw r5, 4(r4)\n"
		" la r5, FRAMES + 0x2000 + PRW\n stw r5, 0(r4)\n"
		" ldw r2, 0(r1)\n brk\n trap 40\nfix: br done\n", PG_PW);
	map_va(t, 4);
	pg_pte(t, PG_TABLE(0), PG_VA + 0x1000, PG_FRAME(1), PG_PW);
	pg_run(t, VM_STOP_BREAKPOINT);
	take(t, &p);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(2), 0xf2);
	MOVED(t, &p, stale_uses, 1);
	pg_run(t, VM_STOP_POWEROFF);
	pg_finish(t);
}
END_TEST

static Suite *shadow_suite(void)
{
	Suite *s = suite_create("shadow");
	TCase *tc = tcase_create("coherence");
	tcase_add_test(tc, changed_pte_takes_effect);
	tcase_add_test(tc, page_table_page_reused);
	tcase_add_test(tc, ptbr_switches_address_spaces);
	tcase_add_test(tc, data_page_becomes_a_page_table);
	tcase_add_test(tc, more_spaces_than_the_shadow_cache);
	tcase_add_test(tc, walk_costs);
	suite_add_tcase(s, tc);
	tc = tcase_create("stale");
	tcase_add_test(tc, stale_uses_are_counted);
	tcase_add_test(tc, stale_fetches_are_counted);
	tcase_add_test(tc, code_remapping_its_own_page);
	tcase_add_test(tc, stale_use_after_an_unrelated_table_store);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(shadow_suite());
}
