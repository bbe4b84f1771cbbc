/* SPDX-License-Identifier: MIT */
/*
 * The chips KVM keeps in the kernel, wired together for the soft CPU: the
 * 8259A pair (with ELCR), the 8254 PIT and port 0x61, the IOAPIC, and a
 * LAPIC per vCPU (src/hv/soft/ has the pure models). They are connected as
 * KVM connects its own: ISA IRQ n drives PIC input n and IOAPIC pin n,
 * except the PIT's IRQ 0, which reaches IOAPIC pin 2 as on QEMU's PC (the
 * ACPI tables' usual "IRQ 0 -> GSI 2" override); the PIC's INT output is
 * the BSP's LINT0 (virtual wire); IOAPIC messages and IPIs go to the
 * LAPICs they name (no device here sends MSIs).
 *
 * One mutex serialises every call into the models; callbacks that run
 * under it only post requests to vCPUs (lock-free). A timer thread sleeps
 * until the earliest PIT or LAPIC deadline on the host's monotonic clock,
 * so a domain whose guest sleeps costs no CPU.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/futex.h"
#include "common/log.h"
#include "common/util.h"
#include "hv/hv.h"
#include "hv/soft/cpu.h"
#include "hv/soft/ioapic.h"
#include "hv/soft/lapic.h"
#include "hv/soft/pic.h"
#include "hv/soft/pit.h"
#include "hv/soft_accel.h"

/* Longest sleep of the timer thread before it looks at `stopping`. */
#define PLAT_TIMER_SLICE_NS 100000000ll

struct soft_plat_lapic {
	struct lapic l;
	struct soft_plat *plat;
	unsigned id;
	int init_pending; /* took an INIT: reset once the caller is done */
};

struct soft_plat {
	struct hv_vm *vm;
	pthread_mutex_t lock;
	struct pic pic;
	struct pit pit;
	struct ioapic ioapic;
	struct soft_plat_lapic lapic[HV_MAX_VCPUS];
	pthread_t timer;
	uint32_t timer_seq; /* futex word: bumped when a deadline moves */
};

static struct soft_plat *plat_of(struct hv_vm *vm)
{
	return ((struct hv_soft *)vm->soft)->plat;
}

static void plat_timer_kick(struct soft_plat *p)
{
	__atomic_add_fetch(&p->timer_seq, 1, __ATOMIC_SEQ_CST);
	futex_wake_shared(&p->timer_seq, 1);
}

/* ---- LAPIC callbacks (run under p->lock) ---- */

static void plat_lapic_notify(void *ctx)
{
	struct soft_plat_lapic *pl = ctx;

	soft_accel_post(pl->plat->vm, pl->id, SOFT_REQ_INTR, 0);
}

static void plat_lapic_nmi(void *ctx)
{
	struct soft_plat_lapic *pl = ctx;

	soft_accel_post(pl->plat->vm, pl->id, SOFT_REQ_NMI, 0);
}

static void plat_lapic_init(void *ctx)
{
	struct soft_plat_lapic *pl = ctx;

	/* The CPU resets itself when it takes the request; the APIC's own
	 * INIT state is applied by plat_flush_inits() once the delivery that
	 * brought it is over (a callback may not re-enter its own LAPIC). */
	pl->init_pending = 1;
	soft_accel_post(pl->plat->vm, pl->id, SOFT_REQ_INIT, 0);
}

static void plat_lapic_sipi(void *ctx, uint8_t vector)
{
	struct soft_plat_lapic *pl = ctx;

	soft_accel_post(pl->plat->vm, pl->id, SOFT_REQ_SIPI, vector);
}

static void plat_lapic_eoi(void *ctx, uint8_t vector)
{
	struct soft_plat_lapic *pl = ctx;

	ioapic_eoi(&pl->plat->ioapic, vector);
}

static void plat_flush_inits(struct soft_plat *p)
{
	unsigned i;

	for (i = 0; i < p->vm->nr_vcpus; i++) {
		if (p->lapic[i].init_pending) {
			p->lapic[i].init_pending = 0;
			lapic_init_reset(&p->lapic[i].l, util_now_ns());
		}
	}
}

/* Delivers one message to the LAPICs `dest` names (lowest priority: the
 * matching APIC with the lowest PPR). */
static void plat_deliver(struct soft_plat *p, uint8_t dest, int logical,
			 unsigned mode, uint8_t vector, int level)
{
	struct hv_vm *vm = p->vm;
	struct lapic *best = NULL;
	unsigned i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct lapic *l = &p->lapic[i].l;

		if (!lapic_match_dest(l, dest, logical))
			continue;
		if (mode != LAPIC_DM_LOWEST) {
			lapic_accept(l, mode, vector, level);
			continue;
		}
		if (!best || lapic_ppr(l) < lapic_ppr(best))
			best = l;
	}
	if (best)
		lapic_accept(best, LAPIC_DM_FIXED, vector, level);
	plat_flush_inits(p);
}

static void plat_lapic_send_ipi(void *ctx, uint32_t icr_lo, uint32_t icr_hi)
{
	struct soft_plat_lapic *pl = ctx;
	struct soft_plat *p = pl->plat;
	unsigned mode = (icr_lo >> 8) & 7, i;
	struct lapic *best = NULL;

	for (i = 0; i < p->vm->nr_vcpus; i++) {
		struct lapic *l = &p->lapic[i].l;

		if (!lapic_ipi_is_target(l, i == pl->id, icr_lo, icr_hi))
			continue;
		if (mode != LAPIC_DM_LOWEST) {
			lapic_accept(l, mode, (uint8_t)icr_lo,
				     !!(icr_lo & LAPIC_ICR_TRIGGER));
			continue;
		}
		if (!best || lapic_ppr(l) < lapic_ppr(best))
			best = l;
	}
	if (best)
		lapic_accept(best, LAPIC_DM_FIXED, (uint8_t)icr_lo,
			     !!(icr_lo & LAPIC_ICR_TRIGGER));
}

static int64_t plat_lapic_tsc_to_ns(void *ctx, uint64_t tsc)
{
	struct soft_plat_lapic *pl = ctx;
	struct hv_soft *s = pl->plat->vm->soft;
	int64_t off = s->v[pl->id].cpu ? s->v[pl->id].cpu->tsc_offset : 0;

	/* SOFT_TSC_KHZ is 1 GHz: one TSC tick per ns, plus the offset a
	 * guest's TSC write left. */
	return lapic_tsc_to_ns(tsc - (uint64_t)off);
}

static const struct lapic_ops plat_lapic_ops = {
	.notify = plat_lapic_notify,
	.nmi = plat_lapic_nmi,
	.init = plat_lapic_init,
	.sipi = plat_lapic_sipi,
	.eoi = plat_lapic_eoi,
	.send_ipi = plat_lapic_send_ipi,
	.tsc_to_ns = plat_lapic_tsc_to_ns,
};

/* ---- PIC, PIT and IOAPIC callbacks (run under p->lock) ---- */

static void plat_pic_intr(void *ctx, int level)
{
	struct soft_plat *p = ctx;

	/* The master's INT is the BSP's LINT0; the LAPIC decides (ExtINT
	 * virtual wire, or the APIC off) and notifies the vCPU. */
	lapic_set_lint(&p->lapic[0].l, 0, level);
	if (level)
		soft_accel_post(p->vm, 0, SOFT_REQ_INTR, 0);
}

static void plat_ioapic_deliver(void *ctx, uint8_t dest, int logical,
				unsigned mode, uint8_t vector, int level)
{
	plat_deliver(ctx, dest, logical, mode, vector, level);
}

static const struct ioapic_ops plat_ioapic_ops = {
	.deliver = plat_ioapic_deliver,
};

static void plat_pit_irq0(void *ctx)
{
	struct soft_plat *p = ctx;

	/* One edge, as KVM's PIT pulses its line. */
	pic_set_irq(&p->pic, 0, 1);
	pic_set_irq(&p->pic, 0, 0);
	ioapic_set_irq(&p->ioapic, 2, 1);
	ioapic_set_irq(&p->ioapic, 2, 0);
}

/* ---- the timer thread ---- */

static void *plat_timer_thread(void *arg)
{
	struct soft_plat *p = arg;
	struct hv_vm *vm = p->vm;

	while (!atomic_load(&vm->stopping)) {
		uint32_t seq = __atomic_load_n(&p->timer_seq, __ATOMIC_SEQ_CST);
		int64_t now, next, t;
		unsigned i;

		pthread_mutex_lock(&p->lock);
		now = util_now_ns();
		if (pit_next_event(&p->pit, now) <= now)
			pit_advance(&p->pit, now);
		next = pit_next_event(&p->pit, now);
		for (i = 0; i < vm->nr_vcpus; i++) {
			struct lapic *l = &p->lapic[i].l;

			if (lapic_next_event(l, now) <= now)
				lapic_advance(l, now);
			t = lapic_next_event(l, now);
			if (t < next)
				next = t;
		}
		pthread_mutex_unlock(&p->lock);
		t = next - now;
		if (t > PLAT_TIMER_SLICE_NS)
			t = PLAT_TIMER_SLICE_NS;
		if (t > 0)
			futex_wait_shared(&p->timer_seq, seq, t);
	}
	return NULL;
}

/* ---- what soft_accel.c calls ---- */

int soft_plat_create(struct hv_vm *vm)
{
	struct soft_plat *p = calloc(1, sizeof(*p));
	int64_t now = util_now_ns();
	unsigned i;

	if (!p)
		return -ENOMEM;
	p->vm = vm;
	pthread_mutex_init(&p->lock, NULL);
	pic_init(&p->pic, plat_pic_intr, p);
	pit_init(&p->pit, plat_pit_irq0, p, now);
	ioapic_init(&p->ioapic, &plat_ioapic_ops, p);
	for (i = 0; i < vm->nr_vcpus; i++) {
		p->lapic[i].plat = p;
		p->lapic[i].id = i;
		lapic_init(&p->lapic[i].l, (uint8_t)i, i == 0, &plat_lapic_ops,
			   &p->lapic[i], now);
	}
	((struct hv_soft *)vm->soft)->plat = p;
	return 0;
}

int soft_plat_start(struct hv_vm *vm)
{
	int r = pthread_create(&plat_of(vm)->timer, NULL, plat_timer_thread,
			       plat_of(vm));

	if (r)
		log_err("starting the timer thread: %s", strerror(r));
	return -r;
}

static int plat_is_pic_port(uint16_t port)
{
	return port == 0x20 || port == 0x21 || port == 0xa0 || port == 0xa1 ||
	       port == 0x4d0 || port == 0x4d1;
}

int soft_plat_pio(struct hv_vm *vm, unsigned vcpu, uint16_t port,
		  unsigned size, int is_write, uint32_t *val)
{
	struct soft_plat *p = plat_of(vm);
	int pic = plat_is_pic_port(port);
	int pit = (port >= 0x40 && port <= 0x43) || port == 0x61;

	if (!pic && !pit)
		return 0;
	pthread_mutex_lock(&p->lock);
	/* 8-bit chips: a wider access touches only its first byte, the
	 * rest reads as all ones (nothing decodes the next port here). */
	if (is_write) {
		if (pic)
			pic_write(&p->pic, port, (uint8_t)*val);
		else
			pit_write(&p->pit, port, (uint8_t)*val,
				  util_now_ns());
	} else {
		uint32_t b = pic ? pic_read(&p->pic, port)
				 : pit_read(&p->pit, port, util_now_ns());

		*val = size == 1 ? b : (0xffffff00u | b) & (size == 2 ? 0xffff
								    : ~0u);
	}
	pthread_mutex_unlock(&p->lock);
	if (pit && is_write)
		plat_timer_kick(p);
	return 1;
}

int soft_plat_mmio(struct hv_vm *vm, unsigned vcpu, uint64_t gpa,
		   unsigned size, int is_write, uint64_t *val)
{
	struct soft_plat *p = plat_of(vm);
	struct lapic *l = &p->lapic[vcpu].l;
	uint64_t base;
	int done = 0;

	if (gpa >= IOAPIC_BASE && gpa < IOAPIC_BASE + IOAPIC_SIZE) {
		pthread_mutex_lock(&p->lock);
		if (is_write)
			ioapic_write(&p->ioapic, gpa - IOAPIC_BASE, size, *val);
		else
			*val = ioapic_read(&p->ioapic, gpa - IOAPIC_BASE, size);
		pthread_mutex_unlock(&p->lock);
		return 1;
	}
	/* The LAPIC page is each vCPU's own, where its base MSR puts it. */
	pthread_mutex_lock(&p->lock);
	base = lapic_mmio_base(l);
	if (base != UINT64_MAX && gpa >= base && gpa < base + LAPIC_PAGE_SIZE) {
		if (is_write) {
			lapic_write(l, gpa - base, size, *val, util_now_ns());
			plat_flush_inits(p); /* an INIT IPI just sent */
		} else
			*val = lapic_read(l, gpa - base, size, util_now_ns());
		done = 1;
	}
	pthread_mutex_unlock(&p->lock);
	if (done && is_write) {
		/* The timer may have moved; an EOI or a lower TPR may have
		 * unmasked a pending interrupt. */
		plat_timer_kick(p);
		soft_accel_post(vm, vcpu, SOFT_REQ_INTR, 0);
	}
	return done;
}

int soft_plat_intr_ack(struct hv_vm *vm, unsigned vcpu)
{
	struct soft_plat *p = plat_of(vm);
	int v;

	pthread_mutex_lock(&p->lock);
	v = lapic_ack(&p->lapic[vcpu].l);
	if (v == LAPIC_EXTINT)
		v = pic_ack(&p->pic);
	pthread_mutex_unlock(&p->lock);
	return v;
}

int soft_plat_rdmsr(struct hv_vm *vm, unsigned vcpu, uint32_t msr,
		    uint64_t *v)
{
	struct soft_plat *p = plat_of(vm);
	struct lapic *l = &p->lapic[vcpu].l;
	int r = 0;

	pthread_mutex_lock(&p->lock);
	if (msr == LAPIC_MSR_APICBASE)
		*v = lapic_get_base(l);
	else if (msr == LAPIC_MSR_TSC_DEADLINE)
		*v = lapic_get_tsc_deadline(l);
	else
		r = -1;
	pthread_mutex_unlock(&p->lock);
	return r;
}

int soft_plat_wrmsr(struct hv_vm *vm, unsigned vcpu, uint32_t msr, uint64_t v)
{
	struct soft_plat *p = plat_of(vm);
	struct lapic *l = &p->lapic[vcpu].l;
	int r = 0;

	pthread_mutex_lock(&p->lock);
	if (msr == LAPIC_MSR_APICBASE)
		r = lapic_set_base(l, v, util_now_ns()) ? -1 : 0;
	else if (msr == LAPIC_MSR_TSC_DEADLINE)
		lapic_set_tsc_deadline(l, v, util_now_ns());
	else
		r = -1;
	pthread_mutex_unlock(&p->lock);
	if (!r)
		plat_timer_kick(p);
	return r;
}

uint64_t soft_plat_get_cr8(struct hv_vm *vm, unsigned vcpu)
{
	struct soft_plat *p = plat_of(vm);
	uint64_t v;

	pthread_mutex_lock(&p->lock);
	v = lapic_get_cr8(&p->lapic[vcpu].l);
	pthread_mutex_unlock(&p->lock);
	return v;
}

void soft_plat_set_cr8(struct hv_vm *vm, unsigned vcpu, uint64_t v)
{
	struct soft_plat *p = plat_of(vm);

	pthread_mutex_lock(&p->lock);
	lapic_set_cr8(&p->lapic[vcpu].l, v);
	pthread_mutex_unlock(&p->lock);
	/* A lower TPR may unmask a pending interrupt. */
	soft_accel_post(vm, vcpu, SOFT_REQ_INTR, 0);
}

int soft_plat_set_irq(struct hv_vm *vm, unsigned gsi, int level)
{
	struct soft_plat *p = plat_of(vm);

	if (gsi >= IOAPIC_PINS)
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	if (gsi < 16)
		pic_set_irq(&p->pic, gsi, level);
	ioapic_set_irq(&p->ioapic, gsi, level);
	pthread_mutex_unlock(&p->lock);
	return 0;
}
