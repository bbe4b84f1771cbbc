/* SPDX-License-Identifier: MIT */
/*
 * fds: the file descriptors a jailed process finds open when it starts.
 * The monitor places them at these numbers and closes everything else;
 * hv and the DM refuse to run when one is missing or of the wrong kind.
 */
#ifndef SAFEPC_PROTO_FDS_H
#define SAFEPC_PROTO_FDS_H

/* Every jailed process: 0 = /dev/null, 1 and 2 = the domain log pipe. */

/* safepc-dm */
#define LAUNCH_DM_FD_DM_OP 3    /* SOCK_SEQPACKET to hv */
#define LAUNCH_DM_FD_IOREQ 4   /* memfd, IOREQ_PAGE_BYTES */
#define LAUNCH_DM_FD_EVENT 5   /* eventfd: hv -> DM wake-up */
#define LAUNCH_DM_FD_RAM 6     /* guest RAM memfd, sealed size */
#define LAUNCH_DM_FD_CONSOLE 7 /* SOCK_STREAM to monitor, or -1 */
#define LAUNCH_DM_FD_FIRST_EXTRA 8 /* disks, taps: in argv order; then,
				    * in the IDE DM, its DMA pipe (read end,
				    * write end), named by --dma-pipe R,W */

/* safepc-hv */
/* /dev/kvm, only with --accel kvm: with --accel soft fd 3 is closed
 * (nothing at all is there, not /dev/null), and hv must not use it. */
#define LAUNCH_HV_FD_KVM 3
#define LAUNCH_HV_FD_RAM 4
#define LAUNCH_HV_FD_CTL 5    /* SOCK_SEQPACKET to monitor */
#define LAUNCH_HV_FD_KERNEL 6 /* multiboot image, read-only */
#define LAUNCH_HV_FD_FIRST_DM 7 /* then 3 per DM: dm_op, ioreq, eventfd */
#define LAUNCH_HV_FDS_PER_DM 3
#define LAUNCH_HV_MAX_DMS 8
#define LAUNCH_HV_FD_FIRST_MODULE (LAUNCH_HV_FD_FIRST_DM + \
				   LAUNCH_HV_FDS_PER_DM * LAUNCH_HV_MAX_DMS)
#define LAUNCH_HV_MAX_MODULES 8 /* multiboot modules, in argv order */
/* The initrd of a Linux kernel (config key `ramdisk`), read-only, only
 * with --ramdisk; closed (nothing there) otherwise. */
#define LAUNCH_HV_FD_RAMDISK (LAUNCH_HV_FD_FIRST_MODULE + \
			      LAUNCH_HV_MAX_MODULES)

#endif
