/* SPDX-License-Identifier: MIT */
/*
 * The ATAPI CD-ROM on the secondary channel (hdc, the runner's read-only
 * pattern image, 2048-byte blocks): the packet-device signature after a
 * software reset and after IDENTIFY DEVICE aborts, IDENTIFY PACKET DEVICE,
 * TEST UNIT READY, INQUIRY, READ CAPACITY, READ(10)/READ(12) checked in
 * ring 3 against the pattern, READ TOC, GET CONFIGURATION, MODE SENSE,
 * START STOP UNIT, and the errors: a READ past the end (ILLEGAL REQUEST,
 * LBA out of range), an unknown opcode (ILLEGAL REQUEST, invalid command
 * operation code) and a WRITE(10) to the read-only disc.
 *
 * Command line: cd_mib=N, the image's size.
 */
#include "guest.h"

#define SENSE_NOT_READY 0x2
#define SENSE_ILLEGAL_REQUEST 0x5
#define SENSE_UNIT_ATTENTION 0x6
#define SENSE_DATA_PROTECT 0x7
#define ASC_INVALID_OPCODE 0x20
#define ASC_LBA_OUT_OF_RANGE 0x21

static uint8_t buf[0x20000] __attribute__((aligned(4096)));
static struct ide_drive cd;
static uint32_t blocks;

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool is_sense(int r, unsigned key, unsigned asc)
{
	return IDE_E_IS_SENSE(r) && IDE_E_SENSE_KEY(r) == key &&
	       IDE_E_SENSE_ASC(r) == asc;
}

static void report_sense(int r, const char *what)
{
	if (IDE_E_IS_SENSE(r))
		report_info("%s: sense %x/%02x/%02x", what, IDE_E_SENSE_KEY(r),
			    IDE_E_SENSE_ASC(r), IDE_E_SENSE_ASCQ(r));
}

/* READ(10) (op 0x28) or READ(12) (op 0xA8) of n blocks at lba. */
static int read_blocks(uint8_t op, uint32_t lba, uint32_t n, void *out)
{
	uint8_t cdb[12] = { op, 0, lba >> 24, lba >> 16, lba >> 8, lba };

	if (op == 0x28) {
		cdb[7] = (uint8_t)(n >> 8);
		cdb[8] = (uint8_t)n;
	} else {
		cdb[6] = (uint8_t)(n >> 24);
		cdb[7] = (uint8_t)(n >> 16);
		cdb[8] = (uint8_t)(n >> 8);
		cdb[9] = (uint8_t)n;
	}
	return atapi_packet(&cd, cdb, out, n * 2048);
}

static bool check_blocks(const void *p, uint32_t lba, uint32_t n)
{
	long bad = ide_pattern_check(p, 4ull * lba, 4 * n, 0);

	if (bad >= 0)
		report_info("dword %ld (block %u) is 0x%08x", bad,
			    lba + (unsigned)(bad / 512),
			    ((const uint32_t *)p)[bad]);
	return bad < 0;
}

static void test_signature(void)
{
	uint8_t st, nsect, lbal, mid, high;
	unsigned spins = 0;

	/* SRST: the channel resets; the CD then shows its signature. */
	/*
	 * SRST held 5 ms (ATA asks at least 5 us): QEMU performs the reset
	 * in a bottom half scheduled at the rising edge, which a loaded host
	 * can run after a short pulse has already ended.
	 */
	outb(0x376, ATA_CTL_SRST | ATA_CTL_NIEN);
	pit_delay_us(5000);
	outb(0x376, ATA_CTL_NIEN);
	pit_delay_us(2000);
	do {
		st = inb(0x376);
	} while ((st & ATA_SR_BSY) && ++spins < 100000);
	report(!(st & ATA_SR_BSY), "software reset: BSY clears (0x%02x)", st);
	report((inb(0x176) & 0x10) == 0, "after reset: device 0 selected");
	/*
	 * Reset clears DEV, but QEMU keeps routing register reads to the
	 * device selected before the reset (here SeaBIOS's probe of the
	 * absent hdd, whose "signature" is ff ff), so select device 0 again,
	 * as Linux does before it classifies a device.
	 */
	outb(0x176, 0xA0);
	nsect = inb(0x172);
	lbal = inb(0x173);
	mid = inb(0x174);
	high = inb(0x175);
	report(nsect == 1 && lbal == 1 && mid == 0x14 && high == 0xEB,
	       "after reset: packet signature %02x %02x %02x %02x", nsect, lbal,
	       mid, high);

	/* IDENTIFY DEVICE is aborted and leaves the signature too. */
	outb(0x176, 0xA0);
	outb(0x174, 0);
	outb(0x175, 0);
	outb(0x177, 0xEC);
	spins = 0;
	do {
		st = inb(0x376);
	} while ((st & ATA_SR_BSY) && ++spins < 100000);
	mid = inb(0x174);
	high = inb(0x175);
	report((st & ATA_SR_ERR) && (inb(0x171) & ATA_ER_ABRT) &&
		       !(st & ATA_SR_DRQ),
	       "IDENTIFY DEVICE aborts (status 0x%02x)", st);
	report(mid == 0x14 && high == 0xEB,
	       "... with the signature in LBA mid/high (%02x %02x)", mid, high);
	inb(0x177);
}

static void test_identify(void)
{
	char model[41];
	int r;

	r = ide_probe(1, 0, &cd);
	if (!report(r == 0 && cd.present && cd.atapi,
		    "hdc answers IDENTIFY PACKET DEVICE (%d)", r))
		return;
	for (unsigned i = 0; i < 20; i++) {
		model[2 * i] = (char)(cd.id[27 + i] >> 8);
		model[2 * i + 1] = (char)cd.id[27 + i];
	}
	model[40] = 0;
	for (int i = 39; i >= 0 && model[i] == ' '; i--)
		model[i] = 0;
	report(model[0] > ' ' && model[0] < 0x7F, "model \"%s\"", model);
	/* Word 0: 10b ATAPI, type 05h CD-ROM, 12-byte packets. */
	report((cd.id[0] & 0xC000) == 0x8000 &&
		       ((cd.id[0] >> 8) & 0x1F) == 5 && (cd.id[0] & 3) == 0,
	       "word 0: ATAPI CD-ROM, 12-byte packets (0x%04x)", cd.id[0]);
	report(cd.id[0] & 0x0080, "word 0: removable");
}

static void test_ready(void)
{
	static const uint8_t tur[12] = { 0x00 };
	static const uint8_t start[12] = { 0x1B, 0, 0, 0, 0x01 };
	int r = -1, attention = 0;

	/* A fresh unit may report UNIT ATTENTION (reset, medium) first. */
	for (int i = 0; i < 4 && r != 0; i++) {
		r = atapi_packet(&cd, tur, NULL, 0);
		if (IDE_E_IS_SENSE(r) &&
		    IDE_E_SENSE_KEY(r) == SENSE_UNIT_ATTENTION)
			attention++;
		else if (r)
			break;
	}
	report_sense(r, "TEST UNIT READY");
	report(r == 0, "TEST UNIT READY: ready (%d UNIT ATTENTIONs first)",
	       attention);
	r = atapi_packet(&cd, start, NULL, 0);
	report(r == 0, "START STOP UNIT: start (%d)", r);
}

static void test_inquiry(void)
{
	static const uint8_t inquiry[12] = { 0x12, 0, 0, 0, 36 };
	char vendor[9], product[17];
	int r;

	memset(buf, 0xEE, 64);
	r = atapi_packet(&cd, inquiry, buf, 36);
	memcpy(vendor, buf + 8, 8);
	vendor[8] = 0;
	memcpy(product, buf + 16, 16);
	product[16] = 0;
	report(r == 36, "INQUIRY: 36 bytes (%d)", r);
	report((buf[0] & 0x1F) == 5, "INQUIRY: peripheral type 5 (0x%02x)",
	       buf[0]);
	report(buf[1] & 0x80, "INQUIRY: removable medium (0x%02x)", buf[1]);
	report(buf[4] >= 31, "INQUIRY: additional length %u, \"%s\" \"%s\"",
	       buf[4], vendor, product);
	report(buf[36] == 0xEE, "INQUIRY: nothing past the allocation length");
}

static void test_capacity(void)
{
	static const uint8_t capacity[12] = { 0x25 };
	int r;

	memset(buf, 0, 8);
	r = atapi_packet(&cd, capacity, buf, 8);
	report(r == 8 && be32(buf) == blocks - 1 && be32(buf + 4) == 2048,
	       "READ CAPACITY: last LBA %u, block %u; image %u blocks (%d)",
	       be32(buf), be32(buf + 4), blocks, r);
}

static void test_read(void)
{
	int r;

	memset(buf, 0, 40 * 2048);
	r = read_blocks(0x28, 10, 40, buf);
	report(r == 40 * 2048 && check_blocks(buf, 10, 40),
	       "READ(10) of 40 blocks at 10 (80 KiB, several DRQ blocks) (%d)",
	       r);
	memset(buf, 0, 8 * 2048);
	r = read_blocks(0xA8, 300, 8, buf);
	report(r == 8 * 2048 && check_blocks(buf, 300, 8),
	       "READ(12) of 8 blocks at 300 (%d)", r);
	memset(buf, 0, 2048);
	r = read_blocks(0x28, blocks - 1, 1, buf);
	report(r == 2048 && check_blocks(buf, blocks - 1, 1),
	       "READ(10) of the last block (%d)", r);
	r = read_blocks(0x28, 0, 0, buf);
	report(r == 0, "READ(10) of 0 blocks transfers nothing (%d)", r);
}

static void test_toc(void)
{
	static const uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 1, 0, 20 };
	static const uint8_t config[12] = { 0x46, 0x02, 0, 0, 0, 0, 0, 0, 8 };
	static const uint8_t mode[12] = { 0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64 };
	int r;

	memset(buf, 0, 64);
	r = atapi_packet(&cd, toc, buf, 20);
	/* Header (length, first, last), track 1 at 0, lead-out 0xAA. */
	report(r == 20 && be16(buf) == 18 && buf[2] == 1 && buf[3] == 1 &&
		       buf[6] == 1 && be32(buf + 8) == 0 && buf[14] == 0xAA &&
		       be32(buf + 16) == blocks,
	       "READ TOC: track 1 at 0, lead-out at %u (%d)", be32(buf + 16),
	       r);
	memset(buf, 0, 64);
	r = atapi_packet(&cd, config, buf, 8);
	report(r == 8 && be16(buf + 6) == 0x0008,
	       "GET CONFIGURATION: current profile CD-ROM (0x%04x) (%d)",
	       be16(buf + 6), r);
	memset(buf, 0, 64);
	r = atapi_packet(&cd, mode, buf, 64);
	report(r >= 8 + 2 && (buf[8] & 0x3F) == 0x2A,
	       "MODE SENSE(10): page 2Ah (0x%02x, %d bytes)", buf[8], r);
}

static void test_errors(void)
{
	static const uint8_t unknown[12] = { 0x0D };
	static const uint8_t sense[12] = { 0x03, 0, 0, 0, 18 };
	uint8_t write10[12] = { 0x2A, 0, 0, 0, 0, 16, 0, 0, 1 };
	int r;

	r = read_blocks(0x28, blocks, 1, buf);
	report_sense(r, "READ(10) past the end");
	report(is_sense(r, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE),
	       "READ(10) at LBA %u: ILLEGAL REQUEST, LBA out of range", blocks);
	r = read_blocks(0xA8, blocks - 2, 4, buf);
	report_sense(r, "READ(12) running past the end");
	report(is_sense(r, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE),
	       "READ(12) running past the end: ILLEGAL REQUEST, LBA out of "
	       "range");

	r = atapi_packet(&cd, unknown, buf, 2048);
	report_sense(r, "opcode 0x0D");
	report(is_sense(r, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE),
	       "unknown opcode 0x0D: ILLEGAL REQUEST, invalid command "
	       "operation code");

	/* Data-out: the device must refuse before asking for the data. */
	r = atapi_packet(&cd, write10, buf, 2048);
	report_sense(r, "WRITE(10)");
	report(IDE_E_IS_SENSE(r) &&
		       (IDE_E_SENSE_KEY(r) == SENSE_ILLEGAL_REQUEST ||
			IDE_E_SENSE_KEY(r) == SENSE_DATA_PROTECT),
	       "WRITE(10) to the CD fails with ILLEGAL REQUEST or DATA "
	       "PROTECT (%d)", r);

	/* And the unit still works afterwards. */
	memset(buf, 0, 2048);
	r = read_blocks(0x28, 7, 1, buf);
	report(r == 2048 && check_blocks(buf, 7, 1),
	       "READ(10) works after the errors (%d)", r);
	/*
	 * SPC keeps sense data only until the next command, so this should
	 * be NO SENSE; QEMU keeps the last error's (5/20), so only report.
	 */
	memset(buf, 0xEE, 18);
	r = atapi_packet(&cd, sense, buf, 18);
	report(r >= 14 && (buf[0] & 0x7F) == 0x70,
	       "REQUEST SENSE: fixed-format sense data (%d bytes)", r);
	report_info("REQUEST SENSE after a good command: key %x asc %02x",
		    buf[2] & 0xF, buf[12]);
}

int main(void)
{
	blocks = (uint32_t)cmdline_ulong("cd_mib", 0) * 512;
	report(blocks, "cd_mib on the command line (%u blocks)", blocks);
	if (!report(ide_init() == 0, "PIIX3 IDE found and set up"))
		return report_summary();
	test_signature();
	test_identify();
	if (!cd.present)
		return report_summary();
	test_ready();
	test_inquiry();
	test_capacity();
	test_read();
	test_toc();
	test_errors();
	return report_summary();
}
