#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Every rule of the seccomp allowlists that is not marked rare must be used
# by real domains: an allowlist entry no code path needs is a failure.
#
#   tests/seccomp/coverage.sh BUILD_DIR
#
# Runs the guest programs serial, rtc, irq, smp and ide (tests/guest/
# unittests.cfg; ide with its pattern disk, so the IDE DM runs) under
# `safepc create` inside `strace -f`, collects the syscalls each jailed
# hv and DM process (and its threads) made after its filter was installed
# (the successful `seccomp(SECCOMP_SET_MODE_FILTER, ...)`), and checks them
# against `safepc-hv --print-allowlist` and `safepc-dm --print-allowlist`:
#   - every rule marked "always" must appear (an ioctl rule by its request),
#     and so must the DM's "disk" rules (the ide run reads and writes by
#     PIO and DMA and flushes), and all the rules of one of its two DMA
#     paths, "disk-map" or "disk-nomap" (the IDE DM picks one by the
#     host's cost of first touching a page, src/dm/dma_nomap.h);
#   - nothing outside the allowlist may appear (it would have been killed).
# Rules marked "rare" are listed as seen or not, for information.
#
# The domains run on whatever accel = "auto" picks. Under the soft CPU hv
# loads no ioctl rule (hv_seccomp_add): when every run was soft, hv's
# ioctl rules are listed as KVM-only and not required, and any ioctl hv
# made would show as outside its allowlist.
#
# strace, as root, follows the jailed processes although they are not
# dumpable and live in their own pid namespaces: it attaches at fork, before
# the jail is applied. --decode-pids=pidns maps the thread ids clone returns
# inside the domain's pid namespace to strace's, so vCPU threads are
# attributed to their hv.
#
# Exit status: 0 pass, 1 fail, 77 skip (no root, strace or guest programs).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
table=$here/../guest/unittests.cfg
build=${1:-}
[ -n "$build" ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$build" && pwd)
programs=(serial rtc irq smp ide)

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "not root (the jail needs it)"
command -v strace >/dev/null || skip "strace not installed (scripts/deps)"
strace --decode-pids=pidns -o /dev/null true 2>/dev/null ||
	skip "strace too old for --decode-pids=pidns (needs 5.19)"
for f in safepc safepc-hv safepc-dm; do
	[ -x "$build/$f" ] || { echo "FAIL: no $build/$f"; exit 1; }
done
for p in "${programs[@]}"; do
	[ -f "$build/tests/guest/$p.elf" ] ||
		skip "no guest program $build/tests/guest/$p.elf"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/seccomp-coverage-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# One key of the [name] section of unittests.cfg (default $3).
cfg_get() {
	awk -v want="[$1]" -v key="$2" -v dflt="$3" '
		{ sub(/#.*/, ""); gsub(/^[ \t]+|[ \t]+$/, "") }
		/^\[.*\]$/ { in_sec = ($0 == want); next }
		in_sec && index($0, "=") {
			k = substr($0, 1, index($0, "=") - 1)
			v = substr($0, index($0, "=") + 1)
			gsub(/[ \t]+$/, "", k); gsub(/^[ \t]+/, "", v)
			if (k == key) { print v; found = 1; exit }
		}
		END { if (!found) print dflt }' "$table"
}

# Prints "KIND NAME" for each syscall a filtered hv or DM process made after
# its filter, NAME being ioctl(REQUEST) for an ioctl. Also prints
# "filtered KIND PID" once per process whose filter it saw. The filter
# covers every thread of the process (hv loads it with TSYNC: the soft
# CPU's timer thread is older than the filter), so a thread counts from
# its process's filter on, whenever it was started.
collect() {
	awk '
	function sysname(line,   s) {
		s = line
		sub(/^[0-9]+ +/, "", s)
		if (s ~ /^(<\.\.\.|\+\+\+|---)/) return ""
		if (!match(s, /^[a-z_0-9]+\(/)) return ""
		name = substr(s, 1, RLENGTH - 1)
		if (name == "ioctl") {
			s = substr(s, RLENGTH + 1)
			sub(/^[^,]*, */, "", s)
			sub(/[ ,)].*$/, "", s)
			name = "ioctl(" s ")"
		}
		return name
	}
	# Pass 1: which pids are hv or a DM, when each installed its
	# filter, and the threads each started afterwards.
	NR == FNR {
		pid = $1
		if ($0 ~ /execve(at)?\(.*\["safepc-hv"/) kind[pid] = "hv"
		if ($0 ~ /execve(at)?\(.*\["safepc-dm"/) kind[pid] = "dm"
		if ((pid in kind) && !(pid in root) && !(pid in on) &&
		    $0 ~ /seccomp\(SECCOMP_SET_MODE_FILTER, [^,]*, \{/)
			pend[pid] = 1
		if ((pid in pend) && $0 ~ /= 0$/ &&
		    ($0 ~ /seccomp resumed/ ||
		     $0 ~ /seccomp\(SECCOMP_SET_MODE_FILTER/)) {
			on[pid] = FNR
			delete pend[pid]
			print "filtered", kind[pid], pid
		}
		if ((pid in kind) && $0 ~ /clone/ &&
		    match($0, /= [0-9]+ \/\* [0-9]+ in strace.s PID NS \*\/$/)) {
			c = $0
			sub(/ in strace.s PID NS \*\/$/, "", c)
			sub(/.* /, "", c)
			kind[c] = kind[pid]
			root[c] = (pid in root) ? root[pid] : pid
		}
		next
	}
	{
		pid = $1
		if (!(pid in kind)) next
		top = (pid in root) ? root[pid] : pid
		if (!(top in on) || FNR <= on[top]) next
		n = sysname($0)
		if (n != "") print kind[pid], n
	}' "$1" "$1"
}

fail=0
: > "$tmp/seen"
: > "$tmp/accels"
for p in "${programs[@]}"; do
	smp=$(cfg_get "$p" smp 1)
	extra=$(cfg_get "$p" extra "")
	timeout=$(cfg_get "$p" timeout 60)
	status=$(cfg_get "$p" status 1)
	disk=$(cfg_get "$p" disk "")
	cat > "$tmp/$p.cfg" <<-CFG
	name = "seccov-$p-$$"
	memory = 128
	vcpus = $smp
	kernel = "$build/tests/guest/$p.elf"
	extra = "$extra"
	CFG
	if [ -n "$disk" ]; then
		python3 "$here/../guest/mkpattern.py" create "$tmp/$p.img" \
			"$disk" || { echo "FAIL: mkpattern.py for $p"; exit 1; }
		echo "disk = [ 'format=raw, vdev=hda, access=rw," \
			"target=$tmp/$p.img' ]" >> "$tmp/$p.cfg"
	fi
	# strace slows the domain down: twice the table's timeout.
	timeout -k 5 $((timeout * 2)) strace -f -qq --decode-pids=pidns \
		-o "$tmp/$p.strace" "$build/safepc" create -F "$tmp/$p.cfg" \
		</dev/null >"$tmp/$p.out" 2>&1
	rc=$?
	# The domain must run to its end as it does without strace; the
	# guest's own timing checks may fail at strace's pace, which does
	# not change the syscalls hv and the DM make.
	if ! grep -q '^SUMMARY:' "$tmp/$p.out" ||
		! grep -q 'stopping domain: guest exited through the debug port' \
			"$tmp/$p.out" ||
		grep -q 'seccomp violation' "$tmp/$p.out"; then
		echo "FAIL: guest $p under strace did not run to its end" \
			"(exit status $rc)"
		tail -n 20 "$tmp/$p.out" | sed 's/^/  | /'
		fail=1
		continue
	fi
	if [ "$rc" != "$status" ]; then
		echo "note: guest $p reported failures under strace (exit" \
			"status $rc, timing):"
		grep '^FAIL:' "$tmp/$p.out" | sed 's/^/  | /'
	fi
	acc=$(sed -n 's/.*accel: \([a-z]*\).*/\1/p' "$tmp/$p.out" | head -n1)
	echo "${acc:-unknown}" >> "$tmp/accels"
	collect "$tmp/$p.strace" > "$tmp/$p.calls"
	for k in hv dm; do
		if ! grep -q "^filtered $k " "$tmp/$p.calls"; then
			echo "FAIL: guest $p: strace did not see $k install its" \
				"filter (did strace follow the jailed processes?)"
			fail=1
		fi
	done
	grep -v '^filtered ' "$tmp/$p.calls" | sort -u >> "$tmp/seen"
	echo "ran: guest $p ($smp vCPUs, accel ${acc:-unknown}):" \
		"$(grep -c '^filtered ' "$tmp/$p.calls")" \
		"jailed processes, $(grep -vc '^filtered ' "$tmp/$p.calls")" \
		"syscalls after their filters"
done
sort -u -o "$tmp/seen" "$tmp/seen"
# Only soft runs: hv's KVM ioctl rules were never loaded.
all_soft=0
[ -s "$tmp/accels" ] && ! grep -qvx soft "$tmp/accels" && all_soft=1

for k in hv dm; do
	"$build/safepc-$k" --print-allowlist | grep -v '^#' > "$tmp/$k.allow" || {
		echo "FAIL: safepc-$k --print-allowlist"
		fail=1
		continue
	}
	missing=() rare_seen=() rare_unseen=() kvm_only=()
	# The DM's two DMA paths (disk-map, disk-nomap): the run must use
	# every rule of one of them; the other is for other hosts.
	declare -A dma_unseen=([disk-map]="" [disk-nomap]="")
	while IFS=$'\t' read -r name filter when why; do
		if [ "$k" = hv ] && [ "$all_soft" = 1 ] &&
			[[ $name == ioctl\(* ]]; then
			kvm_only+=("$name")
			continue
		fi
		if grep -qxF "$k $name" "$tmp/seen"; then
			[ "$when" = rare ] && rare_seen+=("$name")
			continue
		fi
		if [ "$when" = rare ]; then
			rare_unseen+=("$name")
		elif [ "$when" = disk-map ] || [ "$when" = disk-nomap ]; then
			dma_unseen[$when]+="$name "
		elif [ "$when" = disk ]; then
			missing+=("$name")
			echo "FAIL: $k: disk rule '$name' ($filter) was not" \
				"used by the ide run: $why"
		else
			missing+=("$name")
			echo "FAIL: $k: '$name' ($filter) is allowlisted as always" \
				"needed, but no run used it: $why"
		fi
	done < "$tmp/$k.allow"
	if grep -qP '\tdisk-(no)?map\t' "$tmp/$k.allow"; then
		if [ -z "${dma_unseen[disk-map]}" ]; then
			echo "$k: DMA path disk-map used; disk-nomap rules not" \
				"used: ${dma_unseen[disk-nomap]:-none}"
		elif [ -z "${dma_unseen[disk-nomap]}" ]; then
			echo "$k: DMA path disk-nomap used; disk-map rules not" \
				"used: ${dma_unseen[disk-map]}"
		else
			missing+=(dma)
			echo "FAIL: $k: neither DMA path was used whole by the" \
				"ide run: disk-map lacks ${dma_unseen[disk-map]}," \
				"disk-nomap lacks ${dma_unseen[disk-nomap]}"
		fi
	fi
	[ ${#missing[@]} = 0 ] || fail=1
	# Anything outside the allowlist would have killed the process
	# (under soft, hv's ioctl rules are not in it).
	extra=$(awk -v k="$k" '$1 == k { print $2 }' "$tmp/seen" |
		grep -vxF -f <(cut -f1 "$tmp/$k.allow" |
			grep -vxF -f <(printf '%s\n' "${kvm_only[@]}")) |
		tr '\n' ' ')
	if [ -n "$extra" ]; then
		echo "FAIL: $k: used outside its allowlist: $extra"
		fail=1
	fi
	n_always=$(awk -F'\t' '$3 == "always" && !($1 ~ /^ioctl\(/ && s)' \
		s=$([ "$k" = hv ] && echo "$all_soft" || echo 0) "$tmp/$k.allow" | wc -l)
	echo "$k: $((n_always - ${#missing[@]}))/$n_always always-needed" \
		"rules used; rare rules used: ${rare_seen[*]:-none};" \
		"rare rules not used: ${rare_unseen[*]:-none}" \
		"${kvm_only[*]:+; KVM-only rules (not loaded under soft): ${kvm_only[*]}}"
done

if [ $fail = 0 ]; then
	echo "PASS: every always-needed allowlist rule of hv and the DM is used"
	exit 0
fi
echo "FAIL: seccomp allowlist coverage"
exit 1
