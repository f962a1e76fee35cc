/*
 * The port bus (io/bus.h): ranges found by the table below port 256 and
 * by the scan above it agree, a range across 256 is found from both
 * sides, overlaps are refused, and unassigned ports read all ones and
 * are counted.
 */
#include <string.h>

#include "io/bus.h"
#include "tests/unit/harness.h"

/* A device that answers with its tag and the register asked for, and
 * keeps the last write. */
struct probe {
	uint32_t tag, last_reg, last_value;
};

static uint32_t probe_read(void *dev, uint16_t reg)
{
	return ((struct probe *)dev)->tag << 16 | reg;
}

static void probe_write(void *dev, uint16_t reg, uint32_t value)
{
	struct probe *p = dev;
	p->last_reg = reg;
	p->last_value = value;
}

static const struct dev_ops probe_ops = {
	.name = "probe", .read = probe_read, .write = probe_write,
};

START_TEST(low_high_and_across)
{
	struct bus b;
	struct probe lo = { .tag = 1 }, mid = { .tag = 2 }, hi = { .tag = 3 };
	memset(&b, 0, sizeof b);
	ck_assert_int_eq(bus_map(&b, 0x10, 3, &probe_ops, &lo), 0);
	ck_assert_int_eq(bus_map(&b, 0xfe, 4, &probe_ops, &mid), 0);
	ck_assert_int_eq(bus_map(&b, 0x1000, 2, &probe_ops, &hi), 0);
	/* Overlaps, from either side of 256, are refused. */
	ck_assert_int_eq(bus_map(&b, 0x12, 1, &probe_ops, &hi), -1);
	ck_assert_int_eq(bus_map(&b, 0x100, 8, &probe_ops, &hi), -1);
	ck_assert_int_eq(bus_map(&b, 0xffff, 2, &probe_ops, &hi), -1);
	ck_assert_uint_eq(bus_in(&b, 0x10), 0x10000);
	ck_assert_uint_eq(bus_in(&b, 0x12), 0x10002);
	ck_assert_uint_eq(bus_in(&b, 0xfe), 0x20000);
	ck_assert_uint_eq(bus_in(&b, 0xff), 0x20001);
	ck_assert_uint_eq(bus_in(&b, 0x100), 0x20002);
	ck_assert_uint_eq(bus_in(&b, 0x101), 0x20003);
	ck_assert_uint_eq(bus_in(&b, 0x1001), 0x30001);
	bus_out(&b, 0x101, 7);
	ck_assert_uint_eq(mid.last_reg, 3);
	ck_assert_uint_eq(mid.last_value, 7);
	ck_assert_ptr_eq(bus_find(&b, 0x11)->dev, &lo);
	ck_assert_ptr_eq(bus_find(&b, 0x100)->dev, &mid);
	ck_assert_uint_eq(b.unassigned_in, 0);
	/* Unassigned ports, in the table's part and above it. */
	ck_assert_ptr_null(bus_find(&b, 0x13));
	ck_assert_uint_eq(bus_in(&b, 0x13), 0xffffffff);
	ck_assert_uint_eq(bus_in(&b, 0x102), 0xffffffff);
	ck_assert_uint_eq(bus_in(&b, 0), 0xffffffff);
	bus_out(&b, 0xfd, 1);
	ck_assert_uint_eq(b.unassigned_in, 3);
	ck_assert_uint_eq(b.unassigned_out, 1);
	ck_assert_uint_eq(b.last_unassigned, 0xfd);
}
END_TEST

START_TEST(every_low_port_as_the_scan_finds_it)
{
	/* Many small ranges: the table answers as a scan of them would. */
	struct bus b;
	struct probe p[BUS_MAX_RANGES];
	memset(&b, 0, sizeof b);
	for (int i = 0; i < BUS_MAX_RANGES; i++) {
		p[i].tag = (uint32_t)i;
		ck_assert_int_eq(bus_map(&b, (uint16_t)(i * 9 + 1), 5,
					 &probe_ops, &p[i]), 0);
	}
	ck_assert_int_eq(bus_map(&b, 0x2000, 1, &probe_ops, &p[0]), -1);
	for (unsigned port = 0; port < 512; port++) {
		const struct bus_range *want = NULL;
		for (int i = 0; i < b.n; i++)
			if (port >= b.r[i].base &&
			    port < (unsigned)b.r[i].base + b.r[i].count)
				want = &b.r[i];
		ck_assert_ptr_eq(bus_find(&b, (uint16_t)port), want);
	}
}
END_TEST

static Suite *bus_suite(void)
{
	Suite *s = suite_create("bus");
	TCase *tc = tcase_create("bus");
	tcase_add_test(tc, low_high_and_across);
	tcase_add_test(tc, every_low_port_as_the_scan_finds_it);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(bus_suite());
}
