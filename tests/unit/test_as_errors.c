/*
 * Unit tests: the assembler on bad input, which must be reported as
 * "test.s:LINE:COL: error: ...", naming the right place, once; and the
 * round trip that disassembles random valid encodings of every
 * opcode and reassembles the text, showing that the assembler and the
 * disassembler read the same table.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as.h"
#include "asm/dis.h"
#include "cpu/isa.h"
#include "tests/unit/harness.h"
#include "tests/unit/step.h"
#include "tests/unit/astest.h"



/* ---- bad input --------------------------------------------------------- */

static const struct bad_case {
	const char *src;
	int line, col;
	const char *msg;
} bad_cases[] = {
	/* unknown instruction or directive */
	{ "  frob r1\n", 1, 3, "unknown instruction 'frob'" },
	{ "nop\n\tFROB\n", 2, 2, "unknown instruction 'frob'" },
	{ "abcdefghijabcdefghijabcdefghijabcdefghij r1\n", 1, 1,
	  "unknown instruction" },
	{ "\t.frob 1\n", 1, 2, "unknown directive '.frob'" },
	{ "123\n", 1, 1, "expected a label, an instruction or a directive" },
	/* registers */
	{ "add r1, r16, r2\n", 1, 9, "expected a register" },
	{ "add r1, r2, x\n", 1, 13, "expected a register" },
	{ "push 5\n", 1, 6, "expected a register" },
	{ "ldw r1, 0(r16)\n", 1, 11, "expected a register" },
	{ "add r01, r1, r1\n", 1, 5, "expected a register" },
	/* missing operands */
	{ "add r1, r2\n", 1, 11, "expected ','" },
	{ "addi r1, r2,\n", 1, 13, "missing operand" },
	{ "br\n", 1, 3, "missing operand" },
	{ ".word 1,\n", 1, 9, "missing operand" },
	{ "mov r1\n", 1, 7, "expected ','" },
	{ "li r1,   ; nothing\n", 1, 10, "expected an expression" },
	{ ".word (1 + 2\n", 1, 13, "expected ')'" },
	{ "ldw r1, 4(r2\n", 1, 13, "expected ')'" },
	/* extra text */
	{ "nop r1\n", 1, 5, "unexpected text after the operands" },
	{ "add r1, r2, r3 r4\n", 1, 16, "unexpected text" },
	{ "mov r1, r2, r3\n", 1, 11, "unexpected text" },
	{ "inc r1 r2\n", 1, 8, "unexpected text" },
	{ "li r1, 5 6\n", 1, 10, "unexpected text" },
	{ ".word 1 2\n", 1, 9, "expected ',' or the end of the line" },
	{ ".ascii \"a\" b\n", 1, 12, "expected ',' or the end of the line" },
	{ ".align 4 4\n", 1, 10, "unexpected text" },
	{ ".equ X, 1 2\n", 1, 11, "unexpected text" },
	/* immediates out of range */
	{ "addi r1, r2, 32768\n", 1, 14,
	  "signed 16-bit immediate 32768 is out of range" },
	{ "addi r1, r2, -32769\n", 1, 14, "signed 16-bit immediate -32769" },
	{ "cmpi r1, 0x8000\n", 1, 10, "signed 16-bit immediate" },
	{ "ori r1, r2, -1\n", 1, 13,
	  "unsigned 16-bit immediate -1 is out of range" },
	{ "tsti r1, 65536\n", 1, 10, "unsigned 16-bit immediate 65536" },
	{ "shli r1, r2, 32\n", 1, 14, "shift amount 32 is out of range" },
	{ "sari r1, r2, -1\n", 1, 14, "shift amount -1" },
	{ "lui r1, 0x100000\n", 1, 9, "20-bit immediate 1048576" },
	{ "lui r1, -1\n", 1, 9, "20-bit immediate -1" },
	{ "trap 256\n", 1, 6, "trap number 256 is out of range" },
	{ "trap -1\n", 1, 6, "trap number -1" },
	{ "ldw r1, 32768(r2)\n", 1, 9, "offset 32768 is out of range" },
	{ "mfcr r1, 12\n", 1, 10, "control register 12 is out of range" },
	/* Regression: a .byte/.half/.word value out of range is
	 * reported twice, the second time as "internal error: this line's
	 * size changed between passes". */
	{ ".byte 256\n", 1, 7, ".byte value 256 is out of range" },
	{ ".byte -129\n", 1, 7, ".byte value -129" },
	{ ".half 65536\n", 1, 7, ".half value 65536 is out of range" },
	{ ".half -32769\n", 1, 7, ".half value -32769" },
	{ ".word -0x80000001\n", 1, 7, ".word value -2147483649" },
	{ ".byte 1, 2, 300, 4\n", 1, 13, ".byte value 300" },
	{ "li r1, -0x80000001\n", 1, 8, "constant does not fit in 32 bits" },
	{ ".word 0x100000000\n", 1, 7, "bad number" },
	{ ".word 12ab\n", 1, 7, "bad number" },
	{ ".word 0x\n", 1, 7, "bad number" },
	/* Regression: strtoull skips blanks and signs after the 0x. */
	{ ".word 0x 5\n", 1, 7, "bad number" },
	/* branches */
	{ ".org 0x2000\n br 0x2002\n", 2, 5,
	  "branch target 0x00002002 is not a multiple of 4" },
	{ ".org 0x2000\nx = 0x2001\n beq x\n", 3, 6, "not a multiple of 4" },
	{ ".org 0\nbr 0x2000000\n", 2, 4,
	  "branch target 0x02000000 is out of reach" },
	{ ".org 0x2000004\ncall 0\n", 2, 6, "out of reach" },
	{ ".org 0x80000000\njmp 0\n", 2, 5, "out of reach" },
	/* symbols */
	{ ".word nothere\n", 1, 7, "undefined symbol 'nothere'" },
	{ "f: br .y\n", 1, 7, "undefined symbol 'f.y'" },
	{ "li r1, 1 + missing * 2\n", 1, 12, "undefined symbol 'missing'" },
	{ "ldw r1, nope(r2)\n", 1, 9, "undefined symbol 'nope'" },
	{ "mfcr r1, bogus\n", 1, 10, "undefined symbol 'bogus'" },
	{ ".entry nowhere\nnop\n", 1, 8, "undefined symbol 'nowhere'" },
	{ "a: nop\n  a: nop\n", 2, 3, "'a' is already defined at test.s:1" },
	{ "a: nop\n.set a, 5\n", 2, 6, "'a' is already defined" },
	{ "x = 1\nx: nop\n", 2, 1, "'x' is already defined" },
	{ "f: nop\n.x: nop\n.x: nop\n", 3, 1, "'f.x' is already defined" },
	{ "r1: nop\n", 1, 1, "'r1' is a register and cannot be a label" },
	{ "nop\n  SP: nop\n", 2, 3, "is a register" },
	{ "zero: nop\n", 1, 1, "is a register" },
	{ ".: nop\n", 1, 1, "'.' alone is not a label" },
	{ ".word r3\n", 1, 7, "register 'r3' where a value was expected" },
	{ "li r1, sp\n", 1, 8, "register 'sp' where a value" },
	{ "addi r1, r2, fp\n", 1, 14, "register 'fp'" },
	{ ".equ r1, 5\n", 1, 6, "expected a symbol name" },
	{ ".set at, 5\n", 1, 6, "expected a symbol name" },
	{ ".equ 5, 5\n", 1, 6, "expected a symbol name" },
	/* Regression: name = expr accepts a register name. */
	{ "nop\nsp = 4\n", 2, 1, "register" },
	/* Regression: mtcr to a read-only control register assembles
	 * to an undefined encoding (docs/isa.md: illegal instruction). */
	{ "mtcr icount, r1\n", 1, 6, "" },
	{ "mtcr time, r1\n", 1, 6, "control register time is read-only" },
	{ "mtcr timeh, r1\n", 1, 6, "control register timeh is read-only" },
	{ ".word %mid(4)\n", 1, 7, "expected %hi(...) or %lo(...)" },
	{ ".word %HI(4)\n", 1, 7, "expected %hi(...) or %lo(...)" },
	{ "nop\nlbl: .include \"x.s\"\n", 2, 6, ".include" },
	/* li and the other pseudo-instructions check alignment too. */
	{ ".byte 1\nli r1, 5\n", 2, 1, "instruction at unaligned address" },
	/* strings and character constants */
	{ ".ascii \"abc\n", 1, 8, "unterminated string" },
	{ ".asciz \"ok\", \"abc\n", 1, 14, "unterminated string" },
	{ ".ascii abc\n", 1, 8, "expected a quoted string" },
	{ ".ascii \"a\\qb\"\n", 1, 10, "bad escape sequence" },
	{ ".asciz \"\\xg\"\n", 1, 9, "bad escape sequence" },
	{ ".byte '\\q'\n", 1, 7, "bad character constant" },
	{ ".byte 'a\n", 1, 7, "bad character constant" },
	{ ".byte 'ab'\n", 1, 7, "bad character constant" },
	{ ".byte ''\n", 1, 7, "bad character constant" },
	/* expressions */
	{ ".word 1 / 0\n", 1, 9, "division by zero" },
	{ ".word 5 % (2 - 2)\n", 1, 9, "division by zero" },
	{ ".word 1 / z\nz = 0\n", 1, 9, "division by zero" },
	/* layout operands must be known where they stand */
	{ ".org later\nlater: nop\n", 1, 6,
	  "the operand of .org must be known where it stands" },
	{ "nop\n.space n\nn = 4\n", 2, 8, "the operand of .space must be" },
	{ "X = later\n.org X\nlater: nop\n", 2, 6, "the operand of .org" },
	{ "nop\n.align a\na = 4\n", 2, 8, "the operand of .align must be" },
	{ ".org -4\nnop\n", 1, 1, ".org address out of range" },
	{ ".space -1\n", 1, 1, ".space size out of range" },
	{ ".align 3\n", 1, 1, ".align needs a power of two" },
	{ ".align 0\n", 1, 1, ".align needs a power of two" },
	{ ".entry 0x1002\nnop\n", 1, 8, "entry point must be a multiple of 4" },
	/* layout */
	{ ".org 0x2000\n.word 1, 2\n.org 0x2004\n.word 3\n", 4, 1,
	  "code at 0x00002004 overlaps code placed earlier at 0x00002000" },
	{ ".org 0x2000\n.space 16\n.org 0x200c\nnop\n", 4, 1, "overlaps" },
	{ ".org 0x2004\n.word 3\n.org 0x2000\n.word 1, 2\n", 2, 1,
	  "overlaps" },
	{ ".byte 1\nnop\n", 2, 1,
	  "instruction at unaligned address 0x00001001" },
	{ ".org 0x2002\nmain: ret\n", 2, 7, "unaligned" },
	{ ".org 0xfffffffc\n.word 1\n.word 2\n", 3, 1,
	  "code runs past the end of the address space" },
};

START_TEST(bad_input)
{
	const struct bad_case *c = &bad_cases[_i];
	ast_bad(c->src, c->line, c->col, c->msg);
}
END_TEST

/* Nothing to assemble is an error without a line. */
START_TEST(nothing_to_assemble)
{
	static const char *const srcs[] = {
		"", "\n\n", "; just a comment\n", "x = 3\n.equ y, 4\n",
		"label:\n", ".org 0x2000\n", ".space 0\n.align 4\n",
		".entry 0\n",
	};
	static const char want[] = "test.s: error: nothing to assemble";
	for (size_t i = 0; i < sizeof srcs / sizeof *srcs; i++) {
		char errs[ERRLEN] = "";
		struct image img;
		int n = th_assemble(srcs[i], errs, sizeof errs, &img);
		ck_assert_msg(n == 1 && ast_count_lines(errs) == 1 &&
			      strncmp(errs, want, strlen(want)) == 0,
			      "for '%s': %d errors:\n%s", srcs[i], n, errs);
		ck_assert_uint_eq(img.nseg, 0);
	}
}
END_TEST

/* Every error of a file is reported, each once, syntax (pass 1) and
 * values (pass 2) alike. */
START_TEST(several_errors)
{
	static const char src[] =
		"_start: nop\n"
		"  frob r1\n"			/* 2: unknown instruction */
		"  add r1, r2, r99\n"		/* 3: bad register */
		"  .word undefined_a\n"		/* 4: undefined */
		"  addi r1, r2, 70000\n"	/* 5: range */
		"  nop\n"
		"  br undefined_b\n"		/* 7: undefined */
		"  .ascii \"abcd\n"		/* 8: unterminated */
		"  trap 300\n"			/* 9: range */
		"  _start: nop\n"		/* 10: duplicate */
		"  ldw r1, 1/0(r2)\n"		/* 11: division by zero */
		"  li r5, undefined_c\n";	/* 12: undefined */
	static const int lines[] = { 2, 3, 4, 5, 7, 8, 9, 10, 11, 12 };
	char errs[ERRLEN] = "";
	struct image img;
	int n = th_assemble(src, errs, sizeof errs, &img);
	int nl = (int)(sizeof lines / sizeof *lines);
	ck_assert_msg(n == nl && ast_count_lines(errs) == nl, "%d errors:\n%s", n,
		      errs);
	const char *at[13] = { 0 };
	for (int i = 0; i < nl; i++) {
		char want[32];
		snprintf(want, sizeof want, "test.s:%d:", lines[i]);
		const char *p = strstr(errs, want);
		ck_assert_msg(p && (p == errs || p[-1] == '\n'),
			      "no error for line %d:\n%s", lines[i], errs);
		ck_assert_msg(!strstr(p + 1, want),
			      "line %d reported twice:\n%s", lines[i], errs);
		at[lines[i]] = p;
	}
	/* aula-as(1): pass 1's errors first, in line order, then pass 2's
	 * (undefined symbols, ranges), in line order. */
	static const int order[] = { 2, 3, 8, 10, 4, 5, 7, 9, 12 };
	for (size_t i = 1; i < sizeof order / sizeof *order; i++)
		ck_assert_msg(at[order[i - 1]] < at[order[i]],
			      "line %d reported after line %d:\n%s",
			      order[i - 1], order[i], errs);
	ck_assert_uint_eq(img.nseg, 0);
}
END_TEST

/* An error on a line with a global label must not change the scope of
 * the local labels after it.  Regression: pass 2 skips the whole bad
 * line, label included, so the .x below is taken as g.x again and a
 * second, wrong error appears. */
START_TEST(error_keeps_label_scope)
{
	ast_bad("g:  nop\n"
	    ".x: nop\n"
	    "f:  frob r1\n"
	    ".x: nop\n"
	    "    br f.x\n", 3, 5, "unknown instruction 'frob'");
}
END_TEST



/* After AS_MAX_ERRORS the assembler stops printing, and says so. */
START_TEST(too_many_errors)
{
	char src[2048] = "", errs[ERRLEN] = "";
	struct image img;
	for (int i = 0; i < 60; i++)
		strcat(src, "frob\n");
	int n = th_assemble(src, errs, sizeof errs, &img);
	ck_assert_int_ge(n, 50);
	int printed = 0;
	for (const char *p = errs; (p = strstr(p, ": error: ")); p++)
		printed++;
	ck_assert_int_eq(printed, 50);
	ck_assert_ptr_nonnull(strstr(errs, "too many errors"));
}
END_TEST

/* ---- round trip through the disassembler ------------------------------ */

static uint32_t xorshift(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/* A defined encoding of op built from the random bits r (and r2 for the
 * fields with a limited range), or 0 if these bits give none. */
static uint32_t valid_encoding(unsigned op, uint32_t r, uint32_t r2)
{
	uint32_t w = op;
	switch (isa_table[op].format) {
	case ISA_F_N: break;
	case ISA_F_R3: w |= r & 0x000fff00; break;
	case ISA_F_R2: w |= r & 0x000ff000; break;
	case ISA_F_RD: w |= r & 0x00000f00; break;
	case ISA_F_RS: w |= r & 0x0000f000; break;
	case ISA_F_I: case ISA_F_IU: case ISA_F_M: case ISA_F_U:
	case ISA_F_B:
		w |= r & 0xffffff00;
		break;
	case ISA_F_SH: w |= (r & 0x0000ff00) | (r2 % 32) << 16; break;
	case ISA_F_CI: case ISA_F_CIU: w |= r & 0xfffff000; break;
	case ISA_F_T: w |= r & 0x0000ff00; break;
	case ISA_F_CRR: case ISA_F_CRW:
		w |= (r & 0x00000f00) | (r2 % ISA_CR_COUNT) << 16;
		break;
	}
	return isa_valid(w) ? w : 0;
}

/* Reassemble text at pc; the single word it gives. */
static uint32_t reassemble(const char *text, uint32_t pc, uint32_t orig)
{
	char src[256], errs[ERRLEN] = "";
	struct image img;
	snprintf(src, sizeof src, ".org 0x%08x\n%s\n", pc, text);
	int n = th_assemble(src, errs, sizeof errs, &img);
	ck_assert_msg(n == 0, "0x%08x at 0x%08x disassembles to '%s', which "
		      "does not assemble:\n%s", orig, pc, text, errs);
	ck_assert_msg(img.nseg == 1 && img.seg[0].addr == pc &&
		      img.seg[0].size == 4, "'%s' at 0x%08x: %u segments",
		      text, pc, img.nseg);
	uint32_t w = mem_ld32(img.seg[0].data);
	image_free(&img);
	return w;
}

START_TEST(roundtrip_every_opcode)
{
	static const uint32_t edges[] = {
		0, 0xffffffff, 0x7fffffff, 0x80000000, 0x00ffffff,
		0xff000000, 0x7fff0000, 0x80000000 | 0x0000ff00, 0x00010000,
		0xfffe0000,
	};
	uint32_t seed = 0x2545f491;
	int ops = 0;
	for (unsigned op = 0; op < 256; op++) {
		if (!isa_table[op].name)
			continue;
		ops++;
		int done = 0;
		for (int k = 0; done < 120 && k < 2000; k++) {
			uint32_t r = k < (int)(sizeof edges / sizeof *edges) ?
				     edges[k] : xorshift(&seed);
			uint32_t w = valid_encoding(op, r, xorshift(&seed));
			if (!w)
				continue;
			/* Branch targets stay clear of the ends of the
			 * address space, as the assembler works in 32 bits
			 * without wrapping. */
			uint32_t pc = 0x02000000u +
				      (xorshift(&seed) % 0x3f000000u) * 4;
			char text[128];
			dis_insn(w, pc, NULL, text, sizeof text);
			uint32_t back = reassemble(text, pc, w);
			ck_assert_msg(back == w, "0x%08x at 0x%08x -> '%s' -> "
				      "0x%08x", w, pc, text, back);
			done++;
		}
		ck_assert_msg(done == 120, "%s: only %d encodings",
			      isa_table[op].name, done);
	}
	ck_assert_int_ge(ops, 70);

	/* Undefined words come out as .word and go back unchanged. */
	for (int k = 0; k < 2000; k++) {
		uint32_t w = xorshift(&seed);
		if (isa_valid(w))
			continue;
		char text[128];
		dis_insn(w, 0x4000, NULL, text, sizeof text);
		ck_assert_uint_eq(reassemble(text, 0x4000, w), w);
	}
}
END_TEST


/* dis_format writes what snprintf writes, for every conversion it takes
 * and every length it may be cut to. */
START_TEST(format_as_snprintf)
{
	static const int ints[] = { 0, 1, -1, 9, 10, -10, 32767, -32768,
				    INT_MAX, INT_MIN };
	static const unsigned uns[] = { 0, 1, 9, 10, 15, 16, 0xabcdef,
					0x80000000u, 0xffffffffu };
	char a[64], b[64];
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
		for (size_t j = 0; j < sizeof uns / sizeof *uns; j++)
			for (size_t len = 0; len <= 40; len++) {
				int na = snprintf(a, len ? len : 1,
						  "%s %s, %d(%s) 0x%08x "
						  "<%s+0x%x> %u %%",
						  "ldw", "r1", ints[i], "sp",
						  uns[j], "main", uns[j],
						  uns[j]);
				int nb = dis_format(b, len ? len : 1,
						    "%s %s, %d(%s) 0x%08x "
						    "<%s+0x%x> %u %%", "ldw",
						    "r1", ints[i], "sp",
						    uns[j], "main", uns[j],
						    uns[j]);
				ck_assert_int_eq(na, nb);
				ck_assert_str_eq(a, b);
			}
	/* The flags, widths and 64-bit values the monitor's lines use. */
	static const long long wides[] = { 0, 7, -7, 12345678, -12345678,
					   LLONG_MAX, LLONG_MIN };
	for (size_t i = 0; i < sizeof wides / sizeof *wides; i++)
		for (size_t len = 1; len <= 60; len += 7) {
			long long v = wides[i];
			int na = snprintf(a, len, "#%-8llu|%08llx|%5d|%05d|"
					  "%-6d|%-10s|%3s|%lld",
					  (unsigned long long)v,
					  (unsigned long long)v, (int)v,
					  (int)v, (int)v, "ab", "abcd", v);
			int nb = dis_format(b, len, "#%-8llu|%08llx|%5d|%05d|"
					    "%-6d|%-10s|%3s|%lld",
					    (unsigned long long)v,
					    (unsigned long long)v, (int)v,
					    (int)v, (int)v, "ab", "abcd", v);
			ck_assert_int_eq(na, nb);
			ck_assert_str_eq(a, b);
		}
}
END_TEST

static Suite *as_errors_suite(void)
{
	Suite *s = suite_create("as_errors");
	TCase *tc;
	tc = tcase_create("errors");
	tcase_add_loop_test(tc, bad_input, 0,
			    (int)(sizeof bad_cases / sizeof *bad_cases));
	tcase_add_test(tc, nothing_to_assemble);
	tcase_add_test(tc, several_errors);
	tcase_add_test(tc, error_keeps_label_scope);
	tcase_add_test(tc, too_many_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("roundtrip");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, roundtrip_every_opcode);
	tcase_add_test(tc, format_as_snprintf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(as_errors_suite());
}
