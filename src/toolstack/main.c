/* SPDX-License-Identifier: MIT */
/*
 * safepc: the command-line toolstack, in the manner of Xen's xl.
 *
 *   safepc create [-F] [-c] CONFIG [KEY=VALUE]...
 *   safepc list [--json] | console | shutdown | destroy | pause |
 *          unpause | check  NAME
 *
 * `create` starts a monitor per domain (docs/safepc.1); every other verb
 * talks to a domain's monitor through its control socket.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "toolstack/check.h"
#include "toolstack/cli.h"
#include "toolstack/domcfg.h"
#include "toolstack/launch.h"
#include "toolstack/logfile.h"
#include "toolstack/monitor.h"
#include "toolstack/rundir.h"
#include "toolstack/xlcfg.h"


static void usage(FILE *f)
{
	fprintf(f,
		"usage: safepc COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  create [-F] [-c] CONFIG [KEY=VALUE]...  start a domain\n"
		"  list [--json] [NAME]...                 list domains\n"
		"  console NAME                            attach to its console\n"
		"  shutdown [-w] [-t S] NAME               shut it down\n"
		"  destroy NAME                            end it at once\n"
		"  pause NAME                              stop its vCPUs\n"
		"  unpause NAME                            let them run again\n"
		"  check NAME                              check its jails\n"
		"\n"
		"Run 'safepc COMMAND --help' for a command's options; see\n"
		"safepc(1).\n");
}

static void create_usage(FILE *f)
{
	fprintf(f,
		"usage: safepc create [-F] [-c] CONFIG [KEY=VALUE]...\n"
		"\n"
		"Starts the domain CONFIG describes (xl.cfg syntax). KEY=VALUE\n"
		"pairs override the file's settings. Without -F, a monitor\n"
		"process keeps the domain running in the background, and create\n"
		"returns once the guest runs (status 0) or with the reason it\n"
		"could not start (status 2). Names must be unique.\n"
		"\n"
		"  -F, --foreground  stay in the foreground: the console goes to\n"
		"                    stdout and the exit status is the guest's\n"
		"                    (its debug-exit status, 0 on poweroff, 2 on\n"
		"                    any failure with the reason on stderr)\n"
		"  -c, --console     attach to the console once the guest runs\n"
		"                    (Ctrl-] detaches; the domain keeps running)\n"
		"  -h, --help        this text\n");
}

/* Loads and validates the configuration; prints why not. */
static int create_config(int argc, char **argv, struct domcfg *dc)
{
	struct xlcfg *cfg = NULL;
	char err[512];
	int i, r;

	if (xlcfg_load(argv[0], &cfg, err, sizeof(err))) {
		fprintf(stderr, "safepc: %s\n", err);
		return -EINVAL;
	}
	for (i = 1; i < argc; i++) {
		if (xlcfg_set_override(cfg, argv[i], err, sizeof(err))) {
			fprintf(stderr, "safepc: %s\n", err);
			xlcfg_free(cfg);
			return -EINVAL;
		}
	}
	r = domcfg_from_xlcfg(cfg, dc, err, sizeof(err));
	xlcfg_free(cfg);
	if (r) {
		fprintf(stderr, "safepc: %s\n", err);
		return r;
	}
	return 0;
}

/* -F: this process is the monitor; the exit status is the guest's. */
static int create_foreground(const struct domcfg *dc, unsigned domid,
			     int lock_fd)
{
	struct monitor_opts o = { .cfg = dc, .domid = domid, .foreground = 1,
				  .out_fd = STDOUT_FILENO, .ready_fd = -1 };
	struct monitor_result res;

	log_init("safepc", LOG_INFO);
	memset(&res, 0, sizeof(res));
	monitor_run(&o, &res);
	close(lock_fd);
	if (res.status != 0 && res.kind != MONITOR_END_DEBUG_EXIT)
		fprintf(stderr, "safepc: domain %s: %s\n", dc->name, res.reason);
	return res.status;
}

/* Closes every fd above stderr but keep_a and keep_b (inherited ones
 * would otherwise live as long as the domain, e.g. a caller's pipe). */
static void create_close_fds(int keep_a, int keep_b)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (fd > 2 && fd != keep_a && fd != keep_b && fd != dirfd(d))
			close(fd);
	}
	closedir(d);
}

/*
 * The daemon side of create: a new session, no terminal, stdio on
 * /dev/null and stderr on the domain's capped log. Never returns.
 */
static void create_daemon(const struct domcfg *dc, unsigned domid,
			  int ready_fd, int lock_fd)
{
	struct monitor_opts o = { .cfg = dc, .domid = domid, .out_fd = -1,
				  .ready_fd = ready_fd };
	struct monitor_result res;
	struct logfile log;
	char path[96], tag[32];
	int null;

	if (setsid() < 0)
		_exit(1);
	create_close_fds(ready_fd, lock_fd);
	/* A caller in the background may have left signals ignored; the
	 * monitor and its jailed processes start from the defaults. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (fork() != 0)
		_exit(0); /* the session leader goes; no terminal can return */
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (chdir("/") || null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(null, STDOUT_FILENO) < 0)
		_exit(1);
	umask(077);
	rundir_path(domid, "log", path, sizeof(path));
	if (logfile_open(&log, path, MONITOR_LOG_CAP, STDERR_FILENO))
		dup2(null, STDERR_FILENO);
	else
		o.log = &log;
	close(null);
	snprintf(tag, sizeof(tag), "monitor/%u", domid);
	log_init(tag, LOG_INFO);
	log_info("domain %s: monitor started", dc->name);
	memset(&res, 0, sizeof(res));
	monitor_run(&o, &res);
	/* The record (and this log) are gone now. */
	_exit(res.status == 0 || res.kind == MONITOR_END_DEBUG_EXIT ? 0 : 1);
}

/* Waits for the daemon's "OK" or "ERR reason". */
static int create_wait_ready(const struct domcfg *dc, unsigned domid, int fd)
{
	char buf[512];
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf) - 1)
			break;
	}
	close(fd);
	buf[len] = 0;
	buf[strcspn(buf, "\n")] = 0;
	if (!strcmp(buf, "OK"))
		return 0;
	if (!strncmp(buf, "ERR ", 4)) {
		fprintf(stderr, "safepc: domain %s: %s\n", dc->name, buf + 4);
		return -EIO;
	}
	/* The monitor died without a word (killed?): what it left is a
	 * dead domain. */
	fprintf(stderr, "safepc: domain %s: the monitor died while starting "
			"it; 'safepc destroy %s' removes what is left (id %u)\n",
		dc->name, dc->name, domid);
	return -EIO;
}

static int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'F' },
		{ "console", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct domcfg dc;
	char err[512];
	int c, foreground = 0, console = 0, r, lock_fd, ready[2];
	unsigned domid = 0;
	pid_t pid;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+Fch", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			foreground = 1;
			break;
		case 'c':
			console = 1;
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
	if (create_config(argc - optind, argv + optind, &dc))
		return MONITOR_STATUS_FAILURE;
	if (geteuid() != 0) {
		fprintf(stderr, "safepc: must run as root (it builds jails "
				"and drops every guest-facing process to its "
				"own uid)\n");
		return MONITOR_STATUS_FAILURE;
	}
	r = rundir_create(dc.name, &domid, &lock_fd, err, sizeof(err));
	if (r) {
		fprintf(stderr, "safepc: %s\n", err);
		return MONITOR_STATUS_FAILURE;
	}
	if (domid >= launch_max_domains()) {
		fprintf(stderr, "safepc: the uid block (%s) has room for %u "
			"domains only\n", LAUNCH_HOST_CONFIG,
			launch_max_domains() - 1);
		rundir_remove(domid, err, sizeof(err));
		close(lock_fd);
		return MONITOR_STATUS_FAILURE;
	}
	/* Leftovers of an earlier domain with this id (a monitor killed
	 * with -9 and then its record removed by hand) must not share its
	 * uids with us. */
	if (launch_domain_cleanup(domid, err, sizeof(err))) {
		fprintf(stderr, "safepc: %s\n", err);
		rundir_remove(domid, err, sizeof(err));
		close(lock_fd);
		return MONITOR_STATUS_FAILURE;
	}
	if (foreground)
		return create_foreground(&dc, domid, lock_fd);

	if (pipe2(ready, O_CLOEXEC)) {
		fprintf(stderr, "safepc: pipe: %s\n", strerror(errno));
		rundir_remove(domid, err, sizeof(err));
		close(lock_fd);
		return MONITOR_STATUS_FAILURE;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "safepc: fork: %s\n", strerror(errno));
		rundir_remove(domid, err, sizeof(err));
		close(lock_fd);
		return MONITOR_STATUS_FAILURE;
	}
	if (pid == 0) {
		/* The monitor keeps the lock (the same open file). */
		close(ready[0]);
		create_daemon(&dc, domid, ready[1], lock_fd);
	}
	close(ready[1]);
	close(lock_fd);
	waitpid(pid, NULL, 0);
	if (create_wait_ready(&dc, domid, ready[0]))
		return MONITOR_STATUS_FAILURE;
	if (console)
		return cli_attach(domid, dc.name);
	printf("Started domain %s (id %u)\n", dc.name, domid);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} verbs[] = {
		{ "create", cmd_create },     { "list", cli_list },
		{ "console", cli_console },   { "shutdown", cli_shutdown },
		{ "destroy", cli_destroy },   { "pause", cli_pause },
		{ "unpause", cli_pause },     { "check", check_main },
	};
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return MONITOR_STATUS_FAILURE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		char err[512];

		if (strcmp(argv[1], verbs[i].name))
			continue;
		/* The host's uid block for jailed processes. */
		if (launch_host_config(LAUNCH_HOST_CONFIG, err, sizeof(err))) {
			fprintf(stderr, "safepc: %s\n", err);
			return MONITOR_STATUS_FAILURE;
		}
		return verbs[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "safepc: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return MONITOR_STATUS_FAILURE;
}
