/* SPDX-License-Identifier: MIT */
/*
 * lapic: one vCPU's local APIC in xAPIC mode as a pure model, the one KVM
 * keeps in the kernel, for hv's soft CPU.
 *
 * Register page: 4 KiB at the APIC base (default 0xFEE00000) while the
 * APIC is globally enabled (IA32_APIC_BASE bit 11); lapic_mmio_base()
 * says where, or that the page is hidden. Version 0x00050014 (version
 * 0x14, six LVT entries, no EOI-broadcast suppression), as KVM reports.
 * x2APIC is not offered: setting IA32_APIC_BASE.EXTD is a #GP.
 *
 * Time: the timer counts a 1 GHz bus clock (1 ns per tick before the
 * divider, as KVM's APIC_BUS_CYCLE_NS) from the caller's `now_ns`.
 * Periodic mode never fires closer than LAPIC_MIN_PERIOD_NS apart (KVM's
 * min_timer_period_us); missed periods after a host stall are dropped:
 * lapic_advance() fires at most once per call and schedules the next
 * period after `now_ns` in phase. TSC-deadline values are in TSC units,
 * turned into ns by ops->tsc_to_ns, or by lapic_tsc_to_ns() (soft.h's
 * SOFT_TSC_KHZ, TSC = 0 at ns 0) when the caller gives none.
 *
 * Outside world, through struct lapic_ops:
 *  - interrupts and IPIs arrive by lapic_accept() (the glue routes IOAPIC
 *    messages and other LAPICs' IPIs, with lapic_ipi_is_target(),
 *    lapic_match_dest() and lapic_ppr() for lowest priority);
 *  - an ICR write leaves by send_ipi (INIT level de-assert and illegal
 *    vectors are not sent);
 *  - NMI, INIT and SIPI received go to nmi/init/sipi: the glue posts
 *    SOFT_REQ_NMI/INIT/SIPI, and calls lapic_init_reset() when the vCPU
 *    takes the INIT;
 *  - EOI of a level-triggered vector goes to eoi (the IOAPIC broadcast);
 *  - notify says an interrupt may now be deliverable (SOFT_REQ_INTR).
 * The CPU asks lapic_has_intr()/lapic_ack(); LAPIC_EXTINT from them means
 * "run the PIC's INTA cycle instead" (LINT0 in ExtINT mode with the PIC's
 * INT high, an ExtINT message, or the APIC globally disabled).
 *
 * Not reentrant: callers serialise all calls. A callback may call
 * lapic_accept() on any LAPIC, this one included (a self IPI from
 * send_ipi, an IOAPIC re-delivery from eoi); no other call back into the
 * same LAPIC is allowed.
 */
#ifndef SAFEPC_HV_SOFT_LAPIC_H
#define SAFEPC_HV_SOFT_LAPIC_H

#include <stdint.h>

#define LAPIC_BASE_DEFAULT 0xfee00000ull
#define LAPIC_PAGE_SIZE 0x1000u
#define LAPIC_VERSION 0x00050014u
#define LAPIC_MIN_PERIOD_NS 200000
/* lapic_has_intr/lapic_ack: the interrupt comes from the PIC. */
#define LAPIC_EXTINT 256

/* IA32_APIC_BASE (MSR 0x1B). */
#define LAPIC_MSR_APICBASE 0x1bu
#define LAPIC_MSR_TSC_DEADLINE 0x6e0u
#define LAPIC_APICBASE_BSP (1ull << 8)
#define LAPIC_APICBASE_EXTD (1ull << 10)
#define LAPIC_APICBASE_EN (1ull << 11)

/* Register offsets in the page. */
#define LAPIC_ID 0x020u
#define LAPIC_VER 0x030u
#define LAPIC_TPR 0x080u
#define LAPIC_APR 0x090u
#define LAPIC_PPR 0x0a0u
#define LAPIC_EOI 0x0b0u
#define LAPIC_RRD 0x0c0u
#define LAPIC_LDR 0x0d0u
#define LAPIC_DFR 0x0e0u
#define LAPIC_SVR 0x0f0u
#define LAPIC_ISR 0x100u
#define LAPIC_TMR 0x180u
#define LAPIC_IRR 0x200u
#define LAPIC_ESR 0x280u
#define LAPIC_ICR_LO 0x300u
#define LAPIC_ICR_HI 0x310u
#define LAPIC_LVT_TIMER 0x320u
#define LAPIC_LVT_THERMAL 0x330u
#define LAPIC_LVT_PERF 0x340u
#define LAPIC_LVT_LINT0 0x350u
#define LAPIC_LVT_LINT1 0x360u
#define LAPIC_LVT_ERROR 0x370u
#define LAPIC_TMICT 0x380u
#define LAPIC_TMCCT 0x390u
#define LAPIC_TDCR 0x3e0u

/* Delivery modes (ICR, LVT, MSI, IOAPIC). */
#define LAPIC_DM_FIXED 0u
#define LAPIC_DM_LOWEST 1u
#define LAPIC_DM_SMI 2u
#define LAPIC_DM_NMI 4u
#define LAPIC_DM_INIT 5u
#define LAPIC_DM_SIPI 6u
#define LAPIC_DM_EXTINT 7u

/* ICR and LVT fields. */
#define LAPIC_ICR_DESTMOD (1u << 11)
#define LAPIC_ICR_BUSY (1u << 12)
#define LAPIC_ICR_LEVEL (1u << 14)
#define LAPIC_ICR_TRIGGER (1u << 15)
#define LAPIC_ICR_SH_SHIFT 18
#define LAPIC_SH_NONE 0u
#define LAPIC_SH_SELF 1u
#define LAPIC_SH_ALL 2u
#define LAPIC_SH_OTHERS 3u
#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_LVT_REMOTE_IRR (1u << 14)
#define LAPIC_LVT_LEVEL (1u << 15)
#define LAPIC_TIMER_PERIODIC (1u << 17)
#define LAPIC_TIMER_DEADLINE (1u << 18)
#define LAPIC_SVR_ENABLE (1u << 8)

/* ESR bits the model reports. */
#define LAPIC_ESR_SEND_ILLEGAL 0x20u
#define LAPIC_ESR_RECV_ILLEGAL 0x40u
#define LAPIC_ESR_ILLEGAL_REG 0x80u

struct lapic_ops {
	void (*notify)(void *ctx);
	void (*nmi)(void *ctx);
	void (*init)(void *ctx);
	void (*sipi)(void *ctx, uint8_t vector);
	void (*eoi)(void *ctx, uint8_t vector);
	void (*send_ipi)(void *ctx, uint32_t icr_lo, uint32_t icr_hi);
	/* Optional: the ns at which the TSC reaches `tsc`. */
	int64_t (*tsc_to_ns)(void *ctx, uint64_t tsc);
};

enum { LAPIC_LVT_NR = 6 }; /* timer, thermal, perf, LINT0, LINT1, error */

/* Field names follow the SDM's register names. */
struct lapic {
	uint64_t apic_base;	  /* IA32_APIC_BASE */
	uint32_t id;		  /* APIC ID register (ID in 31:24) */
	uint32_t initial_id;	  /* the ID at reset (the vCPU's) */
	uint32_t tpr;
	uint32_t ldr;
	uint32_t dfr;
	uint32_t svr;
	uint32_t esr;		  /* as last latched by an ESR write */
	uint32_t esr_pending;	  /* errors since */
	uint32_t isr[8], tmr[8], irr[8];
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[LAPIC_LVT_NR];
	uint32_t tmict, tdcr;
	uint64_t tsc_deadline;	  /* IA32_TSC_DEADLINE */
	int64_t timer_start_ns;	  /* start of the current count */
	int64_t timer_period_ns;  /* the whole count in ns; 0: stopped */
	int64_t timer_next_ns;	  /* next expiry, INT64_MAX if none */
	uint8_t lint_level[2];	  /* LINT0/LINT1 input levels */
	uint8_t extint_pending;	  /* an ExtINT message waits for INTA */
	uint8_t has_tsc_deadline; /* CPUID.1:ECX.TSC_Deadline (default 1) */
	unsigned maxphyaddr;	  /* for IA32_APIC_BASE reserved bits (40) */
	const struct lapic_ops *ops;
	void *ctx;
};

/* Power-on state for the vCPU with APIC ID `apic_id`; `bsp` sets the BSP
 * flag (and LINT0 as ExtINT, unmasked, as KVM's reset does for the BSP). */
void lapic_init(struct lapic *l, uint8_t apic_id, int bsp,
		const struct lapic_ops *ops, void *ctx, int64_t now_ns);
/* System reset: the power-on state again (the BSP flag is kept). */
void lapic_reset(struct lapic *l, int64_t now_ns);
/* The vCPU took an INIT: the reset state except APIC ID and base MSR. */
void lapic_init_reset(struct lapic *l, int64_t now_ns);

/* Guest-physical base of the register page, or UINT64_MAX while the APIC
 * is globally disabled (the page is not decoded then). */
uint64_t lapic_mmio_base(const struct lapic *l);
/* MMIO at `offset` (0-0xFFF) in the page, size 1-8. Reads of a register's
 * padding read 0; writes other than 4 bytes at a register's start are
 * ignored (the SDM makes every access a 32-bit one). Nothing happens while globally disabled. */
uint64_t lapic_read(struct lapic *l, uint64_t offset, unsigned size,
		    int64_t now_ns);
void lapic_write(struct lapic *l, uint64_t offset, unsigned size, uint64_t val,
		 int64_t now_ns);

/* IA32_APIC_BASE. set: 0, or -EINVAL for reserved bits (the CPU raises
 * #GP). Clearing EN resets the APIC to its power-on state and hides it;
 * setting EN again brings it back in that state. */
uint64_t lapic_get_base(const struct lapic *l);
int lapic_set_base(struct lapic *l, uint64_t val, int64_t now_ns);
/* IA32_TSC_DEADLINE: reads 0 and ignores writes outside TSC-deadline
 * mode; 0 disarms; a deadline already past fires at once. */
uint64_t lapic_get_tsc_deadline(const struct lapic *l);
void lapic_set_tsc_deadline(struct lapic *l, uint64_t tsc, int64_t now_ns);
/* CR8 <-> TPR[7:4]. */
uint64_t lapic_get_cr8(const struct lapic *l);
void lapic_set_cr8(struct lapic *l, uint64_t cr8);

/* An interrupt message for this APIC (already routed to it). Fixed and
 * lowest priority need a software-enabled APIC and a vector >= 16 (else
 * ESR "receive illegal vector"); SMI is dropped (no SMM). */
void lapic_accept(struct lapic *l, unsigned delivery_mode, uint8_t vector,
		  int trigger_level);
/* LINT0 (pin 0) or LINT1 (pin 1) input level, per the LVT entry. */
void lapic_set_lint(struct lapic *l, unsigned pin, int level);

/* The vector the CPU would take now (highest IRR above PPR), LAPIC_EXTINT,
 * or -1. lapic_ack() also moves it IRR -> ISR. */
int lapic_has_intr(const struct lapic *l);
int lapic_ack(struct lapic *l);

/* Destination matching for the glue's routing: does `dest` (8-bit, physical
 * ID or logical MDA; 0xFF broadcasts) name this APIC? 0 while disabled. */
int lapic_match_dest(const struct lapic *l, uint8_t dest, int logical);
/* Is this APIC a target of the IPI `icr_lo/icr_hi` (shorthand included)?
 * `is_sender`: this APIC sent it. */
int lapic_ipi_is_target(const struct lapic *l, int is_sender, uint32_t icr_lo,
			uint32_t icr_hi);
/* Processor priority (for lowest-priority arbitration). */
uint8_t lapic_ppr(const struct lapic *l);

/* Timer: absolute ns of the next expiry (INT64_MAX if none; may be in the
 * past) and delivery of what is due at `now_ns` (at most one). */
int64_t lapic_next_event(const struct lapic *l, int64_t now_ns);
void lapic_advance(struct lapic *l, int64_t now_ns);

/* The default TSC <-> ns conversion (TSC = ns * SOFT_TSC_KHZ / 1e6);
 * lapic_tsc_to_ns saturates at INT64_MAX. */
int64_t lapic_tsc_to_ns(uint64_t tsc);
uint64_t lapic_ns_to_tsc(int64_t ns);

#endif
