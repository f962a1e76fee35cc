/*
 * The timeline of reverse execution (aula-debug(1), REVERSE EXECUTION).
 *
 * A run under the monitor is deterministic except for its inputs (the
 * console, frames from a hub, keys),
 * so any earlier moment can be had again by restoring a checkpoint taken
 * before it and running forward to it, with the input it had then:
 *
 *   pos  0        I        2I       3I           now
 *        |--------|--------|--------|-------------*
 *        C0       C1       C2       C3            (dirty since C3)
 *        all RAM  pages written since the one before
 *
 * Positions count what vm_run's budget counts: instructions, exception
 * entries and ticks halted, so a position is reached exactly.  A
 * checkpoint holds the machine's small state and only the pages written
 * since the one before (mem/dirty.h); C0 holds all of RAM.  When the
 * checkpoints outgrow the cap, every other one is merged into the next
 * and the interval doubles.  Console input the guest took is logged with
 * the position it came at, and served again, position for position, when
 * the run passes there again; output already shown is not shown again,
 * and frames already sent are not sent again.
 *
 * Anything that changes the machine from outside (set, send, loadvm)
 * makes the moments after now another future: they are dropped.
 *
 * Disk images are outside the machine: each write to one is logged with
 * the bytes it replaces, and undone, newest first, when the machine goes
 * back before it; the re-run writes it again.  The log has a quarter of
 * the cap, and so has the log of frames and keys; past it, the points
 * before are out of reach.
 */
#ifndef AULA_TIMELINE_H
#define AULA_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/vm.h"
#include "state/ckpt.h"

#define TL_DEFAULT_CAP (64u << 20)	/* bytes of checkpoints */
#define TL_FIRST_INTERVAL (1u << 16)	/* positions between checkpoints */

struct tl_point {
	uint64_t pos, insns;
	uint64_t seq;			/* the how-manieth point taken */
	struct ckpt state;		/* without RAM */
	uint32_t npages;
	uint32_t *pageno;		/* ascending */
	uint8_t *pages;
	size_t bytes;			/* host memory it holds */
};

struct tl_input {
	uint64_t index;			/* the UART's host_bytes when taken */
	uint64_t pos;			/* the position it came at */
	int c;				/* a byte, or VM_CONSOLE_EOF */
};

/* A key or a frame that came from outside, and where: served again at
 * that position when the run passes there again. */
enum tl_ext_kind { TL_EXT_KEY, TL_EXT_FRAME };
struct tl_ext {
	uint64_t seq;			/* points taken before it */
	uint64_t pos;
	enum tl_ext_kind kind;
	int key;
	uint32_t len;
	uint8_t *frame;
};

/* A disk write, undone when the machine goes back before it: the bytes
 * the image held there, and the point it came after. */
struct tl_write {
	uint64_t seq;			/* points taken before it */
	unsigned unit;
	uint64_t off;
	size_t len;
	uint8_t *old;
};

struct timeline {
	bool on;
	char why_off[160];		/* when off: why */
	struct tl_point *pt;
	int n, cap;
	int base;			/* RAM now = pt[base] + the dirty pages */
	uint64_t interval;
	uint64_t frontier;		/* the furthest position run to */
	uint64_t frontier_insns;	/* ... and its instruction count */
	size_t bytes, cap_bytes;
	uint64_t *dirty;		/* scratch: a harvest */
	struct tl_input *in;
	size_t nin, in_cap;
	int replaying;			/* running toward a known moment */
	uint64_t thinned;		/* checkpoints merged away */
	uint64_t seq;			/* points taken so far */
	/* The disks, behind the timeline: their writes are logged, so
	 * that going back puts the images back as they were too. */
	struct vm_disk_host disk[VM_MAX_DISKS];
	unsigned ndisks;
	struct tl_write *wr;
	size_t nwr, wr_cap, wr_bytes;
	uint64_t floor;			/* points before it lost their log */
	struct tl_ext *ext;		/* keys and frames, in order */
	size_t n_ext, cap_ext, bytes_ext;
	size_t next_ext;		/* the next one the run meets */
};

/* The position of the machine: its budget spent since power-on. */
static inline uint64_t tl_pos(const struct vm *vm)
{
	return vm_units(vm);
}

/* Start afresh at the machine's present (a new machine, loadvm):
 * checkpoint 0 holds all of its RAM.  0, or -1 with err (out of memory,
 * or inputs the timeline cannot replay: it is then off, saying why). */
int tl_start(struct timeline *t, struct vm *vm, char *err, size_t errlen);
void tl_free(struct timeline *t);
/* Before running from the present: take the checkpoint due here, if one
 * is; the most the run may go before the next one is due. */
uint64_t tl_before_run(struct timeline *t, struct vm *vm);
/* After a run: the present may be the furthest yet. */
void tl_after_run(struct timeline *t, const struct vm *vm);
/* The moments after the present are no longer the future. */
void tl_diverge(struct timeline *t, const struct vm *vm);

/* Go to position pos (0 <= pos <= frontier) or to the first moment
 * insns reached n (by_insns): restore the checkpoint before it and run
 * there.  0, or -1 with err. */
int tl_goto(struct timeline *t, struct vm *vm, uint64_t target,
	    bool by_insns, char *err, size_t errlen);
/* Restore checkpoint i and stand there.  0, or -1 with err. */
int tl_restore(struct timeline *t, struct vm *vm, int i, char *err,
	       size_t errlen);
/* The checkpoint at or before pos. */
int tl_point_before(const struct timeline *t, uint64_t pos);

/* The console between the guest and the monitor's input: a logged byte
 * when the run passes where it came (1, with *c), or 0 to ask the live
 * source, whose answer tl_input_log then keeps. */
int tl_input_replay(struct timeline *t, const struct vm *vm, int *c);
void tl_input_log(struct timeline *t, const struct vm *vm, int c);
/* Keys and frames from outside.  Where the run has been before, what came
 * then (1: a key in *key, or a frame of *len bytes copied to buf; *len 0
 * or VM_KEY_NONE when nothing came at this moment); at the frontier, 0:
 * ask the live source, and give its answer to tl_ext_log. */
int tl_ext_replay(struct timeline *t, const struct vm *vm,
		  enum tl_ext_kind kind, int *key, uint8_t *buf, uint32_t cap,
		  uint32_t *len);
void tl_ext_log(struct timeline *t, const struct vm *vm,
		enum tl_ext_kind kind, int key, const uint8_t *buf,
		uint32_t len);

/* The disks whose writes go through tl_disk_write (kept by tl_start). */
void tl_disk_hosts(struct timeline *t, const struct vm_disk_host *h,
		   unsigned n);
/* Disk unit's write: the bytes there are logged first (when the timeline
 * is on), then the write goes to the image. */
int tl_disk_write(struct timeline *t, unsigned unit, uint64_t off,
		  const void *buf, size_t len);
/* Output at this position was shown already. */
bool tl_output_seen(const struct timeline *t, const struct vm *vm);

#endif
