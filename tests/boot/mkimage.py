#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds the images for the SeaBIOS boot tests (tests/boot).

  mkimage.py disk  BOOT.bin OUT   a raw disk: BOOT.bin as the MBR (with the
                                  0x55AA signature), the pattern in LBA 1..64,
                                  zeros up to 1 MiB
  mkimage.py cdrom BOOT.bin OUT   the El Torito boot file for xorriso: BOOT.bin
                                  padded to one 2048-byte block, then the
                                  pattern in blocks 1..64

The pattern (what boot.S checks): dword i of sector n, n counted from 1, is
(n * 0x9E3779B1 + i) mod 2**32, little endian.
"""
import struct
import sys

NSECT = 64
MULT = 0x9E3779B1
DISK_SIZE = 1 << 20


def sector(n, size):
    base = (n * MULT) & 0xFFFFFFFF
    return struct.pack('<%dI' % (size // 4),
                       *(((base + i) & 0xFFFFFFFF) for i in range(size // 4)))


def main(argv):
    if len(argv) != 4 or argv[1] not in ('disk', 'cdrom'):
        sys.exit('usage: mkimage.py disk|cdrom BOOT.bin OUT')
    kind, boot_path, out_path = argv[1:]
    with open(boot_path, 'rb') as f:
        boot = f.read()
    if kind == 'disk':
        size = 512
        if len(boot) > 510:
            sys.exit('mkimage.py: %s is %d bytes, more than the 510 an MBR '
                     'holds' % (boot_path, len(boot)))
        first = boot.ljust(510, b'\0') + b'\x55\xaa'
    else:
        size = 2048
        if len(boot) > size:
            sys.exit('mkimage.py: %s is %d bytes, more than one 2048-byte '
                     'block' % (boot_path, len(boot)))
        first = boot.ljust(size, b'\0')
    data = first + b''.join(sector(n, size) for n in range(1, NSECT + 1))
    if kind == 'disk':
        data = data.ljust(DISK_SIZE, b'\0')
    with open(out_path, 'wb') as f:
        f.write(data)


if __name__ == '__main__':
    main(sys.argv)
