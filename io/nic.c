/*
 * Network interface: an Ethernet card with DMA, on a virtual LAN.
 *
 *  port  reg        dir  meaning
 *  0x80  CTRL       rw   bit 0 RXEN     receive (frames are dropped if 0)
 *                        bit 1 PROMISC  accept frames for any address
 *                        bit 2 RXIE     raise IRQ 2 while RXREADY
 *                        bit 3 TXIE     raise IRQ 2 while TXDONE
 *  0x81  STATUS     r    bit 0 RXREADY  a frame waits in the queue
 *                        bit 1 TXBUSY   a frame is on the wire
 *                        bit 2 TXDONE   the last transmission ended
 *                        bit 3 LINK     the cable is plugged in
 *                   w    1 in bit 2 clears TXDONE
 *  0x82  MAC_LO     rw   MAC bytes 0-3 (byte 0, first on the wire, in 7..0)
 *  0x83  MAC_HI     rw   MAC bytes 4-5 in bits 15..0
 *  0x84  TX_ADDR    rw   guest-physical address of the frame to send
 *  0x85  TX_LEN     rw   its length, 14..1514 (padded to 60 with zeros)
 *  0x86  RX_ADDR    rw   guest-physical address to receive into
 *  0x87  RX_LEN     r    length of the frame at the head of the queue, or 0
 *  0x88  CMD        w    1 TX      send TX_LEN bytes from TX_ADDR
 *                        2 RX      copy the head frame to RX_ADDR; pop it
 *                        3 RXDROP  pop the head frame
 *  0x89  RESULT     r    outcome of the last CMD (NIC_RES_*, 0 = done)
 *  0x8a  TX_FRAMES  r    frames sent            \
 *  0x8b  TX_BYTES   r    bytes sent              |  32-bit, wrapping,
 *  0x8c  RX_FRAMES  r    frames received         |  cleared by a reset
 *  0x8d  RX_BYTES   r    bytes received          |
 *  0x8e  DROPPED    r    frames lost: receiver off, length outside
 *                        60..1514, or queue full
 *  0x8f  FILTERED   r    frames for another address, ignored
 *
 * Reception is a queue of NIC_RX_QUEUE frames inside the card, in front
 * of the ports: a frame that arrives when it is full is dropped.  The
 * guest reads RX_LEN, points RX_ADDR at a buffer that large and issues
 * CMD RX, which copies the frame into RAM (DMA) and takes it off the queue.
 * Transmission copies the frame out of RAM when CMD TX is written (the
 * buffer is free again at once) and keeps the wire busy for 8 ticks per
 * byte (100 Mbit/s); TXDONE then rises.  DMA that would touch anything
 * outside RAM fails with NIC_RES_DMA and touches nothing.
 *
 * The wire is the host's (struct vm_nic_host, net/): the card polls it
 * every NIC_RX_POLL ticks, from a virtual-time event, never from the host
 * clock.  What a back end delivers, and when, is all that may vary from
 * run to run.
 */
#include <string.h>

#include "cpu/vm.h"
#include "io/devices.h"
#include "io/ports.h"

/* Frames taken from the back end in one poll, at most: enough to see a
 * burst overflow the queue, and a bound on the time one poll takes. */
#define NIC_POLL_BURST (2 * NIC_RX_QUEUE)

struct nic {
	struct vm *vm;
	uint32_t ctrl, status;	/* status keeps TXBUSY and TXDONE */
	uint32_t mac_lo, mac_hi;
	uint32_t tx_addr, tx_len, rx_addr, result;
	uint32_t tx_frames, tx_bytes, rx_frames, rx_bytes, dropped, filtered;
	uint32_t rx_head, rx_count;	/* the queue: a ring */
	uint8_t irq;		/* the level of IRQ 2 */
	/* The receive queue: slot i holds a frame of rxq_len[i] bytes. */
	uint32_t rxq_len[NIC_RX_QUEUE];
	uint8_t rxq_data[NIC_RX_QUEUE][NIC_MAX_FRAME];
	uint8_t buf[NIC_MAX_FRAME + 1];	/* one frame in transit */
};

static const uint8_t nic_default_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t nic_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff,
					  0xff };

static const struct vm_nic_host *host(const struct nic *n)
{
	return &n->vm->cfg.nic;
}

static int link_up(const struct nic *n)
{
	const struct vm_nic_host *h = host(n);
	return h->send && (!h->link || h->link(h->opaque));
}

static void mac_bytes(const struct nic *n, uint8_t mac[6])
{
	for (int i = 0; i < 4; i++)
		mac[i] = (uint8_t)(n->mac_lo >> (8 * i));
	mac[4] = (uint8_t)n->mac_hi;
	mac[5] = (uint8_t)(n->mac_hi >> 8);
}

static void update_irq(struct nic *n)
{
	n->irq = (n->rx_count && (n->ctrl & NIC_CTRL_RXIE)) ||
		 ((n->status & NIC_ST_TXDONE) && (n->ctrl & NIC_CTRL_TXIE));
	vm_irq_set(n->vm, IRQ_NIC, n->irq);
}

/* ---- receiving -------------------------------------------------------- */

/* Would the filter take a frame for this destination? */
static int accepts(const struct nic *n, const uint8_t *dst)
{
	uint8_t mac[6];
	if (n->ctrl & NIC_CTRL_PROMISC)
		return 1;
	mac_bytes(n, mac);
	return !memcmp(dst, mac, 6) || !memcmp(dst, nic_broadcast, 6);
}

/* A frame came off the wire (len is its real length; at most
 * NIC_MAX_FRAME bytes of it are in data). */
static void nic_arrive(struct nic *n, const uint8_t *data, uint32_t len)
{
	if (!(n->ctrl & NIC_CTRL_RXEN) || len < NIC_MIN_FRAME ||
	    len > NIC_MAX_FRAME) {
		n->dropped++;
		return;
	}
	if (!accepts(n, data)) {
		n->filtered++;
		return;
	}
	if (n->rx_count == NIC_RX_QUEUE) {
		n->dropped++;
		return;
	}
	uint32_t slot = (n->rx_head + n->rx_count) % NIC_RX_QUEUE;
	memcpy(n->rxq_data[slot], data, len);
	n->rxq_len[slot] = len;
	n->rx_count++;
	update_irq(n);
}

static void nic_poll(void *arg, uint64_t now)
{
	struct nic *n = arg;
	const struct vm_nic_host *h = host(n);
	/* A halted CPU waits for an interrupt: let the host wait for a
	 * frame, in its own time, instead of spinning through polls. */
	uint64_t wait = n->vm->cpu.halted ? NIC_RX_POLL : 0;
	for (int i = 0; i < NIC_POLL_BURST; i++) {
		uint32_t len = h->recv(h->opaque, n->buf, sizeof n->buf, now,
				       wait);
		if (!len)
			break;
		nic_arrive(n, n->buf, len);
		wait = 0;
	}
	vm_schedule(n->vm, NIC_RX_POLL, nic_poll, n);
}

static void pop(struct nic *n)
{
	n->rx_head = (n->rx_head + 1) % NIC_RX_QUEUE;
	n->rx_count--;
	update_irq(n);
}

static uint32_t cmd_rx(struct nic *n, int keep)
{
	if (!n->rx_count)
		return NIC_RES_EMPTY;
	if (keep) {
		uint32_t len = n->rxq_len[n->rx_head];
		/* A failed copy leaves the frame at the head, for a retry
		 * to a better address or an RXDROP. */
		if (mmu_dma_write(n->vm, n->rx_addr, n->rxq_data[n->rx_head],
				  len) != 0)
			return NIC_RES_DMA;
		n->rx_frames++;
		n->rx_bytes += len;
	}
	pop(n);
	return NIC_RES_OK;
}

/* ---- transmitting ----------------------------------------------------- */

static void nic_tx_done(void *arg, uint64_t now)
{
	struct nic *n = arg;
	(void)now;
	n->status = (n->status & ~NIC_ST_TXBUSY) | NIC_ST_TXDONE;
	update_irq(n);
}

static uint32_t cmd_tx(struct nic *n)
{
	const struct vm_nic_host *h = host(n);
	if (n->status & NIC_ST_TXBUSY)
		return NIC_RES_BUSY;
	if (!link_up(n))
		return NIC_RES_NOLINK;
	if (n->tx_len < NIC_HEADER || n->tx_len > NIC_MAX_FRAME)
		return NIC_RES_LENGTH;
	/* mem_read checks the whole range first and copies nothing if a
	 * byte of it is outside RAM. */
	if (mem_read(&n->vm->mem, n->tx_addr, n->buf, n->tx_len) != 0)
		return NIC_RES_DMA;
	uint32_t len = n->tx_len;
	if (len < NIC_MIN_FRAME) {
		memset(n->buf + len, 0, NIC_MIN_FRAME - len);
		len = NIC_MIN_FRAME;
	}
	h->send(h->opaque, n->buf, len, vm_now(n->vm));
	n->tx_frames++;
	n->tx_bytes += len;
	n->status = (n->status & ~NIC_ST_TXDONE) | NIC_ST_TXBUSY;
	update_irq(n);
	vm_schedule(n->vm, (uint64_t)len * NIC_TX_TICKS_PER_BYTE, nic_tx_done,
		    n);
	return NIC_RES_OK;
}

/* ---- the device ------------------------------------------------------- */

static int nic_init(void *dev, struct vm *vm, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	((struct nic *)dev)->vm = vm;
	return 0;
}

static void nic_reset(void *dev)
{
	struct nic *n = dev;
	static const uint8_t zero[6];
	const uint8_t *mac = memcmp(n->vm->cfg.mac, zero, 6) ?
				     n->vm->cfg.mac : nic_default_mac;
	event_cancel(&n->vm->events, nic_poll, n);
	event_cancel(&n->vm->events, nic_tx_done, n);
	n->ctrl = n->status = n->result = 0;
	n->tx_addr = n->tx_len = n->rx_addr = 0;
	n->tx_frames = n->tx_bytes = n->rx_frames = n->rx_bytes = 0;
	n->dropped = n->filtered = 0;
	n->rx_head = n->rx_count = 0;
	n->mac_lo = (uint32_t)mac[0] | (uint32_t)mac[1] << 8 |
		    (uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24;
	n->mac_hi = (uint32_t)mac[4] | (uint32_t)mac[5] << 8;
	update_irq(n);
	if (host(n)->send && host(n)->recv)
		vm_schedule(n->vm, NIC_RX_POLL, nic_poll, n);
}

static uint32_t nic_read(void *dev, uint16_t reg)
{
	struct nic *n = dev;
	switch (reg) {
	case NIC_CTRL: return n->ctrl;
	case NIC_STATUS:
		return n->status | (n->rx_count ? NIC_ST_RXREADY : 0) |
		       (link_up(n) ? NIC_ST_LINK : 0);
	case NIC_MAC_LO: return n->mac_lo;
	case NIC_MAC_HI: return n->mac_hi;
	case NIC_TX_ADDR: return n->tx_addr;
	case NIC_TX_LEN: return n->tx_len;
	case NIC_RX_ADDR: return n->rx_addr;
	case NIC_RX_LEN: return n->rx_count ? n->rxq_len[n->rx_head] : 0;
	case NIC_RESULT: return n->result;
	case NIC_TX_FRAMES: return n->tx_frames;
	case NIC_TX_BYTES: return n->tx_bytes;
	case NIC_RX_FRAMES: return n->rx_frames;
	case NIC_RX_BYTES: return n->rx_bytes;
	case NIC_DROPPED: return n->dropped;
	case NIC_FILTERED: return n->filtered;
	default: return 0;	/* CMD is write-only */
	}
}

static void nic_write(void *dev, uint16_t reg, uint32_t v)
{
	struct nic *n = dev;
	switch (reg) {
	case NIC_CTRL:
		n->ctrl = v & (NIC_CTRL_RXEN | NIC_CTRL_PROMISC |
			       NIC_CTRL_RXIE | NIC_CTRL_TXIE);
		update_irq(n);
		break;
	case NIC_STATUS:
		n->status &= ~(v & NIC_ST_TXDONE);
		update_irq(n);
		break;
	case NIC_MAC_LO: n->mac_lo = v; break;
	case NIC_MAC_HI: n->mac_hi = v & 0xffff; break;
	case NIC_TX_ADDR: n->tx_addr = v; break;
	case NIC_TX_LEN: n->tx_len = v; break;
	case NIC_RX_ADDR: n->rx_addr = v; break;
	case NIC_CMD:
		switch (v) {
		case NIC_CMD_TX: n->result = cmd_tx(n); break;
		case NIC_CMD_RX: n->result = cmd_rx(n, 1); break;
		case NIC_CMD_RXDROP: n->result = cmd_rx(n, 0); break;
		default: n->result = NIC_RES_BADCMD; break;
		}
		break;
	}
}

static const struct dev_field nic_fields[] = {
	DEV_FIELD(struct nic, ctrl, DEV_FIELD_U32, "CTRL register"),
	DEV_FIELD(struct nic, status, DEV_FIELD_U32,
		  "STATUS bits TXBUSY and TXDONE"),
	DEV_FIELD(struct nic, mac_lo, DEV_FIELD_U32, "MAC_LO register"),
	DEV_FIELD(struct nic, mac_hi, DEV_FIELD_U32, "MAC_HI register"),
	DEV_FIELD(struct nic, tx_addr, DEV_FIELD_U32, "TX_ADDR register"),
	DEV_FIELD(struct nic, tx_len, DEV_FIELD_U32, "TX_LEN register"),
	DEV_FIELD(struct nic, rx_addr, DEV_FIELD_U32, "RX_ADDR register"),
	DEV_FIELD(struct nic, result, DEV_FIELD_U32, "RESULT register"),
	DEV_FIELD(struct nic, tx_frames, DEV_FIELD_U32, "frames sent"),
	DEV_FIELD(struct nic, tx_bytes, DEV_FIELD_U32, "bytes sent"),
	DEV_FIELD(struct nic, rx_frames, DEV_FIELD_U32, "frames received"),
	DEV_FIELD(struct nic, rx_bytes, DEV_FIELD_U32, "bytes received"),
	DEV_FIELD(struct nic, dropped, DEV_FIELD_U32, "frames dropped"),
	DEV_FIELD(struct nic, filtered, DEV_FIELD_U32,
		  "frames for another address"),
	DEV_FIELD(struct nic, rx_head, DEV_FIELD_U32,
		  "slot of the queue's head"),
	DEV_FIELD(struct nic, rx_count, DEV_FIELD_U32, "frames queued"),
	DEV_FIELD(struct nic, irq, DEV_FIELD_U8, "level of IRQ 2"),
	DEV_FIELD_ARRAY(struct nic, rxq_len, DEV_FIELD_U32,
			"length of the frame in each queue slot"),
	DEV_FIELD_ARRAY(struct nic, rxq_data, DEV_FIELD_U8,
			"the frames in the queue's slots"),
	{ 0 }
};

static const char *nic_check(const void *dev)
{
	const struct nic *n = dev;
	if (n->rx_head >= NIC_RX_QUEUE || n->rx_count > NIC_RX_QUEUE)
		return "the receive queue's head or count is out of range";
	for (int i = 0; i < NIC_RX_QUEUE; i++)
		if (n->rxq_len[i] > NIC_MAX_FRAME)
			return "a queued frame is longer than a frame can be";
	return NULL;
}

static const struct dev_derived nic_derived[] = {
	DEV_DERIVED(struct nic, vm, "the machine, set by init"),
	DEV_DERIVED(struct nic, buf, "a frame in transit within one call; "
		    "empty between instructions"),
	{ 0 }
};

static const struct dev_event nic_events[] = {
	{ "poll", nic_poll },
	{ "tx-done", nic_tx_done },
	{ 0 }
};

const struct dev_ops nic_ops = {
	.name = "nic",
	.size = sizeof(struct nic),
	.nports = NIC_NREGS,
	.fields = nic_fields,
	.derived = nic_derived,
	.check = nic_check,
	.events = nic_events,
	.init = nic_init,
	.reset = nic_reset,
	.read = nic_read,
	.write = nic_write,
};
