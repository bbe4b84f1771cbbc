/* SPDX-License-Identifier: MIT */
/*
 * dma_nomap: bulk DMA between a disk image and guest RAM in which the DM
 * never touches guest RAM through its own page tables: the kernel copies
 * through its own mapping of the pages instead.
 *
 *   guest RAM -> image  splice(2): RAM memfd -> the DM's pipe -> image
 *                       (page-cache pages by reference, one copy)
 *   image -> guest RAM  pread(2) into a small buffer of the DM's own, then
 *                       process_vm_writev(2) on the DM itself, which pins
 *                       the guest pages (a page-table walk in software) and
 *                       copies through the kernel's mapping
 *
 * Why: the DM maps guest RAM a second time (hv has the first mapping).
 * The first access through that mapping to each guest page costs a page
 * fault in the DM and, on hosts that virtualise the MMU by shadow paging
 * (the 2-CPU PVM machines, docs/performance.md), a host exit per 4 KiB
 * page: 10-16 us each, 150-200 ms for 64 MiB of buffers that hv's vCPU
 * has just filled, against ~7 ms for the copy itself. QEMU's TCG has one
 * process and one mapping and never pays it. Writes into guest RAM do not
 * splice to the memfd because RLIMIT_FSIZE (the largest writable image,
 * docs/security.md) also bounds writes to the memfd.
 *
 * Where that first touch is cheap (a bare-metal host, or hardware nested
 * paging: tens of ns) the copy through the DM's mapping is the cheaper
 * path once the pages are mapped, so the DM measures the cost first
 * (dma_nomap_touch_ns) and keeps preadv/pwritev below the threshold, as
 * it does without the RAM fd (unit tests); see dev/ide.c.
 */
#ifndef SAFEPC_DM_DMA_NOMAP_H
#define SAFEPC_DM_DMA_NOMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/guestmem.h"
#include "common/util.h"

/* The pipe's size asked for (an unprivileged user's default maximum), and
 * the read buffer's: small enough to stay in the cache between the two
 * copies. */
#define DMA_NOMAP_PIPE_BYTES (1u << 20)
#define DMA_NOMAP_BUF_BYTES (256u << 10)

struct dma_nomap {
	int ram_fd;	     /* the guest RAM memfd */
	int pipe_r, pipe_w;  /* the splice pipe, both ends O_NONBLOCK */
	pid_t self;	     /* the DM's pid, for process_vm_writev */
	size_t chunk;	     /* bytes per splice round; 0: unused */
	uint8_t *buf;	     /* DMA_NOMAP_BUF_BYTES, for reads */
};

/*
 * Makes dn usable on ram_fd (the memfd that guest RAM maps) with the pipe
 * pipe_r/pipe_w (the monitor's, proto/fds.h: then it is in the DM's
 * manifest), or with a pipe of its own when pipe_r < 0 (unit tests),
 * asking for DMA_NOMAP_PIPE_BYTES of capacity; both ends are made
 * non-blocking. Allocates the read buffer and notes the pid. Call before
 * the seccomp filter (pipe2, fcntl, fstat, getpid, the heap). 0, or
 * -errno (-EBADF: not a pipe) with dn unused.
 */
int dma_nomap_open(struct dma_nomap *dn, int ram_fd, int pipe_r,
		   int pipe_w) must_check;

/*
 * What the first access to a page through a fresh mapping costs on this
 * host, in ns: the least time per page over a few batches of reads from
 * freshly populated anonymous pages (the least, so that being preempted
 * does not count). Tens of ns where the MMU is virtualised in hardware
 * or not at all; several us under shadow paging. Maps and unmaps, so call
 * it before the seccomp filter. 0 if the probe could not run.
 */
unsigned long dma_nomap_touch_ns(void);

/* Above this first-touch cost per page the DM should use dma_nomap. */
#define DMA_NOMAP_TOUCH_NS 1000ul

/* Closes the pipe and frees the buffer; a zeroed dn is unused too. */
void dma_nomap_close(struct dma_nomap *dn);

/* True when dma_nomap_open succeeded. */
static inline bool dma_nomap_ready(const struct dma_nomap *dn)
{
	return dn->chunk != 0;
}

/*
 * Moves len bytes between the file fd at offset off and guest-physical
 * [gpa, gpa + len), which must be one run of guest RAM (guestmem_ptr's
 * check): to_guest reads the file into guest RAM, otherwise guest RAM is
 * written to the file. *moved gets the bytes that reached their
 * destination. A read that meets the end of the file stops there and
 * returns 0 with *moved < len (the caller decides what the rest holds).
 * Returns 0; -EFAULT if the range is not guest RAM (nothing moved);
 * -ENOSYS if dn is unused; -EIO on a short write or copy; another -errno
 * from the system call. A failed splice leaves the pipe empty.
 */
int dma_nomap_move(struct dma_nomap *dn, const struct guestmem *gm, int fd,
		   uint64_t off, uint64_t gpa, uint64_t len, bool to_guest,
		   uint64_t *moved) must_check;

/* One piece of guest RAM for dma_nomap_movev. */
struct dma_nomap_seg {
	uint64_t gpa, len;
};
#define DMA_NOMAP_MAX_SEGS 256u

/*
 * dma_nomap_move over up to DMA_NOMAP_MAX_SEGS pieces of guest RAM that
 * follow each other in the file from off (a scatter-gather list): each
 * piece is checked first (-EFAULT, nothing moved, if one is not RAM or
 * nseg is too big), and the pieces are batched, so that a list of small
 * pieces costs a few system calls per DMA_NOMAP_BUF_BYTES or pipe's
 * worth, not some per piece. Same results as dma_nomap_move.
 */
int dma_nomap_movev(struct dma_nomap *dn, const struct guestmem *gm, int fd,
		    uint64_t off, const struct dma_nomap_seg *seg,
		    unsigned nseg, bool to_guest, uint64_t *moved) must_check;

#endif
