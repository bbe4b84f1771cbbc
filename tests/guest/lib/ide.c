/* SPDX-License-Identifier: MIT */
/*
 * PIIX3 IDE (PCI 8086:7010), polled: nIEN stays set, so the drives never
 * raise INTRQ and the code polls Alternate Status and the bus-master
 * Active bit instead; ide_irq_mode() makes DMA commands on channel 0 end
 * by IRQ 14 instead, the CPU halted while it waits.  Written against ATA/ATAPI-6 and the PIIX3 datasheet
 * (bus master IDE, §2.7), not against either VMM.
 *
 * Ring 0 is emulated on the development machine: PIO moves whole blocks
 * with rep insw/outsw, and every wait is a short loop of port reads timed
 * by PIT channel 2 (pit.c), so a dead device ends in IDE_E_TIMEOUT.
 */
#include "guest.h"

/* Command block register offsets. */
#define ATA_DATA 0
#define ATA_ERROR 1 /* read; Features on write */
#define ATA_NSECT 2 /* ATAPI: Interrupt Reason on read */
#define ATA_LBAL 3
#define ATA_LBAM 4 /* ATAPI: Byte Count low */
#define ATA_LBAH 5 /* ATAPI: Byte Count high */
#define ATA_DEVICE 6
#define ATA_STATUS 7 /* read; Command on write */

#define ATA_DEV_LBA 0xE0 /* LBA, plus the obsolete bits 7 and 5 */

#define ATA_CMD_READ_PIO 0x20
#define ATA_CMD_READ_PIO_EXT 0x24
#define ATA_CMD_READ_DMA_EXT 0x25
#define ATA_CMD_WRITE_PIO 0x30
#define ATA_CMD_WRITE_PIO_EXT 0x34
#define ATA_CMD_WRITE_DMA_EXT 0x35
#define ATA_CMD_PACKET 0xA0
#define ATA_CMD_IDENTIFY_PACKET 0xA1
#define ATA_CMD_READ_DMA 0xC8
#define ATA_CMD_WRITE_DMA 0xCA
#define ATA_CMD_FLUSH 0xE7
#define ATA_CMD_IDENTIFY 0xEC
#define ATA_CMD_FLUSH_EXT 0xEA

/* ATAPI Interrupt Reason (Sector Count): bit 0 CoD, bit 1 IO. */
#define ATAPI_IR_COD 0x01
#define ATAPI_IR_IO 0x02

#define IDE_TIMEOUT_MS 2000
#define IDE_FLUSH_TIMEOUT_MS 10000
#define IDE_PRD_MAX 520 /* 32 MiB (65536 sectors) split at 64 KiB, +1 */
#define IDE_PRD_EOT 0x80000000u

/* The one PRD table (commands are polled, one at a time, BSP only). */
struct ide_prd {
	uint32_t addr;
	uint32_t len_flags; /* bits 15-0 byte count (0 = 64 KiB), 31 EOT */
};
/* 8 KiB-aligned and 4160 bytes long: never crosses 64 KiB, as required. */
static struct ide_prd ide_prdt[IDE_PRD_MAX] __attribute__((aligned(8192)));

/* A deadline counted down in PIT one-shots of at most 50 ms. */
struct ide_deadline {
	uint32_t left_us, chunk_us;
};

static void ide_deadline_start(struct ide_deadline *t, unsigned ms)
{
	t->left_us = ms * 1000u;
	t->chunk_us = t->left_us > 50000 ? 50000 : t->left_us;
	pit_oneshot_start(t->chunk_us);
}

static bool ide_deadline_passed(struct ide_deadline *t)
{
	if (!pit_expired())
		return false;
	t->left_us -= t->chunk_us;
	if (!t->left_us)
		return true;
	t->chunk_us = t->left_us > 50000 ? 50000 : t->left_us;
	pit_oneshot_start(t->chunk_us);
	return false;
}

int ide_wait(struct ide_drive *d, uint8_t mask, uint8_t want, unsigned ms)
{
	struct ide_deadline t;
	uint8_t st;

	ide_deadline_start(&t, ms);
	for (;;) {
		st = inb(d->ctl);
		/* While BSY is set the other bits mean nothing. */
		if (!(st & ATA_SR_BSY) &&
		    ((st & (ATA_SR_ERR | ATA_SR_DF)) || (st & mask) == want))
			return st;
		if (ide_deadline_passed(&t))
			return IDE_E_TIMEOUT;
	}
}

int ide_select(struct ide_drive *d, unsigned head)
{
	int r;

	r = ide_wait(d, ATA_SR_DRQ, 0, IDE_TIMEOUT_MS);
	if (r < 0)
		return r;
	outb(d->cmd + ATA_DEVICE,
	     ATA_DEV_LBA | (d->slave ? 0x10 : 0) | (head & 0xF));
	/* 400 ns before Status is valid for the new device. */
	for (int i = 0; i < 4; i++)
		inb(d->ctl);
	return ide_wait(d, ATA_SR_DRQ, 0, IDE_TIMEOUT_MS);
}

/* Ends a command: Status (clearing INTRQ) and Error turned into a result. */
static int ide_finish(struct ide_drive *d)
{
	uint8_t st = inb(d->cmd + ATA_STATUS);

	if (st & (ATA_SR_ERR | ATA_SR_DF))
		return IDE_E_DEV(inb(d->cmd + ATA_ERROR));
	if (st & (ATA_SR_DRQ | ATA_SR_BSY))
		return IDE_E_PROTO;
	return 0;
}

/*
 * Selects d and writes the task file for an LBA command (the EXT form: the
 * high-order bytes first, through the two-deep FIFO registers), then the
 * command.
 */
static int ide_issue(struct ide_drive *d, uint8_t command, bool ext,
		     uint8_t feature, uint64_t lba, unsigned count)
{
	uint16_t c = d->cmd;
	int r;

	r = ide_select(d, ext ? 0 : (unsigned)(lba >> 24) & 0xF);
	if (r < 0)
		return r;
	if (ext) {
		outb(c + ATA_ERROR, 0);
		outb(c + ATA_NSECT, (uint8_t)(count >> 8));
		outb(c + ATA_LBAL, (uint8_t)(lba >> 24));
		outb(c + ATA_LBAM, (uint8_t)(lba >> 32));
		outb(c + ATA_LBAH, (uint8_t)(lba >> 40));
	}
	outb(c + ATA_ERROR, feature);
	outb(c + ATA_NSECT, (uint8_t)count);
	outb(c + ATA_LBAL, (uint8_t)lba);
	outb(c + ATA_LBAM, (uint8_t)(lba >> 8));
	outb(c + ATA_LBAH, (uint8_t)(lba >> 16));
	outb(c + ATA_STATUS, command);
	return 0;
}

int ide_init(void)
{
	int bdf = pci_find(0x8086, 0x7010);

	if (bdf < 0)
		return -1;
	pci_write32(bdf, PCI_BAR0 + 4 * 4, IDE_BM_BASE | PCI_BAR_IO);
	/* IDETIM primary/secondary: bit 15 IDE Decode Enable. */
	pci_write16(bdf, 0x40, pci_read16(bdf, 0x40) | 0x8000);
	pci_write16(bdf, 0x42, pci_read16(bdf, 0x42) | 0x8000);
	pci_write16(bdf, PCI_COMMAND, pci_read16(bdf, PCI_COMMAND) |
					      PCI_CMD_IO | PCI_CMD_MASTER);
	return 0;
}

/* IDENTIFY strings are byte-swapped words; sizes from words 60-61/100-103. */
static void ide_parse_identify(struct ide_drive *d)
{
	d->lba48 = !d->atapi && (d->id[83] & (1u << 10));
	if (d->atapi)
		d->sectors = 0;
	else if (d->lba48)
		d->sectors = (uint64_t)d->id[100] | (uint64_t)d->id[101] << 16 |
			     (uint64_t)d->id[102] << 32 |
			     (uint64_t)d->id[103] << 48;
	else
		d->sectors = (uint32_t)d->id[60] | (uint32_t)d->id[61] << 16;
}

int ide_probe(unsigned channel, unsigned slave, struct ide_drive *d)
{
	uint8_t st, mid, high;
	int r;

	memset(d, 0, sizeof(*d));
	if (channel > 1 || slave > 1)
		return IDE_E_INVAL;
	d->cmd = channel ? 0x170 : 0x1F0;
	d->ctl = channel ? 0x376 : 0x3F6;
	d->bm = IDE_BM_BASE + 8 * channel;
	d->slave = slave;

	outb(d->ctl, ATA_CTL_NIEN);
	st = inb(d->ctl);
	/* Nothing on the channel: the bus floats (0xFF, or 0x7F pulled down). */
	if (st == 0xFF || st == 0x7F)
		return IDE_E_NODEV;
	r = ide_select(d, 0);
	if (r < 0)
		return r;

	/*
	 * A packet device may show Status 0 after reset, just as an absent
	 * device 1 does; only a command tells them apart.  A present device
	 * is BSY, or has DRQ or ERR, right after IDENTIFY.
	 */
	outb(d->cmd + ATA_STATUS, ATA_CMD_IDENTIFY);
	st = inb(d->ctl);
	if (st == 0 || st == 0xFF || st == 0x7F)
		return IDE_E_NODEV;
	r = ide_wait(d, ATA_SR_DRQ, ATA_SR_DRQ, IDE_TIMEOUT_MS);
	if (r < 0)
		return r;
	if (r & ATA_SR_ERR) {
		mid = inb(d->cmd + ATA_LBAM);
		high = inb(d->cmd + ATA_LBAH);
		inb(d->cmd + ATA_STATUS);
		if (mid != 0x14 || high != 0xEB)
			return IDE_E_DEV(inb(d->cmd + ATA_ERROR));
		d->atapi = true;
		outb(d->cmd + ATA_STATUS, ATA_CMD_IDENTIFY_PACKET);
		r = ide_wait(d, ATA_SR_DRQ, ATA_SR_DRQ, IDE_TIMEOUT_MS);
		if (r < 0)
			return r;
		if (r & (ATA_SR_ERR | ATA_SR_DF))
			return ide_finish(d);
	}
	insw(d->cmd + ATA_DATA, d->id, 256);
	r = ide_wait(d, ATA_SR_DRQ, 0, IDE_TIMEOUT_MS);
	if (r < 0)
		return r;
	r = ide_finish(d);
	if (r < 0)
		return r;
	ide_parse_identify(d);
	d->present = true;
	return 0;
}

/* Checks count/LBA against the command form; ext says which is needed. */
static int ata_check(struct ide_drive *d, uint64_t lba, unsigned count,
		     bool *ext)
{
	if (!d->present || d->atapi || count == 0 || count > 65536)
		return IDE_E_INVAL;
	*ext = count > 256 || lba + count > (1u << 28);
	if (*ext && (!d->lba48 || lba + count > (1ull << 48)))
		return IDE_E_INVAL;
	return 0;
}

int ata_pio_cmd(struct ide_drive *d, uint8_t command, bool ext, bool write,
		uint64_t lba, unsigned count, unsigned block, void *buf)
{
	uint8_t *p = buf;
	int r;

	if (count == 0 || count > (ext ? 65536u : 256u) || block == 0)
		return IDE_E_INVAL;
	r = ide_issue(d, command, ext, 0, lba, count);
	if (r < 0)
		return r;
	while (count) {
		unsigned n = count < block ? count : block;

		r = ide_wait(d, ATA_SR_DRQ, ATA_SR_DRQ, IDE_TIMEOUT_MS);
		if (r < 0)
			return r;
		if (r & (ATA_SR_ERR | ATA_SR_DF))
			return ide_finish(d);
		if (write)
			outsw(d->cmd + ATA_DATA, p, 256ul * n);
		else
			insw(d->cmd + ATA_DATA, p, 256ul * n);
		p += 512ul * n;
		count -= n;
	}
	r = ide_wait(d, ATA_SR_DRQ, 0, IDE_TIMEOUT_MS);
	if (r < 0)
		return r;
	return ide_finish(d);
}

/* The READ/WRITE command for a transfer: [dma][write][ext]. */
static const uint8_t ata_rw_cmds[2][2][2] = {
	{ { ATA_CMD_READ_PIO, ATA_CMD_READ_PIO_EXT },
	  { ATA_CMD_WRITE_PIO, ATA_CMD_WRITE_PIO_EXT } },
	{ { ATA_CMD_READ_DMA, ATA_CMD_READ_DMA_EXT },
	  { ATA_CMD_WRITE_DMA, ATA_CMD_WRITE_DMA_EXT } },
};

int ata_pio(struct ide_drive *d, bool write, uint64_t lba, unsigned count,
	    void *buf)
{
	bool ext;
	int r = ata_check(d, lba, count, &ext);

	if (r < 0)
		return r;
	return ata_pio_cmd(d, ata_rw_cmds[0][write][ext], ext, write, lba,
			   count, 1, buf);
}

/*
 * Interrupt-driven DMA completion (ide_irq_mode): the handlers count, the
 * waiter halts.  IRQ 0 (PIT channel 0, 18.2 Hz) only bounds the wait.
 */
static volatile unsigned ide_irq14_count, ide_tick_count;
#define IDE_IRQ_TIMEOUT_TICKS 40 /* 40 x 54.9 ms */

static void ide_irq14(struct irq_frame *f)
{
	(void)f;
	ide_irq14_count++;
	pic_eoi(14);
}

static void ide_tick(struct irq_frame *f)
{
	(void)f;
	ide_tick_count++;
	pic_eoi(0);
}

int ide_irq_mode(struct ide_drive *d, bool on)
{
	static bool handlers;

	if (!d->present || d->cmd != 0x1F0)
		return IDE_E_INVAL;
	if (!on) {
		outb(d->ctl, ATA_CTL_NIEN);
		pic_mask(14);
		pic_mask(0);
		d->irq = false;
		return 0;
	}
	if (!handlers) {
		pic_init();
		irq_register(IRQ_VECTOR(0), ide_tick);
		irq_register(IRQ_VECTOR(14), ide_irq14);
		handlers = true;
	}
	/* Channel 0, lobyte/hibyte, mode 2, divisor 65536. */
	outb(0x43, 0x34);
	outb(0x40, 0);
	outb(0x40, 0);
	inb(d->cmd + ATA_STATUS); /* no INTRQ left over */
	pic_unmask(0);
	pic_unmask(14);
	outb(d->ctl, 0);
	d->irq = true;
	return 0;
}

/*
 * Halts until IRQ 14 has come (after `seen`, the count before the command
 * started) and the bus master shows the end: Active clear, Error, or
 * Interrupt with Active still set (the device ended the command early).
 * An IRQ 14 left from an earlier command finds Active set and Interrupt
 * clear (cleared before the start) and is waited past.  Returns the
 * bus-master status, or -1 after IDE_IRQ_TIMEOUT_TICKS ticks.
 */
static int ide_dma_wait_irq(struct ide_drive *d, unsigned seen)
{
	unsigned t0 = ide_tick_count;
	uint8_t bs;

	for (;;) {
		cli();
		if (ide_irq14_count != seen) {
			seen = ide_irq14_count;
			bs = inb(d->bm + BM_STATUS);
			if (!(bs & BM_ST_ACTIVE) ||
			    (bs & (BM_ST_ERROR | BM_ST_INTR)))
				return bs;
		}
		if (ide_tick_count - t0 >= IDE_IRQ_TIMEOUT_TICKS)
			return -1;
		sti_hlt();
	}
}

int ata_dma_cmd(struct ide_drive *d, uint8_t command, bool ext, bool write,
		uint64_t lba, unsigned count, void *buf)
{
	uint64_t addr = (uintptr_t)buf, left = (uint64_t)count * 512;
	uint8_t dir = write ? 0 : BM_CMD_READ, bs;
	struct ide_deadline t;
	unsigned n = 0, seen;
	int r;

	if (count == 0 || count > (ext ? 65536u : 256u) || (addr & 1) ||
	    addr + left > (1ull << 32))
		return IDE_E_INVAL;
	while (left) {
		uint32_t chunk = 0x10000u - (uint32_t)(addr & 0xFFFF);

		if (chunk > left)
			chunk = (uint32_t)left;
		if (n == IDE_PRD_MAX)
			return IDE_E_INVAL;
		ide_prdt[n].addr = (uint32_t)addr;
		ide_prdt[n].len_flags = chunk & 0xFFFF;
		addr += chunk;
		left -= chunk;
		n++;
	}
	ide_prdt[n - 1].len_flags |= IDE_PRD_EOT;

	outb(d->bm + BM_CMD, 0);
	/* Keep the drive-DMA-capable bits; write 1 to clear Error, Interrupt. */
	bs = inb(d->bm + BM_STATUS);
	outb(d->bm + BM_STATUS, (bs & 0x60) | BM_ST_ERROR | BM_ST_INTR);
	outl(d->bm + BM_PRDT, (uint32_t)(uintptr_t)ide_prdt);
	outb(d->bm + BM_CMD, dir);
	r = ide_issue(d, command, ext, 0, lba, count);
	if (r < 0)
		return r;
	seen = ide_irq14_count;
	outb(d->bm + BM_CMD, dir | BM_CMD_START);

	if (d->irq) {
		r = ide_dma_wait_irq(d, seen);
		if (r < 0) {
			outb(d->bm + BM_CMD, dir);
			return IDE_E_TIMEOUT;
		}
		bs = (uint8_t)r;
		goto ended;
	}
	/* Active clears when the PRD table and the transfer both end. */
	ide_deadline_start(&t, IDE_TIMEOUT_MS);
	for (;;) {
		bs = inb(d->bm + BM_STATUS);
		if (!(bs & BM_ST_ACTIVE) || (bs & BM_ST_ERROR))
			break;
		/* A device error ends the command with Active still set. */
		if ((inb(d->ctl) & (ATA_SR_BSY | ATA_SR_ERR)) == ATA_SR_ERR)
			break;
		if (ide_deadline_passed(&t)) {
			outb(d->bm + BM_CMD, dir);
			return IDE_E_TIMEOUT;
		}
	}
ended:
	r = ide_wait(d, 0, 0, IDE_TIMEOUT_MS);
	outb(d->bm + BM_CMD, dir);
	if (r < 0)
		return r;
	if (r & (ATA_SR_ERR | ATA_SR_DF))
		return ide_finish(d);
	if (bs & BM_ST_ERROR) {
		ide_finish(d);
		return IDE_E_DMA;
	}
	return ide_finish(d);
}

int ata_dma(struct ide_drive *d, bool write, uint64_t lba, unsigned count,
	    void *buf)
{
	bool ext;
	int r = ata_check(d, lba, count, &ext);

	if (r < 0)
		return r;
	return ata_dma_cmd(d, ata_rw_cmds[1][write][ext], ext, write, lba,
			   count, buf);
}

static int ata_nodata_ms(struct ide_drive *d, uint8_t command,
			 uint8_t feature, uint8_t count, uint32_t lba,
			 unsigned ms)
{
	int r = ide_issue(d, command, false, feature, lba, count);

	if (r < 0)
		return r;
	r = ide_wait(d, 0, 0, ms);
	if (r < 0)
		return r;
	return ide_finish(d);
}

int ata_nodata(struct ide_drive *d, uint8_t command, uint8_t feature,
	       uint8_t count, uint32_t lba)
{
	return ata_nodata_ms(d, command, feature, count, lba, IDE_TIMEOUT_MS);
}

int ata_flush(struct ide_drive *d)
{
	if (!d->present || d->atapi)
		return IDE_E_INVAL;
	return ata_nodata_ms(d, d->lba48 ? ATA_CMD_FLUSH_EXT : ATA_CMD_FLUSH,
			     0, 0, 0, IDE_FLUSH_TIMEOUT_MS);
}

/* Moves one DRQ block of `n` bytes, storing what fits in buf[got..len). */
static void atapi_read_block(struct ide_drive *d, uint8_t *buf, unsigned len,
			     unsigned got, unsigned n)
{
	unsigned room = got < len ? len - got : 0;
	unsigned words = (n + 1) / 2, whole;

	if (room > n)
		room = n;
	whole = room / 2;
	insw(d->cmd + ATA_DATA, buf + got, whole);
	words -= whole;
	if (words && (room & 1)) {
		buf[got + room - 1] = (uint8_t)inw(d->cmd + ATA_DATA);
		words--;
	}
	while (words--)
		inw(d->cmd + ATA_DATA);
}

static int atapi_error(struct ide_drive *d, const uint8_t cdb[12])
{
	static const uint8_t request_sense[12] = { 0x03, 0, 0, 0, 18 };
	uint8_t err = inb(d->cmd + ATA_ERROR), sense[18];
	int r;

	inb(d->cmd + ATA_STATUS);
	if (cdb[0] == request_sense[0])
		return IDE_E_DEV(err);
	memset(sense, 0, sizeof(sense));
	r = atapi_packet(d, request_sense, sense, sizeof(sense));
	if (r < 14)
		return IDE_E_DEV(err);
	return IDE_E_SENSE(sense[2] & 0xF, sense[12], sense[13]);
}

int atapi_packet(struct ide_drive *d, const uint8_t cdb[12], void *buf,
		 unsigned len)
{
	unsigned limit = len & ~1u, got = 0, blocks = 0;
	int r;

	if (!d->present || !d->atapi)
		return IDE_E_INVAL;
	if (limit > 0xFFFE || limit == 0)
		limit = 0xFFFE;
	r = ide_select(d, 0);
	if (r < 0)
		return r;
	outb(d->cmd + ATA_ERROR, 0); /* PIO, no overlap */
	outb(d->cmd + ATA_LBAM, (uint8_t)limit);
	outb(d->cmd + ATA_LBAH, (uint8_t)(limit >> 8));
	outb(d->cmd + ATA_STATUS, ATA_CMD_PACKET);
	r = ide_wait(d, ATA_SR_DRQ, ATA_SR_DRQ, IDE_TIMEOUT_MS);
	if (r < 0)
		return r;
	if (r & ATA_SR_ERR)
		return atapi_error(d, cdb);
	if ((inb(d->cmd + ATA_NSECT) & 3) != ATAPI_IR_COD)
		return IDE_E_PROTO;
	outsw(d->cmd + ATA_DATA, cdb, 6);

	for (;;) {
		unsigned n;

		/* DRQ for the next block, or the end: neither BSY nor DRQ. */
		r = ide_wait(d, 0, 0, IDE_TIMEOUT_MS);
		if (r < 0)
			return r;
		if (r & (ATA_SR_ERR | ATA_SR_DF))
			return atapi_error(d, cdb);
		if (!(r & ATA_SR_DRQ))
			break;
		if ((inb(d->cmd + ATA_NSECT) & 3) != ATAPI_IR_IO)
			return IDE_E_PROTO;
		n = inb(d->cmd + ATA_LBAM) | inb(d->cmd + ATA_LBAH) << 8;
		/* 0 would never finish; 65536 blocks is more than any read. */
		if (n == 0 || ++blocks > 65536)
			return IDE_E_PROTO;
		atapi_read_block(d, buf, len, got, n);
		got += n;
	}
	r = ide_finish(d);
	if (r < 0)
		return r;
	return (int)(got < len ? got : len);
}

struct ide_pattern {
	uint32_t *buf;
	uint64_t first;
	unsigned count;
	uint32_t seed;
};

static unsigned long ide_pattern_fill_user(unsigned long arg)
{
	const struct ide_pattern *p = (const struct ide_pattern *)arg;

	for (unsigned n = 0; n < p->count; n++) {
		uint32_t base = (uint32_t)(p->first + n) * IDE_PATTERN_MUL +
				p->seed;

		for (unsigned i = 0; i < 128; i++)
			p->buf[n * 128 + i] = base + i;
	}
	return 0;
}

static unsigned long ide_pattern_check_user(unsigned long arg)
{
	const struct ide_pattern *p = (const struct ide_pattern *)arg;

	for (unsigned n = 0; n < p->count; n++) {
		uint32_t base = (uint32_t)(p->first + n) * IDE_PATTERN_MUL +
				p->seed;

		for (unsigned i = 0; i < 128; i++)
			if (p->buf[n * 128 + i] != base + i)
				return n * 128ul + i;
	}
	return ~0ul;
}

void ide_pattern_fill(void *buf, uint64_t first, unsigned count,
		      uint32_t seed)
{
	struct ide_pattern p = { buf, first, count, seed };

	run_user(ide_pattern_fill_user, (unsigned long)&p);
}

long ide_pattern_check(const void *buf, uint64_t first, unsigned count,
		       uint32_t seed)
{
	struct ide_pattern p = { (uint32_t *)buf, first, count, seed };

	return (long)run_user(ide_pattern_check_user, (unsigned long)&p);
}
