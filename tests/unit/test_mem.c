/*
 * Loads, stores, the stack, jumps and the remaining unprivileged
 * instructions, one at a time, with the fixture of test_cpu.c: the whole
 * architectural state is compared with what docs/isa.md requires, and a
 * faulting instruction must change nothing beyond exception entry.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/isa.h"
#include "io/ports.h"
#include "tests/unit/harness.h"
#include "tests/unit/step.h"
#include "tests/unit/fixture.h"

/* ------------------------------------------------------------------ */
/* Loads and stores                                                     */

static const uint8_t pattern[8] = {
	0x80, 0xff, 0x7f, 0x01, 0xfe, 0x7f, 0x00, 0x80,
};

static const struct { unsigned op, off; uint32_t want; } load_cases[] = {
	{ ISA_OP_ldw, 0, 0x017fff80 }, { ISA_OP_ldw, 4, 0x80007ffe },
	{ ISA_OP_ldh, 0, 0xffffff80 }, { ISA_OP_ldh, 2, 0x0000017f },
	{ ISA_OP_ldh, 4, 0x00007ffe }, { ISA_OP_ldh, 6, 0xffff8000 },
	{ ISA_OP_ldhu, 0, 0x0000ff80 }, { ISA_OP_ldhu, 2, 0x0000017f },
	{ ISA_OP_ldhu, 6, 0x00008000 },
	{ ISA_OP_ldb, 0, 0xffffff80 }, { ISA_OP_ldb, 1, 0xffffffff },
	{ ISA_OP_ldb, 2, 0x0000007f }, { ISA_OP_ldb, 3, 0x00000001 },
	{ ISA_OP_ldb, 6, 0 },
	{ ISA_OP_ldbu, 0, 0x80 }, { ISA_OP_ldbu, 1, 0xff },
	{ ISA_OP_ldbu, 5, 0x7f },
};

/* Ways to reach an address: base register minus displacement. */
static const int32_t disps[] = { 0, -0x100, -0x8000, 0x7fff, 4 };

START_TEST(loads_extend_and_address)
{
	struct fx *f = fx_new();
	for (size_t i = 0; i < COUNT(load_cases); i++)
		for (size_t d = 0; d < COUNT(disps); d++) {
			uint32_t addr = DATA + load_cases[i].off;
			unsigned op = load_cases[i].op;
			fx_reset(f, d & 1, CPU_Z);
			mem_write(&f->vm->mem, DATA, pattern, sizeof pattern);
			f->vm->cpu.r[5] = addr - (uint32_t)disps[d];
			fx_begin(f, isa_enc_i(op, 3, 5, (uint32_t)disps[d]),
				 "%s r3, %d(0x%08x)", fx_op_name(op), (int)disps[d],
				 (unsigned)(addr - (uint32_t)disps[d]));
			f->want.r[3] = load_cases[i].want;
			fx_run(f);
		}

	/* the base register as destination: the loaded value wins */
	fx_reset(f, KERNEL, 0);
	mem_write(&f->vm->mem, DATA, pattern, sizeof pattern);
	f->vm->cpu.r[5] = DATA;
	fx_begin(f, isa_enc_i(ISA_OP_ldw, 5, 5, 4), "ldw r5, 4(r5)");
	f->want.r[5] = 0x80007ffe;
	fx_run(f);

	/* r0 as the base: an absolute address */
	fx_reset(f, USER, 0);
	fx_poke(f, 0x4000, 4, 0xcafef00d);
	fx_begin(f, isa_enc_i(ISA_OP_ldw, 3, 0, 0x4000), "ldw r3, 0x4000(r0)");
	f->want.r[3] = 0xcafef00d;
	fx_run(f);

	/* the last bytes of RAM are RAM */
	static const struct { unsigned op, size; } last[] = {
		{ ISA_OP_ldw, 4 }, { ISA_OP_ldhu, 2 }, { ISA_OP_ldbu, 1 },
	};
	for (size_t i = 0; i < COUNT(last); i++) {
		fx_reset(f, KERNEL, 0);
		fx_poke(f, RAM_SIZE - 4, 4, 0xa1b2c3d4);
		f->vm->cpu.r[5] = RAM_SIZE - last[i].size;
		fx_begin(f, isa_enc_i(last[i].op, 3, 5, 0), "%s at the top",
			 fx_op_name(last[i].op));
		f->want.r[3] = 0xa1b2c3d4u >> 8 * (4 - last[i].size);
		fx_run(f);
	}
	fx_free(f);
}
END_TEST

static const struct { unsigned op, size; } store_ops[] = {
	{ ISA_OP_stw, 4 }, { ISA_OP_sth, 2 }, { ISA_OP_stb, 1 },
};

START_TEST(stores_write_only_their_bytes)
{
	struct fx *f = fx_new();
	for (size_t i = 0; i < COUNT(store_ops); i++)
		for (uint32_t off = 0; off < 8; off += store_ops[i].size)
			for (size_t d = 0; d < COUNT(disps); d++) {
				unsigned op = store_ops[i].op;
				unsigned size = store_ops[i].size;
				uint32_t addr = DATA + off;
				uint32_t base = addr - (uint32_t)disps[d];
				fx_reset(f, d & 1, CPU_V);
				mem_write(&f->vm->mem, DATA, pattern,
					  sizeof pattern);
				f->vm->cpu.r[5] = base;
				f->vm->cpu.r[3] = 0x8899aabb;
				fx_begin(f, isa_enc_i(op, 3, 5,
						      (uint32_t)disps[d]),
					 "%s 0x8899aabb, %d(0x%08x)", fx_op_name(op),
					 (int)disps[d], (unsigned)base);
				fx_want_mem(f, addr, size, 0x8899aabb);
				fx_run(f);
			}

	/* the base register as the data: the address is stored */
	fx_reset(f, KERNEL, 0);
	f->vm->cpu.r[5] = DATA;
	fx_begin(f, isa_enc_i(ISA_OP_stw, 5, 5, 8), "stw r5, 8(r5)");
	fx_want_mem(f, DATA + 8, 4, DATA);
	fx_run(f);

	/* the last bytes of RAM */
	for (size_t i = 0; i < COUNT(store_ops); i++) {
		fx_reset(f, USER, 0);
		f->vm->cpu.r[5] = RAM_SIZE - store_ops[i].size;
		f->vm->cpu.r[3] = 0x01020304;
		fx_begin(f, isa_enc_i(store_ops[i].op, 3, 5, 0),
			 "%s at the top", fx_op_name(store_ops[i].op));
		fx_want_mem(f, RAM_SIZE - store_ops[i].size, store_ops[i].size,
			 0x01020304);
		fx_run(f);
	}
	fx_free(f);
}
END_TEST

/* The byte layout, spelled out and read back with mem_read. */
START_TEST(memory_is_little_endian)
{
	struct fx *f = fx_new();
	struct cpu *c = &f->vm->cpu;
	static const uint8_t after[][4] = {
		{ 0x44, 0x33, 0x22, 0x11 },	/* stw 0x11223344, 0 */
		{ 0x44, 0x33, 0x66, 0x55 },	/* sth 0x5566, 2 */
		{ 0x44, 0x77, 0x66, 0x55 },	/* stb 0x77, 1 */
	};
	static const struct { unsigned op; uint32_t v, off; } st[] = {
		{ ISA_OP_stw, 0x11223344, 0 }, { ISA_OP_sth, 0xabcd5566, 2 },
		{ ISA_OP_stb, 0xffffff77, 1 },
	};
	fx_reset(f, KERNEL, 0);
	fx_poke(f, DATA - 1, 1, 0xee);
	fx_poke(f, DATA + 4, 1, 0xee);
	c->r[5] = DATA;
	for (size_t i = 0; i < COUNT(st); i++) {
		c->r[3] = st[i].v;
		ck_assert_int_eq(step_one(f->vm, isa_enc_i(st[i].op, 3, 5,
							  st[i].off)), -1);
		for (uint32_t b = 0; b < 4; b++)
			ck_assert_msg(fx_peek8(f, DATA + b) == after[i][b],
				      "after %s: byte %u = 0x%02x, want 0x%02x",
				      fx_op_name(st[i].op), (unsigned)b,
				      fx_peek8(f, DATA + b), after[i][b]);
		ck_assert_uint_eq(fx_peek8(f, DATA - 1), 0xee);
		ck_assert_uint_eq(fx_peek8(f, DATA + 4), 0xee);
	}
	/* and loads put byte 0 at the least significant end */
	ck_assert_int_eq(step_one(f->vm, isa_enc_i(ISA_OP_ldw, 3, 5, 0)), -1);
	ck_assert_uint_eq(c->r[3], 0x55667744);
	ck_assert_int_eq(step_one(f->vm, isa_enc_i(ISA_OP_ldhu, 3, 5, 2)), -1);
	ck_assert_uint_eq(c->r[3], 0x5566);
	ck_assert_int_eq(step_one(f->vm, isa_enc_i(ISA_OP_ldbu, 3, 5, 1)), -1);
	ck_assert_uint_eq(c->r[3], 0x77);
	fx_free(f);
}
END_TEST

static const struct { unsigned op, size; } mem_ops[] = {
	{ ISA_OP_ldw, 4 }, { ISA_OP_ldh, 2 }, { ISA_OP_ldhu, 2 },
	{ ISA_OP_ldb, 1 }, { ISA_OP_ldbu, 1 }, { ISA_OP_stw, 4 },
	{ ISA_OP_sth, 2 }, { ISA_OP_stb, 1 },
};

/* One faulting load or store: nothing changes but exception entry. */
static void mem_fault(struct fx *f, unsigned op, uint32_t base, int32_t disp,
		      enum mode m, int vec)
{
	uint32_t addr = base + (uint32_t)disp;
	fx_reset(f, m, CPU_N | CPU_V);
	mem_write(&f->vm->mem, DATA, pattern, sizeof pattern);
	f->vm->cpu.r[5] = base;
	fx_begin(f, isa_enc_i(op, 3, 5, (uint32_t)disp),
		 "%s r3, %d(0x%08x) (%s)", fx_op_name(op), (int)disp,
		 (unsigned)base, mode_name[m]);
	fx_fault(f, vec, addr);
	fx_run(f);
}

START_TEST(misaligned_access_faults)
{
	struct fx *f = fx_new();
	for (size_t i = 0; i < COUNT(mem_ops); i++)
		for (uint32_t off = 1; off < mem_ops[i].size; off++)
			for (int m = KERNEL; m <= USER; m++) {
				mem_fault(f, mem_ops[i].op, DATA + off, 0, m,
					  CPU_VEC_MISALIGNED);
				mem_fault(f, mem_ops[i].op, DATA + off + 0x100,
					  -0x100, m, CPU_VEC_MISALIGNED);
			}
	fx_free(f);
}
END_TEST

START_TEST(access_beyond_ram_is_a_bus_error)
{
	static const struct { uint32_t base; int32_t disp; } where[] = {
		{ RAM_SIZE, 0 },		/* just past the top */
		{ RAM_SIZE - 0x100, 0x100 },
		{ RAM_SIZE + 0x1000, -0x800 },
		{ 0x80000000, 0 },
		{ 4, -8 },			/* wraps to 0xfffffffc */
	};
	struct fx *f = fx_new();
	for (size_t i = 0; i < COUNT(mem_ops); i++)
		for (size_t w = 0; w < COUNT(where); w++)
			mem_fault(f, mem_ops[i].op, where[w].base,
				  where[w].disp, w & 1, CPU_VEC_BUS_ERROR);
	fx_free(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The stack and jumps                                                  */

START_TEST(push_and_pop)
{
	struct fx *f = fx_new();
	struct cpu *c = &f->vm->cpu;
	for (int m = KERNEL; m <= USER; m++) {
		uint32_t sp = m == KERNEL ? KSTACK : USTACK;

		fx_reset(f, m, 0);
		c->r[3] = 0xdeadbeef;
		fx_begin(f, isa_enc_r(ISA_OP_push, 0, 3, 0), "push r3 (%s)",
			 mode_name[m]);
		f->want.r[ISA_REG_SP] = sp - 4;
		fx_want_mem(f, sp - 4, 4, 0xdeadbeef);
		fx_run(f);

		fx_reset(f, m, 0);
		fx_begin(f, isa_enc_r(ISA_OP_push, 0, ISA_REG_SP, 0),
			 "push sp (%s)", mode_name[m]);
		f->want.r[ISA_REG_SP] = sp - 4;
		fx_want_mem(f, sp - 4, 4, sp);	/* the old sp */
		fx_run(f);

		fx_reset(f, m, 0);
		fx_poke(f, sp - 4, 4, 0xffffffff);
		fx_begin(f, isa_enc_r(ISA_OP_push, 0, 0, 0), "push r0 (%s)",
			 mode_name[m]);
		f->want.r[ISA_REG_SP] = sp - 4;
		fx_want_mem(f, sp - 4, 4, 0);
		fx_run(f);

		fx_reset(f, m, 0);
		fx_poke(f, sp, 4, 0x12345678);
		fx_begin(f, isa_enc_r(ISA_OP_pop, 3, 0, 0), "pop r3 (%s)",
			 mode_name[m]);
		f->want.r[3] = 0x12345678;
		f->want.r[ISA_REG_SP] = sp + 4;
		fx_run(f);

		fx_reset(f, m, 0);
		fx_poke(f, sp, 4, 0x00012340);
		fx_begin(f, isa_enc_r(ISA_OP_pop, ISA_REG_SP, 0, 0),
			 "pop sp (%s)", mode_name[m]);
		f->want.r[ISA_REG_SP] = 0x00012340;	/* the loaded one */
		fx_run(f);
	}
	fx_free(f);
}
END_TEST

/* A stack access that faults leaves sp alone.  In user mode, so the
 * exception frame lands on the other stack and cannot hide a write. */
static void user_stack_fault(struct fx *f, uint32_t insn, const char *what,
			     uint32_t sp, int vec, uint32_t far)
{
	fx_reset(f, USER, CPU_Z | CPU_C);
	f->vm->cpu.r[ISA_REG_SP] = sp;
	f->vm->cpu.r[5] = TARGET;
	fx_poke(f, USTACK, 4, TARGET);
	fx_begin(f, insn, "%s with sp 0x%08x", what, (unsigned)sp);
	fx_fault(f, vec, far);
	fx_run(f);
}

START_TEST(stack_faults_leave_sp)
{
	static const struct { unsigned op; const char *what; } ops[] = {
		{ ISA_OP_push, "push r3" }, { ISA_OP_pop, "pop r3" },
		{ ISA_OP_call, "call +4" }, { ISA_OP_callr, "callr r5" },
		{ ISA_OP_ret, "ret" },
	};
	struct fx *f = fx_new();
	for (size_t i = 0; i < COUNT(ops); i++) {
		unsigned op = ops[i].op;
		uint32_t insn = op == ISA_OP_push ? isa_enc_r(op, 0, 3, 0)
			: op == ISA_OP_pop ? isa_enc_r(op, 3, 0, 0)
			: op == ISA_OP_call ? isa_enc_b(op, 4)
			: op == ISA_OP_callr ? isa_enc_r(op, 0, 5, 0)
			: isa_enc_r(op, 0, 0, 0);
		bool pushes = op != ISA_OP_pop && op != ISA_OP_ret;
		/* a push touches sp - 4, a pop sp */
		uint32_t d = pushes ? (uint32_t)-4 : 0;
		static const uint32_t misaligned[] = {
			USTACK + 1, USTACK + 2, USTACK + 3,
		};
		for (size_t k = 0; k < COUNT(misaligned); k++)
			user_stack_fault(f, insn, ops[i].what, misaligned[k],
					 CPU_VEC_MISALIGNED, misaligned[k] + d);
		user_stack_fault(f, insn, ops[i].what, pushes ? RAM_SIZE + 4
				 : RAM_SIZE, CPU_VEC_BUS_ERROR, RAM_SIZE);
		user_stack_fault(f, insn, ops[i].what, pushes ? 0 : 0xfffffffc,
				 CPU_VEC_BUS_ERROR, 0xfffffffc);
	}
	fx_free(f);
}
END_TEST

START_TEST(call_and_return)
{
	static const int32_t offsets[] = {
		1, 0x100, 0, -1, -0x200, 0x7fffff, -0x800000,
	};
	struct fx *f = fx_new();
	struct cpu *c = &f->vm->cpu;
	for (int m = KERNEL; m <= USER; m++) {
		uint32_t sp = m == KERNEL ? KSTACK : USTACK;
		for (size_t k = 0; k < COUNT(offsets); k++) {
			fx_reset(f, m, CPU_N);
			fx_begin(f, isa_enc_b(ISA_OP_call, offsets[k]),
				 "call %+d (%s)", (int)offsets[k],
				 mode_name[m]);
			f->want.pc = STEP_CODE + (uint32_t)offsets[k] * 4;
			f->want.r[ISA_REG_SP] = sp - 4;
			fx_want_mem(f, sp - 4, 4, STEP_CODE + 4);
			fx_run(f);
		}
		static const uint32_t targets[] = { TARGET, 0, 0xfffffffc };
		for (size_t k = 0; k < COUNT(targets); k++) {
			fx_reset(f, m, 0);
			c->r[5] = targets[k];
			fx_begin(f, isa_enc_r(ISA_OP_callr, 0, 5, 0),
				 "callr 0x%08x (%s)", (unsigned)targets[k],
				 mode_name[m]);
			f->want.pc = targets[k];
			f->want.r[ISA_REG_SP] = sp - 4;
			fx_want_mem(f, sp - 4, 4, STEP_CODE + 4);
			fx_run(f);

			fx_reset(f, m, 0);
			c->r[5] = targets[k];
			fx_begin(f, isa_enc_r(ISA_OP_jmpr, 0, 5, 0),
				 "jmpr 0x%08x (%s)", (unsigned)targets[k],
				 mode_name[m]);
			f->want.pc = targets[k];
			fx_run(f);

			fx_reset(f, m, 0);
			fx_poke(f, sp, 4, targets[k]);
			fx_begin(f, isa_enc_r(ISA_OP_ret, 0, 0, 0),
				 "ret to 0x%08x (%s)", (unsigned)targets[k],
				 mode_name[m]);
			f->want.pc = targets[k];
			f->want.r[ISA_REG_SP] = sp + 4;
			fx_run(f);
		}
		/* callr sp jumps to the old sp */
		fx_reset(f, m, 0);
		fx_begin(f, isa_enc_r(ISA_OP_callr, 0, ISA_REG_SP, 0),
			 "callr sp (%s)", mode_name[m]);
		f->want.pc = sp;
		f->want.r[ISA_REG_SP] = sp - 4;
		fx_want_mem(f, sp - 4, 4, STEP_CODE + 4);
		fx_run(f);
	}
	fx_free(f);
}
END_TEST

/* A jump to a misaligned address faults at the jump, target in far,
 * nothing pushed or popped. */
START_TEST(misaligned_jumps_fault_at_the_jump)
{
	struct fx *f = fx_new();
	struct cpu *c = &f->vm->cpu;
	for (int m = KERNEL; m <= USER; m++)
		for (uint32_t low = 1; low < 4; low++) {
			uint32_t target = TARGET + low;
			uint32_t sp = m == KERNEL ? KSTACK : USTACK;
			static const unsigned ops[] = {
				ISA_OP_jmpr, ISA_OP_callr,
			};
			for (size_t i = 0; i < COUNT(ops); i++) {
				fx_reset(f, m, CPU_V);
				c->r[5] = target;
				fx_begin(f, isa_enc_r(ops[i], 0, 5, 0),
					 "%s 0x%08x (%s)", fx_op_name(ops[i]),
					 (unsigned)target, mode_name[m]);
				fx_fault(f, CPU_VEC_MISALIGNED, target);
				fx_run(f);
			}
			fx_reset(f, m, CPU_V);
			fx_poke(f, sp, 4, target);
			fx_begin(f, isa_enc_r(ISA_OP_ret, 0, 0, 0),
				 "ret to 0x%08x (%s)", (unsigned)target,
				 mode_name[m]);
			fx_fault(f, CPU_VEC_MISALIGNED, target);
			fx_run(f);
		}
	fx_free(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* getcc, setcc, nop                                                    */

START_TEST(getcc_setcc_nop)
{
	static const uint32_t high[] = {
		0, 0xfffffff0, CPU_P, CPU_I, CPU_P | CPU_I, 0x80000000,
	};
	struct fx *f = fx_new();
	struct cpu *c = &f->vm->cpu;
	for (uint32_t cc = 0; cc < 16; cc++)
		for (int m = KERNEL; m <= USER; m++) {
			fx_reset(f, m, cc);
			fx_begin(f, isa_enc_r(ISA_OP_getcc, 3, 0, 0),
				 "getcc with cc %x (%s)", (unsigned)cc,
				 mode_name[m]);
			f->want.r[3] = cc;
			fx_run(f);

			fx_reset(f, m, cc);
			fx_begin(f, isa_enc_r(ISA_OP_nop, 0, 0, 0),
				 "nop with cc %x (%s)", (unsigned)cc,
				 mode_name[m]);
			fx_run(f);

			/* only Z N C V move: never I, P or the stack bank */
			for (size_t h = 0; h < COUNT(high); h++) {
				uint32_t v = high[h] | (cc ^ 0xa);
				fx_reset(f, m, cc);
				c->r[3] = v;
				fx_begin(f, isa_enc_r(ISA_OP_setcc, 0, 3, 0),
					 "setcc 0x%08x with cc %x (%s)",
					 (unsigned)v, (unsigned)cc,
					 mode_name[m]);
				fx_want_cc(f, v & 0xf);
				fx_run(f);
			}
		}
	fx_free(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Undefined encodings of defined opcodes are precise faults too.       */

START_TEST(illegal_encodings_change_nothing)
{
	static const uint32_t words[] = {
		ISA_OP_add | 3u << 8 | 1u << 12 | 2u << 16 | 1u << 20,
		ISA_OP_adds | 3u << 8 | 1u << 12 | 2u << 16 | 1u << 31,
		ISA_OP_div | 3u << 8 | 1u << 12 | 1u << 24,
		ISA_OP_cmp | 3u << 8 | 1u << 12 | 2u << 16,	/* rd != 0 */
		ISA_OP_tst | 1u << 8 | 1u << 12 | 2u << 16,
		ISA_OP_cmpi | 1u << 8 | 1u << 12 | 5u << 16,
		ISA_OP_tsti | 2u << 8 | 1u << 12 | 5u << 16,
		ISA_OP_shli | 3u << 8 | 1u << 12 | 32u << 16, /* n = 32 */
		ISA_OP_shri | 3u << 8 | 1u << 12 | 0xffffu << 16,
		ISA_OP_sari | 3u << 8 | 1u << 12 | 33u << 16,
		ISA_OP_nop | 1u << 8,
		ISA_OP_push | 3u << 8 | 3u << 12,
		ISA_OP_pop | 3u << 8 | 3u << 12,
		ISA_OP_jmpr | 1u << 8 | 5u << 12,
		ISA_OP_callr | 5u << 12 | 1u << 16,
		ISA_OP_ret | 1u << 8,
		ISA_OP_getcc | 3u << 8 | 1u << 12,
		ISA_OP_setcc | 3u << 8 | 3u << 12,
	};
	struct fx *f = fx_new();
	for (size_t i = 0; i < COUNT(words); i++)
		for (int m = KERNEL; m <= USER; m++) {
			ck_assert(!isa_valid(words[i]));
			fx_reset(f, m, CPU_Z | CPU_V);
			f->vm->cpu.r[1] = 0x80000000;
			f->vm->cpu.r[2] = 0;
			f->vm->cpu.r[5] = TARGET;
			fx_begin(f, words[i], "0x%08x (%s, %s)",
				 (unsigned)words[i], fx_op_name(isa_op(words[i])),
				 mode_name[m]);
			fx_fault(f, CPU_VEC_ILLEGAL, STEP_CODE);
			fx_run(f);
		}
	fx_free(f);
}
END_TEST

static Suite *mem_suite(void)
{
	Suite *s = suite_create("mem");
	TCase *tc = tcase_create("mem");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, loads_extend_and_address);
	tcase_add_test(tc, stores_write_only_their_bytes);
	tcase_add_test(tc, memory_is_little_endian);
	tcase_add_test(tc, misaligned_access_faults);
	tcase_add_test(tc, access_beyond_ram_is_a_bus_error);
	tcase_add_test(tc, push_and_pop);
	tcase_add_test(tc, stack_faults_leave_sp);
	tcase_add_test(tc, call_and_return);
	tcase_add_test(tc, misaligned_jumps_fault_at_the_jump);
	tcase_add_test(tc, getcc_setcc_nop);
	tcase_add_test(tc, illegal_encodings_change_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(mem_suite());
}
