/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the multiboot loader: small ELF32 and a.out-kludge images
 * built in memory, loaded from memfds into a malloc'd RAM buffer (exactly
 * RAM_SIZE bytes, so ASan sees any write past it), then placement, zero
 * fill, entry, info structure, memory map and modules are checked. Every
 * malicious image must be rejected with a message and RAM left untouched.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "hv/multiboot.h"

#define RAM_SIZE (4u << 20)
#define IMG_MAX (64u << 10)
#define POISON 0xcc
#define MB_HDR_OFF 0x1000u /* where elf_base() puts the multiboot header */
#define DATA_OFF 0x2000u   /* and the segment data */

struct img {
	_Alignas(8) uint8_t buf[IMG_MAX];
	size_t len;
};

static uint8_t *ram_buf;
static uint8_t *poison_copy;
static struct multiboot_ram ram;

static int setup(void **state)
{
	ram_buf = malloc(RAM_SIZE);
	poison_copy = malloc(RAM_SIZE);
	if (!ram_buf || !poison_copy)
		return -1;
	memset(ram_buf, POISON, RAM_SIZE);
	memset(poison_copy, POISON, RAM_SIZE);
	ram = (struct multiboot_ram){ .base = ram_buf, .size = RAM_SIZE };
	return 0;
}

/* Before each test: RAM back to the poison pattern. */
static int poison(void **state)
{
	memset(ram_buf, POISON, RAM_SIZE);
	return 0;
}

static int teardown(void **state)
{
	free(ram_buf);
	free(poison_copy);
	return 0;
}

static int memfd_of(const void *data, size_t len)
{
	int fd = memfd_create("mbtest", MFD_CLOEXEC);

	assert_true(fd >= 0);
	if (len)
		assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

static void mb_header(struct img *im, size_t off, uint32_t flags)
{
	uint32_t h[3] = { MULTIBOOT_HEADER_MAGIC, flags,
			  -(MULTIBOOT_HEADER_MAGIC + flags) };

	memcpy(im->buf + off, h, sizeof(h));
}

static Elf32_Ehdr *ehdr(struct img *im)
{
	return (Elf32_Ehdr *)im->buf;
}

static Elf32_Phdr *phdr(struct img *im, unsigned i)
{
	return (Elf32_Phdr *)(im->buf + ehdr(im)->e_phoff) + i;
}

/*
 * A valid ELF32 multiboot kernel: nph PT_LOAD segments, segment i at
 * 0x100000 + i * 0x1000 with 0x100 bytes of data (byte value 0x10 + i) and
 * 0x200 bytes in memory; entry at the first segment.
 */
static void elf_base(struct img *im, unsigned nph)
{
	Elf32_Ehdr *eh = ehdr(im);
	unsigned i;

	memset(im, 0, sizeof(*im));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x100000;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = (uint16_t)nph;
	for (i = 0; i < nph; i++) {
		Elf32_Phdr *p = phdr(im, i);

		p->p_type = PT_LOAD;
		p->p_offset = DATA_OFF + i * 0x100;
		p->p_vaddr = p->p_paddr = 0x100000 + i * 0x1000;
		p->p_filesz = 0x100;
		p->p_memsz = 0x200;
		p->p_flags = PF_R | PF_X;
		memset(im->buf + p->p_offset, 0x10 + i, 0x100);
	}
	mb_header(im, MB_HDR_OFF, MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO);
	im->len = DATA_OFF + nph * 0x100;
}

/*
 * A valid a.out-kludge kernel: header at 0x40 of a file of `len` bytes
 * (byte i = i & 0xff after the header), loaded at 0x200000 as a whole,
 * bss to 0x203000, entry 0x200100.
 */
static void aout_base(struct img *im, size_t len)
{
	uint32_t f[5] = { 0x200040, 0x200000, 0, 0x203000, 0x200100 };
	size_t i;

	memset(im, 0, sizeof(*im));
	for (i = 0; i < len; i++)
		im->buf[i] = (uint8_t)i;
	mb_header(im, 0x40, MULTIBOOT_AOUT_KLUDGE | MULTIBOOT_MEMORY_INFO);
	memcpy(im->buf + 0x40 + 12, f, sizeof(f));
	im->len = len;
}

static void aout_field(struct img *im, unsigned idx, uint32_t v)
{
	memcpy(im->buf + 0x40 + 12 + idx * 4, &v, 4);
}

static int load(const struct img *im, const char *cmdline,
		const struct multiboot_module_in *mods, unsigned nr,
		struct multiboot_entry *out, char *err, size_t errlen)
{
	int fd = memfd_of(im->buf, im->len);
	int ret = multiboot_load(&ram, fd, cmdline, mods, nr, out, err,
				 errlen);

	close(fd);
	return ret;
}

static void assert_ram_is(uint64_t gpa, uint8_t v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (ram_buf[gpa + i] != v)
			fail_msg("ram[0x%llx] = 0x%02x, want 0x%02x",
				 (unsigned long long)(gpa + i),
				 ram_buf[gpa + i], v);
}

static const struct multiboot_info *info_at(uint32_t gpa)
{
	return (const struct multiboot_info *)(ram_buf + gpa);
}

static void check_mmap(const struct multiboot_info *mbi, uint64_t above_4g)
{
	const struct {
		uint64_t addr, len;
		uint32_t type;
	} want[] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0xf0000, 0x10000, 2 },
		{ 0x100000, RAM_SIZE - 0x100000, 1 },
		{ 0x100000000ull, above_4g, 1 },
	};
	unsigned n = above_4g ? 5 : 4, i;
	struct multiboot_mmap_entry e;

	assert_int_equal(mbi->mmap_length, n * sizeof(e));
	for (i = 0; i < n; i++) {
		memcpy(&e, ram_buf + mbi->mmap_addr + i * sizeof(e), sizeof(e));
		assert_int_equal(e.size, 20);
		assert_int_equal(e.addr, want[i].addr);
		assert_int_equal(e.len, want[i].len);
		assert_int_equal(e.type, want[i].type);
	}
}

static void test_elf_basic(void **state)
{
	static struct img im;
	struct multiboot_entry ent;
	const struct multiboot_info *mbi;
	char err[256] = "";

	elf_base(&im, 2);
	ehdr(&im)->e_entry = 0x100010;
	phdr(&im, 1)->p_filesz = 0x10;
	phdr(&im, 1)->p_memsz = 0x2000;
	if (load(&im, "prog.elf idle", NULL, 0, &ent, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(ent.eip, 0x100010);
	assert_int_equal(ent.ebx, MULTIBOOT_INFO_BASE);
	assert_int_equal(ent.kernel_start, 0x100000);
	assert_int_equal(ent.kernel_end, 0x103000);
	assert_int_equal(ent.modules_end, 0x103000);
	/* placement and zero fill */
	assert_ram_is(0x100000, 0x10, 0x100);
	assert_ram_is(0x100100, 0, 0x100);
	assert_ram_is(0x100200, POISON, 0xe00);
	assert_ram_is(0x101000, 0x11, 0x10);
	assert_ram_is(0x101010, 0, 0x1ff0);
	assert_ram_is(0x103000, POISON, 0x1000);
	/* the hole is never written */
	assert_ram_is(MULTIBOOT_HOLE_START, POISON,
		      MULTIBOOT_HOLE_END - MULTIBOOT_HOLE_START);

	mbi = info_at(ent.ebx);
	assert_int_equal(mbi->flags, MULTIBOOT_INFO_MEMORY |
					     MULTIBOOT_INFO_CMDLINE |
					     MULTIBOOT_INFO_MODS |
					     MULTIBOOT_INFO_MEM_MAP |
					     MULTIBOOT_INFO_BOOT_LOADER_NAME);
	assert_int_equal(mbi->mem_lower, 640);
	assert_int_equal(mbi->mem_upper, (RAM_SIZE - 0x100000) / 1024);
	assert_string_equal((char *)ram_buf + mbi->cmdline, "prog.elf idle");
	assert_string_equal((char *)ram_buf + mbi->boot_loader_name,
			    "safepc");
	assert_int_equal(mbi->mods_count, 0);
	assert_int_equal(mbi->boot_device, 0);
	assert_int_equal(mbi->vbe_mode, 0);
	/* everything the loader wrote is in its area, below the EBDA */
	assert_true(mbi->cmdline >= MULTIBOOT_INFO_BASE &&
		    mbi->cmdline < MULTIBOOT_INFO_END);
	assert_true(mbi->mmap_addr >= MULTIBOOT_INFO_BASE &&
		    mbi->mmap_addr < MULTIBOOT_INFO_END);
	assert_ram_is(MULTIBOOT_EBDA_START, POISON, 0x400);
	assert_ram_is(0, POISON, MULTIBOOT_INFO_BASE);
	check_mmap(mbi, 0);
}

static void test_elf_higher_half(void **state)
{
	static struct img im;
	struct multiboot_entry ent;
	char err[256] = "";

	elf_base(&im, 1);
	phdr(&im, 0)->p_vaddr = 0xc0100000;
	ehdr(&im)->e_entry = 0xc0100020;
	if (load(&im, NULL, NULL, 0, &ent, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(ent.eip, 0x100020);
	assert_ram_is(0x100000, 0x10, 0x100);
	assert_string_equal((char *)ram_buf + info_at(ent.ebx)->cmdline, "");
}

static void test_elf_ignored_phdrs(void **state)
{
	static struct img im;
	struct multiboot_entry ent;
	char err[256] = "";

	/* PT_NOTE with wild values, an empty PT_LOAD, a low segment. */
	elf_base(&im, 3);
	phdr(&im, 0)->p_type = PT_NOTE;
	phdr(&im, 0)->p_paddr = 0xb8000;
	phdr(&im, 0)->p_offset = 0xfffffff0;
	phdr(&im, 1)->p_memsz = 0;
	phdr(&im, 1)->p_filesz = 0;
	phdr(&im, 1)->p_paddr = 0xffffff00;
	phdr(&im, 2)->p_paddr = 0x10000;
	phdr(&im, 2)->p_vaddr = 0x10000;
	ehdr(&im)->e_entry = 0x10004;
	if (load(&im, NULL, NULL, 0, &ent, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(ent.eip, 0x10004);
	assert_int_equal(ent.kernel_start, 0x10000);
	assert_int_equal(ent.kernel_end, 0x10200);
	assert_ram_is(0x10000, 0x12, 0x100);
	assert_ram_is(0x10100, 0, 0x100);
	assert_ram_is(0x100000, POISON, 0x1000);
}

static void test_aout(void **state)
{
	static struct img im;
	struct multiboot_entry ent;
	char err[256] = "";
	size_t i;

	/* load_end_addr = 0: the whole file, then bss. */
	aout_base(&im, 0x1800);
	if (load(&im, "k", NULL, 0, &ent, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(ent.eip, 0x200100);
	assert_int_equal(ent.kernel_start, 0x200000);
	assert_int_equal(ent.kernel_end, 0x203000);
	for (i = 0; i < 0x1800; i++)
		if (ram_buf[0x200000 + i] != im.buf[i])
			fail_msg("byte 0x%zx differs", i);
	assert_ram_is(0x201800, 0, 0x1800);
	assert_ram_is(0x203000, POISON, 0x1000);

	/* An explicit load_end_addr and no bss; header not at file start. */
	memset(ram_buf, POISON, RAM_SIZE);
	aout_base(&im, 0x1800);
	aout_field(&im, 0, 0x300040); /* header_addr */
	aout_field(&im, 1, 0x300010); /* load_addr: file offset 0x10 */
	aout_field(&im, 2, 0x300400); /* load_end_addr */
	aout_field(&im, 3, 0);        /* bss_end_addr */
	aout_field(&im, 4, 0x3003ff); /* entry_addr: the last byte */
	if (load(&im, NULL, NULL, 0, &ent, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(ent.eip, 0x3003ff);
	assert_int_equal(ent.kernel_end, 0x300400);
	for (i = 0; i < 0x3f0; i++)
		if (ram_buf[0x300010 + i] != im.buf[0x10 + i])
			fail_msg("byte 0x%zx differs", i);
	assert_ram_is(0x300400, POISON, 0x100);
	assert_ram_is(0x300000, POISON, 0x10);
}

/* Flag 16 wins over the ELF headers (as in GRUB and QEMU). */
static void test_aout_over_elf(void **state)
{
	static struct img im;
	struct multiboot_entry ent;
	char err[256] = "";
	uint32_t f[5] = { 0x200000 + MB_HDR_OFF, 0x200000, 0, 0, 0x200000 };

	elf_base(&im, 1);
	mb_header(&im, MB_HDR_OFF, MULTIBOOT_AOUT_KLUDGE);
	memcpy(im.buf + MB_HDR_OFF + 12, f, sizeof(f));
	if (load(&im, NULL, NULL, 0, &ent, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(ent.eip, 0x200000);
	assert_int_equal(ent.kernel_end, 0x200000 + im.len);
	assert_ram_is(0x100000, POISON, 0x100);
	assert_int_equal(memcmp(ram_buf + 0x200000, im.buf, im.len), 0);
}

static void test_modules(void **state)
{
	static struct img im;
	static uint8_t m0[5000];
	struct multiboot_module_in mods[3];
	struct multiboot_mod_list ml[3];
	struct multiboot_entry ent;
	const struct multiboot_info *mbi;
	char err[256] = "";
	unsigned i;

	elf_base(&im, 1);
	phdr(&im, 0)->p_memsz = 0x1234; /* kernel ends at 0x101234 */
	for (i = 0; i < sizeof(m0); i++)
		m0[i] = (uint8_t)(i * 7);
	mods[0] = (struct multiboot_module_in){ memfd_of(m0, sizeof(m0)),
						"/boot/m0 a=1" };
	mods[1] = (struct multiboot_module_in){ memfd_of("abc", 3), NULL };
	mods[2] = (struct multiboot_module_in){ memfd_of(NULL, 0), "empty" };
	if (load(&im, "kern", mods, 3, &ent, err, sizeof(err)))
		fail_msg("%s", err);
	mbi = info_at(ent.ebx);
	assert_int_equal(mbi->mods_count, 3);
	memcpy(ml, ram_buf + mbi->mods_addr, sizeof(ml));
	assert_int_equal(ml[0].mod_start, 0x102000);
	assert_int_equal(ml[0].mod_end, 0x102000 + sizeof(m0));
	assert_int_equal(memcmp(ram_buf + 0x102000, m0, sizeof(m0)), 0);
	assert_string_equal((char *)ram_buf + ml[0].cmdline, "/boot/m0 a=1");
	assert_int_equal(ml[1].mod_start, 0x104000);
	assert_int_equal(ml[1].mod_end, 0x104003);
	assert_int_equal(memcmp(ram_buf + 0x104000, "abc", 3), 0);
	assert_string_equal((char *)ram_buf + ml[1].cmdline, "");
	assert_int_equal(ml[2].mod_start, 0x105000);
	assert_int_equal(ml[2].mod_end, 0x105000);
	assert_string_equal((char *)ram_buf + ml[2].cmdline, "empty");
	assert_int_equal(ent.modules_end, 0x105000);
	assert_string_equal((char *)ram_buf + mbi->cmdline, "kern");
	/* gaps between modules are not written */
	assert_ram_is(0x102000 + sizeof(m0), POISON, 0x104000 - 0x102000 -
							     sizeof(m0));
	for (i = 0; i < 3; i++)
		close(mods[i].fd);
}

/* A kernel below 1 MiB: modules still start at 1 MiB. */
static void test_modules_low_kernel(void **state)
{
	static struct img im;
	struct multiboot_module_in mod;
	struct multiboot_mod_list ml;
	struct multiboot_entry ent;
	char err[256] = "";

	elf_base(&im, 1);
	phdr(&im, 0)->p_paddr = phdr(&im, 0)->p_vaddr = 0x8000;
	ehdr(&im)->e_entry = 0x8000;
	mod = (struct multiboot_module_in){ memfd_of("xyz", 3), "m" };
	if (load(&im, NULL, &mod, 1, &ent, err, sizeof(err)))
		fail_msg("%s", err);
	memcpy(&ml, ram_buf + info_at(ent.ebx)->mods_addr, sizeof(ml));
	assert_int_equal(ml.mod_start, 0x100000);
	assert_int_equal(ent.modules_end, 0x100003);
	close(mod.fd);
}

static void test_above_4g_and_flags(void **state)
{
	static struct img im;
	struct multiboot_entry ent;
	char err[256] = "";

	elf_base(&im, 1);
	/* Optional flags (17-31) are ignored; a bad candidate is skipped. */
	mb_header(&im, MB_HDR_OFF, 0x80000003);
	memcpy(im.buf + 0x800, "\x02\xb0\xad\x1b\x00\x00\x00\x00\x00\x00\x00"
			       "\x00", 12);
	ram.above_4g = 1ull << 30;
	if (load(&im, NULL, NULL, 0, &ent, err, sizeof(err)))
		fail_msg("%s", err);
	ram.above_4g = 0;
	check_mmap(info_at(ent.ebx), 1ull << 30);
}

static void test_max_cmdlines(void **state)
{
	static struct img im;
	static char big[MULTIBOOT_CMDLINE_MAX + 1];
	struct multiboot_module_in mods[MULTIBOOT_MAX_MODULES];
	struct multiboot_entry ent;
	char err[256] = "";
	unsigned i;

	memset(big, 'c', MULTIBOOT_CMDLINE_MAX);
	elf_base(&im, 1);
	for (i = 0; i < MULTIBOOT_MAX_MODULES; i++)
		mods[i] = (struct multiboot_module_in){ memfd_of("m", 1), big };
	if (load(&im, big, mods, MULTIBOOT_MAX_MODULES, &ent, err,
		 sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(info_at(ent.ebx)->mods_count, MULTIBOOT_MAX_MODULES);
	assert_ram_is(MULTIBOOT_EBDA_START, POISON, 0x400);
	for (i = 0; i < MULTIBOOT_MAX_MODULES; i++)
		close(mods[i].fd);
}

/* --- malicious and malformed images --- */

struct bad_img {
	const char *name;
	void (*build)(struct img *im);
	int ret;
	const char *msg; /* a substring of the error */
};

static void b_empty(struct img *im)
{
	memset(im, 0, sizeof(*im));
}

static void b_no_header(struct img *im)
{
	elf_base(im, 1);
	memset(im->buf + MB_HDR_OFF, 0, 12);
}

static void b_bad_checksum(struct img *im)
{
	elf_base(im, 1);
	im->buf[MB_HDR_OFF + 8] ^= 1;
}

static void b_header_too_late(struct img *im)
{
	elf_base(im, 1);
	memset(im->buf + MB_HDR_OFF, 0, 12);
	mb_header(im, MULTIBOOT_SEARCH - 8, 0); /* straddles the limit */
	im->len = MULTIBOOT_SEARCH + 0x100;
}

static void b_elf64(struct img *im)
{
	elf_base(im, 1);
	im->buf[EI_CLASS] = ELFCLASS64;
}

static void b_truncated_ehdr(struct img *im)
{
	elf_base(im, 1);
	mb_header(im, 16, 0);
	im->len = 28;
}

static void b_not_elf(struct img *im)
{
	elf_base(im, 1);
	im->buf[1] = 'X';
}

static void b_big_endian(struct img *im)
{
	elf_base(im, 1);
	im->buf[EI_DATA] = ELFDATA2MSB;
}

static void b_wrong_machine(struct img *im)
{
	elf_base(im, 1);
	ehdr(im)->e_machine = EM_X86_64;
}

static void b_dyn(struct img *im)
{
	elf_base(im, 1);
	ehdr(im)->e_type = ET_DYN;
}

static void b_phentsize(struct img *im)
{
	elf_base(im, 1);
	ehdr(im)->e_phentsize = 56;
}

static void b_phdrs_out_of_file(struct img *im)
{
	elf_base(im, 1);
	ehdr(im)->e_phoff = 0xfffffff0;
}

static void b_phdrs_past_eof(struct img *im)
{
	elf_base(im, 4);
	im->len = ehdr(im)->e_phoff + 3 * sizeof(Elf32_Phdr) + 8;
	mb_header(im, 136, 0); /* the header must still be in the file */
}

static void b_too_many_phdrs(struct img *im)
{
	elf_base(im, MULTIBOOT_MAX_PHDRS + 1);
}

static void b_no_phdrs(struct img *im)
{
	elf_base(im, 1);
	ehdr(im)->e_phnum = 0;
}

static void b_no_load(struct img *im)
{
	elf_base(im, 2);
	phdr(im, 0)->p_type = PT_NOTE;
	phdr(im, 1)->p_type = PT_DYNAMIC;
}

static void b_filesz_gt_memsz(struct img *im)
{
	elf_base(im, 1);
	phdr(im, 0)->p_filesz = 0x300;
}

static void b_data_out_of_file(struct img *im)
{
	elf_base(im, 1);
	phdr(im, 0)->p_offset = 0xffffff00;
}

static void b_data_past_eof(struct img *im)
{
	elf_base(im, 1);
	im->len -= 1;
}

static void b_past_ram_end(struct img *im)
{
	elf_base(im, 1);
	phdr(im, 0)->p_paddr = RAM_SIZE - 0x100;
	phdr(im, 0)->p_vaddr = RAM_SIZE - 0x100;
	ehdr(im)->e_entry = RAM_SIZE - 0x100;
}

static void b_paddr_overflow(struct img *im)
{
	elf_base(im, 1);
	phdr(im, 0)->p_paddr = 0xfffff000;
	phdr(im, 0)->p_memsz = 0x2000;
}

static void b_into_hole(struct img *im)
{
	elf_base(im, 1);
	phdr(im, 0)->p_paddr = 0xb8000;
}

static void b_across_1m(struct img *im)
{
	elf_base(im, 1);
	phdr(im, 0)->p_paddr = 0xfff00;
}

static void b_into_info(struct img *im)
{
	elf_base(im, 1);
	phdr(im, 0)->p_paddr = MULTIBOOT_INFO_BASE - 0x100;
	phdr(im, 0)->p_memsz = 0x101;
}

static void b_into_ebda(struct img *im)
{
	elf_base(im, 1);
	phdr(im, 0)->p_paddr = MULTIBOOT_EBDA_START;
}

static void b_second_segment_bad(struct img *im)
{
	elf_base(im, 3);
	phdr(im, 2)->p_paddr = 0xa0000;
}

static void b_entry_outside(struct img *im)
{
	elf_base(im, 1);
	ehdr(im)->e_entry = 0x200000;
}

static void b_video_flag(struct img *im)
{
	elf_base(im, 1);
	mb_header(im, MB_HDR_OFF, MULTIBOOT_VIDEO_MODE);
}

static void b_flag15(struct img *im)
{
	elf_base(im, 1);
	mb_header(im, MB_HDR_OFF, 0x8000);
}

static void b_aout_load_end_below(struct img *im)
{
	aout_base(im, 0x1000);
	aout_field(im, 2, 0x1ff000);
}

static void b_aout_load_above_header(struct img *im)
{
	aout_base(im, 0x1000);
	aout_field(im, 1, 0x200080);
}

static void b_aout_before_file(struct img *im)
{
	aout_base(im, 0x1000);
	aout_field(im, 1, 0x1fff00);
}

static void b_aout_load_end_past_eof(struct img *im)
{
	aout_base(im, 0x1000);
	aout_field(im, 2, 0x201001);
}

static void b_aout_bss_below(struct img *im)
{
	aout_base(im, 0x1000);
	aout_field(im, 3, 0x200800);
}

static void b_aout_entry_outside(struct img *im)
{
	aout_base(im, 0x1000);
	aout_field(im, 4, 0x203000);
}

static void b_aout_truncated(struct img *im)
{
	aout_base(im, MULTIBOOT_SEARCH + 16);
	memset(im->buf + 0x40, 0, 12);
	mb_header(im, MULTIBOOT_SEARCH - 16, MULTIBOOT_AOUT_KLUDGE);
}

static void b_aout_past_ram(struct img *im)
{
	aout_base(im, 0x1000);
	aout_field(im, 0, RAM_SIZE - 0x800 + 0x40);
	aout_field(im, 1, RAM_SIZE - 0x800);
	aout_field(im, 3, 0);
	aout_field(im, 4, RAM_SIZE - 0x800);
}

static void b_aout_wraps(struct img *im)
{
	aout_base(im, 0x1000);
	aout_field(im, 0, 0xfffff840);
	aout_field(im, 1, 0xfffff800);
	aout_field(im, 3, 0);
	aout_field(im, 4, 0xfffff800);
}

static void b_aout_bss_into_hole(struct img *im)
{
	aout_base(im, 0x1000);
	aout_field(im, 0, 0x90040 - 0x20000);
	aout_field(im, 1, 0x90000 - 0x20000);
	aout_field(im, 3, 0xa0001);
	aout_field(im, 4, 0x70000);
}

static const struct bad_img bad_imgs[] = {
	{ "empty file", b_empty, -ENOEXEC, "kernel file is empty" },
	{ "no header", b_no_header, -ENOEXEC, "no multiboot header" },
	{ "bad checksum", b_bad_checksum, -ENOEXEC, "bad checksum" },
	{ "header past 8 KiB", b_header_too_late, -ENOEXEC,
	  "no multiboot header in the first 8192 bytes" },
	{ "ELF64", b_elf64, -ENOEXEC, "ELF64 images are not supported" },
	{ "truncated ELF header", b_truncated_ehdr, -ENOEXEC,
	  "truncated ELF header" },
	{ "not ELF, no kludge", b_not_elf, -ENOEXEC, "not an ELF image" },
	{ "big-endian ELF", b_big_endian, -ENOEXEC, "little-endian" },
	{ "x86-64 machine", b_wrong_machine, -ENOEXEC, "not i386" },
	{ "ET_DYN", b_dyn, -ENOEXEC, "not an executable" },
	{ "bad e_phentsize", b_phentsize, -EINVAL, "e_phentsize 56" },
	{ "phdrs out of file", b_phdrs_out_of_file, -EINVAL,
	  "program header table (offset 0xfffffff0, 1 entries) is outside" },
	{ "phdrs past EOF", b_phdrs_past_eof, -EINVAL,
	  "program header table" },
	{ "too many phdrs", b_too_many_phdrs, -EINVAL,
	  "too many ELF program headers (65, max 64)" },
	{ "no phdrs", b_no_phdrs, -EINVAL, "no program headers" },
	{ "no PT_LOAD", b_no_load, -EINVAL, "no loadable segment" },
	{ "filesz > memsz", b_filesz_gt_memsz, -EINVAL,
	  "p_filesz 0x300 > p_memsz 0x200" },
	{ "segment data out of file", b_data_out_of_file, -EINVAL,
	  "data [0xffffff00, +0x100) is outside the file" },
	{ "segment data past EOF", b_data_past_eof, -EINVAL,
	  "is outside the file" },
	{ "segment past RAM end", b_past_ram_end, -ENOSPC,
	  "kernel segment 0 [0x3fff00, 0x400100) extends past the end of "
	  "RAM (0x400000)" },
	{ "p_paddr + p_memsz overflow", b_paddr_overflow, -ENOSPC,
	  "wraps past 4 GiB" },
	{ "segment into the hole", b_into_hole, -ENOSPC,
	  "overlaps the legacy hole" },
	{ "segment across 1 MiB", b_across_1m, -ENOSPC,
	  "overlaps the legacy hole" },
	{ "segment into the info area", b_into_info, -ENOSPC,
	  "overlaps the boot information area" },
	{ "segment into the EBDA", b_into_ebda, -ENOSPC,
	  "overlaps the boot information area" },
	{ "third segment in the hole", b_second_segment_bad, -ENOSPC,
	  "kernel segment 2 [0xa0000, 0xa0200) overlaps the legacy hole" },
	{ "entry outside segments", b_entry_outside, -EINVAL,
	  "entry point 0x200000 is outside" },
	{ "video mode required", b_video_flag, -EINVAL,
	  "unsupported multiboot features (flags 0x4; only bits 0 and 1 "
	  "are supported, no video mode)" },
	{ "unknown required flag", b_flag15, -EINVAL,
	  "unsupported multiboot features (flags 0x8000" },
	{ "a.out load_end < load_addr", b_aout_load_end_below, -EINVAL,
	  "load_end_addr 0x1ff000 is not above load_addr 0x200000" },
	{ "a.out load_addr > header_addr", b_aout_load_above_header, -EINVAL,
	  "load_addr 0x200080 is above header_addr" },
	{ "a.out load before file start", b_aout_before_file, -EINVAL,
	  "before the start of the file" },
	{ "a.out load_end past EOF", b_aout_load_end_past_eof, -EINVAL,
	  "past the end of the file" },
	{ "a.out bss_end < load_end", b_aout_bss_below, -EINVAL,
	  "bss_end_addr 0x200800 is below" },
	{ "a.out entry outside", b_aout_entry_outside, -EINVAL,
	  "entry_addr 0x203000 is outside" },
	{ "a.out fields truncated", b_aout_truncated, -EINVAL,
	  "a.out kludge fields are truncated" },
	{ "a.out past RAM end", b_aout_past_ram, -ENOSPC,
	  "extends past the end of RAM" },
	{ "a.out wraps 4 GiB", b_aout_wraps, -ENOSPC, "wraps past 4 GiB" },
	{ "a.out bss into the hole", b_aout_bss_into_hole, -ENOSPC,
	  "overlaps" },
};

static void test_bad_image(void **state)
{
	const struct bad_img *b = *state;
	static struct img im;
	struct multiboot_entry ent;
	char err[256] = "";
	int ret;

	memset(ram_buf, POISON, RAM_SIZE);
	b->build(&im);
	ret = load(&im, "x", NULL, 0, &ent, err, sizeof(err));
	if (ret != b->ret || !strstr(err, b->msg))
		fail_msg("%s: ret %d (want %d), err '%s' (want '%s')",
			 b->name, ret, b->ret, err, b->msg);
	if (memcmp(ram_buf, poison_copy, RAM_SIZE))
		fail_msg("%s: RAM was written", b->name);
}

/* Bad arguments and modules, with a good kernel. */
static void test_bad_args(void **state)
{
	static struct img im;
	static char big[MULTIBOOT_CMDLINE_MAX + 2];
	struct multiboot_module_in mods[MULTIBOOT_MAX_MODULES + 1];
	struct multiboot_entry ent;
	struct multiboot_ram small = ram;
	char err[256] = "";
	int fd, pfd[2];
	unsigned i;

	memset(ram_buf, POISON, RAM_SIZE);
	elf_base(&im, 1);
	fd = memfd_of(im.buf, im.len);

	memset(big, 'c', MULTIBOOT_CMDLINE_MAX + 1);
	assert_int_equal(multiboot_load(&ram, fd, big, NULL, 0, &ent, err,
					sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "kernel command line too long"));

	for (i = 0; i <= MULTIBOOT_MAX_MODULES; i++)
		mods[i] = (struct multiboot_module_in){ fd, NULL };
	assert_int_equal(multiboot_load(&ram, fd, NULL, mods,
					MULTIBOOT_MAX_MODULES + 1, &ent, err,
					sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "too many modules (9, max 8)"));

	mods[0].cmdline = big;
	assert_int_equal(multiboot_load(&ram, fd, NULL, mods, 1, &ent, err,
					sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "module 0 command line too long"));

	/* A module that does not fit after the kernel. */
	{
		static struct img bigmod;
		int mfd;

		elf_base(&bigmod, 1);
		phdr(&im, 0)->p_paddr = RAM_SIZE - 0x2000;
		phdr(&im, 0)->p_vaddr = RAM_SIZE - 0x2000;
		ehdr(&im)->e_entry = RAM_SIZE - 0x2000;
		close(fd);
		fd = memfd_of(im.buf, im.len);
		mfd = memfd_of(bigmod.buf, 0x1001);
		mods[0] = (struct multiboot_module_in){ mfd, "m" };
		assert_int_equal(multiboot_load(&ram, fd, NULL, mods, 1, &ent,
						err, sizeof(err)), -ENOSPC);
		assert_non_null(strstr(err, "module 0 (4097 bytes) does not "
					    "fit in RAM"));
		close(mfd);
	}

	/* Pipes are not regular files: neither kernel nor module. */
	assert_int_equal(pipe(pfd), 0);
	mods[0] = (struct multiboot_module_in){ pfd[0], "m" };
	elf_base(&im, 1);
	close(fd);
	fd = memfd_of(im.buf, im.len);
	assert_int_equal(multiboot_load(&ram, fd, NULL, mods, 1, &ent, err,
					sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "module 0 is not a readable regular"));
	assert_int_equal(multiboot_load(&ram, pfd[0], NULL, NULL, 0, &ent,
					err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "kernel is not a readable regular file"));
	close(pfd[0]);
	close(pfd[1]);
	assert_int_equal(multiboot_load(&ram, -1, NULL, NULL, 0, &ent, err,
					sizeof(err)), -EBADF);

	/* RAM descriptions out of range. */
	small.size = 0xfffff;
	assert_int_equal(multiboot_load(&small, fd, NULL, NULL, 0, &ent, err,
					sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "RAM size 0xfffff is not between"));
	small.size = 0x100000000ull;
	assert_int_equal(multiboot_load(&small, fd, NULL, NULL, 0, &ent, err,
					sizeof(err)), -EINVAL);
	small.base = NULL;
	small.size = RAM_SIZE;
	assert_int_equal(multiboot_load(&small, fd, NULL, NULL, 0, &ent, err,
					sizeof(err)), -EINVAL);
	close(fd);
	if (memcmp(ram_buf, poison_copy, RAM_SIZE))
		fail_msg("RAM was written");
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test_setup(test_elf_basic, poison),
		cmocka_unit_test_setup(test_elf_higher_half, poison),
		cmocka_unit_test_setup(test_elf_ignored_phdrs, poison),
		cmocka_unit_test_setup(test_aout, poison),
		cmocka_unit_test_setup(test_aout_over_elf, poison),
		cmocka_unit_test_setup(test_modules, poison),
		cmocka_unit_test_setup(test_modules_low_kernel, poison),
		cmocka_unit_test_setup(test_above_4g_and_flags, poison),
		cmocka_unit_test_setup(test_max_cmdlines, poison),
		cmocka_unit_test_setup(test_bad_args, poison),
	};
	enum { NR_BAD = sizeof(bad_imgs) / sizeof(bad_imgs[0]),
	       NR_FIXED = sizeof(fixed) / sizeof(fixed[0]) };
	struct CMUnitTest tests[NR_FIXED + NR_BAD];
	unsigned i;

	for (i = 0; i < NR_FIXED; i++)
		tests[i] = fixed[i];
	for (i = 0; i < NR_BAD; i++)
		tests[NR_FIXED + i] = (struct CMUnitTest){
			.name = bad_imgs[i].name,
			.test_func = test_bad_image,
			.initial_state = (void *)&bad_imgs[i],
		};
	return _cmocka_run_group_tests("multiboot", tests, NR_FIXED + NR_BAD,
				       setup, teardown);
}
