#!/bin/bash
# SPDX-License-Identifier: MIT
# Eight domains side by side: each runs, each process has a uid of its
# own (none shared between domains or processes) and cgroups of its own;
# destroying them all (at once) leaves nothing behind.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh" "$@"

names=()
for i in 1 2 3 4 5 6 7 8; do
	n=$(lc_name "$i")
	names+=("$n")
	lc_create "$n" extra=idle >/dev/null || fail "create $n: status $?"
done
doms=()
uids=()
for n in "${names[@]}"; do
	[ "$(lc_state "$n")" = running ] || fail "$n: state '$(lc_state "$n")'"
	d=$(lc_domid "$n")
	doms+=("${d:-0}")
	json=$("$safepc" list --json "$n")
	for u in $(echo "$json" | grep -o '"uid":[0-9]*' | cut -d: -f2); do
		uids+=("$u")
	done
	for p in $(echo "$json" | grep -o '"pid":[0-9]*' | cut -d: -f2); do
		u=$(awk '/^Uid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		echo "$json" | grep -q "\"pid\":$p,\"uid\":$u," ||
			fail "$n: process $p runs as uid '$u', not as listed"
	done
	[ "$(lc_domain_cgroups "${d:-0}" | wc -l)" -ge 1 ] || fail "$n: no cgroup"
done
[ "${#uids[@]}" = 16 ] || fail "${#uids[@]} processes listed, expected 16 (hv and a DM each)"
dup=$(printf '%s\n' "${uids[@]}" | sort | uniq -d)
[ -z "$dup" ] || fail "uids shared: $dup"
[ "$(printf '%s\n' "${doms[@]}" | sort -u | wc -l)" = 8 ] || fail "domain ids not distinct: ${doms[*]}"
[ "$("$safepc" list | grep -c " lc-eight-$$-")" = 8 ] || fail "list does not show the 8 domains"

pids=()
for n in "${names[@]}"; do
	"$safepc" destroy "$n" &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || fail "a destroy failed (status $?)"
done
for i in 0 1 2 3 4 5 6 7; do
	lc_check_gone "destroy ${names[$i]}" "${doms[$i]}" "${names[$i]}"
done

lc_done
