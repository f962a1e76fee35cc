/* Port dispatch: a table for the low ports, a scan above them. */
#include "io/bus.h"

int bus_map(struct bus *b, uint16_t base, uint16_t count,
	    const struct dev_ops *ops, void *dev)
{
	uint32_t end = (uint32_t)base + count;
	if (b->n == BUS_MAX_RANGES || count == 0 || end > 0x10000)
		return -1;
	for (int i = 0; i < b->n; i++)
		if (base < b->r[i].base + b->r[i].count && b->r[i].base < end)
			return -1;
	b->r[b->n++] = (struct bus_range){ base, count, ops, dev };
	for (uint32_t p = base; p < end && p < BUS_FAST_PORTS; p++)
		b->fast[p] = (uint8_t)b->n;
	return 0;
}

const struct bus_range *bus_find(const struct bus *b, uint16_t port)
{
	if (port < BUS_FAST_PORTS)
		return b->fast[port] ? &b->r[b->fast[port] - 1] : 0;
	for (int i = 0; i < b->n; i++)
		if (port >= b->r[i].base &&
		    port - b->r[i].base < b->r[i].count)
			return &b->r[i];
	return 0;
}

uint32_t bus_in(struct bus *b, uint16_t port)
{
	const struct bus_range *r = bus_find(b, port);
	uint32_t v;
	if (!r) {
		b->unassigned_in++;
		b->last_unassigned = port;
		v = 0xffffffff;
	} else {
		uint16_t reg = (uint16_t)(port - r->base);
		if (!r->ops->pure_read || !r->ops->pure_read(r->dev, reg))
			b->effects++;
		v = r->ops->read(r->dev, reg);
	}
	if (b->trace)
		b->trace(b->trace_opaque, port, v, 0);
	return v;
}

void bus_out(struct bus *b, uint16_t port, uint32_t value)
{
	const struct bus_range *r = bus_find(b, port);
	b->effects++;
	if (!r) {
		b->unassigned_out++;
		b->last_unassigned = port;
	} else {
		r->ops->write(r->dev, (uint16_t)(port - r->base), value);
	}
	if (b->trace)
		b->trace(b->trace_opaque, port, value, 1);
}
