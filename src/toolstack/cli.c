/* SPDX-License-Identifier: MIT */
/*
 * The verbs on existing domains: list, console, shutdown, destroy, pause,
 * unpause. Everything goes through the domain's control socket, with a
 * timeout on every exchange: a hung or dead monitor shows as such in
 * `list` and can still be destroyed.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"
#include "toolstack/attach.h"
#include "toolstack/cli.h"
#include "toolstack/client.h"
#include "toolstack/json.h"
#include "proto/statefile.h"
#include "toolstack/listrow.h"
#include "toolstack/rundir.h"

/* How long a monitor may take to answer one request. */
#define CLI_TIMEOUT_MS 5000
/* ... to answer `list` (a hung monitor must not hang the listing). */
#define CLI_LIST_TIMEOUT_MS 2000
/* ... to finish a destroy once asked. */
#define CLI_DESTROY_TIMEOUT_MS 30000

static const char cli_name_help[] =
	"NAME is a domain's name or its numeric id.\n";

/* Parses only -h/--help; returns -1 to go on, else an exit status. */
static int cli_help_only(int argc, char **argv, void (*usage)(FILE *),
			 int nargs)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return CLI_STATUS_FAILURE;
	}
	if (argc - optind != nargs) {
		usage(stderr);
		return CLI_STATUS_FAILURE;
	}
	return -1;
}

static int cli_need_root(void)
{
	if (geteuid() == 0)
		return 0;
	fprintf(stderr, "safepc: must run as root (the domains' sockets are "
			"root's only)\n");
	return -EPERM;
}

/* Resolves NAME; prints why not. */
static int cli_resolve(const char *name, unsigned *domid)
{
	if (rundir_find(name, domid) == 0)
		return 0;
	fprintf(stderr, "safepc: no domain '%s' (see 'safepc list')\n", name);
	return -ENOENT;
}

/* Connects to a live monitor; prints why not. */
static int cli_open(struct client *c, const char *name, unsigned domid)
{
	char err[256];
	int r = rundir_monitor_alive(domid);

	if (r == 0) {
		fprintf(stderr, "safepc: domain '%s' (id %u) is dead: its "
				"monitor is gone; 'safepc destroy %s' removes "
				"what is left\n", name, domid, name);
		return -ESRCH;
	}
	r = client_open(c, domid, CLI_TIMEOUT_MS, err, sizeof(err));
	if (r)
		fprintf(stderr, "safepc: domain '%s': %s\n", name, err);
	return r;
}

/* ---- list ---- */

static void cli_list_usage(FILE *f)
{
	fprintf(f,
		"usage: safepc list [--json] [NAME]...\n"
		"\n"
		"Lists the domains (or only those named) with their id, name,\n"
		"state, vCPUs, memory, uptime, device-model processes and\n"
		"accelerator (kvm, or soft: the soft CPU inside hv).\n"
		"States: starting, running, paused, shutting-down, shutdown and\n"
		"crashed (kept by on_*=preserve), dead (the monitor is gone:\n"
		"destroy it), unresponsive (the monitor does not answer).\n"
		"\n"
		"  -j, --json  one JSON array; live domains carry every field\n"
		"              of the control protocol's query-domain\n"
		"  -h, --help  this text\n");
}

struct cli_row {
	unsigned domid;
	char name[128];
	const char *state;
	char accel[8]; /* from the state file, for rows without a reply */
	struct client c;
	const struct json_node *dom; /* query-domain, or NULL */
};

/*
 * The accelerator a domain's state file records ("accel kvm|soft"), for a
 * domain whose monitor does not answer; "" when it says none.
 */
static void cli_state_accel(unsigned domid, char *out, size_t len)
{
	struct statefile *sf = malloc(sizeof(*sf));

	out[0] = 0;
	if (sf && rundir_read_state(domid, sf) == 0 && sf->has_accel)
		snprintf(out, len, "%s", domcfg_accel_name(sf->accel));
	free(sf);
}

static void cli_list_row(struct cli_row *r, int json, int first)
{
	static char buf[JSON_MAX_TEXT];
	struct listrow lr = { .domid = r->domid, .name = r->name,
			      .state = r->state, .accel = r->accel,
			      .doc = r->c.doc, .dom = r->dom };

	if (!r->dom)
		cli_state_accel(r->domid, r->accel, sizeof(r->accel));
	if (!json) {
		listrow_text(&lr, buf, sizeof(buf));
		printf("%s\n", buf);
	} else if (listrow_json(&lr, buf, sizeof(buf)) > 0) {
		printf("%s  %s\n", first ? "" : ",", buf);
	}
}

static int cli_wanted(unsigned domid, const char *name, int argc, char **argv)
{
	char id[16];
	int i;

	if (argc == 0)
		return 1;
	snprintf(id, sizeof(id), "%u", domid);
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], name) || !strcmp(argv[i], id))
			return 1;
	return 0;
}

int cli_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static unsigned ids[RUNDIR_MAX_DOMAINS];
	int c, json = 0, n, i, shown = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			cli_list_usage(stdout);
			return 0;
		default:
			cli_list_usage(stderr);
			return CLI_STATUS_FAILURE;
		}
	}
	if (cli_need_root())
		return CLI_STATUS_FAILURE;
	n = rundir_list(ids, RUNDIR_MAX_DOMAINS);
	if (n < 0) {
		fprintf(stderr, "safepc: cannot list %s: %s\n", RUNDIR_DOMS,
			strerror(-n));
		return CLI_STATUS_FAILURE;
	}
	if (json) {
		printf("[\n");
	} else {
		char head[128];

		listrow_header(head, sizeof(head));
		printf("%s\n", head);
	}
	for (i = 0; i < n; i++) {
		struct cli_row r = { .domid = ids[i], .c = { .fd = -1 } };
		char err[256];
		int alive;

		if (rundir_read_name(ids[i], r.name, sizeof(r.name)))
			continue; /* being created or removed */
		if (!cli_wanted(ids[i], r.name, argc - optind, argv + optind))
			continue;
		alive = rundir_monitor_alive(ids[i]);
		if (alive == 0) {
			r.state = "dead";
		} else if ((alive = client_open(&r.c, ids[i],
						CLI_LIST_TIMEOUT_MS, err,
						sizeof(err)))) {
			char dir[96];

			rundir_path(ids[i], "", dir, sizeof(dir));
			if (access(dir, F_OK))
				continue; /* removed meanwhile */
			/* No socket yet, or closed on the way out. */
			r.state = alive == -ENOENT || alive == -ECONNREFUSED
					  ? "starting"
				  : alive == -EPIPE ? "dying"
						    : "unresponsive";
		} else if (client_execute(&r.c, "query-domain", NULL,
					  CLI_LIST_TIMEOUT_MS, &r.dom, err,
					  sizeof(err))) {
			r.state = "unresponsive";
			r.dom = NULL;
		}
		cli_list_row(&r, json, !shown);
		shown++;
		if (r.c.fd >= 0)
			client_close(&r.c);
	}
	if (json)
		printf("]\n");
	return 0;
}

/* ---- console ---- */

static void cli_console_usage(FILE *f)
{
	fprintf(f,
		"usage: safepc console NAME\n"
		"\n"
		"Attaches to the domain's serial console: what the ring buffer\n"
		"holds (the last 64 KiB) first, then the live output; input goes\n"
		"to the guest's UART. On a terminal, stdin is put in raw mode.\n"
		"Ctrl-] detaches. Several consoles may be attached at once; one\n"
		"that does not keep up loses output instead of slowing the guest.\n"
		"When stdin is not a terminal, its end does not detach: output\n"
		"is shown until the domain ends or a signal arrives.\n"
		"%s"
		"\n"
		"  -h, --help  this text\n", cli_name_help);
}

int cli_attach(unsigned domid, const char *name)
{
	char err[256];

	if (attach_console(domid, name, err, sizeof(err))) {
		fprintf(stderr, "safepc: console of domain '%s': %s\n", name,
			err);
		return CLI_STATUS_FAILURE;
	}
	return 0;
}

int cli_console(int argc, char **argv)
{
	unsigned domid;
	int r = cli_help_only(argc, argv, cli_console_usage, 1);

	if (r >= 0)
		return r;
	if (cli_need_root() || cli_resolve(argv[optind], &domid))
		return CLI_STATUS_FAILURE;
	if (rundir_monitor_alive(domid) == 0) {
		fprintf(stderr, "safepc: domain '%s' (id %u) is dead: its "
				"monitor is gone\n", argv[optind], domid);
		return CLI_STATUS_FAILURE;
	}
	return cli_attach(domid, argv[optind]);
}

/* ---- pause, unpause ---- */

static void cli_pause_usage(FILE *f)
{
	fprintf(f,
		"usage: safepc pause NAME\n"
		"       safepc unpause NAME\n"
		"\n"
		"Stops the domain's vCPUs, or lets them run again. Its devices\n"
		"and console stay up while it is paused.\n"
		"%s"
		"\n"
		"  -h, --help  this text\n", cli_name_help);
}

/* Runs one command on a domain; prints the error. */
static int cli_simple(const char *name, const char *cmd, const char *args)
{
	struct client c;
	char err[256];
	unsigned domid;
	int r;

	if (cli_need_root() || cli_resolve(name, &domid) ||
	    cli_open(&c, name, domid))
		return CLI_STATUS_FAILURE;
	r = client_execute(&c, cmd, args, CLI_TIMEOUT_MS, NULL, err,
			   sizeof(err));
	client_close(&c);
	if (r) {
		fprintf(stderr, "safepc: domain '%s': %s\n", name, err);
		return CLI_STATUS_FAILURE;
	}
	return 0;
}

int cli_pause(int argc, char **argv)
{
	int r = cli_help_only(argc, argv, cli_pause_usage, 1);

	if (r >= 0)
		return r;
	return cli_simple(argv[optind],
			  strcmp(argv[0], "unpause") ? "stop" : "cont", NULL);
}

/* ---- shutdown ---- */

static void cli_shutdown_usage(FILE *f)
{
	fprintf(f,
		"usage: safepc shutdown [-n] [-t SECONDS] NAME\n"
		"\n"
		"Presses the domain's ACPI power button and waits until it has\n"
		"shut down, then says whether the guest obeyed. A guest that\n"
		"handles the button (Linux with the ACPI button driver and a\n"
		"handler such as acpid or systemd-logind) powers off; its\n"
		"on_poweroff action applies. A guest still running after the\n"
		"timeout is destroyed, and the command then fails.\n"
		"%s"
		"\n"
		"  -t, --timeout S  seconds before the destroy (default 30,\n"
		"                   at most 3600)\n"
		"  -n, --no-wait    return once the button is pressed\n"
		"  -w, --wait       wait (the default; kept for xl users)\n"
		"  -h, --help       this text\n", cli_name_help);
}

/*
 * Reads events until the domain's SHUTDOWN that ends it (a restart by
 * on_poweroff = "restart" is not the end) or the end of the stream.
 * Returns 0 when the guest ended it itself, 1 when it was destroyed,
 * -1 on an error (reported).
 */
static int cli_shutdown_wait(struct client *c, const char *name,
			     uint64_t timeout)
{
	int obeyed = -1;

	for (;;) {
		const struct json_node *data;
		const char *ev, *action, *reason;
		char err[256];
		int r = client_read(c, (int)(timeout * 1000) +
					       CLI_DESTROY_TIMEOUT_MS,
				    err, sizeof(err));

		if (r == -EPIPE)
			break;
		if (r) {
			fprintf(stderr, "safepc: domain '%s': %s\n", name, err);
			return -1;
		}
		ev = json_str(json_get(c->doc, json_root(c->doc), "event"));
		if (!ev || strcmp(ev, "SHUTDOWN"))
			continue;
		data = json_get(c->doc, json_root(c->doc), "data");
		action = json_str(json_get(c->doc, data, "action"));
		reason = json_str(json_get(c->doc, data, "reason"));
		if (obeyed < 0)
			obeyed = reason && strcmp(reason, "destroyed") ? 0 : 1;
		if (!action || strcmp(action, "destroy"))
			break; /* preserved, or restarted */
	}
	if (obeyed == 0)
		printf("safepc: domain '%s': the guest shut down\n", name);
	else
		fprintf(stderr, "safepc: domain '%s': the guest did not shut "
				"down within %llu s; destroyed\n",
			name, (unsigned long long)timeout);
	return obeyed ? 1 : 0;
}

int cli_shutdown(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "no-wait", no_argument, NULL, 'n' },
		{ "wait", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct json_node *ret, *notified;
	uint64_t timeout = 30;
	struct json_writer w;
	struct client c;
	char args[64], err[256];
	const char *name;
	unsigned domid;
	int opt, wait = 1, r;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+t:nwh", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (util_parse_u64(optarg, &timeout) || timeout > 3600) {
				fprintf(stderr, "safepc: shutdown: --timeout "
						"takes 0 to 3600 seconds\n");
				return CLI_STATUS_FAILURE;
			}
			break;
		case 'n':
			wait = 0;
			break;
		case 'w':
			wait = 1;
			break;
		case 'h':
			cli_shutdown_usage(stdout);
			return 0;
		default:
			cli_shutdown_usage(stderr);
			return CLI_STATUS_FAILURE;
		}
	}
	if (argc - optind != 1) {
		cli_shutdown_usage(stderr);
		return CLI_STATUS_FAILURE;
	}
	name = argv[optind];
	if (cli_need_root() || cli_resolve(name, &domid) ||
	    cli_open(&c, name, domid))
		return CLI_STATUS_FAILURE;
	json_writer_init(&w, args, sizeof(args));
	json_w_object_begin(&w);
	json_w_kuint(&w, "timeout", timeout);
	json_w_object_end(&w);
	if (json_writer_finish(&w) < 0) {
		client_close(&c);
		return CLI_STATUS_FAILURE;
	}
	r = client_execute(&c, "system_powerdown", args, CLI_TIMEOUT_MS, &ret,
			   err, sizeof(err));
	if (r) {
		fprintf(stderr, "safepc: domain '%s': %s\n", name, err);
		client_close(&c);
		return CLI_STATUS_FAILURE;
	}
	notified = json_get(c.doc, ret, "guest_notified");
	if (!notified || notified->type != JSON_TRUE)
		fprintf(stderr, "safepc: domain '%s': the power button could "
				"not be pressed (hv does not answer); "
				"destroying it in %llu s unless it shuts down "
				"first\n", name, (unsigned long long)timeout);
	r = wait ? cli_shutdown_wait(&c, name, timeout) : 0;
	client_close(&c);
	return r ? CLI_STATUS_FAILURE : 0;
}

/* ---- destroy ---- */

static void cli_destroy_usage(FILE *f)
{
	fprintf(f,
		"usage: safepc destroy NAME\n"
		"\n"
		"Ends the domain at once (no request to the guest) and removes\n"
		"every trace of it: processes, cgroups, uid leftovers and its\n"
		"record in /run/safepc/dom. Works as well on a domain whose\n"
		"monitor is dead or hangs (it is killed).\n"
		"%s"
		"\n"
		"  -h, --help  this text\n", cli_name_help);
}

/* Waits until the monitor lock is free (the monitor is gone). */
static int cli_wait_monitor_gone(unsigned domid, int timeout_ms)
{
	int64_t deadline = util_now_ns() + (int64_t)timeout_ms * 1000000;

	while (rundir_monitor_alive(domid) > 0) {
		if (util_now_ns() > deadline)
			return -ETIMEDOUT;
		usleep(10000);
	}
	return 0;
}

/* Kills a monitor that does not answer; its jailed processes follow it
 * (PR_SET_PDEATHSIG), the rest is the caller's cleanup. */
static int cli_kill_monitor(unsigned domid)
{
	pid_t pid = rundir_monitor_pid(domid);
	int pidfd, r;

	if (pid < 0)
		return pid;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return errno == ESRCH ? 0 : -errno;
	/* The pid is the monitor's only while it holds the lock. */
	if (rundir_monitor_alive(domid) > 0)
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	close(pidfd);
	r = cli_wait_monitor_gone(domid, CLI_TIMEOUT_MS);
	return r;
}

/*
 * Removes what a dead monitor left behind. After a monitor of ours ended
 * (`after_monitor`), the id may already belong to a new domain whose
 * monitor holds the lock: then there is nothing of ours left to remove.
 */
static int cli_remove_dead(const char *name, unsigned domid, int after_monitor)
{
	char err[256];
	int fd = rundir_lock_dead(domid), r;

	if (fd == -ENOENT || (after_monitor && fd == -EWOULDBLOCK))
		return 0;
	if (fd < 0) {
		fprintf(stderr, "safepc: domain '%s': %s\n", name,
			fd == -EWOULDBLOCK ? "its monitor is still alive"
					   : strerror(-fd));
		return fd;
	}
	r = rundir_remove(domid, err, sizeof(err));
	close(fd);
	if (r)
		fprintf(stderr, "safepc: destroying domain '%s': %s\n", name,
			err);
	return r;
}

int cli_destroy(int argc, char **argv)
{
	const char *name;
	struct client c;
	char err[256];
	unsigned domid;
	int r = cli_help_only(argc, argv, cli_destroy_usage, 1), had_monitor;

	if (r >= 0)
		return r;
	name = argv[optind];
	if (cli_need_root() || cli_resolve(name, &domid))
		return CLI_STATUS_FAILURE;
	had_monitor = rundir_monitor_alive(domid) > 0;
	if (had_monitor) {
		r = client_open(&c, domid, CLI_TIMEOUT_MS, err, sizeof(err));
		if (r == 0) {
			r = client_execute(&c, "quit", NULL, CLI_TIMEOUT_MS,
					   NULL, err, sizeof(err));
			/* The monitor closes the socket once everything
			 * is gone. */
			while (r == 0)
				r = client_read(&c, CLI_DESTROY_TIMEOUT_MS, err,
						sizeof(err));
			client_close(&c);
			if (r == -EPIPE)
				r = cli_wait_monitor_gone(domid,
							  CLI_TIMEOUT_MS);
		}
		if (r) {
			fprintf(stderr, "safepc: domain '%s': %s; killing its "
					"monitor\n", name, err);
			r = cli_kill_monitor(domid);
			if (r) {
				fprintf(stderr, "safepc: domain '%s': cannot "
						"kill its monitor: %s\n", name,
					strerror(-r));
				return CLI_STATUS_FAILURE;
			}
		}
	}
	/* A dead monitor, or one that died on the way: finish its work. */
	if (cli_remove_dead(name, domid, had_monitor))
		return CLI_STATUS_FAILURE;
	return 0;
}
