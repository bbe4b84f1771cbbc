/* SPDX-License-Identifier: MIT */
/*
 * The per-domain monitor: starts the domain, relays its console and logs,
 * listens to hv's reports and to the death of any of its processes, serves
 * the control and console sockets, applies on_poweroff/on_reboot/on_crash
 * and ends the domain cleanly. It never parses guest data; what hv and the
 * DMs send it is untrusted and checked (fixed-size messages, bounded text),
 * and no behaviour of theirs (crash, garbage, silence, seccomp kill) can
 * stop it: each ends the domain's run with a reason and an event.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "proto/hvctl.h"
#include "toolstack/console.h"
#include "toolstack/control.h"
#include "toolstack/kmsg.h"
#include "toolstack/launch.h"
#include "toolstack/monitor.h"
#include "toolstack/rundir.h"
#include "toolstack/version.h"

/* How long the domain may take from spawn to RUNNING. */
#define MONITOR_START_TIMEOUT_MS 20000
/* A DM died: how long hv has to report it before the monitor does. */
#define MONITOR_DM_REPORT_MS 1000
/* After hv's report: how long the processes may take to exit. */
#define MONITOR_EXIT_GRACE_MS 300
/* Messages hv may send that the monitor ignores before it gives up. */
#define MONITOR_MAX_BAD_HV_MSGS 1000
#define MONITOR_POWERDOWN_DEFAULT_S 30
#define MONITOR_POWERDOWN_MAX_S 3600

struct monitor {
	struct monitor_opts opts; /* a copy: -F may turn into a daemon */
	const struct monitor_opts *o; /* = &opts */
	const struct domcfg *cfg;
	struct launch_domain dom;
	int dom_up;	/* processes started and not yet torn down */
	int sig_fd;
	struct monitor_result res; /* of the current run */
	int ended;	/* the current run ended; res says why */
	/* The domain is to go away entirely: quit, signal, timeout. */
	int destroy;
	char destroy_why[64];
	int quit; /* leave the main loop */
	int ready_fd; /* see monitor_opts */
	int paused;
	int preserved; /* shut down, kept until destroyed */
	int ever_ran;
	unsigned restarts;
	unsigned bad_hv_msgs;
	int64_t start_ns, running_ns, dm_death_at, powerdown_at;
	int64_t hv_eof_at; /* hv closed its control socket */
	int64_t log_checked_at;
	int64_t created_rt;
	/* Per process (0 = hv): hv's fault report about it. */
	char fault_text[1 + LAUNCH_MAX_DMS][112];
	/* The last run's end, for query-domain and the SHUTDOWN event. */
	char last_reason[24];
	char last_text[160];
	int last_code;
	struct console con;
	struct control ctl;
};

static void monitor_set_result(struct monitor *m, int status,
			       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void monitor_set_result(struct monitor *m, int status,
			       const char *fmt, ...)
{
	va_list ap;

	if (m->ended)
		return;
	m->ended = 1;
	m->res.status = status;
	va_start(ap, fmt);
	vsnprintf(m->res.reason, sizeof(m->res.reason), fmt, ap);
	va_end(ap);
}

static void monitor_set_last(struct monitor *m, const char *reason, int code,
			     const char *text)
{
	if (m->last_reason[0])
		return;
	snprintf(m->last_reason, sizeof(m->last_reason), "%s", reason);
	snprintf(m->last_text, sizeof(m->last_text), "%s", text);
	m->last_code = code;
}

/* One sanitized, tagged line from a jailed process to the domain log. */
static void monitor_log_line(void *opaque, const char *line)
{
	struct monitor *m = opaque;
	char buf[LOGRELAY_LINE_MAX + 64];
	int n = snprintf(buf, sizeof(buf), "%s\n", line);

	if (n <= 0)
		return;
	if (m->o->log)
		logfile_write(m->o->log, buf, (size_t)n);
	else if (util_write_all(STDERR_FILENO, buf, (size_t)n))
		return;
}

/* Relays what the jailed processes logged (each from its own pipe). */
static void monitor_relay_log(struct monitor *m)
{
	unsigned i;

	for (i = 0; i < m->dom.nr_logs; i++) {
		struct logrelay *l = &m->dom.logs[i];

		if (l->fd >= 0 && !logrelay_pump(l, monitor_log_line, m)) {
			close(l->fd);
			l->fd = -1;
		}
	}
}

/* The tag of process idx (0 = hv, 1.. = DMs). */
static struct launch_proc *monitor_proc(struct monitor *m, unsigned idx)
{
	return idx == 0 ? &m->dom.hv : &m->dom.dms[idx - 1];
}

/* Sends an event whose data is built by the caller into w. */
static void monitor_event(struct monitor *m, const char *name,
			  struct json_writer *w)
{
	int n = w ? json_writer_finish(w) : 0;

	control_event(&m->ctl, name, n > 0 ? w->buf : NULL);
}

static void monitor_describe_exit(struct launch_proc *p, char *buf,
				  size_t len);

/*
 * After the processes are reaped: reports each that hit its seccomp
 * filter, and each DM that failed (hv reported it, or it died on its own
 * while the domain ran, or by a signal that was not ours).
 */
static void monitor_report_procs(struct monitor *m, const int *seen)
{
	struct json_writer w;
	char buf[512], what[128];
	unsigned i;

	for (i = 0; i <= m->dom.nr_dms; i++) {
		struct launch_proc *p = monitor_proc(m, i);
		int own, clean;

		if (!p->exited)
			continue;
		own = seen[i] || p->wstatus_code != CLD_KILLED ||
		      p->wstatus != SIGKILL;
		clean = p->wstatus_code == CLD_EXITED && p->wstatus == 0;
		monitor_describe_exit(p, what, sizeof(what));
		if (own && p->wstatus_code != CLD_EXITED &&
		    p->wstatus == SIGSYS) {
			json_writer_init(&w, buf, sizeof(buf));
			json_w_object_begin(&w);
			json_w_kstr(&w, "process", p->tag);
			json_w_kint(&w, "pid", p->pid);
			json_w_kuint(&w, "uid", p->uid);
			json_w_object_end(&w);
			monitor_event(m, "SECCOMP_VIOLATION", &w);
		}
		/* A DM exits cleanly only when hv has gone away. */
		if (i == 0 || !(m->fault_text[i][0] || (own && !clean)))
			continue;
		json_writer_init(&w, buf, sizeof(buf));
		json_w_object_begin(&w);
		json_w_kstr(&w, "process", p->tag);
		json_w_kint(&w, "pid", p->pid);
		json_w_kstr(&w, "reason",
			    m->fault_text[i][0] ? m->fault_text[i] : what);
		if (own)
			json_w_kstr(&w, "exit", what);
		json_w_object_end(&w);
		monitor_event(m, "DM_CRASH", &w);
	}
}

static void monitor_ready(struct monitor *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Tells a waiting `safepc create` how the start went (once). */
static void monitor_ready(struct monitor *m, const char *fmt, ...)
{
	int fd = m->ready_fd;
	char buf[256];
	va_list ap;
	int n;

	if (fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (util_write_all(fd, buf, (size_t)n))
		log_warn("safepc create is gone; not told the domain started");
	close(fd);
	m->ready_fd = -1;
}

static void monitor_hv_msg(struct monitor *m)
{
	struct hvctl_msg msg;
	ssize_t n = recv(m->dom.ctl_fd, &msg, sizeof(msg), MSG_DONTWAIT);
	size_t i;

	if (n == 0) {
		/* hv is exiting (its files close before it is a zombie):
		 * its pidfd will say how, unless it stays silent. */
		if (!m->hv_eof_at)
			m->hv_eof_at = util_now_ns();
		return;
	}
	if (n < 0)
		return;
	if ((size_t)n != sizeof(msg) || msg.version != HVCTL_ABI_VERSION) {
		log_guest(LOG_WARN, "malformed message from hv ignored");
		goto bad;
	}
	/* The text is hv's: keep it printable and terminated. */
	msg.text[sizeof(msg.text) - 1] = 0;
	for (i = 0; msg.text[i]; i++)
		if ((unsigned char)msg.text[i] < 0x20 ||
		    (unsigned char)msg.text[i] > 0x7e)
			msg.text[i] = '?';
	switch (msg.type) {
	case HVCTL_EV_RUNNING:
		if (m->res.running)
			goto bad;
		m->res.running = 1;
		m->ever_ran = 1;
		m->running_ns = util_now_ns();
		monitor_ready(m, "OK");
		return;
	case HVCTL_EV_SHUTDOWN:
		switch (msg.reason) {
		case HVCTL_REASON_POWEROFF:
			monitor_set_last(m, "poweroff", 0, msg.text);
			monitor_set_result(m, 0, "%s", msg.text);
			m->res.kind = MONITOR_END_POWEROFF;
			break;
		case HVCTL_REASON_REBOOT:
			monitor_set_last(m, "reboot", 0, msg.text);
			monitor_set_result(m, 0, "%s", msg.text);
			m->res.kind = MONITOR_END_REBOOT;
			break;
		case HVCTL_REASON_DEBUG_EXIT:
			monitor_set_last(m, "debug-exit", msg.code & 0xff,
					 msg.text);
			monitor_set_result(m, msg.code & 0xff, "%s", msg.text);
			m->res.kind = MONITOR_END_DEBUG_EXIT;
			break;
		case HVCTL_REASON_CRASH:
			monitor_set_last(m, "crash", 0, msg.text);
			monitor_set_result(m, MONITOR_STATUS_FAILURE,
					   "guest crashed: %s", msg.text);
			m->res.kind = MONITOR_END_CRASH;
			break;
		case HVCTL_REASON_DM_FAULT:
			monitor_set_last(m, "dm-fault", msg.code, msg.text);
			monitor_set_result(m, MONITOR_STATUS_FAILURE,
					   "device model fault: %s", msg.text);
			m->res.kind = MONITOR_END_FAULT;
			if (msg.code >= 0 && (unsigned)msg.code < m->dom.nr_dms)
				snprintf(m->fault_text[1 + msg.code],
					 sizeof(m->fault_text[0]), "%s",
					 msg.text);
			break;
		default:
			monitor_set_last(m, "hv-error", msg.code, msg.text);
			monitor_set_result(m, MONITOR_STATUS_FAILURE,
					   "hv stopped: %s", msg.text);
			m->res.kind = MONITOR_END_FAULT;
			break;
		}
		return;
	default:
		log_guest(LOG_WARN, "unknown message %u from hv ignored",
			  msg.type);
		goto bad;
	}
bad:
	if (++m->bad_hv_msgs == MONITOR_MAX_BAD_HV_MSGS) {
		monitor_set_last(m, "hv-error", 0, "too many bad messages");
		monitor_set_result(m, MONITOR_STATUS_FAILURE,
				   "hv sent %u malformed or unexpected "
				   "messages", m->bad_hv_msgs);
	}
}

static void monitor_describe_exit(struct launch_proc *p, char *buf,
				  size_t len)
{
	if (p->wstatus_code == CLD_EXITED)
		snprintf(buf, len, "%s exited with status %d", p->tag,
			 p->wstatus);
	else if (p->wstatus == SIGSYS) {
		/* The kernel's audit record names the syscall (best effort:
		 * the kernel rate-limits those records); launch_proc_reap
		 * read it. */
		const char *name = launch_proc_seccomp(p);

		if (name)
			snprintf(buf, len,
				 "%s killed: seccomp violation: %s(2)", p->tag,
				 name);
		else
			snprintf(buf, len, "%s killed: seccomp violation",
				 p->tag);
	}
	else
		snprintf(buf, len, "%s killed by signal %d (%s)", p->tag,
			 p->wstatus, strsignal(p->wstatus));
}

/* A process of the domain ended: note how, and end the domain. */
static void monitor_proc_exited(struct monitor *m, unsigned idx)
{
	struct launch_proc *p = monitor_proc(m, idx);
	siginfo_t si;
	char what[128];

	memset(&si, 0, sizeof(si));
	if (p->exited || waitid(P_PIDFD, (id_t)p->pidfd, &si, WEXITED | WNOHANG) ||
	    si.si_pid == 0)
		return;
	p->exited = 1;
	p->wstatus_code = si.si_code;
	p->wstatus = si.si_status;
	monitor_describe_exit(p, what, sizeof(what));
	if (idx == 0) {
		/* hv reports before it exits; read that report first. */
		monitor_hv_msg(m);
		if (!m->ended || p->wstatus_code != CLD_EXITED ||
		    p->wstatus != 0) {
			monitor_set_last(m, "hv-error", 0, what);
			monitor_set_result(m, MONITOR_STATUS_FAILURE, "%s",
					   what);
		}
		return;
	}
	/* A DM that exits cleanly after hv has gone is no news. */
	if (!m->ended || p->wstatus_code != CLD_EXITED || p->wstatus != 0)
		log_err("%s", what);
	if (!m->dm_death_at)
		m->dm_death_at = util_now_ns();
	/* hv sees the DM's socket close and reports the fault; if it does
	 * not within MONITOR_DM_REPORT_MS, this is the reason. */
	if (!m->ended)
		snprintf(m->res.dm_death, sizeof(m->res.dm_death), "%s",
			 what);
}

/* Starts (or restarts) the domain's processes. */
static int monitor_boot(struct monitor *m)
{
	char err[sizeof(m->res.reason)];
	int r;

	memset(&m->dom, 0, sizeof(m->dom));
	memset(&m->res, 0, sizeof(m->res));
	memset(m->fault_text, 0, sizeof(m->fault_text));
	m->dom.domid = m->o->domid;
	m->dom.cfg = m->cfg;
	m->ended = m->paused = m->preserved = 0;
	m->bad_hv_msgs = 0;
	m->dm_death_at = m->powerdown_at = m->hv_eof_at = 0;
	m->last_reason[0] = 0;
	m->start_ns = util_now_ns();
	r = launch_domain_start(&m->dom, err, sizeof(err));
	if (r) {
		m->res.status = MONITOR_STATUS_FAILURE;
		snprintf(m->res.reason, sizeof(m->res.reason), "%s", err);
		return r;
	}
	m->dom_up = 1;
	m->con.guest_fd = m->dom.console_fd;
	return 0;
}

/* What the domain's config says to do after this run. */
static enum domcfg_action monitor_action(const struct monitor *m)
{
	if (m->destroy || !m->ever_ran)
		return DOMCFG_ACTION_DESTROY;
	switch (m->res.kind) {
	case MONITOR_END_POWEROFF:
		return m->cfg->on_poweroff;
	case MONITOR_END_REBOOT:
		return m->cfg->on_reboot;
	case MONITOR_END_CRASH:
		return m->cfg->on_crash;
	case MONITOR_END_DEBUG_EXIT:
		/* The guest ended on purpose, with a status. */
		return m->cfg->on_poweroff;
	default:
		/* A DM or hv failure: as after a crash in xl, but a
		 * restart loop on a broken device model helps nobody. */
		return m->cfg->on_crash == DOMCFG_ACTION_PRESERVE
			       ? DOMCFG_ACTION_PRESERVE
			       : DOMCFG_ACTION_DESTROY;
	}
}

/*
 * Ends the current run: lets the processes exit on their own for a
 * moment when hv has reported, then kills and reaps them, reports how
 * each ended, and removes cgroups and uid leftovers.
 */
static void monitor_teardown(struct monitor *m, enum domcfg_action *action)
{
	struct json_writer w;
	char buf[768];
	int seen[1 + LAUNCH_MAX_DMS];
	unsigned i;

	if (!m->ended) {
		monitor_set_last(m, "destroyed", 0, m->destroy_why);
		monitor_set_result(m, MONITOR_STATUS_FAILURE, "%s",
				   m->destroy_why);
	}
	if (!m->destroy) {
		int64_t until = util_now_ns() + MONITOR_EXIT_GRACE_MS * 1000000ll;

		for (;;) {
			struct pollfd pfd[1 + LAUNCH_MAX_DMS];
			unsigned n = 0, left = 0;
			int64_t now = util_now_ns();

			for (i = 0; i <= m->dom.nr_dms; i++) {
				struct launch_proc *p = monitor_proc(m, i);

				pfd[i] = (struct pollfd){
					.fd = p->exited ? -1 : p->pidfd,
					.events = POLLIN
				};
				left += !p->exited;
				n++;
			}
			if (!left || now >= until)
				break;
			if (poll(pfd, n, (int)((until - now) / 1000000) + 1) < 0 &&
			    errno != EINTR)
				break;
			for (i = 0; i < n; i++)
				if (pfd[i].revents & POLLIN)
					monitor_proc_exited(m, i);
		}
	}
	for (i = 0; i <= m->dom.nr_dms; i++)
		seen[i] = monitor_proc(m, i)->exited;
	launch_domain_kill(&m->dom);
	launch_domain_reap(&m->dom);
	for (i = 0; i <= m->dom.nr_dms; i++) {
		struct launch_proc *p = monitor_proc(m, i);
		char what[128];

		/* A DM that died on its own while hv's report ended the
		 * loop first (hv sees its socket close before its pidfd is
		 * readable): say how, as the loop would have. Our own
		 * SIGKILL and a clean exit after hv went away are not
		 * news. */
		if (i == 0 || seen[i] || !p->exited ||
		    (p->wstatus_code == CLD_KILLED && p->wstatus == SIGKILL) ||
		    (p->wstatus_code == CLD_EXITED && p->wstatus == 0))
			continue;
		monitor_describe_exit(p, what, sizeof(what));
		log_err("%s", what);
	}
	monitor_report_procs(m, seen);
	/* Whatever the processes wrote before they died. */
	monitor_relay_log(m);
	console_drain(&m->con, m->o->foreground ? m->o->out_fd : -1);
	m->con.guest_fd = -1;
	if (m->dom.ctl_fd >= 0)
		close(m->dom.ctl_fd);
	for (i = 0; i < m->dom.nr_logs; i++)
		if (m->dom.logs[i].fd >= 0) {
			close(m->dom.logs[i].fd);
			m->dom.logs[i].fd = -1;
		}
	if (m->dom.console_fd >= 0)
		close(m->dom.console_fd);
	m->dom.ctl_fd = m->dom.console_fd = -1;
	m->dom_up = 0;
	if (launch_domain_cleanup(m->o->domid, buf, sizeof(buf)))
		log_err("cleaning up domain %u: %s", m->o->domid, buf);

	*action = monitor_action(m);
	json_writer_init(&w, buf, sizeof(buf));
	json_w_object_begin(&w);
	json_w_kbool(&w, "guest", !strcmp(m->last_reason, "poweroff") ||
					  !strcmp(m->last_reason, "reboot") ||
					  !strcmp(m->last_reason, "crash") ||
					  !strcmp(m->last_reason, "debug-exit"));
	json_w_kstr(&w, "reason", m->last_reason);
	json_w_kint(&w, "code", m->last_code);
	json_w_kstr(&w, "text", m->res.reason);
	json_w_kstr(&w, "action", domcfg_action_name(*action));
	json_w_object_end(&w);
	monitor_event(m, "SHUTDOWN", &w);
}

/* ---- control commands ---- */

static const char *monitor_state(const struct monitor *m)
{
	if (!m->dom_up)
		return m->preserved ? (!strcmp(m->last_reason, "poweroff") ||
						       !strcmp(m->last_reason,
							       "reboot") ||
						       !strcmp(m->last_reason,
							       "debug-exit")
					       ? "shutdown"
					       : "crashed")
				    : "dying";
	if (!m->res.running)
		return "starting";
	if (m->powerdown_at)
		return "shutting-down";
	return m->paused ? "paused" : "running";
}

static void monitor_cmd_error(struct control_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void monitor_cmd_error(struct control_error *e, const char *fmt, ...)
{
	va_list ap;

	e->cls = CONTROL_ERR_GENERIC;
	va_start(ap, fmt);
	vsnprintf(e->desc, sizeof(e->desc), fmt, ap);
	va_end(ap);
}

static void monitor_w_proc(struct json_writer *w, const struct launch_proc *p,
			   const char *role)
{
	json_w_object_begin(w);
	json_w_kstr(w, "tag", p->tag);
	json_w_kstr(w, "role", role);
	json_w_kint(w, "pid", p->pid);
	json_w_kuint(w, "uid", p->uid);
	json_w_kbool(w, "alive", !p->exited);
	json_w_object_end(w);
}

static void monitor_query_domain(struct monitor *m, struct json_writer *w)
{
	char path[96];
	unsigned i;

	json_w_object_begin(w);
	json_w_kuint(w, "domid", m->o->domid);
	json_w_kstr(w, "name", m->cfg->name);
	json_w_kstr(w, "state", monitor_state(m));
	json_w_kuint(w, "vcpus", m->cfg->vcpus);
	json_w_kuint(w, "memory_mib", m->cfg->memory_mib);
	/* What this start resolved accel to ("kvm" or "soft"); the
	 * config's own wish may have been "auto". */
	json_w_kstr(w, "accel", domcfg_accel_name(m->dom.accel));
	json_w_kint(w, "uptime_s",
		    m->dom_up && m->res.running
			    ? (util_now_ns() - m->running_ns) / 1000000000
			    : 0);
	json_w_kint(w, "created", m->created_rt / 1000000000);
	json_w_kuint(w, "restarts", m->restarts);
	json_w_kint(w, "monitor_pid", getpid());
	json_w_kstr(w, "on_poweroff", domcfg_action_name(m->cfg->on_poweroff));
	json_w_kstr(w, "on_reboot", domcfg_action_name(m->cfg->on_reboot));
	json_w_kstr(w, "on_crash", domcfg_action_name(m->cfg->on_crash));
	json_w_key(w, "processes");
	json_w_array_begin(w);
	if (m->dom_up) {
		monitor_w_proc(w, &m->dom.hv, "hv");
		for (i = 0; i < m->dom.nr_dms; i++)
			monitor_w_proc(w, &m->dom.dms[i], "dm");
	}
	json_w_array_end(w);
	rundir_path(m->o->domid, "console", path, sizeof(path));
	json_w_kstr(w, "console", path);
	json_w_kuint(w, "console_clients", console_nr_clients(&m->con));
	if (m->powerdown_at)
		json_w_kint(w, "destroy_in_s",
			    (m->powerdown_at - util_now_ns() + 999999999) /
				    1000000000);
	json_w_key(w, "last_shutdown");
	if (m->last_reason[0] && !m->dom_up) {
		json_w_object_begin(w);
		json_w_kstr(w, "reason", m->last_reason);
		json_w_kint(w, "code", m->last_code);
		json_w_kstr(w, "text", m->res.reason);
		json_w_object_end(w);
	} else {
		json_w_null(w);
	}
	json_w_object_end(w);
}

static int monitor_hv_cmd(struct monitor *m, uint32_t type)
{
	struct hvctl_msg msg = { .version = HVCTL_ABI_VERSION, .type = type };

	if (send(m->dom.ctl_fd, &msg, sizeof(msg),
		 MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)sizeof(msg))
		return -errno;
	return 0;
}

/* Is the domain up and running (paused or not)? */
static int monitor_running(const struct monitor *m)
{
	return m->dom_up && m->res.running && !m->ended;
}

/* One control request, as control.c hands it to monitor_exec. */
struct monitor_req {
	const char *cmd;	      /* the command's name */
	const struct json_doc *doc;   /* the parsed request */
	const struct json_node *args; /* its "arguments" object, or NULL */
	struct json_writer *w;	      /* the reply's "return" value */
	struct control_error *e;      /* the error, when the handler fails */
};

/* A control command's handler: writes the reply's "return" value to q->w
 * and returns 0, or fills q->e and returns -1. */
typedef int (*monitor_cmd_fn)(struct monitor *m, const struct monitor_req *q);

static int monitor_cmd_query_commands(struct monitor *m,
				      const struct monitor_req *q);

static int monitor_cmd_query_version(struct monitor *m,
				     const struct monitor_req *q)
{
	json_w_object_begin(q->w);
	json_w_kint(q->w, "major", SAFEPC_VERSION_MAJOR);
	json_w_kint(q->w, "minor", SAFEPC_VERSION_MINOR);
	json_w_kint(q->w, "micro", SAFEPC_VERSION_MICRO);
	json_w_kstr(q->w, "package", "safepc " SAFEPC_VERSION);
	json_w_object_end(q->w);
	return 0;
}

static int monitor_cmd_query_status(struct monitor *m,
				    const struct monitor_req *q)
{
	json_w_object_begin(q->w);
	json_w_kstr(q->w, "status", monitor_state(m));
	json_w_kbool(q->w, "running", monitor_running(m) && !m->paused);
	json_w_object_end(q->w);
	return 0;
}

static int monitor_cmd_query_domain(struct monitor *m,
				    const struct monitor_req *q)
{
	monitor_query_domain(m, q->w);
	return 0;
}

static int monitor_cmd_query_event_log(struct monitor *m,
				       const struct monitor_req *q)
{
	control_event_log(&m->ctl, q->w);
	return 0;
}

/* "stop" pauses the vCPUs through hv, "cont" resumes them; either is a
 * no-op (with no event) when the domain already is in that state. */
static int monitor_cmd_stop_cont(struct monitor *m, const struct monitor_req *q)
{
	int stop = !strcmp(q->cmd, "stop");
	int r;

	if (!monitor_running(m)) {
		monitor_cmd_error(q->e, "domain is %s, not running",
				  monitor_state(m));
		return -1;
	}
	if (m->paused != stop) {
		r = monitor_hv_cmd(m, stop ? HVCTL_CMD_PAUSE
					   : HVCTL_CMD_UNPAUSE);
		if (r) {
			monitor_cmd_error(q->e, "hv does not listen: %s",
					  strerror(-r));
			return -1;
		}
		m->paused = stop;
		control_event(&m->ctl, stop ? "STOP" : "RESUME", NULL);
	}
	json_w_object_begin(q->w);
	json_w_object_end(q->w);
	return 0;
}

static int monitor_cmd_system_powerdown(struct monitor *m,
					const struct monitor_req *q)
{
	const struct json_node *t = json_get(q->doc, q->args, "timeout");
	int64_t secs = MONITOR_POWERDOWN_DEFAULT_S, at;
	struct json_writer ew;
	char buf[128];
	bool notified;

	if (q->args && q->args->count > (t ? 1u : 0u)) {
		monitor_cmd_error(q->e, "system_powerdown takes only 'timeout'");
		return -1;
	}
	if (t && (t->type != JSON_NUMBER || !t->is_int || t->i < 0 ||
		  t->i > MONITOR_POWERDOWN_MAX_S)) {
		monitor_cmd_error(q->e, "'timeout' must be an integer from 0 to "
				     "%d (seconds)",
				  MONITOR_POWERDOWN_MAX_S);
		return -1;
	}
	if (t)
		secs = t->i;
	if (!m->dom_up || m->ended) {
		monitor_cmd_error(q->e, "domain is %s, not running",
				  monitor_state(m));
		return -1;
	}
	/* Press the ACPI power button (hv posts the event to the DM with the
	 * PM block, which raises the SCI when the guest enabled it). What
	 * the guest does is up to the guest: when it has not ended within
	 * the timeout, it is destroyed. */
	notified = monitor_hv_cmd(m, HVCTL_CMD_POWER_BUTTON) == 0;
	at = util_now_ns() + secs * 1000000000ll;
	if (!m->powerdown_at || at < m->powerdown_at)
		m->powerdown_at = at ? at : 1;
	json_w_object_begin(q->w);
	json_w_kbool(q->w, "guest_notified", notified);
	json_w_kint(q->w, "timeout", secs);
	json_w_object_end(q->w);
	/* The event carries the same object as the reply. */
	json_writer_init(&ew, buf, sizeof(buf));
	json_w_object_begin(&ew);
	json_w_kbool(&ew, "guest_notified", notified);
	json_w_kint(&ew, "timeout", secs);
	json_w_object_end(&ew);
	monitor_event(m, "POWERDOWN", &ew);
	return 0;
}

static int monitor_cmd_quit(struct monitor *m, const struct monitor_req *q)
{
	if (!m->destroy) {
		m->destroy = 1;
		snprintf(m->destroy_why, sizeof(m->destroy_why), "destroyed");
	}
	json_w_object_begin(q->w);
	json_w_object_end(q->w);
	return 0;
}

/*
 * The commands the monitor executes, in the order query-commands lists
 * them (after qmp_capabilities, which control.c handles itself).
 */
static const struct {
	const char *name;
	monitor_cmd_fn fn;
} monitor_cmds[] = {
	{ "query-commands", monitor_cmd_query_commands },
	{ "query-version", monitor_cmd_query_version },
	{ "query-status", monitor_cmd_query_status },
	{ "query-domain", monitor_cmd_query_domain },
	{ "stop", monitor_cmd_stop_cont },
	{ "cont", monitor_cmd_stop_cont },
	{ "system_powerdown", monitor_cmd_system_powerdown },
	{ "quit", monitor_cmd_quit },
	{ "query-event-log", monitor_cmd_query_event_log },
};

static int monitor_cmd_query_commands(struct monitor *m,
				      const struct monitor_req *q)
{
	unsigned i;

	json_w_array_begin(q->w);
	json_w_object_begin(q->w);
	json_w_kstr(q->w, "name", "qmp_capabilities");
	json_w_object_end(q->w);
	for (i = 0; i < ARRAY_SIZE(monitor_cmds); i++) {
		json_w_object_begin(q->w);
		json_w_kstr(q->w, "name", monitor_cmds[i].name);
		json_w_object_end(q->w);
	}
	json_w_array_end(q->w);
	return 0;
}

/* control.c's command callback: looks cmd up in monitor_cmds. */
static int monitor_exec(void *opaque, const char *cmd,
			const struct json_doc *doc,
			const struct json_node *args, struct json_writer *w,
			struct control_error *e)
{
	const struct monitor_req q = { cmd, doc, args, w, e };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(monitor_cmds); i++)
		if (!strcmp(cmd, monitor_cmds[i].name))
			return monitor_cmds[i].fn(opaque, &q);
	e->cls = CONTROL_ERR_NOT_FOUND;
	snprintf(e->desc, sizeof(e->desc), "The command %.100s has not been "
		 "found", cmd);
	return -1;
}

/* ---- the main loop ---- */

static void monitor_signal(struct monitor *m)
{
	struct signalfd_siginfo si;

	if (read(m->sig_fd, &si, sizeof(si)) != sizeof(si) ||
	    si.ssi_signo == SIGPIPE)
		return;
	if (si.ssi_signo == SIGHUP && !m->o->foreground)
		return; /* no terminal to lose */
	if (!m->destroy) {
		m->destroy = 1;
		snprintf(m->destroy_why, sizeof(m->destroy_why),
			 "destroyed by signal %u", si.ssi_signo);
	}
}

static void monitor_timers(struct monitor *m)
{
	int64_t now = util_now_ns();

	if (!m->dom_up || m->ended)
		return;
	/* A DM died and hv said nothing within a second. */
	if (m->dm_death_at &&
	    now - m->dm_death_at > MONITOR_DM_REPORT_MS * 1000000ll) {
		monitor_set_last(m, "dm-fault", 0, m->res.dm_death);
		monitor_set_result(m, MONITOR_STATUS_FAILURE, "%s",
				   m->res.dm_death);
	}
	if (m->hv_eof_at &&
	    now - m->hv_eof_at > MONITOR_DM_REPORT_MS * 1000000ll) {
		monitor_set_last(m, "hv-error", 0,
				 "hv closed its control socket");
		monitor_set_result(m, MONITOR_STATUS_FAILURE,
				   "hv closed its control socket");
	}
	if (!m->res.running &&
	    now - m->start_ns > MONITOR_START_TIMEOUT_MS * 1000000ll) {
		monitor_set_last(m, "hv-error", 0, "start timeout");
		monitor_set_result(m, MONITOR_STATUS_FAILURE,
				   "domain did not start within %d ms",
				   MONITOR_START_TIMEOUT_MS);
	}
	if (m->powerdown_at && now >= m->powerdown_at && !m->destroy) {
		m->destroy = 1;
		snprintf(m->destroy_why, sizeof(m->destroy_why),
			 "destroyed: the guest did not shut down in time");
	}
}

static void monitor_loop_once(struct monitor *m)
{
	struct pollfd pfd[1 + CONTROL_MAX_POLLFDS + CONSOLE_MAX_POLLFDS + 3 +
			  2 * (1 + LAUNCH_MAX_DMS)];
	unsigned n = 0, i, s_dom = 0, s_proc = 0, s_log = 0;

	pfd[n++] = (struct pollfd){ .fd = m->sig_fd, .events = POLLIN };
	control_poll(&m->ctl, pfd, &n);
	console_poll(&m->con, pfd, &n);
	if (m->dom_up) {
		s_dom = n;
		pfd[n++] = (struct pollfd){ .fd = m->hv_eof_at ? -1
							       : m->dom.ctl_fd,
					    .events = POLLIN };
		s_log = n;
		for (i = 0; i < m->dom.nr_logs; i++)
			pfd[n++] = (struct pollfd){ .fd = m->dom.logs[i].fd,
						    .events = POLLIN };
		s_proc = n;
		for (i = 0; i <= m->dom.nr_dms; i++) {
			struct launch_proc *p = monitor_proc(m, i);

			pfd[n++] = (struct pollfd){
				.fd = p->exited ? -1 : p->pidfd,
				.events = POLLIN
			};
		}
	}
	if (poll(pfd, n, 200) < 0 && errno != EINTR)
		return;
	if (pfd[0].revents & POLLIN)
		monitor_signal(m);
	if (m->dom_up) {
		/* On POLLHUP alone hv is exiting: its pidfd tells how. */
		if (pfd[s_dom].revents & POLLIN)
			monitor_hv_msg(m);
		for (i = 0; i < m->dom.nr_logs; i++)
			if (pfd[s_log + i].revents) {
				monitor_relay_log(m);
				break;
			}
	}
	/* Console before processes: output written just before a death
	 * is still shown. */
	console_handle(&m->con, pfd, m->o->foreground ? m->o->out_fd : -1);
	if (m->dom_up)
		for (i = 0; i <= m->dom.nr_dms; i++)
			if (pfd[s_proc + i].revents & POLLIN)
				monitor_proc_exited(m, i);
	control_handle(&m->ctl, pfd);
	monitor_timers(m);
	/* The monitor's own lines go to the log directly (stderr). */
	if (m->o->log && util_now_ns() - m->log_checked_at > 1000000000ll) {
		m->log_checked_at = util_now_ns();
		logfile_check(m->o->log);
	}
}

static void monitor_write_pid(unsigned domid)
{
	char path[96], text[24];
	FILE *f;

	rundir_path(domid, "pid", path, sizeof(path));
	f = fopen(path, "we");
	if (!f)
		return;
	snprintf(text, sizeof(text), "%d\n", (int)getpid());
	fputs(text, f);
	fclose(f);
}

/*
 * -F and a preserved domain: as with `xl create -F`, the foreground
 * command ends with the guest's status while the domain's record stays.
 * A child carries on as the domain's daemon monitor: it inherits the
 * lock, the sockets and the console ring (no jailed process is left to
 * care about). Returns 1 in the parent, 0 in the child, or -errno.
 */
static int monitor_detach(struct monitor *m)
{
	static struct logfile log;
	char path[96], tag[32];
	pid_t pid;
	int null;

	fflush(NULL);
	pid = fork();
	if (pid != 0)
		return pid > 0 ? 1 : -errno;
	if (setsid() < 0)
		_exit(1);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(null, STDOUT_FILENO) < 0)
		_exit(1);
	rundir_path(m->o->domid, "log", path, sizeof(path));
	if (logfile_open(&log, path, MONITOR_LOG_CAP, STDERR_FILENO) == 0)
		m->opts.log = &log;
	else
		dup2(null, STDERR_FILENO);
	close(null);
	m->opts.foreground = 0;
	m->opts.out_fd = -1;
	snprintf(tag, sizeof(tag), "monitor/%u", m->o->domid);
	log_init(tag, LOG_INFO);
	monitor_write_pid(m->o->domid);
	log_info("domain %s: preserved after -F; this monitor keeps it",
		 m->cfg->name);
	return 0;
}

int monitor_run(const struct monitor_opts *o, struct monitor_result *res)
{
	static struct monitor mon; /* the console ring is large */
	struct monitor *m = &mon;
	char path[96], log_path[96], err[256];
	enum domcfg_action action;
	sigset_t sigs;
	int r, rc = 0;

	memset(m, 0, sizeof(*m));
	m->opts = *o;
	m->o = &m->opts;
	m->cfg = o->cfg;
	m->created_rt = util_realtime_ns();
	m->sig_fd = -1;
	m->ready_fd = o->ready_fd;
	m->con.listen_fd = m->ctl.listen_fd = -1;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGPIPE);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	m->sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	monitor_write_pid(o->domid);

	rundir_path(o->domid, "console", path, sizeof(path));
	rundir_path(o->domid, "console.log", log_path, sizeof(log_path));
	r = console_init(&m->con, path, log_path);
	if (r == 0) {
		rundir_path(o->domid, "control", path, sizeof(path));
		r = control_init(&m->ctl, path, monitor_exec, m);
	}
	if (r) {
		m->res.status = MONITOR_STATUS_FAILURE;
		snprintf(m->res.reason, sizeof(m->res.reason),
			 "cannot create the domain's sockets: %s",
			 strerror(-r));
		rc = r;
		goto out;
	}

	r = monitor_boot(m);
	if (r) {
		rc = r;
		goto out;
	}
	while (!m->quit) {
		monitor_loop_once(m);
		if (m->dom_up && (m->ended || m->destroy)) {
			monitor_teardown(m, &action);
			if (action == DOMCFG_ACTION_RESTART) {
				m->restarts++;
				control_event(&m->ctl, "RESET", NULL);
				log_info("domain %s: %s; restarting",
					 m->cfg->name, m->res.reason);
				r = monitor_boot(m);
				if (r) {
					log_err("restarting domain %s: %s",
						m->cfg->name, m->res.reason);
					m->quit = 1;
				}
			} else if (action == DOMCFG_ACTION_PRESERVE) {
				m->preserved = 1;
				log_info("domain %s: %s; preserved until "
					 "destroyed", m->cfg->name,
					 m->res.reason);
				if (m->o->foreground && monitor_detach(m) == 1) {
					/* The child keeps everything. */
					sigprocmask(SIG_UNBLOCK, &sigs, NULL);
					*res = m->res;
					return 0;
				}
			} else {
				m->quit = 1;
			}
		} else if (!m->dom_up && m->destroy) {
			m->quit = 1;
		}
	}

out:
	/* Everything is gone before a waiting client sees its socket close:
	 * `safepc destroy` returns only then. */
	if (rundir_remove(o->domid, err, sizeof(err)))
		log_err("removing domain %u: %s", o->domid, err);
	if (!m->ever_ran)
		monitor_ready(m, "ERR %s", m->res.reason);
	else
		monitor_ready(m, "OK");
	control_close(&m->ctl, 500);
	console_close(&m->con);
	if (m->sig_fd >= 0)
		close(m->sig_fd);
	sigprocmask(SIG_UNBLOCK, &sigs, NULL);
	*res = m->res;
	return m->ever_ran ? 0 : (rc ? rc : -EIO);
}
