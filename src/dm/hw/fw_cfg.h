/* SPDX-License-Identifier: MIT */
/*
 * fw_cfg: QEMU's firmware configuration interface (x86 I/O variant), the
 * channel through which SeaBIOS learns the machine's RAM layout, CPU
 * count, boot order and extra tables. A pure model: the host adds items
 * before the guest starts; the guest reads them through the ports; guest
 * memory is reached only through ops->dma_rw.
 *
 * Ports are offsets from FW_CFG_IO_BASE (0x510):
 *   0     selector, 16-bit write (little-endian key). An 8-bit read of 0 or
 *         1 reads the data register, as in QEMU's combined port.
 *   1     data, 8-bit: the next byte of the selected item; past the end, 0.
 *         Writes are ignored (the legacy write path is gone from QEMU too).
 *   4-11  DMA address, 64-bit big-endian: a 32-bit write at 4 sets the
 *         high half, a 32-bit write at 8 sets the low half and starts the
 *         transfer; the register is 0 again afterwards. Reads return the
 *         bytes of "QEMU CFG".
 *
 * Items: signature (key 0x00, "QEMU"), ID (0x01, traditional | DMA) and
 * the file directory (0x19) exist from the start; fixed-key items
 * (RAM size, CPU counts, boot menu... and the arch-local keys from
 * 0x8000) and named files (keys from 0x20, listed in the directory in the
 * order added) come from the host. Bit 14 of a key (the old write channel)
 * is ignored; unknown keys read as empty. All data is copied into a
 * bounded store inside the struct (FW_CFG_STORE_SIZE bytes), so the
 * struct is large: keep it off small stacks.
 *
 * DMA: the guest writes the address of {be32 control, be32 length,
 * be64 address}. control bit 3 (SELECT) first selects key control >> 16;
 * then READ copies `length` bytes from the item's current offset to guest
 * memory (zeros past the item's end), else WRITE is refused (every item is
 * read-only) with ERROR, else SKIP advances the offset. On completion the
 * model writes control back as 0, or ERROR (bit 0) when a guest address
 * could not be accessed, the length exceeds FW_CFG_DMA_MAX_LEN or the
 * range wraps. The transfer is synchronous: done when the port write
 * returns.
 */
#ifndef SAFEPC_DM_HW_FW_CFG_H
#define SAFEPC_DM_HW_FW_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FW_CFG_IO_BASE 0x510u
#define FW_CFG_IO_SIZE 12u /* 0x510-0x51B */

/* Port offsets from FW_CFG_IO_BASE. */
#define FW_CFG_PORT_SEL 0u
#define FW_CFG_PORT_DATA 1u
#define FW_CFG_PORT_DMA_HI 4u
#define FW_CFG_PORT_DMA_LO 8u

/* Keys. */
#define FW_CFG_SIGNATURE 0x00u
#define FW_CFG_ID 0x01u
#define FW_CFG_UUID 0x02u
#define FW_CFG_RAM_SIZE 0x03u	 /* le64 bytes */
#define FW_CFG_NOGRAPHIC 0x04u	 /* le16 */
#define FW_CFG_NB_CPUS 0x05u	 /* le16 */
#define FW_CFG_MACHINE_ID 0x06u
#define FW_CFG_BOOT_DEVICE 0x0cu /* le16 */
#define FW_CFG_NUMA 0x0du
#define FW_CFG_BOOT_MENU 0x0eu	 /* le16 */
#define FW_CFG_MAX_CPUS 0x0fu	 /* le16 */
#define FW_CFG_FILE_DIR 0x19u
#define FW_CFG_FILE_FIRST 0x20u
#define FW_CFG_WRITE_CHANNEL 0x4000u
#define FW_CFG_ARCH_LOCAL 0x8000u
#define FW_CFG_ACPI_TABLES (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE (FW_CFG_ARCH_LOCAL + 3)
#define FW_CFG_HPET (FW_CFG_ARCH_LOCAL + 4)

/* FW_CFG_ID bits. */
#define FW_CFG_ID_TRADITIONAL 0x01u
#define FW_CFG_ID_DMA 0x02u

/* DMA control bits. */
#define FW_CFG_DMA_CTL_ERROR 0x01u
#define FW_CFG_DMA_CTL_READ 0x02u
#define FW_CFG_DMA_CTL_SKIP 0x04u
#define FW_CFG_DMA_CTL_SELECT 0x08u
#define FW_CFG_DMA_CTL_WRITE 0x10u
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ull /* "QEMU CFG" */
#define FW_CFG_DMA_ACCESS_SIZE 16u

/* Bounds. */
#define FW_CFG_STORE_SIZE (256u * 1024)
#define FW_CFG_MAX_FIXED 32u /* fixed-key items added by the host */
#define FW_CFG_MAX_FILES 64u
#define FW_CFG_FILE_NAME_SIZE 56u /* with the terminating NUL */
#define FW_CFG_DIR_ENTRY_SIZE 64u
#define FW_CFG_DMA_MAX_LEN (1u << 20) /* per transfer */

struct fw_cfg_ops {
	/*
	 * Copies `len` bytes between guest-physical `gpa` and `buf`
	 * (is_write: into the guest). Returns 0, or -EFAULT when any byte
	 * of the range is not guest RAM; then nothing need be copied.
	 */
	int (*dma_rw)(void *opaque, uint64_t gpa, void *buf, uint32_t len,
		      bool is_write);
};

/* One item: `len` bytes at `off` in the store. */
struct fw_cfg_item {
	uint16_t key;
	uint32_t off;
	uint32_t len;
};

struct fw_cfg {
	const struct fw_cfg_ops *ops;
	void *opaque;

	uint16_t selector;   /* as last written */
	uint32_t offset;     /* data offset in the selected item */
	uint8_t dma_addr[8]; /* big-endian, as written */

	/* Items: the fixed ones first, files at key FW_CFG_FILE_FIRST + n. */
	struct fw_cfg_item fixed[FW_CFG_MAX_FIXED + 2];
	unsigned nfixed;
	struct fw_cfg_item file[FW_CFG_MAX_FILES];
	char file_name[FW_CFG_MAX_FILES][FW_CFG_FILE_NAME_SIZE];
	unsigned nfiles;
	uint32_t store_used;
	uint8_t store[FW_CFG_STORE_SIZE]; /* last: init does not clear it */
};

/*
 * Resets to an empty configuration with the signature, ID (traditional
 * and DMA) and an empty file directory; selector 0, offset 0, DMA address
 * 0. ops may be NULL: a DMA transfer then cannot read its control block
 * and does nothing.
 */
void fw_cfg_init(struct fw_cfg *s, const struct fw_cfg_ops *ops,
		 void *opaque);

/*
 * Adds a fixed-key item: key 0x02-0x18, 0x1a-0x1f, or 0x8000-0x801f
 * (bit 14 must be clear). The data is copied. Returns 0, or -EINVAL for a
 * bad key or a NULL data with len != 0, -EEXIST for a key already present,
 * -ENOSPC when the item table or the store is full.
 */
int fw_cfg_add_item(struct fw_cfg *s, uint16_t key, const void *data,
		    size_t len) __attribute__((warn_unused_result));

/* fw_cfg_add_item of a little-endian 16/32/64-bit value. */
int fw_cfg_add_u16(struct fw_cfg *s, uint16_t key, uint16_t val)
	__attribute__((warn_unused_result));
int fw_cfg_add_u32(struct fw_cfg *s, uint16_t key, uint32_t val)
	__attribute__((warn_unused_result));
int fw_cfg_add_u64(struct fw_cfg *s, uint16_t key, uint64_t val)
	__attribute__((warn_unused_result));

/*
 * Adds a named file (e.g. "bootorder", "etc/e820"), copying the data, and
 * lists it in the file directory. The name is 1-55 bytes. Returns the
 * file's key (>= FW_CFG_FILE_FIRST), or -EINVAL for a bad name or NULL
 * data with len != 0, -EEXIST for a name already present, -ENOSPC when the
 * file table or the store is full.
 */
int fw_cfg_add_file(struct fw_cfg *s, const char *name, const void *data,
		    size_t len) __attribute__((warn_unused_result));

/*
 * Guest read of `size` bytes (1, 2, 4) at port offset `port`. Returns the
 * little-endian value; accesses the device does not decode read as
 * all-ones.
 */
uint32_t fw_cfg_read(struct fw_cfg *s, unsigned port, unsigned size);

/*
 * Guest write of `size` bytes at port offset `port`: selects an item or
 * loads the DMA address (and runs the transfer through ops->dma_rw).
 * Other accesses are ignored.
 */
void fw_cfg_write(struct fw_cfg *s, unsigned port, unsigned size,
		  uint32_t val);

#endif
