/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for proto/statefile: a domain's state built as launch.c
 * builds it, written and read back; the text of a monitor from before
 * some lines (and after: unknown keywords); the limits of every field;
 * one clear line of error, with its line number, for every malformed
 * file (and never a crash).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jail/jail.h"
#include "proto/statefile.h"

/* The texts below name fd 47, the last a jail passes, and 48. */
_Static_assert(STATEFILE_MAX_FDS == 48, "fd numbers in the test texts");

static struct statefile sf, back;
static char text[STATEFILE_MAX_TEXT + 1];

/* A split domain: hv and two DMs, the IDE one with two disks. */
static void build(struct statefile *s)
{
	struct statefile_proc *p;
	unsigned i;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "web-1");
	s->monitor = 4242;
	s->cgroup_version = 2;
	s->vcpus = 2;
	s->has_placement = true;
	s->placement = DOMCFG_PLACEMENT_SPLIT;
	s->weaken = JAIL_WEAKEN_NETNS | JAIL_WEAKEN_CGROUPS;
	s->has_accel = true;
	s->accel = DOMCFG_ACCEL_SOFT;
	p = statefile_add_proc(s, "hv/1", 100, 60016, 60016, true, "hv");
	assert_non_null(p);
	assert_int_equal(statefile_add_fd(p, 0, "null", STATEFILE_ACC_R), 0);
	assert_int_equal(statefile_add_fd(p, 1, "log", STATEFILE_ACC_W), 0);
	assert_int_equal(statefile_add_fd(p, 4, "ram",
					  STATEFILE_ACC_R | STATEFILE_ACC_W),
			 0);
	p->lim[STATEFILE_LIM_NOFILE] = 40;
	p->lim[STATEFILE_LIM_FSIZE] = 0;
	p->have_lim = 1u << STATEFILE_LIM_NOFILE | 1u << STATEFILE_LIM_FSIZE;
	p->cgv[STATEFILE_CG_MEMORY] = UINT64_MAX;
	p->have_cg = 1u << STATEFILE_CG_MEMORY;
	for (i = 0; i < 2; i++) {
		char tag[32], cg[8];

		snprintf(tag, sizeof(tag), "dm/1/%s", i ? "ide" : "chipset");
		snprintf(cg, sizeof(cg), "dm-%u", i + 1);
		p = statefile_add_proc(s, tag, 101 + (int)i, 60017 + i,
				       60017 + i, false, cg);
		assert_non_null(p);
		assert_int_equal(statefile_add_fd(p, 3, "dm_op", 3), 0);
		p->seccomp = i ? STATEFILE_SECCOMP_KILL : STATEFILE_SECCOMP_LOG;
		p->cgv[STATEFILE_CG_PIDS] = 1;
		p->cgv[STATEFILE_CG_CPU] = 50;
		p->have_cg = 1u << STATEFILE_CG_PIDS | 1u << STATEFILE_CG_CPU;
	}
	assert_int_equal(statefile_add_fd(p, 8, "disk", STATEFILE_ACC_R), 0);
	assert_int_equal(statefile_add_fd(p, 9, "disk", 3), 0);
}

static const char built_text[] =
	"name web-1\nmonitor 4242\ncgroup-version 2\nvcpus 2\n"
	"placement split\nweaken netns\nweaken cgroups\naccel soft\n"
	"proc hv/1 100 60016 60016 hv hv\n"
	"fd hv/1 0 null r\nfd hv/1 1 log w\nfd hv/1 4 ram rw\n"
	"limit hv/1 nofile 40\nlimit hv/1 fsize 0\n"
	"cgroup hv/1 memory.max 18446744073709551615\n"
	"proc dm/1/chipset 101 60017 60017 dm dm-1\n"
	"fd dm/1/chipset 3 dm_op rw\n"
	"seccomp-action dm/1/chipset log\n"
	"cgroup dm/1/chipset pids.max 1\ncgroup dm/1/chipset cpu.weight 50\n"
	"proc dm/1/ide 102 60018 60018 dm dm-2\n"
	"fd dm/1/ide 3 dm_op rw\nfd dm/1/ide 8 disk r\nfd dm/1/ide 9 disk rw\n"
	"seccomp-action dm/1/ide kill\n"
	"cgroup dm/1/ide pids.max 1\ncgroup dm/1/ide cpu.weight 50\n";

static void test_round_trip(void **state)
{
	char err[200];
	int n;

	build(&sf);
	n = statefile_format(&sf, text, sizeof(text), err, sizeof(err));
	if (n < 0)
		fail_msg("format: %s", err);
	assert_string_equal(text, built_text);
	assert_int_equal(n, (int)strlen(built_text));
	if (statefile_parse(text, (size_t)n, &back, err, sizeof(err)))
		fail_msg("parse: %s", err);
	assert_memory_equal(&sf, &back, sizeof(sf));
}

static void test_minimal_and_unknown(void **state)
{
	static const char old[] =
		"\n  name\tx  \nmonitor 1\n\n"
		"future-line with some fields a b c d e f g h i j\n"
		"proc t 2 0 0 dm c\n"
		"fd t 47 k rw"; /* no LF at the end */
	char err[200], buf[512];

	/* A monitor from before placement, accel, vcpus. */
	if (statefile_parse(old, strlen(old), &sf, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(sf.name, "x");
	assert_false(sf.has_accel || sf.has_placement || sf.vcpus ||
		     sf.cgroup_version);
	assert_int_equal(sf.nr_procs, 1);
	assert_int_equal(sf.procs[0].fds[0].num, STATEFILE_MAX_FDS - 1);
	assert_int_equal(statefile_format(&sf, buf, sizeof(buf), err,
					  sizeof(err)),
			 (int)strlen("name x\nmonitor 1\nproc t 2 0 0 dm c\n"
				     "fd t 47 k rw\n"));
	/* Too small a buffer: an error, never a cut file. */
	assert_int_equal(statefile_format(&sf, buf, 20, err, sizeof(err)),
			 -ENOSPC);
	assert_int_equal(statefile_format(&sf, buf, 0, NULL, 0), -ENOSPC);
}

/* The built text with line `lineno` (1-based) replaced by `line` (or
 * removed when line is NULL), which must be refused saying `why`. */
static void refused_at(unsigned lineno, const char *line, const char *why)
{
	char buf[8192], err[200] = "", want[240];
	const char *p = built_text, *nl;
	size_t used = 0;
	unsigned i;

	for (i = 1; *p; i++, p = nl + 1) {
		nl = strchr(p, '\n');
		if (i != lineno) {
			memcpy(buf + used, p, (size_t)(nl - p + 1));
			used += (size_t)(nl - p + 1);
		} else if (line) {
			used += (size_t)snprintf(buf + used,
						 sizeof(buf) - used, "%s\n",
						 line);
		}
	}
	if (statefile_parse(buf, used, &sf, err, sizeof(err)) != -EINVAL)
		fail_msg("line %u '%s' accepted", lineno, line);
	snprintf(want, sizeof(want), "line %u: %s", lineno, why);
	if (strncmp(err, want, strlen(want)))
		fail_msg("line %u '%s': error '%s', wanted '%s'", lineno, line,
			 err, want);
	if (strchr(err, '\n'))
		fail_msg("error is not one line: %s", err);
}

static void test_malformed(void **state)
{
	/* The domain lines. */
	refused_at(1, "name", "name: 0 fields after the keyword, needs 1");
	refused_at(1, "name a b", "name: 2 fields after the keyword, needs 1");
	refused_at(1, "name a\x01", "name: 'a?' is not 1-63 printable");
	refused_at(1, "name "
		      "0123456789012345678901234567890123456789012345678901234567890123",
		   "name: '0123456789");
	refused_at(2, "name x", "name given twice");
	refused_at(2, "monitor 0", "monitor: pid '0' is not a number "
				   "1-2147483647");
	refused_at(2, "monitor 2147483648", "monitor: pid '2147483648'");
	refused_at(2, "monitor 042", "monitor: pid '042' is not a number");
	refused_at(2, "monitor -1", "monitor: pid '-1'");
	refused_at(3, "cgroup-version 3", "cgroup-version: version '3'");
	refused_at(3, "monitor 5", "monitor given twice");
	refused_at(4, "vcpus 0", "vcpus: count '0' is not a number 1-4096");
	refused_at(4, "vcpus 4097", "vcpus: count '4097'");
	refused_at(4, "cgroup-version 2", "cgroup-version given twice");
	refused_at(5, "placement both", "placement: 'both' is not split or "
					"single");
	refused_at(6, "weaken everything", "weaken: 'everything' is not a "
					   "jail_weaken name");
	refused_at(7, "weaken netns", "weaken netns given twice");
	refused_at(8, "accel auto", "accel: 'auto' is not kvm or soft");
	refused_at(8, "accel", "accel: 0 fields after the keyword");
	/* proc */
	refused_at(9, "proc hv/1 100 60016 60016 hv", "proc: 5 fields");
	refused_at(9, "proc hv/1 100 60016 60016 hv hv x",
		   "proc: more than 6 fields after the keyword, needs 6");
	refused_at(9, "proc hv/1 1 0 0 hv hv", "proc: pid '1' is not a "
					       "number 2-2147483647");
	refused_at(9, "proc hv/1 100 4294967295 0 hv hv",
		   "proc: uid '4294967295' is not a number 0-4294967294");
	refused_at(9, "proc hv/1 100 0 4294967296 hv hv", "proc: gid '429");
	refused_at(9, "proc hv/1 100 0 0 vm hv", "proc hv/1: kind 'vm' is "
						 "not hv or dm");
	refused_at(9, "proc hv/1 100 0 0 hv ../x", "proc hv/1: cgroup '../x'");
	refused_at(9, "proc hv/1 100 0 0 hv .x", "proc hv/1: cgroup '.x'");
	refused_at(9, "proc 0123456789012345678901234567890123 100 0 0 hv hv",
		   "proc: tag '0123");
	refused_at(16, "proc hv/1 2 0 0 dm dm-1", "proc hv/1 given twice");
	/* fd */
	refused_at(10, "fd hv/2 0 null r", "fd: no proc line before it for "
					   "tag 'hv/2'");
	refused_at(10, "fd hv/1 48 null r", "fd: number '48' is not a number "
					    "0-47");
	refused_at(10, "fd hv/1 0 0123456789abcdef r", "fd hv/1 0: kind "
						       "'0123456789abcdef'");
	refused_at(10, "fd hv/1 0 null x", "fd hv/1 0: access 'x' is not r, "
					   "w or rw");
	refused_at(10, "fd hv/1 0 null wr", "fd hv/1 0: access 'wr'");
	refused_at(11, "fd hv/1 0 log w", "fd hv/1: fd 0 given twice");
	refused_at(10, "fd hv/1 0 null", "fd: 3 fields after the keyword, "
					 "needs 4");
	/* seccomp-action, limit, cgroup */
	refused_at(18, "seccomp-action dm/1/chipset allow",
		   "seccomp-action dm/1/chipset: 'allow' is not log or kill");
	refused_at(18, "seccomp-action dm/9 log", "seccomp-action: no proc");
	refused_at(19, "seccomp-action dm/1/chipset kill",
		   "seccomp-action dm/1/chipset given twice");
	refused_at(13, "limit hv/1 stack 1", "limit hv/1: 'stack' is not "
					     "nofile, nproc or fsize");
	refused_at(14, "limit hv/1 nofile 1", "limit hv/1 nofile given twice");
	refused_at(13, "limit hv/1 nofile 18446744073709551616",
		   "limit: nofile '18446744073709551616' is not a number");
	refused_at(13, "limit hv/1 nofile 0x10", "limit: nofile '0x10'");
	refused_at(15, "cgroup hv/1 io.max 1", "cgroup hv/1: 'io.max' is not "
					       "pids.max, memory.max or "
					       "cpu.weight");
	refused_at(20, "cgroup dm/1/chipset pids.max 2",
		   "cgroup dm/1/chipset pids.max given twice");
	/* Without its proc line, the lines of hv/1 name nobody. */
	refused_at(9, NULL, "fd: no proc line before it for tag 'hv/1'");
}

static void test_file_limits(void **state)
{
	char err[200], *big;
	size_t i;

	/* Missing lines name what is missing. */
	assert_int_equal(statefile_parse("", 0, &sf, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "incomplete: no name line");
	assert_int_equal(statefile_parse("name x\n", 7, &sf, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "incomplete: no monitor line");
	assert_int_equal(statefile_parse("name x\nmonitor 3\n", 17, &sf, err,
					 sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "incomplete: no proc line");
	/* A NUL byte anywhere, a line too long, a file too big. */
	assert_int_equal(statefile_parse("name x\0y\n", 9, &sf, err,
					 sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "contains a NUL byte");
	big = malloc(STATEFILE_MAX_TEXT + 2);
	assert_non_null(big);
	memset(big, ' ', STATEFILE_MAX_TEXT + 1);
	assert_int_equal(statefile_parse(big, STATEFILE_MAX_TEXT + 1, &sf, err,
					 sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "more than 65536"));
	big[600] = '\n';
	assert_int_equal(statefile_parse(big, 1000, &sf, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "line 1: longer than 512 bytes");
	/* 512 blanks are a (blank) line; 65536 bytes of them a file. */
	for (i = 512; i < STATEFILE_MAX_TEXT; i += 513)
		big[i] = '\n';
	big[600] = ' ';
	assert_int_equal(statefile_parse(big, STATEFILE_MAX_TEXT, &sf, err,
					 sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "incomplete: no name line");
	free(big);
	/* Too many processes, and too many fds for one. */
	{
		char buf[STATEFILE_MAX_TEXT];
		int n = snprintf(buf, sizeof(buf), "name x\nmonitor 1\n");

		for (i = 0; i <= STATEFILE_MAX_PROCS; i++)
			n += snprintf(buf + n, sizeof(buf) - (size_t)n,
				      "proc p%zu 2 0 0 dm c\n", i);
		assert_int_equal(statefile_parse(buf, (size_t)n, &sf, err,
						 sizeof(err)),
				 -EINVAL);
		assert_string_equal(err, "line 12: proc: more than 9 "
					 "processes");
	}
}

static void test_writer_limits(void **state)
{
	char err[200];
	struct statefile_proc *p;
	unsigned i;

	/* The writer refuses what the parser would, saying why. */
	build(&sf);
	sf.name[0] = 0;
	assert_int_equal(statefile_format(&sf, text, sizeof(text), err,
					  sizeof(err)),
			 -EINVAL);
	build(&sf);
	snprintf(sf.name, sizeof(sf.name), "two words");
	assert_int_equal(statefile_format(&sf, text, sizeof(text), err,
					  sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "name"));
	build(&sf);
	sf.weaken = 1u << 31;
	assert_int_equal(statefile_format(&sf, text, sizeof(text), err,
					  sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "weaken: a bit without a name");
	build(&sf);
	sf.accel = DOMCFG_ACCEL_AUTO;
	assert_int_equal(statefile_format(&sf, text, sizeof(text), NULL, 0),
			 -EINVAL);
	build(&sf);
	snprintf(sf.procs[1].cg, sizeof(sf.procs[1].cg), "a/b");
	assert_int_equal(statefile_format(&sf, text, sizeof(text), err,
					  sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "cgroup 'a/b'"));
	build(&sf);
	snprintf(sf.procs[2].tag, sizeof(sf.procs[2].tag), "hv/1");
	assert_int_equal(statefile_format(&sf, text, sizeof(text), err,
					  sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "proc hv/1 given twice");
	build(&sf);
	sf.procs[0].fds[1].num = 0;
	assert_int_equal(statefile_format(&sf, text, sizeof(text), err,
					  sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "fd hv/1: fd 0 given twice");
	build(&sf);
	sf.procs[0].fds[1].access = 0;
	assert_int_equal(statefile_format(&sf, text, sizeof(text), err,
					  sizeof(err)),
			 -EINVAL);
	build(&sf);
	sf.procs[0].pid = 1;
	assert_int_equal(statefile_format(&sf, text, sizeof(text), err,
					  sizeof(err)),
			 -EINVAL);
	build(&sf);
	sf.procs[0].uid = UINT32_MAX;
	assert_int_equal(statefile_format(&sf, text, sizeof(text), err,
					  sizeof(err)),
			 -EINVAL);
	/* The builders stop at the limits. */
	build(&sf);
	for (i = sf.nr_procs; i < STATEFILE_MAX_PROCS; i++)
		assert_non_null(statefile_add_proc(&sf, "t", 2, 0, 0, false,
						   "c"));
	assert_null(statefile_add_proc(&sf, "u", 2, 0, 0, false, "c"));
	assert_null(statefile_add_proc(&sf, "0123456789012345678901234567890123",
				       2, 0, 0, false, "c"));
	p = &sf.procs[0];
	for (i = p->nr_fds; i < STATEFILE_MAX_FDS; i++)
		assert_int_equal(statefile_add_fd(p, i, "k", 1), 0);
	assert_int_equal(statefile_add_fd(p, 0, "k", 1), -ENOSPC);
	assert_int_equal(statefile_add_fd(&sf.procs[1], 9,
					  "0123456789abcdef", 1),
			 -ENOSPC);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_minimal_and_unknown),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_file_limits),
		cmocka_unit_test(test_writer_limits),
	};

	return cmocka_run_group_tests_name("statefile", tests, NULL, NULL);
}
