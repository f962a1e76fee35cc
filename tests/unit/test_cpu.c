/* Unit tests: cpu. */
#include "tests/unit/harness.h"
#include "tests/unit/step.h"
#include "cpu/isa.h"

START_TEST(cpu_smoke)
{
	struct th *t = th_boot("_start: li r1, 42\n out r0, 0\n");
	ck_assert_int_eq(th_run(t, 100), VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->cpu.r[1], 42);
	th_free(t);
}
END_TEST

static Suite *cpu_suite(void)
{
	Suite *s = suite_create("cpu");
	TCase *tc = tcase_create("cpu");
	tcase_add_test(tc, cpu_smoke);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(cpu_suite());
}
