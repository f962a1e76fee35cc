/* A small sorted array: machines have a handful of pending events. */
#include "io/event.h"

#include <string.h>

int event_schedule(struct event_queue *q, uint64_t when, event_fn *fn,
		   void *arg)
{
	if (q->n == EVENT_MAX)
		return -1;
	int i = q->n;
	while (i > 0 && q->ev[i - 1].when > when) {
		q->ev[i] = q->ev[i - 1];
		i--;
	}
	q->ev[i] = (struct event){ .when = when, .fn = fn, .arg = arg };
	q->n++;
	return 0;
}

void event_cancel(struct event_queue *q, event_fn *fn, void *arg)
{
	int j = 0;
	for (int i = 0; i < q->n; i++)
		if (q->ev[i].fn != fn || q->ev[i].arg != arg)
			q->ev[j++] = q->ev[i];
	q->n = j;
}

void event_fire_due(struct event_queue *q, uint64_t now)
{
	while (q->n && q->ev[0].when <= now) {
		struct event e = q->ev[0];
		q->n--;
		memmove(&q->ev[0], &q->ev[1], (size_t)q->n * sizeof e);
		e.fn(e.arg, now);	/* may schedule again */
	}
}
