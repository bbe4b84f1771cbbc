/* SPDX-License-Identifier: MIT */
#include "guest.h"

static uint8_t buf[65536 * 2] __attribute__((aligned(4096)));

struct pat { unsigned long buf; uint32_t first, count, seed; };

static unsigned long pat_check(unsigned long a)
{
	const struct pat *p = (const struct pat *)a;
	const uint32_t *w = (const uint32_t *)p->buf;

	for (uint32_t n = 0; n < p->count; n++)
		for (uint32_t i = 0; i < 128; i++)
			if (w[n * 128 + i] != (p->first + n) * 0x9E3779B1u + i + p->seed)
				return n * 128 + i + 1;
	return 0;
}

int main(void)
{
	struct ide_drive d;
	struct pat p = { (unsigned long)buf, 100, 64, 0 };
	int r;

	report(ide_init() == 0, "ide_init");
	r = ide_probe(0, 0, &d);
	report(r == 0, "probe hda %d sectors %lu lba48 %d", r, (unsigned long)d.sectors, d.lba48);
	r = ata_pio(&d, false, 100, 64, buf);
	report(r == 0 && run_user(pat_check, (unsigned long)&p) == 0, "pio read %d", r);
	memset(buf, 0, sizeof(buf));
	r = ata_dma(&d, false, 100, 64, buf + 0x8000);
	p.buf = (unsigned long)buf + 0x8000;
	report(r == 0 && run_user(pat_check, (unsigned long)&p) == 0, "dma read %d", r);
	struct ide_drive c;
	r = ide_probe(0, 1, &c);
	report(r == IDE_E_NODEV, "probe hdb %d", r);
	r = ide_probe(1, 1, &c);
	report(r == IDE_E_NODEV, "probe hdd %d", r);
	return report_summary();
}
