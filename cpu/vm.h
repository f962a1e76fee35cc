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
#include "cpu/poll.h"
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
	/* The user stopped the run (a signal, Ctrl-C): set by the front
	 * end after a vm_run slice, never by the core. */
	VM_STOP_INTERRUPTED,
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

/*
 * Host services for a disk (io/disk.c): a raw image of size bytes, read and
 * written at byte offsets.  The core never opens a file.  Each call returns
 * 0, or -1 when the host failed, after it has told the user what failed
 * (the guest gets an error status).  A host I/O is whole: a short read or
 * write is a failure.  The disk moves a transfer in as few calls as it
 * can; when a call of several sectors fails it goes again sector by
 * sector to learn how far it got, so a host need tell the user only of
 * failed calls of one sector.
 */
struct vm_disk_host {
	void *opaque;
	const char *name;	/* for messages: the image's file name */
	uint64_t size;		/* bytes; a multiple of 512 */
	bool read_only;		/* the guest may not write */
	int (*read)(void *opaque, uint64_t off, void *buf, size_t len);
	int (*write)(void *opaque, uint64_t off, const void *buf, size_t len);
	int (*flush)(void *opaque);	/* earlier writes reach the medium */
};
#define VM_MAX_DISKS 4

/* Host side of the keyboard (io/kbd.c): where key presses come from. */
struct vm_keyboard_host {
	void *opaque;
	/* The next key pressed by virtual time now (a code of
	 * docs/devices.md, section 9); VM_KEY_NONE if there is none yet,
	 * VM_KEY_END if none will ever come (the keyboard stops asking). */
	int (*next_key)(void *opaque, uint64_t now);
};
#define VM_KEY_NONE (-1)
#define VM_KEY_END (-2)

/* Host side of the text display (io/display.c): a screen to show it on. */
struct display_view;
struct vm_display_host {
	void *opaque;
	/* Show a frame; called every DISPLAY_REFRESH ticks of virtual time.
	 * Nonzero: the user closed the screen, and the machine powers off. */
	int (*refresh)(void *opaque, const struct display_view *v,
		       uint64_t now);
};

/* Host services for the network card (io/nic.c): the wire.  The core
 * opens no socket and no file; host/ and net/ provide these.  Frames are whole
 * Ethernet frames without preamble and CRC.  now is virtual time. */
struct vm_nic_host {
	void *opaque;
	/* Put a frame (60..1514 bytes) on the wire.  NULL: the cable is
	 * unplugged (link down), and then recv and link are not used. */
	void (*send)(void *opaque, const uint8_t *frame, uint32_t len,
		     uint64_t now);
	/* The next frame from the wire: copies at most cap bytes into buf
	 * and returns the frame's real length, or 0 if none has come.
	 * wait_ticks > 0 says the CPU is halted with nothing to do for
	 * that many ticks: the host may block up to their nominal duration
	 * (10 ns each) for a frame.  NULL: nothing is ever received. */
	uint32_t (*recv)(void *opaque, uint8_t *buf, uint32_t cap,
			 uint64_t now, uint64_t wait_ticks);
	/* 1 while the far end is there.  NULL: always, when send is set. */
	int (*link)(void *opaque);
};

enum vm_brk_mode { VM_BRK_STOP, VM_BRK_GUEST };

struct vm_config {
	uint64_t ram_size;		/* 0: MEM_DEFAULT_SIZE */
	enum mmu_mode mmu;		/* how paging is virtualized */
	struct vm_console_host console;	/* NULL callbacks: no console */
	struct vm_keyboard_host keyboard;	/* NULL next_key: no keys */
	struct vm_display_host display;	/* NULL refresh: no screen */
	enum vm_brk_mode on_brk;
	struct vm_disk_host disks[VM_MAX_DISKS];	/* disk n = disks[n] */
	unsigned ndisks;
	struct vm_nic_host nic;		/* NULL callbacks: unplugged */
	/* The NIC's address at reset; all zero: 02:00:00:00:00:01. */
	uint8_t mac[6];
	/* Keep the CPU's history ring (cpu/cpu.h) for a debugger to read:
	 * the monitor turns it on; off, taken jumps cost nothing for it. */
	bool history;
	/* A lab's scheduler (lab/) takes the CPU back at once when the
	 * guest halts: vm_run returns VM_RUNNING with cpu.halted set,
	 * instead of skipping virtual time to the next event. */
	bool yield_on_halt;
	/* Run every turn of a polling loop instead of skipping whole turns
	 * ahead (cpu/poll.h): the same result, more host time (tests). */
	bool exact_polls;
	/* A memory balloon (io/balloon.c, a lab's machines): its host side
	 * is balloon_set_target and balloon_size. */
	bool balloon;
};

/*
 * Tracing (aula run --trace, the monitor's trace): callbacks a front end
 * installs in vm->trace, NULL when tracing is off.  The core calls them
 * only from slow paths -- exception entry, the TLB miss path -- never
 * from the interpreter's fast path.  Port I/O is traced by the bus
 * (io/bus.h), which has no struct vm.
 */
struct walk;
struct vm_trace {
	void *opaque;
	/* After an exception entry: the cause (vector and details), the
	 * saved pc, and the handler now in pc. */
	void (*exception)(void *opaque, unsigned cause, uint32_t saved_pc,
			  uint32_t handler);
	/* After a TLB miss was resolved: 0 and the guest-physical address,
	 * or the exception cause it raises.  walk is the nested walk that
	 * resolved it (mem/walk.h: its guest-physical references), or NULL
	 * (shadow paging, or paging off). */
	void (*tlb_miss)(void *opaque, uint32_t va, enum mmu_access acc,
			 unsigned cause, uint32_t gpa, const struct walk *walk);
};

#define VM_MAX_DEVICES 16
#define VM_MAX_FETCH_BREAKS 64

struct vm_device {
	const struct dev_ops *ops;
	uint16_t base;
	unsigned unit;		/* which of several alike (disk n) */
	void *state;
};

struct vm {
	struct cpu cpu;
	struct mem mem;
	struct mmu mmu;
	struct bus bus;
	struct event_queue events;
	uint64_t halted_time;	/* virtual time that passed while halted */
	/* Virtual time that passed while the machine was ready but had no
	 * physical CPU (a lab's steal time); 0 outside a lab. */
	uint64_t waited_time;
	struct pic *pic;	/* the interrupt controller (io/pic.c) */
	bool irq_ready;		/* the PIC has a deliverable interrupt */
	/* Derived: the polling loop noted in this cpu_run (cpu/poll.h),
	 * and the instructions such loops were skipped ahead by (a host
	 * figure, for the tests: not saved). */
	struct cpu_poll poll;
	uint64_t poll_skipped;
	uint32_t entry;		/* boot entry point */
	enum vm_stop stop;
	int reset_pending;	/* the guest asked for a reset */
	int yield;		/* return to the caller at the next boundary */
	/* Fetch breakpoints (vm_set_fetch_breaks): while armed, vm_run
	 * yields at any boundary where pc is one of them. */
	uint32_t fetch_break[VM_MAX_FETCH_BREAKS];
	unsigned nfetch_break;
	bool fetch_break_armed;
	uint64_t fetch_break_mark;	/* insns + exceptions as vm_run began */
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
/* Run until the machine stops, the budget of max_insns is spent (retired
 * instructions, exception entries and ticks spent halted), or vm_yield is
 * called: then VM_RUNNING. */
enum vm_stop vm_run(struct vm *vm, uint64_t max_insns);

static inline uint64_t vm_now(const struct vm *vm)
{
	return vm->cpu.insns + vm->halted_time + vm->waited_time;
}
/* What vm_run's budget counts: retired instructions, exception entries
 * and ticks spent halted.  Every front end that runs a guest in slices
 * measures its progress in these, so a guest halted for ever between
 * interrupts it cannot take still uses up its budget. */
static inline uint64_t vm_units(const struct vm *vm)
{
	return vm->cpu.insns + vm->cpu.exceptions + vm->halted_time;
}
/* Schedule fn(arg) delay ticks from now. */
void vm_schedule(struct vm *vm, uint64_t delay, event_fn *fn, void *arg);
/* A device's interrupt line: level-triggered devices set its level,
 * edge-triggered ones pulse it (docs/devices.md, section 5). */
void vm_irq_set(struct vm *vm, unsigned line, int level);
void vm_irq_pulse(struct vm *vm, unsigned line);
void vm_stop(struct vm *vm, enum vm_stop why, uint32_t code);
/* The virtual addresses vm_run stops at (returning VM_RUNNING, as
 * vm_yield makes it) whenever vm->fetch_break_armed is set, before the
 * instruction there runs -- a debugger's breakpoints at full speed.  It
 * stops where the run arrives at one: not where it starts (so that the
 * caller can go on from a breakpoint), nor while the guest sleeps there
 * in halt.  The decode cache turns the words at those page offsets into
 * a check, so nothing else pays; a change of the set re-decodes
 * everything.  n at most VM_MAX_FETCH_BREAKS. */
void vm_set_fetch_breaks(struct vm *vm, const uint32_t *pc, unsigned n);
/* Is pc a fetch breakpoint? */
bool vm_fetch_break_at(const struct vm *vm, uint32_t pc);
/* Make vm_run return VM_RUNNING at the next instruction boundary (a front
 * end's event uses it, for example to pace virtual time to the host's). */
void vm_yield(struct vm *vm);
/* Reset at the next instruction boundary (a device may not reset the
 * machine from inside an instruction). */
void vm_request_reset(struct vm *vm);
const struct vm_device *vm_find_device(const struct vm *vm,
				       const char *name);
/* The ops of the device the machine calls name, or NULL. */
const struct dev_ops *vm_device_ops(const char *name);
/* The device whose instance is state (a device finds its unit so). */
const struct vm_device *vm_device_of(const struct vm *vm, const void *state);
const char *vm_stop_name(enum vm_stop s);

#endif
