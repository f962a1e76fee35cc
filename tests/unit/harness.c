#define _GNU_SOURCE		/* mkdtemp, nftw, fmemopen */
#include "tests/unit/harness.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/as.h"
#include "state/ckpt.h"

static int th_getc(void *opaque)
{
	struct th *t = opaque;
	if (!t->in || !t->in[t->inpos])
		return VM_CONSOLE_EOF;
	return (unsigned char)t->in[t->inpos++];
}

static void th_putc(void *opaque, uint8_t c)
{
	struct th *t = opaque;
	if (t->outlen + 1 < sizeof t->out) {
		t->out[t->outlen++] = (char)c;
		t->out[t->outlen] = 0;
	}
}

int th_assemble(const char *src, char *errs, size_t errlen,
		struct image *out)
{
	FILE *f = fmemopen(errs, errlen, "w");
	ck_assert_ptr_nonnull(f);
	int n = as_assemble("test.s", src, NULL, f, out);
	fclose(f);
	return n;
}

struct th *th_boot_config(const char *src, const struct vm_config *cfg)
{
	struct th *t = calloc(1, sizeof *t);
	char errs[4096] = "", err[256];
	ck_assert_ptr_nonnull(t);
	int n = th_assemble(src, errs, sizeof errs, &t->img);
	ck_assert_msg(n == 0, "assembler errors:\n%s", errs);
	struct vm_config c = *cfg;
	c.console = (struct vm_console_host){
		.opaque = t, .getc = th_getc, .putc = th_putc };
	t->vm = vm_create(&c, err, sizeof err);
	ck_assert_msg(t->vm != NULL, "vm_create: %s", err);
	ck_assert_msg(image_load(&t->img, t->vm, err, sizeof err) == 0,
		      "image_load: %s", err);
	return t;
}

struct th *th_boot_cfg(const char *src, uint64_t ram, enum vm_brk_mode brk)
{
	struct vm_config cfg = { .ram_size = ram, .on_brk = brk };
	return th_boot_config(src, &cfg);
}

struct th *th_boot_mmu(const char *src, enum mmu_mode mmu)
{
	struct vm_config cfg = { .mmu = mmu, .on_brk = VM_BRK_STOP };
	return th_boot_config(src, &cfg);
}

struct th *th_boot(const char *src)
{
	return th_boot_cfg(src, 0, VM_BRK_STOP);
}

void th_free(struct th *t)
{
	vm_destroy(t->vm);
	image_free(&t->img);
	free(t);
}

enum vm_stop th_run(struct th *t, uint64_t budget)
{
	return vm_run(t->vm, budget);
}

uint32_t th_sym(struct th *t, const char *name)
{
	const struct image_symbol *s = image_symbol_named(&t->img, name);
	ck_assert_msg(s != NULL, "no label '%s'", name);
	return s->value;
}

uint32_t th_peek32(struct th *t, uint32_t gpa)
{
	uint8_t b[4];
	ck_assert_int_eq(mem_read(&t->vm->mem, gpa, b, 4), 0);
	return mem_ld32(b);
}

void th_mkdtemp(char *dir, size_t len, const char *tag)
{
	snprintf(dir, len, "/tmp/aula-test-%s-XXXXXX", tag);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
}

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

void th_rmtree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int th_main(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

void th_same_machines(struct vm *a, struct vm *b, const char *where)
{
	ck_assert_msg(!memcmp(a->cpu.r, b->cpu.r, sizeof a->cpu.r),
		      "%s: the registers differ", where);
	ck_assert_msg(a->cpu.pc == b->cpu.pc, "%s: pc 0x%08x, 0x%08x", where,
		      a->cpu.pc, b->cpu.pc);
	ck_assert_msg(a->cpu.flags == b->cpu.flags, "%s: the flags differ",
		      where);
	for (uint32_t p = 0; p < a->mem.npages; p++) {
		uint8_t x[MEM_PAGE_SIZE], y[MEM_PAGE_SIZE];
		mem_read(&a->mem, p << MEM_PAGE_SHIFT, x, sizeof x);
		mem_read(&b->mem, p << MEM_PAGE_SHIFT, y, sizeof y);
		ck_assert_msg(!memcmp(x, y, sizeof x), "%s: page %u differs",
			      where, p);
	}
	struct ckpt ca, cb;
	char err[256];
	ck_assert_int_eq(ckpt_capture(&ca, a, 0, err, sizeof err), 0);
	ck_assert_int_eq(ckpt_capture(&cb, b, 0, err, sizeof err), 0);
	for (uint32_t i = 0; i < ca.ndev; i++)
		ck_assert_msg(!memcmp(ca.dev[i].values, cb.dev[i].values,
				      ca.dev[i].len), "%s: %s differs", where,
			      ca.dev[i].name);
	ck_assert_msg(ca.nevents == cb.nevents, "%s: %u events, %u", where,
		      ca.nevents, cb.nevents);
	ck_assert_msg(!memcmp(ca.ev, cb.ev, ca.nevents * sizeof *ca.ev),
		      "%s: the events differ", where);
	ckpt_free(&ca);
	ckpt_free(&cb);
}
