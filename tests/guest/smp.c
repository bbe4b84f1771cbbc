/* SPDX-License-Identifier: MIT */
/*
 * A second vCPU: INIT-SIPI-SIPI through the xAPIC, the AP's way from real
 * mode at 0x8000 to long mode, its APIC id, locked increments from both
 * CPUs on one counter, and fixed IPIs in both directions.
 * `cpus=N` on the command line gives the number of vCPUs to expect.
 */
#include "guest.h"

#define IPI_VECTOR 0x40
#define INCS 1000

static volatile uint32_t ap_apic_id[MAX_CPUS + 1];
static volatile uint32_t ap_done, counter, bsp_id;
static volatile uint32_t ipi_to_ap, ipi_to_bsp;

static void ipi_irq(struct irq_frame *f)
{
	(void)f;
	if (apic_id() == bsp_id)
		ipi_to_bsp++;
	else
		atomic_inc32(&ipi_to_ap);
	apic_write(APIC_EOI, 0);
}

static void send_ipi(unsigned dest, unsigned vector)
{
	apic_write(APIC_ICR_HI, dest << 24);
	apic_write(APIC_ICR_LO, 0x4000 | vector); /* fixed, physical, assert */
}

static void ap_main(unsigned cpu)
{
	ap_apic_id[cpu] = apic_id();
	for (int i = 0; i < INCS; i++)
		atomic_inc32(&counter);
	apic_enable();
	atomic_inc32(&ap_done);
	/* Wait with interrupts on for the BSP's IPI, then answer it. */
	for (int i = 0; i < 1000 && !ipi_to_ap; i++)
		sti_hlt();
	cli();
	if (ipi_to_ap)
		send_ipi(bsp_id, IPI_VECTOR);
}

int main(void)
{
	unsigned want = cmdline_ulong("cpus", 2), fw = fwcfg_nb_cpus();
	unsigned n, distinct = 1;
	uint32_t ids[MAX_CPUS + 1];

	bsp_id = apic_id();
	irq_register(IPI_VECTOR, ipi_irq);
	pic_init();
	report_info("BSP APIC id %u; expecting %u CPUs; fw_cfg says %u", bsp_id,
		    want, fw);
	if (fw)
		report(fw == want, "fw_cfg CPU count %u matches cpus=%u", fw,
		       want);

	n = smp_boot(ap_main, want - 1, 1000);
	for (int i = 0; i < INCS; i++)
		atomic_inc32(&counter);
	for (int i = 0; i < 100 && ap_done < n; i++)
		pit_delay_us(10000);
	report(n == want - 1, "%u AP(s) started by INIT-SIPI-SIPI (want %u)", n,
	       want - 1);

	for (unsigned c = 1; c <= n && c <= MAX_CPUS; c++) {
		ids[c] = ap_apic_id[c];
		printf("cpu %u: APIC id %u\n", c, ids[c]);
		if (ids[c] == bsp_id)
			distinct = 0;
		for (unsigned k = 1; k < c; k++)
			if (ids[k] == ids[c])
				distinct = 0;
	}
	if (want > 1)
		report(n && distinct,
		       "APs report APIC ids distinct from the BSP's");
	report(ap_done == n && counter == INCS * (n + 1),
	       "lock incl from %u CPUs: counter %u (want %u)", n + 1, counter,
	       INCS * (n + 1));

	if (n) {
		sti();
		send_ipi(ids[1], IPI_VECTOR);
		wait_flag(&ipi_to_bsp, 1000);
		cli();
		report(ipi_to_ap == 1, "fixed IPI BSP -> AP delivered (%u)",
		       ipi_to_ap);
		report(ipi_to_bsp == 1, "fixed IPI AP -> BSP delivered (%u)",
		       ipi_to_bsp);
	}
	return report_summary();
}
