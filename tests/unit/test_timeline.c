/*
 * The timeline of reverse execution (monitor/timeline.h), against the
 * truth: a machine run forward under the timeline, with checkpoints small
 * enough to be thinned many times over, goes back to many positions, and
 * each time equals a fresh machine run straight to the same position --
 * registers, every page of RAM, every device, the pending events.  Disk
 * writes made on the way are undone as it goes back, and past the log's
 * share of the cap the timeline refuses to go back before them.
 */
#include <stdlib.h>
#include <string.h>

#include "monitor/timeline.h"
#include "tests/unit/harness.h"

/* A timer interrupt counts in r5; the loop stores a running value over
 * 48 pages, with a stride that wanders, so checkpoints hold different
 * pages. */
#define GUEST								\
	"_start: la r1, vectors\n mtcr vbr, r1\n la r2, isr\n"		\
	" stw r2, 64(r1)\n li r1, 333\n out r1, 0x31\n li r1, 3\n"	\
	" out r1, 0x30\n clr r5\n clr r6\n li r9, 0x40000\n clr r8\n"	\
	" li r10, 0x2ffff\n ei\n"					\
	"loop: addi r6, r6, 7\n add r7, r8, r9\n stw r6, 0(r7)\n"	\
	" add r8, r8, r6\n andi r8, r8, 0xfffc\n and r8, r8, r10\n"	\
	" br loop\n"							\
	"isr: addi r5, r5, 1\n li r1, 1\n out r1, 0x33\n"		\
	" clr r1\n out r1, 0x23\n rti\n"				\
	" .align 4\nvectors: .space 1024\n"

static void same(struct vm *a, struct vm *b, uint64_t pos)
{
	ck_assert_msg(tl_pos(a) == tl_pos(b), "at %llu: positions %llu, %llu",
		      (unsigned long long)pos, (unsigned long long)tl_pos(a),
		      (unsigned long long)tl_pos(b));
	char where[64];
	snprintf(where, sizeof where, "at %llu", (unsigned long long)pos);
	th_same_machines(a, b, where);
}

START_TEST(back_and_forth)
{
	struct th *t = th_boot_cfg(GUEST, 1u << 20, VM_BRK_STOP);
	static struct timeline tl;
	char err[256];
	tl.cap_bytes = 96 * 1024;	/* a few points: thinning, often */
	ck_assert_int_eq(tl_start(&tl, t->vm, err, sizeof err), 0);
	ck_assert(tl.on);
	tl.interval = 512;
	const uint64_t end = 300000;
	while (tl_pos(t->vm) < end) {
		uint64_t n = tl_before_run(&tl, t->vm), left = end -
							   tl_pos(t->vm);
		vm_run(t->vm, n < left ? n : left);
	}
	tl_after_run(&tl, t->vm);
	ck_assert_uint_gt(tl.thinned, 5);
	ck_assert_uint_le(tl.bytes, tl.cap_bytes + tl.pt[tl.n - 1].bytes);
	ck_assert_uint_gt(t->vm->cpu.r[5], 10);	/* it was interrupted */

	uint64_t seed = 7;
	for (int k = 0; k < 24; k++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t pos = k == 0 ? 0 : k == 1 ? end : (seed >> 20) % end;
		ck_assert_msg(tl_goto(&tl, t->vm, pos, false, err,
				      sizeof err) == 0, "%s", err);
		struct th *ref = th_boot_cfg(GUEST, 1u << 20, VM_BRK_STOP);
		if (pos)
			vm_run(ref->vm, pos);
		same(t->vm, ref->vm, pos);
		th_free(ref);
	}
	/* By instruction count, forward from where it stands. */
	uint64_t insns = t->vm->cpu.insns + 1000;
	ck_assert_int_eq(tl_goto(&tl, t->vm, insns, true, err, sizeof err), 0);
	ck_assert_uint_eq(t->vm->cpu.insns, insns);
	tl_free(&tl);
	th_free(t);
}
END_TEST

/* A disk in host memory, for the timeline's write log. */
struct memdisk {
	uint8_t data[64 << 10];
};

static int md_read(void *opaque, uint64_t off, void *buf, size_t len)
{
	struct memdisk *d = opaque;
	memcpy(buf, d->data + off, len);
	return 0;
}

static int md_write(void *opaque, uint64_t off, const void *buf, size_t len)
{
	struct memdisk *d = opaque;
	memcpy(d->data + off, buf, len);
	return 0;
}

/* Run forward writing a sector after every slice, remembering the disk
 * at each position; then go back to those positions, newest first. */
START_TEST(disk_writes_undone)
{
	struct th *t = th_boot_cfg(GUEST, 1u << 20, VM_BRK_STOP);
	static struct timeline tl;
	static struct memdisk md;
	static uint8_t seen[40][sizeof md.data];
	uint64_t at[40];
	char err[256];
	memset(&md, 0, sizeof md);
	memset(&tl, 0, sizeof tl);
	struct vm_disk_host h = { .opaque = &md, .size = sizeof md.data,
				  .read = md_read, .write = md_write };
	tl_disk_hosts(&tl, &h, 1);
	ck_assert_int_eq(tl_start(&tl, t->vm, err, sizeof err), 0);
	tl.interval = 700;
	uint32_t x = 12345;
	for (int k = 0; k < 40; k++) {
		memcpy(seen[k], md.data, sizeof md.data);
		at[k] = tl_pos(t->vm);
		uint64_t n = tl_before_run(&tl, t->vm);
		vm_run(t->vm, n < 300 ? n : 300);
		tl_after_run(&tl, t->vm);
		uint8_t sector[512];
		x = x * 1103515245u + 12345u;
		memset(sector, (int)(x >> 24), sizeof sector);
		ck_assert_int_eq(tl_disk_write(&tl, 0, (x >> 8) % 128 * 512,
					       sector, sizeof sector), 0);
	}
	ck_assert_uint_eq(tl.nwr, 40);
	/* The runs stop at each checkpoint (every 700), so every third
	 * position is one: going back there re-runs nothing -- the test
	 * writes for the guest, and a re-run could not write again. */
	for (int k = 39; k >= 0; k -= 3) {
		int q = tl_point_before(&tl, at[k]);
		ck_assert_uint_eq(tl.pt[q].pos, at[k]);
		ck_assert_msg(tl_goto(&tl, t->vm, at[k], false, err,
				      sizeof err) == 0, "%s", err);
		ck_assert_msg(!memcmp(md.data, seen[k], sizeof md.data),
			      "the disk at position %llu is not as it was",
			      (unsigned long long)at[k]);
	}
	tl_free(&tl);

	/* A log over a quarter of the cap: the points before are out of
	 * reach, and going back there is refused, saying so. */
	memset(&tl, 0, sizeof tl);
	tl.cap_bytes = 96 * 1024;
	tl_disk_hosts(&tl, &h, 1);
	ck_assert_int_eq(tl_start(&tl, t->vm, err, sizeof err), 0);
	uint64_t start = tl_pos(t->vm);
	for (int k = 0; k < 100; k++) {
		uint64_t n = tl_before_run(&tl, t->vm);
		vm_run(t->vm, n < 300 ? n : 300);
		tl_after_run(&tl, t->vm);
		uint8_t sector[512] = { (uint8_t)k };
		tl_disk_write(&tl, 0, 0, sector, sizeof sector);
	}
	ck_assert_uint_gt(tl.floor, 0);
	ck_assert_uint_le(tl.wr_bytes, tl.cap_bytes / 4);
	ck_assert_int_ne(tl_goto(&tl, t->vm, start, false, err, sizeof err), 0);
	ck_assert_msg(strstr(err, "more than the timeline keeps"), "%s", err);
	ck_assert_uint_eq(md.data[0], 99);	/* nothing was undone */
	tl_free(&tl);
	th_free(t);
}
END_TEST

/* Keys (and frames) from outside come again where they came: forward at
 * the frontier each is asked of the live source and logged; after going
 * back, the same moments get the same answers and no live source is
 * asked, and other moments get none. */
START_TEST(keys_come_again)
{
	struct th *t = th_boot_cfg(GUEST, 1u << 20, VM_BRK_STOP);
	static struct timeline tl;
	char err[256];
	int key;
	uint32_t len;
	uint8_t frame[64];
	memset(&tl, 0, sizeof tl);
	ck_assert_int_eq(tl_start(&tl, t->vm, err, sizeof err), 0);
	tl.interval = 1000;
	uint64_t at[20];
	for (int k = 0; k < 20; k++) {
		uint64_t n = tl_before_run(&tl, t->vm);
		vm_run(t->vm, n < 250 ? n : 250);
		tl_after_run(&tl, t->vm);
		at[k] = tl_pos(t->vm);
		ck_assert_int_eq(tl_ext_replay(&tl, t->vm, TL_EXT_KEY, &key,
					       NULL, 0, &len), 0);
		tl_ext_log(&tl, t->vm, TL_EXT_KEY, 'a' + k, NULL, 0);
		memset(frame, k, sizeof frame);
		ck_assert_int_eq(tl_ext_replay(&tl, t->vm, TL_EXT_FRAME, &key,
					       frame, sizeof frame, &len), 0);
		tl_ext_log(&tl, t->vm, TL_EXT_FRAME, VM_KEY_NONE, frame,
			   (uint32_t)(8 + k));
		/* On a little, so that no checkpoint is taken just here: one
		 * taken at the moment a key came would come after it, and a
		 * run from that checkpoint would not ask for it again. */
		vm_run(t->vm, 37);
		tl_after_run(&tl, t->vm);
	}
	ck_assert_msg(tl_goto(&tl, t->vm, at[5] - 100, false, err,
			      sizeof err) == 0, "%s", err);
	for (int k = 6; k < 20; k++) {
		/* A moment in between: nothing came then. */
		ck_assert_int_eq(tl_ext_replay(&tl, t->vm, TL_EXT_KEY, &key,
					       NULL, 0, &len), 1);
		ck_assert_int_eq(key, VM_KEY_NONE);
		ck_assert_msg(tl_goto(&tl, t->vm, at[k], false, err,
				      sizeof err) == 0, "%s", err);
		ck_assert_int_eq(tl_ext_replay(&tl, t->vm, TL_EXT_KEY, &key,
					       NULL, 0, &len), 1);
		ck_assert_int_eq(key, 'a' + k);
		ck_assert_int_eq(tl_ext_replay(&tl, t->vm, TL_EXT_FRAME, &key,
					       frame, sizeof frame, &len), 1);
		ck_assert_uint_eq(len, 8 + k);
		ck_assert_uint_eq(frame[0], k);
		ck_assert_uint_eq(frame[len - 1], k);
	}
	/* Past the last: the live source again. */
	uint64_t n = tl_before_run(&tl, t->vm);
	vm_run(t->vm, n < 250 ? n : 250);
	tl_after_run(&tl, t->vm);
	ck_assert_int_eq(tl_ext_replay(&tl, t->vm, TL_EXT_KEY, &key, NULL, 0,
				       &len), 0);
	tl_free(&tl);
	th_free(t);
}
END_TEST

/* Frames beyond the log's quarter of the cap: the moments before are out
 * of reach, refused; the run goes on, logging again from there. */
START_TEST(frames_over_the_cap)
{
	struct th *t = th_boot_cfg(GUEST, 1u << 20, VM_BRK_STOP);
	static struct timeline tl;
	char err[256];
	uint8_t frame[1500] = { 0 };
	memset(&tl, 0, sizeof tl);
	tl.cap_bytes = 4u << 20;	/* a log of 1 MiB */
	ck_assert_int_eq(tl_start(&tl, t->vm, err, sizeof err), 0);
	tl.interval = 1000;
	uint64_t start = tl_pos(t->vm);
	for (int k = 0; k < 1000; k++) {
		uint64_t n = tl_before_run(&tl, t->vm);
		vm_run(t->vm, n < 250 ? n : 250);
		tl_after_run(&tl, t->vm);
		tl_ext_log(&tl, t->vm, TL_EXT_FRAME, VM_KEY_NONE, frame,
			   sizeof frame);
	}
	ck_assert_uint_gt(tl.floor, 0);
	ck_assert_uint_le(tl.bytes_ext, tl.cap_bytes / 4);
	ck_assert_uint_gt(tl.n_ext, 0);
	ck_assert_int_ne(tl_goto(&tl, t->vm, start, false, err, sizeof err), 0);
	ck_assert_msg(strstr(err, "more than the timeline keeps"), "%s", err);
	tl_free(&tl);
	th_free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("timeline");
	TCase *tc = tcase_create("timeline");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, back_and_forth);
	tcase_add_test(tc, disk_writes_undone);
	tcase_add_test(tc, keys_come_again);
	tcase_add_test(tc, frames_over_the_cap);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
