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
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "dm/dma_nomap.h"

/* A pipe end, made non-blocking; 0 or -errno (-EBADF: not a pipe). */
static int dma_nomap_pipe_end(int fd)
{
	struct stat st;
	int fl;

	if (fd < 0 || fstat(fd, &st) || !S_ISFIFO(st.st_mode))
		return -EBADF;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || (!(fl & O_NONBLOCK) &&
		       fcntl(fd, F_SETFL, fl | O_NONBLOCK)))
		return -errno;
	return 0;
}

int dma_nomap_open(struct dma_nomap *dn, int ram_fd, int pipe_r, int pipe_w)
{
	int p[2] = { pipe_r, pipe_w }, own = pipe_r < 0, sz, e;

	dn->chunk = 0;
	dn->ram_fd = dn->pipe_r = dn->pipe_w = -1;
	dn->buf = NULL;
	if (ram_fd < 0)
		return -EBADF;
	if (own && pipe2(p, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	e = dma_nomap_pipe_end(p[0]);
	if (!e)
		e = dma_nomap_pipe_end(p[1]);
	if (e)
		goto fail_pipe;
	/* Fewer rounds with a bigger pipe; the default (64 KiB) also works. */
	if (own)
		(void)fcntl(p[1], F_SETPIPE_SZ, (int)DMA_NOMAP_PIPE_BYTES);
	sz = fcntl(p[1], F_GETPIPE_SZ);
	if (sz <= 0) {
		e = sz < 0 ? -errno : -EINVAL;
		goto fail_pipe;
	}
	dn->buf = malloc(DMA_NOMAP_BUF_BYTES);
	if (!dn->buf) {
		e = -ENOMEM;
		goto fail_pipe;
	}
	dn->ram_fd = ram_fd;
	dn->pipe_r = p[0];
	dn->pipe_w = p[1];
	dn->self = getpid();
	dn->chunk = (size_t)sz;
	return 0;

fail_pipe:
	if (own) {
		close(p[0]);
		close(p[1]);
	}
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

/* A scatter-gather list checked against guest RAM, and where it stands. */
struct dma_nomap_walk {
	const struct dma_nomap_seg *seg;
	uint8_t *host[DMA_NOMAP_MAX_SEGS];
	unsigned nseg, i;	/* segment i, ... */
	uint64_t at;		/* ... at this offset in it */
};

/* Steps n bytes further along the list, and past empty pieces. */
static void dma_nomap_advance(struct dma_nomap_walk *w, uint64_t n)
{
	for (;;) {
		uint64_t step;

		while (w->i < w->nseg && w->at == w->seg[w->i].len) {
			w->i++;
			w->at = 0;
		}
		if (!n || w->i >= w->nseg)
			return;
		step = w->seg[w->i].len - w->at;
		if (step > n)
			step = n;
		w->at += step;
		n -= step;
	}
}

/*
 * Guest RAM -> the file at off, by splice: each round splices pieces of
 * guest RAM (memfd offsets) into the pipe until it holds dn->chunk bytes
 * or has no free slot (EAGAIN: the pipe is non-blocking), then the whole
 * pipe into the file.
 */
static int dma_nomap_to_file(struct dma_nomap *dn, const struct guestmem *gm,
			     int fd, loff_t off, struct dma_nomap_walk *w,
			     uint64_t *moved)
{
	while (w->i < w->nseg) {
		size_t inpipe = 0;
		ssize_t n;

		while (w->i < w->nseg && inpipe < dn->chunk) {
			uint64_t left = w->seg[w->i].len - w->at;
			size_t want = left < dn->chunk - inpipe
					      ? (size_t)left
					      : dn->chunk - inpipe;
			loff_t ram_off = (loff_t)(w->host[w->i] + w->at - gm->base);

			n = splice(dn->ram_fd, &ram_off, dn->pipe_w, NULL, want,
				   0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN && inpipe)
				break; /* no free slot: empty the pipe first */
			if (n <= 0) {
				/* 0: past the memfd's end, which guestmem_ptr
				 * excludes */
				int e = n < 0 ? -errno : -EIO;

				dma_nomap_drain(dn);
				return e;
			}
			inpipe += (size_t)n;
			dma_nomap_advance(w, (uint64_t)n);
		}
		while (inpipe) {
			n = splice(dn->pipe_r, NULL, fd, &off, inpipe, 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				int e = n < 0 ? -errno : -EIO;

				dma_nomap_drain(dn);
				return e;
			}
			inpipe -= (size_t)n;
			*moved += (uint64_t)n;
		}
	}
	return 0;
}

/*
 * The file at off -> guest RAM, through dn->buf: one pread of up to
 * DMA_NOMAP_BUF_BYTES, then one process_vm_writev on the DM itself that
 * scatters it over the pieces it covers, so the kernel reaches the guest
 * pages by a software page-table walk, not through the DM's TLB.
 */
static int dma_nomap_to_guest(struct dma_nomap *dn, int fd, uint64_t off,
			      struct dma_nomap_walk *w, uint64_t *moved)
{
	struct iovec remote[DMA_NOMAP_MAX_SEGS];

	while (w->i < w->nseg) {
		struct dma_nomap_walk peek = *w;
		size_t want = 0;
		unsigned nr = 0;
		struct iovec local;
		ssize_t n, got;

		/* The pieces the next buffer's worth goes to. */
		while (peek.i < peek.nseg && want < DMA_NOMAP_BUF_BYTES) {
			uint64_t left = peek.seg[peek.i].len - peek.at;
			size_t take = left < DMA_NOMAP_BUF_BYTES - want
					      ? (size_t)left
					      : DMA_NOMAP_BUF_BYTES - want;

			remote[nr].iov_base = peek.host[peek.i] + peek.at;
			remote[nr++].iov_len = take;
			want += take;
			dma_nomap_advance(&peek, take);
		}
		n = pread(fd, dn->buf, want, (off_t)(off + *moved));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0; /* the end of the image */
		local.iov_base = dn->buf;
		local.iov_len = (size_t)n;
		/* A short read fills the first n bytes of the pieces. */
		do
			got = process_vm_writev(dn->self, &local, 1, remote, nr,
						0);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -errno;
		if (got != n)
			return -EIO;
		*moved += (uint64_t)n;
		dma_nomap_advance(w, (uint64_t)n);
	}
	return 0;
}

int dma_nomap_movev(struct dma_nomap *dn, const struct guestmem *gm, int fd,
		    uint64_t off, const struct dma_nomap_seg *seg,
		    unsigned nseg, bool to_guest, uint64_t *moved)
{
	struct dma_nomap_walk w = { .seg = seg, .nseg = nseg };
	uint64_t total = 0;
	unsigned i;

	*moved = 0;
	if (!dma_nomap_ready(dn))
		return -ENOSYS;
	if (nseg > DMA_NOMAP_MAX_SEGS)
		return -EFAULT;
	for (i = 0; i < nseg; i++) {
		/* An empty piece is never used (guestmem_ptr refuses it). */
		w.host[i] = seg[i].len ? guestmem_ptr(gm, seg[i].gpa,
						      seg[i].len)
				       : gm->base;
		if (!w.host[i] || total + seg[i].len < total)
			return -EFAULT;
		total += seg[i].len;
	}
	if (!total)
		return 0;
	if (off > (uint64_t)INT64_MAX - total)
		return -EFAULT;
	dma_nomap_advance(&w, 0); /* over empty pieces at the start */
	if (to_guest)
		return dma_nomap_to_guest(dn, fd, off, &w, moved);
	return dma_nomap_to_file(dn, gm, fd, (loff_t)off, &w, moved);
}

int dma_nomap_move(struct dma_nomap *dn, const struct guestmem *gm, int fd,
		   uint64_t off, uint64_t gpa, uint64_t len, bool to_guest,
		   uint64_t *moved)
{
	struct dma_nomap_seg seg = { .gpa = gpa, .len = len };

	if (!len) {
		*moved = 0;
		return dma_nomap_ready(dn) ? 0 : -ENOSYS;
	}
	return dma_nomap_movev(dn, gm, fd, off, &seg, 1, to_guest, moved);
}
