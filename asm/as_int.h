/* The assembler's internals, shared by asm/as.c and asm/expr.c. */
#ifndef AULA_AS_INT_H
#define AULA_AS_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct image;
struct isa_insn;

#define AS_MAX_ERRORS 50
#define AS_MAX_INCLUDE_DEPTH 16
#define AS_MAX_EXPR_DEPTH 64	/* parentheses and unary operators */
#define AS_MAX_MACRO_DEPTH 64	/* macro calls within macro calls */
#define AS_MAX_REPT 1000000	/* repetitions of one .rept */
#define AS_MAX_LINES 2000000	/* lines after expansion */
#define AS_INSN_SLOTS 512	/* a power of two, > 2 x the opcodes */
/* Bounds on what a source may make the assembler read. */
#define AS_MAX_FILE_SIZE (64u << 20)	/* one source or .incbin file */
#define AS_MAX_SOURCE_TOTAL (256u << 20) /* all sources together */
#define AS_MAX_OUTPUT (256u << 20)	/* bytes stored in the image */

struct as_line {
	const char *file;
	int lineno;
	char *text;
	int origin;		/* the line as written that this one comes
				   from (itself, or a macro call, .rept) */
	int call;		/* the macro call it comes from, or -1 */
	const char *macro;	/* that macro's name, or NULL */
	bool expanded;		/* after its labels, taken by the macro pass */
	bool inactive;		/* in a false .if or a .macro body */
	bool shared;		/* text is a raw line's (freed with those) */
	uint8_t *blob;		/* .incbin: the file's bytes, read in pass 1 */
	uint32_t blob_len;
	int64_t size;		/* how far it moves pc (.org: maybe back) */
	bool bad;		/* a syntax error was reported in pass 1 */
};

/* A line as read (the macro pass's input, and a macro's body). */
struct as_src {
	const char *file;
	int lineno;
	char *text;
};

struct as_macro;

struct as_sym {
	char *name;
	uint32_t value;
	int pass;		/* pass in which it was last defined, 0: never */
	bool label;
	int line;		/* index of the defining line */
	uint32_t hash;
};

struct as_seg {
	uint32_t addr, size;
	uint32_t load;		/* where it is loaded: addr + load_delta */
	bool zero;		/* a .bss region: no data */
	size_t cap;
	uint8_t *data;
	int line;
};

/* What one line emitted, for the image's line table. */
struct as_rec {
	uint32_t load, size;
	int line;		/* the line in the source as written */
};

struct as {
	struct as_line *lines;
	int nlines, lines_cap;
	char **files;
	int nfiles;
	struct as_sym *syms;
	int nsyms, syms_cap;
	int *sym_slots;		/* hash table: index into syms, -1 if free */
	uint32_t nslots;	/* a power of two, at least 2 * nsyms */
	int expr_depth;
	int pass;
	uint64_t pc;
	char scope[256];	/* last global label, for .local labels */
	struct as_seg *segs;
	int nsegs;
	int64_t load_delta;	/* load address - run address (.org A, L) */
	bool in_bss;		/* in a .bss region */
	struct as_rec *rec;
	int nrec, rec_cap;
	int errors;
	FILE *errs, *listing;
	int cur;		/* index of the line being assembled */
	const char *p;		/* lexer position in lines[cur].text */
	bool entry_set;
	uint32_t entry;
	int entry_line;		/* where .entry was, for messages */
	uint64_t emitted;	/* bytes emitted in pass 2, for the listing */
	uint64_t stored;	/* bytes emitted so far in this pass */
	bool output_full;	/* AS_MAX_OUTPUT was reported */
	bool quiet;		/* re-reading a bad line's labels: no messages */
	/* Where .include and .incbin may read: the real paths of the main
	 * source's directory and of the -I directories. */
	char **roots;
	int nroots;
	const char *const *include_dirs;
	int ninclude_dirs;
	uint64_t source_bytes;
	struct as_macro *macros;
	int nmacros;
	int nexpansions;	/* \@ of the last macro call */
	bool lines_full;	/* AS_MAX_LINES was reported */
	bool expanding;		/* in the macro pass: labels have no value */
	char **raw_texts;	/* the lines as read, after the macro pass */
	int nraw_texts;
	int16_t insn_slots[AS_INSN_SLOTS];	/* opcode by name hash, -1 */
};

void *as_xrealloc(void *p, size_t n);	/* aborts when out of memory */
char *as_xstrdup(const char *s);
/* Append the lines of path (or of text, named path) and, recursively,
 * of the files it includes.  0, or -1 if path cannot be read. */
int as_read_source(struct as *a, const char *path, const char *text,
		   int depth);
/* Append a line (a copy of len bytes of text, or no text if text is
 * NULL); its index. */
int as_add_line(struct as *a, const char *file, int lineno,
		const char *text, size_t len);
/* The macro pass: expand macros, .rept and .if in a->lines. */
void as_expand(struct as *a);
void as_macros_free(struct as *a);
/* Define the labels at a->p (the start of a line); false on an error. */
bool as_labels(struct as *a);
void as_insn_index(struct as *a);
/* An instruction by (lower-case) name, or NULL. */
const struct isa_insn *as_insn_named(const struct as *a, const char *name);
/* Forget every symbol (after the macro pass). */
void as_sym_reset(struct as *a);
/* Is name (lower case) a pseudo-instruction? */
bool as_is_pseudo(const char *name);
/* A regular file of at most max bytes, NUL-terminated; NULL with errno
 * (EINVAL: not a regular file, EFBIG: too large). */
char *as_read_file(const char *path, size_t max, size_t *len);
/* A "quoted file name" at the current position (malloc'd), or NULL
 * after an error naming the directive dir. */
char *as_quoted_name(struct as *a, const char *dir);
/* Fix the directories that .include and .incbin may read from. */
void as_set_roots(struct as *a, const char *main_path,
		  const char *const *dirs, int ndirs);
/* The path to read for name, written in file from, or NULL after an
 * error naming what (".include", ".incbin") at the current line. */
char *as_resolve(struct as *a, const char *from, const char *name,
		 const char *what);

/* Report an error at column pointer at (NULL: the current position).
 * Pass 1 reports syntax only; pass 2 everything else. */
void as_error(struct as *a, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void as_skip_ws(struct as *a);
bool as_at_end(struct as *a);
bool as_accept(struct as *a, char c);
bool as_expect(struct as *a, char c);
/* An identifier at the current position: its length, 0 if none. */
size_t as_ident_len(const char *p);
/* Register name (r0..r15, zero, fp, at, sp): number or -1. */
int as_reg_number(const char *p, size_t len);

struct as_sym *as_sym_find(struct as *a, const char *name);
/* Expand a .local name to scope.local; returns a static-free copy. */
char *as_full_name(struct as *a, const char *p, size_t len);

/* One character of a quoted literal, with C escapes; -1 if malformed. */
int as_char_escape(const char **pp);

/* Evaluate an expression.  *known is false if it uses a symbol not yet
 * defined (allowed in pass 1 only).  Returns false on a syntax error. */
bool as_expr(struct as *a, int64_t *value, bool *known);

/* Define name (taking it) at the current line; a label, or a constant. */
void as_define(struct as *a, char *name, uint32_t value, bool label,
	       const char *at);
/* Emit n bytes (NULL: zeros) at pc and advance it. */
void as_emit(struct as *a, const void *bytes, uint32_t n);
void as_emit_word(struct as *a, uint32_t w);

/* Pass 2: the current line emitted size bytes at run address addr. */
void as_record_line(struct as *a, uint32_t addr, uint32_t size);
/* Sort and merge the segments and build the image (with a line table
 * unless strip). */
void as_finish(struct as *a, struct image *img, bool strip);

/* An expression whose value must lie in [min, max] (checked in pass 2);
 * what names it in the message. */
bool as_value(struct as *a, int64_t min, int64_t max, const char *what,
	      int64_t *v);
void as_insn(struct as *a, const struct isa_insn *d);
/* A pseudo-instruction: false if name is none. */
bool as_pseudo(struct as *a, const char *name);
/* A directive (name lower-cased, at: where it starts). */
void as_directive(struct as *a, const char *name, const char *at);
/* The rest of "name = expr" or ".equ name, expr". */
void as_equ(struct as *a, const char *name_at, size_t name_len);

#endif
