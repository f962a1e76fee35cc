#include "tests/unit/step.h"

#include <check.h>

#include "cpu/isa.h"

/* Rewritten before every step: the instruction under test may store
 * anywhere, the vector table included. */
static void install_vectors(struct vm *vm)
{
	/* Each handler is a halt: an exception entry retires nothing, so
	 * the halt is what ends the step and says which vector it was. */
	for (uint32_t n = 0; n < CPU_VEC_COUNT; n++) {
		uint8_t w[4];
		mem_st32(w, STEP_HANDLERS + 4 * n);
		mem_write(&vm->mem, STEP_VBR + 4 * n, w, 4);
		mem_st32(w, ISA_OP_halt);
		mem_write(&vm->mem, STEP_HANDLERS + 4 * n, w, 4);
	}
	vm->cpu.vbr = STEP_VBR;
}

struct vm *step_vm(enum vm_brk_mode brk)
{
	char err[256];
	struct vm_config cfg = { .ram_size = 1u << 20, .on_brk = brk };
	struct vm *vm = vm_create(&cfg, err, sizeof err);
	ck_assert_msg(vm != NULL, "%s", err);
	install_vectors(vm);
	return vm;
}

int step_one(struct vm *vm, uint32_t insn)
{
	uint8_t w[4];
	mem_st32(w, insn);
	mem_write(&vm->mem, STEP_CODE, w, 4);
	vm->cpu.pc = STEP_CODE;
	vm->cpu.flags &= ~CPU_I;
	install_vectors(vm);
	vm->stop = VM_RUNNING;
	vm->cpu.limit = vm->cpu.insns + 1;
	cpu_run(vm);
	/* An exception entry uses up the step (it counts against the
	 * budget), so the step ends at the handler; the handlers' halts only
	 * matter to a caller that runs on. */
	uint32_t pc = vm->cpu.pc;
	if (vm->stop == VM_STOP_HALT) {
		pc -= 4;
		vm->stop = VM_RUNNING;
	} else if (vm->stop != VM_RUNNING) {
		return -1;
	}
	if (pc >= STEP_HANDLERS && pc < STEP_HANDLERS + 4 * CPU_VEC_COUNT &&
	    pc != STEP_CODE + 4)
		return (int)((pc - STEP_HANDLERS) / 4);
	return -1;
}
