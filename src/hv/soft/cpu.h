/* SPDX-License-Identifier: MIT */
/*
 * The soft CPU's internal contract: the architectural state of one vCPU and
 * the calls between its parts. Two groups of files share it:
 *
 *   core   (decode.c, exec.c, alu.c, string.c, ...): the decoder, the
 *          decoded-instruction cache, the run loop, integer/BCD/string
 *          instructions, lazy flags, near control flow, the stack.
 *   system (mem.c, paging.c, seg.c, except.c, sysinsn.c, msr.c, cpuid.c):
 *          the memory front end (segmentation, paging, TLB, RAM/MMIO),
 *          exceptions and interrupt delivery, far transfers, mode changes,
 *          control/debug registers, MSRs, CPUID, SYSCALL/SYSENTER.
 *
 * The soft CPU is pure: it reaches guest RAM, MMIO, ports, the LAPIC and
 * the clock only through `struct soft_ops` (soft.h), so unit tests and
 * fuzzers drive it without a VM.
 *
 * Faults: soft_raise() never returns; it longjmps to the run loop, which
 * rewinds RIP to the faulting instruction (cpu->ip_start) and delivers the
 * exception. Handlers therefore finish every access that can fault before
 * they change architectural state, as the hardware's precise faults do.
 *
 * The protocol in detail: soft_raise(v, e) stores pend_vec = v and
 * pend_err = e and does longjmp(cpu->fault_jmp, 1). The run loop (core)
 * then sets rip = ip_start, clears the interrupt shadow and calls
 * soft_deliver(cpu, SOFT_EV_EXC, pend_vec, pend_err). soft_deliver
 * (system) tracks nesting itself through exc_depth/exc_vector: it turns a
 * second contributory fault (or a #PF during #PF delivery) into #DF, and a
 * fault while delivering #DF into a triple fault by setting
 * cpu->shutdown, after which the run loop returns SOFT_EXIT_SHUTDOWN. A
 * fault inside soft_deliver longjmps to the same place again. The run
 * loop sets exc_depth = 0 each time an instruction completes or a
 * delivery completes (soft_deliver returns).
 */
#ifndef SAFEPC_HV_SOFT_CPU_H
#define SAFEPC_HV_SOFT_CPU_H

#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>

#include "hv/soft/soft.h"

/* General registers, in encoding order. */
enum soft_gpr {
	R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI,
	R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
};

/* Segment registers, in encoding order (Sreg field of MOV Sreg). */
enum soft_sreg { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_NR };

/* RFLAGS bits. */
#define F_CF (1u << 0)
#define F_1 (1u << 1)
#define F_PF (1u << 2)
#define F_AF (1u << 4)
#define F_ZF (1u << 6)
#define F_SF (1u << 7)
#define F_TF (1u << 8)
#define F_IF (1u << 9)
#define F_DF (1u << 10)
#define F_OF (1u << 11)
#define F_IOPL (3u << 12)
#define F_NT (1u << 14)
#define F_RF (1u << 16)
#define F_VM (1u << 17)
#define F_AC (1u << 18)
#define F_VIF (1u << 19)
#define F_VIP (1u << 20)
#define F_ID (1u << 21)
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

/* Control register and EFER bits the CPU acts on. */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)
#define CR4_VME (1u << 0)
#define CR4_PVI (1u << 1)
#define CR4_TSD (1u << 2)
#define CR4_DE (1u << 3)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_MCE (1u << 6)
#define CR4_PGE (1u << 7)
#define CR4_PCE (1u << 8)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

/* Exception vectors. */
enum soft_vector {
	V_DE = 0, V_DB = 1, V_NMI = 2, V_BP = 3, V_OF = 4, V_BR = 5, V_UD = 6,
	V_NM = 7, V_DF = 8, V_TS = 10, V_NP = 11, V_SS = 12, V_GP = 13,
	V_PF = 14, V_MF = 16, V_AC = 17, V_MC = 18, V_XM = 19,
};

/* #PF error-code bits. */
#define PFEC_P (1u << 0)
#define PFEC_W (1u << 1)
#define PFEC_U (1u << 2)
#define PFEC_RSVD (1u << 3)
#define PFEC_I (1u << 4)

/*
 * A segment register with its hidden descriptor cache. `attr` packs the
 * descriptor's access byte (bits 0-7: type 0-3, S 4, DPL 5-6, P 7) and
 * its flags nibble (bit 8 AVL, 9 L, 10 D/B, 11 G); `limit` is the
 * effective byte limit (G already applied). A real-mode load changes
 * `sel` and `base` only.
 */
struct soft_seg {
	uint64_t base;
	uint32_t limit;
	uint16_t sel;
	uint16_t attr;
};
#define SEG_A_TYPE 0x00fu
#define SEG_A_S 0x010u
#define SEG_A_DPL(a) (((a) >> 5) & 3u)
#define SEG_A_P 0x080u
#define SEG_A_L 0x200u
#define SEG_A_DB 0x400u
#define SEG_A_G 0x800u

struct soft_dtr {
	uint64_t base;
	uint32_t limit;
};

/*
 * The operating mode as the decoder needs it; recomputed by
 * soft_mode_update() after anything that changes CR0.PE, EFER.LMA,
 * RFLAGS.VM or the CS cache.
 */
enum soft_mode {
	M_REAL,	  /* CR0.PE = 0 */
	M_VM86,	  /* RFLAGS.VM = 1 */
	M_PROT16, /* protected or compatibility mode, CS.D = 0 */
	M_PROT32, /* protected or compatibility mode, CS.D = 1 */
	M_LONG64, /* EFER.LMA = 1 and CS.L = 1 */
};

/* Memory access kinds, for the front end's checks and #PF codes. */
enum soft_access { A_READ = 0, A_WRITE = 1, A_EXEC = 2 };

/* One software-TLB entry: a linear page that maps to RAM. */
struct soft_tlb_entry {
	uint64_t tag;	/* linear page | valid bit 0; ~0 = empty */
	uint8_t *host;	/* host address of the page's first byte */
	uint64_t gpa;	/* guest-physical page */
	uint32_t flags; /* SOFT_TLB_* */
};
#define SOFT_TLB_SIZE 256
#define SOFT_TLB_W (1u << 0)	  /* writable at the CPL it was filled for */
#define SOFT_TLB_U (1u << 1)	  /* user-accessible */
#define SOFT_TLB_X (1u << 2)	  /* executable */
#define SOFT_TLB_G (1u << 3)	  /* global page */
#define SOFT_TLB_CODE (1u << 4)	  /* page holds decoded code: writes slow */
#define SOFT_TLB_DIRTY (1u << 5)  /* D bit already set in the PTE */

struct soft_cpu {
	/* ---- architectural state ---- */
	uint64_t gpr[16];
	uint64_t rip;
	/* RFLAGS: the non-arithmetic bits live in `rflags`; CF PF AF ZF SF
	 * OF are computed from the lazy-flags record (core owns it; use
	 * soft_get_rflags / soft_set_rflags everywhere else). */
	uint64_t rflags;
	uint64_t lf_res, lf_src1, lf_src2;
	uint32_t lf_op;	      /* core's encoding of the last flag setter */
	uint32_t lf_aux;
	struct soft_seg seg[S_NR];
	struct soft_seg ldtr, tr;
	struct soft_dtr gdtr, idtr;
	uint64_t cr0, cr2, cr3, cr4, cr8, efer;
	uint64_t pdpte[4];	/* PAE: PDPTEs loaded with CR3 (system) */
	uint64_t dr[8];
	/* MSRs kept in the CPU (the LAPIC's live in soft_ops). */
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t pat, tsc_aux, misc_enable, mtrr_def_type;
	uint64_t mtrr_fixed[11], mtrr_var[16];
	int64_t tsc_offset; /* guest TSC = ops->clock_ns scaled + offset */
	int64_t tsc_adjust; /* IA32_TSC_ADJUST: what writes added to it */
	/* x87/MMX/SSE: the FXSAVE image (512 bytes), kept in that layout. */
	uint8_t fxsave[512] __attribute__((aligned(16)));

	/* ---- derived and run state ---- */
	unsigned cpl;
	enum soft_mode mode;
	uint64_t ip_start;	/* RIP of the instruction being run */
	unsigned shadow;	/* STI / MOV SS interrupt shadow pending */
	int halted;		/* HLT until an interrupt */
	int wait_sipi;		/* after INIT: waits for a start-up IPI */
	int nmi_blocked;	/* between NMI delivery and IRET */
	/* Exception in flight, for #DF and triple-fault detection. */
	int exc_depth;
	int exc_vector;
	int pend_vec;		/* set by soft_raise() */
	int32_t pend_err;	/* its error code, < 0: none */
	int shutdown;		/* triple fault: soft_cpu_run returns */
	uint64_t icount;	/* instructions retired */

	/* ---- software TLB (system owns it) ---- */
	struct soft_tlb_entry tlb_r[SOFT_TLB_SIZE];
	struct soft_tlb_entry tlb_w[SOFT_TLB_SIZE];
	struct soft_tlb_entry tlb_x[SOFT_TLB_SIZE];
	unsigned tlb_cpl;	/* CPL class the entries were filled for */

	/* ---- the decoded-instruction cache (core owns it) ---- */
	void *icache;

	/* ---- requests from other threads (soft_cpu_request) ---- */
	atomic_uint req;	/* SOFT_REQ_* bits */
	atomic_uint sipi_vector;

	/* ---- the world outside ---- */
	unsigned id;		/* vCPU index = initial APIC id */
	struct soft_vm *vm;
	const struct soft_ops *ops;
	void *ctx;
	jmp_buf fault_jmp;	/* soft_raise() lands here */
};

/*
 * Per-VM state shared by every vCPU: which guest-physical pages hold
 * decoded code (one bit per 4 KiB page), a write generation per page, and
 * the lock for LOCK-prefixed operations that cannot be done with one host
 * atomic (split across pages, or on MMIO).
 */
struct soft_vm {
	uint64_t ram_pages;	/* pages covered by the arrays below */
	_Atomic uint8_t *code_bits;  /* 1: some vCPU decoded code here */
	_Atomic uint32_t *code_gen;  /* bumped when a code page is written */
	atomic_flag lock_slow;
	atomic_uint nr_cpus;
	/* core: per page, which 64-byte chunks hold decoded code (a write
	 * elsewhere in a code page leaves its decoded blocks valid). */
	_Atomic uint64_t *code_chunks;
	/* The first vCPU's power-on TSC offset (INT64_MIN: none yet): every
	 * vCPU counts from that moment, so their TSCs agree (soft_cpu_new). */
	_Atomic int64_t tsc_epoch;
};

/* ================= core (decode.c, exec.c, alu.c ...) ================= */

/* RFLAGS with the arithmetic flags materialised from the lazy record. */
uint64_t soft_get_rflags(struct soft_cpu *cpu);
/* Sets every RFLAGS bit (reserved bits forced as hardware forces them). */
void soft_set_rflags(struct soft_cpu *cpu, uint64_t v);
/* Drops decoded code of guest-physical [gpa, gpa + len) on every vCPU. */
void soft_code_written(struct soft_vm *vm, uint64_t gpa, uint64_t len);
/* Drops this vCPU's whole decoded cache (mode change, CR0/CR3/CR4). */
void soft_icache_flush(struct soft_cpu *cpu);
/* Sets ZF alone, keeping the other flags (LAR, LSL, VERR, VERW). */
void soft_set_zf(struct soft_cpu *cpu, int zf);

/* ================= system (mem.c, paging.c, seg.c ...) ================= */

/* Raises an exception; never returns. err < 0: no error code. */
void soft_raise(struct soft_cpu *cpu, unsigned vector, int32_t err)
	__attribute__((noreturn));
/* Delivers an event through the IVT/IDT now (run loop only).
 * kind: SOFT_EV_EXT (external interrupt), SOFT_EV_NMI, SOFT_EV_EXC
 * (exception, err < 0: none), SOFT_EV_SOFT (INT n), SOFT_EV_INT3,
 * SOFT_EV_INTO; rip points after the instruction for the last three. */
enum soft_event { SOFT_EV_EXT, SOFT_EV_NMI, SOFT_EV_EXC, SOFT_EV_SOFT,
		  SOFT_EV_INT3, SOFT_EV_INTO };
void soft_deliver(struct soft_cpu *cpu, enum soft_event kind, unsigned vector,
		  int32_t err);

/*
 * Memory front end. `seg` is an S_* index; `off` the effective address
 * already truncated to the address size. These apply segmentation
 * (limit, type, canonical checks), paging (through the TLB) and route
 * to RAM, the ops' MMIO, or raise #GP/#SS/#PF/#AC. Sizes 1, 2, 4, 8;
 * 10 and 16 for x87/SSE through soft_read_buf / soft_write_buf.
 */
uint64_t soft_read(struct soft_cpu *cpu, int seg, uint64_t off, unsigned size);
void soft_write(struct soft_cpu *cpu, int seg, uint64_t off, unsigned size,
		uint64_t val);
void soft_read_buf(struct soft_cpu *cpu, int seg, uint64_t off, void *buf,
		   unsigned len);
void soft_write_buf(struct soft_cpu *cpu, int seg, uint64_t off,
		    const void *buf, unsigned len);
/* Linear-address accesses; `sys` set: an implicit supervisor access
 * (descriptor tables, TSS, IDT), checked as CPL 0. */
uint64_t soft_read_lin(struct soft_cpu *cpu, uint64_t lin, unsigned size,
		       int sys);
void soft_write_lin(struct soft_cpu *cpu, uint64_t lin, unsigned size,
		    uint64_t val, int sys);
/* Linear address of seg:off after the segment checks for `acc`/`size`. */
uint64_t soft_lin(struct soft_cpu *cpu, int seg, uint64_t off, unsigned size,
		  enum soft_access acc);
/*
 * For LOCK-prefixed read-modify-write: a host pointer to `size` bytes of
 * RAM at seg:off, checked for writing, when the operand lies in one page
 * and is RAM; NULL otherwise (the caller then takes vm->lock_slow and
 * uses soft_read/soft_write). Marks the page dirty and code-coherent.
 */
void *soft_rmw_ptr(struct soft_cpu *cpu, int seg, uint64_t off,
		   unsigned size);
/*
 * Instruction fetch: a host pointer to the code bytes at linear `lin`
 * and how many bytes are readable there (to the page end, at most 15
 * needed); sets *gpa to the guest-physical address. Raises #PF/#GP.
 * Returns NULL with *avail = 0 when the code is not in RAM (firmware in
 * MMIO): the caller then fetches with soft_fetch_byte().
 */
const uint8_t *soft_code_ptr(struct soft_cpu *cpu, uint64_t lin,
			     unsigned *avail, uint64_t *gpa);
uint8_t soft_fetch_byte(struct soft_cpu *cpu, uint64_t lin);
/* Drops TLB entries: one linear page, all non-global, or all. */
void soft_tlb_flush_page(struct soft_cpu *cpu, uint64_t lin);
void soft_tlb_flush(struct soft_cpu *cpu, int global_too);

/* Recomputes cpu->mode and cpu->cpl from CR0, EFER, RFLAGS and CS. */
void soft_mode_update(struct soft_cpu *cpu);

/* Segment loads with every protected-mode check (#GP/#NP/#SS/#TS). */
void soft_load_seg(struct soft_cpu *cpu, int sreg, uint16_t sel);
/* Far transfers, as the instructions do them (operand size osz). */
void soft_far_jmp(struct soft_cpu *cpu, uint16_t sel, uint64_t off,
		  unsigned osz);
void soft_far_call(struct soft_cpu *cpu, uint16_t sel, uint64_t off,
		   unsigned osz);
void soft_far_ret(struct soft_cpu *cpu, unsigned osz, uint16_t pop_bytes);
void soft_iret(struct soft_cpu *cpu, unsigned osz);

/*
 * System instructions, one call each from the decoder; `osz` is the
 * operand size in bytes; memory operands as seg:off. Each does its own
 * privilege checks and raises what the SDM says.
 */
void soft_mov_to_cr(struct soft_cpu *cpu, unsigned cr, uint64_t v);
uint64_t soft_mov_from_cr(struct soft_cpu *cpu, unsigned cr);
void soft_mov_to_dr(struct soft_cpu *cpu, unsigned dr, uint64_t v);
uint64_t soft_mov_from_dr(struct soft_cpu *cpu, unsigned dr);
void soft_rdmsr(struct soft_cpu *cpu);	/* ECX -> EDX:EAX */
void soft_wrmsr(struct soft_cpu *cpu);
void soft_cpuid(struct soft_cpu *cpu);	/* EAX, ECX -> EAX..EDX */
void soft_rdtsc(struct soft_cpu *cpu, int rdtscp);
void soft_syscall(struct soft_cpu *cpu);
void soft_sysret(struct soft_cpu *cpu, unsigned osz);
void soft_sysenter(struct soft_cpu *cpu);
void soft_sysexit(struct soft_cpu *cpu, unsigned osz);
void soft_swapgs(struct soft_cpu *cpu);
/* LGDT/LIDT/SGDT/SIDT; which: 0 GDT, 1 IDT, | 2: 16-bit operand size. */
void soft_lgdt_lidt(struct soft_cpu *cpu, int which, int seg, uint64_t off);
void soft_sgdt_sidt(struct soft_cpu *cpu, int which, int seg, uint64_t off);
void soft_lldt(struct soft_cpu *cpu, uint16_t sel);
void soft_ltr(struct soft_cpu *cpu, uint16_t sel);
/* LAR/LSL/VERR/VERW: result in *out, ZF through soft_set_zf(). */
int soft_lar_lsl(struct soft_cpu *cpu, int lsl, uint16_t sel, uint64_t *out);
int soft_verr_verw(struct soft_cpu *cpu, int write, uint16_t sel);
void soft_clts(struct soft_cpu *cpu);
void soft_lmsw(struct soft_cpu *cpu, uint16_t v);
void soft_invlpg(struct soft_cpu *cpu, uint64_t lin);
/* HLT after its CPL check; the run loop then returns SOFT_EXIT_HLT. */
void soft_hlt(struct soft_cpu *cpu);
/* IN/OUT/INS/OUTS permission: IOPL, then the TSS I/O bitmap. */
void soft_io_check(struct soft_cpu *cpu, uint16_t port, unsigned size);
/* CLI/STI/PUSHF/POPF checks live in the core, using cpu->cpl and IOPL. */

/* Power-on or INIT state (SDM vol. 3 "Processor state after reset"). */
void soft_reset_state(struct soft_cpu *cpu, int init);

#endif
