/* SPDX-License-Identifier: MIT */
/*
 * bmdma: one channel of an SFF-8038i bus-master IDE function (the PIIX3 IDE
 * BAR4 holds two: offsets 0-7 for the primary channel, 8-15 for the
 * secondary). Registers in, guest memory through the injected dma_rw.
 *
 * Register block (offsets relative to the channel):
 *   0  command: bit 0 Start/Stop, bit 3 direction (1 = the controller
 *      writes memory, i.e. a device-to-host transfer); other bits read 0.
 *   2  status: bit 0 Active (read-only), bit 1 Error and bit 2 Interrupt
 *      (write 1 to clear), bits 5/6 drive 0/1 DMA capable (read/write
 *      scratch bits), bit 7 simplex (0 on PIIX3).
 *   4  PRD table pointer (32 bits, bits 1:0 read 0).
 *   1, 3 read 0. Wider accesses are split into bytes.
 *
 * PRD walking, decided edge cases:
 *   - Entries are fetched lazily as the device moves data; an entry is
 *     8 bytes: base address (bit 0 ignored), byte count in bits 15:1 of
 *     the second dword (bit 0 ignored, 0 means 64 KiB) and EOT in bit 31.
 *     Bits the hardware does not implement are masked, as the PIIX3 does,
 *     so a region is never odd-sized or odd-aligned; a set bit is counted
 *     in stats.odd_fields.
 *   - A region crossing a 64 KiB boundary (forbidden to PIIX3 software)
 *     is transferred linearly as written and counted in stats.crossings.
 *   - Active clears when the last byte of the EOT region moves or Start is
 *     written 0. A device transfer that ends earlier leaves Active set (the
 *     "table longer than the transfer" case: Interrupt=1, Active=1).
 *   - A table that ends before the transfer (EOT drained) makes
 *     bmdma_xfer return -ENOSPC; the walk is capped at BMDMA_MAX_PRD
 *     entries per Start (a table may not cross 64 KiB, so a PIIX3 table
 *     never holds more), reaching the cap counts as the end of the table.
 *   - A failing dma_rw (table or data) sets Error, clears Active and makes
 *     bmdma_xfer return -EFAULT. The bus master itself never interrupts;
 *     the IDE layer decides what the device reports.
 *   - Interrupt is set on a rising edge of the device's INTRQ
 *     (bmdma_irq_edge), whatever the Active state.
 */
#ifndef SAFEPC_DM_HW_BMDMA_H
#define SAFEPC_DM_HW_BMDMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BMDMA_REG_CMD 0u
#define BMDMA_REG_STATUS 2u
#define BMDMA_REG_PRDT 4u
#define BMDMA_REGS 8u /* bytes per channel */

#define BMDMA_CMD_START 0x01u
#define BMDMA_CMD_TO_MEM 0x08u /* device-to-host (a READ DMA) */

#define BMDMA_ST_ACTIVE 0x01u
#define BMDMA_ST_ERROR 0x02u
#define BMDMA_ST_INTR 0x04u
#define BMDMA_ST_DRV0_DMA 0x20u
#define BMDMA_ST_DRV1_DMA 0x40u
#define BMDMA_ST_SIMPLEX 0x80u
#define BMDMA_ST_CAPABLE (BMDMA_ST_DRV0_DMA | BMDMA_ST_DRV1_DMA)

#define BMDMA_PRD_SIZE 8u
#define BMDMA_PRD_EOT 0x80000000u
#define BMDMA_REGION_MAX 0x10000u
/* Entries fetched per Start at most: a 64 KiB table. */
#define BMDMA_MAX_PRD (0x10000u / BMDMA_PRD_SIZE)

/* bmdma_write events */
#define BMDMA_EV_START 0x1u /* Start went from 0 to 1 */

struct bmdma_ops {
	/*
	 * Copies len bytes between buf and guest physical memory at gpa
	 * (to_guest: buf -> guest). Returns 0 or -EFAULT when any part of
	 * the range is not guest RAM. len is at most BMDMA_REGION_MAX.
	 */
	int (*dma_rw)(void *opaque, uint64_t gpa, void *buf, size_t len,
		      bool to_guest);
};

/* Guest mistakes, counted for the DM's (rate-limited) log. */
struct bmdma_stats {
	uint32_t faults;     /* dma_rw failures */
	uint32_t short_tbl;  /* table ended before the transfer */
	uint32_t prd_cap;    /* walk stopped at BMDMA_MAX_PRD entries */
	uint32_t crossings;  /* regions crossing a 64 KiB boundary */
	uint32_t odd_fields; /* bit 0 set in a base address or byte count */
	uint32_t mismatch;   /* direction bit disagreeing with the device */
};

struct bmdma {
	const struct bmdma_ops *ops;
	void *opaque;

	uint8_t bmic;	 /* command register */
	uint8_t bmis;	 /* status register */
	uint32_t bmidtp; /* PRD table pointer */

	/* Walk state (the datasheet's Current Base / Current Count). */
	uint64_t next_prd; /* guest address of the next entry */
	uint32_t nprd;	   /* entries fetched since Start */
	uint64_t cur_addr;
	uint32_t cur_count; /* bytes left in the current region */
	bool cur_eot;
	bool table_end; /* EOT region drained or cap reached */

	struct bmdma_stats stats;
};

/* Power-on state (all registers 0). ops may be NULL (every DMA faults). */
void bmdma_init(struct bmdma *bm, const struct bmdma_ops *ops, void *opaque);

/* Reset: registers to 0, walk forgotten; stats are kept. */
void bmdma_reset(struct bmdma *bm);

/*
 * Guest read of `size` (1, 2 or 4) bytes at `off` (0-7); bytes beyond the
 * block read 0xff.
 */
uint32_t bmdma_read(const struct bmdma *bm, unsigned off, unsigned size);

/*
 * Guest write; returns BMDMA_EV_START when Start went from 0 to 1 (the
 * caller then lets a waiting device transfer), else 0. The direction bit is
 * kept while Start stays 1.
 */
unsigned bmdma_write(struct bmdma *bm, unsigned off, unsigned size,
		     uint32_t val);

/* True when a device may transfer now: Start and Active set. */
bool bmdma_ready(const struct bmdma *bm);

/* True when the direction bit says device-to-host. */
bool bmdma_to_mem(const struct bmdma *bm);

/*
 * Moves len bytes between buf and the guest regions of the PRD table,
 * continuing where the previous call stopped. *moved gets the bytes moved.
 * Returns 0 when all moved, -ENOSPC when the table ended first or had
 * ended already (Active is clear), -EFAULT on a guest memory error (Error
 * set, Active clear), or -EINVAL when Start is clear (nothing moved).
 */
int bmdma_xfer(struct bmdma *bm, void *buf, size_t len, bool to_guest,
	       size_t *moved);

/* One piece of a PRD region: where a transfer's bytes go in the guest. */
struct bmdma_seg {
	uint64_t gpa;
	uint32_t len; /* 1..BMDMA_REGION_MAX */
};

/*
 * The zero-copy form of bmdma_xfer: walks the table exactly as bmdma_xfer
 * would for up to `len` bytes but moves nothing. It fills at most `max`
 * segments (*nseg of them), advances the walk as if their bytes had moved
 * and sets *got to the bytes they cover; the caller then moves them
 * itself (straight between a disk image and guest memory) and calls
 * bmdma_fault() if guest memory refused any of them. Returns 0 when `len`
 * bytes or `max` segments were reached (*got < len then: call again), and
 * otherwise what bmdma_xfer returns, with the segments found before.
 */
int bmdma_map(struct bmdma *bm, size_t len, struct bmdma_seg *seg,
	      unsigned max, unsigned *nseg, size_t *got);

/* Marks a failed transfer: Error set, Active clear. */
void bmdma_fail(struct bmdma *bm);

/* A segment from bmdma_map was not guest memory: counted, then failed. */
void bmdma_fault(struct bmdma *bm);

/* The device's interrupt line rose: sets the Interrupt bit. */
void bmdma_irq_edge(struct bmdma *bm);

#endif
