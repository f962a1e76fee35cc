/*
 * The interrupt controller and the timer (docs/devices.md, sections 5 and
 * 6): every register, priority, nesting, masks, edge and level lines, EOI,
 * the spurious rule, the timer's modes in virtual time.
 *
 * KERNEL gives every vector a handler that appends its vector number to a
 * log at LOG (count at LOG - 4) and returns with rti -- without an EOI, so
 * tests control when each line ends.
 */
#include <stdio.h>
#include <string.h>

#include "cpu/isa.h"
#include "io/ports.h"
#include "tests/unit/harness.h"

#define LOG 0x9000u
#define KERNEL								\
	"_start: la r1, table\n mtcr vbr, r1\n la r2, logger\n"		\
	" li r3, 256\n"							\
	".fill: stw r2, 0(r1)\n addi r1, r1, 4\n addi r3, r3, -1\n"	\
	" cmpi r3, 0\n bne .fill\n br test\n"				\
	"logger: push r1\n push r2\n push r3\n"				\
	" li r1, 0x8ffc\n ldw r2, 0(r1)\n addi r2, r2, 1\n stw r2, 0(r1)\n" \
	" shli r2, r2, 2\n add r2, r2, r1\n mfcr r3, cause\n stw r3, 0(r2)\n" \
	" pop r3\n pop r2\n pop r1\n rti\n"				\
	" .align 4\ntable: .space 1024\n"

#define PORT(r) (uint16_t)(PORT_PIC + (r))

static uint32_t in(struct th *t, uint16_t port)
{
	return bus_in(&t->vm->bus, port);
}

static void out(struct th *t, uint16_t port, uint32_t v)
{
	bus_out(&t->vm->bus, port, v);
}

static unsigned nlog(struct th *t)
{
	return th_peek32(t, LOG - 4);
}

static uint32_t logged(struct th *t, unsigned i)
{
	return th_peek32(t, LOG + 4 * i);
}

/* Boot KERNEL with a test body, run to the body's spin loop. */
static struct th *boot(const char *body)
{
	char src[4096];
	snprintf(src, sizeof src, KERNEL "test: %s", body);
	struct th *t = th_boot(src);
	return t;
}

START_TEST(registers_after_reset)
{
	struct th *t = boot("br test\n");
	ck_assert_uint_eq(in(t, PORT(PIC_PENDING)), 0);
	ck_assert_uint_eq(in(t, PORT(PIC_INSERVICE)), 0);
	ck_assert_uint_eq(in(t, PORT(PIC_MASK)), 0);
	ck_assert_uint_eq(in(t, PORT(PIC_TRIGGER)), 1u << IRQ_TIMER);
	out(t, PORT(PIC_MASK), 0xffffffff);
	ck_assert_uint_eq(in(t, PORT(PIC_MASK)), 0xffff);
	th_free(t);
}
END_TEST

/* Level lines are pending while held; nothing is taken with I = 0. */
START_TEST(level_line_follows_the_device)
{
	struct th *t = boot("spin: br spin\n");
	vm_irq_set(t->vm, 5, 1);
	ck_assert_uint_eq(in(t, PORT(PIC_PENDING)), 1u << 5);
	ck_assert_int_eq(th_run(t, 5000), VM_STOP_BUDGET);
	ck_assert_uint_eq(nlog(t), 0);
	vm_irq_set(t->vm, 5, 0);
	ck_assert_uint_eq(in(t, PORT(PIC_PENDING)), 0);
	th_free(t);
}
END_TEST

/* The lower line wins; taking it sets its in-service bit, which blocks
 * itself and every higher line until its EOI. */
START_TEST(priority_and_eoi)
{
	struct th *t = boot("ei\nspin: br spin\n");
	vm_irq_set(t->vm, 9, 1);
	vm_irq_set(t->vm, 6, 1);
	ck_assert_int_eq(th_run(t, 5000), VM_STOP_BUDGET);
	ck_assert_uint_eq(nlog(t), 1);
	ck_assert_uint_eq(logged(t, 0), CPU_VEC_IRQ0 + 6);
	ck_assert_uint_eq(in(t, PORT(PIC_INSERVICE)), 1u << 6);
	/* EOI 6 with 6 still raised: 6 again (the higher line waits). */
	out(t, PORT(PIC_EOI), 6);
	ck_assert_int_eq(th_run(t, 100), VM_STOP_BUDGET);
	ck_assert_uint_eq(nlog(t), 2);
	ck_assert_uint_eq(logged(t, 1), CPU_VEC_IRQ0 + 6);
	vm_irq_set(t->vm, 6, 0);
	out(t, PORT(PIC_EOI), 6);
	ck_assert_int_eq(th_run(t, 100), VM_STOP_BUDGET);
	ck_assert_uint_eq(logged(t, 2), CPU_VEC_IRQ0 + 9);
	ck_assert_uint_eq(in(t, PORT(PIC_INSERVICE)), 1u << 9);
	th_free(t);
}
END_TEST

/* A higher-priority line nests inside a lower one's handler once the
 * handler enables interrupts; a lower-priority line does not. */
START_TEST(nesting)
{
	struct th *t = th_boot(
		"_start: la r1, table\n mtcr vbr, r1\n"
		" la r2, h9\n stw r2, 100(r1)\n"	/* vector 25 */
		" la r2, h3\n stw r2, 76(r1)\n"		/* vector 19 */
		" la r2, h12\n stw r2, 112(r1)\n"	/* vector 28 */
		" ei\nspin: br spin\n"
		"h9: li r5, 1\n ei\n li r1, 1\n"
		".w: addi r1, r1, 1\n cmpi r1, 200\n bne .w\n"
		" mov r8, r6\n mov r9, r7\n li r5, 2\n li r1, 9\n"
		" out r1, 0x23(r0)\n rti\n"
		"h3: addi r6, r6, 1\n li r1, 3\n out r1, 0x23(r0)\n rti\n"
		"h12: addi r7, r7, 1\n out r0, 0(r0)\n"
		" .align 4\ntable: .space 1024\n");
	ck_assert_int_eq(th_run(t, 100), VM_STOP_BUDGET);
	vm_irq_set(t->vm, 9, 1);
	ck_assert_int_eq(th_run(t, 40), VM_STOP_BUDGET);
	ck_assert_uint_eq(t->vm->cpu.r[5], 1);	/* inside h9 */
	vm_irq_set(t->vm, 12, 1);		/* lower priority: waits */
	vm_irq_pulse(t->vm, 3);			/* higher: nests */
	vm_irq_set(t->vm, 9, 0);
	ck_assert_int_eq(th_run(t, 100000), VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->cpu.r[8], 1);	/* h3 ran inside h9 */
	ck_assert_uint_eq(t->vm->cpu.r[9], 0);	/* h12 had not */
	ck_assert_uint_eq(t->vm->cpu.r[7], 1);	/* and ran after EOI 9 */
	th_free(t);
}
END_TEST

/* Masked lines wait; edge requests latch even while masked. */
START_TEST(mask_and_edge_latch)
{
	struct th *t = boot("ei\nspin: br spin\n");
	out(t, PORT(PIC_MASK), (1u << 0) | (1u << 5));
	vm_irq_pulse(t->vm, 0);
	vm_irq_set(t->vm, 5, 1);
	ck_assert_int_eq(th_run(t, 5000), VM_STOP_BUDGET);
	ck_assert_uint_eq(nlog(t), 0);
	ck_assert_uint_eq(in(t, PORT(PIC_PENDING)), (1u << 0) | (1u << 5));
	vm_irq_set(t->vm, 5, 0);		/* level: gone, never taken */
	out(t, PORT(PIC_MASK), 0);
	ck_assert_int_eq(th_run(t, 100), VM_STOP_BUDGET);
	ck_assert_uint_eq(nlog(t), 1);
	ck_assert_uint_eq(logged(t, 0), CPU_VEC_IRQ0 + 0);
	/* Taken: the edge request is consumed, the line is in service. */
	ck_assert_uint_eq(in(t, PORT(PIC_PENDING)), 0);
	ck_assert_uint_eq(in(t, PORT(PIC_INSERVICE)), 1u << 0);
	th_free(t);
}
END_TEST

/* An EOI for a line not in service is ignored and counted. */
START_TEST(spurious_eoi)
{
	struct th *t = boot("spin: br spin\n");
	out(t, PORT(PIC_EOI), 7);
	out(t, PORT(PIC_EOI), 99);
	const struct vm_device *d = vm_find_device(t->vm, "pic");
	ck_assert_ptr_nonnull(d);
	for (const struct dev_field *f = d->ops->fields; f->name; f++)
		if (!strcmp(f->name, "spurious_eoi"))
			ck_assert_uint_eq(dev_field_get(d->state, f), 2);
	ck_assert_uint_eq(in(t, PORT(PIC_INSERVICE)), 0);
	th_free(t);
}
END_TEST

/* ---- timer ------------------------------------------------------------ */

#define TPORT(r) (uint16_t)(PORT_TIMER + (r))

START_TEST(timer_registers)
{
	struct th *t = boot("spin: br spin\n");
	ck_assert_uint_eq(in(t, TPORT(TIMER_FREQ)), TIMER_HZ);
	ck_assert_uint_eq(in(t, TPORT(TIMER_CTRL)), 0);
	ck_assert_uint_eq(in(t, TPORT(TIMER_COUNT)), 0);
	out(t, TPORT(TIMER_RELOAD), 1000);
	ck_assert_uint_eq(in(t, TPORT(TIMER_RELOAD)), 1000);
	out(t, TPORT(TIMER_CTRL), 0xff);
	ck_assert_uint_eq(in(t, TPORT(TIMER_CTRL)),
			  TIMER_CTRL_ENABLE | TIMER_CTRL_PERIODIC);
	ck_assert_uint_eq(in(t, TPORT(TIMER_COUNT)), 1000);
	ck_assert_int_eq(th_run(t, 300), VM_STOP_BUDGET);
	ck_assert_uint_eq(in(t, TPORT(TIMER_COUNT)), 700);
	out(t, TPORT(TIMER_CTRL), 0);
	ck_assert_uint_eq(in(t, TPORT(TIMER_COUNT)), 0);
	th_free(t);
}
END_TEST

/* One-shot: one expiry exactly RELOAD ticks after the start, then off. */
START_TEST(timer_one_shot)
{
	struct th *t = boot("spin: br spin\n");
	uint64_t start = vm_now(t->vm);
	out(t, TPORT(TIMER_RELOAD), 500);
	out(t, TPORT(TIMER_CTRL), TIMER_CTRL_ENABLE);
	ck_assert_int_eq(th_run(t, 499), VM_STOP_BUDGET);
	ck_assert_uint_eq(in(t, TPORT(TIMER_STATUS)), 0);
	ck_assert_int_eq(th_run(t, 1), VM_STOP_BUDGET);
	ck_assert_uint_eq(vm_now(t->vm), start + 500);
	ck_assert_uint_eq(in(t, TPORT(TIMER_STATUS)), TIMER_ST_EXPIRED);
	ck_assert_uint_eq(in(t, PORT(PIC_PENDING)), 1u << IRQ_TIMER);
	ck_assert_uint_eq(in(t, TPORT(TIMER_CTRL)), 0);
	out(t, TPORT(TIMER_STATUS), TIMER_ST_EXPIRED);
	ck_assert_uint_eq(in(t, TPORT(TIMER_STATUS)), 0);
	ck_assert_int_eq(th_run(t, 5000), VM_STOP_BUDGET);
	ck_assert_uint_eq(in(t, TPORT(TIMER_STATUS)), 0);
	th_free(t);
}
END_TEST

/* Periodic, with a guest handler doing EOI: exactly one interrupt per
 * period, no drift, and halt skips virtual time to each expiry. */
START_TEST(timer_periodic_with_halt)
{
	struct th *t = th_boot(
		"_start: la r1, table\n mtcr vbr, r1\n la r2, tick\n"
		" stw r2, 64(r1)\n"			/* vector 16 */
		" li r1, 10000\n out r1, 0x31(r0)\n li r1, 3\n"
		" out r1, 0x30(r0)\n ei\n"
		"idle: halt\n cmpi r4, 50\n bne idle\n out r0, 0(r0)\n"
		"tick: addi r4, r4, 1\n out r0, 0x23(r0)\n rti\n"
		" .align 4\ntable: .space 1024\n");
	ck_assert_int_eq(th_run(t, 1000000), VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->cpu.r[4], 50);
	/* 50 periods of virtual time, few instructions retired. */
	ck_assert_uint_ge(vm_now(t->vm), 50 * 10000);
	ck_assert_uint_lt(vm_now(t->vm), 51 * 10000);
	ck_assert_uint_lt(t->vm->cpu.insns, 1000);
	th_free(t);
}
END_TEST

/* The budget counts ticks spent halted: a guest that halts forever
 * between the interrupts of a periodic timer still ends with "budget",
 * having used exactly its budget. */
START_TEST(budget_bounds_a_halting_guest)
{
	struct th *t = th_boot(
		"_start: la r1, table\n mtcr vbr, r1\n la r2, tick\n"
		" stw r2, 64(r1)\n li r1, 10000\n out r1, 0x31(r0)\n"
		" li r1, 3\n out r1, 0x30(r0)\n ei\n"
		"idle: halt\n br idle\n"
		"tick: out r0, 0x23(r0)\n rti\n"
		" .align 4\ntable: .space 1024\n");
	uint64_t halt0 = t->vm->halted_time;
	ck_assert_int_eq(th_run(t, 1000000), VM_STOP_BUDGET);
	const struct cpu *c = &t->vm->cpu;
	ck_assert_uint_eq(c->insns + c->exceptions +
			  (t->vm->halted_time - halt0), 1000000);
	ck_assert_uint_lt(c->insns, 1000);
	th_free(t);
}
END_TEST

static Suite *pic_suite(void)
{
	Suite *s = suite_create("pic");
	TCase *tc = tcase_create("pic");
	tcase_add_test(tc, registers_after_reset);
	tcase_add_test(tc, level_line_follows_the_device);
	tcase_add_test(tc, priority_and_eoi);
	tcase_add_test(tc, nesting);
	tcase_add_test(tc, mask_and_edge_latch);
	tcase_add_test(tc, spurious_eoi);
	suite_add_tcase(s, tc);
	tc = tcase_create("timer");
	tcase_add_test(tc, timer_registers);
	tcase_add_test(tc, timer_one_shot);
	tcase_add_test(tc, timer_periodic_with_halt);
	tcase_add_test(tc, budget_bounds_a_halting_guest);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(pic_suite());
}
