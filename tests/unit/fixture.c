/* The one-instruction fixture (fixture.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/isa.h"
#include "io/ports.h"
#include "tests/unit/harness.h"
#include "tests/unit/step.h"
#include "tests/unit/fixture.h"

const char *const mode_name[2] = { "kernel", "user" };
const uint32_t edge[5] = { 0, 1, 0x7fffffff, 0x80000000, 0xffffffff };
/* ------------------------------------------------------------------ */
/* The fixture: one machine, the state before a step and the state the  */
/* spec says must follow it.                                            */


struct fx *fx_new(void)
{
	struct fx *f = calloc(1, sizeof *f);
	ck_assert_ptr_nonnull(f);
	f->vm = step_vm(VM_BRK_GUEST);
	ck_assert_uint_eq(f->vm->mem.size, RAM_SIZE);
	f->want_ram = malloc(RAM_SIZE);
	f->got_ram = malloc(RAM_SIZE);
	ck_assert(f->want_ram && f->got_ram);
	return f;
}

void fx_free(struct fx *f)
{
	vm_destroy(f->vm);
	free(f->want_ram);
	free(f->got_ram);
	free(f);
}

/* Distinct contents in every register, Z N C V = cc, the given mode with
 * r15 = its own stack and the other bank holding the other stack. */
void fx_reset(struct fx *f, enum mode m, uint32_t cc)
{
	struct cpu *c = &f->vm->cpu;
	cpu_set_flags(c, CPU_P);
	for (unsigned r = 1; r < 15; r++)
		c->r[r] = POISON(r);
	c->r[ISA_REG_SP] = KSTACK;
	c->other_sp = USTACK;
	c->far = 0xfa4fa4u;
	c->cause = 0xca05eu;
	c->kscratch = 0x5c4a7c4u;
	cpu_set_flags(c, cc | (m == KERNEL ? CPU_P : 0));
}

void fx_poke(struct fx *f, uint32_t addr, unsigned size, uint32_t v)
{
	uint8_t b[4];
	for (unsigned i = 0; i < size; i++)
		b[i] = (uint8_t)(v >> 8 * i);
	ck_assert_int_eq(mem_write(&f->vm->mem, addr, b, size), 0);
}

uint8_t fx_peek8(struct fx *f, uint32_t addr)
{
	uint8_t b;
	ck_assert_int_eq(mem_read(&f->vm->mem, addr, &b, 1), 0);
	return b;
}

/* Expect size bytes of v at addr, least significant first. */
void fx_want_mem(struct fx *f, uint32_t addr, unsigned size, uint32_t v)
{
	for (unsigned i = 0; i < size; i++)
		f->want_ram[addr + i] = (uint8_t)(v >> 8 * i);
}

void fx_want_cc(struct fx *f, uint32_t cc)
{
	f->want.flags = (f->want.flags & ~CPU_CC_MASK) | cc;
}

/* Take the state before the step; by default the spec wants it unchanged
 * but for pc, which moves to the next instruction, and one more
 * instruction retired.  Set up registers and memory before this. */
__attribute__((format(printf, 3, 4)))
void fx_begin(struct fx *f, uint32_t insn, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof f->what, fmt, ap);
	va_end(ap);
	f->insn = insn;
	fx_poke(f, STEP_CODE, 4, insn);
	f->before = f->vm->cpu;
	f->want = f->before;
	f->want.pc = STEP_CODE + 4;
	f->want.insns++;
	f->want_vec = -1;
	ck_assert_int_eq(mem_read(&f->vm->mem, 0, f->want_ram, RAM_SIZE), 0);
}

static bool vector_sets_far(int vec)
{
	return vec == CPU_VEC_ILLEGAL || vec == CPU_VEC_PRIVILEGED ||
	       vec == CPU_VEC_PAGE_FAULT || vec == CPU_VEC_MISALIGNED ||
	       vec == CPU_VEC_BUS_ERROR;
}

/* The instruction faults: nothing it would do happens, and exception
 * entry (docs/isa.md, Entry) is all that changes.  The handler's halt
 * retires, so the count still goes up by one. */
void fx_fault(struct fx *f, int vec, uint32_t far)
{
	uint32_t old = f->before.flags;
	uint32_t ksp = old & CPU_P ? f->before.r[ISA_REG_SP]
				   : f->before.other_sp;
	f->want = f->before;
	/* The entry retires nothing and uses up the step (it counts against
	 * the budget), so the step ends at the handler's first word. */
	f->want.exceptions++;
	if (!(old & CPU_P))
		f->want.other_sp = f->before.r[ISA_REG_SP];
	f->want.r[ISA_REG_SP] = ksp - 8;
	f->want.flags = (old | CPU_P) & ~CPU_I;
	f->want.pc = STEP_HANDLERS + 4 * (uint32_t)vec;
	f->want.cause = (uint32_t)vec;
	if (vector_sets_far(vec))
		f->want.far = far;
	fx_want_mem(f, ksp - 4, 4, old);
	fx_want_mem(f, ksp - 8, 4, STEP_CODE);
	f->want_vec = vec;
}

#define CHECK_WORD(field)						\
	ck_assert_msg(c->field == w->field,				\
		      "%s: " #field " = 0x%08x, want 0x%08x", f->what,	\
		      (unsigned)c->field, (unsigned)w->field)

void fx_check(struct fx *f)
{
	const struct cpu *c = &f->vm->cpu, *w = &f->want;
	for (int r = 0; r < 16; r++)
		if (c->r[r] != w->r[r])
			ck_abort_msg("%s: r%d = 0x%08x, want 0x%08x", f->what,
				     r, (unsigned)c->r[r], (unsigned)w->r[r]);
	CHECK_WORD(pc);
	CHECK_WORD(flags);
	CHECK_WORD(other_sp);
	CHECK_WORD(vbr);
	CHECK_WORD(ptbr);
	CHECK_WORD(paging);
	CHECK_WORD(far);
	CHECK_WORD(cause);
	CHECK_WORD(kscratch);
	ck_assert_msg(c->insns == w->insns, "%s: %llu retired, want %llu",
		      f->what, (unsigned long long)(c->insns - f->before.insns),
		      (unsigned long long)(w->insns - f->before.insns));
	ck_assert_msg(c->exceptions == w->exceptions, "%s: %llu exception "
		      "entries, want %llu", f->what,
		      (unsigned long long)(c->exceptions -
					   f->before.exceptions),
		      (unsigned long long)(w->exceptions -
					   f->before.exceptions));
	ck_assert_msg(!c->halted && f->vm->stop == VM_RUNNING,
		      "%s: machine stopped (%s)", f->what,
		      vm_stop_name(f->vm->stop));
	ck_assert_int_eq(mem_read(&f->vm->mem, 0, f->got_ram, RAM_SIZE), 0);
	if (memcmp(f->got_ram, f->want_ram, RAM_SIZE) != 0)
		for (uint32_t a = 0; a < RAM_SIZE; a++)
			if (f->got_ram[a] != f->want_ram[a])
				ck_abort_msg("%s: M8[0x%05x] = 0x%02x, want "
					     "0x%02x", f->what, (unsigned)a,
					     f->got_ram[a], f->want_ram[a]);
}

/* Run the instruction given to fx_begin and compare. */
void fx_run(struct fx *f)
{
	int vec = step_one(f->vm, f->insn);
	ck_assert_msg(vec == f->want_vec, "%s: vector %d, want %d", f->what,
		      vec, f->want_vec);
	fx_check(f);
}

const char *fx_op_name(unsigned op)
{
	return isa_table[op].name;
}
