/* aula grade's shared results (cli/grade_pairs.c): what workers leave is
 * read back as written, across a fork, and what a broken or hostile
 * worker leaves cannot make a report read outside the text. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/grade_pairs.h"

static void outcome(struct grade_outcome *o, enum grade_status st,
		    unsigned points, const char *detail)
{
	grade_outcome_clear(o);
	o->r.status = st;
	o->r.points = points;
	o->r.insns = 1234;
	strcpy(o->r.stop, "poweroff");
	if (detail)
		grade_detail_add(o, "%s", detail);
}

START_TEST(round_trip_across_fork)
{
	struct grade_pairs p;
	ck_assert_int_eq(pairs_map(&p, 4), 0);
	pairs_not_applicable(&p, 3);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct grade_outcome *o = malloc(sizeof *o);
		outcome(o, GRADE_FAIL, 2, "line 5: output is \"A\"\n");
		pairs_put(&p, 0, o);
		outcome(o, GRADE_PASS, 4, NULL);
		pairs_put(&p, 1, o);
		/* Pair 2 is left not done, as by a worker that died. */
		_exit(0);
	}
	int ws;
	ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
	ck_assert(pairs_done(&p, 0) && pairs_done(&p, 1));
	ck_assert(!pairs_done(&p, 2) && pairs_done(&p, 3));
	struct grade_result *r = pairs_results(&p);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r[0].status, GRADE_FAIL);
	ck_assert_uint_eq(r[0].points, 2);
	ck_assert_uint_eq(r[0].insns, 1234);
	ck_assert_str_eq(r[0].stop, "poweroff");
	ck_assert_str_eq(r[0].detail, "line 5: output is \"A\"\n");
	ck_assert_int_eq(r[1].status, GRADE_PASS);
	ck_assert_str_eq(r[1].detail, "");
	ck_assert(!r[2].done);
	ck_assert_int_eq(r[3].status, GRADE_NOT_APPLICABLE);
	free(r);
	pairs_unmap(&p);
}
END_TEST

/* A detail as long as an outcome holds keeps every byte. */
START_TEST(longest_detail)
{
	struct grade_pairs p;
	struct grade_outcome *o = malloc(sizeof *o);
	ck_assert_int_eq(pairs_map(&p, 2), 0);
	outcome(o, GRADE_FAIL, 0, NULL);
	for (int i = 0; i < GRADE_DETAIL_MAX; i++)
		grade_detail_add(o, "%c", 'a' + i % 26);
	ck_assert_uint_eq(o->len, GRADE_DETAIL_MAX - 1);
	ck_assert_uint_eq(strlen(o->text), GRADE_DETAIL_MAX - 1);
	pairs_put(&p, 0, o);
	pairs_put(&p, 1, o);
	struct grade_result *r = pairs_results(&p);
	ck_assert_uint_eq(strlen(r[0].detail), GRADE_DETAIL_MAX - 1);
	ck_assert_str_eq(r[1].detail, o->text);
	free(r);
	free(o);
	pairs_unmap(&p);
}
END_TEST

/* Records as a worker gone wrong could leave them. */
START_TEST(hostile_records)
{
	struct grade_pairs p;
	struct grade_outcome o;
	ck_assert_int_eq(pairs_map(&p, 9), 0);
	outcome(&o, GRADE_FAIL, 1, "fine");
	for (int i = 0; i < 7; i++)
		pairs_put(&p, (size_t)i, &o);
	p.rec[0].status = 99;
	p.rec[1].status = -1;
	p.rec[2].text_off = (uint64_t)1 << 62;	/* far outside */
	p.rec[3].text_len = GRADE_DETAIL_MAX;	/* longer than a detail */
	memset(p.rec[4].stop, 'x', sizeof p.rec[4].stop);
	/* A length short of the text's end: the report reads that many. */
	p.rec[5].text_len = 2;
	/* The text's cursor (its first word) is the workers' to break:
	 * neither the parent's pairs_put (for a worker that died) nor its
	 * reading may go by it. */
	size_t *head = (size_t *)(void *)p.text;
	head[0] = (size_t)1 << 40;
	p.rec[6].text_off = (uint64_t)1 << 32;
	pairs_put(&p, 7, &o);
	p.rec[8].done = 0xff;	/* not 1: done all the same */
	struct grade_result *r = pairs_results(&p);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(r[i].status, GRADE_INTERNAL);
		ck_assert_uint_eq(r[i].points, 0);
		ck_assert_ptr_nonnull(strstr(r[i].detail, "cannot read"));
	}
	ck_assert_str_eq(r[2].detail, "");
	ck_assert_str_eq(r[3].detail, "");
	ck_assert_uint_eq(strlen(r[4].stop), sizeof r[4].stop - 1);
	ck_assert_str_eq(r[5].detail, "fi");
	ck_assert_str_eq(r[6].detail, "");
	ck_assert(r[7].done);
	ck_assert_str_eq(r[7].detail, "");
	ck_assert(r[8].done);
	free(r);
	pairs_unmap(&p);
}
END_TEST

/* Text used up (pairs charged twice): the pair goes without a detail,
 * nothing is written past the end. */
START_TEST(text_full)
{
	struct grade_pairs p;
	struct grade_outcome o;
	ck_assert_int_eq(pairs_map(&p, 1), 0);
	outcome(&o, GRADE_FAIL, 0, "first");
	pairs_put(&p, 0, &o);
	for (int i = 0; i < GRADE_DETAIL_MAX; i++)
		pairs_put(&p, 0, &o);
	ck_assert(pairs_done(&p, 0));
	struct grade_result *r = pairs_results(&p);
	ck_assert_int_eq(r[0].status, GRADE_FAIL);
	ck_assert_str_eq(r[0].detail, "");
	free(r);
	pairs_unmap(&p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("grade_pairs");
	TCase *tc = tcase_create("pairs");
	tcase_add_test(tc, round_trip_across_fork);
	tcase_add_test(tc, longest_detail);
	tcase_add_test(tc, hostile_records);
	tcase_add_test(tc, text_full);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
