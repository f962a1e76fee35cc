/*
 * state/ is the machine's state as data, read through the core's public
 * structs: today the final dump and the exit-status taxonomy.
 *
 * Final machine dumps for graders (format in aula(1), "REGISTER DUMP").
 * The text form is one name=value per line in a fixed order; the JSON form
 * carries "format" and "version".  Both are byte-identical for identical
 * runs.
 */
#ifndef AULA_DUMP_H
#define AULA_DUMP_H

#include <stdint.h>
#include <stdio.h>

struct vm;

#define DUMP_VERSION 1

enum dump_format { DUMP_TEXT, DUMP_JSON };

struct dump_range {
	uint32_t addr, len;	/* guest-physical */
};

void dump_write(FILE *f, const struct vm *vm, enum dump_format fmt,
		const struct dump_range *ranges, int nranges);

/* The MMU counters (aula(1), STATISTICS), in the same two formats. */
void dump_stats(FILE *f, const struct vm *vm, enum dump_format fmt);
/* aula run --stats: the MMU counters, then the exception entries and their
 * histogram by vector. */
void dump_run_stats(FILE *f, const struct vm *vm, enum dump_format fmt);

/* The process exit status for a stop (aula(1), EXIT STATUS). */
int dump_exit_status(const struct vm *vm);

enum dump_exit {
	DUMP_EXIT_POWEROFF_OK = 0,
	DUMP_EXIT_POWEROFF_CODE = 1,
	DUMP_EXIT_USAGE = 2,
	DUMP_EXIT_HALT = 3,
	DUMP_EXIT_BUDGET = 4,
	DUMP_EXIT_CRASH = 5,
	DUMP_EXIT_BREAKPOINT = 6,
	DUMP_EXIT_IDLE = 7,
	DUMP_EXIT_HOST = 8,
	DUMP_EXIT_INTERRUPTED = 130,	/* 128 + SIGINT, as a shell reports */
};

#endif
