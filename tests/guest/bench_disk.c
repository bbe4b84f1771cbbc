/* SPDX-License-Identifier: MIT */
/*
 * IDE throughput for scripts/bench disk (bench/disk.sh): the primary
 * master (hda) through PIO and through bus-master DMA.
 *
 * Command line: seed=N pio_mib=P dma_mib=D (defaults 1, 64, 64).  For each
 * mode it fills one buffer at BUF_BASE with a pattern that depends on the
 * seed and the mode, writes it to LBA 0 in commands as large as the kit
 * takes (65536 sectors with LBA48, else 256), flushes, clears the buffer,
 * reads the same sectors back and checks every byte.  Filling, clearing
 * and checking run natively in ring 3 (run_user) and outside the clock;
 * ring 0, where the transfers run, is emulated on the development machine
 * (DESIGN.md §8).
 *
 * The clock is the TSC, calibrated against 200 ms of PIT channel 2.  Per
 * mode the guest prints
 *   bench_disk: MODE mib=M write_us=W flush_us=F read_us=R
 * then one summary line in MiB/s (2 decimals)
 *   bench_disk: pio_read_mibs=.. pio_write_mibs=.. dma_read_mibs=.. dma_write_mibs=..
 * and exits through report_summary() (the host sees 1 when all passed).
 */
#include "guest.h"

#define MIB (1024ul * 1024ul)
#define MAX_MIB 64ul
#define BUF_BASE (32ul * MIB) /* above the image and the multiboot data */
#define SECTOR 512ul

enum bench_mode { MODE_PIO, MODE_DMA };

static const char *const mode_name[] = { "pio", "dma" };

struct pattern {
	uint64_t *buf;
	unsigned long words;
	uint64_t key;
};

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

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

		if (mode == MODE_DMA) {
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

int main(void)
{
	unsigned long seed = cmdline_ulong("seed", 1);
	/* MiB read per mode, and written (PIO writes may be fewer). */
	unsigned long rd_mib[2] = { cmdline_ulong("pio_mib", MAX_MIB),
				    cmdline_ulong("dma_mib", MAX_MIB) };
	unsigned long wr_mib[2];
	/* Sectors per command: 65536 (LBA48) or 256 unless told less. */
	unsigned long per_cmd[2] = { cmdline_ulong("pio_sectors", 65536),
				     cmdline_ulong("dma_sectors", 65536) };
	uint64_t wr_us[2] = { 0, 0 }, rd_us[2] = { 0, 0 };
	uint64_t flush_us[2] = { 0, 0 };
	unsigned block;
	struct ide_drive hda;
	uint8_t *buf = (uint8_t *)BUF_BASE;
	char s[4][24];
	uint64_t hz;
	unsigned m;

	for (m = 0; m < 2; m++)
		if (!rd_mib[m] || rd_mib[m] > MAX_MIB)
			rd_mib[m] = MAX_MIB;
	wr_mib[0] = cmdline_ulong("pio_write_mib", rd_mib[0]);
	if (!wr_mib[0] || wr_mib[0] > rd_mib[0])
		wr_mib[0] = rd_mib[0];
	wr_mib[1] = rd_mib[1];
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
	for (m = 0; m < 2; m++)
		if (!per_cmd[m] || per_cmd[m] > (hda.lba48 ? 65536u : 256u))
			per_cmd[m] = hda.lba48 ? 65536 : 256;
	block = pio_setup_multiple(&hda);
	hz = tsc_calibrate();
	printf("bench_disk: seed=%lu tsc_khz=%lu lba48=%d pio_sectors=%lu "
	       "pio_block=%u dma_sectors=%lu\n",
	       seed, (unsigned long)(hz / 1000), hda.lba48, per_cmd[0], block,
	       per_cmd[1]);

	for (m = 0; m < 2; m++) {
		unsigned long wsec = wr_mib[m] * MIB / SECTOR;
		unsigned long rsec = rd_mib[m] * MIB / SECTOR;
		struct pattern p = {
			.buf = (uint64_t *)buf,
			.words = rd_mib[m] * MIB / 8,
			.key = (uint64_t)seed << 8 | (m + 1),
		};
		uint64_t t0, t1, t2, t3, t4;
		unsigned long bad;
		int rw, rf, rr;

		run_user(user_fill, (unsigned long)&p);
		t0 = rdtsc();
		rw = bench_xfer(&hda, m, true, buf, 0, wsec, per_cmd[m], block);
		t1 = rdtsc();
		/* Fewer PIO writes than reads: DMA writes the rest, untimed. */
		if (!rw && wsec < rsec)
			rw = bench_xfer(&hda, MODE_DMA, true, buf, wsec, rsec,
					per_cmd[MODE_DMA], 1);
		t2 = rdtsc();
		rf = ata_flush(&hda);
		t3 = rdtsc();
		report(rw == 0, "%s: write %lu MiB (%d)", mode_name[m],
		       wr_mib[m], rw);
		report(rf == 0, "%s: flush (%d)", mode_name[m], rf);
		flush_us[m] = ticks_to_us(t3 - t2, hz);
		run_user(user_clear, (unsigned long)&p);
		t3 = rdtsc();
		rr = bench_xfer(&hda, m, false, buf, 0, rsec, per_cmd[m], block);
		t4 = rdtsc();
		report(rr == 0, "%s: read %lu MiB (%d)", mode_name[m], rd_mib[m],
		       rr);
		bad = run_user(user_check, (unsigned long)&p);
		if (bad)
			report(false, "%s: data read back as written: byte %lu differs",
			       mode_name[m], (bad - 1) * 8);
		else
			report(true, "%s: data read back as written",
			       mode_name[m]);
		wr_us[m] = ticks_to_us(t1 - t0, hz);
		rd_us[m] = ticks_to_us(t4 - t3, hz);
		printf("bench_disk: %s write_mib=%lu read_mib=%lu write_us=%lu "
		       "flush_us=%lu read_us=%lu\n",
		       mode_name[m], wr_mib[m], rd_mib[m],
		       (unsigned long)wr_us[m], (unsigned long)flush_us[m],
		       (unsigned long)rd_us[m]);
	}
	fmt_mibs(s[0], sizeof(s[0]), rd_mib[0], rd_us[0]);
	fmt_mibs(s[1], sizeof(s[1]), wr_mib[0], wr_us[0]);
	fmt_mibs(s[2], sizeof(s[2]), rd_mib[1], rd_us[1]);
	fmt_mibs(s[3], sizeof(s[3]), wr_mib[1], wr_us[1]);
	printf("bench_disk: pio_read_mibs=%s pio_write_mibs=%s "
	       "dma_read_mibs=%s dma_write_mibs=%s\n",
	       s[0], s[1], s[2], s[3]);
	return report_summary();
}
