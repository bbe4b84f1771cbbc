/* SPDX-License-Identifier: MIT */
/*
 * dma_nomap (src/dm/dma_nomap.c): DMA between an image file and a guest
 * RAM memfd without the DM's mapping, both ways, across its round sizes,
 * at the end of the image, on ranges that are not RAM, and after a failed
 * write (the pipe must come back empty).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "dm/dma_nomap.h"

#define RAM_BYTES (8u << 20)
#define IMG_BYTES (4u << 20)

static struct {
	int ram_fd, img_fd, ro_fd;
	struct guestmem gm;
	struct dma_nomap dn;
} t;

static uint8_t img_byte(uint64_t off)
{
	return (uint8_t)(off * 7 + (off >> 12) + 1);
}

static int setup(void **state)
{
	char path[] = "/tmp/test_dma_nomap-XXXXXX";
	static uint8_t buf[IMG_BYTES];
	unsigned i;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.ram_fd = memfd_create("ram", MFD_CLOEXEC);
	if (t.ram_fd < 0 || ftruncate(t.ram_fd, RAM_BYTES))
		return -1;
	t.gm.base = mmap(NULL, RAM_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
			 t.ram_fd, 0);
	if (t.gm.base == MAP_FAILED)
		return -1;
	guestmem_layout(RAM_BYTES, &t.gm.low_size, &t.gm.high_size);
	/* A real file: the image side of splice is a page-cache file. */
	t.img_fd = mkstemp(path);
	if (t.img_fd < 0)
		return -1;
	t.ro_fd = open(path, O_RDONLY | O_CLOEXEC);
	unlink(path);
	if (t.ro_fd < 0)
		return -1;
	for (i = 0; i < IMG_BYTES; i++)
		buf[i] = img_byte(i);
	if (pwrite(t.img_fd, buf, IMG_BYTES, 0) != (ssize_t)IMG_BYTES)
		return -1;
	return dma_nomap_open(&t.dn, t.ram_fd, -1, -1) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	dma_nomap_close(&t.dn);
	munmap(t.gm.base, RAM_BYTES);
	close(t.ram_fd);
	close(t.img_fd);
	close(t.ro_fd);
	return 0;
}

static void test_open(void **state)
{
	(void)state;
	assert_true(dma_nomap_ready(&t.dn));
	assert_true(t.dn.chunk >= 65536);
	assert_int_equal(t.dn.self, getpid());
}

/* Image -> guest, odd offsets, across several buffer rounds. */
static void test_to_guest(void **state)
{
	uint64_t gpa = 0x200123, off = 0x1001, len = 3 * DMA_NOMAP_BUF_BYTES + 77;
	uint64_t moved, i;

	(void)state;
	memset(t.gm.base, 0xEE, RAM_BYTES);
	assert_int_equal(dma_nomap_move(&t.dn, &t.gm, t.img_fd, off, gpa, len,
					true, &moved),
			 0);
	assert_int_equal(moved, len);
	for (i = 0; i < len; i++)
		if (t.gm.base[gpa + i] != img_byte(off + i))
			fail_msg("byte %llu", (unsigned long long)i);
	assert_int_equal(t.gm.base[gpa - 1], 0xEE);
	assert_int_equal(t.gm.base[gpa + len], 0xEE);
}

/* Guest -> image, longer than the pipe, then read back. */
static void test_to_file(void **state)
{
	uint64_t gpa = 0x300000, off = 0x800, len = 2 * t.dn.chunk + 4096 + 3;
	uint8_t *back = malloc(len);
	uint64_t moved, i;

	(void)state;
	assert_non_null(back);
	for (i = 0; i < len; i++)
		t.gm.base[gpa + i] = (uint8_t)(i * 13 + 5);
	assert_int_equal(dma_nomap_move(&t.dn, &t.gm, t.img_fd, off, gpa, len,
					false, &moved),
			 0);
	assert_int_equal(moved, len);
	assert_int_equal(pread(t.img_fd, back, len, (off_t)off), (ssize_t)len);
	for (i = 0; i < len; i++)
		if (back[i] != (uint8_t)(i * 13 + 5))
			fail_msg("byte %llu", (unsigned long long)i);
	assert_int_equal(pread(t.img_fd, back, 1, (off_t)(off - 1)), 1);
	assert_int_equal(back[0], img_byte(off - 1));
	/* Put the image back for the other tests. */
	for (i = 0; i < len; i++)
		back[i] = img_byte(off + i);
	assert_int_equal(pwrite(t.img_fd, back, len, (off_t)off), (ssize_t)len);
	free(back);
}

/* A read that reaches the end of the image stops there. */
static void test_eof(void **state)
{
	uint64_t off = IMG_BYTES - 1000, moved, i;

	(void)state;
	memset(t.gm.base, 0xEE, 8192);
	assert_int_equal(dma_nomap_move(&t.dn, &t.gm, t.img_fd, off, 0, 4096,
					true, &moved),
			 0);
	assert_int_equal(moved, 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(t.gm.base[i], img_byte(off + i));
	assert_int_equal(t.gm.base[1000], 0xEE);
}

/* Not RAM: the legacy hole, past the end, wrapping; nothing moves. */
static void test_not_ram(void **state)
{
	uint64_t moved = 1;

	(void)state;
	assert_int_equal(dma_nomap_move(&t.dn, &t.gm, t.img_fd, 0, 0x9F000,
					0x2000, true, &moved),
			 -EFAULT);
	assert_int_equal(moved, 0);
	assert_int_equal(dma_nomap_move(&t.dn, &t.gm, t.img_fd, 0,
					RAM_BYTES - 4096, 8192, false, &moved),
			 -EFAULT);
	assert_int_equal(dma_nomap_move(&t.dn, &t.gm, t.img_fd, 0, ~0ull - 10,
					100, true, &moved),
			 -EFAULT);
	assert_int_equal(dma_nomap_move(&t.dn, &t.gm, t.img_fd, ~0ull - 10,
					0x1000, 100, true, &moved),
			 -EFAULT);
	assert_int_equal(dma_nomap_move(&t.dn, &t.gm, t.img_fd, 0, 0x1000, 0,
					true, &moved),
			 0);
	assert_int_equal(moved, 0);
}

/* A write that fails half-way leaves the pipe empty for the next one. */
static void test_failed_write(void **state)
{
	uint64_t moved, i;
	uint8_t b;

	(void)state;
	memset(t.gm.base + 0x100000, 0x5A, 65536);
	assert_int_equal(dma_nomap_move(&t.dn, &t.gm, t.ro_fd, 0, 0x100000,
					65536, false, &moved),
			 -EBADF);
	assert_int_equal(moved, 0);
	assert_int_equal(read(t.dn.pipe_r, &b, 1), -1);
	assert_int_equal(errno, EAGAIN);
	for (i = 0; i < 16; i++)
		t.gm.base[0x100000 + i] = (uint8_t)(0xA0 + i);
	assert_int_equal(dma_nomap_move(&t.dn, &t.gm, t.img_fd, 4096, 0x100000,
					16, false, &moved),
			 0);
	assert_int_equal(moved, 16);
	for (i = 0; i < 16; i++) {
		assert_int_equal(pread(t.img_fd, &b, 1, (off_t)(4096 + i)), 1);
		assert_int_equal(b, 0xA0 + i);
	}
	for (i = 0; i < 16; i++) {
		b = img_byte(4096 + i);
		assert_int_equal(pwrite(t.img_fd, &b, 1, (off_t)(4096 + i)), 1);
	}
}

/*
 * Scatter-gather: 256 pieces of odd sizes (an empty one too) scattered
 * over guest RAM, more pieces than the pipe has slots, both ways.
 */
static void test_scatter(void **state)
{
	static struct dma_nomap_seg seg[DMA_NOMAP_MAX_SEGS];
	uint64_t total = 0, moved, pos = 0, off = 0x1200, i;
	uint8_t *back;
	unsigned k;

	(void)state;
	for (k = 0; k < DMA_NOMAP_MAX_SEGS; k++) {
		/* Every other 8 KiB block from 1 MiB, 1..4096 bytes each. */
		seg[k].gpa = 0x100000 + (uint64_t)k * 0x4000 + (k % 7) * 3;
		seg[k].len = k == 5 ? 0 : 1 + (k * 977) % 4096;
		total += seg[k].len;
	}
	memset(t.gm.base, 0xEE, RAM_BYTES);
	assert_int_equal(dma_nomap_movev(&t.dn, &t.gm, t.img_fd, off, seg,
					 DMA_NOMAP_MAX_SEGS, true, &moved),
			 0);
	assert_int_equal(moved, total);
	for (k = 0; k < DMA_NOMAP_MAX_SEGS; k++) {
		for (i = 0; i < seg[k].len; i++)
			if (t.gm.base[seg[k].gpa + i] != img_byte(off + pos + i))
				fail_msg("piece %u byte %llu", k,
					 (unsigned long long)i);
		assert_int_equal(t.gm.base[seg[k].gpa + seg[k].len], 0xEE);
		pos += seg[k].len;
	}
	/* Back the other way, to another place in the file. */
	for (k = 0; k < DMA_NOMAP_MAX_SEGS; k++)
		for (i = 0; i < seg[k].len; i++)
			t.gm.base[seg[k].gpa + i] = (uint8_t)(k + i);
	assert_int_equal(dma_nomap_movev(&t.dn, &t.gm, t.img_fd, 0x200000, seg,
					 DMA_NOMAP_MAX_SEGS, false, &moved),
			 0);
	assert_int_equal(moved, total);
	back = malloc(total);
	assert_non_null(back);
	assert_int_equal(pread(t.img_fd, back, total, 0x200000), (ssize_t)total);
	for (k = 0, pos = 0; k < DMA_NOMAP_MAX_SEGS; k++) {
		for (i = 0; i < seg[k].len; i++)
			if (back[pos + i] != (uint8_t)(k + i))
				fail_msg("piece %u byte %llu in the file", k,
					 (unsigned long long)i);
		pos += seg[k].len;
	}
	for (i = 0; i < total; i++)
		back[i] = img_byte(0x200000 + i);
	assert_int_equal(pwrite(t.img_fd, back, total, 0x200000),
			 (ssize_t)total);
	free(back);
}

/* A list that crosses the end of the image; lists that are refused. */
static void test_scatter_edges(void **state)
{
	struct dma_nomap_seg seg[3] = {
		{ 0x10000, 600 }, { 0x20000, 600 }, { 0x30000, 600 },
	};
	uint64_t moved = 1, i;

	(void)state;
	memset(t.gm.base, 0xEE, 0x40000);
	assert_int_equal(dma_nomap_movev(&t.dn, &t.gm, t.img_fd,
					 IMG_BYTES - 1000, seg, 3, true, &moved),
			 0);
	assert_int_equal(moved, 1000);
	for (i = 0; i < 400; i++)
		assert_int_equal(t.gm.base[0x20000 + i],
				 img_byte(IMG_BYTES - 400 + i));
	assert_int_equal(t.gm.base[0x20000 + 400], 0xEE);
	assert_int_equal(t.gm.base[0x30000], 0xEE);
	/* One piece not RAM: nothing moves. */
	memset(t.gm.base, 0xEE, 0x40000);
	seg[1].gpa = 0xA0000;
	assert_int_equal(dma_nomap_movev(&t.dn, &t.gm, t.img_fd, 0, seg, 3,
					 true, &moved),
			 -EFAULT);
	assert_int_equal(moved, 0);
	assert_int_equal(t.gm.base[0x10000], 0xEE);
	assert_int_equal(dma_nomap_movev(&t.dn, &t.gm, t.img_fd, 0, seg,
					 DMA_NOMAP_MAX_SEGS + 1, true, &moved),
			 -EFAULT);
}

static void test_unused(void **state)
{
	struct dma_nomap none;
	uint64_t moved = 1;

	(void)state;
	memset(&none, 0, sizeof(none));
	assert_false(dma_nomap_ready(&none));
	assert_int_equal(dma_nomap_move(&none, &t.gm, t.img_fd, 0, 0x1000, 16,
					true, &moved),
			 -ENOSYS);
	assert_int_equal(moved, 0);
	dma_nomap_close(&none); /* a no-op */
	assert_int_equal(dma_nomap_open(&none, -1, -1, -1), -EBADF);
	assert_false(dma_nomap_ready(&none));
	/* A given pipe must be one. */
	assert_int_equal(dma_nomap_open(&none, t.ram_fd, t.img_fd, t.img_fd),
			 -EBADF);
	assert_false(dma_nomap_ready(&none));
}

/* The monitor's pipe (proto/fds.h), blocking as pipe(2) makes it. */
static void test_given_pipe(void **state)
{
	struct dma_nomap dn;
	uint64_t moved;
	int p[2];

	(void)state;
	memset(&dn, 0, sizeof(dn));
	assert_int_equal(pipe(p), 0);
	assert_int_equal(dma_nomap_open(&dn, t.ram_fd, p[0], p[1]), 0);
	assert_true(dma_nomap_ready(&dn));
	assert_int_equal(dn.pipe_r, p[0]);
	assert_true(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(p[1], F_GETFL) & O_NONBLOCK);
	memset(t.gm.base + 0x200000, 0x77, 8192);
	assert_int_equal(dma_nomap_move(&dn, &t.gm, t.img_fd, 0x3000, 0x200000,
					8192, false, &moved),
			 0);
	assert_int_equal(moved, 8192);
	assert_int_equal(dma_nomap_move(&dn, &t.gm, t.img_fd, 0x3000, 0x200000,
					8192, false, &moved),
			 0);
	dma_nomap_close(&dn); /* closes p[0] and p[1] */
	assert_int_equal(fcntl(p[0], F_GETFD), -1);
	/* The image back as it was. */
	{
		uint8_t b[8192];
		unsigned i;

		for (i = 0; i < sizeof(b); i++)
			b[i] = img_byte(0x3000 + i);
		assert_int_equal(pwrite(t.img_fd, b, sizeof(b), 0x3000),
				 (ssize_t)sizeof(b));
	}
}

static void test_touch_probe(void **state)
{
	unsigned long ns = dma_nomap_touch_ns();

	(void)state;
	/* Not absurd: under 1 ms per page even on a loaded shadow-paged host. */
	assert_true(ns < 1000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_to_guest),
		cmocka_unit_test(test_to_file),
		cmocka_unit_test(test_eof),
		cmocka_unit_test(test_not_ram),
		cmocka_unit_test(test_failed_write),
		cmocka_unit_test(test_scatter),
		cmocka_unit_test(test_scatter_edges),
		cmocka_unit_test(test_unused),
		cmocka_unit_test(test_given_pipe),
		cmocka_unit_test(test_touch_probe),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
