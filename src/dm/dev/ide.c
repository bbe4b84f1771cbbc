/* SPDX-License-Identifier: MIT */
/*
 * The PIIX3 IDE function (PCI 00:01.1) in a DM of its own: two legacy
 * channels (0x1F0/0x3F6 on IRQ 14, 0x170/0x376 on IRQ 15), bus-master DMA
 * through BAR4, and up to four drives whose images arrive as fds from the
 * monitor. The IDE, ATA, ATAPI and bus-master logic are the pure models in
 * src/dm/hw/; this file binds them to ports, the PCI function, IRQs, guest
 * memory (dm_dev_guest_rw, the one bounds-checked helper) and the disk fds.
 *
 * Spec: "piix3_ide[,hda=FD:rw|ro:disk|cdrom]..." for hda..hdd
 * (proto/devspec.h); main.c parsed it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/log.h"
#include "dm/dev/dev.h"
#include "dm/hw/ide.h"
#include "dm/hw/pci_cfg.h"

#define IDECTL_MAX_IOV 256u /* segments per preadv/pwritev (IOV_MAX 1024) */
_Static_assert(IDECTL_MAX_IOV <= DMA_NOMAP_MAX_SEGS,
	       "a batch of segments must fit one dma_nomap_movev");

struct idectl_disk {
	struct idectl *ctl;
	int fd;
	int readonly;
	uint64_t bytes;
};

struct idectl {
	struct dm_dev *dev;
	struct pci_cfg pci;
	struct ide_channel ch[2];
	struct idectl_disk disk[DEVSPEC_MAX_DRIVES]; /* hda .. hdd */
	uint64_t bar4;
	int bar4_mapped;
};

/* ---- disk backends: pread/pwrite/fdatasync on the image fd ---- */

static int idectl_be_read(void *o, uint64_t lba, void *buf, unsigned nsec)
{
	struct idectl_disk *d = o;
	size_t len = (size_t)nsec * 512, got = 0;

	while (got < len) {
		ssize_t n = pread(d->fd, (char *)buf + got, len - got,
				  (off_t)(lba * 512 + got));

		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	memset((char *)buf + got, 0, len - got); /* past the image: zeros */
	return 0;
}

static int idectl_be_write(void *o, uint64_t lba, const void *buf,
			   unsigned nsec)
{
	struct idectl_disk *d = o;
	size_t len = (size_t)nsec * 512, done = 0;

	if (d->readonly)
		return -EROFS;
	while (done < len) {
		ssize_t n = pwrite(d->fd, (const char *)buf + done, len - done,
				   (off_t)(lba * 512 + done));

		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO; /* never loop on a write that moves nothing */
		done += (size_t)n;
	}
	return 0;
}

static int idectl_be_flush(void *o)
{
	struct idectl_disk *d = o;

	if (d->readonly)
		return 0;
	return fdatasync(d->fd) ? -errno : 0;
}

static int idectl_guest_iov(struct idectl *ctl, const struct bmdma_seg *seg,
			    unsigned nseg, struct iovec *iov);

/*
 * The transfer without touching guest RAM through the DM's own mapping
 * (dm/dma_nomap.h), the segments as one scatter-gather list. iov holds
 * their checked host pointers (idectl_guest_iov); only a read past the
 * end of the image writes through them, zeros.
 */
static int idectl_nomap_dmav(struct idectl_disk *d, uint64_t off,
			     const struct bmdma_seg *seg, unsigned nseg,
			     const struct iovec *iov, bool to_guest)
{
	struct dm *dm = d->ctl->dev->dm;
	struct dma_nomap_seg ns[IDECTL_MAX_IOV];
	uint64_t moved;
	unsigned i;
	int r;

	for (i = 0; i < nseg; i++) {
		ns[i].gpa = seg[i].gpa;
		ns[i].len = seg[i].len;
	}
	r = dma_nomap_movev(&dm->dma, &dm->mem, d->fd, off, ns, nseg, to_guest,
			    &moved);
	if (r || !to_guest)
		return r;
	/* Short only at the end of the image: the rest reads as zeros. */
	for (i = 0; i < nseg; i++) {
		if (moved >= iov[i].iov_len) {
			moved -= iov[i].iov_len;
			continue;
		}
		memset((char *)iov[i].iov_base + moved, 0,
		       iov[i].iov_len - moved);
		moved = 0;
	}
	return 0;
}

/*
 * Bus-master DMA straight between the image and guest RAM, no copy
 * through the drive's buffer: by dma_nomap where the DM has it, else one
 * preadv/pwritev per batch of segments through the DM's mapping. A short read (past the end of
 * the image) leaves zeros.
 */
static int idectl_be_dmav(void *o, uint64_t off, const struct bmdma_seg *seg,
			  unsigned nseg, bool to_guest)
{
	struct idectl_disk *d = o;
	struct iovec iov[IDECTL_MAX_IOV];
	unsigned first = 0;

	if (nseg > IDECTL_MAX_IOV)
		return -EINVAL;
	if (!to_guest && d->readonly)
		return -EROFS;
	if (idectl_guest_iov(d->ctl, seg, nseg, iov))
		return -EFAULT;
	if (dma_nomap_ready(&d->ctl->dev->dm->dma))
		return idectl_nomap_dmav(d, off, seg, nseg, iov, to_guest);
	while (first < nseg) {
		ssize_t n = to_guest ? preadv(d->fd, iov + first,
					      (int)(nseg - first), (off_t)off)
				     : pwritev(d->fd, iov + first,
					       (int)(nseg - first), (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			if (!to_guest)
				return -EIO;
			/* End of the image: the rest reads as zeros. */
			for (; first < nseg; first++)
				memset(iov[first].iov_base, 0,
				       iov[first].iov_len);
			break;
		}
		off += (uint64_t)n;
		/* Step over what moved; a partial segment is trimmed. */
		while (first < nseg && (size_t)n >= iov[first].iov_len)
			n -= (ssize_t)iov[first++].iov_len;
		if (first < nseg) {
			iov[first].iov_base = (char *)iov[first].iov_base + n;
			iov[first].iov_len -= (size_t)n;
		}
	}
	return 0;
}

/*
 * The bus master's zero-copy path. After a read every segment counts as
 * written, even when preadv failed half-way: all are recorded for
 * modified_memory, after the bytes moved, and the channel reports them
 * before the IRQ and before it answers the request that ran the transfer.
 */
static int idectl_be_dmav_report(void *o, uint64_t off,
				 const struct bmdma_seg *seg, unsigned nseg,
				 bool to_guest)
{
	struct idectl_disk *d = o;
	int r = idectl_be_dmav(o, off, seg, nseg, to_guest);
	unsigned i;

	if (to_guest && r != -EFAULT && r != -EINVAL)
		for (i = 0; i < nseg; i++)
			dm_ram_dirty(d->ctl->dev->dm, seg[i].gpa, seg[i].len);
	return r;
}

static const struct ide_backend_ops idectl_be = {
	.read = idectl_be_read,
	.write = idectl_be_write,
	.flush = idectl_be_flush,
	.dmav = idectl_be_dmav_report,
};

/* ---- channel callbacks ---- */

static int idectl_dma_rw(void *opaque, uint64_t gpa, void *buf, size_t len,
			 bool to_guest)
{
	struct idectl *ctl = opaque;

	/* No DMA unless the guest enabled bus mastering. */
	if (!(pci_cfg_get16(&ctl->pci, PCI_CFG_COMMAND) & PCI_CFG_CMD_MASTER))
		return -EFAULT;
	return dm_dev_guest_rw(ctl->dev, gpa, buf, len, to_guest);
}

/*
 * Turns bus-master segments into host pointers: each one checked whole by
 * guestmem_ptr, and none at all unless the guest enabled bus mastering.
 */
static int idectl_guest_iov(struct idectl *ctl, const struct bmdma_seg *seg,
			    unsigned nseg, struct iovec *iov)
{
	unsigned i;

	if (!(pci_cfg_get16(&ctl->pci, PCI_CFG_COMMAND) & PCI_CFG_CMD_MASTER))
		return -EFAULT;
	for (i = 0; i < nseg; i++) {
		iov[i].iov_base = guestmem_ptr(&ctl->dev->dm->mem, seg[i].gpa,
					       seg[i].len);
		iov[i].iov_len = seg[i].len;
		if (!iov[i].iov_base)
			return -EFAULT;
	}
	return 0;
}

static void idectl_irq0(void *opaque, int level)
{
	struct idectl *ctl = opaque;

	dm_set_irq(ctl->dev->dm, machine_irq(MACHINE_IDE, 0), level);
}

static void idectl_irq1(void *opaque, int level)
{
	struct idectl *ctl = opaque;

	dm_set_irq(ctl->dev->dm, machine_irq(MACHINE_IDE, 1), level);
}

static const struct ide_ops idectl_ops[2] = {
	{ .set_irq = idectl_irq0, .dma_rw = idectl_dma_rw },
	{ .set_irq = idectl_irq1, .dma_rw = idectl_dma_rw },
};

/* BAR4 moved or its decoding changed: claim the new ports. */
static void idectl_bar_changed(void *opaque, unsigned bar, uint64_t addr,
			       bool enabled)
{
	struct idectl *ctl = opaque;
	struct dm *dm = ctl->dev->dm;
	int r;

	if (bar != 4)
		return;
	if (ctl->bar4_mapped) {
		r = dm_unmap_range(dm, DM_OP_RANGE_PORT, ctl->bar4,
				   ctl->bar4 + 15);
		if (r)
			log_guest(LOG_WARN, "unmapping BAR4 at 0x%llx: %s",
				  (unsigned long long)ctl->bar4, strerror(-r));
		ctl->bar4_mapped = 0;
	}
	if (!enabled)
		return;
	/*
	 * Posted: a Start write runs at most the one DMA command that the
	 * last (synchronous) Command write left waiting, so at most one
	 * transfer can queue behind hv's back, and the vCPU goes on while
	 * it runs, as on hardware.
	 */
	r = dm_map_range(dm, ctl->dev, DM_OP_RANGE_PORT, addr, addr + 15,
			 DM_OP_RANGE_POSTED_WRITES);
	if (r) {
		log_guest(LOG_WARN, "BAR4 at 0x%llx: %s",
			  (unsigned long long)addr, strerror(-r));
		return;
	}
	ctl->bar4 = addr;
	ctl->bar4_mapped = 1;
}

static const struct pci_cfg_ops idectl_pci_ops = {
	.bar_changed = idectl_bar_changed,
};

/* ---- the DM device ---- */

static uint64_t idectl_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			    unsigned size)
{
	struct idectl *ctl = dev->state;
	uint32_t v = ~0u;

	if (type == IOREQ_TYPE_PCI_CONFIG) {
		pci_cfg_read(&ctl->pci, (unsigned)(addr & 0xff), size, &v);
		return v;
	}
	if (addr >= 0x1f0 && addr <= 0x1f7)
		return ide_read(&ctl->ch[0], (unsigned)(addr - 0x1f0), size);
	if (addr >= 0x170 && addr <= 0x177)
		return ide_read(&ctl->ch[1], (unsigned)(addr - 0x170), size);
	if (addr == 0x3f6)
		return ide_ctl_read(&ctl->ch[0], 0);
	if (addr == 0x376)
		return ide_ctl_read(&ctl->ch[1], 0);
	if (ctl->bar4_mapped && addr >= ctl->bar4 && addr + size <= ctl->bar4 + 16) {
		unsigned off = (unsigned)(addr - ctl->bar4);

		if ((off & 7) + size > 8)
			return ~0ull; /* straddles the two channels */
		return ide_bm_read(&ctl->ch[off >> 3], off & 7, size);
	}
	return ~0ull;
}

static void idectl_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
			 unsigned size, uint64_t val)
{
	struct idectl *ctl = dev->state;

	if (type == IOREQ_TYPE_PCI_CONFIG) {
		pci_cfg_write(&ctl->pci, (unsigned)(addr & 0xff), size,
			      (uint32_t)val);
		return;
	}
	if (addr >= 0x1f0 && addr <= 0x1f7)
		ide_write(&ctl->ch[0], (unsigned)(addr - 0x1f0), size,
			  (uint32_t)val);
	else if (addr >= 0x170 && addr <= 0x177)
		ide_write(&ctl->ch[1], (unsigned)(addr - 0x170), size,
			  (uint32_t)val);
	else if (addr == 0x3f6)
		ide_ctl_write(&ctl->ch[0], 0, (uint8_t)val);
	else if (addr == 0x376)
		ide_ctl_write(&ctl->ch[1], 0, (uint8_t)val);
	else if (ctl->bar4_mapped && addr >= ctl->bar4 &&
		 addr + size <= ctl->bar4 + 16) {
		unsigned off = (unsigned)(addr - ctl->bar4);

		if ((off & 7) + size <= 8)
			ide_bm_write(&ctl->ch[off >> 3], off & 7, size,
				     (uint32_t)val);
	}
}

static const struct dm_dev_ops idectl_dev_ops = {
	.read = idectl_read,
	.write = idectl_write,
};

/* Attaches drive idx (0 = hda .. 3 = hdd) as its spec describes it. */
static int idectl_attach(struct idectl *ctl, unsigned idx,
			 const struct devspec_drive *dr)
{
	struct idectl_disk *d;
	struct stat st;
	char serial[21];

	d = &ctl->disk[idx];
	if (fstat(dr->fd, &st) || !S_ISREG(st.st_mode))
		return -EBADF;
	d->ctl = ctl;
	d->fd = dr->fd;
	d->readonly = dr->readonly || dr->cdrom;
	d->bytes = (uint64_t)st.st_size;
	if (ctl->dev->dm->nr_disks < 4) {
		struct dm *dm = ctl->dev->dm;

		dm->disk_fd[dm->nr_disks] = d->fd;
		dm->disk_rw[dm->nr_disks++] = !d->readonly;
	}
	snprintf(serial, sizeof(serial), "SAFEPC-HD%c", 'A' + idx);
	if (dr->cdrom)
		return ide_attach_atapi(&ctl->ch[idx / 2], idx % 2, &idectl_be,
					d, d->bytes / 2048, "safepc CD-ROM",
					serial);
	return ide_attach_ata(&ctl->ch[idx / 2], idx % 2, &idectl_be, d,
			      d->bytes / 512, "safepc disk", serial);
}

int dev_ide_create(struct dm *dm, struct dm_dev *dev,
		   const struct dev_opts *o)
{
	struct idectl *ctl = dm_dev_alloc(dev, sizeof(*ctl), &idectl_dev_ops);
	unsigned i;
	int r;

	if (!ctl)
		return -ENOMEM;
	ctl->dev = dev;
	for (i = 0; i < 2; i++)
		ide_init(&ctl->ch[i], &idectl_ops[i], ctl);
	/* Where this process's first touch of a guest page is expensive,
	 * DMA bypasses its mapping (dm/dma_nomap.h), through the pipe the
	 * monitor gave (--dma-pipe). Before the seccomp filter, which
	 * allows the calls it makes on these fds only. */
	if (dm->ram_fd > 0 && dm->dma_pipe[0] > 0 &&
	    !dma_nomap_ready(&dm->dma)) {
		unsigned long ns = dma_nomap_touch_ns();

		if (ns > DMA_NOMAP_TOUCH_NS) {
			r = dma_nomap_open(&dm->dma, dm->ram_fd,
					   dm->dma_pipe[0], dm->dma_pipe[1]);
			if (r)
				log_warn("piix3_ide: DMA through the DM's "
					 "mapping of guest RAM: %s",
					 strerror(-r));
		}
		log_info("piix3_ide: first touch of a page %lu ns: DMA %s", ns,
			 dma_nomap_ready(&dm->dma) ? "by splice and "
						     "process_vm_writev"
						   : "by preadv/pwritev");
	}

	for (i = 0; i < DEVSPEC_MAX_DRIVES; i++) {
		if (!o->spec->drives[i].fd)
			continue;
		r = idectl_attach(ctl, i, &o->spec->drives[i]);
		if (r) {
			log_err("piix3_ide: hd%c on fd %d: %s", 'a' + i,
				o->spec->drives[i].fd, strerror(-r));
			return r;
		}
	}

	/* PIIX3 IDE: 8086:7010, class 01:01, prog-if 0x80 (bus master,
	 * both channels in legacy mode); BAR4: 16 bytes of I/O. */
	pci_cfg_init(&ctl->pci, &idectl_pci_ops, ctl);
	pci_cfg_set_id(&ctl->pci, 0x8086, 0x7010);
	pci_cfg_set_class(&ctl->pci, 0x010180, 0);
	pci_cfg_set_subsystem(&ctl->pci, 0x1af4, 0x1100);
	r = pci_cfg_add_bar(&ctl->pci, 4, PCI_CFG_BAR_IO, 16);
	/* IDETIM (0x40, 0x42): the firmware sets the decode-enable bits. */
	if (!r)
		r = pci_cfg_init_reg(&ctl->pci, 0x40, 4, 0, 0xffffffff, 0);
	if (r)
		return r;
	/*
	 * The PCI function and the legacy ports, as the machine table has
	 * them. The task-file registers and the data port are posted: a PIO
	 * write (rep outsw exits once per word) costs hv one ring entry
	 * instead of a round trip to this process, and no posted write does
	 * more than move one word or finish one PIO block. The Command and
	 * Device Control registers are synchronous: a command can start a
	 * 32 MiB transfer, which must not queue up unseen behind hv's
	 * timeout, and nIEN/SRST must take effect before the guest's next
	 * instruction (no late IRQ after nIEN). Order holds because the
	 * channel drains the ring before it serves any request, and every
	 * result the guest can see comes from a read or from a synchronous
	 * write. BAR4 is claimed where the guest puts it
	 * (idectl_bar_changed).
	 */
	return dm_dev_claim(dm, dev, MACHINE_IDE, machine_port(MACHINE_IDE));
}
