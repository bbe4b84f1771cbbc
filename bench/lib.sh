# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034
#
# Shared helpers for scripts/bench subcommands (sourced, not run).
#   BENCH_SRCDIR  the source tree;  BENCH_DIR  this directory.
#   BENCH_BUILD   the meson build directory (default: $BENCH_SRCDIR/build;
#                 subcommands may take --build DIR).

: "${BENCH_BUILD:=${BENCH_SRCDIR:-.}/build}"
BENCH_TMP=
BENCH_BG_PIDS=

bench_die() {
	echo "bench: error: $*" >&2
	exit 1
}

bench_skip() {
	echo "bench: skipped: $*" >&2
	exit 77
}

bench_log() {
	echo "bench: $*" >&2
}

# Root and a usable /dev/kvm, or exit 77.
bench_need_kvm() {
	[ "$(id -u)" = 0 ] || bench_skip "needs root (the jail and /dev/kvm)"
	[ -e /dev/kvm ] || bench_skip "no /dev/kvm on this machine"
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		bench_skip "/dev/kvm is not readable and writable"
	fi
}

# An executable from the build directory: bench_find_exe NAME [SUBDIR...].
bench_find_exe() {
	local name=$1 d
	shift
	for d in "$BENCH_BUILD" "$@"; do
		[ -x "$d/$name" ] && { echo "$d/$name"; return 0; }
	done
	return 1
}

bench_cleanup() {
	local p
	for p in $BENCH_BG_PIDS; do
		kill "$p" 2>/dev/null
	done
	[ -z "$BENCH_TMP" ] || rm -rf "$BENCH_TMP"
}

# A private temporary directory in $BENCH_TMP, removed on exit.
bench_tmpdir() {
	BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/safepc-bench.XXXXXX") ||
		bench_die "mktemp failed"
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Microseconds since the epoch (bash 5: no fork).
bench_now_us() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local t=${EPOCHREALTIME/[.,]/}
		echo $((10#$t))
	else
		echo $(($(date +%s%N) / 1000))
	fi
}

# bench_timed LOG TIMEOUT_S CMD... - runs CMD (stdin /dev/null, stdout and
# stderr to LOG) under timeout(1).  Sets BENCH_RC, BENCH_WALL_US and
# BENCH_CPU_US: user + system time of CMD and every descendant it reaped
# (for safepc: toolstack, hv with its vCPU threads, and the DMs).
bench_timed() {
	local log=$1 tmo=$2 tf t0 t1 u s
	shift 2
	tf=$BENCH_TMP/.time
	local TIMEFORMAT='%3U %3S'
	t0=$(bench_now_us)
	{ time timeout -k 5 "$tmo" "$@" </dev/null >"$log" 2>&1; } 2>"$tf"
	BENCH_RC=$?
	t1=$(bench_now_us)
	BENCH_WALL_US=$((t1 - t0))
	read -r u s <"$tf" || { u=0 s=0; }
	BENCH_CPU_US=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.0f", (u + s) * 1e6 }')
}

# Median of the numbers given as arguments.
bench_median() {
	printf '%s\n' "$@" | sort -g | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "nan"; exit }
			if (NR % 2) print v[(NR + 1) / 2]
			else print (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# Minimum and maximum of the arguments: "MIN MAX".
bench_minmax() {
	printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo, hi }'
}

# bench_is_uint VALUE
bench_is_uint() {
	[[ $1 =~ ^[0-9]+$ ]]
}
