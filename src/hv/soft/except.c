/* SPDX-License-Identifier: MIT */
/*
 * Exceptions and interrupt delivery for the soft CPU.
 */
#include "hv/soft/sys.h"

void soft_raise(struct soft_cpu *cpu, unsigned vector, int32_t err)
{
	cpu->pend_vec = (int)vector;
	cpu->pend_err = err;
	longjmp(cpu->fault_jmp, 1);
}
