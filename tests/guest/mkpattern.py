#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Creates and checks the guest kit's pattern disk images.

    mkpattern.py create FILE SIZE_MIB [SEED]
    mkpattern.py check FILE FIRST_SECTOR COUNT [SEED]

Dword i (0-127) of 512-byte sector n holds (n * 0x9E3779B1 + i + SEED)
mod 2^32, little endian; SEED is 0 for the images the runner creates (a CD
is counted in 512-byte units too, four per 2048-byte block).  `check`
exits 0 iff sectors [FIRST, FIRST + COUNT) hold the pattern with SEED,
else prints the first mismatching sector and exits 1.
"""
import array
import sys

MUL = 0x9E3779B1


def sector(n, seed=0):
    base = (n * MUL + seed) & 0xFFFFFFFF
    a = array.array("I", (((base + i) & 0xFFFFFFFF) for i in range(128)))
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def create(path, mib, seed=0):
    with open(path, "wb") as f:
        for n in range(0, mib * 2048, 64):
            f.write(b"".join(sector(n + k, seed) for k in range(64)))


def check(path, first, count, seed=0):
    with open(path, "rb") as f:
        f.seek(first * 512)
        for n in range(first, first + count):
            got = f.read(512)
            if got != sector(n, seed):
                print(f"{path}: sector {n} does not hold pattern "
                      f"seed {seed:#x}", file=sys.stderr)
                return 1
    return 0


def main(argv):
    if len(argv) in (4, 5) and argv[1] == "create":
        create(argv[2], int(argv[3], 0),
               int(argv[4], 0) if len(argv) == 5 else 0)
        return 0
    if len(argv) in (5, 6) and argv[1] == "check":
        return check(argv[2], int(argv[3], 0), int(argv[4], 0),
                     int(argv[5], 0) if len(argv) == 6 else 0)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
