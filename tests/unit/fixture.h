/*
 * The one-instruction fixture shared by test_cpu.c and test_mem.c: one
 * machine, the state before a step, and the state the spec says must
 * follow it (see test_cpu.c for the approach).
 */
#ifndef AULA_TEST_FIXTURE_H
#define AULA_TEST_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/vm.h"

#define RAM_SIZE (1u << 20)	/* step_vm's machine */
#define DATA 0x10000u		/* scratch data for loads and stores */
#define USTACK 0x30000u		/* user sp */
#define KSTACK 0x40000u		/* kernel sp; exception frames below */
#define TARGET 0x3000u		/* a jump target (never fetched) */
#define POISON(r) (0x5a000000u | (uint32_t)(r) << 16 | (uint32_t)(r))

enum mode { KERNEL, USER };
extern const char *const mode_name[2];

/* Boundary values: the flag tests walk every pair of them. */
extern const uint32_t edge[5];
#define NEDGE 5u
#define COUNT(a) (sizeof (a) / sizeof *(a))

struct fx {
	struct vm *vm;
	uint32_t insn;
	struct cpu before, want;
	uint8_t *want_ram, *got_ram;
	int want_vec;		/* -1: no exception */
	char what[160];		/* names the case in failure messages */
};

struct fx *fx_new(void);
void fx_free(struct fx *f);
void fx_reset(struct fx *f, enum mode m, uint32_t cc);
void fx_poke(struct fx *f, uint32_t addr, unsigned size, uint32_t v);
uint8_t fx_peek8(struct fx *f, uint32_t addr);
void fx_want_mem(struct fx *f, uint32_t addr, unsigned size, uint32_t v);
void fx_want_cc(struct fx *f, uint32_t cc);
void fx_begin(struct fx *f, uint32_t insn, const char *fmt, ...);
void fx_fault(struct fx *f, int vec, uint32_t far);
void fx_check(struct fx *f);
void fx_run(struct fx *f);
const char *fx_op_name(unsigned op);

#endif
