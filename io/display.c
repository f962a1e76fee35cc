/*
 * Text display: 80 x 25 character cells in guest RAM, and four ports.
 *
 *  port  reg     dir  meaning
 *  0x98  CTRL    rw   bit 0 ENABLE  show the text buffer (0: a black screen)
 *                     bit 1 CURSOR  show the cursor
 *  0x99  CURSOR  rw   the cursor's cell, row * 80 + column; a value of
 *                     2000 or more puts it nowhere
 *  0x9a  BASE    r    0x000b8000, the text buffer's guest-physical address
 *  0x9b  SIZE    r    0x00190050: 80 columns | 25 rows << 16
 *
 * The text buffer is plain RAM at DISPLAY_TEXT_BASE, two bytes per cell
 * (character, attribute; io/display.h draws them); the guest writes it
 * with ordinary stores.  Nothing here reads it except to make a frame, so
 * the device costs nothing while no front end watches.  With a host (a
 * window), the display sends it a frame every DISPLAY_REFRESH ticks of
 * virtual time; when the host says the user closed the window, the
 * machine powers off with code 0.
 */
#include "io/display.h"

#include <stdio.h>
#include <string.h>

#include "cpu/vm.h"
#include "io/devices.h"

struct display {
	struct vm *vm;
	uint32_t ctrl, cursor;
	uint64_t frames;	/* frames sent to the host */
};

static void display_refresh(void *arg, uint64_t now)
{
	struct display *d = arg;
	const struct vm_display_host *h = &d->vm->cfg.display;
	struct display_view v;
	display_get_view(d->vm, &v);
	d->frames++;
	if (h->refresh(h->opaque, &v, now)) {
		snprintf(d->vm->stop_detail, sizeof d->vm->stop_detail,
			 "the display window was closed");
		vm_stop(d->vm, VM_STOP_POWEROFF, 0);
		return;
	}
	vm_schedule(d->vm, DISPLAY_REFRESH, display_refresh, d);
}

static int display_init(void *dev, struct vm *vm, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	((struct display *)dev)->vm = vm;
	return 0;
}

static void display_reset(void *dev)
{
	struct display *d = dev;
	event_cancel(&d->vm->events, display_refresh, d);
	d->ctrl = DISPLAY_CTRL_ENABLE;
	d->cursor = 0;
	if (d->vm->cfg.display.refresh)
		vm_schedule(d->vm, DISPLAY_REFRESH, display_refresh, d);
}

static uint32_t display_read(void *dev, uint16_t reg)
{
	struct display *d = dev;
	switch (reg) {
	case DISPLAY_CTRL: return d->ctrl;
	case DISPLAY_CURSOR: return d->cursor;
	case DISPLAY_BASE: return DISPLAY_TEXT_BASE;
	case DISPLAY_SIZE: return DISPLAY_COLS | DISPLAY_ROWS << 16;
	default: return 0;
	}
}

static void display_write(void *dev, uint16_t reg, uint32_t v)
{
	struct display *d = dev;
	switch (reg) {
	case DISPLAY_CTRL:
		d->ctrl = v & (DISPLAY_CTRL_ENABLE | DISPLAY_CTRL_CURSOR);
		break;
	case DISPLAY_CURSOR:
		d->cursor = v;
		break;
	}
}

void display_get_view(struct vm *vm, struct display_view *v)
{
	const struct vm_device *dev = vm_find_device(vm, "display");
	const struct display *d = dev->state;
	v->ctrl = d->ctrl;
	v->cursor = d->cursor;
	/* mem_read leaves untouched pages unallocated: they read as 0. */
	v->in_ram = mem_read(&vm->mem, DISPLAY_TEXT_BASE, v->text,
			     sizeof v->text) == 0;
	if (!v->in_ram)
		memset(v->text, 0, sizeof v->text);
}

static const struct dev_field display_fields[] = {
	DEV_FIELD(struct display, ctrl, DEV_FIELD_U32, "CTRL register"),
	DEV_FIELD(struct display, cursor, DEV_FIELD_U32, "CURSOR register"),
	DEV_FIELD(struct display, frames, DEV_FIELD_U64,
		  "frames sent to the host"),
	{ 0 }
};

static const struct dev_derived display_derived[] = {
	DEV_DERIVED(struct display, vm, "the machine, set by init"),
	{ 0 }
};

static const struct dev_event display_events[] = {
	{ "refresh", display_refresh },
	{ 0 }
};

const struct dev_ops display_ops = {
	.name = "display",
	.size = sizeof(struct display),
	.nports = DISPLAY_NREGS,
	.fields = display_fields,
	.derived = display_derived,
	.events = display_events,
	.init = display_init,
	.reset = display_reset,
	.read = display_read,
	.write = display_write,
};
