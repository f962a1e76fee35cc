/* Directives (aula-as(1)): data, layout and symbols. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as_int.h"

/* ---- directives ---------------------------------------------------------- */

static bool pass1_value(struct as *a, int64_t *v, const char *dir)
{
	as_skip_ws(a);
	const char *at = a->p;
	bool known;
	if (!as_expr(a, v, &known))
		return false;
	if (!known) {
		/* Layout depends on it, so it is a pass-1 rule. */
		if (a->pass == 1)
			as_error(a, at, "the operand of %s must be known where "
				 "it stands (no forward references)", dir);
		return false;
	}
	return true;
}

static void data_list(struct as *a, unsigned size, int64_t min, int64_t max)
{
	const char *what = size == 4 ? ".word value" :
			   size == 2 ? ".half value" : ".byte value";
	do {
		int64_t v;
		if (!as_value(a, min, max, what, &v))
			return;
		uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8),
				 (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
		as_emit(a, b, size);
	} while (as_accept(a, ','));
	if (!as_at_end(a))
		as_error(a, NULL, "expected ',' or the end of the line");
}

static void string_list(struct as *a, bool nul)
{
	do {
		as_skip_ws(a);
		if (*a->p != '"') {
			as_error(a, NULL, "expected a quoted string");
			return;
		}
		const char *p = a->p + 1;
		while (*p && *p != '"') {
			const char *at = p;
			int c = as_char_escape(&p);
			if (c < 0) {
				as_error(a, at, "bad escape sequence");
				return;
			}
			uint8_t b = (uint8_t)c;
			as_emit(a, &b, 1);
		}
		if (*p != '"') {
			as_error(a, NULL, "unterminated string");
			return;
		}
		a->p = p + 1;
		if (nul)
			as_emit(a, NULL, 1);
	} while (as_accept(a, ','));
	if (!as_at_end(a))
		as_error(a, NULL, "expected ',' or the end of the line");
}

void as_equ(struct as *a, const char *name_at, size_t name_len)
{
	int64_t v;
	bool known;
	if (!as_expr(a, &v, &known))
		return;
	if (!as_at_end(a)) {
		as_error(a, NULL, "unexpected text after the value");
		return;
	}
	if (known || a->pass == 2)
		as_define(a, as_full_name(a, name_at, name_len), (uint32_t)v,
		       false, name_at);
}

/* .incbin "file" [, skip [, count]]: the file is read once, in pass 1,
 * with .include's rules for where it may be, and kept with the line. */
static void incbin(struct as *a, const char *at)
{
	struct as_line *l = &a->lines[a->cur];
	char *name = as_quoted_name(a, ".incbin");
	if (!name)
		return;
	if (a->pass == 1 && !l->blob) {
		char *path = as_resolve(a, l->file, name, ".incbin");
		size_t len = 0;
		char *data = path ? as_read_file(path, AS_MAX_FILE_SIZE, &len)
				  : NULL;
		if (path && !data)
			as_error(a, at, "cannot read '%s': %s", path,
				 errno == EINVAL ? "not a regular file" :
				 errno == EFBIG ? "larger than the .incbin "
				 "limit (64 MiB)" : strerror(errno));
		free(path);
		if (!data) {
			free(name);
			return;
		}
		l->blob = (uint8_t *)data;
		l->blob_len = (uint32_t)len;
	}
	free(name);
	int64_t skip = 0, count = (int64_t)l->blob_len;
	if (as_accept(a, ',')) {
		if (!pass1_value(a, &skip, ".incbin"))
			return;
		if (skip < 0 || skip > (int64_t)l->blob_len) {
			as_error(a, at, ".incbin offset %lld is outside the "
				 "file's %u bytes", (long long)skip,
				 l->blob_len);
			return;
		}
		count = (int64_t)l->blob_len - skip;
		if (as_accept(a, ',')) {
			if (!pass1_value(a, &count, ".incbin"))
				return;
			if (count < 0 || count > (int64_t)l->blob_len - skip) {
				as_error(a, at, ".incbin length %lld runs past "
					 "the file's %u bytes", (long long)count,
					 l->blob_len);
				return;
			}
		}
	}
	as_emit(a, l->blob + skip, (uint32_t)count);
}

void as_directive(struct as *a, const char *name, const char *at)
{
	int64_t v;
	if (!strcmp(name, ".org")) {
		int64_t load;
		if (pass1_value(a, &v, ".org")) {
			if (v < 0 || v > 0xffffffffll) {
				as_error(a, at, ".org address out of range");
			} else if (!as_accept(a, ',')) {
				a->pc = (uint64_t)v;
				a->load_delta = 0;
				a->in_bss = false;
			} else if (pass1_value(a, &load, ".org")) {
				if (load < 0 || load > 0xffffffffll) {
					as_error(a, at, ".org load address out "
						 "of range");
				} else {
					a->pc = (uint64_t)v;
					a->load_delta = load - v;
					a->in_bss = false;
				}
			}
		}
	} else if (!strcmp(name, ".bss")) {
		a->in_bss = true;
	} else if (!strcmp(name, ".text")) {
		a->in_bss = false;
	} else if (!strcmp(name, ".word")) {
		data_list(a, 4, -0x80000000ll, 0xffffffffll);
	} else if (!strcmp(name, ".half")) {
		data_list(a, 2, -32768, 65535);
	} else if (!strcmp(name, ".byte")) {
		data_list(a, 1, -128, 255);
	} else if (!strcmp(name, ".ascii") || !strcmp(name, ".asciz")) {
		string_list(a, name[5] == 'z');
	} else if (!strcmp(name, ".space")) {
		if (pass1_value(a, &v, ".space")) {
			if (v < 0 || v > 0x7fffffff)
				as_error(a, at, ".space size out of range");
			else
				as_emit(a, NULL, (uint32_t)v);
		}
	} else if (!strcmp(name, ".align")) {
		if (pass1_value(a, &v, ".align")) {
			if (v <= 0 || v > 0x10000 || (v & (v - 1)))
				as_error(a, at, ".align needs a power of two "
					 "from 1 to 65536");
			else
				as_emit(a, NULL, (uint32_t)(-a->pc & (uint64_t)(v - 1)));
		}
	} else if (!strcmp(name, ".equ") || !strcmp(name, ".set")) {
		as_skip_ws(a);
		const char *n = a->p;
		size_t len = as_ident_len(n);
		if (!len || as_reg_number(n, len) >= 0) {
			as_error(a, NULL, "expected a symbol name");
			return;
		}
		a->p += len;
		if (as_expect(a, ','))
			as_equ(a, n, len);
		return;
	} else if (!strcmp(name, ".incbin")) {
		incbin(a, at);
	} else if (!strcmp(name, ".entry")) {
		as_skip_ws(a);
		const char *vat = a->p;
		bool known;
		if (as_expr(a, &v, &known) && a->pass == 2) {
			if (v & 3)
				as_error(a, vat, "entry point must be a "
					 "multiple of 4");
			a->entry_set = true;
			a->entry = (uint32_t)v;
			a->entry_line = a->cur;
		}
	} else {
		as_error(a, at, "unknown directive '%s'", name);
		return;
	}
	if (!as_at_end(a) && !a->lines[a->cur].bad)
		as_error(a, NULL, "unexpected text after the operands");
}

