/*
 * Polling loops skipped ahead, exactly.
 *
 * A guest that polls a device register the value of which cannot change
 * before the next event (a UART's STATUS once its input has ended, say)
 * runs the same few instructions until its budget or that event.  The
 * interpreter notes the machine's state each time such an IN retires-to-
 * be; when it finds it at the same IN in the same state as before --
 * every register, flag and control register, no exception, no store, no
 * port access that could change a device, no read of the time or the
 * instruction count, no TLB miss and no TLB entry dropped (tlbi) -- what
 * ran in between will run again,
 * identically, until the run's end (the next event, interrupt or the
 * budget, which are all at that end).  So it advances the count by as
 * many whole periods as fit before the end, and writes what those
 * periods would have written: their history ring entries, their load
 * counts.  The guest cannot tell: every dump, trace and history is as if
 * each instruction ran (tests/unit/test_poll.c runs polling loops both
 * ways).  It is derived state, forgotten at each entry to cpu_run.
 */
#ifndef AULA_POLL_H
#define AULA_POLL_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/mmu.h"

struct vm;

/* What the next period must start from, to be the same as the last. */
struct cpu_poll_state {
	uint32_t r[16], flags, other_sp, vbr, ptbr, paging, far, cause,
		 kscratch;
	uint64_t exceptions, effects, unassigned_in, unassigned_out, drops;
	struct mmu_stats mmu;
};

struct cpu_poll {
	bool valid;
	uint32_t pc;
	uint64_t insns;		/* the count when it was noted */
	uint32_t hist_next;
	struct cpu_poll_state st;
};

/* At a pure IN at pc, the count now, the run ending at end, with the
 * machine's state synced into struct cpu: the instructions to skip (a
 * whole number of periods, leaving at least one before end), with their
 * effects on the history and the counters made; or 0, and the state
 * noted for next time. */
uint64_t cpu_poll_skip(struct vm *vm, uint32_t pc, uint64_t now,
		       uint64_t end);

#endif
