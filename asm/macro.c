/*
 * Macros, repetition and conditional assembly (aula-as(1), MACROS AND
 * CONDITIONS): a pass before the two passes that turns the lines as read
 * into the lines to assemble.  Every line read stays, so the listing and
 * the messages keep their places: .macro bodies, false branches and the
 * directives themselves stay as lines that assemble to nothing, and each
 * expansion follows its call, its lines naming the body line they came
 * from and (for the line table) the call that made them.
 *
 * Only constants defined above a .if or .rept can decide it: labels have
 * no address yet.  Everything this pass produces is bounded: macro calls
 * nest at most AS_MAX_MACRO_DEPTH deep and all lines together number at
 * most AS_MAX_LINES (a line costs some 110 bytes: 2,000,000 of them about
 * 220 MB), and an error says which macro and which call.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asm/as_int.h"
#include "cpu/isa.h"

struct as_macro {
	char *name;
	char **params, **defaults;	/* defaults[i] NULL: required */
	int nparams;
	struct as_src *body;
	int nbody;
	char **locals;			/* local labels defined in the body */
	int nlocals;
	const char *file;
	int lineno;
};

/* One expansion being processed. */
struct xctx {
	const struct as_macro *m;	/* NULL outside any macro */
	char **args;
	int serial;			/* \@ */
	int origin;			/* the call line as written, or -1 */
	int call;			/* the innermost call line, or -1 */
	int depth;
};

#define AS_MAX_COND_DEPTH 64

struct cond {
	bool on;			/* this branch assembles */
	bool taken;			/* some branch was chosen */
	bool in_else;
	int line;
};

struct conds {
	struct cond c[AS_MAX_COND_DEPTH];
	int n;
};

/* Nothing more to expand: the lines are full, or too many errors. */
static bool given_up(const struct as *a)
{
	return a->lines_full || a->errors >= AS_MAX_ERRORS;
}

static bool skipping(const struct conds *cs)
{
	return cs->n && !cs->c[cs->n - 1].on;
}

/* ---- reading a line's parts -------------------------------------------- */

/* Skip "name:" labels without defining them. */
static const char *after_labels(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = as_ident_len(p);
		const char *q = p + n;
		while (*q == ' ' || *q == '\t')
			q++;
		if (!n || *q != ':')
			return p;
		p = q + 1;
	}
}

/* The first word after the labels, lower-cased into buf (empty if none
 * or too long). */
static const char *first_word(const char *text, char *buf, size_t len,
			      const char **rest)
{
	const char *p = after_labels(text);
	size_t n = as_ident_len(p);
	buf[0] = 0;
	if (n && n < len) {
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)tolower((unsigned char)p[i]);
		buf[n] = 0;
	}
	*rest = p + n;
	return p;
}

static bool is_word(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return true;
	return false;
}

static const char *const cond_words[] = { ".if", ".ifdef", ".ifndef",
					  ".else", ".endif", NULL };

static struct as_macro *macro_named(struct as *a, const char *name, size_t n)
{
	for (int i = 0; i < a->nmacros; i++)
		if (strlen(a->macros[i].name) == n &&
		    strncasecmp(a->macros[i].name, name, n) == 0)
			return &a->macros[i];
	return NULL;
}

/* ---- substitution ------------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = 2 * (b->len + n + 1);
		b->p = as_xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

/* A body line with \param, \@ and the body's local labels replaced. */
static char *substitute(const char *text, const struct xctx *c)
{
	const struct as_macro *m = c->m;
	struct buf b = { 0 };
	char serial[16];
	int sn = snprintf(serial, sizeof serial, "%d", c->serial);
	char quote = 0;
	put(&b, "", 0);
	for (const char *p = text; *p;) {
		if (*p == '\\' && p[1] == '@') {
			put(&b, serial, (size_t)sn);
			p += 2;
			continue;
		}
		if (*p == '\\') {
			size_t n = as_ident_len(p + 1);
			int k = -1;
			for (int i = 0; n && i < m->nparams; i++)
				if (strlen(m->params[i]) == n &&
				    !strncmp(m->params[i], p + 1, n))
					k = i;
			if (k >= 0) {
				put(&b, c->args[k], strlen(c->args[k]));
				p += 1 + n;
				continue;
			}
			/* An escape in a string: keep it and what it
			 * escapes. */
			put(&b, p, p[1] ? 2 : 1);
			p += p[1] ? 2 : 1;
			continue;
		}
		if (quote) {
			if (*p == quote)
				quote = 0;
			put(&b, p++, 1);
			continue;
		}
		if (*p == '"' || *p == '\'') {
			quote = *p;
			put(&b, p++, 1);
			continue;
		}
		if (*p == ';' || *p == '#' || (p[0] == '/' && p[1] == '/')) {
			put(&b, p, strlen(p));
			break;
		}
		size_t n = as_ident_len(p);
		if (!n) {
			put(&b, p++, 1);
			continue;
		}
		put(&b, p, n);
		for (int i = 0; i < m->nlocals; i++)
			if (strlen(m->locals[i]) == n &&
			    !strncmp(m->locals[i], p, n)) {
				put(&b, "$", 1);
				put(&b, serial, (size_t)sn);
			}
		p += n;
	}
	return b.p;
}

/* ---- the pass ----------------------------------------------------------- */

static void process(struct as *a, const struct as_src *src, int n,
		    struct xctx *c);

/* Append a line to the output; NULL once the output is full. */
static struct as_line *out_line(struct as *a, const struct as_src *s,
				const struct xctx *c)
{
	if (a->nlines >= AS_MAX_LINES) {
		if (!a->lines_full) {
			a->lines_full = true;
			int at = c->call >= 0 ? c->call : a->nlines - 1;
			a->cur = at;
			as_error(a, a->lines[at].text, "more than %d lines to "
				 "assemble%s%s%s", AS_MAX_LINES,
				 c->m ? " (in the expansion of macro '" : "",
				 c->m ? c->m->name : "", c->m ? "')" : "");
		}
		return NULL;
	}
	int idx;
	if (c->m) {
		char *text = substitute(s->text, c);
		idx = as_add_line(a, s->file, s->lineno, text, strlen(text));
		free(text);
	} else {
		/* A line as read: its text is shared, not copied (the raw
		 * lines live until the end of the assembly). */
		idx = as_add_line(a, s->file, s->lineno, NULL, 0);
		a->lines[idx].text = s->text;
		a->lines[idx].shared = true;
	}
	struct as_line *l = &a->lines[idx];
	l->origin = c->origin >= 0 ? c->origin : idx;
	l->call = c->call;
	l->macro = c->m ? c->m->name : NULL;
	a->cur = idx;
	a->p = l->text;
	return l;
}

/* The value of .if or .rept: known from the constants above it. */
static bool known_value(struct as *a, const char *p, const char *dir,
			int64_t *v)
{
	a->p = p;
	as_skip_ws(a);
	const char *at = a->p;
	bool known;
	if (!as_expr(a, v, &known))
		return false;
	if (!known) {
		as_error(a, at, "the operand of %s must be known where it "
			 "stands (constants defined above it)", dir);
		return false;
	}
	if (!as_at_end(a)) {
		as_error(a, NULL, "unexpected text after the operand");
		return false;
	}
	return true;
}

static void conditional(struct as *a, const char *w, const char *rest,
			struct conds *cs)
{
	struct as_line *l = &a->lines[a->cur];
	bool outer = !skipping(cs);
	if (!strncmp(w, ".if", 3)) {
		if (cs->n == AS_MAX_COND_DEPTH) {
			as_error(a, l->text, ".if nested more than %d deep",
				 AS_MAX_COND_DEPTH);
			return;
		}
		bool v = false;
		if (outer && !strcmp(w, ".if")) {
			int64_t x;
			v = known_value(a, rest, ".if", &x) && x != 0;
		} else if (outer) {
			a->p = rest;
			as_skip_ws(a);
			size_t n = as_ident_len(a->p);
			if (!n) {
				as_error(a, NULL, "expected a symbol name");
			} else {
				char *name = as_full_name(a, a->p, n);
				struct as_sym *s = as_sym_find(a, name);
				free(name);
				a->p += n;
				v = (s && s->pass) == !strcmp(w, ".ifdef");
				if (!as_at_end(a))
					as_error(a, NULL, "unexpected text "
						 "after the symbol");
			}
		}
		cs->c[cs->n++] = (struct cond){ outer && v, !outer || v,
						false, a->cur };
		return;
	}
	if (!cs->n) {
		as_error(a, l->text, "%s without .if", w);
		return;
	}
	struct cond *t = &cs->c[cs->n - 1];
	a->p = rest;
	if (!as_at_end(a))
		as_error(a, NULL, "unexpected text after %s", w);
	if (!strcmp(w, ".endif")) {
		cs->n--;
		return;
	}
	if (t->in_else) {
		as_error(a, l->text, "a second .else for the .if at line %d",
			 a->lines[t->line].lineno);
		return;
	}
	bool parent = cs->n < 2 || cs->c[cs->n - 2].on;
	t->in_else = true;
	t->on = parent && !t->taken;
	t->taken = true;
}

/* Where the block that starts at src[0] ends: the index of its closing
 * word (matching nested opens), or n if there is none. */
static int block_end(const struct as_src *src, int n, const char *open,
		     const char *close)
{
	int depth = 0;
	for (int i = 1; i < n; i++) {
		char w[16];
		const char *rest;
		first_word(src[i].text, w, sizeof w, &rest);
		if (!strcmp(w, open))
			depth++;
		else if (!strcmp(w, close) && depth-- == 0)
			return i;
	}
	return n;
}

static void free_macro(struct as_macro *m)
{
	for (int k = 0; k < m->nparams; k++) {
		free(m->params[k]);
		free(m->defaults[k]);
	}
	for (int k = 0; k < m->nbody; k++)
		free(m->body[k].text);
	for (int k = 0; k < m->nlocals; k++)
		free(m->locals[k]);
	free(m->params);
	free(m->defaults);
	free(m->body);
	free(m->locals);
	free(m->name);
}

/* The first line after src[0] whose first word is word, or n. */
static int find_word(const struct as_src *src, int n, const char *word)
{
	for (int i = 1; i < n; i++) {
		char w[16];
		const char *rest;
		first_word(src[i].text, w, sizeof w, &rest);
		if (!strcmp(w, word))
			return i;
	}
	return n;
}

static void define_macro(struct as *a, const struct as_src *src, int end,
			 const char *rest)
{
	a->p = rest;
	as_skip_ws(a);
	size_t n = as_ident_len(a->p);
	char lower[32];
	if (!n || a->p[0] == '.' || as_reg_number(a->p, n) >= 0) {
		as_error(a, NULL, "expected a macro name");
		return;
	}
	for (size_t i = 0; i < n && i < sizeof lower - 1; i++)
		lower[i] = (char)tolower((unsigned char)a->p[i]);
	lower[n < sizeof lower - 1 ? n : sizeof lower - 1] = 0;
	const struct as_macro *old = macro_named(a, a->p, n);
	if (old) {
		as_error(a, NULL, "macro '%s' is already defined at %s:%d",
			 old->name, old->file, old->lineno);
		return;
	}
	if (n < sizeof lower && (as_insn_named(a, lower) ||
				 as_is_pseudo(lower))) {
		as_error(a, NULL, "'%.*s' is an instruction and cannot be a "
			 "macro", (int)n, a->p);
		return;
	}
	struct as_macro m = { .name = as_xrealloc(NULL, n + 1) };
	memcpy(m.name, a->p, n);
	m.name[n] = 0;
	a->p += n;
	while (!as_at_end(a)) {
		as_accept(a, ',');
		as_skip_ws(a);
		size_t k = as_ident_len(a->p);
		if (!k || a->p[0] == '.') {
			as_error(a, NULL, "expected a parameter name");
			goto bad;
		}
		m.params = as_xrealloc(m.params, (m.nparams + 1) *
				       sizeof *m.params);
		m.defaults = as_xrealloc(m.defaults, (m.nparams + 1) *
					 sizeof *m.defaults);
		m.params[m.nparams] = as_xrealloc(NULL, k + 1);
		memcpy(m.params[m.nparams], a->p, k);
		m.params[m.nparams][k] = 0;
		m.defaults[m.nparams] = NULL;
		m.nparams++;
		a->p += k;
		if (as_accept(a, '=')) {
			as_skip_ws(a);
			const char *d = a->p;
			while (*a->p && *a->p != ',' && !as_at_end(a))
				a->p++;
			size_t dn = (size_t)(a->p - d);
			while (dn && (d[dn - 1] == ' ' || d[dn - 1] == '\t'))
				dn--;
			m.defaults[m.nparams - 1] = as_xrealloc(NULL, dn + 1);
			memcpy(m.defaults[m.nparams - 1], d, dn);
			m.defaults[m.nparams - 1][dn] = 0;
		}
	}
	m.file = src[0].file;
	m.lineno = src[0].lineno;
	m.nbody = end - 1;
	m.body = as_xrealloc(NULL, (size_t)(m.nbody + 1) * sizeof *m.body);
	for (int i = 0; i < m.nbody; i++) {
		const struct as_src *s = &src[1 + i];
		m.body[i] = (struct as_src){ s->file, s->lineno,
					     as_xstrdup(s->text) };
		/* Labels that start with '.' are the expansion's own. */
		const char *p = s->text;
		for (;;) {
			while (*p == ' ' || *p == '\t')
				p++;
			size_t k = as_ident_len(p);
			const char *q = p + k;
			while (*q == ' ' || *q == '\t')
				q++;
			if (!k || *q != ':')
				break;
			if (p[0] == '.' && k > 1) {
				m.locals = as_xrealloc(m.locals, (m.nlocals + 1)
						       * sizeof *m.locals);
				m.locals[m.nlocals] = as_xrealloc(NULL, k + 1);
				memcpy(m.locals[m.nlocals], p, k);
				m.locals[m.nlocals++][k] = 0;
			}
			p = q + 1;
		}
	}
	a->macros = as_xrealloc(a->macros, (a->nmacros + 1) *
				sizeof *a->macros);
	a->macros[a->nmacros++] = m;
	return;
bad:
	free_macro(&m);
}

/* NAME arg, arg...: split at commas outside parentheses and quotes. */
static void call_macro(struct as *a, const struct as_macro *m,
		       const char *rest, const struct xctx *c)
{
	int idx = a->cur;
	struct as_line *l = &a->lines[idx];
	if (c->depth >= AS_MAX_MACRO_DEPTH) {
		as_error(a, l->text, "macros nested more than %d deep (does "
			 "macro '%s' call itself?)", AS_MAX_MACRO_DEPTH,
			 m->name);
		return;
	}
	char **args = as_xrealloc(NULL, (size_t)(m->nparams + 1) *
				  sizeof *args);
	int nargs = 0;
	a->p = rest;
	bool ok = true;
	while (!as_at_end(a)) {
		as_skip_ws(a);
		const char *s = a->p;
		int depth = 0;
		char quote = 0;
		for (; *a->p; a->p++) {
			char ch = *a->p;
			if (quote) {
				if (ch == '\\' && a->p[1])
					a->p++;
				else if (ch == quote)
					quote = 0;
				continue;
			}
			if (ch == '"' || ch == '\'')
				quote = ch;
			else if (ch == '(')
				depth++;
			else if (ch == ')')
				depth--;
			else if ((ch == ',' && depth <= 0) || as_at_end(a))
				break;
		}
		size_t n = (size_t)(a->p - s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (nargs == m->nparams) {
			as_error(a, s, "macro '%s' takes %d argument%s",
				 m->name, m->nparams, m->nparams == 1 ? "" : "s");
			ok = false;
			break;
		}
		args[nargs] = as_xrealloc(NULL, n + 1);
		memcpy(args[nargs], s, n);
		args[nargs++][n] = 0;
		if (*a->p == ',')
			a->p++;
	}
	for (int i = nargs; ok && i < m->nparams; i++) {
		if (!m->defaults[i]) {
			as_error(a, l->text, "macro '%s' needs a value for its "
				 "parameter '%s'", m->name, m->params[i]);
			ok = false;
			break;
		}
		args[nargs++] = as_xstrdup(m->defaults[i]);
	}
	if (ok) {
		struct xctx x = { m, args, ++a->nexpansions,
				  c->origin >= 0 ? c->origin : idx, idx,
				  c->depth + 1 };
		process(a, m->body, m->nbody, &x);
	}
	for (int i = 0; i < nargs; i++)
		free(args[i]);
	free(args);
}

static void process(struct as *a, const struct as_src *src, int n,
		    struct xctx *c)
{
	struct conds cs = { .n = 0 };
	for (int i = 0; i < n && !given_up(a); i++) {
		struct as_line *l = out_line(a, &src[i], c);
		if (!l)
			return;
		char w[32];
		const char *rest;
		const char *word = first_word(l->text, w, sizeof w, &rest);
		if (is_word(w, cond_words)) {
			conditional(a, w, rest, &cs);
			l = &a->lines[a->cur];
			l->expanded = true;
			continue;
		}
		if (skipping(&cs)) {
			l->inactive = true;
			/* A skipped .macro or .rept still hides its body's
			 * .else and .endif. */
			if (!strcmp(w, ".macro") || !strcmp(w, ".rept")) {
				int e = w[1] == 'm' ?
					find_word(src + i, n - i, ".endm") :
					block_end(src + i, n - i, w, ".endr");
				for (int k = 1; k <= e && i + k < n; k++) {
					struct as_line *b = out_line(a,
						&src[i + k], c);
					if (b)
						b->inactive = true;
				}
				i += e;
			}
			continue;
		}
		/* Labels and constants now, quietly: .if and .rept may use
		 * constants defined above them, .ifdef any name. */
		a->quiet = true;
		as_labels(a);
		if (!strcmp(w, ".equ") || !strcmp(w, ".set")) {
			a->p = rest;
			as_skip_ws(a);
			const char *nm = a->p;
			size_t k = as_ident_len(nm);
			a->p += k;
			if (k && as_accept(a, ','))
				as_equ(a, nm, k);
		} else {
			size_t k = as_ident_len(word);
			a->p = word + k;
			if (k && as_accept(a, '=') && *a->p != '=')
				as_equ(a, word, k);
		}
		a->quiet = false;
		if (!strcmp(w, ".macro")) {
			int e = find_word(src + i, n - i, ".endm");
			int nested = find_word(src + i, e, ".macro");
			l->expanded = true;
			if (c->m) {
				as_error(a, l->text, "a macro cannot be defined "
					 "inside macro '%s'", c->m->name);
			} else if (e == n - i) {
				as_error(a, l->text, ".macro without .endm");
			} else if (nested != e) {
				as_error(a, l->text, "a macro cannot be defined "
					 "inside another");
				int outer = block_end(src + i, n - i, ".macro",
						      ".endm");
				if (outer < n - i)
					e = outer;
			} else {
				define_macro(a, src + i, e, rest);
			}
			for (int k = 1; k <= e && i + k < n; k++) {
				struct as_line *b = out_line(a, &src[i + k], c);
				if (b)
					b->inactive = true;
			}
			i += e;
		} else if (!strcmp(w, ".rept")) {
			int e = block_end(src + i, n - i, ".rept", ".endr");
			int64_t count;
			l->expanded = true;
			if (e == n - i) {
				as_error(a, l->text, ".rept without .endr");
			} else if (known_value(a, rest, ".rept", &count)) {
				const char *at = rest;
				while (*at == ' ' || *at == '\t')
					at++;
				if (count < 0 || count > AS_MAX_REPT)
					as_error(a, at, ".rept count %lld is "
						 "out of range (0..%d)",
						 (long long)count, AS_MAX_REPT);
				else
					for (int64_t k = 0; k < count &&
					     !given_up(a); k++)
						process(a, src + i + 1, e - 1,
							c);
			}
			if (e < n - i) {
				struct as_line *b = out_line(a, &src[i + e], c);
				if (b)
					b->expanded = true;
			}
			i += e;
		} else if (!strcmp(w, ".endm") || !strcmp(w, ".endr")) {
			l->expanded = true;
			as_error(a, l->text, "%s without %s", w,
				 w[4] == 'm' ? ".macro" : ".rept");
		} else if (w[0] && w[0] != '.') {
			const struct as_macro *m =
				macro_named(a, word, as_ident_len(word));
			if (m && m->name[0]) {
				l->expanded = true;
				call_macro(a, m, rest, c);
			}
		}
	}
	for (int k = cs.n; k-- > 0;) {
		a->cur = cs.c[k].line;
		as_error(a, a->lines[a->cur].text, ".if without .endif%s%s%s",
			 c->m ? " (in macro '" : "", c->m ? c->m->name : "",
			 c->m ? "')" : "");
	}
}

void as_expand(struct as *a)
{
	int nraw = a->nlines;
	struct as_line *raw = a->lines;
	struct as_src *src = as_xrealloc(NULL, (size_t)(nraw + 1) *
					 sizeof *src);
	for (int i = 0; i < nraw; i++)
		src[i] = (struct as_src){ raw[i].file, raw[i].lineno,
					  raw[i].text };
	a->lines = NULL;
	a->nlines = a->lines_cap = 0;
	a->expanding = true;
	struct xctx top = { NULL, NULL, 0, -1, -1, 0 };
	process(a, src, nraw, &top);
	a->expanding = false;
	a->quiet = false;
	/* The constants and labels of this pass only decided .if and
	 * .rept; pass 1 defines them again, in order. */
	as_sym_reset(a);
	/* Their texts are the output's (shared); .incbin reads nothing
	 * before pass 1, so no blob is lost. */
	a->raw_texts = as_xrealloc(NULL, (size_t)(nraw + 1) *
				   sizeof *a->raw_texts);
	for (int i = 0; i < nraw; i++)
		a->raw_texts[i] = raw[i].text;
	a->nraw_texts = nraw;
	free(raw);
	free(src);
}

void as_macros_free(struct as *a)
{
	for (int i = 0; i < a->nmacros; i++)
		free_macro(&a->macros[i]);
	free(a->macros);
}
