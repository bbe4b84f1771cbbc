/* SPDX-License-Identifier: MIT */
/*
 * The soft accelerator: hv runs the guest on its own x86 interpreter
 * (src/hv/soft/) where there is no usable /dev/kvm. The interpreter
 * reaches the world only through the soft_ops below, which send every
 * port and MMIO access down the same ioreq paths as KVM's exits, so the
 * device models cannot tell the two apart. Guest RAM is hv's own mapping
 * of the RAM memfd; the firmware window decodes as firmware.c's PAM table
 * says. hv's PIC, PIT, IOAPIC and LAPICs are in soft_plat.c.
 *
 * A vCPU thread loops on soft_cpu_run(). When the guest halts (or an AP
 * waits for its start-up IPI) the thread sleeps on a futex word that
 * every post bumps, so an idle domain uses no CPU.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/futex.h"
#include "common/log.h"
#include "common/util.h"
#include "hv/accel.h"
#include "hv/hv.h"
#include "hv/soft/cpu.h"
#include "hv/soft_accel.h"

/* Longest sleep of a halted vCPU before it looks at `stopping` again. */
#define SOFT_HALT_SLICE_NS 50000000

static struct hv_soft *soft_of(struct hv_vm *vm)
{
	return vm->soft;
}

/* Drops this vCPU's translations when the memory map changed under it.
 * Runs on the vCPU's own thread: after an access (the PAM write that a
 * vCPU's port access led to) or between runs. */
static void soft_check_remap(struct hv_soft_vcpu *v)
{
	if (atomic_load_explicit(&v->tlb_stale, memory_order_relaxed) &&
	    atomic_exchange(&v->tlb_stale, 0))
		soft_tlb_flush(v->cpu, 1);
}

static uint8_t *soft_ram_page(void *ctx, uint64_t gpa, int write)
{
	struct hv_soft_vcpu *v = ctx;
	struct hv_vm *vm = v->hv->vm;

	gpa &= ~0xfffull;
	if (gpa >= GUESTMEM_HOLE_START && gpa < GUESTMEM_HOLE_END)
		return firmware_page(vm, gpa, write);
	if (gpa >= 0xfe000000ull && gpa < 0x100000000ull)
		return firmware_page(vm, gpa, write);
	return guestmem_ptr(&vm->mem, gpa, 0x1000);
}

static uint64_t soft_mmio_read(void *ctx, uint64_t gpa, unsigned size)
{
	struct hv_soft_vcpu *v = ctx;
	uint64_t val = 0;

	if (soft_plat_mmio(v->hv->vm, (unsigned)v->hv->id, gpa, size, 0, &val))
		return val;
	ioreq_mmio(v->hv, gpa, size, 0, (uint8_t *)&val);
	return val;
}

static void soft_mmio_write(void *ctx, uint64_t gpa, unsigned size,
			    uint64_t val)
{
	struct hv_soft_vcpu *v = ctx;

	if (soft_plat_mmio(v->hv->vm, (unsigned)v->hv->id, gpa, size, 1, &val))
		return;
	ioreq_mmio(v->hv, gpa, size, 1, (uint8_t *)&val);
	soft_check_remap(v);
}

static void soft_pio(void *ctx, uint16_t port, unsigned size, unsigned count,
		     int is_write, uint8_t *data)
{
	struct hv_soft_vcpu *v = ctx;
	struct hv_vm *vm = v->hv->vm;
	uint32_t val;
	unsigned i;

	/* hv's own chips take single accesses; string I/O to them is done
	 * element by element, as the hardware does. */
	val = 0;
	if (count && soft_plat_pio(vm, (unsigned)v->hv->id, port, size,
				   is_write, (memcpy(&val, data, size), &val))) {
		for (i = 0;;) {
			if (!is_write)
				memcpy(data + (size_t)i * size, &val, size);
			if (++i == count)
				break;
			val = 0;
			memcpy(&val, data + (size_t)i * size, size);
			soft_plat_pio(vm, (unsigned)v->hv->id, port, size,
				      is_write, &val);
		}
		return;
	}
	ioreq_pio(v->hv, port, size, count, is_write, data);
	soft_check_remap(v);
}

static int soft_intr_ack(void *ctx)
{
	struct hv_soft_vcpu *v = ctx;

	return soft_plat_intr_ack(v->hv->vm, (unsigned)v->hv->id);
}

static int accel_rdmsr(void *ctx, uint32_t msr, uint64_t *val)
{
	struct hv_soft_vcpu *v = ctx;

	return soft_plat_rdmsr(v->hv->vm, (unsigned)v->hv->id, msr, val);
}

static int accel_wrmsr(void *ctx, uint32_t msr, uint64_t val)
{
	struct hv_soft_vcpu *v = ctx;

	return soft_plat_wrmsr(v->hv->vm, (unsigned)v->hv->id, msr, val);
}

static uint64_t soft_get_cr8(void *ctx)
{
	struct hv_soft_vcpu *v = ctx;

	return soft_plat_get_cr8(v->hv->vm, (unsigned)v->hv->id);
}

static void soft_set_cr8(void *ctx, uint64_t val)
{
	struct hv_soft_vcpu *v = ctx;

	soft_plat_set_cr8(v->hv->vm, (unsigned)v->hv->id, val);
}

static int64_t soft_clock_ns(void *ctx)
{
	return util_now_ns();
}

static const struct soft_ops soft_accel_ops = {
	.ram_page = soft_ram_page,
	.mmio_read = soft_mmio_read,
	.mmio_write = soft_mmio_write,
	.pio = soft_pio,
	.intr_ack = soft_intr_ack,
	.rdmsr = accel_rdmsr,
	.wrmsr = accel_wrmsr,
	.get_cr8 = soft_get_cr8,
	.set_cr8 = soft_set_cr8,
	.clock_ns = soft_clock_ns,
};

/* soft_accel_post - posts SOFT_REQ_* bits to a vCPU and wakes it. */
void soft_accel_post(struct hv_vm *vm, unsigned id, unsigned req,
		     unsigned sipi_vector)
{
	struct hv_soft_vcpu *v;

	if (id >= vm->nr_vcpus || !soft_of(vm))
		return;
	v = &soft_of(vm)->v[id];
	if (!v->cpu)
		return;
	soft_cpu_request(v->cpu, req, sipi_vector);
	__atomic_add_fetch(&v->wake_seq, 1, __ATOMIC_SEQ_CST);
	futex_wake_shared(&v->wake_seq, 1);
}

static int soft_vm_create(struct hv_vm *vm)
{
	struct hv_soft *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->svm = soft_vm_new(vm->mem.low_size, vm->mem.high_size);
	if (!s->svm) {
		free(s);
		return -ENOMEM;
	}
	vm->soft = s;
	r = soft_plat_create(vm);
	if (r)
		log_err("soft CPU platform: %s", strerror(-r));
	return r;
}

static int soft_vcpus_create(struct hv_vm *vm, int boot, uint16_t boot_ip,
			     uint32_t ebx, uint32_t ecx)
{
	struct hv_soft *s = soft_of(vm);
	uint64_t gpr[16] = { 0 };
	unsigned i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct hv_soft_vcpu *v = &s->v[i];

		vm->vcpus[i].id = (int)i;
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].fd = -1;
		v->hv = &vm->vcpus[i];
		v->cpu = soft_cpu_new(s->svm, i, &soft_accel_ops, v);
		if (!v->cpu) {
			log_err("vCPU %u: out of memory", i);
			return -ENOMEM;
		}
		if (i > 0) {
			/* APs wait for INIT/SIPI, as KVM's do. */
			soft_cpu_request(v->cpu, SOFT_REQ_INIT, 0);
		} else if (boot) {
			gpr[3] = ebx; /* EBX */
			gpr[1] = ecx; /* ECX: the trampoline's jump target */
			soft_cpu_set_real_entry(v->cpu, 0, boot_ip, gpr);
		}
	}
	return soft_plat_start(vm);
}

static void soft_report_crash(struct hv_soft_vcpu *v, const char *what)
{
	struct soft_regs r;

	soft_cpu_get_regs(v->cpu, &r);
	hv_stop(v->hv->vm, HVCTL_REASON_CRASH, 0,
		"vCPU %d: %s at %04x:%llx (cr0 0x%llx)", v->hv->id, what, r.cs,
		(unsigned long long)r.rip, (unsigned long long)r.cr0);
}

static void *soft_vcpu_thread(void *arg)
{
	struct hv_vcpu *vcpu = arg;
	struct hv_vm *vm = vcpu->vm;
	struct hv_soft_vcpu *v = &soft_of(vm)->v[vcpu->id];

	while (!atomic_load(&vm->stopping)) {
		uint32_t seq;

		if (atomic_load(&vm->paused))
			vcpu_wait_unpaused(vm);
		soft_check_remap(v);
		seq = __atomic_load_n(&v->wake_seq, __ATOMIC_SEQ_CST);
		switch (soft_cpu_run(v->cpu)) {
		case SOFT_EXIT_REQUEST:
			break;
		case SOFT_EXIT_HLT:
		case SOFT_EXIT_WAIT_SIPI:
			/* Sleep until the next post (an interrupt, an IPI, a
			 * kick); a post since `seq` was read returns at once. */
			futex_wait_shared(&v->wake_seq, seq,
					  SOFT_HALT_SLICE_NS);
			break;
		case SOFT_EXIT_SHUTDOWN:
			soft_report_crash(v, "triple fault");
		}
	}
	return NULL;
}

static int soft_set_irq(struct hv_vm *vm, unsigned gsi, int level)
{
	return soft_plat_set_irq(vm, gsi, level);
}

static void soft_kick_all(struct hv_vm *vm)
{
	unsigned i;

	for (i = 0; i < vm->nr_vcpus; i++)
		soft_accel_post(vm, i, SOFT_REQ_STOP, 0);
}

/* The memory map of [gpa, gpa + size) changed (PAM): every vCPU drops the
 * translations and decoded code it cached for it. */
static int soft_set_slot(struct hv_vm *vm, unsigned slot, uint64_t gpa,
			 uint64_t size, void *host, int readonly)
{
	struct hv_soft *s = soft_of(vm);
	unsigned i;

	if (!s)
		return 0; /* before the VM exists: nothing cached yet */
	if (size)
		soft_vm_modified(s->svm, gpa, size);
	for (i = 0; i < vm->nr_vcpus; i++) {
		atomic_store(&s->v[i].tlb_stale, 1);
		soft_accel_post(vm, i, SOFT_REQ_STOP, 0);
	}
	return 0;
}

static void soft_ram_written(struct hv_vm *vm, uint64_t gpa, uint64_t len)
{
	struct hv_soft *s = soft_of(vm);

	if (s)
		soft_vm_modified(s->svm, gpa, len);
}

const struct hv_accel hv_accel_soft = {
	.name = "soft",
	.vm_create = soft_vm_create,
	.vcpus_create = soft_vcpus_create,
	.vcpu_thread = soft_vcpu_thread,
	.set_irq = soft_set_irq,
	.kick_all = soft_kick_all,
	.set_slot = soft_set_slot,
	.ram_written = soft_ram_written,
};
