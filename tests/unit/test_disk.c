/*
 * The disk (docs/devices.md, section 7), driven by small guest programs
 * against in-memory images that can be told to fail.  KERNEL installs a
 * vector table whose IRQ 5-8 entries lead to `isr`, which logs each disk
 * interrupt at `irqlog` -- a count, then (cause, icount at entry, STATUS)
 * per interrupt -- acknowledges the disk and sends the EOI.  Any other
 * vector powers off with 0xdead.
 *
 * `dcmd` starts a command: r1 = command, r2 = LBA, r3 = COUNT, r4 = DMA,
 * r5 = the disk's first port; it leaves in r6 the icount just before the
 * `out` to CMD, so the command starts at tick r6 + 1.  `waitn` spins with
 * interrupts enabled until r1 interrupts are logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/isa.h"
#include "io/devices.h"
#include "io/ports.h"
#include "tests/unit/harness.h"

#define KERNEL								\
	"_start: la r1, table\n mtcr vbr, r1\n la r2, unexpected\n"	\
	" li r3, 256\n"							\
	".fill: stw r2, 0(r1)\n addi r1, r1, 4\n addi r3, r3, -1\n"	\
	" cmpi r3, 0\n bne .fill\n"					\
	" la r1, table\n la r2, isr\n stw r2, 84(r1)\n stw r2, 88(r1)\n" \
	" stw r2, 92(r1)\n stw r2, 96(r1)\n"				\
	" clr r1\n clr r2\n clr r3\n br test\n"				\
	"unexpected: mfcr r10, cause\n li r1, 0xdead\n out r1, 0(r0)\n"	\
	"isr: mfcr r11, icount\n push r1\n push r2\n push r3\n"	\
	" la r1, irqlog\n ldw r2, 0(r1)\n muli r3, r2, 12\n"		\
	" add r3, r3, r1\n stw r11, 8(r3)\n mfcr r11, cause\n"		\
	" stw r11, 4(r3)\n addi r2, r2, 1\n stw r2, 0(r1)\n"		\
	" addi r11, r11, -21\n shli r11, r11, 3\n"			\
	" in r2, 0x41(r11)\n stw r2, 12(r3)\n out r0, 0x41(r11)\n"	\
	" mfcr r11, cause\n addi r11, r11, -16\n out r11, 0x23(r0)\n"	\
	" pop r3\n pop r2\n pop r1\n rti\n"				\
	"dcmd: out r2, 2(r5)\n out r3, 3(r5)\n out r4, 4(r5)\n"		\
	" mfcr r6, icount\n out r1, 0(r5)\n ret\n"			\
	"waitn: ei\n la r8, irqlog\n"					\
	".w: ldw r7, 0(r8)\n cmp r7, r1\n blt .w\n ret\n"		\
	" .align 4\nirqlog: .space 100\ntable: .space 1024\n"

#define BUF 0x100000u		/* the tests' DMA buffer */
#define RAM (16u << 20)
#define SECT DISK_SECTOR_SIZE
#define LAT(n) (DISK_CMD_TICKS + (n) * DISK_SECTOR_TICKS)
#define R(n) (t->vm->cpu.r[n])

/* ---- an image in memory, which fails when told to ------------------- */

struct ramdisk {
	uint8_t *data;
	uint64_t size;
	bool ro;
	uint64_t fail_from;	/* an I/O reaching this byte fails */
	bool fail_flush;
	unsigned reads, writes, flushes;
};

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 7 + (off >> 9) * 13 + 1);
}

static struct ramdisk *rd_new(uint64_t sectors)
{
	struct ramdisk *d = calloc(1, sizeof *d);
	ck_assert_ptr_nonnull(d);
	d->size = sectors * SECT;
	d->data = malloc(d->size);
	ck_assert_ptr_nonnull(d->data);
	for (uint64_t i = 0; i < d->size; i++)
		d->data[i] = pattern(i);
	d->fail_from = UINT64_MAX;
	return d;
}

static void rd_free(struct ramdisk *d)
{
	free(d->data);
	free(d);
}

static int rd_read(void *o, uint64_t off, void *buf, size_t len)
{
	struct ramdisk *d = o;
	d->reads++;
	ck_assert_uint_le(off + len, d->size);
	if (off + len > d->fail_from)
		return -1;
	memcpy(buf, d->data + off, len);
	return 0;
}

static int rd_write(void *o, uint64_t off, const void *buf, size_t len)
{
	struct ramdisk *d = o;
	d->writes++;
	ck_assert(!d->ro);
	ck_assert_uint_le(off + len, d->size);
	if (off + len > d->fail_from)
		return -1;
	memcpy(d->data + off, buf, len);
	return 0;
}

static int rd_flush(void *o)
{
	struct ramdisk *d = o;
	d->flushes++;
	return d->fail_flush ? -1 : 0;
}

static struct vm_disk_host rd_host(struct ramdisk *d)
{
	return (struct vm_disk_host){
		.opaque = d, .name = "ramdisk", .size = d->size,
		.read_only = d->ro, .read = rd_read, .write = rd_write,
		.flush = rd_flush };
}

static struct th *boot(const char *test, unsigned n, struct ramdisk **d)
{
	char src[8192];
	struct vm_config cfg = { .on_brk = VM_BRK_STOP, .ndisks = n };
	for (unsigned i = 0; i < n; i++)
		cfg.disks[i] = rd_host(d[i]);
	snprintf(src, sizeof src, KERNEL "%s", test);
	return th_boot_config(src, &cfg);
}

static struct th *boot1(const char *test, struct ramdisk *d)
{
	return boot(test, 1, &d);
}

static void run_to_poweroff(struct th *t)
{
	enum vm_stop s = th_run(t, 1000000);
	ck_assert_msg(s == VM_STOP_POWEROFF, "stopped with %s",
		      vm_stop_name(s));
	ck_assert_msg(t->vm->stop_code == 0, "powered off with 0x%x (cause "
		      "%u)", t->vm->stop_code, t->vm->cpu.r[10]);
}

static uint32_t reg(struct th *t, unsigned unit, unsigned r)
{
	return bus_in(&t->vm->bus, PORT_DISK + unit * DISK_PORT_STRIDE + r);
}

static uint64_t field(struct th *t, unsigned unit, const char *name)
{
	const struct dev_field *f = dev_field_find(&disk_ops, name);
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < t->vm->ndev; i++)
		if (t->vm->dev[i].ops == &disk_ops &&
		    t->vm->dev[i].unit == unit)
			return dev_field_get(t->vm->dev[i].state, f);
	ck_abort_msg("no disk %u", unit);
	return 0;
}

/* Interrupt k of the log: its cause, icount at entry and STATUS. */
static uint32_t logged(struct th *t, unsigned k, unsigned what)
{
	return th_peek32(t, th_sym(t, "irqlog") + 4 + 12 * k + 4 * what);
}
#define LOG_CAUSE 0
#define LOG_TICK 1
#define LOG_STATUS 2

static uint32_t st(uint32_t bits, uint32_t code)
{
	return bits | code << DISK_ST_CODE_SHIFT;
}

/* Does RAM at gpa hold the image's sectors from lba on? */
static bool ram_has(struct th *t, uint32_t gpa, uint32_t lba, uint32_t n)
{
	uint8_t buf[SECT];
	for (uint32_t s = 0; s < n; s++) {
		ck_assert_int_eq(mem_read(&t->vm->mem, gpa + s * SECT, buf,
					  SECT), 0);
		for (uint32_t i = 0; i < SECT; i++)
			if (buf[i] != pattern((uint64_t)(lba + s) * SECT + i))
				return false;
	}
	return true;
}

/* ---- the registers --------------------------------------------------- */

START_TEST(registers)
{
	struct ramdisk *d = rd_new(40);
	struct th *t = boot1(
		"test: in r1, 0x40(r0)\n in r2, 0x41(r0)\n"
		" li r3, 0x12345\n out r3, 0x42(r0)\n"
		" li r3, 77\n out r3, 0x43(r0)\n"
		" la r3, 0xabcdef01\n out r3, 0x44(r0)\n"
		" li r3, -1\n out r3, 0x45(r0)\n"
		" out r3, 0x46(r0)\n out r3, 0x47(r0)\n out r3, 0x41(r0)\n"
		" in r4, 0x42(r0)\n in r5, 0x43(r0)\n in r6, 0x44(r0)\n"
		" in r7, 0x45(r0)\n in r8, 0x46(r0)\n in r9, 0x47(r0)\n"
		" in r12, 0x41(r0)\n in r13, 0x48(r0)\n out r0, 0(r0)\n", d);
	run_to_poweroff(t);
	ck_assert_uint_eq(R(1), 0);		/* CMD: none yet */
	ck_assert_uint_eq(R(2), 0);		/* STATUS: idle */
	ck_assert_uint_eq(R(4), 0x12345);	/* LBA */
	ck_assert_uint_eq(R(5), 77);		/* COUNT */
	ck_assert_uint_eq(R(6), 0xabcdef01);	/* DMA: any byte address */
	ck_assert_uint_eq(R(7), DISK_CTRL_IE);	/* CTRL: only IE */
	ck_assert_uint_eq(R(8), 40);		/* SECTORS, not written */
	ck_assert_uint_eq(R(9), 0);		/* XFER, not written */
	ck_assert_uint_eq(R(12), 0);		/* STATUS cannot be set */
	ck_assert_uint_eq(R(13), 0xffffffff);	/* no disk 1 */
	ck_assert_uint_eq(d->reads + d->writes + d->flushes, 0);
	th_free(t);
	rd_free(d);
}
END_TEST

/* A read moves its data at the documented tick, not before; DONE and
 * XFER come with it. */
START_TEST(read_completes_exactly_on_time)
{
	struct ramdisk *d = rd_new(64);
	struct th *t = boot1("test: li r5, 0x40\n li r1, 1\n li r2, 5\n"
			     " li r3, 3\n li r4, 0x100000\n call dcmd\n"
			     "here: br here\n", d);
	while (t->vm->cpu.pc != th_sym(t, "here"))
		ck_assert_int_eq(th_run(t, 1), VM_STOP_BUDGET);
	uint64_t start = R(6) + 1, done = start + LAT(3);
	ck_assert_uint_eq(field(t, 0, "done_at"), done);
	ck_assert_uint_eq(reg(t, 0, DISK_STATUS), DISK_ST_BUSY);
	th_run(t, done - 1 - vm_now(t->vm));
	ck_assert_uint_eq(vm_now(t->vm), done - 1);
	ck_assert_uint_eq(reg(t, 0, DISK_STATUS), DISK_ST_BUSY);
	ck_assert_uint_eq(d->reads, 0);		/* nothing moved yet */
	ck_assert(!ram_has(t, BUF, 5, 1));
	th_run(t, 1);
	ck_assert_uint_eq(reg(t, 0, DISK_STATUS), DISK_ST_DONE);
	ck_assert_uint_eq(reg(t, 0, DISK_XFER), 3);
	ck_assert_uint_eq(reg(t, 0, DISK_CMD), DISK_CMD_READ);
	ck_assert(ram_has(t, BUF, 5, 3));
	ck_assert_uint_eq(field(t, 0, "sectors_read"), 3);
	th_free(t);
	rd_free(d);
}
END_TEST

/* With IE set the interrupt is taken at tick start + latency: the
 * handler's first instruction reads icount = that tick. */
START_TEST(latency_of_every_command)
{
	static const struct {
		uint32_t cmd, lba, count, dma, status, err;
		uint64_t ticks;
	} c[] = {
		{ DISK_CMD_READ, 0, 1, BUF, DISK_ST_DONE, 0, LAT(1) },
		{ DISK_CMD_READ, 2, 8, BUF, DISK_ST_DONE, 0, LAT(8) },
		{ DISK_CMD_WRITE, 9, 5, BUF, DISK_ST_DONE, 0, LAT(5) },
		{ DISK_CMD_FLUSH, 0, 9, 0, DISK_ST_DONE, 0, LAT(0) },
		{ DISK_CMD_IDENTIFY, 0, 9, BUF, DISK_ST_DONE, 0, LAT(0) },
		{ 0, 0, 1, BUF, DISK_ST_ERROR, DISK_ERR_BADCMD, LAT(0) },
		{ 9, 0, 1, BUF, DISK_ST_ERROR, DISK_ERR_BADCMD, LAT(0) },
		{ DISK_CMD_READ, 60, 8, BUF, DISK_ST_ERROR, DISK_ERR_RANGE,
		  LAT(0) },
		{ DISK_CMD_WRITE, 0, 1, RAM, DISK_ST_ERROR, DISK_ERR_DMA,
		  LAT(0) },
	};
	for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
		char src[512];
		struct ramdisk *d = rd_new(64);
		snprintf(src, sizeof src,
			 "test: li r1, 1\n out r1, 0x45(r0)\n li r5, 0x40\n"
			 " li r1, %u\n li r2, %u\n li r3, %u\n la r4, %u\n"
			 " call dcmd\n li r1, 1\n call waitn\n out r0, 0(r0)\n",
			 c[i].cmd, c[i].lba, c[i].count, c[i].dma);
		struct th *t = boot1(src, d);
		run_to_poweroff(t);
		ck_assert_uint_eq(logged(t, 0, LOG_CAUSE), CPU_VEC_IRQ0 + 5);
		ck_assert_msg(logged(t, 0, LOG_TICK) == R(6) + 1 + c[i].ticks,
			      "case %zu: interrupt at %u, expected %llu", i,
			      logged(t, 0, LOG_TICK),
			      (unsigned long long)(R(6) + 1 + c[i].ticks));
		ck_assert_uint_eq(logged(t, 0, LOG_STATUS),
				  st(c[i].status, c[i].err));
		/* The handler acknowledged: STATUS idle, line down. */
		ck_assert_uint_eq(reg(t, 0, DISK_STATUS), 0);
		ck_assert_uint_eq(bus_in(&t->vm->bus, PORT_PIC + PIC_PENDING),
				  0);
		th_free(t);
		rd_free(d);
	}
}
END_TEST

/* halt lets virtual time jump to the completion. */
START_TEST(halt_waits_for_the_disk)
{
	struct ramdisk *d = rd_new(8);
	struct th *t = boot1("test: li r1, 1\n out r1, 0x45(r0)\n"
			     " li r5, 0x40\n li r1, 1\n li r2, 0\n li r3, 8\n"
			     " la r4, 0x100000\n call dcmd\n ei\n halt\n"
			     " out r0, 0(r0)\n", d);
	run_to_poweroff(t);
	ck_assert_uint_gt(t->vm->halted_time, 0);
	ck_assert_uint_eq(field(t, 0, "done_at"), R(6) + 1 + LAT(8));
	ck_assert(ram_has(t, BUF, 0, 8));
	th_free(t);
	rd_free(d);
}
END_TEST

/* ---- the commands ---------------------------------------------------- */

/* Write three sectors from an unaligned buffer that straddles pages;
 * the sectors around them are untouched. */
START_TEST(write_multi_sector)
{
	struct ramdisk *d = rd_new(16);
	struct th *t = boot1("test: li r5, 0x40\n li r1, 2\n li r2, 6\n"
			     " li r3, 3\n la r4, 0x100ff3\n call dcmd\n"
			     " li r1, 1\n out r1, 0x45(r0)\n call waitn\n"
			     " in r9, 0x47(r0)\n out r0, 0(r0)\n", d);
	uint8_t src[3 * SECT];
	for (unsigned i = 0; i < sizeof src; i++)
		src[i] = (uint8_t)(i * 5 + 3);
	ck_assert_int_eq(mem_write(&t->vm->mem, 0x100ff3, src, sizeof src), 0);
	run_to_poweroff(t);
	ck_assert_uint_eq(logged(t, 0, LOG_STATUS), DISK_ST_DONE);
	ck_assert_uint_eq(R(9), 3);
	ck_assert_mem_eq(d->data + 6 * SECT, src, sizeof src);
	for (uint64_t i = 0; i < d->size; i++)
		if (i < 6 * SECT || i >= 9 * SECT)
			ck_assert_uint_eq(d->data[i], pattern(i));
	ck_assert_uint_eq(field(t, 0, "sectors_written"), 3);
	th_free(t);
	rd_free(d);
}
END_TEST

/* A whole disk of 40 sectors in one READ, into an unaligned buffer. */
START_TEST(read_whole_disk)
{
	struct ramdisk *d = rd_new(40);
	struct th *t = boot1("test: li r5, 0x40\n li r1, 1\n li r2, 0\n"
			     " li r3, 40\n la r4, 0x100001\n call dcmd\n"
			     " li r1, 1\n out r1, 0x45(r0)\n call waitn\n"
			     " out r0, 0(r0)\n", d);
	run_to_poweroff(t);
	ck_assert_uint_eq(logged(t, 0, LOG_STATUS), DISK_ST_DONE);
	ck_assert(ram_has(t, BUF + 1, 0, 40));
	th_free(t);
	rd_free(d);
}
END_TEST

START_TEST(flush_reaches_the_host_at_completion)
{
	struct ramdisk *d = rd_new(8);
	struct th *t = boot1("test: li r5, 0x40\n li r1, 3\n call dcmd\n"
			     "here: in r9, 0x41(r0)\n cmpi r9, 1\n beq here\n"
			     " out r0, 0(r0)\n", d);
	run_to_poweroff(t);
	ck_assert_uint_eq(d->flushes, 1);
	ck_assert_uint_eq(R(9), DISK_ST_DONE);
	ck_assert_uint_eq(field(t, 0, "flushes"), 1);
	th_free(t);
	rd_free(d);
}
END_TEST

static void check_identify(struct th *t, uint32_t gpa, uint32_t sectors,
			   uint32_t flags, uint32_t unit)
{
	uint8_t id[DISK_ID_SIZE];
	ck_assert_int_eq(mem_read(&t->vm->mem, gpa, id, sizeof id), 0);
	ck_assert_uint_eq(mem_ld32(id + DISK_ID_OFF_MAGIC), DISK_ID_MAGIC);
	ck_assert_mem_eq(id, "DISK", 4);
	ck_assert_uint_eq(mem_ld32(id + DISK_ID_OFF_VERSION), 1);
	ck_assert_uint_eq(mem_ld32(id + DISK_ID_OFF_SECTORS), sectors);
	ck_assert_uint_eq(mem_ld32(id + DISK_ID_OFF_SECTOR_SIZE), 512);
	ck_assert_uint_eq(mem_ld32(id + DISK_ID_OFF_FLAGS), flags);
	ck_assert_uint_eq(mem_ld32(id + DISK_ID_OFF_UNIT), unit);
	ck_assert_uint_eq(mem_ld32(id + DISK_ID_OFF_IRQ), 5 + unit);
	ck_assert_uint_eq(mem_ld32(id + 28), 0);
	ck_assert_str_eq((char *)id + DISK_ID_OFF_MODEL, "Aula raw disk");
	for (int i = DISK_ID_OFF_MODEL + 13; i < DISK_ID_SIZE; i++)
		ck_assert_uint_eq(id[i], 0);
}

START_TEST(identify)
{
	struct ramdisk *d[3] = { rd_new(8), rd_new(100), rd_new(3) };
	d[2]->ro = true;
	struct th *t = boot("test: li r1, 1\n out r1, 0x55(r0)\n"
			    " li r5, 0x50\n li r1, 4\n la r4, 0x100003\n"
			    " call dcmd\n li r1, 1\n call waitn\n"
			    " out r0, 0(r0)\n", 3, d);
	run_to_poweroff(t);
	ck_assert_uint_eq(logged(t, 0, LOG_CAUSE), CPU_VEC_IRQ0 + 7);
	ck_assert_uint_eq(logged(t, 0, LOG_STATUS),
			  DISK_ST_DONE | DISK_ST_READONLY);
	check_identify(t, BUF + 3, 3, DISK_ID_READONLY, 2);
	ck_assert_uint_eq(th_peek32(t, BUF + 3 + DISK_ID_SIZE), 0);
	ck_assert_uint_eq(d[2]->reads, 0);
	th_free(t);
	for (int i = 0; i < 3; i++)
		rd_free(d[i]);
}
END_TEST

/* ---- errors ---------------------------------------------------------- */

/* Run one command on a 64-sector disk; the guest powers off with its
 * STATUS and leaves XFER in r9. */
static struct th *one(struct ramdisk *d, uint32_t cmd, uint32_t lba,
		      uint32_t count, uint32_t dma)
{
	char src[512];
	snprintf(src, sizeof src,
		 "test: li r5, 0x40\n li r1, %u\n la r2, %u\n la r3, %u\n"
		 " la r4, %u\n call dcmd\n"
		 ".w: in r1, 0x41(r0)\n tsti r1, 1\n bne .w\n"
		 " in r9, 0x47(r0)\n out r1, 0(r0)\n", cmd, lba, count, dma);
	struct th *t = boot1(src, d);
	ck_assert_int_eq(th_run(t, 1000000), VM_STOP_POWEROFF);
	return t;
}

static void expect(struct ramdisk *d, uint32_t cmd, uint32_t lba,
		   uint32_t count, uint32_t dma, uint32_t status)
{
	struct th *t = one(d, cmd, lba, count, dma);
	ck_assert_msg(t->vm->stop_code == status, "cmd %u lba %u count %u "
		      "dma 0x%x: STATUS 0x%x, expected 0x%x", cmd, lba, count,
		      dma, t->vm->stop_code, status);
	th_free(t);
}

START_TEST(range_errors)
{
	struct ramdisk *d = rd_new(64);
	uint32_t err = st(DISK_ST_ERROR, DISK_ERR_RANGE);
	for (uint32_t cmd = DISK_CMD_READ; cmd <= DISK_CMD_WRITE; cmd++) {
		expect(d, cmd, 64, 1, BUF, err);	/* past the end */
		expect(d, cmd, 63, 2, BUF, err);	/* straddles it */
		expect(d, cmd, 0, 0, BUF, err);		/* nothing */
		expect(d, cmd, 0xffffffff, 2, BUF, err);	/* wraps */
		expect(d, cmd, 0, 65, BUF, err);
		expect(d, cmd, 63, 1, BUF, DISK_ST_DONE); /* the last */
	}
	ck_assert_uint_eq(d->reads, 1);
	ck_assert_uint_eq(d->writes, 1);
	rd_free(d);
}
END_TEST

/* DMA must lie inside RAM: past its end, straddling it, or wrapping past
 * 4 GiB back into RAM fails before the host is even asked. */
START_TEST(dma_bounds)
{
	struct ramdisk *d = rd_new(64);
	uint32_t err = st(DISK_ST_ERROR, DISK_ERR_DMA);
	for (uint32_t cmd = DISK_CMD_READ; cmd <= DISK_CMD_WRITE; cmd++) {
		expect(d, cmd, 0, 1, RAM, err);
		expect(d, cmd, 0, 1, RAM - 256, err);
		expect(d, cmd, 0, 2, RAM - SECT, err);
		expect(d, cmd, 0, 1, 0xffffff00, err);	/* to 0x100 */
		expect(d, cmd, 0, 8, 0xfffff000, err);	/* to 4 GiB */
	}
	expect(d, DISK_CMD_IDENTIFY, 0, 0, RAM - 32, err);
	expect(d, DISK_CMD_IDENTIFY, 0, 0, 0xffffffe0, err);
	ck_assert_uint_eq(d->reads + d->writes, 0);
	/* The last sector of RAM is fine. */
	struct th *t = one(d, DISK_CMD_READ, 7, 1, RAM - SECT);
	ck_assert_uint_eq(t->vm->stop_code, DISK_ST_DONE);
	ck_assert(ram_has(t, RAM - SECT, 7, 1));
	th_free(t);
	expect(d, DISK_CMD_IDENTIFY, 0, 0, RAM - DISK_ID_SIZE, DISK_ST_DONE);
	rd_free(d);
}
END_TEST

START_TEST(read_only_disk)
{
	struct ramdisk *d = rd_new(8);
	d->ro = true;
	uint32_t ro = DISK_ST_READONLY;
	expect(d, DISK_CMD_WRITE, 0, 1, BUF,
	       st(ro | DISK_ST_ERROR, DISK_ERR_READONLY));
	/* Read-only comes first, before the range. */
	expect(d, DISK_CMD_WRITE, 100, 1, BUF,
	       st(ro | DISK_ST_ERROR, DISK_ERR_READONLY));
	expect(d, DISK_CMD_READ, 0, 8, BUF, ro | DISK_ST_DONE);
	expect(d, DISK_CMD_FLUSH, 0, 0, 0, ro | DISK_ST_DONE);
	ck_assert_uint_eq(d->writes + d->flushes, 0);
	for (uint64_t i = 0; i < d->size; i++)
		ck_assert_uint_eq(d->data[i], pattern(i));
	rd_free(d);
}
END_TEST

/* The host fails from sector 3 on: XFER says how far a transfer got, and
 * what moved before the failure stays moved. */
START_TEST(host_io_errors)
{
	uint32_t io = st(DISK_ST_ERROR, DISK_ERR_IO);
	struct ramdisk *d = rd_new(8);
	d->fail_from = 3 * SECT;
	struct th *t = one(d, DISK_CMD_READ, 1, 4, BUF);
	ck_assert_uint_eq(t->vm->stop_code, io);
	ck_assert_uint_eq(R(9), 2);
	ck_assert(ram_has(t, BUF, 1, 2));
	ck_assert_uint_eq(th_peek32(t, BUF + 2 * SECT), 0);
	ck_assert_uint_eq(field(t, 0, "errors"), 1);
	th_free(t);

	t = one(d, DISK_CMD_WRITE, 0, 8, BUF);	/* RAM there is zero */
	ck_assert_uint_eq(t->vm->stop_code, io);
	ck_assert_uint_eq(R(9), 3);
	for (uint64_t i = 0; i < d->size; i++)
		ck_assert_uint_eq(d->data[i], i < 3 * SECT ? 0 : pattern(i));
	th_free(t);

	d->fail_flush = true;
	expect(d, DISK_CMD_FLUSH, 0, 0, 0, io);
	ck_assert_uint_eq(d->flushes, 1);
	rd_free(d);
}
END_TEST

/* The machine refuses images that are not whole sectors, and too many
 * disks, naming what is wrong. */
START_TEST(bad_configurations)
{
	struct ramdisk *d = rd_new(2);
	struct vm_config cfg = { .ndisks = 1 };
	char err[256];
	cfg.disks[0] = rd_host(d);
	cfg.disks[0].name = "short.img";
	cfg.disks[0].size = 1000;
	ck_assert_ptr_null(vm_create(&cfg, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "disk 0 (short.img)"));
	ck_assert_ptr_nonnull(strstr(err, "1000 bytes"));
	cfg.disks[0].size = 0;
	ck_assert_ptr_null(vm_create(&cfg, err, sizeof err));
	cfg.disks[0] = rd_host(d);
	cfg.ndisks = VM_MAX_DISKS + 1;
	ck_assert_ptr_null(vm_create(&cfg, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "room for 4"));
	rd_free(d);
}
END_TEST

/* ---- the device's life ----------------------------------------------- */

/* A CMD written while BUSY is ignored; the running command keeps the LBA,
 * COUNT and DMA it started with, while the guest reprograms them. */
START_TEST(busy_ignores_commands_and_latches)
{
	struct ramdisk *d = rd_new(16);
	struct th *t = boot1("test: li r5, 0x40\n li r1, 1\n li r2, 2\n"
			     " li r3, 4\n la r4, 0x100000\n call dcmd\n"
			     " li r1, 2\n li r2, 9\n li r3, 1\n"
			     " la r4, 0x200000\n call dcmd\n in r9, 0x40(r0)\n"
			     ".w: in r1, 0x41(r0)\n tsti r1, 1\n bne .w\n"
			     " in r10, 0x42(r0)\n in r12, 0x47(r0)\n"
			     " out r1, 0(r0)\n", d);
	ck_assert_int_eq(th_run(t, 1000000), VM_STOP_POWEROFF);
	ck_assert_uint_eq(t->vm->stop_code, DISK_ST_DONE);
	ck_assert_uint_eq(R(9), DISK_CMD_READ);
	ck_assert_uint_eq(R(10), 9);			/* reprogrammed */
	ck_assert_uint_eq(R(12), 4);
	ck_assert(ram_has(t, BUF, 2, 4));
	ck_assert_uint_eq(d->writes, 0);
	ck_assert_uint_eq(field(t, 0, "busy_cmds"), 1);
	ck_assert_uint_eq(field(t, 0, "commands"), 1);
	th_free(t);
	rd_free(d);
}
END_TEST

/* The line is level-triggered: up while (DONE or ERROR) and IE, down when
 * STATUS is written or IE cleared (interrupts stay disabled here). */
START_TEST(irq_follows_status_and_ie)
{
	struct ramdisk *d = rd_new(8);
	struct th *t = boot1("test: li r5, 0x40\n li r1, 3\n call dcmd\n"
			     ".w: in r1, 0x41(r0)\n tsti r1, 1\n bne .w\n"
			     " in r2, 0x20(r0)\n li r1, 1\n out r1, 0x45(r0)\n"
			     " in r3, 0x20(r0)\n out r0, 0x45(r0)\n"
			     " in r4, 0x20(r0)\n li r1, 1\n out r1, 0x45(r0)\n"
			     " in r6, 0x20(r0)\n out r0, 0x41(r0)\n"
			     " in r7, 0x20(r0)\n in r8, 0x41(r0)\n"
			     " out r0, 0(r0)\n", d);
	run_to_poweroff(t);
	ck_assert_uint_eq(R(2), 0);		/* DONE, IE off */
	ck_assert_uint_eq(R(3), 1u << 5);	/* IE on */
	ck_assert_uint_eq(R(4), 0);		/* IE off again */
	ck_assert_uint_eq(R(6), 1u << 5);
	ck_assert_uint_eq(R(7), 0);		/* acknowledged */
	ck_assert_uint_eq(R(8), 0);
	th_free(t);
	rd_free(d);
}
END_TEST

/* A reset abandons the command in flight: its data never moves. */
START_TEST(reset_abandons_the_command)
{
	struct ramdisk *d = rd_new(8);
	struct th *t = boot1("test: la r1, boots\n ldw r2, 0(r1)\n"
			     " addi r2, r2, 1\n stw r2, 0(r1)\n cmpi r2, 1\n"
			     " bne .again\n li r1, 1\n out r1, 0x45(r0)\n"
			     " li r5, 0x40\n li r1, 1\n li r2, 0\n li r3, 8\n"
			     " la r4, 0x100000\n call dcmd\n out r0, 1(r0)\n"
			     ".again: li r3, 5000\n"
			     ".l: addi r3, r3, -1\n cmpi r3, 0\n bne .l\n"
			     " in r4, 0x41(r0)\n in r6, 0x45(r0)\n"
			     " out r0, 0(r0)\n .align 4\nboots: .word 0\n", d);
	run_to_poweroff(t);
	ck_assert_uint_eq(th_peek32(t, th_sym(t, "boots")), 2);
	ck_assert_uint_eq(R(4), 0);
	ck_assert_uint_eq(R(6), 0);
	ck_assert_uint_eq(d->reads, 0);
	ck_assert_uint_eq(th_peek32(t, BUF), 0);
	ck_assert_uint_eq(th_peek32(t, th_sym(t, "irqlog")), 0);
	th_free(t);
	rd_free(d);
}
END_TEST

/* Four disks: their own ports, sizes and lines.  Disk 1's flush ends
 * before disk 3's read, started just before it, and each interrupt names
 * its disk. */
START_TEST(four_disks)
{
	struct ramdisk *d[4] = { rd_new(8), rd_new(16), rd_new(24),
				 rd_new(32) };
	d[1]->ro = true;
	struct th *t = boot("test: in r9, 0x46(r0)\n in r10, 0x4e(r0)\n"
			    " in r12, 0x56(r0)\n in r13, 0x5e(r0)\n"
			    " in r14, 0x60(r0)\n li r1, 1\n out r1, 0x4d(r0)\n"
			    " out r1, 0x5d(r0)\n li r5, 0x58\n li r1, 1\n"
			    " li r2, 30\n li r3, 2\n la r4, 0x100000\n"
			    " call dcmd\n li r5, 0x48\n li r1, 3\n call dcmd\n"
			    " li r1, 2\n call waitn\n out r0, 0(r0)\n", 4, d);
	run_to_poweroff(t);
	ck_assert_uint_eq(R(9), 8);
	ck_assert_uint_eq(R(10), 16);
	ck_assert_uint_eq(R(12), 24);
	ck_assert_uint_eq(R(13), 32);
	ck_assert_uint_eq(R(14), 0xffffffff);	/* no disk 4 */
	ck_assert_uint_eq(logged(t, 0, LOG_CAUSE), CPU_VEC_IRQ0 + 6);
	ck_assert_uint_eq(logged(t, 0, LOG_STATUS),
			  DISK_ST_DONE | DISK_ST_READONLY);
	ck_assert_uint_eq(logged(t, 1, LOG_CAUSE), CPU_VEC_IRQ0 + 8);
	ck_assert_uint_eq(logged(t, 1, LOG_STATUS), DISK_ST_DONE);
	ck_assert(ram_has(t, BUF, 30, 2));
	ck_assert_uint_eq(d[3]->reads, 1);	/* both sectors in one call */
	ck_assert_uint_eq(d[1]->flushes, 0);	/* read-only: no need */
	ck_assert_uint_eq(d[0]->reads + d[2]->reads, 0);
	for (unsigned u = 0; u < 4; u++)
		ck_assert_uint_eq(field(t, u, "unit"), u);
	th_free(t);
	for (int i = 0; i < 4; i++)
		rd_free(d[i]);
}
END_TEST

/* DMA into a page table: both ways of virtualizing paging see the new
 * entry once the guest invalidates the old one (docs/mmu.md), as they
 * would after a CPU store there. */
START_TEST(dma_into_a_page_table_keeps_strategies_alike)
{
	static const enum mmu_mode modes[2] = { MMU_SHADOW, MMU_NESTED };
	const uint32_t pd = 0x200000, pt0 = 0x201000, pt1 = 0x202000;
	uint32_t seen[2][2];
	uint64_t stale[2];
	for (int m = 0; m < 2; m++) {
		struct ramdisk *d = rd_new(1);
		memset(d->data, 0, SECT);
		mem_st32(d->data, 0x301000 | MMU_PTE_P | MMU_PTE_W);
		struct vm_config cfg = { .mmu = modes[m], .ndisks = 1 };
		cfg.disks[0] = rd_host(d);
		struct th *t = th_boot_config(
			"_start: la r1, 0x200000\n mtcr ptbr, r1\n li r1, 1\n"
			" mtcr paging, r1\n la r2, 0x400000\n ldw r3, 0(r2)\n"
			" li r1, 1\n out r1, 0x43(r0)\n la r1, 0x202000\n"
			" out r1, 0x44(r0)\n li r1, 1\n out r1, 0x40(r0)\n"
			".w: in r1, 0x41(r0)\n tsti r1, 1\n bne .w\n"
			" tlbi r2\n ldw r4, 0(r2)\n out r0, 0(r0)\n", &cfg);
		uint8_t w[4];
		for (uint32_t i = 0; i < 1024; i++) {
			mem_st32(w, i << 12 | MMU_PTE_P | MMU_PTE_W);
			mem_write(&t->vm->mem, pt0 + 4 * i, w, 4);
		}
		mem_st32(w, pt0 | MMU_PTE_P | MMU_PTE_W);
		mem_write(&t->vm->mem, pd, w, 4);
		mem_st32(w, pt1 | MMU_PTE_P | MMU_PTE_W);
		mem_write(&t->vm->mem, pd + 4, w, 4);
		mem_st32(w, 0x300000 | MMU_PTE_P | MMU_PTE_W);
		mem_write(&t->vm->mem, pt1, w, 4);
		mem_st32(w, 0x1111);
		mem_write(&t->vm->mem, 0x300000, w, 4);
		mem_st32(w, 0x2222);
		mem_write(&t->vm->mem, 0x301000, w, 4);
		run_to_poweroff(t);
		seen[m][0] = R(3);
		seen[m][1] = R(4);
		stale[m] = t->vm->mmu.stats.stale_uses;
		th_free(t);
		rd_free(d);
	}
	for (int m = 0; m < 2; m++) {
		ck_assert_uint_eq(seen[m][0], 0x1111);
		ck_assert_msg(seen[m][1] == 0x2222, "%s: read 0x%x after the "
			      "DMA", mmu_mode_name(modes[m]), seen[m][1]);
	}
	ck_assert_uint_eq(stale[0], stale[1]);
}
END_TEST

static Suite *disk_suite(void)
{
	Suite *s = suite_create("disk");
	TCase *tc = tcase_create("registers");
	tcase_add_test(tc, registers);
	tcase_add_test(tc, read_completes_exactly_on_time);
	tcase_add_test(tc, latency_of_every_command);
	tcase_add_test(tc, halt_waits_for_the_disk);
	suite_add_tcase(s, tc);
	tc = tcase_create("commands");
	tcase_add_test(tc, write_multi_sector);
	tcase_add_test(tc, read_whole_disk);
	tcase_add_test(tc, flush_reaches_the_host_at_completion);
	tcase_add_test(tc, identify);
	tcase_add_test(tc, dma_into_a_page_table_keeps_strategies_alike);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_test(tc, range_errors);
	tcase_add_test(tc, dma_bounds);
	tcase_add_test(tc, read_only_disk);
	tcase_add_test(tc, host_io_errors);
	tcase_add_test(tc, bad_configurations);
	suite_add_tcase(s, tc);
	tc = tcase_create("device");
	tcase_add_test(tc, busy_ignores_commands_and_latches);
	tcase_add_test(tc, irq_follows_status_and_ie);
	tcase_add_test(tc, reset_abandons_the_command);
	tcase_add_test(tc, four_disks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return th_main(disk_suite());
}
