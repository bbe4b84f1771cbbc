/* SPDX-License-Identifier: MIT */
/*
 * debug_exit: QEMU's isa-debug-exit device (port 0xf4, 4 ports wide) so
 * that test guests can end the VM with a status and run unchanged under
 * QEMU. A write of value V, of any size, asks to exit with (V << 1) | 1;
 * reads return all ones.
 */
#ifndef SAFEPC_DM_HW_DEBUG_EXIT_H
#define SAFEPC_DM_HW_DEBUG_EXIT_H

#include <stdint.h>

#define DEBUG_EXIT_PORT 0xf4u
#define DEBUG_EXIT_IOSIZE 4u

struct debug_exit_ops {
	/*
	 * The guest asked to exit with code (V << 1) | 1, computed in 32 bits
	 * (V's bit 31 is dropped; a process exit status keeps only bits 0-7
	 * anyway). Called once per write. May be NULL.
	 */
	void (*exit)(void *opaque, uint32_t code);
};

struct debug_exit {
	const struct debug_exit_ops *ops;
	void *opaque;
};

/* Binds the device to its callbacks. ops may be NULL. */
void debug_exit_init(struct debug_exit *s, const struct debug_exit_ops *ops,
		     void *opaque);

/*
 * Guest read of `size` bytes (1, 2 or 4) at `offset` (0-3) within the
 * device: all ones of that size (0xff, 0xffff, 0xffffffff); 0xffffffff for
 * a bad size.
 */
uint32_t debug_exit_read(struct debug_exit *s, unsigned offset,
			 unsigned size);

/*
 * Guest write of `size` bytes (1, 2 or 4) at `offset` (0-3): val is cut to
 * `size` bytes and exit((val << 1) | 1) is requested. Other sizes and
 * offsets >= 4 are ignored.
 */
void debug_exit_write(struct debug_exit *s, unsigned offset, unsigned size,
		      uint32_t val);

#endif
