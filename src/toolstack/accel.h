/* SPDX-License-Identifier: MIT */
/*
 * accel: which accelerator runs a domain's vCPUs (docs/accel.md). The
 * config says "auto", "kvm" or "soft"; at each start the monitor probes
 * /dev/kvm (unless the config says "soft") and resolves the wish to KVM or
 * the soft CPU inside hv. Probing and choosing are apart, so the choice
 * is tested with made-up probe results.
 */
#ifndef SAFEPC_TOOLSTACK_ACCEL_H
#define SAFEPC_TOOLSTACK_ACCEL_H

#include <stdbool.h>
#include <stddef.h>

#include "toolstack/domcfg.h"

#define ACCEL_KVM_DEV "/dev/kvm"
#define ACCEL_KVM_API_VERSION 12 /* the only one Linux has ever had */
#define ACCEL_WHY_MAX 96

/* What probing /dev/kvm found. */
struct accel_kvm_probe {
	int fd;		/* the device, O_RDWR|O_CLOEXEC and working; or -1 */
	bool opened;	/* open() worked; `why` names what failed after it */
	int err;	/* 0, or the errno of the failed step (EINVAL for a
			 * wrong API version) */
	char why[ACCEL_WHY_MAX]; /* why it cannot be used; "" when it can */
};

/*
 * accel_kvm_probe - opens `path` (ACCEL_KVM_DEV outside tests) and checks
 * that it is a working KVM: KVM_GET_API_VERSION answers 12 and a
 * KVM_CREATE_VM succeeds (that VM fd is closed again at once). Fills *p:
 * on success p->fd is the open device (the caller closes it), else -1
 * and p->why says what failed in one line ("No such file or directory",
 * "KVM_CREATE_VM: Operation not permitted", ...). Returns 0 or -p->err.
 */
int accel_kvm_probe(struct accel_kvm_probe *p, const char *path);

/*
 * accel_choose - resolves the config's `want` with the probe's result.
 * `p` is what accel_kvm_probe() found; it is not read for
 * DOMCFG_ACCEL_SOFT (the caller must not probe then: "soft" never opens
 * /dev/kvm) and may be NULL there. On success *out is DOMCFG_ACCEL_KVM or
 * DOMCFG_ACCEL_SOFT and `note` holds the one log line saying which and
 * why ("accel: kvm", "accel: soft (no /dev/kvm: No such file or
 * directory)"). Returns 0, or -ENODEV when the config wants "kvm" and the
 * probe failed (err then holds the one-line reason and what would fix
 * it), or -EINVAL for a `want` that is none of the three (or a NULL p).
 */
int accel_choose(enum domcfg_accel want, const struct accel_kvm_probe *p,
		 enum domcfg_accel *out, char *note, size_t notelen,
		 char *err, size_t errlen);

#endif
