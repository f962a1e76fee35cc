/*
 * The lab's in-process switch (net/switch.c) and the host's memory manager
 * (mem/pool.c), driven directly: learning, flooding, latency, VLANs on
 * access and trunk ports with their 802.1q tags, the queue limit; and the
 * pool's budget, swap, sharing, copy on write and balloon, page by page.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/vm.h"
#include "mem/pool.h"
#include "net/switch.h"
#include "tests/unit/harness.h"

/* ---- the switch -------------------------------------------------------- */

/* An untagged 60-byte frame from 02:..:src to 02:..:dst (0xff: broadcast),
 * its payload's first byte tag. */
static void mkframe(uint8_t f[60], uint8_t dst, uint8_t src, uint8_t tag)
{
	memset(f, 0, 60);
	f[0] = f[6] = 0x02;
	f[5] = dst;
	f[11] = src;
	if (dst == 0xff)
		memset(f, 0xff, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	f[14] = tag;
}

struct port_end {
	struct vm_nic_host h;
};

static void plug(struct lan_switch *s, struct port_end *e,
		 const struct switch_port_cfg *c)
{
	int p = switch_add_port(s, c);
	ck_assert_int_ge(p, 0);
	switch_port_host(s, p, &e->h);
}

static void put(struct port_end *e, const uint8_t *f, uint32_t len,
		 uint64_t now)
{
	e->h.send(e->h.opaque, f, len, now);
}

static uint32_t take(struct port_end *e, uint8_t *buf, uint64_t now)
{
	return e->h.recv(e->h.opaque, buf, 1600, now, 0);
}

START_TEST(switch_learns_floods_and_waits)
{
	struct lan_switch *s = switch_create("lan", 100, NULL);
	struct port_end a, b, c;
	plug(s, &a, &(struct switch_port_cfg){ .name = "a", .vlan = 1 });
	plug(s, &b, &(struct switch_port_cfg){ .name = "b", .vlan = 1 });
	plug(s, &c, &(struct switch_port_cfg){ .name = "c", .vlan = 1 });
	uint8_t f[60], buf[1600];

	/* a -> b, unknown: flooded to b and c, after the latency. */
	mkframe(f, 2, 1, 7);
	put(&a, f, 60, 1000);
	ck_assert_uint_eq(take(&b, buf, 1099), 0);
	ck_assert_uint_eq(take(&b, buf, 1100), 60);
	ck_assert_mem_eq(buf, f, 60);
	ck_assert_uint_eq(take(&c, buf, 5000), 60);
	ck_assert_uint_eq(take(&a, buf, 5000), 0);
	ck_assert_uint_eq(switch_flooded(s), 1);
	ck_assert_int_eq(switch_nmacs(s), 1);

	/* b -> a: a is known now, so only a gets it; b is learned. */
	mkframe(f, 1, 2, 8);
	put(&b, f, 60, 2000);
	ck_assert_uint_eq(take(&a, buf, 2100), 60);
	ck_assert_uint_eq(take(&c, buf, 9000), 0);
	ck_assert_uint_eq(switch_flooded(s), 1);
	ck_assert_int_eq(switch_nmacs(s), 2);

	/* Frames reach a port in the order of their arrival. */
	mkframe(f, 1, 3, 1);
	put(&c, f, 60, 3000);
	mkframe(f, 1, 2, 2);
	put(&b, f, 60, 2999);
	ck_assert_uint_eq(take(&a, buf, 4000), 60);
	ck_assert_uint_eq(buf[14], 2);
	ck_assert_uint_eq(take(&a, buf, 4000), 60);
	ck_assert_uint_eq(buf[14], 1);

	/* A broadcast goes to every other port. */
	mkframe(f, 0xff, 1, 9);
	put(&a, f, 60, 5000);
	ck_assert_uint_eq(take(&b, buf, 6000), 60);
	ck_assert_uint_eq(take(&c, buf, 6000), 60);
	ck_assert_uint_eq(take(&a, buf, 6000), 0);

	/* A full queue drops, and counts it. */
	for (int i = 0; i < SWITCH_QUEUE + 3; i++) {
		mkframe(f, 1, 2, (uint8_t)i);
		put(&b, f, 60, 7000);
	}
	ck_assert_uint_eq(switch_port_stats(s, 0)->dropped, 3);
	switch_destroy(s);
}
END_TEST

START_TEST(switch_keeps_vlans_apart_and_tags_trunks)
{
	struct lan_switch *s = switch_create("lan", 1, NULL);
	struct port_end a10, b10, c20, t;
	plug(s, &a10, &(struct switch_port_cfg){ .name = "a", .vlan = 10 });
	plug(s, &b10, &(struct switch_port_cfg){ .name = "b", .vlan = 10 });
	plug(s, &c20, &(struct switch_port_cfg){ .name = "c", .vlan = 20 });
	plug(s, &t, &(struct switch_port_cfg){ .name = "t", .trunk = { 10, 20 },
					       .ntrunk = 2 });
	uint8_t f[60], buf[1600], tagged[64];

	/* From VLAN 10: to b, and tagged 10 to the trunk; never to c. */
	mkframe(f, 0xff, 1, 5);
	put(&a10, f, 60, 0);
	ck_assert_uint_eq(take(&b10, buf, 10), 60);
	ck_assert_uint_eq(take(&c20, buf, 10), 0);
	ck_assert_uint_eq(take(&t, buf, 10), 64);
	ck_assert_uint_eq(buf[12], 0x81);
	ck_assert_uint_eq(buf[13], 0x00);
	ck_assert_uint_eq((buf[14] << 8 | buf[15]) & 0xfff, 10);
	ck_assert_mem_eq(buf + 16, f + 12, 48);

	/* From the trunk, tagged 20: to c, untagged. */
	memcpy(tagged, f, 12);
	tagged[12] = 0x81, tagged[13] = 0, tagged[14] = 0, tagged[15] = 20;
	memcpy(tagged + 16, f + 12, 48);
	tagged[6 + 5] = 9;	/* another source */
	put(&t, tagged, 64, 20);
	ck_assert_uint_eq(take(&c20, buf, 30), 60);
	ck_assert_uint_eq(buf[12], 0x88);
	ck_assert_uint_eq(take(&a10, buf, 30), 0);

	/* Refused: untagged on a trunk, tagged on an access port, a VLAN
	 * the trunk does not carry. */
	put(&t, f, 60, 40);
	put(&a10, tagged, 64, 40);
	tagged[15] = 30;
	put(&t, tagged, 64, 40);
	ck_assert_uint_eq(switch_port_stats(s, 3)->dropped, 2);
	ck_assert_uint_eq(switch_port_stats(s, 0)->dropped, 1);
	ck_assert_uint_eq(take(&b10, buf, 100), 0);
	ck_assert_uint_eq(take(&c20, buf, 100), 0);

	/* An address learned in one VLAN is unknown in another. */
	ck_assert_int_eq(switch_nmacs(s), 2);
	ck_assert_uint_eq(switch_mac_at(s, 0)->vlan, 10);
	ck_assert_uint_eq(switch_mac_at(s, 1)->vlan, 20);
	switch_destroy(s);
}
END_TEST

/* ---- the memory manager ------------------------------------------------ */

/* A swap file in memory. */
struct mem_swap {
	uint8_t pages[64][MEM_PAGE_SIZE];
	int writes, reads;
};

static int swap_write(void *opaque, uint32_t pn, const void *page)
{
	struct mem_swap *s = opaque;
	ck_assert_uint_lt(pn, 64);
	memcpy(s->pages[pn], page, MEM_PAGE_SIZE);
	s->writes++;
	return 0;
}

static int swap_read(void *opaque, uint32_t pn, void *page)
{
	struct mem_swap *s = opaque;
	memcpy(page, s->pages[pn], MEM_PAGE_SIZE);
	s->reads++;
	return 0;
}

static struct vm *small_vm(void)
{
	char err[128];
	struct vm_config cfg = { .ram_size = 64 * MEM_PAGE_SIZE };
	struct vm *vm = vm_create(&cfg, err, sizeof err);
	ck_assert_msg(vm != NULL, "%s", err);
	return vm;
}

static void poke(struct vm *vm, uint32_t pn, uint8_t v)
{
	uint8_t b[MEM_PAGE_SIZE];
	memset(b, v, sizeof b);
	ck_assert_int_eq(mem_write(&vm->mem, pn << MEM_PAGE_SHIFT, b,
				   sizeof b), 0);
}

static uint8_t peek(struct vm *vm, uint32_t pn)
{
	uint8_t b[MEM_PAGE_SIZE];
	ck_assert_int_eq(mem_read(&vm->mem, pn << MEM_PAGE_SHIFT, b,
				  sizeof b), 0);
	for (size_t i = 1; i < sizeof b; i++)
		ck_assert_uint_eq(b[i], b[0]);
	return b[0];
}

START_TEST(pool_swaps_within_its_budget)
{
	static struct mem_swap sw;
	struct mem_pool *p = pool_create(16 * MEM_PAGE_SIZE, false);
	struct vm *vm = small_vm();
	ck_assert_int_eq(pool_attach(p, vm, &(struct pool_swap_host){
		.opaque = &sw, .write = swap_write, .read = swap_read }), 0);
	for (uint32_t pn = 0; pn < 40; pn++)
		poke(vm, pn, (uint8_t)(pn + 1));
	pool_quiesce(p);
	const struct pool_stats *ps = pool_stats(p);
	const struct pool_vm_stats *vs = pool_vm_stats(vm);
	ck_assert_uint_le(ps->used, 16);
	ck_assert_uint_eq(vs->resident + vs->swapped, 40);
	ck_assert_uint_ge(vs->swap_outs, 24);
	/* Read back without bringing in (mem_read of a swapped page), then
	 * through mem_page, which brings it in. */
	for (uint32_t pn = 0; pn < 40; pn++)
		ck_assert_uint_eq(peek(vm, pn), pn + 1);
	for (uint32_t pn = 0; pn < 40; pn++)
		ck_assert_uint_eq(*mem_page(&vm->mem, pn << MEM_PAGE_SHIFT),
				  pn + 1);
	ck_assert_uint_gt(vs->swap_ins, 0);
	ck_assert_uint_le(ps->used, 16);
	ck_assert_uint_eq(ps->over, 0);
	vm_destroy(vm);
	ck_assert_uint_eq(ps->used, 0);
	pool_destroy(p);
}
END_TEST

START_TEST(pool_shares_and_copies_on_write)
{
	struct mem_swap *sw = calloc(1, sizeof *sw);
	const struct pool_swap_host sh = {
		.opaque = sw, .write = swap_write, .read = swap_read };
	struct mem_pool *p = pool_create(0, true);
	struct vm *a = small_vm(), *b = small_vm();
	ck_assert_int_eq(pool_attach(p, a, &sh), 0);
	ck_assert_int_eq(pool_attach(p, b, &sh), 0);
	poke(a, 3, 0x11);
	poke(b, 5, 0x11);
	poke(a, 4, 0x22);
	pool_share_scan(p);
	ck_assert_uint_eq(pool_stats(p)->shared_pages, 1);
	ck_assert_uint_eq(pool_stats(p)->used, 2);
	ck_assert(mem_shared(&a->mem, 3 << MEM_PAGE_SHIFT));
	ck_assert(mem_shared(&b->mem, 5 << MEM_PAGE_SHIFT));
	ck_assert(mem_page_read(&a->mem, 3 << MEM_PAGE_SHIFT) ==
		  mem_page_read(&b->mem, 5 << MEM_PAGE_SHIFT));
	/* A write gives the writer its own copy; the other keeps its data. */
	uint8_t *w = mem_page(&b->mem, 5 << MEM_PAGE_SHIFT);
	ck_assert_uint_eq(w[100], 0x11);
	w[100] = 0x33;
	ck_assert(!mem_shared(&b->mem, 5 << MEM_PAGE_SHIFT));
	ck_assert_uint_eq(peek(a, 3), 0x11);
	ck_assert_uint_eq(pool_vm_stats(b)->cow_breaks, 1);
	/* The balloon: a page given back reads as zero and costs nothing. */
	uint64_t used = pool_stats(p)->used;
	mem_discard(&a->mem, 4 << MEM_PAGE_SHIFT);
	pool_quiesce(p);
	ck_assert_uint_eq(pool_stats(p)->used, used - 1);
	ck_assert_uint_eq(pool_vm_stats(a)->ballooned, 1);
	ck_assert_uint_eq(peek(a, 4), 0);
	vm_destroy(a);
	vm_destroy(b);
	ck_assert_uint_eq(pool_stats(p)->used, 0);
	pool_destroy(p);
	free(sw);
}
END_TEST

static Suite *switch_suite(void)
{
	Suite *s = suite_create("switch");
	TCase *tc = tcase_create("switch");
	tcase_add_test(tc, switch_learns_floods_and_waits);
	tcase_add_test(tc, switch_keeps_vlans_apart_and_tags_trunks);
	suite_add_tcase(s, tc);
	tc = tcase_create("pool");
	tcase_add_test(tc, pool_swaps_within_its_budget);
	tcase_add_test(tc, pool_shares_and_copies_on_write);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(switch_suite());
}
