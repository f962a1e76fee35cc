/*
 * The interpreter: run decoded instructions from the decode cache.
 *
 * Each instruction word is taken apart once, the first time it runs, into
 * a struct code_entry (mem/code.h) of its page's code page: the handler to
 * run, operands as byte offsets of registers in struct cpu (a write to r0
 * goes to r0_sink, so no handler tests for r0), the immediate extended,
 * and every illegal encoding already turned into ILLEGAL.  The current
 * entry d stands for pc (entries are 8 bytes, words 4, so the address of
 * d is dbias + 2 * pc, and pc = (d - dbias) / 2), computed only where
 * it is needed (jumps, exceptions, leaving).  A branch whose target lies
 * in its own page moves d by a constant; running off a page hits the
 * page's sentinel entry.  So per instruction the loop does the handler's
 * work, one decrement-and-test for "stop, an event or an interrupt is
 * due" (the count reached the limit; see struct cpu) and an indexed jump
 * to the next handler.
 *
 * The condition codes are lazy: a compare (cmp, cmpi, subs) keeps its two
 * operands, and a branch after it compares them directly; any other
 * reader gets the flags computed from them (CC()).  pc, the count, the
 * run limit and the condition codes live in locals and are written back
 * to struct cpu (SYNC) before anything outside this file can look:
 * exceptions, ports, control registers, leaving.  So getcc, setcc,
 * exception frames, the monitor and checkpoints see the same flags.
 */
#include <stddef.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/isa.h"
#include "cpu/vm.h"
#include "mem/code.h"

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

/*
 * Handler numbers (struct code_entry's op): an instruction's own opcode,
 * or one of these, outside the opcode space the ISA uses (below 0x80).
 */
enum {
	XOP_FAR = 0x80,		/* | branch opcode: a target in another page */
	XOP_BREAK = 0xfd,	/* a word at a fetch breakpoint's offset */
	XOP_ILLEGAL = 0xfe,	/* any undefined encoding */
};
#define INSN(name, op, fmt, priv) \
	_Static_assert(op < XOP_FAR && op != CODE_OP_UNDECODED, #name);
#include "cpu/isa.def"
#undef INSN
_Static_assert(CODE_OP_PAGE_END == 0xff, "the sentinel's handler");
_Static_assert(offsetof(struct cpu, r) == 0, "registers at offset 0");
_Static_assert(offsetof(struct code_page, e) == 0, "a code page from d");

/* Register operands are byte offsets in struct cpu. */
static inline uint8_t src_reg(unsigned n)
{
	return (uint8_t)(4 * n);
}
static inline uint8_t dst_reg(unsigned n)
{
	return n ? (uint8_t)(4 * n) : (uint8_t)offsetof(struct cpu, r0_sink);
}
_Static_assert(offsetof(struct cpu, r0_sink) < 256, "r0_sink in reach");

/* Take the word at entry idx of its page apart.  local: a branch into the
 * same page may become a move of the entry pointer (not when the entry is
 * a lone copy, for a stale translation). */
static struct code_entry decode(uint32_t w, unsigned idx, bool local)
{
	unsigned op = isa_op(w);
	struct code_entry e = { .op = (uint8_t)op };
	if (!isa_valid(w)) {
		e.op = XOP_ILLEGAL;
		return e;
	}
	bool rd_is_source = op == ISA_OP_stw || op == ISA_OP_sth ||
			    op == ISA_OP_stb || op == ISA_OP_out ||
			    op == ISA_OP_mtcr;
	e.rd = rd_is_source ? src_reg(isa_rd(w)) : dst_reg(isa_rd(w));
	e.rs1 = src_reg(isa_rs1(w));
	e.rs2 = src_reg(isa_rs2(w));
	switch (isa_table[op].format) {
	case ISA_F_I: case ISA_F_CI: case ISA_F_M:
		e.imm = (uint32_t)isa_simm16(w);
		break;
	case ISA_F_IU: case ISA_F_SH: case ISA_F_CIU: case ISA_F_CRR:
	case ISA_F_CRW:
		e.imm = isa_uimm16(w);
		break;
	case ISA_F_U:
		e.imm = isa_imm20(w) << 12;
		break;
	case ISA_F_T:
		e.imm = isa_trapno(w);
		break;
	case ISA_F_B: {
		int32_t k = isa_simm24(w), t = (int32_t)idx + k;
		if (local && t >= 0 && t < CODE_ENTRIES) {
			e.imm = (uint32_t)k;	/* entries */
		} else {
			e.op |= XOP_FAR;
			e.imm = (uint32_t)k << 2;	/* bytes */
		}
		break;
	}
	default:
		break;
	}
	return e;
}

/* The flags of a - b (cmp), for the lazy condition codes. */
static inline uint32_t cc_of_sub(uint32_t a, uint32_t b)
{
	uint32_t r;
	return cc_sub(a, b, 0, &r);
}

/* ccf's value while the condition codes are those of cca - ccb. */
#define CC_LAZY 0x80000000u

void cpu_run(struct vm *vm)
{
	struct cpu *const c = &vm->cpu;
	char *const R = (char *)c;
	struct code_entry *d;
	uintptr_t dbias = 0;		/* (uintptr_t)d - 2 * pc, in this page */
	struct code_entry lone[2];	/* one decoded word, for a stale page */
	uint32_t vpage = 1;		/* d's virtual page; 1: never equal */
	uint32_t pc, cca = 0, ccb = 0, ccf;
	uint64_t end, left;		/* see COUNT() */
	unsigned vec;
	uint32_t far;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
	static const void *const dispatch[256] = {
		[0 ... 255] = &&op_illegal,
		[CODE_OP_UNDECODED] = &&op_undecoded,
		[CODE_OP_PAGE_END] = &&op_page_end,
		[XOP_BREAK] = &&op_break,
#define INSN(name, op, fmt, priv) [op] = &&op_##name,
#include "cpu/isa.def"
#undef INSN
#define FAR(name) [XOP_FAR | ISA_OP_##name] = &&far_##name
		FAR(br), FAR(beq), FAR(bne), FAR(blt), FAR(bge), FAR(bgt),
		FAR(ble), FAR(bltu), FAR(bgeu), FAR(bgtu), FAR(bleu),
		FAR(bmi), FAR(bpl), FAR(bvs), FAR(bvc), FAR(call),
#undef FAR
	};
#pragma GCC diagnostic pop

#define REG(off) (*(uint32_t *)(R + (off)))
#define RD REG(d->rd)
#define RS1 REG(d->rs1)
#define RS2 REG(d->rs2)
#define IMM (d->imm)
#define SP c->r[ISA_REG_SP]
#define WR(v) (REG(d->rd) = (v))
#define PC() ((uint32_t)(((uintptr_t)d - dbias) >> 1))
#define ENTRY_OF(pc) ((struct code_entry *)(dbias + 2 * (uintptr_t)(pc)))
#define CC() (ccf == CC_LAZY ? cc_of_sub(cca, ccb) : ccf)
#define SET_CC(f) (ccf = (f))
#define SET_CC_SUB(a, b) (cca = (a), ccb = (b), ccf = CC_LAZY)
/* The bytes of the guest page whose code page holds entry d (entry idx of
 * it) as they are now: a memory manager (mem/pool.h) may have swapped
 * them out or moved them since. */
#define CODE_BYTES(d, idx, page)					\
	do {								\
		const struct code_page *cp_ =				\
			(const struct code_page *)((d) - (idx));	\
		(page) = mem_host_page(&vm->mem,			\
				       cp_->gpa >> MEM_PAGE_SHIFT);	\
		if (unlikely(!(page)) &&				\
		    !((page) = mem_page(&vm->mem, cp_->gpa))) {		\
			vm_stop(vm, VM_STOP_HOST_ERROR, 0); /* no memory */ \
			RAISE(CPU_VEC_BUS_ERROR, cp_->gpa);		\
		}							\
	} while (0)
/* A fetch breakpoint the run has arrived at (vm_set_fetch_breaks). */
#define AT_BREAK(pc)							\
	(NOW() + c->exceptions != vm->fetch_break_mark &&		\
	 vm_fetch_break_at(vm, (pc)))
/* Before anything outside can look: pc is the current instruction's. */
#define SYNC()								\
	do {								\
		c->pc = PC();						\
		c->insns = NOW();					\
		c->flags = (c->flags & ~CPU_CC_MASK) | CC();		\
	} while (0)
/* What a device may look at during IN and OUT: where the CPU is and its
 * count.  No device reads the condition codes, and the run's exit syncs
 * them, so port I/O does not pay for merging them. */
#define SYNC_IO()							\
	do {								\
		c->pc = PC();						\
		c->insns = NOW();					\
	} while (0)
#define DISPATCH() goto *dispatch[d->op]
/* The count: the run stops when it reaches end (c->limit, at the latest
 * one instruction on), left instructions from now, so retiring one is a
 * decrement and a test for zero. */
#define NOW() (end - left)
#define SET_LIMIT(l)							\
	do {								\
		uint64_t n_ = NOW(), l_ = (l);				\
		end = l_ > n_ ? l_ : n_ + 1;				\
		left = end - n_;					\
	} while (0)
/* Retire the instruction; go on at d. */
#define COUNT_DISPATCH()						\
	do {								\
		if (unlikely(--left == 0))				\
			goto leave;					\
		DISPATCH();						\
	} while (0)
#define NEXT() do { d++; COUNT_DISPATCH(); } while (0)
/* Retire, and go on at pc = target, wherever it is. */
#define GOTO_PC(target)							\
	do {								\
		pc = (target);						\
		if (unlikely(--left == 0))				\
			goto leave_at_pc;				\
		if (likely((pc & ~MEM_PAGE_MASK) == vpage)) {		\
			d = ENTRY_OF(pc);				\
			DISPATCH();					\
		}							\
		goto lookup;						\
	} while (0)
/* Retire, and find the next instruction through the fetch TLB again. */
#define NEXT_LOOKUP()							\
	do {								\
		pc = PC() + 4;						\
		if (unlikely(--left == 0))				\
			goto leave_at_pc;				\
		goto lookup;						\
	} while (0)
/* A taken jump starts a new run: note it in the history ring. */
#define HIST(target)							\
	do {								\
		if (unlikely(c->hist_on))				\
			cpu_hist_record(c, (target), PC(), NOW() + 1, 0, \
					CPU_HIST_JUMP);			\
	} while (0)
#define TAKEN(target)							\
	do {								\
		uint32_t t_ = (target);					\
		HIST(t_);						\
		GOTO_PC(t_);						\
	} while (0)
/* A branch to an entry of this page: k entries on. */
#define TAKEN_LOCAL(k)							\
	do {								\
		int32_t k_ = (int32_t)(k);				\
		HIST(PC() + (uint32_t)k_ * 4);				\
		d += k_;						\
		COUNT_DISPATCH();					\
	} while (0)
/* Fault: the instruction has no effect and does not retire. */
#define RAISE(v, f)							\
	do {								\
		uint32_t f_ = (f);					\
		SYNC();							\
		cpu_exception(vm, (v), c->pc, f_);			\
		goto reload;						\
	} while (0)
#define ILLEGAL() RAISE(CPU_VEC_ILLEGAL, PC())
#define PRIVILEGED()							\
	do {								\
		if (unlikely(!(c->flags & CPU_P)))			\
			RAISE(CPU_VEC_PRIVILEGED, PC());		\
	} while (0)
#define LOAD_AT(addr, size, expr_of_host, out)			\
	do {								\
		uint32_t a_ = (addr);					\
		struct mmu_tlb *t_ = c->tlb_cur;			\
		unsigned i_ = mmu_slot(a_);				\
		vm->mmu.stats.accesses[MMU_READ]++;			\
		if (likely(t_->r_tag[i_] == mmu_tag(a_, size))) {	\
			const uint8_t *h_ =				\
				(const uint8_t *)(t_->r_addend[i_] + a_); \
			out = expr_of_host;				\
		} else if ((vec = mmu_load(vm, a_, size, &out, &far))) { \
			RAISE(vec, far);				\
		}							\
	} while (0)
#define LOAD(size, expr_of_host, out)					\
	LOAD_AT(RS1 + IMM, size, expr_of_host, out)
/* A store that misses the write TLB goes to its one slow path, mmu_store
 * (mem/mmu.h).  If that changed a page table, the fetch TLB was flushed:
 * finish this instruction, then come back through struct cpu, so the
 * next fetch is translated anew as it would be on a real TLB. */
#define STORE(size, addr, val, store_host)				\
	do {								\
		uint32_t a_ = (addr), v_ = (val);			\
		struct mmu_tlb *t_ = c->tlb_cur;			\
		unsigned i_ = mmu_slot(a_);				\
		vm->mmu.stats.accesses[MMU_WRITE]++;			\
		if (likely(t_->w_tag[i_] == mmu_tag(a_, size))) {	\
			uint8_t *h_ = (uint8_t *)(t_->w_addend[i_] + a_); \
			store_host;					\
		} else {						\
			if ((vec = mmu_store(vm, a_, size, v_, &far)))	\
				RAISE(vec, far);			\
			if (vpage != 1 &&				\
			    c->tlb_cur->x_tag[mmu_slot(vpage)] != vpage) \
				SET_LIMIT(0);				\
		}							\
	} while (0)
#define ALU3(expr) do { uint32_t a = RS1, b = RS2; WR(expr); NEXT(); } while (0)
#define ALUI(expr) do { uint32_t a = RS1, b = IMM; WR(expr); NEXT(); } while (0)
#define DIVIDE(expr) do { uint32_t a = RS1, b = RS2;			\
			  if (unlikely(b == 0)) RAISE(CPU_VEC_DIVIDE, 0);	\
			  WR(expr); NEXT(); } while (0)
/* A branch: taken if the lazy compare says so (a op b), or else if the
 * flags say so (the table). */
#define BRANCH(name, lazy_cond)						\
	op_##name:							\
		if (ccf == CC_LAZY ? (lazy_cond)			\
		    : branch_taken[ISA_OP_##name] >> ccf & 1)		\
			TAKEN_LOCAL(IMM);				\
		NEXT();							\
	far_##name:							\
		if (ccf == CC_LAZY ? (lazy_cond)			\
		    : branch_taken[ISA_OP_##name] >> ccf & 1)		\
			TAKEN(PC() + IMM);				\
		NEXT()
#define A cca
#define B ccb
#define S(x) ((int32_t)(x))
#define V_SUB ((((A ^ B) & (A ^ (A - B))) >> 31) != 0)

	vm->poll.valid = false;	/* memory may have changed since */
reload:
	pc = c->pc;
	ccf = c->flags & CPU_CC_MASK;
	if (unlikely(c->insns >= c->limit))
		return;	/* nothing to run; struct cpu is as it was */
	end = c->limit;
	left = end - c->insns;
	/* pc (a multiple of 4) through the fetch TLB to its code page. */
lookup: {
	struct mmu_tlb *t = c->tlb_cur;
	struct code_page *cp;
	uint8_t *host;
	if (likely(t->x_tag[mmu_slot(pc)] == mmu_tag(pc, 4))) {
		cp = t->x_code[mmu_slot(pc)];
	} else if (unlikely(vm->fetch_break_armed) && AT_BREAK(pc)) {
		/* Before the fetch: a breakpoint where the fetch faults
		 * stops first, and the fault is counted once, on going on. */
		goto at_break;
	} else if ((vec = mmu_fetch_code(vm, pc, &cp, &host, &far))) {
		c->pc = pc;
		c->insns = NOW();
		c->flags = (c->flags & ~CPU_CC_MASK) | CC();
		cpu_exception(vm, vec, pc, far);
		goto reload;
	}
	if (likely(cp != NULL)) {
		vpage = pc & ~MEM_PAGE_MASK;
		dbias = (uintptr_t)cp->e - 2 * (uintptr_t)vpage;
		d = ENTRY_OF(pc);
	} else {
		/* A stale translation: this one word, then back here. */
		lone[0] = decode(mem_ld32(host + (pc & MEM_PAGE_MASK)), 0,
				 false);
		lone[1] = (struct code_entry){ .op = CODE_OP_PAGE_END };
		d = lone;
		dbias = (uintptr_t)lone - 2 * (uintptr_t)pc;
		vpage = 1;
	}
	DISPATCH();
}

op_undecoded: {
	/* Never a lone copy: d is in a code page, entry idx of it. */
	unsigned idx = (PC() & MEM_PAGE_MASK) >> 2;
	const uint8_t *page;
	CODE_BYTES(d, idx, page);
	*d = decode(mem_ld32(page + 4 * idx), idx, true);
	/* A word where a fetch breakpoint could be, in whichever virtual
	 * page this physical one is run at: a check first (op_break). */
	for (unsigned i = 0; unlikely(i < vm->nfetch_break); i++)
		if (((vm->fetch_break[i] & MEM_PAGE_MASK) >> 2) == idx)
			d->op = XOP_BREAK;
	DISPATCH();
}
op_break: {
	pc = PC();
	if (vm->fetch_break_armed && AT_BREAK(pc))
		goto at_break;
	/* Not one here (another virtual page, or not armed): run the word
	 * from a lone copy, as for a stale page. */
	unsigned idx = (pc & MEM_PAGE_MASK) >> 2;
	const uint8_t *page;
	CODE_BYTES(d, idx, page);
	lone[0] = decode(mem_ld32(page + 4 * idx), 0, false);
	lone[1] = (struct code_entry){ .op = CODE_OP_PAGE_END };
	d = lone;
	dbias = (uintptr_t)lone - 2 * (uintptr_t)pc;
	vpage = 1;
	DISPATCH();
}
at_break:
	/* Before the instruction at pc: vm_run returns (vm_set_fetch_breaks). */
	vm->yield = 1;
	goto leave_at_pc;
op_page_end:
	pc = PC();
	goto lookup;
op_illegal:
	ILLEGAL();
op_nop:
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
op_adds: { uint32_t r; ALU3((SET_CC(cc_add(a, b, 0, &r)), r)); }
op_subs: ALU3((SET_CC_SUB(a, b), a - b));
op_adc:  { uint32_t r; ALU3((SET_CC(cc_add(a, b, !!(CC() & CPU_C), &r)), r)); }
op_sbc:  { uint32_t r; ALU3((SET_CC(cc_sub(a, b, !!(CC() & CPU_C), &r)), r)); }
op_cmp:
	SET_CC_SUB(RS1, RS2);
	NEXT();
op_tst:
	SET_CC(cc_logic(RS1 & RS2));
	NEXT();

op_addi:  ALUI(a + b);
op_andi:  ALUI(a & b);
op_ori:   ALUI(a | b);
op_xori:  ALUI(a ^ b);
op_shli:  ALUI(a << b);
op_shri:  ALUI(a >> b);
op_sari:  ALUI((uint32_t)((int32_t)a >> b));
op_muli:  ALUI(a * b);
op_slti:  ALUI((int32_t)a < (int32_t)b);
op_sltiu: ALUI(a < b);
op_cmpi:
	SET_CC_SUB(RS1, IMM);
	NEXT();
op_tsti:
	SET_CC(cc_logic(RS1 & IMM));
	NEXT();
op_lui:
	WR(IMM);
	NEXT();

/* Handlers that call out (a slow path, a device) read rd first: what they
 * call may overwrite this very word and so forget its entry. */
#define LOADER(size, expr_of_host, ext)					\
	do {								\
		unsigned rd = d->rd;					\
		uint32_t v;						\
		LOAD(size, expr_of_host, v);				\
		REG(rd) = (ext);					\
		NEXT();							\
	} while (0)
op_ldw:  LOADER(4, mem_ld32(h_), v);
op_ldh:  LOADER(2, mem_ld16(h_), (uint32_t)(int16_t)v);
op_ldhu: LOADER(2, mem_ld16(h_), v);
op_ldb:  LOADER(1, *h_, (uint32_t)(int8_t)v);
op_ldbu: LOADER(1, *h_, v);
op_stw: STORE(4, RS1 + IMM, RD, mem_st32(h_, v_)); NEXT();
op_sth: STORE(2, RS1 + IMM, RD, mem_st16(h_, (uint16_t)v_)); NEXT();
op_stb: STORE(1, RS1 + IMM, RD, *h_ = (uint8_t)v_); NEXT();
op_push:
	STORE(4, SP - 4, RS1, mem_st32(h_, v_));
	SP -= 4;
	NEXT();
op_pop: {
	unsigned rd = d->rd;
	uint32_t v, sp = SP;
	LOAD_AT(sp, 4, mem_ld32(h_), v);
	SP = sp + 4;
	REG(rd) = v;
	NEXT();
}

	BRANCH(br, 1);
	BRANCH(beq, A == B);
	BRANCH(bne, A != B);
	BRANCH(blt, S(A) < S(B));
	BRANCH(bge, S(A) >= S(B));
	BRANCH(bgt, S(A) > S(B));
	BRANCH(ble, S(A) <= S(B));
	BRANCH(bltu, A < B);
	BRANCH(bgeu, A >= B);
	BRANCH(bgtu, A > B);
	BRANCH(bleu, A <= B);
	BRANCH(bmi, S(A - B) < 0);
	BRANCH(bpl, S(A - B) >= 0);
	BRANCH(bvs, V_SUB);
	BRANCH(bvc, !V_SUB);
op_call: {
	int32_t k = (int32_t)IMM;	/* read before the store: it may
					 * overwrite this very word */
	STORE(4, SP - 4, PC() + 4, mem_st32(h_, v_));
	SP -= 4;
	TAKEN_LOCAL(k);
}
far_call: {
	uint32_t target = PC() + IMM;
	STORE(4, SP - 4, PC() + 4, mem_st32(h_, v_));
	SP -= 4;
	TAKEN(target);
}
op_jmpr: {
	uint32_t target = RS1;
	if (unlikely(target & 3))
		RAISE(CPU_VEC_MISALIGNED, target);
	TAKEN(target);
}
op_callr: {
	uint32_t target = RS1;
	if (unlikely(target & 3))
		RAISE(CPU_VEC_MISALIGNED, target);
	STORE(4, SP - 4, PC() + 4, mem_st32(h_, v_));
	SP -= 4;
	TAKEN(target);
}
op_ret: {
	uint32_t v, sp = SP;
	LOAD_AT(sp, 4, mem_ld32(h_), v);
	if (unlikely(v & 3))
		RAISE(CPU_VEC_MISALIGNED, v);
	SP = sp + 4;
	TAKEN(v);
}

op_trap: {
	unsigned n = IMM;
	if (!(c->flags & CPU_P) && n < CPU_VEC_TRAP_FIRST)
		RAISE(CPU_VEC_PRIVILEGED, PC());
	left--;
	SYNC();
	/* A software trap reports no fault address: far keeps its value
	 * even when n names an exception vector (kernel mode only). */
	cpu_exception(vm, n, c->pc + 4, c->far);
	goto reload;
}
op_brk:
	left--;
	SYNC();
	c->pc += 4;
	if (vm->cfg.on_brk == VM_BRK_STOP) {
		vm_stop(vm, VM_STOP_BREAKPOINT, 0);
		return;
	}
	cpu_exception(vm, CPU_VEC_BREAKPOINT, c->pc, 0);
	goto reload;
op_getcc:
	WR(CC());
	NEXT();
op_setcc:
	SET_CC(RS1 & CPU_CC_MASK);
	NEXT();

op_rti:
	PRIVILEGED();
	SYNC();
	if ((vec = cpu_rti(vm, &far)))
		RAISE(vec, far);
	c->insns = NOW() + 1;
	goto reload;
op_in: {
	PRIVILEGED();
	unsigned rd = d->rd;
	uint16_t port = (uint16_t)(RS1 + IMM);
	SYNC_IO();
	uint64_t effects = vm->bus.effects;
	uint32_t v = bus_in(&vm->bus, port);
	REG(rd) = v;
	SET_LIMIT(c->limit);
	/* A read without effect: perhaps a poll going round (cpu/poll.h). */
	if (vm->bus.effects == effects && !vm->cfg.exact_polls &&
	    !vm->bus.trace && !vm->trace) {
		SYNC();
		uint64_t n = cpu_poll_skip(vm, PC(), NOW(), end);
		left -= n;
		vm->poll_skipped += n;
	}
	NEXT();
}
op_out:
	PRIVILEGED();
	SYNC_IO();
	bus_out(&vm->bus, (uint16_t)(RS1 + IMM), RD);
	SET_LIMIT(c->limit);
	NEXT();
op_ei:
	PRIVILEGED();
	c->flags |= CPU_I;
	/* The interrupt shadow: a pending interrupt waits until the next
	 * instruction has run, so "ei; halt" cannot sleep through a wake-up
	 * that was already due (docs/isa.md). */
	if (vm->irq_ready && end > NOW() + 2) {
		c->limit = NOW() + 2;
		SET_LIMIT(c->limit);
	}
	NEXT();
op_di:
	PRIVILEGED();
	c->flags &= ~CPU_I;
	NEXT();
op_mfcr: {
	uint32_t v;
	/* An undefined control register was made ILLEGAL by decode(), in
	 * either mode, before any privilege check: the one definition is
	 * isa_valid() (docs/isa.md, section 2). */
	PRIVILEGED();
	SYNC();
	if ((vec = cpu_read_cr(vm, IMM, &v)))
		ILLEGAL();
	WR(v);
	NEXT();
}
op_mtcr:
	PRIVILEGED();
	SYNC();
	if ((vec = cpu_write_cr(vm, IMM, RD)))
		ILLEGAL();
	/* The mode, the interrupt flag or the translation may have
	 * changed: retire, then start over from struct cpu. */
	c->pc += 4;
	c->insns = NOW() + 1;
	goto reload;
op_tlbi:
	PRIVILEGED();
	mmu_invalidate_page(vm, RS1);
	NEXT_LOOKUP();
op_tlbia:
	PRIVILEGED();
	mmu_invalidate_all(vm);
	NEXT_LOOKUP();
op_halt:
	PRIVILEGED();
	left--;
	SYNC();
	c->pc += 4;
	if (c->flags & CPU_I)
		c->halted = true;
	else
		vm_stop(vm, VM_STOP_HALT, 0);
	return;

leave:
	SYNC();
	return;
leave_at_pc:
	c->pc = pc;
	c->insns = NOW();
	c->flags = (c->flags & ~CPU_CC_MASK) | CC();
}
