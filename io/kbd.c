/*
 * Keyboard.
 *
 *  port  reg     dir  meaning
 *  0x90  DATA    r    take the next key code (docs/devices.md, section 9);
 *                     0xffffffff if no key is waiting
 *  0x91  STATUS  r    bit 0 READY    a key is waiting in DATA
 *                     bit 1 OVERRUN  a key was lost because the queue was
 *                                    full; reading STATUS clears it
 *  0x92  CTRL    rw   bit 0 IE       raise IRQ 1 while READY
 *
 * Key presses come from the host (struct vm_keyboard_host), which the
 * keyboard asks every KBD_POLL ticks of virtual time, and only then: a key
 * the host has reaches the queue at the next poll, an event boundary, so
 * what the guest sees depends only on when, in virtual time, the host
 * reported each key.  The queue holds KBD_QUEUE keys, oldest first; a key
 * that finds it full is dropped and sets OVERRUN.  Without a host, or once
 * the host has said that no key will ever come, nothing is polled and the
 * keyboard schedules nothing (a guest halted waiting for it is idle).
 */
#include "io/devices.h"

#include "cpu/vm.h"
#include "io/ports.h"

struct kbd {
	struct vm *vm;
	uint16_t queue[KBD_QUEUE];	/* a ring: count keys from head */
	uint8_t head, count, ctrl, overrun;
	uint8_t ended;		/* the host said no key will ever come */
	uint64_t keys, lost, polls;
};

static void kbd_update_irq(struct kbd *k)
{
	vm_irq_set(k->vm, IRQ_KBD, k->count && (k->ctrl & KBD_CTRL_IE));
}

static void kbd_push(struct kbd *k, int code)
{
	if (code > 0xffff)
		return;		/* not a key: the host's bug, ignored */
	if (k->count == KBD_QUEUE) {
		k->lost++;
		k->overrun = 1;
		return;
	}
	k->queue[(k->head + k->count) % KBD_QUEUE] = (uint16_t)code;
	k->count++;
	k->keys++;
}

static void kbd_poll(void *arg, uint64_t now)
{
	struct kbd *k = arg;
	const struct vm_keyboard_host *h = &k->vm->cfg.keyboard;
	int code;
	k->polls++;
	while ((code = h->next_key(h->opaque, now)) >= 0)
		kbd_push(k, code);
	kbd_update_irq(k);
	if (code == VM_KEY_END)
		k->ended = 1;
	else
		vm_schedule(k->vm, KBD_POLL, kbd_poll, k);
}

static int kbd_init(void *dev, struct vm *vm, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	((struct kbd *)dev)->vm = vm;
	return 0;
}

static void kbd_reset(void *dev)
{
	struct kbd *k = dev;
	event_cancel(&k->vm->events, kbd_poll, k);
	k->head = k->count = k->ctrl = k->overrun = 0;
	kbd_update_irq(k);
	if (k->vm->cfg.keyboard.next_key && !k->ended)
		vm_schedule(k->vm, KBD_POLL, kbd_poll, k);
}

static uint32_t kbd_read(void *dev, uint16_t reg)
{
	struct kbd *k = dev;
	switch (reg) {
	case KBD_DATA: {
		if (!k->count)
			return 0xffffffff;
		uint16_t code = k->queue[k->head];
		k->head = (uint8_t)((k->head + 1) % KBD_QUEUE);
		k->count--;
		kbd_update_irq(k);
		return code;
	}
	case KBD_STATUS: {
		uint32_t st = (k->count ? KBD_ST_READY : 0) |
			      (k->overrun ? KBD_ST_OVERRUN : 0);
		k->overrun = 0;
		return st;
	}
	case KBD_CTRL:
		return k->ctrl;
	default:
		return 0;
	}
}

static void kbd_write(void *dev, uint16_t reg, uint32_t v)
{
	struct kbd *k = dev;
	if (reg == KBD_CTRL) {
		k->ctrl = v & KBD_CTRL_IE;
		kbd_update_irq(k);
	}
}

static const struct dev_field kbd_fields[] = {
	DEV_FIELD_ARRAY(struct kbd, queue, DEV_FIELD_U16, "the key queue"),
	DEV_FIELD(struct kbd, head, DEV_FIELD_U8, "oldest key's slot"),
	DEV_FIELD(struct kbd, count, DEV_FIELD_U8, "keys waiting"),
	DEV_FIELD(struct kbd, ctrl, DEV_FIELD_U8, "CTRL register"),
	DEV_FIELD(struct kbd, overrun, DEV_FIELD_U8, "STATUS.OVERRUN"),
	DEV_FIELD(struct kbd, ended, DEV_FIELD_U8, "the host has no more keys"),
	DEV_FIELD(struct kbd, keys, DEV_FIELD_U64, "keys queued"),
	DEV_FIELD(struct kbd, lost, DEV_FIELD_U64, "keys lost to a full queue"),
	DEV_FIELD(struct kbd, polls, DEV_FIELD_U64, "times the host was asked"),
	{ 0 }
};

static const char *kbd_check(const void *dev)
{
	const struct kbd *k = dev;
	if (k->head >= KBD_QUEUE || k->count > KBD_QUEUE)
		return "the key queue's head or count is out of range";
	return NULL;
}

static const struct dev_derived kbd_derived[] = {
	DEV_DERIVED(struct kbd, vm, "the machine, set by init"),
	{ 0 }
};

static const struct dev_event kbd_events[] = {
	{ "poll", kbd_poll },
	{ 0 }
};

const struct dev_ops kbd_ops = {
	.name = "kbd",
	.size = sizeof(struct kbd),
	.nports = KBD_NREGS,
	.fields = kbd_fields,
	.derived = kbd_derived,
	.check = kbd_check,
	.events = kbd_events,
	.init = kbd_init,
	.reset = kbd_reset,
	.read = kbd_read,
	.write = kbd_write,
};
