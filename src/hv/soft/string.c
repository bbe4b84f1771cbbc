/* SPDX-License-Identifier: MIT */
/*
 * String instructions (MOVS CMPS STOS LODS SCAS INS OUTS) with REP,
 * REPE and REPNE, and IN/OUT.
 *
 * Registers advance element by element, so a fault in the middle of a
 * REP leaves RSI/RDI/RCX at the faulting element with RIP at the
 * instruction, as hardware does. A REP runs at most STR_BURST elements
 * per turn and then rewinds RIP onto itself: the run loop sees a taken
 * branch, checks for interrupts and requests, and resumes it.
 * Forward MOVS/STOS/INS/OUTS move whole runs within a page at once.
 */
#include <string.h>

#include "hv/soft/alu.h"
#include "hv/soft/ops.h"

#define STR_BURST 4096u

static int64_t str_step(const struct soft_cpu *cpu, unsigned size)
{
	return (cpu->rflags & F_DF) ? -(int64_t)size : (int64_t)size;
}

static void str_adv(struct soft_cpu *cpu, const struct soft_insn *in,
		    unsigned reg, int64_t delta)
{
	soft_reg_set(cpu, reg, in->asz, cpu->gpr[reg] + (uint64_t)delta);
}

/* Elements this turn: 1 without REP, else min(RCX, STR_BURST). */
static uint64_t str_count(const struct soft_cpu *cpu,
			  const struct soft_insn *in)
{
	uint64_t c;

	if (!in->rep)
		return 1;
	c = cpu->gpr[R_CX] & in->amask;
	return c < STR_BURST ? c : STR_BURST;
}

/* After a REP turn: come back if elements remain. */
static void str_again(struct soft_cpu *cpu, const struct soft_insn *in)
{
	if (in->rep && (cpu->gpr[R_CX] & in->amask))
		cpu->rip = cpu->ip_start;
}

/* Elements of `size` from offset `off` to its page end (forward). */
static uint64_t str_in_page(struct soft_cpu *cpu, int seg, uint64_t off,
			    unsigned size)
{
	uint64_t lin = soft_lin(cpu, seg, off, size, A_READ);

	return (4096 - (lin & 0xfff)) / size;
}

/* A run of n forward elements is possible when it does not wrap the
 * address size. */
static int str_nowrap(const struct soft_insn *in, uint64_t off, uint64_t len)
{
	return off + len - 1 <= in->amask;
}

void soft_str_movs(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	int64_t d = str_step(cpu, s);
	uint64_t n = str_count(cpu, in), i = 0;
	uint8_t buf[4096];

	while (i < n) {
		uint64_t si = cpu->gpr[R_SI] & in->amask;
		uint64_t di = cpu->gpr[R_DI] & in->amask;
		uint64_t k = n - i, ls, ld, len;

		if (d > 0 && k > 1) {
			uint64_t a = str_in_page(cpu, in->seg, si, s);
			uint64_t b = str_in_page(cpu, S_ES, di, s);

			k = k < a ? k : a;
			k = k < b ? k : b;
			len = k * s;
			if (k > 1 && str_nowrap(in, si, len) &&
			    str_nowrap(in, di, len)) {
				ls = soft_lin(cpu, in->seg, si, s, A_READ);
				ld = soft_lin(cpu, S_ES, di, s, A_WRITE);
				/* Overlap where the element order shows
				 * (destination just above the source): one
				 * element at a time. */
				if (!(ld > ls && ld < ls + len)) {
					soft_read_buf(cpu, in->seg, si, buf,
						      (unsigned)len);
					soft_write_buf(cpu, S_ES, di, buf,
						       (unsigned)len);
					str_adv(cpu, in, R_SI, (int64_t)len);
					str_adv(cpu, in, R_DI, (int64_t)len);
					if (in->rep)
						soft_reg_set(cpu, R_CX, in->asz,
							     cpu->gpr[R_CX] - k);
					i += k;
					continue;
				}
			}
		}
		soft_write(cpu, S_ES, di, s, soft_read(cpu, in->seg, si, s));
		str_adv(cpu, in, R_SI, d);
		str_adv(cpu, in, R_DI, d);
		if (in->rep)
			soft_reg_set(cpu, R_CX, in->asz, cpu->gpr[R_CX] - 1);
		i++;
	}
	str_again(cpu, in);
}

/* Fills `len` bytes (a multiple of `size`) with the element `v`. */
static void str_fill(uint8_t *p, uint64_t v, unsigned size, unsigned len)
{
	unsigned done;

	if (size == 1 || v == 0 || v == ~0ull >> (64 - 8 * size)) {
		memset(p, (int)(v & 0xff), len);
		return;
	}
	memcpy(p, &v, size);
	/* Double the filled prefix until it covers the whole range. */
	for (done = size; done < len; done *= 2)
		memcpy(p + done, p, done < len - done ? done : len - done);
}

void soft_str_stos(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	int64_t d = str_step(cpu, s);
	uint64_t n = str_count(cpu, in), i = 0;
	uint64_t v = soft_reg_get(cpu, R_AX, s);
	uint8_t buf[4096];
	unsigned filled = 0;

	while (i < n) {
		uint64_t di = cpu->gpr[R_DI] & in->amask, k = n - i, b, len;

		if (d > 0 && k > 1) {
			b = str_in_page(cpu, S_ES, di, s);
			k = k < b ? k : b;
			len = k * s;
			if (k > 1 && str_nowrap(in, di, len)) {
				/* RAM: fill it in place (Linux clears every
				 * page it hands out with rep stos). */
				uint8_t *p = soft_rmw_ptr(cpu, S_ES, di,
							  (unsigned)len);

				if (p) {
					str_fill(p, v, s, (unsigned)len);
				} else {
					if (filled < len) {
						str_fill(buf, v, s,
							 (unsigned)len);
						filled = (unsigned)len;
					}
					soft_write_buf(cpu, S_ES, di, buf,
						       (unsigned)len);
				}
				str_adv(cpu, in, R_DI, (int64_t)len);
				if (in->rep)
					soft_reg_set(cpu, R_CX, in->asz,
						     cpu->gpr[R_CX] - k);
				i += k;
				continue;
			}
		}
		soft_write(cpu, S_ES, di, s, v);
		str_adv(cpu, in, R_DI, d);
		if (in->rep)
			soft_reg_set(cpu, R_CX, in->asz, cpu->gpr[R_CX] - 1);
		i++;
	}
	str_again(cpu, in);
}

void soft_str_lods(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	int64_t d = str_step(cpu, s);
	uint64_t n = str_count(cpu, in);

	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = soft_read(cpu, in->seg,
				       cpu->gpr[R_SI] & in->amask, s);

		soft_reg_set(cpu, R_AX, s, v);
		str_adv(cpu, in, R_SI, d);
		if (in->rep)
			soft_reg_set(cpu, R_CX, in->asz, cpu->gpr[R_CX] - 1);
	}
	str_again(cpu, in);
}

/* CMPS (cmps = 1) and SCAS; REPE/REPNE end on ZF. */
static void str_compare(struct soft_cpu *cpu, const struct soft_insn *in,
			int cmps)
{
	unsigned s = in->osz;
	int64_t d = str_step(cpu, s);
	uint64_t n = str_count(cpu, in);

	for (uint64_t i = 0; i < n; i++) {
		uint64_t a, b;

		if (cmps)
			a = soft_read(cpu, in->seg, cpu->gpr[R_SI] & in->amask,
				      s);
		else
			a = soft_reg_get(cpu, R_AX, s);
		b = soft_read(cpu, S_ES, cpu->gpr[R_DI] & in->amask, s);
		soft_alu(cpu, ALU_CMP, s, a, b);
		if (cmps)
			str_adv(cpu, in, R_SI, d);
		str_adv(cpu, in, R_DI, d);
		if (!in->rep)
			return;
		soft_reg_set(cpu, R_CX, in->asz, cpu->gpr[R_CX] - 1);
		if ((in->rep == 0xf3) != soft_lf_zf(cpu))
			return;
	}
	str_again(cpu, in);
}

void soft_str_cmps(struct soft_cpu *cpu, const struct soft_insn *in)
{
	str_compare(cpu, in, 1);
}

void soft_str_scas(struct soft_cpu *cpu, const struct soft_insn *in)
{
	str_compare(cpu, in, 0);
}

static unsigned str_io_size(const struct soft_insn *in)
{
	return in->osz > 4 ? 4 : in->osz;
}

void soft_str_ins(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = str_io_size(in);
	uint16_t port = (uint16_t)cpu->gpr[R_DX];
	int64_t d = str_step(cpu, s);
	uint64_t n = str_count(cpu, in), i = 0;

	if (!n)
		return;
	soft_io_check(cpu, port, s);
	while (i < n) {
		uint64_t di = cpu->gpr[R_DI] & in->amask, k = n - i, b;
		uint8_t *p;
		uint64_t v = 0;

		if (d > 0 && k > 1) {
			b = str_in_page(cpu, S_ES, di, s);
			k = k < b ? k : b;
			if (k > 1 && str_nowrap(in, di, k * s)) {
				p = soft_rmw_ptr(cpu, S_ES, di,
						 (unsigned)(k * s));
				if (p) {
					cpu->ops->pio(cpu->ctx, port, s,
						      (unsigned)k, 0, p);
					str_adv(cpu, in, R_DI,
						(int64_t)(k * s));
					soft_reg_set(cpu, R_CX, in->asz,
						     cpu->gpr[R_CX] - k);
					i += k;
					continue;
				}
			}
		}
		/* Probe the destination before the port read consumes. */
		soft_lin(cpu, S_ES, di, s, A_WRITE);
		cpu->ops->pio(cpu->ctx, port, s, 1, 0, (uint8_t *)&v);
		soft_write(cpu, S_ES, di, s, v);
		str_adv(cpu, in, R_DI, d);
		if (in->rep)
			soft_reg_set(cpu, R_CX, in->asz, cpu->gpr[R_CX] - 1);
		i++;
	}
	str_again(cpu, in);
}

void soft_str_outs(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = str_io_size(in);
	uint16_t port = (uint16_t)cpu->gpr[R_DX];
	int64_t d = str_step(cpu, s);
	uint64_t n = str_count(cpu, in), i = 0;
	uint8_t buf[4096];

	if (!n)
		return;
	soft_io_check(cpu, port, s);
	while (i < n) {
		uint64_t si = cpu->gpr[R_SI] & in->amask, k = n - i, b;
		uint64_t v;

		if (d > 0 && k > 1) {
			b = str_in_page(cpu, in->seg, si, s);
			k = k < b ? k : b;
			if (k > 1 && str_nowrap(in, si, k * s)) {
				soft_read_buf(cpu, in->seg, si, buf,
					      (unsigned)(k * s));
				cpu->ops->pio(cpu->ctx, port, s, (unsigned)k,
					      1, buf);
				str_adv(cpu, in, R_SI, (int64_t)(k * s));
				soft_reg_set(cpu, R_CX, in->asz,
					     cpu->gpr[R_CX] - k);
				i += k;
				continue;
			}
		}
		v = soft_read(cpu, in->seg, si, s);
		cpu->ops->pio(cpu->ctx, port, s, 1, 1, (uint8_t *)&v);
		str_adv(cpu, in, R_SI, d);
		if (in->rep)
			soft_reg_set(cpu, R_CX, in->asz, cpu->gpr[R_CX] - 1);
		i++;
	}
	str_again(cpu, in);
}

/* IN/OUT: the port from imm8 (sub 0) or DX (sub 1). */
void soft_str_in(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = str_io_size(in);
	uint16_t port = in->sub ? (uint16_t)cpu->gpr[R_DX] : (uint16_t)in->imm;
	uint64_t v = 0;

	soft_io_check(cpu, port, s);
	cpu->ops->pio(cpu->ctx, port, s, 1, 0, (uint8_t *)&v);
	soft_reg_set(cpu, R_AX, s, v);
}

void soft_str_out(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = str_io_size(in);
	uint16_t port = in->sub ? (uint16_t)cpu->gpr[R_DX] : (uint16_t)in->imm;
	uint64_t v = soft_reg_get(cpu, R_AX, s);

	soft_io_check(cpu, port, s);
	cpu->ops->pio(cpu->ctx, port, s, 1, 1, (uint8_t *)&v);
}
