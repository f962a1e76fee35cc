/*
 * Arguments of monitor commands, and messages.  An error names the bad
 * token by printing the line with a caret under it:
 *
 *   error: no register or label 'mian'
 *     break mian if r3 == 5
 *           ^~~~
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "asm/dis.h"
#include "monitor/mon_int.h"

void mon_printf(struct mon *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(m->out, fmt, ap);
	va_end(ap);
}

void mon_put(struct mon *m, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = dis_vformat(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if ((size_t)n < sizeof buf) {
		fwrite(buf, 1, (size_t)n, m->out);
		return;
	}
	va_start(ap, fmt);	/* longer than the buffer: rare */
	vfprintf(m->out, fmt, ap);
	va_end(ap);
}

/* The length of the token at p, for the caret's tail. */
static size_t token_len(const char *p)
{
	const char *q = p;
	if (mon_expr_name_char((unsigned char)*q))
		while (mon_expr_name_char((unsigned char)*q))
			q++;
	else if (*q == '"')
		for (q++; *q && *q != '"'; q++)
			q += q[0] == '\\' && q[1];
	else
		while (*q && !isspace((unsigned char)*q))
			q++;
	return q > p ? (size_t)(q - p) : 1;
}

int mon_error(struct mon *m, const char *at, const char *fmt, ...)
{
	va_list ap;
	if (m->cfg.check_only) {
		if (!m->check_err[0]) {
			va_start(ap, fmt);
			vsnprintf(m->check_err, sizeof m->check_err, fmt, ap);
			va_end(ap);
			m->check_col = at && m->line && at >= m->line &&
				       at <= m->line + strlen(m->line)
				       ? (int)(at - m->line) : 0;
		}
		return -1;
	}
	mon_end_console_line(m);
	if (m->src)
		fprintf(m->out, "%s:%d: ", m->src, m->lineno);
	fputs("error: ", m->out);
	va_start(ap, fmt);
	vfprintf(m->out, fmt, ap);
	va_end(ap);
	fputc('\n', m->out);
	const char *line = m->line;
	if (at && line && at >= line && at <= line + strlen(line)) {
		fprintf(m->out, "  %s\n  ", line);
		for (const char *p = line; p < at; p++)
			fputc(*p == '\t' ? '\t' : ' ', m->out);
		fputc('^', m->out);
		size_t n = *at ? token_len(at) : 1;
		for (size_t i = 1; i < n; i++)
			fputc('~', m->out);
		fputc('\n', m->out);
	}
	fflush(m->out);
	return -1;
}

void mon_wrapped(struct mon *m, int indent, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	const char *s = buf, *end = buf + strlen(buf);
	for (int in = indent; s < end; in = indent + 2) {
		size_t width = 78 - (size_t)in, n = (size_t)(end - s);
		if (n > width) {
			n = width;
			while (n > 0 && s[n] != ' ')
				n--;
			if (n == 0)
				n = width;
		}
		mon_printf(m, "%*s%.*s\n", in, "", (int)n, s);
		s += n;
		while (*s == ' ')
			s++;
	}
}

void mon_skip_blanks(struct mon_args *a)
{
	while (*a->p == ' ' || *a->p == '\t')
		a->p++;
}

bool mon_at_end(struct mon_args *a)
{
	mon_skip_blanks(a);
	return *a->p == 0;
}

int mon_args_end(struct mon *m, struct mon_args *a)
{
	if (mon_at_end(a))
		return 0;
	return mon_error(m, a->p, "unexpected '%.*s'", (int)token_len(a->p),
			 a->p);
}

const char *mon_args_word(struct mon_args *a, char *buf, size_t len,
			  const char **start)
{
	mon_skip_blanks(a);
	*start = a->p;
	if (!*a->p)
		return NULL;
	size_t n = 0;
	while (*a->p && !isspace((unsigned char)*a->p)) {
		if (n + 1 < len)
			buf[n++] = *a->p;
		a->p++;
	}
	buf[n] = 0;
	return buf;
}

bool mon_args_keyword(struct mon_args *a, const char *kw)
{
	mon_skip_blanks(a);
	size_t n = strlen(kw);
	if (strncmp(a->p, kw, n) || (a->p[n] && !isspace((unsigned char)a->p[n])))
		return false;
	a->p += n;
	return true;
}

int mon_args_expr(struct mon *m, struct mon_args *a, uint32_t *v,
		  struct mon_expr *r)
{
	struct mon_expr local;
	if (!r)
		r = &local;
	mon_skip_blanks(a);
	if (mon_expr_eval(&m->env, a->p, r) != 0)
		return mon_error(m, r->err_at, "%s", r->err);
	a->p = r->end;
	*v = r->value;
	return 0;
}

int mon_args_opt_expr(struct mon *m, struct mon_args *a, uint32_t def,
		      uint32_t *v)
{
	if (mon_at_end(a)) {
		*v = def;
		return 0;
	}
	return mon_args_expr(m, a, v, NULL);
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

int mon_args_string(struct mon *m, struct mon_args *a, char *buf,
		    size_t size, size_t *len)
{
	mon_skip_blanks(a);
	const char *start = a->p, *p = a->p;
	size_t n = 0;
	if (*p != '"')
		return mon_error(m, p, "expected a \"quoted string\"");
	for (p++; *p != '"'; p++) {
		int c = (unsigned char)*p;
		if (!c)
			return mon_error(m, start, "unterminated string");
		if (c == '\\') {
			switch (*++p) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case '0': c = 0; break;
			case '\\': c = '\\'; break;
			case '"': c = '"'; break;
			case 'x':
				if (hexval((unsigned char)p[1]) < 0 ||
				    hexval((unsigned char)p[2]) < 0)
					return mon_error(m, p - 1, "\\x needs two "
							 "hexadecimal digits");
				c = hexval((unsigned char)p[1]) * 16 +
				    hexval((unsigned char)p[2]);
				p += 2;
				break;
			default:
				return mon_error(m, p - 1, "unknown escape "
						 "(\\n \\r \\t \\0 \\\\ \\\" "
						 "\\xNN)");
			}
		}
		if (n + 1 >= size)
			return mon_error(m, start, "string too long");
		buf[n++] = (char)c;
	}
	buf[n] = 0;
	*len = n;
	a->p = p + 1;
	return 0;
}
