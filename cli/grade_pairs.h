/*
 * aula grade's results while its workers run: one shared anonymous
 * mapping of fixed-size records, one per (submission, test) pair, and one
 * of the text their details are written to.  Both are mapped before the
 * workers fork, so every process sees them at the same address.
 *
 *   records  [pair 0][pair 1]...            64 bytes each
 *   text     [used][detail\0][detail\0]...
 *
 * A worker appends a pair's detail to the text (used is advanced
 * atomically, so workers never write the same bytes), then fills the
 * record, then sets done.  Most pairs have no detail: a class's pages are
 * its records and the text it wrote, not a page per pair.
 *
 * The workers are not trusted with the parent's memory: once they have
 * all ended, pairs_results() copies every record out, checking its status,
 * its stop reason's end and its text's place against the room the parent
 * mapped (never a size read from the shared memory; used, the cursor, is
 * a hint, clamped), before a report reads it; the parent's own pairs_put
 * is bounded the same way.
 */
#ifndef AULA_CLI_GRADE_PAIRS_H
#define AULA_CLI_GRADE_PAIRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grade/grade.h"

struct pairs_text;

/* What a worker leaves for one pair. */
struct pairs_record {
	char stop[32];
	uint64_t insns;
	uint64_t text_off;	/* the detail: text bytes from here ... */
	uint32_t text_len;	/* ... this many (0: none) */
	int32_t status;		/* an enum grade_status */
	uint32_t points;
	uint8_t done;		/* set last, with release order; 0 or 1 */
};

struct grade_pairs {
	size_t n;
	struct pairs_record *rec;
	struct pairs_text *text;
	size_t rec_bytes, text_bytes;	/* the two mappings' sizes */
	/* The bytes of text there is room for: the parent's own copy, since
	 * a worker can write anything in the shared mappings. */
	size_t text_room;
};

/* Map n pairs, all not done: 0, or -1 with errno. */
int pairs_map(struct grade_pairs *p, size_t n);
void pairs_unmap(struct grade_pairs *p);

/* Whether pair i is done (acquire order: its record can then be read). */
bool pairs_done(const struct grade_pairs *p, size_t i);

/* Pair i is done as o says: its detail, its record, then done. */
void pairs_put(struct grade_pairs *p, size_t i, const struct grade_outcome *o);

/* Pair i is done as not applicable (before any worker starts). */
void pairs_not_applicable(struct grade_pairs *p, size_t i);

/* Once every worker has ended: the results, checked, for the reports
 * (details point into p's text: free only the array, before unmapping);
 * NULL if out of memory. */
struct grade_result *pairs_results(struct grade_pairs *p);

#endif
