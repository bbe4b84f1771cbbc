/* SPDX-License-Identifier: MIT */
/*
 * The per-domain monitor: starts the domain, relays its console and logs,
 * listens to hv's reports and to the death of any of its processes, and
 * ends the domain cleanly. It never parses guest data; what hv and the DMs
 * send it is untrusted and checked (fixed-size messages, bounded text).
 */
#include <errno.h>
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
#include "toolstack/launch.h"
#include "toolstack/monitor.h"

/* How long the domain may take from spawn to RUNNING. */
#define MONITOR_START_TIMEOUT_MS 20000

struct monitor {
	struct launch_domain dom;
	int sig_fd;
	int out_fd; /* console output goes here */
	int ended;
	struct monitor_result res;
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

/* Copies what is readable from fd to out (bounded per call). */
static void monitor_relay(int fd, int out)
{
	char buf[4096];
	int rounds;

	for (rounds = 0; rounds < 16; rounds++) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0)
			return;
		if (out >= 0 && util_write_all(out, buf, (size_t)n))
			return;
	}
}

static void monitor_hv_msg(struct monitor *m)
{
	struct hvctl_msg msg;
	ssize_t n = recv(m->dom.ctl_fd, &msg, sizeof(msg), MSG_DONTWAIT);
	size_t i;

	if (n == 0) {
		monitor_set_result(m, MONITOR_STATUS_FAILURE,
				   "hv closed its control socket");
		return;
	}
	if (n < 0)
		return;
	if ((size_t)n != sizeof(msg) || msg.version != HVCTL_ABI_VERSION) {
		log_guest(LOG_WARN, "malformed message from hv ignored");
		return;
	}
	/* The text is hv's: keep it printable and terminated. */
	msg.text[sizeof(msg.text) - 1] = 0;
	for (i = 0; msg.text[i]; i++)
		if ((unsigned char)msg.text[i] < 0x20 ||
		    (unsigned char)msg.text[i] > 0x7e)
			msg.text[i] = '?';
	switch (msg.type) {
	case HVCTL_EV_RUNNING:
		m->res.running = 1;
		break;
	case HVCTL_EV_SHUTDOWN:
		switch (msg.reason) {
		case HVCTL_REASON_POWEROFF:
			monitor_set_result(m, 0, "%s", msg.text);
			m->res.kind = MONITOR_END_POWEROFF;
			break;
		case HVCTL_REASON_REBOOT:
			monitor_set_result(m, 0, "%s", msg.text);
			m->res.kind = MONITOR_END_REBOOT;
			break;
		case HVCTL_REASON_DEBUG_EXIT:
			monitor_set_result(m, msg.code & 0xff, "%s", msg.text);
			m->res.kind = MONITOR_END_DEBUG_EXIT;
			break;
		case HVCTL_REASON_CRASH:
			monitor_set_result(m, MONITOR_STATUS_FAILURE,
					   "guest crashed: %s", msg.text);
			m->res.kind = MONITOR_END_CRASH;
			break;
		case HVCTL_REASON_DM_FAULT:
			monitor_set_result(m, MONITOR_STATUS_FAILURE,
					   "device model fault: %s", msg.text);
			m->res.kind = MONITOR_END_FAULT;
			break;
		default:
			monitor_set_result(m, MONITOR_STATUS_FAILURE,
					   "hv stopped: %s", msg.text);
			m->res.kind = MONITOR_END_FAULT;
			break;
		}
		break;
	default:
		log_guest(LOG_WARN, "unknown message %u from hv ignored",
			  msg.type);
	}
}

static void monitor_describe_exit(const struct launch_proc *p, char *buf,
				  size_t len)
{
	if (p->wstatus_code == CLD_EXITED)
		snprintf(buf, len, "%s exited with status %d", p->tag,
			 p->wstatus);
	else if (p->wstatus == SIGSYS)
		snprintf(buf, len, "%s killed: seccomp violation", p->tag);
	else
		snprintf(buf, len, "%s killed by signal %d (%s)", p->tag,
			 p->wstatus, strsignal(p->wstatus));
}

/* A process of the domain ended: note how, and end the domain. */
static void monitor_proc_exited(struct monitor *m, struct launch_proc *p)
{
	siginfo_t si;
	char what[128];

	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, (id_t)p->pidfd, &si, WEXITED | WNOHANG) ||
	    si.si_pid == 0)
		return;
	p->exited = 1;
	p->wstatus_code = si.si_code;
	p->wstatus = si.si_status;
	monitor_describe_exit(p, what, sizeof(what));
	if (p == &m->dom.hv) {
		/* hv reports before it exits; read that report first. */
		monitor_hv_msg(m);
		if (!m->ended || p->wstatus_code != CLD_EXITED ||
		    p->wstatus != 0)
			monitor_set_result(m, MONITOR_STATUS_FAILURE, "%s",
					   what);
		return;
	}
	log_err("%s", what);
	/* hv sees the DM's socket close and reports the fault; if it does
	 * not within the loop's next rounds, this is the reason. */
	if (!m->ended)
		snprintf(m->res.dm_death, sizeof(m->res.dm_death), "%s",
			 what);
}

int monitor_run(const struct domcfg *cfg, unsigned domid, int out_fd,
		struct monitor_result *res)
{
	struct monitor m;
	sigset_t sigs;
	char err[sizeof(res->reason)];
	int64_t start = util_now_ns(), dm_death_at = 0;
	int dm_seen[LAUNCH_MAX_DMS];
	unsigned i;
	int r;

	memset(&m, 0, sizeof(m));
	m.dom.domid = domid;
	m.dom.cfg = cfg;
	m.out_fd = out_fd;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGPIPE);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	m.sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);

	r = launch_domain_start(&m.dom, err, sizeof(err));
	if (r) {
		res->status = MONITOR_STATUS_FAILURE;
		snprintf(res->reason, sizeof(res->reason), "%s", err);
		close(m.sig_fd);
		return r;
	}

	while (!m.ended) {
		struct pollfd pfd[5 + LAUNCH_MAX_DMS];
		unsigned n = 0, first_dm;

		pfd[n++] = (struct pollfd){ .fd = m.dom.ctl_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = m.dom.log_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = m.dom.console_fd,
					    .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = m.sig_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = m.dom.hv.exited ? -1
								  : m.dom.hv.pidfd,
					    .events = POLLIN };
		first_dm = n;
		for (i = 0; i < m.dom.nr_dms; i++)
			pfd[n++] = (struct pollfd){
				.fd = m.dom.dms[i].exited ? -1
							  : m.dom.dms[i].pidfd,
				.events = POLLIN
			};
		if (poll(pfd, n, 200) < 0 && errno != EINTR)
			break;
		/* On POLLHUP alone hv is exiting: its pidfd tells how. */
		if (pfd[0].revents & POLLIN)
			monitor_hv_msg(&m);
		if (pfd[1].revents)
			monitor_relay(m.dom.log_fd, STDERR_FILENO);
		if (pfd[2].revents)
			monitor_relay(m.dom.console_fd, m.out_fd);
		if (pfd[3].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(m.sig_fd, &si, sizeof(si)) == sizeof(si) &&
			    si.ssi_signo != SIGPIPE)
				monitor_set_result(&m, MONITOR_STATUS_FAILURE,
						   "destroyed by signal %u",
						   si.ssi_signo);
		}
		if (pfd[4].revents & POLLIN)
			monitor_proc_exited(&m, &m.dom.hv);
		for (i = 0; i < m.dom.nr_dms; i++)
			if (pfd[first_dm + i].revents & POLLIN) {
				monitor_proc_exited(&m, &m.dom.dms[i]);
				if (!dm_death_at)
					dm_death_at = util_now_ns();
			}
		/* A DM died and hv said nothing within a second. */
		if (!m.ended && dm_death_at &&
		    util_now_ns() - dm_death_at > 1000000000ll)
			monitor_set_result(&m, MONITOR_STATUS_FAILURE, "%s",
					   m.res.dm_death);
		if (!m.ended && !m.res.running &&
		    util_now_ns() - start >
			    MONITOR_START_TIMEOUT_MS * 1000000ll)
			monitor_set_result(&m, MONITOR_STATUS_FAILURE,
					   "domain did not start within %d ms",
					   MONITOR_START_TIMEOUT_MS);
	}

	for (i = 0; i < m.dom.nr_dms; i++)
		dm_seen[i] = m.dom.dms[i].exited;
	launch_domain_kill(&m.dom);
	launch_domain_reap(&m.dom);
	/* Whatever the processes wrote before they died. */
	monitor_relay(m.dom.log_fd, STDERR_FILENO);
	if (m.dom.console_fd >= 0)
		monitor_relay(m.dom.console_fd, m.out_fd);
	/* A DM that died on its own while hv's report ended the loop first
	 * (hv sees its socket close before its pidfd is readable): say how,
	 * as the loop would have. Our own SIGKILL and a clean exit after hv
	 * went away are not news. */
	for (i = 0; i < m.dom.nr_dms; i++) {
		const struct launch_proc *p = &m.dom.dms[i];
		char what[128];

		if (dm_seen[i] || !p->exited ||
		    (p->wstatus_code == CLD_KILLED && p->wstatus == SIGKILL) ||
		    (p->wstatus_code == CLD_EXITED && p->wstatus == 0))
			continue;
		monitor_describe_exit(p, what, sizeof(what));
		log_err("%s", what);
	}
	if (m.res.dm_death[0] && m.res.kind == MONITOR_END_FAULT)
		log_err("%s", m.res.dm_death);
	close(m.dom.ctl_fd);
	close(m.dom.log_fd);
	if (m.dom.console_fd >= 0)
		close(m.dom.console_fd);
	close(m.sig_fd);
	sigprocmask(SIG_UNBLOCK, &sigs, NULL);
	*res = m.res;
	return 0;
}
