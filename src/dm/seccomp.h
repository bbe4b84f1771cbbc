/* SPDX-License-Identifier: MIT */
#ifndef SAFEPC_DM_SECCOMP_H
#define SAFEPC_DM_SECCOMP_H

#include "common/seccomp_table.h"

/*
 * dm_seccomp_apply (declared in dm/dm.h) installs the allowlist below;
 * dm_seccomp_print prints it on stdout (`safepc-dm --print-allowlist`,
 * format in common/seccomp_table.h) and returns the exit status: 0, or 1
 * if stdout failed.
 */
int dm_seccomp_print(void);

/* The allowlist, one entry per rule (common/seccomp_table.h). */
extern const struct seccomp_rule_desc dm_seccomp_rules[];
extern const unsigned dm_seccomp_nr_rules;

#endif
