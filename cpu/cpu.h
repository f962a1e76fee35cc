/*
 * The CPU: registers, flags, control registers, exception entry.
 * The architecture is docs/isa.md; this is its state.
 */
#ifndef AULA_CPU_H
#define AULA_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/mmu.h"

/* flags register bits (docs/isa.md, section 1) */
enum cpu_flag {
	CPU_Z = 1u << 0, CPU_N = 1u << 1, CPU_C = 1u << 2, CPU_V = 1u << 3,
	CPU_I = 1u << 4, CPU_P = 1u << 5,
};
#define CPU_CC_MASK (CPU_Z | CPU_N | CPU_C | CPU_V)
#define CPU_FLAGS_MASK (CPU_CC_MASK | CPU_I | CPU_P)

enum cpu_vector {
	CPU_VEC_RESET = 0,
	CPU_VEC_ILLEGAL = 1,
	CPU_VEC_PRIVILEGED = 2,
	CPU_VEC_PAGE_FAULT = 3,
	CPU_VEC_DIVIDE = 4,
	CPU_VEC_MISALIGNED = 5,
	CPU_VEC_BREAKPOINT = 6,
	CPU_VEC_DOUBLE_FAULT = 7,
	CPU_VEC_BUS_ERROR = 8,
	CPU_VEC_IRQ0 = 16,
	CPU_VEC_TRAP_FIRST = 32,	/* first vector user mode may trap to */
	CPU_VEC_COUNT = 256,
};

/*
 * The history ring: where each straight-line run of instructions began
 * (a taken jump or an exception entry) and the instruction count there.
 * Run i spans from its entry to the next one's count, so the last
 * CPU_HISTORY runs can be replayed for the monitor's `history`.  It is
 * kept only when something can read it (hist_on, from struct vm_config's
 * history: the monitor asks for it); each taken jump then costs about 17
 * host instructions more (docs/performance.md).
 */
#define CPU_HISTORY 256		/* runs kept; a power of two */

enum cpu_hist_kind { CPU_HIST_JUMP, CPU_HIST_EXCEPTION };

struct cpu_hist {
	uint32_t pc;		/* first instruction of the run */
	uint32_t cause;		/* the cause, for CPU_HIST_EXCEPTION only */
	uint64_t insns;		/* instructions retired before it */
	uint32_t from;		/* the jump's own pc, or the saved pc */
	uint32_t kind;		/* enum cpu_hist_kind */
};

/* A cascade: exception entries with no instruction retired between them,
 * as when a handler faults on its first instruction (no vector table:
 * every handler is address 0).  Its first entry is kept aside, for the
 * monitor to explain a crash from its cause after the ring has filled
 * with its echoes. */
struct cpu_cascade {
	uint64_t entries;	/* entries so far; 0: none yet */
	uint64_t last_insns;	/* insns at the latest entry */
	uint32_t cause;		/* of the first entry ... */
	uint32_t saved_pc;	/* the pc it saved */
	uint32_t flags;		/* the flags before it (the mode) */
	uint32_t vbr;		/* and vbr then */
	uint64_t insns;		/* insns at the first entry */
	uint32_t insn;		/* the word at saved_pc then (RAM is often
				 * overwritten by the cascade's frames) */
	bool have_insn;
};

struct cpu {
	uint32_t r[16];		/* r[15] is the current mode's sp */
	uint32_t r0_sink;	/* the interpreter's writes to r0 land here */
	uint32_t pc;
	uint32_t flags;
	uint32_t other_sp;	/* the sp of the mode we are not in */
	uint32_t vbr, ptbr, paging, far, cause, kscratch;
	uint64_t insns;		/* instructions retired */
	/* Exception entries.  They retire nothing, but each counts against
	 * the run's budget, so a handler that faults on its own first
	 * instruction cannot run forever. */
	uint64_t exceptions;
	/* The same, by the vector entered (a double fault counts both the
	 * vector that failed and 7): aula run --stats prints them. */
	uint64_t vectors[CPU_VEC_COUNT];
	/* cpu_run returns once insns reaches limit; anything that needs the
	 * outer loop's attention (an interrupt, a stop) sets it to 0, so the
	 * per-instruction check is this one compare. */
	uint64_t limit;
	bool halted;		/* waiting for an interrupt */
	bool hist_on;		/* keep the history ring */
	struct cpu_hist hist[CPU_HISTORY];
	uint32_t hist_next;	/* total entries written; index % CPU_HISTORY */
	struct cpu_cascade cascade;
	struct mmu_tlb tlb[2];	/* [0] kernel mode, [1] user mode */
	struct mmu_tlb *tlb_cur;	/* the current mode's: cpu_set_flags */
};

struct vm;

/* Power-on state with pc = entry (docs/isa.md, Reset). */
void cpu_reset(struct cpu *c, uint32_t entry);
/* Change flags, switching the stack bank if P changes. */
void cpu_set_flags(struct cpu *c, uint32_t flags);
/* Deliver an exception: cause is the vector number, with page-fault
 * details in bits 8..11 (docs/isa.md); far is recorded for the vectors that
 * define it.  Handles double faults; may stop the machine. */
void cpu_exception(struct vm *vm, unsigned cause, uint32_t saved_pc,
		   uint32_t far);
/* Let an interrupt in at the next instruction boundary if one is raised
 * and enabled. */
void cpu_check_irq(struct vm *vm);

/* Control registers and rti; 0 or an exception cause (far in *far). */
unsigned cpu_read_cr(struct vm *vm, unsigned cr, uint32_t *out);
unsigned cpu_write_cr(struct vm *vm, unsigned cr, uint32_t value);
unsigned cpu_rti(struct vm *vm, uint32_t *far);

/* Record the start of a run in the history ring. */
static inline void cpu_hist_record(struct cpu *c, uint32_t pc, uint32_t from,
				   uint64_t insns, uint32_t cause,
				   enum cpu_hist_kind kind)
{
	if (!c->hist_on)
		return;
	struct cpu_hist *h = &c->hist[c->hist_next++ % CPU_HISTORY];
	h->pc = pc;
	h->from = from;
	h->insns = insns;
	h->cause = cause;
	h->kind = kind;
}

/* Run until c->insns reaches c->limit or something stops the CPU. */
void cpu_run(struct vm *vm);

const char *cpu_vector_name(unsigned vec);
/* Would a branch with this opcode be taken under these flags? */
bool cpu_branch_taken(unsigned opcode, uint32_t flags);

#endif
