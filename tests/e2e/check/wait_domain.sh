# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by check.sh and placement.sh: waits for a domain started in the
# background to be fully up.
#
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
