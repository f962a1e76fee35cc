/*
 * Memory balloon: how a lab's host asks a guest for memory back
 * (docs/devices.md, section 10).
 *
 *  port  reg     dir  meaning
 *  0xa0  TARGET  r    pages the host asks to have in the balloon
 *  0xa1  SIZE    r    pages in the balloon now
 *  0xa2  PFN     rw   a guest-physical page number, for CMD
 *  0xa3  CMD     w    1 INFLATE  page PFN goes into the balloon
 *                     2 DEFLATE  page PFN comes out (reads as zeros)
 *  0xa4  RESULT  r    0 OK, 1 BADCMD, 2 BADPFN, 3 STATE
 *  0xa5  STATUS  r    bit 0 CHANGED: TARGET changed; w: 1 clears it
 *  0xa6  CTRL    rw   bit 0 IE: raise IRQ 3 (level) while CHANGED
 *
 * An inflated page is given to the host's memory manager (mem_discard),
 * which reclaims its host page.  The device keeps which pages are in the
 * balloon, one bit each.  A reset empties it; TARGET is the host's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/vm.h"
#include "io/devices.h"
#include "io/ports.h"

struct balloon {
	struct vm *vm;
	uint32_t target, size, pfn, result, status, ctrl;
	uint8_t irq;
	uint8_t *in;		/* a bit per page of RAM: in the balloon */
};

static void update_irq(struct balloon *b)
{
	b->irq = (b->status & BALLOON_ST_CHANGED) &&
		 (b->ctrl & BALLOON_CTRL_IE);
	vm_irq_set(b->vm, IRQ_BALLOON, b->irq);
}

static bool is_in(const struct balloon *b, uint32_t pn)
{
	return b->in[pn >> 3] >> (pn & 7) & 1;
}

static uint32_t command(struct balloon *b, uint32_t cmd)
{
	if (cmd != BALLOON_CMD_INFLATE && cmd != BALLOON_CMD_DEFLATE)
		return BALLOON_RES_BADCMD;
	if (b->pfn >= b->vm->mem.npages)
		return BALLOON_RES_BADPFN;
	bool inflate = cmd == BALLOON_CMD_INFLATE;
	if (is_in(b, b->pfn) == inflate)
		return BALLOON_RES_STATE;
	b->in[b->pfn >> 3] ^= (uint8_t)(1u << (b->pfn & 7));
	if (inflate) {
		mem_discard(&b->vm->mem, b->pfn << MEM_PAGE_SHIFT);
		b->size++;
	} else {
		b->size--;
	}
	return BALLOON_RES_OK;
}

static int balloon_init(void *dev, struct vm *vm, char *err, size_t errlen)
{
	struct balloon *b = dev;
	b->vm = vm;
	if (!(b->in = calloc((vm->mem.npages + 7) / 8, 1))) {
		snprintf(err, errlen, "out of host memory");
		return -1;
	}
	return 0;
}

static void balloon_reset(void *dev)
{
	struct balloon *b = dev;
	memset(b->in, 0, (b->vm->mem.npages + 7) / 8);
	b->size = b->pfn = b->result = b->status = b->ctrl = 0;
	update_irq(b);
}

static uint32_t balloon_read(void *dev, uint16_t reg)
{
	struct balloon *b = dev;
	switch (reg) {
	case BALLOON_TARGET: return b->target;
	case BALLOON_SIZE: return b->size;
	case BALLOON_PFN: return b->pfn;
	case BALLOON_RESULT: return b->result;
	case BALLOON_STATUS: return b->status;
	case BALLOON_CTRL: return b->ctrl;
	default: return 0;	/* CMD is write-only */
	}
}

static void balloon_write(void *dev, uint16_t reg, uint32_t v)
{
	struct balloon *b = dev;
	switch (reg) {
	case BALLOON_PFN: b->pfn = v; break;
	case BALLOON_CMD: b->result = command(b, v); break;
	case BALLOON_STATUS:
		b->status &= ~(v & BALLOON_ST_CHANGED);
		update_irq(b);
		break;
	case BALLOON_CTRL:
		b->ctrl = v & BALLOON_CTRL_IE;
		update_irq(b);
		break;
	}
}

static void balloon_cleanup(void *dev)
{
	free(((struct balloon *)dev)->in);
}

void balloon_set_target(struct vm *vm, uint32_t pages)
{
	const struct vm_device *d = vm_find_device(vm, "balloon");
	if (!d)
		return;
	struct balloon *b = d->state;
	if (b->target == pages)
		return;
	b->target = pages;
	b->status |= BALLOON_ST_CHANGED;
	update_irq(b);
}

uint32_t balloon_size(const struct vm *vm)
{
	const struct vm_device *d = vm_find_device(vm, "balloon");
	return d ? ((const struct balloon *)d->state)->size : 0;
}

/* After a restore (a migration's target, loadvm): the pages in the
 * balloon that read as zero are the host's again, as they were before it
 * (one the guest wrote anyway keeps its contents). */
static void balloon_ram_restored(void *dev)
{
	struct balloon *b = dev;
	static const uint8_t zero[MEM_PAGE_SIZE];
	uint8_t page[MEM_PAGE_SIZE];
	for (uint32_t pn = 0; pn < b->vm->mem.npages; pn++)
		if (is_in(b, pn) &&
		    !mem_read(&b->vm->mem, pn << MEM_PAGE_SHIFT, page,
			      MEM_PAGE_SIZE) &&
		    !memcmp(page, zero, MEM_PAGE_SIZE))
			mem_discard(&b->vm->mem, pn << MEM_PAGE_SHIFT);
}

static const struct dev_field balloon_fields[] = {
	DEV_FIELD(struct balloon, target, DEV_FIELD_U32, "TARGET register"),
	DEV_FIELD(struct balloon, size, DEV_FIELD_U32, "pages in the balloon"),
	DEV_FIELD(struct balloon, pfn, DEV_FIELD_U32, "PFN register"),
	DEV_FIELD(struct balloon, result, DEV_FIELD_U32, "RESULT register"),
	DEV_FIELD(struct balloon, status, DEV_FIELD_U32, "STATUS register"),
	DEV_FIELD(struct balloon, ctrl, DEV_FIELD_U32, "CTRL register"),
	DEV_FIELD(struct balloon, irq, DEV_FIELD_U8, "level of IRQ 3"),
	{ 0 }
};

static const struct dev_derived balloon_derived[] = {
	DEV_DERIVED(struct balloon, vm, "the machine, set by init"),
	DEV_DERIVED(struct balloon, in, "the bitmap's host memory: its "
		    "bytes are saved as the extra state \"in\""),
	{ 0 }
};

/* The bitmap is sized by the machine's RAM, so it is the device's extra
 * state (docs/checkpoint-format.md, DEVS): (npages + 7) / 8 bytes, page
 * n in bit n % 8 of byte n / 8. */
static uint32_t bitmap_len(const void *dev)
{
	return (((const struct balloon *)dev)->vm->mem.npages + 7) / 8;
}

static void bitmap_get(const void *dev, uint8_t *out)
{
	memcpy(out, ((const struct balloon *)dev)->in, bitmap_len(dev));
}

static void bitmap_set(void *dev, const uint8_t *in)
{
	memcpy(((struct balloon *)dev)->in, in, bitmap_len(dev));
}

/* No bit past the last page, and SIZE counts the bits: INFLATE and
 * DEFLATE change both, a reset clears both, a touch neither. */
static const char *bitmap_check(const void *dev, const uint8_t *in)
{
	const struct balloon *b = dev;
	uint32_t npages = b->vm->mem.npages, len = bitmap_len(dev), n = 0;
	if ((npages & 7) && (in[len - 1] >> (npages & 7)))
		return "the bitmap has pages past the end of RAM";
	for (uint32_t i = 0; i < len; i++)
		n += (uint32_t)__builtin_popcount(in[i]);
	if (n != b->size)
		return "SIZE is not the number of pages in the bitmap";
	return NULL;
}

const struct dev_ops balloon_ops = {
	.name = "balloon",
	.size = sizeof(struct balloon),
	.nports = BALLOON_NREGS,
	.fields = balloon_fields,
	.derived = balloon_derived,
	.init = balloon_init,
	.reset = balloon_reset,
	.read = balloon_read,
	.write = balloon_write,
	.cleanup = balloon_cleanup,
	.extra_name = "in",
	.extra_len = bitmap_len,
	.extra_get = bitmap_get,
	.extra_set = bitmap_set,
	.extra_check = bitmap_check,
	.ram_restored = balloon_ram_restored,
};
