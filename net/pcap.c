/* The capture tap: a vm_nic_host that records and passes frames on. */
#include "net/pcap.h"

#include <string.h>
#include <unistd.h>

#include "io/ports.h"
#include "mem/mem.h"

#define TICKS_PER_USEC (TIMER_HZ / 1000000u)

/* One whole piece of the file, or none: cut back on a failure. */
static void put(struct pcap_tap *t, const uint8_t *b, size_t n)
{
	if (t->error)
		return;
	if (fwrite(b, 1, n, t->f) != n || fflush(t->f) != 0) {
		t->error = 1;
		if (ftruncate(fileno(t->f), t->good) == 0)
			fseek(t->f, t->good, SEEK_SET);
		return;
	}
	t->good += (long)n;
}

static void record(struct pcap_tap *t, const uint8_t *frame, uint32_t kept,
		   uint32_t len, uint64_t now)
{
	uint8_t r[PCAP_RECORD_SIZE + 2048];
	if (kept > sizeof r - PCAP_RECORD_SIZE)
		kept = sizeof r - PCAP_RECORD_SIZE;
	mem_st32(r, (uint32_t)(now / TIMER_HZ));
	mem_st32(r + 4, (uint32_t)(now % TIMER_HZ / TICKS_PER_USEC));
	mem_st32(r + 8, kept);
	mem_st32(r + 12, len);
	memcpy(r + PCAP_RECORD_SIZE, frame, kept);
	put(t, r, PCAP_RECORD_SIZE + kept);
	if (!t->error)
		t->frames++;
}

static void tap_send(void *opaque, const uint8_t *frame, uint32_t len,
		     uint64_t now)
{
	struct pcap_tap *t = opaque;
	record(t, frame, len, len, now);
	if (t->inner.send)
		t->inner.send(t->inner.opaque, frame, len, now);
}

static uint32_t tap_recv(void *opaque, uint8_t *buf, uint32_t cap,
			 uint64_t now, uint64_t wait_ticks)
{
	struct pcap_tap *t = opaque;
	uint32_t len = t->inner.recv(t->inner.opaque, buf, cap, now,
				     wait_ticks);
	if (len)
		record(t, buf, len < cap ? len : cap, len, now);
	return len;
}

static int tap_link(void *opaque)
{
	const struct pcap_tap *t = opaque;
	if (t->inner.send && t->inner.link)
		return t->inner.link(t->inner.opaque);
	return 1;
}

int pcap_tap_init(struct pcap_tap *t, FILE *f, const struct vm_nic_host *inner,
		  struct vm_nic_host *out)
{
	uint8_t h[PCAP_HEADER_SIZE];
	t->f = f;
	t->inner = *inner;
	t->frames = 0;
	t->error = 0;
	t->good = 0;
	mem_st32(h, PCAP_MAGIC);
	mem_st16(h + 4, 2);
	mem_st16(h + 6, 4);
	mem_st32(h + 8, 0);
	mem_st32(h + 12, 0);
	mem_st32(h + 16, PCAP_SNAPLEN);
	mem_st32(h + 20, PCAP_LINKTYPE_ETHERNET);
	put(t, h, sizeof h);
	/* Without a wire behind it the tap has nothing to receive: no recv,
	 * so the card does not poll, and a halted guest can be idle. */
	*out = (struct vm_nic_host){
		.opaque = t, .send = tap_send,
		.recv = t->inner.recv ? tap_recv : NULL, .link = tap_link,
	};
	return t->error ? -1 : 0;
}
