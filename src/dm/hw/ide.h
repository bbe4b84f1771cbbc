/* SPDX-License-Identifier: MIT */
/*
 * ide: one IDE channel (two drive positions) as a pure register machine,
 * with the channel's bus-master DMA engine (bmdma.h). ATA disks (ata.c)
 * and ATAPI CD-ROMs (atapi.c) plug into it.
 *
 * The front end passes offsets: command block 0-7 (0x1F0-0x1F7 or
 * 0x170-0x177), control block 0 (0x3F6 or 0x376), bus master 0-7 (the
 * channel's half of BAR4). The IRQ line and guest memory come through
 * struct ide_ops, the disk images through struct ide_backend_ops.
 *
 * Everything is synchronous: a command that needs no data completes inside
 * the write of the command register; a PIO block is produced or consumed
 * when the last word of the previous one crosses the data port; a DMA
 * command runs to completion (all backend I/O and guest copies) inside
 * whichever write makes it possible, the command register write when the
 * bus master is already started, or the bus-master Start write. BSY is
 * therefore only visible while SRST is held.
 *
 * Callbacks (set_irq, dma_rw, the backend) run inside the model's calls
 * and must not call back into it.
 *
 * Interrupts: each drive has an interrupt-pending flag, set at the points
 * the ATA protocols assert INTRQ, cleared by a Status read (not Alternate
 * Status), by writing the Command register and by reset. The channel line
 * is the selected drive's flag unless nIEN or SRST is set (a deselected
 * device or nIEN=1 leaves INTRQ high-impedance, modelled as low). The bus
 * master's Interrupt bit follows the line's rising edges. set_irq is called
 * only when the level changes.
 *
 * Absent drives (decision): with no drive on the channel nothing drives
 * the bus; the host's pull-down on DD7 makes every register read 0x7F
 * (data port 0xFF7F per word). With one drive present and the other
 * selected, the present device answers as ATA requires of device 0: the
 * absent drive's Status and Alternate Status read 0x00, the other
 * registers read back what was written, commands are ignored (except
 * EXECUTE DEVICE DIAGNOSTIC, which is addressed to both). Data port reads
 * without a transfer in progress also read 0xFF7F.
 *
 * Data port: 16-bit accesses move one word, 32-bit accesses two, an 8-bit
 * access moves a whole word and returns (or writes) its low byte. Other
 * command block registers are 8 bits wide; wider accesses are split into
 * consecutive registers.
 */
#ifndef SAFEPC_DM_HW_IDE_H
#define SAFEPC_DM_HW_IDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm/hw/bmdma.h"

#define IDE_SECTOR_SIZE 512u
#define IDE_CD_SECTOR_SIZE 2048u
/* Per-drive data buffer: a PIO block, a DMA chunk or a packet response. */
#define IDE_BUF_SIZE 65536u

/* Command block offsets. */
#define IDE_REG_DATA 0u
#define IDE_REG_ERROR 1u   /* read */
#define IDE_REG_FEATURE 1u /* write */
#define IDE_REG_NSECTOR 2u /* ATAPI: interrupt reason on read */
#define IDE_REG_LBAL 3u	   /* sector number */
#define IDE_REG_LBAM 4u	   /* cylinder low; ATAPI byte count low */
#define IDE_REG_LBAH 5u	   /* cylinder high; ATAPI byte count high */
#define IDE_REG_DEVICE 6u
#define IDE_REG_STATUS 7u  /* read */
#define IDE_REG_COMMAND 7u /* write */
/* Control block offset: Alternate Status (read), Device Control (write). */
#define IDE_REG_CTL 0u

#define IDE_ST_ERR 0x01u
#define IDE_ST_DRQ 0x08u
#define IDE_ST_DSC 0x10u /* seek complete (ATAPI: SERV), always set */
#define IDE_ST_DF 0x20u
#define IDE_ST_DRDY 0x40u
#define IDE_ST_BSY 0x80u

#define IDE_ER_AMNF 0x01u
#define IDE_ER_ABRT 0x04u
#define IDE_ER_IDNF 0x10u
#define IDE_ER_UNC 0x40u

#define IDE_DEV_DEV 0x10u
#define IDE_DEV_LBA 0x40u
#define IDE_DEV_OBS 0xa0u /* obsolete bits, read as 1 */

#define IDE_CTL_NIEN 0x02u
#define IDE_CTL_SRST 0x04u
#define IDE_CTL_HOB 0x80u

/* ATAPI interrupt reason (Sector Count). */
#define IDE_IR_COD 0x01u
#define IDE_IR_IO 0x02u

/* Undriven bus: DD7 pulled down, the other lines float high. */
#define IDE_FLOAT8 0x7fu
#define IDE_FLOAT16 0xff7fu

enum ide_kind {
	IDE_NONE,
	IDE_ATA,
	IDE_ATAPI,
};

/* What the data port is doing for a drive. */
enum ide_pio {
	IDE_PIO_NONE,
	IDE_PIO_IDENTIFY,  /* one 512-byte block in, then idle */
	IDE_PIO_ATA_IN,	   /* READ SECTORS/MULTIPLE block */
	IDE_PIO_ATA_OUT,   /* WRITE SECTORS/MULTIPLE block */
	IDE_PIO_CDB,	   /* ATAPI command packet out */
	IDE_PIO_ATAPI_IN,  /* ATAPI data in */
};

/* A DMA transfer waiting for the bus master. */
enum ide_dma {
	IDE_DMA_NONE,
	IDE_DMA_ATA_READ,
	IDE_DMA_ATA_WRITE,
	IDE_DMA_ATAPI,
};

/*
 * Disk image, in 512-byte sectors for both drive kinds (an ATAPI read of
 * CD sector n asks for lba 4n, nsec 4 per CD sector). The model never asks
 * beyond the capacity it was given and nsec * 512 <= IDE_BUF_SIZE. Each
 * returns 0 or -errno; read must fill the whole buffer (zero past the end
 * of a short image). write returns -EROFS on a read-only disk. flush
 * returns when written data is durable. write and flush may be NULL for a
 * CD-ROM.
 */
struct ide_backend_ops {
	int (*read)(void *o, uint64_t lba, void *buf, unsigned nsec);
	int (*write)(void *o, uint64_t lba, const void *buf, unsigned nsec);
	int (*flush)(void *o);
	/*
	 * Optional, ATA DMA only: moves the bytes of `nseg` guest segments
	 * straight between the image, from byte `off` on, and guest memory
	 * (to_guest: image -> guest), with no copy through the drive's
	 * buffer. Returns 0, -EFAULT when a segment is not guest memory the
	 * bus master may reach, or another -errno when the image failed
	 * (-EROFS for a write to a read-only disk). Reads past the end of a
	 * short image give zeros, as read does. The model asks only inside
	 * the capacity it was given.
	 */
	int (*dmav)(void *o, uint64_t off, const struct bmdma_seg *seg,
		    unsigned nseg, bool to_guest);
};

struct ide_ops {
	/* Channel INTRQ level, 0 or 1; called only on a change. May be NULL. */
	void (*set_irq)(void *opaque, int level);
	/* Guest memory for the bus master; see struct bmdma_ops. */
	int (*dma_rw)(void *opaque, uint64_t gpa, void *buf, size_t len,
		      bool to_guest);
};

/*
 * Task file of one device. Both devices latch every write; the *_hob
 * fields hold the previous write of each 48-bit register (read with HOB).
 */
struct ide_taskfile {
	uint8_t error;
	uint8_t feature;
	uint8_t nsector;
	uint8_t lbal;
	uint8_t lbam;
	uint8_t lbah;
	uint8_t device;
	uint8_t status;
	uint8_t hob_feature;
	uint8_t hob_nsector;
	uint8_t hob_lbal;
	uint8_t hob_lbam;
	uint8_t hob_lbah;
};

/* Guest mistakes and host failures, for the DM's rate-limited log. */
struct ide_stats {
	uint32_t aborted;   /* ATA ABRT or ATAPI CHECK CONDITION */
	uint32_t range;	    /* address beyond the medium */
	uint32_t io_errors; /* backend read/write/flush failed */
	uint32_t dma_errors; /* table short, guest memory, direction */
	uint32_t stray;	    /* data port use without a transfer */
};

struct ata_state {
	uint64_t nsectors;
	uint16_t cyls, heads, spt;	   /* default CHS geometry */
	uint16_t cur_cyls, cur_heads, cur_spt; /* INITIALIZE DEVICE PARAMS */
	uint8_t mult;		/* READ/WRITE MULTIPLE block, 0 = off */
	bool wcache;		/* volatile write cache enabled */
	bool lookahead;
	/* Command in progress. */
	uint64_t lba;  /* next sector */
	uint32_t left; /* sectors still to transfer */
	uint16_t block; /* sectors per DRQ block */
	uint16_t cur;	/* sectors in the block in the buffer */
	uint8_t addr_mode; /* ATA_ADDR_* of the command */
};

struct atapi_state {
	uint64_t nsectors; /* 2048-byte sectors of the medium */
	bool medium;	   /* a medium is in the drive */
	bool tray_open;	   /* ejected by the guest */
	bool locked;	   /* PREVENT ALLOW MEDIUM REMOVAL */
	bool unit_attention; /* medium may have changed, not yet reported */
	uint8_t event;	   /* media event for GET EVENT STATUS, 0 = none */
	uint8_t sense_key, asc, ascq;
	uint8_t cdb[12];
	/* Transfer in progress. */
	uint16_t limit;	 /* byte count limit of the PACKET command */
	bool dma;	 /* PACKET Features bit 0 */
	uint64_t lba;	 /* next CD sector to read */
	uint32_t left;	 /* CD sectors still to read */
	uint32_t len;	 /* valid bytes in the drive buffer */
	uint32_t off;	 /* bytes of them already offered */
};

struct ide_drive {
	enum ide_kind kind;
	unsigned unit; /* 0 or 1 */
	const struct ide_backend_ops *be;
	void *be_opaque;
	char model[41];
	char serial[21];
	char firmware[9];
	uint8_t dma_mode; /* SET FEATURES mode: 0x2n MWDMA n, 0x4n UDMA n */

	struct ide_taskfile tf;
	bool irq_pending;
	enum ide_pio pio;
	enum ide_dma dma;
	uint32_t pos, end; /* data port window in buf */

	struct ata_state ata;
	struct atapi_state atapi;
	struct ide_stats stats;
	uint8_t buf[IDE_BUF_SIZE];
};

struct ide_channel {
	const struct ide_ops *ops;
	void *opaque;
	struct ide_drive drive[2];
	uint8_t devctl;	 /* last Device Control write */
	unsigned sel;	 /* DEV bit of the last Device write */
	int irq_level;	 /* level last passed to set_irq */
	struct bmdma bm;
};

/*
 * Power-on state with both positions empty. ops may be NULL (no interrupt
 * output, every DMA faults).
 */
void ide_init(struct ide_channel *ch, const struct ide_ops *ops, void *opaque);

/*
 * Attaches an ATA disk of `nsectors` 512-byte sectors at `unit` (0 or 1).
 * model and serial may be NULL (defaults; serials should differ per disk),
 * longer strings are cut to 40 and 20 characters. Returns 0, -EINVAL (bad
 * unit, no backend read, 0 or more than 2^48 sectors) or -EBUSY (taken).
 */
int ide_attach_ata(struct ide_channel *ch, unsigned unit,
		   const struct ide_backend_ops *be, void *be_opaque,
		   uint64_t nsectors, const char *model, const char *serial);

/*
 * Attaches an ATAPI CD-ROM at `unit`, with a medium of `nsectors` 2048-byte
 * sectors inserted (0: empty drive, see atapi_media_change). Returns 0,
 * -EINVAL (bad unit, no backend read, more than 2^32 sectors) or -EBUSY.
 */
int ide_attach_atapi(struct ide_channel *ch, unsigned unit,
		     const struct ide_backend_ops *be, void *be_opaque,
		     uint64_t nsectors, const char *model,
		     const char *serial);

/*
 * Hardware reset (power-on, PCI reset): drives back to their defaults
 * (multiple mode off, write cache on, default geometry), signatures
 * loaded, transfers dropped, bus master cleared, IRQ line low. Media,
 * backends and counters stay.
 */
void ide_reset(struct ide_channel *ch);

/* Guest read of the command block: `off` 0-7, `size` 1, 2 or 4. */
uint32_t ide_read(struct ide_channel *ch, unsigned off, unsigned size);

/* Guest write of the command block. */
void ide_write(struct ide_channel *ch, unsigned off, unsigned size,
	       uint32_t val);

/* Alternate Status (off 0; other offsets read 0xff). No side effects. */
uint8_t ide_ctl_read(struct ide_channel *ch, unsigned off);

/* Device Control (off 0; other offsets ignored): nIEN, SRST, HOB. */
void ide_ctl_write(struct ide_channel *ch, unsigned off, uint8_t val);

/* Bus-master registers of this channel (off 0-7); see bmdma.h. */
uint32_t ide_bm_read(struct ide_channel *ch, unsigned off, unsigned size);

/* Bus-master write; a Start may run a waiting DMA command to completion. */
void ide_bm_write(struct ide_channel *ch, unsigned off, unsigned size,
		  uint32_t val);

/*
 * For the command sets (ata.c, atapi.c) only.
 */

/* Sets the drive's interrupt pending and updates the line. */
void ide_raise_irq(struct ide_channel *ch, struct ide_drive *d);

/*
 * Opens a data port window [start, start + len) of d->buf for `kind`,
 * sets DRQ (with DRDY and DSC). No interrupt.
 */
void ide_pio_window(struct ide_drive *d, enum ide_pio kind, uint32_t start,
		    uint32_t len);

/* Ends the command: no transfer, status DRDY|DSC, error 0. No interrupt. */
void ide_idle(struct ide_drive *d);

/*
 * Ends the command with an error: ERR (and `status_extra`), interrupt. The
 * caller counts it in d->stats.
 */
void ide_fail(struct ide_channel *ch, struct ide_drive *d, uint8_t error,
	      uint8_t status_extra);

/*
 * Posts a DMA request of `kind` (status DRDY|DSC|DRQ) and runs it at once
 * if the bus master is started.
 */
void ide_dma_request(struct ide_channel *ch, struct ide_drive *d,
		     enum ide_dma kind);

/*
 * Moves len bytes of d->buf through the bus master. Returns 0, -ENOSPC
 * (PRD table too short) or -EFAULT (guest memory), counted in the stats.
 */
int ide_dma_move(struct ide_channel *ch, struct ide_drive *d, size_t len,
		 bool to_guest);

/*
 * The zero-copy form of ide_dma_move, for drives whose backend has dmav:
 * moves len bytes between the image (from byte `off`) and the guest
 * regions of the PRD table. Returns 0; -ENOSPC or -EFAULT as ide_dma_move
 * (a write moves nothing of what the table did not cover); or -EIO when
 * the image failed.
 */
int ide_dma_direct(struct ide_channel *ch, struct ide_drive *d, uint64_t off,
		   uint64_t len, bool to_guest);

/* Loads the reset signature of the drive's kind into its task file. */
void ide_set_signature(struct ide_drive *d);

/*
 * Writes an IDENTIFY string: `s` padded with spaces to 2 * nwords
 * characters, first character in the high byte of each word.
 */
void ide_id_string(uint16_t *w, const char *s, unsigned nwords);

/*
 * IDENTIFY words common to ATA and ATAPI (serial, firmware, model, DMA and
 * PIO modes, reset result) and the integrity word; then copies the 256
 * words little-endian into d->buf.
 */
void ide_id_finish(struct ide_channel *ch, struct ide_drive *d,
		   uint16_t *id);

/* Validates a SET FEATURES transfer mode and records it; 0 or -EINVAL. */
int ide_set_xfer_mode(struct ide_drive *d, uint8_t mode);

#endif
