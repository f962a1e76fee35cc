/*
 * Outputs that never destroy inputs (docs/security.md, section 5).
 *
 * out_same_input refuses an output path that is one of the run's inputs
 * (the same inode), before anything is opened for writing.
 * out_temp/out_commit write a file the user named through a temporary
 * file made with mkstemp in the same directory, renamed over it at the
 * end: a run that fails leaves the old file as it was, and a reader never
 * sees half a file.  A path that is not a regular file (/dev/stdout, a
 * FIFO) is written in place.
 */
#ifndef AULA_OUTFILE_H
#define AULA_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct out_input {
	const char *what;	/* "--disk", "the test" ... for the message */
	const char *path;
};

/* 0, or -1 with a message (naming opt and the input) if path names the
 * same file as one of the n inputs.  An input or output that does not
 * exist yet cannot collide. */
int out_same_input(const char *opt, const char *path,
		   const struct out_input *in, int n);

struct out_temp {
	const char *path;	/* the destination */
	char tmp[4096];		/* the temporary file, or "" */
	FILE *f;
};

/* Open o->f for writing path (through a temporary file when path is a
 * regular file or does not exist): 0, or -1 with errno set. */
int out_temp_open(struct out_temp *o, const char *path);
/* A temporary name next to path, made with mkstemp and closed, for a
 * writer that opens files itself (image_write): 0, or -1. */
int out_temp_name(struct out_temp *o, const char *path);
/* Close o->f (if open) and rename the temporary file over the
 * destination: 0, or -1 with errno set, the destination unchanged. */
int out_temp_commit(struct out_temp *o);
/* Give up: close and remove the temporary file. */
void out_temp_abort(struct out_temp *o);

#endif
