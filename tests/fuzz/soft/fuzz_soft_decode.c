/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the soft CPU's decoder (src/hv/soft/decode.c)
 * alone. Input: one mode byte, then instruction bytes. Each input is
 * decoded in the chosen mode (real, VM86, 16/32-bit protected, 64-bit)
 * twice:
 *
 *   - from an exact-size heap copy with nofetch set (block building):
 *     ASan catches any read past what the decoder was given, and the
 *     harness checks the decoder never reads past 15 bytes;
 *   - from a short mapped prefix with the rest fetched through the
 *     memory front end (soft_fetch_byte over an MMIO op that serves the
 *     remaining input bytes and counts them): at most 15 bytes are ever
 *     fetched in all.
 *
 * Either way the result is a length 1..15 with a handler, or the #GP(0)
 * too-long form; and both ways agree on the length and handler.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/soft/decode.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

/* The fetch path's source: bytes past the mapped prefix. */
struct fdec {
	const uint8_t *bytes;
	size_t len;
	uint64_t base; /* linear address of bytes[0] */
	unsigned fetched;
};

static struct fdec fdec_cur;

static uint8_t *fdec_ram_page(void *ctx, uint64_t gpa, int write)
{
	(void)ctx;
	(void)gpa;
	(void)write;
	return NULL; /* all MMIO: every fetched byte comes through mmio_read */
}

static uint64_t fdec_mmio_read(void *ctx, uint64_t gpa, unsigned size)
{
	struct fdec *f = ctx;
	uint64_t off = gpa - f->base, v = 0;

	check(size >= 1 && size <= 8);
	for (unsigned i = 0; i < size; i++) {
		f->fetched++;
		/* The decoder's 15-byte limit holds for fetched bytes too. */
		check(off + i < 15);
		if (off + i < f->len)
			v |= (uint64_t)f->bytes[off + i] << (8 * i);
	}
	return v;
}

static void fdec_mmio_write(void *ctx, uint64_t gpa, unsigned size,
			    uint64_t v)
{
	(void)ctx;
	(void)gpa;
	(void)size;
	(void)v;
	check(0); /* decoding never writes */
}

static void fdec_pio(void *ctx, uint16_t port, unsigned size, unsigned count,
		     int is_write, uint8_t *data)
{
	(void)ctx;
	(void)port;
	(void)size;
	(void)count;
	(void)is_write;
	(void)data;
	check(0); /* nor does it do I/O */
}

static int fdec_intr_ack(void *ctx)
{
	(void)ctx;
	return -1;
}

static int fdec_msr(void *ctx, uint32_t msr, uint64_t *v)
{
	(void)ctx;
	(void)msr;
	(void)v;
	return -1;
}

static int fdec_wrmsr(void *ctx, uint32_t msr, uint64_t v)
{
	(void)ctx;
	(void)msr;
	(void)v;
	return -1;
}

static uint64_t fdec_get_cr8(void *ctx)
{
	(void)ctx;
	return 0;
}

static void fdec_set_cr8(void *ctx, uint64_t v)
{
	(void)ctx;
	(void)v;
}

static int64_t fdec_clock(void *ctx)
{
	(void)ctx;
	return 0;
}

static const struct soft_ops fdec_ops = {
	.ram_page = fdec_ram_page,
	.mmio_read = fdec_mmio_read,
	.mmio_write = fdec_mmio_write,
	.pio = fdec_pio,
	.intr_ack = fdec_intr_ack,
	.rdmsr = fdec_msr,
	.wrmsr = fdec_wrmsr,
	.get_cr8 = fdec_get_cr8,
	.set_cr8 = fdec_set_cr8,
	.clock_ns = fdec_clock,
};

static struct soft_vm *fdec_vm;
static struct soft_cpu *fdec_cpu;

/* The CPU state the decoder reads: the mode and a flat CS. */
static void fdec_set_mode(struct soft_cpu *cpu, unsigned sel)
{
	static const enum soft_mode modes[5] = { M_REAL, M_VM86, M_PROT16,
						 M_PROT32, M_LONG64 };
	enum soft_mode m = modes[sel % 5];

	cpu->mode = m;
	cpu->cpl = m == M_VM86 ? 3 : 0;
	cpu->cr0 = m == M_REAL ? 0 : CR0_PE;
	cpu->efer = m == M_LONG64 ? EFER_LME | EFER_LMA : 0;
	cpu->seg[S_CS].base = 0;
	cpu->seg[S_CS].limit = 0xffffffffu;
	cpu->seg[S_CS].attr = (uint16_t)(SEG_A_P | SEG_A_S | 0xb |
		(m == M_PROT32 ? SEG_A_DB : 0) | (m == M_LONG64 ? SEG_A_L : 0));
	cpu->rip = 0x1000;
}

/* One decode; 0 done, -1 shortage, 1 the fetch raised (longjmp). */
static int fdec_one(struct soft_cpu *cpu, const uint8_t *p, unsigned avail,
		    int nofetch, struct soft_insn *in)
{
	if (setjmp(cpu->fault_jmp))
		return 1;
	return soft_decode(cpu, cpu->rip, p, avail, nofetch, in);
}

static void fdec_valid(const struct soft_insn *in)
{
	check(in->fn != NULL);
	check(in->len >= 1 && in->len <= 15);
	if (in->fn == soft_decode_gp0)
		check(in->len == 15);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct soft_insn a, b;
	uint8_t *copy;
	size_t n;
	unsigned split;
	int ra, rb;

	if (size < 2)
		return 0;
	if (!fdec_cpu) {
		fdec_vm = soft_vm_new(1u << 20, 0);
		check(fdec_vm != NULL);
		fdec_cpu = soft_cpu_new(fdec_vm, 0, &fdec_ops, &fdec_cur);
		check(fdec_cpu != NULL);
	}
	fdec_set_mode(fdec_cpu, data[0] & 0x7f);
	split = data[0] >> 7; /* the fetch pass maps 0 or half the bytes */
	data++;
	size--;
	n = size < 32 ? size : 32;

	/* Pass 1: exactly the bytes given, no fetching. */
	copy = malloc(n);
	check(copy != NULL);
	memcpy(copy, data, n);
	ra = fdec_one(fdec_cpu, copy, (unsigned)n, 1, &a);
	check(ra == 0 || ra == -1);
	if (ra == 0) {
		fdec_valid(&a);
		/* Within what it was given, the too-long form included:
		 * a caller compares or copies `len` bytes from `p`. */
		check(a.len <= n);
	} else {
		check(n < 15); /* a shortage only when fewer than 15 given */
	}

	/* Pass 2: a prefix mapped, the rest fetched one byte at a time. */
	fdec_cur = (struct fdec){ .bytes = copy, .len = n,
				  .base = fdec_cpu->rip };
	{
		unsigned m = split ? (unsigned)(n / 2) : 0;

		/* Fetched bytes start at base + m: shift the view. */
		fdec_cur.bytes = copy;
		rb = fdec_one(fdec_cpu, m ? copy : NULL, m, 0, &b);
	}
	check(rb == 0 || rb == 1);
	check(fdec_cur.fetched <= 15);
	if (rb == 0) {
		fdec_valid(&b);
		if (ra == 0) {
			check(a.len == b.len);
			check(a.fn == b.fn);
		}
	}
	free(copy);
	return 0;
}
