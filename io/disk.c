/*
 * Disk: a block device of 512-byte sectors addressed by LBA, moving data
 * to and from guest RAM by DMA.  One instance per attached image; disk n
 * sits at PORT_DISK + 8n and drives IRQ 5 + n.
 *
 *  port   reg      dir  meaning
 *  +0     CMD      w    start a command: 1 READ, 2 WRITE, 3 FLUSH,
 *                       4 IDENTIFY (ignored while BUSY)
 *                  r    the last command started
 *  +1     STATUS   r    bit 0 BUSY      a command is running
 *                       bit 1 DONE      the last command succeeded
 *                       bit 2 ERROR     the last command failed
 *                       bit 3 READONLY  the disk refuses writes
 *                       bits 15..8      error code (enum disk_error)
 *                  w    any value: acknowledge, clearing DONE, ERROR and
 *                       the code, which lowers the IRQ
 *  +2     LBA      rw   first sector
 *  +3     COUNT    rw   sectors to move
 *  +4     DMA      rw   guest-physical address of the buffer
 *  +5     CTRL     rw   bit 0 IE: raise the IRQ while DONE or ERROR
 *  +6     SECTORS  r    size of the disk in sectors
 *  +7     XFER     r    sectors the last command moved
 *
 * Life of a command.  Writing CMD latches LBA, COUNT and DMA, checks them
 * and sets BUSY; the guest may reprogram the registers at once for the
 * next command.  The command completes DISK_CMD_TICKS + DISK_SECTOR_TICKS
 * per sector moved after the write to CMD -- a command refused by its
 * checks moves nothing and completes after DISK_CMD_TICKS -- and only
 * then does data move, all of it in that one event: a guest must not touch
 * its buffer while BUSY.  Completion clears BUSY, sets DONE or ERROR, and
 * raises the line (level-triggered) while IE is set.
 *
 * DMA goes through the guest-physical-to-host map: a buffer that is not
 * entirely inside RAM (or wraps past 4 GiB) fails the command before any
 * byte moves, so the device can never reach host memory around RAM.
 */
#include "io/devices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/vm.h"
#include "io/ports.h"
#include "mem/mmu.h"

struct disk {
	struct vm *vm;
	const struct vm_disk_host *host;
	uint32_t unit, irq, sectors;
	/* The registers. */
	uint32_t cmd, status, lba, count, dma, ctrl, xfer;
	/* The command in flight, as latched when CMD was written. */
	uint32_t run_lba, run_count, run_dma;
	uint32_t run_err;	/* refused at the start: the code to report */
	uint64_t done_at;	/* virtual time of its completion */
	/* What the guest did, for the monitor and make bench. */
	uint64_t commands, errors, sectors_read, sectors_written, flushes;
	uint64_t busy_cmds;	/* CMD written while BUSY, ignored */
	uint8_t *buf;		/* bounce buffer of DISK_CHUNK sectors */
};

/* Sectors one host call moves at most (256 KiB). */
#define DISK_CHUNK 512u

static void disk_update_irq(struct disk *d)
{
	vm_irq_set(d->vm, d->irq,
		   (d->status & (DISK_ST_DONE | DISK_ST_ERROR)) &&
		   (d->ctrl & DISK_CTRL_IE));
}

/* A buffer of len bytes at gpa lies inside RAM, without wrapping. */
static int dma_ok(const struct disk *d, uint32_t gpa, uint64_t len)
{
	return (uint64_t)gpa + len <= d->vm->mem.size;
}

/* The error a command will report, judged when it starts, or 0. */
static uint32_t disk_check(const struct disk *d)
{
	uint64_t bytes = (uint64_t)d->run_count * DISK_SECTOR_SIZE;
	switch (d->cmd) {
	case DISK_CMD_WRITE:
		if (d->host->read_only)
			return DISK_ERR_READONLY;
		/* fall through */
	case DISK_CMD_READ:
		if (d->run_count == 0 ||
		    (uint64_t)d->run_lba + d->run_count > d->sectors)
			return DISK_ERR_RANGE;
		return dma_ok(d, d->run_dma, bytes) ? 0 : DISK_ERR_DMA;
	case DISK_CMD_FLUSH:
		return 0;
	case DISK_CMD_IDENTIFY:
		return dma_ok(d, d->run_dma, DISK_ID_SIZE) ? 0 : DISK_ERR_DMA;
	default:
		return DISK_ERR_BADCMD;
	}
}

/* Sectors [lba, lba + n) to or from guest RAM at gpa, in one host call
 * through the bounce buffer; 0, or -1 if the host failed. */
static int disk_move(struct disk *d, uint32_t lba, uint32_t gpa, uint32_t n)
{
	const struct vm_disk_host *h = d->host;
	uint64_t off = (uint64_t)lba * DISK_SECTOR_SIZE;
	uint32_t len = n * DISK_SECTOR_SIZE;
	if (d->cmd == DISK_CMD_READ) {
		if (h->read(h->opaque, off, d->buf, len))
			return -1;
		if (mmu_dma_write(d->vm, gpa, d->buf, len)) {
			/* Checked at the start: only the host's memory can
			 * have run out. */
			vm_stop(d->vm, VM_STOP_HOST_ERROR, 0);
			return -1;
		}
		d->sectors_read += n;
	} else {
		if (mem_read(&d->vm->mem, gpa, d->buf, len) ||
		    h->write(h->opaque, off, d->buf, len))
			return -1;
		d->sectors_written += n;
	}
	d->xfer += n;
	return 0;
}

/* Move the sectors of a READ or WRITE, DISK_CHUNK sectors per host call;
 * returns the error code.  When a call fails, its chunk goes again one
 * sector at a time, so that XFER counts exactly the sectors that made it
 * and a guest can tell how far a failed transfer got. */
static uint32_t disk_transfer(struct disk *d)
{
	if (!d->buf && !(d->buf = malloc(DISK_CHUNK * DISK_SECTOR_SIZE))) {
		vm_stop(d->vm, VM_STOP_HOST_ERROR, 0);
		return DISK_ERR_IO;
	}
	for (uint32_t i = 0; i < d->run_count;) {
		uint32_t n = d->run_count - i;
		if (n > DISK_CHUNK)
			n = DISK_CHUNK;
		uint32_t lba = d->run_lba + i, gpa = d->run_dma +
			       i * DISK_SECTOR_SIZE;
		if (disk_move(d, lba, gpa, n) == 0) {
			i += n;
			continue;
		}
		if (n == 1 || d->vm->stop != VM_RUNNING)
			return DISK_ERR_IO;
		for (uint32_t k = 0; k < n; k++)
			if (disk_move(d, lba + k, gpa + k * DISK_SECTOR_SIZE,
				      1))
				return DISK_ERR_IO;
		i += n;		/* the host failed, then did not: go on */
	}
	return 0;
}

static uint32_t disk_identify(struct disk *d)
{
	uint8_t id[DISK_ID_SIZE] = { 0 };
	mem_st32(id + DISK_ID_OFF_MAGIC, DISK_ID_MAGIC);
	mem_st32(id + DISK_ID_OFF_VERSION, DISK_ID_VERSION);
	mem_st32(id + DISK_ID_OFF_SECTORS, d->sectors);
	mem_st32(id + DISK_ID_OFF_SECTOR_SIZE, DISK_SECTOR_SIZE);
	mem_st32(id + DISK_ID_OFF_FLAGS,
		 d->host->read_only ? DISK_ID_READONLY : 0);
	mem_st32(id + DISK_ID_OFF_UNIT, d->unit);
	mem_st32(id + DISK_ID_OFF_IRQ, d->irq);
	memcpy(id + DISK_ID_OFF_MODEL, DISK_ID_MODEL, sizeof DISK_ID_MODEL);
	if (mmu_dma_write(d->vm, d->run_dma, id, sizeof id)) {
		vm_stop(d->vm, VM_STOP_HOST_ERROR, 0);
		return DISK_ERR_IO;
	}
	return 0;
}

static void disk_complete(void *arg, uint64_t now)
{
	struct disk *d = arg;
	uint32_t err = d->run_err;
	(void)now;
	if (!err) {
		switch (d->cmd) {
		case DISK_CMD_READ:
		case DISK_CMD_WRITE:
			err = disk_transfer(d);
			break;
		case DISK_CMD_FLUSH:
			d->flushes++;
			/* A read-only disk has nothing to make durable. */
			if (!d->host->read_only &&
			    d->host->flush(d->host->opaque))
				err = DISK_ERR_IO;
			break;
		case DISK_CMD_IDENTIFY:
			err = disk_identify(d);
			break;
		}
	}
	d->status &= ~DISK_ST_BUSY;
	if (err) {
		d->errors++;
		d->status |= DISK_ST_ERROR | err << DISK_ST_CODE_SHIFT;
	} else {
		d->status |= DISK_ST_DONE;
	}
	disk_update_irq(d);
}

static void disk_start(struct disk *d, uint32_t cmd)
{
	if (d->status & DISK_ST_BUSY) {
		/* The running command owns the device; the guest should
		 * have waited for DONE or ERROR. */
		d->busy_cmds++;
		return;
	}
	d->cmd = cmd;
	d->run_lba = d->lba;
	d->run_count = d->count;
	d->run_dma = d->dma;
	d->run_err = disk_check(d);
	d->xfer = 0;
	d->commands++;
	uint64_t moved = d->run_err == 0 && (cmd == DISK_CMD_READ ||
					     cmd == DISK_CMD_WRITE)
			 ? d->run_count : 0;
	uint64_t ticks = DISK_CMD_TICKS + moved * DISK_SECTOR_TICKS;
	/* Starting a command acknowledges the previous one. */
	d->status = (d->status & DISK_ST_READONLY) | DISK_ST_BUSY;
	d->done_at = vm_now(d->vm) + ticks;
	disk_update_irq(d);
	vm_schedule(d->vm, ticks, disk_complete, d);
}

static int disk_init(void *dev, struct vm *vm, char *err, size_t errlen)
{
	struct disk *d = dev;
	d->vm = vm;
	d->unit = vm_device_of(vm, dev)->unit;
	d->irq = IRQ_DISK0 + d->unit;
	d->host = &vm->cfg.disks[d->unit];
	const struct vm_disk_host *h = d->host;
	const char *name = h->name ? h->name : "(no name)";
	if (!h->read || !h->write || !h->flush) {
		snprintf(err, errlen, "disk %u (%s): the host gives no "
			 "read, write or flush", d->unit, name);
		return -1;
	}
	if (h->size == 0 || h->size % DISK_SECTOR_SIZE ||
	    h->size / DISK_SECTOR_SIZE > DISK_MAX_SECTORS) {
		snprintf(err, errlen, "disk %u (%s): an image must hold 1 to "
			 "%u whole sectors of %u bytes, not %llu bytes",
			 d->unit, name, DISK_MAX_SECTORS, DISK_SECTOR_SIZE,
			 (unsigned long long)h->size);
		return -1;
	}
	d->sectors = (uint32_t)(h->size / DISK_SECTOR_SIZE);
	return 0;
}

/* A command still running is abandoned: its data never moves. */
static void disk_reset(void *dev)
{
	struct disk *d = dev;
	event_cancel(&d->vm->events, disk_complete, d);
	d->cmd = d->lba = d->count = d->dma = d->ctrl = d->xfer = 0;
	d->status = d->host->read_only ? DISK_ST_READONLY : 0;
	d->done_at = 0;
	disk_update_irq(d);
}

static void disk_cleanup(void *dev)
{
	struct disk *d = dev;
	free(d->buf);
	d->buf = NULL;
}

static uint32_t disk_read(void *dev, uint16_t reg)
{
	struct disk *d = dev;
	switch (reg) {
	case DISK_CMD: return d->cmd;
	case DISK_STATUS: return d->status;
	case DISK_LBA: return d->lba;
	case DISK_COUNT: return d->count;
	case DISK_DMA: return d->dma;
	case DISK_CTRL: return d->ctrl;
	case DISK_SECTORS: return d->sectors;
	case DISK_XFER: return d->xfer;
	default: return 0;
	}
}

static void disk_write(void *dev, uint16_t reg, uint32_t v)
{
	struct disk *d = dev;
	switch (reg) {
	case DISK_CMD:
		disk_start(d, v);
		break;
	case DISK_STATUS:
		d->status &= DISK_ST_BUSY | DISK_ST_READONLY;
		disk_update_irq(d);
		break;
	case DISK_LBA: d->lba = v; break;
	case DISK_COUNT: d->count = v; break;
	case DISK_DMA: d->dma = v; break;
	case DISK_CTRL:
		d->ctrl = v & DISK_CTRL_IE;
		disk_update_irq(d);
		break;
	}
}

static const struct dev_field disk_fields[] = {
	DEV_FIELD(struct disk, unit, DEV_FIELD_U32, "disk number"),
	DEV_FIELD(struct disk, sectors, DEV_FIELD_U32, "SECTORS register"),
	DEV_FIELD(struct disk, cmd, DEV_FIELD_U32, "CMD register"),
	DEV_FIELD(struct disk, status, DEV_FIELD_U32, "STATUS register"),
	DEV_FIELD(struct disk, lba, DEV_FIELD_U32, "LBA register"),
	DEV_FIELD(struct disk, count, DEV_FIELD_U32, "COUNT register"),
	DEV_FIELD(struct disk, dma, DEV_FIELD_U32, "DMA register"),
	DEV_FIELD(struct disk, ctrl, DEV_FIELD_U32, "CTRL register"),
	DEV_FIELD(struct disk, xfer, DEV_FIELD_U32, "XFER register"),
	DEV_FIELD(struct disk, run_lba, DEV_FIELD_U32,
		  "LBA of the command in flight"),
	DEV_FIELD(struct disk, run_count, DEV_FIELD_U32,
		  "COUNT of the command in flight"),
	DEV_FIELD(struct disk, run_dma, DEV_FIELD_U32,
		  "DMA of the command in flight"),
	DEV_FIELD(struct disk, done_at, DEV_FIELD_U64,
		  "virtual time the command completes"),
	DEV_FIELD(struct disk, commands, DEV_FIELD_U64, "commands started"),
	DEV_FIELD(struct disk, errors, DEV_FIELD_U64, "commands failed"),
	DEV_FIELD(struct disk, sectors_read, DEV_FIELD_U64,
		  "sectors read into RAM"),
	DEV_FIELD(struct disk, sectors_written, DEV_FIELD_U64,
		  "sectors written to the image"),
	DEV_FIELD(struct disk, flushes, DEV_FIELD_U64, "flushes"),
	DEV_FIELD(struct disk, busy_cmds, DEV_FIELD_U64,
		  "commands ignored because one was running"),
	{ 0 }
};

const struct dev_ops disk_ops = {
	.name = "disk",
	.size = sizeof(struct disk),
	.nports = DISK_NREGS,
	.fields = disk_fields,
	.init = disk_init,
	.reset = disk_reset,
	.read = disk_read,
	.write = disk_write,
	.cleanup = disk_cleanup,
};
