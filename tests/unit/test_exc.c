/*
 * Exceptions, interrupts and the machine's stop reasons, driven by small
 * guest programs.  KERNEL installs a vector table whose every entry points
 * at `generic`, which records what happened and powers off:
 *   r10 = cause   r11 = saved pc   r12 = saved flags   r9 = far
 *   r8 = kernel sp in the handler  r7 = usp (the user stack pointer)
 */
#include <stdio.h>
#include <string.h>

#include "cpu/isa.h"
#include "tests/unit/harness.h"

#define KERNEL								\
	"_start: la r1, table\n mtcr vbr, r1\n la r2, generic\n"	\
	" li r3, 256\n"							\
	".fill: stw r2, 0(r1)\n addi r1, r1, 4\n addi r3, r3, -1\n"	\
	" cmpi r3, 0\n bne .fill\n"					\
	" clr r1\n clr r2\n clr r3\n br test\n"				\
	"generic: mfcr r10, cause\n ldw r11, 0(sp)\n ldw r12, 4(sp)\n"	\
	" mfcr r9, far\n mov r8, sp\n mfcr r7, usp\n out r0, 0(r0)\n"	\
	" .align 4\ntable: .space 1024\n"

/* Drop to user mode with the user stack at 0x80000. */
#define TO_USER " li r1, 0x80000\n mtcr usp, r1\n mtcr flags, r0\n"

#define RAM_TOP (16u << 20)

static struct th *run(const char *src, enum vm_stop want)
{
	struct th *t = th_boot(src);
	enum vm_stop got = th_run(t, 1000000);
	ck_assert_msg(got == want, "stopped with %s, expected %s",
		      vm_stop_name(got), vm_stop_name(want));
	return t;
}

#define R(n) (t->vm->cpu.r[n])

START_TEST(trap_frame_in_kernel_mode)
{
	struct th *t = run(KERNEL "test: li r5, 5\n setcc r5\n"
			   "here: trap 40\n", VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), 40);
	ck_assert_uint_eq(R(11), th_sym(t, "here") + 4);
	ck_assert_uint_eq(R(12), CPU_P | CPU_Z | CPU_C);
	ck_assert_uint_eq(R(8), RAM_TOP - 8);
	/* In the handler: kernel mode, interrupts off. */
	ck_assert_uint_eq(t->vm->cpu.flags & (CPU_P | CPU_I), CPU_P);
	th_free(t);
}
END_TEST

START_TEST(trap_from_user_lands_on_kernel_stack)
{
	struct th *t = run(KERNEL "test:" TO_USER " li r1, 0x1234\n"
			   " push r1\nhere: trap 33\n", VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), 33);
	ck_assert_uint_eq(R(11), th_sym(t, "here") + 4);
	ck_assert_uint_eq(R(12), 0);			/* user, I = 0 */
	ck_assert_uint_eq(R(8), RAM_TOP - 8);		/* kernel stack */
	ck_assert_uint_eq(R(7), 0x80000 - 4);		/* user sp, banked */
	ck_assert_uint_eq(th_peek32(t, 0x80000 - 4), 0x1234);
	th_free(t);
}
END_TEST

/* rti returns to user mode and the user stack; a second trap ends it. */
START_TEST(rti_restores_mode_and_stack)
{
	struct th *t = run(
		"_start: la r1, table\n mtcr vbr, r1\n"
		" la r2, sys\n stw r2, 132(r1)\n"	/* vector 33 */
		" la r2, stop\n stw r2, 136(r1)\n"	/* vector 34 */
		" li r1, 0x80000\n mtcr usp, r1\n"
		" la r1, user\n push r0\n push r1\n rti\n"
		"sys: addi r4, r4, 1\n rti\n"
		"stop: mfcr r7, usp\n ldw r12, 4(sp)\n out r0, 0(r0)\n"
		"user: trap 33\n trap 33\n mov r6, sp\n trap 34\n"
		" .align 4\ntable: .space 1024\n", VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(4), 2);
	ck_assert_uint_eq(R(6), 0x80000);
	ck_assert_uint_eq(R(7), 0x80000);
	ck_assert_uint_eq(R(12) & CPU_P, 0);
	ck_assert_uint_eq(R(15), RAM_TOP - 8);
	th_free(t);
}
END_TEST

START_TEST(illegal_instruction)
{
	struct th *t = run(KERNEL "test: li r1, 7\nbad: .word 0\n",
			   VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), CPU_VEC_ILLEGAL);
	ck_assert_uint_eq(R(11), th_sym(t, "bad"));
	ck_assert_uint_eq(R(9), th_sym(t, "bad"));
	th_free(t);
}
END_TEST

START_TEST(privileged_instructions_in_user_mode)
{
	static const char *const ops[] = {
		"in r2, 0x10(r0)", "out r2, 0x10(r0)", "ei", "di", "halt",
		"rti", "mfcr r2, vbr", "mtcr kscratch, r2", "tlbi r2",
		"tlbia", "trap 31", "trap 0",
	};
	for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
		char src[2048];
		snprintf(src, sizeof src, KERNEL "test:" TO_USER
			 " li r2, 5\nhere: %s\n", ops[i]);
		struct th *t = run(src, VM_STOP_POWEROFF);
		ck_assert_msg(R(10) == CPU_VEC_PRIVILEGED, "%s: cause %u",
			      ops[i], R(10));
		ck_assert_uint_eq(R(11), th_sym(t, "here"));
		ck_assert_uint_eq(R(9), th_sym(t, "here"));
		ck_assert_uint_eq(R(12), 0);
		ck_assert_uint_eq(R(2), 5);
		th_free(t);
	}
}
END_TEST

START_TEST(divide_by_zero_is_precise)
{
	struct th *t = run(KERNEL "test: li r1, 10\n li r3, 99\n"
			   "here: div r3, r1, r0\n", VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), CPU_VEC_DIVIDE);
	ck_assert_uint_eq(R(11), th_sym(t, "here"));
	ck_assert_uint_eq(R(3), 99);
	th_free(t);
}
END_TEST

START_TEST(misaligned_and_bus_error)
{
	struct th *t = run(KERNEL "test: li r1, 0x3001\n li r2, 99\n"
			   "here: ldw r2, 0(r1)\n", VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), CPU_VEC_MISALIGNED);
	ck_assert_uint_eq(R(9), 0x3001);
	ck_assert_uint_eq(R(11), th_sym(t, "here"));
	ck_assert_uint_eq(R(2), 99);
	th_free(t);

	t = run(KERNEL "test: li r1, 0x3000\n li r2, 0x55\n stw r2, 0(r1)\n"
		" li r3, 0x3002\n here: stw r1, 0(r3)\n", VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), CPU_VEC_MISALIGNED);
	ck_assert_uint_eq(th_peek32(t, 0x3000), 0x55);	/* no partial store */
	th_free(t);

	t = run(KERNEL "test: la r1, 0x7ffff000\nhere: ldw r2, 0(r1)\n",
		VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), CPU_VEC_BUS_ERROR);
	ck_assert_uint_eq(R(9), 0x7ffff000);
	ck_assert_uint_eq(R(11), th_sym(t, "here"));
	th_free(t);

	/* Running off the end of RAM is a bus error at the fetch. */
	t = run(KERNEL "test: la r1, 0x7ffff000\n jmpr r1\n",
		VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), CPU_VEC_BUS_ERROR);
	ck_assert_uint_eq(R(11), 0x7ffff000);
	th_free(t);
}
END_TEST

START_TEST(misaligned_jumps_fault_at_the_jump)
{
	struct th *t = run(KERNEL "test: la r1, target\n addi r1, r1, 2\n"
			   "here: jmpr r1\ntarget: nop\n", VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), CPU_VEC_MISALIGNED);
	ck_assert_uint_eq(R(11), th_sym(t, "here"));
	ck_assert_uint_eq(R(9), th_sym(t, "target") + 2);
	th_free(t);

	/* rti to a misaligned pc: the frame stays where it was. */
	t = run(KERNEL "test: li r1, 0x1002\n push r0\n push r1\n mov r5, sp\n"
		"here: rti\n", VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), CPU_VEC_MISALIGNED);
	ck_assert_uint_eq(R(9), 0x1002);
	ck_assert_uint_eq(R(11), th_sym(t, "here"));
	ck_assert_uint_eq(R(8), R(5) - 8);
	th_free(t);
}
END_TEST

/* A faulting push in user mode leaves the user sp alone. */
START_TEST(faulting_push_is_precise)
{
	struct th *t = run(KERNEL "test: li r1, 0x80001\n mtcr usp, r1\n"
			   " mtcr flags, r0\nhere: push r2\n",
			   VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), CPU_VEC_MISALIGNED);
	ck_assert_uint_eq(R(7), 0x80001);
	ck_assert_uint_eq(R(9), 0x80001 - 4);
	th_free(t);
}
END_TEST

/* Vector 1's handler address is misaligned: the double fault is
 * delivered instead, with far naming the vector that failed. */
START_TEST(double_fault_is_delivered)
{
	struct th *t = run(KERNEL "test: la r1, table\n la r2, generic\n"
			   " addi r2, r2, 2\n stw r2, 4(r1)\n"
			   "here: .word 0\n", VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), CPU_VEC_DOUBLE_FAULT);
	ck_assert_uint_eq(R(9), CPU_VEC_ILLEGAL);
	ck_assert_uint_eq(R(11), th_sym(t, "here"));
	th_free(t);
}
END_TEST

START_TEST(double_fault_stops_the_machine)
{
	struct th *t = run(KERNEL "test: la sp, 0x7ffff000\nhere: .word 0\n",
			   VM_STOP_DOUBLE_FAULT);
	ck_assert_uint_eq(t->vm->cpu.pc, th_sym(t, "here"));
	ck_assert_ptr_nonnull(strstr(t->vm->stop_detail, "vector 1"));
	ck_assert_ptr_nonnull(strstr(t->vm->stop_detail, "0x7ffff000"));
	th_free(t);

	/* A vector table outside RAM cannot even be read. */
	t = run("_start: la r1, 0x7ffff000\n mtcr vbr, r1\n trap 40\n",
		VM_STOP_DOUBLE_FAULT);
	th_free(t);
}
END_TEST

/* The byte is already due when ei runs: the interrupt comes after the
 * instruction following ei (the interrupt shadow), so the halt runs and the
 * interrupt ends it at once: "ei; halt" cannot sleep through a wake-up. */
START_TEST(pending_interrupt_taken_after_ei)
{
	struct th *t = th_boot(KERNEL
		"test: la r1, table\n la r2, irq\n stw r2, 80(r1)\n"
		" li r1, 1\n out r1, 0x12(r0)\n ei\n"
		"here: halt\n br here\n"
		"irq: in r5, 0x10(r0)\n mfcr r10, cause\n ldw r11, 0(sp)\n"
		" in r6, 0x11(r0)\n out r0, 0(r0)\n");
	t->in = "A";
	ck_assert_int_eq(th_run(t, 1000000), VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(5), 'A');
	ck_assert_uint_eq(R(10), CPU_VEC_IRQ0 + 4);
	ck_assert_uint_eq(R(11), th_sym(t, "here") + 4);
	ck_assert_uint_eq(t->vm->halted_time, 0);	/* no sleep at all */
	ck_assert_uint_eq(R(6) & 1, 0);		/* RXREADY cleared */
	th_free(t);
}
END_TEST

/* The timer's IRQ 0 made pending (it latches) while I = 0. */
#define PENDING_TIMER							\
	" li r1, 1\n out r1, 0x31(r0)\n out r1, 0x30(r0)\n nop\n nop\n"

/* Run test (after KERNEL and a pending IRQ 0): the generic handler must
 * have been entered with the saved pc at label at, or, with at NULL, no
 * interrupt taken (the test ends with r10 = 99). */
static void interrupt_taken_at(const char *test, const char *at)
{
	char src[2048];
	snprintf(src, sizeof src, "%stest:%s%s li r10, 99\n out r0, 0(r0)\n",
		 KERNEL, PENDING_TIMER, test);
	struct th *t = run(src, VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), at ? CPU_VEC_IRQ0 : 99);
	if (at)
		ck_assert_uint_eq(R(11), th_sym(t, at));
	th_free(t);
}

/* Only ei has the shadow (docs/isa.md, "Interrupts"): mtcr flags and rti
 * setting I take a pending interrupt before the next instruction, and
 * "ei; di" takes none. */
START_TEST(only_ei_has_the_interrupt_shadow)
{
	interrupt_taken_at(" li r4, 0x30\n mtcr flags, r4\nafter: nop\n",
			   "after");
	interrupt_taken_at(" la r1, target\n li r2, 0x30\n addi sp, sp, -8\n"
			   " stw r2, 4(sp)\n stw r1, 0(sp)\n rti\n"
			   "target: nop\n", "target");
	interrupt_taken_at(" ei\n di\n nop\n", NULL);
}
END_TEST

/* A kernel trap to an IRQ's vector is a trap: the PIC knows nothing of
 * it, so no in-service bit is set and no EOI is owed. */
START_TEST(kernel_trap_to_irq_vector_sets_no_inservice)
{
	struct th *t = run("_start: la r1, table\n mtcr vbr, r1\n"
			   " la r2, h\n stw r2, 80(r1)\n trap 20\n"
			   "h: in r5, 0x21(r0)\n mfcr r10, cause\n"
			   " out r0, 0(r0)\n .align 4\ntable: .space 1024\n",
			   VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), 20);
	ck_assert_uint_eq(R(5), 0);
	th_free(t);
}
END_TEST

/* Input arrives UART_RX_DELAY ticks after reset, while the CPU waits in
 * halt: virtual time skips ahead and the interrupt wakes it. */
START_TEST(console_interrupt_wakes_halt)
{
	struct th *t = th_boot(
		"_start: la r1, table\n mtcr vbr, r1\n la r2, irq\n"
		" stw r2, 80(r1)\n li r1, 1\n out r1, 0x12(r0)\n ei\n"
		"here: halt\n br here\n"
		"irq: in r5, 0x10(r0)\n mfcr r10, cause\n ldw r11, 0(sp)\n"
		" out r0, 0(r0)\n .align 4\ntable: .space 1024\n");
	t->in = "B";
	ck_assert_int_eq(th_run(t, 1000000), VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(5), 'B');
	ck_assert_uint_eq(R(10), CPU_VEC_IRQ0 + 4);
	ck_assert_uint_eq(R(11), th_sym(t, "here") + 4);
	ck_assert_uint_gt(t->vm->halted_time, 0);
	ck_assert_uint_ge(vm_now(t->vm), 100);
	th_free(t);
}
END_TEST

/* With two lines raised the lower one is taken first; with I = 0 none. */
START_TEST(lowest_irq_line_wins)
{
	struct th *t = th_boot(KERNEL "test: li r4, 3\n"
			       ".spin: addi r4, r4, -1\n cmpi r4, 0\n"
			       " bne .spin\n ei\n.loop: br .loop\n");
	vm_irq_set(t->vm, 9, 1);
	vm_irq_set(t->vm, 6, 1);
	ck_assert_int_eq(th_run(t, 1000000), VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), CPU_VEC_IRQ0 + 6);
	ck_assert_uint_eq(R(4), 0);	/* not taken before ei */
	th_free(t);
}
END_TEST

START_TEST(halt_and_idle)
{
	struct th *t = run("_start: halt\n", VM_STOP_HALT);
	ck_assert_uint_eq(t->vm->cpu.pc, t->img.entry + 4);
	th_free(t);
	t = run("_start: ei\n halt\n", VM_STOP_IDLE);
	th_free(t);
}
END_TEST

START_TEST(breakpoint_stops_or_traps)
{
	struct th *t = run(KERNEL "test: nop\nhere: brk\n", VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(t->vm->cpu.pc, th_sym(t, "here") + 4);
	th_free(t);

	t = th_boot_cfg(KERNEL "test: nop\nhere: brk\n", 0, VM_BRK_GUEST);
	ck_assert_int_eq(th_run(t, 100000), VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(10), CPU_VEC_BREAKPOINT);
	ck_assert_uint_eq(R(11), th_sym(t, "here") + 4);
	th_free(t);
}
END_TEST

/* A reset clears the CPU and keeps RAM: count boots in memory. */
START_TEST(sysctl_reset_keeps_ram)
{
	struct th *t = run("_start: mov r5, r3\n la r1, boots\n ldw r2, 0(r1)\n"
			   " addi r2, r2, 1\n stw r2, 0(r1)\n li r3, 77\n"
			   " cmpi r2, 3\n beq .done\n out r0, 1(r0)\n"
			   ".done: out r2, 0(r0)\n .align 4\nboots: .word 0\n",
			   VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->stop_code, 3);
	ck_assert_uint_eq(R(5), 0);	/* r3 was cleared by the reset */
	th_free(t);
}
END_TEST

START_TEST(icount_counts_retired_instructions)
{
	struct th *t = run("_start: mfcr r1, icount\n nop\n nop\n nop\n"
			   " mfcr r2, icount\n mfcr r3, icounth\n out r0, 0(r0)\n",
			   VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(2) - R(1), 4);
	ck_assert_uint_eq(R(1), 0);
	ck_assert_uint_eq(R(3), 0);
	ck_assert_uint_eq(t->vm->cpu.insns, 7);
	th_free(t);
}
END_TEST

/* time counts virtual time: the ticks spent halted too, which icount
 * does not (docs/isa.md, "Time").  A one-shot timer of 100000 ticks
 * wakes a halted CPU; the handler reads the expiry tick from time. */
START_TEST(time_counts_halted_ticks)
{
	struct th *t = run("_start: li r1, 0x2000\n mtcr vbr, r1\n"
			   " la r2, isr\n stw r2, 64(r1)\n"
			   " li r1, 100000\n out r1, 0x31(r0)\n"
			   " li r1, 1\n mfcr r5, time\n mfcr r6, icount\n"
			   " out r1, 0x30(r0)\n ei\n halt\n"
			   "isr: mfcr r7, time\n mfcr r8, icount\n"
			   " mfcr r9, timeh\n out r0, 0(r0)\n",
			   VM_STOP_POWEROFF);
	/* The out to CTRL runs at r5 + 2 and the timer expires 100000
	 * ticks later; the interrupt is taken before the next instruction
	 * would retire, so the handler's first mfcr reads the expiry. */
	ck_assert_uint_eq(R(7) - R(5), 2 + 100000);
	ck_assert_uint_eq(R(8) - R(6), 5);
	ck_assert_uint_eq(R(9), 0);
	th_free(t);
	/* Read-only, like icount. */
	ck_assert(!isa_valid(isa_enc_i(ISA_OP_mtcr, 1, 0, ISA_CR_TIME)));
	ck_assert(!isa_valid(isa_enc_i(ISA_OP_mtcr, 1, 0, ISA_CR_TIMEH)));
}
END_TEST

/* The first exception of a cascade is kept aside (struct cpu_cascade):
 * user mode with no vector table, where every handler is address 0. */
START_TEST(cascade_keeps_its_first_exception)
{
	struct th *t = th_boot_cfg("_start: li r2, 0x7ff0\n mtcr usp, r2\n"
				   " push r0\n la r1, user\n push r1\n rti\n"
				   "user: li r1, 1\nbad: in r4, 0x11(r0)\n", 0,
				   VM_BRK_STOP);
	ck_assert_int_eq(th_run(t, 1000), VM_STOP_BUDGET);
	const struct cpu_cascade *k = &t->vm->cpu.cascade;
	ck_assert_uint_eq(k->cause, CPU_VEC_PRIVILEGED);
	ck_assert_uint_eq(k->saved_pc, th_sym(t, "bad"));
	ck_assert_uint_eq(k->flags & CPU_P, 0);		/* user mode */
	ck_assert_uint_eq(k->vbr, 0);
	ck_assert(k->have_insn);
	ck_assert_uint_eq(isa_op(k->insn), ISA_OP_in);
	ck_assert_uint_gt(k->entries, 900);
	th_free(t);

	/* A handler that runs, and the next exception starts afresh. */
	t = run(KERNEL "test: trap 40\n", VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->cpu.cascade.entries, 1);
	ck_assert_uint_eq(t->vm->cpu.cascade.cause, 40);
	th_free(t);
}
END_TEST

/* Budget stops are resumable, and slicing a run changes nothing. */
START_TEST(budget_slices_are_deterministic)
{
	static const char prog[] =
		"_start: li r1, 0\n li r2, 5000\n"
		".l: add r3, r3, r1\n xor r4, r4, r3\n addi r1, r1, 1\n"
		" cmp r1, r2\n bne .l\n out r3, 0(r0)\n";
	struct th *a = th_boot(prog), *b = th_boot(prog);
	ck_assert_int_eq(th_run(a, 1000000), VM_STOP_POWEROFF);
	enum vm_stop s;
	int slices = 0;
	while ((s = th_run(b, 333)) == VM_STOP_BUDGET)
		slices++;
	ck_assert_int_eq(s, VM_STOP_POWEROFF);
	ck_assert_int_gt(slices, 10);
	ck_assert_mem_eq(a->vm->cpu.r, b->vm->cpu.r, sizeof a->vm->cpu.r);
	ck_assert_uint_eq(a->vm->cpu.insns, b->vm->cpu.insns);
	ck_assert_uint_eq(a->vm->stop_code, b->vm->stop_code);
	th_free(a);
	th_free(b);
}
END_TEST

/* A 1 GiB guest that touches 2 MiB allocates about 2 MiB of host pages. */
START_TEST(ram_is_allocated_on_first_touch)
{
	struct th *t = th_boot_cfg(
		"_start: la r1, 0x20000000\n li r2, 512\n"
		".l: stw r2, 0(r1)\n addi r1, r1, 4096\n addi r2, r2, -1\n"
		" cmpi r2, 0\n bne .l\n in r3, 2(r0)\n in r4, 3(r0)\n"
		" out r0, 0(r0)\n", 1u << 30, VM_BRK_STOP);
	ck_assert_int_eq(th_run(t, 1000000), VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(3), 1u << 30);		/* RAMSIZE */
	ck_assert_uint_eq(R(4), 0x41554c41);		/* ID: "AULA" */
	/* 512 data pages, the program's page, the reset stack's page. */
	ck_assert_uint_le(t->vm->mem.touched, 512 + 4);
	ck_assert_uint_ge(t->vm->mem.touched, 512);
	th_free(t);
}
END_TEST

/* Unassigned ports read all ones, ignore writes, and are counted. */
START_TEST(unassigned_ports)
{
	struct th *t = run("_start: li r1, 0x1234\n out r1, 0x7777(r0)\n"
			   " in r2, 0x4321(r0)\n in r3, 0x11(r0)\n"
			   " out r0, 0(r0)\n", VM_STOP_POWEROFF);
	ck_assert_uint_eq(R(2), 0xffffffff);
	ck_assert_uint_eq(R(3) & 2, 2);			/* UART TXREADY */
	ck_assert_uint_eq(t->vm->bus.unassigned_in, 1);
	ck_assert_uint_eq(t->vm->bus.unassigned_out, 1);
	ck_assert_uint_eq(t->vm->bus.last_unassigned, 0x4321);
	th_free(t);
}
END_TEST

/* Regression: with terminal-like input (nothing typed yet) and RXIE set,
 * each STATUS read queued another poll until the event queue overflowed
 * and aula aborted. */
static int never_ready(void *opaque)
{
	(void)opaque;
	return VM_CONSOLE_NONE;
}

START_TEST(polling_idle_terminal_input)
{
	struct th *t = th_boot("_start: li r1, 1\n out r1, 0x12(r0)\n"
			       " li r2, 1000\n"
			       ".l: in r3, 0x11(r0)\n addi r2, r2, -1\n"
			       " cmpi r2, 0\n bne .l\n out r0, 0(r0)\n");
	t->vm->cfg.console.getc = never_ready;
	ck_assert_int_eq(th_run(t, 1000000), VM_STOP_POWEROFF);
	ck_assert_int_le(t->vm->events.n, 2);
	th_free(t);
}
END_TEST

/* Exception entries count against the budget: a handler that faults on
 * its own first instruction ends when the budget does. */
START_TEST(budget_bounds_an_exception_storm)
{
	struct th *t = th_boot("_start: la r1, table\n mtcr vbr, r1\n"
			       " la r2, bad\n li r3, 256\n"
			       ".f: stw r2, 0(r1)\n addi r1, r1, 4\n"
			       " addi r3, r3, -1\n cmpi r3, 0\n bne .f\n"
			       "bad: .word 0\n .align 4\ntable: .space 1024\n");
	ck_assert_int_eq(th_run(t, 5000), VM_STOP_BUDGET);
	ck_assert_uint_eq(t->vm->cpu.insns + t->vm->cpu.exceptions, 5000);
	th_free(t);
}
END_TEST

/* An undefined encoding is illegal in user mode too, not privileged. */
START_TEST(undefined_control_register_is_illegal_in_user_mode)
{
	struct th *t = run(KERNEL "test:" TO_USER "here: .word 0x000a1075\n",
			   VM_STOP_POWEROFF);	/* mfcr r1, 10 */
	ck_assert_uint_eq(R(10), CPU_VEC_ILLEGAL);
	ck_assert_uint_eq(R(11), th_sym(t, "here"));
	th_free(t);
}
END_TEST

static Suite *exc_suite(void)
{
	Suite *s = suite_create("exceptions");
	TCase *tc = tcase_create("entry");
	tcase_add_test(tc, trap_frame_in_kernel_mode);
	tcase_add_test(tc, trap_from_user_lands_on_kernel_stack);
	tcase_add_test(tc, rti_restores_mode_and_stack);
	tcase_add_test(tc, illegal_instruction);
	tcase_add_test(tc, privileged_instructions_in_user_mode);
	tcase_add_test(tc, divide_by_zero_is_precise);
	tcase_add_test(tc, misaligned_and_bus_error);
	tcase_add_test(tc, misaligned_jumps_fault_at_the_jump);
	tcase_add_test(tc, faulting_push_is_precise);
	suite_add_tcase(s, tc);
	tc = tcase_create("double-fault");
	tcase_add_test(tc, double_fault_is_delivered);
	tcase_add_test(tc, double_fault_stops_the_machine);
	suite_add_tcase(s, tc);
	tc = tcase_create("interrupts");
	tcase_add_test(tc, pending_interrupt_taken_after_ei);
	tcase_add_test(tc, console_interrupt_wakes_halt);
	tcase_add_test(tc, lowest_irq_line_wins);
	tcase_add_test(tc, halt_and_idle);
	suite_add_tcase(s, tc);
	tc = tcase_create("machine");
	tcase_add_test(tc, breakpoint_stops_or_traps);
	tcase_add_test(tc, sysctl_reset_keeps_ram);
	tcase_add_test(tc, icount_counts_retired_instructions);
	tcase_add_test(tc, time_counts_halted_ticks);
	tcase_add_test(tc, cascade_keeps_its_first_exception);
	tcase_add_test(tc, only_ei_has_the_interrupt_shadow);
	tcase_add_test(tc, kernel_trap_to_irq_vector_sets_no_inservice);
	tcase_add_test(tc, budget_slices_are_deterministic);
	tcase_add_test(tc, ram_is_allocated_on_first_touch);
	tcase_add_test(tc, unassigned_ports);
	tcase_add_test(tc, polling_idle_terminal_input);
	tcase_add_test(tc, budget_bounds_an_exception_storm);
	tcase_add_test(tc, undefined_control_register_is_illegal_in_user_mode);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(exc_suite());
}
