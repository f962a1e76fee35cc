/*
 * Classical virtualizability (Popek and Goldberg), checked over the whole
 * opcode table: for every instruction, run from the same state in kernel
 * mode and in user mode.  In user mode it must either trap with the
 * privileged-instruction exception, or do exactly what it does in kernel
 * mode (same registers, condition codes, memory, next pc or exception).
 * An instruction that behaves differently in user mode without trapping
 * (x86's pushf/popf) would make the ISA not virtualizable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/isa.h"
#include "tests/unit/harness.h"
#include "tests/unit/step.h"

#define RAM (1u << 20)
#define BASE 0x40000u		/* every register points here */

struct outcome {
	int vec;
	uint32_t r[15], cc, pc, cause, far, sp;
	uint8_t *ram;
};

static void run(uint32_t insn, bool user, struct outcome *o)
{
	struct vm *vm = step_vm(VM_BRK_GUEST);
	for (int i = 1; i < 16; i++)
		vm->cpu.r[i] = BASE + 0x100 * (uint32_t)i;
	/* Both stacks at the same place, so push/pop/call and exception
	 * entry touch the same memory in both modes. */
	vm->cpu.r[ISA_REG_SP] = BASE;
	vm->cpu.other_sp = BASE;
	vm->cpu.flags = CPU_P | CPU_C | CPU_Z;
	if (user)
		cpu_set_flags(&vm->cpu, CPU_C | CPU_Z);
	o->vec = step_one(vm, insn);
	memcpy(o->r, vm->cpu.r, sizeof o->r);
	o->cc = vm->cpu.flags & CPU_CC_MASK;
	o->pc = vm->cpu.pc;
	o->cause = vm->cpu.cause;
	o->far = vm->cpu.far;
	/* The stack pointer of the mode that ran the instruction. */
	o->sp = (vm->cpu.flags & CPU_P) && user ? vm->cpu.other_sp
						: vm->cpu.r[ISA_REG_SP];
	o->ram = malloc(RAM);
	ck_assert_ptr_nonnull(o->ram);
	mem_read(&vm->mem, 0, o->ram, RAM);
	if (o->vec >= 0) {
		/* The saved flags word of the frame records the mode: that
		 * difference is the point of it, not a leak. */
		uint32_t ksp = vm->cpu.r[ISA_REG_SP];
		memset(o->ram + ksp + 4, 0, 4);
	}
	vm_destroy(vm);
}

static void compare(uint32_t insn)
{
	struct outcome k, u;
	char text[64];
	run(insn, false, &k);
	run(insn, true, &u);
	const struct isa_insn *d = &isa_table[isa_op(insn)];
	snprintf(text, sizeof text, "0x%08x (%s)", insn, d->name);

	/* A privilege violation names the instruction in far; a kernel
	 * "trap 2" enters the same vector but leaves far alone. */
	bool u_trapped = u.vec == CPU_VEC_PRIVILEGED && u.far == STEP_CODE;
	bool k_trapped = k.vec == CPU_VEC_PRIVILEGED && k.far == STEP_CODE;
	if (u_trapped && !k_trapped) {
		/* Trapped in user mode: allowed, and required of every
		 * instruction the table marks privileged. */
	} else {
		ck_assert_msg(!d->privileged, "%s is privileged but did not "
			      "trap in user mode", text);
		ck_assert_msg(u.vec == k.vec, "%s: vector %d in user mode, %d "
			      "in kernel mode", text, u.vec, k.vec);
		if (u.vec < 0)
			ck_assert_msg(u.pc == k.pc, "%s: next pc differs", text);
		else
			ck_assert_msg(u.cause == k.cause && u.far == k.far,
				      "%s: exception state differs", text);
		for (int i = 0; i < 15; i++)
			ck_assert_msg(u.r[i] == k.r[i], "%s: r%d is 0x%08x in "
				      "user mode, 0x%08x in kernel mode", text,
				      i, u.r[i], k.r[i]);
		ck_assert_msg(u.cc == k.cc, "%s: flags differ", text);
		ck_assert_msg(memcmp(u.ram, k.ram, RAM) == 0,
			      "%s: memory differs", text);
	}
	free(k.ram);
	free(u.ram);
}

/* A random valid encoding of op, with registers kept small so that memory
 * operands stay inside RAM. */
static uint32_t random_valid(unsigned op)
{
	for (;;) {
		uint32_t w = op | ((uint32_t)rand() << 8 ^ (uint32_t)rand() << 21);
		if (isa_valid(w))
			return w;
		w = op | (w & 0x000fff00u);	/* unused fields zero */
		if (isa_valid(w))
			return w;
		w = op | (w & 0x0000ff00u) | ((uint32_t)rand() % 10) << 16;
		if (isa_valid(w))
			return w;
	}
}

START_TEST(every_sensitive_instruction_traps_in_user_mode)
{
	srand(42);
	for (unsigned op = 0; op < 256; op++) {
		if (!isa_table[op].name)
			continue;
		for (int i = 0; i < 24; i++)
			compare(random_valid(op));
	}
}
END_TEST

/* The edges the random walk could miss: every trap number, every control
 * register in both directions. */
START_TEST(traps_and_control_registers)
{
	for (unsigned n = 0; n < 256; n++)
		compare(isa_enc_t(ISA_OP_trap, n));
	for (unsigned cr = 0; cr < ISA_CR_COUNT; cr++) {
		compare(isa_enc_i(ISA_OP_mfcr, 1, 0, cr));
		if (isa_valid(isa_enc_i(ISA_OP_mtcr, 1, 0, cr)))
			compare(isa_enc_i(ISA_OP_mtcr, 1, 0, cr));
	}
}
END_TEST

START_TEST(user_traps_below_32_are_privilege_violations)
{
	struct outcome u;
	for (unsigned n = 0; n < 256; n++) {
		run(isa_enc_t(ISA_OP_trap, n), true, &u);
		ck_assert_int_eq(u.vec, n < CPU_VEC_TRAP_FIRST ?
					CPU_VEC_PRIVILEGED : (int)n);
		free(u.ram);
	}
}
END_TEST

static Suite *virt_suite(void)
{
	Suite *s = suite_create("virt");
	TCase *tc = tcase_create("popek-goldberg");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_sensitive_instruction_traps_in_user_mode);
	tcase_add_test(tc, traps_and_control_registers);
	tcase_add_test(tc, user_traps_below_32_are_privilege_violations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(virt_suite());
}
