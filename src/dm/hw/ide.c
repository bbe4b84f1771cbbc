/* SPDX-License-Identifier: MIT */
/*
 * IDE channel: task file registers, drive selection, the data port, device
 * control (nIEN, SRST, HOB), the interrupt line and the hand-off to the
 * bus master. The command sets live in ata.c and atapi.c. Register
 * semantics follow ATA/ATAPI-8 (ATA8-APT and ATA8-ACS).
 */
#include "dm/hw/ide.h"

#include <errno.h>
#include <string.h>

#include "dm/hw/ata.h"
#include "dm/hw/atapi.h"

static struct ide_drive *ide_selected(struct ide_channel *ch)
{
	return &ch->drive[ch->sel & 1];
}

static bool ide_channel_empty(const struct ide_channel *ch)
{
	return ch->drive[0].kind == IDE_NONE && ch->drive[1].kind == IDE_NONE;
}

static void ide_update_irq(struct ide_channel *ch)
{
	const struct ide_drive *d = ide_selected(ch);
	int level = d->kind != IDE_NONE && d->irq_pending &&
		    !(ch->devctl & (IDE_CTL_NIEN | IDE_CTL_SRST));

	if (level == ch->irq_level)
		return;
	ch->irq_level = level;
	if (level)
		bmdma_irq_edge(&ch->bm);
	if (ch->ops && ch->ops->set_irq)
		ch->ops->set_irq(ch->opaque, level);
}

void ide_raise_irq(struct ide_channel *ch, struct ide_drive *d)
{
	d->irq_pending = true;
	ide_update_irq(ch);
}

static void ide_stop(struct ide_drive *d)
{
	d->pio = IDE_PIO_NONE;
	d->dma = IDE_DMA_NONE;
	d->pos = 0;
	d->end = 0;
}

void ide_pio_window(struct ide_drive *d, enum ide_pio kind, uint32_t start,
		    uint32_t len)
{
	/* Callers stay inside the buffer; clamp anyway, cheaply. */
	if (start > IDE_BUF_SIZE)
		start = IDE_BUF_SIZE;
	if (len > IDE_BUF_SIZE - start)
		len = IDE_BUF_SIZE - start;
	d->pio = kind;
	d->dma = IDE_DMA_NONE;
	d->pos = start;
	d->end = start + len;
	d->tf.status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ;
}

void ide_idle(struct ide_drive *d)
{
	ide_stop(d);
	d->tf.status = IDE_ST_DRDY | IDE_ST_DSC;
}

void ide_fail(struct ide_channel *ch, struct ide_drive *d, uint8_t error,
	      uint8_t status_extra)
{
	ide_stop(d);
	d->tf.error = error;
	d->tf.status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_ERR | status_extra;
	ide_raise_irq(ch, d);
}

void ide_set_signature(struct ide_drive *d)
{
	struct ide_taskfile *tf = &d->tf;

	tf->nsector = tf->hob_nsector = 1;
	tf->lbal = tf->hob_lbal = 1;
	if (d->kind == IDE_ATAPI) {
		tf->lbam = tf->hob_lbam = 0x14;
		tf->lbah = tf->hob_lbah = 0xeb;
	} else {
		tf->lbam = tf->hob_lbam = 0;
		tf->lbah = tf->hob_lbah = 0;
	}
	tf->device = 0;
}

/*
 * Software reset of one drive (SRST, EXECUTE DEVICE DIAGNOSTIC, ATAPI
 * DEVICE RESET): transfers dropped, signature and diagnostic code 01h
 * (passed) loaded. ATA devices come back ready; ATAPI devices with DRDY
 * clear, as real ones do. Settings (multiple mode, features) are kept.
 */
static void ide_drive_soft_reset(struct ide_drive *d)
{
	ide_stop(d);
	d->irq_pending = false;
	ide_set_signature(d);
	d->tf.error = 0x01;
	d->tf.status = d->kind == IDE_ATA ? IDE_ST_DRDY | IDE_ST_DSC : 0;
}

/*
 * EXECUTE DEVICE DIAGNOSTIC goes to both devices whatever DEV says;
 * device 0 reports (and interrupts) for the pair.
 */
static void ide_diagnostic(struct ide_channel *ch)
{
	unsigned i, who;

	for (i = 0; i < 2; i++)
		if (ch->drive[i].kind != IDE_NONE)
			ide_drive_soft_reset(&ch->drive[i]);
	who = ch->drive[0].kind != IDE_NONE ? 0 : 1;
	ch->sel = who;
	if (who)
		ch->drive[1].tf.device = IDE_DEV_DEV;
	ide_raise_irq(ch, &ch->drive[who]);
}

static void ide_exec(struct ide_channel *ch, uint8_t cmd)
{
	struct ide_drive *d = ide_selected(ch);

	if (ch->devctl & IDE_CTL_SRST)
		return;
	if (cmd == ATA_CMD_EXECUTE_DIAGNOSTIC) {
		if (!ide_channel_empty(ch))
			ide_diagnostic(ch);
		return;
	}
	if (d->kind == IDE_NONE)
		return;
	/* Writing Command clears INTRQ and ends whatever ran before. */
	ide_stop(d);
	d->irq_pending = false;
	ide_update_irq(ch);
	d->tf.error = 0;
	d->tf.status &= (uint8_t)~(IDE_ST_ERR | IDE_ST_DF | IDE_ST_DRQ);
	if (d->kind == IDE_ATA)
		ata_exec(ch, d, cmd);
	else
		atapi_exec(ch, d, cmd);
}

static bool ide_pio_in(const struct ide_channel *ch,
		       const struct ide_drive *d)
{
	if (d->kind == IDE_NONE || (ch->devctl & IDE_CTL_SRST) ||
	    !(d->tf.status & IDE_ST_DRQ))
		return false;
	return d->pio == IDE_PIO_IDENTIFY || d->pio == IDE_PIO_ATA_IN ||
	       d->pio == IDE_PIO_ATAPI_IN;
}

static bool ide_pio_out(const struct ide_channel *ch,
			const struct ide_drive *d)
{
	if (d->kind == IDE_NONE || (ch->devctl & IDE_CTL_SRST) ||
	    !(d->tf.status & IDE_ST_DRQ))
		return false;
	return d->pio == IDE_PIO_ATA_OUT || d->pio == IDE_PIO_CDB;
}

/* The window is drained or filled: hand over to the command set. */
static void ide_pio_done(struct ide_channel *ch, struct ide_drive *d)
{
	switch (d->pio) {
	case IDE_PIO_IDENTIFY:
		ide_idle(d); /* PIO data-in ends without an interrupt */
		break;
	case IDE_PIO_ATA_IN:
	case IDE_PIO_ATA_OUT:
		ata_pio_done(ch, d);
		break;
	case IDE_PIO_CDB:
		atapi_packet(ch, d);
		break;
	case IDE_PIO_ATAPI_IN:
		atapi_pio_done(ch, d);
		break;
	default:
		break;
	}
}

static uint16_t ide_data_in(struct ide_channel *ch)
{
	struct ide_drive *d = ide_selected(ch);
	uint16_t w = 0;

	if (!ide_pio_in(ch, d)) {
		if (d->kind != IDE_NONE)
			d->stats.stray++;
		return IDE_FLOAT16;
	}
	/* An odd-sized window ends with a pad byte of 0. */
	if (d->pos < d->end)
		w = d->buf[d->pos];
	if (d->pos + 1 < d->end)
		w |= (uint16_t)(d->buf[d->pos + 1] << 8);
	d->pos += 2;
	if (d->pos >= d->end) {
		d->pos = d->end;
		ide_pio_done(ch, d);
	}
	return w;
}

static void ide_data_out(struct ide_channel *ch, uint16_t w)
{
	struct ide_drive *d = ide_selected(ch);

	if (!ide_pio_out(ch, d)) {
		if (d->kind != IDE_NONE)
			d->stats.stray++;
		return;
	}
	if (d->pos < d->end)
		d->buf[d->pos] = (uint8_t)w;
	if (d->pos + 1 < d->end)
		d->buf[d->pos + 1] = (uint8_t)(w >> 8);
	d->pos += 2;
	if (d->pos >= d->end) {
		d->pos = d->end;
		ide_pio_done(ch, d);
	}
}

static uint8_t ide_status(const struct ide_channel *ch,
			  const struct ide_drive *d)
{
	if (d->kind == IDE_NONE)
		return 0; /* device 0 answers for an absent device 1 */
	if (ch->devctl & IDE_CTL_SRST)
		return IDE_ST_BSY;
	return d->tf.status;
}

static uint8_t ide_reg_read(struct ide_channel *ch, unsigned off)
{
	struct ide_drive *d = ide_selected(ch);
	const struct ide_taskfile *tf = &d->tf;
	bool hob = ch->devctl & IDE_CTL_HOB;
	uint8_t v;

	if (off > 7)
		return 0xff;
	if (ide_channel_empty(ch))
		return IDE_FLOAT8;
	switch (off) {
	case IDE_REG_ERROR:
		return tf->error;
	case IDE_REG_NSECTOR:
		return hob ? tf->hob_nsector : tf->nsector;
	case IDE_REG_LBAL:
		return hob ? tf->hob_lbal : tf->lbal;
	case IDE_REG_LBAM:
		return hob ? tf->hob_lbam : tf->lbam;
	case IDE_REG_LBAH:
		return hob ? tf->hob_lbah : tf->lbah;
	case IDE_REG_DEVICE:
		return tf->device | IDE_DEV_OBS;
	case IDE_REG_STATUS:
		v = ide_status(ch, d);
		if (d->kind != IDE_NONE && d->irq_pending) {
			d->irq_pending = false;
			ide_update_irq(ch);
		}
		return v;
	default:
		return IDE_FLOAT8; /* the data port, read as a byte register */
	}
}

/* Both devices latch task file writes; 48-bit registers keep the last. */
static void ide_reg_write(struct ide_channel *ch, unsigned off, uint8_t v)
{
	unsigned i;

	if (off < 1 || off > 7)
		return;
	ch->devctl &= (uint8_t)~IDE_CTL_HOB;
	if (off == IDE_REG_COMMAND) {
		ide_exec(ch, v);
		return;
	}
	for (i = 0; i < 2; i++) {
		struct ide_taskfile *tf = &ch->drive[i].tf;

		switch (off) {
		case IDE_REG_FEATURE:
			tf->hob_feature = tf->feature;
			tf->feature = v;
			break;
		case IDE_REG_NSECTOR:
			tf->hob_nsector = tf->nsector;
			tf->nsector = v;
			break;
		case IDE_REG_LBAL:
			tf->hob_lbal = tf->lbal;
			tf->lbal = v;
			break;
		case IDE_REG_LBAM:
			tf->hob_lbam = tf->lbam;
			tf->lbam = v;
			break;
		case IDE_REG_LBAH:
			tf->hob_lbah = tf->lbah;
			tf->lbah = v;
			break;
		default: /* IDE_REG_DEVICE */
			tf->device = v & (uint8_t)~IDE_DEV_OBS;
			break;
		}
	}
	if (off == IDE_REG_DEVICE) {
		ch->sel = (v & IDE_DEV_DEV) ? 1 : 0;
		ide_update_irq(ch);
	}
}

uint32_t ide_read(struct ide_channel *ch, unsigned off, unsigned size)
{
	uint32_t v = 0;
	unsigned i;

	if (size != 1 && size != 2 && size != 4)
		return 0xffffffffu;
	if (off == IDE_REG_DATA) {
		if (ide_channel_empty(ch))
			return size == 4 ? 0xff7fff7fu : size == 2 ? 0xff7fu
								   : 0x7fu;
		v = ide_data_in(ch);
		if (size == 4)
			v |= (uint32_t)ide_data_in(ch) << 16;
		else if (size == 1)
			v &= 0xff;
		return v;
	}
	for (i = 0; i < size; i++)
		v |= (uint32_t)ide_reg_read(ch, off + i) << (8 * i);
	return v;
}

void ide_write(struct ide_channel *ch, unsigned off, unsigned size,
	       uint32_t val)
{
	unsigned i;

	if (size != 1 && size != 2 && size != 4)
		return;
	if (off == IDE_REG_DATA) {
		ide_data_out(ch, (uint16_t)(size == 1 ? val & 0xff : val));
		if (size == 4)
			ide_data_out(ch, (uint16_t)(val >> 16));
		return;
	}
	for (i = 0; i < size; i++)
		ide_reg_write(ch, off + i, (uint8_t)(val >> (8 * i)));
}

uint8_t ide_ctl_read(struct ide_channel *ch, unsigned off)
{
	if (off != IDE_REG_CTL)
		return 0xff;
	if (ide_channel_empty(ch))
		return IDE_FLOAT8;
	return ide_status(ch, ide_selected(ch));
}

void ide_ctl_write(struct ide_channel *ch, unsigned off, uint8_t val)
{
	uint8_t old = ch->devctl;
	unsigned i;

	if (off != IDE_REG_CTL)
		return;
	ch->devctl = val;
	if ((val & IDE_CTL_SRST) && !(old & IDE_CTL_SRST)) {
		/* Reset asserted: devices go busy, everything is dropped. */
		for (i = 0; i < 2; i++) {
			ide_stop(&ch->drive[i]);
			ch->drive[i].irq_pending = false;
			ch->drive[i].tf.status = 0; /* hidden behind BSY */
		}
	} else if (!(val & IDE_CTL_SRST) && (old & IDE_CTL_SRST)) {
		/* Reset released: signatures, device 0 selected. */
		for (i = 0; i < 2; i++)
			if (ch->drive[i].kind != IDE_NONE)
				ide_drive_soft_reset(&ch->drive[i]);
			else
				ch->drive[i].tf.device = 0;
		ch->sel = 0;
	}
	ide_update_irq(ch);
}

/* Runs a waiting DMA command if the bus master lets it. */
static void ide_dma_kick(struct ide_channel *ch)
{
	struct ide_drive *d = ide_selected(ch);

	if (d->dma == IDE_DMA_NONE)
		d = &ch->drive[!(ch->sel & 1)];
	if (d->dma == IDE_DMA_NONE || !bmdma_ready(&ch->bm) ||
	    (ch->devctl & IDE_CTL_SRST))
		return;
	if (d->dma == IDE_DMA_ATAPI)
		atapi_dma_run(ch, d);
	else
		ata_dma_run(ch, d);
}

void ide_dma_request(struct ide_channel *ch, struct ide_drive *d,
		     enum ide_dma kind)
{
	ide_stop(d);
	d->dma = kind;
	d->tf.status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ;
	ide_dma_kick(ch);
}

int ide_dma_move(struct ide_channel *ch, struct ide_drive *d, size_t len,
		 bool to_guest)
{
	size_t moved;
	int r;

	if (len > IDE_BUF_SIZE)
		return -EINVAL;
	if (bmdma_to_mem(&ch->bm) != to_guest) {
		/* The direction bit disagrees with the command. */
		ch->bm.stats.mismatch++;
		bmdma_fail(&ch->bm);
		d->stats.dma_errors++;
		return -EFAULT;
	}
	r = bmdma_xfer(&ch->bm, d->buf, len, to_guest, &moved);
	if (r == -EINVAL) /* stopped under our feet: nothing more comes */
		r = -ENOSPC;
	if (r)
		d->stats.dma_errors++;
	return r;
}

/* Segments handed to the backend per call: 16 MiB of 64 KiB regions. */
#define IDE_DMA_SEGS 256u

int ide_dma_direct(struct ide_channel *ch, struct ide_drive *d, uint64_t off,
		   uint64_t len, bool to_guest)
{
	struct bmdma_seg seg[IDE_DMA_SEGS];

	if (bmdma_to_mem(&ch->bm) != to_guest) {
		ch->bm.stats.mismatch++;
		bmdma_fail(&ch->bm);
		d->stats.dma_errors++;
		return -EFAULT;
	}
	while (len) {
		unsigned nseg;
		size_t got;
		int r = bmdma_map(&ch->bm, len, seg, IDE_DMA_SEGS, &nseg, &got);

		if (r == -EINVAL) /* stopped under our feet */
			r = -ENOSPC;
		/* A write the table cut short writes nothing of this batch. */
		if (got && !(r && !to_guest)) {
			int e = d->be->dmav(d->be_opaque, off, seg, nseg,
					    to_guest);

			if (e == -EFAULT) {
				bmdma_fault(&ch->bm);
				r = -EFAULT;
			} else if (e) {
				return -EIO;
			}
		}
		if (r) {
			d->stats.dma_errors++;
			return r;
		}
		off += got;
		len -= got;
	}
	return 0;
}

uint32_t ide_bm_read(struct ide_channel *ch, unsigned off, unsigned size)
{
	return bmdma_read(&ch->bm, off, size);
}

void ide_bm_write(struct ide_channel *ch, unsigned off, unsigned size,
		  uint32_t val)
{
	if (bmdma_write(&ch->bm, off, size, val) & BMDMA_EV_START)
		ide_dma_kick(ch);
}

void ide_id_string(uint16_t *w, const char *s, unsigned nwords)
{
	size_t n = s ? strlen(s) : 0;
	unsigned i;

	for (i = 0; i < nwords; i++) {
		uint8_t hi = 2 * i < n ? (uint8_t)s[2 * i] : ' ';
		uint8_t lo = 2 * i + 1 < n ? (uint8_t)s[2 * i + 1] : ' ';

		w[i] = (uint16_t)(hi << 8 | lo);
	}
}

/* Word 93: hardware reset results, as seen by this device. */
static uint16_t ide_id_reset_result(const struct ide_channel *ch,
				    const struct ide_drive *d)
{
	/* bit 14 set/15 clear: valid; bit 13: 80-conductor cable. */
	uint16_t w = 0x6000;

	if (d->unit == 0) {
		w |= 0x0001 | 0x0002 | 0x0008; /* by jumper, diag passed */
		if (ch->drive[1].kind != IDE_NONE)
			w |= 0x0030; /* PDIAG- and DASP- seen */
		else
			w |= 0x0040; /* device 0 answers for device 1 */
	} else {
		w |= 0x0100 | 0x0200 | 0x0800; /* by jumper, PDIAG- asserted */
	}
	return w;
}

void ide_id_finish(struct ide_channel *ch, struct ide_drive *d, uint16_t *id)
{
	uint8_t sum = 0;
	unsigned i;

	ide_id_string(id + 10, d->serial, 10);
	ide_id_string(id + 23, d->firmware, 4);
	ide_id_string(id + 27, d->model, 20);
	/* Multiword DMA 0-2 and Ultra DMA 0-5, one of them selected. */
	id[63] = 0x0007;
	if ((d->dma_mode & 0xf8) == 0x20)
		id[63] |= (uint16_t)(0x100 << (d->dma_mode & 7));
	id[64] = 0x0003; /* PIO modes 3 and 4 */
	id[65] = id[66] = id[67] = id[68] = 120; /* ns */
	id[88] = 0x003f;
	if ((d->dma_mode & 0xf8) == 0x40)
		id[88] |= (uint16_t)(0x100 << (d->dma_mode & 7));
	id[93] = ide_id_reset_result(ch, d);
	/* Integrity word: signature A5h and a checksum over all bytes. */
	id[255] = 0x00a5;
	for (i = 0; i < 255; i++)
		sum = (uint8_t)(sum + (id[i] & 0xff) + (id[i] >> 8));
	sum = (uint8_t)(sum + 0xa5);
	id[255] |= (uint16_t)((uint8_t)-sum << 8);
	for (i = 0; i < 256; i++) {
		d->buf[2 * i] = (uint8_t)id[i];
		d->buf[2 * i + 1] = (uint8_t)(id[i] >> 8);
	}
}

int ide_set_xfer_mode(struct ide_drive *d, uint8_t mode)
{
	unsigned n = mode & 7;

	switch (mode >> 3) {
	case 0: /* PIO default, with or without IORDY */
		return n <= 1 ? 0 : -EINVAL;
	case 1: /* PIO flow control mode n */
		return n <= 4 ? 0 : -EINVAL;
	case 4: /* multiword DMA mode n */
		if (n > 2)
			return -EINVAL;
		break;
	case 8: /* Ultra DMA mode n */
		if (n > 5)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	d->dma_mode = mode;
	return 0;
}

static int ide_bm_dma_rw(void *opaque, uint64_t gpa, void *buf, size_t len,
			 bool to_guest)
{
	struct ide_channel *ch = opaque;

	if (!ch->ops || !ch->ops->dma_rw)
		return -EFAULT;
	return ch->ops->dma_rw(ch->opaque, gpa, buf, len, to_guest);
}

static const struct bmdma_ops ide_bm_ops = {.dma_rw = ide_bm_dma_rw};

void ide_init(struct ide_channel *ch, const struct ide_ops *ops, void *opaque)
{
	memset(ch, 0, sizeof(*ch));
	ch->ops = ops;
	ch->opaque = opaque;
	ch->drive[0].unit = 0;
	ch->drive[1].unit = 1;
	bmdma_init(&ch->bm, &ide_bm_ops, ch);
}

static void ide_copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n > size - 1)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = 0;
}

static int ide_attach(struct ide_channel *ch, unsigned unit,
		      enum ide_kind kind, const struct ide_backend_ops *be,
		      void *be_opaque, const char *model, const char *serial)
{
	static const char *const def_serial[2] = {"SPC00000000000000000",
						  "SPC00000000000000001"};
	struct ide_drive *d;

	if (unit > 1 || !be || !be->read)
		return -EINVAL;
	d = &ch->drive[unit];
	if (d->kind != IDE_NONE)
		return -EBUSY;
	d->kind = kind;
	d->be = be;
	d->be_opaque = be_opaque;
	ide_copy_str(d->model, sizeof(d->model),
		     model ? model
			   : kind == IDE_ATA ? "SAFEPC HARDDISK"
					     : "SAFEPC CD-ROM");
	ide_copy_str(d->serial, sizeof(d->serial),
		     serial ? serial : def_serial[unit]);
	ide_copy_str(d->firmware, sizeof(d->firmware), "1.0");
	return 0;
}

/* Power-on defaults of a drive, then its reset signature. */
static void ide_drive_power_on(struct ide_drive *d)
{
	d->dma_mode = 0x22; /* multiword DMA mode 2 */
	if (d->kind == IDE_ATA)
		ata_power_on(d);
	else
		atapi_power_on(d);
	ide_drive_soft_reset(d);
}

int ide_attach_ata(struct ide_channel *ch, unsigned unit,
		   const struct ide_backend_ops *be, void *be_opaque,
		   uint64_t nsectors, const char *model, const char *serial)
{
	int r;

	if (!nsectors || nsectors > ATA_MAX_SECTORS)
		return -EINVAL;
	r = ide_attach(ch, unit, IDE_ATA, be, be_opaque, model, serial);
	if (r)
		return r;
	ch->drive[unit].ata.nsectors = nsectors;
	ide_drive_power_on(&ch->drive[unit]);
	return 0;
}

int ide_attach_atapi(struct ide_channel *ch, unsigned unit,
		     const struct ide_backend_ops *be, void *be_opaque,
		     uint64_t nsectors, const char *model, const char *serial)
{
	struct ide_drive *d;
	int r;

	if (nsectors > ATAPI_MAX_SECTORS)
		return -EINVAL;
	r = ide_attach(ch, unit, IDE_ATAPI, be, be_opaque, model, serial);
	if (r)
		return r;
	d = &ch->drive[unit];
	ide_drive_power_on(d);
	/* A disc present at power-on is not a media change. */
	d->atapi.medium = nsectors != 0;
	d->atapi.nsectors = nsectors;
	return 0;
}

void ide_reset(struct ide_channel *ch)
{
	unsigned i;

	ch->devctl = 0;
	ch->sel = 0;
	for (i = 0; i < 2; i++) {
		if (ch->drive[i].kind != IDE_NONE)
			ide_drive_power_on(&ch->drive[i]);
		else
			memset(&ch->drive[i].tf, 0, sizeof(ch->drive[i].tf));
	}
	bmdma_reset(&ch->bm);
	ide_update_irq(ch);
}
