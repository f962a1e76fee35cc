/*
 * Programmable interrupt controller.
 *
 *  port  reg        dir  meaning
 *  0x20  PENDING    r    bit n: line n requesting (IRR)
 *  0x21  INSERVICE  r    bit n: IRQ n taken, not yet ended (ISR)
 *  0x22  MASK       rw   bit n = 1: line n masked; 0 at reset
 *  0x23  EOI        w    end of interrupt for line n (the value)
 *  0x24  TRIGGER    r    bit n = 1: line n edge-triggered
 *
 * Fixed priority, lower line wins; a line is deliverable when pending,
 * unmasked, and above every line in service, so a higher-priority IRQ can
 * nest inside a lower one's handler.  Level lines are pending while held
 * up; edge lines latch until taken.  Every change recomputes one bit,
 * vm->irq_ready, which is all the CPU looks at.
 */
#include "io/pic.h"

#include "cpu/vm.h"
#include "io/devices.h"
#include "io/ports.h"

#define PIC_LINES 16

struct pic {
	struct vm *vm;
	uint32_t level;		/* level lines held up by their devices */
	uint32_t latched;	/* edge requests not yet taken */
	uint32_t isr, mask;
	uint32_t edge;		/* which lines are edge-triggered */
	uint64_t taken, spurious_eoi;
};

static uint32_t pending(const struct pic *p)
{
	return (p->level & ~p->edge) | p->latched;
}

/* The line the CPU would take now, or -1. */
static int pic_deliverable(const struct pic *p)
{
	uint32_t req = pending(p) & ~p->mask;
	if (!req)
		return -1;
	int line = __builtin_ctz(req);
	if (p->isr && __builtin_ctz(p->isr) <= line)
		return -1;	/* an equal or higher priority is in service */
	return line;
}

static void update(struct pic *p)
{
	p->vm->irq_ready = pic_deliverable(p) >= 0;
	cpu_check_irq(p->vm);
}

void pic_set_line(struct pic *p, unsigned line, int level)
{
	uint32_t bit = 1u << (line % PIC_LINES);
	p->level = level ? p->level | bit : p->level & ~bit;
	update(p);
}

void pic_pulse(struct pic *p, unsigned line)
{
	p->latched |= 1u << (line % PIC_LINES);
	update(p);
}

unsigned pic_acknowledge(struct pic *p)
{
	int line = pic_deliverable(p);
	/* vm_run asks only when something is deliverable. */
	uint32_t bit = 1u << line;
	p->isr |= bit;
	p->latched &= ~bit;
	p->taken++;
	update(p);
	return (unsigned)line;
}

static int pic_init(void *dev, struct vm *vm, char *err, size_t errlen)
{
	struct pic *p = dev;
	(void)err, (void)errlen;
	p->vm = vm;
	p->edge = 1u << IRQ_TIMER;
	vm->pic = p;
	return 0;
}

static void pic_reset(void *dev)
{
	struct pic *p = dev;
	p->latched = p->isr = p->mask = 0;
	/* Devices reset after the PIC and lower their own lines. */
	update(p);
}

static uint32_t pic_read(void *dev, uint16_t reg)
{
	struct pic *p = dev;
	switch (reg) {
	case PIC_PENDING: return pending(p);
	case PIC_INSERVICE: return p->isr;
	case PIC_MASK: return p->mask;
	case PIC_TRIGGER: return p->edge;
	default: return 0;
	}
}

static void pic_write(void *dev, uint16_t reg, uint32_t v)
{
	struct pic *p = dev;
	switch (reg) {
	case PIC_MASK:
		p->mask = v & 0xffff;
		break;
	case PIC_EOI:
		if (v < PIC_LINES && (p->isr & (1u << v)))
			p->isr &= ~(1u << v);
		else
			p->spurious_eoi++;
		break;
	default:
		return;
	}
	update(p);
}

static const struct dev_field pic_fields[] = {
	DEV_FIELD(struct pic, level, DEV_FIELD_U32, "level lines held up"),
	DEV_FIELD(struct pic, latched, DEV_FIELD_U32, "edge requests latched"),
	DEV_FIELD(struct pic, isr, DEV_FIELD_U32, "INSERVICE register"),
	DEV_FIELD(struct pic, mask, DEV_FIELD_U32, "MASK register"),
	DEV_FIELD(struct pic, edge, DEV_FIELD_U32, "TRIGGER register"),
	DEV_FIELD(struct pic, taken, DEV_FIELD_U64, "interrupts taken"),
	DEV_FIELD(struct pic, spurious_eoi, DEV_FIELD_U64,
		  "EOIs for a line not in service"),
	{ 0 }
};

static const struct dev_derived pic_derived[] = {
	DEV_DERIVED(struct pic, vm, "the machine, set by init"),
	{ 0 }
};

/* The machine's irq_ready is derived from the registers. */
static void pic_restored(void *dev)
{
	update(dev);
}

const struct dev_ops pic_ops = {
	.name = "pic",
	.size = sizeof(struct pic),
	.nports = PIC_NREGS,
	.fields = pic_fields,
	.derived = pic_derived,
	.restored = pic_restored,
	.init = pic_init,
	.reset = pic_reset,
	.read = pic_read,
	.write = pic_write,
};
