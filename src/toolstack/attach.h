/* SPDX-License-Identifier: MIT */
/*
 * attach: `safepc console`: connects the terminal (or any stdin/stdout) to
 * a domain's console socket. On a terminal, stdin is put in raw mode and
 * restored on every way out. Ctrl-] (0x1d) in the input detaches; at the
 * end of stdin, output keeps coming until the domain goes away or the
 * process is signalled.
 */
#ifndef SAFEPC_TOOLSTACK_ATTACH_H
#define SAFEPC_TOOLSTACK_ATTACH_H

#define ATTACH_ESCAPE 0x1d /* Ctrl-] */

/*
 * attach_console - runs the console of domain `domid` until detach, its
 * end, or SIGINT/SIGTERM/SIGHUP. Returns 0, or -errno with err set.
 */
int attach_console(unsigned domid, const char *name, char *err,
		   size_t errlen);

#endif
