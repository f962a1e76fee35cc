/*
 * ALU, condition codes and branches, one instruction at a time, against docs/isa.md.
 *
 * Every case sets registers, flags and memory directly, places one word
 * built with the isa_enc_* helpers (no assembler involved) at STEP_CODE,
 * runs it with step_one, and compares the whole architectural state --
 * all registers, both stack banks, flags, control registers and all of
 * RAM -- with what the spec says it must be.  A faulting instruction must
 * change nothing beyond what exception entry defines (docs/isa.md, Entry),
 * checked the same way.  Expected results, flags and branch decisions come
 * from tables and a small model written here from the spec's words, with
 * 64-bit arithmetic, never from cpu/exec.c's helpers.
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
/* The reference model of the condition codes (docs/isa.md, Flags of a  */
/* subtraction / an addition), in 64-bit arithmetic.                    */

struct ref {
	uint32_t res, cc;
};

static uint32_t ref_zn(uint32_t r)
{
	return (r == 0 ? CPU_Z : 0) | (r & 0x80000000u ? CPU_N : 0);
}

static bool out_of_int32(int64_t s)
{
	return s < INT32_MIN || s > INT32_MAX;
}

/* a + b + carry_in: C = carry out of bit 31, V = signed overflow. */
static struct ref ref_add(uint32_t a, uint32_t b, unsigned cin)
{
	uint64_t u = (uint64_t)a + b + cin;
	int64_t s = (int64_t)(int32_t)a + (int32_t)b + cin;
	struct ref r = { .res = (uint32_t)u };
	r.cc = ref_zn(r.res) | (u > UINT32_MAX ? CPU_C : 0) |
	       (out_of_int32(s) ? CPU_V : 0);
	return r;
}

/* a - b - borrow_in: C = borrow (unsigned a < b + borrow_in). */
static struct ref ref_sub(uint32_t a, uint32_t b, unsigned bin)
{
	int64_t s = (int64_t)(int32_t)a - (int32_t)b - bin;
	struct ref r = { .res = (uint32_t)((uint64_t)a - b - bin) };
	r.cc = ref_zn(r.res) | ((uint64_t)a < (uint64_t)b + bin ? CPU_C : 0) |
	       (out_of_int32(s) ? CPU_V : 0);
	return r;
}

/* The branch condition table of docs/isa.md, section 3, as written. */
static bool doc_taken(unsigned op, uint32_t cc)
{
	bool z = cc & CPU_Z, n = cc & CPU_N, c = cc & CPU_C, v = cc & CPU_V;
	switch (op) {
	case ISA_OP_br: return true;
	case ISA_OP_beq: return z;
	case ISA_OP_bne: return !z;
	case ISA_OP_blt: return n != v;
	case ISA_OP_bge: return n == v;
	case ISA_OP_bgt: return !z && n == v;
	case ISA_OP_ble: return z || n != v;
	case ISA_OP_bltu: return c;
	case ISA_OP_bgeu: return !c;
	case ISA_OP_bgtu: return !c && !z;
	case ISA_OP_bleu: return c || z;
	case ISA_OP_bmi: return n;
	case ISA_OP_bpl: return !n;
	case ISA_OP_bvs: return v;
	case ISA_OP_bvc: return !v;
	}
	ck_abort_msg("0x%02x is not a branch", op);
	return false;
}

static const unsigned branch_ops[] = {
	ISA_OP_br, ISA_OP_beq, ISA_OP_bne, ISA_OP_blt, ISA_OP_bge,
	ISA_OP_bgt, ISA_OP_ble, ISA_OP_bltu, ISA_OP_bgeu, ISA_OP_bgtu,
	ISA_OP_bleu, ISA_OP_bmi, ISA_OP_bpl, ISA_OP_bvs, ISA_OP_bvc,
};

/* ------------------------------------------------------------------ */
/* Register ALU                                                         */

struct alu_case {
	unsigned op;
	uint32_t a, b, want;
};

static const struct alu_case alu_cases[] = {
	{ ISA_OP_add, 1, 1, 2 }, { ISA_OP_add, 0xffffffff, 1, 0 },
	{ ISA_OP_add, 0x7fffffff, 1, 0x80000000 },
	{ ISA_OP_add, 0x80000000, 0x80000000, 0 },
	{ ISA_OP_sub, 0, 1, 0xffffffff },
	{ ISA_OP_sub, 0x80000000, 1, 0x7fffffff }, { ISA_OP_sub, 5, 5, 0 },
	{ ISA_OP_sub, 3, 0xfffffffe, 5 },
	{ ISA_OP_and, 0xf0f0f0f0, 0xff00ff00, 0xf000f000 },
	{ ISA_OP_or, 0xf0f0f0f0, 0xff00ff00, 0xfff0fff0 },
	{ ISA_OP_xor, 0xf0f0f0f0, 0xff00ff00, 0x0ff00ff0 },
	{ ISA_OP_xor, 0x12345678, 0x12345678, 0 },
	{ ISA_OP_nor, 0xf0f0f0f0, 0xff00ff00, 0x000f000f },
	{ ISA_OP_nor, 0, 0, 0xffffffff },
	/* shift amounts are R[rs2] & 31 */
	{ ISA_OP_shl, 1, 0, 1 }, { ISA_OP_shl, 1, 31, 0x80000000 },
	{ ISA_OP_shl, 0x80000001, 1, 2 }, { ISA_OP_shl, 1, 32, 1 },
	{ ISA_OP_shl, 1, 33, 2 }, { ISA_OP_shl, 1, 0xffffffff, 0x80000000 },
	{ ISA_OP_shr, 0x80000000, 31, 1 },
	{ ISA_OP_shr, 0x80000000, 4, 0x08000000 },
	{ ISA_OP_shr, 0x80000000, 32, 0x80000000 },
	{ ISA_OP_shr, 0x80000000, 0xffffffe4, 0x08000000 },
	{ ISA_OP_shr, 0xffffffff, 0, 0xffffffff },
	{ ISA_OP_sar, 0x80000000, 31, 0xffffffff },
	{ ISA_OP_sar, 0x80000000, 4, 0xf8000000 },
	{ ISA_OP_sar, 0x7fffffff, 30, 1 },
	{ ISA_OP_sar, 0x80000000, 32, 0x80000000 },
	{ ISA_OP_sar, 0x80000000, 63, 0xffffffff },
	{ ISA_OP_sar, 0x40000000, 0xffffffff, 0 },
	{ ISA_OP_mul, 3, 4, 12 }, { ISA_OP_mul, 0xffffffff, 0xffffffff, 1 },
	{ ISA_OP_mul, 0x10000, 0x10000, 0 },
	{ ISA_OP_mul, 0x80000000, 0xffffffff, 0x80000000 },
	{ ISA_OP_mul, 0x12345678, 0x9abcdef0, 0x242d2080 },
	{ ISA_OP_mulh, 0xffffffff, 0xffffffff, 0 },
	{ ISA_OP_mulh, 0x80000000, 0x80000000, 0x40000000 },
	{ ISA_OP_mulh, 0x80000000, 0x7fffffff, 0xc0000000 },
	{ ISA_OP_mulh, 0xffffffff, 1, 0xffffffff },
	{ ISA_OP_mulh, 0x7fffffff, 0x7fffffff, 0x3fffffff },
	{ ISA_OP_mulh, 0x10000, 0x10000, 1 },
	{ ISA_OP_mulh, 0x12345678, 0x9abcdef0, 0xf8cc93d6 },
	{ ISA_OP_mulhu, 0xffffffff, 0xffffffff, 0xfffffffe },
	{ ISA_OP_mulhu, 0x80000000, 2, 1 }, { ISA_OP_mulhu, 0xffffffff, 1, 0 },
	{ ISA_OP_mulhu, 0x10000, 0x10000, 1 },
	{ ISA_OP_mulhu, 0x12345678, 0x9abcdef0, 0x0b00ea4e },
	/* quotients round toward zero, remainders take the dividend's sign */
	{ ISA_OP_div, 7, 2, 3 }, { ISA_OP_div, (uint32_t)-7, 2, (uint32_t)-3 },
	{ ISA_OP_div, 7, (uint32_t)-2, (uint32_t)-3 },
	{ ISA_OP_div, (uint32_t)-7, (uint32_t)-2, 3 },
	{ ISA_OP_div, 0x80000000, 0xffffffff, 0x80000000 },
	{ ISA_OP_div, 0x80000000, 1, 0x80000000 },
	{ ISA_OP_div, 0x7fffffff, 0xffffffff, 0x80000001 },
	{ ISA_OP_div, 0, 5, 0 }, { ISA_OP_div, 1, 0xffffffff, 0xffffffff },
	{ ISA_OP_divu, 7, 2, 3 }, { ISA_OP_divu, 0xffffffff, 2, 0x7fffffff },
	{ ISA_OP_divu, 0x80000000, 0xffffffff, 0 },
	{ ISA_OP_divu, 0xffffffff, 0xffffffff, 1 },
	{ ISA_OP_divu, (uint32_t)-7, (uint32_t)-2, 0 },
	{ ISA_OP_divu, 5, 7, 0 },
	{ ISA_OP_rem, 7, 2, 1 }, { ISA_OP_rem, (uint32_t)-7, 2, (uint32_t)-1 },
	{ ISA_OP_rem, 7, (uint32_t)-2, 1 },
	{ ISA_OP_rem, (uint32_t)-7, (uint32_t)-2, (uint32_t)-1 },
	{ ISA_OP_rem, 0x80000000, 0xffffffff, 0 },
	{ ISA_OP_rem, 0x80000000, 3, (uint32_t)-2 }, { ISA_OP_rem, 6, 3, 0 },
	{ ISA_OP_remu, 7, 2, 1 }, { ISA_OP_remu, 0xffffffff, 10, 5 },
	{ ISA_OP_remu, 0x80000000, 0xffffffff, 0x80000000 },
	{ ISA_OP_remu, (uint32_t)-7, 2, 1 }, { ISA_OP_remu, 5, 7, 5 },
	{ ISA_OP_slt, 0x80000000, 0, 1 }, { ISA_OP_slt, 0, 0x80000000, 0 },
	{ ISA_OP_slt, 0xffffffff, 0, 1 }, { ISA_OP_slt, 1, 1, 0 },
	{ ISA_OP_slt, 0x7fffffff, 0x80000000, 0 },
	{ ISA_OP_sltu, 0, 0xffffffff, 1 }, { ISA_OP_sltu, 0xffffffff, 0, 0 },
	{ ISA_OP_sltu, 0x7fffffff, 0x80000000, 1 }, { ISA_OP_sltu, 1, 1, 0 },
};

/* rd = r3, rs1 = r1, rs2 = r2, in both modes, with Z N C V all clear and
 * all set: none of these instructions touches them. */
START_TEST(alu_register_form)
{
	struct fx *f = fx_new();
	for (size_t i = 0; i < COUNT(alu_cases); i++) {
		const struct alu_case *t = &alu_cases[i];
		for (int k = 0; k < 4; k++) {
			enum mode m = k & 1 ? USER : KERNEL;
			uint32_t cc = k & 2 ? CPU_CC_MASK : 0;
			fx_reset(f, m, cc);
			f->vm->cpu.r[1] = t->a;
			f->vm->cpu.r[2] = t->b;
			fx_begin(f, isa_enc_r(t->op, 3, 1, 2),
				 "%s r3, 0x%08x, 0x%08x (%s, cc %x)",
				 fx_op_name(t->op), (unsigned)t->a, (unsigned)t->b,
				 mode_name[m], (unsigned)cc);
			f->want.r[3] = t->want;
			fx_run(f);
		}
	}
	fx_free(f);
}
END_TEST

/* Operands read before the result is written, whatever the aliasing. */
START_TEST(alu_operand_aliasing)
{
	struct fx *f = fx_new();

	fx_reset(f, KERNEL, 0);
	f->vm->cpu.r[1] = 5;
	fx_begin(f, isa_enc_r(ISA_OP_add, 1, 1, 1), "add r1, r1, r1");
	f->want.r[1] = 10;
	fx_run(f);

	fx_reset(f, KERNEL, 0);
	f->vm->cpu.r[1] = 7;
	f->vm->cpu.r[2] = 2;
	fx_begin(f, isa_enc_r(ISA_OP_sub, 2, 1, 2), "sub r2, r1, r2");
	f->want.r[2] = 5;
	fx_run(f);

	fx_reset(f, KERNEL, 0);
	f->vm->cpu.r[4] = 33;	/* 33 << (33 & 31) */
	fx_begin(f, isa_enc_r(ISA_OP_shl, 4, 4, 4), "shl r4, r4, r4");
	f->want.r[4] = 66;
	fx_run(f);

	fx_reset(f, USER, 0);	/* sp is an ordinary operand */
	f->vm->cpu.r[1] = 0x10;
	fx_begin(f, isa_enc_r(ISA_OP_sub, ISA_REG_SP, ISA_REG_SP, 1),
		 "sub sp, sp, r1 (user)");
	f->want.r[ISA_REG_SP] = USTACK - 0x10;
	fx_run(f);

	fx_reset(f, KERNEL, 0);	/* r0 reads as 0 */
	f->vm->cpu.r[1] = 9;
	fx_begin(f, isa_enc_r(ISA_OP_sub, 3, 0, 1), "sub r3, r0, r1");
	f->want.r[3] = (uint32_t)-9;
	fx_run(f);
	fx_free(f);
}
END_TEST

/* Division by zero faults precisely: rd (here also rs1) keeps its value
 * and Z N C V are saved and kept as they were. */
START_TEST(divide_by_zero)
{
	static const unsigned ops[] = {
		ISA_OP_div, ISA_OP_divu, ISA_OP_rem, ISA_OP_remu,
	};
	struct fx *f = fx_new();
	for (size_t i = 0; i < COUNT(ops); i++)
		for (size_t a = 0; a < NEDGE; a++)
			for (int m = KERNEL; m <= USER; m++) {
				fx_reset(f, m, CPU_C | CPU_N);
				f->vm->cpu.r[3] = edge[a];
				f->vm->cpu.r[2] = 0;
				fx_begin(f, isa_enc_r(ops[i], 3, 3, 2),
					 "%s r3, 0x%08x, 0 (%s)", fx_op_name(ops[i]),
					 (unsigned)edge[a], mode_name[m]);
				fx_fault(f, CPU_VEC_DIVIDE, 0);
				fx_run(f);
			}
	fx_free(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Condition codes                                                      */

struct flag_op {
	unsigned op;
	bool sub, uses_c, writes_rd;
};

static const struct flag_op flag_ops[] = {
	{ ISA_OP_adds, false, false, true },
	{ ISA_OP_adc, false, true, true },
	{ ISA_OP_subs, true, false, true },
	{ ISA_OP_sbc, true, true, true },
	{ ISA_OP_cmp, true, false, false },
};

static void check_flag_op(struct fx *f, const struct flag_op *o,
			  uint32_t a, uint32_t b, uint32_t cc, enum mode m)
{
	unsigned cin = o->uses_c && (cc & CPU_C);
	struct ref r = o->sub ? ref_sub(a, b, cin) : ref_add(a, b, cin);
	fx_reset(f, m, cc);
	f->vm->cpu.r[1] = a;
	f->vm->cpu.r[2] = b;
	fx_begin(f, isa_enc_r(o->op, o->writes_rd ? 3 : 0, 1, 2),
		 "%s 0x%08x, 0x%08x with cc %x (%s)", fx_op_name(o->op),
		 (unsigned)a, (unsigned)b, (unsigned)cc, mode_name[m]);
	if (o->writes_rd)
		f->want.r[3] = r.res;
	fx_want_cc(f, r.cc);
	fx_run(f);
}

/* Every boundary pair under every incoming Z N C V: only C may matter, and
 * only to adc and sbc. */
START_TEST(flags_add_sub_boundaries)
{
	struct fx *f = fx_new();
	for (size_t i = 0; i < COUNT(flag_ops); i++)
		for (size_t a = 0; a < NEDGE; a++)
			for (size_t b = 0; b < NEDGE; b++)
				for (uint32_t cc = 0; cc < 16; cc++)
					check_flag_op(f, &flag_ops[i], edge[a],
						      edge[b], cc,
						      (a + b + cc) & 1);
	fx_free(f);
}
END_TEST

/* The same against values spread over the whole range. */
START_TEST(flags_add_sub_sweep)
{
	struct fx *f = fx_new();
	uint32_t x = 0x2545f491;
	for (int n = 0; n < 300; n++) {
		uint32_t v[3];
		for (int k = 0; k < 3; k++) {	/* xorshift32 */
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			v[k] = x;
		}
		/* often make the operands close, where the carries flip */
		if (n % 3 == 0)
			v[1] = v[0] + (v[2] & 3) - 1;
		for (size_t i = 0; i < COUNT(flag_ops); i++)
			check_flag_op(f, &flag_ops[i], v[0], v[1],
				      v[2] >> 28, n & 1);
	}
	fx_free(f);
}
END_TEST

START_TEST(flags_tst)
{
	struct fx *f = fx_new();
	for (size_t a = 0; a < NEDGE; a++)
		for (size_t b = 0; b < NEDGE; b++)
			for (uint32_t cc = 0; cc < 16; cc++) {
				fx_reset(f, cc & 1, cc);
				f->vm->cpu.r[1] = edge[a];
				f->vm->cpu.r[2] = edge[b];
				fx_begin(f, isa_enc_r(ISA_OP_tst, 0, 1, 2),
					 "tst 0x%08x, 0x%08x with cc %x",
					 (unsigned)edge[a], (unsigned)edge[b],
					 (unsigned)cc);
				fx_want_cc(f, ref_zn(edge[a] & edge[b]));
				fx_run(f);
			}
	fx_free(f);
}
END_TEST

/* cmpi sign-extends its immediate, tsti zero-extends it. */
static void check_flag_imm(struct fx *f, unsigned op, uint32_t a,
			   uint16_t imm, uint32_t cc, uint32_t want_cc_bits)
{
	fx_reset(f, cc & 1, cc);
	f->vm->cpu.r[1] = a;
	fx_begin(f, isa_enc_i(op, 0, 1, imm), "%s 0x%08x, 0x%04x with cc %x",
		 fx_op_name(op), (unsigned)a, imm, (unsigned)cc);
	fx_want_cc(f, want_cc_bits);
	fx_run(f);
}

START_TEST(flags_cmpi_tsti)
{
	static const uint16_t imms[] = { 0, 1, 0x7fff, 0x8000, 0xffff };
	struct fx *f = fx_new();
	for (size_t a = 0; a < NEDGE; a++)
		for (size_t i = 0; i < COUNT(imms); i++)
			for (uint32_t cc = 0; cc < 16; cc += 5) {
				uint32_t x = edge[a], imm = imms[i];
				uint32_t simm = (uint32_t)(int32_t)(int16_t)imm;
				check_flag_imm(f, ISA_OP_cmpi, x, imms[i], cc,
					       ref_sub(x, simm, 0).cc);
				check_flag_imm(f, ISA_OP_tsti, x, imms[i], cc,
					       ref_zn(x & imm));
			}
	fx_free(f);
}
END_TEST

/* cmp then each compare-and-branch must order the operands as its name
 * says: this ties the flag definitions to the branch table. */
START_TEST(cmp_then_branch_orders)
{
	struct fx *f = fx_new();
	for (size_t a = 0; a < NEDGE; a++)
		for (size_t b = 0; b < NEDGE; b++) {
			uint32_t x = edge[a], y = edge[b];
			int32_t sx = (int32_t)x, sy = (int32_t)y;
			const struct { unsigned op; bool taken; } rel[] = {
				{ ISA_OP_beq, x == y }, { ISA_OP_bne, x != y },
				{ ISA_OP_blt, sx < sy },
				{ ISA_OP_bge, sx >= sy },
				{ ISA_OP_bgt, sx > sy },
				{ ISA_OP_ble, sx <= sy },
				{ ISA_OP_bltu, x < y }, { ISA_OP_bgeu, x >= y },
				{ ISA_OP_bgtu, x > y }, { ISA_OP_bleu, x <= y },
			};
			for (size_t i = 0; i < COUNT(rel); i++) {
				struct cpu *c = &f->vm->cpu;
				fx_reset(f, KERNEL, 0);
				c->r[1] = x;
				c->r[2] = y;
				ck_assert_int_eq(step_one(f->vm, isa_enc_r(
					ISA_OP_cmp, 0, 1, 2)), -1);
				ck_assert_int_eq(step_one(f->vm, isa_enc_b(
					rel[i].op, 16)), -1);
				ck_assert_msg(c->pc == (rel[i].taken ?
					STEP_CODE + 64 : STEP_CODE + 4),
					"cmp 0x%08x, 0x%08x; %s: pc 0x%x",
					(unsigned)x, (unsigned)y,
					fx_op_name(rel[i].op), (unsigned)c->pc);
			}
		}
	fx_free(f);
}
END_TEST

/* The same within one run, where a branch after a compare decides from
 * the compare's operands, never from flags in struct cpu: every branch
 * after cmp and subs on every boundary pair agrees with the flags the
 * model gives, and so do getcc, the flags an exception frame saves and
 * the flags the machine stops with.  Each case rewrites the two words
 * under test in memory (mem_write), which the decode cache must see. */
static const char lazy_src[] =
	"_start: la      r9, vectors\n"
	"        mtcr    vbr, r9\n"
	"cmp_at: cmp     r1, r2\n"
	"br_at:  beq     taken\n"
	"        li      r3, 1\n"
	"        br      out\n"
	"taken:  li      r3, 2\n"
	"out:    getcc   r4\n"
	"        trap    32\n"
	"handler: ldw    r5, 4(sp)\n"
	"        brk\n"
	"        .align  4\n"
	"vectors: .space 128\n"
	"        .word   handler\n";

static void lazy_case(struct th *t, uint32_t compare, unsigned op,
		      uint32_t x, uint32_t y)
{
	struct cpu *c = &t->vm->cpu;
	uint32_t br_at = th_sym(t, "br_at");
	int32_t to_taken = (int32_t)(th_sym(t, "taken") - br_at) / 4;
	struct ref r = ref_sub(x, y, 0);
	uint8_t w[4];
	vm_reset(t->vm);
	mem_st32(w, compare);
	ck_assert_int_eq(mem_write(&t->vm->mem, th_sym(t, "cmp_at"), w, 4), 0);
	mem_st32(w, isa_enc_b(op, to_taken));
	ck_assert_int_eq(mem_write(&t->vm->mem, br_at, w, 4), 0);
	c->r[1] = x;
	c->r[2] = y;
	ck_assert_int_eq(th_run(t, 1000), VM_STOP_BREAKPOINT);
	ck_assert_msg(c->r[3] == (doc_taken(op, r.cc) ? 2u : 1u),
		      "%s 0x%08x, 0x%08x; %s: taken %u",
		      fx_op_name(isa_op(compare)), (unsigned)x, (unsigned)y,
		      fx_op_name(op), (unsigned)c->r[3]);
	ck_assert_uint_eq(c->r[4], r.cc);		/* getcc */
	ck_assert_uint_eq(c->r[5] & CPU_CC_MASK, r.cc);	/* the frame */
	ck_assert_uint_eq(c->flags & CPU_CC_MASK, r.cc);	/* the stop */
	ck_assert_uint_eq(c->r[6], isa_op(compare) == ISA_OP_subs ? r.res : 0);
}

START_TEST(compare_then_branch_in_one_run)
{
	struct th *t = th_boot(lazy_src);
	const uint32_t compares[] = { isa_enc_r(ISA_OP_cmp, 0, 1, 2),
				      isa_enc_r(ISA_OP_subs, 6, 1, 2) };
	for (size_t k = 0; k < COUNT(compares); k++)
		for (size_t a = 0; a < NEDGE; a++)
			for (size_t b = 0; b < NEDGE; b++)
				for (size_t i = 0; i < COUNT(branch_ops); i++)
					lazy_case(t, compares[k], branch_ops[i],
						  edge[a], edge[b]);
	th_free(t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Fetch breakpoints (vm_set_fetch_breaks): the run stops where it      */
/* arrives at one, before it runs, not where it starts; unarmed, or at  */
/* the same page offset elsewhere, nothing changes.                     */

static const char fetch_src[] =
	"_start: li r1, 0\n"
	"loop:   addi r1, r1, 1\n"
	"target: cmpi r1, 5\n"
	"        blt loop\n"
	"        li r2, 7\n"
	"        out r0, 0\n";

START_TEST(fetch_breaks_stop_on_arrival)
{
	struct th *t = th_boot(fetch_src);
	struct vm *vm = t->vm;
	uint32_t bp[2] = { th_sym(t, "target"),
			   th_sym(t, "target") + 0x1000 };	/* same offset */
	vm_set_fetch_breaks(vm, bp, 2);
	vm->fetch_break_armed = true;
	for (uint32_t n = 1; n <= 5; n++) {
		ck_assert_int_eq(vm_run(vm, 1000), VM_RUNNING);
		ck_assert_uint_eq(vm->cpu.pc, bp[0]);
		ck_assert_uint_eq(vm->cpu.r[1], n);	/* cmpi not run yet */
		ck_assert_uint_eq(vm->cpu.insns, 3 * n - 1);
	}
	/* A store to the word re-decodes it: still a breakpoint. */
	uint32_t far;
	uint32_t word = 0;
	ck_assert_uint_eq(mmu_read32(vm, bp[0], &word, &far), 0);
	ck_assert_uint_eq(mmu_write32(vm, bp[0], word, &far), 0);
	vm->cpu.pc = th_sym(t, "loop");
	vm->cpu.r[1] = 0;
	ck_assert_int_eq(vm_run(vm, 1000), VM_RUNNING);
	ck_assert_uint_eq(vm->cpu.pc, bp[0]);
	ck_assert_uint_eq(vm->cpu.r[1], 1);
	vm->fetch_break_armed = false;
	ck_assert_int_eq(vm_run(vm, 1000), VM_STOP_POWEROFF);
	ck_assert_uint_eq(vm->cpu.r[1], 5);
	ck_assert_uint_eq(vm->cpu.r[2], 7);
	th_free(t);

	/* Set but not armed, or armed elsewhere: the run is the plain one. */
	t = th_boot(fetch_src);
	vm_set_fetch_breaks(t->vm, bp, 2);
	ck_assert_int_eq(vm_run(t->vm, 1000), VM_STOP_POWEROFF);
	uint64_t plain = t->vm->cpu.insns;
	th_free(t);
	t = th_boot(fetch_src);
	vm_set_fetch_breaks(t->vm, &bp[1], 1);
	t->vm->fetch_break_armed = true;
	ck_assert_int_eq(vm_run(t->vm, 1000), VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->cpu.insns, plain);
	ck_assert_uint_eq(t->vm->cpu.r[1], 5);
	th_free(t);
}
END_TEST

/* A breakpoint where the fetch faults (no RAM there): the run stops
 * before the fault, which comes, counted once, when it goes on. */
START_TEST(fetch_break_before_a_fetch_fault)
{
	struct th *t = th_boot("_start: li r1, 0x7ff00000\n"
			       "        jmpr r1\n");
	struct vm *vm = t->vm;
	uint32_t bp = 0x7ff00000;
	vm_set_fetch_breaks(vm, &bp, 1);
	vm->fetch_break_armed = true;
	ck_assert_int_eq(vm_run(vm, 1000), VM_RUNNING);
	ck_assert_uint_eq(vm->cpu.pc, bp);
	ck_assert_uint_eq(vm->cpu.exceptions, 0);
	uint64_t misses = vm->mmu.stats.misses[MMU_FETCH];
	vm->fetch_break_armed = false;
	vm_run(vm, 1);
	ck_assert_uint_eq(vm->cpu.exceptions, 1);
	ck_assert_uint_eq(vm->mmu.stats.misses[MMU_FETCH], misses + 1);
	th_free(t);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Branches                                                             */

START_TEST(branches_all_conditions)
{
	static const int32_t offsets[] = {
		1, 2, 0, -1, -3, 0x7fffff, -0x800000,
	};
	struct fx *f = fx_new();
	for (size_t i = 0; i < COUNT(branch_ops); i++)
		for (uint32_t cc = 0; cc < 16; cc++) {
			unsigned op = branch_ops[i];
			bool taken = doc_taken(op, cc);
			ck_assert_msg(cpu_branch_taken(op, cc) == taken,
				      "cpu_branch_taken(%s, %x)", fx_op_name(op),
				      (unsigned)cc);
			ck_assert_msg(cpu_branch_taken(op, cc | CPU_P | CPU_I)
				      == taken, "cpu_branch_taken(%s, %x|P|I)",
				      fx_op_name(op), (unsigned)cc);
			for (size_t k = 0; k < COUNT(offsets); k++) {
				enum mode m = (cc + k) & 1;
				fx_reset(f, m, cc);
				fx_begin(f, isa_enc_b(op, offsets[k]),
					 "%s %+d with cc %x (%s)", fx_op_name(op),
					 (int)offsets[k], (unsigned)cc,
					 mode_name[m]);
				if (taken)
					f->want.pc = STEP_CODE +
						(uint32_t)offsets[k] * 4;
				fx_run(f);
			}
		}
	fx_free(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Immediate forms                                                      */

struct imm_case {
	unsigned op;
	uint32_t a;
	uint16_t imm;
	uint32_t want;
};

static const struct imm_case imm_cases[] = {
	{ ISA_OP_addi, 1, 0x7fff, 0x8000 },
	{ ISA_OP_addi, 0, 0x8000, 0xffff8000 }, { ISA_OP_addi, 5, 0xffff, 4 },
	{ ISA_OP_addi, 0x7fffffff, 1, 0x80000000 },
	{ ISA_OP_addi, 0x10, 0xfff0, 0 },
	{ ISA_OP_andi, 0xffffffff, 0x8000, 0x8000 },
	{ ISA_OP_andi, 0xffffffff, 0xffff, 0xffff },
	{ ISA_OP_andi, 0x12345678, 0, 0 },
	{ ISA_OP_ori, 0, 0xffff, 0xffff },
	{ ISA_OP_ori, 0x80000000, 0x8000, 0x80008000 },
	{ ISA_OP_xori, 0xffffffff, 0xffff, 0xffff0000 },
	{ ISA_OP_xori, 0x12345678, 0x8000, 0x1234d678 },
	{ ISA_OP_shli, 0x80000001, 1, 2 }, { ISA_OP_shli, 1, 31, 0x80000000 },
	{ ISA_OP_shli, 0x12345678, 0, 0x12345678 },
	{ ISA_OP_shri, 0x80000000, 31, 1 },
	{ ISA_OP_shri, 0xffffffff, 4, 0x0fffffff },
	{ ISA_OP_shri, 0x12345678, 0, 0x12345678 },
	{ ISA_OP_sari, 0x80000000, 31, 0xffffffff },
	{ ISA_OP_sari, 0x80000000, 4, 0xf8000000 },
	{ ISA_OP_sari, 0x7fffffff, 30, 1 },
	{ ISA_OP_sari, 0x87654321, 0, 0x87654321 },
	{ ISA_OP_muli, 3, 0xffff, 0xfffffffd },
	{ ISA_OP_muli, 0x10000, 0x8000, 0x80000000 },
	{ ISA_OP_muli, 7, 0x7fff, 0x37ff9 },
	{ ISA_OP_muli, 0xffffffff, 0xffff, 1 },
	{ ISA_OP_slti, 0xffffffff, 0, 1 }, { ISA_OP_slti, 0, 0xffff, 0 },
	{ ISA_OP_slti, 0xffff8000, 0x8000, 0 },
	{ ISA_OP_slti, 0xffff7fff, 0x8000, 1 }, { ISA_OP_slti, 5, 0x7fff, 1 },
	{ ISA_OP_slti, 0x7fffffff, 0x7fff, 0 },
	{ ISA_OP_sltiu, 5, 0xffff, 1 }, { ISA_OP_sltiu, 0xfffffffe, 0xffff, 1 },
	{ ISA_OP_sltiu, 0xffffffff, 0xffff, 0 },
	{ ISA_OP_sltiu, 0x8000, 0x8000, 1 },
	{ ISA_OP_sltiu, 0xffff8000, 0x7fff, 0 }, { ISA_OP_sltiu, 0, 0, 0 },
};

static const struct { uint32_t imm20, want; } lui_cases[] = {
	{ 0, 0 }, { 1, 0x1000 }, { 0x12345, 0x12345000 },
	{ 0x80000, 0x80000000 }, { 0xfffff, 0xfffff000 },
};

START_TEST(alu_immediate_form)
{
	struct fx *f = fx_new();
	for (size_t i = 0; i < COUNT(imm_cases); i++) {
		const struct imm_case *t = &imm_cases[i];
		for (int k = 0; k < 4; k++) {
			enum mode m = k & 1 ? USER : KERNEL;
			uint32_t cc = k & 2 ? CPU_CC_MASK : 0;
			fx_reset(f, m, cc);
			f->vm->cpu.r[1] = t->a;
			fx_begin(f, isa_enc_i(t->op, 3, 1, t->imm),
				 "%s r3, 0x%08x, 0x%04x (%s, cc %x)",
				 fx_op_name(t->op), (unsigned)t->a, t->imm,
				 mode_name[m], (unsigned)cc);
			f->want.r[3] = t->want;
			fx_run(f);
		}
	}
	for (size_t i = 0; i < COUNT(lui_cases); i++) {
		fx_reset(f, i & 1, CPU_CC_MASK);
		fx_begin(f, isa_enc_u(ISA_OP_lui, 3, lui_cases[i].imm20),
			 "lui r3, 0x%05x", (unsigned)lui_cases[i].imm20);
		f->want.r[3] = lui_cases[i].want;
		fx_run(f);
	}
	fx_free(f);
}
END_TEST

/* ------------------------------------------------------------------ */
/* r0                                                                   */

START_TEST(r0_discards_writes)
{
	static const unsigned loads[] = {
		ISA_OP_ldw, ISA_OP_ldh, ISA_OP_ldhu, ISA_OP_ldb, ISA_OP_ldbu,
	};
	struct fx *f = fx_new();
	struct cpu *c = &f->vm->cpu;

	for (size_t i = 0; i < COUNT(alu_cases); i++) {
		const struct alu_case *t = &alu_cases[i];
		if (t->want == 0)
			continue;
		fx_reset(f, KERNEL, 0);
		c->r[1] = t->a;
		c->r[2] = t->b;
		fx_begin(f, isa_enc_r(t->op, 0, 1, 2), "%s r0, 0x%08x, 0x%08x",
			 fx_op_name(t->op), (unsigned)t->a, (unsigned)t->b);
		fx_run(f);
	}
	for (size_t i = 0; i < COUNT(imm_cases); i++) {
		const struct imm_case *t = &imm_cases[i];
		if (t->want == 0)
			continue;
		fx_reset(f, USER, 0);
		c->r[1] = t->a;
		fx_begin(f, isa_enc_i(t->op, 0, 1, t->imm),
			 "%s r0, 0x%08x, 0x%04x", fx_op_name(t->op),
			 (unsigned)t->a, t->imm);
		fx_run(f);
	}
	/* the flags are still set */
	for (size_t i = 0; i < COUNT(flag_ops); i++) {
		if (!flag_ops[i].writes_rd)
			continue;
		fx_reset(f, KERNEL, CPU_C);
		c->r[1] = 0x80000000;
		c->r[2] = 0x7fffffff;
		fx_begin(f, isa_enc_r(flag_ops[i].op, 0, 1, 2),
			 "%s r0, 0x80000000, 0x7fffffff", fx_op_name(flag_ops[i].op));
		struct ref r = flag_ops[i].sub
			? ref_sub(0x80000000, 0x7fffffff, flag_ops[i].uses_c)
			: ref_add(0x80000000, 0x7fffffff, flag_ops[i].uses_c);
		fx_want_cc(f, r.cc);
		fx_run(f);
	}
	fx_reset(f, KERNEL, 0);
	fx_begin(f, isa_enc_u(ISA_OP_lui, 0, 0xfffff), "lui r0, 0xfffff");
	fx_run(f);

	for (size_t i = 0; i < COUNT(loads); i++) {
		fx_reset(f, USER, 0);
		fx_poke(f, DATA, 4, 0xffffffff);
		c->r[5] = DATA;
		fx_begin(f, isa_enc_i(loads[i], 0, 5, 0), "%s r0, 0(r5)",
			 fx_op_name(loads[i]));
		fx_run(f);
	}
	fx_reset(f, USER, 0);
	fx_poke(f, USTACK, 4, 0x12345678);
	fx_begin(f, isa_enc_r(ISA_OP_pop, 0, 0, 0), "pop r0");
	f->want.r[ISA_REG_SP] = USTACK + 4;
	fx_run(f);

	fx_reset(f, USER, CPU_CC_MASK);
	fx_begin(f, isa_enc_r(ISA_OP_getcc, 0, 0, 0), "getcc r0");
	fx_run(f);

	fx_reset(f, KERNEL, 0);
	fx_begin(f, isa_enc_i(ISA_OP_mfcr, 0, 0, ISA_CR_KSCRATCH),
		 "mfcr r0, kscratch");
	fx_run(f);

	fx_reset(f, KERNEL, 0);
	fx_begin(f, isa_enc_i(ISA_OP_in, 0, 0, PORT_SYSCTL + SYSCTL_ID),
		 "in r0, SYSCTL_ID(r0)");
	fx_run(f);
	fx_free(f);
}
END_TEST


static Suite *cpu_suite(void)
{
	Suite *s = suite_create("cpu");
	TCase *tc = tcase_create("cpu");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, alu_register_form);
	tcase_add_test(tc, alu_operand_aliasing);
	tcase_add_test(tc, divide_by_zero);
	tcase_add_test(tc, flags_add_sub_boundaries);
	tcase_add_test(tc, flags_add_sub_sweep);
	tcase_add_test(tc, flags_tst);
	tcase_add_test(tc, flags_cmpi_tsti);
	tcase_add_test(tc, cmp_then_branch_orders);
	tcase_add_test(tc, compare_then_branch_in_one_run);
	tcase_add_test(tc, fetch_breaks_stop_on_arrival);
	tcase_add_test(tc, fetch_break_before_a_fetch_fault);
	tcase_add_test(tc, branches_all_conditions);
	tcase_add_test(tc, alu_immediate_form);
	tcase_add_test(tc, r0_discards_writes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(cpu_suite());
}
