/*
 * Live migration's source side (state/migrate.h, docs/migration.md): the
 * pre-copy rounds, the link's budget of pages per slice, the policy for a
 * guest that does not converge, and stop-and-copy.  The target's side,
 * which parses the stream, is state/migrate_dst.c.
 *
 *   round 1        round 2          round k         switchover
 *   |-- every  --|-- pages   --|...|-- pages   --|-- pages still dirty,
 *   |  non-zero  |  written in |   |  written in |   STAT (the machine
 *   |  page      |  round 1    |   |  round k-1  |   without RAM), END
 *   <------------- the guest runs ------------->  <- stopped: downtime ->
 */
#include "state/migrate.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "mem/dirty.h"

static const uint8_t zero_page[MEM_PAGE_SIZE];

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static int send_bytes(struct mig_src *s, const void *buf, size_t len)
{
	if (s->failed)
		return -1;
	if (s->write(s->ctx, buf, len)) {
		s->failed = 1;
		return -1;
	}
	s->stats.transferred += len;
	return 0;
}

/* A record: tag, length, CRC of the payload, the payload. */
static int send_record(struct mig_src *s, const char tag[4],
		       const uint8_t *payload, uint32_t len)
{
	uint8_t h[MIG_RECORD_HEADER];
	memcpy(h, tag, 4);
	put32(h + 4, len);
	put32(h + 8, (uint32_t)crc32(0, payload, len));
	if (send_bytes(s, h, sizeof h))
		return -1;
	return len ? send_bytes(s, payload, len) : 0;
}

/*
 * PAGE record payload, as it is filled:
 *
 *   +-------+-------+---------+-----------+---------+-----------+--
 *   | round | count | page no | 4096 B    | page no | 4096 B    | ..
 *   +-------+-------+---------+-----------+---------+-----------+--
 *     u32     u32     u32                   u32
 */
#define PAGE_ENTRY (4 + MEM_PAGE_SIZE)

static int flush_pages(struct mig_src *s)
{
	if (!s->nrec)
		return 0;
	put32(s->rec, s->stats.rounds);
	put32(s->rec + 4, s->nrec);
	uint32_t len = 8 + s->nrec * PAGE_ENTRY;
	s->nrec = 0;
	return send_record(s, "PAGE", s->rec, len);
}

/* Send page p as it is now, and remember what the target holds. */
static int send_page(struct mig_src *s, uint32_t p)
{
	uint8_t *e = s->rec + 8 + (size_t)s->nrec * PAGE_ENTRY;
	put32(e, p);
	mem_read(&s->vm->mem, p << MEM_PAGE_SHIFT, e + 4, MEM_PAGE_SIZE);
	if (!memcmp(e + 4, zero_page, MEM_PAGE_SIZE)) {
		free(s->sent[p]);
		s->sent[p] = NULL;
	} else {
		if (!s->sent[p] && !(s->sent[p] = malloc(MEM_PAGE_SIZE))) {
			snprintf(s->stats.detail, sizeof s->stats.detail,
				 "out of host memory");
			s->failed = 1;
			return -1;
		}
		memcpy(s->sent[p], e + 4, MEM_PAGE_SIZE);
	}
	s->round_pages++;
	s->stats.total_pages++;
	if (++s->nrec == MIG_PAGES_PER_RECORD)
		return flush_pages(s);
	return 0;
}

/* Does page p differ from what the target holds? */
static int page_changed(struct mig_src *s, uint32_t p)
{
	uint8_t now[MEM_PAGE_SIZE];
	mem_read(&s->vm->mem, p << MEM_PAGE_SHIFT, now, MEM_PAGE_SIZE);
	return memcmp(now, s->sent[p] ? s->sent[p] : zero_page,
		      MEM_PAGE_SIZE) != 0;
}

/* The next round's pages: those the dirty bits name that really differ
 * from the target's copy, added to todo.  Returns how many todo holds. */
static uint32_t plan_round(struct mig_src *s)
{
	mmu_dirty_harvest(s->vm, s->dirty);
	uint32_t n = 0;
	for (uint32_t w = 0; w < s->words; w++) {
		for (uint64_t bits = s->dirty[w]; bits; bits &= bits - 1) {
			uint32_t p = w * 64 + (uint32_t)__builtin_ctzll(bits);
			if (p < s->vm->mem.npages && page_changed(s, p))
				s->todo[w] |= 1ull << (p % 64);
		}
		n += (uint32_t)__builtin_popcountll(s->todo[w]);
	}
	s->cursor = 0;
	return n;
}

static void fail(struct mig_src *s, const char *fmt, uint64_t a, uint64_t b)
{
	s->stats.status = MIG_FAILED;
	snprintf(s->stats.detail, sizeof s->stats.detail, fmt, a, b);
}

int mig_src_start(struct mig_src *s, struct vm *vm,
		  const struct mig_policy *p, mig_write_fn *w, void *ctx,
		  char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	s->vm = vm;
	s->policy = *p;
	s->write = w;
	s->ctx = ctx;
	if (!p->bandwidth || !p->max_rounds || p->max_rounds > MIG_MAX_ROUNDS - 8) {
		snprintf(err, errlen, "the link's bandwidth and the rounds "
			 "must be at least 1 (and the rounds at most %d)",
			 MIG_MAX_ROUNDS - 8);
		return -1;
	}
	/* Refuse now what stop-and-copy could not take. */
	struct ckpt probe;
	if (ckpt_capture(&probe, vm, CKPT_NO_RAM | CKPT_RAM_READ, err, errlen))
		return -1;
	ckpt_free(&probe);
	s->words = mmu_dirty_words(vm);
	s->todo = calloc(s->words, sizeof *s->todo);
	s->dirty = calloc(s->words, sizeof *s->dirty);
	s->sent = calloc(vm->mem.npages, sizeof *s->sent);
	s->rec = malloc(8 + (size_t)MIG_PAGES_PER_RECORD * PAGE_ENTRY);
	if (!s->todo || !s->dirty || !s->sent || !s->rec ||
	    mmu_dirty_start(vm)) {
		snprintf(err, errlen, "out of host memory");
		mig_src_free(s);
		return -1;
	}
	/* Round 1: every page that is not all zero (the target's pages
	 * start as zeros).  Writes from now on are in the dirty bits. */
	for (uint32_t pg = 0; pg < vm->mem.npages; pg++)
		if (page_changed(s, pg))
			s->todo[pg / 64] |= 1ull << (pg % 64);
	for (uint32_t i = 0; i < s->words; i++)
		s->left += (uint32_t)__builtin_popcountll(s->todo[i]);
	s->stats.status = MIG_ACTIVE;
	s->stats.rounds = 1;
	uint8_t h[MIG_HEADER_SIZE] = { 0 };
	memcpy(h, MIG_MAGIC, 8);
	put32(h + 8, MIG_VERSION);
	put32(h + 12, MIG_HEADER_SIZE);
	put32(h + 16, vm->mem.npages);
	put32(h + 20, MEM_PAGE_SIZE);
	put32(h + 28, (uint32_t)crc32(0, h, 28));
	if (send_bytes(s, h, sizeof h)) {
		snprintf(err, errlen, "the stream could not be written");
		mig_src_free(s);
		return -1;
	}
	return 0;
}

/* The link time of the next slice: MIG_SLICE ticks, or less when the
 * round's last pages go sooner -- so a fast link migrates a short run, and
 * the switchover comes when the pages are there, not at a slice's end. */
static uint64_t slice_ticks(const struct mig_src *s)
{
	if (s->left >= s->policy.bandwidth)
		return MIG_SLICE;
	uint64_t t = ((uint64_t)s->left * MIG_SLICE + s->policy.bandwidth - 1) /
		     s->policy.bandwidth;
	return t ? t : 1;
}

uint64_t mig_src_slice_ticks(const struct mig_src *s)
{
	return slice_ticks(s);
}

uint64_t mig_src_slice(const struct mig_src *s)
{
	return slice_ticks(s) * (100 - s->stats.throttle) / 100;
}

/* The next page of todo from the cursor on (there is one: left > 0). */
static uint32_t next_todo(struct mig_src *s)
{
	for (uint32_t w = s->cursor / 64; w < s->words; w++)
		if (s->todo[w]) {
			uint32_t b = (uint32_t)__builtin_ctzll(s->todo[w]);
			s->todo[w] &= s->todo[w] - 1;
			return s->cursor = w * 64 + b;
		}
	return UINT32_MAX;	/* not reached while left counts right */
}

/* A round has sent all its pages: record it, plan the next, decide. */
static enum mig_step end_round(struct mig_src *s)
{
	struct mig_stats *st = &s->stats;
	if (flush_pages(s))
		return MIG_STEP_FAILED;
	st->pages_round[st->rounds - 1] = s->round_pages;
	uint64_t len = s->ticks - s->round_start;
	s->left = plan_round(s);
	st->dirty_rate = len ? (uint64_t)s->left * MIG_SLICE / len : 0;
	if (s->left <= s->policy.threshold)
		return MIG_STEP_SWITCHOVER;
	if (st->rounds >= s->policy.max_rounds) {
		if (s->policy.converge == MIG_GIVE_UP) {
			fail(s, "the guest dirties %" PRIu64 " pages per 1000 "
			     "ticks and the link sends %" PRIu64 ": it does "
			     "not converge, and the policy is to give up",
			     st->dirty_rate, s->policy.bandwidth);
			return MIG_STEP_FAILED;
		}
		/* Throttle: 20, 40, 60, 80, then 95 % of each slice lost;
		 * after a round at 95 %, stop and copy anyway. */
		if (st->throttle == 95)
			return MIG_STEP_SWITCHOVER;
		st->throttle = st->throttle == 80 ? 95 : st->throttle + 20;
	}
	st->rounds++;
	s->round_pages = 0;
	s->round_start = s->ticks;
	return MIG_STEP_GO;
}

enum mig_step mig_src_step(struct mig_src *s)
{
	if (s->failed || s->stats.status != MIG_ACTIVE)
		return MIG_STEP_FAILED;
	uint64_t len = slice_ticks(s);
	s->ticks += len;
	uint32_t budget = len == MIG_SLICE ? s->policy.bandwidth : s->left;
	for (; budget; budget--) {
		while (!s->left) {
			enum mig_step r = end_round(s);
			if (r != MIG_STEP_GO)
				return r;
		}
		if (send_page(s, next_todo(s)))
			return MIG_STEP_FAILED;
		s->left--;
	}
	if (!s->left) {
		enum mig_step r = end_round(s);
		if (r != MIG_STEP_GO)
			return r;
	}
	return flush_pages(s) ? MIG_STEP_FAILED : MIG_STEP_GO;
}

static void flush_disks(struct vm *vm)
{
	for (unsigned i = 0; i < vm->cfg.ndisks; i++)
		if (vm->cfg.disks[i].flush)
			vm->cfg.disks[i].flush(vm->cfg.disks[i].opaque);
}

int mig_src_finish(struct mig_src *s, char *err, size_t errlen)
{
	struct mig_stats *st = &s->stats;
	/* The round in progress (or the one just planned) ends here; the
	 * pages still to send, and those written since the plan, go now as
	 * the final round, with the guest stopped. */
	if (flush_pages(s))
		goto write_failed;
	st->pages_round[st->rounds - 1] = s->round_pages;
	st->rounds++;
	s->round_pages = 0;
	s->left = plan_round(s);
	while (s->left) {
		if (send_page(s, next_todo(s)))
			goto write_failed;
		s->left--;
	}
	if (flush_pages(s))
		goto write_failed;
	uint32_t final_pages = s->round_pages;
	st->pages_round[st->rounds - 1] = final_pages;
	mmu_dirty_stop(s->vm);
	flush_disks(s->vm);
	st->stopped_at = vm_units(s->vm);
	struct ckpt ck;
	uint8_t *buf = NULL;
	size_t len = 0;
	if (ckpt_capture(&ck, s->vm, CKPT_NO_RAM | CKPT_RAM_READ | CKPT_DISK_CRC,
			 err, errlen))
		goto failed;
	int bad = ckpt_encode(&ck, &buf, &len);
	ckpt_free(&ck);
	if (bad || len > MIG_STAT_MAX) {
		free(buf);
		snprintf(err, errlen, bad ? "out of host memory"
					  : "the machine's state is too big");
		goto failed;
	}
	bad = send_record(s, "STAT", buf, (uint32_t)len) ||
	      send_record(s, "END ", NULL, 0);
	free(buf);
	if (bad)
		goto write_failed;
	/* Downtime: what the link still had to carry once the guest was
	 * stopped, the state counted as a page per 4096 bytes. */
	uint64_t carried = final_pages + (len + MEM_PAGE_SIZE - 1) /
					 MEM_PAGE_SIZE;
	st->downtime = (carried * MIG_SLICE + s->policy.bandwidth - 1) /
		       s->policy.bandwidth;
	st->total_time = s->ticks + st->downtime;
	st->status = MIG_COMPLETED;
	return 0;
write_failed:
	snprintf(err, errlen, "%s", st->detail[0] ? st->detail
				: "the stream could not be written");
failed:
	mmu_dirty_stop(s->vm);
	st->status = MIG_FAILED;
	if (!st->detail[0])
		snprintf(st->detail, sizeof st->detail, "%s", err);
	return -1;
}

void mig_src_cancel(struct mig_src *s)
{
	if (s->vm)
		mmu_dirty_stop(s->vm);
	if (s->stats.status == MIG_ACTIVE)
		s->stats.status = MIG_FAILED;
}

void mig_src_free(struct mig_src *s)
{
	if (s->sent)
		for (uint32_t p = 0; p < s->vm->mem.npages; p++)
			free(s->sent[p]);
	free(s->sent);
	free(s->todo);
	free(s->dirty);
	free(s->rec);
	s->sent = NULL;
	s->todo = s->dirty = NULL;
	s->rec = NULL;
}

void mig_announce_frame(const uint8_t mac[6],
			uint8_t frame[MIG_ANNOUNCE_LEN])
{
	memset(frame, 0, MIG_ANNOUNCE_LEN);
	memset(frame, 0xff, 6);
	memcpy(frame + 6, mac, 6);
	frame[12] = MIG_ANNOUNCE_TYPE >> 8;
	frame[13] = MIG_ANNOUNCE_TYPE & 0xff;
	memcpy(frame + 14, "AULA-MIGRATED", 13);
}

void mig_announce(struct vm *vm)
{
	uint8_t frame[MIG_ANNOUNCE_LEN];
	if (!vm->cfg.nic.send)
		return;
	mig_announce_frame(vm->cfg.mac, frame);
	vm->cfg.nic.send(vm->cfg.nic.opaque, frame, sizeof frame, vm_now(vm));
}

void mig_stats_print(const struct mig_stats *st, int json, FILE *f)
{
	static const char *const status[] = { "active", "completed",
					      "failed" };
	uint32_t n = st->rounds < MIG_MAX_ROUNDS ? st->rounds : MIG_MAX_ROUNDS;
	if (json) {
		fprintf(f, "{\"status\": \"%s\", \"rounds\": %u, "
			"\"pages_per_round\": [", status[st->status], n);
		for (uint32_t i = 0; i < n; i++)
			fprintf(f, "%s%u", i ? ", " : "", st->pages_round[i]);
		fprintf(f, "], \"total_pages\": %" PRIu64 ", \"dirty_rate\": "
			"%" PRIu64 ", \"throttle\": %u, \"total_time\": "
			"%" PRIu64 ", \"downtime\": %" PRIu64
			", \"transferred\": %" PRIu64 ", \"stopped_at\": %"
			PRIu64 "}\n", st->total_pages, st->dirty_rate,
			st->throttle, st->total_time, st->downtime,
			st->transferred, st->stopped_at);
		return;
	}
	fprintf(f, "migration: %s\n", status[st->status]);
	if (st->status == MIG_FAILED && st->detail[0])
		fprintf(f, "reason: %s\n", st->detail);
	fprintf(f, "rounds: %u\npages per round:", n);
	for (uint32_t i = 0; i < n; i++)
		fprintf(f, " %u", st->pages_round[i]);
	fprintf(f, "\ntotal pages: %" PRIu64 "\ndirty rate: %" PRIu64
		" pages per 1000 ticks\nthrottle: %u %%\ntotal time: %" PRIu64
		" ticks\ndowntime: %" PRIu64 " ticks\ntransferred: %" PRIu64
		" bytes\n", st->total_pages, st->dirty_rate, st->throttle,
		st->total_time, st->downtime, st->transferred);
	if (st->status == MIG_COMPLETED)
		fprintf(f, "stopped at: %" PRIu64 "\n", st->stopped_at);
}
