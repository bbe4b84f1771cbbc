# shellcheck shell=bash
# The variables it sets and reads belong to the scripts that source it.
# shellcheck disable=SC2034,SC2154
# SPDX-License-Identifier: MIT
# Sourced by check.sh and placement.sh (after they set `case`): the
# skip/fail helpers, the common preconditions, and waiting for a domain
# started in the background to be fully up.

skip() {
	echo "SKIP: $*"
	exit 77
}
failed=0
fail() {
	echo "FAIL: [$case] $*"
	failed=1
}

# e2e_setup BUILD_DIR: skips unless root, the three programs, the demo
# guest and python3 are there; sets build, src, safepc and demo. No
# /dev/kvm needed: without it the domain runs on the soft CPU (accel auto).
e2e_setup() {
	local f

	[ "$(id -u)" = 0 ] || skip "must run as root (safepc builds jails)"
	build=$(cd "$1" 2>/dev/null && pwd) || skip "no build directory $1"
	src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
	safepc=$build/safepc
	demo=$build/tests/guest/demo.elf
	for f in safepc safepc-hv safepc-dm; do
		[ -x "$build/$f" ] || skip "$build/$f not built"
	done
	[ -f "$demo" ] || skip "$demo not built (is the guest kit disabled?)"
	command -v python3 >/dev/null || skip "no python3 (to read --json)"
}

#   wait_domain NAME MONITOR_PID LOG
#
# Sets `state` to the domain's state file and returns 0 once the guest
# printed "idle: halted"; prints why (with the domain's output) and returns
# 1 otherwise. The state file is written once every process is spawned,
# before each has finished its jail (a DM loads its seccomp filter just
# before it reports READY); hv starts the vCPUs only when every DM is
# READY, so the guest's last line says that every jail is complete.
wait_domain() {
	local name=$1 mon=$2 log=$3

	state=
	for _ in $(seq 200); do
		state=$(grep -lx "name $name" /run/safepc/dom/*/domain 2>/dev/null | head -n1)
		[ -n "$state" ] && break
		kill -0 "$mon" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$state" ]; then
		echo "FAIL: domain $name did not come up; its output:"
		sed 's/^/  | /' "$log"
		return 1
	fi
	for _ in $(seq 200); do
		grep -q "^idle: halted" "$log" && break
		kill -0 "$mon" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q "^idle: halted" "$log"; then
		echo "FAIL: domain $name: the guest did not reach 'idle: halted';" \
			"its output:"
		sed 's/^/  | /' "$log"
		return 1
	fi
	return 0
}
