/*
 * Reading assembly sources into lines, following .include relative to the
 * including file.  An .include line stays in the listing as a blank
 * statement, so every line keeps its file and number for messages.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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


/* Read a whole regular file of at most max bytes (NUL-terminated, *len
 * bytes).  NULL with errno set otherwise: a FIFO or a device would hang
 * or never end, so it is refused before the first read (EINVAL), and a
 * file too large gets EFBIG. */
char *as_read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > max) {
		int e = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		close(fd);
		errno = e;
		return NULL;
	}
	size_t cap = (size_t)st.st_size + 1, got = 0;
	char *buf = as_xrealloc(NULL, cap + 1);
	/* Read one byte more than fstat said, to see a file that grew. */
	for (;;) {
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			free(buf);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got == cap) {
			close(fd);
			free(buf);
			errno = EFBIG;
			return NULL;
		}
	}
	close(fd);
	buf[got] = 0;
	*len = got;
	return buf;
}

/* The directory part of path ("." if none), as a malloc'd string. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return as_xstrdup(".");
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	char *d = as_xrealloc(NULL, n + 1);
	memcpy(d, path, n);
	d[n] = 0;
	return d;
}

void as_set_roots(struct as *a, const char *main_path,
		  const char *const *dirs, int ndirs)
{
	char *d = dir_of(main_path);
	a->roots = as_xrealloc(NULL, (size_t)(ndirs + 1) * sizeof *a->roots);
	a->nroots = 0;
	char *r = realpath(d, NULL);
	if (r)
		a->roots[a->nroots++] = r;
	free(d);
	for (int i = 0; i < ndirs; i++)
		if ((r = realpath(dirs[i], NULL)))
			a->roots[a->nroots++] = r;
	a->include_dirs = dirs;
	a->ninclude_dirs = ndirs;
}

static bool inside_roots(const struct as *a, const char *real)
{
	for (int i = 0; i < a->nroots; i++) {
		size_t n = strlen(a->roots[i]);
		if (strncmp(real, a->roots[i], n) == 0 &&
		    (real[n] == '/' || real[n] == 0 || n == 1))
			return true;
	}
	return false;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char *p = as_xrealloc(NULL, n + strlen(name) + 2);
	memcpy(p, dir, n);
	p[n] = '/';
	strcpy(p + n + 1, name);
	return p;
}

char *as_resolve(struct as *a, const char *from, const char *name,
		 const char *what)
{
	int ncand = name[0] == '/' ? 1 : 1 + a->ninclude_dirs;
	bool outside = false;
	int err = ENOENT;
	char *first = NULL;
	for (int i = 0; i < ncand; i++) {
		char *cand;
		if (name[0] == '/') {
			cand = as_xstrdup(name);
		} else if (i == 0) {
			/* "sub/a.s", not "./sub/a.s", for the messages. */
			const char *slash = strrchr(from, '/');
			size_t n = slash ? (size_t)(slash - from) + 1 : 0;
			cand = as_xrealloc(NULL, n + strlen(name) + 1);
			memcpy(cand, from, n);
			strcpy(cand + n, name);
		} else {
			cand = join(a->include_dirs[i - 1], name);
		}
		char *real = realpath(cand, NULL);
		if (real && inside_roots(a, real)) {
			free(real);
			free(first);	/* the name next to the file, tried first */
			return cand;
		}
		if (real)
			outside = true;
		else if (i == 0)
			err = errno;
		free(real);
		if (i == 0)
			first = cand;
		else
			free(cand);
	}
	if (outside)
		as_error(a, a->lines[a->cur].text, "%s '%s' is outside the "
			 "source's directory tree and the -I directories "
			 "(name a directory with -I to allow it)", what, name);
	else
		as_error(a, a->lines[a->cur].text, "cannot read '%s': %s",
			 first, strerror(err));
	free(first);
	return NULL;
}

int as_add_line(struct as *a, const char *file, int lineno,
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
	l->origin = a->nlines;
	l->call = -1;
	if (text) {
		l->text = as_xrealloc(NULL, len + 1);
		memcpy(l->text, text, len);
		l->text[len] = 0;
	}
	return a->nlines++;
}

char *as_quoted_name(struct as *a, const char *dir)
{
	as_skip_ws(a);
	const char *q = a->p;
	const char *end = *q == '"' ? strchr(q + 1, '"') : NULL;
	if (!end || end == q + 1) {
		as_error(a, q, "expected a quoted file name after %s", dir);
		return NULL;
	}
	size_t n = (size_t)(end - (q + 1));
	a->p = end + 1;
	char *name = as_xrealloc(NULL, n + 1);
	memcpy(name, q + 1, n);
	name[n] = 0;
	return name;
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
	char *name = as_quoted_name(a, ".include");
	if (name && !as_at_end(a)) {
		as_error(a, NULL, "unexpected text after the file name");
		free(name);
		return NULL;
	}
	return name;
}

int as_read_source(struct as *a, const char *path, const char *text,
		   int depth)
{
	char *owned = NULL;
	if (!text) {
		size_t len;
		text = owned = as_read_file(path, AS_MAX_FILE_SIZE, &len);
		if (!text)
			return -1;
		a->source_bytes += len;
	} else {
		/* A caller's text (as_load_program's file) counts as well. */
		a->source_bytes += strlen(text);
	}
	a->files = as_xrealloc(a->files, (a->nfiles + 1) * sizeof *a->files);
	const char *file = a->files[a->nfiles++] = as_xstrdup(path);

	const char *p = text;
	for (int lineno = 1; *p; lineno++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int idx = as_add_line(a, file, lineno, p, len);
		p += len + (nl ? 1 : 0);

		bool inc;
		char *name = include_name(a, idx, &inc);
		if (inc)
			a->lines[idx].text[0] = 0;	/* assembled as blank */
		if (!name)
			continue;
		a->cur = idx;
		if (depth >= AS_MAX_INCLUDE_DEPTH) {
			as_error(a, a->lines[idx].text,
				 ".include nested more than %d deep (does '%s' "
				 "include itself?)", AS_MAX_INCLUDE_DEPTH, name);
			free(name);
			continue;
		}
		char *full = as_resolve(a, file, name, ".include");
		if (full && a->source_bytes > AS_MAX_SOURCE_TOTAL) {
			as_error(a, a->lines[idx].text, "the sources and their "
				 "includes exceed %d MiB", AS_MAX_SOURCE_TOTAL >> 20);
		} else if (full && as_read_source(a, full, NULL, depth + 1) != 0) {
			a->cur = idx;
			as_error(a, a->lines[idx].text, "cannot read '%s': %s",
				 full, errno == EINVAL ? "not a regular file" :
				 errno == EFBIG ? "larger than the limit for "
				 "a source file" : strerror(errno));
		}
		free(full);
		free(name);
	}
	free(owned);
	return 0;
}
