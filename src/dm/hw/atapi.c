/* SPDX-License-Identifier: MIT */
/*
 * ATAPI CD-ROM: the PACKET protocol (ATA8-APT/ACS) and a read-only MMC
 * command set. See atapi.h for the protocol and medium decisions.
 */
#include "dm/hw/atapi.h"

#include <errno.h>
#include <string.h>

#include "dm/hw/ata.h"

/* Handler results besides a byte count of response data in d->buf. */
#define ATAPI_R_CHECK (-1) /* CHECK CONDITION, sense set */
#define ATAPI_R_READ (-2)  /* sectors to read: atapi.lba, atapi.left */

#define ATAPI_F_NO_UA 0x01u  /* runs with a unit attention pending */
#define ATAPI_F_MEDIUM 0x02u /* needs a medium in a closed tray */

/* CD sectors per buffer load, and 512-byte backend sectors per CD sector. */
#define ATAPI_BUF_SECTORS (IDE_BUF_SIZE / IDE_CD_SECTOR_SIZE)
#define ATAPI_BE_PER_CD (IDE_CD_SECTOR_SIZE / IDE_SECTOR_SIZE)

#define ATAPI_PROFILE_CDROM 0x0008u

struct atapi_cmd {
	int (*fn)(struct ide_drive *d, const uint8_t *cdb);
	unsigned flags;
};

static uint16_t atapi_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t atapi_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void atapi_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void atapi_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Response length: what was built, cut to the allocation length. */
static int atapi_alloc(unsigned len, unsigned alloc)
{
	return (int)(len < alloc ? len : alloc);
}

static bool atapi_ready(const struct atapi_state *a)
{
	return a->medium && !a->tray_open;
}

static int atapi_check(struct ide_drive *d, uint8_t key, uint8_t asc,
		       uint8_t ascq)
{
	struct atapi_state *a = &d->atapi;

	a->sense_key = key;
	a->asc = asc;
	a->ascq = ascq;
	d->stats.aborted++;
	if (asc == ATAPI_ASC_LBA_OUT_OF_RANGE)
		d->stats.range++;
	return ATAPI_R_CHECK;
}

static int atapi_invalid_field(struct ide_drive *d)
{
	return atapi_check(d, ATAPI_SK_ILLEGAL_REQUEST,
			   ATAPI_ASC_INVALID_FIELD, 0);
}

static int atapi_not_ready(struct ide_drive *d)
{
	return atapi_check(d, ATAPI_SK_NOT_READY, ATAPI_ASC_NO_MEDIUM,
			   d->atapi.tray_open ? 0x02 : 0x00);
}

/* Sector range check for READ and SEEK. */
static bool atapi_in_range(const struct atapi_state *a, uint64_t lba,
			   uint64_t n)
{
	return lba <= a->nsectors && n <= a->nsectors - lba;
}

static int atapi_test_unit_ready(struct ide_drive *d, const uint8_t *cdb)
{
	(void)d;
	(void)cdb;
	return 0; /* the medium check ran before */
}

static int atapi_request_sense(struct ide_drive *d, const uint8_t *cdb)
{
	struct atapi_state *a = &d->atapi;
	uint8_t *b = d->buf;

	if (a->sense_key == ATAPI_SK_NO_SENSE && a->unit_attention) {
		a->unit_attention = false;
		a->sense_key = ATAPI_SK_UNIT_ATTENTION;
		a->asc = ATAPI_ASC_MEDIUM_CHANGED;
		a->ascq = 0;
	}
	memset(b, 0, 18);
	b[0] = 0x70; /* current error, fixed format */
	b[2] = a->sense_key;
	b[7] = 10; /* additional sense length */
	b[12] = a->asc;
	b[13] = a->ascq;
	a->sense_key = ATAPI_SK_NO_SENSE;
	a->asc = 0;
	a->ascq = 0;
	return atapi_alloc(18, cdb[4]);
}

static void atapi_put_str(uint8_t *p, const char *s, unsigned n)
{
	size_t len = strlen(s);
	unsigned i;

	for (i = 0; i < n; i++)
		p[i] = i < len ? (uint8_t)s[i] : ' ';
}

static int atapi_inquiry(struct ide_drive *d, const uint8_t *cdb)
{
	uint8_t *b = d->buf;

	if ((cdb[1] & 0x01) || cdb[2]) /* no vital product data pages */
		return atapi_invalid_field(d);
	memset(b, 0, 36);
	b[0] = 0x05; /* CD/DVD device */
	b[1] = 0x80; /* removable */
	b[2] = 0x05; /* SPC-3 */
	b[3] = 0x02; /* response data format */
	b[4] = 36 - 5;
	atapi_put_str(b + 8, "SAFEPC", 8);
	atapi_put_str(b + 16, "CD-ROM", 16);
	atapi_put_str(b + 32, d->firmware, 4);
	return atapi_alloc(36, atapi_be16(cdb + 3));
}

static int atapi_start_stop(struct ide_drive *d, const uint8_t *cdb)
{
	struct atapi_state *a = &d->atapi;
	bool loej = cdb[4] & 0x02, start = cdb[4] & 0x01;

	if ((cdb[4] >> 4) || !loej)
		return 0; /* power conditions, spin up/down: nothing to do */
	if (!start) {
		if (a->locked)
			return atapi_check(d, ATAPI_SK_ILLEGAL_REQUEST,
					   ATAPI_ASC_REMOVAL_PREVENTED, 0x02);
		if (!a->tray_open && a->medium)
			a->event = ATAPI_EV_MEDIA_REMOVAL;
		a->tray_open = true;
		return 0;
	}
	if (a->tray_open && a->medium) {
		a->event = ATAPI_EV_NEW_MEDIA;
		a->unit_attention = true;
	}
	a->tray_open = false;
	return 0;
}

static int atapi_prevent_allow(struct ide_drive *d, const uint8_t *cdb)
{
	d->atapi.locked = cdb[4] & 0x01;
	return 0;
}

static int atapi_read_capacity(struct ide_drive *d, const uint8_t *cdb)
{
	(void)cdb;
	atapi_put32(d->buf, (uint32_t)(d->atapi.nsectors - 1));
	atapi_put32(d->buf + 4, IDE_CD_SECTOR_SIZE);
	return 8;
}

static int atapi_read(struct ide_drive *d, const uint8_t *cdb)
{
	struct atapi_state *a = &d->atapi;
	uint32_t lba = atapi_be32(cdb + 2);
	uint32_t n = cdb[0] == ATAPI_READ_10 ? atapi_be16(cdb + 7)
					     : atapi_be32(cdb + 6);

	if (!atapi_in_range(a, lba, n))
		return atapi_check(d, ATAPI_SK_ILLEGAL_REQUEST,
				   ATAPI_ASC_LBA_OUT_OF_RANGE, 0);
	if (!n)
		return 0;
	a->lba = lba;
	a->left = n;
	return ATAPI_R_READ;
}

static int atapi_seek(struct ide_drive *d, const uint8_t *cdb)
{
	if (atapi_be32(cdb + 2) >= d->atapi.nsectors)
		return atapi_check(d, ATAPI_SK_ILLEGAL_REQUEST,
				   ATAPI_ASC_LBA_OUT_OF_RANGE, 0);
	return 0;
}

/* CD time of an LBA: 75 frames a second, 2 seconds of lead-in. */
static void atapi_put_msf(uint8_t *p, uint64_t lba)
{
	uint64_t f = lba + 150;

	if (f / (75 * 60) > 0xff) { /* beyond what MSF can say */
		p[0] = 0xff;
		p[1] = 59;
		p[2] = 74;
		return;
	}
	p[0] = (uint8_t)(f / (75 * 60));
	p[1] = (uint8_t)(f / 75 % 60);
	p[2] = (uint8_t)(f % 75);
}

/* A TOC track descriptor: one data track, or the lead-out (AAh). */
static unsigned atapi_toc_track(uint8_t *p, uint8_t track, uint64_t lba,
				bool msf)
{
	memset(p, 0, 8);
	p[1] = 0x14; /* ADR 1 (position), control 4 (data track) */
	p[2] = track;
	if (msf)
		atapi_put_msf(p + 5, lba);
	else
		atapi_put32(p + 4, (uint32_t)lba);
	return 8;
}

/* Full TOC entry (format 2): point, and its PMIN/PSEC/PFRAME. */
static unsigned atapi_toc_raw(uint8_t *p, uint8_t point, const uint8_t *pmsf)
{
	memset(p, 0, 11);
	p[0] = 1; /* session */
	p[1] = 0x14;
	p[3] = point;
	memcpy(p + 8, pmsf, 3);
	return 11;
}

static int atapi_read_toc(struct ide_drive *d, const uint8_t *cdb)
{
	const struct atapi_state *a = &d->atapi;
	bool msf = cdb[1] & 0x02;
	unsigned format = cdb[2] & 0x0f;
	unsigned track = cdb[6];
	uint8_t *b = d->buf;
	uint8_t pmsf[3];
	unsigned len = 4;

	if (!format)
		format = cdb[9] >> 6; /* the older SFF-8020 place */
	switch (format) {
	case 0:
		if (track > 1 && track != 0xaa)
			return atapi_invalid_field(d);
		if (track <= 1)
			len += atapi_toc_track(b + len, 1, 0, msf);
		len += atapi_toc_track(b + len, 0xaa, a->nsectors, msf);
		break;
	case 1: /* session info: the first track of the last session */
		len += atapi_toc_track(b + len, 1, 0, msf);
		break;
	case 2:
		pmsf[0] = 1, pmsf[1] = 0, pmsf[2] = 0; /* first track, CD-ROM */
		len += atapi_toc_raw(b + len, 0xa0, pmsf);
		len += atapi_toc_raw(b + len, 0xa1, pmsf); /* last track */
		atapi_put_msf(pmsf, a->nsectors);
		len += atapi_toc_raw(b + len, 0xa2, pmsf); /* lead-out */
		atapi_put_msf(pmsf, 0);
		len += atapi_toc_raw(b + len, 0x01, pmsf);
		break;
	default:
		return atapi_invalid_field(d);
	}
	atapi_put16(b, len - 2);
	b[2] = 1; /* first track or session */
	b[3] = 1; /* last */
	return atapi_alloc(len, atapi_be16(cdb + 7));
}

/*
 * GET CONFIGURATION features, in code order. Each writes its descriptor
 * (current bit included) and returns its length.
 */
static unsigned atapi_feat_profiles(uint8_t *p, bool ready)
{
	memset(p, 0, 8);
	p[2] = 0x03; /* persistent, current */
	p[3] = 4;
	atapi_put16(p + 4, ATAPI_PROFILE_CDROM);
	p[6] = ready ? 1 : 0;
	return 8;
}

static unsigned atapi_feat_core(uint8_t *p, bool ready)
{
	(void)ready;
	memset(p, 0, 8);
	atapi_put16(p, 0x0001);
	p[2] = 0x03;
	p[3] = 4;
	atapi_put32(p + 4, 2); /* physical interface: ATAPI */
	return 8;
}

static unsigned atapi_feat_morphing(uint8_t *p, bool ready)
{
	(void)ready;
	memset(p, 0, 8);
	atapi_put16(p, 0x0002);
	p[2] = 0x07; /* version 1, persistent, current */
	p[3] = 4;
	return 8;
}

static unsigned atapi_feat_removable(uint8_t *p, bool ready)
{
	(void)ready;
	memset(p, 0, 8);
	atapi_put16(p, 0x0003);
	p[2] = 0x03;
	p[3] = 4;
	p[4] = 0x29; /* tray loading, eject, lock */
	return 8;
}

static unsigned atapi_feat_random(uint8_t *p, bool ready)
{
	memset(p, 0, 12);
	atapi_put16(p, 0x0010);
	p[2] = ready ? 0x01 : 0x00;
	p[3] = 8;
	atapi_put32(p + 4, IDE_CD_SECTOR_SIZE);
	atapi_put16(p + 8, 1); /* blocking */
	return 12;
}

static unsigned atapi_feat_cd_read(uint8_t *p, bool ready)
{
	memset(p, 0, 8);
	atapi_put16(p, 0x001e);
	p[2] = ready ? 0x01 : 0x00;
	p[3] = 4;
	return 8;
}

static const struct {
	uint16_t code;
	bool always_current;
	unsigned (*put)(uint8_t *p, bool ready);
} atapi_features[] = {
	{0x0000, true, atapi_feat_profiles},
	{0x0001, true, atapi_feat_core},
	{0x0002, true, atapi_feat_morphing},
	{0x0003, true, atapi_feat_removable},
	{0x0010, false, atapi_feat_random},
	{0x001e, false, atapi_feat_cd_read},
};

static int atapi_get_configuration(struct ide_drive *d, const uint8_t *cdb)
{
	bool ready = atapi_ready(&d->atapi);
	unsigned rt = cdb[1] & 0x03;
	unsigned first = atapi_be16(cdb + 2);
	uint8_t *b = d->buf;
	unsigned len = 8;
	size_t i;

	if (rt == 3)
		return atapi_invalid_field(d);
	for (i = 0; i < sizeof(atapi_features) / sizeof(atapi_features[0]);
	     i++) {
		unsigned code = atapi_features[i].code;

		if (code < first || (rt == 2 && code != first))
			continue;
		if (rt == 1 && !atapi_features[i].always_current && !ready)
			continue;
		len += atapi_features[i].put(b + len, ready);
	}
	memset(b, 0, 8);
	atapi_put32(b, len - 4);
	atapi_put16(b + 6, ready ? ATAPI_PROFILE_CDROM : 0);
	return atapi_alloc(len, atapi_be16(cdb + 7));
}

static int atapi_get_event_status(struct ide_drive *d, const uint8_t *cdb)
{
	struct atapi_state *a = &d->atapi;
	uint8_t *b = d->buf;

	if (!(cdb[1] & 0x01)) /* asynchronous notification unsupported */
		return atapi_invalid_field(d);
	memset(b, 0, 8);
	b[3] = 0x10; /* supported classes: media */
	if (!(cdb[4] & 0x10)) {
		atapi_put16(b, 2);
		b[2] = 0x80; /* no event available */
		return atapi_alloc(4, atapi_be16(cdb + 7));
	}
	atapi_put16(b, 6);
	b[2] = 0x04; /* media class */
	b[4] = a->event;
	b[5] = (a->tray_open ? 0x01 : 0) | (atapi_ready(a) ? 0x02 : 0);
	a->event = ATAPI_EV_NONE;
	return atapi_alloc(8, atapi_be16(cdb + 7));
}

/* Read/write error recovery page: nothing to set. */
static unsigned atapi_page_01(uint8_t *p)
{
	memset(p, 0, 12);
	p[0] = 0x01;
	p[1] = 10;
	return 12;
}

/* CD capabilities and mechanical status (MMC-2 layout). */
static unsigned atapi_page_2a(const struct ide_drive *d, uint8_t *p,
			      bool changeable)
{
	memset(p, 0, 22);
	p[0] = 0x2a;
	p[1] = 20;
	if (changeable)
		return 22;
	p[4] = 0x70; /* mode 2 form 1 and 2, multi-session */
	p[6] = 0x29 | (d->atapi.locked ? 0x02 : 0); /* tray, eject, lock */
	atapi_put16(p + 8, 2816);  /* maximum speed, kB/s (16x) */
	atapi_put16(p + 12, 512);  /* buffer, KiB */
	atapi_put16(p + 14, 2816); /* current speed */
	return 22;
}

static int atapi_mode_sense(struct ide_drive *d, const uint8_t *cdb)
{
	unsigned pc = cdb[2] >> 6, page = cdb[2] & 0x3f;
	uint8_t *b = d->buf;
	unsigned len = 8;

	if (pc == 3)
		return atapi_check(d, ATAPI_SK_ILLEGAL_REQUEST,
				   ATAPI_ASC_SAVING_PARAMS, 0);
	if (cdb[3])
		return atapi_invalid_field(d); /* no subpages */
	memset(b, 0, 8);
	if (page == 0x01 || page == 0x3f)
		len += atapi_page_01(b + len);
	if (page == 0x2a || page == 0x3f)
		len += atapi_page_2a(d, b + len, pc == 1);
	if (len == 8)
		return atapi_invalid_field(d);
	atapi_put16(b, len - 2);
	return atapi_alloc(len, atapi_be16(cdb + 7));
}

static int atapi_nothing(struct ide_drive *d, const uint8_t *cdb)
{
	(void)d;
	(void)cdb;
	return 0;
}

static int atapi_mechanism_status(struct ide_drive *d, const uint8_t *cdb)
{
	uint8_t *b = d->buf;

	memset(b, 0, 8);
	b[1] = d->atapi.tray_open ? 0x10 : 0; /* door open */
	return atapi_alloc(8, atapi_be16(cdb + 8));
}

static const struct atapi_cmd atapi_cmds[256] = {
	[ATAPI_TEST_UNIT_READY] = {atapi_test_unit_ready, ATAPI_F_MEDIUM},
	[ATAPI_REQUEST_SENSE] = {atapi_request_sense, ATAPI_F_NO_UA},
	[ATAPI_INQUIRY] = {atapi_inquiry, ATAPI_F_NO_UA},
	[ATAPI_START_STOP_UNIT] = {atapi_start_stop, 0},
	[ATAPI_PREVENT_ALLOW] = {atapi_prevent_allow, 0},
	[ATAPI_READ_CAPACITY] = {atapi_read_capacity, ATAPI_F_MEDIUM},
	[ATAPI_READ_10] = {atapi_read, ATAPI_F_MEDIUM},
	[ATAPI_SEEK_10] = {atapi_seek, ATAPI_F_MEDIUM},
	[ATAPI_READ_TOC] = {atapi_read_toc, ATAPI_F_MEDIUM},
	[ATAPI_GET_CONFIGURATION] = {atapi_get_configuration, ATAPI_F_NO_UA},
	[ATAPI_GET_EVENT_STATUS] = {atapi_get_event_status, ATAPI_F_NO_UA},
	[ATAPI_MODE_SENSE_10] = {atapi_mode_sense, 0},
	[ATAPI_READ_12] = {atapi_read, ATAPI_F_MEDIUM},
	[ATAPI_SET_CD_SPEED] = {atapi_nothing, 0},
	[ATAPI_MECHANISM_STATUS] = {atapi_mechanism_status, 0},
};

/* Status phase: interrupt reason CoD=1 IO=1, and the interrupt. */
static void atapi_finish(struct ide_channel *ch, struct ide_drive *d,
			 bool check)
{
	struct atapi_state *a = &d->atapi;
	uint8_t err;

	a->len = 0;
	a->off = 0;
	a->left = 0;
	d->tf.nsector = IDE_IR_COD | IDE_IR_IO;
	if (!check) {
		ide_idle(d);
		ide_raise_irq(ch, d);
		return;
	}
	err = (uint8_t)(a->sense_key << 4);
	if (a->sense_key == ATAPI_SK_ILLEGAL_REQUEST)
		err |= IDE_ER_ABRT;
	ide_fail(ch, d, err, 0);
	d->tf.nsector = IDE_IR_COD | IDE_IR_IO;
}

/*
 * Loads the next run of sectors into the buffer. The range is checked
 * again: the medium may have changed since the command started.
 */
static int atapi_fill(struct ide_drive *d)
{
	struct atapi_state *a = &d->atapi;
	uint32_t n = a->left < ATAPI_BUF_SECTORS ? a->left : ATAPI_BUF_SECTORS;

	if (!atapi_ready(a)) {
		atapi_not_ready(d);
		return -1;
	}
	if (!atapi_in_range(a, a->lba, n)) {
		atapi_check(d, ATAPI_SK_ILLEGAL_REQUEST,
			    ATAPI_ASC_LBA_OUT_OF_RANGE, 0);
		return -1;
	}
	if (d->be->read(d->be_opaque, a->lba * ATAPI_BE_PER_CD, d->buf,
			n * ATAPI_BE_PER_CD)) {
		d->stats.io_errors++;
		atapi_check(d, ATAPI_SK_MEDIUM_ERROR,
			    ATAPI_ASC_UNRECOVERED_READ, 0);
		return -1;
	}
	a->lba += n;
	a->left -= n;
	a->len = n * IDE_CD_SECTOR_SIZE;
	a->off = 0;
	return 0;
}

/*
 * Offers the next PIO block (interrupt, reason IO=1, byte count in LBA
 * mid/high), refilling the buffer from the medium when it is drained;
 * enters the status phase when nothing is left.
 */
static void atapi_pio_next(struct ide_channel *ch, struct ide_drive *d)
{
	struct atapi_state *a = &d->atapi;
	uint64_t remaining;
	uint32_t lim, n;

	if (a->off >= a->len) {
		if (!a->left) {
			atapi_finish(ch, d, false);
			return;
		}
		if (atapi_fill(d)) {
			atapi_finish(ch, d, true);
			return;
		}
	}
	remaining = (uint64_t)(a->len - a->off) +
		    (uint64_t)a->left * IDE_CD_SECTOR_SIZE;
	lim = a->limit ? a->limit : 0xfffe;
	if (remaining > lim) {
		lim &= ~1u; /* only the last block may be odd */
		if (!lim)
			lim = 2;
	}
	n = a->len - a->off < lim ? a->len - a->off : lim;
	ide_pio_window(d, IDE_PIO_ATAPI_IN, a->off, n);
	a->off += n;
	d->tf.lbam = (uint8_t)n;
	d->tf.lbah = (uint8_t)(n >> 8);
	d->tf.nsector = IDE_IR_IO;
	ide_raise_irq(ch, d);
}

void atapi_pio_done(struct ide_channel *ch, struct ide_drive *d)
{
	atapi_pio_next(ch, d);
}

void atapi_dma_run(struct ide_channel *ch, struct ide_drive *d)
{
	struct atapi_state *a = &d->atapi;

	for (;;) {
		if (a->off < a->len) {
			if (ide_dma_move(ch, d, a->len, true)) {
				atapi_check(d, ATAPI_SK_ABORTED_COMMAND, 0, 0);
				atapi_finish(ch, d, true);
				return;
			}
			a->off = a->len;
		}
		if (!a->left)
			break;
		if (atapi_fill(d)) {
			atapi_finish(ch, d, true);
			return;
		}
	}
	atapi_finish(ch, d, false);
}

void atapi_packet(struct ide_channel *ch, struct ide_drive *d)
{
	struct atapi_state *a = &d->atapi;
	const struct atapi_cmd *c;
	int r;

	memcpy(a->cdb, d->buf, ATAPI_CDB_SIZE);
	c = &atapi_cmds[a->cdb[0]];
	a->len = 0;
	a->off = 0;
	a->left = 0;
	if (a->cdb[0] != ATAPI_REQUEST_SENSE) {
		a->sense_key = ATAPI_SK_NO_SENSE;
		a->asc = 0;
		a->ascq = 0;
	}
	if (!c->fn) {
		r = atapi_check(d, ATAPI_SK_ILLEGAL_REQUEST,
				ATAPI_ASC_INVALID_OPCODE, 0);
	} else if (a->unit_attention && !(c->flags & ATAPI_F_NO_UA)) {
		a->unit_attention = false;
		r = atapi_check(d, ATAPI_SK_UNIT_ATTENTION,
				ATAPI_ASC_MEDIUM_CHANGED, 0);
	} else if ((c->flags & ATAPI_F_MEDIUM) && !atapi_ready(a)) {
		r = atapi_not_ready(d);
	} else {
		r = c->fn(d, a->cdb);
	}
	if (r == ATAPI_R_CHECK || r == 0) {
		atapi_finish(ch, d, r == ATAPI_R_CHECK);
		return;
	}
	if (r > 0)
		a->len = (uint32_t)r;
	if (a->dma) {
		d->tf.nsector = IDE_IR_IO;
		ide_dma_request(ch, d, IDE_DMA_ATAPI);
	} else {
		atapi_pio_next(ch, d);
	}
}

static void atapi_abort(struct ide_channel *ch, struct ide_drive *d)
{
	d->stats.aborted++;
	ide_fail(ch, d, IDE_ER_ABRT, 0);
}

static void atapi_identify(struct ide_channel *ch, struct ide_drive *d)
{
	uint16_t id[256];

	memset(id, 0, sizeof(id));
	/* ATAPI, CD-ROM, removable, 50 us DRQ, 12-byte packets. */
	id[0] = 0x85c0;
	id[49] = 0x0f00; /* IORDY, IORDY can be disabled, LBA, DMA */
	id[50] = 0x4000;
	id[53] = 0x0006; /* words 64-70 and 88 valid */
	id[80] = 0x01f0;
	id[82] = 0x4210; /* NOP, DEVICE RESET, PACKET */
	id[83] = 0x4000;
	id[84] = 0x4000;
	id[85] = 0x4210;
	id[87] = 0x4000;
	ide_id_finish(ch, d, id);
	ide_pio_window(d, IDE_PIO_IDENTIFY, 0, IDE_SECTOR_SIZE);
	ide_raise_irq(ch, d);
}

void atapi_exec(struct ide_channel *ch, struct ide_drive *d, uint8_t cmd)
{
	struct atapi_state *a = &d->atapi;
	uint8_t dev = d->tf.device;

	switch (cmd) {
	case ATA_CMD_PACKET:
		a->limit = (uint16_t)(d->tf.lbam | d->tf.lbah << 8);
		a->dma = d->tf.feature & 0x01;
		a->len = 0;
		a->off = 0;
		a->left = 0;
		ide_pio_window(d, IDE_PIO_CDB, 0, ATAPI_CDB_SIZE);
		d->tf.nsector = IDE_IR_COD;
		return;
	case ATA_CMD_IDENTIFY_PACKET:
		atapi_identify(ch, d);
		return;
	case ATA_CMD_DEVICE_RESET:
		/* Like SRST for this device alone, without an interrupt. */
		ide_idle(d);
		ide_set_signature(d);
		d->tf.device = dev & IDE_DEV_DEV;
		d->tf.error = 0x01;
		d->tf.status = 0;
		return;
	case ATA_CMD_IDENTIFY:
	case ATA_CMD_READ_SECTORS:
	case ATA_CMD_READ_SECTORS + 1:
		/* Tell a driver probing with ATA commands what we are. */
		ide_set_signature(d);
		d->tf.device = dev;
		atapi_abort(ch, d);
		return;
	case ATA_CMD_SET_FEATURES:
		if (d->tf.feature == ATA_SF_XFER_MODE &&
		    !ide_set_xfer_mode(d, d->tf.nsector))
			break;
		if (d->tf.feature == ATA_SF_REVERT_OFF ||
		    d->tf.feature == ATA_SF_REVERT_ON)
			break;
		atapi_abort(ch, d); /* no cache, no look-ahead to set */
		return;
	case ATA_CMD_CHECK_POWER_MODE:
		d->tf.nsector = 0xff;
		break;
	case ATA_CMD_STANDBY_IMMEDIATE:
	case ATA_CMD_IDLE_IMMEDIATE:
	case ATA_CMD_SLEEP:
		break;
	default:
		atapi_abort(ch, d);
		return;
	}
	ide_idle(d);
	ide_raise_irq(ch, d);
}

void atapi_power_on(struct ide_drive *d)
{
	struct atapi_state *a = &d->atapi;

	a->locked = false;
	a->unit_attention = false;
	a->event = ATAPI_EV_NONE;
	a->sense_key = ATAPI_SK_NO_SENSE;
	a->asc = 0;
	a->ascq = 0;
	a->limit = 0;
	a->dma = false;
	a->lba = 0;
	a->left = 0;
	a->len = 0;
	a->off = 0;
}

int atapi_media_change(struct ide_drive *d, bool present, uint64_t nsectors)
{
	struct atapi_state *a = &d->atapi;

	if (d->kind != IDE_ATAPI)
		return -EINVAL;
	if (present && (!nsectors || nsectors > ATAPI_MAX_SECTORS))
		return -EINVAL;
	a->medium = present;
	a->nsectors = present ? nsectors : 0;
	a->tray_open = false;
	if (present) {
		a->unit_attention = true;
		a->event = ATAPI_EV_NEW_MEDIA;
	} else {
		a->event = ATAPI_EV_MEDIA_REMOVAL;
	}
	return 0;
}
