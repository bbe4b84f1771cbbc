/* SPDX-License-Identifier: MIT */
/*
 * Interrupt lines with several sources. A line may be driven by a DM's
 * ISA IRQ and by up to four PCI links (SeaBIOS routes PIRQA and PIRQB both
 * to IRQ 10, for one): the line is the OR of its sources, so one source
 * letting go must not clear another's level. Like Xen's gsi_assert_count,
 * hv keeps, per line, which sources assert it, and tells the accelerator
 * only when the combined level changes.
 */
#include <errno.h>

#include "hv/hv.h"

/*
 * hv_irq_set - source `source` (enum hv_irq_source) drives line `gsi` to
 * `level`. Returns 0, -EINVAL for a bad line or source, or the
 * accelerator's -errno.
 */
int hv_irq_set(struct hv_vm *vm, unsigned gsi, unsigned source, int level)
{
	uint32_t before, after;
	int r = 0;

	if (gsi >= HV_NR_GSIS || source >= HV_IRQ_SRC_NR)
		return -EINVAL;
	pthread_mutex_lock(&vm->irq_lock);
	before = vm->irq_sources[gsi];
	if (level)
		after = before | (1u << source);
	else
		after = before & ~(1u << source);
	vm->irq_sources[gsi] = after;
	if (!before != !after)
		r = vm->accel->set_irq(vm, gsi, after != 0);
	pthread_mutex_unlock(&vm->irq_lock);
	return r;
}
