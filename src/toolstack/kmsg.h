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
 * kmsg_mark - opens /dev/kmsg positioned after its newest record: reading
 * it later yields only what the kernel logged since. Returns the fd
 * (O_CLOEXEC, non-blocking) or -1.
 */
int kmsg_mark(void);

/*
 * kmsg_seccomp_syscall - finds the newest seccomp record for `uid` among
 * the records after `mark` (from kmsg_mark) and writes the syscall's name
 * (e.g. "socket") into name. Returns the syscall number, or -errno
 * (-ENOENT: no record; the kernel rate-limits them).
 */
int kmsg_seccomp_syscall(int mark, uid_t uid, char *name, size_t len);

#endif
