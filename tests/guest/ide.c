/* SPDX-License-Identifier: MIT */
/*
 * PIIX3 IDE with an ATA disk (hda, the runner's pattern image): IDENTIFY,
 * PIO, READ/WRITE MULTIPLE, bus-master DMA (a 64 KiB PRD, buffers across
 * 64 KiB boundaries), the LBA48 EXT commands, FLUSH CACHE, errors (LBA out
 * of range, unknown commands and SET FEATURES subcommands, SET MULTIPLE
 * with a bad count, NOP), SET FEATURES as IDENTIFY reports it, 32-bit
 * data port reads, the bus-master status register (Interrupt is
 * write-1-to-clear, Active clears at the end, stays set with a PRD table
 * longer than the transfer, INTRQ reaches the PIC), software reset and
 * EXECUTE DEVICE DIAGNOSTIC.
 *
 * Everything is polled with nIEN set, except the one DMA command of the
 * status test, which clears nIEN with IRQ 14 masked at the PIC.  Pattern
 * checks run in ring 3 (ide_pattern_check).
 *
 * The program writes four regions; the runner checks them in the image
 * afterwards (unittests.cfg disk_check), and that nothing else changed.
 * Command line: disk_mib=N, the image's size.
 */
#include "guest.h"

/* What the guest writes; keep in step with [ide] disk_check. */
#define PIO_LBA 4096
#define PIO_COUNT 64
#define PIO_SEED 0x11111111u
#define MULT_LBA 5000
#define MULT_COUNT 40 /* two full blocks of 16 and a short one */
#define MULT_SEED 0x33333333u
#define DMA_LBA 6000
#define DMA_COUNT 128
#define DMA_SEED 0x22222222u
#define EXT_LBA 7000
#define EXT_COUNT 16
#define EXT_SEED 0x44444444u

#define CMD_READ_SECTORS_EXT 0x24
#define CMD_READ_DMA_EXT 0x25
#define CMD_WRITE_DMA_EXT 0x35
#define CMD_READ_MULTIPLE 0xC4
#define CMD_WRITE_MULTIPLE 0xC5
#define CMD_SET_MULTIPLE 0xC6
#define CMD_READ_DMA 0xC8
#define CMD_FLUSH 0xE7
#define CMD_FLUSH_EXT 0xEA
#define CMD_SET_FEATURES 0xEF

/* 192 KiB, 64 KiB-aligned: room for 300 sectors and for boundary games. */
static uint8_t big[0x30000] __attribute__((aligned(65536)));
static struct ide_drive hda;
static uint64_t nsect;

static bool is_err(int r, uint8_t bits)
{
	return IDE_E_IS_DEV(r) && (IDE_E_DEV_ERR(r) & bits);
}

/* Zeroes n sectors of buf in ring 3 (a pattern nobody writes: seed 0, n 0). */
static unsigned long zero_user(unsigned long arg)
{
	uint64_t *p = (uint64_t *)arg;
	unsigned long n = p[0];
	uint64_t *w = (uint64_t *)p[1];

	for (unsigned long i = 0; i < n * 64; i++)
		w[i] = 0;
	return 0;
}

static void zero(void *buf, unsigned sectors)
{
	uint64_t a[2] = { sectors, (uintptr_t)buf };

	run_user(zero_user, (unsigned long)a);
}

static bool check(const void *buf, uint64_t lba, unsigned n, uint32_t seed,
		  const char *what)
{
	long bad = ide_pattern_check(buf, lba, n, seed);

	if (bad >= 0)
		report_info("%s: dword %ld (sector %lu) is 0x%08x", what, bad,
			    (unsigned long)(lba + bad / 128),
			    ((const uint32_t *)buf)[bad]);
	return bad < 0;
}

static void id_string(const uint16_t *id, unsigned first, unsigned words,
		      char *out)
{
	for (unsigned i = 0; i < words; i++) {
		out[2 * i] = (char)(id[first + i] >> 8);
		out[2 * i + 1] = (char)id[first + i];
	}
	out[2 * words] = 0;
	for (int i = 2 * words - 1; i >= 0 && out[i] == ' '; i--)
		out[i] = 0;
}

static void test_identify(void)
{
	struct ide_drive other;
	char model[41], serial[21];
	uint64_t lba28, lba48;
	int r;

	r = ide_probe(0, 0, &hda);
	if (!report(r == 0 && hda.present && !hda.atapi,
		    "hda answers IDENTIFY DEVICE as an ATA disk (%d)", r))
		return;
	id_string(hda.id, 27, 20, model);
	id_string(hda.id, 10, 10, serial);
	report(model[0] > ' ' && model[0] < 0x7F, "model \"%s\", serial \"%s\"",
	       model, serial);
	lba28 = (uint32_t)hda.id[60] | (uint32_t)hda.id[61] << 16;
	lba48 = (uint64_t)hda.id[100] | (uint64_t)hda.id[101] << 16 |
		(uint64_t)hda.id[102] << 32 | (uint64_t)hda.id[103] << 48;
	report(hda.sectors == nsect && lba28 == nsect && lba48 == nsect,
	       "sectors: words 60-61 %lu, 100-103 %lu, image %lu",
	       (unsigned long)lba28, (unsigned long)lba48,
	       (unsigned long)nsect);
	report((hda.id[49] & 0x0300) == 0x0300, "word 49: LBA and DMA (0x%04x)",
	       hda.id[49]);
	report(hda.lba48 && (hda.id[86] & 0x0400),
	       "LBA48 supported (word 83 0x%04x) and enabled (word 86 0x%04x)",
	       hda.id[83], hda.id[86]);
	/* Word 47: 0x80 in the high byte, the maximum multiple count low. */
	report((hda.id[47] >> 8) == 0x80 && (hda.id[47] & 0xFF) >= 1,
	       "word 47: READ/WRITE MULTIPLE up to %u sectors",
	       hda.id[47] & 0xFF);
	if ((hda.id[255] & 0xFF) == 0xA5) {
		uint8_t sum = 0;

		for (unsigned i = 0; i < 256; i++)
			sum = (uint8_t)(sum + (hda.id[i] & 0xFF) +
					(hda.id[i] >> 8));
		report(sum == 0, "word 255: integrity checksum (sum %u)", sum);
	} else {
		report_info("word 255: no integrity signature (0x%04x)",
			    hda.id[255]);
	}
	r = ide_probe(0, 1, &other);
	report(r == IDE_E_NODEV, "no hdb (%d)", r);
}

static void test_pio(void)
{
	int r;

	/* 256 sectors: the count register holds 0. */
	r = ata_pio(&hda, false, 0, 256, big);
	report(r == 0 && check(big, 0, 256, 0, "pio"),
	       "READ SECTORS of 256 sectors at 0 (count 0) (%d)", r);
	r = ata_pio(&hda, false, nsect - 3, 3, big);
	report(r == 0 && check(big, nsect - 3, 3, 0, "pio end"),
	       "READ SECTORS of the last 3 sectors (%d)", r);

	/* The data port also takes 32-bit accesses (PIIX3: two words). */
	zero(big, 2);
	r = ide_select(&hda, 0);
	outb(hda.cmd + 2, 2);
	outb(hda.cmd + 3, 50);
	outb(hda.cmd + 4, 0);
	outb(hda.cmd + 5, 0);
	outb(hda.cmd + 7, 0x20);
	for (unsigned k = 0; k < 2 && r >= 0; k++) {
		r = ide_wait(&hda, ATA_SR_DRQ, ATA_SR_DRQ, 1000);
		if (r >= 0 && !(r & ATA_SR_ERR))
			insl(hda.cmd, big + 512 * k, 128);
	}
	r = r < 0 ? r : ide_wait(&hda, ATA_SR_DRQ, 0, 1000);
	report(r >= 0 && !(r & ATA_SR_ERR) && check(big, 50, 2, 0, "insl"),
	       "READ SECTORS through 32-bit data port reads (0x%02x)",
	       (unsigned)r);
	inb(hda.cmd + 7);

	ide_pattern_fill(big, PIO_LBA, PIO_COUNT, PIO_SEED);
	r = ata_pio(&hda, true, PIO_LBA, PIO_COUNT, big);
	report(r == 0, "WRITE SECTORS of %u at %u (%d)", PIO_COUNT, PIO_LBA, r);
	zero(big, PIO_COUNT + 2);
	r = ata_pio(&hda, false, PIO_LBA - 1, PIO_COUNT + 2, big);
	report(r == 0 && check(big, PIO_LBA - 1, 1, 0, "pio before") &&
		       check(big + 512, PIO_LBA, PIO_COUNT, PIO_SEED,
			     "pio back") &&
		       check(big + 512 * (PIO_COUNT + 1), PIO_LBA + PIO_COUNT, 1,
			     0, "pio after"),
	       "read back: the written sectors and nothing either side (%d)",
	       r);
}

static void test_multiple(void)
{
	unsigned max = hda.id[47] & 0xFF, m = max < 16 ? max : 16;
	struct ide_drive again;
	int r;

	r = ata_nodata(&hda, CMD_SET_MULTIPLE, 0, 3, 0);
	report(is_err(r, ATA_ER_ABRT), "SET MULTIPLE MODE 3 aborts (%d)", r);
	/* The setting after reset is vendor specific (QEMU: 16, safepc: off). */
	report_info("IDENTIFY word 59 before SET MULTIPLE MODE: 0x%04x",
		    hda.id[59]);

	r = ata_nodata(&hda, CMD_SET_MULTIPLE, 0, (uint8_t)m, 0);
	report(r == 0, "SET MULTIPLE MODE %u (%d)", m, r);
	r = ide_probe(0, 0, &again);
	report(r == 0 && again.id[59] == (0x0100 | m),
	       "IDENTIFY word 59: 0x%04x", again.id[59]);

	ide_pattern_fill(big, MULT_LBA, MULT_COUNT, MULT_SEED);
	r = ata_pio_cmd(&hda, CMD_WRITE_MULTIPLE, false, true, MULT_LBA,
			MULT_COUNT, m, big);
	report(r == 0, "WRITE MULTIPLE of %u at %u, blocks of %u (%d)",
	       MULT_COUNT, MULT_LBA, m, r);
	zero(big, MULT_COUNT);
	r = ata_pio_cmd(&hda, CMD_READ_MULTIPLE, false, false, MULT_LBA,
			MULT_COUNT, m, big);
	report(r == 0 && check(big, MULT_LBA, MULT_COUNT, MULT_SEED, "mult"),
	       "READ MULTIPLE reads it back (%d)", r);
}

static void test_dma(void)
{
	uint8_t *cross = big + 0x20000 - 0x6000; /* 24 KiB, then 40 KiB */
	int r;

	/* One PRD of 64 KiB: byte count 0. */
	zero(big, 128);
	r = ata_dma(&hda, false, 512, 128, big);
	report(r == 0 && check(big, 512, 128, 0, "dma"),
	       "READ DMA of 128 sectors into one 64 KiB PRD (%d)", r);
	zero(big + 0x8000, 64);
	r = ata_dma(&hda, false, 2048, 64, big + 0x10000 - 0x3000);
	report(r == 0 && check(big + 0x10000 - 0x3000, 2048, 64, 0, "dma x"),
	       "READ DMA of 32 KiB across a 64 KiB boundary (%d)", r);

	ide_pattern_fill(cross, DMA_LBA, DMA_COUNT, DMA_SEED);
	r = ata_dma(&hda, true, DMA_LBA, DMA_COUNT, cross);
	report(r == 0, "WRITE DMA of %u at %u across a 64 KiB boundary (%d)",
	       DMA_COUNT, DMA_LBA, r);
	zero(big, DMA_COUNT);
	r = ata_pio(&hda, false, DMA_LBA, DMA_COUNT, big);
	report(r == 0 && check(big, DMA_LBA, DMA_COUNT, DMA_SEED, "dma back"),
	       "PIO reads back what DMA wrote (%d)", r);
}

static void test_lba48(void)
{
	int r;

	zero(big, 264);
	r = ata_pio_cmd(&hda, CMD_READ_SECTORS_EXT, true, false, 10000, 264, 1,
			big);
	report(r == 0 && check(big, 10000, 264, 0, "ext pio"),
	       "READ SECTORS EXT of 264 sectors (count high byte 1) (%d)", r);
	zero(big, 300);
	r = ata_dma_cmd(&hda, CMD_READ_DMA_EXT, true, false, 12000, 300, big);
	report(r == 0 && check(big, 12000, 300, 0, "ext dma"),
	       "READ DMA EXT of 300 sectors (%d)", r);
	ide_pattern_fill(big, EXT_LBA, EXT_COUNT, EXT_SEED);
	r = ata_dma_cmd(&hda, CMD_WRITE_DMA_EXT, true, true, EXT_LBA, EXT_COUNT,
			big);
	report(r == 0, "WRITE DMA EXT of %u at %u (%d)", EXT_COUNT, EXT_LBA, r);
	zero(big, EXT_COUNT);
	r = ata_pio_cmd(&hda, CMD_READ_SECTORS_EXT, true, false, EXT_LBA,
			EXT_COUNT, 1, big);
	report(r == 0 && check(big, EXT_LBA, EXT_COUNT, EXT_SEED, "ext back"),
	       "READ SECTORS EXT reads it back (%d)", r);
	/* The high-order LBA bytes count: 2^32 + 5 is far past the end. */
	r = ata_pio_cmd(&hda, CMD_READ_SECTORS_EXT, true, false,
			(1ull << 32) + 5, 1, 1, big);
	report(is_err(r, ATA_ER_IDNF | ATA_ER_ABRT),
	       "READ SECTORS EXT at 2^32 + 5 fails (%d)", r);
}

static void test_flush(void)
{
	int r;

	r = ata_flush(&hda);
	report(r == 0, "FLUSH CACHE%s (%d)", hda.lba48 ? " EXT" : "", r);
	r = ata_nodata(&hda, CMD_FLUSH, 0, 0, 0);
	report(r == 0, "FLUSH CACHE (%d)", r);
	r = ata_nodata(&hda, CMD_FLUSH_EXT, 0, 0, 0);
	report(r == 0, "FLUSH CACHE EXT (%d)", r);
}

static void test_errors(void)
{
	struct ide_drive again;
	uint8_t st;
	int r;

	r = ata_pio(&hda, false, nsect, 1, big);
	report(is_err(r, ATA_ER_IDNF | ATA_ER_ABRT),
	       "READ SECTORS at LBA %lu (one past the end) fails (%d)",
	       (unsigned long)nsect, r);
	st = inb(0x1F7);
	report(!(st & (ATA_SR_BSY | ATA_SR_DRQ)) && (st & ATA_SR_DRDY),
	       "the drive is ready again afterwards (0x%02x)", st);
	r = ata_pio(&hda, false, nsect - 1, 2, big);
	report(is_err(r, ATA_ER_IDNF | ATA_ER_ABRT),
	       "READ SECTORS running past the end fails (%d)", r);
	r = ata_dma(&hda, false, nsect, 8, big);
	report(is_err(r, ATA_ER_IDNF | ATA_ER_ABRT),
	       "READ DMA past the end fails (%d)", r);
	r = ata_pio(&hda, false, 0, 1, big);
	report(r == 0 && check(big, 0, 1, 0, "after err"),
	       "a read works after the errors (%d)", r);

	r = ata_nodata(&hda, 0x00, 0, 0, 0);
	report(is_err(r, ATA_ER_ABRT), "NOP aborts (%d)", r);
	/* 0x0B is reserved in every ATA revision. */
	r = ata_nodata(&hda, 0x0B, 0, 0, 0);
	report(is_err(r, ATA_ER_ABRT), "unknown command 0x0B aborts (%d)", r);
	r = ata_nodata(&hda, CMD_SET_FEATURES, 0x02, 0, 0);
	report(r == 0, "SET FEATURES 0x02 (write cache on) (%d)", r);
	r = ata_nodata(&hda, CMD_SET_FEATURES, 0x03, 0x0C, 0);
	report(r == 0, "SET FEATURES 0x03: PIO mode 4 (%d)", r);
	r = ata_nodata(&hda, CMD_SET_FEATURES, 0x03, 0x22, 0);
	ide_probe(0, 0, &again);
	report(r == 0 && (again.id[63] & 0x0700) == 0x0400 &&
		       !(again.id[88] & 0xFF00),
	       "SET FEATURES 0x03: MWDMA mode 2, selected in word 63 (0x%04x)"
	       ", no UDMA in word 88 (0x%04x) (%d)", again.id[63],
	       again.id[88], r);
	r = ata_nodata(&hda, CMD_SET_FEATURES, 0x03, 0x42, 0);
	ide_probe(0, 0, &again);
	report(r == 0 && (again.id[88] & 0xFF00) == 0x0400 &&
		       !(again.id[63] & 0x0700),
	       "SET FEATURES 0x03: UDMA mode 2, selected in word 88 (0x%04x)"
	       ", no MWDMA in word 63 (0x%04x) (%d)", again.id[88],
	       again.id[63], r);
	r = ata_nodata(&hda, CMD_SET_FEATURES, 0x82, 0, 0);
	ide_probe(0, 0, &again);
	report(r == 0 && !(again.id[85] & 0x20),
	       "SET FEATURES 0x82: write cache off in word 85 (0x%04x) (%d)",
	       again.id[85], r);
	r = ata_nodata(&hda, CMD_SET_FEATURES, 0x02, 0, 0);
	ide_probe(0, 0, &again);
	report(r == 0 && (again.id[85] & 0x20),
	       "SET FEATURES 0x02: write cache on again (0x%04x) (%d)",
	       again.id[85], r);
	r = ata_nodata(&hda, CMD_SET_FEATURES, 0x00, 0, 0);
	report(is_err(r, ATA_ER_ABRT),
	       "SET FEATURES with reserved subcommand 0x00 aborts (%d)", r);
}

/*
 * One READ DMA with nIEN clear (IRQ 14 stays masked at the PIC), driven by
 * hand: Active while running, clear at the end with Interrupt set, INTRQ
 * asserted until Status is read, Interrupt write-1-to-clear.
 */
static void test_bm_status(void)
{
	static struct {
		uint32_t addr, len_flags;
	} prd __attribute__((aligned(16)));
	uint16_t bm = hda.bm;
	uint8_t bs, bs_end, st;
	uint16_t irr;
	unsigned spins = 0;
	int r;

	bs = inb(bm + BM_STATUS);
	outb(bm + BM_STATUS, 0x60 | BM_ST_ERROR | BM_ST_INTR);
	report((inb(bm + BM_STATUS) & 0x67) == 0x60,
	       "BM status: drive DMA-capable bits are writable (0x%02x)",
	       inb(bm + BM_STATUS));
	outb(bm + BM_STATUS, BM_ST_ERROR | BM_ST_INTR);
	report((inb(bm + BM_STATUS) & 0x67) == 0,
	       "BM status: ... and clear again (0x%02x)", inb(bm + BM_STATUS));
	outb(bm + BM_STATUS, (bs & 0x60));

	prd.addr = (uint32_t)(uintptr_t)big;
	prd.len_flags = 0x80000000u | 8 * 512;
	outb(bm + BM_CMD, 0);
	outl(bm + BM_PRDT, (uint32_t)(uintptr_t)&prd);
	report(inl(bm + BM_PRDT) == (uint32_t)(uintptr_t)&prd,
	       "BM PRD table address reads back (0x%08x)", inl(bm + BM_PRDT));
	outb(bm + BM_CMD, BM_CMD_READ);
	report(inb(bm + BM_CMD) == BM_CMD_READ, "BM command reads back 0x%02x",
	       inb(bm + BM_CMD));

	zero(big, 8);
	outb(hda.ctl, 0); /* nIEN clear: INTRQ drives IRQ 14 */
	r = ide_select(&hda, 0);
	outb(hda.cmd + 2, 8);
	outb(hda.cmd + 3, 64);
	outb(hda.cmd + 4, 0);
	outb(hda.cmd + 5, 0);
	outb(hda.cmd + 7, CMD_READ_DMA);
	outb(bm + BM_CMD, BM_CMD_READ | BM_CMD_START);
	do {
		bs_end = inb(bm + BM_STATUS);
	} while ((bs_end & BM_ST_ACTIVE) && !(bs_end & BM_ST_ERROR) &&
		 ++spins < 100000);
	r = r < 0 ? r : ide_wait(&hda, 0, 0, 1000);
	irr = pic_read_irr();
	bs = inb(bm + BM_STATUS);
	report(!(bs_end & (BM_ST_ACTIVE | BM_ST_ERROR)) &&
		       (bs & BM_ST_INTR),
	       "BM status at the end: Active clear, Interrupt set (0x%02x, "
	       "%u polls)", bs, spins);
	report(irr & (1u << 14), "IRQ 14 pending at the PIC (IRR 0x%04x)", irr);
	st = inb(hda.cmd + 7); /* acknowledges INTRQ */
	report(r >= 0 && !(st & (ATA_SR_ERR | ATA_SR_DRQ | ATA_SR_BSY)),
	       "READ DMA by hand: Status 0x%02x", st);
	outb(bm + BM_CMD, BM_CMD_READ); /* Start off */
	report(check(big, 64, 8, 0, "bm"), "READ DMA by hand: the data");
	report(inb(bm + BM_STATUS) & BM_ST_INTR,
	       "BM Interrupt stays set after Status is read and Start cleared");
	outb(bm + BM_STATUS, bs & ~BM_ST_INTR & 0x60);
	report(inb(bm + BM_STATUS) & BM_ST_INTR,
	       "writing 0 to Interrupt leaves it set");
	outb(bm + BM_STATUS, (bs & 0x60) | BM_ST_INTR);
	bs = inb(bm + BM_STATUS);
	report(!(bs & (BM_ST_INTR | BM_ST_ACTIVE)),
	       "writing 1 to Interrupt clears it (0x%02x)", bs);

	/*
	 * A PRD table longer than the transfer: the device finishes and
	 * interrupts with the table not exhausted, so Active stays set
	 * next to Interrupt until Start is cleared (PIIX3 §2.7.3 table).
	 */
	prd.len_flags = 0x80000000u | 16 * 512;
	outb(bm + BM_STATUS, (bs & 0x60) | BM_ST_ERROR | BM_ST_INTR);
	outl(bm + BM_PRDT, (uint32_t)(uintptr_t)&prd);
	outb(bm + BM_CMD, BM_CMD_READ);
	r = ide_select(&hda, 0);
	outb(hda.cmd + 2, 8);
	outb(hda.cmd + 3, 64);
	outb(hda.cmd + 4, 0);
	outb(hda.cmd + 5, 0);
	outb(hda.cmd + 7, CMD_READ_DMA);
	outb(bm + BM_CMD, BM_CMD_READ | BM_CMD_START);
	spins = 0;
	do {
		bs_end = inb(bm + BM_STATUS);
	} while (!(bs_end & (BM_ST_INTR | BM_ST_ERROR)) && ++spins < 100000);
	r = r < 0 ? r : ide_wait(&hda, 0, 0, 1000);
	st = inb(hda.cmd + 7);
	report(r >= 0 && (bs_end & 0x07) == (BM_ST_ACTIVE | BM_ST_INTR) &&
		       !(st & (ATA_SR_ERR | ATA_SR_DRQ)),
	       "PRD table longer than the transfer: Active and Interrupt both "
	       "set (0x%02x), Status 0x%02x", bs_end, st);
	outb(bm + BM_CMD, BM_CMD_READ);
	bs = inb(bm + BM_STATUS);
	report(!(bs & BM_ST_ACTIVE), "clearing Start clears Active (0x%02x)",
	       bs);
	outb(bm + BM_STATUS, (bs & 0x60) | BM_ST_INTR);
	outb(hda.ctl, ATA_CTL_NIEN);
	outb(bm + BM_CMD, 0);
}

/*
 * Software reset of the primary channel: the disk's signature, a working
 * drive afterwards; EXECUTE DEVICE DIAGNOSTIC: device 0 passed, no
 * device 1 (Error 0x01), and the signature again.
 */
static void test_reset(void)
{
	uint8_t st, sig[4], err;
	unsigned spins = 0;
	int r;

	/* Held 5 ms: QEMU resets in a bottom half (see atapi.c). */
	outb(hda.ctl, ATA_CTL_SRST | ATA_CTL_NIEN);
	pit_delay_us(5000);
	outb(hda.ctl, ATA_CTL_NIEN);
	pit_delay_us(2000);
	do {
		st = inb(hda.ctl);
	} while ((st & ATA_SR_BSY) && ++spins < 100000);
	outb(hda.cmd + 6, 0xA0); /* device 0 (QEMU keeps the old selection) */
	for (unsigned i = 0; i < 4; i++)
		sig[i] = inb(hda.cmd + 2 + i);
	st = inb(hda.ctl);
	report(!(st & (ATA_SR_BSY | ATA_SR_DRQ | ATA_SR_ERR)) &&
		       (st & ATA_SR_DRDY),
	       "after SRST: ready (0x%02x)", st);
	report(sig[0] == 1 && sig[1] == 1 && sig[2] == 0 && sig[3] == 0,
	       "after SRST: ATA signature %02x %02x %02x %02x", sig[0], sig[1],
	       sig[2], sig[3]);
	r = ata_pio(&hda, false, 77, 1, big);
	report(r == 0 && check(big, 77, 1, 0, "after srst"),
	       "a read works after SRST (%d)", r);

	outb(hda.cmd + 2, 0x55);
	outb(hda.cmd + 7, 0x90);
	r = ide_wait(&hda, 0, 0, 1000);
	err = inb(hda.cmd + 1);
	for (unsigned i = 0; i < 4; i++)
		sig[i] = inb(hda.cmd + 2 + i);
	st = inb(hda.cmd + 7);
	report(r >= 0 && err == 0x01 && !(st & ATA_SR_ERR),
	       "EXECUTE DEVICE DIAGNOSTIC: Error 0x%02x (device 0 passed, no "
	       "device 1), Status 0x%02x", err, st);
	report(sig[0] == 1 && sig[1] == 1 && sig[2] == 0 && sig[3] == 0,
	       "EXECUTE DEVICE DIAGNOSTIC: signature %02x %02x %02x %02x",
	       sig[0], sig[1], sig[2], sig[3]);
}

int main(void)
{
	nsect = cmdline_ulong("disk_mib", 0) * 2048;
	report(nsect, "disk_mib on the command line (%lu sectors)",
	       (unsigned long)nsect);
	pic_init(); /* everything masked, IRQ 14 included */
	if (!report(ide_init() == 0, "PIIX3 IDE found and set up"))
		return report_summary();
	test_identify();
	if (!hda.present)
		return report_summary();
	test_pio();
	test_multiple();
	test_dma();
	test_lba48();
	test_flush();
	test_errors();
	test_bm_status();
	test_reset();
	return report_summary();
}
