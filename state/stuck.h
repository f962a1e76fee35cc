/*
 * Why a guest that used up its budget made no progress (docs/security.md,
 * section 4): a guest halted with interrupts enabled, whose interrupt can
 * never be delivered, spends its budget in halted ticks.
 */
#ifndef AULA_STUCK_H
#define AULA_STUCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/vm.h"

/* If the CPU is halted: "halted for N ticks with IRQ 0 pending but
 * masked" (N = halted_ticks), or another reason, into buf; true.  False,
 * with buf "", if it is running instructions. */
bool stuck_explain(const struct vm *vm, uint64_t halted_ticks, char *buf,
		   size_t len);

#endif
