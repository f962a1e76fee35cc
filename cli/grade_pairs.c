/* aula grade's shared results: records and their details' text (the
 * layout is drawn in cli/grade_pairs.h). */
#define _GNU_SOURCE
#include "cli/grade_pairs.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct pairs_text {
	size_t used;		/* bytes of text[] taken, advanced atomically
				 * (the room is the parent's text_room) */
	char text[];
};

int pairs_map(struct grade_pairs *p, size_t n)
{
	memset(p, 0, sizeof *p);
	p->n = n;
	p->rec_bytes = (n ? n : 1) * sizeof *p->rec;
	/* Room for every pair's longest detail: the host gives pages only
	 * to the text written. */
	p->text_bytes = sizeof *p->text + (n ? n : 1) * GRADE_DETAIL_MAX;
	p->rec = mmap(NULL, p->rec_bytes, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p->rec == MAP_FAILED) {
		p->rec = NULL;
		return -1;
	}
	p->text = mmap(NULL, p->text_bytes, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p->text == MAP_FAILED) {
		p->text = NULL;
		pairs_unmap(p);
		return -1;
	}
	p->text_room = p->text_bytes - sizeof *p->text;
	return 0;
}

void pairs_unmap(struct grade_pairs *p)
{
	if (p->rec)
		munmap(p->rec, p->rec_bytes);
	if (p->text)
		munmap(p->text, p->text_bytes);
	p->rec = NULL;
	p->text = NULL;
}

bool pairs_done(const struct grade_pairs *p, size_t i)
{
	return __atomic_load_n(&p->rec[i].done, __ATOMIC_ACQUIRE) != 0;
}

void pairs_put(struct grade_pairs *p, size_t i, const struct grade_outcome *o)
{
	struct pairs_record *r = &p->rec[i];
	struct pairs_text *t = p->text;
	size_t len = o->len < GRADE_DETAIL_MAX ? o->len : GRADE_DETAIL_MAX - 1;
	r->text_off = r->text_len = 0;
	if (len) {
		size_t off = __atomic_fetch_add(&t->used, len + 1,
						__ATOMIC_RELAXED);
		/* Full only if pairs were charged twice (a worker died after
		 * writing a detail), or a worker broke the cursor: the pair
		 * then goes without one. */
		if (off <= p->text_room && len + 1 <= p->text_room - off) {
			memcpy(t->text + off, o->text, len);
			t->text[off + len] = 0;
			r->text_off = off;
			r->text_len = (uint32_t)len;
		}
	}
	r->status = (int32_t)o->r.status;
	r->points = o->r.points;
	r->insns = o->r.insns;
	memcpy(r->stop, o->r.stop, sizeof r->stop);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
}

void pairs_not_applicable(struct grade_pairs *p, size_t i)
{
	memset(&p->rec[i], 0, sizeof p->rec[i]);
	p->rec[i].status = GRADE_NOT_APPLICABLE;
	p->rec[i].done = 1;
}

struct grade_result *pairs_results(struct grade_pairs *p)
{
	struct grade_result *res = calloc(p->n ? p->n : 1, sizeof *res);
	if (!res)
		return NULL;
	struct pairs_text *t = p->text;
#ifdef MADV_POPULATE_READ
	/* The workers' pages, mapped here at once: a fault a page was most
	 * of this (the cursor only says how far: nothing is read by it). */
	size_t used = __atomic_load_n(&t->used, __ATOMIC_RELAXED);
	madvise(p->rec, p->rec_bytes, MADV_POPULATE_READ);
	madvise(t, sizeof *t + (used < p->text_room ? used : p->text_room),
		MADV_POPULATE_READ);
#endif
	for (size_t i = 0; i < p->n; i++) {
		const struct pairs_record *r = &p->rec[i];
		struct grade_result *o = &res[i];
		o->done = r->done != 0;
		o->points = r->points;
		o->insns = r->insns;
		memcpy(o->stop, r->stop, sizeof o->stop);
		o->stop[sizeof o->stop - 1] = 0;
		o->detail = "";
		if (r->status < GRADE_PASS || r->status > GRADE_INTERNAL) {
			o->status = GRADE_INTERNAL;
			o->points = 0;
			o->detail = "the worker left a result aula grade "
				    "cannot read (a bug in aula: please report "
				    "it)";
			continue;
		}
		o->status = (enum grade_status)r->status;
		if (r->text_len && r->text_len < GRADE_DETAIL_MAX &&
		    r->text_off < p->text_room &&
		    r->text_len < p->text_room - r->text_off) {
			/* Its end is ours to set: no worker is left. */
			t->text[r->text_off + r->text_len] = 0;
			o->detail = t->text + r->text_off;
		}
	}
	return res;
}
