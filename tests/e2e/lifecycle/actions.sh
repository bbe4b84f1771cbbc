#!/bin/bash
# SPDX-License-Identifier: MIT
# on_poweroff, on_reboot, on_crash = destroy | restart | preserve, with
# xl's meaning: destroy removes the domain; restart starts it again (a
# RESET event, the restart count grows); preserve keeps its record in
# `list` as shutdown/crashed, its processes gone, until `destroy`.
# Guests: demo (powers off), reboot (resets through 0xCF9), and a
# three-instruction multiboot image that triple-faults (written here).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh" "$@"

crash=$tmp/crash.bin
# Multiboot header with the a.out kludge (load at 1 MiB, entry right
# after the 32-byte header), then ud2 with no IDT: a triple fault.
printf '\x02\xb0\xad\x1b\x00\x00\x01\x00\xfe\x4f\x51\xe4\x00\x00\x10\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x20\x00\x10\x00\x0f\x0b' >"$crash"

# gone NAME SECONDS: NAME leaves `list` by itself.
gone() {
	local i

	for i in $(seq $(($2 * 10))); do
		"$safepc" list | awk '{ print $2 }' | grep -qx -- "$1" || return 0
		sleep 0.1
	done
	return 1
}

# field NAME KEY: an integer field of NAME's query-domain.
field() {
	"$safepc" list --json "$1" | grep -o "\"$2\":[0-9]*" | head -n 1 | cut -d: -f2
}

# preserved NAME STATE REASON: kept, processes gone, last_shutdown says why.
preserved() {
	local name=$1 json dom

	lc_wait_state "$name" "$2" 10 || fail "$name: state '$(lc_state "$name")', expected $2"
	json=$("$safepc" list --json "$name")
	echo "$json" | grep -q '"processes":\[\]' || fail "$name: processes listed: $json"
	echo "$json" | grep -q "\"last_shutdown\":{\"reason\":\"$3\"" ||
		fail "$name: last_shutdown is not $3: $json"
	dom=$(lc_domid "$name")
	[ -z "$(lc_domain_pids "${dom:-0}")" ] || fail "$name: processes still run"
	out=$("$safepc" pause "$name" 2>&1) && fail "$name: pause of a $2 domain succeeded"
	echo "$out" | grep -q "is $2, not running" || fail "$name: pause: $out"
	"$safepc" destroy "$name" || fail "$name: destroy: status $?"
	lc_check_gone "destroy $2" "${dom:-0}" "$name"
}

# restarts NAME: the domain is started again and again (RESET events).
restarts() {
	local name=$1 dom n ev

	dom=$(lc_domid "$name")
	if [ -z "$dom" ]; then
		fail "$name: not listed"
		return
	fi
	# The events never pause while the domain restarts, so -w never
	# ends the capture: the timeout does, after a few restarts.
	timeout 6 "$sockcat" -n -w 3 "/run/safepc/dom/$dom/control" >"$tmp/ev" \
		< <(echo '{"execute":"qmp_capabilities"}'; sleep 3) 2>/dev/null
	n=$(field "$name" restarts)
	[ "${n:-0}" -ge 2 ] || fail "$name: restarted ${n:-0} times, expected several"
	grep -q '^{"event":"RESET"' "$tmp/ev" || fail "$name: no RESET event"
	ev=$(grep -m1 '^{"event":"SHUTDOWN"' "$tmp/ev")
	echo "$ev" | grep -q "\"reason\":\"$2\".*\"action\":\"restart\"" ||
		fail "$name: SHUTDOWN event is not $2/restart: $ev"
	"$safepc" destroy "$name" || fail "$name: destroy: status $?"
	lc_check_gone "destroy after restarts" "$dom" "$name"
}

# Power off.
n=$(lc_name off-destroy)
lc_create "$n" >/dev/null || fail "$n: create: status $?"
gone "$n" 10 || fail "$n: still listed after its poweroff (on_poweroff=destroy)"
n=$(lc_name off-preserve)
lc_create "$n" on_poweroff=preserve >/dev/null || fail "$n: create: status $?"
lc_wait_state "$n" shutdown 10
# The console of a preserved domain still replays what the guest said.
(sleep 1; printf '\035') | timeout 5 "$safepc" console "$n" >"$tmp/con" 2>&1
grep -q '^poweroff$' "$tmp/con" || fail "$n: console of the preserved domain: $(head -c 300 "$tmp/con")"
preserved "$n" shutdown poweroff
n=$(lc_name off-restart)
lc_create "$n" on_poweroff=restart >/dev/null || fail "$n: create: status $?"
restarts "$n" poweroff

# Reboot (the guest resets the machine through 0xCF9).
if [ -f "$reboot_elf" ]; then
	n=$(lc_name rb-restart)
	lc_create "$n" "kernel=$reboot_elf" on_reboot=restart >/dev/null ||
		fail "$n: create: status $?"
	restarts "$n" reboot
	n=$(lc_name rb-destroy)
	lc_create "$n" "kernel=$reboot_elf" on_reboot=destroy >/dev/null ||
		fail "$n: create: status $?"
	gone "$n" 10 || fail "$n: still listed after its reboot (on_reboot=destroy)"
	n=$(lc_name rb-preserve)
	lc_create "$n" "kernel=$reboot_elf" on_reboot=preserve >/dev/null ||
		fail "$n: create: status $?"
	preserved "$n" shutdown reboot
else
	echo "note: $reboot_elf not built: reboot actions not tested"
fi

# Crash (triple fault).
n=$(lc_name crash-destroy)
lc_create "$n" "kernel=$crash" >/dev/null || fail "$n: create: status $?"
gone "$n" 10 || fail "$n: still listed after its crash (on_crash=destroy)"
n=$(lc_name crash-preserve)
lc_create "$n" "kernel=$crash" on_crash=preserve >/dev/null || fail "$n: create: status $?"
preserved "$n" crashed crash
n=$(lc_name crash-restart)
lc_create "$n" "kernel=$crash" on_crash=restart >/dev/null || fail "$n: create: status $?"
restarts "$n" crash

# -F keeps its statuses: 0 after poweroff, 2 and a reason after a crash.
timeout 30 "$safepc" create -F "$lc_cfg" "name=$(lc_name fg)" >/dev/null 2>&1
rc=$?
[ "$rc" = 0 ] || fail "create -F of the demo: status $rc"
out=$(timeout 30 "$safepc" create -F "$lc_cfg" "name=$(lc_name fgc)" "kernel=$crash" 2>&1 >/dev/null)
rc=$?
[ "$rc" = 2 ] || fail "create -F of a crashing guest: status $rc"
# The soft CPU also says where (" at CS:EIP (cr0 ...)"); KVM cannot.
case $(echo "$out" | tail -n 1) in
"safepc: domain $(lc_name fgc): guest crashed: vCPU 0: triple fault" | \
"safepc: domain $(lc_name fgc): guest crashed: vCPU 0: triple fault at "*) ;;
*) false ;;
esac ||
	fail "create -F of a crashing guest: last line '$(echo "$out" | tail -n 1)'"

# -F with preserve: as xl create -F, the command ends with the guest's
# status and the record stays (a daemon monitor takes it over).
n=$(lc_name fg-preserve)
lc_names+=("$n")
timeout 30 "$safepc" create -F "$lc_cfg" "name=$n" on_poweroff=preserve >"$tmp/fgp" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "create -F with on_poweroff=preserve: status $rc"
grep -q '^poweroff$' "$tmp/fgp" || fail "create -F with preserve: no guest output"
preserved "$n" shutdown poweroff

lc_done
