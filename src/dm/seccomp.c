/* SPDX-License-Identifier: MIT */
/*
 * safepc-dm's seccomp allowlist, as a table (common/seccomp_table.h): what
 * a device model needs to serve ioreqs on the fds it was given, and nothing
 * else. Everything is mapped before the filter (dm_map_fds), so there is no
 * mmap or mprotect at all; no open, no socket, no exec, no process or
 * thread creation, no ioctl. Anything else kills the process, or with
 * dm_seccomp = "log" (--seccomp-log) is only logged, for diagnosis.
 *
 * tests/seccomp checks every rule both ways and that each rule not marked
 * rare is used by real domains; keep the table minimal.
 */
#include <errno.h>
#include <seccomp.h>
#include <string.h>

#include "common/log.h"
#include "common/seccomp_table.h"
#include "common/util.h"
#include <stdio.h>

#include "dm/dm.h"
#include "dm/seccomp.h"

const struct seccomp_rule_desc dm_seccomp_rules[] = {
	SECCOMP_RULE(read, SECCOMP_ARG_ANY, 0,
		     "the eventfd counter after a wake-up (channel_sleep); "
		     "console input (uart_console_input)"),
	SECCOMP_RULE(write, SECCOMP_ARG_ANY, 0,
		     "console output (uart_tx) and log lines (common/log.c)"),
	SECCOMP_RULE(poll, SECCOMP_ARG_ANY, 0,
		     "channel_sleep waits on the eventfd, the dm_op socket "
		     "(hv gone) and the console, up to the next device timer"),
	SECCOMP_RULE(sendto, SECCOMP_ARG_ANY, 0,
		     "dm_op requests: MAP_IO_RANGE, READY, "
		     "SET_ISA_IRQ_LEVEL, REMOTE_SHUTDOWN (dm_op_call)"),
	SECCOMP_RULE(recvfrom, SECCOMP_ARG_ANY, 0,
		     "dm_op answers (dm_op_call)"),
	SECCOMP_RULE(futex, SECCOMP_ARG_FUTEX_WAKE, 0,
		     "wakes the hv vCPU thread sleeping on an answered ioreq "
		     "slot (channel_serve_slot)"),
	/* Rare paths. */
	SECCOMP_RULE(exit_group, SECCOMP_ARG_ANY, 1,
		     "the DM outlives hv: _exit(0) when hv closed the dm_op "
		     "socket (dm_op_call, channel_sleep), die() on a fatal "
		     "error; normally the monitor kills the DM first"),
	SECCOMP_RULE(brk, SECCOMP_ARG_ANY, 1,
		     "malloc grows the heap: devices_create allocates device "
		     "state after the filter, which the heap left by "
		     "start-up normally holds"),
	SECCOMP_RULE(clock_gettime, SECCOMP_ARG_ANY, 1,
		     "device timers and log rate limits go through the vDSO; "
		     "a syscall only when the host clocksource has no vDSO "
		     "support (e.g. hpet, acpi_pm)"),
	SECCOMP_RULE(restart_syscall, SECCOMP_ARG_ANY, 1,
		     "a poll with a timer timeout interrupted by a stop "
		     "(SIGSTOP, cgroup freezer, ptrace) resumes"),
};
const unsigned dm_seccomp_nr_rules = ARRAY_SIZE(dm_seccomp_rules);

/*
 * Disk I/O, only in a DM that hosts disks and only on their fds: pread64
 * and preadv (bus-master DMA straight into guest RAM) on every disk,
 * pwrite64, pwritev and fdatasync on writable ones. (A read-only
 * image fd is also opened O_RDONLY by the monitor.)
 */
/* One splice(2) rule: from fd `in` to fd `out`, nothing else. */
static int dm_seccomp_splice_rule(scmp_filter_ctx ctx, int in, int out)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(splice), 2,
				SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)in),
				SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)out));
}

/*
 * Bus-master DMA that bypasses the DM's mapping (dma_nomap.c): reads into
 * guest RAM by process_vm_writev on the DM's own pid only (flags 0);
 * writes by splice from the guest RAM memfd into the DM's pipe and from
 * the pipe into a writable image. No other pid and no other pair of fds.
 */
static int dm_seccomp_nomap_rules(const struct dm *dm, scmp_filter_ctx ctx)
{
	const struct dma_nomap *dn = &dm->dma;
	unsigned k;
	int r, rw = 0;

	r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(process_vm_writev),
			     2, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)dn->self),
			     SCMP_A5(SCMP_CMP_EQ, 0));
	for (k = 0; k < dm->nr_disks && !r; k++) {
		if (!dm->disk_rw[k])
			continue;
		rw = 1;
		r = dm_seccomp_splice_rule(ctx, dn->pipe_r, dm->disk_fd[k]);
	}
	if (!r && rw)
		r = dm_seccomp_splice_rule(ctx, dn->ram_fd, dn->pipe_w);
	return r;
}

static int dm_seccomp_disk_rules(scmp_filter_ctx ctx, void *opaque)
{
	const struct dm *dm = opaque;
	unsigned k;
	int r = 0;

	for (k = 0; k < dm->nr_disks && !r; k++) {
		scmp_datum_t fd = (scmp_datum_t)dm->disk_fd[k];

		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(pread64), 1,
				     SCMP_A0(SCMP_CMP_EQ, fd));
		if (!r)
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
					     SCMP_SYS(preadv), 1,
					     SCMP_A0(SCMP_CMP_EQ, fd));
		if (!r && dm->disk_rw[k])
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
					     SCMP_SYS(pwrite64), 1,
					     SCMP_A0(SCMP_CMP_EQ, fd));
		if (!r && dm->disk_rw[k])
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
					     SCMP_SYS(pwritev), 1,
					     SCMP_A0(SCMP_CMP_EQ, fd));
		if (!r && dm->disk_rw[k])
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
					     SCMP_SYS(fdatasync), 1,
					     SCMP_A0(SCMP_CMP_EQ, fd));
	}
	if (!r && dm->nr_disks && dma_nomap_ready(&dm->dma))
		r = dm_seccomp_nomap_rules(dm, ctx);
	return r;
}

int dm_seccomp_apply(struct dm *dm)
{
	const struct seccomp_table_filter f = {
		.dflt = dm->seccomp_log ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS,
		.rules = dm_seccomp_rules,
		.nr_rules = dm_seccomp_nr_rules,
		.fds = NULL, /* a DM holds no fd an ioctl rule could name */
		.extra = dm_seccomp_disk_rules,
		.opaque = dm,
	};

	return seccomp_table_apply(&f);
}

int dm_seccomp_print(void)
{
	int r = seccomp_table_print("safepc-dm", "kill the process "
				    "(dm_seccomp = \"log\": log it)",
				    dm_seccomp_rules, dm_seccomp_nr_rules);

	/* The rules dm_seccomp_disk_rules() adds when the DM hosts disks.
	 * "disk-map" and "disk-nomap": the two DMA paths, of which a DM
	 * loads and uses one (dev/ide.c picks it by the host's first-touch
	 * cost, dm/dma_nomap.h). */
	printf("pread64\ton a disk fd only\tdisk\tPIO and ATAPI reads "
	       "(idectl_be_read)\n"
	       "preadv\ton a disk fd only\tdisk-map\tbus-master DMA reads "
	       "straight into guest RAM (idectl_be_dmav)\n"
	       "pwrite64\ton a writable disk fd only\tdisk\tPIO writes "
	       "(idectl_be_write)\n"
	       "pwritev\ton a writable disk fd only\tdisk-map\tbus-master DMA "
	       "writes straight from guest RAM (idectl_be_dmav)\n"
	       "fdatasync\ton a writable disk fd only\tdisk\tFLUSH CACHE "
	       "(idectl_be_flush)\n"
	       "process_vm_writev\ton the DM's own pid, flags 0\tdisk-nomap\t"
	       "bus-master DMA reads into guest RAM without touching it "
	       "through the DM's mapping (dma_nomap_move)\n"
	       "splice\tguest RAM fd -> DMA pipe, DMA pipe -> writable disk "
	       "fd\tdisk-nomap\tbus-master DMA writes, the same way "
	       "(dma_nomap_move)\n");
	return r;
}
