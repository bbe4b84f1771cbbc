# SPDX-License-Identifier: MIT
# Shared by the lifecycle tests (sourced): checks that the machine can run
# them, creates domains with names unique to this run, and destroys every
# one of them on exit, whatever happened.
#
#   source lib.sh BUILD_DIR
#
# Each test: `lc_create NAME ARGS...` (records the name for cleanup),
# `fail MSG` (the test goes on, then exits 1), `lc_done` at the end.
set -u

LC_TEST=$(basename "$0" .sh)
# launch.c: uid = UID_BASE + domid * UIDS_PER_DOMAIN + index.
UID_BASE=131072
UIDS_PER_DOMAIN=16

failed=0
fail() {
	echo "FAIL: [$LC_TEST] $*"
	failed=1
}
skip() {
	echo "SKIP: $*"
	exit 77
}

build=${1:-}
[ -n "$build" ] || {
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
}
[ "$(id -u)" = 0 ] || skip "must run as root (safepc builds jails)"
build=$(cd "$build" 2>/dev/null && pwd) || skip "no build directory $1"
safepc=$build/safepc
sockcat=${SOCKCAT:-$build/tests/e2e/lifecycle/sockcat}
demo=$build/tests/guest/demo.elf
reboot_elf=$build/tests/guest/reboot.elf
for f in "$safepc" "$build/safepc-hv" "$build/safepc-dm" "$sockcat"; do
	[ -x "$f" ] || skip "$f not built"
done
[ -f "$demo" ] || skip "$demo not built (is the guest kit disabled?)"

tmp=$(mktemp -d /tmp/safepc-lc-$LC_TEST.XXXXXX) || exit 1
lc_names=()
lc_pids=()
lc_cleanup() {
	local n p

	for p in "${lc_pids[@]}"; do
		kill -CONT "$p" 2>/dev/null
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for n in "${lc_names[@]}"; do
		if "$safepc" list --json "$n" 2>/dev/null | grep -q "\"name\":\"$n\""; then
			timeout 60 "$safepc" destroy "$n" >/dev/null 2>&1 ||
				echo "cleanup: destroying $n failed"
		fi
	done
	rm -rf "$tmp"
}
trap lc_cleanup EXIT
trap 'exit 1' INT TERM

# A name no other run uses.
lc_name() {
	echo "lc-$LC_TEST-$$-$1"
}

# The demo guest's config (kernel from the build), KEY=VALUE on top.
lc_cfg=$tmp/demo.cfg
cat >"$lc_cfg" <<EOF
# written by tests/e2e/lifecycle ($LC_TEST)
name = "lc"
memory = 64
vcpus = 1
kernel = "$demo"
extra = ""
serial = "pty"
EOF

# lc_create NAME [create options and KEY=VALUE...]: `safepc create` of the
# demo config; records NAME for cleanup. Its status is create's.
lc_create() {
	local name=$1

	shift
	lc_names+=("$name")
	"$safepc" create "$lc_cfg" "name=$name" "$@"
}

# The domain id of NAME from `list --json`, or nothing.
lc_domid() {
	"$safepc" list --json "$1" 2>/dev/null |
		grep -o "\"domid\":[0-9]*,\"name\":\"$1\"" |
		grep -o '^"domid":[0-9]*' | cut -d: -f2
}

# The state of NAME from `list --json`, or nothing.
lc_state() {
	"$safepc" list --json "$1" 2>/dev/null |
		grep -o "\"name\":\"$1\",\"state\":\"[a-z-]*\"" |
		sed 's/.*"state":"\([a-z-]*\)"/\1/'
}

# lc_wait_state NAME STATE SECONDS: polls until NAME is in STATE.
lc_wait_state() {
	local i

	for i in $(seq $(($3 * 10))); do
		[ "$(lc_state "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# Pids (not zombies) of processes whose uid is in domain DOMID's block.
# One pass over every status file (State, Pid and Uid come in that
# order): two programs per process took seconds on a busy machine. cat
# goes on past a process that is gone meanwhile; awk would stop there.
lc_domain_pids() {
	local lo=$((UID_BASE + $1 * UIDS_PER_DOMAIN))

	cat /proc/[0-9]*/status 2>/dev/null |
		awk -v lo="$lo" -v hi=$((lo + UIDS_PER_DOMAIN)) '
			/^State:/ { st = $2 }
			/^Pid:/ { pid = $2 }
			/^Uid:/ && st != "Z" && $2 >= lo && $2 < hi { print pid }'
}

# Cgroup directories of domain DOMID (v1 and v2 layouts).
lc_domain_cgroups() {
	ls -d /sys/fs/cgroup/safepc/dom"$1" /sys/fs/cgroup/*/safepc/dom"$1" \
		2>/dev/null
}

# 1 when the id of our domain NAME now belongs to another record (other
# tests or users may take a free id at once).
lc_reused() {
	local other

	[ -d "/run/safepc/dom/$1" ] || return 1
	other=$(cat "/run/safepc/dom/$1/name" 2>/dev/null)
	[ "$other" != "$2" ]
}

# lc_check_gone WHAT DOMID NAME: nothing of the domain is left: no
# process with its uids, no record, no cgroup, not in `list`. Leftovers
# found after another domain took the id are not ours to judge.
lc_check_gone() {
	local what=$1 dom=$2 name=$3 procs i cgs

	for i in $(seq 50); do
		procs=$(lc_domain_pids "$dom")
		[ -z "$procs" ] && break
		sleep 0.1
	done
	cgs=$(lc_domain_cgroups "$dom")
	if lc_reused "$dom" "$name"; then
		echo "note: $what: id $dom already reused; checks skipped"
		return
	fi
	[ -z "$procs" ] || fail "$what: processes of domain $dom left: $procs"
	[ -z "$cgs" ] || fail "$what: cgroups of domain $dom left: $cgs"
	if [ -d "/run/safepc/dom/$dom" ]; then
		fail "$what: /run/safepc/dom/$dom of $name was not removed"
	fi
	if "$safepc" list 2>/dev/null | awk '{ print $2 }' | grep -qx -- "$name"; then
		fail "$what: $name still in safepc list"
	fi
}

# Milliseconds since the epoch.
lc_now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

lc_done() {
	if [ "$failed" = 0 ]; then
		echo "PASS: [$LC_TEST]"
		exit 0
	fi
	exit 1
}
