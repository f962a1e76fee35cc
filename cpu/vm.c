/*
 * The machine glue: builds a machine from the device table and runs the
 * reference loop of the design --
 *
 *     if an interrupt is raised and enabled, enter its vector;
 *     else run instructions up to the next event, then fire it.
 */
#include "cpu/vm.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/isa.h"
#include "mem/code.h"
#include "io/devices.h"
#include "io/pic.h"
#include "io/ports.h"

static const struct {
	const struct dev_ops *ops;
	uint16_t base;
} machine_devices[] = {
	{ &sysctl_ops, PORT_SYSCTL },
	{ &pic_ops, PORT_PIC },		/* before the devices that use it */
	{ &uart_ops, PORT_UART },
	{ &timer_ops, PORT_TIMER },
	{ &nic_ops, PORT_NIC },
	{ &kbd_ops, PORT_KBD },
	{ &display_ops, PORT_DISPLAY },
};

static unsigned configured_disks(const struct vm_config *cfg)
{
	return cfg->ndisks;
}

static unsigned configured_balloon(const struct vm_config *cfg)
{
	return cfg->balloon;
}

/* Devices the machine has as many of as the configuration says, after the
 * fixed ones: unit n at base + n * stride. */
static const struct {
	const struct dev_ops *ops;
	uint16_t base, stride;
	unsigned max;
	unsigned (*units)(const struct vm_config *cfg);
} machine_units[] = {
	{ &disk_ops, PORT_DISK, DISK_PORT_STRIDE, DISK_UNITS,
	  configured_disks },
	{ &balloon_ops, PORT_BALLOON, 0, 1, configured_balloon },
};
_Static_assert(VM_MAX_DISKS == DISK_UNITS, "one disk host per disk unit");

/* Allocate, initialize and map one device; 0, or -1 with err set. */
static int add_device(struct vm *vm, const struct dev_ops *ops,
		      uint16_t base, unsigned unit, char *err, size_t errlen)
{
	if (vm->ndev == VM_MAX_DEVICES) {
		snprintf(err, errlen, "internal error: more than %d devices",
			 VM_MAX_DEVICES);
		return -1;
	}
	struct vm_device *d = &vm->dev[vm->ndev];
	d->ops = ops;
	d->base = base;
	d->unit = unit;
	d->state = calloc(1, ops->size);
	if (!d->state) {
		snprintf(err, errlen, "out of host memory");
		return -1;
	}
	vm->ndev++;
	if (ops->init(d->state, vm, err, errlen) != 0)
		return -1;
	if (bus_map(&vm->bus, base, ops->nports, ops, d->state)) {
		snprintf(err, errlen, "internal error: the ports of %s %u "
			 "(0x%04x) overlap another device's", ops->name, unit,
			 base);
		return -1;
	}
	return 0;
}

struct vm *vm_create(const struct vm_config *cfg, char *err, size_t errlen)
{
	struct vm *vm = malloc(sizeof *vm);
	if (!vm) {
		snprintf(err, errlen, "out of host memory");
		return NULL;
	}
	/* All zero but the TLBs (nearly two thirds of the machine), whose
	 * tags vm_reset's flush makes invalid: nothing reads an entry's
	 * other fields but behind a valid tag. */
	size_t tlb_at = offsetof(struct vm, cpu.tlb);
	size_t tlb_end = tlb_at + sizeof vm->cpu.tlb;
	memset(vm, 0, tlb_at);
	memset((char *)vm + tlb_end, 0, sizeof *vm - tlb_end);
	vm->cpu.tlb[0].filled = vm->cpu.tlb[1].filled = true;
	vm->cfg = *cfg;
	vm->cpu.hist_on = cfg->history;
	uint64_t size = cfg->ram_size ? cfg->ram_size : MEM_DEFAULT_SIZE;
	if (mem_init(&vm->mem, size) != 0) {
		snprintf(err, errlen,
			 "cannot have %llu bytes of RAM: it must be a multiple "
			 "of 4 KiB from %u KiB to %u MiB",
			 (unsigned long long)size, MEM_MIN_SIZE / 1024,
			 MEM_MAX_SIZE / (1024 * 1024));
		free(vm);
		return NULL;
	}
	if (mmu_init(&vm->mmu, vm->mem.npages, cfg->mmu) != 0) {
		snprintf(err, errlen, "out of host memory");
		mmu_free(&vm->mmu);
		mem_free(&vm->mem);
		free(vm);
		return NULL;
	}
	for (size_t i = 0;
	     i < sizeof machine_devices / sizeof *machine_devices; i++)
		if (add_device(vm, machine_devices[i].ops,
			       machine_devices[i].base, 0, err, errlen)) {
			vm_destroy(vm);
			return NULL;
		}
	for (size_t i = 0; i < sizeof machine_units / sizeof *machine_units;
	     i++) {
		unsigned n = machine_units[i].units(cfg);
		if (n > machine_units[i].max) {
			snprintf(err, errlen, "%u %ss: the machine has room "
				 "for %u", n, machine_units[i].ops->name,
				 machine_units[i].max);
			vm_destroy(vm);
			return NULL;
		}
		for (unsigned u = 0; u < n; u++)
			if (add_device(vm, machine_units[i].ops,
				       (uint16_t)(machine_units[i].base +
						  u * machine_units[i].stride),
				       u, err, errlen)) {
				vm_destroy(vm);
				return NULL;
			}
	}
	vm_reset(vm);
	return vm;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	for (int i = vm->ndev - 1; i >= 0; i--) {
		if (vm->dev[i].ops->cleanup)
			vm->dev[i].ops->cleanup(vm->dev[i].state);
		free(vm->dev[i].state);
	}
	mmu_free(&vm->mmu);
	mem_free(&vm->mem);
	free(vm);
}

void vm_reset(struct vm *vm)
{
	uint64_t insns = vm->cpu.insns;
	/* Virtual time runs on across a reset, so events stay ordered. */
	cpu_reset(&vm->cpu, vm->entry);
	vm->cpu.insns = insns;
	mmu_reset(vm);
	/* The boot ROM's courtesy: a kernel stack at the top of RAM, so a
	 * first program can call and push before it sets up anything. */
	vm->cpu.r[ISA_REG_SP] = vm->mem.size;
	vm->reset_pending = 0;
	for (int i = 0; i < vm->ndev; i++)
		if (vm->dev[i].ops->reset)
			vm->dev[i].ops->reset(vm->dev[i].state);
}

void vm_schedule(struct vm *vm, uint64_t delay, event_fn *fn, void *arg)
{
	if (event_schedule(&vm->events, vm_now(vm) + delay, fn, arg) != 0) {
		fprintf(stderr, "aula: internal error: event queue full\n");
		abort();
	}
	/* The CPU may be running toward a later event: stop it in time. */
	uint64_t at = vm->cpu.insns + delay;
	if (at < vm->cpu.limit)
		vm->cpu.limit = at;
}

void vm_irq_set(struct vm *vm, unsigned line, int level)
{
	pic_set_line(vm->pic, line, level);
}

void vm_irq_pulse(struct vm *vm, unsigned line)
{
	pic_pulse(vm->pic, line);
}

void vm_stop(struct vm *vm, enum vm_stop why, uint32_t code)
{
	if (vm->stop == VM_RUNNING) {
		vm->stop = why;
		vm->stop_code = code;
	}
	vm->cpu.limit = 0;
}

void vm_set_fetch_breaks(struct vm *vm, const uint32_t *pc, unsigned n)
{
	if (n > VM_MAX_FETCH_BREAKS)
		n = VM_MAX_FETCH_BREAKS;
	if (n == vm->nfetch_break &&
	    !memcmp(vm->fetch_break, pc, n * sizeof *pc))
		return;
	memcpy(vm->fetch_break, pc, n * sizeof *pc);
	vm->nfetch_break = n;
	mem_code_redecode(&vm->mem);
}

bool vm_fetch_break_at(const struct vm *vm, uint32_t pc)
{
	for (unsigned i = 0; i < vm->nfetch_break; i++)
		if (vm->fetch_break[i] == pc)
			return true;
	return false;
}

void vm_yield(struct vm *vm)
{
	vm->yield = 1;
	vm->cpu.limit = 0;
}

void vm_request_reset(struct vm *vm)
{
	vm->reset_pending = 1;
	vm->cpu.limit = 0;
}

const struct vm_device *vm_find_device(const struct vm *vm, const char *name)
{
	for (int i = 0; i < vm->ndev; i++)
		if (strcmp(vm->dev[i].ops->name, name) == 0)
			return &vm->dev[i];
	return NULL;
}

enum vm_stop vm_run(struct vm *vm, uint64_t max_insns)
{
	struct cpu *c = &vm->cpu;
	uint64_t end = c->insns + max_insns, exc0 = c->exceptions,
		 halt0 = vm->halted_time;

	if (end < c->insns)
		end = UINT64_MAX;
	/* A budget or breakpoint stop may be resumed; the others are final. */
	if (vm->stop == VM_STOP_BUDGET || vm->stop == VM_STOP_BREAKPOINT)
		vm->stop = VM_RUNNING;
	vm->fetch_break_mark = c->insns + c->exceptions;
	while (vm->stop == VM_RUNNING) {
		if (vm->reset_pending)
			vm_reset(vm);
		event_fire_due(&vm->events, vm_now(vm));
		if (vm->stop != VM_RUNNING)
			break;
		if (vm->yield) {
			vm->yield = 0;
			break;
		}
		/* The budget counts what retires nothing, too: exception
		 * entries (struct cpu) and ticks spent halted, so that every
		 * run ends -- even a guest that halts forever between the
		 * interrupts of a periodic timer.  It is checked before an
		 * interrupt is let in, so a run of n spends exactly n and
		 * every moment can be stopped at (checkpoints, reverse
		 * execution). */
		uint64_t spent = (c->exceptions - exc0) +
				 (vm->halted_time - halt0);
		if (c->insns + spent >= end) {
			vm_stop(vm, VM_STOP_BUDGET, 0);
			break;
		}
		/* A boundary outside cpu_run (an interrupt about to be let
		 * in, a halt): at a breakpoint, stop before it. */
		if (vm->fetch_break_armed &&
		    c->insns + c->exceptions != vm->fetch_break_mark &&
		    vm_fetch_break_at(vm, c->pc))
			break;
		if ((c->flags & CPU_I) && vm->irq_ready) {
			unsigned line = pic_acknowledge(vm->pic);
			cpu_exception(vm, CPU_VEC_IRQ0 + line, c->pc, 0);
			continue;
		}
		if (c->halted) {
			uint64_t next = event_next(&vm->events);
			if (next == EVENT_NEVER) {
				vm_stop(vm, VM_STOP_IDLE, 0);
				break;
			}
			if (vm->cfg.yield_on_halt)
				break;
			uint64_t skip = next - vm_now(vm),
				 room = end - (c->insns + spent);
			vm->halted_time += skip < room ? skip : room;
			continue;
		}
		/* Events are in virtual time; the CPU's limit counts its
		 * instructions, which lag it by the time it did not run. */
		uint64_t limit = end - spent, next = event_next(&vm->events),
			 lag = vm->halted_time + vm->waited_time;
		if (next != EVENT_NEVER && next - lag < limit)
			limit = next - lag;
		c->limit = limit;
		cpu_run(vm);
	}
	return vm->stop;
}

const struct dev_ops *vm_device_ops(const char *name)
{
	for (size_t i = 0;
	     i < sizeof machine_devices / sizeof *machine_devices; i++)
		if (!strcmp(machine_devices[i].ops->name, name))
			return machine_devices[i].ops;
	for (size_t i = 0; i < sizeof machine_units / sizeof *machine_units;
	     i++)
		if (!strcmp(machine_units[i].ops->name, name))
			return machine_units[i].ops;
	return NULL;
}

const struct vm_device *vm_device_of(const struct vm *vm, const void *state)
{
	for (int i = 0; i < vm->ndev; i++)
		if (vm->dev[i].state == state)
			return &vm->dev[i];
	return NULL;
}

const char *vm_stop_name(enum vm_stop s)
{
	switch (s) {
	case VM_RUNNING: return "running";
	case VM_STOP_POWEROFF: return "poweroff";
	case VM_STOP_HALT: return "halt";
	case VM_STOP_IDLE: return "idle";
	case VM_STOP_BUDGET: return "budget";
	case VM_STOP_DOUBLE_FAULT: return "double-fault";
	case VM_STOP_BREAKPOINT: return "breakpoint";
	case VM_STOP_HOST_ERROR: return "host-error";
	case VM_STOP_INTERRUPTED: return "interrupted";
	}
	return "unknown";
}
