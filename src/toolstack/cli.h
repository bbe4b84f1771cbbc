/* SPDX-License-Identifier: MIT */
/*
 * cli: the verbs that act on existing domains. Each takes its argv with
 * argv[0] = the verb, prints errors as one line on stderr and returns the
 * process exit status (0 on success, CLI_STATUS_FAILURE otherwise).
 * They reach a domain only through its control and console sockets; the
 * one exception is `destroy` of a domain whose monitor is gone, which
 * removes the leftovers itself.
 */
#ifndef SAFEPC_TOOLSTACK_CLI_H
#define SAFEPC_TOOLSTACK_CLI_H

#define CLI_STATUS_FAILURE 2

int cli_list(int argc, char **argv);
int cli_console(int argc, char **argv);
int cli_shutdown(int argc, char **argv);
int cli_destroy(int argc, char **argv);
/* pause and unpause */
int cli_pause(int argc, char **argv);

/* Attaches to domain `domid` (create -c). */
int cli_attach(unsigned domid, const char *name);

#endif
