/* Single-instruction execution for unit tests: set up state, run one. */
#ifndef AULA_TEST_STEP_H
#define AULA_TEST_STEP_H

#include <stdint.h>

#include "cpu/vm.h"

#define STEP_CODE 0x2000u	/* where the instruction under test goes */
#define STEP_HANDLERS 0x8000u	/* vector n's handler is at +4n */
#define STEP_VBR 0x0u

/* A fresh 1 MiB machine whose vector n points at STEP_HANDLERS + 4n. */
struct vm *step_vm(enum vm_brk_mode brk);
/* Place insn at STEP_CODE, set pc there, run exactly one instruction (or
 * one exception entry).  Returns the vector taken, or -1 if none.
 * After an exception, pc is the handler (the entry ends the step). */
int step_one(struct vm *vm, uint32_t insn);

#endif
