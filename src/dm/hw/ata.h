/* SPDX-License-Identifier: MIT */
/*
 * ata: the ATA command set of a disk on an IDE channel (ide.h). Called by
 * the channel when the guest writes the Command register, when a PIO block
 * has crossed the data port, and when the bus master lets a DMA command
 * run.
 *
 * Decisions:
 *   - Addresses: LBA28, LBA48 (the EXT commands) and CHS through the
 *     current geometry (INITIALIZE DEVICE PARAMETERS; default 16 heads, 63
 *     sectors). A range beyond the capacity, or a CHS address outside the
 *     geometry, ends the command with IDNF (no ABRT) before any transfer.
 *   - A backend read error ends the command with UNC, a write or flush
 *     error with ABRT (flush: also DF). The task file then holds the
 *     failing sector's address; after success, the last sector's.
 *   - Write cache: on by default (IDENTIFY word 85 bit 5); with it off
 *     (SET FEATURES 82h) every write is followed by a backend flush before
 *     the command completes, and turning it off flushes.
 *   - PIO data-in interrupts once per DRQ block; data-out interrupts after
 *     each block written, not before the first. DMA interrupts once at the
 *     end. A DMA that fails at the bus master (short PRD table, guest
 *     memory, wrong direction) ends with ABRT and an interrupt at once
 *     rather than leaving the device waiting for a driver timeout.
 *   - Counts: 0 means 256 sectors (28-bit) or 65536 (48-bit); READ/WRITE
 *     MULTIPLE use the SET MULTIPLE MODE block (a power of two up to
 *     ATA_MAX_MULT; 0 turns multiple mode off) and abort when it is off.
 *   - NOP, DEVICE RESET, PACKET, IDENTIFY PACKET DEVICE and every command
 *     not listed below abort.
 */
#ifndef SAFEPC_DM_HW_ATA_H
#define SAFEPC_DM_HW_ATA_H

#include <stdint.h>

#include "dm/hw/ide.h"

#define ATA_MAX_SECTORS (1ull << 48)
#define ATA_MAX_MULT 16u

#define ATA_CMD_NOP 0x00u
#define ATA_CMD_DEVICE_RESET 0x08u
#define ATA_CMD_RECALIBRATE 0x10u /* 10h-1Fh */
#define ATA_CMD_READ_SECTORS 0x20u
#define ATA_CMD_READ_SECTORS_EXT 0x24u
#define ATA_CMD_READ_DMA_EXT 0x25u
#define ATA_CMD_READ_MULTIPLE_EXT 0x29u
#define ATA_CMD_WRITE_SECTORS 0x30u
#define ATA_CMD_WRITE_SECTORS_EXT 0x34u
#define ATA_CMD_WRITE_DMA_EXT 0x35u
#define ATA_CMD_WRITE_MULTIPLE_EXT 0x39u
#define ATA_CMD_READ_VERIFY 0x40u
#define ATA_CMD_READ_VERIFY_EXT 0x42u
#define ATA_CMD_SEEK 0x70u /* 70h-7Fh */
#define ATA_CMD_EXECUTE_DIAGNOSTIC 0x90u
#define ATA_CMD_INIT_DEV_PARAMS 0x91u
#define ATA_CMD_PACKET 0xa0u
#define ATA_CMD_IDENTIFY_PACKET 0xa1u
#define ATA_CMD_READ_MULTIPLE 0xc4u
#define ATA_CMD_WRITE_MULTIPLE 0xc5u
#define ATA_CMD_SET_MULTIPLE 0xc6u
#define ATA_CMD_READ_DMA 0xc8u
#define ATA_CMD_WRITE_DMA 0xcau
#define ATA_CMD_STANDBY_IMMEDIATE 0xe0u
#define ATA_CMD_IDLE_IMMEDIATE 0xe1u
#define ATA_CMD_STANDBY 0xe2u
#define ATA_CMD_IDLE 0xe3u
#define ATA_CMD_CHECK_POWER_MODE 0xe5u
#define ATA_CMD_SLEEP 0xe6u
#define ATA_CMD_FLUSH_CACHE 0xe7u
#define ATA_CMD_FLUSH_CACHE_EXT 0xeau
#define ATA_CMD_IDENTIFY 0xecu
#define ATA_CMD_SET_FEATURES 0xefu

/* SET FEATURES subcommands (Features register). */
#define ATA_SF_WCACHE_ON 0x02u
#define ATA_SF_XFER_MODE 0x03u
#define ATA_SF_LOOKAHEAD_OFF 0x55u
#define ATA_SF_REVERT_OFF 0x66u
#define ATA_SF_WCACHE_OFF 0x82u
#define ATA_SF_LOOKAHEAD_ON 0xaau
#define ATA_SF_REVERT_ON 0xccu

/* How the running command addressed the medium (struct ata_state). */
#define ATA_ADDR_CHS 0u
#define ATA_ADDR_LBA28 1u
#define ATA_ADDR_LBA48 2u

struct ide_channel;
struct ide_drive;

/* Power-on settings of an ATA drive whose ata.nsectors is set. */
void ata_power_on(struct ide_drive *d);

/* Runs command `cmd` written to the drive's Command register. */
void ata_exec(struct ide_channel *ch, struct ide_drive *d, uint8_t cmd);

/* The data port drained (read) or filled (write) the current block. */
void ata_pio_done(struct ide_channel *ch, struct ide_drive *d);

/* The bus master is ready: moves the whole waiting DMA transfer. */
void ata_dma_run(struct ide_channel *ch, struct ide_drive *d);

#endif
