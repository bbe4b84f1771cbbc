/* SPDX-License-Identifier: MIT */
/*
 * check_fds: every open fd of a jailed process against the manifest the
 * monitor recorded, and hv's accelerator (no KVM fd under the soft CPU).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "common/util.h"
#include "toolstack/check_priv.h"

enum check_fdclass {
	CHECK_FD_NULL,
	CHECK_FD_LOG,
	CHECK_FD_KVM,
	CHECK_FD_KVM_VM,
	CHECK_FD_KVM_VCPU,
	CHECK_FD_RAM,
	CHECK_FD_IOREQ,
	CHECK_FD_EVENT,
	CHECK_FD_SOCKET,
	CHECK_FD_FILE,
	CHECK_FD_BLOCK,
	CHECK_FD_OTHER,
};

static const char *const check_fdclass_names[] = {
	"null", "log", "kvm", "kvm-vm", "kvm-vcpu", "ram",
	"ioreq", "event", "socket", "file", "block device", "other",
};

/* Manifest kinds and the class each must be (socket type: 5 seqpacket,
 * 1 stream; 0 when the class is not a socket). A disk image may be a
 * regular file (all domcfg accepts) or a block device. */
static const struct {
	const char *kind;
	enum check_fdclass cls;
	unsigned sock_type;
	int or_block;
} check_kinds[] = {
	{ "null", CHECK_FD_NULL, 0, 0 },
	{ "log", CHECK_FD_LOG, 0, 0 },
	{ "kvm", CHECK_FD_KVM, 0, 0 },
	{ "ram", CHECK_FD_RAM, 0, 0 },
	{ "ioreq", CHECK_FD_IOREQ, 0, 0 },
	{ "event", CHECK_FD_EVENT, 0, 0 },
	{ "dm_op", CHECK_FD_SOCKET, 5, 0 },
	{ "hvctl", CHECK_FD_SOCKET, 5, 0 },
	{ "console", CHECK_FD_SOCKET, 1, 0 },
	{ "kernel", CHECK_FD_FILE, 0, 0 },
	{ "module", CHECK_FD_FILE, 0, 0 },
	{ "ramdisk", CHECK_FD_FILE, 0, 0 },
	{ "disk", CHECK_FD_FILE, 0, 1 },
	{ "dma_pipe", CHECK_FD_LOG, 0, 0 }, /* a pipe, as the log's */
};

/* A memfd the monitor made: "/memfd:NAME (deleted)". */
static int check_is_memfd(const char *link, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(link, "/memfd:", 7) && !strncmp(link + 7, name, n) &&
	       (!link[7 + n] || !strcmp(link + 7 + n, " (deleted)"));
}

/*
 * What an open fd is, from its /proc link and a stat through it. Names
 * alone could be faked only by the monitor (the jailed process cannot
 * open anything), but device fds are checked by type as well. `index`
 * gets a vCPU number or a socket inode.
 */
static enum check_fdclass check_classify(const char *link,
					 const struct stat *st, int have_st,
					 unsigned long *index)
{
	uint64_t v;

	if (!strcmp(link, "/dev/null") && have_st && S_ISCHR(st->st_mode) &&
	    st->st_rdev == makedev(1, 3))
		return CHECK_FD_NULL;
	if (!strcmp(link, "/dev/kvm") && have_st && S_ISCHR(st->st_mode))
		return CHECK_FD_KVM;
	if (!strncmp(link, "pipe:[", 6))
		return CHECK_FD_LOG;
	if (!strcmp(link, "anon_inode:kvm-vm"))
		return CHECK_FD_KVM_VM;
	if (!strncmp(link, "anon_inode:kvm-vcpu:", 20) &&
	    !check_u64(link + 20, 10, &v) && v < 4096) {
		*index = (unsigned long)v;
		return CHECK_FD_KVM_VCPU;
	}
	if (!strcmp(link, "anon_inode:[eventfd]"))
		return CHECK_FD_EVENT;
	if (check_is_memfd(link, "safepc-ram"))
		return CHECK_FD_RAM;
	if (check_is_memfd(link, "safepc-ioreq"))
		return CHECK_FD_IOREQ;
	if (!strncmp(link, "socket:[", 8)) {
		char *end;
		unsigned long ino = strtoul(link + 8, &end, 10);

		if (*end == ']' && !end[1]) {
			*index = ino;
			return CHECK_FD_SOCKET;
		}
		return CHECK_FD_OTHER;
	}
	if (link[0] == '/' && strncmp(link, "/memfd:", 7) && have_st &&
	    S_ISREG(st->st_mode))
		return CHECK_FD_FILE;
	if (link[0] == '/' && have_st && S_ISBLK(st->st_mode))
		return CHECK_FD_BLOCK;
	return CHECK_FD_OTHER;
}

/*
 * The AF_UNIX type of socket inode `ino` (1 stream, 5 seqpacket), looked
 * up in /proc/<pid>/net/unix (the netns the socket was made in: the
 * monitor's). 0 when it is not an AF_UNIX socket there.
 */
static unsigned check_unix_type(pid_t pid, unsigned long ino)
{
	char path[64], line[512];
	unsigned type = 0, t, st;
	unsigned long i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/net/unix", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n')) {
			int c;

			/* A long path: skip the rest of this line. */
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		}
		if (sscanf(line, "%*s %*x %*x %*x %x %x %lu", &t, &st, &i) ==
			    3 &&
		    i == ino) {
			type = t;
			break;
		}
	}
	fclose(f);
	return type;
}

static int check_cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

static const char *check_acc_name(unsigned acc)
{
	static const char *const names[] = { "-", "r", "w", "rw" };

	return names[acc & 3];
}

/* Judges one open fd against the manifest (and hv's runtime KVM fds). */
static void check_one_fd(struct check_proc *p, pid_t monitor, unsigned num,
			 unsigned *nr_vm, unsigned char *vcpus_seen,
			 unsigned max_vcpus)
{
	char path[64], link[256], info[1024], flags_s[32], row[16];
	struct check_fd *m = NULL;
	unsigned long index = 0;
	enum check_fdclass cls;
	struct stat st;
	int have_st;
	uint64_t flags;
	unsigned acc, i, k;
	ssize_t n;

	snprintf(row, sizeof(row), "fd-%u", num);
	snprintf(path, sizeof(path), "/proc/%d/fd/%u", (int)p->pid, num);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		if (errno != ENOENT)
			check_row(p, row, CHECK_FAIL, "cannot read %s: %s",
				  path, strerror(errno));
		return; /* closed meanwhile */
	}
	link[n] = 0;
	check_sanitize(link);
	have_st = !stat(path, &st);
	cls = check_classify(link, &st, have_st, &index);
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%u", (int)p->pid, num);
	if (check_read_file(path, info, sizeof(info)) < 0 ||
	    check_field(info, "flags", flags_s, sizeof(flags_s)) ||
	    check_u64(flags_s, 8, &flags)) {
		check_row(p, row, CHECK_FAIL, "%s: cannot read its flags",
			  link);
		return;
	}
	/* The access mode the fd was opened with: what the process can do
	 * with it, whatever the manifest intended. */
	acc = (flags & O_ACCMODE) == O_RDONLY   ? CHECK_ACC_R
	      : (flags & O_ACCMODE) == O_WRONLY ? CHECK_ACC_W
						: CHECK_ACC_R | CHECK_ACC_W;
	for (i = 0; i < p->nr_fds; i++)
		if (p->fds[i].num == num)
			m = &p->fds[i];

	if (cls == CHECK_FD_KVM || cls == CHECK_FD_KVM_VM ||
	    cls == CHECK_FD_KVM_VCPU) {
		p->kvm_fds++;
		/* Under the soft CPU hv gets no /dev/kvm and has no use for
		 * KVM: any KVM fd there is a way into the host kernel's
		 * KVM that this domain was meant not to have. */
		if (p->is_hv && p->accel_soft) {
			if (m)
				m->seen = 1;
			check_row(p, row, CHECK_FAIL,
				  "%s: a KVM fd in hv under accel soft", link);
			return;
		}
	}
	/* hv's own KVM fds: one VM fd and one fd per vCPU, whatever their
	 * numbers (they reuse the slots of manifest fds hv closed). */
	if (cls == CHECK_FD_KVM_VM || cls == CHECK_FD_KVM_VCPU) {
		const char *note = m ? " (its manifest fd was closed)" : "";

		if (m)
			m->seen = 1;
		if (!p->is_hv)
			check_row(p, row, CHECK_FAIL, "%s: a KVM fd in a DM",
				  link);
		else if (cls == CHECK_FD_KVM_VM && (*nr_vm)++)
			check_row(p, row, CHECK_FAIL,
				  "%s: a second KVM VM fd", link);
		else if (cls == CHECK_FD_KVM_VCPU &&
			 (index >= 4096 || vcpus_seen[index] ||
			  (max_vcpus && index >= max_vcpus)))
			check_row(p, row, CHECK_FAIL,
				  "%s: a second fd for this vCPU, or a vCPU "
				  "the domain does not have", link);
		else {
			if (cls == CHECK_FD_KVM_VCPU)
				vcpus_seen[index] = 1;
			check_row(p, row, CHECK_PASS,
				  "%s: hv's own KVM %s fd%s", link,
				  cls == CHECK_FD_KVM_VM ? "VM" : "vCPU",
				  note);
		}
		return;
	}
	if (!m) {
		check_row(p, row, CHECK_FAIL,
			  "%s (%s, %s): not in the manifest", link,
			  check_fdclass_names[cls], check_acc_name(acc));
		return;
	}
	m->seen = 1;
	for (k = 0; k < ARRAY_SIZE(check_kinds); k++)
		if (!strcmp(check_kinds[k].kind, m->kind))
			break;
	if (k == ARRAY_SIZE(check_kinds)) {
		check_row(p, row, CHECK_FAIL,
			  "%s: manifest kind '%s' is unknown to check", link,
			  m->kind);
		return;
	}
	if (check_kinds[k].cls != cls &&
	    !(check_kinds[k].or_block && cls == CHECK_FD_BLOCK)) {
		check_row(p, row, CHECK_FAIL, "%s is %s, manifest says %s",
			  link, check_fdclass_names[cls], m->kind);
		return;
	}
	if (check_kinds[k].sock_type) {
		unsigned t = check_unix_type(monitor, index);

		if (!t)
			t = check_unix_type(p->pid, index);
		if (t != check_kinds[k].sock_type) {
			check_row(p, row, CHECK_FAIL,
				  "%s: %s, manifest %s wants an AF_UNIX %s "
				  "socket",
				  link, t ? "wrong socket type" : "not an "
				  "AF_UNIX socket of the domain", m->kind,
				  check_kinds[k].sock_type == 5 ? "seqpacket"
								: "stream");
			return;
		}
	}
	if (acc & ~m->access) {
		check_row(p, row, CHECK_FAIL,
			  "%s: %s open %s, manifest allows %s", link, m->kind,
			  check_acc_name(acc), check_acc_name(m->access));
		return;
	}
	check_row(p, row, CHECK_PASS, "%s: %s, open %s (manifest %s)", link,
		  m->kind, check_acc_name(acc), check_acc_name(m->access));
}

/*
 * hv's accelerator row, after its fds were read: under soft, hv must hold
 * no /dev/kvm, KVM VM or vCPU fd (each one found is a FAIL row of its own
 * too); under KVM they are expected and only counted.
 */
static void check_accel(struct check_proc *p)
{
	if (p->accel_soft && p->kvm_fds)
		check_row(p, "accel", CHECK_FAIL,
			  "soft, yet hv holds %u KVM fd%s", p->kvm_fds,
			  p->kvm_fds == 1 ? "" : "s");
	else if (p->accel_soft)
		check_row(p, "accel", CHECK_PASS,
			  "soft: hv holds no /dev/kvm, KVM VM or vCPU fd");
	else
		check_row(p, "accel", CHECK_INFO,
			  "kvm: hv holds %u KVM fd%s (/dev/kvm, the VM, its "
			  "vCPUs)", p->kvm_fds, p->kvm_fds == 1 ? "" : "s");
}

/*
 * Every open fd of p, in order, against the manifest; then the manifest
 * fds p no longer holds. `vcpus` bounds hv's vCPU fds when the state
 * file records it (0: only one fd per vCPU index is checked).
 */
void check_fds(struct check_proc *p, pid_t monitor, unsigned vcpus)
{
	unsigned *nums = malloc(CHECK_MAX_FDS * sizeof(*nums));
	unsigned char *vcpus_seen = calloc(4096, 1);
	unsigned nr = 0, nr_vm = 0, i;
	char path[64], row[16];
	struct dirent *e;
	uint64_t v;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)p->pid);
	dir = nums && vcpus_seen ? opendir(path) : NULL;
	if (!dir) {
		check_row(p, "fds", CHECK_FAIL, "cannot list %s: %s", path,
			  strerror(nums && vcpus_seen ? errno : ENOMEM));
		free(nums);
		free(vcpus_seen);
		return;
	}
	while ((e = readdir(dir))) {
		if (check_u64(e->d_name, 10, &v) || v > INT_MAX)
			continue;
		if (nr == CHECK_MAX_FDS) {
			check_row(p, "fds", CHECK_FAIL,
				  "more than %u open fds; only the lowest "
				  "were checked", CHECK_MAX_FDS);
			break;
		}
		nums[nr++] = (unsigned)v;
	}
	closedir(dir);
	qsort(nums, nr, sizeof(*nums), check_cmp_uint);
	for (i = 0; i < nr; i++)
		check_one_fd(p, monitor, nums[i], &nr_vm, vcpus_seen, vcpus);
	/* Manifest fds it does not hold any more: fine (it may drop what it
	 * no longer needs), shown for completeness. */
	for (i = 0; i < p->nr_fds; i++) {
		if (p->fds[i].seen)
			continue;
		snprintf(row, sizeof(row), "fd-%u", p->fds[i].num);
		check_row(p, row, CHECK_INFO, "manifest %s (%s): closed",
			  p->fds[i].kind, check_acc_name(p->fds[i].access));
	}
	free(nums);
	free(vcpus_seen);
	if (p->is_hv)
		check_accel(p);
}
