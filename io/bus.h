/*
 * The port I/O bus: a 16-bit space of 32-bit ports.  Devices claim ranges;
 * IN from an unassigned port reads all ones and OUT to one is ignored, and
 * both are counted so the monitor can point at them.
 */
#ifndef AULA_BUS_H
#define AULA_BUS_H

#include <stdint.h>

#include "io/dev.h"

#define BUS_MAX_RANGES 32
#define BUS_FAST_PORTS 256	/* ports below this are found by table */

struct bus_range {
	uint16_t base, count;
	const struct dev_ops *ops;
	void *dev;
};

struct bus {
	struct bus_range r[BUS_MAX_RANGES];
	int n;
	/* For each low port, 1 + the index of its range in r, or 0 if it
	 * has none: every device of ours sits there, and a guest polling a
	 * status port finds it in one load (a scan was most of an IN). */
	uint8_t fast[BUS_FAST_PORTS];
	uint64_t unassigned_in, unassigned_out;
	/* Port accesses that may have changed a device or read the time:
	 * every OUT, every IN but those of a register its device says it
	 * reads without effect (dev_ops.pure_read), and reads of the
	 * count or the time (mfcr).  cpu/poll.h watches it. */
	uint64_t effects;
	uint16_t last_unassigned;
	/* Tracing (cpu/vm.h, struct vm_trace): called for every in and
	 * out, after it; NULL when off. */
	void (*trace)(void *opaque, uint16_t port, uint32_t value, int write);
	void *trace_opaque;
};

/* 0, or -1 if the range overlaps another or the table is full. */
int bus_map(struct bus *b, uint16_t base, uint16_t count,
	    const struct dev_ops *ops, void *dev);
const struct bus_range *bus_find(const struct bus *b, uint16_t port);
uint32_t bus_in(struct bus *b, uint16_t port);

void bus_out(struct bus *b, uint16_t port, uint32_t value);

#endif
