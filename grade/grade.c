/*
 * aula grade: reading test files, loading submissions, and running one
 * test on one submission under the monitor (aula-grade(1)).
 *
 * The monitor runs every line but grade's own: "runlimit" (kept here,
 * since the budget caps every run), "output ..." and "stop ...".  Before
 * each line the monitor's runlimit is set to what is left of the budget,
 * so that a runaway guest costs its budget and no more.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as.h"
#include "monitor/mon.h"
#include "state/stuck.h"
#include "grade/grade.h"

const char *const grade_status_names[] = {
	[GRADE_PASS] = "pass",
	[GRADE_FAIL] = "fail",
	[GRADE_BUDGET] = "budget exhausted",
	[GRADE_CRASH] = "guest crash",
	[GRADE_NOT_APPLICABLE] = "not applicable",
	[GRADE_NO_PROGRAM] = "no program",
	[GRADE_INTERNAL] = "internal error",
};

#define GRADE_OUTPUT_MAX 65536	/* console output kept per run */
#define GRADE_HISTORY 8		/* instructions shown after a crash */

/* ---- grade's own checks ------------------------------------------------- */

enum check_kind { CHECK_NONE, CHECK_OUTPUT, CHECK_STOP, CHECK_MEMORY };
enum output_mode { OUTPUT_IS, OUTPUT_CONTAINS, OUTPUT_MATCHES };

struct grade_check {
	enum check_kind kind;
	enum output_mode mode;
	char text[GRADE_INPUT_MAX];	/* the string, or the stop reason */
	size_t len;
	bool has_code;
	uint32_t code;
	char addr[64];		/* CHECK_MEMORY: a number or a label */
	regex_t re;		/* OUTPUT_MATCHES: compiled at load */
};

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A "quoted string" with \n \t \r \\ \" \xNN; *p moves past it. */
static int parse_string(const char **p, char *buf, size_t size,
			size_t *len)
{
	const char *s = skip_blanks(*p);
	size_t n = 0;
	if (*s++ != '"')
		return -1;
	while (*s && *s != '"') {
		char c = *s++;
		if (c == '\\') {
			switch (*s++) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '\\': c = '\\'; break;
			case '"': c = '"'; break;
			case 'x':
				if (!isxdigit((unsigned char)s[0]) ||
				    !isxdigit((unsigned char)s[1]))
					return -1;
				c = (char)strtol((char[]){ s[0], s[1], 0 },
						 NULL, 16);
				s += 2;
				break;
			default:
				return -1;
			}
		}
		if (n + 1 >= size)
			return -1;
		buf[n++] = c;
	}
	if (*s != '"')
		return -1;
	buf[n] = 0;
	*len = n;
	*p = s + 1;
	return 0;
}

static bool word_is(const char **p, const char *w)
{
	const char *s = skip_blanks(*p);
	size_t n = strlen(w);
	if (strncmp(s, w, n) || (s[n] && s[n] != ' ' && s[n] != '\t'))
		return false;
	*p = s + n;
	return true;
}

/* Parse line as one of grade's checks: CHECK_NONE if it is a monitor
 * command, -1 with a message if it is a malformed check. */
static int parse_check(const char *line, struct grade_check *c, char *err,
		       size_t errlen)
{
	const char *p = line;
	memset(c, 0, sizeof *c);
	if (word_is(&p, "output")) {
		c->kind = CHECK_OUTPUT;
		if (word_is(&p, "is"))
			c->mode = OUTPUT_IS;
		else if (word_is(&p, "contains"))
			c->mode = OUTPUT_CONTAINS;
		else if (word_is(&p, "matches"))
			c->mode = OUTPUT_MATCHES;
		else {
			snprintf(err, errlen, "output is|contains|matches "
				 "\"TEXT\", not '%.64s'", line);
			return -1;
		}
		if (parse_string(&p, c->text, sizeof c->text, &c->len) ||
		    *skip_blanks(p)) {
			snprintf(err, errlen, "output: one \"quoted string\" "
				 "expected, in '%.64s'", line);
			return -1;
		}
		if (c->mode == OUTPUT_MATCHES) {
			int rc = regcomp(&c->re, c->text,
					 REG_EXTENDED | REG_NOSUB);
			if (rc) {
				char msg[128];
				regerror(rc, &c->re, msg, sizeof msg);
				regfree(&c->re);
				snprintf(err, errlen, "output matches: bad "
					 "regular expression: %s", msg);
				return -1;
			}
		}
		return 0;
	}
	if (word_is(&p, "memory")) {
		c->kind = CHECK_MEMORY;
		p = skip_blanks(p);
		size_t n = strcspn(p, " \t");
		if (n == 0 || n >= sizeof c->addr) {
			snprintf(err, errlen, "memory ADDR is \"BYTES\" "
				 "expected");
			return -1;
		}
		memcpy(c->addr, p, n);
		c->addr[n] = 0;
		p += n;
		if (!word_is(&p, "is") ||
		    parse_string(&p, c->text, sizeof c->text, &c->len) ||
		    *skip_blanks(p) || c->len == 0) {
			snprintf(err, errlen, "memory %.32s: is \"BYTES\" "
				 "expected (one quoted, non-empty string)",
				 c->addr);
			return -1;
		}
		return 0;
	}
	if (word_is(&p, "stop")) {
		c->kind = CHECK_STOP;
		p = skip_blanks(p);
		size_t n = strcspn(p, " \t");
		if (n == 0 || n >= sizeof c->text) {
			snprintf(err, errlen, "stop REASON [CODE] expected");
			return -1;
		}
		memcpy(c->text, p, n);
		c->text[n] = 0;
		bool known = false;
		for (int s = VM_RUNNING; s <= VM_STOP_HOST_ERROR; s++)
			known |= !strcmp(c->text, vm_stop_name(s));
		if (!known) {
			/* Quoting at most 64 bytes of the user's text keeps
			 * the message, and -Wformat-truncation, in bounds. */
			snprintf(err, errlen, "stop: no stop reason '%.64s' "
				 "(see aula(1), EXIT STATUS)", c->text);
			return -1;
		}
		p = skip_blanks(p + n);
		if (*p) {
			char *end;
			unsigned long v = strtoul(p, &end, 0);
			if (*skip_blanks(end) || v > UINT32_MAX) {
				snprintf(err, errlen, "stop %.32s: the code is a "
					 "number, not '%.64s'", c->text, p);
				return -1;
			}
			c->has_code = true;
			c->code = (uint32_t)v;
		}
	}
	return 0;
}

/* ---- test files --------------------------------------------------------- */

/* "path:line:col: message"; col 0: about the whole line. */
static int errf(char *err, size_t errlen, const char *path, int lineno,
		int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static int errf(char *err, size_t errlen, const char *path, int lineno,
		int col, const char *fmt, ...)
{
	va_list ap;
	int n = col ? snprintf(err, errlen, "%s:%d:%d: ", path, lineno, col)
		    : snprintf(err, errlen, "%s:%d: ", path, lineno);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	s = skip_blanks(s);
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *skip_blanks(end) || v > max)
		return false;
	*out = v;
	return true;
}

/* "# key: value" -> key and value; false for any other comment. */
static bool header_line(char *line, char **key, char **value)
{
	char *p = line + 1;
	while (*p == ' ' || *p == '\t')
		p++;
	char *k = p;
	while (islower((unsigned char)*p))
		p++;
	if (p == k || *p != ':')
		return false;
	*p++ = 0;
	*key = k;
	*value = (char *)skip_blanks(p);
	return true;
}

static int header(struct grade_test *t, const char *key, const char *value,
		  int lineno, int col, char *err, size_t errlen)
{
	uint64_t v;
	if (!strcmp(key, "name")) {
		if (!*value || strlen(value) >= sizeof t->name)
			return errf(err, errlen, t->path, lineno, col,
				    "# name: a name of 1 to %zu characters",
				    sizeof t->name - 1);
		strcpy(t->name, value);
	} else if (!strcmp(key, "points")) {
		if (!parse_uint(value, 1000000, &v))
			return errf(err, errlen, t->path, lineno, col,
				    "# points: a number, not '%s'", value);
		t->points = (unsigned)v;
	} else if (!strcmp(key, "budget")) {
		if (!parse_uint(value, UINT32_MAX, &v) || v == 0)
			return errf(err, errlen, t->path, lineno, col,
				    "# budget: instructions, from 1 to %u, "
				    "not '%s'", UINT32_MAX, value);
		t->budget = v;
	} else if (!strcmp(key, "input")) {
		char buf[GRADE_INPUT_MAX + 2];
		size_t len;
		snprintf(buf, sizeof buf, "\"%s\"", value);
		const char *p = buf;
		if (parse_string(&p, t->input + t->input_len,
				 sizeof t->input - t->input_len, &len) || *p)
			return errf(err, errlen, t->path, lineno, col,
				    "# input: text with \\n \\t \\\\ \\\" "
				    "\\xNN escapes, at most %zu bytes",
				    sizeof t->input - 1);
		t->input_len += len;
	} else if (!strcmp(key, "applies")) {
		if (!*value || strlen(value) >= sizeof t->applies)
			return errf(err, errlen, t->path, lineno, col,
				    "# applies: a file name pattern");
		strcpy(t->applies, value);
	} else {
		return errf(err, errlen, t->path, lineno, 1, "unknown header "
			    "'# %s:' (name, points, budget, input, applies)",
			    key);
	}
	return 0;
}

static bool header_known(const char *key)
{
	static const char *const keys[] = { "name", "points", "budget",
					    "input", "applies" };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/* One line of the body (p, at column *col) into the plan entry l: one of
 * grade's checks, runlimit, or a monitor command the monitor accepts.
 * 0, or -1 with msg, and *col moved to the fault when it is known. */
static int plan_line(struct grade_test *t, struct mon *dry, const char *p,
		     struct grade_line *l, char *msg, size_t msglen,
		     int *col)
{
	const char *w = p;
	if (word_is(&w, "run")) {
		/* A new machine would start the budget afresh. */
		snprintf(msg, msglen, "run: every test starts on a fresh "
			 "machine, and may not start another");
		return -1;
	}
	if (word_is(&w, "source")) {
		/* It would read a file between runs, unchecked. */
		snprintf(msg, msglen, "source: a test is one file; put the "
			 "commands in it");
		return -1;
	}
	if (word_is(&w, "runlimit")) {
		uint64_t v = 0;
		if (!word_is(&w, "off") && !parse_uint(w, UINT32_MAX, &v)) {
			snprintf(msg, msglen, "runlimit N|off, N from 0 to %u",
				 UINT32_MAX);
			return -1;
		}
		l->kind = GRADE_LINE_RUNLIMIT;
		l->runlimit = v;
		return 0;
	}
	struct grade_check *c = malloc(sizeof *c);
	if (!c) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	if (parse_check(p, c, msg, msglen)) {
		free(c);
		return -1;
	}
	if (c->kind != CHECK_NONE) {
		l->kind = GRADE_LINE_CHECK;
		l->check = c;
		return 0;
	}
	free(c);
	int at = 0;
	char why[256];
	if (mon_line_goes_back(p))
		t->goes_back = true;
	if (mon_check(dry, p, why, sizeof why, &at)) {
		snprintf(msg, msglen, "%s", why);
		*col += at;
		return -1;
	}
	return 0;
}

int grade_test_read(const char *path, struct grade_test *t, char *err,
		    size_t errlen)
{
	memset(t, 0, sizeof *t);
	t->path = strdup(path);
	t->points = 1;
	t->budget = GRADE_DEFAULT_BUDGET;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strcspn(base, ".");
	if (n >= sizeof t->id)
		n = sizeof t->id - 1;
	memcpy(t->id, base, n);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return -1;
	}
	char line[GRADE_INPUT_MAX + 64];
	int lineno = 0, rc = 0;
	bool in_header = true;
	/* The monitor lines are checked on a monitor that runs nothing. */
	FILE *null = fopen("/dev/null", "w");
	const struct mon_config mc = { .out = null, .batch = true,
				       .quiet = true, .check_only = true };
	char msg[512];
	struct mon *dry = null ? mon_create(&mc, msg, sizeof msg) : NULL;
	if (!dry)
		rc = errf(err, errlen, path, 0, 0, "cannot check it: %s",
			  null ? msg : strerror(errno));
	while (rc == 0 && fgets(line, sizeof line, f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = errf(err, errlen, path, lineno, 0, "line too long");
			break;
		}
		line[strcspn(line, "\r\n")] = 0;
		char *p = (char *)skip_blanks(line), *key, *value;
		int col = (int)(p - line) + 1;
		if (*p == '#') {
			if (!header_line(p, &key, &value))
				continue;
			if (in_header)
				rc = header(t, key, value, lineno,
					    (int)(value - line) + 1, err,
					    errlen);
			else if (header_known(key))
				rc = errf(err, errlen, path, lineno, col, "'# "
					  "%s:' after the first command: the "
					  "header comes before it", key);
			continue;
		}
		if (!*p)
			continue;
		in_header = false;
		unsigned points = 0;
		if (*p == '+') {
			char *end;
			unsigned long v = strtoul(p + 1, &end, 10);
			if (end == p + 1 || (*end != ' ' && *end != '\t') ||
			    v > 1000000) {
				rc = errf(err, errlen, path, lineno, col, "+N: "
					  "a number of points, then a blank");
				break;
			}
			points = (unsigned)v;
			p = (char *)skip_blanks(end);
			col = (int)(p - line) + 1;
		}
		struct grade_line l = { .lineno = lineno, .points = points,
					.kind = GRADE_LINE_MONITOR };
		if ((rc = plan_line(t, dry, p, &l, msg, sizeof msg, &col)))
			rc = errf(err, errlen, path, lineno, col, "%s", msg);
		struct grade_line *lines = rc ? NULL :
			realloc(t->lines, (t->nlines + 1) * sizeof *lines);
		if (!lines) {
			if (!rc)
				rc = errf(err, errlen, path, lineno, 0,
					  "out of memory");
			free(l.check);
			break;
		}
		l.text = strdup(p);
		t->lines = lines;
		t->lines[t->nlines++] = l;
		t->line_points += points;
	}
	fclose(f);
	mon_destroy(dry);
	if (null)
		fclose(null);
	if (rc == 0 && t->nlines == 0)
		rc = errf(err, errlen, path, lineno, 0, "no commands: a test "
			  "runs the guest (continue, expect...) and checks it");
	if (rc == 0 && t->line_points > t->points)
		rc = errf(err, errlen, path, lineno, 0, "the +N points add up "
			  "to %u, more than '# points: %u'", t->line_points,
			  t->points);
	if (rc == 0 && !t->name[0])
		strcpy(t->name, t->id);
	return rc;
}

void grade_test_free(struct grade_test *t)
{
	for (int i = 0; i < t->nlines; i++) {
		struct grade_check *c = t->lines[i].check;
		if (c && c->kind == CHECK_OUTPUT && c->mode == OUTPUT_MATCHES)
			regfree(&c->re);
		free(c);
		free(t->lines[i].text);
	}
	free(t->lines);
	free(t->path);
}

bool grade_test_applies(const struct grade_test *t, const char *sub)
{
	const char *base = strrchr(sub, '/') ? strrchr(sub, '/') + 1 : sub;
	return !t->applies[0] || fnmatch(t->applies, base, 0) == 0;
}

/* ---- submissions -------------------------------------------------------- */

bool grade_sub_load(struct grade_sub *s)
{
	char err[512];
	s->loaded = false;
	if (image_sniff(s->path)) {
		if (image_read(s->path, &s->img, err, sizeof err) == 0)
			return s->loaded = true;
		/* The report names the submission; its error need not. */
		size_t n = strlen(s->path);
		const char *why = strncmp(err, s->path, n) == 0 &&
				  err[n] == ':' ? err + n + 2 : err;
		snprintf(s->error, sizeof s->error, "%s", why);
		return false;
	}
	FILE *f = fopen(s->path, "rb");
	if (!f) {
		snprintf(s->error, sizeof s->error, "cannot open: %s",
			 strerror(errno));
		return false;
	}
	fclose(f);
	char *buf = NULL;
	size_t len = 0;
	FILE *msgs = open_memstream(&buf, &len);
	if (!msgs) {
		snprintf(s->error, sizeof s->error, "out of memory");
		return false;
	}
	int errors = as_assemble(s->path, NULL, NULL, msgs, &s->img);
	fclose(msgs);
	if (errors) {
		snprintf(s->error, sizeof s->error, "assembly error%s:\n%s",
			 errors == 1 ? "" : "s", buf);
		size_t n = strlen(s->error);
		while (n && s->error[n - 1] == '\n')
			s->error[--n] = 0;
	}
	free(buf);
	return s->loaded = errors == 0;
}

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

static void detail_add(struct grade_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void detail_add(struct grade_result *r, const char *fmt, ...)
{
	size_t n = strlen(r->detail);
	va_list ap;
	va_start(ap, fmt);
	if (n < sizeof r->detail - 1)
		vsnprintf(r->detail + n, sizeof r->detail - n, fmt, ap);
	va_end(ap);
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

/* 0 if the check holds, else -1 with expected and actual in r. */
/* A memory check: the bytes at addr (a number or a label of the
 * submission), guest-physical, are exactly the string's. */
static int run_memory_check(const struct grade_check *c, const struct vm *vm,
			    const struct image *img, struct grade_result *r)
{
	char *end, want[512], got[512];
	uint8_t bytes[GRADE_INPUT_MAX];
	unsigned long a = strtoul(c->addr, &end, 0);
	if (*end || end == c->addr) {
		const struct image_symbol *sym =
			image_symbol_named(img, c->addr);
		if (!sym) {
			detail_add(r, "  memory %s: the program has no such "
				   "label\n", c->addr);
			return -1;
		}
		a = sym->value;
	}
	if (a > UINT32_MAX ||
	    mem_read((struct mem *)&vm->mem, (uint32_t)a, bytes,
		     (uint32_t)c->len) != 0) {
		detail_add(r, "  memory %s: 0x%08lx, %zu bytes, is not all in "
			   "RAM\n", c->addr, a, c->len);
		return -1;
	}
	if (!memcmp(bytes, c->text, c->len))
		return 0;
	quote(want, sizeof want, c->text, c->len, 200);
	quote(got, sizeof got, (const char *)bytes, c->len, 200);
	detail_add(r, "  expected: memory %s is %s\n  actual:   memory %s "
		   "is %s\n", c->addr, want, c->addr, got);
	return -1;
}

static int run_check(const struct grade_check *c, const struct vm *vm,
		     const struct image *img, const struct grade_console *k,
		     struct grade_result *r)
{
	char want[512], got[512];
	if (c->kind == CHECK_MEMORY)
		return run_memory_check(c, vm, img, r);
	if (c->kind == CHECK_STOP) {
		const char *stop = vm_stop_name(vm->stop);
		if (!strcmp(stop, c->text) &&
		    (!c->has_code || vm->stop_code == c->code))
			return 0;
		detail_add(r, "  expected: stop %s", c->text);
		if (c->has_code)
			detail_add(r, " %u", c->code);
		detail_add(r, "\n  actual:   stop %s", stop);
		if (vm->stop == VM_STOP_POWEROFF)
			detail_add(r, " %u", vm->stop_code);
		detail_add(r, "\n");
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
	detail_add(r, "  expected: %s %s\n  actual:   output %s\n",
		   how[c->mode], want, got);
	return -1;
}

/* The monitor's output from offset from on, indented, into r. */
static void monitor_text(struct grade_result *r, FILE *out, char **buf,
			 size_t *len, size_t from)
{
	fflush(out);
	const char *p = *buf + from, *end = *buf + *len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		detail_add(r, "  %.*s\n", (int)n, p);
		p += n + (nl != NULL);
	}
}

void grade_run(const struct grade_test *t, const struct image *img,
	       const char *sub, struct grade_result *r)
{
	struct grade_console *k = malloc(sizeof *k);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	memset(r, 0, sizeof *r);
	if (!k || !out) {
		r->status = GRADE_INTERNAL;
		snprintf(r->detail, sizeof r->detail, "out of memory");
		goto done;
	}
	/* Not memset: out is large, and only out[0 .. out_len] is read. */
	k->in = t->input;
	k->in_len = t->input_len;
	k->in_pos = 0;
	k->out[0] = 0;
	k->out_len = 0;
	k->truncated = false;
	const struct mon_config mc = {
		.vm = { .console = { .opaque = k, .getc = con_getc,
				     .putc = con_putc } },
		.img = img, .program = sub, .out = out, .batch = true,
		.quiet = true, .runlimit = t->budget,
		.no_timeline = t->goes_back ? NULL : "aula grade keeps one "
			       "only for a test that goes back",
	};
	char err[512];
	struct mon *m = mon_create(&mc, err, sizeof err);
	if (!m) {
		r->status = GRADE_NO_PROGRAM;
		snprintf(r->detail, sizeof r->detail, "%s", err);
		goto done;
	}
	bool failed = false;
	unsigned earned = 0;
	uint64_t user_limit = 0;
	r->status = GRADE_PASS;
	for (int i = 0; i < t->nlines; i++) {
		const struct grade_line *l = &t->lines[i];
		struct vm *vm = mon_vm(m);
		uint64_t left = t->budget - vm_units(vm);
		if (l->kind == GRADE_LINE_RUNLIMIT) {
			user_limit = l->runlimit;
			earned += l->points;
			continue;
		}
		snprintf(err, sizeof err, "runlimit %llu",
			 (unsigned long long)(user_limit && user_limit < left
					      ? user_limit : left));
		mon_exec(m, err);
		fflush(out);
		size_t from = len;
		int rc;
		size_t mark = strlen(r->detail);
		detail_add(r, "line %d: %s\n", l->lineno, l->text);
		if (l->kind == GRADE_LINE_MONITOR) {
			rc = mon_exec(m, l->text);
			if (rc)
				monitor_text(r, out, &buf, &len, from);
		} else {
			rc = run_check(l->check, vm, img, k, r);
		}
		if (rc == 0) {
			r->detail[mark] = 0;
			earned += l->points;
		} else {
			failed = true;
		}
		vm = mon_vm(m);
		if (vm->stop == VM_STOP_DOUBLE_FAULT) {
			r->status = GRADE_CRASH;
			detail_add(r, "guest crash at line %d: %s\n",
				   l->lineno, vm->stop_detail);
		} else if ((vm->stop == VM_RUNNING ||
			    vm->stop == VM_STOP_BUDGET) &&
			   vm_units(vm) >= t->budget) {
			char why[160];
			r->status = GRADE_BUDGET;
			detail_add(r, "budget exhausted at line %d: %llu "
				   "instructions\n", l->lineno,
				   (unsigned long long)t->budget);
			if (stuck_explain(vm, vm->halted_time, why, sizeof why))
				detail_add(r, "the guest %s\n", why);
		} else {
			continue;
		}
		fflush(out);
		from = len;
		snprintf(err, sizeof err, "history %d", GRADE_HISTORY);
		mon_exec(m, err);
		detail_add(r, "the last instructions run:\n");
		monitor_text(r, out, &buf, &len, from);
		break;
	}
	struct vm *vm = mon_vm(m);
	r->insns = vm_now(vm);
	snprintf(r->stop, sizeof r->stop, "%s", vm_stop_name(vm->stop));
	if (r->status == GRADE_PASS && failed)
		r->status = GRADE_FAIL;
	if (r->status == GRADE_PASS)
		earned = t->points;
	r->points = earned;
	if (k->truncated)
		detail_add(r, "(console output cut after %d bytes)\n",
			   GRADE_OUTPUT_MAX - 1);
	mon_destroy(m);
done:
	if (out)
		fclose(out);
	free(buf);
	free(k);
}
