/* SPDX-License-Identifier: MIT */
/*
 * fw_cfg unit tests: traditional reads of every kind of item, the file
 * directory, the DMA interface (read, skip, select, write refused) against
 * a fake guest memory, bad guest addresses and lengths, and the host-side
 * bounds.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dm/hw/fw_cfg.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MEM_SIZE (2u << 20) /* guest RAM at gpa 0 */
#define ACCESS 0x1000u	    /* where the tests put FWCfgDmaAccess */
#define BUF 0x2000u	    /* and the destination */

struct fake {
	uint8_t mem[MEM_SIZE];
	unsigned calls, faults;
	uint64_t high_base; /* a second RAM window at 4 GiB + this */
	struct fw_cfg cfg;
};

static int fake_dma_rw(void *opaque, uint64_t gpa, void *buf, uint32_t len,
		       bool is_write)
{
	struct fake *f = opaque;
	uint64_t base = 0;

	f->calls++;
	/* A 64 KiB window above 4 GiB, to test 64-bit addresses. */
	if (gpa >= 0x100000000ull) {
		base = 0x100000000ull;
		if (gpa - base > 0x10000 || len > 0x10000 - (gpa - base)) {
			f->faults++;
			return -EFAULT;
		}
	} else if (gpa > MEM_SIZE || len > MEM_SIZE - gpa) {
		f->faults++;
		return -EFAULT;
	}
	if (is_write)
		memcpy(f->mem + (gpa - base), buf, len);
	else
		memcpy(buf, f->mem + (gpa - base), len);
	return 0;
}

static const struct fw_cfg_ops fake_ops = {.dma_rw = fake_dma_rw};

static struct fake fake_storage;

static int setup(void **state)
{
	struct fake *f = &fake_storage;

	memset(f->mem, 0, sizeof(f->mem));
	f->calls = f->faults = 0;
	fw_cfg_init(&f->cfg, &fake_ops, f);
	*state = f;
	return 0;
}

static void sel(struct fake *f, uint16_t key)
{
	fw_cfg_write(&f->cfg, FW_CFG_PORT_SEL, 2, key);
}

static uint8_t rdb(struct fake *f)
{
	return (uint8_t)fw_cfg_read(&f->cfg, FW_CFG_PORT_DATA, 1);
}

static void rdn(struct fake *f, void *buf, size_t n)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = rdb(f);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t bswap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) |
	       (v << 24);
}

/* What SeaBIOS does: outl(cpu_to_be32(half), port). */
static void dma_kick(struct fake *f, uint64_t access)
{
	if (access >> 32)
		fw_cfg_write(&f->cfg, FW_CFG_PORT_DMA_HI, 4,
			     bswap32((uint32_t)(access >> 32)));
	fw_cfg_write(&f->cfg, FW_CFG_PORT_DMA_LO, 4, bswap32((uint32_t)access));
}

/* Runs one DMA operation with the access block at ACCESS; returns control. */
static uint32_t dma(struct fake *f, uint32_t control, uint32_t len,
		    uint64_t addr)
{
	uint8_t *a = f->mem + ACCESS;

	put_be32(a, control);
	put_be32(a + 4, len);
	put_be32(a + 8, (uint32_t)(addr >> 32));
	put_be32(a + 12, (uint32_t)addr);
	dma_kick(f, ACCESS);
	return get_be32(a);
}

static void test_signature_and_id(void **state)
{
	struct fake *f = *state;
	uint8_t b[8];

	sel(f, FW_CFG_SIGNATURE);
	rdn(f, b, 6);
	assert_memory_equal(b, "QEMU\0\0", 6);
	sel(f, FW_CFG_ID);
	rdn(f, b, 5);
	assert_memory_equal(b, "\x03\0\0\0\0", 5);
	/* Re-selecting rewinds; bit 14 is ignored; port 0 reads data too. */
	sel(f, FW_CFG_SIGNATURE | FW_CFG_WRITE_CHANNEL);
	assert_int_equal(fw_cfg_read(&f->cfg, FW_CFG_PORT_SEL, 1), 'Q');
	assert_int_equal(rdb(f), 'E');
	/* Wider reads of the data ports are not decoded and consume nothing. */
	assert_int_equal(fw_cfg_read(&f->cfg, FW_CFG_PORT_DATA, 2), 0xffff);
	assert_int_equal(fw_cfg_read(&f->cfg, FW_CFG_PORT_SEL, 4), 0xffffffff);
	assert_int_equal(rdb(f), 'M');
	/* Unknown keys read as empty. */
	sel(f, 0x1234);
	assert_int_equal(rdb(f), 0);
	sel(f, FW_CFG_ARCH_LOCAL | 0x3fff);
	assert_int_equal(rdb(f), 0);
	sel(f, FW_CFG_FILE_FIRST);
	assert_int_equal(rdb(f), 0);
	/* The DMA register reads "QEMU CFG", big-endian. */
	assert_int_equal(bswap32(fw_cfg_read(&f->cfg, FW_CFG_PORT_DMA_HI, 4)),
			 0x51454d55);
	assert_int_equal(bswap32(fw_cfg_read(&f->cfg, FW_CFG_PORT_DMA_LO, 4)),
			 0x20434647);
	assert_int_equal(fw_cfg_read(&f->cfg, 5, 1), 'E');
	assert_int_equal(fw_cfg_read(&f->cfg, 10, 2), 'F' | 'G' << 8);
	assert_int_equal(fw_cfg_read(&f->cfg, 10, 4), 0xffffffff);
	assert_int_equal(fw_cfg_read(&f->cfg, 2, 1), 0xff);
	assert_int_equal(fw_cfg_read(&f->cfg, 12, 1), 0xff);
	assert_int_equal(fw_cfg_read(&f->cfg, 4, 3), 0xffffffff);
	assert_int_equal(f->calls, 0);
}

static void test_fixed_items(void **state)
{
	static const struct {
		uint16_t key;
		unsigned size;
		uint64_t val;
	} items[] = {
		{FW_CFG_RAM_SIZE, 8, 0x123456789aull},
		{FW_CFG_NB_CPUS, 2, 4},
		{FW_CFG_MAX_CPUS, 2, 8},
		{FW_CFG_BOOT_DEVICE, 2, 'c'},
		{FW_CFG_BOOT_MENU, 2, 0},
		{FW_CFG_NOGRAPHIC, 2, 1},
		{FW_CFG_IRQ0_OVERRIDE, 4, 1},
		{FW_CFG_HPET, 8, 0},
	};
	struct fake *f = *state;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		int r = items[i].size == 8
				? fw_cfg_add_u64(&f->cfg, items[i].key,
						 items[i].val)
			: items[i].size == 4
				? fw_cfg_add_u32(&f->cfg, items[i].key,
						 (uint32_t)items[i].val)
				: fw_cfg_add_u16(&f->cfg, items[i].key,
						 (uint16_t)items[i].val);

		assert_int_equal(r, 0);
	}
	for (i = 0; i < ARRAY_SIZE(items); i++) {
		uint64_t v = 0;

		sel(f, items[i].key);
		for (j = 0; j < items[i].size; j++)
			v |= (uint64_t)rdb(f) << (8 * j);
		assert_int_equal(v, items[i].val);
		assert_int_equal(rdb(f), 0); /* past the end */
	}
	/* A raw item: the UUID. */
	assert_int_equal(fw_cfg_add_item(&f->cfg, FW_CFG_UUID,
					 "0123456789abcdef", 16),
			 0);
	sel(f, FW_CFG_UUID);
	{
		uint8_t u[16];

		rdn(f, u, 16);
		assert_memory_equal(u, "0123456789abcdef", 16);
	}
}

static void test_fixed_item_errors(void **state)
{
	static const uint16_t bad[] = {
		FW_CFG_SIGNATURE, FW_CFG_ID,	  FW_CFG_FILE_DIR,
		FW_CFG_FILE_FIRST, 0x3fff,	  FW_CFG_WRITE_CHANNEL | 3,
		0x8020,		   0xc000,	  0xffff,
	};
	struct fake *f = *state;
	unsigned i, n = 0;
	int r;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(fw_cfg_add_u16(&f->cfg, bad[i], 1), -EINVAL);
	assert_int_equal(fw_cfg_add_item(&f->cfg, FW_CFG_UUID, NULL, 1),
			 -EINVAL);
	assert_int_equal(fw_cfg_add_item(&f->cfg, FW_CFG_UUID, NULL, 0), 0);
	assert_int_equal(fw_cfg_add_u16(&f->cfg, FW_CFG_UUID, 1), -EEXIST);
	n = 1;
	/* The table holds FW_CFG_MAX_FIXED host items. */
	for (i = 3; i < 0x20 && n < FW_CFG_MAX_FIXED; i++) {
		if (i == FW_CFG_FILE_DIR)
			continue;
		assert_int_equal(fw_cfg_add_u16(&f->cfg, (uint16_t)i, 1), 0);
		n++;
	}
	for (i = 0x8000; n < FW_CFG_MAX_FIXED; i++, n++)
		assert_int_equal(fw_cfg_add_u16(&f->cfg, (uint16_t)i, 1), 0);
	r = fw_cfg_add_u16(&f->cfg, 0x801f, 1);
	assert_int_equal(r, -ENOSPC);
	/* Still readable after the failures. */
	sel(f, 0x8000);
	assert_int_equal(rdb(f), 1);
}

static void test_files_and_directory(void **state)
{
	/* SeaBIOS's boot order and e820 map, as QEMU writes them. */
	static const char bootorder[] = "/pci@i0cf8/ide@1,1/drive@1/disk@0\n";
	uint8_t e820[40] = {0};
	struct fake *f = *state;
	uint8_t dir[4 + 3 * 64], b[64];
	int k1, k2, k3;

	e820[8 + 2] = 0x0a;  /* length 640 KiB */
	e820[16] = 1;	     /* RAM */
	e820[20 + 2] = 0x10; /* 1 MiB */
	e820[28 + 3] = 0x08; /* 128 MiB */
	e820[36] = 1;
	k1 = fw_cfg_add_file(&f->cfg, "bootorder", bootorder,
			     sizeof(bootorder));
	k2 = fw_cfg_add_file(&f->cfg, "etc/e820", e820, sizeof(e820));
	k3 = fw_cfg_add_file(&f->cfg, "etc/empty", NULL, 0);
	assert_int_equal(k1, 0x20);
	assert_int_equal(k2, 0x21);
	assert_int_equal(k3, 0x22);

	sel(f, FW_CFG_FILE_DIR);
	rdn(f, dir, sizeof(dir));
	assert_int_equal(rdb(f), 0);
	assert_int_equal(get_be32(dir), 3);
	/* {be32 size, be16 select, be16 reserved, char name[56]} */
	assert_int_equal(get_be32(dir + 4), sizeof(bootorder));
	assert_int_equal(get_be32(dir + 8), 0x00200000);
	assert_string_equal((const char *)dir + 12, "bootorder");
	assert_int_equal(get_be32(dir + 68), sizeof(e820));
	assert_int_equal(get_be32(dir + 72), 0x00210000);
	assert_string_equal((const char *)dir + 76, "etc/e820");
	assert_int_equal(get_be32(dir + 132), 0);
	assert_int_equal(get_be32(dir + 136), 0x00220000);
	assert_string_equal((const char *)dir + 140, "etc/empty");
	/* Names are NUL-padded to 56 bytes. */
	assert_int_equal(dir[12 + 55], 0);
	assert_int_equal(dir[76 + 20], 0);

	sel(f, (uint16_t)k1);
	rdn(f, b, sizeof(bootorder));
	assert_memory_equal(b, bootorder, sizeof(bootorder));
	sel(f, (uint16_t)k2);
	rdn(f, b, sizeof(e820));
	assert_memory_equal(b, e820, sizeof(e820));
	sel(f, (uint16_t)k3);
	assert_int_equal(rdb(f), 0);
	/* Files are not fixed items and fixed keys are not files. */
	assert_int_equal(fw_cfg_add_item(&f->cfg, 0x20, "x", 1), -EINVAL);
}

static void test_file_errors(void **state)
{
	struct fake *f = *state;
	char name[64];
	unsigned i;

	memset(name, 'a', sizeof(name));
	name[55] = 0;
	assert_int_equal(fw_cfg_add_file(&f->cfg, name, "x", 1), 0x20);
	name[55] = 'a';
	name[56] = 0;
	assert_int_equal(fw_cfg_add_file(&f->cfg, name, "x", 1), -EINVAL);
	assert_int_equal(fw_cfg_add_file(&f->cfg, "", "x", 1), -EINVAL);
	assert_int_equal(fw_cfg_add_file(&f->cfg, NULL, "x", 1), -EINVAL);
	assert_int_equal(fw_cfg_add_file(&f->cfg, "n", NULL, 1), -EINVAL);
	assert_int_equal(fw_cfg_add_file(&f->cfg, "bootorder", "1", 1), 0x21);
	assert_int_equal(fw_cfg_add_file(&f->cfg, "bootorder", "2", 1),
			 -EEXIST);
	/* The store is bounded... */
	assert_int_equal(fw_cfg_add_file(&f->cfg, "big", f->mem,
					 FW_CFG_STORE_SIZE),
			 -ENOSPC);
	/* 8 bytes of signature and ID, 2 of files: leave 6. */
	assert_int_equal(fw_cfg_add_file(&f->cfg, "big", f->mem,
					 FW_CFG_STORE_SIZE - 16),
			 0x22);
	assert_int_equal(f->cfg.store_used, FW_CFG_STORE_SIZE - 6);
	assert_int_equal(fw_cfg_add_u64(&f->cfg, FW_CFG_RAM_SIZE, 1), -ENOSPC);
	/* ...and so is the file table. */
	for (i = 3; i < FW_CFG_MAX_FILES; i++) {
		snprintf(name, sizeof(name), "opt/f%u", i);
		assert_int_equal(fw_cfg_add_file(&f->cfg, name, NULL, 0),
				 (int)(0x20 + i));
	}
	assert_int_equal(fw_cfg_add_file(&f->cfg, "one-more", NULL, 0),
			 -ENOSPC);
	sel(f, FW_CFG_FILE_DIR);
	assert_int_equal(rdb(f), 0);
	assert_int_equal(rdb(f), 0);
	assert_int_equal(rdb(f), 0);
	assert_int_equal(rdb(f), FW_CFG_MAX_FILES);
	/* The last file's entry is the last 64 bytes of the directory. */
	{
		uint8_t e[64];

		sel(f, FW_CFG_FILE_DIR);
		assert_int_equal(dma(f, FW_CFG_DMA_CTL_SKIP, 4 + 63 * 64, 0),
				 0);
		rdn(f, e, sizeof(e));
		assert_int_equal(get_be32(e + 4), (0x20u + 63) << 16);
		assert_string_equal((const char *)e + 8, "opt/f63");
		assert_int_equal(rdb(f), 0);
	}
}

static void test_dma_read(void **state)
{
	struct fake *f = *state;
	uint8_t data[300];
	unsigned i;
	int key;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);
	key = fw_cfg_add_file(&f->cfg, "etc/data", data, sizeof(data));
	assert_int_equal(key, 0x20);

	/* SeaBIOS's first DMA: select the signature and read 4 bytes. */
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
			     4, BUF),
			 0);
	assert_memory_equal(f->mem + BUF, "QEMU", 4);
	/* Select and read a file in two pieces: the offset carries over. */
	memset(f->mem + BUF, 0xaa, 512);
	assert_int_equal(dma(f, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT |
					FW_CFG_DMA_CTL_READ,
			     100, BUF),
			 0);
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_READ, 200, BUF + 100), 0);
	assert_memory_equal(f->mem + BUF, data, sizeof(data));
	/* Past the end: zeros, and the traditional port agrees. */
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_READ, 12, BUF + 300), 0);
	for (i = 300; i < 312; i++)
		assert_int_equal(f->mem[BUF + i], 0);
	assert_int_equal(f->mem[BUF + 312], 0xaa);
	assert_int_equal(rdb(f), 0);
	/* The file directory by DMA. */
	assert_int_equal(dma(f, FW_CFG_FILE_DIR << 16 | FW_CFG_DMA_CTL_SELECT |
					FW_CFG_DMA_CTL_READ,
			     4 + 64, BUF),
			 0);
	assert_int_equal(get_be32(f->mem + BUF), 1);
	assert_int_equal(get_be32(f->mem + BUF + 4), sizeof(data));
	assert_string_equal((const char *)f->mem + BUF + 12, "etc/data");
	/* Mixed with the traditional interface. */
	sel(f, (uint16_t)key);
	assert_int_equal(rdb(f), data[0]);
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_READ, 2, BUF), 0);
	assert_memory_equal(f->mem + BUF, data + 1, 2);
	assert_int_equal(rdb(f), data[3]);
	/* Zero length: nothing moves, success. */
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_READ, 0, 0xdead00000000ull), 0);
	assert_int_equal(rdb(f), data[4]);
}

static void test_dma_large_and_high(void **state)
{
	struct fake *f = *state;
	static uint8_t big[10000];
	unsigned i, calls;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i ^ (i >> 8));
	assert_int_equal(fw_cfg_add_file(&f->cfg, "etc/big", big, sizeof(big)),
			 0x20);
	/* Longer than the bounce buffer: several chunks. */
	calls = f->calls;
	assert_int_equal(dma(f, 0x20 << 16 | FW_CFG_DMA_CTL_SELECT |
					FW_CFG_DMA_CTL_READ,
			     sizeof(big), 0x10000),
			 0);
	assert_memory_equal(f->mem + 0x10000, big, sizeof(big));
	assert_int_equal(f->calls - calls, 1 + 3 + 1);
	/* A destination above 4 GiB, and an access block there too. */
	assert_int_equal(dma(f, 0x20 << 16 | FW_CFG_DMA_CTL_SELECT |
					FW_CFG_DMA_CTL_READ,
			     16, 0x100000100ull),
			 0);
	assert_memory_equal(f->mem + 0x100, big, 16);
	memset(f->mem, 0, 0x1000);
	put_be32(f->mem + 0x800,
		 0x20 << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);
	put_be32(f->mem + 0x804, 8);
	put_be32(f->mem + 0x80c, 0x100);
	dma_kick(f, 0x100000800ull);
	assert_int_equal(get_be32(f->mem + 0x800), 0);
	assert_memory_equal(f->mem + 0x100, big, 8);
	/* The address register is 0 again: a low-half write alone is low. */
	memset(f->mem + BUF, 0, 16);
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
			     4, BUF),
			 0);
	assert_memory_equal(f->mem + BUF, "QEMU", 4);
}

static void test_dma_skip_select(void **state)
{
	struct fake *f = *state;
	uint8_t data[16];
	unsigned i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0xc0 + i);
	assert_int_equal(fw_cfg_add_file(&f->cfg, "opt/x", data, sizeof(data)),
			 0x20);
	/* Select alone: offset 0, length ignored. */
	sel(f, FW_CFG_ID);
	rdb(f);
	assert_int_equal(dma(f, 0x20 << 16 | FW_CFG_DMA_CTL_SELECT, 1000, 0),
			 0);
	assert_int_equal(rdb(f), 0xc0);
	/* Skip 5, read 2. */
	assert_int_equal(dma(f, 0x20 << 16 | FW_CFG_DMA_CTL_SELECT |
					FW_CFG_DMA_CTL_SKIP,
			     5, 0),
			 0);
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_READ, 2, BUF), 0);
	assert_memory_equal(f->mem + BUF, data + 5, 2);
	/* Skipping past the end stops at the end; huge lengths are fine. */
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_SKIP, 0xffffffffu, 0), 0);
	assert_int_equal(rdb(f), 0);
	assert_int_equal(f->cfg.offset, sizeof(data));
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_SKIP, 0xffffffffu, 0), 0);
	assert_int_equal(f->cfg.offset, sizeof(data));
	/* No operation bits at all: success, nothing moves. */
	assert_int_equal(dma(f, 0x20 << 16 | FW_CFG_DMA_CTL_SELECT, 0, 0), 0);
	assert_int_equal(dma(f, 0, 100, BUF), 0);
	assert_int_equal(rdb(f), 0xc0);
	/* The select key may carry the write-channel bit; it is ignored. */
	assert_int_equal(dma(f, 0x4000u << 16 | FW_CFG_DMA_CTL_SELECT |
					FW_CFG_DMA_CTL_READ,
			     4, BUF),
			 0);
	assert_memory_equal(f->mem + BUF, "QEMU", 4);
}

static void test_dma_errors(void **state)
{
	struct fake *f = *state;
	unsigned calls;

	assert_int_equal(fw_cfg_add_file(&f->cfg, "opt/x", "abcdefgh", 8),
			 0x20);
	/* Destination outside guest RAM. */
	assert_int_equal(dma(f, 0x20 << 16 | FW_CFG_DMA_CTL_SELECT |
					FW_CFG_DMA_CTL_READ,
			     8, MEM_SIZE),
			 FW_CFG_DMA_CTL_ERROR);
	/* Straddling the end of RAM. */
	assert_int_equal(dma(f, 0x20 << 16 | FW_CFG_DMA_CTL_SELECT |
					FW_CFG_DMA_CTL_READ,
			     8, MEM_SIZE - 4),
			 FW_CFG_DMA_CTL_ERROR);
	/* Wrapping around the address space: refused before any access. */
	calls = f->calls;
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_READ, 16, UINT64_MAX - 7),
			 FW_CFG_DMA_CTL_ERROR);
	assert_int_equal(f->calls - calls, 2); /* the block in and out */
	/* Too long. */
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_READ, FW_CFG_DMA_MAX_LEN + 1,
			     BUF),
			 FW_CFG_DMA_CTL_ERROR);
	assert_int_equal(f->calls - calls, 4);
	/* The maximum itself is fine (zeros past the item). */
	assert_int_equal(dma(f, 0x20 << 16 | FW_CFG_DMA_CTL_SELECT |
					FW_CFG_DMA_CTL_READ,
			     FW_CFG_DMA_MAX_LEN, 0x100000),
			 0);
	assert_memory_equal(f->mem + 0x100000, "abcdefgh\0\0", 10);
	/* Writes are refused and change nothing. */
	memcpy(f->mem + BUF, "XXXXXXXX", 8);
	assert_int_equal(dma(f, 0x20 << 16 | FW_CFG_DMA_CTL_SELECT |
					FW_CFG_DMA_CTL_WRITE,
			     8, BUF),
			 FW_CFG_DMA_CTL_ERROR);
	sel(f, 0x20);
	assert_int_equal(rdb(f), 'a');
	/* READ wins over WRITE and SKIP. */
	assert_int_equal(dma(f, 0x20 << 16 | FW_CFG_DMA_CTL_SELECT |
					FW_CFG_DMA_CTL_READ |
					FW_CFG_DMA_CTL_WRITE |
					FW_CFG_DMA_CTL_SKIP,
			     2, BUF),
			 0);
	assert_memory_equal(f->mem + BUF, "abXXXX", 6);
	/* A stale ERROR bit in the request does not stick. */
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_ERROR | FW_CFG_DMA_CTL_READ, 1,
			     BUF),
			 0);
	/*
	 * An access block that runs off the end of RAM cannot be read; its
	 * control word, still in RAM, gets ERROR.
	 */
	calls = f->calls;
	f->faults = 0;
	put_be32(f->mem + MEM_SIZE - 8, FW_CFG_DMA_CTL_READ);
	dma_kick(f, MEM_SIZE - 8);
	assert_int_equal(f->faults, 1);
	assert_int_equal(f->calls - calls, 2);
	assert_int_equal(get_be32(f->mem + MEM_SIZE - 8), FW_CFG_DMA_CTL_ERROR);
	/* One that wraps is not even read; the write-back faults. */
	dma_kick(f, 0xfffffffffffffff8ull);
	assert_int_equal(f->faults, 2);
	assert_int_equal(f->calls - calls, 3);
	/* The device still works. */
	assert_int_equal(dma(f, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
			     4, BUF),
			 0);
	assert_memory_equal(f->mem + BUF, "QEMU", 4);
}

static void test_ignored_writes(void **state)
{
	struct fake *f = *state;

	sel(f, FW_CFG_SIGNATURE);
	assert_int_equal(rdb(f), 'Q');
	/* Data writes, byte writes to the selector, wide selector writes. */
	fw_cfg_write(&f->cfg, FW_CFG_PORT_DATA, 1, 'X');
	fw_cfg_write(&f->cfg, FW_CFG_PORT_SEL, 1, 1);
	fw_cfg_write(&f->cfg, FW_CFG_PORT_SEL, 4, 1);
	assert_int_equal(rdb(f), 'E');
	/* Narrow or misplaced DMA writes start nothing. */
	fw_cfg_write(&f->cfg, FW_CFG_PORT_DMA_LO, 2, 0x1000);
	fw_cfg_write(&f->cfg, FW_CFG_PORT_DMA_LO, 1, 0x10);
	fw_cfg_write(&f->cfg, FW_CFG_PORT_DMA_HI + 2, 4, 0x1000);
	fw_cfg_write(&f->cfg, 11, 4, 0x1000);
	fw_cfg_write(&f->cfg, 100, 4, 0x1000);
	assert_int_equal(f->calls, 0);
	assert_int_equal(rdb(f), 'M');
}

static void test_no_ops(void **state)
{
	static struct fw_cfg cfg;

	(void)state;
	fw_cfg_init(&cfg, NULL, NULL);
	fw_cfg_write(&cfg, FW_CFG_PORT_DMA_LO, 4, 0x00100000);
	fw_cfg_write(&cfg, FW_CFG_PORT_SEL, 2, FW_CFG_SIGNATURE);
	assert_int_equal(fw_cfg_read(&cfg, FW_CFG_PORT_DATA, 1), 'Q');
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_signature_and_id),
		T(test_fixed_items),
		T(test_fixed_item_errors),
		T(test_files_and_directory),
		T(test_file_errors),
		T(test_dma_read),
		T(test_dma_large_and_high),
		T(test_dma_skip_select),
		T(test_dma_errors),
		T(test_ignored_writes),
		cmocka_unit_test(test_no_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
