/* SPDX-License-Identifier: MIT */
/*
 * atapi: a read-only ATAPI CD-ROM (2048-byte sectors) on an IDE channel
 * (ide.h): the ATA commands a PACKET device takes and the MMC packet
 * commands behind PACKET.
 *
 * PACKET protocol: after PACKET (A0h) the drive asks for the 12-byte
 * command packet with DRQ and interrupt reason CoD=1 IO=0, without an
 * interrupt (IDENTIFY PACKET DEVICE word 0 announces 50 us DRQ). Data then
 * goes to the host either
 *   - by PIO: each DRQ block is announced with an interrupt, reason IO=1
 *     CoD=0 and its byte count in LBA mid/high; a block is at most the
 *     byte count limit the host put in LBA mid/high (0 counts as FFFEh; an
 *     odd limit is rounded down to even unless the block is the last), or
 *   - by DMA when Features bit 0 was set: the whole response through the
 *     bus master.
 * The status phase (reason CoD=1 IO=1) always interrupts. CHECK CONDITION
 * sets ERR with the sense key in the Error register's high nibble (plus
 * ABRT for ILLEGAL REQUEST); REQUEST SENSE returns fixed-format sense data.
 *
 * Packet commands: TEST UNIT READY, REQUEST SENSE, INQUIRY, START STOP
 * UNIT, PREVENT ALLOW MEDIUM REMOVAL, READ CAPACITY, READ(10), SEEK(10),
 * READ TOC (formats 0, 1 and 2, LBA and MSF), GET CONFIGURATION, GET EVENT
 * STATUS NOTIFICATION (polled, media class), MODE SENSE(10) (pages 01h,
 * 2Ah, 3Fh), READ(12), SET CD SPEED, MECHANISM STATUS; any other opcode is
 * ILLEGAL REQUEST / INVALID COMMAND OPERATION CODE (05/20/00).
 * Allocation lengths are honoured; no response exceeds 64 bytes but READ.
 *
 * Medium state: `medium` (an image is attached), `tray_open` (the guest
 * ejected it with START STOP UNIT; a load closes the tray again). Commands
 * that need the medium report NOT READY / MEDIUM NOT PRESENT, 02/3A/00, or
 * 02/3A/02 with the tray open. A medium change by the host, or a guest
 * load with a medium, posts UNIT ATTENTION / MEDIUM MAY HAVE CHANGED
 * (06/28/00), reported once by the next command other than INQUIRY,
 * REQUEST SENSE, GET CONFIGURATION and GET EVENT STATUS NOTIFICATION, and
 * a media event for GET EVENT STATUS NOTIFICATION. Reads past the medium
 * fail with 05/21/00, backend read errors with MEDIUM ERROR 03/11/00, a
 * failing bus master with ABORTED COMMAND 0B/00/00.
 */
#ifndef SAFEPC_DM_HW_ATAPI_H
#define SAFEPC_DM_HW_ATAPI_H

#include <stdbool.h>
#include <stdint.h>

#include "dm/hw/ide.h"

#define ATAPI_MAX_SECTORS (1ull << 32)
#define ATAPI_CDB_SIZE 12u

/* MMC operation codes. */
#define ATAPI_TEST_UNIT_READY 0x00u
#define ATAPI_REQUEST_SENSE 0x03u
#define ATAPI_INQUIRY 0x12u
#define ATAPI_START_STOP_UNIT 0x1bu
#define ATAPI_PREVENT_ALLOW 0x1eu
#define ATAPI_READ_CAPACITY 0x25u
#define ATAPI_READ_10 0x28u
#define ATAPI_SEEK_10 0x2bu
#define ATAPI_READ_TOC 0x43u
#define ATAPI_GET_CONFIGURATION 0x46u
#define ATAPI_GET_EVENT_STATUS 0x4au
#define ATAPI_MODE_SENSE_10 0x5au
#define ATAPI_READ_12 0xa8u
#define ATAPI_SET_CD_SPEED 0xbbu
#define ATAPI_MECHANISM_STATUS 0xbdu

/* Sense keys. */
#define ATAPI_SK_NO_SENSE 0x0u
#define ATAPI_SK_NOT_READY 0x2u
#define ATAPI_SK_MEDIUM_ERROR 0x3u
#define ATAPI_SK_ILLEGAL_REQUEST 0x5u
#define ATAPI_SK_UNIT_ATTENTION 0x6u
#define ATAPI_SK_ABORTED_COMMAND 0xbu

/* Additional sense codes. */
#define ATAPI_ASC_UNRECOVERED_READ 0x11u
#define ATAPI_ASC_INVALID_OPCODE 0x20u
#define ATAPI_ASC_LBA_OUT_OF_RANGE 0x21u
#define ATAPI_ASC_INVALID_FIELD 0x24u
#define ATAPI_ASC_MEDIUM_CHANGED 0x28u
#define ATAPI_ASC_SAVING_PARAMS 0x39u
#define ATAPI_ASC_NO_MEDIUM 0x3au
#define ATAPI_ASC_REMOVAL_PREVENTED 0x53u

/* GET EVENT STATUS NOTIFICATION media event codes. */
#define ATAPI_EV_NONE 0u
#define ATAPI_EV_NEW_MEDIA 2u
#define ATAPI_EV_MEDIA_REMOVAL 3u

struct ide_channel;
struct ide_drive;

/*
 * Host side: a medium of `nsectors` 2048-byte sectors was inserted
 * (present) or the drive emptied. Closes the tray, posts the unit
 * attention (on insertion) and the media event. A transfer in progress
 * fails at its next backend read. Returns 0, or -EINVAL when the drive is
 * not ATAPI or an inserted medium has 0 or more than 2^32 sectors.
 */
int atapi_media_change(struct ide_drive *d, bool present, uint64_t nsectors);

/* Power-on settings (unlocked, no sense, no event); media state kept. */
void atapi_power_on(struct ide_drive *d);

/* Runs ATA command `cmd` written to the PACKET device's Command register. */
void atapi_exec(struct ide_channel *ch, struct ide_drive *d, uint8_t cmd);

/* The 12-byte command packet has arrived in d->buf. */
void atapi_packet(struct ide_channel *ch, struct ide_drive *d);

/* The host drained the current PIO block. */
void atapi_pio_done(struct ide_channel *ch, struct ide_drive *d);

/* The bus master is ready: moves the whole response by DMA. */
void atapi_dma_run(struct ide_channel *ch, struct ide_drive *d);

#endif
