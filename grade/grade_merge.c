/*
 * aula grade --merge: the JSON reports of the shards of one class, back
 * into one set of results in the order of the original command line.
 * It reads only what aula grade --json writes (aula-grade(1), REPORTS):
 * objects, arrays, strings, numbers and null, with the keys it knows.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "grade/grade.h"

struct jp {
	const char *p, *file;
	char *err;
	size_t errlen;
	bool bad;
};

static bool fail(struct jp *j, const char *fmt, ...)
{
	if (!j->bad) {
		va_list ap;
		int n = snprintf(j->err, j->errlen, "%s: ", j->file);
		va_start(ap, fmt);
		if (n >= 0 && (size_t)n < j->errlen)
			vsnprintf(j->err + n, j->errlen - n, fmt, ap);
		va_end(ap);
	}
	j->bad = true;
	return false;
}

static void ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' ||
	       *j->p == '\r')
		j->p++;
}

static bool lit(struct jp *j, char c)
{
	ws(j);
	if (*j->p != c)
		return fail(j, "'%c' expected: not an aula grade JSON report",
			    c);
	j->p++;
	return true;
}

static bool peek(struct jp *j, char c)
{
	ws(j);
	return *j->p == c;
}

static bool jstring(struct jp *j, char *buf, size_t size)
{
	size_t n = 0;
	if (!lit(j, '"'))
		return false;
	while (*j->p && *j->p != '"') {
		char c = *j->p++;
		if (c == '\\') {
			c = *j->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 'u': {
				char hex[5] = { 0 };
				memcpy(hex, j->p, 4);
				if (strlen(hex) < 4)
					return fail(j, "bad \\u escape");
				c = (char)strtoul(hex, NULL, 16);
				j->p += 4;
				break;
			}
			case '"': case '\\': break;
			default: return fail(j, "bad escape \\%c", c);
			}
		}
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = 0;
	return lit(j, '"');
}

static bool jnumber(struct jp *j, uint64_t *v)
{
	ws(j);
	char *end;
	unsigned long long x = strtoull(j->p, &end, 10);
	if (end == j->p)
		return fail(j, "a number expected");
	j->p = end;
	*v = x;
	return true;
}

static bool jnull(struct jp *j)
{
	ws(j);
	if (strncmp(j->p, "null", 4))
		return false;
	j->p += 4;
	return true;
}

/* The next key of an object, or false at its end ('}' taken). */
static bool jkey(struct jp *j, bool *first, char *key, size_t size)
{
	if (peek(j, '}')) {
		j->p++;
		return false;
	}
	if (!*first && !lit(j, ','))
		return false;
	*first = false;
	return jstring(j, key, size) && lit(j, ':');
}

/* The next element of an array, or false at its end (']' taken). */
static bool jnext(struct jp *j, bool *first)
{
	if (peek(j, ']')) {
		j->p++;
		return false;
	}
	if (!*first && !lit(j, ','))
		return false;
	*first = false;
	return !j->bad;
}

static bool parse_test(struct jp *j, struct grade_test *t)
{
	char key[32], buf[GRADE_DETAIL_MAX];
	bool first = true;
	uint64_t v;
	memset(t, 0, sizeof *t);
	if (!lit(j, '{'))
		return false;
	while (jkey(j, &first, key, sizeof key)) {
		if (!strcmp(key, "id"))
			jstring(j, t->id, sizeof t->id);
		else if (!strcmp(key, "name"))
			jstring(j, t->name, sizeof t->name);
		else if (!strcmp(key, "file") && jstring(j, buf, sizeof buf))
			t->path = strdup(buf);
		else if (!strcmp(key, "points") && jnumber(j, &v))
			t->points = (unsigned)v;
		else if (!strcmp(key, "budget") && jnumber(j, &v))
			t->budget = v;
		else if (!j->bad)
			return fail(j, "unknown key \"%s\" in a test", key);
	}
	return !j->bad;
}

/* A string of at most GRADE_DETAIL_MAX - 1 bytes into *out (malloc'd,
 * replacing what was there). */
static bool jstring_dup(struct jp *j, char **out)
{
	char buf[GRADE_DETAIL_MAX];
	if (!jstring(j, buf, sizeof buf))
		return false;
	free(*out);
	if (!(*out = strdup(buf)))
		return fail(j, "out of memory");
	return true;
}

static bool parse_result(struct jp *j, struct grade_result *r)
{
	char key[32], buf[64];
	bool first = true;
	uint64_t v;
	memset(r, 0, sizeof *r);
	r->done = true;
	if (!lit(j, '{'))
		return false;
	while (jkey(j, &first, key, sizeof key)) {
		if (!strcmp(key, "test")) {
			jstring(j, buf, sizeof buf);
		} else if (!strcmp(key, "status") &&
			   jstring(j, buf, sizeof buf)) {
			int s = GRADE_PASS;
			while (s <= GRADE_INTERNAL &&
			       strcmp(buf, grade_status_names[s]))
				s++;
			if (s > GRADE_INTERNAL)
				return fail(j, "no status \"%s\"", buf);
			r->status = s;
		} else if (!strcmp(key, "points") && jnumber(j, &v)) {
			r->points = (unsigned)v;
		} else if (!strcmp(key, "insns") && jnumber(j, &v)) {
			r->insns = v;
		} else if (!strcmp(key, "stop")) {
			if (!jnull(j))
				jstring(j, r->stop, sizeof r->stop);
		} else if (!strcmp(key, "detail")) {
			char *d = (char *)r->detail;
			jstring_dup(j, &d);
			r->detail = d;
		} else if (!j->bad) {
			return fail(j, "unknown key \"%s\" in a result", key);
		}
	}
	return !j->bad;
}

/* One submission with its results, appended to m. */
static bool parse_sub(struct jp *j, struct grade_merge *m)
{
	char key[32], buf[GRADE_DETAIL_MAX];
	bool first = true;
	uint64_t v;
	int i = m->nsubs;
	size_t nt = (size_t)m->ntests;
	struct grade_sub *subs = realloc(m->subs, (i + 1) * sizeof *subs);
	if (subs)
		m->subs = subs;
	struct grade_result *res = realloc(m->results,
					   (i + 1) * nt * sizeof *res);
	if (res)
		m->results = res;
	if (!subs || !res)
		return fail(j, "out of memory");
	/* Counted once its results are zero, so that grade_merge_free can
	 * free every detail of every submission counted. */
	memset(&m->results[i * nt], 0, nt * sizeof *res);
	m->nsubs = i + 1;
	struct grade_sub *s = &m->subs[i];
	memset(s, 0, sizeof *s);
	s->loaded = true;
	if (!lit(j, '{'))
		return false;
	while (jkey(j, &first, key, sizeof key)) {
		if (!strcmp(key, "file") && jstring(j, buf, sizeof buf)) {
			s->path = strdup(buf);
		} else if (!strcmp(key, "error")) {
			if (!jnull(j)) {
				s->loaded = false;
				jstring_dup(j, &s->error);
			}
		} else if (!strcmp(key, "points") || !strcmp(key, "max")) {
			jnumber(j, &v);
		} else if (!strcmp(key, "results")) {
			bool f = true;
			size_t n = 0;
			if (!lit(j, '['))
				return false;
			while (jnext(j, &f)) {
				if (n >= nt)
					return fail(j, "too many results");
				if (!parse_result(j, &m->results[i * nt + n++]))
					return false;
			}
			if (n != nt)
				return fail(j, "too few results");
		} else if (!j->bad) {
			return fail(j, "unknown key \"%s\"", key);
		}
	}
	return !j->bad;
}

/* One shard's report, appended to m. */
static bool parse_report(struct jp *j, struct grade_merge *m,
			 unsigned *shard, unsigned *nshards, int *first_sub)
{
	char key[32], buf[64];
	bool first = true;
	uint64_t v;
	int ntests = 0;
	*shard = *nshards = 1;
	*first_sub = m->nsubs;
	if (!lit(j, '{'))
		return false;
	while (jkey(j, &first, key, sizeof key)) {
		if (!strcmp(key, "format")) {
			if (jstring(j, buf, sizeof buf) &&
			    strcmp(buf, "aula-grade"))
				return fail(j, "not an aula grade report");
		} else if (!strcmp(key, "version")) {
			if (jnumber(j, &v) && v != GRADE_FORMAT_VERSION)
				return fail(j, "version %llu, not %d",
					    (unsigned long long)v,
					    GRADE_FORMAT_VERSION);
		} else if (!strcmp(key, "shard")) {
			uint64_t k, n;
			if (lit(j, '[') && jnumber(j, &k) && lit(j, ',') &&
			    jnumber(j, &n) && lit(j, ']')) {
				*shard = (unsigned)k;
				*nshards = (unsigned)n;
			}
		} else if (!strcmp(key, "tests")) {
			bool f = true;
			if (!lit(j, '['))
				return false;
			while (jnext(j, &f)) {
				struct grade_test t;
				bool ok = parse_test(j, &t);
				if (ok && m->ntests_known &&
				    (ntests >= m->ntests ||
				     strcmp(t.id, m->tests[ntests].id) ||
				     t.points != m->tests[ntests].points))
					ok = fail(j, "its tests differ from "
						  "the other shards'");
				if (ok && !m->ntests_known) {
					size_t sz = (ntests + 1) *
						    sizeof *m->tests;
					struct grade_test *ts =
						realloc(m->tests, sz);
					if (!ts)
						ok = fail(j, "out of memory");
					else
						m->tests = ts;
				}
				if (ok && !m->ntests_known) {
					m->tests[ntests] = t;
					m->ntests = ntests + 1;
				} else {
					free(t.path);
				}
				if (!ok)
					return false;
				ntests++;
			}
			if (m->ntests_known && ntests != m->ntests)
				return fail(j, "its tests differ from the "
					    "other shards'");
			m->ntests_known = true;
		} else if (!strcmp(key, "submissions")) {
			bool f = true;
			if (!m->ntests_known || !lit(j, '['))
				return fail(j, "\"tests\" must come first");
			while (jnext(j, &f))
				if (!parse_sub(j, m))
					return false;
		} else if (!j->bad) {
			return fail(j, "unknown key \"%s\"", key);
		}
	}
	return !j->bad;
}

static char *slurp(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return NULL;
	}
	do {
		if (len + 4096 + 1 > cap) {
			cap = 2 * (len + 4096 + 1);
			char *p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				snprintf(err, errlen, "out of memory");
				return NULL;
			}
			buf = p;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = 0;
	return buf;
}

int grade_merge_read(struct grade_merge *m, char *const *files, int nfiles,
		     char *err, size_t errlen)
{
	unsigned shard[nfiles], nshards[nfiles];
	int first[nfiles + 1];
	memset(m, 0, sizeof *m);
	for (int f = 0; f < nfiles; f++) {
		char *text = slurp(files[f], err, errlen);
		if (!text)
			return -1;
		struct jp j = { .p = text, .file = files[f], .err = err,
				.errlen = errlen };
		bool ok = parse_report(&j, m, &shard[f], &nshards[f],
				       &first[f]);
		free(text);
		if (!ok)
			return -1;
	}
	first[nfiles] = m->nsubs;
	/* Shard k holds submissions k-1, k-1+n, k-1+2n... of the class. */
	struct grade_sub *subs = calloc((size_t)m->nsubs, sizeof *subs);
	struct grade_result *res = calloc((size_t)m->nsubs * m->ntests,
					  sizeof *res);
	bool *seen = calloc((size_t)nfiles + 1, sizeof *seen);
	int rc = subs && res && seen ? 0 : -1;
	for (int f = 0; rc == 0 && f < nfiles; f++) {
		unsigned n = nshards[f], k = shard[f];
		if (n != (unsigned)nfiles || k < 1 || k > n || seen[k]) {
			snprintf(err, errlen, "%s: shard %u/%u: --merge takes "
				 "the reports of shards 1/%d to %d/%d, each "
				 "once", files[f], k, n, nfiles, nfiles,
				 nfiles);
			rc = -1;
			break;
		}
		seen[k] = true;
		for (int i = first[f]; i < first[f + 1]; i++) {
			size_t to = (k - 1) + (size_t)(i - first[f]) * n;
			if (to >= (size_t)m->nsubs) {
				snprintf(err, errlen, "%s: more submissions "
					 "than shard %u/%u can hold", files[f],
					 k, n);
				rc = -1;
				break;
			}
			subs[to] = m->subs[i];
			memcpy(&res[to * m->ntests],
			       &m->results[(size_t)i * m->ntests],
			       m->ntests * sizeof *res);
		}
	}
	free(seen);
	if (rc == 0) {
		free(m->subs);
		free(m->results);
		m->subs = subs;
		m->results = res;
	} else {
		free(subs);
		free(res);
	}
	return rc;
}

void grade_merge_free(struct grade_merge *m)
{
	for (int i = 0; i < m->ntests; i++)
		free(m->tests[i].path);
	for (int i = 0; i < m->nsubs; i++) {
		free((char *)m->subs[i].path);
		free(m->subs[i].error);
	}
	for (size_t i = 0; m->results &&
			   i < (size_t)m->nsubs * m->ntests; i++)
		free((char *)m->results[i].detail);
	free(m->tests);
	free(m->subs);
	free(m->results);
}
