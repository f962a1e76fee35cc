/* The instruction table itself, and the definition of "undefined". */
#include <stdlib.h>
#include <string.h>

#include "cpu/isa.h"
#include "tests/unit/harness.h"
#include "tests/unit/step.h"

START_TEST(names_are_unique_and_opcode_zero_is_undefined)
{
	ck_assert_ptr_null(isa_table[0].name);
	for (int a = 0; a < 256; a++)
		for (int b = a + 1; b < 256; b++)
			if (isa_table[a].name && isa_table[b].name)
				ck_assert_str_ne(isa_table[a].name,
						 isa_table[b].name);
	ck_assert_int_eq(isa_lookup_name("add")->opcode, ISA_OP_add);
	ck_assert_ptr_null(isa_lookup_name("frobnicate"));
}
END_TEST

/* Every undefined opcode raises illegal-instruction, in both modes. */
START_TEST(undefined_opcodes_are_illegal)
{
	struct vm *vm = step_vm(VM_BRK_STOP);
	for (unsigned op = 0; op < 256; op++) {
		if (isa_table[op].name)
			continue;
		for (int user = 0; user < 2; user++) {
			cpu_set_flags(&vm->cpu, user ? 0 : CPU_P);
			vm->cpu.r[ISA_REG_SP] = 0x40000;
			vm->cpu.other_sp = 0x40000;
			ck_assert_int_eq(step_one(vm, op | 0x12345600u),
					 CPU_VEC_ILLEGAL);
			ck_assert_uint_eq(vm->cpu.far, STEP_CODE);
		}
	}
	vm_destroy(vm);
}
END_TEST

/* A defined opcode with a non-zero unused field is undefined too, and the
 * interpreter agrees with isa_valid() on every such word it is given. */
START_TEST(interpreter_agrees_with_isa_valid)
{
	struct vm *vm = step_vm(VM_BRK_GUEST);
	uint32_t prev = 0;
	srand(1234);
	for (unsigned op = 0; op < 256; op++) {
		if (!isa_table[op].name)
			continue;
		for (int i = 0; i < 200; i++) {
			uint32_t w = op | ((uint32_t)rand() << 8 ^
					   (uint32_t)rand() << 20);
			if (i % 2)	/* also try sparse encodings */
				w = op | (w & 0x000fff00u);
			cpu_set_flags(&vm->cpu, CPU_P);
			for (int r = 1; r < 16; r++)
				vm->cpu.r[r] = 0x40000;
			vm->cpu.other_sp = 0x40000;
			vm->cpu.paging = 0;
			int vec = step_one(vm, w);
			if (isa_valid(w))
				ck_assert_msg(vec != CPU_VEC_ILLEGAL,
					      "valid 0x%08x raised illegal", w);
			else
				ck_assert_msg(vec == CPU_VEC_ILLEGAL,
					      "undefined 0x%08x ran (vector %d)"
					      " after 0x%08x", w, vec, prev);
			prev = w;
		}
	}
	vm_destroy(vm);
}
END_TEST

static Suite *isa_suite(void)
{
	Suite *s = suite_create("isa");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, names_are_unique_and_opcode_zero_is_undefined);
	tcase_add_test(tc, undefined_opcodes_are_illegal);
	tcase_add_test(tc, interpreter_agrees_with_isa_valid);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(isa_suite());
}
