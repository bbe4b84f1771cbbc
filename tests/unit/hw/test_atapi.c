/* SPDX-License-Identifier: MIT */
/*
 * ATAPI CD-ROM unit tests: the PACKET protocol (phases, interrupt reason,
 * byte count limits, DMA), sense data and unit attention, each MMC
 * command and media changes, against an in-memory disc image.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dm/hw/ata.h"
#include "dm/hw/atapi.h"
#include "dm/hw/ide.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CD_SECTORS 300u
#define MEM_SIZE (1u << 20)
#define PRDT 0x1000u
#define READY (IDE_ST_DRDY | IDE_ST_DSC)
#define MAX_BLOCKS 2048u

struct fake {
	struct ide_channel ch;
	int level;
	unsigned raises, redundant;
	uint64_t cap; /* CD sectors the model was told about */
	unsigned reads;
	int fail_read;
	uint8_t mem[MEM_SIZE];
	/* The last PIO response. */
	uint8_t resp[0x30000];
	unsigned blocks[MAX_BLOCKS];
	unsigned nblocks;
};

static struct fake F;

static uint8_t pattern(uint64_t cdlba, unsigned i)
{
	return (uint8_t)(cdlba * 29 + i * 3 + i / 256);
}

static void fake_set_irq(void *opaque, int level)
{
	struct fake *f = opaque;

	if (level == f->level)
		f->redundant++;
	if (level)
		f->raises++;
	f->level = level;
}

static int fake_dma_rw(void *opaque, uint64_t gpa, void *buf, size_t len,
		       bool to_guest)
{
	struct fake *f = opaque;

	assert_true(len > 0 && len <= BMDMA_REGION_MAX);
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -EFAULT;
	if (to_guest)
		memcpy(f->mem + gpa, buf, len);
	else
		memcpy(buf, f->mem + gpa, len);
	return 0;
}

static int fake_read(void *o, uint64_t lba, void *buf, unsigned nsec)
{
	struct fake *f = o;
	uint8_t *p = buf;
	unsigned i;

	/* Whole CD sectors, inside the disc and the buffer. */
	assert_true(nsec > 0 && nsec % 4 == 0 && lba % 4 == 0);
	assert_true((size_t)nsec * IDE_SECTOR_SIZE <= IDE_BUF_SIZE);
	assert_true(lba / 4 + nsec / 4 <= f->cap);
	f->reads++;
	if (f->fail_read)
		return f->fail_read;
	for (i = 0; i < nsec * IDE_SECTOR_SIZE; i++)
		p[i] = pattern(lba / 4 + i / IDE_CD_SECTOR_SIZE,
			       i % IDE_CD_SECTOR_SIZE);
	return 0;
}

static const struct ide_ops fake_ops = {
	.set_irq = fake_set_irq,
	.dma_rw = fake_dma_rw,
};

static const struct ide_backend_ops fake_be = {.read = fake_read};

static int setup_cd(void **state, uint64_t cap)
{
	memset(&F, 0, sizeof(F));
	F.cap = cap;
	ide_init(&F.ch, &fake_ops, &F);
	assert_int_equal(ide_attach_atapi(&F.ch, 0, &fake_be, &F, cap,
					  "SAFEPC TEST CD", "CD-SN"),
			 0);
	*state = &F;
	return 0;
}

static int setup(void **state)
{
	return setup_cd(state, CD_SECTORS);
}

static int setup_empty(void **state)
{
	return setup_cd(state, 0);
}

static int teardown(void **state)
{
	struct fake *f = *state;

	assert_int_equal(f->redundant, 0);
	return 0;
}

static struct ide_drive *cd(struct fake *f)
{
	return &f->ch.drive[0];
}

static uint8_t rd(struct fake *f, unsigned off)
{
	return (uint8_t)ide_read(&f->ch, off, 1);
}

static void wr(struct fake *f, unsigned off, uint8_t v)
{
	ide_write(&f->ch, off, 1, v);
}

static uint8_t alt(struct fake *f)
{
	return ide_ctl_read(&f->ch, IDE_REG_CTL);
}

/* PACKET and the command packet; the packet phase must not interrupt. */
static void packet(struct fake *f, const uint8_t *cdb, uint16_t limit,
		   bool dma)
{
	unsigned i, raises = f->raises;

	wr(f, IDE_REG_FEATURE, dma ? 1 : 0);
	wr(f, IDE_REG_LBAM, (uint8_t)limit);
	wr(f, IDE_REG_LBAH, (uint8_t)(limit >> 8));
	wr(f, IDE_REG_COMMAND, ATA_CMD_PACKET);
	assert_int_equal(f->raises, raises);
	assert_int_equal(alt(f), READY | IDE_ST_DRQ);
	assert_int_equal(rd(f, IDE_REG_NSECTOR), IDE_IR_COD);
	for (i = 0; i < ATAPI_CDB_SIZE; i += 2)
		ide_write(&f->ch, 0, 2,
			  (uint32_t)cdb[i] | (uint32_t)cdb[i + 1] << 8);
}

/*
 * Collects a PIO data-in response: each DRQ block announced by an
 * interrupt, reason IO, its byte count within the limit. Returns the
 * final status (after the status phase interrupt).
 */
static uint8_t response(struct fake *f, unsigned limit, unsigned *len)
{
	unsigned total = 0;
	uint8_t st;

	f->nblocks = 0;
	for (;;) {
		unsigned n, i;

		assert_int_equal(f->level, 1);
		st = rd(f, IDE_REG_STATUS);
		assert_int_equal(f->level, 0);
		if (!(st & IDE_ST_DRQ))
			break;
		assert_int_equal(st, READY | IDE_ST_DRQ);
		assert_int_equal(rd(f, IDE_REG_NSECTOR), IDE_IR_IO);
		n = rd(f, IDE_REG_LBAM) | (unsigned)rd(f, IDE_REG_LBAH) << 8;
		assert_true(n > 0 && n <= limit);
		assert_true(total + n <= sizeof(f->resp));
		assert_true(f->nblocks < MAX_BLOCKS);
		f->blocks[f->nblocks++] = n;
		for (i = 0; i < n; i += 2) {
			uint16_t w = (uint16_t)ide_read(&f->ch, 0, 2);

			f->resp[total + i] = (uint8_t)w;
			if (i + 1 < n)
				f->resp[total + i + 1] = (uint8_t)(w >> 8);
			else
				assert_int_equal(w >> 8, 0); /* pad byte */
		}
		total += n;
	}
	assert_int_equal(rd(f, IDE_REG_NSECTOR), IDE_IR_COD | IDE_IR_IO);
	*len = total;
	return st;
}

/* A whole command that must succeed; returns the response length. */
static unsigned run(struct fake *f, const uint8_t *cdb, unsigned limit)
{
	unsigned len;

	packet(f, cdb, (uint16_t)limit, false);
	assert_int_equal(response(f, limit ? limit : 0xfffe, &len), READY);
	return len;
}

static void sense(struct fake *f, uint8_t *key, uint8_t *asc, uint8_t *ascq)
{
	static const uint8_t cdb[12] = {ATAPI_REQUEST_SENSE, 0, 0, 0, 18};

	assert_int_equal(run(f, cdb, 18), 18);
	assert_int_equal(f->resp[0], 0x70);
	assert_int_equal(f->resp[7], 10);
	*key = f->resp[2];
	*asc = f->resp[12];
	*ascq = f->resp[13];
}

/* The command failed with CHECK CONDITION and this sense. */
static void check(struct fake *f, const uint8_t *cdb, uint8_t key,
		  uint8_t asc, uint8_t ascq)
{
	uint8_t k, a, q;
	unsigned len;

	packet(f, cdb, 0xfffe, false);
	assert_int_equal(response(f, 0xfffe, &len), READY | IDE_ST_ERR);
	assert_int_equal(len, 0);
	assert_int_equal(rd(f, IDE_REG_ERROR),
			 key << 4 | (key == ATAPI_SK_ILLEGAL_REQUEST
					     ? IDE_ER_ABRT
					     : 0));
	sense(f, &k, &a, &q);
	assert_int_equal(k, key);
	assert_int_equal(a, asc);
	assert_int_equal(q, ascq);
}

static void good(struct fake *f, const uint8_t *cdb)
{
	assert_int_equal(run(f, cdb, 0xfffe), 0);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static const uint8_t tur[12] = {ATAPI_TEST_UNIT_READY};

static void test_signature_and_ata_commands(void **state)
{
	struct fake *f = *state;
	static const uint8_t probes[] = {ATA_CMD_IDENTIFY,
					 ATA_CMD_READ_SECTORS, 0x21};
	size_t i;

	assert_int_equal(rd(f, IDE_REG_LBAM), 0x14);
	assert_int_equal(rd(f, IDE_REG_LBAH), 0xeb);
	assert_int_equal(rd(f, IDE_REG_STATUS), 0x00);
	/* ATA probes abort and leave the signature for the driver. */
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		wr(f, IDE_REG_LBAM, 0);
		wr(f, IDE_REG_LBAH, 0);
		wr(f, IDE_REG_COMMAND, probes[i]);
		assert_int_equal(f->level, 1);
		assert_int_equal(rd(f, IDE_REG_STATUS), READY | IDE_ST_ERR);
		assert_int_equal(rd(f, IDE_REG_ERROR), IDE_ER_ABRT);
		assert_int_equal(rd(f, IDE_REG_NSECTOR), 1);
		assert_int_equal(rd(f, IDE_REG_LBAL), 1);
		assert_int_equal(rd(f, IDE_REG_LBAM), 0x14);
		assert_int_equal(rd(f, IDE_REG_LBAH), 0xeb);
	}
	/* Housekeeping ATA commands a PACKET device takes. */
	wr(f, IDE_REG_COMMAND, ATA_CMD_CHECK_POWER_MODE);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY);
	assert_int_equal(rd(f, IDE_REG_NSECTOR), 0xff);
	wr(f, IDE_REG_FEATURE, ATA_SF_XFER_MODE);
	wr(f, IDE_REG_NSECTOR, 0x42);
	wr(f, IDE_REG_COMMAND, ATA_CMD_SET_FEATURES);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY);
	assert_int_equal(cd(f)->dma_mode, 0x42);
	wr(f, IDE_REG_NSECTOR, 0x47);
	wr(f, IDE_REG_COMMAND, ATA_CMD_SET_FEATURES);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY | IDE_ST_ERR);
	wr(f, IDE_REG_FEATURE, ATA_SF_WCACHE_ON);
	wr(f, IDE_REG_COMMAND, ATA_CMD_SET_FEATURES);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY | IDE_ST_ERR);
	wr(f, IDE_REG_FEATURE, ATA_SF_REVERT_ON);
	wr(f, IDE_REG_COMMAND, ATA_CMD_SET_FEATURES);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY);
	wr(f, IDE_REG_COMMAND, ATA_CMD_IDLE_IMMEDIATE);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY);
	wr(f, IDE_REG_COMMAND, ATA_CMD_NOP);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY | IDE_ST_ERR);
	wr(f, IDE_REG_COMMAND, ATA_CMD_WRITE_DMA);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY | IDE_ST_ERR);
	/* DEVICE RESET: signature again, no interrupt, DRDY clear. */
	wr(f, IDE_REG_LBAM, 0x99);
	wr(f, IDE_REG_COMMAND, ATA_CMD_DEVICE_RESET);
	assert_int_equal(f->level, 0);
	assert_int_equal(rd(f, IDE_REG_STATUS), 0x00);
	assert_int_equal(rd(f, IDE_REG_LBAM), 0x14);
	assert_int_equal(rd(f, IDE_REG_ERROR), 0x01);
}

static void test_identify_packet(void **state)
{
	static const struct {
		unsigned word;
		uint16_t val;
	} words[] = {
		{0, 0x85c0},  {49, 0x0f00}, {50, 0x4000}, {53, 0x0006},
		{63, 0x0407}, {64, 0x0003}, {80, 0x01f0}, {82, 0x4210},
		{83, 0x4000}, {85, 0x4210}, {88, 0x003f}, {93, 0x604b},
		{60, 0},      {100, 0},
	};
	struct fake *f = *state;
	uint16_t id[256];
	uint8_t sum = 0;
	char model[41];
	unsigned i;

	wr(f, IDE_REG_COMMAND, ATA_CMD_IDENTIFY_PACKET);
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY | IDE_ST_DRQ);
	for (i = 0; i < 256; i++)
		id[i] = (uint16_t)ide_read(&f->ch, 0, 2);
	assert_int_equal(alt(f), READY);
	for (i = 0; i < ARRAY_SIZE(words); i++)
		assert_int_equal(id[words[i].word], words[i].val);
	for (i = 0; i < 20; i++) {
		model[2 * i] = (char)(id[27 + i] >> 8);
		model[2 * i + 1] = (char)id[27 + i];
	}
	model[40] = 0;
	assert_string_equal(model, "SAFEPC TEST CD                          ");
	for (i = 0; i < 256; i++)
		sum = (uint8_t)(sum + (id[i] & 0xff) + (id[i] >> 8));
	assert_int_equal(sum, 0);
}

static void test_packet_phases(void **state)
{
	struct fake *f = *state;
	static const uint8_t inq[12] = {ATAPI_INQUIRY, 0, 0, 0, 36};
	unsigned len;

	packet(f, inq, 0xfffe, false);
	/* Data phase: interrupt, reason IO, byte count 36. */
	assert_int_equal(f->level, 1);
	assert_int_equal(alt(f), READY | IDE_ST_DRQ);
	assert_int_equal(rd(f, IDE_REG_NSECTOR), IDE_IR_IO);
	assert_int_equal(rd(f, IDE_REG_LBAM), 36);
	assert_int_equal(rd(f, IDE_REG_LBAH), 0);
	assert_int_equal(response(f, 0xfffe, &len), READY);
	assert_int_equal(len, 36);
	/* A command without data goes straight to the status phase. */
	packet(f, tur, 0, false);
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, IDE_REG_NSECTOR), IDE_IR_COD | IDE_IR_IO);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY);
	/* A new command abandons a half-read response. */
	packet(f, inq, 0xfffe, false);
	ide_read(&f->ch, 0, 2);
	packet(f, tur, 0, false);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY);
}

static void test_test_unit_ready_and_sense(void **state)
{
	struct fake *f = *state;
	uint8_t k, a, q;

	good(f, tur);
	sense(f, &k, &a, &q);
	assert_int_equal(k, ATAPI_SK_NO_SENSE);
	assert_int_equal(atapi_media_change(cd(f), false, 0), 0);
	check(f, tur, ATAPI_SK_NOT_READY, ATAPI_ASC_NO_MEDIUM, 0);
	/* Sense is reported once. */
	sense(f, &k, &a, &q);
	assert_int_equal(k, ATAPI_SK_NO_SENSE);
	assert_int_equal(a, 0);
}

static void test_media_change_unit_attention(void **state)
{
	struct fake *f = *state;
	static const uint8_t inq[12] = {ATAPI_INQUIRY, 0, 0, 0, 36};
	static const uint8_t cap[12] = {ATAPI_READ_CAPACITY};
	uint8_t k, a, q;

	check(f, tur, ATAPI_SK_NOT_READY, ATAPI_ASC_NO_MEDIUM, 0);
	assert_int_equal(atapi_media_change(cd(f), true, 1000), 0);
	/* INQUIRY runs and leaves the unit attention pending. */
	assert_int_equal(run(f, inq, 0xfffe), 36);
	check(f, tur, ATAPI_SK_UNIT_ATTENTION, ATAPI_ASC_MEDIUM_CHANGED, 0);
	good(f, tur);
	assert_int_equal(run(f, cap, 0xfffe), 8);
	assert_int_equal(be32(f->resp), 999);
	/* REQUEST SENSE reports a pending unit attention and clears it. */
	assert_int_equal(atapi_media_change(cd(f), true, 50), 0);
	sense(f, &k, &a, &q);
	assert_int_equal(k, ATAPI_SK_UNIT_ATTENTION);
	assert_int_equal(a, ATAPI_ASC_MEDIUM_CHANGED);
	good(f, tur);
	/* Host errors. */
	assert_int_equal(atapi_media_change(cd(f), true, 0), -EINVAL);
	assert_int_equal(atapi_media_change(cd(f), true,
					    ATAPI_MAX_SECTORS + 1),
			 -EINVAL);
	assert_int_equal(atapi_media_change(&f->ch.drive[1], true, 1),
			 -EINVAL);
	assert_int_equal(cd(f)->atapi.nsectors, 50);
}

static void test_request_sense_lengths(void **state)
{
	static const struct {
		uint8_t alloc;
		unsigned len;
	} cases[] = {{0, 0}, {1, 1}, {8, 8}, {17, 17}, {18, 18}, {252, 18}};
	struct fake *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t cdb[12] = {ATAPI_REQUEST_SENSE, 0, 0, 0,
				   cases[i].alloc};

		atapi_media_change(cd(f), false, 0);
		check(f, tur, ATAPI_SK_NOT_READY, ATAPI_ASC_NO_MEDIUM, 0);
		atapi_media_change(cd(f), false, 0);
		packet(f, tur, 0, false);
		rd(f, IDE_REG_STATUS);
		assert_int_equal(run(f, cdb, 0xfffe), cases[i].len);
		if (cases[i].len >= 3)
			assert_int_equal(f->resp[2], ATAPI_SK_NOT_READY);
	}
}

static void test_inquiry(void **state)
{
	static const struct {
		uint16_t alloc;
		unsigned len;
	} cases[] = {{0, 0}, {5, 5}, {36, 36}, {96, 36}, {0x100, 36}};
	struct fake *f = *state;
	static const uint8_t evpd[12] = {ATAPI_INQUIRY, 1, 0, 0, 36};
	static const uint8_t page[12] = {ATAPI_INQUIRY, 0, 0x80, 0, 36};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t cdb[12] = {ATAPI_INQUIRY, 0, 0,
				   (uint8_t)(cases[i].alloc >> 8),
				   (uint8_t)cases[i].alloc};

		assert_int_equal(run(f, cdb, 0xfffe), cases[i].len);
	}
	assert_int_equal(f->resp[0], 0x05);
	assert_int_equal(f->resp[1], 0x80);
	assert_int_equal(f->resp[4], 31);
	assert_memory_equal(f->resp + 8, "SAFEPC  CD-ROM          1.0 ", 28);
	check(f, evpd, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
	check(f, page, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
}

static void test_read_capacity(void **state)
{
	struct fake *f = *state;
	static const uint8_t cdb[12] = {ATAPI_READ_CAPACITY};

	assert_int_equal(run(f, cdb, 0xfffe), 8);
	assert_int_equal(be32(f->resp), CD_SECTORS - 1);
	assert_int_equal(be32(f->resp + 4), 2048);
	atapi_media_change(cd(f), false, 0);
	check(f, cdb, ATAPI_SK_NOT_READY, ATAPI_ASC_NO_MEDIUM, 0);
}

static void read10(uint8_t *cdb, uint32_t lba, uint16_t n)
{
	memset(cdb, 0, 12);
	cdb[0] = ATAPI_READ_10;
	cdb[2] = (uint8_t)(lba >> 24);
	cdb[3] = (uint8_t)(lba >> 16);
	cdb[4] = (uint8_t)(lba >> 8);
	cdb[5] = (uint8_t)lba;
	cdb[7] = (uint8_t)(n >> 8);
	cdb[8] = (uint8_t)n;
}

static void read12(uint8_t *cdb, uint32_t lba, uint32_t n)
{
	memset(cdb, 0, 12);
	cdb[0] = ATAPI_READ_12;
	cdb[2] = (uint8_t)(lba >> 24);
	cdb[3] = (uint8_t)(lba >> 16);
	cdb[4] = (uint8_t)(lba >> 8);
	cdb[5] = (uint8_t)lba;
	cdb[6] = (uint8_t)(n >> 24);
	cdb[7] = (uint8_t)(n >> 16);
	cdb[8] = (uint8_t)(n >> 8);
	cdb[9] = (uint8_t)n;
}

static void expect_cd(const uint8_t *p, uint32_t lba, unsigned n)
{
	unsigned i;

	for (i = 0; i < n * IDE_CD_SECTOR_SIZE; i++)
		if (p[i] != pattern(lba + i / IDE_CD_SECTOR_SIZE,
				    i % IDE_CD_SECTOR_SIZE))
			fail_msg("byte %u of the read differs", i);
}

static void test_read_pio_limits(void **state)
{
	static const struct {
		uint16_t limit;
		uint16_t sectors;
		unsigned first_block; /* expected size of the first block */
		unsigned last_block;
	} cases[] = {
		{2048, 3, 2048, 2048},	     /* one sector per block */
		{0xfffe, 3, 6144, 6144},     /* all in one */
		{0, 3, 6144, 6144},	     /* 0 means FFFEh */
		{1000, 2, 1000, 96},	     /* pieces of sectors */
		{2047, 2, 2046, 4},	     /* odd limit: even blocks */
		{1, 1, 2, 2},		     /* absurd limit: words */
		{0xfffe, 40, 0xfffe, 0x4000}, /* refill past 32 sectors */
		{0x8000, 33, 0x8000, 2048},
	};
	struct fake *f = *state;
	size_t c;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		uint8_t cdb[12];
		unsigned len, b, sum = 0, bound;
		uint32_t lba = 7 + (uint32_t)c;

		print_message("case %zu: limit %u\n", c, cases[c].limit);
		read10(cdb, lba, cases[c].sectors);
		packet(f, cdb, cases[c].limit, false);
		bound = cases[c].limit ? cases[c].limit : 0xfffe;
		if (bound < 2)
			bound = 2; /* a word is the least the port moves */
		assert_int_equal(response(f, bound, &len), READY);
		assert_int_equal(len, cases[c].sectors * IDE_CD_SECTOR_SIZE);
		expect_cd(f->resp, lba, cases[c].sectors);
		assert_int_equal(f->blocks[0], cases[c].first_block);
		assert_int_equal(f->blocks[f->nblocks - 1],
				 cases[c].last_block);
		for (b = 0; b < f->nblocks; b++) {
			sum += f->blocks[b];
			/* Only the last block may be odd. */
			if (b + 1 < f->nblocks)
				assert_int_equal(f->blocks[b] & 1, 0);
		}
		assert_int_equal(sum, len);
	}
}

static void test_read12_and_range(void **state)
{
	struct fake *f = *state;
	uint8_t cdb[12];
	unsigned len;

	read12(cdb, CD_SECTORS - 2, 2);
	assert_int_equal(run(f, cdb, 0xfffe), 2 * IDE_CD_SECTOR_SIZE);
	expect_cd(f->resp, CD_SECTORS - 2, 2);
	read12(cdb, CD_SECTORS - 2, 3);
	check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_LBA_OUT_OF_RANGE, 0);
	read12(cdb, 0xffffffffu, 0xffffffffu);
	check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_LBA_OUT_OF_RANGE, 0);
	read10(cdb, CD_SECTORS, 1);
	check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_LBA_OUT_OF_RANGE, 0);
	/* Zero sectors: no data, no error. */
	read10(cdb, 5, 0);
	packet(f, cdb, 0xfffe, false);
	assert_int_equal(response(f, 0xfffe, &len), READY);
	assert_int_equal(len, 0);
	assert_int_equal(f->reads, 1);
	assert_int_equal(cd(f)->stats.range, 3);
}

static void test_read_errors(void **state)
{
	struct fake *f = *state;
	uint8_t cdb[12];
	unsigned len;

	f->fail_read = -EIO;
	read10(cdb, 0, 1);
	check(f, cdb, ATAPI_SK_MEDIUM_ERROR, ATAPI_ASC_UNRECOVERED_READ, 0);
	assert_int_equal(cd(f)->stats.io_errors, 1);
	f->fail_read = 0;
	/* The disc goes away in the middle of a 40-sector read. */
	read10(cdb, 0, 40);
	packet(f, cdb, 0xfffe, false);
	rd(f, IDE_REG_STATUS);
	atapi_media_change(cd(f), false, 0);
	for (len = 0; len < 0xfffe; len += 2)
		ide_read(&f->ch, 0, 2);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY | IDE_ST_DRQ);
	for (len = 0; len < 0x10000 - 0xfffe; len += 2)
		ide_read(&f->ch, 0, 2);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY | IDE_ST_ERR);
	assert_int_equal(rd(f, IDE_REG_ERROR), ATAPI_SK_NOT_READY << 4);
	/* A smaller disc arrives: the reads stay inside it. */
	atapi_media_change(cd(f), true, 10);
	f->cap = 10;
	read10(cdb, 0, 20);
	check(f, cdb, ATAPI_SK_UNIT_ATTENTION, ATAPI_ASC_MEDIUM_CHANGED, 0);
	check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_LBA_OUT_OF_RANGE, 0);
}

static void prd(struct fake *f, uint32_t addr, uint32_t count, bool eot)
{
	uint32_t e[2] = {addr, count | (eot ? BMDMA_PRD_EOT : 0)};

	memcpy(f->mem + PRDT, e, 8);
	ide_bm_write(&f->ch, BMDMA_REG_CMD, 1, 0);
	ide_bm_write(&f->ch, BMDMA_REG_STATUS, 1,
		     BMDMA_ST_INTR | BMDMA_ST_ERROR);
	ide_bm_write(&f->ch, BMDMA_REG_PRDT, 4, PRDT);
}

static void test_read_dma(void **state)
{
	static const uint8_t cap[12] = {ATAPI_READ_CAPACITY};
	struct fake *f = *state;
	uint8_t cdb[12];

	/* 20 sectors into one 40 KiB region; Start after the packet. */
	prd(f, 0x20000, 20 * IDE_CD_SECTOR_SIZE, true);
	read10(cdb, 3, 20);
	packet(f, cdb, 0, true);
	assert_int_equal(f->level, 0);
	assert_int_equal(alt(f), READY | IDE_ST_DRQ);
	assert_int_equal(rd(f, IDE_REG_NSECTOR), IDE_IR_IO);
	ide_bm_write(&f->ch, BMDMA_REG_CMD, 1,
		     BMDMA_CMD_START | BMDMA_CMD_TO_MEM);
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY);
	assert_int_equal(rd(f, IDE_REG_NSECTOR), IDE_IR_COD | IDE_IR_IO);
	assert_int_equal(ide_bm_read(&f->ch, BMDMA_REG_STATUS, 1),
			 BMDMA_ST_INTR);
	expect_cd(f->mem + 0x20000, 3, 20);

	/* A response other than sectors can come by DMA too. */
	prd(f, 0x30000, 0x200, true);
	ide_bm_write(&f->ch, BMDMA_REG_CMD, 1,
		     BMDMA_CMD_START | BMDMA_CMD_TO_MEM);
	packet(f, cap, 0, true);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY);
	assert_int_equal(be32(f->mem + 0x30000), CD_SECTORS - 1);
	/* Table longer than the 8 bytes: Active stays. */
	assert_int_equal(ide_bm_read(&f->ch, BMDMA_REG_STATUS, 1),
			 BMDMA_ST_INTR | BMDMA_ST_ACTIVE);
}

static void test_read_dma_failures(void **state)
{
	struct fake *f = *state;
	uint8_t cdb[12];
	uint8_t k, a, q;

	/* PRD table shorter than 4 sectors. */
	prd(f, 0x20000, 2 * IDE_CD_SECTOR_SIZE, true);
	ide_bm_write(&f->ch, BMDMA_REG_CMD, 1,
		     BMDMA_CMD_START | BMDMA_CMD_TO_MEM);
	read10(cdb, 0, 4);
	packet(f, cdb, 0, true);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY | IDE_ST_ERR);
	assert_int_equal(rd(f, IDE_REG_ERROR), ATAPI_SK_ABORTED_COMMAND << 4);
	sense(f, &k, &a, &q);
	assert_int_equal(k, ATAPI_SK_ABORTED_COMMAND);
	/* Wrong direction. */
	prd(f, 0x20000, 0, true);
	ide_bm_write(&f->ch, BMDMA_REG_CMD, 1, BMDMA_CMD_START);
	packet(f, cdb, 0, true);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY | IDE_ST_ERR);
	assert_int_equal(ide_bm_read(&f->ch, BMDMA_REG_STATUS, 1),
			 BMDMA_ST_INTR | BMDMA_ST_ERROR);
	assert_int_equal(cd(f)->stats.dma_errors, 2);
	/* A CHECK CONDITION before data needs no bus master. */
	prd(f, 0x20000, 0, true);
	read10(cdb, CD_SECTORS, 1);
	packet(f, cdb, 0, true);
	assert_int_equal(rd(f, IDE_REG_STATUS), READY | IDE_ST_ERR);
	assert_int_equal(cd(f)->dma, IDE_DMA_NONE);
}

static void test_mode_sense(void **state)
{
	struct fake *f = *state;
	uint8_t cdb[12] = {ATAPI_MODE_SENSE_10, 0, 0x2a, 0, 0, 0, 0, 0, 64};
	static const uint8_t lock[12] = {ATAPI_PREVENT_ALLOW, 0, 0, 0, 1};

	assert_int_equal(run(f, cdb, 0xfffe), 30);
	assert_int_equal(be16(f->resp), 28);
	assert_int_equal(be16(f->resp + 6), 0); /* no block descriptors */
	assert_int_equal(f->resp[8], 0x2a);
	assert_int_equal(f->resp[9], 20);
	assert_int_equal(f->resp[14], 0x29);
	assert_int_equal(be16(f->resp + 16), 2816);
	good(f, lock);
	run(f, cdb, 0xfffe);
	assert_int_equal(f->resp[14], 0x2b);
	/* Changeable values: the page with no bit set. */
	cdb[2] = 0x40 | 0x2a;
	assert_int_equal(run(f, cdb, 0xfffe), 30);
	assert_int_equal(f->resp[14], 0);
	assert_int_equal(f->resp[9], 20);
	/* Page 01h, every page, and a short allocation. */
	cdb[2] = 0x01;
	assert_int_equal(run(f, cdb, 0xfffe), 20);
	assert_int_equal(f->resp[8], 0x01);
	assert_int_equal(f->resp[9], 10);
	cdb[2] = 0x3f;
	assert_int_equal(run(f, cdb, 0xfffe), 42);
	assert_int_equal(be16(f->resp), 40);
	assert_int_equal(f->resp[20], 0x2a);
	cdb[8] = 10;
	assert_int_equal(run(f, cdb, 0xfffe), 10);
	/* Saved values, unknown pages, subpages: refused. */
	cdb[2] = 0xc0 | 0x2a;
	check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_SAVING_PARAMS, 0);
	cdb[2] = 0x05;
	check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
	cdb[2] = 0x2a;
	cdb[3] = 1;
	check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
	/* MODE SENSE works without a disc. */
	atapi_media_change(cd(f), false, 0);
	cdb[3] = 0;
	assert_int_equal(run(f, cdb, 0xfffe), 10);
}

static void test_read_toc(void **state)
{
	struct fake *f = *state;
	uint8_t cdb[12] = {ATAPI_READ_TOC, 0, 0, 0, 0, 0, 0, 0, 100};

	/* Format 0, LBA: track 1 at 0, lead-out at the end. */
	assert_int_equal(run(f, cdb, 0xfffe), 20);
	assert_int_equal(be16(f->resp), 18);
	assert_int_equal(f->resp[2], 1);
	assert_int_equal(f->resp[3], 1);
	assert_int_equal(f->resp[5], 0x14);
	assert_int_equal(f->resp[6], 1);
	assert_int_equal(be32(f->resp + 8), 0);
	assert_int_equal(f->resp[14], 0xaa);
	assert_int_equal(be32(f->resp + 16), CD_SECTORS);
	/* MSF: 00:02:00 and 300 + 150 frames = 00:06:00. */
	cdb[1] = 0x02;
	assert_int_equal(run(f, cdb, 0xfffe), 20);
	assert_int_equal(be32(f->resp + 8), 0x00000200);
	assert_int_equal(be32(f->resp + 16), 0x00000600);
	/* Starting at the lead-out, or at a track past the last. */
	cdb[6] = 0xaa;
	assert_int_equal(run(f, cdb, 0xfffe), 12);
	assert_int_equal(f->resp[6], 0xaa);
	cdb[6] = 2;
	check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
	/* Format 1: the first track of the last session. */
	cdb[1] = 0;
	cdb[2] = 1;
	cdb[6] = 0;
	assert_int_equal(run(f, cdb, 0xfffe), 12);
	assert_int_equal(be16(f->resp), 10);
	assert_int_equal(f->resp[6], 1);
	/* Format 2 (full TOC), asked for the old way in byte 9. */
	cdb[2] = 0;
	cdb[9] = 0x80;
	assert_int_equal(run(f, cdb, 0xfffe), 48);
	assert_int_equal(be16(f->resp), 46);
	assert_int_equal(f->resp[4 + 3], 0xa0);
	assert_int_equal(f->resp[4 + 8], 1);
	assert_int_equal(f->resp[4 + 22 + 3], 0xa2);
	assert_int_equal(f->resp[4 + 22 + 8], 0);
	assert_int_equal(f->resp[4 + 22 + 9], 6);
	assert_int_equal(f->resp[4 + 33 + 3], 1);
	assert_int_equal(f->resp[4 + 33 + 9], 2);
	/* Allocation length, and formats we do not have. */
	cdb[9] = 0;
	cdb[8] = 6;
	assert_int_equal(run(f, cdb, 0xfffe), 6);
	cdb[2] = 5;
	check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
	atapi_media_change(cd(f), false, 0);
	cdb[2] = 0;
	check(f, cdb, ATAPI_SK_NOT_READY, ATAPI_ASC_NO_MEDIUM, 0);
}

static void test_msf_of_a_large_disc(void **state)
{
	struct fake *f;
	uint8_t cdb[12] = {ATAPI_READ_TOC, 2, 0, 0, 0, 0, 0xaa, 0, 12};

	setup_cd(state, 3000000); /* beyond 255 minutes */
	f = *state;
	assert_int_equal(run(f, cdb, 0xfffe), 12);
	assert_int_equal(be32(f->resp + 8), 0x00ff3b4a);
}

static void test_get_configuration(void **state)
{
	struct fake *f = *state;
	uint8_t cdb[12] = {ATAPI_GET_CONFIGURATION, 0, 0, 0, 0, 0, 0, 0, 200};
	unsigned len;

	len = run(f, cdb, 0xfffe);
	assert_int_equal(len, 8 + 8 + 8 + 8 + 8 + 12 + 8);
	assert_int_equal(be32(f->resp), len - 4);
	assert_int_equal(be16(f->resp + 6), 0x0008);
	assert_int_equal(be16(f->resp + 8), 0x0000); /* profile list */
	assert_int_equal(be16(f->resp + 12), 0x0008);
	assert_int_equal(f->resp[14], 1); /* CD-ROM is current */
	assert_int_equal(be16(f->resp + 16), 0x0001);
	assert_int_equal(be32(f->resp + 20), 2); /* ATAPI */
	assert_int_equal(be16(f->resp + 32), 0x0003);
	assert_int_equal(f->resp[36], 0x29);
	assert_int_equal(be16(f->resp + 40), 0x0010);
	assert_int_equal(f->resp[42], 0x01);
	assert_int_equal(be32(f->resp + 44), 2048);
	assert_int_equal(be16(f->resp + 52), 0x001e);
	/* One feature (RT 2), from a starting feature (RT 0). */
	cdb[1] = 2;
	cdb[3] = 0x03;
	assert_int_equal(run(f, cdb, 0xfffe), 16);
	assert_int_equal(be16(f->resp + 8), 0x0003);
	cdb[3] = 0x04;
	assert_int_equal(run(f, cdb, 0xfffe), 8);
	cdb[1] = 0;
	cdb[3] = 0x10;
	assert_int_equal(run(f, cdb, 0xfffe), 8 + 12 + 8);
	/* No disc: no current profile; RT 1 drops what is not current. */
	atapi_media_change(cd(f), false, 0);
	cdb[3] = 0;
	assert_int_equal(run(f, cdb, 0xfffe), 60);
	assert_int_equal(be16(f->resp + 6), 0);
	assert_int_equal(f->resp[14], 0);
	assert_int_equal(f->resp[42], 0);
	cdb[1] = 1;
	assert_int_equal(run(f, cdb, 0xfffe), 40);
	cdb[1] = 3;
	check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
	cdb[1] = 0;
	cdb[8] = 4;
	assert_int_equal(run(f, cdb, 0xfffe), 4);
}

static void gesn(struct fake *f, uint8_t *event, uint8_t *media)
{
	static const uint8_t cdb[12] = {ATAPI_GET_EVENT_STATUS, 1, 0, 0, 0x10,
					0, 0, 0, 8};

	assert_int_equal(run(f, cdb, 0xfffe), 8);
	assert_int_equal(be16(f->resp), 6);
	assert_int_equal(f->resp[2], 0x04);
	assert_int_equal(f->resp[3], 0x10);
	*event = f->resp[4];
	*media = f->resp[5];
}

static void test_eject_load_and_events(void **state)
{
	struct fake *f = *state;
	static const uint8_t eject[12] = {ATAPI_START_STOP_UNIT, 0, 0, 0, 2};
	static const uint8_t load[12] = {ATAPI_START_STOP_UNIT, 0, 0, 0, 3};
	static const uint8_t spin[12] = {ATAPI_START_STOP_UNIT, 0, 0, 0, 1};
	static const uint8_t lock[12] = {ATAPI_PREVENT_ALLOW, 0, 0, 0, 1};
	static const uint8_t unlock[12] = {ATAPI_PREVENT_ALLOW};
	static const uint8_t mech[12] = {ATAPI_MECHANISM_STATUS, 0, 0, 0, 0,
					 0, 0, 0, 0, 8};
	uint8_t ev, media;

	gesn(f, &ev, &media);
	assert_int_equal(ev, ATAPI_EV_NONE);
	assert_int_equal(media, 0x02);
	good(f, spin);
	good(f, lock);
	check(f, eject, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_REMOVAL_PREVENTED,
	      2);
	good(f, unlock);
	good(f, eject);
	assert_true(cd(f)->atapi.tray_open);
	check(f, tur, ATAPI_SK_NOT_READY, ATAPI_ASC_NO_MEDIUM, 2);
	gesn(f, &ev, &media);
	assert_int_equal(ev, ATAPI_EV_MEDIA_REMOVAL);
	assert_int_equal(media, 0x01);
	gesn(f, &ev, &media); /* reported once */
	assert_int_equal(ev, ATAPI_EV_NONE);
	assert_int_equal(run(f, mech, 0xfffe), 8);
	assert_int_equal(f->resp[1], 0x10);
	good(f, load);
	gesn(f, &ev, &media);
	assert_int_equal(ev, ATAPI_EV_NEW_MEDIA);
	assert_int_equal(media, 0x02);
	check(f, tur, ATAPI_SK_UNIT_ATTENTION, ATAPI_ASC_MEDIUM_CHANGED, 0);
	good(f, tur);
	/* The host swaps the disc. */
	atapi_media_change(cd(f), false, 0);
	gesn(f, &ev, &media);
	assert_int_equal(ev, ATAPI_EV_MEDIA_REMOVAL);
	assert_int_equal(media, 0);
	atapi_media_change(cd(f), true, 100);
	gesn(f, &ev, &media);
	assert_int_equal(ev, ATAPI_EV_NEW_MEDIA);
	assert_int_equal(media, 0x02);
}

static void test_gesn_fields(void **state)
{
	struct fake *f = *state;
	uint8_t cdb[12] = {ATAPI_GET_EVENT_STATUS, 0, 0, 0, 0x10, 0, 0, 0, 8};

	check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
	cdb[1] = 1;
	cdb[4] = 0x02; /* operational change class only: not supported */
	assert_int_equal(run(f, cdb, 0xfffe), 4);
	assert_int_equal(f->resp[2], 0x80);
	cdb[4] = 0x10;
	cdb[8] = 2;
	assert_int_equal(run(f, cdb, 0xfffe), 2);
}

static void test_unknown_opcodes(void **state)
{
	static const uint8_t ops[] = {0x01, 0x1a, 0x2a, 0x35, 0x51, 0x55,
				      0xa0, 0xbe, 0xff};
	struct fake *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		uint8_t cdb[12] = {ops[i]};

		check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST,
		      ATAPI_ASC_INVALID_OPCODE, 0);
	}
	/* Unknown opcodes win over a pending unit attention. */
	atapi_media_change(cd(f), true, 10);
	{
		uint8_t cdb[12] = {0xff};

		check(f, cdb, ATAPI_SK_ILLEGAL_REQUEST,
		      ATAPI_ASC_INVALID_OPCODE, 0);
	}
	check(f, tur, ATAPI_SK_UNIT_ATTENTION, ATAPI_ASC_MEDIUM_CHANGED, 0);
}

static void test_small_commands(void **state)
{
	struct fake *f = *state;
	static const uint8_t speed[12] = {ATAPI_SET_CD_SPEED};
	uint8_t seek[12] = {ATAPI_SEEK_10, 0, 0, 0, 0, 10};

	good(f, speed);
	good(f, seek);
	seek[4] = 0x10;
	check(f, seek, ATAPI_SK_ILLEGAL_REQUEST, ATAPI_ASC_LBA_OUT_OF_RANGE, 0);
}

static void test_empty_drive_at_power_on(void **state)
{
	struct fake *f = *state;
	uint8_t ev, media;

	check(f, tur, ATAPI_SK_NOT_READY, ATAPI_ASC_NO_MEDIUM, 0);
	gesn(f, &ev, &media);
	assert_int_equal(ev, ATAPI_EV_NONE);
	assert_int_equal(media, 0);
	/* Reset keeps the medium state and drops lock and events. */
	cd(f)->atapi.locked = true;
	ide_reset(&f->ch);
	assert_false(cd(f)->atapi.locked);
	assert_false(cd(f)->atapi.medium);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_signature_and_ata_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identify_packet, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_packet_phases, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_test_unit_ready_and_sense,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_media_change_unit_attention, setup_empty,
			teardown),
		cmocka_unit_test_setup_teardown(test_request_sense_lengths,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_inquiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_capacity, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_pio_limits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read12_and_range, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_dma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_dma_failures, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mode_sense, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_toc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msf_of_a_large_disc, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_get_configuration, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_eject_load_and_events,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_gesn_fields, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_opcodes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_small_commands, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_empty_drive_at_power_on,
						setup_empty, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
