/*
 * aula grade: reading test files and setups, and loading submissions
 * (aula-grade(1)).  Running them is grade_run.c.
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
#include "grade/grade_int.h"

const char *const grade_status_names[] = {
	[GRADE_PASS] = "pass",
	[GRADE_FAIL] = "fail",
	[GRADE_BUDGET] = "budget exhausted",
	[GRADE_CRASH] = "guest crash",
	[GRADE_NOT_APPLICABLE] = "not applicable",
	[GRADE_NO_PROGRAM] = "no program",
	[GRADE_INTERNAL] = "internal error",
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
	if (t->is_setup && strcmp(key, "budget") && strcmp(key, "input"))
		return errf(err, errlen, t->path, lineno, 1, "'# %s:' in a "
			    "setup: its header has only '# budget:' and "
			    "'# input:'", key);
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
	} else if (!strcmp(key, "from")) {
		if (!*value || t->from)
			return errf(err, errlen, t->path, lineno, col,
				    "# from: one setup file");
		/* Relative to the test's directory, as #include is. */
		const char *slash = strrchr(t->path, '/');
		int dir = *value == '/' || !slash ? 0
			  : (int)(slash - t->path) + 1;
		size_t n = (size_t)dir + strlen(value) + 1;
		if (!(t->from = malloc(n)))
			return errf(err, errlen, t->path, lineno, col,
				    "out of memory");
		snprintf(t->from, n, "%.*s%s", dir, t->path, value);
	} else {
		return errf(err, errlen, t->path, lineno, 1, "unknown header "
			    "'# %s:' (name, points, budget, input, applies, "
			    "from)", key);
	}
	return 0;
}

static bool header_known(const char *key)
{
	static const char *const keys[] = { "name", "points", "budget",
					    "input", "applies", "from" };
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

static int read_plan(const char *path, struct grade_test *t, bool setup,
		     char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	t->path = strdup(path);
	t->is_setup = setup;
	t->points = setup ? 0 : 1;
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
		else if (setup && (points || l.kind == GRADE_LINE_CHECK)) {
			rc = errf(err, errlen, path, lineno, col, "a setup "
				  "earns no points and checks nothing (no +N, "
				  "output, memory or stop): its tests do");
			if (l.check && l.check->kind == CHECK_OUTPUT &&
			    l.check->mode == OUTPUT_MATCHES)
				regfree(&l.check->re);
		}
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
		rc = errf(err, errlen, path, lineno, 0, setup ? "no commands: "
			  "a setup runs the guest (continue, until...)" :
			  "no commands: a test runs the guest (continue, "
			  "expect...) and checks it");
	if (rc == 0 && t->line_points > t->points)
		rc = errf(err, errlen, path, lineno, 0, "the +N points add up "
			  "to %u, more than '# points: %u'", t->line_points,
			  t->points);
	if (rc == 0 && !t->name[0])
		strcpy(t->name, t->id);
	return rc;
}

int grade_test_read(const char *path, struct grade_test *t, char *err,
		    size_t errlen)
{
	return read_plan(path, t, false, err, errlen);
}

int grade_setup_read(const char *path, struct grade_test *t, char *err,
		     size_t errlen)
{
	return read_plan(path, t, true, err, errlen);
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
	free(t->from);
}

bool grade_test_applies(const struct grade_test *t, const char *sub)
{
	const char *base = strrchr(sub, '/') ? strrchr(sub, '/') + 1 : sub;
	return !t->applies[0] || fnmatch(t->applies, base, 0) == 0;
}

/* ---- submissions -------------------------------------------------------- */

/* s->error, as printf would put fmt: cut at GRADE_DETAIL_MAX - 1
 * bytes, trailing newlines dropped. */
static void sub_error(struct grade_sub *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void sub_error(struct grade_sub *s, const char *fmt, ...)
{
	char text[GRADE_DETAIL_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	size_t n = strlen(text);
	while (n && text[n - 1] == '\n')
		text[--n] = 0;
	free(s->error);
	s->error = strdup(text);
}

bool grade_sub_load(struct grade_sub *s)
{
	char err[512];
	char *buf = NULL;
	size_t len = 0;
	int errors;
	s->loaded = false;
	FILE *msgs = open_memstream(&buf, &len);
	if (!msgs) {
		sub_error(s, "out of memory");
		return false;
	}
	static const struct as_options opt;
	enum as_program got = as_load_program(s->path, 0, &opt, msgs, &s->img,
					      &errors, err, sizeof err);
	fclose(msgs);
	/* The report names the submission: err does not. */
	if (got == AS_PROGRAM_UNREADABLE || got == AS_PROGRAM_BAD_IMAGE)
		sub_error(s, "%s", err);
	else if (got == AS_PROGRAM_ASSEMBLY)
		sub_error(s, "assembly error%s:\n%s", errors == 1 ? "" : "s",
			  buf);
	free(buf);
	return s->loaded = got == AS_PROGRAM_OK;
}
