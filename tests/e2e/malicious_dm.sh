#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Malicious-DM end-to-end tests: a device model that answers with a wrong
# state, garbage, an out-of-range size or count, never answers, dies,
# crashes, breaks its seccomp filter or abuses dm_op must make hv stop only
# its own domain, with a clear one-line reason, within a bounded time, and
# leave nothing behind (docs/security.md, docs/protocol.md).
#
#   tests/e2e/malicious_dm.sh MODE BUILD_DIR
#
# MODE is a mode of safepc-dm-evil (tests/e2e/evil_dm.c), `unknown` (an
# unknown mode: the DM must refuse to start), or `coexist` (a good domain
# keeps running while evil ones fail next to it, then is destroyed with
# SIGTERM). Needs root; exits 0 on pass, 1 on failure, 77 (meson's skip)
# when the machine or the build cannot run it. Without /dev/kvm the domain
# runs on the soft CPU (accel auto).
#
# Other domains may run on the machine at the same time (domain ids are
# reused), so "nothing left behind" means: no process with a uid of the
# domain's block or the domain's tag on its command line that was started
# before the domain's `safepc` exited.
set -u

mode=${1:-}
build=${2:-}
if [ -z "$mode" ] || [ -z "$build" ] || [ $# -ne 2 ]; then
	echo "usage: $0 MODE BUILD_DIR" >&2
	exit 2
fi

# launch.c: uid = UID_BASE + domid * UIDS_PER_DOMAIN + index.
UID_BASE=131072
UIDS_PER_DOMAIN=16
# Bounds, in ms, from the misbehaviour (the evil DM logs when it
# triggers) to the exit of `safepc create`, or from its start where
# nothing triggers: a fault must be noticed at once; a silent DM after
# hv's dm timeout (5 s) plus a margin. The whole run may take
# BOOT_BOUND_MS more: the guest's boot up to the trigger, slower under the
# soft CPU than under KVM.
FAST_BOUND_MS=3000
DM_TIMEOUT_MS=5000
SILENT_BOUND_MS=$((DM_TIMEOUT_MS + 3000))
BOOT_BOUND_MS=10000

failed=0
fail() {
	echo "FAIL: [$mode] $*"
	failed=1
}
skip() {
	echo "SKIP: $*"
	exit 77
}

[ "$(id -u)" = 0 ] || skip "must run as root (safepc builds jails)"
build=$(cd "$build" 2>/dev/null && pwd) || skip "no build directory $2"
safepc=$build/safepc
demo=$build/tests/guest/demo.elf
for f in safepc safepc-hv safepc-dm safepc-dm-evil; do
	[ -x "$build/$f" ] || skip "$build/$f not built"
done
[ -f "$demo" ] || skip "$demo not built (is the guest kit disabled?)"

tmp=$(mktemp -d /tmp/safepc-e2e.XXXXXX) || exit 1
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	local p
	# A domain this script started and did not end: destroy it.
	for p in ${bg_pids:-}; do
		kill -TERM "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
bg_pids=

cfg=$tmp/domain.cfg
cat >"$cfg" <<EOF
# written by tests/e2e/malicious_dm.sh
name = "e2e"
memory = 64
vcpus = 1
kernel = "$demo"
extra = ""
serial = "pty"
EOF

clk_tck=$(getconf CLK_TCK)

# A process that exists and is not a zombie (a child that exited but was
# not waited for yet still answers kill -0).
alive() {
	local st

	st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

now_ms() {
	local ns
	ns=$(date +%s%N)
	echo $((ns / 1000000))
}

# Clock ticks since boot, the unit of /proc/PID/stat's starttime.
uptime_ticks() {
	local up rest
	read -r up rest </proc/uptime
	# "12345.67": centiseconds, then ticks.
	echo $(((10#${up%.*} * 100 + 10#${up#*.}) * clk_tck / 100))
}

# Prints "PID UID CMDLINE" for every process of domain DOMID started
# before tick END: its uid is in the domain's block, or its command line
# carries the domain's tag.
domain_procs() {
	local dom=$1 end=$2 lo hi d pid uid k v stat rest start cmd
	local -a f

	lo=$((UID_BASE + dom * UIDS_PER_DOMAIN))
	hi=$((lo + UIDS_PER_DOMAIN))
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		uid=
		while read -r k v _; do
			if [ "$k" = Uid: ]; then
				uid=$v
				break
			fi
		done 2>/dev/null <"$d/status"
		[ -n "$uid" ] || continue
		cmd=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline")
		if [ "$uid" -lt "$lo" ] || [ "$uid" -ge "$hi" ]; then
			case " $cmd" in
			*" --tag hv/$dom "* | *" --tag dm/$dom/"*) ;;
			*) continue ;;
			esac
		fi
		stat=$(cat "$d/stat" 2>/dev/null) || continue
		rest=${stat##*) }
		read -r -a f <<<"$rest"
		start=${f[19]} # field 22, starttime
		[ "$start" -lt "$end" ] || continue
		echo "$pid $uid $cmd"
	done
}

# Checks that domain DOMID left nothing: no process (started before tick
# END_TICKS) and no /run/safepc/dom/DOMID (unless created after END_NS).
check_nothing_left() {
	local what=$1 dom=$2 end_ticks=$3 end_ns=$4 left ctime

	left=$(domain_procs "$dom" $((end_ticks - 1)))
	if [ -n "$left" ]; then
		fail "$what: processes of domain $dom left behind:"
		while read -r l; do echo "    $l"; done <<<"$left"
	fi
	if [ -e "/run/safepc/dom/$dom" ]; then
		ctime=$(stat -c %.9Z "/run/safepc/dom/$dom" 2>/dev/null)
		ctime=${ctime/./}
		if [ -n "$ctime" ] && [ "$ctime" -lt "$end_ns" ]; then
			fail "$what: /run/safepc/dom/$dom was not removed"
		fi
	fi
}

# run_evil NAME EVIL_MODE: runs one domain in the foreground with
# safepc-dm-evil in EVIL_MODE; sets rc, wall_ms, end_ticks, end_ns, dom,
# out, err.
run_evil() {
	local name=$1 evil=$2 t0 t1

	out=$tmp/$name.out
	err=$tmp/$name.err
	t0=$(date +%s%N)
	SAFEPC_DM_BINARY=safepc-dm-evil SAFEPC_DM_TEST_ARGS=$evil \
		timeout -k 5 30 "$safepc" create -F "$cfg" "name=$name" \
		>"$out" 2>"$err" </dev/null
	rc=$?
	end_ticks=$(uptime_ticks)
	t1=$(date +%s%N)
	end_ns=$t1
	wall_ms=$(((t1 - t0) / 1000000))
	dom=$(grep -o -m1 -E '(hv|dm)/[0-9]+' "$err" | grep -o -E '[0-9]+$')
}

# Prints the tail of a run's output when it failed.
show_run() {
	echo "  --- stdout ($out):"
	tail -n 8 "$out" | sed 's/^/    /'
	echo "  --- stderr ($err):"
	tail -n 25 "$err" | sed 's/^/    /'
}

# The final stderr line: "safepc: domain NAME: REASON".
reason_line() {
	tail -n 1 "$err"
}

# check_evil EVIL_MODE STATUS BOUND_MS LAST_LINE_ERE [ERE...]: runs the
# mode and checks the status, the one-line reason (last stderr line; for
# status 0 hv's line anywhere), each further ERE somewhere in stderr, the
# time, and that nothing is left.
check_evil() {
	local evil=$1 want_rc=$2 bound=$3 last=$4 name trig re
	local before=$failed

	shift 4
	name=e2e-evil-$evil-$$
	run_evil "$name" "$evil"
	if [ -z "$dom" ]; then
		fail "$evil: no domain id in stderr (no hv/N or dm/N tag)"
		show_run
		return
	fi
	# Placeholders in the expectations: @DM@ is the DM's tag, @HV@ hv's,
	# @NAME@ the domain's name.
	last=${last//@DM@/dm\/$dom\/chipset}
	last=${last//@HV@/hv\/$dom}
	last=${last//@NAME@/$name}
	if [ "$rc" != "$want_rc" ]; then
		fail "$evil: exit status $rc, expected $want_rc"
	fi
	if [ "$want_rc" = 0 ]; then
		# A clean end: hv's line, but the DM may log after it.
		grep -q -E -- "$last" "$err" || fail "$evil: no /$last/ in stderr"
		if grep -q "^safepc: domain $name: " "$err"; then
			fail "$evil: safepc reported a failure"
		fi
	elif ! reason_line | grep -q -E -- "$last"; then
		fail "$evil: last stderr line is not /$last/"
	fi
	for re in "$@"; do
		re=${re//@DM@/dm\/$dom\/chipset}
		re=${re//@HV@/hv\/$dom}
		re=${re//@NAME@/$name}
		grep -q -E -- "$re" "$err" || fail "$evil: no /$re/ in stderr"
	done
	if [ "$want_rc" = 2 ] &&
		[ "$(grep -c "^safepc: domain $name: " "$err")" != 1 ]; then
		fail "$evil: not exactly one 'safepc: domain $name:' line"
	fi
	# How long from the misbehaviour to the end of `safepc create`.
	trig=$(sed -n -E 's/.*evil: [a-z_]+: triggered at realtime ([0-9]+).*/\1/p' \
		"$err" | head -n 1)
	det_ms=
	if [ -n "$trig" ]; then
		det_ms=$(((end_ns - trig) / 1000000))
		if [ "$det_ms" -gt "$bound" ]; then
			fail "$evil: ended $det_ms ms after the misbehaviour (bound $bound ms)"
		fi
	fi
	if [ "$wall_ms" -gt $((bound + BOOT_BOUND_MS)) ]; then
		fail "$evil: took $wall_ms ms (bound $bound ms + $BOOT_BOUND_MS ms to boot)"
	fi
	check_nothing_left "$evil" "$dom" "$end_ticks" "$end_ns"
	if [ "$failed" != "$before" ]; then
		show_run
		return
	fi
	echo "PASS: [$evil] status $rc in $wall_ms ms${det_ms:+ (ended $det_ms ms after the misbehaviour)}: $(grep -m1 -E -- "$last" "$err")"
}

# The guest booted and reached the trigger (the port-0x3FF probe).
check_booted() {
	local evil=$1

	grep -q '^safepc demo guest$' "$out" ||
		fail "$evil: the guest never printed its banner"
	grep -q "evil: $evil: triggered at realtime" "$err" ||
		fail "$evil: the DM never saw the guest's port 0x3FF access"
}

# While hv waits for a silent DM, neither may spin: samples the CPU time
# both use over 2 s once the DM has taken the request, and the DM's state.
# Writes "TAG STATE CPU_MS" lines to FILE.
sample_idle() {
	local errf=$1 file=$2 dom='' p c t st
	local -a pids f cpu0

	for _ in $(seq 100); do
		grep -q 'evil: silent: triggered' "$errf" 2>/dev/null && break
		sleep 0.1
	done
	dom=$(grep -o -m1 -E '(hv|dm)/[0-9]+' "$errf" | grep -o -E '[0-9]+$')
	[ -n "$dom" ] || return
	sleep 1
	# One pgrep, not a program per process: on a busy machine a loop
	# over /proc outlasted hv's wait.
	mapfile -t pids < <(pgrep -f "^safepc-(hv --tag hv/$dom |dm --tag dm/$dom/)")
	for p in "${pids[@]}"; do
		read -r -a f <<<"$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null)"
		cpu0[p]=$((f[11] + f[12])) # utime + stime, fields 14 and 15
	done
	sleep 2
	for p in "${pids[@]}"; do
		read -r -a f <<<"$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null)"
		st=${f[0]:-gone}
		t=$((f[11] + f[12]))
		c=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")
		c=${c#* --tag }
		echo "${c%% *} $st $(((t - cpu0[p]) * 1000 / clk_tck))"
	done >"$file"
}

fault='^safepc: domain @NAME@: device model fault: @DM@'

case $mode in
none)
	# Control: the evil build with no misbehaviour runs the guest to its
	# poweroff, so every failure below is the misbehaviour's doing.
	check_evil none 0 "$FAST_BOUND_MS" '@HV@: info: stopping domain: guest powered off$'
	grep -q '^poweroff$' "$out" || fail "none: the guest did not reach poweroff"
	;;
wrong_state)
	check_evil wrong_state 2 "$FAST_BOUND_MS" \
		"$fault: invalid ioreq state 7 in slot 0\$" \
		'@HV@: error: stopping domain: @DM@: invalid ioreq state 7'
	check_booted wrong_state
	;;
garbage)
	check_evil garbage 2 "$FAST_BOUND_MS" \
		"$fault: answer does not match the request \\(size 66 count 1128481603 seq [0-9]+\\)\$"
	check_booted garbage
	;;
bad_size)
	check_evil bad_size 2 "$FAST_BOUND_MS" \
		"$fault: answer does not match the request \\(size 200 count 1 seq [0-9]+\\)\$"
	check_booted bad_size
	;;
bad_count)
	check_evil bad_count 2 "$FAST_BOUND_MS" \
		"$fault: answer does not match the request \\(size 1 count 65536 seq [0-9]+\\)\$"
	check_booted bad_count
	;;
silent)
	sample_idle "$tmp/e2e-evil-silent-$$.err" "$tmp/idle" &
	check_evil silent 2 "$SILENT_BOUND_MS" \
		"$fault did not answer within $DM_TIMEOUT_MS ms\$"
	check_booted silent
	# hv must have waited for its timeout, not given up early.
	if [ -n "${det_ms:-}" ] && [ "$det_ms" -lt $((DM_TIMEOUT_MS - 500)) ]; then
		fail "silent: domain ended $det_ms ms after the request, before the $DM_TIMEOUT_MS ms timeout"
	fi
	# While waiting: the DM alive and asleep, neither it nor hv spinning.
	wait
	if [ "$(wc -l <"$tmp/idle" 2>/dev/null)" != 2 ]; then
		fail "silent: could not sample hv and the DM while hv waited"
	fi
	while read -r tag st ms; do
		echo "  while hv waited: $tag state $st, $ms ms of CPU in 2 s"
		case $tag in
		dm/*) [ "$st" = S ] || fail "silent: the DM was not asleep ($st) while hv waited" ;;
		esac
		[ "$ms" -le 200 ] || fail "silent: $tag used $ms ms of CPU in 2 s while hv waited"
	done <"$tmp/idle"
	;;
die)
	check_evil die 2 "$FAST_BOUND_MS" "$fault closed its dm_op socket" \
		'^safepc: error: @DM@ exited with status 1$'
	check_booted die
	;;
crash)
	check_evil crash 2 "$FAST_BOUND_MS" "$fault closed its dm_op socket" \
		'^safepc: error: @DM@ killed by signal 11 '
	check_booted crash
	;;
seccomp)
	check_evil seccomp 2 "$FAST_BOUND_MS" "$fault closed its dm_op socket" \
		'^safepc: error: @DM@ killed: seccomp violation(: socket\(2\))?$'
	check_booted seccomp
	;;
bad_dm_op)
	# Refused dm_ops are the DM's problem, not the domain's: the guest
	# runs to its poweroff, and hv says what it refused.
	check_evil bad_dm_op 0 "$FAST_BOUND_MS" \
		'@HV@: info: stopping domain: guest powered off$' \
		'^@HV@: warning: @DM@: refused map of type 0 0x1f0-0x1f7: outside its manifest$' \
		'^@HV@: warning: @DM@: refused IRQ 14: outside its manifest$' \
		'^@HV@: warning: @DM@: malformed dm_op \(12 bytes\)$' \
		'^@DM@: info: evil: bad_dm_op: every bad dm_op was refused; serving normally$'
	check_booted bad_dm_op
	grep -q '^poweroff$' "$out" || fail "bad_dm_op: the guest did not reach poweroff"
	if grep -q 'device model fault\|evil: bad_dm_op: .*hv answered\|hv accepted' "$err"; then
		fail "bad_dm_op: a bad dm_op was accepted or stopped the domain"
		show_run
	fi
	;;
dm_op_flood)
	check_evil dm_op_flood 2 "$FAST_BOUND_MS" \
		"$fault: too many malformed dm_op messages\$"
	check_booted dm_op_flood
	;;
bad_ring)
	check_evil bad_ring 2 "$FAST_BOUND_MS" \
		"$fault: ring consumer index [0-9]+ out of range \\(producer [0-9]+\\)\$"
	check_booted bad_ring
	;;
unknown)
	# A mode the evil DM does not know: it must refuse to start, and the
	# domain must fail with the DM's reason, not hang.
	check_evil no_such_mode 2 "$FAST_BOUND_MS" "$fault closed its dm_op socket" \
		"^@DM@: error: evil: unknown test mode 'no_such_mode'\$" \
		'^safepc: error: @DM@ exited with status 1$'
	;;
coexist)
	# A good domain (the real DM, guest idle) must not notice evil
	# domains failing next to it, and must then end cleanly on SIGTERM.
	gname=e2e-good-$$
	gout=$tmp/$gname.out
	gerr=$tmp/$gname.err
	env -u SAFEPC_DM_BINARY -u SAFEPC_DM_TEST_ARGS \
		"$safepc" create -F "$cfg" "name=$gname" extra=idle \
		>"$gout" 2>"$gerr" </dev/null &
	gpid=$!
	bg_pids=$gpid
	for _ in $(seq 100); do
		grep -q '^idle: halted$' "$gout" && break
		alive "$gpid" || break
		sleep 0.1
	done
	if ! grep -q '^idle: halted$' "$gout"; then
		fail "coexist: the good domain did not reach 'idle: halted'"
		cat "$gout" "$gerr" | sed 's/^/    /'
		exit 1
	fi
	gkids=$(pgrep -P "$gpid" | sort -n | tr '\n' ' ')
	# shellcheck disable=SC2086 # two pids, split on purpose
	set -- $gkids
	if [ $# != 2 ]; then
		fail "coexist: the good domain has $# processes ($gkids), expected hv and one DM"
		exit 1
	fi
	gdom=
	declare -a gstart
	for p in $gkids; do
		gstart[p]=$(cut -d' ' -f22 <"/proc/$p/stat")
		c=$(tr '\0' ' ' <"/proc/$p/cmdline")
		case $c in
		"safepc-hv --tag hv/"*) gdom=${c#safepc-hv --tag hv/}; gdom=${gdom%% *} ;;
		"safepc-dm --tag dm/"*) ;;
		*) fail "coexist: unexpected process $p of the good domain: $c" ;;
		esac
	done
	[ -n "$gdom" ] || { fail "coexist: no hv among $gkids"; exit 1; }
	echo "good domain $gname: id $gdom, safepc $gpid, hv and DM $gkids"

	check_evil wrong_state 2 "$FAST_BOUND_MS" \
		"$fault: invalid ioreq state 7 in slot 0\$"
	check_evil crash 2 "$FAST_BOUND_MS" "$fault closed its dm_op socket"
	check_evil dm_op_flood 2 "$FAST_BOUND_MS" \
		"$fault: too many malformed dm_op messages\$"

	# Still running: the same processes, none a zombie or stopped.
	for p in $gpid $gkids; do
		st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$p/status" 2>/dev/null)
		case $st in
		R | S | D) ;;
		*) fail "coexist: good domain process $p is ${st:-gone} after the evil domains" ;;
		esac
	done
	for p in $gkids; do
		s=$(cut -d' ' -f22 2>/dev/null <"/proc/$p/stat")
		[ "$s" = "${gstart[$p]}" ] || fail "coexist: good domain process $p was replaced"
	done
	if grep -q 'fault\|stopping domain' "$gerr"; then
		fail "coexist: the good domain logged a fault:"
		sed 's/^/    /' "$gerr"
	fi

	# Destroy it like a user would: SIGTERM to its safepc.
	term_ms=$(now_ms)
	kill -TERM "$gpid" 2>/dev/null
	grc=
	for _ in $(seq 50); do
		alive "$gpid" || break
		sleep 0.1
	done
	if alive "$gpid"; then
		fail "coexist: the good domain's safepc did not exit within 5 s of SIGTERM"
		kill -KILL "$gpid"
	fi
	wait "$gpid"
	grc=$?
	bg_pids=
	gend_ticks=$(uptime_ticks)
	gend_ns=$(date +%s%N)
	end_ms=$(now_ms)
	[ "$grc" = 2 ] || fail "coexist: good domain exited with $grc after SIGTERM, expected 2"
	tail -n 1 "$gerr" | grep -q "^safepc: domain $gname: destroyed by signal 15\$" ||
		fail "coexist: good domain's last stderr line is not 'destroyed by signal 15'"
	for p in $gkids; do
		if [ -e "/proc/$p" ] &&
			[ "$(cut -d' ' -f22 2>/dev/null <"/proc/$p/stat")" = "${gstart[$p]}" ]; then
			fail "coexist: good domain process $p survived its destruction"
		fi
	done
	check_nothing_left "coexist (good domain)" "$gdom" "$gend_ticks" "$gend_ns"
	if [ "$failed" = 0 ]; then
		echo "PASS: [coexist] good domain $gdom kept running, then ended in $((end_ms - term_ms)) ms on SIGTERM: $(tail -n 1 "$gerr")"
	else
		sed 's/^/    /' "$gerr"
	fi
	;;
*)
	echo "$0: unknown mode '$mode'" >&2
	exit 2
	;;
esac

exit $failed
