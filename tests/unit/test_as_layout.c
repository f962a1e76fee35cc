/*
 * Unit tests: what aula as records beyond the bytes (aula-as(1), LAYOUT
 * AND ENTRY POINT; docs/image-format.md): load addresses apart from run
 * addresses, zero-filled .bss regions, constants, the line table; and
 * the limits that keep a hostile source from exhausting the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as.h"
#include "tests/unit/harness.h"
#include "tests/unit/astest.h"

static const struct image_segment *seg_loaded_at(const struct image *img,
						 uint32_t load)
{
	for (uint32_t i = 0; i < img->nseg; i++)
		if (img->seg[i].load == load)
			return &img->seg[i];
	ck_abort_msg("no segment loaded at 0x%08x", load);
	return NULL;
}

/* Two programs run at 0x400000, loaded apart; labels and branches use
 * the run address. */
START_TEST(org_load_address)
{
	struct image img;
	ast_good("_start: la r1, p2\n"
		 "\t.org 0x400000, 0x20000\n"
		 "p1:\tbr p1\n"
		 "p1_data: .word .\n"
		 "\t.org 0x400000, 0x30000\n"
		 "p2:\tbr p2\n"
		 "\t.org 0x2000\n"
		 "after: .word p1_data\n", &img);
	ck_assert_uint_eq(img.nseg, 4);
	const struct image_segment *a = seg_loaded_at(&img, 0x20000),
				   *b = seg_loaded_at(&img, 0x30000);
	ck_assert_uint_eq(a->addr, 0x400000);
	ck_assert_uint_eq(a->size, 8);
	ck_assert_uint_eq(mem_ld32(a->data), 0x00000050);	/* br . */
	ck_assert_uint_eq(mem_ld32(a->data + 4), 0x400004);
	ck_assert_uint_eq(b->addr, 0x400000);
	ck_assert_uint_eq(seg_loaded_at(&img, 0x2000)->addr, 0x2000);
	ck_assert_uint_eq(ast_sym_value(&img, "p2"), 0x400000);
	ck_assert_uint_eq(ast_sym_value(&img, "after"), 0x2000);
	ck_assert_uint_eq(mem_ld32(seg_loaded_at(&img, 0x2000)->data),
			  0x400004);
	image_free(&img);

	/* The same load address twice is an overlap, in RAM terms. */
	ast_bad(".org 0x400000, 0x20000\nnop\n.org 0x500000, 0x20000\nnop\n",
		4, 1, "code at 0x00020000 overlaps code placed earlier");
	ast_bad(".org 0x1000, later\nnop\nlater: nop\n", 1, 14,
		"must be known where it stands");
	ast_bad(".org 0x1000, -4\nnop\n", 1, 1,
		".org load address out of range");
	ast_bad(".org 0x1000, 0xfffffffc\nnop\nnop\n", 3, 1,
		"runs past the end of the address space");
	ast_bad(".org 0x1000 0x2000\nnop\n", 1, 13, "unexpected text");
}
END_TEST

START_TEST(bss_regions)
{
	struct image img;
	ast_good("_start: nop\n"
		 "\t.org 0x80000\n"
		 "\t.bss\n"
		 "buf:\t.space 100\n"
		 "\t.align 16\n"
		 "SIZE = . - buf\n"
		 "stack:\t.space 0x10000\n"
		 "top:\n"
		 "\t.text\n"
		 "after:\t.word SIZE\n", &img);
	ck_assert_uint_eq(img.nseg, 3);
	const struct image_segment *z = seg_loaded_at(&img, 0x80000);
	ck_assert_uint_eq(z->flags, IMAGE_SEG_ZERO);
	ck_assert_ptr_null(z->data);
	ck_assert_uint_eq(z->size, 112 + 0x10000);
	ck_assert_uint_eq(ast_sym_value(&img, "top"), 0x80000 + 112 + 0x10000);
	const struct image_segment *t = seg_loaded_at(&img, 0x90070);
	ck_assert_uint_eq(t->flags, 0);
	ck_assert_uint_eq(mem_ld32(t->data), 112);
	/* What is stored stays small: the image is encoded without the
	 * 64 KiB. */
	size_t len;
	uint8_t *buf = image_encode(&img, 0, &len);
	ck_assert_uint_lt(len, 1024);
	free(buf);
	image_free(&img);

	/* .org ends a region too; a region that is all .bss. */
	ast_good(".bss\nx: .space 8\n.org 0x3000\n.word 1\n", &img);
	ck_assert_uint_eq(img.nseg, 2);
	ck_assert_uint_eq(seg_loaded_at(&img, 0x1000)->flags, IMAGE_SEG_ZERO);
	ck_assert_uint_eq(seg_loaded_at(&img, 0x3000)->flags, 0);
	image_free(&img);

	static const char *const stores[] = { "nop", ".word 1", ".byte 0",
		".ascii \"x\"", "li r1, 5" };
	for (size_t i = 0; i < sizeof stores / sizeof *stores; i++) {
		char src[128];
		snprintf(src, sizeof src, ".bss\nb: .space 4\n  %s\n",
			 stores[i]);
		ast_bad(src, 3, 1, "a .bss region stores no bytes");
	}
	ast_bad(".bss 4\n.space 4\n", 1, 6, "unexpected text");
	ast_bad(".bss\n.space 4\n.text 4\n", 3, 7, "unexpected text");
}
END_TEST

/* Constants travel in the image, apart from the labels. */
START_TEST(constants_in_image)
{
	struct image img;
	ast_good("USER_STACK = 0x7ff000\n"
		 ".equ N, 3\n"
		 ".set N, N + 1\n"
		 "_start: li r1, N\n"
		 "f:\n.lc = 9\n", &img);
	ck_assert_uint_eq(img.ncon, 3);
	ck_assert_uint_eq(image_constant_named(&img, "USER_STACK")->value,
			  0x7ff000);
	ck_assert_uint_eq(image_constant_named(&img, "N")->value, 4);
	ck_assert_uint_eq(image_constant_named(&img, "f.lc")->value, 9);
	ck_assert_uint_eq(img.nsym, 2);
	ck_assert_ptr_null(image_symbol_named(&img, "N"));
	ck_assert_str_eq(image_symbol_at(&img, 0x1000)->name, "_start");
	image_free(&img);
}
END_TEST

/* Each line that emitted bytes, as written, by load address. */
START_TEST(line_table)
{
	struct image img;
	char errs[ERRLEN] = "";
	FILE *f = fmemopen(errs, sizeof errs, "w");
	struct as_options opt = { 0 };
	ck_assert_int_eq(as_assemble_opts("k.s", "; a comment\n"
		"_start:\tli r1, 0x12345  ; two words   \r\n"
		"\tnop\n"
		"\n"
		"\t.org 0x400000, 0x20000\n"
		"user:\t.word 1, 2\n"
		"\t.org 0x3000\n"
		"\t.bss\n"
		"\t.space 16\n"
		"\t.text\n"
		"\t.byte 7\n", &opt, f, &img), 0);
	fclose(f);
	ck_assert_uint_eq(img.nline, 4);
	static const struct { uint32_t load, size, line; const char *text; }
	want[] = {
		{ 0x1000, 8, 2, "_start:\tli r1, 0x12345  ; two words" },
		{ 0x1008, 4, 3, "\tnop" },
		{ 0x3010, 1, 11, "\t.byte 7" },
		{ 0x20000, 8, 6, "user:\t.word 1, 2" },
	};
	for (int i = 0; i < 4; i++) {
		const struct image_line *l = &img.line[i];
		ck_assert_uint_eq(l->load, want[i].load);
		ck_assert_uint_eq(l->size, want[i].size);
		ck_assert_uint_eq(l->line, want[i].line);
		ck_assert_str_eq(l->text, want[i].text);
		ck_assert_str_eq(l->file, "k.s");
	}
	ck_assert_uint_eq(image_line_at(&img, 0x20004)->line, 6);
	ck_assert_ptr_null(image_line_at(&img, 0x400000));

	/* Through the encoder and back. */
	size_t len;
	struct image b;
	char err[256];
	uint8_t *buf = image_encode(&img, 1, &len);
	ck_assert_int_eq(image_decode(buf, len, &b, err, sizeof err), 0);
	ck_assert_uint_eq(b.nline, 4);
	ck_assert_str_eq(b.line[3].text, want[3].text);
	ck_assert_str_eq(b.line[3].file, "k.s");
	free(buf);
	image_free(&b);
	image_free(&img);

	/* --strip */
	f = fmemopen(errs, sizeof errs, "w");
	opt.strip = true;
	ck_assert_int_eq(as_assemble_opts("k.s", "nop\n", &opt, f, &img), 0);
	fclose(f);
	ck_assert_uint_eq(img.nline, 0);
	image_free(&img);
}
END_TEST

/* Regression: .byte 1 then .space 0x7fffffff wrapped a 32-bit capacity
 * and wrote past the heap.  Now the stored bytes are bounded, in pass 1,
 * with one error. */
START_TEST(output_bounded)
{
	ast_bad(".byte 1\n.space 0x7fffffff\n.space 0x10000000\nnop\n", 2, 1,
		"the image would hold more than 256 MiB");
	ast_bad(".space 0x7fffffff\n", 1, 1, "more than 256 MiB");
	/* In .bss it costs nothing. */
	struct image img;
	ast_good(".bss\n.space 0x7fffffff\n.text\n.byte 1\n", &img);
	ck_assert_uint_eq(img.seg[0].size, 0x7fffffff);
	image_free(&img);
}
END_TEST

/* Regression: 100,000 '(' or unary '-' overflowed the stack. */
START_TEST(expression_depth)
{
	size_t n = 100000;
	char *src = malloc(2 * n + 32);
	for (int kind = 0; kind < 3; kind++) {
		strcpy(src, ".word ");
		char *p = src + 6;
		for (size_t i = 0; i < n; i++)
			*p++ = kind == 0 ? '(' : kind == 1 ? '-' : '~';
		strcpy(p, "1\n");
		ast_bad(src, 1, 7 + 64, "expression nested more than 64 deep");
	}
	free(src);
	struct image img;
	ast_good(".word ((((((((((((((((((((1))))))))))))))))))))\n"
		 ".word - - -1\n", &img);
	ck_assert_uint_eq(ast_word_at(&img, 0x1000), 1);
	ck_assert_uint_eq(ast_word_at(&img, 0x1004), 0xffffffff);
	image_free(&img);
}
END_TEST

/* Regression (UBSan): a product of two 32-bit values overflowed int64;
 * values are kept modulo 2^32 like every other operation. */
START_TEST(multiply_wraps)
{
	struct image img;
	ast_good(".word 0xffffffff * 0xffffffff\n"
		 ".word 0x80000000 * 0x80000000 * 0x80000000\n"
		 ".word -0x80000000 * 0xffffffff\n"
		 ".word 0x10000 * 0x10000 + 5\n", &img);
	ck_assert_uint_eq(ast_word_at(&img, 0x1000), 1);
	ck_assert_uint_eq(ast_word_at(&img, 0x1004), 0);
	ck_assert_uint_eq(ast_word_at(&img, 0x1008), 0x80000000);
	ck_assert_uint_eq(ast_word_at(&img, 0x100c), 5);
	image_free(&img);
}
END_TEST

/* 80,000 labels (22 s with the old linear symbol table): every one
 * defined and referenced. */
START_TEST(many_labels)
{
	int n = 80000;
	size_t cap = (size_t)n * 40 + 64;
	char *src = malloc(cap), *p = src;
	for (int i = 0; i < n; i++)
		p += sprintf(p, "l%d: .word l%d\n", i, n - 1 - i);
	struct image img;
	ast_good(src, &img);
	ck_assert_uint_eq(img.nsym, (uint32_t)n);
	ck_assert_uint_eq(ast_word_at(&img, 0x1000), 0x1000 + 4 * (n - 1));
	ck_assert_str_eq(image_symbol_at(&img, 0x1000 + 4 * 777)->name,
			 "l777");
	image_free(&img);
	free(src);
}
END_TEST

/* lapc: the same bytes wherever the code is assembled, and the address
 * where it actually runs. */
START_TEST(lapc_position_independent)
{
	struct image a, b;
	ast_good(".org 0x2000\nf: lapc r1, msg\nlapc r2, f\nmsg: .word 1\n",
		 &a);
	ast_good(".org 0x9000\nf: lapc r1, msg\nlapc r2, f\nmsg: .word 1\n",
		 &b);
	ck_assert_uint_eq(a.seg[0].size, 28);
	ck_assert_int_eq(memcmp(a.seg[0].data, b.seg[0].data, 28), 0);
	ck_assert_uint_eq(mem_ld32(a.seg[0].data), 0x0000015f); /* call .+4 */
	ck_assert_uint_eq(mem_ld32(a.seg[0].data + 4), 0x00000149); /* pop r1 */
	ck_assert_uint_eq(mem_ld32(a.seg[0].data + 8), 0x00141130); /* +20 */
	ck_assert_uint_eq(mem_ld32(a.seg[0].data + 20), 0xfff02230); /* -16 */
	image_free(&a);
	image_free(&b);

	/* Assembled to run at 0x6000 but loaded and run at 0x2000: la
	 * gives the address it was assembled for, lapc the real one. */
	struct th *t = th_boot(".org 0x6000, 0x2000\n"
			       ".entry 0x2000\n"
			       "f:      la   r1, msg\n"
			       "        lapc r2, msg\n"
			       "        ldw  r3, 0(r2)\n"
			       "        out  r0, 0(r0)\n"
			       "msg:    .word 0x5a5a\n");
	ck_assert_int_eq(th_run(t, 100), VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->cpu.r[1], 0x601c);
	ck_assert_uint_eq(t->vm->cpu.r[2], 0x201c);
	ck_assert_uint_eq(t->vm->cpu.r[3], 0x5a5a);
	ck_assert_uint_eq(t->vm->cpu.r[15], t->vm->mem.size);	/* sp back */
	th_free(t);

	ast_bad("lapc r1, 0x20000\n", 1, 10, "lapc target 0x00020000 is "
		"126972 bytes away, more than 32 KiB");
	ast_bad("lapc r1\n", 1, 8, "expected ','");
	ast_bad("lapc 5, x\nx: nop\n", 1, 6, "expected a register");
	ast_bad("lapc r1, x y\nx: nop\n", 1, 12, "unexpected text");
}
END_TEST

static Suite *as_layout_suite(void)
{
	Suite *s = suite_create("as_layout");
	TCase *tc = tcase_create("layout");
	tcase_add_test(tc, org_load_address);
	tcase_add_test(tc, bss_regions);
	tcase_add_test(tc, constants_in_image);
	tcase_add_test(tc, line_table);
	tcase_add_test(tc, lapc_position_independent);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, output_bounded);
	tcase_add_test(tc, expression_depth);
	tcase_add_test(tc, multiply_wraps);
	tcase_add_test(tc, many_labels);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(as_layout_suite());
}
