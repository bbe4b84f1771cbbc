#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Guest-side attacks on the soft CPU (tests/guest/attack_soft.c): tables
# pointing outside RAM or into MMIO, huge REP counts, code rewritten under
# another vCPU, IPI and timer-interrupt storms, a page-table loop, endless
# loops. Each case boots one domain under `safepc create ... accel=soft`
# with a timeout. The guest may crash; hv and the other domains never do.
#
#   tests/escape/soft_guest.sh BUILD_DIR [CASE...]
#
# A case is contained when its domain ended one of the ways its table row
# allows, chosen from:
#   pass    the guest's own report: exit status 1, a SUMMARY line, no FAIL
#   triple  a clean crash report, "guest crashed: vCPU N: triple fault"
#   exc     the guest's own unexpected-exception exit (status 5)
#   hang    still running at its deadline, then `safepc destroy` ended it
#           within DESTROY_WAIT seconds, leaving no hv or DM process
#           (the endless-loop cases)
# and, whatever the row says, nothing in safepc's output shows hv or a DM
# failing (an hv error, a device model fault, a signal, a sanitizer
# report), and a neighbouring domain (the demo, idle, started first) is
# still running afterwards. During the endless-loop cases a second demo
# domain boots and must power off normally. Last line: "contained N/M".
# Exit 0 only when every case was contained; 77 (skip) without root or
# the build; 1 otherwise.
set -u

CASE_TIMEOUT=30		# seconds for a case that should end by itself
HANG_AFTER=4		# seconds an endless case runs before the destroy
DESTROY_WAIT=15		# seconds `safepc destroy` may take

build=${1:-}
if [ -z "$build" ]; then
	echo "usage: $0 BUILD_DIR [CASE...]" >&2
	exit 2
fi
shift
want=("$@")

skip() {
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "must run as root (safepc builds jails)"
build=$(cd "$build" 2>/dev/null && pwd) || skip "no build directory $1"
safepc=$build/safepc
attack=$build/tests/guest/attack_soft.elf
attack32=$build/tests/guest/attack_soft32.elf
demo=$build/tests/guest/demo.elf
for f in "$safepc" "$build/safepc-hv" "$build/safepc-dm"; do
	[ -x "$f" ] || skip "$f not built"
done
[ -f "$attack" ] || skip "$attack not built (is the guest kit disabled?)"
[ -f "$attack32" ] || skip "$attack32 not built"
[ -f "$demo" ] || skip "$demo not built"

tmp=$(mktemp -d /tmp/safepc-softatk.XXXXXX) || exit 1
tag=sa$$
neighbour=$tag-neighbour
bgpids=()
cleanup() {
	local p
	"$safepc" destroy "$neighbour" >/dev/null 2>&1
	for p in "${bgpids[@]}"; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# The case table: name, vCPUs, allowed endings, extra (the guest's
# command line).
cases=(
	"rep 1 pass rep"
	"outs 1 pass outs"
	"ptloop 1 pass ptloop"
	"timer 1 pass timer"
	"ipi 2 pass ipi"
	"xmc 2 pass xmc"
	"xmc-chaos 2 pass,triple,exc xmc_chaos"
)
for t in gdt idt tss cr3 pml4e pdpte; do
	for a in ramend ramend8 hole lapic ioapic top; do
		cases+=("$t-$a 1 pass,triple,exc $t=$a")
	done
done
for a in ramend ramend8 hole lapic ioapic top; do
	cases+=("pae-$a 1 pass,triple,exc pae=$a")
done
cases+=("spin 1 hang spin" "ipi-init-self 1 hang,triple ipi_init_self")

mkcfg() { # NAME KERNEL VCPUS EXTRA
	cat > "$tmp/$1.cfg" <<-CFG
	name = "$1"
	memory = 32
	vcpus = $3
	accel = "soft"
	kernel = "$2"
	extra = "$4"
	on_reboot = "destroy"
	on_crash = "destroy"
	CFG
}

# Signs that hv or a DM, not the guest, failed.
BAD='hv-error|device model fault|killed by signal|AddressSanitizer|'\
'LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|hv exited|'\
'Segmentation fault|core dumped|internal error'

running() { # NAME
	"$safepc" list 2>/dev/null | awk -v n="$1" '$2 == n { print $3 }' |
		grep -q running
}

# The neighbour: the demo, idle (halted, interrupts on) until destroyed.
mkcfg "$neighbour" "$demo" 1 idle
"$safepc" create -F "$tmp/$neighbour.cfg" </dev/null >"$tmp/neighbour.log" 2>&1 &
bgpids+=($!)
for _ in $(seq 50); do
	running "$neighbour" && break
	sleep 0.2
done
if ! running "$neighbour"; then
	echo "FAIL: the neighbouring demo domain did not start"
	sed 's/^/    /' "$tmp/neighbour.log" | tail -n 20
	exit 1
fi

total=0
ok=0
for row in "${cases[@]}"; do
	read -r name vcpus allowed extra <<<"$row"
	if [ ${#want[@]} -gt 0 ]; then
		hit=0
		for w in "${want[@]}"; do
			[ "$w" = "$name" ] && hit=1
		done
		[ $hit = 1 ] || continue
	fi
	total=$((total + 1))
	dom=$tag-$name
	log=$tmp/$name.log
	kernel=$attack
	[[ $name != pae-* ]] || kernel=$attack32 # the 32-bit kit
	mkcfg "$dom" "$kernel" "$vcpus" "$extra"
	start=$(date +%s%N)
	end=
	if [[ ,$allowed, == *,hang,* ]]; then
		# An endless guest: it must still be destroyable. A second
		# demo domain meanwhile boots and powers off normally.
		"$safepc" create -F "$tmp/$dom.cfg" </dev/null >"$log" \
			2>"$log.err" &
		cpid=$!
		bgpids+=($cpid)
		mkcfg "$dom-demo" "$demo" 1 ""
		timeout -k 5 "$CASE_TIMEOUT" "$safepc" create -F \
			"$tmp/$dom-demo.cfg" </dev/null >"$tmp/$name-demo.log" 2>&1
		drc=$?
		sleep "$HANG_AFTER"
		if kill -0 "$cpid" 2>/dev/null; then
			domid=$("$safepc" list 2>/dev/null |
				awk -v n="$dom" '$2 == n { print $1 }')
			"$safepc" destroy "$dom" >>"$log.err" 2>&1
			for _ in $(seq $((DESTROY_WAIT * 5))); do
				kill -0 "$cpid" 2>/dev/null || break
				sleep 0.2
			done
			if kill -0 "$cpid" 2>/dev/null; then
				end="not gone ${DESTROY_WAIT}s after safepc destroy"
				kill -9 "$cpid" 2>/dev/null
			elif [ -n "$domid" ] && sleep 0.5 &&
				pgrep -f -- "--tag (hv|dm)/$domid[ /]" >/dev/null; then
				end="a process of domain $domid outlived it"
			else
				end=hang
			fi
		fi
		wait "$cpid" 2>/dev/null
		rc=$?
		if [ "$drc" != 0 ]; then
			end="${end:+$end; }the concurrent demo ended with status $drc"
			sed 's/^/    demo: /' "$tmp/$name-demo.log" | tail -n 5 \
				>>"$log.err"
		fi
	else
		timeout -k 5 "$CASE_TIMEOUT" "$safepc" create -F "$tmp/$dom.cfg" \
			</dev/null >"$log" 2>"$log.err"
		rc=$?
	fi
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ -z "$end" ]; then
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			end="timed out after ${CASE_TIMEOUT}s"
		elif grep -q 'guest crashed: vCPU [0-9]*: triple fault' \
			"$log.err"; then
			end=triple
		elif [ "$rc" = 5 ]; then
			end=exc
		elif [ "$rc" = 1 ] && grep -q '^SUMMARY:' "$log" &&
			! grep -q '^FAIL:' "$log"; then
			end=pass
		else
			end="exit status $rc"
		fi
	fi
	why=
	# The guest's console (stdout) and safepc's, hv's and the DMs' lines
	# (stderr) are kept apart: interleaved, they split each other's lines.
	if cat "$log" "$log.err" | grep -Eq "$BAD"; then
		why="hv/DM failure in the output: $(cat "$log" "$log.err" |
			grep -Em1 "$BAD")"
	elif [[ ,$allowed, != *,$end,* ]]; then
		why="ended: $end (allowed: $allowed)"
	elif ! running "$neighbour"; then
		why="the neighbouring domain is gone"
	fi
	if [ -z "$why" ]; then
		ok=$((ok + 1))
		printf 'contained: %-16s %-8s %d.%03ds\n' "$name" "$end" \
			$((ms / 1000)) $((ms % 1000))
	else
		printf 'ESCAPED:   %-16s %s\n' "$name" "$why"
		cat "$log" "$log.err" |
			grep -E '^(FAIL|ATTACK|INFO|EXCEPTION)|safepc|hv/' |
			tail -n 12 | sed 's/^/    /'
	fi
done

# The neighbour ends the way a destroy ends it, and nothing was left.
"$safepc" destroy "$neighbour" >/dev/null 2>&1
wait "${bgpids[0]}" 2>/dev/null
if grep -Eq "$BAD" "$tmp/neighbour.log"; then
	echo "ESCAPED:   neighbour: $(grep -Em1 "$BAD" "$tmp/neighbour.log")"
	ok=$((ok - 1))
fi
echo "contained $ok/$total"
[ "$ok" = "$total" ]
