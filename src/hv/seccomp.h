/* SPDX-License-Identifier: MIT */
#ifndef SAFEPC_HV_SECCOMP_H
#define SAFEPC_HV_SECCOMP_H

struct hv_vm;

/*
 * hv_seccomp_apply - installs hv's syscall allowlist: KVM ioctls only on
 * this VM's fds, no open, no socket, no exec, threads only, no PROT_EXEC.
 * Returns 0 or -errno.
 */
int hv_seccomp_apply(struct hv_vm *vm);

#endif
