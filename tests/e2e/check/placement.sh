#!/bin/bash
# SPDX-License-Identifier: MIT
#
# DM placement with disks, end to end (docs/security.md, dm_placement):
#
#   tests/e2e/check/placement.sh split|single BUILD_DIR
#
# Both cases start the demo guest (idle) with three images: a raw disk
# (hda, access=rw), a read-only raw disk (hdb, access=ro) and a CD image
# (hdc, devtype=cdrom), and read the running domain from `safepc check
# --json`, `safepc list --json`, the state file and /proc:
#
# split (the default, no dm_placement given): hv, the chipset DM and the
#   IDE DM, each with its own uid, jail and seccomp filter; check passes
#   every row of all three; only the IDE DM holds the images, the
#   read-only ones open O_RDONLY (fdinfo flags), the rw one O_RDWR.
# single (dm_placement=single as a create override): hv and one DM, the
#   chipset DM, which holds all three images with the same modes; check
#   passes. Then the IDE controller must work from the chipset DM: the
#   guest kit's ide and atapi programs (tests/guest/run, through a wrapper
#   that adds dm_placement=single to `safepc create`) pass, no ide DM
#   logging a line, and SeaBIOS boots the boot tests' disk image
#   (tests/boot) and verifies the 64 sectors it reads; a bad value is
#   refused with a one-line error naming the key.
#
# Needs root (without /dev/kvm the domain runs on the soft CPU); exits
# 0 on pass, 1 on failure, 77 (meson's skip) when the machine or the
# build cannot run it. A guest program or the SeaBIOS boot that cannot
# run here (not built, no bios.bin) is skipped with a note.
set -u

case=${1:-}
build=${2:-}
if [ $# -ne 2 ] || { [ "$case" != split ] && [ "$case" != single ]; }; then
	echo "usage: $0 split|single BUILD_DIR" >&2
	exit 2
fi

# shellcheck source=tests/e2e/check/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup "$build"

tmp=$(mktemp -d /tmp/safepc-placement.XXXXXX) || exit 1
name=plc-$case-$$
mon=
stop_domain() {
	local _
	[ -n "$mon" ] || return 0
	kill -TERM "$mon" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$mon" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$mon" 2>/dev/null
	wait "$mon" 2>/dev/null
	mon=
}
trap 'stop_domain; rm -rf "$tmp"' EXIT

truncate -s 1M "$tmp/disk.img" "$tmp/ro.img" || exit 1
truncate -s 2M "$tmp/cd.iso" || exit 1
disks="['format=raw, vdev=hda, access=rw, target=$tmp/disk.img', \
'format=raw, vdev=hdb, access=ro, target=$tmp/ro.img', \
'format=raw, vdev=hdc, devtype=cdrom, target=$tmp/cd.iso']"
args=(create -F "$src/examples/demo.cfg" "name=$name" "kernel=$demo"
      extra=idle "disk=$disks")
[ "$case" = single ] && args+=(dm_placement=single)
"$safepc" "${args[@]}" >"$tmp/domain.log" 2>&1 &
mon=$!

if ! wait_domain "$name" "$mon" "$tmp/domain.log"; then
	failed=1
	exit 1
fi
dom=$(basename "$(dirname "$state")")
grep -qx "placement $case" "$state" ||
	fail "state file $state: no line 'placement $case'"

"$safepc" check "$name" >"$tmp/table" 2>"$tmp/table.err"
rc=$?
[ "$rc" = 0 ] || fail "check $name exited $rc, want 0 (every row PASS)"
"$safepc" check --json "$name" >"$tmp/check.json" 2>"$tmp/json.err"
rc=$?
[ "$rc" = 0 ] || fail "check --json $name exited $rc, want 0"
"$safepc" list --json "$name" >"$tmp/list.json" 2>"$tmp/list.err" ||
	fail "list --json $name failed: $(cat "$tmp/list.err")"

# Which DM must hold the images, and which DMs there are.
if [ "$case" = split ]; then
	dms="dm/$dom/chipset dm/$dom/ide"
	holder=dm/$dom/ide
else
	dms="dm/$dom/chipset"
	holder=dm/$dom/chipset
fi

# The verdicts, from check's JSON and list's JSON; and, independently of
# check, every DM's fds from /proc: the images (by path) and their access
# mode (fdinfo flags).
python3 - "$tmp" "$case" "$dms" "$holder" >"$tmp/verdict" 2>&1 <<'EOF' || fail "$(cat "$tmp/verdict")"
import json, os, sys
tmp, case, dms, holder = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4]
errors = []
doc = json.load(open(tmp + "/check.json"))
if doc.get("dm_placement") != case:
    errors.append("check: dm_placement %r, want %r" % (doc.get("dm_placement"), case))
if doc["failures"] != 0:
    errors.append("check: %d failures" % doc["failures"])
procs = {p["tag"]: p for p in doc["processes"]}
got_dms = sorted(t for t in procs if t.startswith("dm/"))
if got_dms != sorted(dms):
    errors.append("check audits DMs %s, want %s" % (got_dms, sorted(dms)))
uids = [p["uid"] for p in doc["processes"]]
if len(set(uids)) != len(uids):
    errors.append("uids are not one per process: %s" % uids)
# Each DM: its own uid, jail and filter, every row PASS (INFO allowed).
for t in dms:
    rows = {c["name"]: c for c in procs.get(t, {}).get("checks", [])}
    for r in ("process", "uid", "uid-unique", "ns-mnt", "ns-pid", "ns-net",
              "root", "root-empty", "cap-eff", "no_new_privs", "seccomp",
              "environ"):
        if rows.get(r, {}).get("result") != "PASS":
            errors.append("%s %s: %s" % (t, r, rows.get(r, "no such row")))
    bad = [c for c in rows.values() if c["result"] not in ("PASS", "INFO")]
    if bad:
        errors.append("%s: rows not passing: %s" % (t, bad))
# The images: only in the holder, fds 8.. in config order, each row PASS
# with the mode the config asks for.
want = {"fd-8": ("disk.img", "open rw (manifest rw)"),
        "fd-9": ("ro.img", "open r (manifest r)"),
        "fd-10": ("cd.iso", "open r (manifest r)")}
for t in dms:
    rows = {c["name"]: c for c in procs[t]["checks"]} if t in procs else {}
    disk_rows = {n: c for n, c in rows.items() if ": disk, " in c["detail"]}
    if t != holder:
        if disk_rows:
            errors.append("%s holds disk fds: %s" % (t, sorted(disk_rows)))
        continue
    for n, (img, mode) in want.items():
        c = disk_rows.get(n)
        if not c or c["result"] != "PASS" or img not in c["detail"] \
                or mode not in c["detail"]:
            errors.append("%s %s: want PASS '%s: disk, %s', got %s" % (t, n, img, mode, c))
# list --json: the same processes, each alive.
lst = json.load(open(tmp + "/list.json"))[0]
ltags = sorted(p["tag"] for p in lst["processes"] if p["role"] == "dm")
if ltags != sorted(dms):
    errors.append("list shows DMs %s, want %s" % (ltags, sorted(dms)))
# /proc, without check: which process holds each image, and its mode.
imgs = {tmp + "/" + i: i for i in ("disk.img", "ro.img", "cd.iso")}
modes = {"disk.img": os.O_RDWR, "ro.img": os.O_RDONLY, "cd.iso": os.O_RDONLY}
for p in lst["processes"]:
    fddir = "/proc/%d/fd" % p["pid"]
    held = {}
    for fd in os.listdir(fddir):
        try:
            link = os.readlink(fddir + "/" + fd)
        except OSError:
            continue
        if link in imgs:
            flags = open("/proc/%d/fdinfo/%s" % (p["pid"], fd)).read()
            flags = int(flags.split("flags:")[1].split()[0], 8)
            held[imgs[link]] = flags & os.O_ACCMODE
    if p["tag"] == holder:
        for i, m in modes.items():
            if held.get(i) != m:
                errors.append("%s (pid %d): %s open with mode %s, want %s"
                              % (p["tag"], p["pid"], i, held.get(i), m))
    elif held:
        errors.append("%s (pid %d) holds %s" % (p["tag"], p["pid"], sorted(held)))
print("\n".join(errors))
sys.exit(1 if errors else 0)
EOF
stop_domain

ran=
if [ "$case" = single ]; then
	# A bad value on the command line: one line, naming the key.
	"$safepc" create -F "$src/examples/demo.cfg" "name=$name-bad" \
		"kernel=$demo" dm_placement=both >"$tmp/bad.out" 2>"$tmp/bad.err"
	rc=$?
	want="<command line>: dm_placement: invalid value 'both' (expected split or single)"
	[ "$rc" = 2 ] || fail "dm_placement=both: exit $rc, want 2"
	{ [ "$(wc -l <"$tmp/bad.err")" = 1 ] && grep -qF "$want" "$tmp/bad.err"; } ||
		fail "dm_placement=both: want one line with '$want', got: $(cat "$tmp/bad.err")"

	# The IDE controller really works from the chipset DM: the guest
	# kit's IDE and ATAPI programs, each with its runner's checks (the
	# guest's SUMMARY, the patterns written into the image).
	cat >"$tmp/safepc-single" <<-WRAP
	#!/bin/bash
	[ "\${1:-}" = create ] &&
	    exec "$safepc" "\$@" dm_placement=single 2>>"$tmp/guest.err"
	exec "$safepc" "\$@"
	WRAP
	chmod +x "$tmp/safepc-single"
	for g in ide atapi; do
		if [ ! -f "$build/tests/guest/$g.elf" ]; then
			echo "note: $build/tests/guest/$g.elf not built: guest $g was not run"
			continue
		fi
		"$src/tests/guest/run" --vmm safepc --build "$build" \
			--safepc "$tmp/safepc-single" "$g" >"$tmp/guest-$g.out" 2>&1
		rc=$?
		if [ "$rc" = 77 ]; then
			echo "note: guest $g skipped: $(tail -n1 "$tmp/guest-$g.out")"
		elif [ "$rc" != 0 ]; then
			fail "guest $g with dm_placement=single: $(tail -n1 "$tmp/guest-$g.out")"
			tail -n 20 "$tmp/guest-$g.out" | sed 's/^/  | /'
		else
			ran="$ran guest-$g"
		fi
	done
	if [ -f "$tmp/guest.err" ] && grep -q "dm/[0-9]*/ide" "$tmp/guest.err"; then
		fail "guests with dm_placement=single: an ide DM ran: $(grep "dm/[0-9]*/ide" "$tmp/guest.err" | head -n1)"
	fi

	# SeaBIOS boots the boot tests' MBR and verifies 64 sectors it reads.
	bios=/usr/share/seabios/bios.bin
	image=$build/tests/boot/disk.img
	if [ ! -r "$bios" ] || [ ! -f "$image" ]; then
		echo "note: no $bios or $image: the SeaBIOS boot was not run"
	else
		cat >"$tmp/boot.cfg" <<-CFG
		name = "$name-boot"
		memory = 128
		firmware = "seabios"
		boot = "c"
		disk = [ 'format=raw, vdev=hda, access=rw, target=$image' ]
		on_reboot = "destroy"
		CFG
		timeout -k 5 120 "$safepc" create -F "$tmp/boot.cfg" \
			dm_placement=single </dev/null >"$tmp/boot.out" 2>"$tmp/boot.err"
		rc=$?
		[ "$rc" = 1 ] || fail "SeaBIOS disk boot, dm_placement=single: exit $rc, want 1 (the boot program's pass)"
		tr -d '\r' <"$tmp/boot.out" | grep -qx "boot: disk: 64 sectors verified" ||
			fail "SeaBIOS disk boot, dm_placement=single: no line 'boot: disk: 64 sectors verified'"
		ran="$ran seabios-disk"
		grep -q "dm/[0-9]*/ide" "$tmp/boot.err" &&
			fail "SeaBIOS disk boot, dm_placement=single: an ide DM ran: $(grep "dm/[0-9]*/ide" "$tmp/boot.err" | head -n1)"
		if [ "$failed" != 0 ]; then
			tr -d '\r' <"$tmp/boot.out" | tail -n 20 | sed 's/^/  | /'
			tail -n 20 "$tmp/boot.err" | sed 's/^/  | /'
		fi
	fi
fi

if [ "$failed" != 0 ]; then
	echo "--- safepc check $name:"
	sed 's/^/  | /' "$tmp/table" "$tmp/table.err"
	exit 1
fi
echo "PASS: [$case] $(echo "$dms" | wc -w) DM(s): $dms; the images only in $holder, read-only ones O_RDONLY; check passes${ran:+; with dm_placement=single:$ran}"
exit 0
