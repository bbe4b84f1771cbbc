/* SPDX-License-Identifier: MIT */
/*
 * hvctl: messages between the monitor and safepc-hv over a SOCK_SEQPACKET
 * socketpair. The monitor treats everything hv sends as untrusted: each
 * message must be exactly sizeof(struct hvctl_msg), with a known type, and
 * `text` is used only up to its first NUL within the array.
 */
#ifndef SAFEPC_PROTO_HVCTL_H
#define SAFEPC_PROTO_HVCTL_H

#include <stdint.h>

#define HVCTL_ABI_VERSION 1u

enum hvctl_type {
	/* hv -> monitor */
	HVCTL_EV_RUNNING = 1,  /* every DM is ready, vCPUs started */
	HVCTL_EV_SHUTDOWN = 2, /* reason, code, text; hv exits after it */
	HVCTL_EV_LOG = 3,      /* reserved */
	/* monitor -> hv */
	HVCTL_CMD_PAUSE = 16,
	HVCTL_CMD_UNPAUSE = 17,
	HVCTL_CMD_STOP = 18,
	/* Press the power button: hv posts IOREQ_EVENT_POWER_BUTTON to every
	 * DM (ioreq.h); the guest decides what to do. */
	HVCTL_CMD_POWER_BUTTON = 19,
};

enum hvctl_reason {
	HVCTL_REASON_POWEROFF = 0,
	HVCTL_REASON_REBOOT = 1,
	HVCTL_REASON_CRASH = 2,	     /* guest asked, or triple fault */
	HVCTL_REASON_DEBUG_EXIT = 3, /* code = guest's exit status */
	HVCTL_REASON_DM_FAULT = 4,   /* code = DM index */
	HVCTL_REASON_HV_ERROR = 5,   /* KVM error, bad kernel image, ... */
	HVCTL_REASON_STOPPED = 6,    /* monitor asked */
};

struct hvctl_msg {
	uint32_t version;
	uint32_t type;
	uint32_t reason;
	int32_t code;
	char text[112];
};
_Static_assert(sizeof(struct hvctl_msg) == 128, "hvctl_msg layout");

#endif
