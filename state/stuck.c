/* Why a halted guest makes no progress, read from the PIC's field table
 * (io/pic.c, docs/devices.md section 5) like the monitor's info pic. */
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "io/dev.h"
#include "state/stuck.h"

static uint32_t pic_field(const struct vm_device *d, const char *name)
{
	const struct dev_field *f = dev_field_find(d->ops, name);
	return f ? (uint32_t)dev_field_get(d->state, f) : 0;
}

bool stuck_explain(const struct vm *vm, uint64_t halted_ticks, char *buf,
		   size_t len)
{
	buf[0] = 0;
	if (!vm->cpu.halted)
		return false;
	int n = snprintf(buf, len, "halted for %llu ticks",
			 (unsigned long long)halted_ticks);
	if (n < 0 || (size_t)n >= len)
		return true;
	buf += n, len -= (size_t)n;
	const struct vm_device *d = vm_find_device(vm, "pic");
	uint32_t level = 0, latched = 0, isr = 0, mask = 0, edge = 0;
	if (d) {
		level = pic_field(d, "level");
		latched = pic_field(d, "latched");
		isr = pic_field(d, "isr");
		mask = pic_field(d, "mask");
		edge = pic_field(d, "edge");
	}
	uint32_t pending = (level & ~edge) | latched;
	if (!(vm->cpu.flags & CPU_I)) {
		snprintf(buf, len, " with interrupts disabled");
		return true;
	}
	if (!pending) {
		snprintf(buf, len, " with no interrupt pending");
		return true;
	}
	unsigned line = (unsigned)__builtin_ctz(pending);
	if (mask & (1u << line))
		snprintf(buf, len, " with IRQ %u pending but masked", line);
	else if (isr && (unsigned)__builtin_ctz(isr) <= line)
		snprintf(buf, len, " with IRQ %u pending but IRQ %u in service "
			 "(its handler did not write EOI %u)", line,
			 (unsigned)__builtin_ctz(isr),
			 (unsigned)__builtin_ctz(isr));
	else
		snprintf(buf, len, " with IRQ %u pending", line);
	return true;
}
