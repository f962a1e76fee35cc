/*
 * Monitor expressions (aula-debug(1), EXPRESSIONS): unsigned arithmetic
 * over numbers, registers, labels and memory, with C's operators and
 * precedence: 32 bits, or 64 where a 64-bit variable ($insns) or number
 * takes part, as C converts uint32_t to uint64_t.  Names and memory come from the caller
 * through struct mon_expr_env, so the parser knows nothing of machines
 * and is tested alone (tests/unit/test_mon.c).
 *
 *   expr    := lor
 *   lor     := land { "||" land }          (and so on down C's table:
 *   ...        && | ^ & == != < <= > >= << >> + - * / %)
 *   unary   := ( "-" | "~" | "!" | "*" ) unary | primary
 *   primary := number | 'c' | name | "(" expr ")" | "[" expr "]"
 *
 * "[e]" and the prefix "*e" both read the 32-bit word at virtual address
 * e.  Comparisons are unsigned, like the registers.
 */
#ifndef AULA_MON_EXPR_H
#define AULA_MON_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mon_expr_env {
	void *opaque;
	/* The value of a name (register, label, $variable): MON_EXPR_NARROW
	 * (a 32-bit value), MON_EXPR_WIDE (64 bits), or -1 if there is no
	 * such name. */
	int (*name)(void *opaque, const char *name, uint64_t *value);
	/* The word at virtual address addr: 0, or -1 with a reason in err. */
	int (*deref)(void *opaque, uint32_t addr, uint32_t *value, char *err,
		     size_t errlen);
	/* Only parse: read no memory and divide by nothing, as on the
	 * skipped side of a && (checking a script before it runs). */
	bool parse_only;
};

enum { MON_EXPR_NARROW = 0, MON_EXPR_WIDE = 1 };

#define MON_EXPR_TERMS 8
#define MON_NAME_MAX 128

/* A name or memory word the expression used, and its value (for assert's
 * message). */
struct mon_expr_term {
	const char *text;	/* in the source */
	int len;
	uint64_t value;
	bool wide;
};

struct mon_expr {
	uint32_t value;		/* the low 32 bits */
	uint64_t value64;	/* all of it, when wide */
	bool wide;
	const char *end;	/* first character after the expression */
	/* On error: where, and why. */
	const char *err_at;
	char err[160];
	struct mon_expr_term term[MON_EXPR_TERMS];
	int nterm;
};

/* Evaluate the expression at the start of s (after blanks).  It ends at
 * the first character that cannot continue it (r->end).  0, or -1 with
 * r->err_at and r->err set. */
int mon_expr_eval(const struct mon_expr_env *env, const char *s,
		  struct mon_expr *r);

int mon_expr_name_char(int c);

#endif
