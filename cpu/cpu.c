/*
 * The CPU outside the interpreter loop: reset, the one exception entry,
 * control registers, rti.  Rare paths, written for clarity.
 */
#include "cpu/cpu.h"

#include <stdio.h>
#include <string.h>

#include "cpu/isa.h"
#include "cpu/vm.h"

static const char *const vector_names[] = {
	[CPU_VEC_RESET] = "reset",
	[CPU_VEC_ILLEGAL] = "illegal instruction",
	[CPU_VEC_PRIVILEGED] = "privileged instruction",
	[CPU_VEC_PAGE_FAULT] = "page fault",
	[CPU_VEC_DIVIDE] = "divide by zero",
	[CPU_VEC_MISALIGNED] = "misaligned access",
	[CPU_VEC_BREAKPOINT] = "breakpoint",
	[CPU_VEC_DOUBLE_FAULT] = "double fault",
	[CPU_VEC_BUS_ERROR] = "bus error",
};

const char *cpu_vector_name(unsigned vec)
{
	if (vec < sizeof vector_names / sizeof *vector_names &&
	    vector_names[vec])
		return vector_names[vec];
	if (vec >= CPU_VEC_IRQ0 && vec < CPU_VEC_TRAP_FIRST)
		return "interrupt";
	if (vec >= CPU_VEC_TRAP_FIRST && vec < CPU_VEC_COUNT)
		return "trap";
	return "reserved";
}

void cpu_reset(struct cpu *c, uint32_t entry)
{
	memset(c->r, 0, sizeof c->r);
	c->pc = entry;
	c->hist_next = 0;
	cpu_hist_record(c, entry, entry, c->insns, 0, CPU_HIST_JUMP);
	c->cascade.entries = 0;
	c->flags = CPU_P;
	c->other_sp = 0;
	c->vbr = c->ptbr = c->paging = c->far = c->cause = c->kscratch = 0;
	c->halted = false;
	c->limit = 0;
	c->tlb_cur = &c->tlb[0];
}

void cpu_set_flags(struct cpu *c, uint32_t flags)
{
	flags &= CPU_FLAGS_MASK;
	if ((flags ^ c->flags) & CPU_P) {
		uint32_t sp = c->r[ISA_REG_SP];
		c->r[ISA_REG_SP] = c->other_sp;
		c->other_sp = sp;
	}
	c->flags = flags;
	c->tlb_cur = &c->tlb[!(flags & CPU_P)];
}

static bool vector_sets_far(unsigned vec)
{
	return vec == CPU_VEC_ILLEGAL || vec == CPU_VEC_PRIVILEGED ||
	       vec == CPU_VEC_PAGE_FAULT || vec == CPU_VEC_MISALIGNED ||
	       vec == CPU_VEC_BUS_ERROR;
}

/* Push the frame and jump through the vector; false if any step faults.
 * Registers change only if it succeeds; a frame that straddles a page
 * boundary may leave its first word written (docs/isa.md, Double fault). */
static bool deliver(struct vm *vm, unsigned vec, uint32_t saved_pc)
{
	struct cpu *c = &vm->cpu;
	uint32_t handler, far;
	uint32_t old_flags = c->flags, old_sp = c->r[ISA_REG_SP],
		 old_other = c->other_sp;

	/* The vector table is physical (docs/isa.md, Vectors). */
	uint64_t slot = (uint64_t)c->vbr + 4u * vec;
	if (slot > UINT32_MAX ||
	    mem_read(&vm->mem, (uint32_t)slot, &handler, 4) != 0)
		return false;
	handler = mem_ld32((const uint8_t *)&handler);
	if (handler & 3)
		return false;

	/* The frame goes on the kernel stack with kernel permissions. */
	cpu_set_flags(c, (old_flags | CPU_P) & ~CPU_I);
	uint32_t ksp = c->r[ISA_REG_SP];
	if (mmu_write32(vm, ksp - 4, old_flags, &far) ||
	    mmu_write32(vm, ksp - 8, saved_pc, &far)) {
		c->flags = old_flags;
		c->tlb_cur = &c->tlb[!(old_flags & CPU_P)];
		c->r[ISA_REG_SP] = old_sp;
		c->other_sp = old_other;
		return false;
	}
	c->r[ISA_REG_SP] = ksp - 8;
	c->pc = handler;
	c->halted = false;
	cpu_hist_record(c, handler, saved_pc, c->insns, vec,
			CPU_HIST_EXCEPTION);
	return true;
}

void cpu_exception(struct vm *vm, unsigned cause, uint32_t saved_pc,
		   uint32_t far)
{
	struct cpu *c = &vm->cpu;
	unsigned vec = cause & 0xff;

	c->exceptions++;
	c->vectors[vec]++;
	if (c->limit > c->insns)
		c->limit--;	/* the budget: see struct cpu */

	struct cpu_cascade *k = &c->cascade;
	if (!k->entries || k->last_insns != c->insns) {
		*k = (struct cpu_cascade){ .cause = cause, .saved_pc = saved_pc,
					   .flags = c->flags, .vbr = c->vbr,
					   .insns = c->insns };
	} else if (k->entries == 1) {
		/* A cascade after all: keep the word that started it. */
		uint32_t pa;
		k->have_insn = !mmu_peek(vm, k->saved_pc, MMU_FETCH,
					 !(k->flags & CPU_P), &pa) &&
			       !mem_read(&vm->mem, pa, &k->insn, 4);
		k->insn = mem_ld32((const uint8_t *)&k->insn);
	}
	k->entries++;
	k->last_insns = c->insns;

	c->cause = cause;
	if (vector_sets_far(vec))
		c->far = far;
	if (deliver(vm, vec, saved_pc))
		goto traced;

	c->cause = CPU_VEC_DOUBLE_FAULT;
	c->far = vec;
	c->vectors[CPU_VEC_DOUBLE_FAULT]++;
	if (deliver(vm, CPU_VEC_DOUBLE_FAULT, saved_pc))
		goto traced;

	uint32_t ksp = (c->flags & CPU_P) ? c->r[ISA_REG_SP] : c->other_sp;
	snprintf(vm->stop_detail, sizeof vm->stop_detail,
		 "double fault: could not deliver vector %u (%s) at "
		 "pc=0x%08x, nor the double fault: kernel sp=0x%08x, "
		 "vbr=0x%08x", vec, cpu_vector_name(vec), saved_pc, ksp,
		 c->vbr);
	c->pc = saved_pc;
	vm_stop(vm, VM_STOP_DOUBLE_FAULT, 0);
	return;
traced:
	if (vm->trace && vm->trace->exception)
		vm->trace->exception(vm->trace->opaque, c->cause, saved_pc,
				     c->pc);
}

void cpu_check_irq(struct vm *vm)
{
	if ((vm->cpu.flags & CPU_I) && vm->irq_ready)
		vm->cpu.limit = 0;
}

unsigned cpu_read_cr(struct vm *vm, unsigned cr, uint32_t *out)
{
	struct cpu *c = &vm->cpu;
	switch (cr) {
	case ISA_CR_FLAGS: *out = c->flags; break;
	case ISA_CR_VBR: *out = c->vbr; break;
	case ISA_CR_PTBR: *out = c->ptbr; break;
	case ISA_CR_PAGING: *out = c->paging; break;
	case ISA_CR_FAR: *out = c->far; break;
	case ISA_CR_CAUSE: *out = c->cause; break;
	case ISA_CR_USP: *out = c->other_sp; break;
	case ISA_CR_KSCRATCH: *out = c->kscratch; break;
	/* The count and the time: a loop that reads them is not the same
	 * from one turn to the next (cpu/poll.h). */
	case ISA_CR_ICOUNT: vm->bus.effects++;
		*out = (uint32_t)c->insns; break;
	case ISA_CR_ICOUNTH: vm->bus.effects++;
		*out = (uint32_t)(c->insns >> 32); break;
	/* Virtual time, halted ticks included (docs/isa.md, "Time"). */
	case ISA_CR_TIME: vm->bus.effects++;
		*out = (uint32_t)vm_now(vm); break;
	case ISA_CR_TIMEH: vm->bus.effects++;
		*out = (uint32_t)(vm_now(vm) >> 32); break;
	default: return CPU_VEC_ILLEGAL;
	}
	return 0;
}

unsigned cpu_write_cr(struct vm *vm, unsigned cr, uint32_t v)
{
	struct cpu *c = &vm->cpu;
	switch (cr) {
	case ISA_CR_FLAGS:
		cpu_set_flags(c, v);
		cpu_check_irq(vm);
		break;
	case ISA_CR_VBR: c->vbr = v & ~3u; break;
	case ISA_CR_PTBR: mmu_set_ptbr(vm, v); break;
	case ISA_CR_PAGING: mmu_set_paging(vm, v); break;
	case ISA_CR_FAR: c->far = v; break;
	case ISA_CR_CAUSE: c->cause = v; break;
	case ISA_CR_USP: c->other_sp = v; break;
	case ISA_CR_KSCRATCH: c->kscratch = v; break;
	default: return CPU_VEC_ILLEGAL;
	}
	return 0;
}

unsigned cpu_rti(struct vm *vm, uint32_t *far)
{
	struct cpu *c = &vm->cpu;
	uint32_t sp = c->r[ISA_REG_SP], pc, flags;
	unsigned vec;

	if ((vec = mmu_read32(vm, sp, &pc, far)) ||
	    (vec = mmu_read32(vm, sp + 4, &flags, far)))
		return vec;
	if (pc & 3) {
		*far = pc;
		return CPU_VEC_MISALIGNED;
	}
	c->r[ISA_REG_SP] = sp + 8;
	cpu_set_flags(c, flags);
	cpu_hist_record(c, pc, c->pc, c->insns + 1, 0, CPU_HIST_JUMP);
	c->pc = pc;
	cpu_check_irq(vm);
	return 0;
}
