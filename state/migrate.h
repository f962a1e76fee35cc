/*
 * Live migration with pre-copy (docs/migration.md): a plain state machine,
 * driven between instructions, that knows nothing of sockets or files.
 * Bytes leave through a write callback and arrive through mig_dst_feed.
 *
 *   source                                   target
 *   mig_src_start(vm, policy, write)  ---->  mig_dst_init
 *   loop: run mig_src_slice() insns          mig_dst_feed(bytes) ...
 *         mig_src_step(1000 ticks)    ---->  (PAGE records)
 *   until MIG_SWITCHOVER:
 *   mig_src_finish (stop-and-copy)    ---->  STAT, END -> MIG_DST_DONE
 *                                            mig_dst_take(ckpt) -> ckpt_apply
 */
#ifndef AULA_MIGRATE_H
#define AULA_MIGRATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/vm.h"
#include "state/ckpt.h"

#define MIG_VERSION 1
#define MIG_MAGIC "AULAMIGR"
#define MIG_HEADER_SIZE 32
#define MIG_RECORD_HEADER 12
#define MIG_PAGES_PER_RECORD 64
#define MIG_SLICE 1000		/* ticks of one slice; bandwidth is per slice */
#define MIG_MAX_ROUNDS 256	/* rounds the statistics keep */
#define MIG_STAT_MAX (64u << 20)

enum mig_converge { MIG_THROTTLE, MIG_GIVE_UP };

struct mig_policy {
	uint32_t bandwidth;	/* pages per MIG_SLICE ticks, >= 1 */
	uint32_t max_rounds;	/* >= 1 */
	uint32_t threshold;	/* pages left that allow stop-and-copy */
	enum mig_converge converge;
};
/* The defaults of docs/migration.md, for aula run and for labs. */
#define MIG_POLICY_DEFAULT                                              \
	((struct mig_policy){ .bandwidth = 64, .max_rounds = 30,        \
			      .threshold = 16, .converge = MIG_THROTTLE })

enum mig_status { MIG_ACTIVE, MIG_COMPLETED, MIG_FAILED };

/* What `info migrate` and the final report show (docs/migration.md). */
struct mig_stats {
	enum mig_status status;
	uint32_t rounds;
	uint32_t pages_round[MIG_MAX_ROUNDS];
	uint64_t total_pages;
	uint64_t dirty_rate;	/* pages per MIG_SLICE ticks, last round */
	uint32_t throttle;	/* percent of each slice the guest loses */
	uint64_t total_time, downtime;	/* virtual ticks */
	uint64_t stopped_at;	/* vm_units when the guest stopped */
	uint64_t transferred;	/* bytes of stream */
	char detail[512];	/* why it failed */
};

/* The transport: 0, or -1 (the migration fails, naming the error). */
typedef int mig_write_fn(void *ctx, const void *buf, size_t len);

enum mig_step { MIG_STEP_GO, MIG_STEP_SWITCHOVER, MIG_STEP_FAILED };

struct mig_src {
	struct vm *vm;
	struct mig_policy policy;
	mig_write_fn *write;
	void *ctx;
	uint32_t words;		/* of each bitmap */
	uint64_t *todo, *dirty;	/* this round's pages; a harvest */
	/* What the target holds of each page: a copy of the contents last
	 * sent, or NULL for zeros.  A page the dirty bits name (a superset:
	 * mem/dirty.h) is sent again only if it differs from its copy. */
	uint8_t **sent;
	uint32_t cursor, left;	/* scan position, pages left this round */
	uint32_t round_pages;	/* sent in this round so far */
	uint64_t ticks, round_start;	/* link time, in virtual ticks */
	uint8_t *rec;		/* the PAGE record being filled */
	uint32_t nrec;		/* pages in it */
	int failed;		/* a write failed: nothing more is sent */
	struct mig_stats stats;
};

/* Turn dirty tracking on, send the header, plan round 1.  0, or -1 with
 * err. */
int mig_src_start(struct mig_src *s, struct vm *vm,
		  const struct mig_policy *p, mig_write_fn *w, void *ctx,
		  char *err, size_t errlen);
/* Guest instructions to run in the next slice (throttling gives fewer). */
uint64_t mig_src_slice(const struct mig_src *s);
/* The link ticks of the next slice (MIG_SLICE, or less to end a round). */
uint64_t mig_src_slice_ticks(const struct mig_src *s);
/* After a slice: send its link budget of pages, end rounds, decide. */
enum mig_step mig_src_step(struct mig_src *s);
/* Stop-and-copy: the pages left, STAT, END; tracking stops.  The disks
 * are flushed before the state is taken, so that the target, opening the
 * same images, finds what the guest wrote.  0, or -1 with err.  The guest
 * may run on afterwards (if the target refuses it). */
int mig_src_finish(struct mig_src *s, char *err, size_t errlen);
/* Free what the source holds (after finish or cancel). */
void mig_src_free(struct mig_src *s);
/* Give up (or after a failure): tracking stops, nothing more is sent. */
void mig_src_cancel(struct mig_src *s);

enum mig_feed { MIG_DST_MORE, MIG_DST_DONE, MIG_DST_BAD };

struct mig_dst {
	uint64_t offset;	/* bytes consumed so far */
	uint64_t start;		/* offset of the header or record being read */
	uint32_t npages, last_round;
	uint8_t **pages;	/* npages pointers; NULL: zeros */
	uint8_t hdr[MIG_HEADER_SIZE];	/* a header or a record's header */
	uint8_t *rec;		/* a record's payload */
	size_t have, need;
	uint32_t crc;		/* of the record being read */
	int state;
	int have_stat;
	struct ckpt ck;		/* from STAT */
};

void mig_dst_init(struct mig_dst *d);
/* Take len more bytes; on MIG_DST_BAD err names the offset. */
enum mig_feed mig_dst_feed(struct mig_dst *d, const void *buf, size_t len,
			   char *err, size_t errlen);
/* After MIG_DST_DONE: the whole machine as a checkpoint (RAM included),
 * moved into ck (free it with ckpt_free); apply it with ckpt_apply.  0, or
 * -1 out of host memory. */
int mig_dst_take(struct mig_dst *d, struct ckpt *ck);
void mig_dst_free(struct mig_dst *d);

/* The frame the target's NIC sends when the machine has arrived, so that
 * a learning switch learns its port at once (docs/migration.md, "The
 * announcement"). */
#define MIG_ANNOUNCE_LEN 60
#define MIG_ANNOUNCE_TYPE 0x88b6
void mig_announce_frame(const uint8_t mac[6],
			uint8_t frame[MIG_ANNOUNCE_LEN]);
/* Send it from vm's NIC (its MAC), if the NIC has a cable. */
void mig_announce(struct vm *vm);

/* The report, text or one JSON object. */
void mig_stats_print(const struct mig_stats *st, int json, FILE *f);

#endif
