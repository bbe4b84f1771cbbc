/* SPDX-License-Identifier: MIT */
/*
 * DMA coherence on the DM's side: the dm_op modified_memory messages the
 * IDE and fw_cfg adapters (src/dm/dev/) send, and their order against
 * what shows the guest a transfer is over (the IRQ, the ioreq answer,
 * fw_cfg's control word in guest RAM).
 *
 * The DM's real channel.c serves ioreqs that the test publishes in a slot
 * of a plain page, as hv would, and sends its dm_ops over a socketpair to
 * a fake hv: a thread that logs each request and answers 0. The test adds
 * an ANSWER mark to the same log when channel_process has answered.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"
#include "dm/dev/dev.h"
#include "dm/hw/bmdma.h"
#include "dm/hw/fw_cfg.h"

#define RAM_BYTES (4u << 20)
#define DISK_FD 40
#define CD_FD 41
#define DISK_BYTES (1u << 20)
#define CD_BYTES (16u * 2048)
#define IDE_BDF 0x0009u
#define BAR4 0xc000u
#define FWCFG_ACCESS 0x7000u /* fw_cfg's DMA control block */

#define ANSWER 0xffffffffu /* log mark: the ioreq was answered */

struct entry {
	uint32_t op;
	uint8_t payload[48];
	uint32_t ctl_word; /* guest RAM at FWCFG_ACCESS when it arrived */
};

static struct {
	pthread_mutex_t lock;
	struct entry e[256];
	unsigned n;
} hvlog = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct dm dm;
static int hv_end;
static pthread_t hv_thread;

static void log_add(uint32_t op, const void *payload)
{
	pthread_mutex_lock(&hvlog.lock);
	if (hvlog.n < 256) {
		struct entry *e = &hvlog.e[hvlog.n++];

		e->op = op;
		if (payload)
			memcpy(e->payload, payload, sizeof(e->payload));
		memcpy(&e->ctl_word, dm.mem.base + FWCFG_ACCESS, 4);
	}
	pthread_mutex_unlock(&hvlog.lock);
}

/* The fake hv: log every request, answer 0. */
static void *hv_main(void *arg)
{
	struct dm_op_req req;
	struct dm_op_resp resp;

	for (;;) {
		ssize_t n = recv(hv_end, &req, sizeof(req), 0);

		if (n <= 0)
			return NULL;
		log_add(req.op, &req.u);
		memset(&resp, 0, sizeof(resp));
		resp.version = DM_OP_ABI_VERSION;
		resp.seq = req.seq;
		if (send(hv_end, &resp, sizeof(resp), 0) < 0)
			return NULL;
	}
}

/* One access as hv would publish it; returns the value read. */
static uint64_t io(uint32_t type, uint64_t addr, unsigned size, int write,
		   uint64_t val)
{
	struct ioreq_slot *s = &dm.page->slot[0];
	uint64_t v;

	s->seq++;
	s->type = (uint8_t)type;
	s->dir = write ? IOREQ_DIR_WRITE : IOREQ_DIR_READ;
	s->size = (uint8_t)size;
	s->addr = addr;
	s->data = write ? val : 0;
	s->count = 1;
	__atomic_store_n(&s->state, IOREQ_STATE_READY, __ATOMIC_SEQ_CST);
	assert_true(channel_process(&dm) >= 1);
	assert_int_equal(s->state, IOREQ_STATE_RESP_READY);
	v = s->data;
	s->state = IOREQ_STATE_NONE;
	log_add(ANSWER, NULL);
	return v;
}

static void outp(uint16_t port, unsigned size, uint32_t val)
{
	(void)io(IOREQ_TYPE_PIO, port, size, 1, val);
}

static uint32_t inp(uint16_t port, unsigned size)
{
	return (uint32_t)io(IOREQ_TYPE_PIO, port, size, 0, 0);
}

static void cfg_write(unsigned reg, unsigned size, uint32_t val)
{
	(void)io(IOREQ_TYPE_PCI_CONFIG, (uint64_t)IDE_BDF << 16 | reg, size, 1,
		 val);
}

static void log_clear(void)
{
	pthread_mutex_lock(&hvlog.lock);
	hvlog.n = 0;
	pthread_mutex_unlock(&hvlog.lock);
}

/* Checks log entry i: modified_memory of [gpa, gpa + len). */
static void expect_mm(unsigned i, uint64_t gpa, uint64_t len)
{
	struct dm_op_modified_memory m;

	assert_true(i < hvlog.n);
	assert_int_equal(hvlog.e[i].op, DM_OP_MODIFIED_MEMORY);
	memcpy(&m, hvlog.e[i].payload, sizeof(m));
	assert_int_equal(m.gpa, gpa);
	assert_int_equal(m.len, len);
}

static void expect_irq(unsigned i, uint32_t irq, uint32_t level)
{
	struct dm_op_irq_level l;

	assert_true(i < hvlog.n);
	assert_int_equal(hvlog.e[i].op, DM_OP_SET_ISA_IRQ_LEVEL);
	memcpy(&l, hvlog.e[i].payload, sizeof(l));
	assert_int_equal(l.irq, irq);
	assert_int_equal(l.level, level);
}

static void expect_op(unsigned i, uint32_t op)
{
	assert_true(i < hvlog.n);
	assert_int_equal(hvlog.e[i].op, op);
}

static uint8_t disk_byte(uint64_t off)
{
	return (uint8_t)(off * 13 + (off >> 9));
}

static int image(const char *name, unsigned bytes, int fd, int cd)
{
	static uint8_t buf[DISK_BYTES];
	int m = memfd_create(name, 0);
	unsigned i;

	if (m < 0)
		return -1;
	for (i = 0; i < bytes; i++)
		buf[i] = cd ? (uint8_t)(i / 2048 + 0x40) : disk_byte(i);
	if (write(m, buf, bytes) != (ssize_t)bytes || dup2(m, fd) != fd)
		return -1;
	close(m);
	return 0;
}

static int setup(void **state)
{
	static struct devspec spec;
	struct dev_opts o;
	int sv[2];

	memset(&dm, 0, sizeof(dm));
	snprintf(dm.tag, sizeof(dm.tag), "test");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		return -1;
	dm.dm_op_fd = sv[0];
	hv_end = sv[1];
	dm.evt_fd = dm.console_fd = -1;
	dm.page = mmap(NULL, IOREQ_PAGE_BYTES, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	dm.mem.base = mmap(NULL, RAM_BYTES, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (dm.page == MAP_FAILED || dm.mem.base == MAP_FAILED)
		return -1;
	dm.nr_slots = 1;
	dm.ram_bytes = RAM_BYTES;
	guestmem_layout(RAM_BYTES, &dm.mem.low_size, &dm.mem.high_size);
	if (pthread_create(&hv_thread, NULL, hv_main, NULL))
		return -1;

	if (image("disk", DISK_BYTES, DISK_FD, 0) ||
	    image("cd", CD_BYTES, CD_FD, 1))
		return -1;
	memset(&o, 0, sizeof(o));
	if (devspec_parse("piix3_ide,hda=40:rw:disk,hdc=41:ro:cdrom", &spec,
			  NULL, 0))
		return -1;
	o.spec = &spec;
	dm.devs[0].dm = &dm;
	snprintf(dm.devs[0].name, sizeof(dm.devs[0].name), "piix3_ide");
	if (dev_ide_create(&dm, &dm.devs[0], &o))
		return -1;
	memset(&o, 0, sizeof(o));
	if (devspec_parse("fw_cfg,boot=c", &spec, NULL, 0))
		return -1;
	o.spec = &spec;
	snprintf(o.boot, sizeof(o.boot), "c");
	dm.devs[1].dm = &dm;
	snprintf(dm.devs[1].name, sizeof(dm.devs[1].name), "fw_cfg");
	if (dev_fw_cfg_create(&dm, &dm.devs[1], &o))
		return -1;
	dm.nr_devs = 2;

	/* The firmware's part: BAR4 at 0xC000, I/O and bus mastering on. */
	cfg_write(0x20, 4, BAR4 | 1);
	cfg_write(0x04, 2, 0x0005);
	return 0;
}

static int teardown(void **state)
{
	shutdown(dm.dm_op_fd, SHUT_RDWR);
	pthread_join(hv_thread, NULL);
	close(dm.dm_op_fd);
	close(hv_end);
	close(DISK_FD);
	close(CD_FD);
	return 0;
}

/* Writes a PRD table at `table` and points channel `ch` at it. */
static void prd_table(unsigned ch, uint32_t table, const uint32_t *e,
		      unsigned n)
{
	memcpy(dm.mem.base + table, e, n * 8);
	outp(BAR4 + ch * 8 + BMDMA_REG_CMD, 1, 0);
	outp(BAR4 + ch * 8 + BMDMA_REG_STATUS, 1,
	     BMDMA_ST_INTR | BMDMA_ST_ERROR);
	outp(BAR4 + ch * 8 + BMDMA_REG_PRDT, 4, table);
}

/* READ DMA (LBA28) of `nsec` sectors from `lba` on hda. */
static void ata_read_dma(uint32_t lba, unsigned nsec)
{
	outp(0x1f6, 1, 0xe0 | ((lba >> 24) & 0xf));
	outp(0x1f2, 1, nsec);
	outp(0x1f3, 1, lba & 0xff);
	outp(0x1f4, 1, (lba >> 8) & 0xff);
	outp(0x1f5, 1, (lba >> 16) & 0xff);
	outp(0x1f7, 1, 0xc8);
}

static void expect_disk(uint32_t gpa, uint64_t off, unsigned len)
{
	unsigned i;

	for (i = 0; i < len; i++)
		if (dm.mem.base[gpa + i] != disk_byte(off + i))
			fail_msg("guest byte 0x%x: 0x%02x, disk 0x%02x",
				 gpa + i, dm.mem.base[gpa + i],
				 disk_byte(off + i));
}

/* The set-up claimed its ranges; BAR4 went to hv as a posted range. */
static void test_claims(void **state)
{
	struct dm_op_io_range r;
	unsigned i, bar4 = 0;

	for (i = 0; i < hvlog.n; i++) {
		/* Nothing of guest RAM was written: nothing reported. */
		assert_int_not_equal(hvlog.e[i].op, DM_OP_MODIFIED_MEMORY);
		if (hvlog.e[i].op != DM_OP_MAP_IO_RANGE)
			continue;
		memcpy(&r, hvlog.e[i].payload, sizeof(r));
		if (r.start == BAR4 && r.end == BAR4 + 15 &&
		    r.flags == DM_OP_RANGE_POSTED_WRITES)
			bar4++;
	}
	assert_int_equal(bar4, 1);
}

/*
 * The zero-copy path (dmav): two regions far apart, each reported, both
 * before the IRQ, and the IRQ before the Start write's answer.
 */
static void test_ata_dma_two_regions(void **state)
{
	const uint32_t prd[4] = { 0x20000, 0x800, 0x40000,
				  0x800 | BMDMA_PRD_EOT };

	prd_table(0, 0x8000, prd, 2);
	ata_read_dma(8, 8);
	log_clear();
	outp(BAR4, 1, BMDMA_CMD_START | BMDMA_CMD_TO_MEM);
	assert_int_equal(hvlog.n, 4);
	expect_mm(0, 0x20000, 0x800);
	expect_mm(1, 0x40000, 0x800);
	expect_irq(2, 14, 1);
	expect_op(3, ANSWER);
	expect_disk(0x20000, 8 * 512, 0x800);
	expect_disk(0x40000, 8 * 512 + 0x800, 0x800);
	/* The guest's Status read ends the interrupt. */
	log_clear();
	assert_int_equal(inp(0x1f7, 1) & 0x89, 0);
	expect_irq(0, 14, 0);
}

/* Adjacent regions: one message covers them. */
static void test_ata_dma_adjacent_merged(void **state)
{
	const uint32_t prd[4] = { 0x60000, 0x800, 0x60800,
				  0x800 | BMDMA_PRD_EOT };

	prd_table(0, 0x8000, prd, 2);
	ata_read_dma(0, 8);
	log_clear();
	outp(BAR4, 1, BMDMA_CMD_START | BMDMA_CMD_TO_MEM);
	assert_int_equal(hvlog.n, 3);
	expect_mm(0, 0x60000, 0x1000);
	expect_irq(1, 14, 1);
	expect_op(2, ANSWER);
	expect_disk(0x60000, 0, 0x1000);
	(void)inp(0x1f7, 1);
}

/* nIEN: no IRQ at all; the report still precedes the answer. */
static void test_ata_dma_no_irq(void **state)
{
	const uint32_t prd[2] = { 0x70000, 0x200 | BMDMA_PRD_EOT };

	outp(0x3f6, 1, 0x02);
	prd_table(0, 0x8000, prd, 1);
	ata_read_dma(3, 1);
	log_clear();
	outp(BAR4, 1, BMDMA_CMD_START | BMDMA_CMD_TO_MEM);
	assert_int_equal(hvlog.n, 2);
	expect_mm(0, 0x70000, 0x200);
	expect_op(1, ANSWER);
	expect_disk(0x70000, 3 * 512, 0x200);
	outp(0x3f6, 1, 0x00);
	(void)inp(0x1f7, 1);
}

/* Writing to the disk reads guest RAM: nothing to report. */
static void test_ata_dma_write_reports_nothing(void **state)
{
	const uint32_t prd[2] = { 0x20000, 0x200 | BMDMA_PRD_EOT };
	unsigned i;

	prd_table(0, 0x8000, prd, 1);
	outp(0x1f6, 1, 0xe0);
	outp(0x1f2, 1, 1);
	outp(0x1f3, 1, 100);
	outp(0x1f4, 1, 0);
	outp(0x1f5, 1, 0);
	outp(0x1f7, 1, 0xca); /* WRITE DMA */
	log_clear();
	outp(BAR4, 1, BMDMA_CMD_START);
	for (i = 0; i < hvlog.n; i++)
		assert_int_not_equal(hvlog.e[i].op, DM_OP_MODIFIED_MEMORY);
	expect_irq(0, 14, 1);
	(void)inp(0x1f7, 1);
}

/* The buffered path (dma_rw, the ATAPI CD-ROM): one CD sector. */
static void test_atapi_dma_buffered(void **state)
{
	const uint32_t prd[2] = { 0x50000, 2048 | BMDMA_PRD_EOT };
	const uint8_t cdb[12] = { 0x28, 0, 0, 0, 0, 2, 0, 0, 1 };
	unsigned i;

	outp(0x176, 1, 0xa0);
	outp(0x171, 1, 1); /* DMA */
	outp(0x174, 1, 0);
	outp(0x175, 1, 0);
	outp(0x177, 1, 0xa0); /* PACKET */
	for (i = 0; i < 12; i += 2)
		outp(0x170, 2, cdb[i] | cdb[i + 1] << 8);
	prd_table(1, 0x9000, prd, 1);
	log_clear();
	outp(BAR4 + 8, 1, BMDMA_CMD_START | BMDMA_CMD_TO_MEM);
	assert_int_equal(hvlog.n, 3);
	expect_mm(0, 0x50000, 2048);
	expect_irq(1, 15, 1);
	expect_op(2, ANSWER);
	for (i = 0; i < 2048; i++)
		assert_int_equal(dm.mem.base[0x50000 + i], 0x42);
	(void)inp(0x177, 1);
}

/*
 * fw_cfg DMA: the data is reported (and answered) while the control word
 * still holds the request, then the control word itself.
 */
static void test_fw_cfg_dma(void **state)
{
	uint8_t *acc = dm.mem.base + FWCFG_ACCESS;
	const uint8_t req[16] = {
		0, FW_CFG_SIGNATURE, 0,
		FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, /* control */
		0, 0, 0, 4,				     /* length */
		0, 0, 0, 0, 0, 0, 0x71, 0x00,		     /* 0x7100 */
	};

	memcpy(acc, req, sizeof(req));
	memset(dm.mem.base + 0x7100, 0, 8);
	log_clear();
	outp(FW_CFG_IO_BASE + FW_CFG_PORT_DMA_HI, 4, 0);
	outp(FW_CFG_IO_BASE + FW_CFG_PORT_DMA_LO, 4,
	     __builtin_bswap32(FWCFG_ACCESS));
	assert_memory_equal(dm.mem.base + 0x7100, "QEMU", 4);
	assert_int_equal(acc[3], 0); /* completed, no error */
	/* HI's answer, then the two reports, then LO's answer. */
	assert_int_equal(hvlog.n, 4);
	expect_op(0, ANSWER);
	expect_mm(1, 0x7100, 4);
	assert_memory_equal(&hvlog.e[1].ctl_word, req, 4); /* not done yet */
	expect_mm(2, FWCFG_ACCESS, 4);
	expect_op(3, ANSWER);
}

/* A transfer into something that is not RAM: no report of it. */
static void test_fw_cfg_dma_outside_ram(void **state)
{
	uint8_t *acc = dm.mem.base + FWCFG_ACCESS;
	const uint8_t req[16] = {
		0, FW_CFG_SIGNATURE, 0,
		FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
		0, 0, 0, 4,
		0, 0, 0, 0, 0, 0x0a, 0, 0, /* 0xA0000: the legacy hole */
	};

	memcpy(acc, req, sizeof(req));
	log_clear();
	outp(FW_CFG_IO_BASE + FW_CFG_PORT_DMA_LO, 4,
	     __builtin_bswap32(FWCFG_ACCESS));
	assert_int_equal(acc[3], FW_CFG_DMA_CTL_ERROR);
	assert_int_equal(hvlog.n, 2);
	expect_mm(0, FWCFG_ACCESS, 4); /* only the control word */
	expect_op(1, ANSWER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claims),
		cmocka_unit_test(test_ata_dma_two_regions),
		cmocka_unit_test(test_ata_dma_adjacent_merged),
		cmocka_unit_test(test_ata_dma_no_irq),
		cmocka_unit_test(test_ata_dma_write_reports_nothing),
		cmocka_unit_test(test_atapi_dma_buffered),
		cmocka_unit_test(test_fw_cfg_dma),
		cmocka_unit_test(test_fw_cfg_dma_outside_ram),
	};

	log_init("test-dma-report", LOG_ERR);
	return cmocka_run_group_tests(tests, setup, teardown);
}
