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
 * access: returns the guest-physical address and, in *flags, SOFT_TLB_W/
 * U/X/G as they hold for that privilege. Sets A (and D on a write) bits.
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

/* ---- cpuid.c ---- */

/* The CPUID leaf 1 EAX signature, also EDX after reset. */
uint32_t sys_cpuid_signature(void);

/* ---- mem.c ---- */

/* A host pointer to guest-physical gpa when RAM (NULL otherwise). */
uint8_t *sys_gpa_ptr(struct soft_cpu *cpu, uint64_t gpa, int write);

/* ---- seg.c ---- */

/* Reads the 8-byte descriptor of `sel` (GDT or LDT); -1 when past the
 * table's limit (or the LDT is unusable). */
int sys_desc_read(struct soft_cpu *cpu, uint16_t sel, uint64_t *desc);
/* Writes the descriptor's access byte (accessed / busy bits). */
void sys_desc_set_access(struct soft_cpu *cpu, uint16_t sel, uint8_t access);
/* Unpacks a legacy descriptor into a segment cache. */
void sys_desc_to_seg(uint64_t desc, uint16_t sel, struct soft_seg *s);
/* Loads a segment register without checks (real mode, vm86, SYSCALL). */
void sys_seg_real(struct soft_cpu *cpu, int sreg, uint16_t sel);
/* Loads CS or SS from a checked descriptor/fixed value. */
void sys_seg_set(struct soft_cpu *cpu, int sreg, uint16_t sel, uint64_t base,
		 uint32_t limit, uint16_t attr);
/* After a return to an outer ring: null DS/ES/FS/GS the new CPL may not
 * use (data or non-conforming code with DPL < CPL). */
void sys_null_outer_segs(struct soft_cpu *cpu);
/* Checks and loads CS for a far transfer to `sel` at privilege `cpl`
 * (checked by the caller); used by IRET and RETF. */
void sys_load_cs_checked(struct soft_cpu *cpu, uint16_t sel, uint64_t desc,
			 unsigned new_cpl);
/* Checks an SS selector/descriptor for loading at `cpl`; raises `vec`
 * (#TS or #GP) when invalid; returns the descriptor. */
uint64_t sys_check_ss(struct soft_cpu *cpu, uint16_t sel, unsigned cpl,
		      unsigned vec);

/* ---- except.c ---- */

/* Stack helpers on a linear stack: push/pop with size, for delivery and
 * far transfers; `sp` is updated by the caller. */
void sys_push(struct soft_cpu *cpu, const struct soft_seg *ss, uint64_t *sp,
	      unsigned ssize, unsigned size, uint64_t v);
uint64_t sys_pop(struct soft_cpu *cpu, const struct soft_seg *ss, uint64_t *sp,
		 unsigned ssize, unsigned size);
/* The stack pointer width of a stack segment: 2, 4 or 8 bytes. */
unsigned sys_stack_size(const struct soft_cpu *cpu, const struct soft_seg *ss);
/* Writes RSP keeping the untouched upper bits of a 16-bit stack. */
void sys_set_sp(struct soft_cpu *cpu, uint64_t sp, unsigned ssize);

#endif
