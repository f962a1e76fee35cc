/* Disassembly: operand syntax follows each format of cpu/isa.h. */
#define _GNU_SOURCE		/* strchrnul */
#include "asm/dis.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/isa.h"

int dis_format(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = dis_vformat(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

/* n bytes of s at buf[*o], as far as they fit before the end's NUL. */
static void put_run(char *buf, size_t len, size_t *o, const char *s,
		    size_t n)
{
	if (*o + 1 < len) {
		size_t fit = len - 1 - *o < n ? len - 1 - *o : n;
		memcpy(buf + *o, s, fit);
	}
	*o += n;
}

int dis_vformat(char *buf, size_t len, const char *fmt, va_list ap)
{
	size_t o = 0;
	/* c once, whether it fits or not: it may be digits[--n]. */
#define PUT(c)								\
	do {								\
		char c_ = (c);						\
		if (o + 1 < len)					\
			buf[o] = c_;					\
		o++;							\
	} while (0)
	for (const char *f = fmt; *f; f++) {
		/* The text up to the next conversion, at once. */
		const char *pct = strchrnul(f, '%');
		put_run(buf, len, &o, f, (size_t)(pct - f));
		if (!*(f = pct))
			break;
		bool left = false, zero = false, wide, neg = false;
		for (f++; *f == '-' || *f == '0'; f++)
			*(*f == '-' ? &left : &zero) = true;
		int width = 0, n = 0;
		while (*f >= '0' && *f <= '9')
			width = width * 10 + (*f++ - '0');
		if ((wide = f[0] == 'l' && f[1] == 'l'))
			f += 2;
		char digits[24];
		const char *str = NULL;
		uint64_t u = 0;
		unsigned base = 10;
		switch (*f) {
		case 's':
			str = va_arg(ap, const char *);
			n = (int)strlen(str);
			break;
		case 'd': {
			int64_t v = wide ? va_arg(ap, long long)
					 : va_arg(ap, int);
			neg = v < 0;
			u = neg ? 0 - (uint64_t)v : (uint64_t)v;
			break;
		}
		case 'x':
			base = 16;
			/* fall through */
		case 'u':
			u = wide ? va_arg(ap, unsigned long long)
				 : va_arg(ap, unsigned);
			break;
		case '%':
			PUT('%');
			continue;
		default:
			abort();	/* a conversion this is not for */
		}
		if (!str) {	/* the digits, last first */
			do {
				digits[n++] = "0123456789abcdef"
					[base == 16 ? u & 15 : u % 10];
				u = base == 16 ? u >> 4 : u / 10;
			} while (u);
		}
		int pad = width - n - neg;
		if (neg && zero)
			PUT('-');
		for (; !left && pad > 0; pad--)
			PUT(zero && !str ? '0' : ' ');
		if (neg && !zero)
			PUT('-');
		if (str)
			put_run(buf, len, &o, str, (size_t)n);
		while (n && !str)
			PUT(digits[--n]);
		for (; pad > 0; pad--)
			PUT(' ');
	}
#undef PUT
	if (len)
		buf[o < len ? o : len - 1] = 0;
	return (int)o;
}

static const char *reg(unsigned r)
{
	static const char *const names[16] = {
		"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9",
		"r10", "r11", "r12", "r13", "r14", "sp",
	};
	return names[r & 15];
}

char *dis_insn(uint32_t w, uint32_t pc, const struct image *symbols,
	       char *buf, size_t len)
{
	const struct isa_insn *d = &isa_table[isa_op(w)];
	const char *rd = reg(isa_rd(w)), *rs1 = reg(isa_rs1(w)),
		   *rs2 = reg(isa_rs2(w));
	if (!isa_valid(w)) {
		dis_format(buf, len, ".word 0x%08x", w);
		return buf;
	}
	switch (d->format) {
	case ISA_F_N:
		dis_format(buf, len, "%s", d->name);
		break;
	case ISA_F_R3:
		dis_format(buf, len, "%s %s, %s, %s", d->name, rd, rs1, rs2);
		break;
	case ISA_F_R2:
		dis_format(buf, len, "%s %s, %s", d->name, rs1, rs2);
		break;
	case ISA_F_RD:
		dis_format(buf, len, "%s %s", d->name, rd);
		break;
	case ISA_F_RS:
		dis_format(buf, len, "%s %s", d->name, rs1);
		break;
	case ISA_F_I:
		dis_format(buf, len, "%s %s, %s, %d", d->name, rd, rs1,
			   isa_simm16(w));
		break;
	case ISA_F_IU:
		dis_format(buf, len, "%s %s, %s, 0x%x", d->name, rd, rs1,
			   isa_uimm16(w));
		break;
	case ISA_F_SH:
		dis_format(buf, len, "%s %s, %s, %u", d->name, rd, rs1,
			   isa_uimm16(w));
		break;
	case ISA_F_CI:
		dis_format(buf, len, "%s %s, %d", d->name, rs1, isa_simm16(w));
		break;
	case ISA_F_CIU:
		dis_format(buf, len, "%s %s, 0x%x", d->name, rs1,
			   isa_uimm16(w));
		break;
	case ISA_F_U:
		dis_format(buf, len, "%s %s, 0x%x", d->name, rd, isa_imm20(w));
		break;
	case ISA_F_M:
		dis_format(buf, len, "%s %s, %d(%s)", d->name, rd,
			   isa_simm16(w), rs1);
		break;
	case ISA_F_B: {
		uint32_t t = pc + ((uint32_t)isa_simm24(w) << 2);
		const struct image_symbol *s =
			symbols ? image_symbol_at(symbols, t) : NULL;
		if (s && t == s->value)
			dis_format(buf, len, "%s 0x%08x <%s>", d->name, t,
				   s->name);
		else if (s)
			dis_format(buf, len, "%s 0x%08x <%s+0x%x>", d->name, t,
				   s->name, t - s->value);
		else
			dis_format(buf, len, "%s 0x%08x", d->name, t);
		break;
	}
	case ISA_F_T:
		dis_format(buf, len, "%s %u", d->name, isa_trapno(w));
		break;
	case ISA_F_CRR:
		dis_format(buf, len, "%s %s, %s", d->name, rd,
			   isa_cr_names[isa_uimm16(w)]);
		break;
	case ISA_F_CRW:
		dis_format(buf, len, "%s %s, %s", d->name,
			   isa_cr_names[isa_uimm16(w)], rd);
		break;
	}
	return buf;
}
