/* SPDX-License-Identifier: MIT */
/*
 * i8042: the PC/AT keyboard controller (ports 0x60 data, 0x64
 * status/command) with an MF2 keyboard behind it and no mouse, as a pure
 * state machine.
 *
 * Ports are offsets from 0x60: 0 (data) and 4 (status on read, command on
 * write). Output to the guest goes through one output buffer (OBF), fed in
 * this order of priority from three bounded queues: the controller's own
 * replies, the keyboard's bytes (held while the command byte disables the
 * keyboard) and the auxiliary port's bytes (held while it is disabled).
 * Commands complete at once: IBF always reads 0.
 *
 * Keyboard: answers its commands as an MF2 keyboard (ACK 0xFA, reset
 * 0xFA 0xAA, identify 0xFA 0xAB 0x83, or 0xAB 0x41 while the command byte
 * asks for translation, as real translating controllers present it; echo
 * 0xEE; unknown 0xFE). Scan codes come from the host through i8042_key as
 * the bytes the guest reads at port 0x60: the model does not translate
 * them (with the usual setup, translation on and set 2, that is set 1).
 *
 * Auxiliary port: nothing is attached. Bytes the guest sends to it (0xD4)
 * are answered with 0xFE (NAK), so mouse probes in firmware and kernels
 * fail at once instead of timing out; 0xD3 (loopback) and the enable,
 * disable and interface-test commands work.
 *
 * Lines: IRQ 1 is high while OBF holds a keyboard-side byte and the command
 * byte enables it, IRQ 12 likewise for an aux byte. The PIC sees these as
 * edges, so when reading port 0x60 leaves another byte in OBF the line is
 * lowered and raised again (two set_irq calls). set_irq is only called on a
 * change. The output port's bit 1 drives A20 (ops->a20 on a change) and a
 * 0 in bit 0, or a pulse of it (0xF0-0xFF with bit 0 clear, 0xFE being the
 * usual one), resets the machine (ops->reset; the DM then reboots and
 * calls i8042_init again).
 */
#ifndef SAFEPC_DM_HW_I8042_H
#define SAFEPC_DM_HW_I8042_H

#include <stdbool.h>
#include <stdint.h>

#define I8042_DATA 0u	 /* port 0x60 */
#define I8042_STATUS 4u	 /* port 0x64, read */
#define I8042_COMMAND 4u /* port 0x64, write */

/* Status register. */
#define I8042_STR_OBF 0x01u	/* output buffer full */
#define I8042_STR_IBF 0x02u	/* input buffer full (never) */
#define I8042_STR_SYS 0x04u	/* system flag: POST/self test passed */
#define I8042_STR_A2 0x08u	/* last write was a command (port 0x64) */
#define I8042_STR_INH 0x10u	/* 1 = keyboard not inhibited (keylock) */
#define I8042_STR_AUXB 0x20u	/* OBF holds aux data */
#define I8042_STR_TIMEOUT 0x40u
#define I8042_STR_PARITY 0x80u

/* Command byte (controller RAM byte 0). */
#define I8042_CTR_KBDINT 0x01u
#define I8042_CTR_AUXINT 0x02u
#define I8042_CTR_SYS 0x04u
#define I8042_CTR_IGNKEYLOCK 0x08u
#define I8042_CTR_KBDDIS 0x10u
#define I8042_CTR_AUXDIS 0x20u
#define I8042_CTR_XLATE 0x40u

/* Output port. */
#define I8042_OUT_RESET 0x01u /* 0 = reset the CPU */
#define I8042_OUT_A20 0x02u
#define I8042_OUT_IRQ1 0x10u  /* OBF with keyboard data */
#define I8042_OUT_IRQ12 0x20u /* OBF with aux data */
#define I8042_OUT_DEFAULT 0xcfu

/* Controller commands (port 0x64). */
#define I8042_CMD_READ_RAM 0x20u  /* 0x20-0x3F: read RAM byte n (0 = CTR) */
#define I8042_CMD_WRITE_RAM 0x60u /* 0x60-0x7F: write RAM byte n */
#define I8042_CMD_AUX_DISABLE 0xa7u
#define I8042_CMD_AUX_ENABLE 0xa8u
#define I8042_CMD_AUX_TEST 0xa9u
#define I8042_CMD_SELF_TEST 0xaau
#define I8042_CMD_KBD_TEST 0xabu
#define I8042_CMD_KBD_DISABLE 0xadu
#define I8042_CMD_KBD_ENABLE 0xaeu
#define I8042_CMD_READ_INPUT 0xc0u
#define I8042_CMD_READ_OUTPUT 0xd0u
#define I8042_CMD_WRITE_OUTPUT 0xd1u
#define I8042_CMD_WRITE_KBD_OBUF 0xd2u
#define I8042_CMD_WRITE_AUX_OBUF 0xd3u
#define I8042_CMD_WRITE_AUX 0xd4u
#define I8042_CMD_DISABLE_A20 0xddu
#define I8042_CMD_ENABLE_A20 0xdfu
#define I8042_CMD_READ_TEST 0xe0u
#define I8042_CMD_PULSE 0xf0u /* 0xF0-0xFF: pulse output bits 3:0 low */

/* Keyboard commands and replies (port 0x60). */
#define I8042_KBD_SET_LEDS 0xedu
#define I8042_KBD_ECHO 0xeeu
#define I8042_KBD_SCANSET 0xf0u
#define I8042_KBD_GET_ID 0xf2u
#define I8042_KBD_SET_RATE 0xf3u
#define I8042_KBD_ENABLE 0xf4u
#define I8042_KBD_RESET_DISABLE 0xf5u
#define I8042_KBD_RESET_ENABLE 0xf6u
#define I8042_KBD_RESEND 0xfeu
#define I8042_KBD_RESET 0xffu
#define I8042_REPLY_ACK 0xfau
#define I8042_REPLY_BAT_OK 0xaau
#define I8042_REPLY_RESEND 0xfeu

#define I8042_QUEUE_SIZE 16u
/* Host keys leave this much room in the keyboard queue for replies. */
#define I8042_KEY_HEADROOM 4u
#define I8042_RAM_SIZE 32u

struct i8042_ops {
	/* ISA IRQ `irq` (1 or 12) to `level`; only on a change. May be NULL. */
	void (*set_irq)(void *opaque, unsigned irq, int level);
	/* The A20 gate changed. May be NULL. */
	void (*a20)(void *opaque, bool on);
	/* The guest asked for a CPU reset. May be NULL. */
	void (*reset)(void *opaque);
};

/* A ring of bytes; bit 8 of an entry marks aux data (controller queue). */
struct i8042_queue {
	uint16_t entry[I8042_QUEUE_SIZE];
	uint8_t head;  /* oldest entry */
	uint8_t count; /* 0..I8042_QUEUE_SIZE */
};

struct i8042 {
	const struct i8042_ops *ops;
	void *opaque;

	/* Controller. */
	uint8_t ram[I8042_RAM_SIZE]; /* ram[0] is the command byte */
	uint8_t outport;
	uint8_t pending;   /* command waiting for its data byte, 0 if none */
	bool sys;	   /* status SYS */
	bool a2;	   /* status A2 */
	bool obf;	   /* output buffer full */
	bool obf_aux;	   /* ...with aux data */
	uint8_t obuf;	   /* output buffer (last value when empty) */
	struct i8042_queue ctrl; /* controller replies */
	struct i8042_queue kbdq; /* from the keyboard */
	struct i8042_queue auxq; /* from the aux port */
	int irq1_level, irq12_level; /* as last passed to set_irq */

	/* Keyboard. */
	bool kbd_scanning;
	uint8_t kbd_pending; /* command waiting for its argument, 0 if none */
	uint8_t kbd_leds;
	uint8_t kbd_rate;
	uint8_t kbd_set;  /* scan code set 1-3 */
	uint8_t kbd_last; /* last byte sent, for RESEND */
};

/*
 * Power-on state: command byte 0x03 (both interrupts on, nothing
 * disabled, no translation), output port 0xCF (A20 on, not in reset), SYS
 * clear until a self test, keyboard scanning in set 2, queues empty. ops
 * may be NULL. Calls nothing.
 */
void i8042_init(struct i8042 *s, const struct i8042_ops *ops, void *opaque);

/*
 * Guest read: port 0 returns the output buffer (and empties it; the last
 * value again when empty), port 4 the status register. Others read 0xff.
 */
uint8_t i8042_read(struct i8042 *s, unsigned port);

/*
 * Guest write: port 0 takes a pending controller command's data byte or
 * else sends the byte to the keyboard; port 4 runs a controller command.
 * Unknown commands and other ports are ignored.
 */
void i8042_write(struct i8042 *s, unsigned port, uint8_t val);

/*
 * Host input: one byte from the keyboard, as the guest should read it.
 * Returns 0, -EAGAIN when the keyboard is not scanning (disabled by the
 * guest) or -ENOSPC when its queue is full; the byte is dropped then, as a
 * real keyboard drops keys it cannot buffer.
 */
int i8042_key(struct i8042 *s, uint8_t scancode);

/* The A20 gate as the output port drives it. */
bool i8042_a20(const struct i8042 *s);

#endif
