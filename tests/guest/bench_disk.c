/* SPDX-License-Identifier: MIT */
/*
 * IDE throughput for scripts/bench disk (bench/disk.sh): the primary
 * master (hda) through PIO and through bus-master DMA.
 *
 * Command line (defaults in brackets):
 *   seed=N           pattern seed [1]
 *   pio_mib=R        MiB read by PIO [64]
 *   pio_write_mib=W  MiB written by PIO, W <= R [R]; DMA writes the other
 *                    R - W MiB, untimed, so the PIO read checks them all
 *   dma_mib=D        MiB written and read by DMA per pass [64]
 *   dma_passes=K     DMA passes [1]: 64 MiB of DMA takes only some 30 ms
 *   irq=B            also run the DMA passes interrupt-driven [1]: nIEN
 *                    clear, each command's end signalled by IRQ 14 while
 *                    the CPU halts (ide_irq_mode), as mode "dma_irq"
 *   pio_sectors=, dma_sectors=  sectors per command [65536, or 256
 *                    without LBA48]
 *
 * The "dma" mode polls the bus master's Active bit (nIEN set); "dma_irq"
 * moves the same sizes and waits for IRQ 14 with hlt instead.
 *
 * Each pass fills one buffer at BUF_BASE with a pattern of the seed, the
 * mode and the pass, writes it to LBA 0 (PIO: READ/WRITE MULTIPLE [EXT]
 * with the drive's largest DRQ block; DMA: READ/WRITE DMA [EXT]), flushes,
 * clears the buffer, reads the sectors back and checks every byte.
 * Filling, clearing and checking run natively in ring 3 (run_user),
 * outside the clock; ring 0, where the transfers run, is emulated on the
 * development machine (docs/accel.md).
 *
 * The clock is the TSC, calibrated against 200 ms of PIT channel 2.  Per
 * mode the guest prints the totals over its passes
 *   bench_disk: MODE write_mib=W read_mib=R write_us=.. flush_us=.. read_us=..
 * then the rates in MiB/s (2 decimals)
 *   bench_disk: pio_read_mibs=.. pio_write_mibs=.. dma_read_mibs=.. dma_write_mibs=..
 *   [dma_irq_read_mibs=.. dma_irq_write_mibs=..]
 * and exits through report_summary() (the host sees 1 when all passed).
 */
#include "guest.h"

#define MIB (1024ul * 1024ul)
#define MAX_MIB 64ul
#define BUF_BASE (32ul * MIB) /* above the image and the multiboot data */
#define SECTOR 512ul

enum bench_mode { MODE_PIO, MODE_DMA, MODE_DMA_IRQ, MODE_COUNT };

static const char *const mode_name[] = { "pio", "dma", "dma_irq" };

struct pattern {
	uint64_t *buf;
	unsigned long words;
	uint64_t key;
};

/* The word at index i of a pattern: a cheap 64-bit mix (splitmix64). */
static uint64_t pattern_word(uint64_t key, uint64_t i)
{
	uint64_t x = key + i * 0x9E3779B97F4A7C15ull;

	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

/* Ring 3: fills the buffer with the pattern. */
static unsigned long user_fill(unsigned long arg)
{
	const struct pattern *p = (const struct pattern *)arg;
	unsigned long i;

	for (i = 0; i < p->words; i++)
		p->buf[i] = pattern_word(p->key, i);
	return 0;
}

/* Ring 3: clears the buffer, so that a read that moves nothing fails. */
static unsigned long user_clear(unsigned long arg)
{
	const struct pattern *p = (const struct pattern *)arg;
	unsigned long i;

	for (i = 0; i < p->words; i++)
		p->buf[i] = 0;
	return 0;
}

/* Ring 3: 0 if the buffer holds the pattern, else 1 + the first bad word. */
static unsigned long user_check(unsigned long arg)
{
	const struct pattern *p = (const struct pattern *)arg;
	unsigned long i;

	for (i = 0; i < p->words; i++)
		if (p->buf[i] != pattern_word(p->key, i))
			return i + 1;
	return 0;
}

/* TSC ticks per second, against 4 x 50 ms of PIT channel 2. */
static uint64_t tsc_calibrate(void)
{
	uint64_t t0, t1;
	unsigned i;

	pit_delay_us(1000); /* the first access to the PIT may cost more */
	t0 = rdtsc();
	for (i = 0; i < 4; i++)
		pit_delay_us(50000);
	t1 = rdtsc();
	return (t1 - t0) * 5;
}

static uint64_t ticks_to_us(uint64_t ticks, uint64_t hz)
{
	return hz ? ticks * 1000000ull / hz : 0;
}

#define ATA_CMD_READ_MULTIPLE 0xC4
#define ATA_CMD_WRITE_MULTIPLE 0xC5
#define ATA_CMD_SET_MULTIPLE 0xC6
#define ATA_CMD_READ_MULTIPLE_EXT 0x29
#define ATA_CMD_WRITE_MULTIPLE_EXT 0x39

/*
 * SET MULTIPLE MODE with the largest power of two up to the drive's
 * maximum (IDENTIFY word 47): the sectors per DRQ block for PIO, or 1
 * (plain READ/WRITE SECTORS) if the drive has no multiple mode.
 */
static unsigned pio_setup_multiple(struct ide_drive *d)
{
	unsigned max = d->id[47] & 0xFF, n = 1;

	while (n * 2 <= max && n < 128)
		n *= 2;
	if (n == 1 || ata_nodata(d, ATA_CMD_SET_MULTIPLE, 0, (uint8_t)n, 0))
		return 1;
	return n;
}

/*
 * Moves sectors [first, end) between the disk and the same offsets of
 * buf (LBA 0 at buf[0]), at most `per_cmd` per
 * command: PIO with READ/WRITE MULTIPLE [EXT] of `block` sectors per DRQ
 * block (block 1: READ/WRITE SECTORS [EXT]), DMA with READ/WRITE DMA
 * [EXT].  0 or the kit's first error.
 */
static int bench_xfer(struct ide_drive *d, enum bench_mode mode, bool write,
		      uint8_t *buf, unsigned long first, unsigned long end,
		      unsigned long per_cmd, unsigned block)
{
	unsigned long done = first, sectors = end;
	int r = 0;

	while (!r && done < sectors) {
		unsigned n = (unsigned)(sectors - done < per_cmd
						? sectors - done
						: per_cmd);
		bool ext = n > 256 || done + n > (1ul << 28);
		uint8_t cmd;

		if (mode != MODE_PIO) {
			r = ata_dma(d, write, done, n, buf + done * SECTOR);
		} else if (block == 1) {
			r = ata_pio(d, write, done, n, buf + done * SECTOR);
		} else {
			if (write)
				cmd = ext ? ATA_CMD_WRITE_MULTIPLE_EXT
					  : ATA_CMD_WRITE_MULTIPLE;
			else
				cmd = ext ? ATA_CMD_READ_MULTIPLE_EXT
					  : ATA_CMD_READ_MULTIPLE;
			r = ata_pio_cmd(d, cmd, ext, write, done, n, block,
					buf + done * SECTOR);
		}
		done += n;
	}
	return r;
}

/* "X.YY" MiB/s of `mib` MiB in `us` microseconds, into out. */
static void fmt_mibs(char *out, size_t size, unsigned long mib, uint64_t us)
{
	uint64_t c = us ? (uint64_t)mib * 100000000ull / us : 0;

	snprintf(out, size, "%lu.%02lu", (unsigned long)(c / 100),
		 (unsigned long)(c % 100));
}

/* True if [start, end) lies in one RAM region of the multiboot map. */
static bool ram_covers(uint64_t start, uint64_t end)
{
	struct mb_region reg[32];
	unsigned i, n = mb_mmap(reg, ARRAY_SIZE(reg));

	for (i = 0; i < n && i < ARRAY_SIZE(reg); i++)
		if (reg[i].type == 1 && reg[i].base <= start &&
		    reg[i].base + reg[i].len >= end)
			return true;
	return false;
}

/* One mode's settings and, after bench_mode(), its totals. */
struct bench_run {
	enum bench_mode mode;
	unsigned long rd_mib, wr_mib, passes, per_cmd;
	unsigned block;
	uint64_t wr_ticks, fl_ticks, rd_ticks;
};

/* Runs the passes of one mode; false after the first failure. */
static bool bench_mode(struct ide_drive *d, unsigned long seed,
		       struct bench_run *b)
{
	const char *name = mode_name[b->mode];
	unsigned long wsec = b->wr_mib * MIB / SECTOR;
	unsigned long rsec = b->rd_mib * MIB / SECTOR;
	uint8_t *buf = (uint8_t *)BUF_BASE;
	unsigned long pass, bad;
	uint64_t t0, t1, t2, t3;
	int r;

	for (pass = 0; pass < b->passes; pass++) {
		struct pattern p = {
			.buf = (uint64_t *)buf,
			.words = b->rd_mib * MIB / 8,
			.key = (uint64_t)seed << 16 | pass << 8 | (b->mode + 1),
		};

		run_user(user_fill, (unsigned long)&p);
		t0 = rdtsc();
		r = bench_xfer(d, b->mode, true, buf, 0, wsec, b->per_cmd,
			       b->block);
		t1 = rdtsc();
		b->wr_ticks += t1 - t0;
		/* Fewer PIO writes than reads: DMA writes the rest, untimed. */
		if (!r && wsec < rsec)
			r = bench_xfer(d, MODE_DMA, true, buf, wsec, rsec, 65536,
				       1);
		if (r)
			return report(false, "%s: write, pass %lu: error %d",
				      name, pass, r);
		t2 = rdtsc();
		r = ata_flush(d);
		t3 = rdtsc();
		b->fl_ticks += t3 - t2;
		if (r)
			return report(false, "%s: flush, pass %lu: error %d",
				      name, pass, r);
		run_user(user_clear, (unsigned long)&p);
		t0 = rdtsc();
		r = bench_xfer(d, b->mode, false, buf, 0, rsec, b->per_cmd,
			       b->block);
		t1 = rdtsc();
		b->rd_ticks += t1 - t0;
		if (r)
			return report(false, "%s: read, pass %lu: error %d",
				      name, pass, r);
		bad = run_user(user_check, (unsigned long)&p);
		if (bad)
			return report(false, "%s: pass %lu: byte %lu read back "
				      "differs from what was written", name,
				      pass, (bad - 1) * 8);
	}
	return report(true, "%s: %lu x (write %lu MiB, flush, read %lu MiB), "
		      "data checked", name, b->passes, b->wr_mib, b->rd_mib);
}

int main(void)
{
	unsigned long seed = cmdline_ulong("seed", 1);
	struct bench_run run[MODE_COUNT] = {
		{
			.mode = MODE_PIO,
			.rd_mib = cmdline_ulong("pio_mib", MAX_MIB),
			.passes = 1,
			.per_cmd = cmdline_ulong("pio_sectors", 65536),
		},
		{
			.mode = MODE_DMA,
			.rd_mib = cmdline_ulong("dma_mib", MAX_MIB),
			.passes = cmdline_ulong("dma_passes", 1),
			.per_cmd = cmdline_ulong("dma_sectors", 65536),
			.block = 1,
		},
	};
	unsigned modes = cmdline_ulong("irq", 1) ? MODE_COUNT : MODE_DMA_IRQ;
	unsigned long max_cmd;
	struct ide_drive hda;
	uint64_t hz, us[MODE_COUNT][3];
	char s[6][24];
	unsigned m, i;

	for (m = 0; m < 2; m++)
		if (!run[m].rd_mib || run[m].rd_mib > MAX_MIB)
			run[m].rd_mib = MAX_MIB;
	run[0].wr_mib = cmdline_ulong("pio_write_mib", run[0].rd_mib);
	if (!run[0].wr_mib || run[0].wr_mib > run[0].rd_mib)
		run[0].wr_mib = run[0].rd_mib;
	run[1].wr_mib = run[1].rd_mib;
	if (!run[1].passes || run[1].passes > 1000)
		run[1].passes = 1;
	if (!report(ram_covers(BUF_BASE, BUF_BASE + MAX_MIB * MIB),
		    "RAM at %lu-%lu MiB for the buffer", BUF_BASE / MIB,
		    BUF_BASE / MIB + MAX_MIB))
		return report_summary();
	memset(&hda, 0, sizeof(hda));
	if (!report(ide_init() == 0, "PIIX3 IDE found") ||
	    !report(ide_probe(0, 0, &hda) == 0 && hda.present && !hda.atapi,
		    "hda is an ATA disk") ||
	    !report(hda.sectors >= MAX_MIB * MIB / SECTOR,
		    "hda has %lu sectors (%lu needed)",
		    (unsigned long)hda.sectors, MAX_MIB * MIB / SECTOR))
		return report_summary();
	max_cmd = hda.lba48 ? 65536 : 256;
	for (m = 0; m < 2; m++)
		if (!run[m].per_cmd || run[m].per_cmd > max_cmd)
			run[m].per_cmd = max_cmd;
	run[0].block = pio_setup_multiple(&hda);
	/* The interrupt-driven DMA run: the polled one's sizes exactly. */
	run[MODE_DMA_IRQ] = run[MODE_DMA];
	run[MODE_DMA_IRQ].mode = MODE_DMA_IRQ;
	hz = tsc_calibrate();
	printf("bench_disk: seed=%lu tsc_khz=%lu lba48=%d pio_sectors=%lu "
	       "pio_block=%u dma_sectors=%lu dma_passes=%lu irq=%d\n",
	       seed, (unsigned long)(hz / 1000), hda.lba48, run[0].per_cmd,
	       run[0].block, run[1].per_cmd, run[1].passes,
	       modes == MODE_COUNT);

	for (m = 0; m < modes; m++) {
		struct bench_run *b = &run[m];
		bool ok;

		if (m == MODE_DMA_IRQ &&
		    !report(ide_irq_mode(&hda, true) == 0,
			    "dma_irq: nIEN clear, IRQ 14 unmasked"))
			return report_summary();
		ok = bench_mode(&hda, seed, b);
		if (m == MODE_DMA_IRQ)
			ide_irq_mode(&hda, false);
		if (!ok)
			return report_summary();
		us[m][0] = ticks_to_us(b->wr_ticks, hz);
		us[m][1] = ticks_to_us(b->fl_ticks, hz);
		us[m][2] = ticks_to_us(b->rd_ticks, hz);
		for (i = 0; i < 3; i++)
			if (!us[m][i])
				us[m][i] = 1;
		printf("bench_disk: %s write_mib=%lu read_mib=%lu write_us=%lu "
		       "flush_us=%lu read_us=%lu\n",
		       mode_name[m], b->wr_mib * b->passes,
		       b->rd_mib * b->passes, (unsigned long)us[m][0],
		       (unsigned long)us[m][1], (unsigned long)us[m][2]);
	}
	fmt_mibs(s[0], sizeof(s[0]), run[0].rd_mib, us[0][2]);
	fmt_mibs(s[1], sizeof(s[1]), run[0].wr_mib, us[0][0]);
	fmt_mibs(s[2], sizeof(s[2]), run[1].rd_mib * run[1].passes, us[1][2]);
	fmt_mibs(s[3], sizeof(s[3]), run[1].wr_mib * run[1].passes, us[1][0]);
	printf("bench_disk: pio_read_mibs=%s pio_write_mibs=%s "
	       "dma_read_mibs=%s dma_write_mibs=%s",
	       s[0], s[1], s[2], s[3]);
	if (modes == MODE_COUNT) {
		struct bench_run *b = &run[MODE_DMA_IRQ];

		fmt_mibs(s[4], sizeof(s[4]), b->rd_mib * b->passes,
			 us[MODE_DMA_IRQ][2]);
		fmt_mibs(s[5], sizeof(s[5]), b->wr_mib * b->passes,
			 us[MODE_DMA_IRQ][0]);
		printf(" dma_irq_read_mibs=%s dma_irq_write_mibs=%s", s[4],
		       s[5]);
	}
	printf("\n");
	return report_summary();
}
