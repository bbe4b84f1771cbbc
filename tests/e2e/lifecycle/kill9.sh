#!/bin/bash
# SPDX-License-Identifier: MIT
# A monitor killed with -9: its jailed processes die with it
# (PR_SET_PDEATHSIG), `list` shows the domain as dead at once, and
# `destroy` removes everything (no process with its uids, no record, no
# cgroup); the name is free again. Then a monitor that hangs (SIGSTOP):
# `list` says unresponsive within its timeout, and `destroy` kills it and
# removes everything too.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh" "$@"

name=$(lc_name k)
lc_create "$name" extra=idle >/dev/null || fail "create: status $?"
dom=$(lc_domid "$name")
[ -n "$dom" ] || { fail "not listed"; lc_done; }
mon=$(cat "/run/safepc/dom/$dom/pid")
[ -n "$(lc_domain_pids "$dom")" ] || fail "no process with the domain's uids while it runs"
[ -n "$(lc_domain_cgroups "$dom")" ] || fail "no cgroup for the domain while it runs"
kill -KILL "$mon"

# The jailed processes follow their monitor.
for i in $(seq 50); do
	[ -z "$(lc_domain_pids "$dom")" ] && break
	sleep 0.1
done
left=$(lc_domain_pids "$dom")
if [ -n "$left" ]; then
	fail "processes outlive their monitor:"
	for p in $left; do
		echo "    $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-60) $(grep -E '^(State|PPid|Name):' "/proc/$p/status" 2>/dev/null | tr '\n\t' '  ')"
	done
fi
t0=$(lc_now_ms)
st=$(lc_state "$name")
t1=$(lc_now_ms)
[ "$st" = dead ] || fail "list: state '$st' after kill -9 of the monitor, expected dead"
[ $((t1 - t0)) -lt 3000 ] || fail "list took $((t1 - t0)) ms on a dead domain"
"$safepc" list | awk -v n="$name" '$2 == n' | grep -q ' dead ' || fail "list (table) does not say dead"
out=$("$safepc" pause "$name" 2>&1) && fail "pause of a dead domain succeeded"
echo "$out" | grep -q "is dead" || fail "pause of a dead domain: $out"
out=$(lc_create "$name" 2>&1) && fail "create with the name of a dead domain succeeded"
echo "$out" | grep -q "already exists" || fail "create with a dead domain's name: $out"
"$safepc" destroy "$name" || fail "destroy of the dead domain: status $?"
lc_check_gone "destroy after kill -9" "$dom" "$name"

# The name is free, the id reusable.
lc_create "$name" extra=idle >/dev/null || fail "create after destroy: status $?"
dom=$(lc_domid "$name")
dom=${dom:-0}
[ "$(lc_state "$name")" = running ] || fail "recreated domain not running"

# A hung monitor.
mon=$(cat "/run/safepc/dom/$dom/pid")
kill -STOP "$mon"
lc_pids+=("$mon")
t0=$(lc_now_ms)
st=$(lc_state "$name")
t1=$(lc_now_ms)
[ "$st" = unresponsive ] || fail "list: state '$st' of a stopped monitor, expected unresponsive"
[ $((t1 - t0)) -lt 5000 ] || fail "list took $((t1 - t0)) ms on a hung monitor"
t0=$(lc_now_ms)
"$safepc" destroy "$name" 2>"$tmp/err" || fail "destroy of a hung monitor's domain: status $?"
t1=$(lc_now_ms)
grep -q "killing its monitor" "$tmp/err" || fail "destroy did not say it killed the monitor: $(cat "$tmp/err")"
[ $((t1 - t0)) -lt 20000 ] || fail "destroy took $((t1 - t0)) ms"
kill -0 "$mon" 2>/dev/null && fail "the hung monitor still exists"
lc_check_gone "destroy of a hung monitor" "$dom" "$name"

lc_done
