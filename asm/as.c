/*
 * The two-pass assembler.  Pass 1 fixes every line's size and every
 * label's address; pass 2 evaluates, checks ranges and emits.  Syntax
 * errors are reported in pass 1, value errors (undefined symbols, ranges)
 * in pass 2, each once, as file:line:col.
 */
#include "asm/as.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as_int.h"
#include "cpu/isa.h"

#define AS_DEFAULT_ORIGIN 0x1000

/* ---- symbols and output ---------------------------------------------- */

void as_emit(struct as *a, const void *bytes, uint32_t n)
{
	if (a->pc + n > 0x100000000ull ||
	    a->pc + a->load_delta + n > 0x100000000ull) {
		as_error(a, a->lines[a->cur].text,
			 "code runs past the end of the address space");
		return;
	}
	if (a->in_bss && bytes) {
		as_error(a, a->lines[a->cur].text, "a .bss region stores no "
			 "bytes: only labels, .space and .align (end it with "
			 ".text or .org)");
		return;
	}
	/* Counted in both passes, so pass 1 stops a source that would
	 * make the assembler allocate gigabytes. */
	if (!a->in_bss && a->stored + n > AS_MAX_OUTPUT) {
		if (a->pass == 1 && !a->output_full)
			as_error(a, a->lines[a->cur].text, "the image would "
				 "hold more than %u MiB (reserve large buffers "
				 "in a .bss region)", AS_MAX_OUTPUT >> 20);
		a->output_full = true;
		a->pc += n;
		return;
	}
	if (!a->in_bss)
		a->stored += n;
	if (a->pass == 2 && n) {
		uint32_t load = (uint32_t)(a->pc + a->load_delta);
		struct as_seg *s = a->nsegs ? &a->segs[a->nsegs - 1] : NULL;
		if (!s || s->addr + s->size != a->pc ||
		    s->load + s->size != load || s->zero != a->in_bss) {
			a->segs = as_xrealloc(a->segs,
					   (a->nsegs + 1) * sizeof *a->segs);
			s = &a->segs[a->nsegs++];
			memset(s, 0, sizeof *s);
			s->addr = (uint32_t)a->pc;
			s->load = load;
			s->zero = a->in_bss;
			s->line = a->cur;
		}
		/* size_t: size + n may pass 2^32 before the check above
		 * would, and 2 * (size + n) certainly may. */
		if (!s->zero && (size_t)s->size + n > s->cap) {
			s->cap = 2 * ((size_t)s->size + n);
			s->data = as_xrealloc(s->data, s->cap);
		}
		if (s->zero)
			;
		else if (bytes)
			memcpy(s->data + s->size, bytes, n);
		else
			memset(s->data + s->size, 0, n);
		s->size += n;
		if (!s->zero)
			a->emitted += n;
	}
	a->pc += n;
}

void as_emit_word(struct as *a, uint32_t w)
{
	uint8_t b[4] = { (uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16),
			 (uint8_t)(w >> 24) };
	as_emit(a, b, 4);
}

/* ---- passes -------------------------------------------------------------- */

/* The labels at the start of a line ("name: [name: ...]").  False after an
 * error. */
bool as_labels(struct as *a)
{
	for (;;) {
		as_skip_ws(a);
		size_t n = as_ident_len(a->p);
		const char *q = a->p + n;
		while (*q == ' ' || *q == '\t')
			q++;
		if (!n || *q != ':')
			return true;
		if (as_reg_number(a->p, n) >= 0) {
			as_error(a, NULL, "'%.*s' is a register and cannot be a "
				 "label", (int)n, a->p);
			return false;
		}
		if (n == 1 && a->p[0] == '.') {
			as_error(a, NULL, "'.' alone is not a label");
			return false;
		}
		if (a->p[0] != '.') {
			if (n >= sizeof a->scope) {
				as_error(a, NULL, "label longer than %zu "
					 "characters", sizeof a->scope - 1);
				return false;
			}
			memcpy(a->scope, a->p, n);
			a->scope[n] = 0;
		}
		as_define(a, as_full_name(a, a->p, n), (uint32_t)a->pc, true,
		       a->p);
		a->p = q + 1;
	}
}

static void statement(struct as *a)
{
	struct as_line *l = &a->lines[a->cur];
	if (l->inactive)
		return;
	a->p = l->text;
	if (!as_labels(a) || as_at_end(a) || l->expanded)
		return;

	const char *at = a->p;
	size_t n = as_ident_len(a->p);
	if (!n) {
		as_error(a, NULL, "expected a label, an instruction or a "
			 "directive");
		return;
	}
	a->p += n;
	if (as_accept(a, '=')) {		/* name = expr */
		if (as_reg_number(at, n) >= 0)
			as_error(a, at, "'%.*s' is a register and cannot be "
				 "a symbol", (int)n, at);
		else
			as_equ(a, at, n);
		return;
	}
	char name[32];
	if (n >= sizeof name) {
		as_error(a, at, "unknown instruction '%.*s'", (int)n, at);
		return;
	}
	for (size_t i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)at[i]);
	name[n] = 0;
	if (name[0] == '.') {
		as_directive(a, name, at);
		return;
	}
	if (a->pc & 3) {
		as_error(a, at, "instruction at unaligned address 0x%08x (add "
			 ".align 4)", (uint32_t)a->pc);
		return;
	}
	const struct isa_insn *d = as_insn_named(a, name);
	if (d)
		as_insn(a, d);
	else if (!as_pseudo(a, name))
		as_error(a, at, "unknown instruction '%s'", name);
}

static void listing_line(struct as *a, uint64_t emitted)
{
	struct as_line *l = &a->lines[a->cur];
	uint32_t n = (uint32_t)(a->emitted - emitted);
	struct as_seg *s = a->nsegs ? &a->segs[a->nsegs - 1] : NULL;
	char hex[32] = "";
	if (n && s && s->addr + s->size == a->pc) {
		uint32_t show = n > 8 ? 8 : n, k = 0;
		for (uint32_t i = 0; i < show; i++)
			k += (uint32_t)snprintf(hex + k, sizeof hex - k, "%02x",
						s->data[s->size - n + i]);
		if (n > 8)
			snprintf(hex + k, sizeof hex - k, "..");
	}
	if (n)
		fprintf(a->listing, "%08x  %-18s  %s\n",
			(uint32_t)(a->pc - n), hex, l->text);
	else
		fprintf(a->listing, "%8s  %-18s  %s\n", "", "", l->text);
}

static void run_pass(struct as *a, int pass)
{
	a->pass = pass;
	a->pc = AS_DEFAULT_ORIGIN;
	a->load_delta = 0;
	a->in_bss = false;
	a->stored = 0;
	a->scope[0] = 0;
	for (a->cur = 0; a->cur < a->nlines; a->cur++) {
		struct as_line *l = &a->lines[a->cur];
		uint64_t start = a->pc, emitted = a->emitted;
		if (pass == 2 && l->bad) {
			/* Reported in pass 1; only its labels matter now,
			 * for the scope of the local labels after it. */
			a->p = l->text;
			a->quiet = true;
			as_labels(a);
			a->quiet = false;
			a->pc = (uint64_t)((int64_t)start + l->size);
			continue;
		}
		int errors = a->errors;
		statement(a);
		if (pass == 1) {
			l->size = (int64_t)(a->pc - start);
		} else if ((int64_t)(a->pc - start) != l->size) {
			/* A statement cut short by an error in pass 2 keeps
			 * pass 1's layout, so no error cascades. */
			if (a->errors == errors)
				as_error(a, l->text, "internal error: this "
					 "line's size changed between passes");
			a->pc = (uint64_t)((int64_t)start + l->size);
		}
		if (pass == 2 && a->emitted != emitted)
			as_record_line(a, (uint32_t)(a->pc - (a->emitted -
							      emitted)),
				       (uint32_t)(a->emitted - emitted));
		if (pass == 2 && a->listing)
			listing_line(a, emitted);
	}
}

int as_assemble(const char *path, const char *text, FILE *listing,
		FILE *errs, struct image *out)
{
	struct as_options opt = { .listing = listing };
	return as_assemble_opts(path, text, &opt, errs, out);
}

int as_assemble_opts(const char *path, const char *text,
		     const struct as_options *opt, FILE *errs,
		     struct image *out)
{
	struct as a;
	FILE *listing = opt->listing;
	memset(&a, 0, sizeof a);
	memset(out, 0, sizeof *out);
	a.errs = errs;
	a.pass = 1;
	as_set_roots(&a, path, opt->include_dirs, opt->ninclude_dirs);
	as_insn_index(&a);
	if (as_read_source(&a, path, text, 0) != 0) {
		fprintf(errs, "%s: error: cannot read: %s\n", path,
			errno == EINVAL ? "not a regular file" :
			errno == EFBIG ? "larger than the limit for a source "
			"file (64 MiB)" : strerror(errno));
		a.errors++;
	}
	/* A source that could not be read is reported alone.  Otherwise
	 * pass 2 runs even after syntax errors (it skips those lines), so
	 * one run also reports undefined symbols and ranges. */
	bool read = !a.errors;
	if (read && a.nlines)
		as_expand(&a);
	if (read && a.errors < AS_MAX_ERRORS && a.nlines && !a.lines_full) {
		run_pass(&a, 1);
		if (a.errors < AS_MAX_ERRORS) {
			a.listing = a.errors ? NULL : listing;
			run_pass(&a, 2);
		}
	}
	if (!a.errors)
		as_finish(&a, out, opt->strip);
	if (a.errors)
		image_free(out);

	for (int i = 0; i < a.nlines; i++) {
		if (!a.lines[i].shared)
			free(a.lines[i].text);
		free(a.lines[i].blob);
	}
	for (int i = 0; i < a.nraw_texts; i++)
		free(a.raw_texts[i]);
	free(a.raw_texts);
	for (int i = 0; i < a.nroots; i++)
		free(a.roots[i]);
	free(a.roots);
	for (int i = 0; i < a.nfiles; i++)
		free(a.files[i]);
	for (int i = 0; i < a.nsyms; i++)
		free(a.syms[i].name);
	for (int i = 0; i < a.nsegs; i++)
		free(a.segs[i].data);
	free(a.lines);
	free(a.files);
	free(a.syms);
	free(a.sym_slots);
	as_macros_free(&a);
	free(a.segs);
	free(a.rec);
	return a.errors;
}
