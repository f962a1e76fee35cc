/*
 * Timer, in virtual time (one tick per retired instruction; nominally
 * 100 MHz).
 *
 *  port  reg     dir  meaning
 *  0x30  CTRL    rw   bit 0 ENABLE, bit 1 PERIODIC (0: one-shot)
 *  0x31  RELOAD  rw   ticks to the next expiry (0 acts as 1)
 *  0x32  COUNT   r    ticks left; 0 when stopped
 *  0x33  STATUS  rw   bit 0 EXPIRED; write 1 to clear
 *  0x34  FREQ    r    100000000
 *
 * Each expiry sets EXPIRED and pulses IRQ 0 (edge).  A periodic timer
 * schedules its next expiry from the previous one, not from when the event
 * ran, so periods never drift.
 */
#include "cpu/vm.h"
#include "io/devices.h"
#include "io/ports.h"

struct timer {
	struct vm *vm;
	uint32_t ctrl, reload, status;
	uint64_t deadline;	/* virtual time of the next expiry */
	uint64_t expiries;
};

static uint64_t period(const struct timer *t)
{
	return t->reload ? t->reload : 1;
}

static void timer_expire(void *arg, uint64_t now);

static void arm(struct timer *t, uint64_t from)
{
	event_cancel(&t->vm->events, timer_expire, t);
	t->deadline = from + period(t);
	vm_schedule(t->vm, t->deadline - vm_now(t->vm), timer_expire, t);
}

static void timer_expire(void *arg, uint64_t now)
{
	struct timer *t = arg;
	(void)now;
	t->status |= TIMER_ST_EXPIRED;
	t->expiries++;
	if (t->ctrl & TIMER_CTRL_PERIODIC)
		arm(t, t->deadline);
	else
		t->ctrl &= ~TIMER_CTRL_ENABLE;
	vm_irq_pulse(t->vm, IRQ_TIMER);
}

static int timer_init(void *dev, struct vm *vm, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	((struct timer *)dev)->vm = vm;
	return 0;
}

static void timer_reset(void *dev)
{
	struct timer *t = dev;
	event_cancel(&t->vm->events, timer_expire, t);
	t->ctrl = t->reload = t->status = 0;
	t->deadline = 0;
}

static uint32_t timer_read(void *dev, uint16_t reg)
{
	struct timer *t = dev;
	switch (reg) {
	case TIMER_CTRL: return t->ctrl;
	case TIMER_RELOAD: return t->reload;
	case TIMER_COUNT: {
		uint64_t now = vm_now(t->vm);
		if (!(t->ctrl & TIMER_CTRL_ENABLE) || t->deadline <= now)
			return 0;
		uint64_t left = t->deadline - now;
		return left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
	}
	case TIMER_STATUS: return t->status;
	case TIMER_FREQ: return TIMER_HZ;
	default: return 0;
	}
}

static void timer_write(void *dev, uint16_t reg, uint32_t v)
{
	struct timer *t = dev;
	switch (reg) {
	case TIMER_CTRL:
		t->ctrl = v & (TIMER_CTRL_ENABLE | TIMER_CTRL_PERIODIC);
		if (t->ctrl & TIMER_CTRL_ENABLE)
			arm(t, vm_now(t->vm));
		else
			event_cancel(&t->vm->events, timer_expire, t);
		break;
	case TIMER_RELOAD:
		t->reload = v;
		break;
	case TIMER_STATUS:
		t->status &= ~(v & TIMER_ST_EXPIRED);
		break;
	}
}

static const struct dev_field timer_fields[] = {
	DEV_FIELD(struct timer, ctrl, DEV_FIELD_U32, "CTRL register"),
	DEV_FIELD(struct timer, reload, DEV_FIELD_U32, "RELOAD register"),
	DEV_FIELD(struct timer, status, DEV_FIELD_U32, "STATUS register"),
	DEV_FIELD(struct timer, deadline, DEV_FIELD_U64,
		  "virtual time of the next expiry"),
	DEV_FIELD(struct timer, expiries, DEV_FIELD_U64, "expiries so far"),
	{ 0 }
};

static const struct dev_derived timer_derived[] = {
	DEV_DERIVED(struct timer, vm, "the machine, set by init"),
	{ 0 }
};

static const struct dev_event timer_events[] = {
	{ "expire", timer_expire },
	{ 0 }
};

const struct dev_ops timer_ops = {
	.name = "timer",
	.size = sizeof(struct timer),
	.nports = TIMER_NREGS,
	.fields = timer_fields,
	.derived = timer_derived,
	.events = timer_events,
	.init = timer_init,
	.reset = timer_reset,
	.read = timer_read,
	.write = timer_write,
};
