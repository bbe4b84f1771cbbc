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
 * (DESIGN.md §8), so ring-0 code stays small; run_user() runs heavy compute
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
#define PM1A_CNT 0x604

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
struct irq_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* as pushed by the CPU */
};

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

#endif
