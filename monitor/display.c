/*
 * Values as gdb users expect them: print/FMT, and display, the
 * expressions shown again at every stop.
 *
 *   FMT   x hex, z zero-padded hex, d signed, u unsigned, o octal,
 *         t binary, c character, a address with its label
 *
 * A value is 32 bits unless it is wide (64: $insns, $time, or computed
 * from them, monitor/expr.h); the formats show all of it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/mon_int.h"

static const char formats[] = "xzduotca";

/* FMT from print/FMT or display/FMT: 0 (the default) or one of formats;
 * -1 with an error. */
static int value_format(struct mon *m, const struct mon_args *a, char *fmt)
{
	*fmt = 0;
	if (!a->fmt)
		return 0;
	if (a->fmtlen != 1 || !a->fmt[0] || !strchr(formats, a->fmt[0]))
		return mon_error(m, a->fmt, "the format is one letter of %s "
				 "(help print)", formats);
	*fmt = a->fmt[0];
	return 0;
}

static void put_binary(char *buf, size_t len, uint64_t v)
{
	char digits[65];
	int n = 0;
	do
		digits[n++] = (char)('0' + (v & 1));
	while ((v >>= 1) && n < 64);
	size_t k = 0;
	while (n > 0 && k + 1 < len)
		buf[k++] = digits[--n];
	buf[k] = 0;
}

/* The value of r in format fmt, without a newline. */
static void format_value(struct mon *m, const struct mon_expr *r, char fmt,
			 char *buf, size_t len)
{
	uint64_t v = r->wide ? r->value64 : r->value;
	unsigned long long u = v;
	long long s = r->wide ? (long long)(int64_t)v
			      : (long long)(int32_t)r->value;
	char sym[160];
	switch (fmt) {
	case 'x': snprintf(buf, len, "0x%llx", u); break;
	case 'z':
		snprintf(buf, len, r->wide ? "0x%016llx" : "0x%08llx", u);
		break;
	case 'd': snprintf(buf, len, "%lld", s); break;
	case 'u': snprintf(buf, len, "%llu", u); break;
	case 'o': snprintf(buf, len, u ? "0%llo" : "%llo", u); break;
	case 't': put_binary(buf, len, v); break;
	case 'c':
		if (v < 0x80 && isprint((int)v))
			snprintf(buf, len, "%llu '%c'", u, (int)v);
		else
			snprintf(buf, len, "%llu '\\x%02llx'", u, u & 0xff);
		break;
	case 'a':
		snprintf(buf, len, "0x%08x%s", r->value,
			 mon_sym(m, r->value, sym, sizeof sym));
		break;
	default:
		if (r->wide)
			snprintf(buf, len, "0x%016llx (%llu)", u, u);
		else if (r->value >> 31)
			snprintf(buf, len, "0x%08x (%u, %d)", r->value,
				 r->value, (int32_t)r->value);
		else
			snprintf(buf, len, "0x%08x (%u)", r->value, r->value);
		break;
	}
}

int mon_cmd_print(struct mon *m, struct mon_args *a)
{
	struct mon_expr r;
	uint32_t v;
	char fmt, text[200];
	if (value_format(m, a, &fmt))
		return -1;
	if (mon_at_end(a))
		return mon_error(m, a->p, "print what? (help expr)");
	if (mon_args_expr(m, a, &v, &r) || mon_args_end(m, a))
		return -1;
	format_value(m, &r, fmt, text, sizeof text);
	mon_printf(m, "%s\n", text);
	return 0;
}

/* ---- display -------------------------------------------------------------- */

static void show_one(struct mon *m, const struct mon_display *d)
{
	struct mon_expr r;
	char text[200];
	if (mon_expr_eval(&m->env, d->expr, &r) != 0)
		mon_printf(m, "%d: %s = <%s>\n", d->id, d->expr, r.err);
	else {
		format_value(m, &r, d->fmt, text, sizeof text);
		if (d->fmt)
			mon_printf(m, "%d: /%c %s = %s\n", d->id, d->fmt,
				   d->expr, text);
		else
			mon_printf(m, "%d: %s = %s\n", d->id, d->expr, text);
	}
}

void mon_show_displays(struct mon *m)
{
	for (int i = 0; i < m->ndisp; i++)
		show_one(m, &m->disp[i]);
}

int mon_cmd_display(struct mon *m, struct mon_args *a)
{
	char fmt;
	if (value_format(m, a, &fmt))
		return -1;
	mon_skip_blanks(a);
	if (mon_at_end(a)) {
		if (!m->ndisp)
			mon_printf(m, "nothing to display (display EXPR adds "
				   "one)\n");
		mon_show_displays(m);
		return 0;
	}
	/* The expression must make sense now; memory may be unreadable. */
	struct mon_expr r;
	if (mon_expr_eval(&m->env, a->p, &r) != 0 && !strstr(r.err, "memory"))
		return mon_error(m, r.err_at, "%s", r.err);
	if (*r.end && !r.err[0])
		return mon_error(m, r.end, "unexpected '%s'", r.end);
	if (m->ndisp == MON_MAX_DISPLAY)
		return mon_error(m, NULL, "too many displays (%d); undisplay "
				 "some", MON_MAX_DISPLAY);
	if (!m->disp &&
	    !(m->disp = malloc(MON_MAX_DISPLAY * sizeof *m->disp)))
		return mon_error(m, NULL, "out of host memory");
	struct mon_display *d = &m->disp[m->ndisp++];
	d->id = ++m->next_disp;
	d->fmt = fmt;
	snprintf(d->expr, sizeof d->expr, "%s", a->p);
	size_t n = strlen(d->expr);
	while (n && isspace((unsigned char)d->expr[n - 1]))
		d->expr[--n] = 0;
	a->p += strlen(a->p);
	show_one(m, d);
	return 0;
}

int mon_cmd_undisplay(struct mon *m, struct mon_args *a)
{
	if (mon_at_end(a)) {
		m->ndisp = 0;
		return 0;
	}
	while (!mon_at_end(a)) {
		const char *at = (mon_skip_blanks(a), a->p);
		uint32_t id;
		int i;
		if (mon_args_expr(m, a, &id, NULL))
			return -1;
		for (i = 0; i < m->ndisp && m->disp[i].id != (int)id; i++)
			;
		if (i == m->ndisp)
			return mon_error(m, at, "no display %u (display lists "
					 "them)", id);
		memmove(&m->disp[i], &m->disp[i + 1],
			(size_t)(m->ndisp - i - 1) * sizeof *m->disp);
		m->ndisp--;
	}
	return 0;
}
