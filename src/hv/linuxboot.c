/* SPDX-License-Identifier: MIT */
/*
 * linuxboot: the Linux/x86 boot protocol (Documentation/arch/x86/boot.rst
 * in the kernel), 32-bit entry, for bzImages of protocol 2.06 and later.
 *
 * Two passes, as the multiboot loader: plan (parse the setup header, place
 * the kernel and the initrd, check every range against RAM), then write.
 * Image values are at most 32 bits wide, except pref_address, which is
 * checked against the RAM size before any arithmetic; sums are done in 64
 * bits, so they cannot overflow.
 */
#include "hv/linuxboot.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"

#define LB_PAGE 4096ull
#define LB_4G 0x100000000ull
#define LB_SECTOR 512u
#define LB_MIN_RAM 0x200000ull /* 2 MiB: room for any kernel at all */
#define LB_ENTRY64_OFF 0x200u  /* startup_64 is 512 bytes in */
/* Header fields we zero or must read (beyond the named ones). */
#define LB_HDR_SETUP_DATA 0x250
#define LB_HDR_END_206 0x23C /* 2.06 ends with cmdline_size */
#define LB_HDR_END_210 0x264 /* 2.10 ends with init_size */

/* Trampoline offsets patched by linuxboot_trampoline_fill(). */
#define LB_TR_ESI 0x4F
#define LB_TR_EIP 0x5A

/*
 * The real-mode stub, at LINUXBOOT_TRAMPOLINE (0x7000). vCPU 0 starts at
 * 0x0000:0x7028 in real mode, as after reset; a mode switch keeps the
 * GPRs, but the stub sets every register the protocol names itself, so
 * the caller preloads nothing. The protocol wants the GDT to have flat
 * __BOOT_CS = 0x10 and __BOOT_DS = 0x18, which is why this is not the
 * multiboot trampoline (that one uses 0x08 and 0x10).
 */
const uint8_t linuxboot_trampoline[LINUXBOOT_TRAMPOLINE_SIZE] = {
	/* 0x00: GDT: null, unused (0x08), flat 32-bit code (0x10), flat
	 * data (0x18), both base 0, limit 4 GiB, 4 KiB granular */
	0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff, 0, 0, 0, 0x9a, 0xcf, 0,
	0xff, 0xff, 0, 0, 0, 0x92, 0xcf, 0,
	/* 0x20: GDTR: limit 31, base 0x7000 */
	31, 0, 0x00, 0x70, 0, 0, 0, 0,
	/* 0x28, 16-bit code: cli; lgdtl [0x7020]; cr0.PE = 1 (paging stays
	 * off); ljmpl 0x10:0x7040 */
	0xfa,
	0x66, 0x0f, 0x01, 0x16, 0x20, 0x70,
	0x0f, 0x20, 0xc0,
	0x0c, 0x01,
	0x0f, 0x22, 0xc0,
	0x66, 0xea, 0x40, 0x70, 0x00, 0x00, 0x10, 0x00,
	0,
	/* 0x40, 32-bit code: DS = ES = FS = GS = SS = 0x18 */
	0x66, 0xb8, 0x18, 0x00,
	0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xe0, 0x8e, 0xe8, 0x8e, 0xd0,
	/* 0x4e: mov esi, zero page (imm32 at 0x4f) */
	0xbe, 0, 0, 0, 0,
	/* 0x53: xor ebp, ebp; xor edi, edi; xor ebx, ebx */
	0x31, 0xed, 0x31, 0xff, 0x31, 0xdb,
	/* 0x59: mov eax, entry (imm32 at 0x5a); jmp eax */
	0xb8, 0, 0, 0, 0,
	0xff, 0xe0,
};
_Static_assert(LINUXBOOT_TRAMPOLINE_ENTRY - LINUXBOOT_TRAMPOLINE == 0x28,
	       "stub entry");
_Static_assert(LINUXBOOT_TRAMPOLINE + LINUXBOOT_TRAMPOLINE_SIZE <=
		       LINUXBOOT_ZERO_PAGE, "stub below the zero page");
_Static_assert(LINUXBOOT_ZP_E820_TABLE + LINUXBOOT_E820_MAX *
			       sizeof(struct linuxboot_e820) <= 0xD00,
	       "e820 table fits before eddbuf");

struct lb_plan {
	uint8_t hdr[LINUXBOOT_HDR_MAX_END]; /* the image's first bytes */
	size_t hdr_end;         /* exclusive, clamped to HDR_MAX_END */
	uint16_t version;
	uint64_t setup_size;    /* file offset of the protected-mode part */
	uint64_t load_size;     /* bytes of it we load */
	uint64_t load;          /* where it goes */
	uint64_t kernel_start;  /* the range the kernel may use before it */
	uint64_t kernel_end;    /* reads the e820 map */
	uint64_t initrd_start;
	uint64_t initrd_size;
	uint64_t cmdline_max;   /* bytes of command line, NUL excluded */
};

static int __attribute__((format(printf, 4, 5)))
lb_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static uint16_t lb_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t lb_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t lb_le64(const uint8_t *p)
{
	return lb_le32(p) | (uint64_t)lb_le32(p + 4) << 32;
}

static void lb_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void lb_put32(uint8_t *p, uint32_t v)
{
	lb_put16(p, (uint16_t)v);
	lb_put16(p + 2, (uint16_t)(v >> 16));
}

static void lb_put64(uint8_t *p, uint64_t v)
{
	lb_put32(p, (uint32_t)v);
	lb_put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t lb_align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

void linuxboot_trampoline_fill(uint8_t *dst, uint32_t zero_page,
			       uint32_t eip)
{
	memcpy(dst, linuxboot_trampoline, sizeof(linuxboot_trampoline));
	lb_put32(dst + LB_TR_ESI, zero_page);
	lb_put32(dst + LB_TR_EIP, eip);
}

bool linuxboot_probe(const uint8_t *buf, size_t len)
{
	return len >= LINUXBOOT_HDR_MAGIC + 4 &&
	       lb_le16(buf + LINUXBOOT_HDR_BOOT_FLAG) == LINUXBOOT_BOOT_FLAG &&
	       lb_le32(buf + LINUXBOOT_HDR_MAGIC) == LINUXBOOT_MAGIC;
}

/* Size of the kernel or initrd; it must be a regular file (memfd ok). */
static int lb_file_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size < 0)
		return -EINVAL;
	*size = (uint64_t)st.st_size;
	return 0;
}

/* Reads and checks the setup header; sizes the protected-mode part. */
static int lb_parse_header(struct lb_plan *pl, int fd, uint64_t file_size,
			   char *err, size_t errlen)
{
	size_t n = file_size < sizeof(pl->hdr) ? (size_t)file_size
					       : sizeof(pl->hdr);
	unsigned setup_sects;
	uint64_t pm_file, pm_size;
	size_t need;
	int ret;

	ret = util_pread_all(fd, pl->hdr, n, 0);
	if (ret)
		return lb_fail(err, errlen, ret, "cannot read the kernel: %s",
			       strerror(-ret));
	if (!linuxboot_probe(pl->hdr, n))
		return lb_fail(err, errlen, -ENOEXEC, "not a bzImage (no "
			       "boot_flag 0xAA55 at 0x1fe and \"HdrS\" at "
			       "0x202)");
	if (n < LINUXBOOT_HDR_VERSION + 2)
		return lb_fail(err, errlen, -EINVAL, "truncated bzImage: "
			       "%zu bytes, the setup header is cut short", n);
	pl->version = lb_le16(pl->hdr + LINUXBOOT_HDR_VERSION);
	if (pl->version < LINUXBOOT_MIN_VERSION)
		return lb_fail(err, errlen, -ENOEXEC, "boot protocol version "
			       "%u.%02u too old, need 2.06",
			       pl->version >> 8, pl->version & 0xffu);

	/* The header ends 0x202 + (the jump's displacement byte). */
	pl->hdr_end = LINUXBOOT_HDR_MAGIC + pl->hdr[LINUXBOOT_HDR_JUMP + 1];
	need = pl->version >= 0x020A ? LB_HDR_END_210 : LB_HDR_END_206;
	if (pl->hdr_end < need)
		return lb_fail(err, errlen, -EINVAL, "setup header ends at "
			       "0x%zx, too short for protocol %u.%02u (needs "
			       "0x%zx)", pl->hdr_end, pl->version >> 8,
			       pl->version & 0xffu, need);
	/* Newer fields past boot_params' header area are not ours to copy. */
	if (pl->hdr_end > LINUXBOOT_HDR_MAX_END)
		pl->hdr_end = LINUXBOOT_HDR_MAX_END;
	if (n < pl->hdr_end)
		return lb_fail(err, errlen, -EINVAL, "truncated bzImage: %zu "
			       "bytes, the setup header ends at 0x%zx", n,
			       pl->hdr_end);

	setup_sects = pl->hdr[LINUXBOOT_HDR_SETUP_SECTS];
	if (setup_sects == 0)
		setup_sects = 4; /* the protocol's old default */
	pl->setup_size = (uint64_t)(setup_sects + 1) * LB_SECTOR;
	if (file_size <= pl->setup_size)
		return lb_fail(err, errlen, -EINVAL, "truncated bzImage: the "
			       "setup code takes 0x%llx bytes, the file has "
			       "only 0x%llx",
			       (unsigned long long)pl->setup_size,
			       (unsigned long long)file_size);
	pm_file = file_size - pl->setup_size;
	pm_size = (uint64_t)lb_le32(pl->hdr + LINUXBOOT_HDR_SYSSIZE) * 16;
	if (pm_size == 0)
		return lb_fail(err, errlen, -EINVAL, "bad bzImage: syssize is "
			       "0");
	/*
	 * syssize rounds the protected-mode part up to 16 bytes; files may
	 * be longer (a signature appended by sbsign is not loaded).
	 */
	if (pm_size > pm_file + 15)
		return lb_fail(err, errlen, -EINVAL, "truncated bzImage: the "
			       "protected-mode kernel is 0x%llx bytes, the "
			       "file holds 0x%llx",
			       (unsigned long long)pm_size,
			       (unsigned long long)pm_file);
	pl->load_size = pm_size < pm_file ? pm_size : pm_file;
	if (!(pl->hdr[LINUXBOOT_HDR_LOADFLAGS] & LINUXBOOT_LOADED_HIGH))
		return lb_fail(err, errlen, -ENOEXEC, "kernel cannot be "
			       "loaded at 1 MiB (LOADED_HIGH clear in "
			       "loadflags: a zImage)");
	return 0;
}

/*
 * Places the protected-mode kernel. The kernel's runtime start is, by the
 * protocol, align_up(max(load, pref_address), kernel_alignment) when it is
 * relocatable and pref_address when not; it then needs init_size bytes
 * from there. Loading a relocatable kernel at its pref_address makes the
 * two the same, so nothing moves.
 */
static int lb_place_kernel(const struct linuxboot_ram *ram,
			   struct lb_plan *pl, char *err, size_t errlen)
{
	bool relocatable = pl->hdr[LINUXBOOT_HDR_RELOCATABLE] != 0;
	uint64_t align = lb_le32(pl->hdr + LINUXBOOT_HDR_KERNEL_ALIGNMENT);
	uint64_t pref = LINUXBOOT_HIGH, init_size = 0, runtime;

	if (pl->version >= 0x020A) {
		pref = lb_le64(pl->hdr + LINUXBOOT_HDR_PREF_ADDRESS);
		init_size = lb_le32(pl->hdr + LINUXBOOT_HDR_INIT_SIZE);
		if (relocatable && pref < LINUXBOOT_HIGH)
			pref = LINUXBOOT_HIGH;
	}
	/* Before 2.10 there is no init_size: the image itself, at least. */
	if (init_size < pl->load_size)
		init_size = pl->load_size;
	if (pref < LINUXBOOT_HIGH)
		return lb_fail(err, errlen, -ENOEXEC, "kernel wants to run at "
			       "pref_address 0x%llx, below 1 MiB",
			       (unsigned long long)pref);
	if (pref >= ram->size)
		return lb_fail(err, errlen, -ENOSPC, "kernel wants to run at "
			       "pref_address 0x%llx, past the end of RAM "
			       "(0x%llx)", (unsigned long long)pref,
			       (unsigned long long)ram->size);

	if (relocatable) {
		if (align == 0 || (align & (align - 1)) || align > (1u << 30))
			return lb_fail(err, errlen, -EINVAL, "bad bzImage: "
				       "kernel_alignment 0x%llx is not a "
				       "power of two up to 1 GiB",
				       (unsigned long long)align);
		if (align < LB_PAGE)
			align = LB_PAGE;
		pl->load = lb_align_up(pref, align); /* < 2^33 */
		runtime = pl->load;
	} else {
		/* It moves itself to pref_address, from where it was put. */
		pl->load = LINUXBOOT_HIGH;
		runtime = pref;
	}
	pl->kernel_start = pl->load < runtime ? pl->load : runtime;
	pl->kernel_end = runtime + init_size;
	if (pl->load + pl->load_size > pl->kernel_end)
		pl->kernel_end = pl->load + pl->load_size;
	if (pl->kernel_end > ram->size)
		return lb_fail(err, errlen, -ENOSPC, "kernel needs RAM up to "
			       "0x%llx (runs at 0x%llx, init_size 0x%llx), "
			       "RAM ends at 0x%llx",
			       (unsigned long long)pl->kernel_end,
			       (unsigned long long)runtime,
			       (unsigned long long)init_size,
			       (unsigned long long)ram->size);
	return 0;
}

/*
 * Places the initrd as high as RAM and initrd_addr_max allow, page
 * aligned, above the kernel; when it does not fit there, below the kernel
 * (but above 1 MiB).
 */
static int lb_place_initrd(const struct linuxboot_ram *ram,
			   struct lb_plan *pl, int fd, char *err,
			   size_t errlen)
{
	uint64_t size = 0, top, below;
	int ret;

	ret = lb_file_size(fd, &size);
	if (ret)
		return lb_fail(err, errlen, ret, "initrd is not a readable "
			       "regular file: %s", strerror(-ret));
	pl->initrd_size = size;
	if (size == 0)
		return 0;
	/* initrd_addr_max is the highest byte it may occupy. */
	top = (uint64_t)lb_le32(pl->hdr + LINUXBOOT_HDR_INITRD_ADDR_MAX) + 1;
	if (top > ram->size)
		top = ram->size;
	if (size <= top && ((top - size) & ~(LB_PAGE - 1)) >= pl->kernel_end) {
		pl->initrd_start = (top - size) & ~(LB_PAGE - 1);
		return 0;
	}
	below = top < pl->kernel_start ? top : pl->kernel_start;
	if (size <= below &&
	    ((below - size) & ~(LB_PAGE - 1)) >= LINUXBOOT_HIGH) {
		pl->initrd_start = (below - size) & ~(LB_PAGE - 1);
		return 0;
	}
	return lb_fail(err, errlen, -ENOSPC, "initrd (%llu bytes) does not fit "
		       "in RAM below 0x%llx beside the kernel [0x%llx, 0x%llx)",
		       (unsigned long long)size, (unsigned long long)top,
		       (unsigned long long)pl->kernel_start,
		       (unsigned long long)pl->kernel_end);
}

/* The e820 map: the platform as the multiboot loader reports it. */
static unsigned lb_e820(const struct linuxboot_ram *ram,
			struct linuxboot_e820 *e)
{
	unsigned n = 0;

	e[n++] = (struct linuxboot_e820){ 0, LINUXBOOT_EBDA_START,
					  LINUXBOOT_E820_RAM };
	e[n++] = (struct linuxboot_e820){
		LINUXBOOT_EBDA_START,
		LINUXBOOT_HOLE_START - LINUXBOOT_EBDA_START,
		LINUXBOOT_E820_RESERVED };
	e[n++] = (struct linuxboot_e820){ LINUXBOOT_BIOS_START,
					  LINUXBOOT_HIGH - LINUXBOOT_BIOS_START,
					  LINUXBOOT_E820_RESERVED };
	e[n++] = (struct linuxboot_e820){ LINUXBOOT_HIGH,
					  ram->size - LINUXBOOT_HIGH,
					  LINUXBOOT_E820_RAM };
	/*
	 * The PCI hole (end of low RAM to 4 GiB) is left out: Linux puts
	 * PCI BARs in the largest gap below 4 GiB, and the LAPIC, IOAPIC and
	 * HPET windows are claimed by their drivers, not the map.
	 */
	if (ram->above_4g)
		e[n++] = (struct linuxboot_e820){ LB_4G, ram->above_4g,
						  LINUXBOOT_E820_RAM };
	return n;
}

/* Writes the zero page: the image's setup header plus what we fill in. */
static void lb_write_zero_page(const struct linuxboot_ram *ram,
			       const struct lb_plan *pl,
			       const struct linuxboot_args *args)
{
	uint8_t *zp = ram->base + LINUXBOOT_ZERO_PAGE;
	struct linuxboot_e820 e820[5];
	unsigned n, i;

	memset(zp, 0, LB_PAGE);
	memcpy(zp + LINUXBOOT_HDR_SETUP_SECTS,
	       pl->hdr + LINUXBOOT_HDR_SETUP_SECTS,
	       pl->hdr_end - LINUXBOOT_HDR_SETUP_SECTS);

	lb_put16(zp + LINUXBOOT_HDR_VID_MODE, 0xFFFF); /* "normal" */
	zp[LINUXBOOT_HDR_TYPE_OF_LOADER] = LINUXBOOT_LOADER_TYPE;
	zp[LINUXBOOT_HDR_LOADFLAGS] |= LINUXBOOT_CAN_USE_HEAP;
	lb_put32(zp + LINUXBOOT_HDR_CODE32_START, (uint32_t)pl->load);
	lb_put32(zp + LINUXBOOT_HDR_RAMDISK_IMAGE, (uint32_t)pl->initrd_start);
	lb_put32(zp + LINUXBOOT_HDR_RAMDISK_SIZE, (uint32_t)pl->initrd_size);
	lb_put16(zp + LINUXBOOT_HDR_HEAP_END_PTR, LINUXBOOT_HEAP_END_PTR);
	zp[LINUXBOOT_HDR_EXT_LOADER_VER] = 0;
	zp[LINUXBOOT_HDR_EXT_LOADER_TYPE] = 0;
	lb_put32(zp + LINUXBOOT_HDR_CMD_LINE_PTR, LINUXBOOT_CMDLINE);
	/* A setup_data list is ours to give; never follow the image's. */
	if (pl->hdr_end >= LB_HDR_SETUP_DATA + 8)
		lb_put64(zp + LB_HDR_SETUP_DATA, 0);
	if (args->acpi_rsdp && pl->version >= 0x020E)
		lb_put64(zp + LINUXBOOT_ZP_ACPI_RSDP, args->acpi_rsdp);

	n = lb_e820(ram, e820);
	zp[LINUXBOOT_ZP_E820_ENTRIES] = (uint8_t)n;
	for (i = 0; i < n; i++)
		memcpy(zp + LINUXBOOT_ZP_E820_TABLE + i * sizeof(e820[0]),
		       &e820[i], sizeof(e820[0]));
}

int linuxboot_load(const struct linuxboot_ram *ram, int kernel_fd,
		   const struct linuxboot_args *args,
		   struct linuxboot_entry *out, char *err, size_t errlen)
{
	struct lb_plan pl;
	const char *cmdline;
	uint64_t file_size = 0;
	size_t len;
	bool truncated;
	int ret;

	memset(&pl, 0, sizeof(pl));
	if (err && errlen)
		err[0] = '\0';
	if (!ram || !ram->base || !args || !out)
		return lb_fail(err, errlen, -EINVAL, "invalid arguments");
	if (ram->size < LB_MIN_RAM || ram->size > LINUXBOOT_RAM_MAX)
		return lb_fail(err, errlen, -EINVAL, "RAM size 0x%llx is not "
			       "between 2 MiB and 0x%llx",
			       (unsigned long long)ram->size,
			       LINUXBOOT_RAM_MAX);
	cmdline = args->cmdline ? args->cmdline : "";

	ret = lb_file_size(kernel_fd, &file_size);
	if (ret)
		return lb_fail(err, errlen, ret, "kernel is not a readable "
			       "regular file: %s", strerror(-ret));
	if (file_size == 0)
		return lb_fail(err, errlen, -ENOEXEC, "kernel file is empty");
	ret = lb_parse_header(&pl, kernel_fd, file_size, err, errlen);
	if (ret)
		return ret;
	ret = lb_place_kernel(ram, &pl, err, errlen);
	if (ret)
		return ret;
	if (args->initrd_fd >= 0) {
		ret = lb_place_initrd(ram, &pl, args->initrd_fd, err, errlen);
		if (ret)
			return ret;
	}
	/* cmdline_size counts the bytes before the NUL. */
	pl.cmdline_max = lb_le32(pl.hdr + LINUXBOOT_HDR_CMDLINE_SIZE);
	if (pl.cmdline_max > LINUXBOOT_CMDLINE_END - LINUXBOOT_CMDLINE - 1)
		pl.cmdline_max = LINUXBOOT_CMDLINE_END - LINUXBOOT_CMDLINE - 1;
	len = strnlen(cmdline, (size_t)pl.cmdline_max + 1);
	truncated = len > pl.cmdline_max;
	if (truncated)
		len = (size_t)pl.cmdline_max;

	/* Everything checked: now write guest RAM. */
	ret = util_pread_all(kernel_fd, ram->base + pl.load,
			     (size_t)pl.load_size, (off_t)pl.setup_size);
	if (ret)
		return lb_fail(err, errlen, ret, "cannot read the kernel: %s",
			       strerror(-ret));
	if (pl.initrd_size) {
		ret = util_pread_all(args->initrd_fd,
				     ram->base + pl.initrd_start,
				     (size_t)pl.initrd_size, 0);
		if (ret)
			return lb_fail(err, errlen, ret, "cannot read the "
				       "initrd: %s", strerror(-ret));
	}
	memcpy(ram->base + LINUXBOOT_CMDLINE, cmdline, len);
	ram->base[LINUXBOOT_CMDLINE + len] = '\0';
	lb_write_zero_page(ram, &pl, args);
	linuxboot_trampoline_fill(ram->base + LINUXBOOT_TRAMPOLINE,
				  LINUXBOOT_ZERO_PAGE, (uint32_t)pl.load);

	memset(out, 0, sizeof(*out));
	out->start_ip = LINUXBOOT_TRAMPOLINE_ENTRY;
	out->eip = (uint32_t)pl.load;
	out->esi = LINUXBOOT_ZERO_PAGE;
	/* xloadflags exist from 2.12; before, the bytes are padding. */
	if (pl.version >= 0x020C &&
	    (lb_le16(pl.hdr + LINUXBOOT_HDR_XLOADFLAGS) &
	     LINUXBOOT_XLF_KERNEL_64))
		out->entry64 = pl.load + LB_ENTRY64_OFF;
	out->kernel_start = (uint32_t)pl.kernel_start;
	out->kernel_end = (uint32_t)pl.kernel_end;
	out->initrd_start = (uint32_t)pl.initrd_start;
	out->initrd_size = (uint32_t)pl.initrd_size;
	out->cmdline_len = (uint32_t)len;
	out->cmdline_truncated = truncated;
	out->version = pl.version;
	return 0;
}
