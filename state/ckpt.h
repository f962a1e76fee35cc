/*
 * Checkpoints: the whole state of a machine as a plain value
 * (docs/checkpoint-format.md).
 *
 *     vm --ckpt_capture--> struct ckpt --ckpt_encode--> bytes --> file
 *     vm <--ckpt_apply---- struct ckpt <--ckpt_decode-- bytes <-- file
 *
 * A struct ckpt is decoded completely, and checked against itself, before
 * anything reads it; ckpt_apply checks it against the machine before it
 * changes anything, so a refused checkpoint leaves the machine as it was.
 * In-process snapshots (the monitor's savevm, reverse execution) are a
 * struct ckpt that never becomes bytes.
 */
#ifndef AULA_CKPT_H
#define AULA_CKPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/vm.h"

#define CKPT_VERSION 1
#define CKPT_MAGIC "AULACKPT"
#define CKPT_HEADER_SIZE 32
#define CKPT_SECTION_HEADER 12
#define CKPT_NAME_MAX 1024	/* bytes of a disk's name */

/* CONF's wiring bits: the kinds of host the devices call from events. */
enum ckpt_wiring {
	CKPT_WIRE_NIC_SEND = 1u << 0,
	CKPT_WIRE_NIC_RECV = 1u << 1,
	CKPT_WIRE_KEYBOARD = 1u << 2,
	CKPT_WIRE_DISPLAY = 1u << 3,
};

struct ckpt_disk {
	uint64_t size;
	uint32_t read_only;
	uint32_t crc;		/* of the contents, when has_crc */
	uint32_t has_crc;	/* always in a file; in-process, on request */
	char name[CKPT_NAME_MAX + 1];
};

struct ckpt_conf {
	uint32_t ram_size, mmu, on_brk;
	uint8_t mac[6];
	uint16_t wiring;
	uint32_t ndisks;
	struct ckpt_disk disks[VM_MAX_DISKS];
};

struct ckpt_cpu {
	uint32_t r[16], pc, flags, other_sp, vbr, ptbr, paging, far, cause,
		kscratch;
	uint64_t insns, exceptions;
	uint32_t halted;
	uint64_t vectors[CPU_VEC_COUNT];	/* entries by vector */
};

struct ckpt_mach {
	uint64_t halted_time, waited_time;
	uint32_t entry, stop, stop_code, reset_pending;
	uint64_t bus_in, bus_out;
	uint32_t bus_last;
	char detail[160];
};

struct ckpt_dev {
	char name[32];
	uint32_t unit, layout, len;
	uint8_t *values;	/* len bytes, as in the file */
};

struct ckpt_event {
	uint64_t when;
	uint8_t dev, kind;
};

struct ckpt {
	uint64_t taken;		/* seconds since 1970; 0: not written yet */
	struct ckpt_conf conf;
	struct ckpt_cpu cpu;
	uint32_t hist_next;
	struct cpu_hist hist[CPU_HISTORY];
	struct cpu_cascade cascade;
	struct ckpt_mach mach;
	uint32_t mmu_mode;
	struct mmu_stats mmu;
	uint32_t ndev;
	struct ckpt_dev dev[VM_MAX_DEVICES];
	uint32_t nevents;
	struct ckpt_event ev[EVENT_MAX];
	/* RAM: the pages that are not all zero, ascending. */
	uint32_t npages, nstored, cap;
	uint32_t *pagenos;
	uint8_t *pages;		/* nstored pages of MEM_PAGE_SIZE */
};

enum ckpt_capture_flags {
	CKPT_DISK_CRC = 1u << 0,	/* identify disks by their contents */
	CKPT_NO_RAM = 1u << 1,		/* the caller keeps RAM itself */
	/* With CKPT_NO_RAM: the caller reads RAM with mem_read, which sees
	 * through a lab's memory manager (a migration; not the timeline,
	 * which reads the pages it keeps). */
	CKPT_RAM_READ = 1u << 2,
};

/* Take the machine's state, between instructions; 0, or -1 with err (out
 * of host memory, a disk that cannot be read).  ck is overwritten; free it
 * with ckpt_free. */
int ckpt_capture(struct ckpt *ck, const struct vm *vm, unsigned flags,
		 char *err, size_t errlen);
void ckpt_free(struct ckpt *ck);

enum ckpt_apply_flags {
	CKPT_CHANGED_DISKS = 1u << 0,	/* a disk's contents may differ */
	CKPT_KEEP_RAM = 1u << 1,	/* the checkpoint has no RAM */
	/* With CKPT_KEEP_RAM: the caller has put RAM under a lab's memory
	 * manager back itself (a lab's snapshot, lab/snap.c). */
	CKPT_RAM_RESTORED = 1u << 2,
};

/* Would the checkpoint fit this machine?  0, or -1 with err saying what
 * differs (RAM size, MMU mode, a disk...). */
int ckpt_check(const struct ckpt *ck, const struct vm *vm, unsigned flags,
	       char *err, size_t errlen);
/* Put the machine in the checkpoint's state (after ckpt_check, which it
 * calls); the TLBs and shadows start empty.  0, or -1 with err and the
 * machine unchanged. */
int ckpt_apply(const struct ckpt *ck, struct vm *vm, unsigned flags,
	       char *err, size_t errlen);

/* The file format.  ckpt_encode: 0 and a malloc'd buffer, or -1 (out of
 * memory).  ckpt_decode: 0, or -1 with err saying what is wrong and where
 * (it never trusts the bytes). */
int ckpt_encode(const struct ckpt *ck, uint8_t **buf, size_t *len);
int ckpt_decode(struct ckpt *ck, const uint8_t *buf, size_t len, char *err,
		size_t errlen);

/* Whole files: write (through a temporary, renamed into place) and read;
 * 0, or -1 with err naming the file. */
int ckpt_write_file(const struct ckpt *ck, const char *path, char *err,
		    size_t errlen);
int ckpt_read_file(struct ckpt *ck, const char *path, char *err,
		   size_t errlen);

/* CRC-32 of a disk's contents, read through its host: 0, or -1. */
int ckpt_disk_crc(const struct vm_disk_host *h, uint32_t *crc);
/* The CRC of a device's field table, as in DEVS. */
uint32_t ckpt_layout(const struct dev_ops *ops);
/* Print what is inside (aula checkpoint info). */
void ckpt_describe(const struct ckpt *ck, FILE *f);

#endif
