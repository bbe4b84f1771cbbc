/* SPDX-License-Identifier: MIT */
/*
 * Self-modifying and cross-modifying code (64-bit kit, 2 vCPUs, a disk):
 * a store to the instruction right after it takes effect at once (x86
 * snoops the prefetch queue), also in a loop that rewrites it every turn;
 * a function rewritten between two calls (a new immediate, then new
 * instructions), in ring 0 and in ring 3; code that the other vCPU
 * rewrites while this one runs it (followed by CPUID, the serialising
 * instruction the SDM asks of the executing CPU); and code written into a
 * buffer this CPU already ran by IDE DMA and by `rep insw` (PIO).  A
 * software CPU that caches decoded instructions must notice all of them.
 */
#include "guest.h"

unsigned long smc_ahead(void);
unsigned long smc_loop(unsigned long n);
unsigned long user_smc(unsigned long x);
extern uint8_t smc_ahead_insn[], func_a[], func_b[], func_u[];
extern uint8_t dma_code[];

__asm__(".text\n"
	/* Patches the immediate of the very next instruction. */
	".globl smc_ahead, smc_ahead_insn\n"
	"smc_ahead:\n\t"
	"movl $0x42, smc_ahead_insn+1(%rip)\n"
	"smc_ahead_insn:\n\t"
	"movl $0x11, %eax\n\t"
	"ret\n"
	/* Each turn stores the counter as the next instruction's immediate. */
	".globl smc_loop\n"
	"smc_loop:\n\t"
	"xorl %edx, %edx\n\t"
	"movl %edi, %ecx\n"
	"2:\tmovl %ecx, 1f+1(%rip)\n"
	"1:\tmovl $0, %eax\n\t"
	"addl %eax, %edx\n\t"
	"decl %ecx\n\tjnz 2b\n\t"
	"movl %edx, %eax\n\tret\n"
	/* Ring 3: rewrites func_u's immediate to x, calls it. */
	".globl user_smc\n"
	"user_smc:\n\t"
	"callq func_u\n\t"
	"movl %eax, %esi\n\t"
	"movl %edi, func_u+1(%rip)\n\t"
	"callq func_u\n\t"
	"shlq $32, %rsi\n\torq %rsi, %rax\n\tret\n"
	".balign 64\n"
	".globl func_a, func_b, func_u\n"
	"func_a:\t.fill 64, 1, 0xC3\n"
	"func_b:\t.fill 64, 1, 0xC3\n"
	"func_u:\tmovl $0x1111, %eax\n\tret\n"
	".balign 512\n"
	".globl dma_code\n"
	"dma_code:\t.fill 512, 1, 0xC3\n");

/* mov $imm, %eax; ret */
static void put_mov_ret(uint8_t *p, uint32_t imm)
{
	volatile uint8_t *v = p;

	v[0] = 0xB8;
	v[1] = imm & 0xFF;
	v[2] = (imm >> 8) & 0xFF;
	v[3] = (imm >> 16) & 0xFF;
	v[4] = imm >> 24;
	v[5] = 0xC3;
}

static unsigned long call(uint8_t *p, unsigned long arg)
{
	return ((unsigned long (*)(unsigned long))(void *)p)(arg);
}

static void test_local(void)
{
	unsigned long r;

	put_mov_ret(smc_ahead_insn, 0x11);
	r = smc_ahead();
	report(r == 0x42, "a store to the next instruction takes effect (0x%lx)",
	       r);
	r = smc_loop(1000);
	report(r == 1000ul * 1001 / 2,
	       "the loop that rewrites its own immediate every turn: %lu", r);

	put_mov_ret(func_a, 1);
	r = call(func_a, 0);
	put_mov_ret(func_a, 2);
	report(r == 1 && call(func_a, 0) == 2,
	       "a function with a new immediate, called again");
	/* lea 5(%rdi), %eax; ret */
	func_a[0] = 0x8D;
	func_a[1] = 0x47;
	func_a[2] = 0x05;
	func_a[3] = 0xC3;
	r = call(func_a, 10);
	report(r == 15, "the same function with new instructions: %lu", r);
	for (unsigned i = 0; i < 100; i++) {
		put_mov_ret(func_a, i);
		if (call(func_a, 0) != i) {
			report(false, "rewrite-and-call %u", i);
			return;
		}
	}
	report(true, "100 rewrite-and-call rounds");

	r = run_user(user_smc, 0x2222);
	report(r == ((0x1111ul << 32) | 0x2222),
	       "ring 3 rewrites a function and calls it again (0x%lx)", r);
}

static volatile uint32_t ap_go, ap_done;

static void ap_main(unsigned cpu)
{
	(void)cpu;
	while (!ap_go)
		pause();
	put_mov_ret(func_b, 0xBBBB);
	__atomic_store_n(&ap_done, 1, __ATOMIC_RELEASE);
}

static void test_cross(void)
{
	unsigned long r = 0, calls = 0;
	uint32_t id[4];

	put_mov_ret(func_b, 0xAAAA);
	if (smp_boot(ap_main, 1, 2000) != 1) {
		report(false, "the AP did not start");
		return;
	}
	report(call(func_b, 0) == 0xAAAA, "BSP runs the old code");
	ap_go = 1;
	while (!__atomic_load_n(&ap_done, __ATOMIC_ACQUIRE) &&
	       calls < 100000000) {
		r = call(func_b, 0);
		calls++;
	}
	cpuid(0, 0, id);	/* serialise before running the new code */
	r = call(func_b, 0);
	report(ap_done && r == 0xBBBB,
	       "code rewritten by the AP runs on the BSP (0x%lx after %lu "
	       "calls)", r, calls);
}

static uint8_t sector[512] __attribute__((aligned(512)));

static void test_io(void)
{
	struct ide_drive d;
	unsigned long r;

	if (!report(ide_init() == 0 && ide_probe(0, 0, &d) == 0,
		    "hda present for the DMA checks"))
		return;
	memset(sector, 0xC3, sizeof(sector));
	put_mov_ret(sector, 0xD3A);
	put_mov_ret(sector + 256, 0x710);
	if (!report(ata_pio(&d, true, 100, 1, sector) == 0,
		    "code written to LBA 100"))
		return;
	put_mov_ret(dma_code, 1);
	put_mov_ret(dma_code + 256, 2);
	r = call(dma_code, 0) + call(dma_code + 256, 0);
	report(r == 3, "the buffer's old code ran");
	r = ata_dma(&d, false, 100, 1, dma_code);
	report(r == 0 && call(dma_code, 0) == 0xD3A &&
		       call(dma_code + 256, 0) == 0x710,
	       "code read by DMA over code already run: the new code runs");

	put_mov_ret(dma_code, 5);
	r = call(dma_code, 0);
	r = ata_pio(&d, false, 100, 1, dma_code);
	report(r == 0 && call(dma_code, 0) == 0xD3A,
	       "code read by PIO (rep insw) over code already run: the new "
	       "code runs");
}

int main(void)
{
	test_local();
	test_cross();
	test_io();
	return report_summary();
}
