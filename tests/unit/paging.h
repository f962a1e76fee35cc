/*
 * Helpers of the paging tests (test_mmu.c, test_shadow.c).  Every scenario
 * boots the same program twice, once per strategy (--mmu=shadow and
 * --mmu=nested), runs both, and checks they agree on everything
 * architectural -- registers, control registers, RAM, so also the A/D
 * bits and the fault log -- while their counters may differ.
 *
 * Physical layout (16 MiB of RAM):
 *
 *   0x00001000  the program: PG_KERNEL, then the test's code
 *   0x00100000  PG_PD       page directory (other spaces at +n x 4 KiB)
 *   0x00200000  PG_IDT      4 tables mapping VA 0..16 MiB to the same PA
 *   0x00300000  PG_TABLE(n) page tables the tests fill
 *   0x00400000  PG_FRAME(n) data frames the tests map
 *   0x00f00000  PG_USTACK   the user stack (grows down)
 *   0x00fff000  the kernel stack, the reset sp's page: kernel-only
 *
 * The tests map their pages at PG_VA (directory entry 256).
 */
#ifndef AULA_TEST_PAGING_H
#define AULA_TEST_PAGING_H

#include <stdint.h>

#include "tests/unit/harness.h"

#define PG_PD 0x00100000u
#define PG_IDT 0x00200000u
#define PG_TABLE(n) (0x00300000u + 0x1000u * (n))
#define PG_FRAME(n) (0x00400000u + 0x1000u * (n))
#define PG_USTACK 0x00f00000u
#define PG_VA 0x40000000u
#define PG_RAM (16u << 20)

#define PG_P MMU_PTE_P
#define PG_PW (MMU_PTE_P | MMU_PTE_W)
#define PG_PU (MMU_PTE_P | MMU_PTE_U)
#define PG_PWU (MMU_PTE_P | MMU_PTE_W | MMU_PTE_U)
#define PG_AD (MMU_PTE_A | MMU_PTE_D)

/*
 * The kernel every test starts with: a vector table whose entries all lead
 * to `generic`, except `trap 40`, which powers off (`done`); then paging on
 * with ptbr = PD, and on to the test's `test`.  `generic` appends
 * (cause, far, saved pc) to `log` (a count, then 12 bytes an entry) and
 * goes on to the test's `fix`, which may repair and rti; after 8 entries
 * it powers off instead.  The handler uses r9-r13 (r9 = far); the tests
 * keep their state in r1-r8.
 */
#define PG_KERNEL							\
	" .equ VA, 0x40000000\n .equ PD, 0x100000\n"			\
	" .equ TABLES, 0x300000\n .equ FRAMES, 0x400000\n"		\
	" .equ USTACK, 0xf00000\n .equ PRW, 3\n .equ PRWU, 7\n"	\
	"_start: la r1, vectors\n mtcr vbr, r1\n la r2, generic\n"	\
	" li r3, 256\n"							\
	".fill: stw r2, 0(r1)\n addi r1, r1, 4\n addi r3, r3, -1\n"	\
	" cmpi r3, 0\n bne .fill\n"					\
	" la r1, vectors\n la r2, done\n stw r2, 160(r1)\n"		\
	" la r1, PD\n mtcr ptbr, r1\n li r1, 1\n mtcr paging, r1\n"	\
	" clr r1\n clr r2\n clr r3\n br test\n"				\
	"generic: la r13, log\n ldw r12, 0(r13)\n muli r11, r12, 12\n"	\
	" add r11, r11, r13\n mfcr r10, cause\n stw r10, 4(r11)\n"	\
	" mfcr r9, far\n stw r9, 8(r11)\n ldw r10, 0(sp)\n"		\
	" stw r10, 12(r11)\n addi r12, r12, 1\n stw r12, 0(r13)\n"	\
	" cmpi r12, 8\n blt fix\n"					\
	"done: out r0, 0(r0)\n"						\
	" .align 4\nlog: .space 100\nvectors: .space 1024\n"

/* Drop to user mode, user sp = USTACK. */
#define PG_TO_USER " la r8, USTACK\n mtcr usp, r8\n mtcr flags, r0\n"
/* A fix that resumes at the address the test left in r7. */
#define PG_FIX_RESUME "fix: stw r7, 0(sp)\n rti\n"

/* Boot src under both strategies with the identity map of the first
 * 16 MiB in PG_PD, all entries with flags (the kernel stack page without
 * U).  t[0] is the shadow machine, t[1] the nested one. */
void pg_boot(struct th *t[2], const char *src, uint32_t flags);
/* Run both to their next stop, which must be want, and check that they
 * agree on the registers and control registers. */
void pg_run(struct th *t[2], enum vm_stop want);
/* Check that both agree on all of RAM, then free them. */
void pg_finish(struct th *t[2]);

/* Page-table building, in both machines, by physical address. */
void pg_poke(struct th *t[2], uint32_t gpa, uint32_t val);
/* The word at gpa, the same in both machines (checked). */
uint32_t pg_peek(struct th *t[2], uint32_t gpa);
/* Point the entry of va in directory pd at table, and the entry of va in
 * table at frame. */
void pg_pde(struct th *t[2], uint32_t pd, uint32_t va, uint32_t table,
	    uint32_t flags);
void pg_pte(struct th *t[2], uint32_t table, uint32_t va, uint32_t frame,
	    uint32_t flags);
/* The identity map's four PDEs in another directory. */
void pg_share_identity(struct th *t[2], uint32_t pd, uint32_t flags);

/* Physical addresses of the entries of va. */
static inline uint32_t pg_pde_addr(uint32_t pd, uint32_t va)
{
	return pd + 4 * (va >> 22);
}
static inline uint32_t pg_pte_addr(uint32_t table, uint32_t va)
{
	return table + 4 * ((va >> 12) & 1023);
}

/* The handler's log: the count, and entry k (the same in both). */
uint32_t pg_faults(struct th *t[2]);
void pg_expect_fault(struct th *t[2], uint32_t k, uint32_t cause,
		     uint32_t far, uint32_t pc);

#define PG_STATS(t, m) ((t)[m]->vm->mmu.stats)
#define PG_EACH(m) for (int m = 0; m < 2; m++)
#define PG_NAME(t, m) mmu_mode_name((t)[m]->vm->mmu.mode)

#endif
