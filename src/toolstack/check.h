/* SPDX-License-Identifier: MIT */
/*
 * safepc check: shows, restriction by restriction, whether the jail of
 * every process of a running domain holds (docs/security.md). The monitor's
 * state file says what should hold; every verdict is read from /proc.
 */
#ifndef SAFEPC_TOOLSTACK_CHECK_H
#define SAFEPC_TOOLSTACK_CHECK_H

/* Exit statuses of `safepc check`. */
#define CHECK_STATUS_PASS 0  /* every restriction holds */
#define CHECK_STATUS_FAIL 1  /* at least one row is FAIL */
#define CHECK_STATUS_ERROR 2 /* usage error, domain not found, bad state */

/*
 * check_main - the `safepc check DOMAIN [--json]` command.
 * argv[0] is "check"; DOMAIN is a domain name or numeric domid. Prints a
 * table (or a JSON document) on stdout, errors on stderr as one line.
 * Returns one of the CHECK_STATUS_* values (the process exit status).
 */
int check_main(int argc, char **argv);

#endif
