/*
 * Test harness: assemble a snippet, boot it in a fresh machine with the
 * console captured, run it with a budget.
 */
#ifndef AULA_TEST_HARNESS_H
#define AULA_TEST_HARNESS_H

#include <check.h>
#include <stdint.h>

#include "asm/image.h"
#include "cpu/vm.h"

struct th {
	struct vm *vm;
	struct image img;
	char out[4096];		/* console output */
	size_t outlen;
	const char *in;		/* console input, NULL: none (EOF) */
	size_t inpos;
};

/* Assemble src (failing the test on any assembler error), boot it in a
 * fresh machine with default RAM, ready to run.  Free with th_free. */
struct th *th_boot(const char *src);
struct th *th_boot_cfg(const char *src, uint64_t ram, enum vm_brk_mode brk);
/* The same with default RAM, brk stopping the machine, and the given way
 * of virtualizing paging. */
struct th *th_boot_mmu(const char *src, enum mmu_mode mmu);
/* The same with any configuration (disks, say); the console is the
 * harness's. */
struct th *th_boot_config(const char *src, const struct vm_config *cfg);
void th_free(struct th *t);

/* Run up to budget instructions; returns the stop reason. */
enum vm_stop th_run(struct th *t, uint64_t budget);

/* Address of a label in the booted program (fails the test if absent). */
uint32_t th_sym(struct th *t, const char *name);
uint32_t th_peek32(struct th *t, uint32_t gpa);

/* Fail the test unless two machines are in the same state: registers,
 * RAM, every device's fields and the events pending (what a checkpoint
 * holds, time aside).  where starts every message. */
void th_same_machines(struct vm *a, struct vm *b, const char *where);

/* Assemble text, returning the error count; errors land in errs. */
int th_assemble(const char *src, char *errs, size_t errlen,
		struct image *out);

/* A fresh directory /tmp/aula-test-TAG-XXXXXX for a test's files (dir
 * gets its name), and its removal with everything in it. */
void th_mkdtemp(char *dir, size_t len, const char *tag);
void th_rmtree(const char *dir);

/* A suite runner main(): runs one suite, prints Check's summary. */
int th_main(Suite *s);

#endif
