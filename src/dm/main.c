/* SPDX-License-Identifier: MIT */
/*
 * safepc-dm: a device-model process. The monitor starts it inside its jail
 * with the fds of proto/fds.h and a list of devices; it claims their
 * ranges through dm_op, says READY, and serves ioreqs until hv goes away.
 *
 * Usage (monitor only):
 *   safepc-dm --tag T --memory-mb N --vcpus N [--seccomp-log]
 *             [--dma-pipe R,W]
 *             --dev SPEC [--dev SPEC]...
 *   safepc-dm --list-devices
 *   safepc-dm --print-allowlist
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "common/log.h"
#include "dm/dm.h"
#include "dm/seccomp.h"
#include "proto/devspec.h"
#include "proto/fds.h"

static struct dm dm_state;

static void dm_map_fds(struct dm *dm)
{
	struct stat st;

	dm->dm_op_fd = LAUNCH_DM_FD_DM_OP;
	dm->evt_fd = LAUNCH_DM_FD_EVENT;
	dm->console_fd = fstat(LAUNCH_DM_FD_CONSOLE, &st) == 0
				 ? LAUNCH_DM_FD_CONSOLE
				 : -1;

	if (fstat(LAUNCH_DM_FD_IOREQ, &st) || st.st_size < (off_t)IOREQ_PAGE_BYTES)
		die("ioreq fd %d missing or too small", LAUNCH_DM_FD_IOREQ);
	dm->page = mmap(NULL, IOREQ_PAGE_BYTES, PROT_READ | PROT_WRITE,
			MAP_SHARED, LAUNCH_DM_FD_IOREQ, 0);
	if (dm->page == MAP_FAILED)
		die("mapping the ioreq page: %s", strerror(errno));

	if (fstat(LAUNCH_DM_FD_RAM, &st) || (uint64_t)st.st_size != dm->ram_bytes)
		die("RAM fd %d missing or not %llu bytes", LAUNCH_DM_FD_RAM,
		    (unsigned long long)dm->ram_bytes);
	/* Read/write for DMA, never executable. */
	dm->mem.base = mmap(NULL, dm->ram_bytes, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_NORESERVE, LAUNCH_DM_FD_RAM, 0);
	if (dm->mem.base == MAP_FAILED)
		die("mapping guest RAM: %s", strerror(errno));
	/* Huge pages for DMA copies where the host allows them for shmem
	 * (shmem_enabled = advise); a no-op otherwise. */
	(void)madvise(dm->mem.base, dm->ram_bytes, MADV_HUGEPAGE);
	guestmem_layout(dm->ram_bytes, &dm->mem.low_size, &dm->mem.high_size);
	dm->ram_fd = LAUNCH_DM_FD_RAM; /* kept open: DMA splices from it */
}

int main(int argc, char **argv)
{
	struct dm *dm = &dm_state;
	static struct devspec devs[DM_MAX_DEVS];
	unsigned nr_devs = 0, i;
	char why[200];
	int no_seccomp = 0;
#ifdef DM_TEST_HOOKS
	const char *test_mode = "";
#endif
	uint64_t v;
	int r;

	/* exec made us dumpable again: no core, no ptrace by our uid. */
	prctl(PR_SET_DUMPABLE, 0);
	log_init("dm", LOG_INFO);
	if (argc == 2 && !strcmp(argv[1], "--print-allowlist"))
		return dm_seccomp_print();
	if (argc == 2 && !strcmp(argv[1], "--list-devices")) {
		devices_list();
		return 0;
	}
	dm->dma_pipe[0] = dm->dma_pipe[1] = -1;
	for (i = 1; i < (unsigned)argc; i++) {
		const char *opt = argv[i];
		const char *val = i + 1 < (unsigned)argc ? argv[i + 1] : NULL;

		if (!strcmp(opt, "--seccomp-log")) {
			dm->seccomp_log = 1;
			continue;
		}
		if (!strcmp(opt, "--no-seccomp")) {
			no_seccomp = 1;
			continue;
		}
		if (!val)
			die("option %s needs a value", opt);
		i++;
		if (!strcmp(opt, "--dma-pipe")) {
			int n = 0;

			if (sscanf(val, "%d,%d%n", &dm->dma_pipe[0],
				   &dm->dma_pipe[1], &n) != 2 || val[n] ||
			    dm->dma_pipe[0] < LAUNCH_DM_FD_FIRST_EXTRA ||
			    dm->dma_pipe[1] < LAUNCH_DM_FD_FIRST_EXTRA)
				die("bad --dma-pipe %s", val);
		} else if (!strcmp(opt, "--tag")) {
			snprintf(dm->tag, sizeof(dm->tag), "%s", val);
			log_init(dm->tag, LOG_INFO);
		} else if (!strcmp(opt, "--memory-mb")) {
			if (util_parse_u64(val, &v) || v < 2 || v > 65536)
				die("bad --memory-mb %s", val);
			dm->ram_bytes = v << 20;
		} else if (!strcmp(opt, "--vcpus")) {
			if (util_parse_u64(val, &v) || v < 1 ||
			    v > IOREQ_MAX_VCPUS)
				die("bad --vcpus %s", val);
			dm->nr_slots = (unsigned)v;
#ifdef DM_TEST_HOOKS
		} else if (!strcmp(opt, "--test")) {
			test_mode = val;
#endif
		} else if (!strcmp(opt, "--dev")) {
			if (nr_devs == DM_MAX_DEVS)
				die("too many devices");
			if (devspec_parse(val, &devs[nr_devs++], why,
					  sizeof(why)))
				die("bad --dev: %s", why);
		} else {
			die("unknown option %s", opt);
		}
	}
	if (!dm->ram_bytes || !dm->nr_slots)
		die("--memory-mb and --vcpus are required");

	dm_map_fds(dm);
#ifdef DM_TEST_HOOKS
	dm_test_init(dm, test_mode);
#endif
	for (i = 0; i < nr_devs; i++) {
		r = devices_create(dm, &devs[i], why, sizeof(why));
		if (r)
			die("device %s: %s", devs[i].name, why);
	}
	/* Devices exist, nothing from the guest has been served yet: from
	 * here on, the allowlist (before READY lets hv start the vCPUs). */
	if (no_seccomp)
		log_warn("seccomp disabled by the domain config (jail_weaken)");
	r = no_seccomp ? 0 : dm_seccomp_apply(dm);
	if (r)
		die("cannot apply the seccomp allowlist: %s", strerror(-r));

	r = dm_op_call(dm, DM_OP_READY, NULL, 0, NULL);
	if (r)
		die("READY refused: %s", strerror(-r));
	channel_run(dm);
}
