/*
 * aula grade: one test on one submission under the monitor, from the
 * machine's reset or from a setup's checkpoint (aula-grade(1)).
 *
 * The monitor runs every line but grade's own: "runlimit" (kept here,
 * since the budget caps every run), "output ...", "memory ..." and
 * "stop ...".  Before each line the monitor's runlimit is set to what is
 * left of the budget, so that a runaway guest costs its budget and no
 * more.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "asm/dis.h"
#include "monitor/mon.h"
#include "state/ckpt.h"
#include "state/stuck.h"
#include "grade/grade.h"
#include "grade/grade_int.h"

/* ---- one run ------------------------------------------------------------ */

struct grade_console {
	const char *in;
	size_t in_len, in_pos;
	char out[GRADE_OUTPUT_MAX];
	size_t out_len;
	bool truncated;
};

static int con_getc(void *opaque)
{
	struct grade_console *k = opaque;
	if (k->in_pos < k->in_len)
		return (unsigned char)k->in[k->in_pos++];
	return VM_CONSOLE_EOF;
}

static void con_putc(void *opaque, uint8_t byte)
{
	struct grade_console *k = opaque;
	if (k->out_len < sizeof k->out - 1)
		k->out[k->out_len++] = (char)byte;
	else
		k->truncated = true;
	k->out[k->out_len] = 0;
}

void grade_outcome_clear(struct grade_outcome *o)
{
	memset(&o->r, 0, sizeof o->r);
	o->len = 0;
	o->text[0] = 0;
	o->r.detail = o->text;
}

/* n bytes were formatted at the detail's end, as far as they fit. */
static void detail_grew(struct grade_outcome *o, int n)
{
	size_t room = sizeof o->text - o->len;
	if (n > 0)
		o->len += (size_t)n < room ? (size_t)n : room - 1;
}

static void detail_vadd(struct grade_outcome *o, const char *fmt,
			va_list ap)
{
	if (o->len < sizeof o->text - 1)
		detail_grew(o, vsnprintf(o->text + o->len,
					 sizeof o->text - o->len, fmt, ap));
}

void grade_detail_add(struct grade_outcome *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	detail_vadd(o, fmt, ap);
	va_end(ap);
}

void grade_outcome_failed(struct grade_outcome *o, enum grade_status status,
			  const char *fmt, ...)
{
	va_list ap;
	grade_outcome_clear(o);
	o->r.status = status;
	va_start(ap, fmt);
	detail_vadd(o, fmt, ap);
	va_end(ap);
}

/* "line N: TEXT", as grade_detail_add would put it: before every line a
 * test runs, and most are cut again (dis_format: no snprintf). */
static void detail_line(struct grade_outcome *o, int lineno, const char *text)
{
	if (o->len < sizeof o->text - 1)
		detail_grew(o, dis_format(o->text + o->len,
					  sizeof o->text - o->len,
					  "line %d: %s\n", lineno, text));
}

/* The detail cut back to its first len bytes. */
static void detail_cut(struct grade_outcome *o, size_t len)
{
	o->len = len;
	o->text[len] = 0;
}

/* Text as a C string literal, cut after max bytes. */
static void quote(char *buf, size_t size, const char *s, size_t len,
		  size_t max)
{
	size_t o = 0;
	buf[o++] = '"';
	for (size_t i = 0; i < len && i < max && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			o += snprintf(buf + o, size - o, "\\n");
		else if (c == '\t')
			o += snprintf(buf + o, size - o, "\\t");
		else if (c == '"' || c == '\\')
			o += snprintf(buf + o, size - o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			o += snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o++] = '"';
	buf[o] = 0;
	if (len > max && o + 4 < size)
		strcat(buf, "...");
}

/* 0 if the check holds, else -1 with expected and actual in o. */
/* A memory check: the bytes at addr (a number or a label of the
 * submission), guest-physical, are exactly the string's. */
static int run_memory_check(const struct grade_check *c, const struct vm *vm,
			    const struct image *img, struct grade_outcome *o)
{
	char *end, want[512], got[512];
	uint8_t bytes[GRADE_INPUT_MAX];
	unsigned long a = strtoul(c->addr, &end, 0);
	if (*end || end == c->addr) {
		const struct image_symbol *sym =
			image_symbol_named(img, c->addr);
		if (!sym) {
			grade_detail_add(o, "  memory %s: the program has no "
					 "such label\n", c->addr);
			return -1;
		}
		a = sym->value;
	}
	if (a > UINT32_MAX ||
	    mem_read((struct mem *)&vm->mem, (uint32_t)a, bytes,
		     (uint32_t)c->len) != 0) {
		grade_detail_add(o, "  memory %s: 0x%08lx, %zu bytes, is not "
				 "all in RAM\n", c->addr, a, c->len);
		return -1;
	}
	if (!memcmp(bytes, c->text, c->len))
		return 0;
	quote(want, sizeof want, c->text, c->len, 200);
	quote(got, sizeof got, (const char *)bytes, c->len, 200);
	grade_detail_add(o, "  expected: memory %s is %s\n  actual:   "
			 "memory %s is %s\n", c->addr, want, c->addr, got);
	return -1;
}

static int run_check(const struct grade_check *c, const struct vm *vm,
		     const struct image *img, const struct grade_console *k,
		     struct grade_outcome *o)
{
	char want[512], got[512];
	if (c->kind == CHECK_MEMORY)
		return run_memory_check(c, vm, img, o);
	if (c->kind == CHECK_STOP) {
		const char *stop = vm_stop_name(vm->stop);
		if (!strcmp(stop, c->text) &&
		    (!c->has_code || vm->stop_code == c->code))
			return 0;
		grade_detail_add(o, "  expected: stop %s", c->text);
		if (c->has_code)
			grade_detail_add(o, " %u", c->code);
		grade_detail_add(o, "\n  actual:   stop %s", stop);
		if (vm->stop == VM_STOP_POWEROFF)
			grade_detail_add(o, " %u", vm->stop_code);
		grade_detail_add(o, "\n");
		return -1;
	}
	bool ok;
	static const char *const how[] = {
		[OUTPUT_IS] = "output", [OUTPUT_CONTAINS] = "output containing",
		[OUTPUT_MATCHES] = "output matching",
	};
	switch (c->mode) {
	case OUTPUT_IS:
		ok = k->out_len == c->len && !memcmp(k->out, c->text, c->len);
		break;
	case OUTPUT_CONTAINS:
		ok = memmem(k->out, k->out_len, c->text, c->len) != NULL;
		break;
	default:
		ok = regexec(&c->re, k->out, 0, NULL, 0) == 0;
		break;
	}
	if (ok)
		return 0;
	quote(want, sizeof want, c->text, c->len, 200);
	quote(got, sizeof got, k->out, k->out_len, 200);
	grade_detail_add(o, "  expected: %s %s\n  actual:   output %s\n",
			 how[c->mode], want, got);
	return -1;
}

/* What a worker keeps from one run to the next: the console and the
 * stream the monitor writes to, emptied at each run's start (a run still
 * makes its own machine and monitor; the stream cost more than a short
 * test's run to make afresh, measured). */
struct grade_env {
	struct grade_console k;
	FILE *out;
	char *buf;
	size_t len;
};

struct grade_env *grade_env_new(void)
{
	struct grade_env *e = malloc(sizeof *e);
	if (e && !(e->out = open_memstream(&e->buf, &e->len))) {
		free(e);
		e = NULL;
	}
	return e;
}

void grade_env_free(struct grade_env *e)
{
	if (!e)
		return;
	if (e->out)
		fclose(e->out);
	free(e->buf);
	free(e);
}

/* The monitor's output in e from offset from on, indented, into o. */
static void monitor_text(struct grade_outcome *o, struct grade_env *e,
			 size_t from)
{
	fflush(e->out);
	const char *p = e->buf + from, *end = e->buf + e->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		grade_detail_add(o, "  %.*s\n", (int)n, p);
		p += n + (nl != NULL);
	}
}

/* A monitor session: the monitor, and the console and output it uses
 * (env's, or its own). */
struct session {
	struct mon *m;
	struct grade_env *e, *own;
	uint64_t base;		/* vm_units when the test's budget began */
};

/* The console from now on: the input given, the output so far empty. */
static void console_start(struct grade_console *k, const char *in,
			  size_t in_len)
{
	/* Not memset: out is large, and only out[0 .. out_len] is read. */
	k->in = in;
	k->in_len = in_len;
	k->in_pos = 0;
	k->out[0] = 0;
	k->out_len = 0;
	k->truncated = false;
}

/* A monitor on a fresh machine running img, its console reading in, in
 * env (NULL: a session's own).  0, or -1 with o saying why. */
static int session_open(struct session *s, struct grade_env *env,
			const struct image *img, const char *sub,
			const char *in, size_t in_len, bool goes_back,
			struct grade_outcome *o)
{
	memset(s, 0, sizeof *s);
	s->e = env && env->out ? env : (s->own = grade_env_new());
	if (!s->e) {
		o->r.status = GRADE_INTERNAL;
		grade_detail_add(o, "out of memory");
		return -1;
	}
	/* The last run's output is not this one's. */
	fseek(s->e->out, 0, SEEK_SET);
	fflush(s->e->out);
	console_start(&s->e->k, in, in_len);
	const struct mon_config mc = {
		.vm = { .console = { .opaque = &s->e->k, .getc = con_getc,
				     .putc = con_putc } },
		.img = img, .program = sub, .out = s->e->out, .batch = true,
		.quiet = true, .no_sigint = true,
		.no_timeline = goes_back ? NULL : "aula grade keeps one "
			       "only for a test that goes back",
	};
	char err[512];
	s->m = mon_create(&mc, err, sizeof err);
	if (!s->m) {
		o->r.status = GRADE_NO_PROGRAM;
		grade_detail_add(o, "%s", err);
		return -1;
	}
	return 0;
}

/* A worker's stream keeps the largest buffer a run needed: past this,
 * it is made again, so that one run's output (a long trace, a large x)
 * does not count against the address-space limit of every run after. */
#define GRADE_ENV_KEEP (1u << 20)

static void session_close(struct session *s)
{
	mon_destroy(s->m);
	grade_env_free(s->own);
	struct grade_env *e = s->own ? NULL : s->e;
	if (e && e->len > GRADE_ENV_KEEP) {
		fclose(e->out);
		free(e->buf);
		e->buf = NULL;
		e->len = 0;
		/* NULL if out of memory: the next run makes its own. */
		e->out = open_memstream(&e->buf, &e->len);
	}
}

/* Run the lines of t (a test or a setup) in the session, into o: its
 * status (pass, or budget or crash when it ended early; the caller makes
 * a pass with failed lines a fail), the points its lines earned, the
 * details of each line that failed.  true if a line failed. */
static bool run_lines(const struct grade_test *t, struct session *s,
		      const struct image *img, struct grade_outcome *o,
		      unsigned *earned)
{
	struct mon *m = s->m;
	char err[64];
	bool failed = false;
	uint64_t user_limit = 0;
	*earned = 0;
	o->r.status = GRADE_PASS;
	for (int i = 0; i < t->nlines; i++) {
		const struct grade_line *l = &t->lines[i];
		struct vm *vm = mon_vm(m);
		uint64_t used = vm_units(vm) - s->base;
		uint64_t left = t->budget - used;
		if (l->kind == GRADE_LINE_RUNLIMIT) {
			user_limit = l->runlimit;
			*earned += l->points;
			continue;
		}
		mon_set_runlimit(m, user_limit && user_limit < left
				    ? user_limit : left);
		fflush(s->e->out);
		size_t from = s->e->len;
		int rc;
		size_t mark = o->len;
		detail_line(o, l->lineno, l->text);
		if (l->kind == GRADE_LINE_MONITOR) {
			rc = mon_exec(m, l->text);
			if (rc)
				monitor_text(o, s->e, from);
		} else {
			rc = run_check(l->check, vm, img, &s->e->k, o);
		}
		if (rc == 0) {
			detail_cut(o, mark);
			*earned += l->points;
		} else {
			failed = true;
		}
		vm = mon_vm(m);
		if (vm->stop == VM_STOP_DOUBLE_FAULT) {
			o->r.status = GRADE_CRASH;
			grade_detail_add(o, "guest crash at line %d: %s\n",
					 l->lineno, vm->stop_detail);
		} else if ((vm->stop == VM_RUNNING ||
			    vm->stop == VM_STOP_BUDGET) &&
			   vm_units(vm) - s->base >= t->budget) {
			char why[160];
			o->r.status = GRADE_BUDGET;
			grade_detail_add(o, "budget exhausted at line %d: "
					 "%llu instructions\n", l->lineno,
					 (unsigned long long)t->budget);
			if (stuck_explain(vm, vm->halted_time, why, sizeof why))
				grade_detail_add(o, "the guest %s\n", why);
		} else {
			continue;
		}
		fflush(s->e->out);
		from = s->e->len;
		snprintf(err, sizeof err, "history %d", GRADE_HISTORY);
		mon_exec(m, err);
		grade_detail_add(o, "the last instructions run:\n");
		monitor_text(o, s->e, from);
		break;
	}
	return failed;
}

/* Where the machine is when a run ends, into o. */
static void machine_end(const struct session *s, struct grade_outcome *o)
{
	struct vm *vm = mon_vm(s->m);
	o->r.insns = vm_now(vm);
	snprintf(o->r.stop, sizeof o->r.stop, "%s", vm_stop_name(vm->stop));
	if (s->e->k.truncated)
		grade_detail_add(o, "(console output cut after %d bytes)\n",
				 GRADE_OUTPUT_MAX - 1);
}

/* Run setup in the session: true when it finished; otherwise what it ran
 * into, as every test started from it reports it, is in failed. */
static bool setup_lines(const struct grade_test *setup, struct session *s,
			const struct image *img, struct grade_outcome *failed)
{
	struct grade_outcome *o = malloc(sizeof *o);
	unsigned earned;
	if (!o) {
		grade_outcome_failed(failed, GRADE_INTERNAL, "out of memory");
		return false;
	}
	grade_outcome_clear(failed);
	grade_outcome_clear(o);
	bool bad = run_lines(setup, s, img, o, &earned);
	if (o->r.status == GRADE_PASS && bad)
		o->r.status = GRADE_FAIL;
	machine_end(s, o);
	bool ok = o->r.status == GRADE_PASS;
	if (!ok) {
		failed->r.status = o->r.status;
		failed->r.insns = o->r.insns;
		memcpy(failed->r.stop, o->r.stop, sizeof failed->r.stop);
		grade_detail_add(failed, "the setup %s did not finish:\n%s",
				 setup->path, o->text);
	}
	free(o);
	return ok;
}

void grade_setup_run(const struct grade_test *setup, const struct image *img,
		     const char *sub, struct grade_env *env,
		     struct grade_start *st)
{
	struct session s;
	char err[256];
	memset(st, 0, sizeof *st);
	grade_outcome_clear(&st->failed);
	st->ran = true;
	if (session_open(&s, env, img, sub, setup->input, setup->input_len,
			 setup->goes_back, &st->failed) == 0 &&
	    setup_lines(setup, &s, img, &st->failed)) {
		st->ck = malloc(sizeof *st->ck);
		if (!st->ck || ckpt_capture(st->ck, mon_vm(s.m), 0, err,
					    sizeof err)) {
			st->failed.r.status = GRADE_INTERNAL;
			detail_cut(&st->failed, 0);
			grade_detail_add(&st->failed, "the setup %s: no "
					 "checkpoint: %s", setup->path,
					 st->ck ? err : "out of memory");
			free(st->ck);
			st->ck = NULL;
		}
	}
	session_close(&s);
}

void grade_start_free(struct grade_start *st)
{
	if (st->ck)
		ckpt_free(st->ck);
	free(st->ck);
	st->ck = NULL;
	st->ran = false;
}

void grade_run(const struct grade_test *t, const struct image *img,
	       const char *sub, const struct grade_start *from,
	       struct grade_env *env, struct grade_outcome *o)
{
	const struct grade_test *setup = t->setup;
	/* --setup-each: the setup's lines first, on this monitor. */
	bool each = setup && !from;
	struct session s;
	grade_outcome_clear(o);
	if (from && !from->ck) {
		*o = from->failed;
		o->r.detail = o->text;
		o->r.done = false;
		o->r.points = 0;
		return;
	}
	if (session_open(&s, env, img, sub,
			 each ? setup->input : t->input,
			 each ? setup->input_len : t->input_len,
			 t->goes_back || (each && setup->goes_back), o)) {
		session_close(&s);
		return;
	}
	char err[256];
	if (from && mon_load_state(s.m, from->ck, err, sizeof err)) {
		o->r.status = GRADE_INTERNAL;
		grade_detail_add(o, "the setup %s: %s", setup->path, err);
		session_close(&s);
		return;
	}
	if (each) {
		if (!setup_lines(setup, &s, img, o)) {
			session_close(&s);
			return;
		}
		/* What a new monitor on the setup's checkpoint would be. */
		mon_forget(s.m);
	}
	if (setup) {
		console_start(&s.e->k, t->input, t->input_len);
		s.base = vm_units(mon_vm(s.m));
	}
	unsigned earned;
	bool failed = run_lines(t, &s, img, o, &earned);
	machine_end(&s, o);
	if (o->r.status == GRADE_PASS && failed)
		o->r.status = GRADE_FAIL;
	if (o->r.status == GRADE_PASS)
		earned = t->points;
	o->r.points = earned;
	session_close(&s);
}
