/* aula run's --record and --replay (aula(1), docs/record-format.md). */
#ifndef AULA_RUN_REPLAY_H
#define AULA_RUN_REPLAY_H

#include <stdio.h>

#include "state/replay.h"

/* --record: open path and write the machine as it begins (rec_wrap put
 * the recorder in the configuration before it was made).  0, or -1
 * after printing why. */
int run_record_begin(struct recorder *r, const char *path, struct vm *vm,
		     FILE **f);
/* The END record; 0, or -1 after printing why. */
int run_record_end(struct recorder *r, const char *path, FILE *f);

/* --replay: read and decode path.  0, or -1 after printing why. */
int run_replay_read(const char *path, struct replay *p);
/* Say whether the run came out as recorded: 0 if it did, -1 if not. */
int run_replay_report(const struct replay *p, const struct vm *vm,
		      const char *path, int quiet);

#endif
