/* SPDX-License-Identifier: MIT */
/* PIIX4 PM1a registers: see acpi_pm.h. */
#include "dm/hw/acpi_pm.h"

#include <stdbool.h>
#include <stddef.h>

static bool acpi_pm_access_ok(unsigned offset, unsigned size)
{
	if (size != 1 && size != 2 && size != 4)
		return false;
	return offset < ACPI_PM_IOSIZE && size <= ACPI_PM_IOSIZE - offset;
}

/* The 16-bit register holding byte `offset`, or NULL. */
static uint16_t *acpi_pm_reg(struct acpi_pm *s, unsigned offset)
{
	switch (offset & ~1u) {
	case ACPI_PM_STS:
		return &s->pm1_sts;
	case ACPI_PM_EN:
		return &s->pm1_en;
	case ACPI_PM_CNT:
		return &s->pm1_cnt;
	default:
		return NULL;
	}
}

uint32_t acpi_pm_timer(const struct acpi_pm *s)
{
	unsigned __int128 ticks;

	if (!s->ops || !s->ops->now_ns)
		return 0;
	/* 128-bit product: now_ns * 3.58M overflows 64 bits after 1.4 h. */
	ticks = (unsigned __int128)s->ops->now_ns(s->opaque) * ACPI_PM_TMR_HZ /
		1000000000u;
	return (uint32_t)ticks & ACPI_PM_TMR_MASK;
}

/* Reports the SCI's level when it changed (see acpi_pm.h on SCI_EN). */
static void acpi_pm_update_sci(struct acpi_pm *s)
{
	int level = (s->pm1_sts & s->pm1_en & ACPI_PM_SCI_EVENTS) != 0;

	if (level == s->sci)
		return;
	s->sci = level;
	if (s->ops && s->ops->set_sci)
		s->ops->set_sci(s->opaque, level);
}

void acpi_pm_power_button(struct acpi_pm *s)
{
	s->pm1_sts |= ACPI_PM_STS_PWRBTN;
	acpi_pm_update_sci(s);
}

void acpi_pm_init(struct acpi_pm *s, const struct acpi_pm_ops *ops,
		  void *opaque)
{
	s->ops = ops;
	s->opaque = opaque;
	s->pm1_sts = 0;
	s->pm1_en = 0;
	s->pm1_cnt = 0;
	s->sci = 0;
}

uint32_t acpi_pm_read(struct acpi_pm *s, unsigned offset, unsigned size)
{
	int timer = s->ops && s->ops->now_ns;
	uint32_t val = 0, tmr = 0;
	unsigned i;

	if (!acpi_pm_access_ok(offset, size))
		return 0xffffffffu;
	/* One sample per access, so a dword read is consistent. */
	if (timer && offset < ACPI_PM_TMR + 4 && offset + size > ACPI_PM_TMR)
		tmr = acpi_pm_timer(s);
	for (i = 0; i < size; i++) {
		unsigned off = offset + i;
		const uint16_t *reg = acpi_pm_reg(s, off);
		uint8_t byte = 0xff;

		if (reg)
			byte = (uint8_t)(*reg >> ((off & 1) * 8));
		else if (timer && off >= ACPI_PM_TMR && off < ACPI_PM_TMR + 4)
			byte = (uint8_t)(tmr >> ((off - ACPI_PM_TMR) * 8));
		val |= (uint32_t)byte << (i * 8);
	}
	return val;
}

void acpi_pm_write(struct acpi_pm *s, unsigned offset, unsigned size,
		   uint32_t val)
{
	bool sleep = false;
	unsigned i;

	if (!acpi_pm_access_ok(offset, size))
		return;
	for (i = 0; i < size; i++) {
		unsigned off = offset + i;
		unsigned shift = (off & 1) * 8;
		uint16_t bits = (uint16_t)(((val >> (i * 8)) & 0xff) << shift);
		uint16_t *reg = acpi_pm_reg(s, off);

		if (!reg)
			continue;
		if (reg == &s->pm1_sts) {
			s->pm1_sts &= (uint16_t)~bits; /* write 1 to clear */
			continue;
		}
		*reg = (uint16_t)((*reg & ~(0xffu << shift)) | bits);
		if (reg == &s->pm1_cnt && (bits & ACPI_PM_CNT_SLP_EN)) {
			/* SLP_EN is write-only: act on it, never store it. */
			s->pm1_cnt &= (uint16_t)~ACPI_PM_CNT_SLP_EN;
			sleep = true;
		}
	}
	acpi_pm_update_sci(s);
	/* Evaluated after the whole access so a word write sees its SLP_TYP. */
	if (sleep && !(s->pm1_cnt & ACPI_PM_CNT_SLP_TYP) && s->ops &&
	    s->ops->poweroff)
		s->ops->poweroff(s->opaque);
}
