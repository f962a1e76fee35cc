/* Monitor expressions: precedence climbing over C's binary operators. */
#include "monitor/expr.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct parser {
	const struct mon_expr_env *env;
	const char *p;
	struct mon_expr *r;
	/* The right side of a && or || whose result is already known: parse
	 * it, but read no memory (C's short circuit). */
	bool skip;
	int depth;
};

#define MAX_DEPTH 64	/* parentheses and unary operators */

/* A value: 32 bits, like the registers, unless it is wide -- a 64-bit
 * variable ($insns), a number above 32 bits, or computed from one -- as
 * C's usual conversions between uint32_t and uint64_t would have it. */
struct val {
	uint64_t v;
	bool wide;
};

static struct val narrow(uint64_t v)
{
	return (struct val){ (uint32_t)v, false };
}

enum binop {
	OP_LOR, OP_LAND, OP_OR, OP_XOR, OP_AND, OP_EQ, OP_NE, OP_LE, OP_GE,
	OP_SHL, OP_SHR, OP_LT, OP_GT, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
};

/* Two-character operators before their one-character prefixes. */
static const struct {
	const char *text;
	int prec;
	enum binop op;
} binops[] = {
	{ "||", 1, OP_LOR }, { "&&", 2, OP_LAND }, { "==", 6, OP_EQ },
	{ "!=", 6, OP_NE }, { "<=", 7, OP_LE }, { ">=", 7, OP_GE },
	{ "<<", 8, OP_SHL }, { ">>", 8, OP_SHR }, { "|", 3, OP_OR },
	{ "^", 4, OP_XOR }, { "&", 5, OP_AND }, { "<", 7, OP_LT },
	{ ">", 7, OP_GT }, { "+", 9, OP_ADD }, { "-", 9, OP_SUB },
	{ "*", 10, OP_MUL }, { "/", 10, OP_DIV }, { "%", 10, OP_MOD },
};

/* Can c start or continue a name? */
static int mon_expr_name_start(int c)
{
	return isalpha(c) || c == '_' || c == '.' || c == '$';
}

int mon_expr_name_char(int c)
{
	return mon_expr_name_start(c) || isdigit(c);
}

static int fail(struct parser *ps, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->r->err, sizeof ps->r->err, fmt, ap);
	va_end(ap);
	ps->r->err_at = at;
	return -1;
}

static void blanks(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static void note_term(struct parser *ps, const char *text, int len,
		      struct val v)
{
	struct mon_expr *r = ps->r;
	if (ps->skip || r->nterm == MON_EXPR_TERMS)
		return;
	for (int i = 0; i < r->nterm; i++)
		if (r->term[i].len == len && !memcmp(r->term[i].text, text, len))
			return;
	r->term[r->nterm++] = (struct mon_expr_term){ text, len, v.v,
						      v.wide };
}

static int expr(struct parser *ps, int min_prec, struct val *v);

static int number(struct parser *ps, struct val *v)
{
	const char *start = ps->p, *p = ps->p;
	unsigned base = 10;
	uint64_t n = 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	const char *digits = p;
	for (;; p++) {
		unsigned d;
		if (isdigit((unsigned char)*p))
			d = (unsigned)(*p - '0');
		else if (isxdigit((unsigned char)*p))
			d = (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		else
			break;
		if (d >= base)
			return fail(ps, p, "'%c' is not a base-%u digit", *p,
				    base);
		if (n > (UINT64_MAX - d) / base)
			return fail(ps, start, "number too big for 64 bits");
		n = n * base + d;
	}
	if (p == digits)
		return fail(ps, start, "%s needs digits", base == 16 ? "0x"
			    : "0b");
	if (mon_expr_name_char((unsigned char)*p))
		return fail(ps, p, base == 10 ? "'%c' cannot follow a number "
			    "(hexadecimal needs 0x)" : "'%c' cannot follow a "
			    "number", *p);
	ps->p = p;
	*v = (struct val){ n, n > UINT32_MAX };
	return 0;
}

static int character(struct parser *ps, struct val *v)
{
	const char *start = ps->p, *p = ps->p + 1;
	unsigned c = (unsigned char)*p++;
	if (c == '\\') {
		switch (*p++) {
		case 'n': c = '\n'; break;
		case 't': c = '\t'; break;
		case 'r': c = '\r'; break;
		case '0': c = 0; break;
		case '\\': c = '\\'; break;
		case '\'': c = '\''; break;
		default: return fail(ps, p - 1, "unknown escape");
		}
	} else if (c == 0 || c == '\'') {
		return fail(ps, start, "empty character constant");
	}
	if (*p != '\'')
		return fail(ps, start, "unterminated character constant");
	ps->p = p + 1;
	*v = narrow(c);
	return 0;
}

static int name(struct parser *ps, struct val *v)
{
	const char *start = ps->p, *p = ps->p;
	char buf[MON_NAME_MAX];
	while (mon_expr_name_char((unsigned char)*p))
		p++;
	size_t len = (size_t)(p - start);
	if (len >= sizeof buf)
		return fail(ps, start, "name too long");
	memcpy(buf, start, len);
	buf[len] = 0;
	int kind = ps->env->name ? ps->env->name(ps->env->opaque, buf, &v->v)
				 : -1;
	if (kind < 0)
		return fail(ps, start, "no register or label '%s'", buf);
	v->wide = kind == MON_EXPR_WIDE;
	if (!v->wide)
		*v = narrow(v->v);
	ps->p = p;
	note_term(ps, start, (int)len, *v);
	return 0;
}

/* The word at addr (an address has 32 bits). */
static int deref(struct parser *ps, const char *start, struct val addr,
		 struct val *v)
{
	char why[120] = "cannot read it";
	uint32_t a = (uint32_t)addr.v, w = 0;
	*v = narrow(0);
	if (ps->skip)
		return 0;
	if (!ps->env->deref ||
	    ps->env->deref(ps->env->opaque, a, &w, why, sizeof why) != 0)
		return fail(ps, start, "memory at 0x%08x: %s", a, why);
	*v = narrow(w);
	note_term(ps, start, (int)(ps->p - start), *v);
	return 0;
}

static int unary(struct parser *ps, struct val *v)
{
	blanks(ps);
	const char *start = ps->p;
	char c = *ps->p;
	if (++ps->depth > MAX_DEPTH)
		return fail(ps, start, "expression nested too deeply");
	int rc = 0;
	if (c == '-' || c == '~' || c == '!' || c == '+' || c == '*') {
		ps->p++;
		if ((rc = unary(ps, v)) != 0)
			goto out;
		if (c == '-')
			v->v = 0u - v->v;
		else if (c == '~')
			v->v = ~v->v;
		else if (c == '!')
			*v = narrow(!v->v);
		if (!v->wide)
			*v = narrow(v->v);
		if (c == '*')
			rc = deref(ps, start, *v, v);
	} else if (c == '(' || c == '[') {
		ps->p++;
		if ((rc = expr(ps, 1, v)) != 0)
			goto out;
		blanks(ps);
		char close = c == '(' ? ')' : ']';
		if (*ps->p != close) {
			rc = fail(ps, *ps->p ? ps->p : start, "expected '%c'%s",
				  close, *ps->p ? "" : " before the end");
			goto out;
		}
		ps->p++;
		if (c == '[')
			rc = deref(ps, start, *v, v);
	} else if (isdigit((unsigned char)c)) {
		rc = number(ps, v);
	} else if (c == '\'') {
		rc = character(ps, v);
	} else if (mon_expr_name_start((unsigned char)c)) {
		rc = name(ps, v);
	} else if (c == 0) {
		rc = fail(ps, start, "expected a value at the end");
	} else {
		rc = fail(ps, start, "expected a value, not '%c'", c);
	}
out:
	ps->depth--;
	return rc;
}

static int apply(struct parser *ps, enum binop op, const char *at,
		 struct val x, struct val y, struct val *out)
{
	uint64_t a = x.v, b = y.v, r = 0;
	bool wide = x.wide || y.wide;
	unsigned bits = wide ? 64 : 32;
	uint64_t *v = &r;
	switch (op) {
	case OP_LOR: *v = a || b; break;
	case OP_LAND: *v = a && b; break;
	case OP_OR: *v = a | b; break;
	case OP_XOR: *v = a ^ b; break;
	case OP_AND: *v = a & b; break;
	case OP_EQ: *v = a == b; break;
	case OP_NE: *v = a != b; break;
	case OP_LE: *v = a <= b; break;
	case OP_GE: *v = a >= b; break;
	case OP_LT: *v = a < b; break;
	case OP_GT: *v = a > b; break;
	case OP_SHL: *v = b >= bits ? 0 : a << b; break;
	case OP_SHR: *v = b >= bits ? 0 : a >> b; break;
	case OP_ADD: *v = a + b; break;
	case OP_SUB: *v = a - b; break;
	case OP_MUL: *v = a * b; break;
	case OP_DIV:
	case OP_MOD:
		if (b == 0) {
			if (ps->skip) {
				*v = 0;
				break;
			}
			return fail(ps, at, "division by zero");
		}
		*v = op == OP_DIV ? a / b : a % b;
		break;
	}
	bool truth = op == OP_LOR || op == OP_LAND || op == OP_EQ ||
		     op == OP_NE || op == OP_LE || op == OP_GE || op == OP_LT ||
		     op == OP_GT;
	*out = wide && !truth ? (struct val){ r, true } : narrow(r);
	return 0;
}

static int expr(struct parser *ps, int min_prec, struct val *v)
{
	if (unary(ps, v))
		return -1;
	for (;;) {
		blanks(ps);
		size_t i, n = sizeof binops / sizeof *binops;
		for (i = 0; i < n; i++)
			if (!strncmp(ps->p, binops[i].text,
				     strlen(binops[i].text)))
				break;
		if (i == n || binops[i].prec < min_prec)
			return 0;
		const char *at = ps->p;
		ps->p += strlen(binops[i].text);
		bool saved = ps->skip;
		if ((binops[i].op == OP_LAND && !v->v) ||
		    (binops[i].op == OP_LOR && v->v))
			ps->skip = true;
		struct val rhs;
		int rc = expr(ps, binops[i].prec + 1, &rhs);
		ps->skip = saved;
		if (rc || apply(ps, binops[i].op, at, *v, rhs, v))
			return -1;
	}
}

int mon_expr_eval(const struct mon_expr_env *env, const char *s,
		  struct mon_expr *r)
{
	struct parser ps = { .env = env, .p = s, .r = r,
			     .skip = env->parse_only };
	memset(r, 0, sizeof *r);
	struct val v = { 0, false };
	int rc = expr(&ps, 1, &v);
	r->value = (uint32_t)v.v;
	r->value64 = v.v;
	r->wide = v.wide;
	blanks(&ps);
	r->end = ps.p;
	return rc;
}
