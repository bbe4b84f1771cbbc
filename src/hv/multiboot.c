/* SPDX-License-Identifier: MIT */
/*
 * multiboot: the Multiboot v1 loader (specification 0.6.96).
 *
 * Two passes: plan (parse the header and the ELF program headers or the
 * a.out kludge fields, check every range against RAM, the legacy hole and
 * the info area, place the modules), then write. All arithmetic on image
 * values is done in 64 bits on 32-bit inputs, so it cannot overflow.
 */
#include "hv/multiboot.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"

#define MB_PAGE 4096ull
#define MB_4G 0x100000000ull

/* Layout of the info area (offsets from MULTIBOOT_INFO_BASE). */
#define MB_OFF_INFO 0x000u
#define MB_OFF_MMAP 0x080u
#define MB_OFF_MODS 0x100u
#define MB_OFF_NAME 0x180u
#define MB_OFF_STRINGS 0x190u
#define MB_MAX_MMAP 5

_Static_assert(sizeof(struct multiboot_info) <= MB_OFF_MMAP - MB_OFF_INFO,
	       "info fits");
_Static_assert(MB_MAX_MMAP * sizeof(struct multiboot_mmap_entry) <=
		       MB_OFF_MODS - MB_OFF_MMAP, "mmap fits");
_Static_assert(MULTIBOOT_MAX_MODULES * sizeof(struct multiboot_mod_list) <=
		       MB_OFF_NAME - MB_OFF_MODS, "mod list fits");
_Static_assert(MB_OFF_STRINGS + (MULTIBOOT_MAX_MODULES + 1) *
				       (MULTIBOOT_CMDLINE_MAX + 1) <=
		       MULTIBOOT_INFO_END - MULTIBOOT_INFO_BASE,
	       "command lines fit");

/* One range to copy from the file and zero-fill, in guest-physical terms. */
struct mb_seg {
	uint64_t gpa;
	uint64_t file_off;
	uint64_t filesz;
	uint64_t memsz;
};

struct mb_plan {
	struct mb_seg segs[MULTIBOOT_MAX_PHDRS];
	unsigned nr_segs;
	uint64_t entry;
	uint64_t kernel_start;
	uint64_t kernel_end;
	uint64_t mod_start[MULTIBOOT_MAX_MODULES];
	uint64_t mod_size[MULTIBOOT_MAX_MODULES];
	uint64_t modules_end;
};

static int __attribute__((format(printf, 4, 5)))
mb_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static uint32_t mb_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Does [a, a_end) intersect [b, b_end)? */
static bool mb_overlaps(uint64_t a, uint64_t a_end, uint64_t b,
			uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/*
 * Checks that guest range [gpa, gpa + size) is RAM the image may use:
 * below 4 GiB, inside RAM, outside the legacy hole and the info area.
 */
static int mb_check_range(const struct multiboot_ram *ram, const char *what,
			  unsigned idx, uint64_t gpa, uint64_t size,
			  char *err, size_t errlen)
{
	uint64_t end = gpa + size; /* both < 2^33: no overflow */

	if (end > MB_4G)
		return mb_fail(err, errlen, -ENOSPC, "%s %u [0x%llx, +0x%llx) "
			       "wraps past 4 GiB", what, idx,
			       (unsigned long long)gpa,
			       (unsigned long long)size);
	if (end > ram->size)
		return mb_fail(err, errlen, -ENOSPC, "%s %u [0x%llx, 0x%llx) "
			       "extends past the end of RAM (0x%llx)", what,
			       idx, (unsigned long long)gpa,
			       (unsigned long long)end,
			       (unsigned long long)ram->size);
	if (mb_overlaps(gpa, end, MULTIBOOT_HOLE_START, MULTIBOOT_HOLE_END))
		return mb_fail(err, errlen, -ENOSPC, "%s %u [0x%llx, 0x%llx) "
			       "overlaps the legacy hole 0xa0000-0xfffff",
			       what, idx, (unsigned long long)gpa,
			       (unsigned long long)end);
	if (mb_overlaps(gpa, end, MULTIBOOT_INFO_BASE, MULTIBOOT_HOLE_START))
		return mb_fail(err, errlen, -ENOSPC, "%s %u [0x%llx, 0x%llx) "
			       "overlaps the boot information area "
			       "0x%x-0x%x and EBDA", what, idx,
			       (unsigned long long)gpa,
			       (unsigned long long)end, MULTIBOOT_INFO_BASE,
			       MULTIBOOT_HOLE_START - 1);
	return 0;
}

/* Finds the first header with a good checksum in the search area. */
static int mb_find_header(const uint8_t *buf, size_t n, size_t *off,
			  uint32_t *flags, char *err, size_t errlen)
{
	bool magic_seen = false;
	size_t i;

	for (i = 0; i + 12 <= n; i += 4) {
		uint32_t f;

		if (mb_le32(buf + i) != MULTIBOOT_HEADER_MAGIC)
			continue;
		f = mb_le32(buf + i + 4);
		if ((uint32_t)(MULTIBOOT_HEADER_MAGIC + f +
			       mb_le32(buf + i + 8)) != 0) {
			magic_seen = true;
			continue;
		}
		*off = i;
		*flags = f;
		return 0;
	}
	if (magic_seen)
		return mb_fail(err, errlen, -ENOEXEC, "multiboot header has a "
			       "bad checksum");
	return mb_fail(err, errlen, -ENOEXEC, "no multiboot header in the "
		       "first %u bytes", MULTIBOOT_SEARCH);
}

/* The a.out kludge: one contiguous image described by the header. */
static int mb_plan_aout(struct mb_plan *pl, const uint8_t *hdr, size_t off,
			uint64_t file_size, char *err, size_t errlen)
{
	uint64_t header_addr = mb_le32(hdr + 12);
	uint64_t load_addr = mb_le32(hdr + 16);
	uint64_t load_end_addr = mb_le32(hdr + 20);
	uint64_t bss_end_addr = mb_le32(hdr + 24);
	uint64_t entry_addr = mb_le32(hdr + 28);
	uint64_t load_off, load_size, mem_size;

	if (load_addr > header_addr)
		return mb_fail(err, errlen, -EINVAL, "a.out kludge: load_addr "
			       "0x%llx is above header_addr 0x%llx",
			       (unsigned long long)load_addr,
			       (unsigned long long)header_addr);
	if (header_addr - load_addr > off)
		return mb_fail(err, errlen, -EINVAL, "a.out kludge: load_addr "
			       "0x%llx is before the start of the file",
			       (unsigned long long)load_addr);
	load_off = off - (header_addr - load_addr);
	if (load_end_addr == 0) {
		load_size = file_size - load_off; /* off < file_size */
	} else {
		if (load_end_addr <= load_addr)
			return mb_fail(err, errlen, -EINVAL, "a.out kludge: "
				       "load_end_addr 0x%llx is not above "
				       "load_addr 0x%llx",
				       (unsigned long long)load_end_addr,
				       (unsigned long long)load_addr);
		load_size = load_end_addr - load_addr;
		if (load_size > file_size - load_off)
			return mb_fail(err, errlen, -EINVAL, "a.out kludge: "
				       "load_end_addr 0x%llx is past the end "
				       "of the file",
				       (unsigned long long)load_end_addr);
	}
	mem_size = load_size;
	if (bss_end_addr) {
		if (bss_end_addr < load_addr + load_size)
			return mb_fail(err, errlen, -EINVAL, "a.out kludge: "
				       "bss_end_addr 0x%llx is below the end "
				       "of the loaded image 0x%llx",
				       (unsigned long long)bss_end_addr,
				       (unsigned long long)(load_addr +
							    load_size));
		mem_size = bss_end_addr - load_addr;
	}
	if (entry_addr < load_addr || entry_addr >= load_addr + mem_size)
		return mb_fail(err, errlen, -EINVAL, "a.out kludge: entry_addr "
			       "0x%llx is outside the image [0x%llx, 0x%llx)",
			       (unsigned long long)entry_addr,
			       (unsigned long long)load_addr,
			       (unsigned long long)(load_addr + mem_size));
	pl->segs[0] = (struct mb_seg){ .gpa = load_addr, .file_off = load_off,
				       .filesz = load_size,
				       .memsz = mem_size };
	pl->nr_segs = 1;
	pl->entry = entry_addr;
	return 0;
}

/* ELF32: the PT_LOAD segments at their physical addresses. */
static int mb_plan_elf(struct mb_plan *pl, int fd, const uint8_t *hdr,
		       size_t hdr_len, uint64_t file_size, char *err,
		       size_t errlen)
{
	Elf32_Phdr ph[MULTIBOOT_MAX_PHDRS];
	Elf32_Ehdr eh;
	uint64_t entry;
	unsigned i;
	bool entry_found = false;
	int ret;

	if (hdr_len < EI_NIDENT || memcmp(hdr, ELFMAG, SELFMAG))
		return mb_fail(err, errlen, -ENOEXEC, "not an ELF image, and "
			       "the multiboot header has no a.out kludge "
			       "(flag 16)");
	if (hdr[EI_CLASS] == ELFCLASS64)
		return mb_fail(err, errlen, -ENOEXEC, "ELF64 images are not "
			       "supported: give a 32-bit (ELF32) multiboot "
			       "image");
	if (hdr[EI_CLASS] != ELFCLASS32 || hdr[EI_DATA] != ELFDATA2LSB ||
	    hdr[EI_VERSION] != EV_CURRENT)
		return mb_fail(err, errlen, -ENOEXEC, "not a little-endian "
			       "ELF32 (version 1) image");
	if (hdr_len < sizeof(eh))
		return mb_fail(err, errlen, -ENOEXEC, "truncated ELF header");
	memcpy(&eh, hdr, sizeof(eh));
	if (eh.e_type != ET_EXEC)
		return mb_fail(err, errlen, -ENOEXEC, "ELF type %u is not an "
			       "executable (ET_EXEC)", eh.e_type);
	if (eh.e_machine != EM_386)
		return mb_fail(err, errlen, -ENOEXEC, "ELF machine %u is not "
			       "i386", eh.e_machine);
	if (eh.e_phentsize != sizeof(Elf32_Phdr))
		return mb_fail(err, errlen, -EINVAL, "ELF e_phentsize %u, "
			       "expected %zu", eh.e_phentsize,
			       sizeof(Elf32_Phdr));
	if (eh.e_phnum == 0)
		return mb_fail(err, errlen, -EINVAL, "ELF has no program "
			       "headers");
	if (eh.e_phnum > MULTIBOOT_MAX_PHDRS)
		return mb_fail(err, errlen, -EINVAL, "too many ELF program "
			       "headers (%u, max %u)", eh.e_phnum,
			       MULTIBOOT_MAX_PHDRS);
	if ((uint64_t)eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf32_Phdr) >
	    file_size)
		return mb_fail(err, errlen, -EINVAL, "ELF program header "
			       "table (offset 0x%x, %u entries) is outside "
			       "the file", eh.e_phoff, eh.e_phnum);
	ret = util_pread_all(fd, ph, eh.e_phnum * sizeof(Elf32_Phdr),
			     (off_t)eh.e_phoff);
	if (ret)
		return mb_fail(err, errlen, ret, "cannot read the ELF program "
			       "headers: %s", strerror(-ret));

	for (i = 0; i < eh.e_phnum; i++) {
		const Elf32_Phdr *p = &ph[i];

		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		if (p->p_filesz > p->p_memsz)
			return mb_fail(err, errlen, -EINVAL, "ELF segment %u: "
				       "p_filesz 0x%x > p_memsz 0x%x", i,
				       p->p_filesz, p->p_memsz);
		if ((uint64_t)p->p_offset + p->p_filesz > file_size)
			return mb_fail(err, errlen, -EINVAL, "ELF segment %u: "
				       "data [0x%x, +0x%x) is outside the file",
				       i, p->p_offset, p->p_filesz);
		pl->segs[pl->nr_segs++] = (struct mb_seg){
			.gpa = p->p_paddr, .file_off = p->p_offset,
			.filesz = p->p_filesz, .memsz = p->p_memsz };
	}
	if (!pl->nr_segs)
		return mb_fail(err, errlen, -EINVAL, "ELF has no loadable "
			       "segment");

	/*
	 * e_entry is virtual: translate it through the segment holding it,
	 * as GRUB does (identity for the usual p_vaddr == p_paddr).
	 */
	entry = eh.e_entry;
	for (i = 0; i < eh.e_phnum && !entry_found; i++) {
		const Elf32_Phdr *p = &ph[i];

		if (p->p_type != PT_LOAD || p->p_memsz == 0)
			continue;
		if (entry >= p->p_vaddr &&
		    entry < (uint64_t)p->p_vaddr + p->p_memsz) {
			entry = entry - p->p_vaddr + p->p_paddr;
			entry_found = true;
		}
	}
	for (i = 0; i < pl->nr_segs && !entry_found; i++)
		if (entry >= pl->segs[i].gpa &&
		    entry < pl->segs[i].gpa + pl->segs[i].memsz)
			entry_found = true;
	if (!entry_found)
		return mb_fail(err, errlen, -EINVAL, "ELF entry point 0x%x is "
			       "outside the loaded segments", eh.e_entry);
	pl->entry = entry;
	return 0;
}

/* Size of a module or kernel file; it must be a regular file (memfd ok). */
static int mb_file_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size < 0)
		return -EINVAL;
	*size = (uint64_t)st.st_size;
	return 0;
}

static int mb_plan_kernel(const struct multiboot_ram *ram, int fd,
			  struct mb_plan *pl, char *err, size_t errlen)
{
	uint8_t hdr[MULTIBOOT_SEARCH];
	uint64_t file_size = 0;
	size_t n, off = 0;
	uint32_t flags = 0;
	unsigned i;
	int ret;

	ret = mb_file_size(fd, &file_size);
	if (ret)
		return mb_fail(err, errlen, ret, "kernel is not a readable "
			       "regular file: %s", strerror(-ret));
	if (file_size == 0)
		return mb_fail(err, errlen, -ENOEXEC, "kernel file is empty");
	n = file_size < sizeof(hdr) ? (size_t)file_size : sizeof(hdr);
	ret = util_pread_all(fd, hdr, n, 0);
	if (ret)
		return mb_fail(err, errlen, ret, "cannot read the kernel: %s",
			       strerror(-ret));
	ret = mb_find_header(hdr, n, &off, &flags, err, errlen);
	if (ret)
		return ret;
	if (flags & 0xffffu & ~(MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO))
		return mb_fail(err, errlen, -EINVAL, "kernel requires "
			       "unsupported multiboot features (flags 0x%x; "
			       "only bits 0 and 1 are supported%s)", flags,
			       flags & MULTIBOOT_VIDEO_MODE ? ", no video mode"
							   : "");
	if (flags & MULTIBOOT_AOUT_KLUDGE) {
		if (off + 32 > n)
			return mb_fail(err, errlen, -EINVAL, "multiboot header "
				       "at 0x%zx: a.out kludge fields are "
				       "truncated", off);
		ret = mb_plan_aout(pl, hdr + off, off, file_size, err,
				   errlen);
	} else {
		ret = mb_plan_elf(pl, fd, hdr, n, file_size, err, errlen);
	}
	if (ret)
		return ret;

	pl->kernel_start = UINT64_MAX;
	pl->kernel_end = 0;
	for (i = 0; i < pl->nr_segs; i++) {
		const struct mb_seg *s = &pl->segs[i];

		ret = mb_check_range(ram, "kernel segment", i, s->gpa,
				     s->memsz, err, errlen);
		if (ret)
			return ret;
		if (s->gpa < pl->kernel_start)
			pl->kernel_start = s->gpa;
		if (s->gpa + s->memsz > pl->kernel_end)
			pl->kernel_end = s->gpa + s->memsz;
	}
	return 0;
}

static int mb_plan_modules(const struct multiboot_ram *ram,
			   const struct multiboot_module_in *mods,
			   unsigned nr_mods, struct mb_plan *pl, char *err,
			   size_t errlen)
{
	uint64_t cursor = pl->kernel_end;
	unsigned i;
	int ret;

	if (cursor < MULTIBOOT_HOLE_END)
		cursor = MULTIBOOT_HOLE_END;
	for (i = 0; i < nr_mods; i++) {
		uint64_t start, size = 0;

		ret = mb_file_size(mods[i].fd, &size);
		if (ret)
			return mb_fail(err, errlen, ret, "module %u is not a "
				       "readable regular file: %s", i,
				       strerror(-ret));
		/* cursor <= ram->size <= MULTIBOOT_RAM_MAX: no overflow. */
		start = (cursor + MB_PAGE - 1) & ~(MB_PAGE - 1);
		if (start > ram->size || size > ram->size - start)
			return mb_fail(err, errlen, -ENOSPC, "module %u (%llu "
				       "bytes) does not fit in RAM after 0x%llx",
				       i, (unsigned long long)size,
				       (unsigned long long)start);
		ret = mb_check_range(ram, "module", i, start, size, err,
				     errlen);
		if (ret)
			return ret;
		pl->mod_start[i] = start;
		pl->mod_size[i] = size;
		cursor = start + size;
	}
	pl->modules_end = nr_mods ? cursor : pl->kernel_end;
	return 0;
}

/* Appends a NUL-terminated string to the info area; returns its gpa. */
static uint32_t mb_put_string(const struct multiboot_ram *ram,
			      uint32_t *cursor, const char *s)
{
	size_t len = strlen(s) + 1;
	uint32_t gpa = *cursor;

	/* The caller checked that all strings fit (static assert above). */
	memcpy(ram->base + gpa, s, len);
	*cursor += (uint32_t)len;
	return gpa;
}

static void mb_put_mmap(const struct multiboot_ram *ram, uint32_t *gpa,
			uint64_t addr, uint64_t len, uint32_t type)
{
	struct multiboot_mmap_entry e = {
		.size = sizeof(e) - sizeof(e.size),
		.addr = addr,
		.len = len,
		.type = type,
	};

	memcpy(ram->base + *gpa, &e, sizeof(e));
	*gpa += sizeof(e);
}

/* Writes the info structure, memory map, module list and strings. */
static void mb_write_info(const struct multiboot_ram *ram,
			  const struct mb_plan *pl, const char *cmdline,
			  const struct multiboot_module_in *mods,
			  unsigned nr_mods)
{
	struct multiboot_info mbi = { 0 };
	uint32_t base = MULTIBOOT_INFO_BASE;
	uint32_t mmap = base + MB_OFF_MMAP;
	uint32_t str = base + MB_OFF_STRINGS;
	unsigned i;

	memset(ram->base + base, 0, MB_OFF_STRINGS);
	mbi.flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE |
		    MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_MEM_MAP |
		    MULTIBOOT_INFO_BOOT_LOADER_NAME;
	mbi.mem_lower = 640;
	mbi.mem_upper = (uint32_t)((ram->size - MULTIBOOT_HOLE_END) / 1024);

	mb_put_mmap(ram, &mmap, 0, MULTIBOOT_EBDA_START,
		    MULTIBOOT_MEMORY_AVAILABLE);
	mb_put_mmap(ram, &mmap, MULTIBOOT_EBDA_START,
		    MULTIBOOT_HOLE_START - MULTIBOOT_EBDA_START,
		    MULTIBOOT_MEMORY_RESERVED);
	mb_put_mmap(ram, &mmap, MULTIBOOT_BIOS_START,
		    MULTIBOOT_HOLE_END - MULTIBOOT_BIOS_START,
		    MULTIBOOT_MEMORY_RESERVED);
	if (ram->size > MULTIBOOT_HOLE_END)
		mb_put_mmap(ram, &mmap, MULTIBOOT_HOLE_END,
			    ram->size - MULTIBOOT_HOLE_END,
			    MULTIBOOT_MEMORY_AVAILABLE);
	if (ram->above_4g)
		mb_put_mmap(ram, &mmap, MB_4G, ram->above_4g,
			    MULTIBOOT_MEMORY_AVAILABLE);
	mbi.mmap_addr = base + MB_OFF_MMAP;
	mbi.mmap_length = mmap - mbi.mmap_addr;

	mbi.boot_loader_name = base + MB_OFF_NAME;
	memcpy(ram->base + mbi.boot_loader_name, MULTIBOOT_LOADER_NAME,
	       sizeof(MULTIBOOT_LOADER_NAME));
	mbi.cmdline = mb_put_string(ram, &str, cmdline);

	mbi.mods_count = nr_mods;
	mbi.mods_addr = base + MB_OFF_MODS;
	for (i = 0; i < nr_mods; i++) {
		struct multiboot_mod_list m = {
			.mod_start = (uint32_t)pl->mod_start[i],
			.mod_end = (uint32_t)(pl->mod_start[i] +
					      pl->mod_size[i]),
		};

		m.cmdline = mb_put_string(ram, &str, mods[i].cmdline
							   ? mods[i].cmdline
							   : "");
		memcpy(ram->base + mbi.mods_addr + i * sizeof(m), &m,
		       sizeof(m));
	}
	memcpy(ram->base + base + MB_OFF_INFO, &mbi, sizeof(mbi));
}

int multiboot_load(const struct multiboot_ram *ram, int kernel_fd,
		   const char *cmdline, const struct multiboot_module_in *mods,
		   unsigned nr_mods, struct multiboot_entry *out, char *err,
		   size_t errlen)
{
	struct mb_plan pl = { 0 };
	unsigned i;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (!ram || !ram->base || !out || (nr_mods && !mods))
		return mb_fail(err, errlen, -EINVAL, "invalid arguments");
	if (ram->size < MULTIBOOT_HOLE_END || ram->size > MULTIBOOT_RAM_MAX)
		return mb_fail(err, errlen, -EINVAL, "RAM size 0x%llx is not "
			       "between 1 MiB and 0x%llx",
			       (unsigned long long)ram->size,
			       MULTIBOOT_RAM_MAX);
	if (nr_mods > MULTIBOOT_MAX_MODULES)
		return mb_fail(err, errlen, -EINVAL, "too many modules (%u, "
			       "max %u)", nr_mods, MULTIBOOT_MAX_MODULES);
	if (!cmdline)
		cmdline = "";
	if (strnlen(cmdline, MULTIBOOT_CMDLINE_MAX + 1) >
	    MULTIBOOT_CMDLINE_MAX)
		return mb_fail(err, errlen, -EINVAL, "kernel command line too "
			       "long (max %u bytes)", MULTIBOOT_CMDLINE_MAX);
	for (i = 0; i < nr_mods; i++)
		if (mods[i].cmdline &&
		    strnlen(mods[i].cmdline, MULTIBOOT_CMDLINE_MAX + 1) >
			    MULTIBOOT_CMDLINE_MAX)
			return mb_fail(err, errlen, -EINVAL, "module %u command "
				       "line too long (max %u bytes)", i,
				       MULTIBOOT_CMDLINE_MAX);

	ret = mb_plan_kernel(ram, kernel_fd, &pl, err, errlen);
	if (ret)
		return ret;
	ret = mb_plan_modules(ram, mods, nr_mods, &pl, err, errlen);
	if (ret)
		return ret;

	/* Everything checked: now write guest RAM. */
	for (i = 0; i < pl.nr_segs; i++) {
		const struct mb_seg *s = &pl.segs[i];

		ret = util_pread_all(kernel_fd, ram->base + s->gpa,
				     (size_t)s->filesz, (off_t)s->file_off);
		if (ret)
			return mb_fail(err, errlen, ret, "cannot read kernel "
				       "segment %u: %s", i, strerror(-ret));
		memset(ram->base + s->gpa + s->filesz, 0,
		       (size_t)(s->memsz - s->filesz));
	}
	for (i = 0; i < nr_mods; i++) {
		ret = util_pread_all(mods[i].fd, ram->base + pl.mod_start[i],
				     (size_t)pl.mod_size[i], 0);
		if (ret)
			return mb_fail(err, errlen, ret, "cannot read module "
				       "%u: %s", i, strerror(-ret));
	}
	mb_write_info(ram, &pl, cmdline, mods, nr_mods);

	out->eip = (uint32_t)pl.entry;
	out->ebx = MULTIBOOT_INFO_BASE + MB_OFF_INFO;
	out->kernel_start = (uint32_t)pl.kernel_start;
	out->kernel_end = (uint32_t)pl.kernel_end;
	out->modules_end = (uint32_t)pl.modules_end;
	return 0;
}
