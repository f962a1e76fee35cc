/*
 * The event queue: device work scheduled in virtual time.
 *
 * Virtual time counts instructions (plus the time skipped while the CPU is
 * halted).  The machine runs the CPU exactly up to the next event, fires it,
 * and goes on, so devices never poll and never read the host clock.
 */
#ifndef AULA_EVENT_H
#define AULA_EVENT_H

#include <stdint.h>

#define EVENT_MAX 32
#define EVENT_NEVER UINT64_MAX

typedef void event_fn(void *arg, uint64_t now);

struct event {
	uint64_t when;
	event_fn *fn;
	void *arg;
};

/* Kept sorted by time; ties fire in the order they were scheduled. */
struct event_queue {
	struct event ev[EVENT_MAX];
	int n;
};

/* 0, or -1 when the queue is full (a bug in a device: callers assert). */
int event_schedule(struct event_queue *q, uint64_t when, event_fn *fn,
		   void *arg);
/* Remove every pending event of (fn, arg). */
void event_cancel(struct event_queue *q, event_fn *fn, void *arg);
static inline uint64_t event_next(const struct event_queue *q)
{
	return q->n ? q->ev[0].when : EVENT_NEVER;
}
/* Fire, in order, every event due at or before now. */
void event_fire_due(struct event_queue *q, uint64_t now);

#endif
