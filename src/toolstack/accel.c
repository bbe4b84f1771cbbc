/* SPDX-License-Identifier: MIT */
/*
 * accel: probing /dev/kvm and resolving `accel` (see accel.h). The probe
 * asks more of /dev/kvm than that it opens: a node that opens but cannot
 * create a VM (a PVM host that will not nest, a module that is loading,
 * a cgroup device rule) must make "auto" choose the soft CPU, not start
 * an hv that dies on its first ioctl.
 */
#include "toolstack/accel.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int accel_kvm_probe(struct accel_kvm_probe *p, const char *path)
{
	int api, vm;

	memset(p, 0, sizeof(*p));
	p->fd = open(path, O_RDWR | O_CLOEXEC);
	if (p->fd < 0) {
		p->err = errno;
		snprintf(p->why, sizeof(p->why), "%s", strerror(p->err));
		return -p->err;
	}
	p->opened = true;
	api = ioctl(p->fd, KVM_GET_API_VERSION, 0);
	if (api < 0) {
		p->err = errno;
		snprintf(p->why, sizeof(p->why), "KVM_GET_API_VERSION: %s",
			 strerror(p->err));
		goto fail;
	}
	if (api != ACCEL_KVM_API_VERSION) {
		p->err = EINVAL;
		snprintf(p->why, sizeof(p->why),
			 "KVM_GET_API_VERSION is %d, not %d", api,
			 ACCEL_KVM_API_VERSION);
		goto fail;
	}
	/* Type 0: the default VM type, the one hv creates. The kernel may
	 * ask for a retry when a signal comes in while it sets the VM up. */
	do
		vm = ioctl(p->fd, KVM_CREATE_VM, 0);
	while (vm < 0 && errno == EINTR);
	if (vm < 0) {
		p->err = errno;
		snprintf(p->why, sizeof(p->why), "KVM_CREATE_VM: %s",
			 strerror(p->err));
		goto fail;
	}
	close(vm);
	return 0;

fail:
	close(p->fd);
	p->fd = -1;
	return -p->err;
}

int accel_choose(enum domcfg_accel want, const struct accel_kvm_probe *p,
		 enum domcfg_accel *out, char *note, size_t notelen,
		 char *err, size_t errlen)
{
	bool kvm_ok = p && p->fd >= 0 && !p->err;

	if (note && notelen)
		note[0] = '\0';
	switch (want) {
	case DOMCFG_ACCEL_SOFT:
		*out = DOMCFG_ACCEL_SOFT;
		snprintf(note, notelen, "accel: soft (accel = \"soft\")");
		return 0;
	case DOMCFG_ACCEL_KVM:
		if (!p)
			break;
		if (!kvm_ok) {
			snprintf(err, errlen,
				 "accel = \"kvm\" but " ACCEL_KVM_DEV
				 " cannot be used (%s): load kvm_intel or "
				 "kvm_amd, or set accel = \"soft\"",
				 p->why[0] ? p->why : "unknown reason");
			return -ENODEV;
		}
		*out = DOMCFG_ACCEL_KVM;
		snprintf(note, notelen, "accel: kvm (accel = \"kvm\")");
		return 0;
	case DOMCFG_ACCEL_AUTO:
		if (!p)
			break;
		if (kvm_ok) {
			*out = DOMCFG_ACCEL_KVM;
			snprintf(note, notelen, "accel: kvm");
			return 0;
		}
		*out = DOMCFG_ACCEL_SOFT;
		/* "no /dev/kvm" only when there is none; a node that is
		 * there but refuses us is worth telling apart. */
		if (!p->opened && (p->err == ENOENT || p->err == ENODEV ||
				   p->err == ENXIO))
			snprintf(note, notelen, "accel: soft (no " ACCEL_KVM_DEV
				 ": %s)", p->why);
		else if (!p->opened)
			snprintf(note, notelen, "accel: soft (cannot open "
				 ACCEL_KVM_DEV ": %s)", p->why);
		else
			snprintf(note, notelen, "accel: soft (" ACCEL_KVM_DEV
				 " unusable: %s)", p->why);
		return 0;
	}
	snprintf(err, errlen, "accel: invalid value %d, or no probe result",
		 (int)want);
	return -EINVAL;
}
