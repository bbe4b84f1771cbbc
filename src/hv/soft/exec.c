/* SPDX-License-Identifier: MIT */
/*
 * The run loop: requests from other threads (stop, INIT, SIPI, NMI,
 * interrupts), HLT, the fault landing point, and the dispatch of cached
 * blocks or, where code is not cacheable (MMIO firmware, an instruction
 * across a page end), of one freshly decoded instruction.
 *
 * Requests are checked between blocks: a block ends at a taken branch,
 * at most IC_BLOCK_MAX instructions in, and after anything that may
 * change the mode, IF or the interrupt shadow; REP string instructions
 * come back here every few thousand elements.
 */
#include "hv/soft/alu.h"
#include "hv/soft/icache.h"

/* CS:RIP as a linear address. */
static uint64_t exec_pc(const struct soft_cpu *cpu)
{
	if (cpu->mode == M_LONG64)
		return cpu->rip;
	return (cpu->seg[S_CS].base + (cpu->rip & 0xffffffffu)) & 0xffffffffu;
}

/* A delivery from the loop: faults in it rewind to the current RIP. */
static void exec_deliver(struct soft_cpu *cpu, enum soft_event kind,
			 unsigned vec)
{
	cpu->ip_start = cpu->rip;
	cpu->halted = 0;
	soft_deliver(cpu, kind, vec, -1);
	cpu->exc_depth = 0;
}

static void exec_sipi(struct soft_cpu *cpu)
{
	unsigned v = atomic_load(&cpu->sipi_vector) & 0xff;

	cpu->seg[S_CS].sel = (uint16_t)(v << 8);
	cpu->seg[S_CS].base = (uint64_t)v << 12;
	cpu->rip = 0;
	cpu->wait_sipi = 0;
	cpu->halted = 0;
}

/* Pending requests: an exit code, or -1 to go on running. */
static int exec_events(struct soft_cpu *cpu)
{
	unsigned req = atomic_load(&cpu->req);
	int v;

	if (req & SOFT_REQ_STOP) {
		atomic_fetch_and(&cpu->req, ~SOFT_REQ_STOP);
		return SOFT_EXIT_REQUEST;
	}
	if (req & SOFT_REQ_INIT) {
		atomic_fetch_and(&cpu->req, ~SOFT_REQ_INIT);
		soft_reset_state(cpu, 1);
		soft_icache_flush(cpu);
		cpu->halted = 0;
		cpu->wait_sipi = 1;
		/* A SIPI posted right behind the INIT is taken now: the
		 * caller sleeps until the next post after WAIT_SIPI. */
		req = atomic_load(&cpu->req);
	}
	if (req & SOFT_REQ_SIPI) {
		atomic_fetch_and(&cpu->req, ~SOFT_REQ_SIPI);
		if (cpu->wait_sipi)
			exec_sipi(cpu);
	}
	if (cpu->wait_sipi)
		return SOFT_EXIT_WAIT_SIPI;
	if (!cpu->shadow) {
		if ((req & SOFT_REQ_NMI) && !cpu->nmi_blocked) {
			atomic_fetch_and(&cpu->req, ~SOFT_REQ_NMI);
			exec_deliver(cpu, SOFT_EV_NMI, V_NMI);
			return -1;
		}
		if ((req & SOFT_REQ_INTR) && (cpu->rflags & F_IF)) {
			/* Cleared first, set again when a vector came: a
			 * post racing with intr_ack is never lost. */
			atomic_fetch_and(&cpu->req, ~SOFT_REQ_INTR);
			v = cpu->ops->intr_ack(cpu->ctx);
			if (v >= 0) {
				atomic_fetch_or(&cpu->req, SOFT_REQ_INTR);
				exec_deliver(cpu, SOFT_EV_EXT, (unsigned)v);
				return -1;
			}
		}
	}
	if (cpu->halted)
		return SOFT_EXIT_HLT;
	return -1;
}

/* Runs one instruction decoded now (not cached). */
static void exec_one_uncached(struct soft_cpu *cpu, uint64_t lin,
			      const uint8_t *p, unsigned avail)
{
	struct soft_insn in;

	soft_decode(cpu, lin, p, avail, 0, &in);
	cpu->rip += in.len;
	in.fn(cpu, &in);
	cpu->icount++;
}

/*
 * Runs one cached block; 1 when the next block may follow at once (a
 * taken branch or the block's end, nothing that changes the mode).
 * Only instructions flagged in the decode can end the block early:
 * I_BRANCH ones by moving RIP, I_END ones always, I_WMEM ones by
 * writing this block's code. icount is added on the way out (a fault
 * leaves the block's retired instructions uncounted).
 */
static int exec_cached(struct soft_cpu *cpu, const struct ic_block *b,
		       unsigned max)
{
	unsigned n = b->n < max ? b->n : max, i;
	uint64_t rip;
	int more = 1;

	for (i = 0; i < n; i++) {
		const struct soft_insn *in = &b->insn[i];

		rip = cpu->rip;
		cpu->ip_start = rip;
		cpu->rip = rip + in->len;
		in->fn(cpu, in);
		if (__builtin_expect(in->flags != 0, 0)) {
			if (in->flags & I_END) {
				more = 0;
				break;
			}
			if ((in->flags & I_WMEM) && soft_icache_stale(cpu, b)) {
				more = 0;
				break;
			}
			if ((in->flags & I_BRANCH) && cpu->rip != rip + in->len)
				break;
		}
	}
	cpu->icount += i < n ? i + 1 : n;
	return more;
}

/* Bytes from linear `lin` that may be decoded in one go: to the page
 * end, and within the CS limit outside 64-bit mode. */
static unsigned exec_span(const struct soft_cpu *cpu, uint64_t lin)
{
	unsigned left = 4096 - (unsigned)(lin & 0xfff);

	if (cpu->mode != M_LONG64) {
		uint64_t lim = (uint64_t)cpu->seg[S_CS].limit -
			       (cpu->rip & 0xffffffffu) + 1;

		if (lim < left)
			left = (unsigned)lim;
	}
	return left;
}

/*
 * Runs up to `max` instructions per block from the current RIP, and
 * further blocks while they stay in the same linear page (whose
 * translation cannot change without an instruction that ends the run:
 * CR writes, INVLPG, mode switches) and nothing is requested.
 */
static void exec_block(struct soft_cpu *cpu, unsigned max, unsigned chain)
{
	uint64_t lin = exec_pc(cpu), gpa, page;
	unsigned avail;
	const uint8_t *p, *host;
	struct ic_block *b;

	cpu->ip_start = cpu->rip;
	p = soft_code_ptr(cpu, lin, &avail, &gpa);
	if (!p) {
		exec_one_uncached(cpu, lin, p, avail);
		return;
	}
	page = lin & ~(uint64_t)0xfff;
	host = p - (lin & 0xfff);
	gpa &= ~(uint64_t)0xfff;
	for (;;) {
		unsigned off = (unsigned)(lin & 0xfff);

		b = soft_icache_lookup(cpu, lin, host + off,
				       exec_span(cpu, lin), gpa | off);
		if (!b) {
			/* Crosses the page end: the rest comes through the
			 * slow fetch (and its checks). */
			exec_one_uncached(cpu, lin, host + off,
					  exec_span(cpu, lin));
			return;
		}
		if (!exec_cached(cpu, b, max) || !--chain ||
		    atomic_load_explicit(&cpu->req, memory_order_relaxed))
			return;
		lin = exec_pc(cpu);
		if ((lin & ~(uint64_t)0xfff) != page)
			return;
		cpu->ip_start = cpu->rip;
		if (cpu->mode != M_LONG64 &&
		    (cpu->rip & 0xffffffffu) > cpu->seg[S_CS].limit)
			soft_raise(cpu, V_GP, 0);
	}
}

enum soft_exit soft_cpu_run(struct soft_cpu *cpu)
{
	int r;

	if (setjmp(cpu->fault_jmp)) {
		/* A fault (soft_raise): rewind to the instruction, deliver.
		 * A fault during the delivery lands here again. */
		soft_lock_fault_cleanup(cpu);
		cpu->rip = cpu->ip_start;
		cpu->shadow = 0;
		soft_deliver(cpu, SOFT_EV_EXC, (unsigned)cpu->pend_vec,
			     cpu->pend_err);
		cpu->exc_depth = 0;
	}
	for (;;) {
		if (cpu->shutdown)
			return SOFT_EXIT_SHUTDOWN;
		if (atomic_load_explicit(&cpu->req, memory_order_relaxed) ||
		    cpu->halted || cpu->wait_sipi) {
			r = exec_events(cpu);
			if (r >= 0)
				return (enum soft_exit)r;
			if (cpu->shutdown)
				continue;
		}
		if (cpu->shadow) {
			/* One instruction with interrupts held off. */
			cpu->shadow = 0;
			exec_block(cpu, 1, 1);
		} else if (cpu->rflags & F_TF) {
			/* Single-step: #DB after each instruction that
			 * completes with TF still set. */
			exec_block(cpu, 1, 1);
			if ((cpu->rflags & F_TF) && !cpu->shutdown) {
				cpu->dr[6] |= 1u << 14;
				exec_deliver(cpu, SOFT_EV_EXC, V_DB);
			}
		} else {
			exec_block(cpu, IC_BLOCK_MAX, 64);
		}
		cpu->exc_depth = 0;
		if (cpu->halted)
			return SOFT_EXIT_HLT;
	}
}
