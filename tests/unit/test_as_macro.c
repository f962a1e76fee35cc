/*
 * Unit tests: macros, .rept and conditional assembly (aula-as(1), MACROS
 * AND CONDITIONS), on good input and bad, with the bounds on expansion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as.h"
#include "tests/unit/harness.h"
#include "tests/unit/astest.h"

static uint32_t word(const struct image *img, int i)
{
	return ast_word_at(img, 0x1000 + 4 * (uint32_t)i);
}

START_TEST(macro_params_defaults_locals)
{
	struct image img;
	ast_good("\t.macro ADDK r, k=1\n"
		 "\taddi \\r, \\r, \\k\n"
		 "\t.endm\n"
		 "\t.MACRO spin n\n"
		 "\tli r9, \\n\n"
		 ".loop:\tdec r9\n"
		 "\tbne .loop\n"
		 "\t.endm\n"
		 "f:\tADDK r1\n"
		 "\taddk r2, 7\n"
		 "\tspin 3\n"
		 "\tspin 4\n", &img);
	ck_assert_uint_eq(word(&img, 0), 0x00011130);	/* addi r1, r1, 1 */
	ck_assert_uint_eq(word(&img, 1), 0x00072230);	/* addi r2, r2, 7 */
	/* Two calls in one scope: each its own .loop. */
	ck_assert_uint_eq(word(&img, 3), 0xffff9930);	/* dec r9 */
	ck_assert_uint_eq(word(&img, 4), 0xffffff52);	/* bne -1 */
	ck_assert_uint_eq(word(&img, 7), 0xffffff52);
	ck_assert_ptr_nonnull(image_symbol_named(&img, "f.loop$3"));
	ck_assert_ptr_nonnull(image_symbol_named(&img, "f.loop$4"));
	image_free(&img);

	/* Commas inside parentheses and quotes do not split arguments. */
	ast_good("\t.macro ST reg, where\n\tstw \\reg, \\where\n\t.endm\n"
		 "\t.macro S text\n\t.ascii \\text\n\t.endm\n"
		 "\tST r1, 4(sp)\n"
		 "\tS \"a, b\"\n", &img);
	ck_assert_uint_eq(word(&img, 0), 0x0004f145);
	ck_assert_int_eq(memcmp(ast_bytes_at(&img, 0x1004, 4), "a, b", 4), 0);
	image_free(&img);

	/* Macros call macros; \@ differs per call. */
	ast_good("\t.macro ONE v\n\t.word \\v, \\@\n\t.endm\n"
		 "\t.macro TWO a, b\n\tONE \\a\n\tONE \\b\n\t.endm\n"
		 "\tTWO 5, 6\n", &img);
	ck_assert_uint_eq(word(&img, 0), 5);
	ck_assert_uint_eq(word(&img, 2), 6);
	ck_assert_uint_ne(word(&img, 1), word(&img, 3));
	image_free(&img);
}
END_TEST

START_TEST(rept_and_conditions)
{
	struct image img;
	ast_good("\t.equ N, 0\n"
		 "\t.rept 3\n"
		 "\t.rept 2\n"
		 "\t.word N\n"
		 "\t.endr\n"
		 "\t.set N, N + 1\n"
		 "\t.endr\n"
		 "\t.rept 0\n\t.word 99\n\t.endr\n"
		 "DEBUG = 1\n"
		 "\t.ifdef DEBUG\n\t.word 10\n\t.else\n\t.word 11\n\t.endif\n"
		 "\t.ifndef DEBUG\n\t.word 12\n\t.else\n\t.word 13\n\t.endif\n"
		 "\t.if N == 3 && !(N < 2)\n"
		 "\t.if N >= 4\n\t.word 14\n\t.else\n\t.word 15\n\t.endif\n"
		 "\t.else\n\t.word 16\n\t.endif\n"
		 "\t.if 0\n\t.macro NEVER\n\t.else\n\t.endm\n\t.word 17\n"
		 "\t.endif\n"
		 "\t.ifdef nowhere\n\t.word 18\n\t.endif\n", &img);
	static const uint32_t want[] = { 0, 0, 1, 1, 2, 2, 10, 13, 15 };
	ck_assert_uint_eq(img.seg[0].size, sizeof want);
	for (int i = 0; i < 9; i++)
		ck_assert_uint_eq(word(&img, i), want[i]);
	image_free(&img);

	/* A vector table: 256 words from one line. */
	ast_good("vec:\t.rept 256\n\t.word handler\n\t.endr\nhandler: rti\n",
		 &img);
	ck_assert_uint_eq(img.seg[0].size, 256 * 4 + 4);
	ck_assert_uint_eq(word(&img, 255), 0x1400);
	image_free(&img);
}
END_TEST

/* The line table names the call for a macro's bytes, and the body line
 * for .rept's. */
START_TEST(lines_of_expansions)
{
	struct image img;
	ast_good("\t.macro TWO\n\tnop\n\tnop\n\t.endm\n"
		 "_start:\tTWO\n"
		 "\t.rept 3\n"
		 "\t.word 7\n"
		 "\t.endr\n"
		 "\tli r1, 0x123456\n", &img);
	ck_assert_uint_eq(img.nline, 3);
	ck_assert_uint_eq(img.line[0].size, 8);
	ck_assert_uint_eq(img.line[0].line, 5);
	ck_assert_str_eq(img.line[0].text, "_start:\tTWO");
	ck_assert_uint_eq(img.line[1].size, 12);
	ck_assert_uint_eq(img.line[1].line, 7);
	ck_assert_uint_eq(img.line[2].size, 8);
	ck_assert_str_eq(img.line[2].text, "\tli r1, 0x123456");
	image_free(&img);
}
END_TEST

static const struct bad_case {
	const char *src;
	int line, col;
	const char *msg;
} bad[] = {
	{ "nop\n.macro M\nnop\n", 2, 1, ".macro without .endm" },
	{ "nop\n  .endm\n", 2, 1, ".endm without .macro" },
	{ ".endr\n", 1, 1, ".endr without .rept" },
	{ ".else\n", 1, 1, ".else without .if" },
	{ "nop\n.endif\n", 2, 1, ".endif without .if" },
	{ ".if 1\n.else\n.else\n.endif\n", 3, 1, "a second .else for the .if "
	  "at line 1" },
	{ "nop\n.if 1\nnop\n", 2, 1, ".if without .endif" },
	{ ".if x\n.endif\nx: nop\n", 1, 5, "must be known where it stands" },
	{ "x: nop\n.if x\n.endif\n", 2, 5, "must be known" },
	{ ".if . > 0\n.endif\n", 2 - 1, 5, "must be known" },
	{ ".if 1 2\n.endif\n", 1, 7, "unexpected text after the operand" },
	{ ".ifdef\n.endif\n", 1, 7, "expected a symbol name" },
	{ ".rept -1\nnop\n.endr\n", 1, 7, ".rept count -1 is out of range" },
	{ "\\@: nop\n", 1, 1, "expected a label" },
	{ ".rept 1000001\nnop\n.endr\n", 1, 7, "out of range (0..1000000)" },
	{ ".rept 2\nnop\n", 1, 1, ".rept without .endr" },
	{ ".macro\n.endm\n", 1, 7, "expected a macro name" },
	{ ".macro add\n.endm\n", 1, 8, "'add' is an instruction" },
	{ ".macro li\n.endm\n", 1, 8, "'li' is an instruction" },
	{ ".macro M\n.endm\n.macro m\n.endm\n", 3, 8, "macro 'M' is already "
	  "defined at test.s:1" },
	{ ".macro M a, 3\n.endm\n", 1, 13, "expected a parameter name" },
	{ ".macro M\n.macro N\n.endm\n.endm\n", 1, 1, "a macro cannot be "
	  "defined inside another" },
	{ ".macro M a\nnop\n.endm\nM 1, 2\n", 4, 6, "macro 'M' takes 1 "
	  "argument" },
	{ ".macro M a, b\nnop\n.endm\nM 1\n", 4, 1, "macro 'M' needs a value "
	  "for its parameter 'b'" },
	/* An error in a body names the body line and the call. */
	{ ".macro M\nfrob\n.endm\nnop\nM\n", 2, 1, "unknown instruction "
	  "'frob' (in macro 'M' called at test.s:5)" },
	{ ".macro M\n.if 1\n.endm\nM\n", 2, 1, ".if without .endif (in "
	  "macro 'M')" },
};

START_TEST(bad_input)
{
	const struct bad_case *t = &bad[_i];
	ast_bad(t->src, t->line, t->col, t->msg);
}
END_TEST

/* Expansion is bounded, with an error naming the macro and the call. */
START_TEST(bounded)
{
	ast_bad(".macro R\nnop\nR\n.endm\nnop\nR\n", 3, 1, "macros nested "
		"more than 64 deep (does macro 'R' call itself?) (in macro "
		"'R' called at test.s:");
	/* (One case: 2,000,000 lines take a second and 220 MB.) */
	ast_bad(".macro M\n.rept 1000000\n.word 0\n.endr\n.endm\n"
		".rept 5\nM\n.endr\n", 7, 1, "more than 2000000 lines to "
		"assemble (in the expansion of macro 'M')");
	size_t n = 65;
	char *src = malloc(n * 16 + 16), *p = src;
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, ".if 1\n");
	p += sprintf(p, "nop\n");
	for (size_t i = 0; i < n - 1; i++)	/* the 65th never opened */
		p += sprintf(p, ".endif\n");
	ast_bad(src, 65, 1, ".if nested more than 64 deep");
	free(src);
}
END_TEST

static Suite *as_macro_suite(void)
{
	Suite *s = suite_create("as_macro");
	TCase *tc = tcase_create("good");
	tcase_add_test(tc, macro_params_defaults_locals);
	tcase_add_test(tc, rept_and_conditions);
	tcase_add_test(tc, lines_of_expansions);
	suite_add_tcase(s, tc);
	tc = tcase_create("bad");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, bad_input, 0, (int)(sizeof bad / sizeof *bad));
	tcase_add_test(tc, bounded);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(as_macro_suite());
}
