/*
 * Reading assembly sources into lines, following .include relative to the
 * including file.  An .include line stays in the listing as a blank
 * statement, so every line keeps its file and number for messages.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as_int.h"

void *as_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("aula as: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *as_xstrdup(const char *s)
{
	return strcpy(as_xrealloc(NULL, strlen(s) + 1), s);
}


static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t len = 0, cap = 4096, n;
	char *buf = as_xrealloc(NULL, cap);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap)
			buf = as_xrealloc(buf, cap *= 2);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[len] = 0;
	return buf;
}

static int add_line(struct as *a, const char *file, int lineno,
		    const char *text, size_t len)
{
	if (a->nlines == a->lines_cap) {
		a->lines_cap = a->lines_cap ? 2 * a->lines_cap : 256;
		a->lines = as_xrealloc(a->lines, a->lines_cap * sizeof *a->lines);
	}
	struct as_line *l = &a->lines[a->nlines];
	memset(l, 0, sizeof *l);
	l->file = file;
	l->lineno = lineno;
	l->text = as_xrealloc(NULL, len + 1);
	memcpy(l->text, text, len);
	l->text[len] = 0;
	return a->nlines++;
}

/* If the line is `.include "name"`, return a malloc'd name. */
static char *include_name(struct as *a, int idx, bool *is_include)
{
	a->cur = idx;
	a->p = a->lines[idx].text;
	as_skip_ws(a);
	*is_include = strncmp(a->p, ".include", 8) == 0 &&
		      !as_ident_len(a->p + 8) && !isdigit((unsigned char)a->p[8]);
	if (!*is_include)
		return NULL;
	a->p += 8;
	as_skip_ws(a);
	const char *q = a->p;
	if (*q != '"' || !strchr(q + 1, '"')) {
		as_error(a, q, "expected a quoted file name after .include");
		return NULL;
	}
	size_t n = (size_t)(strchr(q + 1, '"') - (q + 1));
	a->p = q + n + 2;
	if (!as_at_end(a)) {
		as_error(a, NULL, "unexpected text after the file name");
		return NULL;
	}
	char *name = as_xrealloc(NULL, n + 1);
	memcpy(name, q + 1, n);
	name[n] = 0;
	return name;
}

int as_read_source(struct as *a, const char *path, const char *text,
		   int depth)
{
	char *owned = NULL;
	if (!text) {
		text = owned = slurp(path);
		if (!text)
			return -1;
	}
	a->files = as_xrealloc(a->files, (a->nfiles + 1) * sizeof *a->files);
	const char *file = a->files[a->nfiles++] = as_xstrdup(path);

	const char *p = text;
	for (int lineno = 1; *p; lineno++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int idx = add_line(a, file, lineno, p, len);
		p += len + (nl ? 1 : 0);

		bool inc;
		char *name = include_name(a, idx, &inc);
		if (inc)
			a->lines[idx].text[0] = 0;	/* assembled as blank */
		if (!name)
			continue;
		char *full = name;
		const char *slash = strrchr(file, '/');
		if (name[0] != '/' && slash) {
			size_t dir = (size_t)(slash - file) + 1;
			full = as_xrealloc(NULL, dir + strlen(name) + 1);
			memcpy(full, file, dir);
			strcpy(full + dir, name);
		}
		if (depth >= AS_MAX_INCLUDE_DEPTH) {
			a->cur = idx;
			as_error(a, a->lines[idx].text,
				 ".include nested more than %d deep (does '%s' "
				 "include itself?)", AS_MAX_INCLUDE_DEPTH, name);
		} else if (as_read_source(a, full, NULL, depth + 1) != 0) {
			a->cur = idx;
			as_error(a, a->lines[idx].text, "cannot read '%s': %s",
				 full, strerror(errno));
		}
		if (full != name)
			free(full);
		free(name);
	}
	free(owned);
	return 0;
}
