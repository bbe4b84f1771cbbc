/* SPDX-License-Identifier: MIT */
/*
 * Bulk DMA that does not go through the DM's mapping of guest RAM
 * (dma_nomap.h says why and how). Offsets are explicit on every file, so
 * no fd's position matters.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "dm/dma_nomap.h"

int dma_nomap_open(struct dma_nomap *dn, int ram_fd)
{
	int p[2], sz, e;

	dn->chunk = 0;
	dn->ram_fd = dn->pipe_r = dn->pipe_w = -1;
	dn->buf = NULL;
	if (ram_fd < 0)
		return -EBADF;
	dn->buf = malloc(DMA_NOMAP_BUF_BYTES);
	if (!dn->buf)
		return -ENOMEM;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK)) {
		e = -errno;
		goto fail_buf;
	}
	/* Fewer rounds with a bigger pipe; the default (64 KiB) also works. */
	(void)fcntl(p[1], F_SETPIPE_SZ, (int)DMA_NOMAP_PIPE_BYTES);
	sz = fcntl(p[1], F_GETPIPE_SZ);
	if (sz <= 0) {
		e = sz < 0 ? -errno : -EINVAL;
		goto fail_pipe;
	}
	dn->ram_fd = ram_fd;
	dn->pipe_r = p[0];
	dn->pipe_w = p[1];
	dn->self = getpid();
	dn->chunk = (size_t)sz;
	return 0;

fail_pipe:
	close(p[0]);
	close(p[1]);
fail_buf:
	free(dn->buf);
	dn->buf = NULL;
	return e;
}

/* Pages the probe reads, in batches of DMA_NOMAP_PROBE_BATCH. */
#define DMA_NOMAP_PROBE_PAGES 64u
#define DMA_NOMAP_PROBE_BATCH 8u

static uint64_t dma_nomap_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

unsigned long dma_nomap_touch_ns(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t bytes = DMA_NOMAP_PROBE_PAGES * page;
	uint64_t best = UINT64_MAX;
	volatile uint8_t *p;
	unsigned b, i;

	/* Populated by the kernel: the reads below fault in nothing, they
	 * only pay for the first access through this mapping. */
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	for (b = 0; b < DMA_NOMAP_PROBE_PAGES / DMA_NOMAP_PROBE_BATCH; b++) {
		uint64_t t = dma_nomap_now_ns();

		for (i = 0; i < DMA_NOMAP_PROBE_BATCH; i++)
			(void)p[(b * DMA_NOMAP_PROBE_BATCH + i) * page];
		t = dma_nomap_now_ns() - t;
		if (t < best)
			best = t;
	}
	munmap((void *)p, bytes);
	return (unsigned long)(best / DMA_NOMAP_PROBE_BATCH);
}

void dma_nomap_close(struct dma_nomap *dn)
{
	if (!dma_nomap_ready(dn))
		return;
	close(dn->pipe_r);
	close(dn->pipe_w);
	free(dn->buf);
	dn->buf = NULL;
	dn->chunk = 0;
	dn->ram_fd = dn->pipe_r = dn->pipe_w = -1;
}

/*
 * Throws away what a failed round left in the pipe (read(2) is in the
 * DM's allowlist on any fd; the read end is non-blocking, so an empty pipe
 * ends the loop with EAGAIN).
 */
static void dma_nomap_drain(struct dma_nomap *dn)
{
	char buf[4096];
	ssize_t n;

	do
		n = read(dn->pipe_r, buf, sizeof(buf));
	while (n > 0 || (n < 0 && errno == EINTR));
}

/* Guest RAM at memfd offset ram_off -> the file at off, by splice. */
static int dma_nomap_to_file(struct dma_nomap *dn, int fd, loff_t off,
			     loff_t ram_off, uint64_t len, uint64_t *moved)
{
	while (*moved < len) {
		uint64_t left = len - *moved;
		size_t want = left < dn->chunk ? (size_t)left : dn->chunk;
		ssize_t in, done = 0;

		in = splice(dn->ram_fd, &ram_off, dn->pipe_w, NULL, want, 0);
		if (in < 0 && errno == EINTR)
			continue;
		if (in <= 0) {
			/* 0: past the memfd's end, which guestmem_ptr excludes */
			int e = in < 0 ? -errno : -EIO;

			dma_nomap_drain(dn);
			return e;
		}
		while (done < in) {
			ssize_t n = splice(dn->pipe_r, NULL, fd, &off,
					   (size_t)(in - done), 0);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				int e = n < 0 ? -errno : -EIO;

				dma_nomap_drain(dn);
				return e;
			}
			done += n;
			*moved += (uint64_t)n;
		}
	}
	return 0;
}

/*
 * The file at off -> guest RAM at host address p, through dn->buf: the
 * second copy goes by process_vm_writev on the DM itself, so the kernel
 * reaches the guest pages by a software page-table walk, not through the
 * DM's TLB.
 */
static int dma_nomap_to_guest(struct dma_nomap *dn, int fd, uint64_t off,
			      uint8_t *p, uint64_t len, uint64_t *moved)
{
	while (*moved < len) {
		uint64_t left = len - *moved;
		size_t want = left < DMA_NOMAP_BUF_BYTES ? (size_t)left
							 : DMA_NOMAP_BUF_BYTES;
		struct iovec local, remote;
		ssize_t n, w;

		n = pread(fd, dn->buf, want, (off_t)(off + *moved));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0; /* the end of the image */
		local.iov_base = dn->buf;
		local.iov_len = (size_t)n;
		remote.iov_base = p + *moved;
		remote.iov_len = (size_t)n;
		do
			w = process_vm_writev(dn->self, &local, 1, &remote, 1, 0);
		while (w < 0 && errno == EINTR);
		if (w < 0)
			return -errno;
		if (w != n)
			return -EIO;
		*moved += (uint64_t)n;
	}
	return 0;
}

int dma_nomap_move(struct dma_nomap *dn, const struct guestmem *gm, int fd,
		   uint64_t off, uint64_t gpa, uint64_t len, bool to_guest,
		   uint64_t *moved)
{
	uint8_t *p = len ? guestmem_ptr(gm, gpa, len) : NULL;

	*moved = 0;
	if (!dma_nomap_ready(dn))
		return -ENOSYS;
	if (!len)
		return 0;
	if (!p || off > (uint64_t)INT64_MAX - len)
		return -EFAULT;
	if (to_guest)
		return dma_nomap_to_guest(dn, fd, off, p, len, moved);
	/* The memfd holds guest RAM at the offsets guestmem_ptr maps. */
	return dma_nomap_to_file(dn, fd, (loff_t)off, (loff_t)(p - gm->base),
				 len, moved);
}
