/*
 * The machine: one CPU, guest memory, the port bus with its devices, the
 * interrupt lines and the virtual clock.  Everything hangs off struct vm,
 * so one process can hold many machines.
 */
#ifndef AULA_VM_H
#define AULA_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "io/bus.h"
#include "io/event.h"
#include "mem/mem.h"

enum vm_stop {
	VM_RUNNING = 0,
	VM_STOP_POWEROFF,	/* the guest asked, with a code */
	VM_STOP_HALT,		/* halt with interrupts disabled */
	VM_STOP_IDLE,		/* halt with interrupts enabled, nothing to wake it */
	VM_STOP_BUDGET,		/* instruction budget exhausted */
	VM_STOP_DOUBLE_FAULT,	/* a fault while delivering a double fault */
	VM_STOP_BREAKPOINT,	/* brk, with the host taking breakpoints */
	VM_STOP_HOST_ERROR,	/* the host failed us (out of memory, I/O) */
};

/* Host services for the console; the core never touches a terminal. */
struct vm_console_host {
	void *opaque;
	/* Next input byte (0..255); VM_CONSOLE_NONE if none is ready yet
	 * (interactive input only), VM_CONSOLE_EOF at end of input. */
	int (*getc)(void *opaque);
	void (*putc)(void *opaque, uint8_t byte);
};
#define VM_CONSOLE_NONE (-1)
#define VM_CONSOLE_EOF (-2)

enum vm_brk_mode { VM_BRK_STOP, VM_BRK_GUEST };

struct vm_config {
	uint64_t ram_size;		/* 0: MEM_DEFAULT_SIZE */
	enum mmu_mode mmu;		/* how paging is virtualized */
	struct vm_console_host console;	/* NULL callbacks: no console */
	enum vm_brk_mode on_brk;
};

/*
 * Tracing (aula run --trace, the monitor's trace): callbacks a front end
 * installs in vm->trace, NULL when tracing is off.  The core calls them
 * only from slow paths -- exception entry, the TLB miss path -- never
 * from the interpreter's fast path.  Port I/O is traced by the bus
 * (io/bus.h), which has no struct vm.
 */
struct vm_trace {
	void *opaque;
	/* After an exception entry: the cause (vector and details), the
	 * saved pc, and the handler now in pc. */
	void (*exception)(void *opaque, unsigned cause, uint32_t saved_pc,
			  uint32_t handler);
	/* After a TLB miss was resolved: 0 and the guest-physical address,
	 * or the exception cause it raises. */
	void (*tlb_miss)(void *opaque, uint32_t va, enum mmu_access acc,
			 unsigned cause, uint32_t gpa);
};

#define VM_MAX_DEVICES 16

struct vm_device {
	const struct dev_ops *ops;
	uint16_t base;
	void *state;
};

struct vm {
	struct cpu cpu;
	struct mem mem;
	struct mmu mmu;
	struct bus bus;
	struct event_queue events;
	uint64_t halted_time;	/* virtual time that passed while halted */
	struct pic *pic;	/* the interrupt controller (io/pic.c) */
	bool irq_ready;		/* the PIC has a deliverable interrupt */
	uint32_t entry;		/* boot entry point */
	enum vm_stop stop;
	int reset_pending;	/* the guest asked for a reset */
	int yield;		/* return to the caller at the next boundary */
	uint32_t stop_code;	/* power-off code */
	char stop_detail[160];	/* one line for the user, may be empty */
	struct vm_config cfg;
	const struct vm_trace *trace;	/* NULL: not tracing */
	struct vm_device dev[VM_MAX_DEVICES];
	int ndev;
};

/* NULL with a message in err on failure. */
struct vm *vm_create(const struct vm_config *cfg, char *err, size_t errlen);
void vm_destroy(struct vm *vm);
/* Reset CPU and devices (RAM is kept); pc = vm->entry. */
void vm_reset(struct vm *vm);
/* Run until the machine stops, max_insns more instructions retire (with
 * exception entries), or vm_yield is called: then VM_RUNNING. */
enum vm_stop vm_run(struct vm *vm, uint64_t max_insns);

static inline uint64_t vm_now(const struct vm *vm)
{
	return vm->cpu.insns + vm->halted_time;
}
/* Schedule fn(arg) delay ticks from now. */
void vm_schedule(struct vm *vm, uint64_t delay, event_fn *fn, void *arg);
/* A device's interrupt line: level-triggered devices set its level,
 * edge-triggered ones pulse it (docs/devices.md, section 5). */
void vm_irq_set(struct vm *vm, unsigned line, int level);
void vm_irq_pulse(struct vm *vm, unsigned line);
void vm_stop(struct vm *vm, enum vm_stop why, uint32_t code);
/* Make vm_run return VM_RUNNING at the next instruction boundary (a front
 * end's event uses it, for example to pace virtual time to the host's). */
void vm_yield(struct vm *vm);
/* Reset at the next instruction boundary (a device may not reset the
 * machine from inside an instruction). */
void vm_request_reset(struct vm *vm);
const struct vm_device *vm_find_device(const struct vm *vm,
				       const char *name);
const char *vm_stop_name(enum vm_stop s);

#endif
