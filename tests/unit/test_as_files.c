/*
 * Unit tests: the files a source may read (.include, .incbin) and where
 * (aula-as(1), FILES A SOURCE MAY READ): relative names, nesting, and the
 * refusals that keep a hostile source from reading the host.
 */
#define _GNU_SOURCE		/* fmemopen, mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asm/as.h"
#include "tests/unit/harness.h"
#include "tests/unit/astest.h"

/* ---- .include ----------------------------------------------------------- */

static char tmpdir[64];

static void include_setup(void)
{
	th_mkdtemp(tmpdir, sizeof tmpdir, "as");
}

static void include_teardown(void)
{
	th_rmtree(tmpdir);
}

static void put_file(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	char *slash = strrchr(path, '/');
	if (slash > path + strlen(tmpdir)) {
		*slash = 0;
		mkdir(path, 0700);
		*slash = '/';
	}
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Assemble a file of tmpdir; errors in errs. */
static int as_file(const char *name, char *errs, size_t errlen,
		   struct image *img)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fmemopen(errs, errlen, "w");
	ck_assert_ptr_nonnull(f);
	int n = as_assemble(path, NULL, NULL, f, img);
	fclose(f);
	return n;
}

/* A name is relative to the file that includes it. */
START_TEST(include_relative)
{
	char errs[ERRLEN] = "";
	struct image img;
	put_file("main.s", ".org 0x2000\n"
		 ".include \"sub/a.s\"\n"
		 ".word 3, from_b\n");
	put_file("sub/a.s", ".word 1\n  .include   \"b.s\"  ; comment\n");
	put_file("sub/b.s", "from_b: .word 2\n");
	put_file("b.s", ".word 0xbad\n");	/* the wrong b.s */
	ck_assert_msg(as_file("main.s", errs, sizeof errs, &img) == 0, "%s",
		      errs);
	ck_assert_uint_eq(img.nseg, 1);
	ck_assert_uint_eq(img.seg[0].size, 16);
	ck_assert_uint_eq(ast_word_at(&img, 0x2000), 1);
	ck_assert_uint_eq(ast_word_at(&img, 0x2004), 2);
	ck_assert_uint_eq(ast_word_at(&img, 0x2008), 3);
	ck_assert_uint_eq(ast_word_at(&img, 0x200c), 0x2004);
	image_free(&img);

	/* An absolute name inside the tree. */
	char src[512];
	snprintf(src, sizeof src, ".org 0x2000\n.include \"%s/sub/b.s\"\n",
		 tmpdir);
	put_file("abs.s", src);
	ck_assert_msg(as_file("abs.s", errs, sizeof errs, &img) == 0, "%s",
		      errs);
	ck_assert_uint_eq(ast_word_at(&img, 0x2000), 2);
	image_free(&img);
}
END_TEST

/* Errors in an included file name that file and its line. */
START_TEST(include_error_location)
{
	char errs[ERRLEN] = "", want[1024];
	struct image img;
	put_file("e1.s", "nop\n.include \"sub/bad.s\"\nfrob2\n");
	put_file("sub/bad.s", ".word 1\n  frob r1\n");
	ck_assert_int_eq(as_file("e1.s", errs, sizeof errs, &img), 2);
	snprintf(want, sizeof want, "%s/sub/bad.s:2:3: error: unknown "
		 "instruction 'frob'\n%s/e1.s:3:1: error: unknown instruction "
		 "'frob2'\n", tmpdir, tmpdir);
	ck_assert_str_eq(errs, want);

	/* The main file itself cannot be read. */
	ck_assert_int_eq(as_file("nonexistent.s", errs, sizeof errs, &img), 1);
	snprintf(want, sizeof want, "%s/nonexistent.s: error: cannot read",
		 tmpdir);
	ck_assert_msg(strncmp(errs, want, strlen(want)) == 0, "%s", errs);
}
END_TEST

/* A missing file or a malformed .include is one error.  Regression:
 * after an error while reading the sources the assembler skips pass 1 but
 * still runs pass 2, so every line that emits anything also gets
 * "internal error: this line's size changed between passes" (and any
 * forward reference an "undefined symbol"). */
START_TEST(include_missing)
{
	char errs[ERRLEN] = "", want[1024];
	struct image img;
	put_file("e2.s", "nop\n\n  .include \"missing.s\"\n");
	int n = as_file("e2.s", errs, sizeof errs, &img);
	/* A line-level error: column 1, like overlaps and misalignment. */
	snprintf(want, sizeof want, "%s/e2.s:3:1: error: cannot read '%s/"
		 "missing.s'", tmpdir, tmpdir);
	ck_assert_msg(strncmp(errs, want, strlen(want)) == 0, "%s", errs);
	ck_assert_msg(n == 1 && ast_count_lines(errs) == 1, "%d errors:\n%s", n,
		      errs);
}
END_TEST

START_TEST(include_syntax)
{
	ast_bad(".include missing.s\n", 1, 10, "expected a quoted file name");
	ast_bad(".include \"x.s\" extra\n", 1, 16, "unexpected text");
	/* Regression, as in include_missing: */
	ast_bad("nop\n.include missing.s\n", 2, 10, "expected a quoted file name");
}
END_TEST

/* A file that includes itself, directly or not, is stopped at the depth
 * limit with one error.  Regression, as in include_missing: 17 more
 * "internal error" lines follow. */
START_TEST(include_recursion)
{
	char errs[ERRLEN] = "", want[1024];
	struct image img;
	put_file("self.s", ".word 1\n.include \"self.s\"\n");
	int n = as_file("self.s", errs, sizeof errs, &img);
	snprintf(want, sizeof want, "%s/self.s:2:1: error: .include nested "
		 "more than 16 deep", tmpdir);
	ck_assert_msg(strncmp(errs, want, strlen(want)) == 0, "%s", errs);
	ck_assert_msg(n == 1 && ast_count_lines(errs) == 1, "%d errors:\n%s", n,
		      errs);
}
END_TEST

START_TEST(include_recursion_mutual)
{
	char errs[ERRLEN] = "";
	struct image img;
	put_file("ping.s", ".include \"pong.s\"\n");
	put_file("pong.s", ".include \"ping.s\"\n");
	int n = as_file("ping.s", errs, sizeof errs, &img);
	ck_assert_msg(strstr(errs, "nested more than 16 deep") != NULL, "%s",
		      errs);
	ck_assert_msg(n == 1 && ast_count_lines(errs) == 1, "%d errors:\n%s", n,
		      errs);
}
END_TEST

/* Sixteen levels of nesting are allowed. */
START_TEST(include_depth_16)
{
	char errs[ERRLEN] = "";
	struct image img;
	for (int i = 0; i < 16; i++) {
		char name[32], text[64];
		snprintf(name, sizeof name, "deep%d.s", i);
		snprintf(text, sizeof text, ".byte %d\n.include \"deep%d.s\"\n",
			 i, i + 1);
		put_file(name, text);
	}
	put_file("deep16.s", ".byte 16\n");
	ck_assert_msg(as_file("deep0.s", errs, sizeof errs, &img) == 0, "%s",
		      errs);
	ck_assert_uint_eq(img.seg[0].size, 17);
	for (int i = 0; i <= 16; i++)
		ck_assert_uint_eq(img.seg[0].data[i], i);
	image_free(&img);
}
END_TEST

/* Assemble a file of tmpdir with -I dirs; errors in errs. */
static int as_file_inc(const char *name, const char *const *dirs, int n,
		       char *errs, size_t errlen, struct image *img)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fmemopen(errs, errlen, "w");
	ck_assert_ptr_nonnull(f);
	struct as_options opt = { .include_dirs = dirs, .ninclude_dirs = n };
	int e = as_assemble_opts(path, NULL, &opt, f, img);
	fclose(f);
	return e;
}

/* One error, containing want, at file:line. */
static void one_error(const char *name, const char *errs, int n, int line,
		      const char *want)
{
	char where[600];
	snprintf(where, sizeof where, "%s/%s:%d:", tmpdir, name, line);
	ck_assert_msg(n == 1 && ast_count_lines(errs) == 1, "%d errors:\n%s",
		      n, errs);
	ck_assert_msg(strncmp(errs, where, strlen(where)) == 0 &&
		      strstr(errs, want), "want %s ... %s, got:\n%s", where,
		      want, errs);
}

/* Outside the main file's tree: refused, absolute or through "..";
 * allowed once the directory is named with -I. */
START_TEST(include_outside_tree)
{
	char errs[ERRLEN] = "", text[600];
	struct image img;
	put_file("lib/util.inc", ".word 0x11\n");
	put_file("prog/a.s", ".include \"../lib/util.inc\"\n");
	int n = as_file("prog/a.s", errs, sizeof errs, &img);
	one_error("prog/a.s", errs, n, 1, "'../lib/util.inc' is outside the "
		  "source's directory tree");

	snprintf(text, sizeof text, ".include \"%s/lib/util.inc\"\n", tmpdir);
	put_file("prog/b.s", text);
	n = as_file("prog/b.s", errs, sizeof errs, &img);
	one_error("prog/b.s", errs, n, 1, "is outside the source's directory");

	put_file("prog/c.s", ".include \"/etc/passwd\"\n");
	n = as_file("prog/c.s", errs, sizeof errs, &img);
	one_error("prog/c.s", errs, n, 1, "'/etc/passwd' is outside");
	ck_assert_ptr_null(strstr(errs, "root"));

	char lib[600];
	snprintf(lib, sizeof lib, "%s/lib", tmpdir);
	const char *dirs[] = { lib };
	for (int i = 0; i < 2; i++) {
		n = as_file_inc(i ? "prog/b.s" : "prog/a.s", dirs, 1, errs,
				sizeof errs, &img);
		ck_assert_msg(n == 0, "%s", errs);
		ck_assert_uint_eq(ast_word_at(&img, 0x1000), 0x11);
		image_free(&img);
	}
	/* A bare name not found next to the file is looked up in -I. */
	put_file("prog/d.s", ".include \"util.inc\"\n");
	n = as_file_inc("prog/d.s", dirs, 1, errs, sizeof errs, &img);
	ck_assert_msg(n == 0, "%s", errs);
	image_free(&img);

	/* A symbolic link does not lead out of the tree. */
	char link[600];
	snprintf(link, sizeof link, "%s/prog/passwd", tmpdir);
	ck_assert_int_eq(symlink("/etc/passwd", link), 0);
	put_file("prog/e.s", ".include \"passwd\"\n");
	n = as_file("prog/e.s", errs, sizeof errs, &img);
	one_error("prog/e.s", errs, n, 1, "'passwd' is outside");
}
END_TEST

/* Only regular files: a FIFO would hang the assembler, /dev/zero never
 * ends.  Both are refused before anything is read. */
START_TEST(include_not_regular)
{
	char errs[ERRLEN] = "", fifo[600];
	struct image img;
	snprintf(fifo, sizeof fifo, "%s/fifo.s", tmpdir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	put_file("f.s", ".include \"fifo.s\"\n");
	int n = as_file("f.s", errs, sizeof errs, &img);
	one_error("f.s", errs, n, 1, "not a regular file");
	put_file("g.s", "nop\n.incbin \"fifo.s\"\n");
	n = as_file("g.s", errs, sizeof errs, &img);
	one_error("g.s", errs, n, 2, "not a regular file");
	/* The main file itself. */
	n = as_file("fifo.s", errs, sizeof errs, &img);
	ck_assert_msg(n == 1 && strstr(errs, "not a regular file"), "%s",
		      errs);

	const char *dev[] = { "/dev" };
	put_file("z.s", ".incbin \"/dev/zero\"\n");
	n = as_file_inc("z.s", dev, 1, errs, sizeof errs, &img);
	one_error("z.s", errs, n, 1, "not a regular file");
}
END_TEST

/* .incbin: the whole file, a tail, a slice; bytes exactly as stored. */
START_TEST(incbin_good)
{
	char errs[ERRLEN] = "";
	struct image img;
	put_file("data/blob.bin", "ABCDEFGH");
	put_file("ib.s", ".org 0x3000\n"
		 "all:  .incbin \"data/blob.bin\"\n"
		 "tail: .incbin \"data/blob.bin\", 5\n"
		 "mid:  .INCBIN \"data/blob.bin\", 2, 3 ; comment\n"
		 "none: .incbin \"data/blob.bin\", 8\n"
		 "end:  .byte 0\n");
	int n = as_file("ib.s", errs, sizeof errs, &img);
	ck_assert_msg(n == 0, "%s", errs);
	ck_assert_uint_eq(img.nseg, 1);
	ck_assert_uint_eq(img.seg[0].size, 8 + 3 + 3 + 1);
	ck_assert_int_eq(memcmp(img.seg[0].data, "ABCDEFGHFGHCDE\0", 15), 0);
	ck_assert_uint_eq(ast_sym_value(&img, "tail"), 0x3008);
	ck_assert_uint_eq(ast_sym_value(&img, "mid"), 0x300b);
	ck_assert_uint_eq(ast_sym_value(&img, "end"), 0x300e);
	image_free(&img);
}
END_TEST

START_TEST(incbin_bad)
{
	static const struct { const char *line; const char *msg; } t[] = {
		{ ".incbin blob.bin", "expected a quoted file name after "
		  ".incbin" },
		{ ".incbin \"\"", "expected a quoted file name" },
		{ ".incbin \"nothere.bin\"", "cannot read" },
		{ ".incbin \"blob.bin\", 9", "offset 9 is outside the file's "
		  "8 bytes" },
		{ ".incbin \"blob.bin\", -1", "offset -1 is outside" },
		{ ".incbin \"blob.bin\", 2, 7", "length 7 runs past the "
		  "file's 8 bytes" },
		{ ".incbin \"blob.bin\", later", "must be known where it "
		  "stands" },
		{ ".incbin \"blob.bin\" 3", "unexpected text" },
		{ ".incbin \"../blob.bin\"", "is outside the source's "
		  "directory tree" },
	};
	put_file("d/blob.bin", "ABCDEFGH");
	put_file("blob.bin", "ABCDEFGH");
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		char errs[ERRLEN] = "", text[256];
		struct image img;
		snprintf(text, sizeof text, "nop\n%s\nlater: nop\n", t[i].line);
		put_file("d/bad.s", text);
		int n = as_file("d/bad.s", errs, sizeof errs, &img);
		one_error("d/bad.s", errs, n, 2, t[i].msg);
	}
}
END_TEST

/* ---- as_load_program ---------------------------------------------------- */

/* Load tmpdir's name as aula run and aula grade do. */
static enum as_program load(const char *name, char *errs, size_t errlen,
			    struct image *img, int *nerrors, char *err)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	static const struct as_options opt;
	FILE *f = fmemopen(errs, errlen, "w");
	ck_assert_ptr_nonnull(f);
	enum as_program got = as_load_program(path, 0, &opt, f, img, nerrors,
					      err, 512);
	fclose(f);
	return got;
}

/* A source, the image it assembles to, and each way a file can fail:
 * the file is read once, and what it says is what a read of each kind
 * said before (aula grade's reports quote it). */
START_TEST(load_program_kinds)
{
	char errs[ERRLEN] = "", err[512] = "", path[512];
	struct image img, again;
	int n;
	put_file("p.s", "_start: li r1, 7\n\thalt\n");
	ck_assert_int_eq(load("p.s", errs, sizeof errs, &img, &n, err),
			 AS_PROGRAM_OK);
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(img.nseg, 1);
	snprintf(path, sizeof path, "%s/p.img", tmpdir);
	ck_assert_int_eq(image_write(&img, path, 0, err, sizeof err), 0);
	ck_assert_int_eq(load("p.img", errs, sizeof errs, &again, &n, err),
			 AS_PROGRAM_OK);
	ck_assert_uint_eq(again.entry, img.entry);
	ck_assert_uint_eq(again.seg[0].size, img.seg[0].size);
	ck_assert_mem_eq(again.seg[0].data, img.seg[0].data,
			 img.seg[0].size);
	image_free(&img);
	image_free(&again);

	ck_assert_int_eq(load("nothere.s", errs, sizeof errs, &img, &n, err),
			 AS_PROGRAM_UNREADABLE);
	ck_assert_str_eq(err, "cannot open: No such file or directory");

	/* An image's magic and then nothing sound. */
	snprintf(path, sizeof path, "%s/bad.img", tmpdir);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite("AULAIMG\0garbage", 1, 15, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(load("bad.img", errs, sizeof errs, &img, &n, err),
			 AS_PROGRAM_BAD_IMAGE);
	/* err says why, not where: the caller names the file. */
	ck_assert_msg(!strstr(err, path) && strstr(err, "truncated"), "%s",
		      err);

	/* A directory and a FIFO: refused, not read (a FIFO would wait
	 * for a writer for ever). */
	snprintf(path, sizeof path, "%s/ldir.s", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	errs[0] = 0;
	ck_assert_int_eq(load("ldir.s", errs, sizeof errs, &img, &n, err),
			 AS_PROGRAM_ASSEMBLY);
	ck_assert_int_eq(n, 1);
	ck_assert_msg(strstr(errs, "cannot read: not a regular file"), "%s",
		      errs);
	snprintf(path, sizeof path, "%s/lfifo.s", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	errs[0] = 0;
	ck_assert_int_eq(load("lfifo.s", errs, sizeof errs, &img, &n, err),
			 AS_PROGRAM_ASSEMBLY);
	ck_assert_msg(strstr(errs, "cannot read: not a regular file"), "%s",
		      errs);
}
END_TEST

static Suite *as_files_suite(void)
{
	Suite *s = suite_create("as_files");
	TCase *tc = tcase_create("include");
	tcase_add_unchecked_fixture(tc, include_setup, include_teardown);
	tcase_add_test(tc, include_relative);
	tcase_add_test(tc, include_error_location);
	tcase_add_test(tc, include_missing);
	tcase_add_test(tc, include_syntax);
	tcase_add_test(tc, include_recursion);
	tcase_add_test(tc, include_recursion_mutual);
	tcase_add_test(tc, include_depth_16);
	tcase_add_test(tc, include_outside_tree);
	tcase_add_test(tc, include_not_regular);
	tcase_add_test(tc, incbin_good);
	tcase_add_test(tc, incbin_bad);
	tcase_add_test(tc, load_program_kinds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(as_files_suite());
}
