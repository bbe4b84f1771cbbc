/* SPDX-License-Identifier: MIT */
#ifndef SAFEPC_HV_SECCOMP_H
#define SAFEPC_HV_SECCOMP_H

#include "common/seccomp_table.h"

struct hv_vm;

/*
 * hv_seccomp_apply - installs hv's syscall allowlist (hv_seccomp_rules):
 * KVM ioctls only on this VM's fds, no open, no socket, no exec, threads
 * only, no PROT_EXEC; anything else kills the process. Call it once the VM
 * and its vCPUs exist (their fds go into the filter) and before any thread
 * is started (threads inherit it). Returns 0 or -errno.
 */
int hv_seccomp_apply(struct hv_vm *vm);

/*
 * hv_seccomp_print - prints the allowlist on stdout
 * (`safepc-hv --print-allowlist`, format in common/seccomp_table.h).
 * Returns the exit status: 0, or 1 if stdout failed.
 */
int hv_seccomp_print(void);

/* The allowlist, one entry per rule (common/seccomp_table.h). */
extern const struct seccomp_rule_desc hv_seccomp_rules[];
extern const unsigned hv_seccomp_nr_rules;

#endif
