/*
 * Unit tests: the final machine dump (aula(1), "REGISTER DUMP") and the
 * exit status of every way a run can stop.  Graders diff these dumps, so
 * the text form is checked byte for byte, the JSON form for being
 * well-formed JSON with the promised fields, and both for being the same
 * on every run.
 */
#define _GNU_SOURCE		/* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/isa.h"
#include "tests/unit/harness.h"
#include "tests/unit/step.h"
#include "state/dump.h"

/* ---- helpers -------------------------------------------------------- */

/* The dump of a machine, as a malloc'd string. */
static char *dump_str(const struct vm *vm, enum dump_format fmt,
		      const struct dump_range *r, int nr)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	dump_write(f, vm, fmt, r, nr);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(strlen(buf), len);	/* no NUL inside */
	return buf;
}

/* A tiny JSON checker (RFC 8259 syntax; no semantics). */
static const char *js_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *js_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;		/* also the end of the text */
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF",
						    p[i]) || !p[i])
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return p + 1;
}

static const char *js_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (*++p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

static const char *js_value(const char *p, int depth)
{
	if (depth > 32)
		return NULL;
	p = js_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool object = *p == '{';
		p = js_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (object) {
				if (!(p = js_string(js_ws(p))))
					return NULL;
				p = js_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			if (!(p = js_value(p, depth + 1)))
				return NULL;
			p = js_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return js_string(p);
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	return js_number(p);
}

static bool json_ok(const char *s)
{
	const char *p = js_value(s, 0);
	return p && *js_ws(p) == 0;
}

/* The numbers of the "regs" array; returns how many there are. */
static int json_regs(const char *s, uint32_t *regs, int max)
{
	const char *p = strstr(s, "\"regs\": [");
	ck_assert_ptr_nonnull(p);
	p += 9;
	int n = 0;
	while (*p != ']') {
		char *end;
		unsigned long v = strtoul(p, &end, 10);
		ck_assert_ptr_ne(end, p);
		if (n < max)
			regs[n] = (uint32_t)v;
		n++;
		p = end;
		if (*p == ',')
			p += 2;
	}
	return n;
}

/* The keys of a text dump, in order, one per line, as "k1 k2 ...". */
static void text_keys(const char *dump, char *keys, size_t len)
{
	keys[0] = 0;
	for (const char *p = dump; *p;) {
		const char *eq = strchr(p, '='), *nl = strchr(p, '\n');
		ck_assert_msg(eq && nl && eq < nl, "line without '=': %s", p);
		size_t k = strlen(keys);
		ck_assert_uint_lt(k + (size_t)(eq - p) + 2, len);
		if (k)
			keys[k++] = ' ';
		memcpy(keys + k, p, (size_t)(eq - p));
		keys[k + (size_t)(eq - p)] = 0;
		p = nl + 1;
	}
}

/* A program that stops with a poweroff and leaves known state. */
#define BASIC_PROGRAM						\
	".org 0x1000\n"						\
	"_start: li r1, 0x11\n"					\
	"        li r2, 0x12345678\n"				\
	"        mtcr kscratch, r2\n"				\
	"        cmpi r1, 0x11\n"				\
	"        out r0, 0\n"					\
	".org 0x3000\n"						\
	"data:   .byte 0, 1, 2, 3, 4, 5, 6, 7, 8, 9\n"		\
	"        .byte 10, 11, 12, 13, 14, 15, 16, 17, 18, 19\n"

static const char basic_text[] =
	"dump_version=1\n"
	"stop=poweroff\n"
	"stop_code=0\n"
	"insns=6\n"
	"pc=0x00001018\n"
	"r0=0x00000000\n"
	"r1=0x00000011\n"
	"r2=0x12345678\n"
	"r3=0x00000000\n"
	"r4=0x00000000\n"
	"r5=0x00000000\n"
	"r6=0x00000000\n"
	"r7=0x00000000\n"
	"r8=0x00000000\n"
	"r9=0x00000000\n"
	"r10=0x00000000\n"
	"r11=0x00000000\n"
	"r12=0x00000000\n"
	"r13=0x00000000\n"
	"r14=0x00000000\n"
	"r15=0x01000000\n"
	"usp=0x00000000\n"
	"ksp=0x01000000\n"
	"flags=0x00000021\n"
	"flags.z=1\n"
	"flags.n=0\n"
	"flags.c=0\n"
	"flags.v=0\n"
	"flags.i=0\n"
	"flags.p=1\n"
	"mode=kernel\n"
	"vbr=0x00000000\n"
	"ptbr=0x00000000\n"
	"paging=0x00000000\n"
	"far=0x00000000\n"
	"cause=0x00000000\n"
	"kscratch=0x12345678\n"
	"mem.0x00003000=000102030405060708090a0b0c0d0e0f\n"
	"mem.0x00003010=10111213\n";

static const char basic_json[] =
	"{\n"
	"  \"format\": \"aula-dump\",\n"
	"  \"version\": 1,\n"
	"  \"stop\": {\"reason\": \"poweroff\", \"code\": 0},\n"
	"  \"insns\": 6,\n"
	"  \"pc\": 4120,\n"
	"  \"regs\": [0, 17, 305419896, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
	"16777216],\n"
	"  \"usp\": 0,\n"
	"  \"ksp\": 16777216,\n"
	"  \"flags\": {\"value\": 33, \"z\": true, \"n\": false, \"c\": false, "
	"\"v\": false, \"i\": false, \"p\": true},\n"
	"  \"mode\": \"kernel\",\n"
	"  \"cr\": {\"vbr\": 0, \"ptbr\": 0, \"paging\": 0, \"far\": 0, "
	"\"cause\": 0, \"kscratch\": 305419896},\n"
	"  \"memory\": [\n"
	"    {\"addr\": 12288, \"hex\": "
	"\"000102030405060708090a0b0c0d0e0f10111213\"}\n"
	"  ]\n"
	"}\n";

static struct th *run_basic(void)
{
	struct th *t = th_boot(BASIC_PROGRAM);
	ck_assert_int_eq(th_run(t, 1000), VM_STOP_POWEROFF);
	return t;
}

/* ---- text ------------------------------------------------------------- */

START_TEST(text_exact)
{
	struct th *t = run_basic();
	struct dump_range r = { 0x3000, 20 };
	char *s = dump_str(t->vm, DUMP_TEXT, &r, 1);
	ck_assert_str_eq(s, basic_text);
	free(s);
	th_free(t);
}
END_TEST

/* The keys, in their order, whatever the values. */
START_TEST(text_key_order)
{
	static const char want[] =
		"dump_version stop stop_code insns pc "
		"r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 "
		"usp ksp flags flags.z flags.n flags.c flags.v flags.i flags.p "
		"mode vbr ptbr paging far cause kscratch";
	struct th *t = run_basic();
	char keys[2048];
	char *s = dump_str(t->vm, DUMP_TEXT, NULL, 0);
	text_keys(s, keys, sizeof keys);
	ck_assert_str_eq(keys, want);
	ck_assert_int_eq(strncmp(s, "dump_version=1\n", 15), 0);
	free(s);

	/* Ranges follow, in the order given, 16 bytes a line. */
	struct dump_range r[3] = {
		{ 0x3010, 4 }, { 0x3001, 3 }, { 0x3000, 33 },
	};
	s = dump_str(t->vm, DUMP_TEXT, r, 3);
	text_keys(s, keys, sizeof keys);
	char want2[2048];
	snprintf(want2, sizeof want2, "%s mem.0x00003010 mem.0x00003001 "
		 "mem.0x00003000 mem.0x00003010 mem.0x00003020", want);
	ck_assert_str_eq(keys, want2);
	ck_assert_ptr_nonnull(strstr(s, "\nmem.0x00003010=10111213\n"
				     "mem.0x00003001=010203\n"
				     "mem.0x00003000=000102030405060708090a0b"
				     "0c0d0e0f\n"
				     "mem.0x00003010=10111213000000000000000000"
				     "000000\n"
				     "mem.0x00003020=00\n"));
	free(s);
	th_free(t);
}
END_TEST

/* Every register-like value is 0x%08x: "0x", eight lower-case digits. */
START_TEST(text_value_format)
{
	struct th *t = th_boot(".org 0x1000\n"
			       "_start: li r1, 0xabcdef01\n"
			       "        li r9, -1\n"
			       "        li r3, 0xfedcba98\n"
			       "        mtcr kscratch, r3\n"
			       "        out r0, 0\n");
	ck_assert_int_eq(th_run(t, 100), VM_STOP_POWEROFF);
	char *s = dump_str(t->vm, DUMP_TEXT, NULL, 0);
	static const char *const plain[] = {
		"dump_version", "stop", "stop_code", "insns", "mode",
	};
	int hex = 0;
	for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		*eq = 0;
		bool is_plain = !strncmp(line, "flags.", 6);
		for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
			is_plain |= !strcmp(line, plain[i]);
		if (is_plain)
			continue;
		const char *v = eq + 1;
		ck_assert_msg(strlen(v) == 10 && v[0] == '0' && v[1] == 'x' &&
			      strspn(v + 2, "0123456789abcdef") == 8,
			      "%s=%s", line, v);
		hex++;
	}
	ck_assert_int_eq(hex, 1 + 16 + 2 + 1 + 6);
	free(s);
	s = dump_str(t->vm, DUMP_TEXT, NULL, 0);
	ck_assert_ptr_nonnull(strstr(s, "\nr1=0xabcdef01\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nr9=0xffffffff\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nkscratch=0xfedcba98\n"));
	free(s);
	th_free(t);
}
END_TEST

/* In user mode r15 is the user sp; in kernel mode the kernel's. */
START_TEST(text_user_mode)
{
	struct th *t = th_boot(".org 0x1000\n"
			       "_start: li r1, 0x8000\n"
			       "        mtcr usp, r1\n"
			       "        li r3, 0x5\n"	/* Z, C; P = 0 */
			       "        mtcr flags, r3\n"
			       "        brk\n");
	ck_assert_int_eq(th_run(t, 100), VM_STOP_BREAKPOINT);
	char *s = dump_str(t->vm, DUMP_TEXT, NULL, 0);
	ck_assert_msg(strstr(s, "\nstop=breakpoint\n"), "%s", s);
	ck_assert_msg(strstr(s, "\ninsns=6\n"), "%s", s);
	ck_assert_msg(strstr(s, "\npc=0x00001018\n"), "%s", s);
	ck_assert_msg(strstr(s, "\nr15=0x00008000\n"
			     "usp=0x00008000\n"
			     "ksp=0x01000000\n"
			     "flags=0x00000005\n"
			     "flags.z=1\n"
			     "flags.n=0\n"
			     "flags.c=1\n"
			     "flags.v=0\n"
			     "flags.i=0\n"
			     "flags.p=0\n"
			     "mode=user\n"), "%s", s);
	free(s);
	s = dump_str(t->vm, DUMP_JSON, NULL, 0);
	ck_assert(json_ok(s));
	ck_assert_msg(strstr(s, "\"usp\": 32768,\n  \"ksp\": 16777216,"), "%s",
		      s);
	ck_assert_msg(strstr(s, "\"mode\": \"user\""), "%s", s);
	ck_assert_msg(strstr(s, "\"reason\": \"breakpoint\""), "%s", s);
	free(s);
	th_free(t);

	/* Kernel mode with both stacks moved. */
	t = th_boot(".org 0x1000\n"
		    "_start: li r1, 0x7000\n"
		    "        mtcr usp, r1\n"
		    "        li sp, 0x9000\n"
		    "        halt\n");
	ck_assert_int_eq(th_run(t, 100), VM_STOP_HALT);
	s = dump_str(t->vm, DUMP_TEXT, NULL, 0);
	ck_assert_msg(strstr(s, "\nr15=0x00009000\n"
			     "usp=0x00007000\n"
			     "ksp=0x00009000\n"
			     "flags=0x00000020\n"), "%s", s);
	ck_assert_msg(strstr(s, "\nmode=kernel\n"), "%s", s);
	free(s);
	th_free(t);
}
END_TEST

/* ---- JSON -------------------------------------------------------------- */

START_TEST(json_checker_works)
{
	ck_assert(json_ok("{}"));
	ck_assert(json_ok("{\"a\": [1, -2.5e3, true, null, \"x\\n\"]}"));
	ck_assert(!json_ok("{\"a\": 1,}"));
	ck_assert(!json_ok("{\"a\" 1}"));
	ck_assert(!json_ok("[1, 2"));
	ck_assert(!json_ok("[01]"));
	ck_assert(!json_ok("{} {}"));
	ck_assert(!json_ok("[\"a\tb\"]"));
}
END_TEST

START_TEST(json_exact)
{
	struct th *t = run_basic();
	struct dump_range r = { 0x3000, 20 };
	char *s = dump_str(t->vm, DUMP_JSON, &r, 1);
	ck_assert(json_ok(s));
	ck_assert_str_eq(s, basic_json);
	free(s);
	th_free(t);
}
END_TEST

START_TEST(json_fields)
{
	struct th *t = th_boot(".org 0x1000\n"
			       "_start: li r1, -1\n"
			       "        li r2, 3\n"
			       "        li r15, 0x4000\n"
			       "        out r2, 0\n");
	ck_assert_int_eq(th_run(t, 100), VM_STOP_POWEROFF);
	for (int nr = 0; nr <= 3; nr++) {
		struct dump_range r[3] = {
			{ 0x1000, 4 }, { 0x1001, 17 }, { 0xfff0, 32 },
		};
		char *s = dump_str(t->vm, DUMP_JSON, r, nr);
		ck_assert_msg(json_ok(s), "not JSON:\n%s", s);
		ck_assert_ptr_nonnull(strstr(s, "\"format\": \"aula-dump\""));
		ck_assert_ptr_nonnull(strstr(s, "\"version\": 1,"));
		ck_assert_ptr_nonnull(strstr(s, "\"stop\": {\"reason\": "
					     "\"poweroff\", \"code\": 3}"));
		uint32_t regs[32];
		ck_assert_int_eq(json_regs(s, regs, 32), 16);
		ck_assert_uint_eq(regs[0], 0);
		ck_assert_uint_eq(regs[1], 0xffffffff);
		ck_assert_uint_eq(regs[2], 3);
		ck_assert_uint_eq(regs[15], 0x4000);
		if (nr == 0)
			ck_assert_ptr_nonnull(strstr(s, "\"memory\": []\n}\n"));
		if (nr >= 1)
			ck_assert_ptr_nonnull(strstr(s, "{\"addr\": 4096, "
						     "\"hex\": \"3001ffff\"}"));
		if (nr >= 2)
			ck_assert_ptr_nonnull(strstr(s, "{\"addr\": 4097, "
						     "\"hex\": \"01ffff"));
		free(s);
	}
	th_free(t);
}
END_TEST

/* ---- determinism ----------------------------------------------------- */

/* A program with a loop, stores, the stack and a call. */
#define BUSY_PROGRAM						\
	".org 0x1000\n"						\
	"_start: li r1, 0\n"					\
	"        la r2, buf\n"					\
	"loop:   stw r1, 0(r2)\n"				\
	"        mul r3, r1, r1\n"				\
	"        push r3\n"					\
	"        call f\n"					\
	"        pop r4\n"					\
	"        addi r2, r2, 4\n"				\
	"        addi r1, r1, 1\n"				\
	"        cmpi r1, 100\n"				\
	"        bne loop\n"					\
	"        out r0, 0\n"					\
	"f:      adds r5, r5, r1\n"				\
	"        ret\n"						\
	".org 0x4000\n"						\
	"buf:    .space 400\n"

START_TEST(identical_runs)
{
	char *d[2][2];
	struct dump_range r[2] = { { 0x4000, 400 }, { 0xfffff0, 16 } };
	for (int run = 0; run < 2; run++) {
		struct th *t = th_boot(BUSY_PROGRAM);
		ck_assert_int_eq(th_run(t, 100000), VM_STOP_POWEROFF);
		d[run][0] = dump_str(t->vm, DUMP_TEXT, r, 2);
		d[run][1] = dump_str(t->vm, DUMP_JSON, r, 2);
		th_free(t);
	}
	ck_assert_str_eq(d[0][0], d[1][0]);
	ck_assert_str_eq(d[0][1], d[1][1]);
	ck_assert(json_ok(d[0][1]));
	ck_assert_ptr_nonnull(strstr(d[0][0], "\nr1=0x00000064\n"));
	ck_assert_ptr_nonnull(strstr(d[0][0],
				     "\nmem.0x00004010=04000000050000000600"
				     "000007000000\n"));
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 2; k++)
			free(d[i][k]);
}
END_TEST

/* ---- exit status of every stop ------------------------------------------ */

static const struct stop_case {
	const char *name, *src;
	enum vm_stop stop;
	const char *text_stop;
	int status;
	uint32_t pc, code;	/* the dump's pc and stop_code */
} stop_cases[] = {
	/* pc: after the out, halt or brk that stopped the machine; the
	 * next instruction for a budget stop; the pc the undeliverable
	 * exception would have saved for a double fault (aula(1)). */
	{ "poweroff 0", "_start: out r0, 0\n", VM_STOP_POWEROFF, "poweroff",
	  DUMP_EXIT_POWEROFF_OK, 0x1004, 0 },
	{ "poweroff 3", "_start: li r1, 3\n out r1, 0\n", VM_STOP_POWEROFF,
	  "poweroff", DUMP_EXIT_POWEROFF_CODE, 0x1008, 3 },
	{ "halt", "_start: nop\n halt\n", VM_STOP_HALT, "halt", DUMP_EXIT_HALT,
	  0x1008, 0 },
	{ "budget", "_start: br _start\n", VM_STOP_BUDGET, "budget",
	  DUMP_EXIT_BUDGET, 0x1000, 0 },
	{ "brk", "_start: brk\n", VM_STOP_BREAKPOINT, "breakpoint",
	  DUMP_EXIT_BREAKPOINT, 0x1004, 0 },
	/* The kernel stack is beyond RAM: the illegal instruction cannot
	 * be delivered, nor can the double fault. */
	{ "double fault", "_start: li sp, 0x2000000\n .word 0\n",
	  VM_STOP_DOUBLE_FAULT, "double-fault", DUMP_EXIT_CRASH, 0x1008, 0 },
	{ "idle", "_start: ei\n halt\n", VM_STOP_IDLE, "idle", DUMP_EXIT_IDLE,
	  0x1008, 0 },
};

START_TEST(exit_status)
{
	const struct stop_case *c = &stop_cases[_i];
	struct th *t = th_boot(c->src);
	enum vm_stop got = th_run(t, 1000);
	ck_assert_msg(got == c->stop, "%s: stopped with %s", c->name,
		      vm_stop_name(got));
	ck_assert_msg(dump_exit_status(t->vm) == c->status,
		      "%s: exit status %d, want %d", c->name,
		      dump_exit_status(t->vm), c->status);
	char want[128];
	snprintf(want, sizeof want, "dump_version=1\nstop=%s\nstop_code=%u\n",
		 c->text_stop, c->code);
	char *s = dump_str(t->vm, DUMP_TEXT, NULL, 0);
	ck_assert_msg(strncmp(s, want, strlen(want)) == 0, "%s:\n%s", c->name,
		      s);
	snprintf(want, sizeof want, "\npc=0x%08x\n", c->pc);
	ck_assert_msg(strstr(s, want) != NULL, "%s: want %s\n%s", c->name,
		      want + 1, s);
	free(s);
	s = dump_str(t->vm, DUMP_JSON, NULL, 0);
	ck_assert(json_ok(s));
	snprintf(want, sizeof want, "\"stop\": {\"reason\": \"%s\", "
		 "\"code\": %u},", c->text_stop, c->code);
	ck_assert_msg(strstr(s, want) != NULL, "%s:\n%s", c->name, s);
	free(s);
	th_free(t);
}
END_TEST

START_TEST(exit_status_details)
{
	/* Codes: the dump carries the power-off code. */
	struct th *t = th_boot(stop_cases[1].src);
	th_run(t, 100);
	char *s = dump_str(t->vm, DUMP_TEXT, NULL, 0);
	ck_assert_ptr_nonnull(strstr(s, "\nstop_code=3\n"));
	free(s);
	th_free(t);

	/* A budget stop reports the instructions run, exactly. */
	t = th_boot(stop_cases[3].src);
	ck_assert_int_eq(th_run(t, 1234), VM_STOP_BUDGET);
	s = dump_str(t->vm, DUMP_TEXT, NULL, 0);
	ck_assert_msg(strstr(s, "\ninsns=1234\n"), "%s", s);
	free(s);
	th_free(t);

	/* A double fault leaves a diagnostic naming both vectors' story. */
	t = th_boot(stop_cases[5].src);
	ck_assert_int_eq(th_run(t, 100), VM_STOP_DOUBLE_FAULT);
	ck_assert_msg(strstr(t->vm->stop_detail, "sp=0x02000000"), "%s",
		      t->vm->stop_detail);
	th_free(t);

	/* The stops no run of these programs reaches. */
	t = th_boot(stop_cases[0].src);
	t->vm->stop = VM_STOP_HOST_ERROR;
	ck_assert_int_eq(dump_exit_status(t->vm), DUMP_EXIT_HOST);
	t->vm->stop = VM_RUNNING;
	ck_assert_int_eq(dump_exit_status(t->vm), DUMP_EXIT_HOST);
	th_free(t);
}
END_TEST

/* insns counts from power-on: a reset by the guest does not clear it. */
START_TEST(insns_survive_reset)
{
	struct th *t = th_boot(".org 0x1000\n"
			       "_start: la r1, flag\n"		/* 2 */
			       "        ldw r2, 0(r1)\n"
			       "        cmpi r2, 0\n"
			       "        bne .again\n"		/* 5 */
			       "        li r2, 1\n"
			       "        stw r2, 0(r1)\n"
			       "        li r3, 1\n"
			       "        out r3, 1\n"		/* 9: RESET */
			       "        halt\n"
			       ".again: out r0, 0\n"		/* 5 + 1 */
			       "flag:   .word 0\n");
	ck_assert_int_eq(th_run(t, 1000), VM_STOP_POWEROFF);
	char *s = dump_str(t->vm, DUMP_TEXT, NULL, 0);
	ck_assert_msg(strstr(s, "\ninsns=15\n"), "%s", s);
	free(s);
	th_free(t);
}
END_TEST

static Suite *dump_suite(void)
{
	Suite *s = suite_create("dump");
	TCase *tc = tcase_create("text");
	tcase_add_test(tc, text_exact);
	tcase_add_test(tc, text_key_order);
	tcase_add_test(tc, text_value_format);
	tcase_add_test(tc, text_user_mode);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_test(tc, json_checker_works);
	tcase_add_test(tc, json_exact);
	tcase_add_test(tc, json_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("determinism");
	tcase_add_test(tc, identical_runs);
	tcase_add_test(tc, insns_survive_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("exit");
	tcase_add_loop_test(tc, exit_status, 0,
			    (int)(sizeof stop_cases / sizeof *stop_cases));
	tcase_add_test(tc, exit_status_details);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(dump_suite());
}
