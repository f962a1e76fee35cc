/* Unit tests: image. */
#include "tests/unit/harness.h"
#include "tests/unit/step.h"
#include "cpu/isa.h"

START_TEST(image_smoke)
{
	struct th *t = th_boot("_start: li r1, 42\n out r0, 0\n");
	ck_assert_int_eq(th_run(t, 100), VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->cpu.r[1], 42);
	th_free(t);
}
END_TEST

static Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("image");
	tcase_add_test(tc, image_smoke);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(image_suite());
}
