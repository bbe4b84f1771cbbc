/* SPDX-License-Identifier: MIT */
/*
 * hv's routing core (ioreq.c, pci.c, dm_op.c) against the DM's real channel
 * code (src/dm/channel.c) in a thread, over a real memfd ioreq page, a real
 * dm_op socketpair and an eventfd: the whole hv<->DM protocol in one
 * process, with a toy device behind the DM.
 *
 * Threads: the test's own is the vCPU (ioreq_pio, ioreq_mmio); a second
 * serves hv's end of the dm_op socket (main.c's poll loop in safepc-hv);
 * a third runs channel_run, the DM's loop, until the process ends.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"
#include "common/util.h"
#include "dm/dm.h"
#include "route_fake.h"

#define TOY_BDF 0x10u /* 00:02.0 */
#define TOY_MMIO 0xe0000000ull
#define TOY_IRQ 5u

/* Ports of the toy device. */
#define TOY_SCRATCH 0x100u /* 16 bytes of scratch, synchronous */
#define TOY_POSTED 0x110u  /* writes posted: appended to a log */
#define TOY_FIFO 0x120u	   /* string I/O in and out */
#define TOY_DMA 0x130u	   /* writing runs a "DMA" (see toy_dma) */

struct toy {
	uint8_t scratch[16];
	uint32_t posted[1024];
	unsigned nposted;
	uint8_t fifo_in[16384];
	unsigned nin;
	uint8_t fifo_out; /* next byte a read returns */
	uint8_t mmio[4096];
	uint8_t cfg[256];
	uint64_t cfg_addr; /* last configuration access */
	unsigned cfg_size;
	uint32_t events[8]; /* platform events seen, in order */
	unsigned nevents;
};

static struct route_fake fake;
static struct hv_vm *vm = &fake.vm;
static struct hv_vcpu *vcpu = &fake.vm.vcpus[0];
static struct dm dside;
static struct toy toy;
static pthread_t hv_thread, dm_thread;
static atomic_int hv_stop_flag;

/* ---- the toy device (runs on the DM thread) ---- */

static uint64_t toy_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			 unsigned size)
{
	uint64_t v = 0;
	unsigned i;

	if (type == IOREQ_TYPE_PCI_CONFIG) {
		unsigned reg = addr & 0xff;

		toy.cfg_addr = addr;
		toy.cfg_size = size;
		memcpy(&v, toy.cfg + reg, size);
		return v;
	}
	if (type == IOREQ_TYPE_MMIO) {
		memcpy(&v, toy.mmio + (addr - TOY_MMIO), size);
		return v;
	}
	if (addr >= TOY_SCRATCH && addr < TOY_SCRATCH + 16) {
		memcpy(&v, toy.scratch + (addr - TOY_SCRATCH), size);
		return v;
	}
	if (addr == TOY_POSTED + 1)
		return toy.nposted;
	if (addr == TOY_FIFO) {
		for (i = 0; i < size; i++)
			v |= (uint64_t)toy.fifo_out++ << (8 * i);
		return v;
	}
	return ~0ull;
}

/*
 * A "DMA" into guest RAM as a device adapter does it: write the bytes,
 * record them (dm_ram_dirty), maybe raise the IRQ. val selects the shape:
 *   0x1000-aligned gpa | 0   one page, then IRQ
 *   gpa | 1                  two pages far apart, no IRQ
 *   gpa | 2                  two adjacent pages, no IRQ
 */
static void toy_dma(struct dm *dm, uint64_t val)
{
	uint64_t gpa = val & ~0xfffull;
	unsigned shape = val & 0xfff;
	uint64_t second = shape == 1 ? gpa + 0x40000 : gpa + 0x1000;
	uint8_t *p = guestmem_ptr(&dm->mem, gpa, 0x1000);

	if (!p)
		return;
	memset(p, 0xc3, 0x1000);
	dm_ram_dirty(dm, gpa, 0x1000);
	if (shape == 0) {
		dm_set_irq(dm, TOY_IRQ, 1);
		return;
	}
	p = guestmem_ptr(&dm->mem, second, 0x1000);
	if (!p)
		return;
	memset(p, 0x3c, 0x1000);
	dm_ram_dirty(dm, second, 0x1000);
}

static void toy_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		      unsigned size, uint64_t val)
{
	if (type == IOREQ_TYPE_PCI_CONFIG) {
		toy.cfg_addr = addr;
		toy.cfg_size = size;
		memcpy(toy.cfg + (addr & 0xff), &val, size);
		return;
	}
	if (type == IOREQ_TYPE_MMIO) {
		memcpy(toy.mmio + (addr - TOY_MMIO), &val, size);
		return;
	}
	if (addr >= TOY_SCRATCH && addr < TOY_SCRATCH + 16)
		memcpy(toy.scratch + (addr - TOY_SCRATCH), &val, size);
	else if (addr == TOY_POSTED && toy.nposted < 1024)
		toy.posted[toy.nposted++] = (uint32_t)val;
	else if (addr == TOY_FIFO && toy.nin + size <= sizeof(toy.fifo_in)) {
		memcpy(toy.fifo_in + toy.nin, &val, size);
		toy.nin += size;
	} else if (addr == TOY_DMA) {
		toy_dma(dev->dm, val);
	}
}

static void toy_event(struct dm_dev *dev, uint32_t event)
{
	(void)dev;
	if (toy.nevents < 8)
		toy.events[toy.nevents++] = event;
}

static const struct dm_dev_ops toy_ops = {
	.read = toy_read,
	.write = toy_write,
	.event = toy_event,
};

/* ---- hv's dm_op server and the DM's loop ---- */

static void *hv_serve(void *arg)
{
	struct pollfd pfd = { .fd = vm->dms[0].dm_op_fd, .events = POLLIN };

	while (!atomic_load(&hv_stop_flag)) {
		if (poll(&pfd, 1, 20) > 0 && (pfd.revents & POLLIN))
			dm_op_handle(vm, &vm->dms[0]);
	}
	return NULL;
}

static void *dm_main(void *arg)
{
	channel_run(&dside);
}

static int setup(void **state)
{
	struct dm *dm = &dside;
	struct dm_dev *dev = &dm->devs[0];
	int r;

	route_fake_init(&fake, 1, 2000);
	route_fake_grant(&fake, 0, DM_OP_RANGE_PORT, 0x100, 0x13f);
	route_fake_grant(&fake, 0, DM_OP_RANGE_MMIO, TOY_MMIO,
			 TOY_MMIO + 0xfff);
	route_fake_grant(&fake, 0, DM_OP_RANGE_PCI, TOY_BDF, TOY_BDF);
	vm->dms[0].irq_mask = 1u << TOY_IRQ;

	/* The DM's side, as safepc-dm's main.c builds it. */
	snprintf(dm->tag, sizeof(dm->tag), "dm0");
	dm->dm_op_fd = fake.fds[0].dm_op_peer;
	dm->evt_fd = fake.fds[0].evt_fd;
	dm->console_fd = -1;
	dm->page = mmap(NULL, IOREQ_PAGE_BYTES, PROT_READ | PROT_WRITE,
			MAP_SHARED, fake.fds[0].ioreq_fd, 0);
	assert_true(dm->page != MAP_FAILED);
	assert_int_equal(dm->page->hdr.magic, IOREQ_MAGIC);
	dm->nr_slots = dm->page->hdr.nr_slots;
	dm->ram_bytes = ROUTE_RAM_BYTES;
	guestmem_layout(dm->ram_bytes, &dm->mem.low_size, &dm->mem.high_size);
	dm->mem.base = mmap(NULL, ROUTE_RAM_BYTES, PROT_READ | PROT_WRITE,
			    MAP_SHARED, fake.ram_fd, 0);
	assert_true(dm->mem.base != MAP_FAILED);
	snprintf(dev->name, sizeof(dev->name), "toy");
	dev->ops = &toy_ops;
	dev->dm = dm;
	dev->state = &toy;
	dm->nr_devs = 1;

	/* Claims go over the socket, served by hv's thread. */
	assert_int_equal(pthread_create(&hv_thread, NULL, hv_serve, NULL), 0);
	r = dm_map_range(dm, dev, DM_OP_RANGE_PORT, TOY_SCRATCH,
			 TOY_SCRATCH + 15, 0);
	if (!r)
		r = dm_map_range(dm, dev, DM_OP_RANGE_PORT, TOY_POSTED,
				 TOY_POSTED + 3, DM_OP_RANGE_POSTED_WRITES);
	if (!r)
		r = dm_map_range(dm, dev, DM_OP_RANGE_PORT, TOY_FIFO,
				 TOY_FIFO + 3, 0);
	if (!r)
		r = dm_map_range(dm, dev, DM_OP_RANGE_PORT, TOY_DMA,
				 TOY_DMA + 3, 0);
	if (!r)
		r = dm_map_range(dm, dev, DM_OP_RANGE_MMIO, TOY_MMIO,
				 TOY_MMIO + 0xfff, 0);
	if (!r)
		r = dm_map_range(dm, dev, DM_OP_RANGE_PCI, TOY_BDF, TOY_BDF, 0);
	assert_int_equal(r, 0);
	/* Refused claims come back as the DM sees them. */
	assert_int_equal(dm_map_range(dm, dev, DM_OP_RANGE_PORT, 0x1f0, 0x1f7,
				      0),
			 -EPERM);
	assert_int_equal(vm->nr_ranges, 6);
	assert_int_equal(pthread_create(&dm_thread, NULL, dm_main, NULL), 0);
	return 0;
}

/*
 * channel_run never returns (safepc-dm ends when hv goes away), and
 * cancelling it would unwind frames the sanitizers do not expect: the DM
 * thread is left idle with its page, fds and RAM in place, and ends with
 * the process.
 */
static int teardown(void **state)
{
	atomic_store(&hv_stop_flag, 1);
	pthread_join(hv_thread, NULL);
	return 0;
}

static int fresh(void **state)
{
	route_logs_reset();
	return 0;
}

/* ---- port I/O ---- */

static void test_pio_sizes(void **state)
{
	uint32_t v;

	v = 0x11;
	ioreq_pio(vcpu, TOY_SCRATCH, 1, 1, 1, (uint8_t *)&v);
	v = 0x3322;
	ioreq_pio(vcpu, TOY_SCRATCH + 2, 2, 1, 1, (uint8_t *)&v);
	v = 0x77665544;
	ioreq_pio(vcpu, TOY_SCRATCH + 4, 4, 1, 1, (uint8_t *)&v);
	v = 0;
	ioreq_pio(vcpu, TOY_SCRATCH, 4, 1, 0, (uint8_t *)&v);
	assert_int_equal(v, 0x33220011);
	v = 0;
	ioreq_pio(vcpu, TOY_SCRATCH + 5, 2, 1, 0, (uint8_t *)&v);
	assert_int_equal(v, 0x6655);
	v = 0;
	ioreq_pio(vcpu, TOY_SCRATCH + 7, 1, 1, 0, (uint8_t *)&v);
	assert_int_equal(v, 0x77);
	assert_int_equal(route_fault_log.faults, 0);
}

static void test_pio_unclaimed(void **state)
{
	uint32_t v = 0;

	/* Nobody decodes 0x140: reads float high, writes vanish. */
	ioreq_pio(vcpu, 0x140, 4, 1, 0, (uint8_t *)&v);
	assert_int_equal(v, 0xffffffffu);
	ioreq_pio(vcpu, 0x140, 4, 1, 1, (uint8_t *)&v);
	/* A range is claimed whole or not at all: 0x10f-0x110 straddles. */
	v = 0;
	ioreq_pio(vcpu, TOY_SCRATCH + 15, 2, 1, 0, (uint8_t *)&v);
	assert_int_equal(v, 0xffff);
}

/* Posted writes keep their order, and a later read sees all of them. */
static void test_posted_writes(void **state)
{
	uint32_t i, v;

	toy.nposted = 0;
	for (i = 0; i < 700; i++) /* more than the ring holds */
		ioreq_pio(vcpu, TOY_POSTED, 4, 1, 1, (uint8_t *)&i);
	v = 0;
	ioreq_pio(vcpu, TOY_POSTED + 1, 1, 1, 0, (uint8_t *)&v);
	/* The count is read back 8 bits wide. */
	assert_int_equal(v, 700 & 0xff);
	assert_int_equal(toy.nposted, 700);
	for (i = 0; i < 700; i++)
		assert_int_equal(toy.posted[i], i);
	assert_int_equal(route_fault_log.faults, 0);
}

/* rep outsw of 3000 words: more than one slot's buffer, split by hv. */
static void test_string_out(void **state)
{
	static uint16_t words[3000];
	unsigned i;

	for (i = 0; i < 3000; i++)
		words[i] = (uint16_t)(i * 7 + 1);
	toy.nin = 0;
	ioreq_pio(vcpu, TOY_FIFO, 2, 3000, 1, (uint8_t *)words);
	assert_int_equal(toy.nin, 6000);
	assert_memory_equal(toy.fifo_in, words, 6000);
}

/* rep insb of 9000 bytes, and rep insd of 1500 dwords. */
static void test_string_in(void **state)
{
	static uint8_t buf[9000];
	unsigned i;

	toy.fifo_out = 0;
	memset(buf, 0, sizeof(buf));
	ioreq_pio(vcpu, TOY_FIFO, 1, 9000, 0, buf);
	for (i = 0; i < 9000; i++)
		assert_int_equal(buf[i], (uint8_t)i);
	toy.fifo_out = 0;
	memset(buf, 0, sizeof(buf));
	ioreq_pio(vcpu, TOY_FIFO, 4, 1500, 0, buf);
	for (i = 0; i < 6000; i++)
		assert_int_equal(buf[i], (uint8_t)i);
}

/* ---- MMIO ---- */

static void test_mmio(void **state)
{
	uint64_t v = 0x8877665544332211ull;

	ioreq_mmio(vcpu, TOY_MMIO + 8, 8, 1, (uint8_t *)&v);
	v = 0;
	ioreq_mmio(vcpu, TOY_MMIO + 8, 8, 0, (uint8_t *)&v);
	assert_true(v == 0x8877665544332211ull);
	v = 0;
	ioreq_mmio(vcpu, TOY_MMIO + 10, 2, 0, (uint8_t *)&v);
	assert_int_equal(v, 0x4433);
	v = 0;
	ioreq_mmio(vcpu, TOY_MMIO + 0x1000, 4, 0, (uint8_t *)&v);
	assert_int_equal(v, 0xffffffffu);
}

/* ---- PCI configuration mechanism #1 ---- */

static void cf8(uint32_t bdf, unsigned reg, int enable)
{
	uint32_t a = (enable ? 0x80000000u : 0) | bdf << 8 | reg;

	ioreq_pio(vcpu, 0xcf8, 4, 1, 1, (uint8_t *)&a);
}

static void test_pci_config(void **state)
{
	uint32_t v;

	cf8(TOY_BDF, 0x04, 1);
	v = 0;
	ioreq_pio(vcpu, 0xcf8, 4, 1, 0, (uint8_t *)&v);
	assert_int_equal(v, 0x80001004u);
	v = 0x0507;
	ioreq_pio(vcpu, 0xcfc, 2, 1, 1, (uint8_t *)&v);
	assert_int_equal(toy.cfg_addr, (uint64_t)TOY_BDF << 16 | 0x04);
	assert_int_equal(toy.cfg[4], 0x07);
	assert_int_equal(toy.cfg[5], 0x05);
	/* A byte at 0xCFD is register 5 of the function. */
	v = 0;
	ioreq_pio(vcpu, 0xcfd, 1, 1, 0, (uint8_t *)&v);
	assert_int_equal(v, 0x05);
	assert_int_equal(toy.cfg_addr, (uint64_t)TOY_BDF << 16 | 0x05);
	assert_int_equal(toy.cfg_size, 1);
	/* A function nobody claimed, and the enable bit clear. */
	cf8(0x18, 0x00, 1);
	v = 0;
	ioreq_pio(vcpu, 0xcfc, 4, 1, 0, (uint8_t *)&v);
	assert_int_equal(v, 0xffffffffu);
	cf8(TOY_BDF, 0x04, 0);
	v = 0;
	ioreq_pio(vcpu, 0xcfc, 2, 1, 0, (uint8_t *)&v);
	assert_int_equal(v, 0xffff);
	/* Straddling the data window: not a config access. */
	cf8(TOY_BDF, 0x04, 1);
	v = 0;
	ioreq_pio(vcpu, 0xcfe, 4, 1, 0, (uint8_t *)&v);
	assert_int_equal(v, 0xffffffffu);
}

/* ---- DMA coherence: modified_memory before the guest sees the end ---- */

static void test_dma_reported_before_irq(void **state)
{
	uint32_t v = 0x10000;
	const uint8_t *ram = vm->mem.base;

	ioreq_pio(vcpu, TOY_DMA, 4, 1, 1, (uint8_t *)&v);
	/* Both arrived before the write's answer, report first. */
	assert_int_equal(route_accel_log.ram_written_calls, 1);
	assert_int_equal(route_accel_log.ram_gpa, 0x10000);
	assert_int_equal(route_accel_log.ram_len, 0x1000);
	assert_int_equal(route_accel_log.level[TOY_IRQ], 1);
	assert_true(route_accel_log.ram_event < route_accel_log.irq_event);
	assert_int_equal(ram[0x10000], 0xc3);
	assert_int_equal(ram[0x10fff], 0xc3);
	(void)hv_irq_set(vm, TOY_IRQ, HV_IRQ_SRC_DM0, 0);
}

static void test_dma_reported_before_answer(void **state)
{
	uint32_t v = 0x20000 | 1;

	/* No IRQ: the channel reports before it answers the write. */
	ioreq_pio(vcpu, TOY_DMA, 4, 1, 1, (uint8_t *)&v);
	assert_int_equal(route_accel_log.ram_written_calls, 2);
	assert_int_equal(route_accel_log.ram_gpa, 0x60000);
	assert_int_equal(route_accel_log.ram_len, 0x1000);
	assert_int_equal(route_accel_log.set_irq_calls[TOY_IRQ], 0);
}

static void test_dma_adjacent_merged(void **state)
{
	uint32_t v = 0x30000 | 2;

	ioreq_pio(vcpu, TOY_DMA, 4, 1, 1, (uint8_t *)&v);
	assert_int_equal(route_accel_log.ram_written_calls, 1);
	assert_int_equal(route_accel_log.ram_gpa, 0x30000);
	assert_int_equal(route_accel_log.ram_len, 0x2000);
}

/* ---- platform events (the power button) ---- */

/* An event reaches the device, in order with posted writes before it, and
 * a later synchronous read sees it done. */
static void test_event_delivered(void **state)
{
	uint32_t v = 7;

	toy.nposted = toy.nevents = 0;
	ioreq_pio(vcpu, TOY_POSTED, 4, 1, 1, (uint8_t *)&v);
	assert_int_equal(ioreq_event(vm, IOREQ_EVENT_POWER_BUTTON), 1);
	assert_int_equal(ioreq_event(vm, 0x7777), 1); /* unknown: passed on */
	v = 0;
	ioreq_pio(vcpu, TOY_SCRATCH, 1, 1, 0, (uint8_t *)&v);
	assert_int_equal(toy.nposted, 1);
	assert_int_equal(toy.nevents, 2);
	assert_int_equal(toy.events[0], IOREQ_EVENT_POWER_BUTTON);
	assert_int_equal(toy.events[1], 0x7777);
	assert_int_equal(route_fault_log.faults, 0);
}

/* ---- waking a DM that went to sleep ---- */

static void test_sleeping_dm_wakes(void **state)
{
	int64_t end = util_now_ns() + 2000000000ll;
	uint32_t v = 0;

	/* Idle long enough that the DM sleeps in poll() on its eventfd. */
	while (!__atomic_load_n(&vm->dms[0].page->hdr.dm_sleeping,
				__ATOMIC_SEQ_CST)) {
		assert_true(util_now_ns() < end);
		usleep(1000);
	}
	usleep(20000);
	ioreq_pio(vcpu, TOY_SCRATCH, 1, 1, 0, (uint8_t *)&v);
	assert_int_equal(v, 0x11);
	assert_int_equal(route_fault_log.faults, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pio_sizes, fresh),
		cmocka_unit_test_setup(test_pio_unclaimed, fresh),
		cmocka_unit_test_setup(test_posted_writes, fresh),
		cmocka_unit_test_setup(test_string_out, fresh),
		cmocka_unit_test_setup(test_string_in, fresh),
		cmocka_unit_test_setup(test_mmio, fresh),
		cmocka_unit_test_setup(test_pci_config, fresh),
		cmocka_unit_test_setup(test_dma_reported_before_irq, fresh),
		cmocka_unit_test_setup(test_dma_reported_before_answer, fresh),
		cmocka_unit_test_setup(test_dma_adjacent_merged, fresh),
		cmocka_unit_test_setup(test_event_delivered, fresh),
		cmocka_unit_test_setup(test_sleeping_dm_wakes, fresh),
	};

	log_init("test-hv-channel", LOG_ERR);
	return cmocka_run_group_tests(tests, setup, teardown);
}
