/* The assembler's lexer and expression evaluator (C precedence). */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as_int.h"

void as_error(struct as *a, const char *at, const char *fmt, ...)
{
	struct as_line *l = &a->lines[a->cur];
	if (a->quiet)
		return;
	if (a->pass == 1)
		l->bad = true;
	if (a->errors >= AS_MAX_ERRORS) {
		a->errors++;
		return;
	}
	if (!at)
		at = a->p;
	int col = at ? (int)(at - l->text) + 1 : 1;
	va_list ap;
	va_start(ap, fmt);
	fprintf(a->errs, "%s:%d:%d: error: ", l->file, l->lineno, col);
	vfprintf(a->errs, fmt, ap);
	if (l->macro && l->call >= 0)
		fprintf(a->errs, " (in macro '%s' called at %s:%d)", l->macro,
			a->lines[l->call].file, a->lines[l->call].lineno);
	fputc('\n', a->errs);
	va_end(ap);
	if (++a->errors == AS_MAX_ERRORS)
		fprintf(a->errs, "%s: too many errors, giving up\n", l->file);
}

void as_skip_ws(struct as *a)
{
	while (*a->p == ' ' || *a->p == '\t' || *a->p == '\r')
		a->p++;
}

/* The end of the statement: the line's end or a comment (; # //). */
bool as_at_end(struct as *a)
{
	as_skip_ws(a);
	const char *p = a->p;
	return *p == 0 || *p == ';' || *p == '#' || (p[0] == '/' && p[1] == '/');
}

bool as_accept(struct as *a, char c)
{
	as_skip_ws(a);
	if (*a->p != c)
		return false;
	a->p++;
	return true;
}

bool as_expect(struct as *a, char c)
{
	if (as_accept(a, c))
		return true;
	as_error(a, NULL, "expected '%c'", c);
	return false;
}

/* ASCII only, whatever the locale (and without isalpha's table look-up,
 * a tenth of the time of a large source). */
static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == '.' || c == '$';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

size_t as_ident_len(const char *p)
{
	size_t n = 0;
	if (!ident_start(p[0]))
		return 0;
	while (ident_char(p[n]))
		n++;
	return n;
}

int as_reg_number(const char *p, size_t len)
{
	static const struct { const char *name; int reg; } alias[] = {
		{ "zero", 0 }, { "fp", 13 }, { "at", 14 }, { "sp", 15 },
	};
	char buf[8];
	if (len == 0 || len >= sizeof buf)
		return -1;
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)tolower((unsigned char)p[i]);
	buf[len] = 0;
	for (size_t i = 0; i < sizeof alias / sizeof *alias; i++)
		if (strcmp(buf, alias[i].name) == 0)
			return alias[i].reg;
	if (buf[0] != 'r' || !isdigit((unsigned char)buf[1]))
		return -1;
	if (buf[1] == '0' && buf[2])
		return -1;
	char *end;
	long n = strtol(buf + 1, &end, 10);
	return *end == 0 && n >= 0 && n <= 15 ? (int)n : -1;
}

char *as_full_name(struct as *a, const char *p, size_t len)
{
	size_t scope = (len > 1 && p[0] == '.') ? strlen(a->scope) : 0;
	char *s = malloc(scope + len + 1);
	if (!s)
		abort();
	memcpy(s, a->scope, scope);
	memcpy(s + scope, p, len);
	s[scope + len] = 0;
	return s;
}

/* A character in '...' or "...", with C escapes; -1 on a bad escape. */
int as_char_escape(const char **pp)
{
	const char *p = *pp;
	int c = (unsigned char)*p++;
	if (c == '\\') {
		c = (unsigned char)*p++;
		switch (c) {
		case 'n': c = '\n'; break;
		case 't': c = '\t'; break;
		case 'r': c = '\r'; break;
		case '0': c = 0; break;
		case 'e': c = 27; break;
		case '\\': case '\'': case '"': break;
		case 'x': {
			int v = 0, n = 0;
			while (n < 2 && isxdigit((unsigned char)*p)) {
				v = v * 16 + (isdigit((unsigned char)*p) ?
					      *p - '0' :
					      tolower((unsigned char)*p) - 'a' + 10);
				p++, n++;
			}
			if (n == 0)
				return -1;
			c = v;
			break;
		}
		default: return -1;
		}
	}
	*pp = p;
	return c;
}

static bool expr_bin(struct as *a, int level, int64_t *v, bool *known);

static bool primary(struct as *a, int64_t *v, bool *known);

/* Parentheses and unary operators recurse: bounded, so that a line of
 * 100,000 '(' is an error rather than a stack overflow. */
static bool nested(struct as *a, int64_t *v, bool *known)
{
	as_skip_ws(a);
	const char *start = a->p;
	char c = *a->p;
	if (a->expr_depth >= AS_MAX_EXPR_DEPTH) {
		as_error(a, start, "expression nested more than %d deep",
			 AS_MAX_EXPR_DEPTH);
		return false;
	}
	a->expr_depth++;
	a->p++;
	bool ok;
	if (c == '(') {
		ok = expr_bin(a, 0, v, known) && as_expect(a, ')');
	} else {
		ok = primary(a, v, known);
		if (ok)
			*v = c == '-' ? -*v : c == '~' ? ~*v & 0xffffffff :
			     c == '!' ? !*v : *v;
	}
	a->expr_depth--;
	return ok;
}

static bool primary(struct as *a, int64_t *v, bool *known)
{
	as_skip_ws(a);
	const char *start = a->p;
	char c = *a->p;
	if (c == '(' || c == '-' || c == '~' || c == '+' ||
	    (c == '!' && a->p[1] != '='))
		return nested(a, v, known);
	if (c == '%') {
		size_t n = as_ident_len(a->p + 1);
		bool hi = n == 2 && strncmp(a->p + 1, "hi", 2) == 0;
		bool lo = n == 2 && strncmp(a->p + 1, "lo", 2) == 0;
		if (!hi && !lo) {
			as_error(a, start, "expected %%hi(...) or %%lo(...)");
			return false;
		}
		a->p += 3;
		if (!as_expect(a, '(') || !expr_bin(a, 0, v, known) ||
		    !as_expect(a, ')'))
			return false;
		*v = hi ? (*v >> 12) & 0xfffff : *v & 0xfff;
		return true;
	}
	if (isdigit((unsigned char)c)) {
		char *end;
		int base = 10;
		const char *d = a->p;
		if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X'))
			base = 16, d += 2;
		else if (d[0] == '0' && (d[1] == 'b' || d[1] == 'B'))
			base = 2, d += 2;
		/* strtoull would skip blanks and a sign after "0x". */
		bool digit = base == 16 ? isxdigit((unsigned char)*d) :
			     base == 2 ? (*d == '0' || *d == '1') :
			     isdigit((unsigned char)*d);
		unsigned long long n = digit ? strtoull(d, &end, base) : 0;
		if (!digit || isalnum((unsigned char)*end) || *end == '_' ||
		    n > 0xffffffffull) {
			as_error(a, start, "bad number");
			return false;
		}
		a->p = end;
		*v = (int64_t)n;
		return true;
	}
	if (c == '\'') {
		const char *p = a->p + 1;
		int ch = *p ? as_char_escape(&p) : -1;
		if (ch < 0 || *p != '\'') {
			as_error(a, start, "bad character constant");
			return false;
		}
		a->p = p + 1;
		*v = ch;
		return true;
	}
	size_t n = as_ident_len(a->p);
	if (n == 1 && c == '.') {
		a->p++;
		*v = (int64_t)a->pc;
		if (a->expanding)
			*known = false;		/* no address yet */
		return true;
	}
	if (n == 0) {
		as_error(a, start, *a->p ? "expected an expression"
					 : "missing operand");
		return false;
	}
	if (as_reg_number(a->p, n) >= 0) {
		as_error(a, start, "register '%.*s' where a value was "
			 "expected", (int)n, a->p);
		return false;
	}
	char *name = as_full_name(a, a->p, n);
	a->p += n;
	struct as_sym *s = as_sym_find(a, name);
	if (s && s->pass && !(a->expanding && s->label)) {
		/* In pass 2 a forward label still holds its pass-1 value,
		 * which is final: pass 1 fixed every line's size. */
		*v = s->value;
	} else {
		*known = false;
		*v = 0;
		if (a->pass == 2)
			as_error(a, start, "undefined symbol '%s'", name);
	}
	free(name);
	return true;
}

/* Binary operators by precedence level, loosest first (C's order):
 *   0 ||   1 &&   2 |   3 ^   4 &   5 == !=   6 < <= > >=   7 << >>
 *   8 + -   9 * / %
 * The operator at the current position: its code, level (*lv) and length
 * (*len), or 0.  A switch, not a table: this runs after every operand of
 * a 10 MB source. */

static int next_op(struct as *a, int *lv, size_t *len)
{
	as_skip_ws(a);
	const char *p = a->p;
	int code = 0;
	bool two = p[0] && p[1] == p[0];
	*len = 1;
	*lv = -1;
	switch (p[0]) {
	case '|': code = two ? 'o' : '|'; *lv = two ? 0 : 2; break;
	case '&': code = two ? 'a' : '&'; *lv = two ? 1 : 4; break;
	case '^': code = '^'; *lv = 3; break;
	case '=': case '!':
		if (p[1] == '=')
			code = p[0] == '=' ? 'e' : 'n', *lv = 5, *len = 2;
		break;
	case '<': case '>':
		if (two)
			code = p[0] == '<' ? 'l' : 'r', *lv = 7;
		else if (p[1] == '=')
			code = p[0] == '<' ? 'L' : 'G', *lv = 6, *len = 2;
		else
			code = p[0], *lv = 6;
		break;
	case '+': case '-': code = p[0]; *lv = 8; break;
	case '*': case '/': case '%': code = p[0]; *lv = 9; break;
	}
	if (two && (*lv == 0 || *lv == 1 || *lv == 7))
		*len = 2;
	return code;
}

/* An operand, then every operator of level min or tighter and its right
 * side (precedence climbing: each operand is parsed once, not once a
 * level), left to right, so that *known and the first error are as C's
 * grammar read recursively would have them. */
static bool expr_bin(struct as *a, int min, int64_t *v, bool *known)
{
	if (!primary(a, v, known))
		return false;
	int op, lv;
	size_t len;
	while ((op = next_op(a, &lv, &len)) && lv >= min) {
		const char *at = a->p;
		int64_t r;
		a->p += len;
		if (!expr_bin(a, lv + 1, &r, known))
			return false;
		uint32_t x = (uint32_t)*v, y = (uint32_t)r;
		switch (op) {
		case 'o': *v = (x || y); break;
		case 'a': *v = (x && y); break;
		case 'e': *v = x == y; break;
		case 'n': *v = x != y; break;
		/* Comparisons are signed, as the values are written. */
		case '<': *v = *v < r; break;
		case '>': *v = *v > r; break;
		case 'L': *v = *v <= r; break;
		case 'G': *v = *v >= r; break;
		case '|': *v = x | y; break;
		case '^': *v = x ^ y; break;
		case '&': *v = x & y; break;
		case 'l': *v = y > 31 ? 0 : (int64_t)(uint32_t)(x << y); break;
		case 'r': *v = y > 31 ? 0 : x >> y; break;
		case '+': *v += r; break;
		case '-': *v -= r; break;
		case '*':
			/* Both lie in [-2^31, 2^32): the product may not
			 * fit in 64 bits signed, and only its low 32 bits
			 * are kept below anyway. */
			if (__builtin_mul_overflow(*v, r, v))
				*v = (int32_t)(uint32_t)((uint64_t)*v);
			break;
		case '/': case '%':
			if (r == 0) {
				if (*known)
					as_error(a, at, "division by zero");
				*v = 0;
				if (*known)
					return false;
				break;
			}
			*v = op == '/' ? *v / r : *v % r;
			break;
		}
		/* Keep values in the 32-bit range, signed or unsigned. */
		if (*v > 0xffffffffll || *v < -0x80000000ll)
			*v = (int32_t)(uint32_t)*v;
	}
	return true;
}

bool as_expr(struct as *a, int64_t *value, bool *known)
{
	*known = true;
	return expr_bin(a, 0, value, known);
}
