/*
 * Checkpoints (state/ckpt.h, docs/checkpoint-format.md) and dirty tracking
 * (mem/dirty.h), in one process:
 *   - every member of every device's struct is in its field table (saved)
 *     or its derived table (not), read from the device's source, and the
 *     tables' entries do not overlap;
 *   - a machine with frames waiting in the NIC's queue, a timer armed and
 *     a console byte half-read, encoded, decoded and applied to a fresh
 *     machine, goes on exactly as the original;
 *   - every truncation and every flipped byte of a file is refused;
 *   - the dirty bitmap holds the pages written since the epoch began,
 *     however they were written (a store, DMA, mem_write).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/devices.h"
#include "io/ports.h"
#include "mem/dirty.h"
#include "mem/mmu.h"
#include "state/ckpt.h"
#include "tests/unit/harness.h"

static const struct dev_ops *const all_ops[] = {
	&sysctl_ops, &pic_ops, &uart_ops, &timer_ops, &nic_ops, &kbd_ops,
	&display_ops, &disk_ops, &balloon_ops,
};

/* ---- the field tables cover the structs --------------------------------- */

/* The members of struct name in io/name.c, as a list of words. */
static int struct_members(const char *name, char out[][32], int max)
{
	char path[4096], line[512], open[64];
	const char *src = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/io/%s.c", src ? src : ".", name);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	snprintf(open, sizeof open, "struct %s {", name);
	int in = 0, n = 0, comment = 0;
	while (fgets(line, sizeof line, f)) {
		if (!in) {
			in = !strncmp(line, open, strlen(open));
			continue;
		}
		if (!strncmp(line, "};", 2))
			break;
		/* Drop comments, then read "type a, b[N], *c;". */
		char *p = line, clean[512];
		size_t k = 0;
		for (; *p; p++) {
			if (comment) {
				if (p[0] == '*' && p[1] == '/')
					comment = 0, p++;
				continue;
			}
			if (p[0] == '/' && p[1] == '*') {
				comment = 1, p++;
				continue;
			}
			clean[k++] = *p;
		}
		clean[k] = 0;
		char *semi = strchr(clean, ';');
		if (!semi)
			continue;
		*semi = 0;
		/* Skip the type: words up to the first declarator. */
		char *decl = clean;
		while (isspace((unsigned char)*decl))
			decl++;
		if (!strncmp(decl, "const ", 6))
			decl += 6;
		if (!strncmp(decl, "struct ", 7))
			decl += 7;
		while (*decl && !isspace((unsigned char)*decl))
			decl++;
		for (char *tok = strtok(decl, ","); tok; tok = strtok(NULL, ",")) {
			while (*tok == ' ' || *tok == '\t' || *tok == '*')
				tok++;
			size_t len = strcspn(tok, " \t[");
			ck_assert_int_lt(n, max);
			ck_assert_uint_lt(len, 32);
			memcpy(out[n], tok, len);
			out[n++][len] = 0;
		}
	}
	fclose(f);
	ck_assert_msg(in, "no '%s' in %s", open, path);
	return n;
}

START_TEST(fields_cover_structs)
{
	for (size_t d = 0; d < sizeof all_ops / sizeof *all_ops; d++) {
		const struct dev_ops *ops = all_ops[d];
		char members[64][32];
		int n = struct_members(ops->name, members, 64);
		struct { size_t lo, hi; const char *name; } r[64];
		int nr = 0;
		for (int i = 0; i < n; i++) {
			const struct dev_field *f = dev_field_find(ops,
								   members[i]);
			const struct dev_derived *x = ops->derived;
			while (x && x->name && strcmp(x->name, members[i]))
				x++;
			ck_assert_msg(f || (x && x->name), "struct %s has a "
				      "member %s that is neither a field "
				      "(saved) nor derived: add it to one of "
				      "its tables", ops->name, members[i]);
			ck_assert_msg(!(f && x && x->name), "%s.%s is both "
				      "saved and derived", ops->name,
				      members[i]);
			r[nr].name = members[i];
			r[nr].lo = f ? f->offset : x->offset;
			r[nr++].hi = f ? f->offset + dev_field_width(f) *
						     dev_field_count(f)
				       : x->offset + x->size;
		}
		int entries = 0;
		for (const struct dev_field *f = ops->fields; f && f->name; f++)
			entries++;
		for (const struct dev_derived *x = ops->derived; x && x->name;
		     x++)
			entries++;
		ck_assert_msg(entries == n, "%s: the tables list %d members, "
			      "the struct has %d", ops->name, entries, n);
		for (int i = 0; i < nr; i++) {
			ck_assert_uint_le(r[i].hi, ops->size);
			for (int j = 0; j < i; j++)
				ck_assert_msg(r[i].hi <= r[j].lo ||
					      r[j].hi <= r[i].lo,
					      "%s: %s and %s overlap", ops->name,
					      r[i].name, r[j].name);
		}
	}
}
END_TEST

/* ---- a machine in the middle of things, restored elsewhere ------------- */

struct wire {
	uint8_t frame[3][64];
	int n, taken;
};

static uint32_t w_recv(void *opaque, uint8_t *buf, uint32_t cap,
		       uint64_t now, uint64_t wait)
{
	struct wire *w = opaque;
	(void)now, (void)wait;
	if (w->taken == w->n || cap < 64)
		return 0;
	memcpy(buf, w->frame[w->taken++], 64);
	return 64;
}

static void w_send(void *opaque, const uint8_t *f, uint32_t len,
		   uint64_t now)
{
	(void)opaque, (void)f, (void)len, (void)now;
}

/* The timer runs periodically; the guest counts its interrupts in r5 and
 * stores a running sum in RAM, so both machines have work to agree on. */
#define BUSY_GUEST							\
	"_start: la r1, vectors\n mtcr vbr, r1\n la r2, isr\n"		\
	" stw r2, 64(r1)\n li r1, 700\n out r1, 0x31\n li r1, 3\n"	\
	" out r1, 0x30\n clr r5\n clr r6\n li r9, 0x20000\n clr r8\n"	\
	" ei\n"							\
	"loop: addi r6, r6, 3\n add r7, r8, r9\n stw r6, 0(r7)\n"	\
	" addi r8, r8, 4\n andi r8, r8, 0x3fff\n br loop\n"		\
	"isr: addi r5, r5, 1\n li r1, 1\n out r1, 0x33\n"		\
	" clr r1\n out r1, 0x23\n rti\n"				\
	" .align 4\nvectors: .space 1024\n"

static struct th *boot_busy(struct wire *w)
{
	struct vm_config cfg = { .on_brk = VM_BRK_STOP };
	cfg.nic = (struct vm_nic_host){ .opaque = w, .send = w_send,
					.recv = w_recv };
	struct th *t = th_boot_config(BUSY_GUEST, &cfg);
	t->in = "xyz";
	return t;
}

static void same_machines(struct vm *a, struct vm *b)
{
	ck_assert_uint_eq(a->cpu.insns, b->cpu.insns);
	ck_assert_uint_eq(vm_now(a), vm_now(b));
	th_same_machines(a, b, "the machines");
}

START_TEST(restore_elsewhere)
{
	struct wire wa = { .n = 3 }, wb = { .n = 3 };
	for (int i = 0; i < 3; i++) {
		memset(wa.frame[i], 0xff, 6);	/* broadcast */
		for (int k = 6; k < 64; k++)
			wa.frame[i][k] = (uint8_t)(i * 31 + k);
	}
	memcpy(wb.frame, wa.frame, sizeof wb.frame);
	struct th *a = boot_busy(&wa);
	bus_out(&a->vm->bus, PORT_NIC + NIC_CTRL, NIC_CTRL_RXEN);
	ck_assert_int_eq(th_run(a, 3 * NIC_RX_POLL + 123), VM_STOP_BUDGET);
	/* Frames wait in the card; a console byte is due. */
	ck_assert_uint_eq(bus_in(&a->vm->bus, PORT_NIC + NIC_RX_LEN), 64);
	bus_in(&a->vm->bus, PORT_UART + UART_STATUS);

	struct ckpt ck, back;
	uint8_t *buf;
	size_t len;
	char err[512];
	ck_assert_int_eq(ckpt_capture(&ck, a->vm, 0, err, sizeof err), 0);
	ck_assert_int_eq(ckpt_encode(&ck, &buf, &len), 0);
	ck_assert_int_eq(ckpt_decode(&back, buf, len, err, sizeof err), 0);

	struct th *b = boot_busy(&wb);
	wb.taken = wa.taken;	/* the wire has delivered the same */
	b->in = a->in + a->inpos;
	ck_assert_msg(ckpt_apply(&back, b->vm, 0, err, sizeof err) == 0,
		      "%s", err);
	same_machines(a->vm, b->vm);
	for (int round = 0; round < 3; round++) {
		bus_out(&a->vm->bus, PORT_NIC + NIC_RX_ADDR, 0x30000);
		bus_out(&b->vm->bus, PORT_NIC + NIC_RX_ADDR, 0x30000);
		bus_out(&a->vm->bus, PORT_NIC + NIC_CMD, NIC_CMD_RX);
		bus_out(&b->vm->bus, PORT_NIC + NIC_CMD, NIC_CMD_RX);
		ck_assert_uint_eq(bus_in(&a->vm->bus, PORT_UART + UART_DATA),
				  bus_in(&b->vm->bus, PORT_UART + UART_DATA));
		th_run(a, 5000);
		th_run(b, 5000);
		same_machines(a->vm, b->vm);
	}
	ck_assert_uint_gt(a->vm->cpu.r[5], 0);	/* the timer interrupted */
	ckpt_free(&ck);
	ckpt_free(&back);
	free(buf);
	th_free(a);
	th_free(b);
}
END_TEST

START_TEST(refused_leaves_machine)
{
	struct th *a = th_boot_cfg("_start: br _start\n", 1u << 20,
				   VM_BRK_STOP);
	struct th *b = th_boot("_start: li r1, 7\n br _start\n");
	th_run(a, 100);
	struct ckpt ck;
	char err[512];
	ck_assert_int_eq(ckpt_capture(&ck, a->vm, 0, err, sizeof err), 0);
	uint32_t pc = b->vm->cpu.pc;
	ck_assert_int_ne(ckpt_apply(&ck, b->vm, 0, err, sizeof err), 0);
	ck_assert_msg(strstr(err, "1024 KiB of RAM, this one 16384 KiB"),
		      "%s", err);
	ck_assert_uint_eq(b->vm->cpu.pc, pc);
	ckpt_free(&ck);
	th_free(a);
	th_free(b);
}
END_TEST

/* Where field name of ops lies among a checkpoint's values. */
static size_t value_offset(const struct dev_ops *ops, const char *name)
{
	size_t off = 0;
	for (const struct dev_field *f = ops->fields; f->name; f++) {
		if (!strcmp(f->name, name))
			return off;
		off += dev_field_width(f) * dev_field_count(f);
	}
	ck_abort_msg("no field %s", name);
	return 0;
}

/* A file may be forged with good CRCs: values no device can hold are
 * refused before anything changes. */
START_TEST(forged_refused)
{
	struct th *t = th_boot("_start: br _start\n");
	th_run(t, 10);
	struct ckpt ck;
	char err[512];
	ck_assert_int_eq(ckpt_capture(&ck, t->vm, 0, err, sizeof err), 0);
	int nic = -1, kbd = -1;
	for (uint32_t i = 0; i < ck.ndev; i++) {
		if (!strcmp(ck.dev[i].name, "nic"))
			nic = (int)i;
		if (!strcmp(ck.dev[i].name, "kbd"))
			kbd = (int)i;
	}
	ck_assert(nic >= 0 && kbd >= 0);
	uint8_t *head = ck.dev[nic].values + value_offset(&nic_ops, "rx_head");
	*head = 99;
	ck_assert_int_ne(ckpt_apply(&ck, t->vm, 0, err, sizeof err), 0);
	ck_assert_msg(strstr(err, "nic 0 is in no state"), "%s", err);
	*head = 0;
	uint8_t *count = ck.dev[kbd].values + value_offset(&kbd_ops, "count");
	*count = 17;
	ck_assert_int_ne(ckpt_apply(&ck, t->vm, 0, err, sizeof err), 0);
	*count = 0;
	ck.cpu.pc |= 2;
	ck_assert_int_ne(ckpt_apply(&ck, t->vm, 0, err, sizeof err), 0);
	ck.cpu.pc &= ~3u;
	ck_assert_msg(ckpt_apply(&ck, t->vm, 0, err, sizeof err) == 0, "%s",
		      err);
	ckpt_free(&ck);
	th_free(t);
}
END_TEST

/* ---- a balloon's bitmap: the device's extra state ----------------------- */

/* The guest puts pages 40..47 in the balloon, writes 40 anyway and takes
 * 42 out; 259 pages of RAM, so the bitmap's last byte is partial. */
#define BALLOON_GUEST							\
	"_start: li r1, 40\n li r2, 1\n"				\
	".inf: out r1, 0xa2\n out r2, 0xa3\n addi r1, r1, 1\n"		\
	" cmpi r1, 48\n bne .inf\n"					\
	" li r3, 0x28000\n li r4, 77\n stw r4, 0(r3)\n"		\
	" li r1, 42\n out r1, 0xa2\n li r2, 2\n out r2, 0xa3\n"	\
	"spin: br spin\n"

static struct th *boot_balloon(void)
{
	struct vm_config cfg = { .on_brk = VM_BRK_STOP, .balloon = true,
				 .ram_size = (1u << 20) + 3 * 4096 };
	return th_boot_config(BALLOON_GUEST, &cfg);
}

static uint32_t balloon_cmd(struct th *t, uint32_t cmd, uint32_t pfn)
{
	bus_out(&t->vm->bus, PORT_BALLOON + BALLOON_PFN, pfn);
	bus_out(&t->vm->bus, PORT_BALLOON + BALLOON_CMD, cmd);
	return bus_in(&t->vm->bus, PORT_BALLOON + BALLOON_RESULT);
}

START_TEST(balloon_restored_elsewhere)
{
	struct th *a = boot_balloon(), *b = boot_balloon();
	th_run(a, 200);
	ck_assert_uint_eq(bus_in(&a->vm->bus, PORT_BALLOON + BALLOON_SIZE), 7);
	struct ckpt ck, back;
	uint8_t *buf;
	size_t len;
	char err[512];
	ck_assert_int_eq(ckpt_capture(&ck, a->vm, 0, err, sizeof err), 0);
	ck_assert_int_eq(ckpt_encode(&ck, &buf, &len), 0);
	ck_assert_int_eq(ckpt_decode(&back, buf, len, err, sizeof err), 0);
	ck_assert_msg(ckpt_apply(&back, b->vm, 0, err, sizeof err) == 0, "%s",
		      err);
	same_machines(a->vm, b->vm);
	/* The restored balloon knows its pages: the same answers. */
	struct th *m[2] = { a, b };
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(bus_in(&m[i]->vm->bus,
					 PORT_BALLOON + BALLOON_SIZE), 7);
		ck_assert_uint_eq(balloon_cmd(m[i], BALLOON_CMD_INFLATE, 41),
				  BALLOON_RES_STATE);
		ck_assert_uint_eq(balloon_cmd(m[i], BALLOON_CMD_DEFLATE, 42),
				  BALLOON_RES_STATE);
		ck_assert_uint_eq(balloon_cmd(m[i], BALLOON_CMD_INFLATE, 42),
				  BALLOON_RES_OK);
		ck_assert_uint_eq(balloon_cmd(m[i], BALLOON_CMD_DEFLATE, 47),
				  BALLOON_RES_OK);
		ck_assert_uint_eq(balloon_cmd(m[i], BALLOON_CMD_INFLATE, 258),
				  BALLOON_RES_OK);
		uint32_t word = 0;
		ck_assert_int_eq(mem_read(&m[i]->vm->mem, 0x28000, &word, 4),
				 0);
		ck_assert_uint_eq(word, 77);	/* written in the balloon */
	}
	same_machines(a->vm, b->vm);
	/* Forged bitmaps: a page more than SIZE says, a page past RAM. */
	ckpt_free(&back);
	ckpt_free(&ck);
	ck_assert_int_eq(ckpt_capture(&ck, a->vm, 0, err, sizeof err), 0);
	int bl = -1;
	for (uint32_t i = 0; i < ck.ndev; i++)
		if (!strcmp(ck.dev[i].name, "balloon"))
			bl = (int)i;
	ck_assert_int_ge(bl, 0);
	uint32_t flen = ck.dev[bl].len - (259 + 7) / 8;
	uint8_t *bits = ck.dev[bl].values + flen;
	ck_assert_uint_eq(bits[258 / 8], 1u << (258 % 8));
	bits[1] ^= 1;
	ck_assert_int_ne(ckpt_apply(&ck, b->vm, 0, err, sizeof err), 0);
	ck_assert_msg(strstr(err, "SIZE is not the number of pages"), "%s",
		      err);
	bits[1] ^= 1;
	bits[258 / 8] |= 0x80;
	ck_assert_int_ne(ckpt_apply(&ck, b->vm, 0, err, sizeof err), 0);
	ck_assert_msg(strstr(err, "past the end of RAM"), "%s", err);
	bits[258 / 8] &= 0x7f;
	ck_assert_msg(ckpt_apply(&ck, b->vm, 0, err, sizeof err) == 0, "%s",
		      err);
	same_machines(a->vm, b->vm);
	ckpt_free(&ck);
	free(buf);
	th_free(a);
	th_free(b);
}
END_TEST

/* aula checkpoint info on a forged file: a device whose layout is this
 * aula's but whose values are too short is named, not read past. */
START_TEST(describe_short_values)
{
	struct th *t = th_boot("_start: br _start\n");
	struct ckpt ck;
	char err[512], *text = NULL;
	size_t len = 0;
	ck_assert_int_eq(ckpt_capture(&ck, t->vm, 0, err, sizeof err), 0);
	ck.dev[1].len = 3;
	FILE *f = open_memstream(&text, &len);
	ckpt_describe(&ck, f);
	fclose(f);
	ck_assert_msg(strstr(text, "3 bytes, where its fields are"), "%s",
		      text);
	free(text);
	ckpt_free(&ck);
	th_free(t);
}
END_TEST

/* ---- the decoder against damage ----------------------------------------- */

START_TEST(every_damage_refused)
{
	struct wire w = { 0 };
	struct th *t = boot_busy(&w);
	th_run(t, 2000);
	struct ckpt ck, back;
	uint8_t *buf;
	size_t len;
	char err[512];
	ck_assert_int_eq(ckpt_capture(&ck, t->vm, 0, err, sizeof err), 0);
	ck_assert_int_eq(ckpt_encode(&ck, &buf, &len), 0);
	for (size_t n = 0; n < len; n += n < 600 ? 1 : 211)
		ck_assert_msg(ckpt_decode(&back, buf, n, err, sizeof err) != 0,
			      "a file cut at byte %zu is taken", n);
	for (size_t i = 0; i < len; i += i < 600 ? 1 : 97) {
		buf[i] ^= 0x10;
		ck_assert_msg(ckpt_decode(&back, buf, len, err, sizeof err) != 0,
			      "a file with byte %zu flipped is taken", i);
		buf[i] ^= 0x10;
	}
	ck_assert_int_eq(ckpt_decode(&back, buf, len, err, sizeof err), 0);
	ckpt_free(&back);
	ckpt_free(&ck);
	free(buf);
	th_free(t);
}
END_TEST

/* ---- dirty tracking ----------------------------------------------------- */

START_TEST(dirty_pages)
{
	struct th *t = th_boot("_start: li r1, 0x21000\n li r2, 5\n"
			       " stw r2, 0(r1)\n"
			       "second: stw r2, 8(r1)\n"
			       " stw r2, 0x1004(r1)\n"
			       "spin: br spin\n");
	struct vm *vm = t->vm;
	uint32_t words = mmu_dirty_words(vm);
	uint64_t *bits = calloc(words, sizeof *bits);
	/* A page written before the epoch: its write TLB entry must not
	 * hide the next store. */
	while (vm->cpu.pc != th_sym(t, "second"))
		th_run(t, 1);
	ck_assert_int_eq(mmu_dirty_start(vm), 0);
	th_run(t, 100);
	mmu_dirty_harvest(vm, bits);
	for (uint32_t p = 0; p < vm->mem.npages; p++)
		ck_assert_msg(mem_dirty_test(bits, p) ==
			      (p == 0x21 || p == 0x22), "page %u", p);
	/* Nothing written since the harvest but what the write TLB may
	 * still reach unseen; once it is flushed, nothing. */
	th_run(t, 100);
	mmu_dirty_harvest(vm, bits);
	for (uint32_t p = 0; p < vm->mem.npages; p++)
		ck_assert_msg(!mem_dirty_test(bits, p) || p == 0x21 ||
			      p == 0x22, "page %u", p);
	mmu_flush_tlb(vm);
	mmu_dirty_harvest(vm, bits);
	mmu_dirty_harvest(vm, bits);
	for (uint32_t w = 0; w < words; w++)
		ck_assert_uint_eq(bits[w], 0);
	/* DMA and the host's writes count. */
	uint8_t b[8] = { 1 };
	ck_assert_int_eq(mmu_dma_write(vm, 0x50010, b, 8), 0);
	ck_assert_int_eq(mem_write(&vm->mem, 0x61ffc, b, 8), 0);
	mmu_dirty_harvest(vm, bits);
	ck_assert(mem_dirty_test(bits, 0x50));
	ck_assert(mem_dirty_test(bits, 0x61) && mem_dirty_test(bits, 0x62));
	ck_assert(!mem_dirty_test(bits, 0x21));
	mmu_dirty_stop(vm);
	free(bits);
	th_free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ckpt");
	TCase *tc = tcase_create("ckpt");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, fields_cover_structs);
	tcase_add_test(tc, restore_elsewhere);
	tcase_add_test(tc, refused_leaves_machine);
	tcase_add_test(tc, forged_refused);
	tcase_add_test(tc, balloon_restored_elsewhere);
	tcase_add_test(tc, describe_short_values);
	tcase_add_test(tc, every_damage_refused);
	tcase_add_test(tc, dirty_pages);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
