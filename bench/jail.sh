# SPDX-License-Identifier: MIT
# scripts/bench jail: the cost of building one jail (docs/performance.md: <= 5 ms per
# process). bench-jail spawns the real DM binary through the full DM jail
# (cgroups, namespaces, empty root, rlimits, capabilities, uid change, exec
# from an fd) N times and prints the median set-up time; the last line is
#   jail: n=N median_ms=M p10_ms=A p90_ms=B

bench_jail() {
	local n=100 exe

	while [ $# -gt 0 ]; do
		case $1 in
		--runs) n=${2:-}; shift 2 ;;
		--build) BENCH_BUILD=${2:-}; shift 2 ;;
		*) echo "usage: scripts/bench jail [--runs N] [--build DIR]" >&2
		   exit 2 ;;
		esac
	done
	bench_is_uint "$n" || bench_die "--runs: not a number: $n"
	[ "$(id -u)" = 0 ] || bench_skip "needs root (it builds jails)"
	exe=$BENCH_BUILD/bench/bench-jail
	[ -x "$exe" ] || bench_die "no $exe (ninja -C $BENCH_BUILD)"
	[ -x "$BENCH_BUILD/safepc-dm" ] || bench_die "no $BENCH_BUILD/safepc-dm"
	"$exe" "$BENCH_BUILD/safepc-dm" "$n"
}
