/* SPDX-License-Identifier: MIT */
/*
 * safepc: the command-line toolstack, in the manner of Xen's xl.
 *
 *   safepc create -F CONFIG [KEY=VALUE]...
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "toolstack/domcfg.h"
#include "toolstack/launch.h"
#include "toolstack/monitor.h"
#include "toolstack/xlcfg.h"

#define SAFEPC_RUN_DIR "/run/safepc"
#define SAFEPC_MAX_DOMAINS 1024

static void usage(FILE *f)
{
	fprintf(f,
		"usage: safepc COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  create [-F] CONFIG [KEY=VALUE]...  start a domain\n"
		"\n"
		"Run 'safepc COMMAND --help' for a command's options.\n");
}

static void create_usage(FILE *f)
{
	fprintf(f,
		"usage: safepc create -F CONFIG [KEY=VALUE]...\n"
		"\n"
		"Starts the domain CONFIG describes (xl.cfg syntax). KEY=VALUE\n"
		"pairs override the file's settings.\n"
		"\n"
		"  -F, --foreground  stay in the foreground: the console goes to\n"
		"                    stdout and the exit status is the guest's\n"
		"                    (its debug-exit status, 0 on poweroff, 2 on\n"
		"                    any failure with the reason on stderr)\n"
		"  -h, --help        this text\n");
}

/* Claims the lowest free domain id; 0 is never used. */
static int alloc_domid(unsigned *domid)
{
	char path[64];
	unsigned id;

	if (mkdir(SAFEPC_RUN_DIR, 0700) && errno != EEXIST)
		return -errno;
	if (mkdir(SAFEPC_RUN_DIR "/dom", 0700) && errno != EEXIST)
		return -errno;
	for (id = 1; id < SAFEPC_MAX_DOMAINS; id++) {
		snprintf(path, sizeof(path), SAFEPC_RUN_DIR "/dom/%u", id);
		if (mkdir(path, 0700) == 0) {
			*domid = id;
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -ENOSPC;
}

/* Removes every trace of the domain, then releases its id. */
static void free_domid(unsigned domid)
{
	char path[64], err[200];

	if (launch_domain_cleanup(domid, err, sizeof(err)))
		fprintf(stderr, "safepc: cleaning up domain %u: %s\n", domid,
			err);
	snprintf(path, sizeof(path), SAFEPC_RUN_DIR "/dom/%u", domid);
	rmdir(path);
}

static int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct domcfg dc;
	struct monitor_result res;
	struct xlcfg *cfg = NULL;
	char err[512];
	int c, foreground = 0, i, r;
	unsigned domid = 0;

	while ((c = getopt_long(argc, argv, "+Fh", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			foreground = 1;
			break;
		case 'h':
			create_usage(stdout);
			return 0;
		default:
			create_usage(stderr);
			return MONITOR_STATUS_FAILURE;
		}
	}
	if (optind >= argc) {
		create_usage(stderr);
		return MONITOR_STATUS_FAILURE;
	}
	if (!foreground) {
		fprintf(stderr, "safepc: create without -F is not supported "
				"yet; use -F\n");
		return MONITOR_STATUS_FAILURE;
	}
	if (xlcfg_load(argv[optind], &cfg, err, sizeof(err))) {
		fprintf(stderr, "safepc: %s\n", err);
		return MONITOR_STATUS_FAILURE;
	}
	for (i = optind + 1; i < argc; i++) {
		if (xlcfg_set_override(cfg, argv[i], err, sizeof(err))) {
			fprintf(stderr, "safepc: %s\n", err);
			xlcfg_free(cfg);
			return MONITOR_STATUS_FAILURE;
		}
	}
	r = domcfg_from_xlcfg(cfg, &dc, err, sizeof(err));
	xlcfg_free(cfg);
	if (r) {
		fprintf(stderr, "safepc: %s\n", err);
		return MONITOR_STATUS_FAILURE;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "safepc: must run as root (it builds jails "
				"and drops every guest-facing process to its "
				"own uid)\n");
		return MONITOR_STATUS_FAILURE;
	}
	r = alloc_domid(&domid);
	if (r) {
		fprintf(stderr, "safepc: cannot allocate a domain id: %s\n",
			strerror(-r));
		return MONITOR_STATUS_FAILURE;
	}
	log_init("safepc", LOG_INFO);
	/* Leftovers of an earlier domain with this id (a monitor killed
	 * with -9) must not share its uids with us. */
	if (launch_domain_cleanup(domid, err, sizeof(err))) {
		fprintf(stderr, "safepc: %s\n", err);
		free_domid(domid);
		return MONITOR_STATUS_FAILURE;
	}
	for (;;) {
		memset(&res, 0, sizeof(res));
		r = monitor_run(&dc, domid, STDOUT_FILENO, &res);
		if (r == 0 && res.kind == MONITOR_END_REBOOT &&
		    dc.on_reboot == DOMCFG_ACTION_RESTART)
			continue;
		break;
	}
	free_domid(domid);
	if (res.status != 0 && res.kind != MONITOR_END_DEBUG_EXIT)
		fprintf(stderr, "safepc: domain %s: %s\n", dc.name, res.reason);
	return res.status;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return MONITOR_STATUS_FAILURE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "create"))
		return cmd_create(argc - 1, argv + 1);
	fprintf(stderr, "safepc: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return MONITOR_STATUS_FAILURE;
}
