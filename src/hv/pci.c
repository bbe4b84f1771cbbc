/* SPDX-License-Identifier: MIT */
/*
 * PCI in hv: configuration mechanism #1 and INTx routing.
 *
 * hv decodes 0xCF8/0xCFC itself (as Xen does) and forwards each
 * configuration access, as an IOREQ_TYPE_PCI_CONFIG request, to the DM that
 * claimed the function's bus/device/function. Only dword accesses to 0xCF8
 * reach the address register; narrower ones go to the port's normal owner
 * (0xCF9 is the PIIX3 reset control register).
 *
 * INTx: a DM drives the pins of the functions it owns; hv maps each pin to
 * a PIIX3 PIRQ link with the usual slot swizzle, and the link to the ISA
 * IRQ the guest's firmware chose (the chipset DM reports the PIRQ route
 * registers with set_pci_link_route). A link is asserted while any source
 * on it is, so shared lines behave.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "hv/hv.h"

#define PCI_ADDR_PORT 0xcf8
#define PCI_DATA_PORT 0xcfc
#define PCI_ENABLE 0x80000000u
/* Writable bits of the address register: enable, bus, device, function,
 * register (dword). */
#define PCI_ADDR_MASK 0x80fffffcu

void pci_init(struct hv_vm *vm)
{
	unsigned i;

	pthread_mutex_init(&vm->intx_lock, NULL);
	for (i = 0; i < 4; i++)
		vm->link_route[i] = DM_OP_LINK_DISABLED;
}

int pci_pio(struct hv_vcpu *vcpu, uint16_t port, unsigned size,
	    unsigned count, int is_write, uint8_t *data)
{
	struct hv_vm *vm = vcpu->vm;
	unsigned i;

	if (port == PCI_ADDR_PORT && size == 4) {
		for (i = 0; i < count; i++, data += 4) {
			uint32_t v;

			if (is_write) {
				memcpy(&v, data, 4);
				atomic_store(&vm->pci_cf8, v & PCI_ADDR_MASK);
			} else {
				v = atomic_load(&vm->pci_cf8);
				memcpy(data, &v, 4);
			}
		}
		return 1;
	}
	if (port < PCI_DATA_PORT || port > PCI_DATA_PORT + 3)
		return 0;
	for (i = 0; i < count; i++, data += size) {
		uint32_t addr = atomic_load(&vm->pci_cf8);
		unsigned off = port - PCI_DATA_PORT;
		struct hv_dm *dm;
		uint32_t bdf = (addr >> 8) & 0xffff;

		if (!(addr & PCI_ENABLE) || off + size > 4 ||
		    !ioreq_find_pci(vm, bdf, &dm)) {
			if (!is_write)
				memset(data, 0xff, size);
			continue;
		}
		ioreq_pci_config(vcpu, dm, bdf, (addr & 0xfc) | off, size,
				 is_write, data);
	}
	return 1;
}

/* Drives the ISA IRQ of `link` to match its sources. */
static void pci_update_link(struct hv_vm *vm, unsigned link, int was)
{
	int now = vm->intx_asserted[link] != 0;
	unsigned irq = vm->link_route[link];

	if (now != was && irq != DM_OP_LINK_DISABLED)
		hv_irq_set(vm, irq, HV_IRQ_SRC_LINK0 + link, now);
}

int pci_set_intx(struct hv_vm *vm, struct hv_dm *dm, uint32_t bdf,
		 uint32_t pin, uint32_t level)
{
	struct hv_dm *owner;
	unsigned slot = (bdf >> 3) & 31, link, i;
	int was;

	if (pin > 3 || level > 1 || bdf > 0xffff)
		return -EINVAL;
	if (!ioreq_find_pci(vm, bdf, &owner) || owner != dm)
		return -EPERM; /* only the function's own DM drives its pins */
	/* PIIX3 swizzle: INTA of slot 1 is PIRQA. */
	link = (pin + slot + 3) & 3;
	pthread_mutex_lock(&vm->intx_lock);
	for (i = 0; i < vm->nr_intx_src; i++)
		if (vm->intx_src[i].bdf == bdf && vm->intx_src[i].pin == pin)
			break;
	if (i == vm->nr_intx_src) {
		if (i == ARRAY_SIZE(vm->intx_src)) {
			pthread_mutex_unlock(&vm->intx_lock);
			return -ENOSPC;
		}
		vm->intx_src[vm->nr_intx_src].bdf = bdf;
		vm->intx_src[vm->nr_intx_src++].pin = pin;
	}
	was = vm->intx_asserted[link] != 0;
	if (level)
		vm->intx_asserted[link] |= 1u << i;
	else
		vm->intx_asserted[link] &= ~(1u << i);
	pci_update_link(vm, link, was);
	pthread_mutex_unlock(&vm->intx_lock);
	return 0;
}

int pci_set_link_route(struct hv_vm *vm, uint32_t link, uint32_t irq)
{
	int level;

	if (link > 3 || (irq > 15 && irq != DM_OP_LINK_DISABLED) || irq == 2 ||
	    irq == 0 || irq == 8 || irq == 13)
		return -EINVAL; /* the timer, cascade, RTC and FPU lines */
	pthread_mutex_lock(&vm->intx_lock);
	level = vm->intx_asserted[link] != 0;
	if (level && vm->link_route[link] != DM_OP_LINK_DISABLED)
		hv_irq_set(vm, vm->link_route[link], HV_IRQ_SRC_LINK0 + link,
			   0);
	vm->link_route[link] = (uint8_t)irq;
	if (level && irq != DM_OP_LINK_DISABLED)
		hv_irq_set(vm, irq, HV_IRQ_SRC_LINK0 + link, 1);
	pthread_mutex_unlock(&vm->intx_lock);
	return 0;
}
