/*
 * aula as: the two-pass assembler (syntax in aula-as(1)).  It reads the
 * instruction table in cpu/isa.def, like the interpreter and the
 * disassembler.
 */
#ifndef AULA_AS_H
#define AULA_AS_H

#include <stdbool.h>
#include <stdio.h>

#include "asm/image.h"

/* Assemble a file (or, with text != NULL, the text under the name path).
 * Errors go to errs as "file:line:col: error: ..."; a listing goes to
 * listing if it is not NULL.  Returns the number of errors; on 0, *out
 * holds the image (free it with image_free). */
int as_assemble(const char *path, const char *text, FILE *listing,
		FILE *errs, struct image *out);

/* What aula as's options change (all zero: as_assemble's defaults). */
struct as_options {
	FILE *listing;			/* or NULL */
	/* -I: more directories .include and .incbin may read, searched in
	 * order after the directory of the file that names them. */
	const char *const *include_dirs;
	int ninclude_dirs;
	bool strip;			/* no line table in the image */
};

int as_assemble_opts(const char *path, const char *text,
		     const struct as_options *opt, FILE *errs,
		     struct image *out);

/* What as_load_program came to. */
enum as_program {
	AS_PROGRAM_OK,		/* *img holds the program */
	AS_PROGRAM_UNREADABLE,	/* err: "cannot open: <why>" */
	AS_PROGRAM_BAD_IMAGE,	/* err: why (neither names the path) */
	AS_PROGRAM_ASSEMBLY,	/* *nerrors messages went to errs */
};
/* The program in the file path: an Aula image (known by its magic),
 * decoded refusing segments beyond ram bytes (0: no limit), or else a
 * source, assembled with opt.  A file is read once (a small one: a
 * large image is read as a stream). */
enum as_program as_load_program(const char *path, uint64_t ram,
				const struct as_options *opt, FILE *errs,
				struct image *img, int *nerrors, char *err,
				size_t errlen);

#endif
