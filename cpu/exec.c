/*
 * The interpreter: fetch, take the opcode, dispatch.
 *
 * One handler per line of cpu/isa.def.  pc, the retired-instruction count,
 * the run limit and the current code page live in locals so they stay in
 * host registers; they are written back to struct cpu before anything
 * outside this file can look (exceptions, ports, control registers).
 *
 * Per instruction the loop does one compare for "stop, an event or an
 * interrupt is due" (now >= limit; see struct cpu) and one for "pc left
 * the cached code page".  Dispatch is a computed goto at the end of every
 * handler, so the host branch predictor learns each opcode's successors.
 */
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/isa.h"
#include "cpu/vm.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Condition codes of a subtraction a - b - borrow_in (docs/isa.md). */
static inline uint32_t cc_sub(uint32_t a, uint32_t b, uint32_t bin,
			      uint32_t *res)
{
	uint32_t r = a - b - bin;
	uint32_t f = (r == 0 ? CPU_Z : 0) | (r >> 31 ? CPU_N : 0);
	if ((uint64_t)a < (uint64_t)b + bin)
		f |= CPU_C;
	if (((a ^ b) & (a ^ r)) >> 31)
		f |= CPU_V;
	*res = r;
	return f;
}

static inline uint32_t cc_add(uint32_t a, uint32_t b, uint32_t cin,
			      uint32_t *res)
{
	uint64_t wide = (uint64_t)a + b + cin;
	uint32_t r = (uint32_t)wide;
	uint32_t f = (r == 0 ? CPU_Z : 0) | (r >> 31 ? CPU_N : 0);
	if (wide >> 32)
		f |= CPU_C;
	if ((~(a ^ b) & (a ^ r)) >> 31)
		f |= CPU_V;
	*res = r;
	return f;
}

static inline uint32_t cc_logic(uint32_t r)
{
	return (r == 0 ? CPU_Z : 0) | (r >> 31 ? CPU_N : 0);
}

/*
 * Branch conditions as data: for each branch opcode, the set of Z N C V
 * values (read as a 4-bit number, Z = bit 0) for which it is taken, so a
 * branch costs one load and one shift.  COND_SET evaluates the condition
 * for all 16 flag values at compile time.
 */
#define F_Z(f) (((f) & CPU_Z) != 0)
#define F_N(f) (((f) & CPU_N) != 0)
#define F_C(f) (((f) & CPU_C) != 0)
#define F_V(f) (((f) & CPU_V) != 0)
#define COND_BIT(f, cond) ((cond(f)) ? 1u << (f) : 0u)
#define COND_SET(cond) (uint16_t)(					\
	COND_BIT(0, cond) | COND_BIT(1, cond) | COND_BIT(2, cond) |	\
	COND_BIT(3, cond) | COND_BIT(4, cond) | COND_BIT(5, cond) |	\
	COND_BIT(6, cond) | COND_BIT(7, cond) | COND_BIT(8, cond) |	\
	COND_BIT(9, cond) | COND_BIT(10, cond) | COND_BIT(11, cond) |	\
	COND_BIT(12, cond) | COND_BIT(13, cond) | COND_BIT(14, cond) |	\
	COND_BIT(15, cond))
#define C_AL(f) 1
#define C_EQ(f) F_Z(f)
#define C_NE(f) !F_Z(f)
#define C_LT(f) (F_N(f) != F_V(f))
#define C_GE(f) (F_N(f) == F_V(f))
#define C_GT(f) (!F_Z(f) && F_N(f) == F_V(f))
#define C_LE(f) (F_Z(f) || F_N(f) != F_V(f))
#define C_LTU(f) F_C(f)
#define C_GEU(f) !F_C(f)
#define C_GTU(f) (!F_C(f) && !F_Z(f))
#define C_LEU(f) (F_C(f) || F_Z(f))
#define C_MI(f) F_N(f)
#define C_PL(f) !F_N(f)
#define C_VS(f) F_V(f)
#define C_VC(f) !F_V(f)

static const uint16_t branch_taken[256] = {
	[ISA_OP_br] = COND_SET(C_AL),    [ISA_OP_beq] = COND_SET(C_EQ),
	[ISA_OP_bne] = COND_SET(C_NE),   [ISA_OP_blt] = COND_SET(C_LT),
	[ISA_OP_bge] = COND_SET(C_GE),   [ISA_OP_bgt] = COND_SET(C_GT),
	[ISA_OP_ble] = COND_SET(C_LE),   [ISA_OP_bltu] = COND_SET(C_LTU),
	[ISA_OP_bgeu] = COND_SET(C_GEU), [ISA_OP_bgtu] = COND_SET(C_GTU),
	[ISA_OP_bleu] = COND_SET(C_LEU), [ISA_OP_bmi] = COND_SET(C_MI),
	[ISA_OP_bpl] = COND_SET(C_PL),   [ISA_OP_bvs] = COND_SET(C_VS),
	[ISA_OP_bvc] = COND_SET(C_VC),
};

bool cpu_branch_taken(unsigned opcode, uint32_t flags)
{
	return branch_taken[opcode & 0xff] >> (flags & CPU_CC_MASK) & 1;
}

void cpu_run(struct vm *vm)
{
	struct cpu *const c = &vm->cpu;
	uint32_t *const R = c->r;
	uint32_t pc = c->pc, insn = 0;
	uint64_t now = c->insns, limit = c->limit;
	uint32_t code_page = 1;		/* never a page address: forces a fill */
	uint8_t *code = NULL;
	unsigned vec;
	uint32_t far;
	bool cacheable;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
	static const void *const dispatch[256] = {
		[0 ... 255] = &&op_undefined,
#define INSN(name, op, fmt, priv) [op] = &&op_##name,
#include "cpu/isa.def"
#undef INSN
	};
#pragma GCC diagnostic pop

#define RD isa_rd(insn)
#define RS1 R[isa_rs1(insn)]
#define RS2 R[isa_rs2(insn)]
#define SIMM ((uint32_t)isa_simm16(insn))
#define UIMM isa_uimm16(insn)
/* r0 reads as zero: write, then clear it, cheaper than a test. */
#define WR(v) do { R[RD] = (v); R[0] = 0; } while (0)
#define SYNC() do { c->pc = pc; c->insns = now; } while (0)
#define FETCH()								\
	do {								\
		if (unlikely((pc & ~MEM_PAGE_MASK) != code_page)) {	\
			vec = mmu_fetch_page(vm, pc, &code, &cacheable,	\
					     &far);			\
			if (vec)					\
				RAISE(vec, far);			\
			/* A stale page is fetched through the slow	\
			 * path each time, so each use is counted. */	\
			code_page = cacheable ? pc & ~MEM_PAGE_MASK : 1; \
		}							\
		insn = mem_ld32(code + (pc & MEM_PAGE_MASK));		\
	} while (0)
#define DISPATCH() goto *dispatch[isa_op(insn)]
#define JUMP(target)							\
	do {								\
		pc = (target);						\
		if (unlikely(++now >= limit))				\
			goto leave;					\
		FETCH();						\
		DISPATCH();						\
	} while (0)
#define NEXT() JUMP(pc + 4)
/* A taken jump starts a new run: note it in the history ring. */
#define TAKEN(target)							\
	do {								\
		uint32_t t_ = (target);					\
		cpu_hist_record(c, t_, pc, now + 1, 0, CPU_HIST_JUMP);	\
		JUMP(t_);						\
	} while (0)
/* Fault: the instruction has no effect and does not retire. */
#define RAISE(v, f)							\
	do {								\
		SYNC();							\
		cpu_exception(vm, (v), pc, (f));			\
		goto reload;						\
	} while (0)
#define ILLEGAL() RAISE(CPU_VEC_ILLEGAL, pc)
#define UNUSED_ZERO(mask) do { if (unlikely(insn & (mask))) ILLEGAL(); } while (0)
#define PRIVILEGED()							\
	do {								\
		if (unlikely(!(c->flags & CPU_P)))			\
			RAISE(CPU_VEC_PRIVILEGED, pc);			\
	} while (0)
#define LOAD_AT(addr, size, expr_of_host, out)			\
	do {								\
		uint32_t a_ = (addr);					\
		struct mmu_tlb_entry *e_ = mmu_slot(c->tlb_cur->r, a_);	\
		vm->mmu.stats.accesses[MMU_READ]++;			\
		if (likely(e_->tag == mmu_tag(a_, size))) {		\
			const uint8_t *h_ = (const uint8_t *)(e_->addend + a_); \
			out = expr_of_host;				\
		} else if ((vec = mmu_load(vm, a_, size, &out, &far))) { \
			RAISE(vec, far);				\
		}							\
	} while (0)
#define LOAD(size, expr_of_host, out)					\
	LOAD_AT(RS1 + SIMM, size, expr_of_host, out)
#define STORE(size, addr, val, store_host)				\
	do {								\
		uint32_t a_ = (addr), v_ = (val);			\
		struct mmu_tlb_entry *e_ = mmu_slot(c->tlb_cur->w, a_);	\
		vm->mmu.stats.accesses[MMU_WRITE]++;				\
		if (likely(e_->tag == mmu_tag(a_, size))) {		\
			uint8_t *h_ = (uint8_t *)(e_->addend + a_);	\
			store_host;					\
		} else {						\
			if ((vec = mmu_store(vm, a_, size, v_, &far)))	\
				RAISE(vec, far);			\
			/* it may have changed a page table */		\
			code_page = 1;					\
		}							\
	} while (0)
#define ALU3(expr) do { UNUSED_ZERO(0xfff00000); uint32_t a = RS1, b = RS2; \
			WR(expr); NEXT(); } while (0)
#define ALUI(expr) do { uint32_t a = RS1; WR(expr); NEXT(); } while (0)
#define SHIFTI(expr) do { if (unlikely(UIMM > 31)) ILLEGAL();		\
			  uint32_t a = RS1, n = UIMM; WR(expr); NEXT(); } while (0)
#define DIVIDE(expr) do { UNUSED_ZERO(0xfff00000); uint32_t a = RS1, b = RS2; \
			  if (unlikely(b == 0)) RAISE(CPU_VEC_DIVIDE, 0);	\
			  WR(expr); NEXT(); } while (0)
#define SETCC(f) (c->flags = (c->flags & ~CPU_CC_MASK) | (f))
#define BRANCH()							\
	do {								\
		if (branch_taken[isa_op(insn)] >> (c->flags & CPU_CC_MASK) & 1) \
			TAKEN(pc + ((uint32_t)isa_simm24(insn) << 2)); \
		NEXT();							\
	} while (0)

reload:
	pc = c->pc;
	limit = c->limit;
	code_page = 1;
	if (unlikely(now >= limit))
		goto leave;
	FETCH();
	DISPATCH();

op_undefined:
	ILLEGAL();
op_nop:
	UNUSED_ZERO(0xffffff00);
	NEXT();

op_add:  ALU3(a + b);
op_sub:  ALU3(a - b);
op_and:  ALU3(a & b);
op_or:   ALU3(a | b);
op_xor:  ALU3(a ^ b);
op_nor:  ALU3(~(a | b));
op_shl:  ALU3(a << (b & 31));
op_shr:  ALU3(a >> (b & 31));
op_sar:  ALU3((uint32_t)((int32_t)a >> (b & 31)));
op_mul:  ALU3(a * b);
op_mulh: ALU3((uint32_t)((uint64_t)((int64_t)(int32_t)a *
				    (int64_t)(int32_t)b) >> 32));
op_mulhu: ALU3((uint32_t)(((uint64_t)a * b) >> 32));
op_div:
	DIVIDE(a == 0x80000000u && b == 0xffffffffu ? a
	       : (uint32_t)((int32_t)a / (int32_t)b));
op_divu: DIVIDE(a / b);
op_rem:
	DIVIDE(a == 0x80000000u && b == 0xffffffffu ? 0
	       : (uint32_t)((int32_t)a % (int32_t)b));
op_remu: DIVIDE(a % b);
op_slt:  ALU3((int32_t)a < (int32_t)b);
op_sltu: ALU3(a < b);
op_adds: { uint32_t r; ALU3((SETCC(cc_add(a, b, 0, &r)), r)); }
op_subs: { uint32_t r; ALU3((SETCC(cc_sub(a, b, 0, &r)), r)); }
op_adc:  { uint32_t r; ALU3((SETCC(cc_add(a, b, !!(c->flags & CPU_C), &r)), r)); }
op_sbc:  { uint32_t r; ALU3((SETCC(cc_sub(a, b, !!(c->flags & CPU_C), &r)), r)); }
op_cmp: {
	uint32_t r;
	UNUSED_ZERO(0xfff00f00);
	SETCC(cc_sub(RS1, RS2, 0, &r));
	NEXT();
}
op_tst:
	UNUSED_ZERO(0xfff00f00);
	SETCC(cc_logic(RS1 & RS2));
	NEXT();

op_addi:  ALUI(a + SIMM);
op_andi:  ALUI(a & UIMM);
op_ori:   ALUI(a | UIMM);
op_xori:  ALUI(a ^ UIMM);
op_shli:  SHIFTI(a << n);
op_shri:  SHIFTI(a >> n);
op_sari:  SHIFTI((uint32_t)((int32_t)a >> n));
op_muli:  ALUI(a * SIMM);
op_slti:  ALUI((int32_t)a < (int32_t)SIMM);
op_sltiu: ALUI(a < SIMM);
op_cmpi: {
	uint32_t r;
	UNUSED_ZERO(0x00000f00);
	SETCC(cc_sub(RS1, SIMM, 0, &r));
	NEXT();
}
op_tsti:
	UNUSED_ZERO(0x00000f00);
	SETCC(cc_logic(RS1 & UIMM));
	NEXT();
op_lui:
	WR(isa_imm20(insn) << 12);
	NEXT();

op_ldw:  { uint32_t v; LOAD(4, mem_ld32(h_), v); WR(v); NEXT(); }
op_ldh:  { uint32_t v; LOAD(2, mem_ld16(h_), v); WR((uint32_t)(int16_t)v); NEXT(); }
op_ldhu: { uint32_t v; LOAD(2, mem_ld16(h_), v); WR(v); NEXT(); }
op_ldb:  { uint32_t v; LOAD(1, *h_, v); WR((uint32_t)(int8_t)v); NEXT(); }
op_ldbu: { uint32_t v; LOAD(1, *h_, v); WR(v); NEXT(); }
op_stw: STORE(4, RS1 + SIMM, R[RD], mem_st32(h_, v_)); NEXT();
op_sth: STORE(2, RS1 + SIMM, R[RD], mem_st16(h_, (uint16_t)v_)); NEXT();
op_stb: STORE(1, RS1 + SIMM, R[RD], *h_ = (uint8_t)v_); NEXT();
op_push:
	UNUSED_ZERO(0xffff0f00);
	STORE(4, R[ISA_REG_SP] - 4, RS1, mem_st32(h_, v_));
	R[ISA_REG_SP] -= 4;
	NEXT();
op_pop: {
	uint32_t v, sp = R[ISA_REG_SP];
	UNUSED_ZERO(0xfffff000);
	LOAD_AT(sp, 4, mem_ld32(h_), v);
	R[ISA_REG_SP] = sp + 4;
	WR(v);
	NEXT();
}

op_br: op_beq: op_bne: op_blt: op_bge: op_bgt: op_ble: op_bltu: op_bgeu:
op_bgtu: op_bleu: op_bmi: op_bpl: op_bvs: op_bvc:
	BRANCH();
op_call:
	STORE(4, R[ISA_REG_SP] - 4, pc + 4, mem_st32(h_, v_));
	R[ISA_REG_SP] -= 4;
	TAKEN(pc + ((uint32_t)isa_simm24(insn) << 2));
op_jmpr:
	UNUSED_ZERO(0xffff0f00);
	if (unlikely(RS1 & 3))
		RAISE(CPU_VEC_MISALIGNED, RS1);
	TAKEN(RS1);
op_callr: {
	UNUSED_ZERO(0xffff0f00);
	uint32_t target = RS1;
	if (unlikely(target & 3))
		RAISE(CPU_VEC_MISALIGNED, target);
	STORE(4, R[ISA_REG_SP] - 4, pc + 4, mem_st32(h_, v_));
	R[ISA_REG_SP] -= 4;
	TAKEN(target);
}
op_ret: {
	uint32_t v, sp = R[ISA_REG_SP];
	UNUSED_ZERO(0xffffff00);
	LOAD_AT(sp, 4, mem_ld32(h_), v);
	if (unlikely(v & 3))
		RAISE(CPU_VEC_MISALIGNED, v);
	R[ISA_REG_SP] = sp + 4;
	TAKEN(v);
}

op_trap: {
	unsigned n = isa_trapno(insn);
	UNUSED_ZERO(0xffff0000);
	if (!(c->flags & CPU_P) && n < CPU_VEC_TRAP_FIRST)
		RAISE(CPU_VEC_PRIVILEGED, pc);
	now++;
	SYNC();
	/* A software trap reports no fault address: far keeps its value
	 * even when n names an exception vector (kernel mode only). */
	cpu_exception(vm, n, pc + 4, c->far);
	goto reload;
}
op_brk:
	UNUSED_ZERO(0xffffff00);
	now++;
	pc += 4;
	SYNC();
	if (vm->cfg.on_brk == VM_BRK_STOP) {
		vm_stop(vm, VM_STOP_BREAKPOINT, 0);
		goto leave;
	}
	cpu_exception(vm, CPU_VEC_BREAKPOINT, pc, 0);
	goto reload;
op_getcc:
	UNUSED_ZERO(0xfffff000);
	WR(c->flags & CPU_CC_MASK);
	NEXT();
op_setcc:
	UNUSED_ZERO(0xffff0f00);
	SETCC(RS1 & CPU_CC_MASK);
	NEXT();

op_rti:
	UNUSED_ZERO(0xffffff00);
	PRIVILEGED();
	SYNC();
	if ((vec = cpu_rti(vm, &far)))
		RAISE(vec, far);
	now++;
	c->insns = now;
	goto reload;
op_in: {
	PRIVILEGED();
	uint16_t port = (uint16_t)(RS1 + SIMM);
	SYNC();
	uint32_t v = bus_in(&vm->bus, port);
	WR(v);
	limit = c->limit;
	NEXT();
}
op_out:
	PRIVILEGED();
	SYNC();
	bus_out(&vm->bus, (uint16_t)(RS1 + SIMM), R[RD]);
	limit = c->limit;
	NEXT();
op_ei:
	UNUSED_ZERO(0xffffff00);
	PRIVILEGED();
	c->flags |= CPU_I;
	/* The interrupt shadow: a pending interrupt waits until the next
	 * instruction has run, so "ei; halt" cannot sleep through a wake-up
	 * that was already due (docs/isa.md). */
	if (vm->irq_ready && limit > now + 2)
		limit = c->limit = now + 2;
	NEXT();
op_di:
	UNUSED_ZERO(0xffffff00);
	PRIVILEGED();
	c->flags &= ~CPU_I;
	NEXT();
op_mfcr: {
	uint32_t v;
	/* An undefined encoding (a control register that does not exist)
	 * is illegal in either mode, before any privilege check: the one
	 * definition is isa_valid() (docs/isa.md, section 2). */
	if (unlikely(!isa_valid(insn)))
		ILLEGAL();
	PRIVILEGED();
	SYNC();
	if ((vec = cpu_read_cr(vm, UIMM, &v)))
		ILLEGAL();
	WR(v);
	NEXT();
}
op_mtcr:
	if (unlikely(!isa_valid(insn)))	/* as mfcr: also read-only CRs */
		ILLEGAL();
	PRIVILEGED();
	SYNC();
	if ((vec = cpu_write_cr(vm, UIMM, R[RD])))
		ILLEGAL();
	/* The mode, the interrupt flag or the translation may have
	 * changed: retire, then start over from struct cpu. */
	now++;
	c->pc = pc + 4;
	c->insns = now;
	goto reload;
op_tlbi:
	UNUSED_ZERO(0xffff0f00);
	PRIVILEGED();
	mmu_invalidate_page(vm, RS1);
	code_page = 1;
	NEXT();
op_tlbia:
	UNUSED_ZERO(0xffffff00);
	PRIVILEGED();
	mmu_invalidate_all(vm);
	code_page = 1;
	NEXT();
op_halt:
	UNUSED_ZERO(0xffffff00);
	PRIVILEGED();
	now++;
	pc += 4;
	SYNC();
	if (c->flags & CPU_I)
		c->halted = true;
	else
		vm_stop(vm, VM_STOP_HALT, 0);
	goto leave;

leave:
	SYNC();
}
