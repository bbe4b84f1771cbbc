/* SPDX-License-Identifier: MIT */
/*
 * safepc-hv internals: one KVM VM, its vCPU threads, and the ioreq servers
 * (device models) that serve the guest's port and MMIO accesses.
 *
 * Threads: the main thread serves the monitor's control socket and every
 * DM's dm_op socket; each vCPU thread runs KVM_RUN and forwards exits.
 * The routing table is written only by the main thread under `ranges_lock`.
 */
#ifndef SAFEPC_HV_HV_H
#define SAFEPC_HV_HV_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>

#include "common/guestmem.h"
#include "hv/accel.h"
#include "proto/dm_op.h"
#include "proto/hvctl.h"
#include "proto/ioreq.h"
#include "proto/fds.h"

#define HV_MAX_VCPUS IOREQ_MAX_VCPUS
#define HV_MAX_DMS LAUNCH_HV_MAX_DMS
#define HV_MAX_GRANTS 32
#define HV_MAX_RANGES 128
#define HV_NR_GSIS 24 /* IOAPIC pins; 0-15 are the ISA IRQs */
/* How long a vCPU spins for a DM's answer before it sleeps on the futex. */
#define IOREQ_SPIN_NS 50000

/* firmware.c: the BIOS image and the PAM-controlled window. */
#define FW_WINDOW_START 0xC0000u
#define FW_PAM_BLOCK 0x4000u
#define FW_PAM_BLOCKS 16u

/* What the monitor allows one DM to claim (its manifest). */
struct hv_grant {
	uint32_t type; /* enum dm_op_range_type */
	uint64_t start, end; /* inclusive */
};

struct hv_dm {
	int idx;
	char tag[32];
	int dm_op_fd;
	int evt_fd;
	struct ioreq_page *page;
	struct hv_grant grants[HV_MAX_GRANTS];
	unsigned nr_grants;
	uint32_t irq_mask;	/* ISA IRQs it may drive */
	int may_shutdown;
	int may_route;		/* may set PIRQ link routes (chipset) */
	int may_pam;		/* may set the BIOS window's decoding */
	atomic_int dead;
	int ready;
	unsigned bad_msgs;
	pthread_mutex_t buf_lock; /* posted-write producer */
};

struct hv_range {
	uint32_t type;
	uint32_t flags;
	uint64_t start, end;
	struct hv_dm *dm;
};

struct hv_vcpu {
	int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	struct hv_vm *vm;
	int64_t spin_ns; /* longest wait spin for an answer: IOREQ_SPIN_NS */
};

struct hv_vm {
	char tag[32];
	const struct hv_accel *accel;
	void *soft;		/* the soft accelerator's state (soft_accel.c) */
	pthread_mutex_t irq_lock;
	uint32_t irq_sources[HV_NR_GSIS]; /* bitmap of asserting sources */
	int kvm_fd, vm_fd, ctl_fd, ram_fd, kernel_fd;
	struct guestmem mem;
	uint64_t ram_bytes;
	int run_size;
	unsigned nr_vcpus;
	struct hv_vcpu vcpus[HV_MAX_VCPUS];
	unsigned nr_dms;
	struct hv_dm dms[HV_MAX_DMS];
	pthread_rwlock_t ranges_lock;
	struct hv_range ranges[HV_MAX_RANGES];
	unsigned nr_ranges;
	int no_seccomp;
	int floor_port; /* -1, or a port hv answers itself (benchmark) */
	uint8_t floor_val;
	int64_t dm_timeout_ns;
	/*
	 * The one way the routing core (ioreq.c, dm_op.c, pci.c) reports a
	 * faulty DM. In safepc-hv it is hv_dm_fault (main.c): stop the
	 * domain with HVCTL_REASON_DM_FAULT and exit. Unit tests set their
	 * own, which records the report and longjmps out: it never returns.
	 */
	void (*dm_fault)(struct hv_vm *vm, struct hv_dm *dm, const char *fmt,
			 ...) __attribute__((format(printf, 3, 4), noreturn));
	atomic_int stopping;
	atomic_int paused;
	pthread_mutex_t pause_lock;
	pthread_cond_t pause_cond;
	/* PCI: the config-address register and INTx routing (pci.c). */
	atomic_uint pci_cf8;
	pthread_mutex_t intx_lock;
	uint8_t link_route[4];	/* ISA IRQ of PIRQA-D, or DM_OP_LINK_DISABLED */
	uint32_t intx_asserted[4]; /* per link: bitmap of asserting sources */
	struct { uint32_t bdf, pin; } intx_src[32];
	unsigned nr_intx_src;
	uint8_t *fw;		/* firmware image, or NULL (multiboot boot) */
	uint64_t fw_size;
	int boot_firmware;	/* start at the reset vector */
	pthread_mutex_t pam_lock;
	uint8_t pam[FW_PAM_BLOCKS]; /* enum dm_op_mem_type per 16 KiB block */
	const char *cmdline;
	uint64_t kernel_start, kernel_end; /* where the image was loaded */
	unsigned nr_modules;
	int module_fds[8];
	const char *module_args[8];
};

int firmware_load(struct hv_vm *vm, int fd);
int firmware_window_update(struct hv_vm *vm);
int firmware_mmio(struct hv_vm *vm, uint64_t gpa, unsigned size, int is_write,
		  uint8_t *data);
int firmware_set_pam(struct hv_vm *vm, uint64_t start, uint64_t size,
		     unsigned mode);
uint8_t *firmware_page(struct hv_vm *vm, uint64_t gpa, int write);

/* vcpu.c */
#define VCPU_KICK_SIGNAL SIGUSR1
int vcpu_start_all(struct hv_vm *vm);
void vcpu_kick_all(struct hv_vm *vm);
void vcpu_wait_unpaused(struct hv_vm *vm);

/* boot.c: the multiboot trampoline (real mode -> 32-bit flat). */
#define BOOT_TRAMPOLINE 0x7000u
#define BOOT_TRAMPOLINE_ENTRY 0x7020u
int boot_trampoline_write(struct hv_vm *vm);

/*
 * boot_linux.c: loads the bzImage in kernel_fd and the initrd (-1: none)
 * with the ACPI tables for direct boot; vCPU 0 starts at *start_ip in real
 * mode (the loader's own stub, not the multiboot trampoline). 0, or
 * -errno with one line in err.
 */
int boot_linux(struct hv_vm *vm, int kernel_fd, int initrd_fd,
	       uint32_t *start_ip, char *err, size_t errlen);

/* irq.c: interrupt lines with several sources (Xen's gsi_assert_count). */
enum hv_irq_source {
	HV_IRQ_SRC_DM0 = 0,	/* + DM index: set_isa_irq_level */
	HV_IRQ_SRC_LINK0 = HV_MAX_DMS, /* + PIRQ link: PCI INTx */
	HV_IRQ_SRC_NR = HV_MAX_DMS + 4,
};
int hv_irq_set(struct hv_vm *vm, unsigned gsi, unsigned source, int level);

/* ioreq.c: route one access; data is in/out, `count` elements of `size`. */
void ioreq_pio(struct hv_vcpu *vcpu, uint16_t port, unsigned size,
	       unsigned count, int is_write, uint8_t *data);
void ioreq_mmio(struct hv_vcpu *vcpu, uint64_t gpa, unsigned size,
		int is_write, uint8_t *data);
int ioreq_dm_init(struct hv_vm *vm, struct hv_dm *dm, int ioreq_fd);
/*
 * ioreq_event - posts platform event `event` (enum ioreq_event) to every
 * DM. Returns the number of DMs it reached; a DM whose ring stays full
 * for IOREQ_EVENT_WAIT_NS misses it (logged).
 */
unsigned ioreq_event(struct hv_vm *vm, uint32_t event);

/* pci.c: config mechanism #1; 1 when it handled the access. */
int pci_pio(struct hv_vcpu *vcpu, uint16_t port, unsigned size,
	    unsigned count, int is_write, uint8_t *data);
int pci_set_intx(struct hv_vm *vm, struct hv_dm *dm, uint32_t bdf,
		 uint32_t pin, uint32_t level);
int pci_set_link_route(struct hv_vm *vm, uint32_t link, uint32_t irq);
void pci_init(struct hv_vm *vm);
void ioreq_pci_config(struct hv_vcpu *vcpu, struct hv_dm *dm, uint32_t bdf,
		      unsigned reg, unsigned size, int is_write,
		      uint8_t *data);
int ioreq_find_pci(struct hv_vm *vm, uint32_t bdf, struct hv_dm **dm);

/* dm_op.c */
void dm_op_handle(struct hv_vm *vm, struct hv_dm *dm);
void dm_op_dm_gone(struct hv_vm *vm, struct hv_dm *dm, const char *why);

/* main.c: stops the domain once; reports to the monitor, then exits. */
void hv_stop(struct hv_vm *vm, uint32_t reason, int32_t code,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5),
						  noreturn));

#endif
