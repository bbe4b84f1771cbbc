/* SPDX-License-Identifier: MIT */
/*
 * The guest kit: a freestanding library for small x86-64 test guests, in the
 * manner of kvm-unit-tests' libcflat.
 *
 * A program provides `int main(void)`; the kit boots it from multiboot v1
 * (32-bit protected mode) into 64-bit long mode with the low 4 GiB
 * identity-mapped, sets up GDT/IDT/TSS, COM1 and the syscall MSRs, and calls
 * exit(main()).  Programs normally end with `return report_summary();`.
 *
 * Ring 0 is emulated instruction by instruction on the development machine
 * (docs/accel.md), so ring-0 code stays small; run_user() runs heavy compute
 * natively in ring 3 (compute only: ring 3 cannot do port I/O there).
 * All memory is user-accessible: this is a test harness, not an isolation
 * boundary.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io.h"
#include "layout.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define noreturn __attribute__((noreturn))
#define printf_like(a, b) __attribute__((format(printf, a, b)))

/* Provided by the test program. */
int main(void);

/* --- string.c: the C library subset gcc may also call on its own --- */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Parses an unsigned number (0x prefix: hex); *end gets the first unused char. */
unsigned long strtoul(const char *s, const char **end, int base);

/* --- printf.c: %d %i %u %x %X %o %s %c %p %%, flags '-' '0', width, l/ll/z --- */
int printf(const char *fmt, ...) printf_like(1, 2);
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) printf_like(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void puts(const char *s); /* no newline added */

/* --- serial.c: COM1 at 0x3F8, 115200 8N1, polled --- */
#define COM1 0x3F8
void serial_init(void);
void serial_putc(char c);

/* --- report.c: kvm-unit-tests style results --- */
/* Prints "PASS: msg" or "FAIL: msg"; returns cond. */
bool report(bool cond, const char *fmt, ...) printf_like(2, 3);
void report_skip(const char *fmt, ...) printf_like(1, 2);
void report_info(const char *fmt, ...) printf_like(1, 2);
/*
 * Prints "SUMMARY: N tests, F failures" and exits: status 0 (host sees 1)
 * when nothing failed, 1 (host sees 3) otherwise.
 */
noreturn int report_summary(void);

/*
 * Writes `code` to the isa-debug-exit port 0xF4 (the host sees
 * (code << 1) | 1) and halts forever if the port did not end the VM.
 */
noreturn void exit(int code);
/* Status for an unexpected exception or interrupt (host sees 5). */
#define EXIT_UNEXPECTED 2

/*
 * ACPI soft-off: SLP_EN|SLP_TYP=0 to PM1a_CNT (0x604, PIIX4 PM at 0x600 as
 * SeaBIOS sets it up under QEMU; safepc emulates the same register).  Waits
 * up to 0.5 s for the VM to go away and returns if it did not.
 */
void poweroff(void);
#define PM1A_STS 0x600 /* write 1 to clear */
#define PM1A_EN 0x602
#define PM1A_CNT 0x604
#define PM1_PWRBTN 0x0100 /* PWRBTN_STS / PWRBTN_EN */

/* --- multiboot.c --- */
struct mb_region {
	uint64_t base, len;
	uint32_t type; /* 1 = RAM */
};

struct mb_module {
	uint32_t start, end; /* [start, end) physical */
	const char *string;
};

bool mb_valid(void);		/* EAX was 0x2BADB002 at entry */
const char *mb_cmdline(void);	/* "" if none */
unsigned mb_mmap(struct mb_region *out, unsigned max); /* returns count */
unsigned mb_modules(struct mb_module *out, unsigned max);
uint64_t mb_ram_bytes(void);	/* sum of type-1 regions (or mem_lower/upper) */
/* True if the command line has the whitespace-separated word `word`. */
bool cmdline_has(const char *word);
/* Value of "key=NUMBER" on the command line, or `def`. */
unsigned long cmdline_ulong(const char *key, unsigned long def);

/* --- desc.c / entry.S: descriptors, exceptions and interrupts --- */
/* What the entry stubs save; handlers may change it (e.g. skip `rip`). */
#ifdef __x86_64__
struct irq_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* as pushed by the CPU */
};
#else
/*
 * The 32-bit kit (entry32.S): pushal's registers, then the vector, the
 * error code (0 where the CPU pushes none) and the CPU's frame; esp and ss
 * exist only for an interrupt taken in ring 3.
 */
struct irq_frame {
	uint32_t edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags, esp, ss;
};
#endif

typedef void (*irq_handler_t)(struct irq_frame *f);

/*
 * Installs `fn` for `vector` (exceptions 0-31 too), replacing the default
 * that prints the vector and RIP and exits with EXIT_UNEXPECTED.  `fn` runs
 * with interrupts off; for a PIC interrupt it must send the EOI itself.
 * NULL restores the default.
 */
void irq_register(unsigned vector, irq_handler_t fn);

/*
 * Runs fn(arg) in ring 3 and returns its result.  Interrupts stay as the
 * caller had them; ring 3 comes back with `ud2` at user_exit_ud2.  fn must
 * not do port I/O or print (both fault in ring 3).  BSP only.
 */
unsigned long run_user(unsigned long (*fn)(unsigned long), unsigned long arg);

/* Loads the kit's GDT/IDT on an application processor (smp.c). */
void desc_init_ap(void);

#ifndef __x86_64__
/*
 * --- The 32-bit kit (boot32.S, entry32.S, desc32.c): the same library for
 * programs that stay in 32-bit protected mode (flat segments, paging off,
 * interrupts through a 32-bit IDT, run_user() by iret and back by int 0x80).
 * GDT: 0x08 ring-0 code, 0x10 ring-0 data, 0x18 ring-3 code, 0x20 ring-3
 * data (the SYSENTER/SYSEXIT layout for SYSENTER_CS = 0x08), 0x28 the TSS,
 * entries 6-15 free for programs (gdt32_set).
 */
#define K32_CS 0x08
#define K32_DS 0x10
#define U32_CS 0x1B
#define U32_DS 0x23
#define TSS32_SEL 0x28
#define GDT32_ENTRIES 16
#define USER_RETURN_VECTOR 0x80 /* DPL-3 gate that ends run_user() */
struct tss32 {
	uint16_t link, r0;
	uint32_t esp0;
	uint16_t ss0, r1;
	uint32_t esp1;
	uint16_t ss1, r2;
	uint32_t esp2;
	uint16_t ss2, r3;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint16_t es, r4, cs, r5, ss, r6, ds, r7, fs, r8, gs, r9, ldt, r10;
	uint16_t trap, iomap_base;
} __attribute__((packed));
extern struct tss32 tss32;
extern uint64_t gdt32[GDT32_ENTRIES];
/* Gate attributes: present | DPL << 5 | type. */
#define GATE_INT32 0x8E
#define GATE_TRAP32 0x8F
#define GATE_DPL(d) ((d) << 5)
/* Points `vector` at the kit's stub for it with attributes `attr`. */
void idt32_set_attr(unsigned vector, uint8_t attr);
/* Points `vector` at `handler` (selector K32_CS) with attributes `attr`. */
void idt32_set(unsigned vector, void *handler, uint8_t attr);
/* Reads a gate back: attributes in bits 8-15 of the result, as stored. */
uint64_t idt32_get(unsigned vector);
void gdt32_set(unsigned index, uint64_t desc);
#endif

/* --- pic.c: 8259 pair, remapped to vectors 0x20-0x2F --- */
#define PIC_VECTOR_BASE 0x20
#define IRQ_VECTOR(irq) (PIC_VECTOR_BASE + (irq))
void pic_init(void);		/* remap, all masked; LAPIC LINT0 = ExtINT */
void pic_mask(unsigned irq);
void pic_unmask(unsigned irq);
void pic_eoi(unsigned irq);
uint16_t pic_read_irr(void);
uint16_t pic_read_isr(void);

/* --- pit.c: 8254 channel 2 (gated by port 0x61) as a stopwatch --- */
#define PIT_HZ 1193182u
void pit_delay_us(uint32_t us);
/* Starts a one-shot of up to 50 ms on channel 2; pit_expired() polls it. */
void pit_oneshot_start(uint32_t us);
bool pit_expired(void);
/* Waits until *flag becomes nonzero or `ms` pass; returns the flag. */
uint32_t wait_flag(volatile uint32_t *flag, uint32_t ms);
/*
 * Waits until *n >= want or `ms` pass; returns *n.  Interrupts as the
 * caller has them.  Tests count events this way rather than in a fixed
 * window, so a slow CPU or a busy host delays them instead of failing them.
 */
uint32_t wait_count(volatile uint32_t *n, uint32_t want, uint32_t ms);

/* --- apic.c: xAPIC at 0xFEE00000 --- */
#define APIC_BASE 0xFEE00000ul
#define APIC_ID 0x020
#define APIC_VERSION 0x030
#define APIC_TPR 0x080
#define APIC_EOI 0x0B0
#define APIC_SVR 0x0F0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_SPURIOUS_VECTOR 0xFF
uint32_t apic_read(unsigned reg);
void apic_write(unsigned reg, uint32_t v);
void apic_enable(void);		/* SVR: software enable, spurious 0xFF */
unsigned apic_id(void);

/* --- smp.c: application processors --- */
/*
 * INIT-SIPI-SIPI to all other CPUs; each runs fn(cpu_index) in long mode,
 * ring 0, with the kit's GDT/IDT (no TSS: APs never enter ring 3), then
 * halts with interrupts off.  Waits up to `ms` for `expect` APs (0: just
 * wait `ms`) and returns how many started.
 */
unsigned smp_boot(void (*fn)(unsigned cpu), unsigned expect, uint32_t ms);

/* --- cmos.c: MC146818 behind 0x70/0x71 (NMI left enabled) --- */
uint8_t cmos_read(uint8_t reg);
void cmos_write(uint8_t reg, uint8_t v);

/* --- fwcfg.c: QEMU fw_cfg at 0x510/0x511 --- */
bool fwcfg_present(void);
/* Number of CPUs the VMM reports through fw_cfg, or 0 without fw_cfg. */
unsigned fwcfg_nb_cpus(void);

/* --- pci.c: configuration mechanism #1 at 0xCF8/0xCFC, bus 0 --- */
#define PCI_BDF(dev, fn) (((dev) << 3) | (fn))
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION 0x08
#define PCI_PROG_IF 0x09
#define PCI_SUBCLASS 0x0A
#define PCI_CLASS 0x0B
#define PCI_HEADER_TYPE 0x0E
#define PCI_BAR0 0x10
#define PCI_CMD_IO 0x0001
#define PCI_CMD_MEM 0x0002
#define PCI_CMD_MASTER 0x0004
#define PCI_BAR_IO 0x1
/* Accesses of exactly that width; `off` is aligned down to it. */
uint32_t pci_read32(unsigned bdf, unsigned off);
uint16_t pci_read16(unsigned bdf, unsigned off);
uint8_t pci_read8(unsigned bdf, unsigned off);
void pci_write32(unsigned bdf, unsigned off, uint32_t v);
void pci_write16(unsigned bdf, unsigned off, uint16_t v);
void pci_write8(unsigned bdf, unsigned off, uint8_t v);
/* bdf of the first function on bus 0 with that ID, or -1. */
int pci_find(uint16_t vendor, uint16_t device);
/*
 * Size of BAR `bar` (0-5) in bytes, found by writing ~0 and restoring the
 * old value (with I/O and memory decoding off meanwhile); 0 = unimplemented.
 * For an I/O BAR that implements only 16 address bits the size still comes
 * out right.  64-bit BARs: the low half only.
 */
uint32_t pci_bar_size(unsigned bdf, unsigned bar);

/*
 * --- ide.c: PIIX3 IDE (8086:7010), polled (nIEN set), ring 0 ---
 *
 * Channel 0: 0x1F0-0x1F7 / 0x3F6, bus master IDE_BM_BASE; channel 1:
 * 0x170-0x177 / 0x376, bus master IDE_BM_BASE + 8.  Every wait is bounded
 * (PIT channel 2 as the clock, so BSP only): a dead device gives
 * IDE_E_TIMEOUT, never a hang.
 *
 * Return values of the functions below:
 *   >= 0                 success (ata_*: 0; atapi_packet: bytes read)
 *   IDE_E_TIMEOUT (-1)   BSY/DRQ/DMA did not settle in time
 *   IDE_E_INVAL (-2)     bad arguments (count 0 or too big, LBA48 needed
 *                        but not supported, odd DMA buffer, ...)
 *   IDE_E_NODEV (-3)     no drive answered (ide_probe), or wrong kind
 *   IDE_E_DMA (-4)       bus-master status Error bit set
 *   IDE_E_PROTO (-5)     the device broke the protocol (DRQ missing or
 *                        left set, ATAPI interrupt reason wrong)
 *   IDE_E_DEV(err)       the device ended the command with ERR (or DF) in
 *                        Status; `err` is the Error register (ABRT 0x04,
 *                        IDNF 0x10, UNC 0x40, ...); IDE_E_DEV_ERR(r)
 *                        recovers it
 *   IDE_E_SENSE(k,a,q)   atapi_packet only: CHECK CONDITION; the function
 *                        itself issued REQUEST SENSE and returns sense key
 *                        k, ASC a, ASCQ q (IDE_E_SENSE_KEY/ASC/ASCQ(r)).
 *                        If REQUEST SENSE fails too: IDE_E_DEV(err) with
 *                        the Error register of the failed packet command
 *                        (its top nibble is the sense key).
 */
#define IDE_BM_BASE 0xC040
#define IDE_E_TIMEOUT (-1)
#define IDE_E_INVAL (-2)
#define IDE_E_NODEV (-3)
#define IDE_E_DMA (-4)
#define IDE_E_PROTO (-5)
#define IDE_E_DEV(err) (-(0x100 | (int)(err)))
#define IDE_E_IS_DEV(r) ((r) < 0 && (r) > -0x200 && ((-(r)) & 0x100))
#define IDE_E_DEV_ERR(r) ((unsigned)(-(r)) & 0xFF)
#define IDE_E_SENSE(k, a, q) \
	(-(0x1000000 | ((int)(k) << 16) | ((int)(a) << 8) | (int)(q)))
#define IDE_E_IS_SENSE(r) ((r) < 0 && ((-(r)) & 0x1000000))
#define IDE_E_SENSE_KEY(r) (((unsigned)(-(r)) >> 16) & 0xF)
#define IDE_E_SENSE_ASC(r) (((unsigned)(-(r)) >> 8) & 0xFF)
#define IDE_E_SENSE_ASCQ(r) ((unsigned)(-(r)) & 0xFF)

/* ATA Status and Error bits, bus-master registers and bits. */
#define ATA_SR_ERR 0x01
#define ATA_SR_DRQ 0x08
#define ATA_SR_DF 0x20
#define ATA_SR_DRDY 0x40
#define ATA_SR_BSY 0x80
#define ATA_ER_ABRT 0x04
#define ATA_ER_IDNF 0x10
#define ATA_CTL_NIEN 0x02
#define ATA_CTL_SRST 0x04
#define BM_CMD 0	/* bit 0 Start, bit 3 Read (device to memory) */
#define BM_STATUS 2	/* bit 0 Active, 1 Error, 2 Interrupt (RWC) */
#define BM_PRDT 4
#define BM_CMD_START 0x01
#define BM_CMD_READ 0x08
#define BM_ST_ACTIVE 0x01
#define BM_ST_ERROR 0x02
#define BM_ST_INTR 0x04

struct ide_drive {
	uint16_t cmd, ctl, bm;	/* command block, control block, bus master */
	unsigned slave;		/* 0 master, 1 slave */
	bool present, atapi, lba48;
	uint64_t sectors;	/* user-addressable sectors (ATA only) */
	uint16_t id[256];	/* IDENTIFY (PACKET) DEVICE data */
	bool irq;		/* DMA completion by INTRQ (ide_irq_mode) */
};

/*
 * Finds 8086:7010, sets BAR4 := IDE_BM_BASE, command |= I/O + bus master,
 * and the IDETIM decode-enable bits.  0, or -1 if there is no PIIX3 IDE.
 */
int ide_init(void);
/*
 * Fills *d for the drive at `channel` (0/1), `slave` (0/1): selects it,
 * sets nIEN, issues IDENTIFY DEVICE and, when that aborts with the ATAPI
 * signature (0x14/0xEB in LBA mid/high), IDENTIFY PACKET DEVICE.  0 if a
 * drive answered (d->present), else a negative value.
 */
int ide_probe(unsigned channel, unsigned slave, struct ide_drive *d);
/*
 * Channel 0 only: on, clears nIEN and waits for the end of each DMA
 * command (ata_dma*) halted (sti; hlt) until IRQ 14 (through the 8259s,
 * pic_init(); PIT channel 0 ticks at 18.2 Hz as IRQ 0 to bound the wait),
 * then checks the bus master once; off, sets nIEN and polls again.  Other
 * commands always poll (Alternate Status does not clear INTRQ).  0, or
 * IDE_E_INVAL.
 */
int ide_irq_mode(struct ide_drive *d, bool on);
/*
 * READ/WRITE SECTOR(S) of `count` 512-byte sectors at `lba`, the EXT forms
 * when lba + count goes beyond 28 bits or count > 256.  count 1-256
 * (1-65536 with LBA48).
 */
int ata_pio(struct ide_drive *d, bool write, uint64_t lba, unsigned count,
	    void *buf);
/*
 * READ/WRITE DMA (EXT: as ata_pio) through the bus master; the PRD table is
 * built inside, entries split at 64 KiB boundaries.  buf is physically
 * contiguous (identity-mapped) and 2-byte aligned, below 4 GiB.
 */
int ata_dma(struct ide_drive *d, bool write, uint64_t lba, unsigned count,
	    void *buf);
/*
 * Any PIO data command (READ/WRITE SECTOR(S) [EXT], READ/WRITE MULTIPLE
 * [EXT], ...): `ext` writes the high-order task file bytes first; `block`
 * is the sectors per DRQ block (1, or the SET MULTIPLE MODE count).
 */
int ata_pio_cmd(struct ide_drive *d, uint8_t command, bool ext, bool write,
		uint64_t lba, unsigned count, unsigned block, void *buf);
/* Any DMA data command (READ/WRITE DMA [EXT]), as ata_dma. */
int ata_dma_cmd(struct ide_drive *d, uint8_t command, bool ext, bool write,
		uint64_t lba, unsigned count, void *buf);
/* FLUSH CACHE, or FLUSH CACHE EXT on an LBA48 drive. */
int ata_flush(struct ide_drive *d);
/*
 * A non-data command (SET FEATURES, SET MULTIPLE MODE, ...): Features,
 * Sector Count and the low 28 LBA bits as given, then `command`.
 */
int ata_nodata(struct ide_drive *d, uint8_t command, uint8_t feature,
	       uint8_t count, uint32_t lba);
/*
 * The pieces, for tests of the protocol itself: selects d (LBA mode,
 * `head` in bits 3-0), waiting for BSY and DRQ to clear before and after;
 * waits until (Alternate Status & mask) == want or ERR/DF appears.  Both
 * return the last status read or IDE_E_TIMEOUT.
 */
int ide_select(struct ide_drive *d, unsigned head);
int ide_wait(struct ide_drive *d, uint8_t mask, uint8_t want, unsigned ms);
/*
 * The runner's disk pattern (mkpattern.py): dword i of 512-byte sector n is
 * n * 0x9E3779B1 + i + seed (mod 2^32); the images start with seed 0.
 * Both run in ring 3 (run_user), BSP only.  ide_pattern_check returns -1
 * if `count` sectors at buf hold sectors first.. with `seed`, else the
 * index of the first wrong dword.
 */
#define IDE_PATTERN_MUL 0x9E3779B1u
void ide_pattern_fill(void *buf, uint64_t first, unsigned count,
		      uint32_t seed);
long ide_pattern_check(const void *buf, uint64_t first, unsigned count,
		       uint32_t seed);
/*
 * Sends a 12-byte packet and reads up to `len` bytes of data-in by PIO
 * (Byte Count Limit = min(len, 0xFFFE) rounded down to even; bytes beyond
 * `len` are drained and dropped).  Returns the bytes stored (<= len), or an
 * error as above: IDE_E_SENSE(key, asc, ascq) on CHECK CONDITION.
 */
int atapi_packet(struct ide_drive *d, const uint8_t cdb[12], void *buf,
		 unsigned len);

#endif
