/* SPDX-License-Identifier: MIT */
/*
 * Private helpers shared by the soft CPU's system files (mem.c, paging.c,
 * seg.c, except.c, sysinsn.c, msr.c, cpuid.c). Nothing here is part of the
 * core/system contract in cpu.h.
 */
#ifndef SAFEPC_HV_SOFT_SYS_H
#define SAFEPC_HV_SOFT_SYS_H

#include <stdint.h>

#include "hv/soft/cpu.h"

#define SYS_PAGE 4096u
#define SYS_PAGE_MASK (~(uint64_t)0xfff)

/* The guest's physical address width, as CPUID 0x80000008 reports it. */
#define SYS_PHYS_BITS 40
#define SYS_PHYS_MASK (((uint64_t)1 << SYS_PHYS_BITS) - 1)

/* MSR numbers the system files share. */
#define MSR_EFER 0xc0000080u

static inline int sys_canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* Implicit supervisor access or CPL 3 data access: 1 when user. */
static inline int sys_user(const struct soft_cpu *cpu, int sys)
{
	return !sys && cpu->cpl == 3;
}

/* Is guest-physical `gpa` on a page some vCPU decoded code from? */
static inline int sys_code_page(const struct soft_vm *vm, uint64_t gpa)
{
	uint64_t pg = gpa >> 12;

	if (!vm || !vm->code_bits || pg >= vm->ram_pages)
		return 0;
	return (atomic_load_explicit(&vm->code_bits[pg >> 3],
				     memory_order_relaxed) >>
		(pg & 7)) & 1;
}

/* ---- paging.c ---- */

/*
 * Translates linear `lin` for `acc` as a user (`user`) or supervisor
 * access: returns the guest-physical address and, in *flags, what the
 * tables allow whoever asks: SOFT_TLB_W (R/W at every level), U (U/S at
 * every level), X (no NX), G. Sets A (and D on a write) bits.
 * Raises #PF (CR2 = lin) on failure; never returns then.
 */
uint64_t sys_translate(struct soft_cpu *cpu, uint64_t lin,
		       enum soft_access acc, int user, unsigned *flags);
/* Same, without faulting: 0 and *gpa set, or SYS_PF_FAULT | the #PF
 * error code (an error code can be 0). */
#define SYS_PF_FAULT 0x10000
int sys_translate_try(struct soft_cpu *cpu, uint64_t lin, enum soft_access acc,
		      int user, uint64_t *gpa, unsigned *flags);
/* PAE (not long mode): loads the 4 PDPTEs from CR3; -1 when they are
 * invalid (the caller raises #GP(0)), 0 when loaded. */
int sys_load_pdptes(struct soft_cpu *cpu);

/* ---- reset.c ---- */

/* soft_mode_update, and drops decoded code when the mode changed. */
void sys_mode_refresh(struct soft_cpu *cpu);

/* ---- msr.c ---- */

/* The guest's TSC now: the host clock scaled to SOFT_TSC_KHZ + offset. */
uint64_t sys_tsc(struct soft_cpu *cpu);

/* ---- cpuid.c ---- */

/* The CPUID leaf 1 EAX signature, also EDX after reset. */
uint32_t sys_cpuid_signature(void);

/* ---- mem.c ---- */

/* A host pointer to guest-physical gpa when RAM (NULL otherwise). */
uint8_t *sys_gpa_ptr(struct soft_cpu *cpu, uint64_t gpa, int write);

/* ---- seg.c ---- */

/* A system structure's linear address: 32 bits outside IA-32e mode,
 * #GP(0) when non-canonical in it. */
uint64_t sys_lin_sys(struct soft_cpu *cpu, uint64_t lin);
/* The 8-byte descriptor of `sel` (GDT or LDT): 0, or -1 when past the
 * table's limit or the LDT is unusable. _hi: the upper half of a 16-byte
 * system descriptor (IA-32e mode). */
int sys_desc_read(struct soft_cpu *cpu, uint16_t sel, uint64_t *desc);
int sys_desc_read_hi(struct soft_cpu *cpu, uint16_t sel, uint64_t *hi);
/* Sets access-byte `bits` (accessed 0x01, busy 0x02) unless set. */
void sys_desc_set_bits(struct soft_cpu *cpu, uint16_t sel, uint64_t desc,
		       uint8_t bits);
void sys_desc_to_seg(uint64_t desc, uint16_t sel, struct soft_seg *s);
/* Real-mode or vm86 load: selector and base (vm86: limit, attributes). */
void sys_seg_real(struct soft_cpu *cpu, int sreg, uint16_t sel);
/* Checks an SS for use at `cpl`: `vec` (#GP or #TS) or #SS; the desc. */
uint64_t sys_check_ss(struct soft_cpu *cpu, uint16_t sel, unsigned cpl,
		      unsigned vec);
/* After a return to an outer ring: nulls DS/ES/FS/GS the CPL may not use. */
void sys_null_outer_segs(struct soft_cpu *cpu);
/* Checks a code descriptor and target offset; builds the CS cache. */
void sys_cs_make(struct soft_cpu *cpu, uint16_t sel, uint64_t desc,
		 unsigned new_cpl, uint64_t off, struct soft_seg *cs);
/* Loads CS:RIP and recomputes the mode. */
void sys_cs_commit(struct soft_cpu *cpu, const struct soft_seg *cs,
		   uint64_t rip);
/* The 32/16-bit TSS's SS:ESP for ring `dpl` (#TS past its limit). */
void sys_tss_stack(struct soft_cpu *cpu, unsigned dpl, uint16_t *ss,
		   uint64_t *sp);
/* The 64-bit TSS's RSPn (idx 0-2) or ISTn (idx 3 + n). */
uint64_t sys_tss64_rsp(struct soft_cpu *cpu, unsigned idx);

/* ---- sysstack.c ---- */

/*
 * A stack being pushed or popped by a far transfer or an event delivery:
 * its segment cache (maybe not loaded yet), pointer and width. Accesses
 * are checked as SS accesses (#SS(err)); `sys` makes them supervisor
 * accesses (a stack of CPL 0-2).
 */
struct sys_stack {
	struct soft_seg ss;
	uint64_t sp;
	unsigned ssize; /* 2, 4 or 8 */
	int lm;		/* 64-bit: canonical checks only */
	int prot;	/* protected mode: type and P checks */
	int sys;
	int32_t err;	/* #SS error code */
};
/* The stack pointer width of SS in the current mode: 2, 4 or 8. */
unsigned sys_stack_size(const struct soft_cpu *cpu, const struct soft_seg *ss);
/* The current SS:RSP, accessed at the current CPL. */
void sys_stk_cur(struct soft_cpu *cpu, struct sys_stack *s);
void sys_stk_push(struct soft_cpu *cpu, struct sys_stack *s, unsigned size,
		  uint64_t v);
uint64_t sys_stk_pop(struct soft_cpu *cpu, struct sys_stack *s, unsigned size);
void sys_stk_skip(struct sys_stack *s, uint64_t bytes);
/* Writes the pointer back to RSP (only the stack's width of it). */
void sys_stk_commit(struct soft_cpu *cpu, const struct sys_stack *s);

#endif
