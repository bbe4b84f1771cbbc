/* SPDX-License-Identifier: MIT */
/*
 * Reading the kernel's record of a seccomp kill. When seccomp kills a
 * process the kernel logs an audit record (type 1326) with the uid and the
 * syscall number; every jailed process has a uid of its own, so the uid
 * names the process.
 */
#ifndef SAFEPC_TOOLSTACK_KMSG_H
#define SAFEPC_TOOLSTACK_KMSG_H

#include <stddef.h>
#include <sys/types.h>

/*
 * kmsg_seccomp_syscall - finds the newest seccomp record for `uid` in
 * /dev/kmsg and writes the syscall's name (e.g. "socket") into name.
 * Returns the syscall number, or -errno (-ENOENT: no record).
 */
int kmsg_seccomp_syscall(uid_t uid, char *name, size_t len);

#endif
