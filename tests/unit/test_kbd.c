/*
 * The keyboard (io/kbd.c, docs/devices.md section 9): every register, the
 * queue and its overrun, IRQ 1 through the PIC with its EOI, reset, and
 * delivery in virtual time.  Keys come from a script: a list of (virtual
 * time, code) pairs the host reports once their time has come.
 */
#include <string.h>

#include "cpu/isa.h"
#include "io/ports.h"
#include "tests/unit/harness.h"

struct script {
	const uint64_t *when;
	const int *code;
	int n, next;
	int end;		/* after the last key, say none will come */
	uint64_t asked;
};

static int script_key(void *opaque, uint64_t now)
{
	struct script *s = opaque;
	s->asked++;
	if (s->next < s->n && s->when[s->next] <= now)
		return s->code[s->next++];
	return s->next == s->n && s->end ? VM_KEY_END : VM_KEY_NONE;
}

/* Boot src with the script as the keyboard's host (NULL: no host). */
static struct th *boot(const char *src, struct script *s)
{
	struct vm_config cfg = { .on_brk = VM_BRK_STOP };
	if (s) {
		cfg.keyboard.opaque = s;
		cfg.keyboard.next_key = script_key;
	}
	return th_boot_config(src, &cfg);
}

/* A field of a device's field table, by name. */
static uint64_t field(struct th *t, const char *dev, const char *name)
{
	const struct vm_device *d = vm_find_device(t->vm, dev);
	ck_assert_ptr_nonnull(d);
	for (const struct dev_field *f = d->ops->fields; f->name; f++)
		if (!strcmp(f->name, name))
			return dev_field_get(d->state, f);
	ck_abort_msg("%s has no field %s", dev, name);
	return 0;
}

static void run_to(struct th *t, enum vm_stop want)
{
	enum vm_stop got = th_run(t, 10000000);
	ck_assert_msg(got == want, "stopped with %s, expected %s (pc=0x%x)",
		      vm_stop_name(got), vm_stop_name(want), t->vm->cpu.pc);
}

#define R(n) (t->vm->cpu.r[n])

/* Installs isr at vector 17 (IRQ 1); the table is at `table`. */
#define VECTORS								\
	"_start: la r1, table\n mtcr vbr, r1\n la r2, isr\n"		\
	" stw r2, 68(r1)\n br main\n"
#define TABLE " .align 4\ntable: .space 1024\nlog: .space 256\n"

START_TEST(registers_without_keys)
{
	struct th *t = boot(
		"_start: in r1, 0x90\n in r2, 0x91\n in r3, 0x92\n"
		" li r4, -1\n out r4, 0x92\n in r5, 0x92\n"
		" out r4, 0x91\n out r4, 0x90\n in r6, 0x91\n in r9, 0x90\n"
		" in r7, 0x93\n out r0, 0x92\n in r8, 0x92\n"
		" out r0, 0(r0)\n", NULL);
	run_to(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(1), 0xffffffff);	/* DATA: no key */
	ck_assert_uint_eq(R(2), 0);		/* STATUS */
	ck_assert_uint_eq(R(3), 0);		/* CTRL at reset */
	ck_assert_uint_eq(R(5), KBD_CTRL_IE);	/* other bits read as 0 */
	ck_assert_uint_eq(R(6), 0);	/* writes to STATUS, DATA ignored */
	ck_assert_uint_eq(R(9), 0xffffffff);
	ck_assert_uint_eq(R(7), 0xffffffff);	/* 0x93 is unassigned */
	ck_assert_uint_eq(R(8), 0);
	ck_assert_uint_eq(field(t, "kbd", "polls"), 0);	/* no host */
	th_free(t);
}
END_TEST

/* Keys come out oldest first, and only from the first poll on. */
START_TEST(queue_keeps_order)
{
	static const uint64_t when[] = { 0, 0, 0 };
	static const int code[] = { 'a', 'b', KBD_KEY_UP };
	struct script s = { .when = when, .code = code, .n = 3 };
	struct th *t = boot(
		"_start: in r1, 0x91\n tsti r1, 1\n beq _start\n"
		" mfcr r9, icount\n"
		" in r2, 0x90\n in r3, 0x90\n in r4, 0x90\n in r5, 0x90\n"
		" in r6, 0x91\n out r0, 0(r0)\n", &s);
	run_to(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(1), KBD_ST_READY);
	ck_assert_uint_ge(R(9), KBD_POLL);
	ck_assert_uint_lt(R(9), KBD_POLL + 10);
	ck_assert_uint_eq(R(2), 'a');
	ck_assert_uint_eq(R(3), 'b');
	ck_assert_uint_eq(R(4), KBD_KEY_UP);
	ck_assert_uint_eq(R(5), 0xffffffff);
	ck_assert_uint_eq(R(6), 0);
	ck_assert_uint_eq(field(t, "kbd", "keys"), 3);
	ck_assert_uint_eq(field(t, "kbd", "polls"), 1);
	th_free(t);
}
END_TEST

/* Twenty keys at once: the queue keeps the first KBD_QUEUE, OVERRUN
 * says so once. */
START_TEST(full_queue_overruns)
{
	uint64_t when[20] = { 0 };
	int code[20];
	for (int i = 0; i < 20; i++)
		code[i] = 0x40 + i;
	struct script s = { .when = when, .code = code, .n = 20 };
	struct th *t = boot(
		"_start: in r1, 0x91\n tsti r1, 1\n beq _start\n"
		" in r2, 0x91\n la r4, buf\n clr r3\n"
		".take: in r5, 0x90\n cmpi r5, -1\n beq .done\n"
		" stw r5, 0(r4)\n addi r4, r4, 4\n addi r3, r3, 1\n br .take\n"
		".done: out r0, 0(r0)\n .align 4\nbuf: .space 128\n", &s);
	run_to(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(1), KBD_ST_READY | KBD_ST_OVERRUN);
	ck_assert_uint_eq(R(2), KBD_ST_READY);	/* the read cleared it */
	ck_assert_uint_eq(R(3), KBD_QUEUE);
	for (int i = 0; i < KBD_QUEUE; i++)
		ck_assert_uint_eq(th_peek32(t, th_sym(t, "buf") + 4 * i),
				  0x40 + i);
	ck_assert_uint_eq(field(t, "kbd", "lost"), 20 - KBD_QUEUE);
	th_free(t);
}
END_TEST

/* IRQ 1 through the PIC: the handler takes one key per entry and ends
 * the interrupt; the level line brings it back while a key waits.  Each
 * entry logs PENDING, INSERVICE, the key and INSERVICE after the EOI. */
START_TEST(interrupt_and_eoi)
{
	static const uint64_t when[] = { 0, 0 };
	static const int code[] = { 'x', 'y' };
	struct script s = { .when = when, .code = code, .n = 2 };
	struct th *t = boot(VECTORS
		"main: in r9, 0x20\n li r1, 1\n out r1, 0x92\n ei\n"
		"idle: halt\n br idle\n"
		"isr: mfcr r10, cause\n la r4, log\n shli r6, r5, 4\n"
		" add r4, r4, r6\n"
		" in r1, 0x20\n stw r1, 0(r4)\n in r1, 0x21\n stw r1, 4(r4)\n"
		" in r1, 0x90\n stw r1, 8(r4)\n"
		" li r1, 1\n out r1, 0x23\n in r1, 0x21\n stw r1, 12(r4)\n"
		" addi r5, r5, 1\n cmpi r5, 2\n beq .done\n rti\n"
		".done: out r0, 0(r0)\n" TABLE, &s);
	run_to(t, VM_STOP_POWEROFF);
	uint32_t log = th_sym(t, "log");
	ck_assert_uint_eq(R(9) & (1u << IRQ_KBD), 0);
	ck_assert_uint_eq(R(10), CPU_VEC_IRQ0 + IRQ_KBD);
	for (int i = 0; i < 2; i++) {
		uint32_t e = log + 16 * (uint32_t)i;
		ck_assert_uint_eq(th_peek32(t, e) & (1u << IRQ_KBD),
				  1u << IRQ_KBD);
		ck_assert_uint_eq(th_peek32(t, e + 4), 1u << IRQ_KBD);
		ck_assert_uint_eq(th_peek32(t, e + 8), i ? 'y' : 'x');
		ck_assert_uint_eq(th_peek32(t, e + 12), 0);
	}
	ck_assert_uint_eq(field(t, "pic", "taken"), 2);
	th_free(t);
}
END_TEST

/* The line is up exactly while READY and IE; the PIC's mask holds it. */
START_TEST(line_follows_ready_and_ie)
{
	static const uint64_t when[] = { 0 };
	static const int code[] = { 'k' };
	struct script s = { .when = when, .code = code, .n = 1 };
	struct th *t = boot(
		"_start: in r1, 0x91\n tsti r1, 1\n beq _start\n"
		" in r2, 0x20\n"			/* IE = 0: down */
		" li r1, 1\n out r1, 0x92\n in r3, 0x20\n"	/* up */
		" li r1, 2\n out r1, 0x22\n ei\n nop\n nop\n di\n" /* masked */
		" in r4, 0x90\n in r5, 0x20\n"		/* taken: down */
		" out r0, 0(r0)\n", &s);
	run_to(t, VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(2) & 2, 0);
	ck_assert_uint_eq(R(3) & 2, 2);
	ck_assert_uint_eq(R(4), 'k');
	ck_assert_uint_eq(R(5) & 2, 0);
	ck_assert_uint_eq(field(t, "pic", "taken"), 0);
	th_free(t);
}
END_TEST

/* A key reaches the guest at the first poll at or after the time the
 * host reported it, however the run is sliced.  The handler logs the
 * retired-instruction count (the guest never halts, so it is virtual
 * time) and the key. */
#define TIMED_SRC VECTORS						\
	"main: li r1, 1\n out r1, 0x92\n ei\n"				\
	"spin: br spin\n"						\
	"isr: mfcr r2, icount\n in r1, 0x90\n la r4, log\n"		\
	" shli r6, r5, 3\n add r4, r4, r6\n stw r2, 0(r4)\n"		\
	" stw r1, 4(r4)\n addi r5, r5, 1\n"				\
	" in r1, 0x91\n tsti r1, 1\n bne isr\n"				\
	" li r1, 1\n out r1, 0x23\n cmpi r5, 4\n beq .done\n rti\n"	\
	".done: out r0, 0(r0)\n" TABLE

static const uint64_t timed_when[] = { 150000, 150001, 420000, 999999 };
static const int timed_code[] = { 'p', 'q', KBD_KEY_F1, KBD_KEY_ENTER };

static void timed_log(uint64_t slice, uint32_t out[8])
{
	struct script s = { .when = timed_when, .code = timed_code, .n = 4 };
	struct th *t = boot(TIMED_SRC, &s);
	enum vm_stop st;
	do
		st = th_run(t, slice);
	while (st == VM_STOP_BUDGET && t->vm->cpu.insns < 10000000);
	ck_assert_int_eq(st, VM_STOP_POWEROFF);
	for (int i = 0; i < 8; i++)
		out[i] = th_peek32(t, th_sym(t, "log") + 4 * (uint32_t)i);
	th_free(t);
}

START_TEST(delivery_is_deterministic)
{
	static const uint32_t poll[] = { 2 * KBD_POLL, 2 * KBD_POLL,
					 5 * KBD_POLL, 10 * KBD_POLL };
	uint32_t whole[8], sliced[8], tiny[8];
	timed_log(10000000, whole);
	timed_log(997, sliced);
	timed_log(3, tiny);
	ck_assert_mem_eq(whole, sliced, sizeof whole);
	ck_assert_mem_eq(whole, tiny, sizeof whole);
	for (int i = 0; i < 4; i++) {
		ck_assert_uint_ge(whole[2 * i], poll[i]);
		ck_assert_uint_lt(whole[2 * i], poll[i] + 30);
		ck_assert_uint_eq(whole[2 * i + 1], (uint32_t)timed_code[i]);
	}
}
END_TEST

/* Without a host nothing is scheduled: a guest waiting for IRQ 1 is
 * idle.  A host that says no key will come lets it be idle too. */
START_TEST(idle_without_keys)
{
	struct th *t = boot("_start: li r1, 1\n out r1, 0x92\n ei\n halt\n",
			    NULL);
	run_to(t, VM_STOP_IDLE);
	th_free(t);

	static const uint64_t when[] = { 0 };
	static const int code[] = { 'z' };
	struct script s = { .when = when, .code = code, .n = 1, .end = 1 };
	t = boot(VECTORS "main: li r1, 1\n out r1, 0x92\n ei\n"
		 "idle: halt\n br idle\n"
		 "isr: in r7, 0x90\n li r1, 1\n out r1, 0x23\n rti\n" TABLE,
		 &s);
	run_to(t, VM_STOP_IDLE);
	ck_assert_uint_eq(R(7), 'z');
	ck_assert_uint_eq(field(t, "kbd", "ended"), 1);
	ck_assert_uint_eq(field(t, "kbd", "polls"), 1);
	ck_assert_uint_eq(s.asked, 2);	/* the key, then the end */
	th_free(t);
}
END_TEST

/* A reset empties the queue, clears CTRL and lowers IRQ 1. */
START_TEST(reset_empties_the_queue)
{
	static const uint64_t when[] = { 0, 0 };
	static const int code[] = { '1', '2' };
	struct script s = { .when = when, .code = code, .n = 2 };
	struct th *t = boot(
		"_start: la r1, flag\n ldw r2, 0(r1)\n cmpi r2, 0\n bne after\n"
		" li r2, 1\n stw r2, 0(r1)\n li r3, 1\n out r3, 0x92\n"
		".wait: in r3, 0x91\n tsti r3, 1\n beq .wait\n"
		" in r8, 0x20\n stw r8, 4(r1)\n out r0, 1(r0)\n"
		"after: in r4, 0x91\n in r5, 0x92\n in r6, 0x20\n"
		" in r7, 0x90\n out r0, 0(r0)\n"
		" .align 4\nflag: .word 0\nbefore: .word 0\n", &s);
	run_to(t, VM_STOP_POWEROFF);
	/* Registers are cleared by the reset: PENDING was kept in RAM. */
	ck_assert_uint_eq(th_peek32(t, th_sym(t, "before")) & 2, 2);
	ck_assert_uint_eq(R(4), 0);
	ck_assert_uint_eq(R(5), 0);
	ck_assert_uint_eq(R(6) & 2, 0);
	ck_assert_uint_eq(R(7), 0xffffffff);
	th_free(t);
}
END_TEST

static Suite *kbd_suite(void)
{
	Suite *s = suite_create("keyboard");
	TCase *tc = tcase_create("registers");
	tcase_add_test(tc, registers_without_keys);
	tcase_add_test(tc, queue_keeps_order);
	tcase_add_test(tc, full_queue_overruns);
	tcase_add_test(tc, reset_empties_the_queue);
	suite_add_tcase(s, tc);
	tc = tcase_create("interrupt");
	tcase_add_test(tc, interrupt_and_eoi);
	tcase_add_test(tc, line_follows_ready_and_ie);
	tcase_add_test(tc, idle_without_keys);
	suite_add_tcase(s, tc);
	tc = tcase_create("time");
	tcase_add_test(tc, delivery_is_deterministic);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(kbd_suite());
}
