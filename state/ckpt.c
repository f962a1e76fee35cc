/*
 * Checkpoints: taking a machine's state into a struct ckpt, and putting it
 * back (docs/checkpoint-format.md).  The core's structs are read and
 * written here, through their public fields and the devices' field tables;
 * the core itself knows nothing of checkpoints beyond declaring, in each
 * device, what is saved, what is derived and which events it schedules.
 */
#include "state/ckpt.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "io/dev.h"
#include "mem/mmu.h"
#include "mem/pool.h"

static const uint8_t zero_page[MEM_PAGE_SIZE];

/* ---- device values: the fields of a table, little-endian --------------- */

static uint32_t fields_len(const struct dev_ops *ops)
{
	uint32_t n = 0;
	for (const struct dev_field *f = ops->fields; f && f->name; f++)
		n += dev_field_width(f) * dev_field_count(f);
	return n;
}

/* The record's values: the fields, then the extra state if any. */
static uint32_t values_len(const struct dev_ops *ops, const void *dev)
{
	return fields_len(ops) + (ops->extra_len ? ops->extra_len(dev) : 0);
}

static void values_get(const void *dev, const struct dev_ops *ops,
		       uint8_t *out)
{
	for (const struct dev_field *f = ops->fields; f && f->name; f++) {
		unsigned w = dev_field_width(f);
		uint32_t n = dev_field_count(f);
		if (w == 1) {
			memcpy(out, (const char *)dev + f->offset, n);
			out += n;
			continue;
		}
		for (uint32_t i = 0; i < n; i++) {
			uint64_t v = dev_field_get_at(dev, f, i);
			for (unsigned b = 0; b < w; b++)
				*out++ = (uint8_t)(v >> (8 * b));
		}
	}
	if (ops->extra_get)
		ops->extra_get(dev, out);
}

/* The fields only: the extra state is the device's to take. */
static void fields_set(void *dev, const struct dev_ops *ops,
		       const uint8_t *in)
{
	for (const struct dev_field *f = ops->fields; f && f->name; f++) {
		unsigned w = dev_field_width(f);
		uint32_t n = dev_field_count(f);
		if (w == 1) {
			memcpy((char *)dev + f->offset, in, n);
			in += n;
			continue;
		}
		for (uint32_t i = 0; i < n; i++) {
			uint64_t v = 0;
			for (unsigned b = 0; b < w; b++)
				v |= (uint64_t)*in++ << (8 * b);
			dev_field_set_at(dev, f, i, v);
		}
	}
}

static void values_set(void *dev, const struct dev_ops *ops,
		       const uint8_t *in)
{
	fields_set(dev, ops, in);
	if (ops->extra_set)
		ops->extra_set(dev, in + fields_len(ops));
}

uint32_t ckpt_layout(const struct dev_ops *ops)
{
	static const char letter[] = { [DEV_FIELD_U8] = 'b',
		[DEV_FIELD_U16] = 'h', [DEV_FIELD_U32] = 'w',
		[DEV_FIELD_U64] = 'q' };
	uLong crc = crc32(0, Z_NULL, 0);
	for (const struct dev_field *f = ops->fields; f && f->name; f++) {
		uint32_t n = dev_field_count(f);
		uint8_t tail[6] = { 0, (uint8_t)letter[f->type], (uint8_t)n,
				    (uint8_t)(n >> 8), (uint8_t)(n >> 16),
				    (uint8_t)(n >> 24) };
		crc = crc32(crc, (const Bytef *)f->name,
			    (uInt)strlen(f->name));
		crc = crc32(crc, tail, sizeof tail);
	}
	if (ops->extra_name) {
		/* The extra state, as a field of type 'x' and count 0. */
		static const uint8_t tail[6] = { 0, 'x', 0, 0, 0, 0 };
		crc = crc32(crc, (const Bytef *)ops->extra_name,
			    (uInt)strlen(ops->extra_name));
		crc = crc32(crc, tail, sizeof tail);
	}
	return (uint32_t)crc;
}

/* ---- events ------------------------------------------------------------ */

static int device_of_arg(const struct vm *vm, const void *arg)
{
	for (int i = 0; i < vm->ndev; i++)
		if (vm->dev[i].state == arg)
			return i;
	return -1;
}

static int event_kind(const struct dev_ops *ops, event_fn *fn)
{
	int k = 0;
	for (const struct dev_event *e = ops->events; e && e->name; e++, k++)
		if (e->fn == fn)
			return k;
	return -1;
}

static int event_kinds(const struct dev_ops *ops)
{
	int k = 0;
	for (const struct dev_event *e = ops->events; e && e->name; e++)
		k++;
	return k;
}

/* ---- capture ----------------------------------------------------------- */

int ckpt_disk_crc(const struct vm_disk_host *h, uint32_t *crc)
{
	static uint8_t buf[64 * 1024];
	uLong c = crc32(0, Z_NULL, 0);
	for (uint64_t off = 0; off < h->size;) {
		size_t n = h->size - off < sizeof buf ? (size_t)(h->size - off)
						       : sizeof buf;
		if (h->read(h->opaque, off, buf, n))
			return -1;
		c = crc32(c, buf, (uInt)n);
		off += n;
	}
	*crc = (uint32_t)c;
	return 0;
}

static uint16_t wiring_of(const struct vm_config *cfg)
{
	return (uint16_t)((cfg->nic.send ? CKPT_WIRE_NIC_SEND : 0) |
			  (cfg->nic.send && cfg->nic.recv ?
				   CKPT_WIRE_NIC_RECV : 0) |
			  (cfg->keyboard.next_key ? CKPT_WIRE_KEYBOARD : 0) |
			  (cfg->display.refresh ? CKPT_WIRE_DISPLAY : 0));
}

static int capture_conf(struct ckpt_conf *c, const struct vm *vm,
			unsigned flags, char *err, size_t errlen)
{
	c->ram_size = vm->mem.size;
	c->mmu = vm->mmu.mode;
	c->on_brk = vm->cfg.on_brk;
	memcpy(c->mac, vm->cfg.mac, 6);
	c->wiring = wiring_of(&vm->cfg);
	c->ndisks = vm->cfg.ndisks;
	for (unsigned i = 0; i < vm->cfg.ndisks; i++) {
		const struct vm_disk_host *h = &vm->cfg.disks[i];
		struct ckpt_disk *d = &c->disks[i];
		d->size = h->size;
		d->read_only = h->read_only;
		snprintf(d->name, sizeof d->name, "%s",
			 h->name ? h->name : "");
		if (!(flags & CKPT_DISK_CRC))
			continue;
		if (ckpt_disk_crc(h, &d->crc)) {
			snprintf(err, errlen, "disk %u (%s): cannot read it to "
				 "identify it", i, d->name);
			return -1;
		}
		d->has_crc = 1;
	}
	return 0;
}

static void capture_cpu(struct ckpt *ck, const struct vm *vm)
{
	const struct cpu *c = &vm->cpu;
	struct ckpt_cpu *o = &ck->cpu;
	memcpy(o->r, c->r, sizeof o->r);
	o->pc = c->pc;
	o->flags = c->flags;
	o->other_sp = c->other_sp;
	o->vbr = c->vbr;
	o->ptbr = c->ptbr;
	o->paging = c->paging;
	o->far = c->far;
	o->cause = c->cause;
	o->kscratch = c->kscratch;
	o->insns = c->insns;
	o->exceptions = c->exceptions;
	o->halted = c->halted;
	memcpy(o->vectors, c->vectors, sizeof o->vectors);
	ck->hist_next = c->hist_next;
	memcpy(ck->hist, c->hist, sizeof ck->hist);
	ck->cascade = c->cascade;

	struct ckpt_mach *m = &ck->mach;
	m->halted_time = vm->halted_time;
	m->waited_time = vm->waited_time;
	m->entry = vm->entry;
	m->stop = vm->stop;
	m->stop_code = vm->stop_code;
	m->reset_pending = (uint32_t)vm->reset_pending;
	m->bus_in = vm->bus.unassigned_in;
	m->bus_out = vm->bus.unassigned_out;
	m->bus_last = vm->bus.last_unassigned;
	snprintf(m->detail, sizeof m->detail, "%s", vm->stop_detail);
	ck->mmu_mode = vm->mmu.mode;
	ck->mmu = vm->mmu.stats;
}

static int capture_devices(struct ckpt *ck, const struct vm *vm, char *err,
			   size_t errlen)
{
	ck->ndev = (uint32_t)vm->ndev;
	for (int i = 0; i < vm->ndev; i++) {
		const struct vm_device *d = &vm->dev[i];
		struct ckpt_dev *o = &ck->dev[i];
		snprintf(o->name, sizeof o->name, "%s", d->ops->name);
		o->unit = d->unit;
		o->layout = ckpt_layout(d->ops);
		o->len = values_len(d->ops, d->state);
		if (!(o->values = malloc(o->len ? o->len : 1))) {
			snprintf(err, errlen, "out of host memory");
			return -1;
		}
		values_get(d->state, d->ops, o->values);
	}
	const struct event_queue *q = &vm->events;
	for (int i = 0; i < q->n; i++) {
		int dev = device_of_arg(vm, q->ev[i].arg);
		if (dev < 0)
			continue;	/* a front end's, not the machine's */
		int kind = event_kind(vm->dev[dev].ops, q->ev[i].fn);
		if (kind < 0) {
			snprintf(err, errlen, "internal error: %s has an "
				 "event missing from its events table",
				 vm->dev[dev].ops->name);
			return -1;
		}
		ck->ev[ck->nevents++] = (struct ckpt_event){
			.when = q->ev[i].when, .dev = (uint8_t)dev,
			.kind = (uint8_t)kind };
	}
	return 0;
}

static int capture_ram(struct ckpt *ck, const struct vm *vm)
{
	const struct mem *m = &vm->mem;
	ck->npages = m->npages;
	ck->cap = m->touched;
	ck->pagenos = malloc((ck->cap ? ck->cap : 1) * sizeof *ck->pagenos);
	ck->pages = malloc((size_t)(ck->cap ? ck->cap : 1) * MEM_PAGE_SIZE);
	if (!ck->pagenos || !ck->pages)
		return -1;
	for (uint32_t p = 0; p < m->npages && ck->nstored < ck->cap; p++) {
		const uint8_t *page = mem_host_page(m, p);
		if (!page || !memcmp(page, zero_page, MEM_PAGE_SIZE))
			continue;
		ck->pagenos[ck->nstored] = p;
		memcpy(ck->pages + (size_t)ck->nstored * MEM_PAGE_SIZE, page,
		       MEM_PAGE_SIZE);
		ck->nstored++;
	}
	return 0;
}

/* RAM under a lab's memory manager (mem/pool.h): a page may be private,
 * shared with other machines (in the map, read-only) or swapped out (NULL
 * in the map, read from the swap file without bringing it in).  Reading
 * it through mem_read's paths moves no page and changes no counter, so
 * saving a machine changes nothing the lab's report shows. */
static int capture_pool_ram(struct ckpt *ck, const struct vm *vm)
{
	const struct mem *m = &vm->mem;
	uint8_t page[MEM_PAGE_SIZE];
	ck->npages = m->npages;
	for (uint32_t p = 0; p < m->npages; p++) {
		const uint8_t *src = mem_host_page(m, p);
		if (!src) {
			if (pool_peek(m->pool, p, 0, page, MEM_PAGE_SIZE))
				continue;	/* never touched, or ballooned */
			src = page;
		}
		if (!memcmp(src, zero_page, MEM_PAGE_SIZE))
			continue;
		if (ck->nstored == ck->cap) {
			uint32_t cap = ck->cap ? 2 * ck->cap : 64;
			uint32_t *nos = realloc(ck->pagenos,
						cap * sizeof *nos);
			if (nos)
				ck->pagenos = nos;
			uint8_t *pages = realloc(ck->pages,
						 (size_t)cap * MEM_PAGE_SIZE);
			if (!nos || !pages)
				return -1;
			ck->pages = pages;
			ck->cap = cap;
		}
		ck->pagenos[ck->nstored] = p;
		memcpy(ck->pages + (size_t)ck->nstored * MEM_PAGE_SIZE, src,
		       MEM_PAGE_SIZE);
		ck->nstored++;
	}
	return 0;
}

/* What a checkpoint cannot hold yet: RAM under a lab's memory manager
 * when the caller keeps RAM itself from the map (the timeline: a swapped
 * page is not there).  NULL, or why. */
static const char *not_checkpointable(const struct vm *vm, unsigned flags)
{
	if (vm->mem.pool && (flags & CKPT_NO_RAM) && !(flags & CKPT_RAM_READ))
		return "its RAM is under a lab's memory manager";
	return NULL;
}

int ckpt_capture(struct ckpt *ck, const struct vm *vm, unsigned flags,
		 char *err, size_t errlen)
{
	memset(ck, 0, sizeof *ck);
	const char *why = not_checkpointable(vm, flags);
	if (why) {
		snprintf(err, errlen, "the machine cannot be checkpointed: %s",
			 why);
		return -1;
	}
	if (capture_conf(&ck->conf, vm, flags, err, errlen))
		return -1;
	capture_cpu(ck, vm);
	if (capture_devices(ck, vm, err, errlen))
		goto fail;
	if (flags & CKPT_NO_RAM)
		ck->npages = vm->mem.npages;
	else if (vm->mem.pool ? capture_pool_ram(ck, vm)
				: capture_ram(ck, vm)) {
		snprintf(err, errlen, "out of host memory");
		goto fail;
	}
	return 0;
fail:
	ckpt_free(ck);
	return -1;
}

void ckpt_free(struct ckpt *ck)
{
	for (uint32_t i = 0; i < ck->ndev && i < VM_MAX_DEVICES; i++)
		free(ck->dev[i].values);
	free(ck->pagenos);
	free(ck->pages);
	memset(ck, 0, sizeof *ck);
}

/* ---- check ------------------------------------------------------------- */

static const char *wiring_text(uint16_t w, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s",
		 w & CKPT_WIRE_NIC_RECV ? "a NIC on a hub, "
		 : w & CKPT_WIRE_NIC_SEND ? "a NIC with a cable, " : "",
		 w & CKPT_WIRE_KEYBOARD ? "a keyboard, " : "",
		 w & CKPT_WIRE_DISPLAY ? "a display window, " : "",
		 w ? "" : "no NIC cable, keyboard or window, ", "");
	size_t n = strlen(buf);
	if (n >= 2)
		buf[n - 2] = 0;
	return buf;
}

static int check_conf(const struct ckpt_conf *c, const struct vm *vm,
		      unsigned flags, char *err, size_t errlen)
{
	if (c->ram_size != vm->mem.size) {
		snprintf(err, errlen, "the checkpoint's machine has %u KiB of "
			 "RAM, this one %u KiB (--mem)", c->ram_size / 1024,
			 vm->mem.size / 1024);
		return -1;
	}
	if (c->mmu != (uint32_t)vm->mmu.mode) {
		snprintf(err, errlen, "the checkpoint's machine virtualizes "
			 "paging with --mmu=%s, this one with --mmu=%s",
			 mmu_mode_name((enum mmu_mode)c->mmu),
			 mmu_mode_name(vm->mmu.mode));
		return -1;
	}
	if (c->on_brk != (uint32_t)vm->cfg.on_brk) {
		snprintf(err, errlen, "the checkpoint's machine ran with "
			 "--on-brk=%s, this one with --on-brk=%s",
			 c->on_brk ? "guest" : "stop",
			 vm->cfg.on_brk ? "guest" : "stop");
		return -1;
	}
	if (memcmp(c->mac, vm->cfg.mac, 6)) {
		snprintf(err, errlen, "the checkpoint's NIC has another "
			 "address (--mac)");
		return -1;
	}
	uint16_t w = wiring_of(&vm->cfg);
	if (c->wiring != w) {
		char a[128], b[128];
		snprintf(err, errlen, "the checkpoint's machine had %s; this "
			 "one has %s", wiring_text(c->wiring, a, sizeof a),
			 wiring_text(w, b, sizeof b));
		return -1;
	}
	if (c->ndisks != vm->cfg.ndisks) {
		snprintf(err, errlen, "the checkpoint's machine had %u disks, "
			 "this one %u (--disk)", c->ndisks, vm->cfg.ndisks);
		return -1;
	}
	for (unsigned i = 0; i < c->ndisks; i++) {
		const struct ckpt_disk *d = &c->disks[i];
		const struct vm_disk_host *h = &vm->cfg.disks[i];
		uint32_t crc;
		if (d->size != h->size || d->read_only != h->read_only) {
			snprintf(err, errlen, "disk %u (%s) was %llu bytes%s "
				 "when the checkpoint was taken; %s is %llu "
				 "bytes%s", i, d->name,
				 (unsigned long long)d->size,
				 d->read_only ? ", read-only" : "",
				 h->name ? h->name : "it",
				 (unsigned long long)h->size,
				 h->read_only ? ", read-only" : "");
			return -1;
		}
		if (!d->has_crc || (flags & CKPT_CHANGED_DISKS))
			continue;
		if (ckpt_disk_crc(h, &crc)) {
			snprintf(err, errlen, "disk %u (%s): cannot read it to "
				 "compare it", i, h->name ? h->name : "");
			return -1;
		}
		if (crc != d->crc) {
			snprintf(err, errlen, "disk %u (%s) changed since the "
				 "checkpoint was taken (CRC-32 %08x, then "
				 "%08x); the guest would find other data "
				 "(--restore-changed-disks to go on anyway)", i,
				 h->name ? h->name : d->name, crc, d->crc);
			return -1;
		}
	}
	return 0;
}

int ckpt_check(const struct ckpt *ck, const struct vm *vm, unsigned flags,
	       char *err, size_t errlen)
{
	unsigned as_taken = !(flags & CKPT_KEEP_RAM) ? 0
			    : flags & CKPT_RAM_RESTORED
			    ? CKPT_NO_RAM | CKPT_RAM_READ : CKPT_NO_RAM;
	const char *why = not_checkpointable(vm, as_taken);
	if (why) {
		snprintf(err, errlen, "this machine cannot be restored: %s",
			 why);
		return -1;
	}
	if (check_conf(&ck->conf, vm, flags, err, errlen))
		return -1;
	if (ck->ndev != (uint32_t)vm->ndev) {
		snprintf(err, errlen, "the checkpoint has %u devices, this "
			 "machine %d", ck->ndev, vm->ndev);
		return -1;
	}
	for (int i = 0; i < vm->ndev; i++) {
		const struct ckpt_dev *d = &ck->dev[i];
		const struct vm_device *v = &vm->dev[i];
		if (strcmp(d->name, v->ops->name) || d->unit != v->unit) {
			snprintf(err, errlen, "device %d is %s %u in the "
				 "checkpoint, %s %u here", i, d->name, d->unit,
				 v->ops->name, v->unit);
			return -1;
		}
		if (d->layout != ckpt_layout(v->ops) ||
		    d->len != values_len(v->ops, v->state)) {
			snprintf(err, errlen, "the checkpoint's %s saves other "
				 "fields than this aula's (written by another "
				 "version of aula?)", d->name);
			return -1;
		}
	}
	for (int i = 0; i < vm->ndev; i++) {
		/* The values on a scratch copy, for the device to judge. */
		const struct vm_device *v = &vm->dev[i];
		if (!v->ops->check && !v->ops->extra_check)
			continue;
		void *copy = malloc(v->ops->size);
		if (!copy) {
			snprintf(err, errlen, "out of host memory");
			return -1;
		}
		/* (The copy shares the instance's host buffers: only its
		 * fields are written.) */
		memcpy(copy, v->state, v->ops->size);
		fields_set(copy, v->ops, ck->dev[i].values);
		const char *why = v->ops->check ? v->ops->check(copy) : NULL;
		if (!why && v->ops->extra_check)
			why = v->ops->extra_check(copy, ck->dev[i].values +
						  fields_len(v->ops));
		free(copy);
		if (why) {
			snprintf(err, errlen, "the checkpoint's %s %u is in no "
				 "state it can be: %s", v->ops->name, v->unit,
				 why);
			return -1;
		}
	}
	const struct ckpt_cpu *c = &ck->cpu;
	if ((c->pc & 3) || (c->vbr & 3) || (c->ptbr & MEM_PAGE_MASK) ||
	    c->paging > 1 || (c->flags & ~CPU_FLAGS_MASK)) {
		snprintf(err, errlen, "the CPU is in no state it can be: pc, "
			 "vbr, ptbr, paging or flags out of range");
		return -1;
	}
	for (uint32_t i = 0; i < ck->nevents; i++)
		if (ck->ev[i].dev >= vm->ndev ||
		    ck->ev[i].kind >= event_kinds(vm->dev[ck->ev[i].dev].ops)) {
			snprintf(err, errlen, "event %u names device %u, kind "
				 "%u, which this machine does not have", i,
				 ck->ev[i].dev, ck->ev[i].kind);
			return -1;
		}
	if (!(flags & CKPT_KEEP_RAM) && ck->npages != vm->mem.npages) {
		snprintf(err, errlen, "the checkpoint has %u pages of RAM, "
			 "this machine %u", ck->npages, vm->mem.npages);
		return -1;
	}
	if (ck->mach.stop > VM_STOP_INTERRUPTED) {
		snprintf(err, errlen, "stop reason %u is not one of aula(1)'s",
			 ck->mach.stop);
		return -1;
	}
	return 0;
}

/* ---- apply ------------------------------------------------------------- */

static void apply_cpu(const struct ckpt *ck, struct vm *vm)
{
	struct cpu *c = &vm->cpu;
	const struct ckpt_cpu *o = &ck->cpu;
	memcpy(c->r, o->r, sizeof c->r);
	c->pc = o->pc;
	c->flags = o->flags;
	c->tlb_cur = &c->tlb[!(c->flags & CPU_P)];
	c->other_sp = o->other_sp;
	c->vbr = o->vbr;
	c->ptbr = o->ptbr;
	c->paging = o->paging;
	c->far = o->far;
	c->cause = o->cause;
	c->kscratch = o->kscratch;
	c->insns = o->insns;
	c->exceptions = o->exceptions;
	c->halted = o->halted != 0;
	memcpy(c->vectors, o->vectors, sizeof c->vectors);
	c->limit = 0;
	c->hist_next = ck->hist_next;
	memcpy(c->hist, ck->hist, sizeof c->hist);
	c->cascade = ck->cascade;

	const struct ckpt_mach *m = &ck->mach;
	vm->halted_time = m->halted_time;
	vm->waited_time = m->waited_time;
	vm->entry = m->entry;
	vm->stop = (enum vm_stop)m->stop;
	vm->stop_code = m->stop_code;
	vm->reset_pending = (int)m->reset_pending;
	vm->yield = 0;
	vm->bus.unassigned_in = m->bus_in;
	vm->bus.unassigned_out = m->bus_out;
	vm->bus.last_unassigned = (uint16_t)m->bus_last;
	snprintf(vm->stop_detail, sizeof vm->stop_detail, "%s", m->detail);
	/* Nothing derived survives: no TLB entry, shadow or tracking. */
	mmu_reset(vm);
	vm->mmu.stats = ck->mmu;
}

static void apply_devices(const struct ckpt *ck, struct vm *vm)
{
	for (int i = 0; i < vm->ndev; i++) {
		const struct vm_device *d = &vm->dev[i];
		for (const struct dev_event *e = d->ops->events; e && e->name;
		     e++)
			event_cancel(&vm->events, e->fn, d->state);
		values_set(d->state, d->ops, ck->dev[i].values);
	}
	for (uint32_t i = 0; i < ck->nevents; i++) {
		const struct vm_device *d = &vm->dev[ck->ev[i].dev];
		/* The queue has room: the machine's events fitted in it. */
		event_schedule(&vm->events, ck->ev[i].when,
			       d->ops->events[ck->ev[i].kind].fn, d->state);
	}
	for (int i = 0; i < vm->ndev; i++)
		if (vm->dev[i].ops->restored)
			vm->dev[i].ops->restored(vm->dev[i].state);
}

/* Allocate every page the checkpoint stores, before anything changes. */
static int ram_alloc(const struct ckpt *ck, struct vm *vm)
{
	for (uint32_t k = 0; k < ck->nstored; k++)
		if (!mem_page(&vm->mem, ck->pagenos[k] << MEM_PAGE_SHIFT))
			return -1;
	return 0;
}

static void apply_ram(const struct ckpt *ck, struct vm *vm)
{
	struct mem *m = &vm->mem;
	uint32_t k = 0;
	for (uint32_t p = 0; p < m->npages; p++) {
		uint8_t *page = mem_host_page(m, p);
		if (k < ck->nstored && ck->pagenos[k] == p) {
			memcpy(page, ck->pages + (size_t)k * MEM_PAGE_SIZE,
			       MEM_PAGE_SIZE);
			k++;
		} else if (page) {
			memset(page, 0, MEM_PAGE_SIZE);
		} else {
			continue;
		}
		mem_dirty_mark(m, p << MEM_PAGE_SHIFT);
	}
}

/* Under a lab's memory manager, pages go back through it: a write to a
 * shared page gets a private copy, a swapped page is brought in, and
 * pages allocated here may swap out others, so nothing is written through
 * mem's map.  A page the checkpoint does not hold must read as zero.  -1:
 * the host ran out of memory half-way. */
static int apply_pool_ram(const struct ckpt *ck, struct vm *vm)
{
	struct mem *m = &vm->mem;
	uint8_t page[MEM_PAGE_SIZE];
	uint32_t k = 0;
	for (uint32_t p = 0; p < m->npages; p++) {
		uint32_t gpa = p << MEM_PAGE_SHIFT;
		const uint8_t *want = zero_page;
		if (k < ck->nstored && ck->pagenos[k] == p)
			want = ck->pages + (size_t)k++ * MEM_PAGE_SIZE;
		else if (mem_read(m, gpa, page, MEM_PAGE_SIZE) ||
			 !memcmp(page, zero_page, MEM_PAGE_SIZE))
			continue;
		if (mem_write(m, gpa, want, MEM_PAGE_SIZE))
			return -1;
	}
	return 0;
}

int ckpt_apply(const struct ckpt *ck, struct vm *vm, unsigned flags,
	       char *err, size_t errlen)
{
	if (ckpt_check(ck, vm, flags, err, errlen))
		return -1;
	/* (A memory manager allocates as it restores: apply_pool_ram.) */
	if (!(flags & CKPT_KEEP_RAM) && !vm->mem.pool &&
	    ram_alloc(ck, vm)) {
		snprintf(err, errlen, "out of host memory");
		return -1;
	}
	int ev = 0;
	for (int i = 0; i < vm->events.n; i++)
		ev += device_of_arg(vm, vm->events.ev[i].arg) < 0;
	if (ev + (int)ck->nevents > EVENT_MAX) {
		snprintf(err, errlen, "the event queue cannot hold the "
			 "checkpoint's %u events", ck->nevents);
		return -1;
	}
	apply_cpu(ck, vm);
	apply_devices(ck, vm);
	bool ram = !(flags & CKPT_KEEP_RAM);
	if (ram && !vm->mem.pool)
		apply_ram(ck, vm);
	else if (ram && apply_pool_ram(ck, vm)) {
		snprintf(err, errlen, "out of host memory while restoring RAM "
			 "under the lab's memory manager");
		return -1;
	}
	for (int i = 0; ram && i < vm->ndev; i++)
		if (vm->dev[i].ops->ram_restored)
			vm->dev[i].ops->ram_restored(vm->dev[i].state);
	cpu_check_irq(vm);
	return 0;
}
