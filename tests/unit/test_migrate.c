/*
 * Live migration (state/migrate.h, docs/migration.md), in one process:
 *   - a machine moved by pre-copy through a memory buffer, the stream fed
 *     to the target in pseudo-random chunks, goes on exactly as a machine
 *     that ran straight (registers, RAM, devices, events, console), under
 *     both MMU modes, with a link that converges and one that throttles;
 *   - give-up fails the migration and leaves the source running;
 *   - a transport that fails stops the migration, never the host;
 *   - every truncation of a stream, and a flip of every byte of its
 *     headers and of bytes spread over its payloads, is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/ports.h"
#include "state/migrate.h"
#include "tests/unit/harness.h"

/* The timer interrupts every 700 ticks and the handler counts in r5; the
 * main loop writes a running sum over 16 KiB (four pages) at 0x20000 and
 * prints a letter every 4096 iterations, so pages stay dirty, the console
 * has output to split between the machines and the PIC has lines to be in
 * service at the switchover. */
#define GUEST								\
	"_start: la r1, vectors\n mtcr vbr, r1\n la r2, isr\n"		\
	" stw r2, 64(r1)\n li r1, 700\n out r1, 0x31\n li r1, 3\n"	\
	" out r1, 0x30\n clr r5\n clr r6\n li r9, 0x20000\n clr r8\n"	\
	" li r10, 'a'\n ei\n"						\
	"loop: addi r6, r6, 3\n add r7, r8, r9\n stw r6, 0(r7)\n"	\
	" addi r8, r8, 4\n andi r8, r8, 0x3fff\n bne loop\n"		\
	" out r10, 0x10\n addi r10, r10, 1\n br loop\n"			\
	"isr: addi r5, r5, 1\n li r1, 1\n out r1, 0x33\n"		\
	" clr r1\n out r1, 0x23\n rti\n"				\
	" .align 4\nvectors: .space 1024\n"

static struct th *boot(enum mmu_mode mmu, uint64_t ram)
{
	struct vm_config cfg = { .mmu = mmu, .ram_size = ram,
				 .on_brk = VM_BRK_STOP };
	return th_boot_config(GUEST, &cfg);
}

/* The stream, in host memory; fail_after > 0 makes the write that would
 * pass that many bytes fail. */
struct buf {
	uint8_t *p;
	size_t len, cap, fail_after;
};

static int buf_write(void *ctx, const void *data, size_t len)
{
	struct buf *b = ctx;
	if (b->fail_after && b->len + len > b->fail_after)
		return -1;
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

static uint32_t seed = 1;
static uint32_t next_random(void)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) & 0xffffff;
}

/* Move t after n units through b; returns the step that ended it. */
static enum mig_step move(struct th *t, uint64_t n,
			  const struct mig_policy *p, struct buf *b,
			  struct mig_src *s)
{
	char err[512];
	th_run(t, n);
	ck_assert_msg(mig_src_start(s, t->vm, p, buf_write, b, err,
				    sizeof err) == 0, "%s", err);
	for (int slices = 0; slices < 100000; slices++) {
		uint64_t k = mig_src_slice(s);
		if (k)
			ck_assert_int_eq(th_run(t, k), VM_STOP_BUDGET);
		enum mig_step st = mig_src_step(s);
		if (st != MIG_STEP_GO)
			return st;
	}
	ck_abort_msg("the migration never ended");
	return MIG_STEP_FAILED;
}

/* Feed the whole stream in chunks of 1..max bytes. */
static enum mig_feed feed(struct mig_dst *d, const uint8_t *p, size_t len,
			  size_t max, char *err, size_t errlen)
{
	enum mig_feed f = MIG_DST_MORE;
	size_t off = 0;
	while (off < len && f == MIG_DST_MORE) {
		size_t k = 1 + next_random() % max;
		if (k > len - off)
			k = len - off;
		f = mig_dst_feed(d, p + off, k, err, errlen);
		off += k;
	}
	if (f == MIG_DST_DONE)
		ck_assert_uint_eq(off, len);
	return f;
}

static void same_machines(struct vm *a, struct vm *b)
{
	ck_assert_uint_eq(a->cpu.insns, b->cpu.insns);
	ck_assert_uint_eq(vm_now(a), vm_now(b));
	th_same_machines(a, b, "the machines");
}

/* The property for one N, MMU mode and policy. */
static void moved_is_straight(enum mmu_mode mmu, uint64_t n,
			      const struct mig_policy *p, int want_throttle)
{
	const uint64_t more = 30000;
	struct th *a = boot(mmu, 0);
	struct buf b = { 0 };
	struct mig_src *s = calloc(1, sizeof *s);
	char err[768];
	ck_assert_int_eq(move(a, n, p, &b, s), MIG_STEP_SWITCHOVER);
	ck_assert_int_eq(mig_src_finish(s, err, sizeof err), 0);
	ck_assert_int_eq(s->stats.status, MIG_COMPLETED);
	ck_assert_uint_eq(s->stats.stopped_at, vm_units(a->vm));
	ck_assert_uint_eq(s->stats.transferred, b.len);
	ck_assert_uint_gt(s->stats.downtime, 0);
	if (want_throttle)
		ck_assert_uint_gt(s->stats.throttle, 0);
	else
		ck_assert_uint_eq(s->stats.throttle, 0);
	uint64_t at = s->stats.stopped_at;
	mig_src_free(s);
	free(s);

	struct mig_dst *d = malloc(sizeof *d);
	mig_dst_init(d);
	ck_assert_msg(feed(d, b.p, b.len, 9000, err, sizeof err) ==
		      MIG_DST_DONE, "%s", err);
	struct ckpt ck;
	ck_assert_int_eq(mig_dst_take(d, &ck), 0);
	mig_dst_free(d);
	free(d);
	/* The target: a machine of the same shape, running something else
	 * until the state lands on it. */
	struct vm_config cfg = { .mmu = mmu, .on_brk = VM_BRK_STOP };
	struct th *t = th_boot_config("_start: br _start\n", &cfg);
	th_run(t, 77);
	ck_assert_msg(ckpt_apply(&ck, t->vm, 0, err, sizeof err) == 0, "%s",
		      err);
	ckpt_free(&ck);
	th_run(t, more);

	struct th *straight = boot(mmu, 0);
	th_run(straight, at + more);
	same_machines(straight->vm, t->vm);
	ck_assert_uint_gt(straight->vm->cpu.r[5], 0);
	ck_assert_uint_eq(a->outlen + t->outlen, straight->outlen);
	ck_assert_mem_eq(a->out, straight->out, a->outlen);
	ck_assert_mem_eq(t->out, straight->out + a->outlen, t->outlen);
	free(b.p);
	th_free(a);
	th_free(t);
	th_free(straight);
}

START_TEST(converges)
{
	struct mig_policy p = { .bandwidth = 64, .max_rounds = 30,
				.threshold = 16, .converge = MIG_THROTTLE };
	seed = 7 + (uint32_t)_i;
	for (int k = 0; k < 4; k++)
		moved_is_straight(_i ? MMU_NESTED : MMU_SHADOW,
				  next_random() % 200000, &p, 0);
}
END_TEST

/* A link of 1 page per 1000 ticks cannot keep four pages clean: the guest
 * is throttled, then stopped and copied anyway. */
START_TEST(throttled)
{
	struct mig_policy p = { .bandwidth = 1, .max_rounds = 2,
				.threshold = 0, .converge = MIG_THROTTLE };
	seed = 99 + (uint32_t)_i;
	moved_is_straight(_i ? MMU_NESTED : MMU_SHADOW,
			  next_random() % 50000, &p, 1);
}
END_TEST

/* A fast link moves even a run a few ticks long. */
START_TEST(fast_link)
{
	struct mig_policy p = { .bandwidth = 100000, .max_rounds = 30,
				.threshold = 100000, .converge = MIG_THROTTLE };
	seed = 3;
	for (int k = 0; k < 3; k++)
		moved_is_straight(MMU_SHADOW, next_random() % 3000, &p, 0);
}
END_TEST

START_TEST(gives_up)
{
	struct mig_policy p = { .bandwidth = 1, .max_rounds = 3,
				.threshold = 0, .converge = MIG_GIVE_UP };
	struct th *a = boot(MMU_SHADOW, 0);
	struct buf b = { 0 };
	struct mig_src *s = calloc(1, sizeof *s);
	ck_assert_int_eq(move(a, 1000, &p, &b, s), MIG_STEP_FAILED);
	ck_assert_int_eq(s->stats.status, MIG_FAILED);
	ck_assert_msg(strstr(s->stats.detail, "does not converge"), "%s",
		      s->stats.detail);
	mig_src_cancel(s);
	mig_src_free(s);
	free(s);
	/* The source runs on; the target has an unfinished stream. */
	ck_assert_int_eq(th_run(a, 5000), VM_STOP_BUDGET);
	struct mig_dst d;
	char err[768];
	mig_dst_init(&d);
	ck_assert_int_eq(feed(&d, b.p, b.len, 5000, err, sizeof err),
			 MIG_DST_MORE);
	mig_dst_free(&d);
	free(b.p);
	th_free(a);
}
END_TEST

/* The transport fails at every kind of point: the header, a PAGE, STAT. */
START_TEST(write_fails)
{
	struct mig_policy p = { .bandwidth = 64, .max_rounds = 30,
				.threshold = 16, .converge = MIG_THROTTLE };
	/* Where: the header, the first PAGE, the middle, the END. */
	size_t points[] = { 1, 40, 0, 0, 0 };
	for (size_t i = 0; i < sizeof points / sizeof *points; i++) {
		struct th *a = boot(MMU_SHADOW, 0);
		struct buf b = { .fail_after = points[i] };
		struct mig_src s;
		char err[512];
		th_run(a, 100);
		int r = mig_src_start(&s, a->vm, &p, buf_write, &b, err,
				      sizeof err);
		if (r == 0) {
			enum mig_step st = MIG_STEP_GO;
			while (st == MIG_STEP_GO) {
				th_run(a, mig_src_slice(&s));
				st = mig_src_step(&s);
			}
			if (st == MIG_STEP_SWITCHOVER)
				r = mig_src_finish(&s, err, sizeof err);
			else
				r = -1;
			mig_src_cancel(&s);
			mig_src_free(&s);
		}
		if (i == 2) {	/* the whole stream, to measure it */
			ck_assert_int_eq(r, 0);
			points[3] = b.len / 2;
			points[4] = b.len - 1;
		} else {
			ck_assert_int_eq(r, -1);
			ck_assert_uint_le(b.len, points[i]);
		}
		/* The guest is unhurt and tracking is off. */
		ck_assert_int_eq(th_run(a, 3000), VM_STOP_BUDGET);
		free(b.p);
		th_free(a);
	}
}
END_TEST

/* A small stream: a 64 KiB machine, moved fast. */
static struct buf small_stream(void)
{
	struct mig_policy p = { .bandwidth = 100000, .max_rounds = 30,
				.threshold = 100000, .converge = MIG_THROTTLE };
	struct vm_config cfg = { .ram_size = 64 << 10, .on_brk = VM_BRK_STOP };
	struct th *a = th_boot_config(GUEST, &cfg);
	struct buf b = { 0 };
	struct mig_src s;
	char err[512];
	ck_assert_int_eq(move(a, 2000, &p, &b, &s), MIG_STEP_SWITCHOVER);
	ck_assert_int_eq(mig_src_finish(&s, err, sizeof err), 0);
	mig_src_free(&s);
	th_free(a);
	return b;
}

static enum mig_feed feed_copy(const uint8_t *p, size_t len, char *err,
			       size_t errlen)
{
	struct mig_dst d;
	mig_dst_init(&d);
	enum mig_feed f = feed(&d, p, len, 7000, err, errlen);
	if (f == MIG_DST_DONE) {
		struct ckpt ck;
		ck_assert_int_eq(mig_dst_take(&d, &ck), 0);
		ckpt_free(&ck);
	}
	mig_dst_free(&d);
	return f;
}

START_TEST(truncations_refused)
{
	struct buf b = small_stream();
	char err[768];
	seed = 11;
	ck_assert_int_eq(feed_copy(b.p, b.len, err, sizeof err), MIG_DST_DONE);
	for (size_t n = 0; n < b.len; n += n < 64 ? 1 : 97)
		ck_assert_msg(feed_copy(b.p, n, err, sizeof err) != MIG_DST_DONE,
			      "a stream cut at %zu of %zu was taken", n, b.len);
	/* A byte after END is refused, with its offset. */
	uint8_t *more = malloc(b.len + 1);
	memcpy(more, b.p, b.len);
	more[b.len] = 0;
	ck_assert_int_eq(feed_copy(more, b.len + 1, err, sizeof err),
			 MIG_DST_BAD);
	char want[64];
	snprintf(want, sizeof want, "byte %zu: ", b.len);
	ck_assert_msg(strstr(err, want), "%s", err);
	free(more);
	free(b.p);
}
END_TEST

/* Record headers are where the stream's structure is: flip each of their
 * bytes, and every 251st byte elsewhere. */
START_TEST(flips_refused)
{
	struct buf b = small_stream();
	char err[768];
	uint8_t *hdr = calloc(b.len, 1);
	memset(hdr, 1, MIG_HEADER_SIZE);
	for (size_t off = MIG_HEADER_SIZE; off + MIG_RECORD_HEADER <= b.len;) {
		uint32_t len = (uint32_t)b.p[off + 4] |
			       (uint32_t)b.p[off + 5] << 8 |
			       (uint32_t)b.p[off + 6] << 16 |
			       (uint32_t)b.p[off + 7] << 24;
		memset(hdr + off, 1, MIG_RECORD_HEADER);
		off += MIG_RECORD_HEADER + len;
	}
	seed = 5;
	int flips = 0;
	for (size_t i = 0; i < b.len; i++) {
		if (!hdr[i] && i % 251)
			continue;
		for (int bit = 0; bit < 8; bit += 3) {
			b.p[i] ^= (uint8_t)(1u << bit);
			enum mig_feed f = feed_copy(b.p, b.len, err, sizeof err);
			ck_assert_msg(f != MIG_DST_DONE, "a flip of bit %d of "
				      "byte %zu was taken", bit, i);
			if (f == MIG_DST_BAD)
				ck_assert_msg(!strncmp(err, "byte ", 5), "%s",
					      err);
			b.p[i] ^= (uint8_t)(1u << bit);
			flips++;
		}
	}
	ck_assert_int_gt(flips, 100);
	free(hdr);
	free(b.p);
}
END_TEST

START_TEST(announcement)
{
	const uint8_t mac[6] = { 0x02, 0xaa, 0, 0, 0, 7 };
	uint8_t f[MIG_ANNOUNCE_LEN];
	mig_announce_frame(mac, f);
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	ck_assert_mem_eq(f, bcast, 6);
	ck_assert_mem_eq(f + 6, mac, 6);
	ck_assert_uint_eq(f[12], 0x88);
	ck_assert_uint_eq(f[13], 0xb6);
	ck_assert_mem_eq(f + 14, "AULA-MIGRATED", 13);
	for (int i = 27; i < MIG_ANNOUNCE_LEN; i++)
		ck_assert_uint_eq(f[i], 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("migrate");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, converges, 0, 2);
	tcase_add_loop_test(tc, throttled, 0, 2);
	tcase_add_test(tc, fast_link);
	tcase_add_test(tc, gives_up);
	tcase_add_test(tc, write_fails);
	tcase_add_test(tc, truncations_refused);
	tcase_add_test(tc, flips_refused);
	tcase_add_test(tc, announcement);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(suite());
}
