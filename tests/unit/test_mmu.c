/*
 * Paging as the guest sees it (docs/isa.md, section 6): the two-level walk,
 * effective permissions, every page-fault cause, bus errors in the walk,
 * double faults on the frame push, the A and D bits, mmu_explain, and
 * paging turned off and on.  Each scenario runs under both strategies and
 * they must agree (paging.h); test_shadow.c covers the strategies'
 * machinery and the TLB rules.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cpu/isa.h"
#include "tests/unit/paging.h"

#define R(n) (t[0]->vm->cpu.r[n])	/* the same in both, pg_run checks */
#define WORD 0xf00df00du		/* PG_FRAME(0) + 0x124 at boot */

/* The walk splits 0x12345678 into dir 0x48, table 0x345, offset 0x678;
 * two virtual pages alias one frame; the program runs identity-mapped. */
START_TEST(walk_translates_through_both_levels)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, 0x12345678\n ldw r2, 0(r1)\n"
		" la r1, 0x12346678\n ldw r3, 0(r1)\n"
		" la r1, 0xffc01004\n ldw r4, 0(r1)\n"
		" la r1, 0x80000000\n li r5, 0x5a5a\n stw r5, 0x10(r1)\n"
		" la r1, 0x80401000\n ldw r6, 0x10(r1)\n"
		" la r1, magic\n ldw r7, 0(r1)\n"
		" la r1, PD + 0x123\n mtcr ptbr, r1\n mfcr r8, ptbr\n"
		" li r1, -1\n mtcr paging, r1\n mfcr r1, paging\n trap 40\n"
		"fix: br done\nmagic: .word 0x600df00d\n", PG_PW);
	pg_pde(t, PG_PD, 0x12345678, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), 0x12345678, PG_FRAME(0), PG_PW);
	pg_pte(t, PG_TABLE(0), 0x12346678, PG_FRAME(1), PG_PW);
	pg_poke(t, PG_FRAME(0) + 0x678, 0xa0a0a0a0);
	pg_poke(t, PG_FRAME(1) + 0x678, 0xb1b1b1b1);
	pg_pde(t, PG_PD, 0xffc01004, PG_TABLE(1), PG_PW);	/* dir 1023 */
	pg_pte(t, PG_TABLE(1), 0xffc01004, PG_FRAME(2), PG_PW);
	pg_poke(t, PG_FRAME(2) + 4, 0xc2c2c2c2);
	pg_pde(t, PG_PD, 0x80000000, PG_TABLE(2), PG_PW);
	pg_pte(t, PG_TABLE(2), 0x80000000, PG_FRAME(3), PG_PW);
	pg_pde(t, PG_PD, 0x80401000, PG_TABLE(3), PG_PW);
	pg_pte(t, PG_TABLE(3), 0x80401000, PG_FRAME(3), PG_PW);
	ck_assert_uint_eq(pg_pte_addr(PG_TABLE(0), 0x12345678),
			  PG_TABLE(0) + 4 * 0x345);
	ck_assert_uint_eq(pg_pde_addr(PG_PD, 0x12345678), PG_PD + 4 * 0x48);

	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(pg_faults(t), 0);
	ck_assert_uint_eq(R(2), 0xa0a0a0a0);
	ck_assert_uint_eq(R(3), 0xb1b1b1b1);
	ck_assert_uint_eq(R(4), 0xc2c2c2c2);
	ck_assert_uint_eq(R(6), 0x5a5a);	/* written through the alias */
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(3) + 0x10), 0x5a5a);
	ck_assert_uint_eq(R(7), 0x600df00d);
	ck_assert_uint_eq(R(8), PG_PD);		/* low 12 bits ignored */
	ck_assert_uint_eq(R(1), 1);		/* other bits read as 0 */
	/* No fault: every walk was complete, (G+1) x (N+1) = 6 refs. */
	PG_EACH(m) {
		const struct mmu_stats *s = &PG_STATS(t, m);
		ck_assert_uint_gt(s->walks, 0);
		ck_assert_msg(s->walk_refs == 6 * s->walks,
			      "mmu=%s: %llu refs in %llu walks", PG_NAME(t, m),
			      (unsigned long long)s->walk_refs,
			      (unsigned long long)s->walks);
	}
	pg_finish(t);
}
END_TEST

/*
 * One access to VA + off under a PDE and a PTE with the given flags.  A
 * fault must be precise (the handler stops at a brk and we look), then
 * the handler maps the page PRWU and rti retries it successfully.
 */
struct access {
	const char *what;
	uint32_t pdef, ptef;
	bool user;
	const char *insn;	/* r1 = VA, r2 = 0x222, r3 = 0x333 */
	uint32_t cause;		/* 0: allowed */
	uint32_t off;		/* far - VA */
	uint32_t after;		/* loads: r2; stores: the word at 0x124 */
};

static const struct access accesses[] = {
	{ "kernel read, PDE not present", 0, PG_PWU, false,
	  "ldw r2, 0x124(r1)", 0x003, 0x124, WORD },
	{ "user write, PDE not present", 0, PG_PWU, true,
	  "stw r3, 0x124(r1)", 0xa03, 0x124, 0x333 },
	{ "kernel write, PTE not present", PG_PWU, 0, false,
	  "stw r3, 0x124(r1)", 0x203, 0x124, 0x333 },
	{ "user half read, PTE not present", PG_PWU, 0, true,
	  "ldh r2, 0x126(r1)", 0x803, 0x126, 0xfffff00d },
	{ "user read of a kernel page", PG_PWU, PG_PW, true,
	  "ldw r2, 0x124(r1)", 0x903, 0x124, WORD },
	{ "user write to a kernel page", PG_PWU, PG_PW, true,
	  "stw r3, 0x124(r1)", 0xb03, 0x124, 0x333 },
	{ "user fetch from a kernel page", PG_PWU, PG_PW, true,
	  "jmpr r1", 0xd03, 0, 0 },
	{ "user read under a kernel-only PDE", PG_PW, PG_PWU, true,
	  "ldbu r2, 0x127(r1)", 0x903, 0x127, 0xf0 },
	{ "user byte write to a read-only page", PG_PWU, PG_PU, true,
	  "stb r3, 0x127(r1)", 0xb03, 0x127, 0x330df00d },
	{ "user write under a read-only PDE", PG_PU, PG_PWU, true,
	  "stw r3, 0x124(r1)", 0xb03, 0x124, 0x333 },
	{ "user push to a read-only page", PG_PWU, PG_PU, true,
	  "push r3", 0xb03, 0x124, 0x333 },
	{ "kernel write to a read-only page", PG_PWU, PG_P, false,
	  "stw r3, 0x124(r1)", 0x303, 0x124, 0x333 },
	{ "kernel half write under a read-only PDE", PG_P, PG_PW, false,
	  "sth r3, 0x126(r1)", 0x303, 0x126, 0x0333f00d },
	{ "kernel fetch, PTE not present", PG_PWU, 0, false,
	  "jmpr r1", 0x403, 0, 0 },
	{ "kernel fetch, PDE not present", 0, 0, false,
	  "jmpr r1", 0x403, 0, 0 },
	{ "user fetch, PDE not present", 0, 0, true, "jmpr r1", 0xc03, 0, 0 },
	{ "kernel read of a read-only user page", PG_PU, PG_PU, false,
	  "ldw r2, 0x124(r1)", 0, 0, WORD },
	{ "kernel write to a user page", PG_PWU, PG_PWU, false,
	  "stw r3, 0x124(r1)", 0, 0, 0x333 },
	{ "user byte read of a user page", PG_PU, PG_PWU, true,
	  "ldb r2, 0x127(r1)", 0, 0, 0xfffffff0 },
	{ "kernel fetch from a read-only kernel page", PG_P, PG_P, false,
	  "jmpr r1", 0, 0, 0 },
	{ "user fetch from a read-only user page", PG_PU, PG_PU, true,
	  "jmpr r1", 0, 0, 0 },
};

/* An equality, naming the case when it fails. */
#define EQ(x, y)							\
	ck_assert_msg((uint32_t)(x) == (uint32_t)(y),			\
		      "%s: %s = 0x%x, expected 0x%x", a->what, #x,	\
		      (unsigned)(x), (unsigned)(y))

static void check_access(const struct access *a)
{
	bool fetch = !strncmp(a->insn, "jmpr", 4);
	bool push = !strncmp(a->insn, "push", 4);
	bool store = push || a->insn[0] == 's';
	uint32_t usp = push ? PG_VA + 0x128 : PG_USTACK;
	char src[4096];
	struct th *t[2];

	snprintf(src, sizeof src, PG_KERNEL
		 "test: la r1, VA\n li r2, 0x222\n li r3, 0x333\n"
		 " la r4, 0x%x\n mtcr usp, r4\n%s"
		 "here: %s\n trap 40\n"
		 "fix: brk\n la r13, PD + 1024\n la r12, TABLES + PRWU\n"
		 " stw r12, 0(r13)\n la r13, TABLES\n la r12, FRAMES + PRWU\n"
		 " stw r12, 0(r13)\n tlbi r9\n rti\n", usp,
		 a->user ? " mtcr flags, r0\n" : "", a->insn);
	pg_boot(t, src, PG_PWU);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), a->pdef);
	pg_pte(t, PG_TABLE(0), PG_VA, PG_FRAME(0), a->ptef);
	pg_poke(t, PG_FRAME(0), isa_enc_t(ISA_OP_trap, 40));
	pg_poke(t, PG_FRAME(0) + 0x124, WORD);

	if (a->cause) {
		pg_run(t, VM_STOP_BREAKPOINT);
		uint32_t here = th_sym(t[0], "here");
		EQ(pg_faults(t), 1);
		pg_expect_fault(t, 0, a->cause, PG_VA + a->off,
				fetch ? PG_VA : here);
		EQ(t[0]->vm->cpu.cause, a->cause);
		/* Precise: nothing of the instruction happened. */
		EQ(R(1), PG_VA);
		EQ(R(2), 0x222);
		EQ(R(3), 0x333);
		EQ(pg_peek(t, PG_FRAME(0) + 0x124), WORD);
		/* A walk that faults sets no A or D bit. */
		EQ(pg_peek(t, pg_pde_addr(PG_PD, PG_VA)),
				  PG_TABLE(0) | a->pdef);
		EQ(pg_peek(t, PG_TABLE(0)),
				  PG_FRAME(0) | a->ptef);
		uint32_t saved = pg_peek(t, R(15) + 4);
		EQ(saved & (CPU_P | CPU_I),
				  a->user ? 0 : CPU_P);
		if (a->user)
			EQ(t[0]->vm->cpu.other_sp, usp);
		PG_EACH(m)
			EQ(PG_STATS(t, m).page_faults, 1);
	}
	/* Allowed at once, or retried after the handler's repair. */
	pg_run(t, VM_STOP_POWEROFF);
	EQ(pg_faults(t), a->cause ? 1u : 0u);
	if (store)
		EQ(pg_peek(t, PG_FRAME(0) + 0x124), a->after);
	else if (!fetch)
		EQ(R(2), a->after);
	if (push)
		EQ(t[0]->vm->cpu.other_sp, PG_VA + 0x124);
	EQ(pg_peek(t, PG_TABLE(0)) & PG_AD,
	   store ? PG_AD : MMU_PTE_A);
	EQ(pg_peek(t, pg_pde_addr(PG_PD, PG_VA)) & MMU_PTE_A, MMU_PTE_A);
	pg_finish(t);
}

#undef EQ

START_TEST(faults_are_exact_precise_and_restartable)
{
	for (size_t i = 0; i < sizeof accesses / sizeof *accesses; i++)
		check_access(&accesses[i]);
}
END_TEST

/* A kernel access fills the kernel's translations; a user access to the
 * same kernel page must still fault. */
START_TEST(kernel_translation_does_not_serve_user)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n ldw r2, 0(r1)\n stw r2, 4(r1)\n"
		PG_TO_USER " la r7, next1\nhere1: ldw r3, 0(r1)\n"
		"next1: la r7, next2\nhere2: stw r3, 4(r1)\n"
		"next2: trap 40\n" PG_FIX_RESUME, PG_PWU);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PWU);
	pg_pte(t, PG_TABLE(0), PG_VA, PG_FRAME(0), PG_PW);
	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(pg_faults(t), 2);
	pg_expect_fault(t, 0, 0x903, PG_VA, th_sym(t[0], "here1"));
	pg_expect_fault(t, 1, 0xb03, PG_VA + 4, th_sym(t[0], "here2"));
	pg_finish(t);
}
END_TEST

/* Running off the end of a mapped page into an unmapped one faults at
 * the first instruction of the new page; the earlier ones completed. */
START_TEST(fetch_fault_at_a_page_crossing)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, VA + 0xff8\n jmpr r1\n"
		"fix: brk\n la r13, TABLES + 4\n"
		" la r12, FRAMES + 0x1000 + PRW\n stw r12, 0(r13)\n"
		" tlbi r9\n rti\n", PG_PW);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA, PG_FRAME(0), PG_PW);
	pg_poke(t, PG_FRAME(0) + 0xff8, isa_enc_i(ISA_OP_addi, 2, 0, 5));
	pg_poke(t, PG_FRAME(0) + 0xffc, isa_enc_i(ISA_OP_addi, 3, 0, 6));
	pg_poke(t, PG_FRAME(1), isa_enc_t(ISA_OP_trap, 40));
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(pg_faults(t), 1);
	pg_expect_fault(t, 0, 0x403, PG_VA + 0x1000, PG_VA + 0x1000);
	ck_assert_uint_eq(R(2), 5);
	ck_assert_uint_eq(R(3), 6);
	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(pg_faults(t), 1);
	pg_finish(t);
}
END_TEST

/* Permissions taken away in a PDE take effect at once, tlbi or not: U
 * (the user already used the page) and W (the kernel already wrote). */
START_TEST(permissions_taken_away_take_effect)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n la r3, PD + 1024\n la r6, VA + 0x1000\n"
		PG_TO_USER " ldw r2, 0(r1)\n la r7, next1\n"
		"here1: ldw r2, 0(r6)\n"
		"next1: la r7, next2\nhere2: ldw r2, 0(r1)\n"
		"next2: trap 40\n"
		"fix: cmpi r12, 1\n bne .resume\n"
		" la r10, TABLES + PRW\n stw r10, 0(r3)\n"
		".resume: stw r7, 0(sp)\n rti\n", PG_PWU);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PWU);
	pg_pte(t, PG_TABLE(0), PG_VA, PG_FRAME(0), PG_PWU);
	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(pg_faults(t), 2);
	pg_expect_fault(t, 0, 0x803, PG_VA + 0x1000, th_sym(t[0], "here1"));
	pg_expect_fault(t, 1, 0x903, PG_VA, th_sym(t[0], "here2"));
	pg_finish(t);

	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n la r3, PD + 1024\n stw r1, 0(r1)\n"
		" la r5, TABLES + 1\n stw r5, 0(r3)\n la r7, next\n"
		"here: stw r3, 0(r1)\nnext: trap 40\n" PG_FIX_RESUME, PG_PW);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA, PG_FRAME(0), PG_PW);
	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(pg_faults(t), 1);
	pg_expect_fault(t, 0, 0x303, PG_VA, th_sym(t[0], "here"));
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(0)), PG_VA);
	pg_finish(t);
}
END_TEST

/* Alignment is checked before translation. */
START_TEST(misaligned_before_page_fault)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n la r7, next1\nhere1: ldw r2, 2(r1)\n"
		"next1: la r7, next2\nhere2: sth r2, 0x1001(r1)\n"
		"next2: trap 40\n" PG_FIX_RESUME, PG_PW);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA + 0x1000, PG_FRAME(1), PG_P);
	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(pg_faults(t), 2);
	pg_expect_fault(t, 0, CPU_VEC_MISALIGNED, PG_VA + 2,
			th_sym(t[0], "here1"));
	pg_expect_fault(t, 1, CPU_VEC_MISALIGNED, PG_VA + 0x1001,
			th_sym(t[0], "here2"));
	pg_finish(t);
}
END_TEST

/* The walk reads an entry with no RAM behind it: a bus error with far =
 * that physical address.  A frame outside RAM is a bus error too. */
START_TEST(walk_outside_ram_is_a_bus_error)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, 0x40403000\n la r7, next1\n"
		"here1: ldw r2, 0(r1)\n"
		"next1: la r1, VA + 0x1000\n la r7, next2\n"
		"here2: stw r2, 0x124(r1)\n"
		"next2: la r7, next3\nhere3: jmpr r1\n"
		"next3: trap 40\n" PG_FIX_RESUME, PG_PW);
	pg_pde(t, PG_PD, 0x40403000, 0x7fff0000, PG_PW);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA + 0x1000, 0x7ff00000, PG_PW);
	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(pg_faults(t), 3);
	pg_expect_fault(t, 0, CPU_VEC_BUS_ERROR, 0x7fff0000 + 4 * 3,
			th_sym(t[0], "here1"));
	pg_expect_fault(t, 1, CPU_VEC_BUS_ERROR, 0x7ff00124,
			th_sym(t[0], "here2"));
	pg_expect_fault(t, 2, CPU_VEC_BUS_ERROR, 0x7ff00000, PG_VA + 0x1000);
	PG_EACH(m)
		ck_assert_uint_eq(PG_STATS(t, m).page_faults, 0);
	pg_finish(t);
}
END_TEST

/* A ptbr outside RAM: the PDE read of the next fetch is a bus error, and
 * so is the frame push, so the machine stops with a double fault. */
START_TEST(bad_ptbr_stops_with_a_double_fault)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL "test: la r1, 0x7ffff000\nhere: mtcr ptbr, r1\n"
		" nop\nfix: br done\n", PG_PW);
	pg_run(t, VM_STOP_DOUBLE_FAULT);
	ck_assert_uint_eq(t[0]->vm->cpu.pc, th_sym(t[0], "here") + 4);
	ck_assert_ptr_nonnull(strstr(t[0]->vm->stop_detail, "vector 8"));
	PG_EACH(m) {
		uint32_t v = 0, far = 0;
		ck_assert_uint_eq(mmu_read32(t[m]->vm, 0x00401000, &v, &far),
				  CPU_VEC_BUS_ERROR);
		ck_assert_uint_eq(far, 0x7ffff000 + 4 * 1);
	}
	pg_finish(t);
}
END_TEST

/* The frame is pushed through the MMU, with kernel permissions, onto a
 * kernel stack that is not identity-mapped (and not user-accessible). */
START_TEST(frame_is_pushed_through_the_mmu)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL "test: la sp, VA + 0x2000\n" PG_TO_USER
		"here: trap 41\nfix: brk\n", PG_PWU);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PWU);
	pg_pte(t, PG_TABLE(0), PG_VA + 0x1000, PG_FRAME(1), PG_PW);
	pg_run(t, VM_STOP_BREAKPOINT);
	pg_expect_fault(t, 0, 41, 0, th_sym(t[0], "here") + 4);
	ck_assert_uint_eq(R(15), PG_VA + 0x1ff8);
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(1) + 0xff8),
			  th_sym(t[0], "here") + 4);
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(1) + 0xffc) & (CPU_P | CPU_I),
			  0);
	ck_assert_uint_eq(pg_peek(t, PG_TABLE(0) + 4),
			  PG_FRAME(1) | PG_PW | PG_AD);
	pg_finish(t);
}
END_TEST

/*
 * A page fault while pushing the frame is a double fault, whose own push
 * fails the same way, so the machine stops.  The faulting load is precise
 * all the same, and a user-mode fault leaves both stack pointers as they
 * were.
 */
static void push_fault(struct th *t[2], uint32_t pte1, uint32_t ksp,
		       bool user)
{
	char src[4096], sp[64];
	snprintf(src, sizeof src, PG_KERNEL
		 "test: la r1, VA + 0x3000\n li r2, 0x222\n"
		 " la sp, 0x%x\n%shere: ldw r2, 0(r1)\nfix: br done\n", ksp,
		 user ? PG_TO_USER : "");
	pg_boot(t, src, PG_PWU);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PWU);
	pg_pte(t, PG_TABLE(0), PG_VA + 0x1000, PG_FRAME(1), pte1);
	pg_pte(t, PG_TABLE(0), PG_VA + 0x2000, PG_FRAME(2), PG_PW);
	pg_poke(t, PG_FRAME(2), 0x5555);
	pg_run(t, VM_STOP_DOUBLE_FAULT);
	ck_assert_uint_eq(t[0]->vm->cpu.pc, th_sym(t[0], "here"));
	ck_assert_uint_eq(R(2), 0x222);
	ck_assert_uint_eq(R(15), user ? PG_USTACK : ksp);
	ck_assert_uint_eq(t[0]->vm->cpu.flags & CPU_P, user ? 0 : CPU_P);
	if (user)
		ck_assert_uint_eq(t[0]->vm->cpu.other_sp, ksp);
	ck_assert_ptr_nonnull(strstr(t[0]->vm->stop_detail,
				     "vector 3 (page fault)"));
	snprintf(sp, sizeof sp, "kernel sp=0x%08x", ksp);
	ck_assert_ptr_nonnull(strstr(t[0]->vm->stop_detail, sp));
	ck_assert_uint_eq(pg_faults(t), 0);
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(1) + 0xff8), 0);
}

START_TEST(page_fault_on_frame_push_is_a_double_fault)
{
	struct th *t[2];
	push_fault(t, 0, PG_VA + 0x2000, false);	/* stack unmapped */
	pg_finish(t);
	push_fault(t, PG_P, PG_VA + 0x2000, false);	/* read-only */
	pg_finish(t);
	push_fault(t, 0, PG_VA + 0x2000, true);		/* from user mode */
	pg_finish(t);
	/* The frame straddles a mapped page (ksp - 4) and an unmapped one
	 * (ksp - 8); whether the first word is written is left open. */
	push_fault(t, 0, PG_VA + 0x2004, false);
	pg_finish(t);
}
END_TEST

/* A in the PDE and PTE on first use, D only on the first write, even
 * after many reads (the shadow maps the page read-only until then). */
START_TEST(accessed_and_dirty_bits)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n brk\n ldw r2, 0(r1)\n brk\n"
		" li r4, 50\n.rd: ldw r2, 4(r1)\n addi r4, r4, -1\n"
		" cmpi r4, 0\n bne .rd\n brk\n"
		" stw r1, 8(r1)\n brk\n stw r1, 12(r1)\n brk\n"
		" la r5, back\n la r6, VA + 0x1000\n jmpr r6\n"
		"back: trap 40\nfix: br done\n", PG_PW);
	uint32_t pde = pg_pde_addr(PG_PD, PG_VA), pte0 = PG_TABLE(0),
		 pte1 = PG_TABLE(0) + 4;
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA, PG_FRAME(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA + 0x1000, PG_FRAME(1), PG_PW);
	pg_poke(t, PG_FRAME(1), isa_enc_r(ISA_OP_jmpr, 0, 5, 0));
	uint64_t fills = 0;

	pg_run(t, VM_STOP_BREAKPOINT);		/* nothing used yet */
	ck_assert_uint_eq(pg_peek(t, pde), PG_TABLE(0) | PG_PW);
	ck_assert_uint_eq(pg_peek(t, pte0), PG_FRAME(0) | PG_PW);
	pg_run(t, VM_STOP_BREAKPOINT);		/* one read */
	ck_assert_uint_eq(pg_peek(t, pde), PG_TABLE(0) | PG_PW | MMU_PTE_A);
	ck_assert_uint_eq(pg_peek(t, pte0), PG_FRAME(0) | PG_PW | MMU_PTE_A);
	fills = PG_STATS(t, 0).shadow_fills;
	pg_run(t, VM_STOP_BREAKPOINT);		/* fifty reads */
	ck_assert_uint_eq(pg_peek(t, pte0), PG_FRAME(0) | PG_PW | MMU_PTE_A);
	ck_assert_uint_eq(PG_STATS(t, 0).shadow_fills, fills);
	pg_run(t, VM_STOP_BREAKPOINT);		/* the first write */
	ck_assert_uint_eq(pg_peek(t, pte0), PG_FRAME(0) | PG_PW | PG_AD);
	ck_assert_uint_eq(pg_peek(t, PG_FRAME(0) + 8), PG_VA);
	/* The shadow had the page read-only: a hidden fault set D. */
	ck_assert_uint_eq(PG_STATS(t, 0).shadow_fills, fills + 1);
	fills = PG_STATS(t, 0).shadow_fills;
	pg_run(t, VM_STOP_BREAKPOINT);		/* a second write */
	ck_assert_uint_eq(PG_STATS(t, 0).shadow_fills, fills);
	ck_assert_uint_eq(pg_peek(t, pte1), PG_FRAME(1) | PG_PW);
	pg_run(t, VM_STOP_POWEROFF);		/* a fetch sets A, not D */
	ck_assert_uint_eq(pg_peek(t, pte1), PG_FRAME(1) | PG_PW | MMU_PTE_A);
	ck_assert_uint_eq(pg_peek(t, pde), PG_TABLE(0) | PG_PW | MMU_PTE_A);
	ck_assert_uint_eq(pg_faults(t), 0);
	PG_EACH(m)
		ck_assert_uint_eq(PG_STATS(t, m).stale_uses, 0);
	pg_finish(t);
}
END_TEST

/* The guest clears A and D, with tlbi and without: the next use sets A
 * again (PDE and PTE), the next write D, and reads never D. */
START_TEST(accessed_and_dirty_set_again_after_clearing)
{
#define CLEAR(reg, mask) " ldw r5, 0(" reg ")\n li r6, ~" mask "\n"	\
	" and r5, r5, r6\n stw r5, 0(" reg ")\n"
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n la r3, PD + 1024\n la r4, TABLES\n"
		" ldw r2, 0(r1)\n stw r2, 0(r1)\n brk\n"
		CLEAR("r3", "8") CLEAR("r4", "24") " tlbi r1\n brk\n"
		" ldw r2, 0(r1)\n brk\n"
		CLEAR("r4", "8") CLEAR("r3", "8") " ldw r2, 0(r1)\n brk\n"
		" stw r2, 0(r1)\n brk\n"
		CLEAR("r4", "16") " ldw r2, 0(r1)\n brk\n"
		" stw r2, 0(r1)\n brk\n trap 40\nfix: br done\n", PG_PW);
#undef CLEAR
	static const struct { uint32_t pde, pte; } want[] = {
		{ MMU_PTE_A, PG_AD },		/* used and written */
		{ 0, 0 },			/* cleared, tlbi */
		{ MMU_PTE_A, MMU_PTE_A },	/* read */
		{ MMU_PTE_A, MMU_PTE_A },	/* A cleared, no tlbi, read */
		{ MMU_PTE_A, PG_AD },		/* written */
		{ MMU_PTE_A, MMU_PTE_A },	/* D cleared, no tlbi, read */
		{ MMU_PTE_A, PG_AD },		/* written */
	};
	uint32_t pde = pg_pde_addr(PG_PD, PG_VA);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA, PG_FRAME(0), PG_PW);
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		pg_run(t, VM_STOP_BREAKPOINT);
		ck_assert_msg(pg_peek(t, pde) == (PG_TABLE(0) | PG_PW |
						  want[i].pde),
			      "step %zu: PDE 0x%x", i, pg_peek(t, pde));
		ck_assert_msg(pg_peek(t, PG_TABLE(0)) == (PG_FRAME(0) | PG_PW |
							  want[i].pte),
			      "step %zu: PTE 0x%x", i, pg_peek(t, PG_TABLE(0)));
	}
	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(pg_faults(t), 0);
	pg_finish(t);
}
END_TEST

/* One frame, three virtual pages: V1 and V2 through their own PTEs, V3
 * through a second PDE sharing V1's table (so V1's PTE).  A and D are
 * per entry: D in V1's PTE says nothing of V2's. */
START_TEST(accessed_and_dirty_bits_of_aliases)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, VA\n la r3, VA + 0x1000\n la r4, VA + 0x400000\n"
		" ldw r5, 0(r3)\n stw r1, 0(r1)\n brk\n"
		" ldw r5, 0(r4)\n stw r4, 4(r3)\n ldw r6, 4(r4)\n brk\n"
		" trap 40\nfix: br done\n", PG_PW);
	uint32_t pde1 = pg_pde_addr(PG_PD, PG_VA),
		 pde3 = pg_pde_addr(PG_PD, PG_VA + 0x400000);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PW);
	pg_pde(t, PG_PD, PG_VA + 0x400000, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA, PG_FRAME(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA + 0x1000, PG_FRAME(0), PG_PW);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(pg_peek(t, PG_TABLE(0)), PG_FRAME(0) | PG_PW | PG_AD);
	ck_assert_uint_eq(pg_peek(t, PG_TABLE(0) + 4),
			  PG_FRAME(0) | PG_PW | MMU_PTE_A);
	ck_assert_uint_eq(pg_peek(t, pde1), PG_TABLE(0) | PG_PW | MMU_PTE_A);
	ck_assert_uint_eq(pg_peek(t, pde3), PG_TABLE(0) | PG_PW);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(pg_peek(t, PG_TABLE(0) + 4),
			  PG_FRAME(0) | PG_PW | PG_AD);
	ck_assert_uint_eq(pg_peek(t, pde3), PG_TABLE(0) | PG_PW | MMU_PTE_A);
	ck_assert_uint_eq(R(5), PG_VA);
	ck_assert_uint_eq(R(6), PG_VA + 0x400000);
	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(pg_faults(t), 0);
	pg_finish(t);
}
END_TEST

static const char *explain(struct th *t, uint32_t va, enum mmu_access acc,
			   bool user)
{
	static char buf[4096];
	mmu_explain(t->vm, va, acc, user, buf, sizeof buf);
	return buf;
}

#define HAS(text, needle)						\
	ck_assert_msg(strstr(text, needle) != NULL,			\
		      "\"%s\" not in:\n%s", needle, text)

/* mmu_explain tells the walk, the entries, the result or the exact
 * fault, and the shadow entry; it changes no A/D bit and no counter. */
START_TEST(explain_narrates_without_side_effects)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL "test: brk\n la r1, 0x12345678\n ldw r2, 0(r1)\n"
		" brk\n stw r2, 0(r1)\n brk\n trap 40\nfix: br done\n",
		PG_PW);
	pg_pde(t, PG_PD, 0x12345678, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), 0x12345678, PG_FRAME(0), PG_PW);
	pg_pte(t, PG_TABLE(0), 0x12347000, PG_FRAME(1), PG_PW);
	pg_pte(t, PG_TABLE(0), 0x12348000, PG_FRAME(2), PG_P);
	pg_pte(t, PG_TABLE(0), 0x12349000, 0x7ff00000, PG_PW);
	pg_pde(t, PG_PD, 0x12800000, 0x7fff0000, PG_PW);
	PG_EACH(m) {
		struct th *x = t[m];
		HAS(explain(x, 0x12345678, MMU_READ, false),
		    "paging is off: the physical address is 0x12345678");
	}
	pg_run(t, VM_STOP_BREAKPOINT);
	PG_EACH(m) {
		struct th *x = t[m];
		struct mmu_stats before = x->vm->mmu.stats;
		uint8_t pd[MEM_PAGE_SIZE], pt[MEM_PAGE_SIZE];
		uint8_t pd2[MEM_PAGE_SIZE], pt2[MEM_PAGE_SIZE];
		mem_read(&x->vm->mem, PG_PD, pd, sizeof pd);
		mem_read(&x->vm->mem, PG_TABLE(0), pt, sizeof pt);

		const char *s = explain(x, 0x12345678, MMU_WRITE, false);
		HAS(s, "dir=72 (bits 31..22), table=837 (bits 21..12), "
		    "offset=0x678");
		HAS(s, "PDE at 0x00100120 = 0x00300003 [PW---]");
		HAS(s, "PTE at 0x00300d14 = 0x00400003 [PW---]");
		HAS(s, "physical address: 0x00400678");
		HAS(s, "this first write will set D");
		HAS(s, m == 0 ? "shadow: no entry yet" : "mmu=nested");
		/* Nested: the second dimension, each guest-physical
		 * reference through the host map, 6 in all. */
		if (m == 1) {
			HAS(s, "(G+1)(N+1) = 6");
			HAS(s, "1,2   PDE   0x00100120  -> pages[0x00100]");
			HAS(s, "3,4   PTE   0x00300d14  -> pages[0x00300]");
			HAS(s, "5,6   data  0x00400678  -> pages[0x00400]");
			HAS(s, "this translation: 6 of the 6 references");
			HAS(explain(x, 0x80000000, MMU_READ, false),
			    "2 of the 6 references (the walk stopped");
			HAS(explain(x, 0x12348000, MMU_WRITE, false),
			    "4 of the 6 references (the walk stopped");
		} else {
			ck_assert_ptr_null(strstr(s, "nested:"));
		}
		HAS(explain(x, 0x80000000, MMU_READ, false),
		    "page fault: the directory entry is not present "
		    "(cause=0x3)");
		HAS(explain(x, 0x12346000, MMU_READ, true),
		    "page fault: the table entry is not present "
		    "(cause=0x803)");
		HAS(explain(x, 0x12347000, MMU_FETCH, true),
		    "a user-mode access to a kernel page (cause=0xd03)");
		HAS(explain(x, 0x12348000, MMU_WRITE, false),
		    "a write to a read-only page (cause=0x303)");
		HAS(explain(x, 0x12348000, MMU_READ, true),
		    "a user-mode access to a kernel page (cause=0x903)");
		HAS(explain(x, 0x12349010, MMU_READ, false),
		    "physical address: 0x7ff00010 -- no RAM there: bus error");
		HAS(explain(x, 0x12800000, MMU_READ, false),
		    "PTE at 0x7fff0000 -- no RAM there: bus error");

		mem_read(&x->vm->mem, PG_PD, pd2, sizeof pd2);
		mem_read(&x->vm->mem, PG_TABLE(0), pt2, sizeof pt2);
		ck_assert_mem_eq(pd, pd2, sizeof pd);
		ck_assert_mem_eq(pt, pt2, sizeof pt);
		ck_assert_mem_eq(&before, &x->vm->mmu.stats, sizeof before);
	}
	pg_run(t, VM_STOP_BREAKPOINT);			/* after a read */
	HAS(explain(t[0], 0x12345678, MMU_READ, false),
	    "shadow: 0x12345000 -> host page, read-only, kernel only "
	    "(until the first write sets D)");
	pg_run(t, VM_STOP_BREAKPOINT);			/* after a write */
	HAS(explain(t[0], 0x12345678, MMU_WRITE, false),
	    "shadow: 0x12345000 -> host page, writable, kernel only");
	ck_assert_ptr_null(strstr(explain(t[1], 0x12345678, MMU_WRITE, false),
				  "shadow"));
	HAS(explain(t[1], 0x12345678, MMU_READ, false), "[PW-AD]");
	pg_finish(t);
}
END_TEST

/*
 * With paging off addresses are physical (0x500000 reads its own frame,
 * VA reaches past RAM); turning paging on and off flushes every
 * translation, and a table changed while paging was off is seen.
 */
START_TEST(paging_off_and_on)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL
		"test: la r1, 0x500000\n li r5, 1\n ldw r2, 0(r1)\n"
		" mtcr paging, r0\n ldw r3, 0(r1)\n li r6, 0x77\n"
		" stw r6, 4(r1)\n brk\n"
		" mtcr paging, r5\n ldw r4, 0(r1)\n ldw r3, 4(r1)\n"
		" mtcr paging, r0\n la r8, 0x201400\n"
		" la r6, FRAMES + 0x1000 + PRW\n stw r6, 0(r8)\n"
		" mtcr paging, r5\n ldw r6, 0(r1)\n"
		" mtcr paging, r0\n la r8, VA\n la r7, next\n"
		"here: ldw r2, 0(r8)\nnext: trap 40\n" PG_FIX_RESUME, PG_PW);
	/* 0x500000 is in the identity map: point it elsewhere. */
	pg_pte(t, PG_IDT + 0x1000, 0x500000, PG_FRAME(0), PG_PW);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA, PG_FRAME(2), PG_PW);
	pg_poke(t, 0x500000, 0x1111);
	pg_poke(t, PG_FRAME(0), 0x2222);
	pg_poke(t, PG_FRAME(1), 0x3333);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(R(2), 0x2222);	/* on: the mapped frame */
	ck_assert_uint_eq(R(3), 0x1111);	/* off: physical */
	ck_assert_uint_eq(pg_peek(t, 0x500004), 0x77);
	uint64_t walks[2], fills = PG_STATS(t, 0).shadow_fills;
	PG_EACH(m)
		walks[m] = PG_STATS(t, m).walks;
	pg_run(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(4), 0x2222);	/* on again */
	ck_assert_uint_eq(R(3), 0);		/* not 0x77: F0 + 4 */
	ck_assert_uint_eq(R(6), 0x3333);	/* changed while off */
	ck_assert_uint_eq(pg_faults(t), 1);
	pg_expect_fault(t, 0, CPU_VEC_BUS_ERROR, PG_VA, th_sym(t[0], "here"));
	ck_assert_uint_eq(pg_peek(t, pg_pde_addr(PG_PD, PG_VA)),
			  PG_TABLE(0) | PG_PW);	/* never walked */
	PG_EACH(m)
		ck_assert_uint_gt(PG_STATS(t, m).walks, walks[m]);
	/* The shadows were dropped and built again. */
	ck_assert_uint_gt(PG_STATS(t, 0).shadow_fills, fills);
	pg_finish(t);
}
END_TEST

static Suite *mmu_suite(void)
{
	Suite *s = suite_create("mmu");
	TCase *tc = tcase_create("walk");
	tcase_add_test(tc, walk_translates_through_both_levels);
	tcase_add_test(tc, paging_off_and_on);
	tcase_add_test(tc, explain_narrates_without_side_effects);
	suite_add_tcase(s, tc);
	tc = tcase_create("faults");
	tcase_add_test(tc, faults_are_exact_precise_and_restartable);
	tcase_add_test(tc, kernel_translation_does_not_serve_user);
	tcase_add_test(tc, fetch_fault_at_a_page_crossing);
	tcase_add_test(tc, misaligned_before_page_fault);
	tcase_add_test(tc, permissions_taken_away_take_effect);
	tcase_add_test(tc, walk_outside_ram_is_a_bus_error);
	tcase_add_test(tc, bad_ptbr_stops_with_a_double_fault);
	tcase_add_test(tc, frame_is_pushed_through_the_mmu);
	tcase_add_test(tc, page_fault_on_frame_push_is_a_double_fault);
	suite_add_tcase(s, tc);
	tc = tcase_create("accessed-dirty");
	tcase_add_test(tc, accessed_and_dirty_bits);
	tcase_add_test(tc, accessed_and_dirty_set_again_after_clearing);
	tcase_add_test(tc, accessed_and_dirty_bits_of_aliases);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(mmu_suite());
}
