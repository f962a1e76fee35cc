/*
 * The network card (io/nic.c, docs/devices.md section 8), on a wire the
 * test controls: every register, transmission and reception with DMA,
 * frame sizes, the filter and promiscuous mode, the queue and its
 * overflow, DMA bounds, the interrupt, reset, and DMA into a page table.
 *
 * Most tests run a guest that spins (`br _start`), so that th_run(t, n)
 * advances virtual time by exactly n ticks, and drive the card through the
 * port bus between runs; the interrupt tests run real drivers.
 */
#include <stdlib.h>
#include <string.h>

#include "io/ports.h"
#include "tests/unit/harness.h"
#include "tests/unit/paging.h"

#define SPIN "_start: br _start\n"
#define TB_MAX 40
#define BUF 0x10000u		/* a guest buffer */
#define RAM (16u << 20)

static const uint8_t own[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x07 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

/* The test's wire: frames the card sent, and frames to deliver, all of
 * them at the card's next poll (16 at most per poll). */
struct tb {
	int link;
	uint8_t out[TB_MAX][NIC_MAX_FRAME];
	uint32_t out_len[TB_MAX];
	uint64_t out_at[TB_MAX];
	int nout;
	uint8_t in[TB_MAX][NIC_MAX_FRAME + 8];
	uint32_t in_len[TB_MAX];
	int nin, taken;
	int recvs;			/* calls of recv */
	uint64_t wait;			/* the largest wait hint seen */
	int deliver_on_wait;		/* hold frames until a wait hint */
};

static void tb_send(void *opaque, const uint8_t *frame, uint32_t len,
		    uint64_t now)
{
	struct tb *b = opaque;
	ck_assert_int_lt(b->nout, TB_MAX);
	memcpy(b->out[b->nout], frame, len);
	b->out_len[b->nout] = len;
	b->out_at[b->nout++] = now;
}

static uint32_t tb_recv(void *opaque, uint8_t *buf, uint32_t cap,
			uint64_t now, uint64_t wait)
{
	struct tb *b = opaque;
	(void)now;
	b->recvs++;
	if (wait > b->wait)
		b->wait = wait;
	if (b->deliver_on_wait && !wait)
		return 0;
	b->deliver_on_wait = 0;
	if (b->taken == b->nin)
		return 0;
	uint32_t len = b->in_len[b->taken];
	memcpy(buf, b->in[b->taken++], len < cap ? len : cap);
	return len;
}

static int tb_link(void *opaque)
{
	return ((struct tb *)opaque)->link;
}

/* Queue a frame of len bytes for the card: dst, src = other, type
 * 0x88b5, then bytes tag, tag + 1, ... */
static void tb_put(struct tb *b, const uint8_t *dst, uint32_t len,
		   uint8_t tag)
{
	ck_assert_int_lt(b->nin, TB_MAX);
	uint8_t *f = b->in[b->nin];
	memset(f, 0, sizeof b->in[0]);
	memcpy(f, dst, 6);
	memcpy(f + 6, other, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (uint32_t i = NIC_HEADER; i < len && i < sizeof b->in[0]; i++)
		f[i] = (uint8_t)(tag + i);
	b->in_len[b->nin++] = len;
}

static struct tb *tb_new(void)
{
	struct tb *b = calloc(1, sizeof *b);
	ck_assert_ptr_nonnull(b);
	b->link = 1;
	return b;
}

/* Boot src with the card on b's wire (NULL: unplugged) and address mac
 * (NULL: the default). */
static struct th *boot(const char *src, struct tb *b, const uint8_t *mac)
{
	struct vm_config cfg = { .on_brk = VM_BRK_STOP };
	if (b)
		cfg.nic = (struct vm_nic_host){ .opaque = b, .send = tb_send,
						.recv = tb_recv,
						.link = tb_link };
	if (mac)
		memcpy(cfg.mac, mac, 6);
	return th_boot_config(src, &cfg);
}

static uint32_t rd(struct th *t, unsigned reg)
{
	return bus_in(&t->vm->bus, (uint16_t)(PORT_NIC + reg));
}

static void wr(struct th *t, unsigned reg, uint32_t v)
{
	bus_out(&t->vm->bus, (uint16_t)(PORT_NIC + reg), v);
}

static void spin(struct th *t, uint64_t ticks)
{
	ck_assert_int_eq(th_run(t, ticks), VM_STOP_BUDGET);
}

/* Run until the card has polled its wire once more. */
static void poll_once(struct th *t)
{
	spin(t, NIC_RX_POLL);
}

static void poke(struct th *t, uint32_t gpa, const void *p, uint32_t n)
{
	ck_assert_int_eq(mem_write(&t->vm->mem, gpa, p, n), 0);
}

static int irq_up(struct th *t)
{
	return (bus_in(&t->vm->bus, PORT_PIC + PIC_PENDING) >> IRQ_NIC) & 1;
}

/* ---- registers ----------------------------------------------------------- */

START_TEST(registers_after_reset)
{
	struct th *t = boot(SPIN, NULL, NULL);
	ck_assert_uint_eq(rd(t, NIC_CTRL), 0);
	ck_assert_uint_eq(rd(t, NIC_STATUS), 0);	/* LINK down */
	ck_assert_uint_eq(rd(t, NIC_MAC_LO), 0x00000002);
	ck_assert_uint_eq(rd(t, NIC_MAC_HI), 0x0100);
	for (unsigned r = NIC_TX_ADDR; r < NIC_NREGS; r++)
		ck_assert_msg(rd(t, r) == 0, "register %u", r);
	th_free(t);

	struct tb *b = tb_new();
	static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	t = boot(SPIN, b, mac);
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK);
	ck_assert_uint_eq(rd(t, NIC_MAC_LO), 0x33221102);
	ck_assert_uint_eq(rd(t, NIC_MAC_HI), 0x5544);
	b->link = 0;
	ck_assert_uint_eq(rd(t, NIC_STATUS), 0);
	th_free(t);
	free(b);
}
END_TEST

START_TEST(registers_read_and_write)
{
	struct th *t = boot(SPIN, NULL, NULL);
	wr(t, NIC_CTRL, 0xffffffff);
	ck_assert_uint_eq(rd(t, NIC_CTRL), 0xf);
	wr(t, NIC_CTRL, NIC_CTRL_PROMISC);
	ck_assert_uint_eq(rd(t, NIC_CTRL), NIC_CTRL_PROMISC);
	wr(t, NIC_MAC_LO, 0xdeadbeef);
	wr(t, NIC_MAC_HI, 0x12345678);
	ck_assert_uint_eq(rd(t, NIC_MAC_LO), 0xdeadbeef);
	ck_assert_uint_eq(rd(t, NIC_MAC_HI), 0x5678);
	wr(t, NIC_TX_ADDR, 0x87654321);
	wr(t, NIC_TX_LEN, 0xffffffff);
	wr(t, NIC_RX_ADDR, 0x13579bdf);
	ck_assert_uint_eq(rd(t, NIC_TX_ADDR), 0x87654321);
	ck_assert_uint_eq(rd(t, NIC_TX_LEN), 0xffffffff);
	ck_assert_uint_eq(rd(t, NIC_RX_ADDR), 0x13579bdf);
	/* Read-only registers ignore writes; CMD reads as 0. */
	wr(t, NIC_STATUS, 0xffffffff);
	ck_assert_uint_eq(rd(t, NIC_STATUS), 0);
	for (unsigned r = NIC_RX_LEN; r < NIC_NREGS; r++) {
		if (r == NIC_CMD)
			continue;
		wr(t, r, 0x55);
		ck_assert_msg(rd(t, r) == 0, "register %u", r);
	}
	ck_assert_uint_eq(rd(t, NIC_CMD), 0);
	wr(t, NIC_CMD, 99);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_BADCMD);
	wr(t, NIC_CMD, 0);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_BADCMD);
	/* The ports next to the card are not its own. */
	ck_assert_uint_eq(bus_in(&t->vm->bus, PORT_NIC + NIC_NREGS),
			  0xffffffff);
	ck_assert_uint_eq(bus_in(&t->vm->bus, PORT_NIC - 1), 0xffffffff);
	th_free(t);
}
END_TEST

/* ---- transmission ------------------------------------------------------ */

START_TEST(transmit_copies_pads_and_takes_wire_time)
{
	struct tb *b = tb_new();
	struct th *t = boot(SPIN, b, NULL);
	uint8_t f[20];
	memcpy(f, bcast, 6);
	memcpy(f + 6, own, 6);
	for (int i = 12; i < 20; i++)
		f[i] = (uint8_t)(0xa0 + i);
	poke(t, BUF + 3, f, sizeof f);		/* any alignment */
	spin(t, 1000);
	wr(t, NIC_TX_ADDR, BUF + 3);
	wr(t, NIC_TX_LEN, sizeof f);
	wr(t, NIC_CMD, NIC_CMD_TX);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_OK);
	/* Out at once, padded with zeros to 60, stamped with the time. */
	ck_assert_int_eq(b->nout, 1);
	ck_assert_uint_eq(b->out_len[0], NIC_MIN_FRAME);
	ck_assert_int_eq(memcmp(b->out[0], f, sizeof f), 0);
	for (int i = sizeof f; i < NIC_MIN_FRAME; i++)
		ck_assert_uint_eq(b->out[0][i], 0);
	ck_assert_uint_eq(b->out_at[0], vm_now(t->vm));
	ck_assert_uint_eq(b->out_at[0], 1000);
	ck_assert_uint_eq(rd(t, NIC_TX_FRAMES), 1);
	ck_assert_uint_eq(rd(t, NIC_TX_BYTES), NIC_MIN_FRAME);
	/* The buffer is free at once: the frame was copied. */
	poke(t, BUF + 3, "XXXX", 4);
	ck_assert_uint_eq(b->out[0][0], 0xff);
	/* 8 ticks a byte on the wire. */
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK | NIC_ST_TXBUSY);
	wr(t, NIC_CMD, NIC_CMD_TX);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_BUSY);
	ck_assert_int_eq(b->nout, 1);
	spin(t, NIC_MIN_FRAME * NIC_TX_TICKS_PER_BYTE - 1);
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK | NIC_ST_TXBUSY);
	spin(t, 1);
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK | NIC_ST_TXDONE);
	ck_assert_int_eq(irq_up(t), 0);		/* TXIE is off */
	/* Writing 1 to TXDONE clears it; other bits are ignored. */
	wr(t, NIC_STATUS, ~(uint32_t)NIC_ST_TXDONE);
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK | NIC_ST_TXDONE);
	wr(t, NIC_STATUS, NIC_ST_TXDONE);
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK);
	th_free(t);
	free(b);
}
END_TEST

START_TEST(transmit_lengths)
{
	struct tb *b = tb_new();
	struct th *t = boot(SPIN, b, NULL);
	static const struct { uint32_t len, result, wire; } cases[] = {
		{ 0, NIC_RES_LENGTH, 0 },
		{ NIC_HEADER - 1, NIC_RES_LENGTH, 0 },
		{ NIC_HEADER, NIC_RES_OK, NIC_MIN_FRAME },
		{ NIC_MIN_FRAME - 1, NIC_RES_OK, NIC_MIN_FRAME },
		{ NIC_MIN_FRAME, NIC_RES_OK, NIC_MIN_FRAME },
		{ 1000, NIC_RES_OK, 1000 },
		{ NIC_MAX_FRAME, NIC_RES_OK, NIC_MAX_FRAME },
		{ NIC_MAX_FRAME + 1, NIC_RES_LENGTH, 0 },
		{ 0xffffffff, NIC_RES_LENGTH, 0 },
	};
	uint32_t bytes = 0;
	int sent = 0;
	wr(t, NIC_TX_ADDR, BUF);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		wr(t, NIC_TX_LEN, cases[i].len);
		wr(t, NIC_CMD, NIC_CMD_TX);
		ck_assert_msg(rd(t, NIC_RESULT) == cases[i].result,
			      "TX_LEN %u: RESULT %u", cases[i].len,
			      rd(t, NIC_RESULT));
		if (cases[i].result != NIC_RES_OK) {
			ck_assert_int_eq(b->nout, sent);
			continue;
		}
		ck_assert_uint_eq(b->out_len[sent++], cases[i].wire);
		bytes += cases[i].wire;
		spin(t, cases[i].wire * NIC_TX_TICKS_PER_BYTE);
	}
	ck_assert_uint_eq(rd(t, NIC_TX_FRAMES), 5);
	ck_assert_uint_eq(rd(t, NIC_TX_BYTES), bytes);
	th_free(t);
	free(b);
}
END_TEST

START_TEST(transmit_dma_bounds_and_link)
{
	struct tb *b = tb_new();
	struct th *t = boot(SPIN, b, NULL);
	static const uint32_t bad[] = {
		RAM - 59, RAM, 0xfffffffc, 0x80000000,
	};
	wr(t, NIC_TX_LEN, 60);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		wr(t, NIC_TX_ADDR, bad[i]);
		wr(t, NIC_CMD, NIC_CMD_TX);
		ck_assert_msg(rd(t, NIC_RESULT) == NIC_RES_DMA, "TX_ADDR %x",
			      bad[i]);
	}
	ck_assert_int_eq(b->nout, 0);
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK);
	wr(t, NIC_TX_ADDR, RAM - 60);		/* the last 60 bytes */
	wr(t, NIC_CMD, NIC_CMD_TX);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_OK);
	spin(t, 480);
	/* Link down: refused before anything else is looked at. */
	b->link = 0;
	wr(t, NIC_TX_LEN, 1);
	wr(t, NIC_CMD, NIC_CMD_TX);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_NOLINK);
	ck_assert_int_eq(b->nout, 1);
	th_free(t);
	free(b);

	/* Unplugged: no back end at all. */
	t = boot(SPIN, NULL, NULL);
	wr(t, NIC_TX_ADDR, BUF);
	wr(t, NIC_TX_LEN, 60);
	wr(t, NIC_CMD, NIC_CMD_TX);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_NOLINK);
	ck_assert_uint_eq(rd(t, NIC_TX_FRAMES), 0);
	th_free(t);
}
END_TEST

/* ---- reception --------------------------------------------------------- */

START_TEST(receive_by_dma)
{
	struct tb *b = tb_new();
	struct th *t = boot(SPIN, b, NULL);
	wr(t, NIC_CTRL, NIC_CTRL_RXEN);
	tb_put(b, own, 100, 1);
	tb_put(b, bcast, NIC_MAX_FRAME, 2);
	spin(t, NIC_RX_POLL - 1);
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), 0);	/* not polled yet */
	ck_assert_uint_eq(b->recvs, 0);
	spin(t, 1);
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK | NIC_ST_RXREADY);
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), 100);
	/* Copied to RX_ADDR, exactly RX_LEN bytes, at any alignment. */
	uint8_t canary[4] = { 0xcc, 0xcc, 0xcc, 0xcc }, got[NIC_MAX_FRAME + 4];
	poke(t, BUF + 1 + 100, canary, 4);
	wr(t, NIC_RX_ADDR, BUF + 1);
	wr(t, NIC_CMD, NIC_CMD_RX);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_OK);
	ck_assert_int_eq(mem_read(&t->vm->mem, BUF + 1, got, 104), 0);
	ck_assert_int_eq(memcmp(got, b->in[0], 100), 0);
	ck_assert_int_eq(memcmp(got + 100, canary, 4), 0);
	ck_assert_uint_eq(rd(t, NIC_RX_FRAMES), 1);
	ck_assert_uint_eq(rd(t, NIC_RX_BYTES), 100);
	/* The next one is at the head now. */
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), NIC_MAX_FRAME);
	wr(t, NIC_RX_ADDR, BUF + 0x2000 - 700);	/* across a page */
	wr(t, NIC_CMD, NIC_CMD_RX);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_OK);
	ck_assert_int_eq(mem_read(&t->vm->mem, BUF + 0x2000 - 700, got,
				  NIC_MAX_FRAME), 0);
	ck_assert_int_eq(memcmp(got, b->in[1], NIC_MAX_FRAME), 0);
	ck_assert_uint_eq(rd(t, NIC_RX_FRAMES), 2);
	ck_assert_uint_eq(rd(t, NIC_RX_BYTES), 100 + NIC_MAX_FRAME);
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), 0);
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK);
	wr(t, NIC_CMD, NIC_CMD_RX);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_EMPTY);
	wr(t, NIC_CMD, NIC_CMD_RXDROP);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_EMPTY);
	ck_assert_uint_eq(rd(t, NIC_DROPPED), 0);
	ck_assert_uint_eq(rd(t, NIC_FILTERED), 0);
	th_free(t);
	free(b);
}
END_TEST

START_TEST(receive_filter_and_promiscuous)
{
	struct tb *b = tb_new();
	struct th *t = boot(SPIN, b, NULL);
	wr(t, NIC_CTRL, NIC_CTRL_RXEN);
	tb_put(b, other, 60, 1);	/* another card's */
	tb_put(b, own, 60, 2);
	tb_put(b, mcast, 60, 3);	/* a group other than broadcast */
	tb_put(b, bcast, 60, 4);
	poll_once(t);
	ck_assert_uint_eq(rd(t, NIC_FILTERED), 2);
	ck_assert_uint_eq(rd(t, NIC_DROPPED), 0);
	for (uint8_t tag = 2; tag <= 4; tag += 2) {
		ck_assert_uint_eq(rd(t, NIC_RX_LEN), 60);
		wr(t, NIC_RX_ADDR, BUF);
		wr(t, NIC_CMD, NIC_CMD_RX);
		ck_assert_uint_eq(th_peek32(t, BUF + 16) & 0xff,
				  (uint8_t)(tag + 16));
	}
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), 0);

	/* The guest changes its address: the filter follows. */
	wr(t, NIC_MAC_LO, 0x00000002);
	wr(t, NIC_MAC_HI, 0x0700);		/* 02:00:00:00:00:07 */
	tb_put(b, other, 60, 5);
	tb_put(b, own, 60, 6);
	poll_once(t);
	ck_assert_uint_eq(rd(t, NIC_FILTERED), 3);
	wr(t, NIC_CMD, NIC_CMD_RX);
	ck_assert_uint_eq(th_peek32(t, BUF + 16) & 0xff, 5 + 16);
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), 0);

	/* Promiscuous: everything. */
	wr(t, NIC_CTRL, NIC_CTRL_RXEN | NIC_CTRL_PROMISC);
	tb_put(b, own, 60, 7);
	tb_put(b, mcast, 60, 8);
	tb_put(b, other, 60, 9);
	poll_once(t);
	ck_assert_uint_eq(rd(t, NIC_FILTERED), 3);
	for (uint8_t tag = 7; tag <= 9; tag++) {
		wr(t, NIC_CMD, NIC_CMD_RX);
		ck_assert_uint_eq(th_peek32(t, BUF + 16) & 0xff,
				  (uint8_t)(tag + 16));
	}
	ck_assert_uint_eq(rd(t, NIC_RX_FRAMES), 6);
	th_free(t);
	free(b);
}
END_TEST

START_TEST(receive_lengths_and_receiver_off)
{
	struct tb *b = tb_new();
	struct th *t = boot(SPIN, b, NULL);
	/* Receiver off: everything is dropped and counted. */
	tb_put(b, own, 60, 1);
	tb_put(b, bcast, 60, 2);
	poll_once(t);
	ck_assert_uint_eq(rd(t, NIC_DROPPED), 2);
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), 0);
	wr(t, NIC_CTRL, NIC_CTRL_RXEN);
	tb_put(b, own, NIC_MIN_FRAME - 1, 3);
	tb_put(b, own, NIC_MIN_FRAME, 4);
	tb_put(b, own, NIC_MAX_FRAME, 5);
	tb_put(b, own, NIC_MAX_FRAME + 1, 6);	/* one byte too many */
	tb_put(b, own, NIC_HEADER, 7);
	poll_once(t);
	ck_assert_uint_eq(rd(t, NIC_DROPPED), 2 + 3);
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), NIC_MIN_FRAME);
	wr(t, NIC_CMD, NIC_CMD_RXDROP);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_OK);
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), NIC_MAX_FRAME);
	wr(t, NIC_CMD, NIC_CMD_RXDROP);
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), 0);
	/* RXDROP counts nowhere. */
	ck_assert_uint_eq(rd(t, NIC_DROPPED), 5);
	ck_assert_uint_eq(rd(t, NIC_RX_FRAMES), 0);
	th_free(t);
	free(b);
}
END_TEST

START_TEST(receive_queue_overflow)
{
	struct tb *b = tb_new();
	struct th *t = boot(SPIN, b, NULL);
	wr(t, NIC_CTRL, NIC_CTRL_RXEN);
	for (int i = 0; i < NIC_RX_QUEUE + 3; i++)
		tb_put(b, own, (uint32_t)(60 + i), (uint8_t)i);
	poll_once(t);
	ck_assert_uint_eq(rd(t, NIC_DROPPED), 3);
	/* In order; the ones that found it full are lost. */
	for (int i = 0; i < NIC_RX_QUEUE; i++) {
		ck_assert_uint_eq(rd(t, NIC_RX_LEN), (uint32_t)(60 + i));
		wr(t, NIC_CMD, i % 2 ? NIC_CMD_RXDROP : NIC_CMD_RX);
		ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_OK);
	}
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), 0);
	ck_assert_uint_eq(rd(t, NIC_RX_FRAMES), NIC_RX_QUEUE / 2);
	/* Room again.  A poll takes 16 frames at most: the queue fills
	 * with 8, 8 more are dropped, and the other 4 wait for the next
	 * poll, which finds the queue full. */
	for (int i = 0; i < 20; i++)
		tb_put(b, own, 60, (uint8_t)i);
	poll_once(t);
	ck_assert_int_eq(b->taken, NIC_RX_QUEUE + 3 + 16);
	ck_assert_uint_eq(rd(t, NIC_DROPPED), 3 + 8);
	poll_once(t);
	ck_assert_int_eq(b->taken, b->nin);
	ck_assert_uint_eq(rd(t, NIC_DROPPED), 3 + 12);
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK | NIC_ST_RXREADY);
	th_free(t);
	free(b);
}
END_TEST

START_TEST(receive_dma_bounds)
{
	struct tb *b = tb_new();
	struct th *t = boot(SPIN, b, NULL);
	wr(t, NIC_CTRL, NIC_CTRL_RXEN);
	tb_put(b, own, 100, 1);
	poll_once(t);
	uint8_t before[100], after[100];
	ck_assert_int_eq(mem_read(&t->vm->mem, RAM - 100, before, 100), 0);
	static const uint32_t bad[] = {
		RAM - 99, RAM, 0xfffffff0, 0xffffffff, 0x80000000,
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		wr(t, NIC_RX_ADDR, bad[i]);
		wr(t, NIC_CMD, NIC_CMD_RX);
		ck_assert_msg(rd(t, NIC_RESULT) == NIC_RES_DMA, "RX_ADDR %x",
			      bad[i]);
		/* The frame stays at the head for another try. */
		ck_assert_uint_eq(rd(t, NIC_RX_LEN), 100);
	}
	ck_assert_int_eq(mem_read(&t->vm->mem, RAM - 100, after, 100), 0);
	ck_assert_int_eq(memcmp(before, after, 100), 0);
	ck_assert_uint_eq(rd(t, NIC_RX_FRAMES), 0);
	wr(t, NIC_RX_ADDR, RAM - 100);
	wr(t, NIC_CMD, NIC_CMD_RX);
	ck_assert_uint_eq(rd(t, NIC_RESULT), NIC_RES_OK);
	ck_assert_uint_eq(rd(t, NIC_RX_FRAMES), 1);
	th_free(t);
	free(b);
}
END_TEST

/* No wire to receive from: the card never polls, so a halted guest with
 * nothing else to wait for is idle. */
START_TEST(no_back_end_never_polls)
{
	struct th *t = boot("_start: li r1, 5\n out r1, 0x80\n ei\n halt\n",
			    NULL, NULL);
	ck_assert_int_eq(th_run(t, 1000), VM_STOP_IDLE);
	th_free(t);

	struct tb *b = tb_new();
	struct vm_config cfg = { .on_brk = VM_BRK_STOP };
	cfg.nic = (struct vm_nic_host){ .opaque = b, .send = tb_send };
	t = th_boot_config("_start: li r1, 5\n out r1, 0x80\n ei\n halt\n",
			 &cfg);
	ck_assert_int_eq(th_run(t, 1000), VM_STOP_IDLE);
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK);
	th_free(t);
	free(b);
}
END_TEST

/* ---- interrupts -------------------------------------------------------- */

/* A driver: the receive handler copies each frame to BUF + 2 KiB x n and
 * counts in r5; the transmit handler counts in r6 and clears TXDONE.  It
 * powers off with the count once r5 reaches r9. */
#define DRIVER								\
	"_start: la r1, vectors\n mtcr vbr, r1\n la r2, isr\n"		\
	" stw r2, 72(r1)\n li r8, 0x10000\n"				\
	" clr r5\n clr r6\n br test\n"					\
	"isr: in r1, 0x81\n tsti r1, 4\n beq .rx\n"			\
	" addi r6, r6, 1\n li r1, 4\n out r1, 0x81\n"			\
	".rx: in r1, 0x81\n tsti r1, 1\n beq .eoi\n"			\
	" shli r2, r5, 11\n add r2, r2, r8\n out r2, 0x86\n"		\
	" li r1, 2\n out r1, 0x88\n addi r5, r5, 1\n br .rx\n"		\
	".eoi: li r1, 2\n out r1, 0x23\n cmp r5, r9\n bne .ret\n"	\
	" out r5, 0(r0)\n"						\
	".ret: rti\n"							\
	" .align 4\nvectors: .space 1024\n"

START_TEST(receive_interrupt_is_level)
{
	struct tb *b = tb_new();
	struct th *t = boot(DRIVER "test: li r9, 3\n li r1, 5\n out r1, 0x80\n"
			    " ei\n.idle: halt\n br .idle\n", b, NULL);
	tb_put(b, own, 60, 1);
	tb_put(b, bcast, 70, 2);
	tb_put(b, own, 80, 3);
	ck_assert_int_eq(th_run(t, 10 * NIC_RX_POLL), VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->stop_code, 3);
	ck_assert_uint_eq(t->vm->cpu.r[6], 0);
	/* All three in one interrupt, in order. */
	ck_assert_uint_eq(th_peek32(t, BUF + 16) & 0xff, 1 + 16);
	ck_assert_uint_eq(th_peek32(t, BUF + 2048 + 16) & 0xff, 2 + 16);
	ck_assert_uint_eq(th_peek32(t, BUF + 4096 + 16) & 0xff, 3 + 16);
	ck_assert_int_eq(irq_up(t), 0);
	/* It slept until the frames came, and let the host wait. */
	ck_assert_uint_ge(t->vm->halted_time, NIC_RX_POLL / 2);
	ck_assert_uint_eq(b->wait, NIC_RX_POLL);
	th_free(t);
	free(b);

	/* The line follows RXREADY and RXIE. */
	b = tb_new();
	t = boot(SPIN, b, NULL);
	wr(t, NIC_CTRL, NIC_CTRL_RXEN);
	tb_put(b, own, 60, 1);
	tb_put(b, own, 60, 2);
	poll_once(t);
	ck_assert_int_eq(irq_up(t), 0);
	wr(t, NIC_CTRL, NIC_CTRL_RXEN | NIC_CTRL_RXIE);
	ck_assert_int_eq(irq_up(t), 1);
	wr(t, NIC_CMD, NIC_CMD_RXDROP);
	ck_assert_int_eq(irq_up(t), 1);		/* one more waits */
	wr(t, NIC_CMD, NIC_CMD_RXDROP);
	ck_assert_int_eq(irq_up(t), 0);
	th_free(t);
	free(b);
}
END_TEST

/* A running guest never lets the host wait; a halted one does, and a
 * frame that comes during the wait wakes it. */
START_TEST(host_waits_only_while_halted)
{
	struct tb *b = tb_new();
	struct th *t = boot(SPIN, b, NULL);
	poll_once(t);
	ck_assert_int_eq(b->recvs, 1);
	ck_assert_uint_eq(b->wait, 0);
	poll_once(t);
	ck_assert_int_eq(b->recvs, 2);
	th_free(t);
	free(b);

	b = tb_new();
	b->deliver_on_wait = 1;
	t = boot(DRIVER "test: li r9, 1\n li r1, 5\n out r1, 0x80\n"
		 " ei\n.idle: halt\n br .idle\n", b, NULL);
	tb_put(b, own, 60, 1);
	ck_assert_int_eq(th_run(t, 100000000), VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->stop_code, 1);
	ck_assert_int_eq(b->recvs, 2);		/* the frame, then none */
	ck_assert_uint_eq(b->wait, NIC_RX_POLL);
	th_free(t);
	free(b);
}
END_TEST

START_TEST(transmit_done_interrupt)
{
	struct tb *b = tb_new();
	struct th *t = boot(DRIVER
			    "test: li r9, 99\n li r1, 8\n out r1, 0x80\n"
			    " la r1, frame\n out r1, 0x84\n li r1, 14\n"
			    " out r1, 0x85\n ei\n"
			    " li r1, 1\n out r1, 0x88\n"
			    ".w1: cmpi r6, 1\n bne .w1\n"
			    " li r1, 1\n out r1, 0x88\n"
			    " halt\n"
			    " in r4, 0x81\n out r6, 0(r0)\n"
			    " .align 4\nframe: .byte 0xff, 0xff, 0xff, 0xff,"
			    " 0xff, 0xff, 2, 0, 0, 0, 0, 1, 8, 0\n",
			    b, NULL);
	ck_assert_int_eq(th_run(t, 100000), VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->stop_code, 2);
	ck_assert_int_eq(b->nout, 2);
	/* The handler cleared TXDONE, and the line fell with it. */
	ck_assert_uint_eq(t->vm->cpu.r[4], NIC_ST_LINK);
	ck_assert_int_eq(irq_up(t), 0);
	/* The second frame went out after the first was done. */
	ck_assert_uint_ge(b->out_at[1] - b->out_at[0],
			  NIC_MIN_FRAME * NIC_TX_TICKS_PER_BYTE);
	th_free(t);
	free(b);
}
END_TEST

/* ---- reset ------------------------------------------------------------- */

START_TEST(reset_restores_everything)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x09 };
	struct tb *b = tb_new();
	struct th *t = boot(SPIN, b, mac);
	wr(t, NIC_CTRL, 0xf);
	wr(t, NIC_MAC_LO, 0x12345678);
	wr(t, NIC_MAC_HI, 0x9abc);
	wr(t, NIC_TX_ADDR, BUF);
	wr(t, NIC_TX_LEN, 60);
	wr(t, NIC_RX_ADDR, BUF);
	tb_put(b, bcast, 60, 1);
	tb_put(b, bcast, 60, 2);
	poll_once(t);
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), 60);
	ck_assert_int_eq(irq_up(t), 1);
	wr(t, NIC_CMD, NIC_CMD_TX);		/* busy: TXDONE is to come */
	ck_assert_uint_eq(rd(t, NIC_TX_FRAMES), 1);
	wr(t, NIC_CMD, 77);
	vm_reset(t->vm);
	ck_assert_uint_eq(rd(t, NIC_CTRL), 0);
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK);
	ck_assert_uint_eq(rd(t, NIC_MAC_LO), 0x00000002);
	ck_assert_uint_eq(rd(t, NIC_MAC_HI), 0x0900);
	for (unsigned r = NIC_TX_ADDR; r < NIC_NREGS; r++)
		ck_assert_msg(rd(t, r) == 0, "register %u", r);
	ck_assert_int_eq(irq_up(t), 0);
	/* The abandoned transmission does not finish later. */
	spin(t, 1000);
	ck_assert_uint_eq(rd(t, NIC_STATUS), NIC_ST_LINK);
	/* And it polls again after a reset, once. */
	wr(t, NIC_CTRL, NIC_CTRL_RXEN);
	tb_put(b, bcast, 60, 3);
	int polls = b->recvs;
	poll_once(t);
	ck_assert_int_eq(b->recvs, polls + 2);	/* a frame, then none */
	ck_assert_uint_eq(rd(t, NIC_RX_LEN), 60);
	th_free(t);
	free(b);
}
END_TEST

/* ---- DMA into a page table --------------------------------------------- */

/* A frame that lands on a page table in use changes the mapping at once,
 * under both strategies, as a store by the CPU would (mmu_dma_write). */
START_TEST(dma_into_a_page_table_is_coherent)
{
	struct th *t[2];
	pg_boot(t, PG_KERNEL "test: la r1, VA\n ldw r2, 0(r1)\n brk\n"
		" ldw r2, 0(r1)\n brk\n trap 40\n" PG_FIX_RESUME, PG_PW);
	pg_pde(t, PG_PD, PG_VA, PG_TABLE(0), PG_PW);
	pg_pte(t, PG_TABLE(0), PG_VA, PG_FRAME(0), PG_PW);
	pg_poke(t, PG_FRAME(0), 0xf0);
	pg_poke(t, PG_FRAME(1), 0xf1);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(t[0]->vm->cpu.r[2], 0xf0);
	uint8_t pte[4];
	mem_st32(pte, PG_FRAME(1) | PG_PW);
	uint32_t at = pg_pte_addr(PG_TABLE(0), PG_VA);
	PG_EACH(m)
		ck_assert_int_eq(mmu_dma_write(t[m]->vm, at, pte, 4), 0);
	pg_run(t, VM_STOP_BREAKPOINT);
	ck_assert_uint_eq(t[0]->vm->cpu.r[2], 0xf1);
	PG_EACH(m)
		ck_assert_int_eq(mmu_dma_write(t[m]->vm, PG_RAM - 2, pte, 4),
				 -1);
	pg_run(t, VM_STOP_POWEROFF);
	pg_finish(t);
}
END_TEST

static Suite *nic_suite(void)
{
	Suite *s = suite_create("nic");
	TCase *tc = tcase_create("registers");
	tcase_add_test(tc, registers_after_reset);
	tcase_add_test(tc, registers_read_and_write);
	tcase_add_test(tc, reset_restores_everything);
	suite_add_tcase(s, tc);
	tc = tcase_create("transmit");
	tcase_add_test(tc, transmit_copies_pads_and_takes_wire_time);
	tcase_add_test(tc, transmit_lengths);
	tcase_add_test(tc, transmit_dma_bounds_and_link);
	suite_add_tcase(s, tc);
	tc = tcase_create("receive");
	tcase_add_test(tc, receive_by_dma);
	tcase_add_test(tc, receive_filter_and_promiscuous);
	tcase_add_test(tc, receive_lengths_and_receiver_off);
	tcase_add_test(tc, receive_queue_overflow);
	tcase_add_test(tc, receive_dma_bounds);
	tcase_add_test(tc, no_back_end_never_polls);
	suite_add_tcase(s, tc);
	tc = tcase_create("interrupts");
	tcase_add_test(tc, receive_interrupt_is_level);
	tcase_add_test(tc, host_waits_only_while_halted);
	tcase_add_test(tc, transmit_done_interrupt);
	suite_add_tcase(s, tc);
	tc = tcase_create("dma");
	tcase_add_test(tc, dma_into_a_page_table_is_coherent);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(nic_suite());
}
