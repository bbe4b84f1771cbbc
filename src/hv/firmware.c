/* SPDX-License-Identifier: MIT */
/*
 * Firmware and the legacy BIOS window.
 *
 * A firmware image (SeaBIOS' bios.bin) is mapped read-only at the top of
 * 4 GiB, and its last 128 KiB also at 0xE0000-0xFFFFF, as on a PC. The
 * i440FX PAM registers then decide, per 16 KiB block of 0xC0000-0xFFFFF,
 * whether reads and writes go to that ROM/bus or to the RAM underneath
 * ("shadowing"); the chipset DM reports them with set_mem_type and hv
 * rebuilds the KVM memory slots of the window:
 *
 *   RAM      slot on the shadow RAM, read/write
 *   ROM      reads RAM, writes dropped (read-only slot on the shadow RAM)
 *   DISABLED reads and writes go to the bus: the ROM alias in the BIOS
 *            segments, nothing (all ones) below them
 *   WRITE    reads from the bus, writes to the shadow RAM (hv copies them)
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "hv/hv.h"

#define FW_MAX_BYTES (16u << 20)
#define FW_SLOT_TOP 3	  /* KVM slot of the image below 4 GiB */
#define FW_SLOT_WINDOW 8  /* first slot of the legacy window */

static int fw_slot(struct hv_vm *vm, unsigned slot, uint64_t gpa,
		   uint64_t size, void *host, int readonly)
{
	return vm->accel->set_slot(vm, slot, gpa, size, host, readonly);
}

/*
 * firmware_load - reads the image from fd into private memory and maps
 * it at the top of 4 GiB. Returns 0 or -errno (-EINVAL: bad size).
 */
int firmware_load(struct hv_vm *vm, int fd)
{
	struct stat st;
	int r;

	if (fstat(fd, &st) || st.st_size < 0x20000 ||
	    st.st_size > FW_MAX_BYTES || st.st_size % 0x10000)
		return -EINVAL; /* 128 KiB..16 MiB, in 64 KiB units */
	vm->fw_size = (uint64_t)st.st_size;
	vm->fw = mmap(NULL, vm->fw_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->fw == MAP_FAILED)
		return -errno;
	r = util_pread_all(fd, vm->fw, vm->fw_size, 0);
	if (r)
		return r;
	r = fw_slot(vm, FW_SLOT_TOP, 0x100000000ull - vm->fw_size, vm->fw_size,
		    vm->fw, 1);
	if (r)
		return r;
	/* Reset state of the window: every block goes to the bus. */
	memset(vm->pam, DM_OP_MEM_BUS, sizeof(vm->pam));
	return firmware_window_update(vm);
}

/* What the bus shows at `gpa` of the window: the ROM alias, or NULL. */
static uint8_t *fw_bus(struct hv_vm *vm, uint64_t gpa)
{
	uint64_t alias = 0x100000 - (vm->fw_size < 0x20000 ? vm->fw_size
							     : 0x20000);

	if (!vm->fw || gpa < alias)
		return NULL;
	return vm->fw + vm->fw_size - (0x100000 - gpa);
}

/* Rebuilds the window's slots from vm->pam; one slot per run of blocks. */
int firmware_window_update(struct hv_vm *vm)
{
	unsigned b = 0, slot = FW_SLOT_WINDOW, i;
	int r = 0;

	pthread_mutex_lock(&vm->pam_lock);
	for (i = 0; i < FW_PAM_BLOCKS; i++) /* drop the old slots */
		fw_slot(vm, FW_SLOT_WINDOW + i, 0, 0, NULL, 0);
	while (b < FW_PAM_BLOCKS && !r) {
		uint64_t gpa = FW_WINDOW_START + (uint64_t)b * FW_PAM_BLOCK;
		uint8_t mode = vm->pam[b];
		uint8_t *bus = fw_bus(vm, gpa);
		unsigned e = b + 1;

		/* Extend the run while the mode (and, for bus-backed blocks,
		 * the presence of ROM) stays the same. */
		while (e < FW_PAM_BLOCKS && vm->pam[e] == mode &&
		       (!!fw_bus(vm, FW_WINDOW_START +
					     (uint64_t)e * FW_PAM_BLOCK) ==
			!!bus))
			e++;
		if (mode == DM_OP_MEM_RAM || mode == DM_OP_MEM_ROM) {
			uint8_t *ram = vm->mem.base + gpa;

			if (gpa + (uint64_t)(e - b) * FW_PAM_BLOCK <=
			    vm->mem.low_size)
				r = fw_slot(vm, slot++, gpa,
					    (uint64_t)(e - b) * FW_PAM_BLOCK,
					    ram, mode == DM_OP_MEM_ROM);
		} else if (bus) {
			r = fw_slot(vm, slot++, gpa,
				    (uint64_t)(e - b) * FW_PAM_BLOCK, bus, 1);
		}
		b = e;
	}
	pthread_mutex_unlock(&vm->pam_lock);
	if (r)
		log_err("rebuilding the BIOS window: %s", strerror(-r));
	return r;
}

/*
 * firmware_mmio - an access to the window that no slot took (or a write
 * to a read-only one). 1 when handled.
 */
int firmware_mmio(struct hv_vm *vm, uint64_t gpa, unsigned size, int is_write,
		  uint8_t *data)
{
	unsigned b;
	uint8_t mode;

	if (gpa < FW_WINDOW_START || gpa + size > 0x100000)
		return 0;
	b = (unsigned)((gpa - FW_WINDOW_START) / FW_PAM_BLOCK);
	mode = vm->pam[b];
	if (is_write) {
		/* Writes reach the shadow RAM only in RAM and WRITE modes. */
		if ((mode == DM_OP_MEM_WRITE || mode == DM_OP_MEM_RAM) &&
		    gpa + size <= vm->mem.low_size)
			memcpy(vm->mem.base + gpa, data, size);
		return 1;
	}
	memset(data, 0xff, size);
	return 1;
}

/*
 * firmware_page - for an accelerator without memory slots (the soft CPU):
 * the host page that backs guest-physical page `gpa` of the legacy window
 * or the image below 4 GiB, for reading or (`write`) writing as the PAM
 * modes decode it; NULL where the access goes to firmware_mmio instead
 * (writes dropped, reads of nothing as all ones).
 */
uint8_t *firmware_page(struct hv_vm *vm, uint64_t gpa, int write)
{
	uint8_t *ram;
	uint8_t mode;

	gpa &= ~0xfffull;
	if (vm->fw && gpa >= 0x100000000ull - vm->fw_size &&
	    gpa < 0x100000000ull)
		return write ? NULL
			     : vm->fw + (gpa - (0x100000000ull - vm->fw_size));
	if (gpa < FW_WINDOW_START || gpa >= 0x100000)
		return NULL;
	mode = __atomic_load_n(
		&vm->pam[(gpa - FW_WINDOW_START) / FW_PAM_BLOCK],
		__ATOMIC_RELAXED);
	/* The shadow RAM under the window (guestmem_ptr refuses the hole). */
	ram = gpa + 0x1000 <= vm->mem.low_size ? vm->mem.base + gpa : NULL;
	if (!vm->fw)
		mode = DM_OP_MEM_BUS;
	switch (mode) {
	case DM_OP_MEM_RAM:
		return ram;
	case DM_OP_MEM_ROM:
		return write ? NULL : ram;
	case DM_OP_MEM_WRITE:
		return write ? ram : fw_bus(vm, gpa);
	default:
		return write ? NULL : fw_bus(vm, gpa);
	}
}

/* firmware_set_pam - sets the mode of [start, start + size). */
int firmware_set_pam(struct hv_vm *vm, uint64_t start, uint64_t size,
		     unsigned mode)
{
	uint64_t b;

	if (!vm->fw)
		return -ENODEV;
	if (mode > DM_OP_MEM_RAM || size == 0 || start < FW_WINDOW_START ||
	    start + size > 0x100000 || start % FW_PAM_BLOCK ||
	    size % FW_PAM_BLOCK)
		return -EINVAL;
	for (b = (start - FW_WINDOW_START) / FW_PAM_BLOCK;
	     b < (start + size - FW_WINDOW_START) / FW_PAM_BLOCK; b++)
		vm->pam[b] = (uint8_t)mode;
	return firmware_window_update(vm);
}
