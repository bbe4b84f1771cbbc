/* SPDX-License-Identifier: MIT
 *
 * A 16-bit real-mode boot program for the SeaBIOS boot tests (tests/boot).
 * Built twice from this file:
 *   - disk (default): a 512-byte MBR, loaded by the BIOS at 0:7C00 with the
 *     boot drive in DL (0x80);
 *   - cdrom (-DCDROM): an El Torito no-emulation boot image (2048 bytes,
 *     loaded at 0:7C00, DL = the CD's drive number) whose bytes 8-63 are the
 *     boot information table that xorriso's -boot-info-table fills in.
 *
 * Both read NSECT sectors after the boot sector (disk: LBA 1..64; CD: the 64
 * 2048-byte blocks that follow the boot image in its own file) through
 * int 13h AH=42h, check every byte against the pattern mkimage.py wrote
 * (dword i of sector n = n * 0x9E3779B1 + i, n counted from 1), report
 * over COM1 by direct port I/O and leave through the isa-debug-exit port:
 * outl 0 to 0xF4 on success (the host sees status 1), outl CODE on failure
 * (the host sees (CODE << 1) | 1).
 */

#ifdef CDROM
#define SECT		2048
#define PER_CALL	16	/* 32 KiB per int 13h call */
#define WHAT		"cdrom"
#else
#define SECT		512
#define PER_CALL	64
#define WHAT		"disk"
#endif
#define NSECT		64
#define BUFSEG		0x1000	/* buffer at 0x10000, NSECT * SECT bytes */
#define MULT		0x9E3779B1

/* Failure codes (host status = (code << 1) | 1). */
#define E_NOEXT		2	/* no int 13h extensions (AH=41h) */
#define E_READ		3	/* AH=42h failed (CF or short count) */
#define E_DATA		4	/* a byte differs from the pattern */
#define E_BOOTINFO	5	/* the El Torito boot info table is not filled */

#define COM1		0x3f8
#define STR(x)		#x
#define XSTR(x)		STR(x)

/* Variables in free low memory (0x500-0x7BFF), not in the image. */
	.set	dap, 0x500	/* int 13h disk address packet, 16 bytes */
	.set	drive, 0x510	/* the boot drive from DL */
	.set	code, 0x511	/* the failure code for the exit port */

	.code16
	.text
	.globl	_start
_start:
	jmp	start
#ifdef CDROM
	.org	8
bi_pvd:		.long	0	/* LBA of the primary volume descriptor */
bi_file:	.long	0	/* LBA of the boot file */
bi_len:		.long	0	/* length of the boot file in bytes */
bi_csum:	.long	0
		.fill	40, 1, 0
#endif
start:
	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$0x7c00, %sp
	ljmp	$0, $1f		/* CS:IP = 0:7Cxx whatever the BIOS used */
1:	sti
	cld
	movb	%dl, drive
	/* SeaBIOS's serial console holds back the end of "Booting from
	 * ...": it goes out on a timer tick. Wait three ticks (IRQ 0 every
	 * ~55 ms) so it is not interleaved with our lines. */
	hlt
	hlt
	hlt

	/* COM1: 8 data bits, no parity, 1 stop bit. */
	movw	$COM1 + 3, %dx
	movb	$3, %al
	outb	%al, %dx

	movw	$m_hello, %si
	call	say
	movzbl	drive, %eax
	call	puthex
	call	newline

	/* int 13h extensions present? */
	movb	$E_NOEXT, code
	movw	$m_noext, %si
	movb	$0x41, %ah
	movw	$0x55aa, %bx
	movb	drive, %dl
	int	$0x13
	jc	fail_ah
	cmpw	$0xaa55, %bx
	jne	fail_ah

	xorl	%ebx, %ebx	/* disk: data at LBA 1 */
#ifdef CDROM
	movb	$E_BOOTINFO, code
	movw	$m_bootinfo, %si
	movl	bi_len, %eax
	cmpl	$(NSECT + 1) * SECT, %eax
	jne	fail_val
	movl	bi_file, %ebx	/* CD: data right after the boot block */
	movw	$m_lba, %si
	call	say
	movl	%ebx, %eax
	call	puthex
	call	newline
#endif
	incl	%ebx

	/* Read NSECT sectors, PER_CALL at a time, to BUFSEG:0 onwards. */
	movb	$E_READ, code
	movw	$BUFSEG, %bp
	movw	$NSECT / PER_CALL, %cx
	movw	$dap, %di
rd:	pushw	%cx
	pushw	%di
	movl	$(PER_CALL << 16) | 16, %eax
	stosl
	movl	%ebp, %eax
	shll	$16, %eax	/* offset 0, segment BP */
	stosl
	movl	%ebx, %eax
	stosl
	xorl	%eax, %eax
	stosl
	movb	$0x42, %ah
	movb	drive, %dl
	movw	$dap, %si
	int	$0x13
	popw	%di
	popw	%cx
	movw	$m_read, %si
	jc	fail_ah
	movw	$m_short, %si
	movzwl	dap + 2, %eax
	cmpw	$PER_CALL, %ax
	jne	fail_val
	addl	$PER_CALL, %ebx
	addw	$PER_CALL * SECT / 16, %bp
	loop	rd

	/* Check every dword of every sector. */
	movb	$E_DATA, code
	movw	$BUFSEG, %bp
	movl	$1, %ecx	/* n */
chk_sect:
	movw	%bp, %es
	imull	$MULT, %ecx, %edx
	xorw	%di, %di
chk_word:
	cmpl	%es:(%di), %edx
	jne	bad
	incl	%edx
	addw	$4, %di
	cmpw	$SECT, %di
	jb	chk_word
	addw	$SECT / 16, %bp
	incw	%cx
	cmpw	$NSECT, %cx
	jbe	chk_sect

	movw	$m_ok, %si
	call	say
	xorl	%eax, %eax
	jmp	exit

bad:	movw	$m_bad, %si
	call	say
	movl	%ecx, %eax
	call	puthex
	movw	$m_off, %si
	call	puts
	movzwl	%di, %eax
	jmp	2f

fail_ah:			/* SI: what; the BIOS status in AH */
	movzbl	%ah, %eax
fail_val:			/* SI: what; EAX: the value */
	call	say
2:	call	puthex
	call	newline
	movzbl	code, %eax
exit:	outl	%eax, $0xf4
	cli
1:	hlt
	jmp	1b

/* Print "boot: WHAT: " and the NUL-terminated string at DS:SI. */
say:	pushw	%si
	movw	$m_prefix, %si
	call	puts
	popw	%si
/* Print the NUL-terminated string at DS:SI. */
puts:	lodsb
	testb	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

newline:
	movb	$'\r', %al
	call	putc
	movb	$'\n', %al
	/* fall through */
/* Send AL over COM1 once the transmitter holding register is empty. */
putc:	pushw	%dx
	pushw	%ax
	movw	$COM1 + 5, %dx
1:	inb	%dx, %al
	testb	$0x20, %al
	jz	1b
	popw	%ax
	movw	$COM1, %dx
	outb	%al, %dx
	popw	%dx
	ret

/* Print EAX as 0x and 8 hex digits. */
puthex:	pushw	%cx
	pushl	%eax
	movw	$m_0x, %si
	call	puts
	popl	%eax
	movw	$8, %cx
1:	roll	$4, %eax
	pushw	%ax
	andb	$0xf, %al
	addb	$'0', %al
	cmpb	$'9', %al
	jbe	2f
	addb	$'a' - '9' - 1, %al
2:	call	putc
	popw	%ax
	loop	1b
	popw	%cx
	ret

m_prefix:	.asciz	"boot: " WHAT ": "
m_hello:	.asciz	"booted, drive "
#ifdef CDROM
m_bootinfo:	.asciz	"FAIL: boot info length "
m_lba:		.asciz	"boot file at LBA "
#endif
m_noext:	.asciz	"FAIL: int13 ext, AH="
m_read:		.asciz	"FAIL: int13 read, AH="
m_short:	.asciz	"FAIL: read count "
m_bad:		.asciz	"FAIL: bad sector "
m_off:		.asciz	" at offset "
m_ok:		.asciz	XSTR(NSECT) " sectors verified\r\n"
m_0x:		.asciz	"0x"
