/* SPDX-License-Identifier: MIT */
/*
 * Adapter for the 16550A UART (hw/ns16550.c): eight ports (by default
 * COM1's, from the machine table), and with the "console" flag the console fd for its output and
 * input. Without the flag its output goes nowhere.
 */
#include <errno.h>
#include <unistd.h>

#include "dm/dev/dev.h"
#include "dm/hw/ns16550.h"

static void uart_tx(void *opaque, uint8_t byte)
{
	struct dm_dev *dev = opaque;
	struct dm *dm = dev->dm;

	if (dm->console_fd < 0 || !dev->console)
		return;
	dm_console_put(dm, byte);
}

static const struct ns16550_ops uart_ops = {
	.set_irq = dm_dev_set_irq,
	.tx = uart_tx,
};

static uint64_t uart_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			  unsigned size)
{
	return ns16550_read(dev->state, (unsigned)(addr - dev->base));
}

static void uart_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		       unsigned size, uint64_t val)
{
	ns16550_write(dev->state, (unsigned)(addr - dev->base), (uint8_t)val);
}

static void uart_console_input(struct dm_dev *dev)
{
	struct dm *dm = dev->dm;
	uint8_t buf[16];
	unsigned room = ns16550_rx_room(dev->state), i;
	ssize_t n;

	if (dm->console_fd < 0 || !dev->console || room == 0)
		return;
	n = read(dm->console_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
	for (i = 0; n > 0 && i < (unsigned)n; i++)
		if (ns16550_rx(dev->state, buf[i]))
			break;
}

static const struct dm_dev_ops uart_dev_ops = {
	.read = uart_read,
	.write = uart_write,
	.console_input = uart_console_input,
};

int dev_uart_create(struct dm *dm, struct dm_dev *dev,
		    const struct dev_opts *o)
{
	struct ns16550 *s = dm_dev_alloc(dev, sizeof(*s), &uart_dev_ops);

	if (!s)
		return -ENOMEM;
	dev->irq = o->has_irq ? (unsigned)o->irq : machine_irq(MACHINE_UART, 0);
	dev->base = o->has_port ? o->port : machine_port(MACHINE_UART);
	ns16550_init(s, &uart_ops, dev);
	/* Without "console" the UART's output goes nowhere. */
	dev->console = o->console;
	/* Writes posted, as the table says. */
	return dm_dev_claim(dm, dev, MACHINE_UART, dev->base);
}
