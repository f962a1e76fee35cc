/*
 * Source-level debugging: the line a stop, a history line or a crash came
 * from, from the image's line table (docs/image-format.md), and `list`,
 * which shows the source around a place.
 *
 * The line table is keyed by load address: the pc is translated through
 * the page tables first (without side effects), so two programs that run
 * at the same virtual address show their own lines.  `list` reads the
 * source file from the disk, as gdb does; if it cannot, it shows the lines
 * the table holds.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/mon_int.h"

#define MON_SOURCE_MAX (64u << 20)	/* bytes of one file for list */
#define MON_LIST_LINES 10

/* A source file read for list: its lines, split in place. */
struct mon_file {
	char *name;
	char *text;		/* NULL: could not be read */
	char **line;		/* line[i] is line i + 1 */
	uint32_t nline;
};

struct mon_sources {
	struct mon_file *f;
	int n;
	const char *file;	/* where list goes on, and from which line */
	uint32_t next;
};

const struct image_line *mon_line_at(struct mon *m, uint32_t va)
{
	if (!m->img || !m->img->nline)
		return NULL;
	uint32_t pa;
	if (mmu_peek(m->vm, va, MMU_FETCH, false, &pa) == 0) {
		const struct image_line *l = image_line_at(m->img, pa);
		if (l)
			return l;
	}
	/* Not mapped now (a history line of another process, say): the
	 * segment that runs there. */
	int64_t load = image_load_addr(m->img, va);
	return load < 0 ? NULL : image_line_at(m->img, (uint32_t)load);
}

/* Is name (or its local part, ".loop" of "main.loop") defined as a
 * label in text? */
static bool defines(const char *text, const char *name)
{
	const char *local = strchr(name + 1, '.');
	for (int k = 0; k < 2; k++, name = local) {
		size_t n = name ? strlen(name) : 0;
		for (const char *p = text; n && (p = strstr(p, name)); p++) {
			const char *q = p + n;
			while (*q == ' ' || *q == '\t')
				q++;
			bool start = p == text || p[-1] == ' ' ||
				     p[-1] == '\t' || p[-1] == ':';
			if (start && *q == ':')
				return true;
		}
	}
	return false;
}

const struct image_symbol *mon_pick_label(struct mon *m, uint32_t va,
					  const struct image_symbol *s)
{
	const struct image_symbol *c[8];
	uint32_t n = s && m->img->nline ?
		     image_symbols_equal(m->img, s->value, c, 8) : 0;
	uint32_t pa;
	if (n < 2 || mmu_peek(m->vm, va, MMU_FETCH, false, &pa) != 0)
		return s;
	/* Several labels at one address (two programs linked alike): the
	 * one whose line, in the segment pa is in, defines it. */
	for (uint32_t i = 0; i < m->img->nseg; i++) {
		const struct image_segment *g = &m->img->seg[i];
		if (pa - g->load >= g->size || s->value - g->addr >= g->size)
			continue;
		const struct image_line *l =
			image_line_at(m->img, g->load + (s->value - g->addr));
		for (uint32_t k = 0; l && k < n && k < 8; k++)
			if (defines(l->text, c[k]->name))
				return c[k];
	}
	return s;
}

/* The text without its leading blanks. */
static const char *trimmed(const char *t)
{
	while (*t == ' ' || *t == '\t')
		t++;
	return t;
}

const char *mon_where(struct mon *m, uint32_t va, char *buf, size_t len)
{
	const struct image_line *l = mon_line_at(m, va);
	buf[0] = 0;
	if (!l || len < 2)
		return buf;
	int n = snprintf(buf, len, "%s:%u: ", l->file, l->line);
	if (n < 0 || (size_t)n >= len)
		return buf;
	/* One blank for each run of them (columns lined up in the file
	 * only spread a sentence), except inside quotes. */
	size_t k = (size_t)n;
	char quote = 0;
	for (const char *t = trimmed(l->text); *t && k + 1 < len; t++) {
		bool blank = *t == ' ' || *t == '\t';
		if (!quote && blank && (t[1] == ' ' || t[1] == '\t'))
			continue;
		if (quote && *t == quote)
			quote = 0;
		else if (!quote && (*t == '"' || *t == '\''))
			quote = *t;
		buf[k++] = !quote && blank ? ' ' : *t;
	}
	buf[k] = 0;
	return buf;
}

void mon_show_source(struct mon *m, uint32_t va)
{
	char where[MON_LINE_MAX];
	if (mon_where(m, va, where, sizeof where)[0])
		mon_put(m, "   %s\n", where);
}

/* ---- list ----------------------------------------------------------------- */

static struct mon_sources *sources(struct mon *m)
{
	if (!m->sources) {
		m->sources = calloc(1, sizeof *m->sources);
		if (!m->sources)
			abort();
	}
	return m->sources;
}

/* Read a regular file of bounded size; NULL otherwise. */
static char *read_source(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	char *buf = NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size <= MON_SOURCE_MAX &&
	    (buf = malloc((size_t)st.st_size + 1))) {
		size_t got = 0;
		ssize_t n;
		while (got < (size_t)st.st_size &&
		       (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
			got += (size_t)n;
		buf[got] = 0;
	}
	close(fd);
	return buf;
}

static struct mon_file *file_named(struct mon *m, const char *name)
{
	struct mon_sources *s = sources(m);
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->f[i].name, name))
			return &s->f[i];
	s->f = realloc(s->f, (size_t)(s->n + 1) * sizeof *s->f);
	if (!s->f)
		abort();
	struct mon_file *f = &s->f[s->n++];
	memset(f, 0, sizeof *f);
	f->name = strdup(name);
	f->text = read_source(name);
	if (!f->name)
		abort();
	for (char *p = f->text; p && *p;) {
		if (f->nline % 1024 == 0) {
			f->line = realloc(f->line, (f->nline + 1024) *
					  sizeof *f->line);
			if (!f->line)
				abort();
		}
		f->line[f->nline++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = 0;
		if (nl > p && nl[-1] == '\r')
			nl[-1] = 0;
		p = nl + 1;
	}
	return f;
}

/* The text of line n of file: from the file, else from the line table
 * (NULL if neither has it). */
static const char *line_text(struct mon *m, struct mon_file *f, uint32_t n)
{
	if (f->text)
		return n >= 1 && n <= f->nline ? f->line[n - 1] : NULL;
	for (uint32_t i = 0; m->img && i < m->img->nline; i++) {
		const struct image_line *l = &m->img->line[i];
		if (l->line == n && !strcmp(l->file, f->name))
			return l->text;
	}
	return NULL;
}

/* The file of the line table named name, or ending in "/name". */
static const char *table_file(struct mon *m, const char *name, size_t len)
{
	for (uint32_t i = 0; m->img && i < m->img->nline; i++) {
		const char *f = m->img->line[i].file;
		size_t n = strlen(f);
		if ((n == len && !strncmp(f, name, len)) ||
		    (n > len && f[n - len - 1] == '/' &&
		     !strncmp(f + n - len, name, len)))
			return f;
	}
	return NULL;
}

void mon_sources_free(struct mon *m)
{
	struct mon_sources *s = m->sources;
	if (!s)
		return;
	for (int i = 0; i < s->n; i++) {
		free(s->f[i].name);
		free(s->f[i].text);
		free(s->f[i].line);
	}
	free(s->f);
	free(s);
	m->sources = NULL;
}

void mon_list_reset(struct mon *m)
{
	if (m->sources)
		m->sources->file = NULL;
}

/* Lines first..first+count-1 of file; => marks the line at pc. */
static int show_lines(struct mon *m, const char *name, uint32_t first,
		      uint32_t count)
{
	struct mon_file *f = file_named(m, name);
	const struct image_line *at = mon_line_at(m, m->vm->cpu.pc);
	uint32_t last = f->text ? f->nline : 0;
	if (!f->text)
		for (uint32_t i = 0; i < m->img->nline; i++)
			if (!strcmp(m->img->line[i].file, name) &&
			    m->img->line[i].line > last)
				last = m->img->line[i].line;
	if (first > last)
		return mon_error(m, NULL, "%s has %u lines", name, last);
	if (!f->text)
		mon_printf(m, "(%s cannot be read: the lines that made code, "
			   "from the image)\n", name);
	uint32_t shown = 0, n = first;
	for (; n <= last && shown < count; n++, shown++) {
		const char *t = line_text(m, f, n);
		if (!t)
			continue;
		bool here = at && at->line == n && !strcmp(at->file, name);
		mon_printf(m, "%s%5u  %s\n", here ? "=>" : "  ", n, t);
	}
	struct mon_sources *s = sources(m);
	s->file = f->name;
	s->next = n;
	return 0;
}

int mon_cmd_list(struct mon *m, struct mon_args *a)
{
	if (!m->img || !m->img->nline)
		return mon_error(m, NULL, "the program has no line table "
				 "(assemble it without --strip)");
	struct mon_sources *s = sources(m);
	mon_skip_blanks(a);
	const char *start = a->p;
	if (mon_at_end(a)) {
		/* Again: on from the last list, unless the guest ran. */
		if (s->file)
			return show_lines(m, s->file, s->next, MON_LIST_LINES);
		const struct image_line *l = mon_line_at(m, m->vm->cpu.pc);
		if (!l)
			return mon_error(m, NULL, "no source line for pc "
					 "0x%08x (list FILE:LINE)",
					 m->vm->cpu.pc);
		return show_lines(m, l->file, l->line > 5 ? l->line - 5 : 1,
				  MON_LIST_LINES);
	}
	/* FILE:LINE, or LINE of the current file. */
	const char *colon = NULL, *p = a->p;
	while (*p && !isspace((unsigned char)*p))
		if (*p++ == ':')
			colon = p - 1;
	const char *num = colon ? colon + 1 : a->p;
	bool digits = num < p;
	for (const char *q = num; q < p; q++)
		digits = digits && isdigit((unsigned char)*q);
	if (digits) {
		unsigned long n = strtoul(num, NULL, 10);
		const char *file = s->file;
		if (colon) {
			file = table_file(m, a->p, (size_t)(colon - a->p));
			if (!file)
				return mon_error(m, start, "no file '%.*s' in "
						 "the line table",
						 (int)(colon - a->p), a->p);
		} else if (!file) {
			const struct image_line *l =
				mon_line_at(m, m->vm->cpu.pc);
			file = l ? l->file : m->img->line[0].file;
		}
		a->p = p;
		if (mon_args_end(m, a))
			return -1;
		if (n == 0 || n > 0xffffffffu)
			return mon_error(m, num, "line numbers start at 1");
		return show_lines(m, file, n > 5 ? (uint32_t)n - 5 : 1,
				  MON_LIST_LINES);
	}
	uint32_t addr;
	if (mon_args_expr(m, a, &addr, NULL) || mon_args_end(m, a))
		return -1;
	const struct image_line *l = mon_line_at(m, addr);
	if (!l)
		return mon_error(m, start, "no source line for 0x%08x", addr);
	return show_lines(m, l->file, l->line > 5 ? l->line - 5 : 1,
			  MON_LIST_LINES);
}
