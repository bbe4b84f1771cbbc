/* SPDX-License-Identifier: MIT */
/*
 * ATA disk command set (ATA8-ACS): IDENTIFY DEVICE, PIO and DMA reads and
 * writes in 28- and 48-bit forms, FLUSH CACHE, SET FEATURES and the
 * housekeeping commands. See ata.h for the decisions.
 */
#include "dm/hw/ata.h"

#include <errno.h>
#include <string.h>

#define ATA_F_READ 0x01u
#define ATA_F_WRITE 0x02u
#define ATA_F_EXT 0x04u /* 48-bit address and count */
#define ATA_F_MULT 0x08u
#define ATA_F_DMA 0x10u

/* Largest LBA28 address + 1, for IDENTIFY words 60-61. */
#define ATA_LBA28_SECTORS 0x0fffffffu

struct ata_cmd {
	void (*fn)(struct ide_channel *ch, struct ide_drive *d, unsigned f);
	unsigned flags;
};

static void ata_ok(struct ide_channel *ch, struct ide_drive *d)
{
	ide_idle(d);
	ide_raise_irq(ch, d);
}

static void ata_abort(struct ide_channel *ch, struct ide_drive *d)
{
	d->stats.aborted++;
	ide_fail(ch, d, IDE_ER_ABRT, 0);
}

static void ata_cmd_abort(struct ide_channel *ch, struct ide_drive *d,
			  unsigned f)
{
	(void)f;
	ata_abort(ch, d);
}

static void ata_cmd_ok(struct ide_channel *ch, struct ide_drive *d,
		       unsigned f)
{
	(void)f;
	ata_ok(ch, d);
}

/* CHS through the current geometry; false if the address does not exist. */
static bool ata_chs_to_lba(const struct ata_state *a,
			   const struct ide_taskfile *tf, uint64_t *lba)
{
	unsigned cyl = tf->lbam | (unsigned)tf->lbah << 8;
	unsigned head = tf->device & 0x0f;
	unsigned sec = tf->lbal;

	if (!sec || sec > a->cur_spt || head >= a->cur_heads ||
	    cyl >= a->cur_cyls)
		return false;
	*lba = ((uint64_t)cyl * a->cur_heads + head) * a->cur_spt + sec - 1;
	return true;
}

/*
 * Address and count of the command in the task file; false when a CHS
 * address is outside the geometry.
 */
static bool ata_decode(struct ide_drive *d, unsigned f, uint64_t *lba,
		       uint32_t *count)
{
	const struct ide_taskfile *tf = &d->tf;

	if (f & ATA_F_EXT) {
		*lba = (uint64_t)tf->lbal | (uint64_t)tf->lbam << 8 |
		       (uint64_t)tf->lbah << 16 |
		       (uint64_t)tf->hob_lbal << 24 |
		       (uint64_t)tf->hob_lbam << 32 |
		       (uint64_t)tf->hob_lbah << 40;
		*count = tf->nsector | (uint32_t)tf->hob_nsector << 8;
		if (!*count)
			*count = 65536;
		d->ata.addr_mode = ATA_ADDR_LBA48;
		return true;
	}
	*count = tf->nsector ? tf->nsector : 256;
	if (tf->device & IDE_DEV_LBA) {
		*lba = (uint64_t)tf->lbal | (uint64_t)tf->lbam << 8 |
		       (uint64_t)tf->lbah << 16 |
		       (uint64_t)(tf->device & 0x0f) << 24;
		d->ata.addr_mode = ATA_ADDR_LBA28;
		return true;
	}
	d->ata.addr_mode = ATA_ADDR_CHS;
	return ata_chs_to_lba(&d->ata, tf, lba);
}

/* Puts `lba` back into the task file in the command's addressing form. */
static void ata_set_addr(struct ide_drive *d, uint64_t lba)
{
	struct ide_taskfile *tf = &d->tf;
	const struct ata_state *a = &d->ata;
	uint64_t track;

	switch (a->addr_mode) {
	case ATA_ADDR_LBA48:
		tf->hob_lbal = (uint8_t)(lba >> 24);
		tf->hob_lbam = (uint8_t)(lba >> 32);
		tf->hob_lbah = (uint8_t)(lba >> 40);
		break;
	case ATA_ADDR_LBA28:
		tf->device = (uint8_t)((tf->device & 0xf0) |
				       ((lba >> 24) & 0x0f));
		break;
	default:
		if (!a->cur_heads || !a->cur_spt)
			return;
		track = lba / a->cur_spt;
		tf->lbal = (uint8_t)(lba % a->cur_spt + 1);
		tf->device = (uint8_t)((tf->device & 0xf0) |
				       (track % a->cur_heads));
		track /= a->cur_heads;
		tf->lbam = (uint8_t)track;
		tf->lbah = (uint8_t)(track >> 8);
		return;
	}
	tf->lbal = (uint8_t)lba;
	tf->lbam = (uint8_t)(lba >> 8);
	tf->lbah = (uint8_t)(lba >> 16);
}

static bool ata_in_range(const struct ata_state *a, uint64_t lba,
			 uint64_t count)
{
	return lba < a->nsectors && count <= a->nsectors - lba;
}

static void ata_range_error(struct ide_channel *ch, struct ide_drive *d)
{
	d->stats.range++;
	ide_fail(ch, d, IDE_ER_IDNF, 0);
}

static int ata_backend_read(struct ide_drive *d, uint64_t lba, unsigned n)
{
	return d->be->read(d->be_opaque, lba, d->buf, n);
}

static int ata_backend_write(struct ide_drive *d, uint64_t lba, unsigned n)
{
	int r;

	if (!d->be->write)
		return -EROFS;
	r = d->be->write(d->be_opaque, lba, d->buf, n);
	if (!r && !d->ata.wcache && d->be->flush)
		r = d->be->flush(d->be_opaque);
	return r;
}

static void ata_io_error(struct ide_channel *ch, struct ide_drive *d,
			 uint8_t error)
{
	ata_set_addr(d, d->ata.lba);
	d->stats.io_errors++;
	ide_fail(ch, d, error, 0);
}

/* Reads the next block and offers it on the data port (interrupt). */
static void ata_read_block(struct ide_channel *ch, struct ide_drive *d)
{
	struct ata_state *a = &d->ata;
	unsigned n = a->left < a->block ? a->left : a->block;

	if (ata_backend_read(d, a->lba, n)) {
		ata_io_error(ch, d, IDE_ER_UNC);
		return;
	}
	a->cur = (uint16_t)n;
	ide_pio_window(d, IDE_PIO_ATA_IN, 0, n * IDE_SECTOR_SIZE);
	ide_raise_irq(ch, d);
}

/* Asks for the next block on the data port (the caller interrupts). */
static void ata_write_window(struct ide_drive *d)
{
	struct ata_state *a = &d->ata;
	unsigned n = a->left < a->block ? a->left : a->block;

	a->cur = (uint16_t)n;
	ide_pio_window(d, IDE_PIO_ATA_OUT, 0, n * IDE_SECTOR_SIZE);
}

static void ata_cmd_rw(struct ide_channel *ch, struct ide_drive *d,
		       unsigned f)
{
	struct ata_state *a = &d->ata;
	uint64_t lba;
	uint32_t count;

	if ((f & ATA_F_MULT) && !a->mult) {
		ata_abort(ch, d);
		return;
	}
	if (!ata_decode(d, f, &lba, &count) || !ata_in_range(a, lba, count)) {
		ata_range_error(ch, d);
		return;
	}
	a->lba = lba;
	a->left = count;
	a->block = (f & ATA_F_MULT) ? a->mult : 1;
	a->cur = 0;
	if (f & ATA_F_DMA)
		ide_dma_request(ch, d,
				(f & ATA_F_READ) ? IDE_DMA_ATA_READ
						 : IDE_DMA_ATA_WRITE);
	else if (f & ATA_F_READ)
		ata_read_block(ch, d);
	else
		ata_write_window(d); /* the first block needs no interrupt */
}

void ata_pio_done(struct ide_channel *ch, struct ide_drive *d)
{
	struct ata_state *a = &d->ata;
	bool out = d->pio == IDE_PIO_ATA_OUT;

	if (out && ata_backend_write(d, a->lba, a->cur)) {
		ata_io_error(ch, d, IDE_ER_ABRT);
		return;
	}
	a->lba += a->cur;
	a->left -= a->cur;
	if (!a->left) {
		/* Data-in ends silently, data-out with an interrupt. */
		ata_set_addr(d, a->lba - 1);
		if (out)
			ata_ok(ch, d);
		else
			ide_idle(d);
		return;
	}
	if (out) {
		ata_write_window(d);
		ide_raise_irq(ch, d);
	} else {
		ata_read_block(ch, d);
	}
}

/* The whole transfer straight between image and guest (backend dmav). */
static void ata_dma_direct(struct ide_channel *ch, struct ide_drive *d,
			   bool rd)
{
	struct ata_state *a = &d->ata;
	int r;

	if (!rd && !d->be->write) {
		ata_io_error(ch, d, IDE_ER_ABRT);
		return;
	}
	r = ide_dma_direct(ch, d, a->lba * IDE_SECTOR_SIZE,
			   (uint64_t)a->left * IDE_SECTOR_SIZE, rd);
	if (!r && !rd && !a->wcache && d->be->flush &&
	    d->be->flush(d->be_opaque))
		r = -EIO;
	if (r == -EIO) {
		ata_io_error(ch, d, rd ? IDE_ER_UNC : IDE_ER_ABRT);
		return;
	}
	if (r) {
		/* Counted by ide_dma_direct as a DMA error. */
		ata_set_addr(d, a->lba);
		ide_fail(ch, d, IDE_ER_ABRT, 0);
		return;
	}
	a->lba += a->left;
	a->left = 0;
	ata_set_addr(d, a->lba - 1);
	ata_ok(ch, d);
}

void ata_dma_run(struct ide_channel *ch, struct ide_drive *d)
{
	struct ata_state *a = &d->ata;
	bool rd = d->dma == IDE_DMA_ATA_READ;

	if (d->be->dmav && a->left) {
		ata_dma_direct(ch, d, rd);
		return;
	}
	while (a->left) {
		unsigned n = a->left < IDE_BUF_SIZE / IDE_SECTOR_SIZE
				     ? a->left
				     : IDE_BUF_SIZE / IDE_SECTOR_SIZE;
		int r;

		if (rd) {
			if (ata_backend_read(d, a->lba, n)) {
				ata_io_error(ch, d, IDE_ER_UNC);
				return;
			}
			r = ide_dma_move(ch, d, (size_t)n * IDE_SECTOR_SIZE,
					 true);
		} else {
			r = ide_dma_move(ch, d, (size_t)n * IDE_SECTOR_SIZE,
					 false);
			if (!r && ata_backend_write(d, a->lba, n)) {
				ata_io_error(ch, d, IDE_ER_ABRT);
				return;
			}
		}
		if (r) {
			/* Counted by ide_dma_move as a DMA error. */
			ata_set_addr(d, a->lba);
			ide_fail(ch, d, IDE_ER_ABRT, 0);
			return;
		}
		a->lba += n;
		a->left -= n;
	}
	ata_set_addr(d, a->lba - 1);
	ata_ok(ch, d);
}

static void ata_cmd_identify(struct ide_channel *ch, struct ide_drive *d,
			     unsigned f)
{
	const struct ata_state *a = &d->ata;
	uint64_t n28 = a->nsectors < ATA_LBA28_SECTORS ? a->nsectors
						       : ATA_LBA28_SECTORS;
	uint32_t chs = (uint32_t)a->cur_cyls * a->cur_heads * a->cur_spt;
	uint16_t id[256];

	(void)f;
	memset(id, 0, sizeof(id));
	id[0] = 0x0040; /* ATA device, not removable */
	id[1] = a->cyls;
	id[3] = a->heads;
	id[6] = a->spt;
	id[47] = 0x8000 | ATA_MAX_MULT;
	/* IORDY, IORDY can be disabled, LBA, DMA. */
	id[49] = 0x0f00;
	id[50] = 0x4000;
	id[51] = 0x0200; /* obsolete PIO timing mode 2 */
	id[53] = 0x0007; /* words 54-58, 64-70 and 88 valid */
	id[54] = a->cur_cyls;
	id[55] = a->cur_heads;
	id[56] = a->cur_spt;
	id[57] = (uint16_t)chs;
	id[58] = (uint16_t)(chs >> 16);
	id[59] = (uint16_t)(0x0100 | a->mult);
	id[60] = (uint16_t)n28;
	id[61] = (uint16_t)(n28 >> 16);
	id[80] = 0x01f0; /* ATA/ATAPI-4 to ATA8-ACS */
	/* NOP, look-ahead, write cache, power management. */
	id[82] = 0x4068;
	/* FLUSH CACHE EXT, FLUSH CACHE, 48-bit addresses. */
	id[83] = 0x7400;
	id[84] = 0x4000;
	id[85] = (uint16_t)(0x4008 | (a->lookahead ? 0x40 : 0) |
			    (a->wcache ? 0x20 : 0));
	id[86] = 0x3400;
	id[87] = 0x4000;
	id[100] = (uint16_t)a->nsectors;
	id[101] = (uint16_t)(a->nsectors >> 16);
	id[102] = (uint16_t)(a->nsectors >> 32);
	id[103] = (uint16_t)(a->nsectors >> 48);
	id[106] = 0x4000; /* 512-byte logical and physical sectors */
	id[217] = 0x0001; /* non-rotating medium */
	ide_id_finish(ch, d, id);
	ide_pio_window(d, IDE_PIO_IDENTIFY, 0, IDE_SECTOR_SIZE);
	ide_raise_irq(ch, d);
}

/* READ VERIFY and SEEK: the address must exist, no data moves. */
static void ata_cmd_check_addr(struct ide_channel *ch, struct ide_drive *d,
			       unsigned f)
{
	uint64_t lba;
	uint32_t count;

	if (!ata_decode(d, f, &lba, &count) ||
	    !ata_in_range(&d->ata, lba, (f & ATA_F_READ) ? count : 1)) {
		ata_range_error(ch, d);
		return;
	}
	ata_set_addr(d, (f & ATA_F_READ) ? lba + count - 1 : lba);
	ata_ok(ch, d);
}

static void ata_cmd_init_params(struct ide_channel *ch, struct ide_drive *d,
				unsigned f)
{
	struct ata_state *a = &d->ata;
	unsigned spt = d->tf.nsector;
	unsigned heads = (d->tf.device & 0x0f) + 1u;
	uint64_t cyls;

	(void)f;
	if (!spt) {
		ata_abort(ch, d);
		return;
	}
	cyls = a->nsectors / (heads * spt);
	a->cur_cyls = (uint16_t)(cyls > 65535 ? 65535 : cyls);
	a->cur_heads = (uint16_t)heads;
	a->cur_spt = (uint16_t)spt;
	ata_ok(ch, d);
}

static void ata_cmd_set_multiple(struct ide_channel *ch, struct ide_drive *d,
				 unsigned f)
{
	unsigned n = d->tf.nsector;

	(void)f;
	if (n > ATA_MAX_MULT || (n & (n - 1))) {
		ata_abort(ch, d);
		return;
	}
	d->ata.mult = (uint8_t)n;
	ata_ok(ch, d);
}

static void ata_cmd_flush(struct ide_channel *ch, struct ide_drive *d,
			  unsigned f)
{
	(void)f;
	if (d->be->flush && d->be->flush(d->be_opaque)) {
		d->stats.io_errors++;
		ide_fail(ch, d, IDE_ER_ABRT, IDE_ST_DF);
		return;
	}
	ata_ok(ch, d);
}

static void ata_cmd_set_features(struct ide_channel *ch, struct ide_drive *d,
				 unsigned f)
{
	struct ata_state *a = &d->ata;

	switch (d->tf.feature) {
	case ATA_SF_WCACHE_ON:
		a->wcache = true;
		break;
	case ATA_SF_WCACHE_OFF:
		a->wcache = false;
		ata_cmd_flush(ch, d, f); /* what the cache held goes out */
		return;
	case ATA_SF_XFER_MODE:
		if (ide_set_xfer_mode(d, d->tf.nsector)) {
			ata_abort(ch, d);
			return;
		}
		break;
	case ATA_SF_LOOKAHEAD_OFF:
		a->lookahead = false;
		break;
	case ATA_SF_LOOKAHEAD_ON:
		a->lookahead = true;
		break;
	case ATA_SF_REVERT_OFF:
	case ATA_SF_REVERT_ON:
		break;
	default:
		ata_abort(ch, d);
		return;
	}
	ata_ok(ch, d);
}

static void ata_cmd_check_power(struct ide_channel *ch, struct ide_drive *d,
				unsigned f)
{
	(void)f;
	d->tf.nsector = 0xff; /* active or idle */
	ata_ok(ch, d);
}

static const struct ata_cmd ata_cmds[256] = {
	[ATA_CMD_NOP] = {ata_cmd_abort, 0},
	[0x10 ... 0x1f] = {ata_cmd_ok, 0}, /* RECALIBRATE */
	[0x20 ... 0x21] = {ata_cmd_rw, ATA_F_READ},
	[ATA_CMD_READ_SECTORS_EXT] = {ata_cmd_rw, ATA_F_READ | ATA_F_EXT},
	[ATA_CMD_READ_DMA_EXT] = {ata_cmd_rw,
				  ATA_F_READ | ATA_F_EXT | ATA_F_DMA},
	[ATA_CMD_READ_MULTIPLE_EXT] = {ata_cmd_rw,
				       ATA_F_READ | ATA_F_EXT | ATA_F_MULT},
	[0x30 ... 0x31] = {ata_cmd_rw, ATA_F_WRITE},
	[ATA_CMD_WRITE_SECTORS_EXT] = {ata_cmd_rw, ATA_F_WRITE | ATA_F_EXT},
	[ATA_CMD_WRITE_DMA_EXT] = {ata_cmd_rw,
				   ATA_F_WRITE | ATA_F_EXT | ATA_F_DMA},
	[ATA_CMD_WRITE_MULTIPLE_EXT] = {ata_cmd_rw,
					ATA_F_WRITE | ATA_F_EXT | ATA_F_MULT},
	[0x40 ... 0x41] = {ata_cmd_check_addr, ATA_F_READ},
	[ATA_CMD_READ_VERIFY_EXT] = {ata_cmd_check_addr,
				     ATA_F_READ | ATA_F_EXT},
	[0x70 ... 0x7f] = {ata_cmd_check_addr, 0}, /* SEEK */
	[ATA_CMD_INIT_DEV_PARAMS] = {ata_cmd_init_params, 0},
	[0x98] = {ata_cmd_check_power, 0}, /* old CHECK POWER MODE */
	[ATA_CMD_READ_MULTIPLE] = {ata_cmd_rw, ATA_F_READ | ATA_F_MULT},
	[ATA_CMD_WRITE_MULTIPLE] = {ata_cmd_rw, ATA_F_WRITE | ATA_F_MULT},
	[ATA_CMD_SET_MULTIPLE] = {ata_cmd_set_multiple, 0},
	[0xc8 ... 0xc9] = {ata_cmd_rw, ATA_F_READ | ATA_F_DMA},
	[0xca ... 0xcb] = {ata_cmd_rw, ATA_F_WRITE | ATA_F_DMA},
	[ATA_CMD_STANDBY_IMMEDIATE] = {ata_cmd_ok, 0},
	[ATA_CMD_IDLE_IMMEDIATE] = {ata_cmd_ok, 0},
	[ATA_CMD_STANDBY] = {ata_cmd_ok, 0},
	[ATA_CMD_IDLE] = {ata_cmd_ok, 0},
	[ATA_CMD_CHECK_POWER_MODE] = {ata_cmd_check_power, 0},
	[ATA_CMD_SLEEP] = {ata_cmd_ok, 0},
	[ATA_CMD_FLUSH_CACHE] = {ata_cmd_flush, 0},
	[ATA_CMD_FLUSH_CACHE_EXT] = {ata_cmd_flush, 0},
	[ATA_CMD_IDENTIFY] = {ata_cmd_identify, 0},
	[ATA_CMD_SET_FEATURES] = {ata_cmd_set_features, 0},
};

void ata_exec(struct ide_channel *ch, struct ide_drive *d, uint8_t cmd)
{
	const struct ata_cmd *c = &ata_cmds[cmd];

	if (!c->fn) {
		ata_abort(ch, d);
		return;
	}
	c->fn(ch, d, c->flags);
}

void ata_power_on(struct ide_drive *d)
{
	struct ata_state *a = &d->ata;
	uint64_t cyls = a->nsectors / (16 * 63);

	a->heads = 16;
	a->spt = 63;
	if (!cyls) {
		/* Below one cylinder: a single track of what there is. */
		a->heads = 1;
		a->spt = (uint16_t)(a->nsectors < 63 ? a->nsectors : 63);
		cyls = 1;
	}
	a->cyls = (uint16_t)(cyls > 16383 ? 16383 : cyls);
	a->cur_cyls = a->cyls;
	a->cur_heads = a->heads;
	a->cur_spt = a->spt;
	a->mult = 0;
	a->wcache = true;
	a->lookahead = true;
	a->lba = 0;
	a->left = 0;
	a->cur = 0;
	a->block = 1;
	a->addr_mode = ATA_ADDR_LBA28;
}
