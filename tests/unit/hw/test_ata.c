/* SPDX-License-Identifier: MIT */
/*
 * ATA disk unit tests: IDENTIFY, PIO and DMA reads and writes (28/48-bit,
 * CHS, MULTIPLE), range and backend errors, FLUSH, SET FEATURES, against
 * a sparse in-memory disk and a fake guest memory behind the bus master.
 * DMA commands run through both backend forms, the buffered one (read and
 * write of 64 KiB chunks) and the zero-copy one (dmav), and must end the
 * same way.
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
#include "dm/hw/ide.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STORED 4096u /* sectors kept in memory; beyond: a pattern */
#define MEM_SIZE (1u << 20)
#define PRDT 0x1000u
#define READY (IDE_ST_DRDY | IDE_ST_DSC)

struct fake {
	struct ide_channel ch;
	int level;
	unsigned raises, redundant;
	uint64_t cap; /* attached capacity */
	unsigned reads, writes, flushes;
	uint64_t sect_read, sect_written;
	uint64_t last_lba;
	int fail_read, fail_write, fail_flush; /* -errno, or 0 */
	uint64_t fail_lba;
	/* dmav: calls, the first few of them, and the order with flush. */
	unsigned dmavs, dmav_segs;
	uint64_t dmav_off[4], dmav_bytes[4];
	unsigned dmav_nseg[4];
	unsigned tick, dmav_tick, flush_tick;
	uint8_t disk[STORED * IDE_SECTOR_SIZE];
	uint8_t mem[MEM_SIZE];
	uint8_t buf[0x20000];
};

static struct fake F;

static uint8_t pattern(uint64_t lba, unsigned i)
{
	return (uint8_t)(lba * 31 + i * 7 + (lba >> 8) + (lba >> 40));
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

static void check_request(struct fake *f, uint64_t lba, unsigned nsec)
{
	/* The model must never ask beyond the disk or the buffer. */
	assert_true(nsec > 0);
	assert_true((size_t)nsec * IDE_SECTOR_SIZE <= IDE_BUF_SIZE);
	assert_true(lba < f->cap && nsec <= f->cap - lba);
}

static bool covers(uint64_t lba, unsigned nsec, uint64_t x)
{
	return x >= lba && x < lba + nsec;
}

static int fake_read(void *o, uint64_t lba, void *buf, unsigned nsec)
{
	struct fake *f = o;
	uint8_t *p = buf;
	unsigned s, i;

	check_request(f, lba, nsec);
	f->reads++;
	f->last_lba = lba;
	if (f->fail_read && covers(lba, nsec, f->fail_lba))
		return f->fail_read;
	for (s = 0; s < nsec; s++, p += IDE_SECTOR_SIZE) {
		if (lba + s < STORED) {
			memcpy(p, f->disk + (lba + s) * IDE_SECTOR_SIZE,
			       IDE_SECTOR_SIZE);
			continue;
		}
		for (i = 0; i < IDE_SECTOR_SIZE; i++)
			p[i] = pattern(lba + s, i);
	}
	f->sect_read += nsec;
	return 0;
}

static int fake_write(void *o, uint64_t lba, const void *buf, unsigned nsec)
{
	struct fake *f = o;
	const uint8_t *p = buf;
	unsigned s;

	check_request(f, lba, nsec);
	f->writes++;
	f->last_lba = lba;
	if (f->fail_write && covers(lba, nsec, f->fail_lba))
		return f->fail_write;
	for (s = 0; s < nsec; s++, p += IDE_SECTOR_SIZE)
		if (lba + s < STORED)
			memcpy(f->disk + (lba + s) * IDE_SECTOR_SIZE, p,
			       IDE_SECTOR_SIZE);
	f->sect_written += nsec;
	return 0;
}

static int fake_flush(void *o)
{
	struct fake *f = o;

	f->flushes++;
	f->flush_tick = ++f->tick;
	return f->fail_flush;
}

/* Byte `pos` of the image: stored sectors, then the read-only pattern. */
static uint8_t *disk_byte(struct fake *f, uint64_t pos, uint8_t *scratch)
{
	if (pos < sizeof(f->disk))
		return f->disk + pos;
	*scratch = pattern(pos / IDE_SECTOR_SIZE, pos % IDE_SECTOR_SIZE);
	return scratch;
}

/*
 * The zero-copy backend over the same disk and guest memory. Like the DM's
 * (idectl_be_dmav), it checks every segment before any byte moves, so a
 * refused segment or a failing image moves nothing of the call.
 */
static int fake_dmav(void *o, uint64_t off, const struct bmdma_seg *seg,
		     unsigned nseg, bool to_guest)
{
	struct fake *f = o;
	uint64_t total = 0, pos = off;
	unsigned i, k = f->dmavs;
	int fail = to_guest ? f->fail_read : f->fail_write;

	assert_true(nseg > 0 && nseg <= 256);
	for (i = 0; i < nseg; i++) {
		assert_true(seg[i].len > 0 && seg[i].len <= BMDMA_REGION_MAX);
		assert_int_equal(seg[i].len & 1, 0);
		total += seg[i].len;
	}
	/* Byte ranges, but only inside the capacity it was given. */
	assert_true(off < f->cap * IDE_SECTOR_SIZE &&
		    total <= f->cap * IDE_SECTOR_SIZE - off);
	f->dmavs++;
	f->dmav_segs += nseg;
	f->dmav_tick = ++f->tick;
	if (k < ARRAY_SIZE(f->dmav_off)) {
		f->dmav_off[k] = off;
		f->dmav_bytes[k] = total;
		f->dmav_nseg[k] = nseg;
	}
	for (i = 0; i < nseg; i++)
		if (seg[i].gpa >= MEM_SIZE ||
		    seg[i].len > MEM_SIZE - seg[i].gpa)
			return -EFAULT;
	if (fail && f->fail_lba * IDE_SECTOR_SIZE < off + total &&
	    (f->fail_lba + 1) * IDE_SECTOR_SIZE > off)
		return fail;
	for (i = 0; i < nseg; i++) {
		uint8_t *g = f->mem + seg[i].gpa, scratch;
		uint32_t j;

		for (j = 0; j < seg[i].len; j++, pos++) {
			uint8_t *b = disk_byte(f, pos, &scratch);

			if (to_guest)
				g[j] = *b;
			else if (b != &scratch)
				*b = g[j];
		}
	}
	if (to_guest)
		f->sect_read += total / IDE_SECTOR_SIZE;
	else
		f->sect_written += total / IDE_SECTOR_SIZE;
	return 0;
}

static const struct ide_ops fake_ops = {
	.set_irq = fake_set_irq,
	.dma_rw = fake_dma_rw,
};

static const struct ide_backend_ops fake_be = {
	.read = fake_read,
	.write = fake_write,
	.flush = fake_flush,
};

static const struct ide_backend_ops fake_be_dmav = {
	.read = fake_read,
	.write = fake_write,
	.flush = fake_flush,
	.dmav = fake_dmav,
};

/* Disks without a write op (read-only by construction). */
static const struct ide_backend_ops fake_be_nowrite = {
	.read = fake_read,
	.flush = fake_flush,
};

static const struct ide_backend_ops fake_be_nowrite_dmav = {
	.read = fake_read,
	.flush = fake_flush,
	.dmav = fake_dmav,
};

static void setup_be(void **state, uint64_t cap,
		     const struct ide_backend_ops *be)
{
	unsigned i;

	memset(&F, 0, sizeof(F));
	F.cap = cap;
	for (i = 0; i < sizeof(F.disk); i++)
		F.disk[i] = pattern(i / IDE_SECTOR_SIZE, i % IDE_SECTOR_SIZE);
	ide_init(&F.ch, &fake_ops, &F);
	assert_int_equal(ide_attach_ata(&F.ch, 0, be, &F, cap,
					"SAFEPC TEST DISK", "SN-1234"),
			 0);
	*state = &F;
}

static int setup_cap(void **state, uint64_t cap)
{
	setup_be(state, cap, &fake_be);
	return 0;
}

static int setup(void **state)
{
	return setup_cap(state, STORED);
}

static int teardown(void **state)
{
	struct fake *f = *state;

	assert_int_equal(f->redundant, 0);
	return 0;
}

static uint8_t rd(struct fake *f, unsigned off)
{
	return (uint8_t)ide_read(&f->ch, off, 1);
}

static void wr(struct fake *f, unsigned off, uint8_t v)
{
	ide_write(&f->ch, off, 1, v);
}

static uint8_t status(struct fake *f)
{
	return rd(f, IDE_REG_STATUS);
}

static uint8_t alt(struct fake *f)
{
	return ide_ctl_read(&f->ch, IDE_REG_CTL);
}

static void cmd28(struct fake *f, uint8_t cmd, uint32_t lba, uint8_t count)
{
	wr(f, IDE_REG_FEATURE, 0);
	wr(f, IDE_REG_NSECTOR, count);
	wr(f, IDE_REG_LBAL, (uint8_t)lba);
	wr(f, IDE_REG_LBAM, (uint8_t)(lba >> 8));
	wr(f, IDE_REG_LBAH, (uint8_t)(lba >> 16));
	wr(f, IDE_REG_DEVICE, (uint8_t)(0xe0 | ((lba >> 24) & 0x0f)));
	wr(f, IDE_REG_COMMAND, cmd);
}

static void cmd48(struct fake *f, uint8_t cmd, uint64_t lba, uint16_t count)
{
	wr(f, IDE_REG_NSECTOR, (uint8_t)(count >> 8));
	wr(f, IDE_REG_LBAL, (uint8_t)(lba >> 24));
	wr(f, IDE_REG_LBAM, (uint8_t)(lba >> 32));
	wr(f, IDE_REG_LBAH, (uint8_t)(lba >> 40));
	wr(f, IDE_REG_NSECTOR, (uint8_t)count);
	wr(f, IDE_REG_LBAL, (uint8_t)lba);
	wr(f, IDE_REG_LBAM, (uint8_t)(lba >> 8));
	wr(f, IDE_REG_LBAH, (uint8_t)(lba >> 16));
	wr(f, IDE_REG_DEVICE, 0x40);
	wr(f, IDE_REG_COMMAND, cmd);
}

static void simple(struct fake *f, uint8_t cmd, uint8_t feature,
		   uint8_t count)
{
	wr(f, IDE_REG_FEATURE, feature);
	wr(f, IDE_REG_NSECTOR, count);
	wr(f, IDE_REG_COMMAND, cmd);
}

static void pio_in(struct fake *f, uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 2) {
		uint16_t w = (uint16_t)ide_read(&f->ch, 0, 2);

		p[i] = (uint8_t)w;
		p[i + 1] = (uint8_t)(w >> 8);
	}
}

static void pio_out(struct fake *f, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 4)
		ide_write(&f->ch, 0, 4,
			  (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
				  (uint32_t)p[i + 2] << 16 |
				  (uint32_t)p[i + 3] << 24);
}

static void expect_sectors(const uint8_t *p, uint64_t lba, unsigned n)
{
	unsigned s, i;

	for (s = 0; s < n; s++)
		for (i = 0; i < IDE_SECTOR_SIZE; i++)
			if (p[s * IDE_SECTOR_SIZE + i] != pattern(lba + s, i))
				fail_msg("sector %llu byte %u differs",
					 (unsigned long long)(lba + s), i);
}

/* The command ended with ERR, `error`, and an interrupt. */
static void expect_error(struct fake *f, uint8_t error, uint8_t extra)
{
	assert_int_equal(f->level, 1);
	assert_int_equal(status(f), READY | IDE_ST_ERR | extra);
	assert_int_equal(rd(f, IDE_REG_ERROR), error);
	assert_int_equal(f->level, 0);
	assert_int_equal(f->ch.drive[0].pio, IDE_PIO_NONE);
	assert_int_equal(f->ch.drive[0].dma, IDE_DMA_NONE);
}

static void expect_done(struct fake *f)
{
	assert_int_equal(f->level, 1);
	assert_int_equal(status(f), READY);
	assert_int_equal(f->level, 0);
}

static void identify(struct fake *f, uint16_t *id)
{
	uint8_t b[512];
	unsigned i;

	wr(f, IDE_REG_COMMAND, ATA_CMD_IDENTIFY);
	assert_int_equal(f->level, 1);
	assert_int_equal(status(f), READY | IDE_ST_DRQ);
	pio_in(f, b, sizeof(b));
	assert_int_equal(alt(f), READY);
	for (i = 0; i < 256; i++)
		id[i] = (uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
}

static void id_string(const uint16_t *w, unsigned nwords, char *out)
{
	unsigned i;

	for (i = 0; i < nwords; i++) {
		out[2 * i] = (char)(w[i] >> 8);
		out[2 * i + 1] = (char)w[i];
	}
	out[2 * nwords] = 0;
}

static void test_identify(void **state)
{
	static const struct {
		unsigned word;
		uint16_t val;
	} words[] = {
		{0, 0x0040},   {1, 4},	       {3, 16},	      {6, 63},
		{47, 0x8010},  {49, 0x0f00},   {50, 0x4000},  {53, 0x0007},
		{54, 4},       {55, 16},       {56, 63},      {57, 4032},
		{58, 0},       {59, 0x0100},   {60, STORED},  {61, 0},
		{63, 0x0407},  {64, 0x0003},   {65, 120},     {80, 0x01f0},
		{82, 0x4068},  {83, 0x7400},   {84, 0x4000},  {85, 0x4068},
		{86, 0x3400},  {87, 0x4000},   {88, 0x003f},  {93, 0x604b},
		{100, STORED}, {101, 0},       {102, 0},      {103, 0},
		{106, 0x4000}, {217, 1},
	};
	struct fake *f = *state;
	uint16_t id[256];
	char s[41];
	uint8_t sum = 0;
	size_t i;

	identify(f, id);
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		print_message("word %u\n", words[i].word);
		assert_int_equal(id[words[i].word], words[i].val);
	}
	id_string(id + 27, 20, s);
	assert_string_equal(s, "SAFEPC TEST DISK                        ");
	id_string(id + 10, 10, s);
	assert_string_equal(s, "SN-1234             ");
	id_string(id + 23, 4, s);
	assert_string_equal(s, "1.0     ");
	for (i = 0; i < 256; i++)
		sum = (uint8_t)(sum + (id[i] & 0xff) + (id[i] >> 8));
	assert_int_equal(sum, 0);
	assert_int_equal(id[255] & 0xff, 0xa5);
}

static void test_identify_large_disk(void **state)
{
	struct fake *f;
	uint16_t id[256];

	setup_cap(state, 0x123456789abull);
	f = *state;
	identify(f, id);
	assert_int_equal(id[60], 0xffff);
	assert_int_equal(id[61], 0x0fff);
	assert_int_equal(id[100], 0x89ab);
	assert_int_equal(id[101], 0x4567);
	assert_int_equal(id[102], 0x0123);
	assert_int_equal(id[103], 0);
	assert_int_equal(id[1], 16383);
	/* A disk smaller than a cylinder still has a CHS geometry. */
	setup_cap(state, 10);
	f = *state;
	identify(f, id);
	assert_int_equal(id[1], 1);
	assert_int_equal(id[3], 1);
	assert_int_equal(id[6], 10);
}

static void test_read_sectors(void **state)
{
	static const struct {
		uint32_t lba;
		uint8_t count;
		unsigned n;
	} cases[] = {
		{0, 1, 1}, {100, 5, 5}, {STORED - 3, 3, 3}, {1000, 0, 256},
	};
	struct fake *f = *state;
	size_t c;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		unsigned s, raises = f->raises;

		cmd28(f, ATA_CMD_READ_SECTORS, cases[c].lba, cases[c].count);
		for (s = 0; s < cases[c].n; s++) {
			/* One interrupt and one DRQ block per sector. */
			assert_int_equal(f->raises, raises + s + 1);
			assert_int_equal(status(f), READY | IDE_ST_DRQ);
			pio_in(f, f->buf + s * IDE_SECTOR_SIZE,
			       IDE_SECTOR_SIZE);
		}
		assert_int_equal(alt(f), READY);
		assert_int_equal(f->level, 0);
		assert_int_equal(f->raises, raises + cases[c].n);
		expect_sectors(f->buf, cases[c].lba, cases[c].n);
		/* The task file names the last sector. */
		assert_int_equal(rd(f, IDE_REG_LBAL),
				 (uint8_t)(cases[c].lba + cases[c].n - 1));
	}
}

static void test_write_sectors(void **state)
{
	struct fake *f = *state;
	unsigned i, s;

	for (i = 0; i < 3 * IDE_SECTOR_SIZE; i++)
		f->buf[i] = pattern(7777, i);
	cmd28(f, ATA_CMD_WRITE_SECTORS, 50, 3);
	/* The first block is asked for without an interrupt. */
	assert_int_equal(f->raises, 0);
	for (s = 0; s < 3; s++) {
		assert_int_equal(alt(f), READY | IDE_ST_DRQ);
		pio_out(f, f->buf + s * IDE_SECTOR_SIZE, IDE_SECTOR_SIZE);
		assert_int_equal(f->raises, s + 1);
		assert_int_equal(f->writes, s + 1);
		status(f);
	}
	assert_int_equal(alt(f), READY);
	assert_memory_equal(f->disk + 50 * IDE_SECTOR_SIZE, f->buf,
			    3 * IDE_SECTOR_SIZE);
	assert_int_equal(f->flushes, 0); /* write cache on */
	assert_int_equal(rd(f, IDE_REG_LBAL), 52);
}

static void test_set_multiple(void **state)
{
	static const struct {
		uint8_t n;
		bool ok;
	} cases[] = {
		{1, true},   {2, true},	  {4, true},   {8, true},  {16, true},
		{0, true},   {3, false},  {5, false},  {17, false},
		{32, false}, {255, false},
	};
	struct fake *f = *state;
	uint16_t id[256];
	size_t i;

	/* READ MULTIPLE before SET MULTIPLE MODE aborts. */
	cmd28(f, ATA_CMD_READ_MULTIPLE, 0, 1);
	expect_error(f, IDE_ER_ABRT, 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t before = f->ch.drive[0].ata.mult;

		simple(f, ATA_CMD_SET_MULTIPLE, 0, cases[i].n);
		if (cases[i].ok) {
			expect_done(f);
			assert_int_equal(f->ch.drive[0].ata.mult, cases[i].n);
		} else {
			expect_error(f, IDE_ER_ABRT, 0);
			assert_int_equal(f->ch.drive[0].ata.mult, before);
		}
	}
	simple(f, ATA_CMD_SET_MULTIPLE, 0, 8);
	identify(f, id);
	assert_int_equal(id[59], 0x0108);
}

static void test_read_write_multiple(void **state)
{
	struct fake *f = *state;
	static const unsigned blocks[] = {8, 8, 4};
	unsigned b, off = 0, raises;

	simple(f, ATA_CMD_SET_MULTIPLE, 0, 8);
	status(f);
	raises = f->raises;
	cmd28(f, ATA_CMD_READ_MULTIPLE, 200, 20);
	for (b = 0; b < ARRAY_SIZE(blocks); b++) {
		assert_int_equal(f->raises, raises + b + 1);
		assert_int_equal(status(f), READY | IDE_ST_DRQ);
		pio_in(f, f->buf + off, blocks[b] * IDE_SECTOR_SIZE);
		off += blocks[b] * IDE_SECTOR_SIZE;
	}
	assert_int_equal(alt(f), READY);
	assert_int_equal(f->reads, 3);
	expect_sectors(f->buf, 200, 20);

	/* WRITE MULTIPLE EXT: 20 sectors in blocks of 8, 8, 4. */
	raises = f->raises;
	cmd48(f, ATA_CMD_WRITE_MULTIPLE_EXT, 300, 20);
	off = 0;
	for (b = 0; b < ARRAY_SIZE(blocks); b++) {
		assert_int_equal(f->raises, raises + b);
		assert_int_equal(alt(f), READY | IDE_ST_DRQ);
		pio_out(f, f->buf + off, blocks[b] * IDE_SECTOR_SIZE);
		off += blocks[b] * IDE_SECTOR_SIZE;
		status(f);
	}
	assert_int_equal(f->raises, raises + 3);
	assert_int_equal(alt(f), READY);
	assert_int_equal(f->writes, 3);
	assert_memory_equal(f->disk + 300 * IDE_SECTOR_SIZE, f->buf,
			    20 * IDE_SECTOR_SIZE);
}

static void test_lba48(void **state)
{
	struct fake *f;
	const uint64_t lba = 0x123456789a00ull;

	setup_cap(state, 0x123456789b00ull);
	f = *state;
	cmd48(f, ATA_CMD_READ_SECTORS_EXT, lba, 2);
	assert_int_equal(f->last_lba, lba);
	status(f);
	pio_in(f, f->buf, 2 * IDE_SECTOR_SIZE);
	expect_sectors(f->buf, lba, 2);
	assert_int_equal(alt(f), READY);
	/* The task file holds the last sector, high bytes under HOB. */
	assert_int_equal(rd(f, IDE_REG_LBAL), 0x01);
	ide_ctl_write(&f->ch, IDE_REG_CTL, IDE_CTL_HOB);
	assert_int_equal(rd(f, IDE_REG_LBAL), 0x56);
	assert_int_equal(rd(f, IDE_REG_LBAM), 0x34);
	assert_int_equal(rd(f, IDE_REG_LBAH), 0x12);
	ide_ctl_write(&f->ch, IDE_REG_CTL, 0);
	/* The last sector of the disk, by WRITE SECTORS EXT. */
	cmd48(f, ATA_CMD_WRITE_SECTORS_EXT, 0x123456789affull, 1);
	pio_out(f, f->buf, IDE_SECTOR_SIZE);
	assert_int_equal(f->last_lba, 0x123456789affull);
	expect_done(f);
	/* One more is out of range. */
	cmd48(f, ATA_CMD_READ_SECTORS_EXT, 0x123456789affull, 2);
	expect_error(f, IDE_ER_IDNF, 0);
}

static void test_count_zero_48(void **state)
{
	struct fake *f;
	unsigned i;

	/* 65536 sectors by DMA, through 512 entries of 64 KiB each. */
	setup_cap(state, 1u << 20);
	f = *state;
	for (i = 0; i < 512; i++) {
		uint32_t e[2] = {0x10000, i == 511 ? BMDMA_PRD_EOT : 0};

		memcpy(f->mem + PRDT + 8 * i, e, 8);
	}
	ide_bm_write(&f->ch, BMDMA_REG_PRDT, 4, PRDT);
	ide_bm_write(&f->ch, BMDMA_REG_CMD, 1,
		     BMDMA_CMD_START | BMDMA_CMD_TO_MEM);
	cmd48(f, ATA_CMD_READ_DMA_EXT, 5000, 0);
	assert_int_equal(f->sect_read, 65536);
	assert_int_equal(f->reads, 512);
	expect_done(f);
	assert_int_equal(ide_bm_read(&f->ch, BMDMA_REG_STATUS, 1),
			 BMDMA_ST_INTR);
	expect_sectors(f->mem + 0x10000, 5000 + 65536 - 128, 128);
}

static void test_range_errors(void **state)
{
	static const struct {
		const char *name;
		uint8_t cmd;
		uint64_t lba;
		uint16_t count;
		bool ext;
	} cases[] = {
		{"read at capacity", ATA_CMD_READ_SECTORS, STORED, 1, false},
		{"read across the end", ATA_CMD_READ_SECTORS, STORED - 1, 2,
		 false},
		{"count 0 (256) across", ATA_CMD_READ_SECTORS, STORED - 255, 0,
		 false},
		{"write at capacity", ATA_CMD_WRITE_SECTORS, STORED, 1, false},
		{"read dma beyond", ATA_CMD_READ_DMA, STORED + 7, 1, false},
		{"write dma ext beyond", ATA_CMD_WRITE_DMA_EXT, 1ull << 40, 1,
		 true},
		{"read ext huge lba", ATA_CMD_READ_SECTORS_EXT,
		 0xffffffffffffull, 1, true},
		{"verify beyond", ATA_CMD_READ_VERIFY, STORED - 1, 2, false},
		{"verify ext beyond", ATA_CMD_READ_VERIFY_EXT, STORED, 1,
		 true},
		{"seek beyond", ATA_CMD_SEEK, STORED, 1, false},
		{"read multiple ext beyond", ATA_CMD_READ_MULTIPLE_EXT,
		 STORED - 1, 2, true},
	};
	struct fake *f = *state;
	size_t i;

	simple(f, ATA_CMD_SET_MULTIPLE, 0, 4);
	status(f);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		print_message("case: %s\n", cases[i].name);
		if (cases[i].ext)
			cmd48(f, cases[i].cmd, cases[i].lba, cases[i].count);
		else
			cmd28(f, cases[i].cmd, (uint32_t)cases[i].lba,
			      (uint8_t)cases[i].count);
		expect_error(f, IDE_ER_IDNF, 0);
	}
	assert_int_equal(f->reads + f->writes, 0);
	assert_int_equal(f->ch.drive[0].stats.range, ARRAY_SIZE(cases));
}

static void test_backend_errors(void **state)
{
	struct fake *f = *state;
	uint8_t zero[IDE_SECTOR_SIZE] = {0};

	/* A read error on the third sector: two blocks, then UNC. */
	f->fail_read = -EIO;
	f->fail_lba = 12;
	cmd28(f, ATA_CMD_READ_SECTORS, 10, 4);
	pio_in(f, f->buf, IDE_SECTOR_SIZE);
	status(f);
	pio_in(f, f->buf, IDE_SECTOR_SIZE);
	expect_error(f, IDE_ER_UNC, 0);
	assert_int_equal(rd(f, IDE_REG_LBAL), 12);
	f->fail_read = 0;

	/* A read-only disk: the write aborts after the data came in. */
	f->fail_write = -EROFS;
	f->fail_lba = 20;
	cmd28(f, ATA_CMD_WRITE_SECTORS, 20, 1);
	pio_out(f, zero, sizeof(zero));
	expect_error(f, IDE_ER_ABRT, 0);
	assert_int_equal(f->sect_written, 0);
	f->fail_write = 0;

	/* A failed flush is a device fault. */
	f->fail_flush = -EIO;
	wr(f, IDE_REG_COMMAND, ATA_CMD_FLUSH_CACHE_EXT);
	expect_error(f, IDE_ER_ABRT, IDE_ST_DF);
	assert_int_equal(f->ch.drive[0].stats.io_errors, 3);
	/* DF goes with the next command. */
	f->fail_flush = 0;
	wr(f, IDE_REG_COMMAND, ATA_CMD_FLUSH_CACHE);
	expect_done(f);
}

static void test_flush_and_write_cache(void **state)
{
	struct fake *f = *state;
	uint16_t id[256];

	wr(f, IDE_REG_COMMAND, ATA_CMD_FLUSH_CACHE);
	expect_done(f);
	wr(f, IDE_REG_COMMAND, ATA_CMD_FLUSH_CACHE_EXT);
	expect_done(f);
	assert_int_equal(f->flushes, 2);
	/* Turning the cache off flushes; each write then flushes too. */
	simple(f, ATA_CMD_SET_FEATURES, ATA_SF_WCACHE_OFF, 0);
	expect_done(f);
	assert_int_equal(f->flushes, 3);
	identify(f, id);
	assert_int_equal(id[85] & 0x20, 0);
	cmd28(f, ATA_CMD_WRITE_SECTORS, 1, 2);
	pio_out(f, f->buf, IDE_SECTOR_SIZE);
	assert_int_equal(f->flushes, 4);
	pio_out(f, f->buf, IDE_SECTOR_SIZE);
	assert_int_equal(f->flushes, 5);
	simple(f, ATA_CMD_SET_FEATURES, ATA_SF_WCACHE_ON, 0);
	identify(f, id);
	assert_int_equal(id[85] & 0x20, 0x20);
	cmd28(f, ATA_CMD_WRITE_SECTORS, 1, 1);
	pio_out(f, f->buf, IDE_SECTOR_SIZE);
	assert_int_equal(f->flushes, 5);
}

static void test_set_features(void **state)
{
	static const struct {
		uint8_t feature, count;
		bool ok;
		uint16_t w63, w88; /* IDENTIFY after */
	} cases[] = {
		{ATA_SF_XFER_MODE, 0x00, true, 0x0407, 0x003f},
		{ATA_SF_XFER_MODE, 0x01, true, 0x0407, 0x003f},
		{ATA_SF_XFER_MODE, 0x02, false, 0x0407, 0x003f},
		{ATA_SF_XFER_MODE, 0x0c, true, 0x0407, 0x003f},
		{ATA_SF_XFER_MODE, 0x0d, false, 0x0407, 0x003f},
		{ATA_SF_XFER_MODE, 0x20, true, 0x0107, 0x003f},
		{ATA_SF_XFER_MODE, 0x23, false, 0x0107, 0x003f},
		{ATA_SF_XFER_MODE, 0x45, true, 0x0007, 0x203f},
		{ATA_SF_XFER_MODE, 0x46, false, 0x0007, 0x203f},
		{ATA_SF_XFER_MODE, 0x42, true, 0x0007, 0x043f},
		{ATA_SF_XFER_MODE, 0x10, false, 0x0007, 0x043f},
		{ATA_SF_XFER_MODE, 0x22, true, 0x0407, 0x003f},
		{ATA_SF_LOOKAHEAD_OFF, 0, true, 0x0407, 0x003f},
		{ATA_SF_LOOKAHEAD_ON, 0, true, 0x0407, 0x003f},
		{ATA_SF_REVERT_OFF, 0, true, 0x0407, 0x003f},
		{ATA_SF_REVERT_ON, 0, true, 0x0407, 0x003f},
		{0x05, 0, false, 0x0407, 0x003f}, /* APM: not supported */
		{0x00, 0, false, 0x0407, 0x003f},
		{0xff, 0, false, 0x0407, 0x003f},
	};
	struct fake *f = *state;
	uint16_t id[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		print_message("case %zu\n", i);
		simple(f, ATA_CMD_SET_FEATURES, cases[i].feature,
		       cases[i].count);
		if (cases[i].ok)
			expect_done(f);
		else
			expect_error(f, IDE_ER_ABRT, 0);
		identify(f, id);
		assert_int_equal(id[63], cases[i].w63);
		assert_int_equal(id[88], cases[i].w88);
	}
	simple(f, ATA_CMD_SET_FEATURES, ATA_SF_LOOKAHEAD_OFF, 0);
	identify(f, id);
	assert_int_equal(id[85] & 0x40, 0);
}

static void chs(struct fake *f, uint8_t cmd, unsigned c, unsigned h,
		unsigned s, uint8_t count)
{
	wr(f, IDE_REG_NSECTOR, count);
	wr(f, IDE_REG_LBAL, (uint8_t)s);
	wr(f, IDE_REG_LBAM, (uint8_t)c);
	wr(f, IDE_REG_LBAH, (uint8_t)(c >> 8));
	wr(f, IDE_REG_DEVICE, (uint8_t)(0xa0 | h));
	wr(f, IDE_REG_COMMAND, cmd);
}

static void test_chs(void **state)
{
	struct fake *f = *state;
	uint16_t id[256];

	/* Default 16 heads, 63 sectors: C/H/S 1/2/3 is LBA 1136. */
	chs(f, ATA_CMD_READ_SECTORS, 1, 2, 3, 1);
	assert_int_equal(f->last_lba, 1136);
	status(f);
	pio_in(f, f->buf, IDE_SECTOR_SIZE);
	expect_sectors(f->buf, 1136, 1);
	assert_int_equal(rd(f, IDE_REG_LBAL), 3);
	/* Sector 0, a head or cylinder outside the geometry: IDNF. */
	chs(f, ATA_CMD_READ_SECTORS, 0, 0, 0, 1);
	expect_error(f, IDE_ER_IDNF, 0);
	chs(f, ATA_CMD_READ_SECTORS, 0, 0, 64, 1);
	expect_error(f, IDE_ER_IDNF, 0);
	chs(f, ATA_CMD_READ_SECTORS, 4, 0, 1, 1);
	expect_error(f, IDE_ER_IDNF, 0);
	/* New geometry: 4 heads (max head 3), 32 sectors per track. */
	wr(f, IDE_REG_NSECTOR, 32);
	wr(f, IDE_REG_DEVICE, 0xa3);
	wr(f, IDE_REG_COMMAND, ATA_CMD_INIT_DEV_PARAMS);
	expect_done(f);
	identify(f, id);
	assert_int_equal(id[54], STORED / 128);
	assert_int_equal(id[55], 4);
	assert_int_equal(id[56], 32);
	assert_int_equal(id[57], STORED);
	assert_int_equal(id[1], 4); /* the default geometry stays */
	/* Two sectors crossing a head: the task file follows. */
	chs(f, ATA_CMD_READ_SECTORS, 2, 3, 32, 2);
	assert_int_equal(f->last_lba, (2 * 4 + 3) * 32 + 31);
	status(f);
	pio_in(f, f->buf, 2 * IDE_SECTOR_SIZE);
	expect_sectors(f->buf, (2 * 4 + 3) * 32 + 31, 2);
	assert_int_equal(rd(f, IDE_REG_LBAL), 1);
	assert_int_equal(rd(f, IDE_REG_DEVICE) & 0x0f, 0);
	assert_int_equal(rd(f, IDE_REG_LBAM), 3);
	/* 0 sectors per track is refused. */
	wr(f, IDE_REG_NSECTOR, 0);
	wr(f, IDE_REG_COMMAND, ATA_CMD_INIT_DEV_PARAMS);
	expect_error(f, IDE_ER_ABRT, 0);
	assert_int_equal(f->ch.drive[0].ata.cur_spt, 32);
}

static void test_housekeeping(void **state)
{
	static const uint8_t ok[] = {
		0x10,
		0x1f,
		ATA_CMD_SEEK,
		0x7f,
		ATA_CMD_READ_VERIFY,
		ATA_CMD_STANDBY_IMMEDIATE,
		ATA_CMD_IDLE_IMMEDIATE,
		ATA_CMD_STANDBY,
		ATA_CMD_IDLE,
		ATA_CMD_SLEEP,
	};
	struct fake *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		cmd28(f, ok[i], 3, 2);
		expect_done(f);
	}
	cmd48(f, ATA_CMD_READ_VERIFY_EXT, 10, 300);
	expect_done(f);
	assert_int_equal(f->reads, 0);
	wr(f, IDE_REG_COMMAND, ATA_CMD_CHECK_POWER_MODE);
	expect_done(f);
	assert_int_equal(rd(f, IDE_REG_NSECTOR), 0xff);
}

static void test_unknown_commands(void **state)
{
	static const uint8_t bad[] = {
		ATA_CMD_NOP, 0x01, ATA_CMD_DEVICE_RESET, 0x27, 0x2f,
		ATA_CMD_PACKET, ATA_CMD_IDENTIFY_PACKET, 0xb0, 0xc7, 0xda,
		0xf8, 0xfe, 0xff,
	};
	struct fake *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		wr(f, IDE_REG_COMMAND, bad[i]);
		expect_error(f, IDE_ER_ABRT, 0);
	}
	assert_int_equal(f->ch.drive[0].stats.aborted, ARRAY_SIZE(bad));
}

static void test_command_cancels_transfer(void **state)
{
	struct fake *f = *state;

	cmd28(f, ATA_CMD_READ_SECTORS, 0, 4);
	pio_in(f, f->buf, 100);
	cmd28(f, ATA_CMD_READ_SECTORS, 40, 1);
	status(f);
	pio_in(f, f->buf, IDE_SECTOR_SIZE);
	expect_sectors(f->buf, 40, 1);
	assert_int_equal(alt(f), READY);
}

/* Bus-master helpers: one PRD entry per (addr, count) pair. */
static void prd(struct fake *f, const uint32_t *pairs, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		uint32_t e[2] = {pairs[2 * i],
				 pairs[2 * i + 1] |
					 (i == n - 1 ? BMDMA_PRD_EOT : 0)};

		memcpy(f->mem + PRDT + 8 * i, e, 8);
	}
	ide_bm_write(&f->ch, BMDMA_REG_PRDT, 4, PRDT);
}

static void bm_start(struct fake *f, bool to_mem)
{
	ide_bm_write(&f->ch, BMDMA_REG_STATUS, 1,
		     BMDMA_ST_INTR | BMDMA_ST_ERROR);
	ide_bm_write(&f->ch, BMDMA_REG_CMD, 1,
		     BMDMA_CMD_START | (to_mem ? BMDMA_CMD_TO_MEM : 0));
}

static uint8_t bm_status(struct fake *f)
{
	return (uint8_t)ide_bm_read(&f->ch, BMDMA_REG_STATUS, 1);
}

static void test_dma_read(void **state)
{
	struct fake *f = *state;
	static const uint32_t regions[] = {0x20000, 0x400, 0x30000, 0x10000,
					   0x50000, 0xfc00};

	/* Command first, then Start: the drive waits with DRQ. */
	prd(f, regions, 3);
	cmd28(f, ATA_CMD_READ_DMA, 100, 0); /* 256 sectors, 2 chunks */
	assert_int_equal(alt(f), READY | IDE_ST_DRQ);
	assert_int_equal(f->reads, 0);
	assert_int_equal(f->level, 0);
	bm_start(f, true);
	assert_int_equal(f->reads, 2);
	assert_int_equal(bm_status(f), BMDMA_ST_INTR);
	expect_done(f);
	expect_sectors(f->mem + 0x20000, 100, 2);
	expect_sectors(f->mem + 0x30000, 102, 128);
	expect_sectors(f->mem + 0x50000, 230, 126);
	assert_int_equal(rd(f, IDE_REG_LBAL), (uint8_t)355);
}

static void test_dma_write(void **state)
{
	struct fake *f = *state;
	static const uint32_t regions[] = {0x20000, 0x200, 0x40000, 0x600};
	unsigned i;

	for (i = 0; i < 0x600; i++)
		f->mem[0x40000 + i] = (uint8_t)(i * 3);
	memset(f->mem + 0x20000, 0xaa, 0x200);
	/* Start first (Linux's order is the other one), then the command. */
	prd(f, regions, 2);
	bm_start(f, false);
	cmd48(f, ATA_CMD_WRITE_DMA_EXT, 30, 4);
	assert_int_equal(f->writes, 1);
	expect_done(f);
	assert_int_equal(bm_status(f), BMDMA_ST_INTR);
	for (i = 0; i < 0x200; i++)
		assert_int_equal(f->disk[30 * IDE_SECTOR_SIZE + i], 0xaa);
	assert_memory_equal(f->disk + 31 * IDE_SECTOR_SIZE,
			    f->mem + 0x40000, 0x600);
}

static void test_dma_table_longer(void **state)
{
	struct fake *f = *state;
	static const uint32_t regions[] = {0x20000, 0x1000};
	unsigned reads;

	prd(f, regions, 1);
	bm_start(f, true);
	cmd28(f, ATA_CMD_READ_DMA, 0, 2);
	expect_done(f);
	/* Interrupt with Active still set: the driver stops the engine. */
	assert_int_equal(bm_status(f), BMDMA_ST_INTR | BMDMA_ST_ACTIVE);
	ide_bm_write(&f->ch, BMDMA_REG_CMD, 1, 0);
	assert_int_equal(bm_status(f), BMDMA_ST_INTR);
	/* Exactly the table: Active clears with the EOT region. */
	bm_start(f, true);
	cmd28(f, ATA_CMD_READ_DMA, 0, 8);
	expect_done(f);
	assert_int_equal(bm_status(f), BMDMA_ST_INTR);
	/* Start still set, Active clear: the next command waits. */
	reads = f->reads;
	cmd28(f, ATA_CMD_READ_DMA, 8, 1);
	assert_int_equal(f->reads, reads);
	assert_int_equal(alt(f), READY | IDE_ST_DRQ);
	assert_int_equal(f->level, 0);
	ide_bm_write(&f->ch, BMDMA_REG_CMD, 1, 0);
	bm_start(f, true);
	assert_int_equal(f->reads, reads + 1);
	expect_done(f);
	assert_int_equal(bm_status(f), BMDMA_ST_INTR | BMDMA_ST_ACTIVE);
	expect_sectors(f->mem + 0x20000, 8, 1);
	/* Without a restart the walk goes on where it stopped. */
	cmd28(f, ATA_CMD_READ_DMA, 9, 1);
	expect_done(f);
	expect_sectors(f->mem + 0x20200, 9, 1);
}

static void test_dma_failures(void **state)
{
	static const struct {
		const char *name;
		uint32_t regions[4];
		unsigned n;
		bool to_mem;
		uint8_t bm; /* BM status after */
	} cases[] = {
		{"short table", {0x20000, 0x200, 0x30000, 0x200}, 2, true,
		 BMDMA_ST_INTR},
		{"wrong direction", {0x20000, 0x1000}, 1, false,
		 BMDMA_ST_INTR | BMDMA_ST_ERROR},
		{"region outside memory", {MEM_SIZE, 0x1000}, 1, true,
		 BMDMA_ST_INTR | BMDMA_ST_ERROR},
	};
	struct fake *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		print_message("case: %s\n", cases[i].name);
		prd(f, cases[i].regions, cases[i].n);
		ide_bm_write(&f->ch, BMDMA_REG_CMD, 1, 0);
		bm_start(f, cases[i].to_mem);
		cmd28(f, ATA_CMD_READ_DMA, 0, 4);
		expect_error(f, IDE_ER_ABRT, 0);
		assert_int_equal(bm_status(f), cases[i].bm);
		assert_int_equal(f->ch.drive[0].stats.dma_errors, i + 1);
	}
	/* A failing table fetch while writing. */
	ide_bm_write(&f->ch, BMDMA_REG_CMD, 1, 0);
	ide_bm_write(&f->ch, BMDMA_REG_PRDT, 4, MEM_SIZE);
	bm_start(f, false);
	cmd28(f, ATA_CMD_WRITE_DMA, 0, 1);
	expect_error(f, IDE_ER_ABRT, 0);
	assert_int_equal(bm_status(f), BMDMA_ST_INTR | BMDMA_ST_ERROR);
	assert_int_equal(f->writes, 0);
}

static void test_dma_backend_error(void **state)
{
	struct fake *f = *state;
	static const uint32_t regions[] = {0x20000, 0};

	prd(f, regions, 1);
	bm_start(f, true);
	f->fail_read = -EIO;
	f->fail_lba = 3;
	cmd28(f, ATA_CMD_READ_DMA, 0, 8);
	expect_error(f, IDE_ER_UNC, 0);
	assert_int_equal(rd(f, IDE_REG_LBAL), 0);
	assert_int_equal(bm_status(f), BMDMA_ST_INTR | BMDMA_ST_ACTIVE);
}

static void test_dma_srst_cancels(void **state)
{
	struct fake *f = *state;
	static const uint32_t regions[] = {0x20000, 0x200};

	prd(f, regions, 1);
	cmd28(f, ATA_CMD_READ_DMA, 0, 1);
	ide_ctl_write(&f->ch, IDE_REG_CTL, IDE_CTL_SRST);
	ide_ctl_write(&f->ch, IDE_REG_CTL, 0);
	bm_start(f, true);
	assert_int_equal(f->reads, 0);
	assert_int_equal(alt(f), READY);
	assert_int_equal(bm_status(f), BMDMA_ST_ACTIVE);
}

/*
 * The zero-copy path (backend dmav) against the buffered one: the same
 * DMA command on the same disk, table and guest memory must leave the
 * same guest memory, disk, task file, bus-master status and interrupt.
 * Where the two legitimately differ, the case names the field and the
 * direct path's own behaviour is asserted instead (see expect_direct).
 */

/* A run of `rep` PRD entries of `count` bytes, `step` apart in memory. */
struct prd_run {
	uint32_t addr, count, rep, step;
};

/* Fields the buffered path may end differently in. */
#define DIFF_LBA 0x01u	 /* direct: the command's first sector */
#define DIFF_MEM 0x02u	 /* direct: nothing reached the guest */
#define DIFF_DISK 0x04u	 /* direct: nothing reached the disk */
#define DIFF_BM 0x08u	 /* bus-master status: bm vs bm_buffered */
#define DIFF_FLUSH 0x10u /* direct: one flush, after the last dmav */
#define DIFF_STATS 0x20u /* direct: the walk counted a short table */

struct dma_case {
	const char *name;
	uint8_t cmd;
	uint64_t lba;
	uint32_t count; /* sectors; 65536 is a 48-bit count of 0 */
	struct prd_run prd[4];
	uint32_t prdt;	/* table address; 0: PRDT */
	const uint32_t *raw; /* if set, the table: nraw (addr, count) */
	unsigned nraw;
	bool no_eot;	/* the last entry without EOT */
	bool start_first, wrong_dir, wcache_off, no_write;
	int fail;	/* -errno from the image at fail_lba */
	uint64_t fail_lba;
	int fail_flush;
	/* Outcome, both paths unless `differ` says otherwise. */
	uint8_t error;	/* 0: success */
	uint8_t bm;	/* bus-master status (the direct path's) */
	uint8_t bm_buffered; /* with DIFF_BM */
	unsigned differ;
};

#define DCAP (1u << 20) /* sectors: room for 65536-sector commands */
#define R 0x20000u	/* where the data regions start */
#define INTR BMDMA_ST_INTR
#define ERR BMDMA_ST_ERROR
#define ACT BMDMA_ST_ACTIVE

static const struct dma_case dma_cases[] = {
	{"read, 3 regions over 2 chunks", ATA_CMD_READ_DMA, 100, 256,
	 {{R, 0x400, 1, 0}, {R + 0x10000, 0, 1, 0},
	  {R + 0x30000, 0xfc00, 1, 0}},
	 .bm = INTR},
	{"read ext, odd fields, a 64 KiB crossing, 400 sectors",
	 ATA_CMD_READ_DMA_EXT, 1000, 400,
	 {{0x10000, 0x201, 1, 0}, {R + 1, 0x7e00, 1, 0},
	  {0x2f000, 0xa000, 1, 0}, {0x40000, 0, 2, 0x10000}},
	 .bm = INTR},
	{"read ext, 301 tiny regions: a batch ends off a sector",
	 ATA_CMD_READ_DMA_EXT, 3000, 2,
	 {{R, 6, 1, 0}, {R + 0x10, 2, 299, 2}, {R + 0x1000, 420, 1, 0}},
	 .bm = INTR},
	{"read ext, count 0: 65536 sectors, 512 entries", ATA_CMD_READ_DMA_EXT,
	 5000, 65536, {{R, 0, 512, 0}}, .bm = INTR},
	{"write ext, 3 chunks", ATA_CMD_WRITE_DMA_EXT, 30, 300,
	 {{R, 0x200, 1, 0}, {R + 0x10000, 0x600, 1, 0},
	  {R + 0x20000, 0, 2, 0x10000}, {R + 0x40000, 0x5000, 1, 0}},
	 .bm = INTR},
	{"write ext, 301 tiny regions", ATA_CMD_WRITE_DMA_EXT, 3000, 2,
	 {{R, 6, 1, 0}, {R + 0x10, 2, 299, 2}, {R + 0x1000, 420, 1, 0}},
	 .bm = INTR},
	{"write, Start before the command", ATA_CMD_WRITE_DMA, 7, 4,
	 {{R, 0x200, 1, 0}, {R + 0x20000, 0x600, 1, 0}}, .start_first = true,
	 .bm = INTR},
	{"read, table longer: Active stays", ATA_CMD_READ_DMA, 0, 2,
	 {{R, 0x1000, 1, 0}}, .bm = INTR | ACT},
	{"write, exact table without EOT: Active stays", ATA_CMD_WRITE_DMA,
	 0, 2, {{R, 0x400, 1, 0}}, .no_eot = true, .bm = INTR | ACT},
	{"read, table shorter, first chunk", ATA_CMD_READ_DMA, 10, 4,
	 {{R, 0x200, 1, 0}, {R + 0x10000, 0x200, 1, 0}},
	 .error = IDE_ER_ABRT, .bm = INTR},
	/*
	 * The guest gets what the table covered either way; the buffered
	 * path names the chunk the table ran out in, the direct one the
	 * first sector of the command.
	 */
	{"read ext, table shorter, second chunk", ATA_CMD_READ_DMA_EXT, 10,
	 256, {{R, 0, 1, 0}, {R + 0x10000, 0x8000, 1, 0}},
	 .error = IDE_ER_ABRT, .bm = INTR, .differ = DIFF_LBA},
	{"write, table shorter, first chunk", ATA_CMD_WRITE_DMA, 20, 4,
	 {{R, 0x400, 1, 0}}, .error = IDE_ER_ABRT, .bm = INTR},
	/*
	 * The buffered path has written the whole chunks the table covered;
	 * the direct one writes nothing of a batch (256 regions) the table
	 * cut short: ide_dma_direct, "a write moves nothing of what the table
	 * did not cover".
	 */
	{"write ext, table shorter, second chunk", ATA_CMD_WRITE_DMA_EXT, 20,
	 256, {{R, 0, 1, 0}, {R + 0x10000, 0x8000, 1, 0}},
	 .error = IDE_ER_ABRT, .bm = INTR, .differ = DIFF_LBA | DIFF_DISK},
	/*
	 * A region outside guest memory: the buffered path copies the regions
	 * before it; the DM's dmav (like the fake) checks every segment of
	 * the batch first and moves nothing.
	 */
	{"read, region outside memory", ATA_CMD_READ_DMA, 50, 4,
	 {{R, 0x200, 1, 0}, {MEM_SIZE, 0x600, 1, 0}}, .error = IDE_ER_ABRT,
	 .bm = INTR | ERR, .differ = DIFF_MEM},
	{"write, region outside memory", ATA_CMD_WRITE_DMA, 50, 4,
	 {{R, 0x200, 1, 0}, {MEM_SIZE, 0x600, 1, 0}}, .error = IDE_ER_ABRT,
	 .bm = INTR | ERR},
	{"write ext, region outside memory in the second chunk",
	 ATA_CMD_WRITE_DMA_EXT, 50, 256, {{R, 0, 1, 0}, {MEM_SIZE, 0, 1, 0}},
	 .error = IDE_ER_ABRT, .bm = INTR | ERR,
	 .differ = DIFF_LBA | DIFF_DISK},
	/*
	 * A region outside memory and a table too short, both. A read hands
	 * the mapped segments to dmav, which refuses them: Error as in the
	 * buffered path, but the walk went on to the end of the table first
	 * (short_tbl counted besides the fault).
	 */
	{"read, region outside memory, then the table ends", ATA_CMD_READ_DMA,
	 50, 8, {{R, 0x200, 1, 0}, {MEM_SIZE, 0x200, 1, 0}},
	 .error = IDE_ER_ABRT, .bm = INTR | ERR,
	 .differ = DIFF_MEM | DIFF_STATS},
	/*
	 * A write the table cut short never hands its batch to dmav, so the
	 * region outside memory goes unnoticed: the bus master shows no
	 * Error, where the buffered path (and the hardware, which reaches
	 * the bad region before the end of the table) sets it. The device
	 * reports ABRT either way.
	 */
	{"write, region outside memory, then the table ends",
	 ATA_CMD_WRITE_DMA, 50, 8, {{R, 0x200, 1, 0}, {MEM_SIZE, 0x200, 1, 0}},
	 .error = IDE_ER_ABRT, .bm = INTR, .bm_buffered = INTR | ERR,
	 .differ = DIFF_BM | DIFF_STATS},
	/* The first entry is the last 8 bytes of memory, the next faults. */
	{"read, second descriptor outside memory", ATA_CMD_READ_DMA, 60, 4,
	 {{R, 0x400, 1, 0}}, .prdt = MEM_SIZE - 8, .no_eot = true,
	 .error = IDE_ER_ABRT, .bm = INTR | ERR},
	{"write, second descriptor outside memory", ATA_CMD_WRITE_DMA, 60, 4,
	 {{R, 0x400, 1, 0}}, .prdt = MEM_SIZE - 8, .no_eot = true,
	 .error = IDE_ER_ABRT, .bm = INTR | ERR},
	{"read, bus master set to write memory the other way",
	 ATA_CMD_READ_DMA, 0, 4, {{R, 0x800, 1, 0}}, .wrong_dir = true,
	 .error = IDE_ER_ABRT, .bm = INTR | ERR},
	{"write ext, bus master set the other way", ATA_CMD_WRITE_DMA_EXT, 0,
	 4, {{R, 0x800, 1, 0}}, .wrong_dir = true, .error = IDE_ER_ABRT,
	 .bm = INTR | ERR},
	{"read, image error, table longer", ATA_CMD_READ_DMA, 0, 8,
	 {{R, 0, 1, 0}}, .fail = -EIO, .fail_lba = 3, .error = IDE_ER_UNC,
	 .bm = INTR | ACT},
	/*
	 * The buffered path fails before its first chunk reaches the bus
	 * master; the direct one has mapped the whole table (EOT drained,
	 * Active clear) when the image fails.
	 */
	{"read, image error, exact table", ATA_CMD_READ_DMA, 0, 8,
	 {{R, 0x1000, 1, 0}}, .fail = -EIO, .fail_lba = 3,
	 .error = IDE_ER_UNC, .bm = INTR, .bm_buffered = INTR | ACT,
	 .differ = DIFF_BM},
	{"read ext, image error in the second chunk", ATA_CMD_READ_DMA_EXT, 0,
	 256, {{R, 0, 2, 0x10000}}, .fail = -EIO, .fail_lba = 200,
	 .error = IDE_ER_UNC, .bm = INTR, .bm_buffered = INTR | ACT,
	 .differ = DIFF_LBA | DIFF_MEM | DIFF_BM},
	{"write ext, read-only image (-EROFS)", ATA_CMD_WRITE_DMA_EXT, 40, 8,
	 {{R, 0x1000, 1, 0}}, .fail = -EROFS, .fail_lba = 40,
	 .error = IDE_ER_ABRT, .bm = INTR},
	{"write ext, image error in the second chunk", ATA_CMD_WRITE_DMA_EXT,
	 40, 256, {{R, 0, 2, 0x10000}}, .fail = -EIO, .fail_lba = 200,
	 .error = IDE_ER_ABRT, .bm = INTR, .differ = DIFF_LBA | DIFF_DISK},
	/*
	 * No write op at all: the direct path refuses before it walks the
	 * table, the buffered one after it took the chunk from the guest.
	 */
	{"write, disk without a write op", ATA_CMD_WRITE_DMA, 40, 8,
	 {{R, 0x1000, 1, 0}}, .no_write = true, .error = IDE_ER_ABRT,
	 .bm = INTR | ACT, .bm_buffered = INTR, .differ = DIFF_BM},
	/* Cache off: buffered flushes per chunk, direct once at the end. */
	{"write ext, write cache off", ATA_CMD_WRITE_DMA_EXT, 60, 256,
	 {{R, 0, 2, 0x10000}}, .wcache_off = true, .bm = INTR,
	 .differ = DIFF_FLUSH},
	{"write, write cache off, flush fails", ATA_CMD_WRITE_DMA, 60, 8,
	 {{R, 0x1000, 1, 0}}, .wcache_off = true, .fail_flush = -EIO,
	 .error = IDE_ER_ABRT, .bm = INTR},
	{"write, write cache on: no flush", ATA_CMD_WRITE_DMA, 60, 8,
	 {{R, 0x1000, 1, 0}}, .bm = INTR},
};

/* What the guest can see after the command, and what the host got. */
struct dma_outcome {
	int level;
	unsigned raises;
	uint8_t alt, status, error, nsector;
	uint64_t lba; /* from the task file, in the command's form */
	uint8_t bm;
	struct ide_stats stats;
	struct bmdma_stats bm_stats;
	unsigned flushes, reads, writes, dmavs;
	unsigned dmav_tick, flush_tick;
	uint8_t mem[MEM_SIZE];
	uint8_t disk[STORED * IDE_SECTOR_SIZE];
};

/* [0] buffered, [1] direct, [2] before the command. */
static struct dma_outcome DO[3];

static bool is_ext(uint8_t cmd)
{
	return cmd == ATA_CMD_READ_DMA_EXT || cmd == ATA_CMD_WRITE_DMA_EXT;
}

static bool is_read(uint8_t cmd)
{
	return cmd == ATA_CMD_READ_DMA || cmd == ATA_CMD_READ_DMA_EXT;
}

static void dma_table(struct fake *f, const struct dma_case *c)
{
	uint32_t at = c->prdt ? c->prdt : PRDT;
	unsigned i, j, n = 0, total = 0;

	if (c->raw) {
		assert_true(at + 8 * c->nraw <= MEM_SIZE);
		memcpy(f->mem + at, c->raw, 8 * c->nraw);
		ide_bm_write(&f->ch, BMDMA_REG_PRDT, 4, at);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(c->prd); i++)
		total += c->prd[i].rep;
	for (i = 0; i < ARRAY_SIZE(c->prd); i++)
		for (j = 0; j < c->prd[i].rep; j++, n++) {
			bool eot = n == total - 1 && !c->no_eot;
			uint32_t e[2] = {c->prd[i].addr + j * c->prd[i].step,
					 c->prd[i].count |
						 (eot ? BMDMA_PRD_EOT : 0)};

			assert_true(at + 8 * n + 8 <= MEM_SIZE);
			memcpy(f->mem + at + 8 * n, e, 8);
		}
	ide_bm_write(&f->ch, BMDMA_REG_PRDT, 4, at);
}

static void dma_run(void **state, const struct dma_case *c, bool direct,
		    struct dma_outcome *o)
{
	static const struct ide_backend_ops *const bes[2][2] = {
		{&fake_be, &fake_be_dmav},
		{&fake_be_nowrite, &fake_be_nowrite_dmav},
	};
	bool reading = is_read(c->cmd), to_mem = reading != c->wrong_dir;
	struct fake *f;
	unsigned i, raises;

	setup_be(state, DCAP, bes[c->no_write][direct]);
	f = *state;
	for (i = 0; i < MEM_SIZE; i++)
		f->mem[i] = (uint8_t)(i * 13 + (i >> 12) + 5);
	if (c->wcache_off) {
		simple(f, ATA_CMD_SET_FEATURES, ATA_SF_WCACHE_OFF, 0);
		expect_done(f);
	}
	dma_table(f, c);
	memcpy(DO[2].mem, f->mem, MEM_SIZE);
	memcpy(DO[2].disk, f->disk, sizeof(f->disk));
	f->fail_read = reading ? c->fail : 0;
	f->fail_write = reading ? 0 : c->fail;
	f->fail_lba = c->fail_lba;
	f->fail_flush = c->fail_flush;
	f->flushes = 0;
	raises = f->raises;
	if (c->start_first)
		bm_start(f, to_mem);
	if (is_ext(c->cmd))
		cmd48(f, c->cmd, c->lba, (uint16_t)c->count);
	else
		cmd28(f, c->cmd, (uint32_t)c->lba, (uint8_t)c->count);
	if (!c->start_first) {
		/* The drive waits for the bus master. */
		assert_int_equal(alt(f), READY | IDE_ST_DRQ);
		assert_int_equal(f->level, 0);
		bm_start(f, to_mem);
	}
	memset(o, 0, offsetof(struct dma_outcome, mem));
	o->level = f->level;
	o->raises = f->raises - raises;
	o->alt = alt(f);
	o->error = rd(f, IDE_REG_ERROR);
	o->nsector = rd(f, IDE_REG_NSECTOR);
	o->lba = rd(f, IDE_REG_LBAL) | (uint64_t)rd(f, IDE_REG_LBAM) << 8 |
		 (uint64_t)rd(f, IDE_REG_LBAH) << 16;
	if (is_ext(c->cmd)) {
		ide_ctl_write(&f->ch, IDE_REG_CTL, IDE_CTL_HOB);
		o->lba |= (uint64_t)rd(f, IDE_REG_LBAL) << 24 |
			  (uint64_t)rd(f, IDE_REG_LBAM) << 32 |
			  (uint64_t)rd(f, IDE_REG_LBAH) << 40;
		ide_ctl_write(&f->ch, IDE_REG_CTL, 0);
	} else {
		o->lba |= (uint64_t)(rd(f, IDE_REG_DEVICE) & 0x0f) << 24;
	}
	o->bm = bm_status(f);
	o->status = status(f); /* clears the interrupt */
	assert_int_equal(f->level, 0);
	o->stats = f->ch.drive[0].stats;
	o->bm_stats = f->ch.bm.stats;
	o->flushes = f->flushes;
	o->reads = f->reads;
	o->writes = f->writes;
	o->dmavs = f->dmavs;
	o->dmav_tick = f->dmav_tick;
	o->flush_tick = f->flush_tick;
	memcpy(o->mem, f->mem, MEM_SIZE);
	memcpy(o->disk, f->disk, sizeof(f->disk));
}

/* Where the paths may differ: the direct path does what it documents. */
static void expect_direct(const struct dma_case *c)
{
	const struct dma_outcome *b = &DO[0], *d = &DO[1], *before = &DO[2];

	if (c->differ & DIFF_LBA) {
		assert_int_equal(d->lba, c->lba);
		assert_true(b->lba > c->lba);
	} else {
		assert_int_equal(d->lba, b->lba);
	}
	if (c->differ & DIFF_MEM) {
		assert_memory_equal(d->mem, before->mem, MEM_SIZE);
		assert_memory_not_equal(b->mem, before->mem, MEM_SIZE);
	} else {
		assert_memory_equal(d->mem, b->mem, MEM_SIZE);
	}
	if (c->differ & DIFF_DISK) {
		assert_memory_equal(d->disk, before->disk, sizeof(d->disk));
		assert_memory_not_equal(b->disk, before->disk,
					sizeof(d->disk));
	} else {
		assert_memory_equal(d->disk, b->disk, sizeof(d->disk));
	}
	assert_int_equal(d->bm, c->bm);
	assert_int_equal(b->bm,
			 (c->differ & DIFF_BM) ? c->bm_buffered : c->bm);
	if (c->differ & DIFF_FLUSH) {
		assert_int_equal(d->flushes, 1);
		assert_true(b->flushes > 1);
	} else {
		assert_int_equal(d->flushes, b->flushes);
	}
	if (d->flushes)
		assert_true(d->flush_tick > d->dmav_tick);
	if (c->differ & DIFF_STATS) {
		/* The direct walk reached the end of the table. */
		assert_int_equal(d->bm_stats.short_tbl, 1);
		assert_int_equal(b->bm_stats.short_tbl, 0);
		assert_int_equal(b->bm_stats.faults, 1);
	} else {
		assert_memory_equal(&d->bm_stats, &b->bm_stats,
				    sizeof(d->bm_stats));
	}
}

static void test_dmav_matches_buffered(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dma_cases); i++) {
		const struct dma_case *c = &dma_cases[i];
		uint8_t want = READY | (c->error ? IDE_ST_ERR : 0);

		print_message("case: %s\n", c->name);
		dma_run(state, c, false, &DO[0]);
		dma_run(state, c, true, &DO[1]);
		/* Each path used its own backend ops only. */
		assert_int_equal(DO[0].dmavs, 0);
		assert_int_equal(DO[1].reads + DO[1].writes, 0);
		if (c->wrong_dir || c->no_write)
			assert_int_equal(DO[1].dmavs, 0);
		/* One interrupt, with the bus master's Interrupt bit. */
		assert_int_equal(DO[0].level, 1);
		assert_int_equal(DO[1].level, 1);
		assert_int_equal(DO[0].raises, 1);
		assert_int_equal(DO[1].raises, 1);
		assert_int_equal(DO[0].alt, want);
		assert_int_equal(DO[1].alt, want);
		assert_int_equal(DO[1].status, want);
		assert_int_equal(DO[0].error, c->error);
		assert_int_equal(DO[1].error, c->error);
		assert_int_equal(DO[1].nsector, DO[0].nsector);
		assert_memory_equal(&DO[1].stats, &DO[0].stats,
				    sizeof(DO[0].stats));
		if (!c->error)
			assert_int_equal(DO[1].lba, c->lba + c->count - 1);
		expect_direct(c);
	}
}

static uint32_t rng_state;

static uint32_t rng(void)
{
	/* xorshift32: reproducible, no libc state. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/*
 * Random tables that cover the transfer (exactly or with room to spare,
 * with or without EOT), random addresses and counts: successful commands,
 * where nothing at all may differ between the paths.
 */
static void test_dmav_random_tables(void **state)
{
	static const uint8_t cmds[] = {ATA_CMD_READ_DMA, ATA_CMD_READ_DMA_EXT,
				       ATA_CMD_WRITE_DMA,
				       ATA_CMD_WRITE_DMA_EXT};
	static uint32_t raw[2 * 1024];
	unsigned iter;

	rng_state = 0x9e3779b9u;
	for (iter = 0; iter < 120; iter++) {
		struct dma_case c = {.name = "random", .bm = INTR};
		uint64_t need, have = 0;
		unsigned n = 0;

		c.cmd = cmds[rng() % ARRAY_SIZE(cmds)];
		c.count = 1 + rng() % (is_ext(c.cmd) ? 700 : 256);
		c.lba = rng() % (STORED + 200 - c.count);
		c.start_first = rng() & 1;
		c.wcache_off = rng() % 4 == 0;
		need = (uint64_t)c.count * IDE_SECTOR_SIZE;
		while (have < need) {
			uint32_t kind = rng() % 6, count, addr;

			count = kind == 0   ? 0
				: kind == 1 ? 2 * (1 + rng() % 8)
					    : 2 * (1 + rng() % 0x3000);
			/* Bit 0 of either field is ignored by the hardware. */
			addr = 0x10000 + rng() % (MEM_SIZE - 0x20000);
			addr |= rng() % 8 == 0;
			count |= rng() % 8 == 0;
			raw[2 * n] = addr;
			raw[2 * n + 1] = count;
			have += (count & 0xfffe) ? (count & 0xfffe) : 0x10000;
			n++;
			assert_true(n < ARRAY_SIZE(raw) / 2);
		}
		if (rng() % 3 == 0) { /* room to spare */
			raw[2 * n] = 0x10000;
			raw[2 * n + 1] = 0x200;
			have += 0x200;
			n++;
		}
		if (rng() % 5)
			raw[2 * n - 1] |= BMDMA_PRD_EOT;
		/* Active clears only when the EOT region is drained. */
		if (have > need || !(raw[2 * n - 1] & BMDMA_PRD_EOT))
			c.bm |= ACT;
		c.raw = raw;
		c.nraw = n;
		dma_run(state, &c, false, &DO[0]);
		dma_run(state, &c, true, &DO[1]);
		assert_int_equal(DO[0].error, 0);
		assert_int_equal(DO[1].status, READY);
		assert_int_equal(DO[1].alt, DO[0].alt);
		assert_int_equal(DO[1].raises, 1);
		assert_int_equal(DO[1].lba, c.lba + c.count - 1);
		if (c.wcache_off && c.count > 128 && !is_read(c.cmd))
			c.differ |= DIFF_FLUSH;
		expect_direct(&c);
	}
}

static void test_dmav_batches(void **state)
{
	static const struct dma_case big = {
		.cmd = ATA_CMD_READ_DMA_EXT,
		.lba = 5000,
		.count = 65536,
		.prd = {{R, 0, 512, 0}},
	};
	static const struct dma_case tiny = {
		.cmd = ATA_CMD_WRITE_DMA_EXT,
		.lba = 3000,
		.count = 2,
		.prd = {{R, 6, 1, 0}, {R + 0x10, 2, 299, 2},
			{R + 0x1000, 420, 1, 0}},
	};
	struct fake *f;

	/* 512 regions of 64 KiB: two calls of 256 segments, 16 MiB each. */
	dma_run(state, &big, true, &DO[1]);
	f = *state;
	assert_int_equal(f->dmavs, 2);
	assert_int_equal(f->dmav_segs, 512);
	assert_int_equal(f->dmav_nseg[0], 256);
	assert_int_equal(f->dmav_nseg[1], 256);
	assert_int_equal(f->dmav_off[0], 5000ull * IDE_SECTOR_SIZE);
	assert_int_equal(f->dmav_bytes[0], 16u << 20);
	assert_int_equal(f->dmav_off[1],
			 5000ull * IDE_SECTOR_SIZE + (16u << 20));
	assert_int_equal(f->dmav_bytes[1], 16u << 20);
	assert_int_equal(f->sect_read, 65536);
	/* The second batch starts where the first ended, off a sector. */
	dma_run(state, &tiny, true, &DO[1]);
	f = *state;
	assert_int_equal(f->dmavs, 2);
	assert_int_equal(f->dmav_nseg[0], 256);
	assert_int_equal(f->dmav_off[0], 3000ull * IDE_SECTOR_SIZE);
	assert_int_equal(f->dmav_bytes[0], 6 + 255 * 2);
	assert_int_equal(f->dmav_nseg[1], 45);
	assert_int_equal(f->dmav_off[1], 3000ull * IDE_SECTOR_SIZE + 516);
	assert_int_equal(f->dmav_bytes[1], 44 * 2 + 420);
	assert_memory_equal(f->disk + 3000 * IDE_SECTOR_SIZE, f->mem + R, 6);
	assert_memory_equal(f->disk + 3000 * IDE_SECTOR_SIZE + 6,
			    f->mem + R + 0x10, 299 * 2);
	assert_memory_equal(f->disk + 3000 * IDE_SECTOR_SIZE + 604,
			    f->mem + R + 0x1000, 420);
}

/* A short write table over several batches: earlier batches are written. */
static void test_dmav_short_write_batches(void **state)
{
	/* 300 regions of one sector for a 1000-sector write. */
	static const struct dma_case c = {
		.cmd = ATA_CMD_WRITE_DMA_EXT,
		.lba = 100,
		.count = 1000,
		.prd = {{R, 0x200, 300, 0x200}},
	};
	struct fake *f;

	dma_run(state, &c, true, &DO[1]);
	f = *state;
	assert_int_equal(DO[1].error, IDE_ER_ABRT);
	assert_int_equal(DO[1].lba, 100);
	/* The first 256 regions went out in one call, the rest did not. */
	assert_int_equal(f->dmavs, 1);
	assert_int_equal(f->sect_written, 256);
	assert_memory_equal(f->disk + 100 * IDE_SECTOR_SIZE, f->mem + R,
			    256 * IDE_SECTOR_SIZE);
	assert_memory_equal(f->disk + 356 * IDE_SECTOR_SIZE,
			    DO[2].disk + 356 * IDE_SECTOR_SIZE,
			    44 * IDE_SECTOR_SIZE);
	assert_int_equal(DO[1].bm, INTR);
	assert_int_equal(f->ch.bm.stats.short_tbl, 1);
	assert_int_equal(f->ch.drive[0].stats.dma_errors, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identify, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_identify_large_disk, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_sectors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_write_sectors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_set_multiple, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_write_multiple, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lba48, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count_zero_48, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_range_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backend_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_flush_and_write_cache,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_features, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_chs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_housekeeping, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_commands, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_command_cancels_transfer,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_write, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dma_table_longer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dma_failures, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dma_backend_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dma_srst_cancels, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dmav_matches_buffered,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dmav_random_tables, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dmav_batches, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dmav_short_write_batches,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
