/* SPDX-License-Identifier: MIT */
/*
 * domcfg: the typed, validated domain configuration, built from an xlcfg.
 * Plain fixed-size data (no pointers), so it can be copied, dumped and sent.
 * Paths are resolved (relative ones against the config file's directory,
 * or the current directory for command-line overrides) and checked to
 * exist; the monitor opens them again for real.
 */
#ifndef SAFEPC_TOOLSTACK_DOMCFG_H
#define SAFEPC_TOOLSTACK_DOMCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "toolstack/xlcfg.h"

#define DOMCFG_NAME_MAX 63
#define DOMCFG_PATH_MAX 4096 /* bytes, NUL included (PATH_MAX) */
#define DOMCFG_EXTRA_MAX 1024 /* bytes of kernel command line */
#define DOMCFG_MODULE_ARGS_MAX 1024
#define DOMCFG_MAX_MODULES 8
#define DOMCFG_MAX_DISKS 4 /* hda, hdb, hdc, hdd */
#define DOMCFG_MEMORY_DEFAULT_MIB 128
#define DOMCFG_MEMORY_MAX_MIB 65536
#define DOMCFG_MAX_VCPUS 8

enum domcfg_action {
	DOMCFG_ACTION_DESTROY,
	DOMCFG_ACTION_RESTART,
	DOMCFG_ACTION_PRESERVE,
};

enum domcfg_serial { DOMCFG_SERIAL_PTY, DOMCFG_SERIAL_NONE };

enum domcfg_seccomp { DOMCFG_SECCOMP_KILL, DOMCFG_SECCOMP_LOG };

/* Where the device models run (docs/security.md): "split", the default, puts
 * the IDE controller in a DM process of its own and the chipset devices in
 * another; "single" puts them all in one DM. */
enum domcfg_placement { DOMCFG_PLACEMENT_SPLIT, DOMCFG_PLACEMENT_SINGLE };

/* Which accelerator runs the vCPUs (docs/accel.md): "auto", the default,
 * uses KVM where /dev/kvm opens and works and the soft CPU inside hv
 * elsewhere; the monitor resolves it at each start (toolstack/accel.h). */
enum domcfg_accel { DOMCFG_ACCEL_AUTO, DOMCFG_ACCEL_KVM, DOMCFG_ACCEL_SOFT };

enum domcfg_firmware {
	DOMCFG_FIRMWARE_NONE,    /* direct multiboot boot of `kernel` */
	DOMCFG_FIRMWARE_SEABIOS, /* the bundled SeaBIOS */
	DOMCFG_FIRMWARE_PATH,    /* firmware_path */
};

enum domcfg_devtype { DOMCFG_DEVTYPE_DISK, DOMCFG_DEVTYPE_CDROM };

struct domcfg_disk {
	char vdev[4];        /* "hda" .. "hdd" */
	unsigned index;      /* 0 = hda (primary master) .. 3 = hdd */
	enum domcfg_devtype devtype;
	bool readonly;       /* access=ro|r, and always for a cdrom */
	char target[DOMCFG_PATH_MAX]; /* resolved; "" = empty cdrom drive */
	unsigned line;       /* of the list item, for later errors */
};

struct domcfg_module {
	char path[DOMCFG_PATH_MAX];           /* resolved */
	char args[DOMCFG_MODULE_ARGS_MAX + 1]; /* text after the path, or "" */
};

struct domcfg {
	char name[DOMCFG_NAME_MAX + 1];
	uint64_t memory_mib;
	unsigned vcpus;
	char kernel[DOMCFG_PATH_MAX];      /* resolved */
	char ramdisk[DOMCFG_PATH_MAX];     /* resolved; "" = none */
	/* The kernel command line as xl builds it: `cmdline` when set, else
	 * "root=<root> <extra>" (or just `extra` without `root`). */
	char extra[DOMCFG_EXTRA_MAX + 1];
	struct domcfg_module modules[DOMCFG_MAX_MODULES];
	unsigned nr_modules;
	enum domcfg_serial serial;
	enum domcfg_action on_poweroff;
	enum domcfg_action on_reboot;
	enum domcfg_action on_crash;
	bool has_floor_port;
	uint16_t floor_port;
	struct domcfg_disk disks[DOMCFG_MAX_DISKS]; /* in config order */
	unsigned nr_disks;
	enum domcfg_firmware firmware;
	char firmware_path[DOMCFG_PATH_MAX]; /* DOMCFG_FIRMWARE_PATH only */
	char boot[3];                        /* "c", "d", "cd" or "dc" */
	enum domcfg_seccomp dm_seccomp;
	enum domcfg_placement dm_placement;
	enum domcfg_accel accel;
	/* jail_weaken = [ "seccomp", ... ]: restrictions this domain gives up
	 * on purpose (JAIL_WEAKEN_* bits, for diagnosis and for testing
	 * `safepc check`); each shows as FAIL there. */
	unsigned jail_weaken;
	/* Host CPUs (bit n = CPU n; 0 = any) for hv's vCPU threads (xl's
	 * `cpus`) and for the device models (`dm_cpus`). */
	uint64_t cpus;
	uint64_t dm_cpus;
};

/* The names jail_weaken accepts, indexed by bit; NULL-terminated. */
extern const char *const domcfg_weaken_names[];

/* Flags for domcfg_from_xlcfg_flags(). */
#define DOMCFG_F_NO_HOST_CHECKS 0x1u /* no file checks, no host memory limit */

/*
 * Validates cfg and fills *out (entirely: defaults first). Checks types,
 * ranges and the host (files exist and are readable; memory fits the host's
 * MemTotal). The first problem, in config order, is described in err as
 * "FILE:LINE: KEY: message". Returns 0, -EINVAL (invalid configuration) or
 * -ENAMETOOLONG (a resolved path does not fit); *out is unspecified on error.
 * struct domcfg is large (~70 KiB): allocate it statically or on the heap.
 */
int domcfg_from_xlcfg(const struct xlcfg *cfg, struct domcfg *out, char *err,
		      size_t errlen);

/* As domcfg_from_xlcfg(), with DOMCFG_F_* flags (for fuzzing and tests). */
int domcfg_from_xlcfg_flags(const struct xlcfg *cfg, struct domcfg *out,
			    unsigned flags, char *err, size_t errlen);

/*
 * The host's MemTotal in MiB from /proc/meminfo. Returns 0 or -errno
 * (-ENOENT when /proc is not mounted, -EIO when the line is missing).
 */
int domcfg_host_memory_mib(uint64_t *mib);

/* Names of the enum values, as written in config files ("?" if none). */
const char *domcfg_action_name(enum domcfg_action a);
const char *domcfg_placement_name(enum domcfg_placement p);
const char *domcfg_accel_name(enum domcfg_accel a);

#endif
