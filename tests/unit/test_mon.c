/*
 * The monitor's pure pieces: the expression parser (with a fake machine),
 * the command table (lookup, help, completion), mmu_peek, and a few
 * commands run through mon_exec with their output captured -- bad input
 * above all.
 */
#define _GNU_SOURCE		/* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/expr.h"
#include "monitor/mon_int.h"
#include "tests/unit/harness.h"

/* ---- expressions, over a fake machine ------------------------------------ */

static int reads;	/* deref calls, to see the short circuit */

static int fake_name(void *opaque, const char *name, uint64_t *v)
{
	(void)opaque;
	static const struct { const char *n; uint64_t v; } names[] = {
		{ "r1", 1 }, { "r3", 5 }, { "sp", 0x1000 }, { "main", 0x2000 },
		{ "main.loop", 0x2010 }, { "$insns", 0x100000002ull },
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(name, names[i].n)) {
			*v = names[i].v;
			return name[0] == '$' ? MON_EXPR_WIDE : MON_EXPR_NARROW;
		}
	return -1;
}

static int fake_deref(void *opaque, uint32_t addr, uint32_t *v, char *why,
		      size_t len)
{
	(void)opaque;
	reads++;
	if (addr >= 0x10000) {
		snprintf(why, len, "not mapped");
		return -1;
	}
	*v = addr + 1;	/* memory holds its address plus one */
	return 0;
}

static const struct mon_expr_env env = { .name = fake_name,
					 .deref = fake_deref };

static uint32_t ev(const char *s)
{
	struct mon_expr r;
	ck_assert_msg(mon_expr_eval(&env, s, &r) == 0, "'%s': %s", s, r.err);
	ck_assert_msg(*r.end == 0, "'%s' stopped at '%s'", s, r.end);
	return r.value;
}

/* s must fail, with the caret at offset at and a message containing msg. */
static void bad(const char *s, int at, const char *msg)
{
	struct mon_expr r;
	ck_assert_msg(mon_expr_eval(&env, s, &r) != 0, "'%s' was accepted", s);
	ck_assert_msg(r.err_at - s == at, "'%s': error at %d, not %d (%s)", s,
		      (int)(r.err_at - s), at, r.err);
	ck_assert_msg(strstr(r.err, msg), "'%s': '%s' lacks '%s'", s, r.err,
		      msg);
}

START_TEST(expr_numbers)
{
	ck_assert_uint_eq(ev("42"), 42);
	ck_assert_uint_eq(ev("0x2A"), 42);
	ck_assert_uint_eq(ev("0b101010"), 42);
	ck_assert_uint_eq(ev("'*'"), 42);
	ck_assert_uint_eq(ev("'\\n'"), 10);
	ck_assert_uint_eq(ev("0xffffffff"), 0xffffffffu);
	ck_assert_uint_eq(ev("4294967295"), 0xffffffffu);
	ck_assert_uint_eq(ev("  7  "), 7);
}
END_TEST

START_TEST(expr_precedence)
{
	ck_assert_uint_eq(ev("1 + 2 * 3"), 7);
	ck_assert_uint_eq(ev("(1 + 2) * 3"), 9);
	ck_assert_uint_eq(ev("1 << 4 + 1"), 32);
	ck_assert_uint_eq(ev("0x10 | 1 & 3"), 0x11);
	ck_assert_uint_eq(ev("6 ^ 3 | 8"), 13);
	ck_assert_uint_eq(ev("1 + 2 == 3 && 4 > 3"), 1);
	ck_assert_uint_eq(ev("0 || 2 < 1"), 0);
	ck_assert_uint_eq(ev("10 - 3 - 2"), 5);
	ck_assert_uint_eq(ev("100 / 10 / 5"), 2);
	ck_assert_uint_eq(ev("17 % 5"), 2);
	ck_assert_uint_eq(ev("-1"), 0xffffffffu);
	ck_assert_uint_eq(ev("~0 >> 28"), 15);
	ck_assert_uint_eq(ev("!0 + !5"), 1);
	ck_assert_uint_eq(ev("2 <= 2 != 0"), 1);
	ck_assert_uint_eq(ev("1 << 32"), 0);
	ck_assert_uint_eq(ev("0xffffffff + 1"), 0);
	/* Comparisons are unsigned, like the registers. */
	ck_assert_uint_eq(ev("-1 > 1"), 1);
}
END_TEST

/* 64 bits where a 64-bit counter or number takes part, as in C. */
static uint64_t ev64(const char *s, bool wide)
{
	struct mon_expr r;
	ck_assert_msg(mon_expr_eval(&env, s, &r) == 0, "'%s': %s", s, r.err);
	ck_assert_msg(r.wide == wide, "'%s' is %s", s,
		      r.wide ? "wide" : "32-bit");
	return r.value64;
}

START_TEST(expr_64_bit_counters)
{
	ck_assert_uint_eq(ev64("$insns", true), 0x100000002ull);
	ck_assert_uint_eq(ev64("$insns + 1", true), 0x100000003ull);
	ck_assert_uint_eq(ev64("$insns >> 32", true), 1);
	ck_assert_uint_eq(ev64("$insns > 0xffffffff", false), 1);
	ck_assert_uint_eq(ev64("0x100000000 - 1", true), 0xffffffffull);
	ck_assert_uint_eq(ev64("r1 - 2", false), 0xffffffffull);
	ck_assert_uint_eq(ev64("-r1", false), 0xffffffffull);
	ck_assert_uint_eq(ev64("r1 << 32", false), 0);
	ck_assert_uint_eq(ev64("[$insns]", false), 3);	/* address: 32 bits */
}
END_TEST

START_TEST(expr_names_and_memory)
{
	ck_assert_uint_eq(ev("r3 == 5"), 1);
	ck_assert_uint_eq(ev("main.loop - main"), 0x10);
	ck_assert_uint_eq(ev("$insns"), 2);	/* the low 32 bits */
	ck_assert_uint_eq(ev("[sp]"), 0x1001);
	ck_assert_uint_eq(ev("[sp + 4]"), 0x1005);
	ck_assert_uint_eq(ev("*sp + 4"), 0x1005);	/* unary binds first */
	ck_assert_uint_eq(ev("*(sp + 4)"), 0x1005);
	ck_assert_uint_eq(ev("[[sp]]"), 0x1002);
	ck_assert_uint_eq(ev("2 * *sp"), 0x2002);

	struct mon_expr r;
	const char *s = "r3 + [sp] == r3 + 1";
	ck_assert_int_eq(mon_expr_eval(&env, s, &r), 0);
	ck_assert_int_eq(r.nterm, 3);	/* r3 once, sp, [sp] */
	ck_assert_int_eq(r.term[0].len, 2);
	ck_assert(!strncmp(r.term[0].text, "r3", 2));
	ck_assert_uint_eq(r.term[1].value, 0x1000);
	ck_assert_uint_eq(r.term[2].value, 0x1001);
	ck_assert(!strncmp(r.term[2].text, "[sp]", (size_t)r.term[2].len));
}
END_TEST

START_TEST(expr_short_circuit)
{
	reads = 0;
	ck_assert_uint_eq(ev("0 && [0x20000]"), 0);
	ck_assert_uint_eq(ev("1 || [0x20000]"), 1);
	ck_assert_uint_eq(ev("0 && 1 / 0"), 0);
	ck_assert_int_eq(reads, 0);
	bad("1 && [0x20000]", 5, "not mapped");
}
END_TEST

START_TEST(expr_ends)
{
	/* An expression ends where it cannot go on: the caller parses the
	 * rest (watch ADDR LEN, break ADDR if COND). */
	struct mon_expr r;
	const char *s = "main 16";
	ck_assert_int_eq(mon_expr_eval(&env, s, &r), 0);
	ck_assert_uint_eq(r.value, 0x2000);
	ck_assert_str_eq(r.end, "16");
	s = "main + 4 if r1";
	ck_assert_int_eq(mon_expr_eval(&env, s, &r), 0);
	ck_assert_uint_eq(r.value, 0x2004);
	ck_assert_str_eq(r.end, "if r1");
	s = "r1 \"message\"";
	ck_assert_int_eq(mon_expr_eval(&env, s, &r), 0);
	ck_assert_str_eq(r.end, "\"message\"");
}
END_TEST

START_TEST(expr_errors)
{
	bad("", 0, "expected a value");
	bad("1 +", 3, "expected a value at the end");
	bad("(1 + 2", 0, "expected ')' before the end");	/* the '(' */
	bad("(1 + 2]", 6, "expected ')'");
	bad("[sp", 0, "expected ']'");
	bad("nosuch + 1", 0, "no register or label 'nosuch'");
	bad("1 + nosuch", 4, "'nosuch'");
	bad("0x", 0, "0x needs digits");
	bad("12ab", 2, "not a base-10 digit");
	bad("12g", 2, "'g' cannot follow a number");
	bad("0x1g", 3, "'g' cannot follow");
	bad("0b102", 4, "not a base-2 digit");
	bad("0x10000000000000000", 0, "too big for 64 bits");
	bad("99999999999999999999", 0, "too big for 64 bits");
	bad("7 / 0", 2, "division by zero");
	bad("7 % (1 - 1)", 2, "division by zero");
	bad("[0x20000]", 0, "memory at 0x00020000: not mapped");
	bad("''", 0, "empty character");
	bad("'ab'", 0, "unterminated character");
	bad("'\\q'", 2, "unknown escape");
	bad("1 + )", 4, "not ')'");
	bad("@", 0, "not '@'");
	char deep[200];
	memset(deep, '(', sizeof deep - 1);
	deep[sizeof deep - 1] = 0;
	struct mon_expr r;
	ck_assert_int_ne(mon_expr_eval(&env, deep, &r), 0);
	ck_assert(strstr(r.err, "nested too deeply"));
	memset(deep, '-', sizeof deep - 1);
	ck_assert_int_ne(mon_expr_eval(&env, deep, &r), 0);
}
END_TEST

/* ---- the command table --------------------------------------------------- */

START_TEST(table_lookup)
{
	const struct mon_cmd *c;
	ck_assert_int_eq(mon_cmd_lookup("step", 4, &c), 1);
	ck_assert_str_eq(c->name, "step");
	ck_assert_int_eq(mon_cmd_lookup("s", 1, &c), 1);	/* alias */
	ck_assert_str_eq(c->name, "step");
	ck_assert_int_eq(mon_cmd_lookup("x", 1, &c), 1);	/* not xp */
	ck_assert_str_eq(c->name, "x");
	ck_assert_int_eq(mon_cmd_lookup("cont", 4, &c), 1);
	ck_assert_str_eq(c->name, "continue");
	ck_assert_int_eq(mon_cmd_lookup("tra", 3, &c), 2);	/* trace, translate */
	ck_assert_int_eq(mon_cmd_lookup("se", 2, &c), 2);	/* set, send */
	ck_assert_int_eq(mon_cmd_lookup("frob", 4, &c), 0);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(mon_cmd_lookup("", 0, &c), 0);
	ck_assert_int_eq(mon_cmd_lookup("stepping", 8, &c), 0);
}
END_TEST

START_TEST(table_well_formed)
{
	for (size_t i = 0; i < mon_ncmds; i++) {
		const struct mon_cmd *c = &mon_cmds[i], *d;
		ck_assert_msg(c->name && c->args && c->summary && c->fn,
			      "command %zu is incomplete", i);
		ck_assert_msg(strlen(c->summary) <= 28, "%s: the summary is "
			      "longer than help's column", c->name);
		ck_assert_msg(mon_cmd_lookup(c->name, strlen(c->name), &d) == 1
			      && d == c, "%s does not find itself", c->name);
		if (c->alias)
			ck_assert_msg(mon_cmd_lookup(c->alias, strlen(c->alias),
						     &d) == 1 && d == c,
				      "%s: alias %s", c->name, c->alias);
		for (size_t k = 0; k < i; k++)
			ck_assert_msg(strcmp(c->name, mon_cmds[k].name),
				      "%s twice", c->name);
	}
}
END_TEST

/* Render help into a string; check every line fits width columns. */
static char *render(const char *topic, int *lines, int width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	int rc = mon_help(f, topic);
	fclose(f);
	*lines = rc ? -1 : 0;
	for (char *p = buf, *nl; rc == 0 && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		ck_assert_msg(nl, "help %s: no final newline", topic);
		ck_assert_msg(nl - p <= width, "help %s: a line of %d columns: "
			      "%.*s", topic, (int)(nl - p), (int)(nl - p), p);
		(*lines)++;
	}
	return buf;
}

START_TEST(help_fits)
{
	int lines;
	free(render(NULL, &lines, 80));
	ck_assert_msg(lines <= 23, "help takes %d lines: with the prompt it "
		      "must fit 24", lines);
	char *all = render("", &lines, 80);
	for (size_t i = 0; i < mon_ncmds; i++) {
		ck_assert_msg(strstr(all, mon_cmds[i].name), "help lacks %s",
			      mon_cmds[i].name);
		free(render(mon_cmds[i].name, &lines, 80));
		ck_assert_msg(lines > 1 && lines <= 23, "help %s: %d lines",
			      mon_cmds[i].name, lines);
	}
	free(all);
	free(render("expr", &lines, 80));
	ck_assert_int_gt(lines, 5);
	free(render("nosuch", &lines, 80));
	ck_assert_int_eq(lines, -1);
	free(render("se", &lines, 80));	/* ambiguous */
	ck_assert_int_eq(lines, -1);
}
END_TEST

struct words {
	char buf[2048];
};

static void collect(void *ctx, const char *word)
{
	struct words *w = ctx;
	strcat(w->buf, word);
	strcat(w->buf, " ");
}

static const char *complete(const char *line, const char *text)
{
	static struct words w;
	w.buf[0] = 0;
	mon_complete(NULL, line, strlen(line) - strlen(text), text, collect,
		     &w);
	return w.buf;
}

START_TEST(completion)
{
	ck_assert_str_eq(complete("st", "st"), "step ");
	ck_assert_str_eq(complete("  di", "di"), "disable display disas ");
	ck_assert_str_eq(complete("info p", "p"), "ports pagetable ");
	ck_assert_str_eq(complete("trace ", ""), "insn int mmu io ");
	ck_assert_str_eq(complete("trace mmu o", "o"), "on off ");
	ck_assert_str_eq(complete("help tr", "tr"), "translate trace ");
	ck_assert_str_eq(complete("help ex", "ex"), "expect expr ");
	ck_assert_str_eq(complete("print r1", "r1"), "r1 r10 r11 r12 r13 "
			 "r14 r15 ");
	ck_assert_str_eq(complete("break tr", "tr"), "trap ");
	ck_assert_str_eq(complete("break main i", "i"), "if icount ");
	ck_assert_str_eq(complete("x/4x ks", "ks"), "ksp kscratch ");
	ck_assert_str_eq(complete("frob ", ""), "");
	ck_assert_str_eq(complete("regs ", ""), "");
}
END_TEST

/* ---- mmu_peek ------------------------------------------------------------- */

START_TEST(peek_has_no_side_effects)
{
	struct th *t = th_boot("_start: halt\n");
	struct vm *vm = t->vm;
	uint8_t b[4];
	uint32_t pa;
	/* directory at 0x10000, table at 0x11000: VA 0x400000 -> 0x20000 */
	mem_st32(b, 0x11000 | MMU_PTE_P | MMU_PTE_W);
	mem_write(&vm->mem, 0x10000 + 4 * 1, b, 4);
	mem_st32(b, 0x20000 | MMU_PTE_P);
	mem_write(&vm->mem, 0x11000, b, 4);
	mmu_set_ptbr(vm, 0x10000);
	mmu_set_paging(vm, 1);
	uint32_t touched = vm->mem.touched;
	struct mmu_stats before = vm->mmu.stats;

	ck_assert_uint_eq(mmu_peek(vm, 0x400123, MMU_READ, false, &pa), 0);
	ck_assert_uint_eq(pa, 0x20123);
	ck_assert_uint_eq(mmu_peek(vm, 0x400000, MMU_WRITE, false, &pa),
			  CPU_VEC_PAGE_FAULT | MMU_FAULT_PROT | MMU_FAULT_WRITE);
	ck_assert_uint_eq(mmu_peek(vm, 0x400000, MMU_READ, true, &pa),
			  CPU_VEC_PAGE_FAULT | MMU_FAULT_PROT | MMU_FAULT_USER);
	ck_assert_uint_eq(mmu_peek(vm, 0x800000, MMU_READ, false, &pa),
			  CPU_VEC_PAGE_FAULT);
	/* No A or D bit, no counter, no page allocated. */
	ck_assert_uint_eq(th_peek32(t, 0x10004) & MMU_PTE_A, 0);
	ck_assert_uint_eq(th_peek32(t, 0x11000) & MMU_PTE_A, 0);
	ck_assert_mem_eq(&before, &vm->mmu.stats, sizeof before);
	ck_assert_uint_eq(vm->mem.touched, touched);

	mmu_set_paging(vm, 0);
	ck_assert_uint_eq(mmu_peek(vm, 0x1000, MMU_READ, false, &pa), 0);
	ck_assert_uint_eq(pa, 0x1000);
	ck_assert_uint_eq(mmu_peek(vm, vm->mem.size, MMU_READ, false, &pa),
			  CPU_VEC_BUS_ERROR);
	th_free(t);
}
END_TEST

/* ---- commands through mon_exec ------------------------------------------- */

struct session {
	struct mon *m;
	struct image img;
	char *out;
	size_t len;
	FILE *f;
};

static const char prog[] =
	"_start: li r3, 5\n"
	"        call f\n"
	"        out r0, 0(r0)\n"
	"f:      addi r3, r3, 1\n"
	".again: ret\n"
	"        .align 4\n"
	"data:   .word 0x11223344\n";

static void open_session(struct session *s)
{
	char errs[1024], err[256];
	memset(s, 0, sizeof *s);
	ck_assert_int_eq(th_assemble(prog, errs, sizeof errs, &s->img), 0);
	s->f = open_memstream(&s->out, &s->len);
	ck_assert_ptr_nonnull(s->f);
	struct mon_config cfg = { .img = &s->img, .program = "prog.s",
				  .out = s->f, .quiet = true,
				  .runlimit = 1000 };
	s->m = mon_create(&cfg, err, sizeof err);
	ck_assert_msg(s->m != NULL, "mon_create: %s", err);
}

/* Run a line; its output (from the start of this line) must contain
 * want, and the command must succeed or fail as rc says. */
static void run(struct session *s, const char *line, int rc, const char *want)
{
	long at = ftell(s->f);
	int got = mon_exec(s->m, line);
	fflush(s->f);
	const char *out = s->out + at;
	ck_assert_msg(got == rc, "'%s' returned %d, not %d:\n%s", line, got,
		      rc, out);
	ck_assert_msg(strstr(out, want), "'%s' printed:\n%s\nnot '%s'", line,
		      out, want);
}

static void close_session(struct session *s)
{
	mon_destroy(s->m);
	fclose(s->f);
	free(s->out);
	image_free(&s->img);
}

/* What the monitor told its front end (cfg.stopped), newest last. */
static char told[8][64];
static int ntold;
static const struct vm *told_vm;

static void record_stop(void *opaque, const struct vm *vm, const char *state)
{
	(void)opaque;
	told_vm = vm;
	if (ntold < 8)
		snprintf(told[ntold++], sizeof *told, "%s",
			 state ? state : "(the machine's)");
}

/* A window's title follows the monitor's stops and its new machines. */
START_TEST(front_end_told_of_stops)
{
	struct session s;
	char errs[1024], err[256];
	memset(&s, 0, sizeof s);
	ntold = 0;
	ck_assert_int_eq(th_assemble(prog, errs, sizeof errs, &s.img), 0);
	s.f = open_memstream(&s.out, &s.len);
	struct mon_config cfg = { .img = &s.img, .out = s.f, .quiet = true,
				  .runlimit = 1000, .stopped = record_stop };
	s.m = mon_create(&cfg, err, sizeof err);
	ck_assert_ptr_nonnull(s.m);
	ck_assert_int_eq(ntold, 1);		/* the first machine */
	ck_assert_str_eq(told[0], "(the machine's)");
	ck_assert_ptr_eq(told_vm, mon_vm(s.m));
	run(&s, "break f", 0, "");
	run(&s, "continue", 0, "stopped: breakpoint 1");
	ck_assert_str_eq(told[1], "at a breakpoint (monitor)");
	run(&s, "step", 0, "");
	ck_assert_str_eq(told[2], "stopped in the monitor");
	run(&s, "delete", 0, "");
	run(&s, "continue", 0, "stopped: poweroff");
	ck_assert_str_eq(told[3], "(the machine's)");
	run(&s, "run", 0, "");	/* a new machine, then its stop */
	ck_assert_int_eq(ntold, 6);
	ck_assert_ptr_eq(told_vm, mon_vm(s.m));
	close_session(&s);
}
END_TEST

START_TEST(commands)
{
	struct session s;
	open_session(&s);
	run(&s, "print 1 + 2", 0, "0x00000003 (3)\n");
	run(&s, "print -1", 0, "0xffffffff (4294967295, -1)\n");
	run(&s, "p data", 0, "0x00001014");
	run(&s, "x/w data", 0, "0x00001014 <data>:  0x11223344\n");
	run(&s, "x/2xb data", 0, "0x44  0x33\n");
	run(&s, "set mem/h data 0xbeef", 0, "");
	run(&s, "x/w data", 0, "0x1122beef");
	run(&s, "xp/w 0x1014", 0, "0x00001014:  0x1122beef");
	run(&s, "break f if r3 == 5", 0, "breakpoint 1: 0x0000100c <f> if "
	    "r3 == 5");
	run(&s, "continue", 0, "stopped: breakpoint 1: 0x0000100c <f>\n"
	    "=> 0x0000100c <f>:");
	run(&s, "bt", 0, "#1  0x00001008 <_start+0x8>  (return address at "
	    "0x00fffffc)");
	run(&s, "finish", 0, "finish: returned to 0x00001008 <_start+0x8> in kernel mode, "
	    "r1 = 0x00000000");
	run(&s, "regs", 0, " r3 00000006*");
	run(&s, "assert r3 == 6", 0, "");
	run(&s, "assert r3 == 7 \"r3 grew once\"", -1,
	    "error: assert failed: r3 == 7: r3 grew once\n"
	    "  r3 = 0x00000006 (6)\n");
	run(&s, "info break", 0, "1    breakpoint  yes  1     0x0000100c <f> "
	    "if r3 == 5");
	run(&s, "delete 1", 0, "");
	run(&s, "info break", 0, "no breakpoints");
	run(&s, "step", 0, "stopped: poweroff");
	run(&s, "step", -1, "the machine has stopped (poweroff)");
	run(&s, "run", 0, "stopped: poweroff");
	close_session(&s);
}
END_TEST

START_TEST(bad_commands)
{
	struct session s;
	open_session(&s);
	run(&s, "frobnicate 3", -1, "error: no command 'frobnicate'"
	    " (help lists them)\n  frobnicate 3\n  ^~~~~~~~~~\n");
	run(&s, "se", -1, "'se' is ambiguous: set send");
	run(&s, "break f if r9 === 2", -1, "expected a value, not '='\n"
	    "  break f if r9 === 2\n                  ^\n");
	run(&s, "print 3 +", -1, "expected a value at the end");
	run(&s, "regs now", -1, "unexpected 'now'\n  regs now\n       ^~~\n");
	run(&s, "step/4", -1, "step takes no /format");
	run(&s, "x/9q 0", -1, "format letters");
	run(&s, "watch read", -1, "watch which address?");
	run(&s, "set r0 1", -1, "r0 is always 0");
	run(&s, "set icount 1", -1, "cannot be set");
	run(&s, "info frob", -1, "no topic or device 'frob'");
	run(&s, "send \"unterminated", -1, "unterminated string");
	run(&s, "quit 256", -1, "from 0 to 255");
	run(&s, "delete 99", -1, "no breakpoint 99");
	run(&s, "runlimit 2", 0, "");
	run(&s, "until 0x2000", 0, "stopped: runlimit: 2 instructions");
	char longline[MON_LINE_MAX + 10];
	memset(longline, 'x', sizeof longline - 1);
	longline[sizeof longline - 1] = 0;
	run(&s, longline, -1, "line too long");
	run(&s, "", 0, "");
	run(&s, "   # a comment", 0, "");
	close_session(&s);
}
END_TEST

/* mon_check (aula grade's load-time check of a test): good lines pass
 * without running anything, and each bad one fails with its message
 * and the column of its fault. */
START_TEST(check_lines)
{
	char *out = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	struct mon_config cfg = { .out = f, .quiet = true, .batch = true,
				  .check_only = true };
	struct mon *m = mon_create(&cfg, err, sizeof err);
	ck_assert_msg(m != NULL, "mon_create: %s", err);
	static const char *const good[] = {
		"continue", "step 3", "expect \"hi\" within 100",
		"assert r1 == 7 \"the sum\"", "assert [buf + 4] / r2 == 0",
		"print nolabel_yet", "break main if r3 == 5", "delete 1",
		"x/4xw buf", "send \"3 4\\n\"", "trace insn on /nonexistent/x",
		"info pic", "finish", "until loop", "   # a comment",
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		int col = -1;
		ck_assert_msg(mon_check(m, good[i], err, sizeof err, &col) == 0,
			      "'%s' refused: %s", good[i], err);
	}
	static const struct { const char *line; int col; const char *msg; }
	bad[] = {
		{ "contineu", 0, "no command 'contineu'" },
		{ "assert r1 ==", 12, "expected a value at the end" },
		{ "step 0", 5, "the count is from 1 to" },
		{ "expect \"x", 7, "unterminated string" },
		{ "regs now", 5, "unexpected 'now'" },
		{ "print (1 + 2", 6, "expected ')'" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int col = -1;
		ck_assert_msg(mon_check(m, bad[i].line, err, sizeof err,
					&col) != 0, "'%s' accepted",
			      bad[i].line);
		ck_assert_msg(strstr(err, bad[i].msg), "'%s': '%s' lacks '%s'",
			      bad[i].line, err, bad[i].msg);
		ck_assert_msg(col == bad[i].col, "'%s': column %d, not %d",
			      bad[i].line, col, bad[i].col);
	}
	/* Nothing ran: the machine is still at its reset state. */
	ck_assert_uint_eq(mon_vm(m)->cpu.insns, 0);
	mon_destroy(m);
	fclose(f);
	free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mon");
	TCase *tc = tcase_create("expr");
	tcase_add_test(tc, expr_numbers);
	tcase_add_test(tc, expr_precedence);
	tcase_add_test(tc, expr_names_and_memory);
	tcase_add_test(tc, expr_64_bit_counters);
	tcase_add_test(tc, expr_short_circuit);
	tcase_add_test(tc, expr_ends);
	tcase_add_test(tc, expr_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("table");
	tcase_add_test(tc, table_lookup);
	tcase_add_test(tc, table_well_formed);
	tcase_add_test(tc, help_fits);
	tcase_add_test(tc, completion);
	suite_add_tcase(s, tc);
	tc = tcase_create("machine");
	tcase_add_test(tc, peek_has_no_side_effects);
	tcase_add_test(tc, commands);
	tcase_add_test(tc, front_end_told_of_stops);
	tcase_add_test(tc, bad_commands);
	tcase_add_test(tc, check_lines);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(suite());
}
