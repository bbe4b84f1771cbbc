# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# scripts/bench ioreq - the cost of one guest port read served by a DM
# (docs/performance.md).
#
# The guest tests/guest/bench_ioreq.c does n=N `inb 0x3ff` (COM1 scratch
# register) in a tight ring-0 loop and exits through port 0xF4.  Three VMMs
# run it:
#   safepc  the UART lives in the out-of-process DM (the ioreq channel);
#   floor   the same domain with floor_port = 0x3ff: hv answers the port
#           itself, no DM involved (the bare exit floor);
#   qemu    qemu-system-x86_64, its own 16550 at 0x3f8.
# --accel kvm (default; needs /dev/kvm): safepc accel = "kvm", QEMU -accel
# kvm.  --accel soft: safepc on its soft CPU (accel = "soft"), QEMU -accel
# tcg; there the floor and QEMU answer in-process in tens of nanoseconds,
# so they get more reads (--n2-floor, --n2-qemu) to last seconds.
# Whole runs are timed from outside with N1 and N2 reads, so boot and
# shutdown cancel out: cost per access = (t(N2) - t(N1)) / (N2 - N1).
# The three are interleaved, K rounds, and the medians are compared, with
# min..max over the rounds beside them.  CPU time (user + system of the
# whole process tree) is reported the same way and goes into the last line
# next to wall time; for floor and qemu (one busy vCPU thread each) it is
# the cost of an exit unaffected by waiting for a CPU, and their CPU ratio
# is printed too.  For safepc the DM spins while it waits for requests, so
# its CPU time counts that spinning as well.

bench_ioreq_usage() {
	cat >&2 <<-USAGE
	usage: scripts/bench ioreq [--accel kvm|soft] [--runs K] [--n1 N1]
	                           [--n2 N2] [--n2-floor N] [--n2-qemu N]
	                           [--build DIR] [--timeout SECONDS] [--pin]
	  --accel A     kvm: safepc accel = "kvm", QEMU -accel kvm (needs
	                /dev/kvm; the default); soft: safepc's soft CPU against
	                QEMU -accel tcg
	  --runs K      rounds of (safepc, floor, qemu) x (N1, N2); default 5
	  --n1, --n2    port reads per short and long run; default 20000 and
	                220000 (kvm), N1 + 1000000 (soft)
	  --n2-floor N, --n2-qemu N
	                the long run's reads for the floor and QEMU; default N2
	                under kvm, N1 + 20000000 under soft
	  --build DIR   meson build directory; default $BENCH_BUILD
	  --timeout S   limit for one guest run; default 300
	  --pin         vCPU on host CPU 0 for all three, safepc's DM on CPU 1
	                (config keys cpus and dm_cpus; QEMU under taskset)
	The last line of output is (medians over K rounds; µs per access)
	  ioreq: safepc_us=A safepc_us_range=LO..HI safepc_cpu_us=CA safepc_cpu_us_range=LO..HI floor_us=B ... qemu_us=C ... ratio_floor=A/B ratio_qemu=A/C cpu_ratio_floor=CA/CB cpu_ratio_qemu=CA/CC rounds=K accel=safepc:X,qemu:Y
	USAGE
	exit 2
}



# bench_ioreq_check VMM N LOG - aborts unless the run passed.
bench_ioreq_check() {
	local vmm=$1 n=$2 log=$3 why=

	if [ "$BENCH_RC" = 124 ] || [ "$BENCH_RC" = 137 ]; then
		why="timed out"
	elif ! grep -q "^bench_ioreq: n=$n\$" "$log"; then
		why="the guest did not report n=$n (exit status $BENCH_RC)"
	elif [ "$BENCH_RC" = 1 ]; then
		return 0
	else
		why="exit status $BENCH_RC, want 1"
	fi
	echo "bench: error: ioreq: $vmm with n=$n: $why; its output:" >&2
	tail -n 20 "$log" | sed 's/^/  | /' >&2
	exit 1
}

# Samples the CPU time of the safepc-dm and safepc-hv started for CFG (found
# through the toolstack's command line) into OUT until the DM exits:
# "dm_utime dm_stime hv_utime hv_stime dm_vol_cs dm_invol_cs" in ticks.
bench_ioreq_sampler() {
	local cfg=$1 out=$2 p pp dm='' hv='' i line rest vcs=0 ics=0 k v
	local -a f g

	for ((i = 0; i < 4000 && !dm; i++)); do
		for p in $(pgrep -x safepc-dm); do
			read -r line 2>/dev/null <"/proc/$p/stat" || continue
			rest=${line##*) }
			read -ra f <<<"$rest"
			pp=${f[1]}
			if tr '\0' ' ' <"/proc/$pp/cmdline" 2>/dev/null |
			   grep -qF -- "$cfg"; then
				dm=$p
				hv=$(pgrep -P "$pp" -x safepc-hv | head -n 1)
				break
			fi
		done
		[ -n "$dm" ] || sleep 0.005
	done
	[ -n "$dm" ] || return 0
	while read -r line 2>/dev/null <"/proc/$dm/stat"; do
		rest=${line##*) }
		read -ra f <<<"$rest"
		g=(0 0 0 0 0 0 0 0 0 0 0 0 0 0)
		if [ -n "$hv" ] && read -r line 2>/dev/null <"/proc/$hv/stat"; then
			rest=${line##*) }
			read -ra g <<<"$rest"
		fi
		while read -r k v; do
			case $k in
			voluntary_ctxt_switches:) vcs=$v ;;
			nonvoluntary_ctxt_switches:) ics=$v ;;
			esac
		done 2>/dev/null <"/proc/$dm/status"
		echo "${f[11]} ${f[12]} ${g[11]} ${g[12]} $vcs $ics" >"$out.new" &&
			mv -f "$out.new" "$out"
		sleep 0.02
	done
}

# bench_ioreq_fmt X - a per-access figure in µs, 4 significant digits
# (under the soft CPU the floor costs nanoseconds, under KVM microseconds).
bench_ioreq_fmt() {
	awk -v x="$1" 'BEGIN { printf "%.4g", x }'
}

bench_ioreq() {
	local runs=5 n1=20000 n2='' n2f='' n2q='' tmo=300 pin=0 accel=kvm qaccel
	local safepc elf qemu vmm n r i j log cfg v
	local -a order split
	local -A wall cpu per cper nbig

	while [ $# -gt 0 ]; do
		case $1 in
		--accel) accel=${2:-}; shift 2 || bench_ioreq_usage ;;
		--runs) runs=${2:-}; shift 2 || bench_ioreq_usage ;;
		--n1) n1=${2:-}; shift 2 || bench_ioreq_usage ;;
		--n2) n2=${2:-}; shift 2 || bench_ioreq_usage ;;
		--n2-floor) n2f=${2:-}; shift 2 || bench_ioreq_usage ;;
		--n2-qemu) n2q=${2:-}; shift 2 || bench_ioreq_usage ;;
		--build) BENCH_BUILD=${2:-}; shift 2 || bench_ioreq_usage ;;
		--timeout) tmo=${2:-}; shift 2 || bench_ioreq_usage ;;
		--pin) pin=1; shift ;;
		*) bench_ioreq_usage ;;
		esac
	done
	bench_is_uint "$n1" || bench_ioreq_usage
	case $accel in
	kvm)
		qaccel=kvm
		: "${n2:=220000}"
		: "${n2f:=$n2}" "${n2q:=$n2}"
		;;
	soft)
		# A port read through the DM costs 0.4-40 µs on the soft CPU
		# (a free core or none), one the floor or TCG answers ~0.03 µs.
		qaccel=tcg
		: "${n2:=$((n1 + 1000000))}"
		: "${n2f:=$((n1 + 20000000))}" "${n2q:=$((n1 + 20000000))}"
		;;
	*) bench_ioreq_usage ;;
	esac
	for v in "$runs" "$n1" "$n2" "$n2f" "$n2q" "$tmo"; do
		bench_is_uint "$v" || bench_ioreq_usage
	done
	if [ "$runs" -lt 1 ] || [ "$n2" -le "$n1" ] || [ "$n2f" -le "$n1" ] ||
	   [ "$n2q" -le "$n1" ] || [ "$tmo" -lt 1 ]; then
		bench_ioreq_usage
	fi
	nbig[safepc]=$n2 nbig[floor]=$n2f nbig[qemu]=$n2q

	if [ "$accel" = kvm ]; then
		bench_need_kvm
	else
		[ "$(id -u)" = 0 ] || bench_skip "needs root (the jail)"
	fi
	safepc=$(bench_find_exe safepc "$BENCH_BUILD/src/toolstack") ||
		bench_die "no safepc in $BENCH_BUILD (build it: ninja -C $BENCH_BUILD)"
	elf=$BENCH_BUILD/tests/guest/bench_ioreq.elf
	[ -f "$elf" ] || bench_die "no $elf (ninja -C $BENCH_BUILD)"
	elf=$(cd "$(dirname "$elf")" && pwd)/$(basename "$elf")
	qemu=$(command -v qemu-system-x86_64) ||
		bench_skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
	bench_tmpdir

	for vmm in safepc floor; do
		for n in "$n1" "${nbig[$vmm]}"; do
			cfg=$BENCH_TMP/$vmm-$n.cfg
			cat >"$cfg" <<-CFG
			name = "bench-$vmm-$$-$n"
			accel = "$accel"
			kernel = "$elf"
			memory = 64
			extra = "n=$n"
			serial = "pty"
			CFG
			if [ $vmm = floor ]; then
				echo 'floor_port = 0x3ff' >>"$cfg"
				[ $pin = 0 ] || echo 'cpus = "0"' >>"$cfg"
			elif [ $pin = 1 ]; then
				printf 'cpus = "0"\ndm_cpus = "1"\n' >>"$cfg"
			fi
		done
	done

	local -a qpin=()
	if [ $pin = 1 ]; then
		[ "$(nproc)" -ge 2 ] || bench_die "--pin needs 2 host CPUs"
		qpin=(taskset -c 0)
		bench_log "pinned: vCPU threads on CPU 0, safepc's DM on CPU 1"
	fi
	bench_log "ioreq: $runs rounds of safepc, floor, qemu (safepc accel $accel, QEMU $qaccel);" \
		"n=$n1 and n=${nbig[safepc]}, ${nbig[floor]}, ${nbig[qemu]}"
	local start_us load0
	start_us=$(bench_now_us)
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	local sampled=0 sample_wall=0
	for ((r = 1; r <= runs; r++)); do
		# Rotate the order each round so no VMM always runs first.
		order=(safepc floor qemu)
		for ((i = 0; i < (r - 1) % 3; i++)); do
			order=("${order[@]:1}" "${order[0]}")
		done
		for vmm in "${order[@]}"; do
			j=0
			for n in "$n1" "${nbig[$vmm]}"; do
				j=$((j + 1))
				log=$BENCH_TMP/$vmm-$n.log
				# stderr apart, added after the run: a VMM's log
				# lines would otherwise split the guest's.
				# shellcheck disable=SC2016 # expanded by that sh
				split=(sh -c 'e=$1; shift; exec "$@" 2>"$e"' sh "$log.err")
				case $vmm in
				qemu)
					bench_timed "$log" "$tmo" "${split[@]}" "${qpin[@]}" "$qemu" \
						-accel "$qaccel" \
						-kernel "$elf" -append "n=$n" -m 64 \
						-device isa-debug-exit,iobase=0xf4,iosize=4 \
						-display none -serial stdio -monitor none \
						-no-reboot
					;;
				*)
					cfg=$BENCH_TMP/$vmm-$n.cfg
					if [ "$vmm" = safepc ] && [ $j = 2 ] &&
					   [ $sampled = 0 ]; then
						bench_ioreq_sampler "$cfg" "$BENCH_TMP/dmcpu" &
						BENCH_BG_PIDS="$BENCH_BG_PIDS $!"
					fi
					bench_timed "$log" "$tmo" "${split[@]}" "$safepc" create -F "$cfg"
					if [ "$vmm" = safepc ] && [ $j = 2 ] &&
					   [ $sampled = 0 ]; then
						wait "${BENCH_BG_PIDS##* }" 2>/dev/null
						BENCH_BG_PIDS=${BENCH_BG_PIDS% *}
						sampled=1
						sample_wall=$BENCH_WALL_US
					fi
					if ! grep -q "accel: $accel" "$log.err"; then
						cat "$log.err" >>"$log"
						echo "bench: error: ioreq: $vmm did not run with accel $accel; its output:" >&2
						tail -n 20 "$log" | sed 's/^/  | /' >&2
						exit 1
					fi
					;;
				esac
				cat "$log.err" >>"$log" 2>/dev/null
				bench_ioreq_check "$vmm" "$n" "$log"
				wall[$vmm,$j,$r]=$BENCH_WALL_US
				cpu[$vmm,$j,$r]=$BENCH_CPU_US
				bench_log "$(printf 'round %d/%d %-6s n=%-9s %8.3f s wall %8.3f s cpu' \
					"$r" "$runs" "$vmm" "$n" \
					"$(awk -v t="$BENCH_WALL_US" 'BEGIN { print t / 1e6 }')" \
					"$(awk -v t="$BENCH_CPU_US" 'BEGIN { print t / 1e6 }')")"
			done
		done
	done

	# The table of samples.
	echo "N1 = $n1; N2: safepc ${nbig[safepc]}, floor ${nbig[floor]}, qemu ${nbig[qemu]}"
	printf '%-5s %-6s %10s %10s %11s %10s %10s %11s\n' round vmm \
		"t(N1)/s" "t(N2)/s" "us/access" "cpu(N1)/s" "cpu(N2)/s" \
		"cpu_us/acc"
	for ((r = 1; r <= runs; r++)); do
		for vmm in safepc floor qemu; do
			per[$vmm,$r]=$(awk -v a="${wall[$vmm,1,$r]}" \
				-v b="${wall[$vmm,2,$r]}" -v d="$((nbig[$vmm] - n1))" \
				'BEGIN { printf "%.6f", (b - a) / d }')
			cper[$vmm,$r]=$(awk -v a="${cpu[$vmm,1,$r]}" \
				-v b="${cpu[$vmm,2,$r]}" -v d="$((nbig[$vmm] - n1))" \
				'BEGIN { printf "%.6f", (b - a) / d }')
			awk -v r="$r" -v v="$vmm" -v a="${wall[$vmm,1,$r]}" \
				-v b="${wall[$vmm,2,$r]}" -v p="${per[$vmm,$r]}" \
				-v ca="${cpu[$vmm,1,$r]}" -v cb="${cpu[$vmm,2,$r]}" \
				-v cp="${cper[$vmm,$r]}" 'BEGIN {
				printf "%-5d %-6s %10.3f %10.3f %11.4g %10.3f %10.3f %11.4g\n",
					r, v, a / 1e6, b / 1e6, p, ca / 1e6, cb / 1e6, cp }'
		done
	done

	local -A med mcpu wlo whi clo chi
	local -a ws cs
	echo
	echo "medians over $runs rounds, us per access (min..max):"
	printf '%-6s %10s %22s %12s %22s\n' vmm wall_us "min..max" cpu_us \
		"min..max"
	for vmm in safepc floor qemu; do
		ws=() cs=()
		for ((r = 1; r <= runs; r++)); do
			ws+=("${per[$vmm,$r]}")
			cs+=("${cper[$vmm,$r]}")
		done
		med[$vmm]=$(bench_ioreq_fmt "$(bench_median "${ws[@]}")")
		mcpu[$vmm]=$(bench_ioreq_fmt "$(bench_median "${cs[@]}")")
		read -r "wlo[$vmm]" "whi[$vmm]" <<<"$(bench_minmax "${ws[@]}")"
		read -r "clo[$vmm]" "chi[$vmm]" <<<"$(bench_minmax "${cs[@]}")"
		wlo[$vmm]=$(bench_ioreq_fmt "${wlo[$vmm]}")
		whi[$vmm]=$(bench_ioreq_fmt "${whi[$vmm]}")
		clo[$vmm]=$(bench_ioreq_fmt "${clo[$vmm]}")
		chi[$vmm]=$(bench_ioreq_fmt "${chi[$vmm]}")
		printf '%-6s %10s %22s %12s %22s\n' "$vmm" "${med[$vmm]}" \
			"${wlo[$vmm]}..${whi[$vmm]}" "${mcpu[$vmm]}" \
			"${clo[$vmm]}..${chi[$vmm]}"
	done
	# floor and qemu each keep one thread (the vCPU) busy for the whole
	# loop, so their CPU per access is the cost of one exit, whatever else
	# the machine runs; wall minus CPU is time their vCPU waited for a CPU.
	# A wall-clock gap between them that their CPU figures do not show is
	# the machine's load, not an exit path.
	awk -v fw="${med[floor]}" -v fc="${mcpu[floor]}" \
		-v qw="${med[qemu]}" -v qc="${mcpu[qemu]}" 'BEGIN {
		printf "\nexit cost (CPU per access, one busy vCPU thread): floor %.4g us, qemu %.4g us, floor/qemu %.3f\n",
			fc, qc, (qc > 0 ? fc / qc : 0)
		if (fc > 0 && fw > 1.15 * fc)
			printf "note: floor waited for a CPU: wall %.4g us against %.4g us of CPU per access (the machine was busy)\n", fw, fc
		if (qc > 0 && qw > 1.15 * qc)
			printf "note: qemu waited for a CPU: wall %.4g us against %.4g us of CPU per access (the machine was busy)\n", qw, qc
	}'
	if [ -s "$BENCH_TMP/dmcpu" ]; then
		local du ds hu hs vcs ics hz
		read -r du ds hu hs vcs ics <"$BENCH_TMP/dmcpu"
		hz=$(getconf CLK_TCK)
		awk -v du="$du" -v ds="$ds" -v hu="$hu" -v hs="$hs" -v hz="$hz" \
			-v w="$sample_wall" -v n="$n2" -v vcs="$vcs" -v ics="$ics" 'BEGIN {
			w /= 1e6
			printf "\nCPU in one safepc run with n=%d (%.3f s wall, sampled every 20 ms):\n", n, w
			printf "  safepc-dm  user %.2f s  sys %.2f s  (%.0f%% of wall); context switches: %d voluntary, %d involuntary\n",
				du / hz, ds / hz, 100 * (du + ds) / hz / w, vcs, ics
			printf "  safepc-hv  user %.2f s  sys %.2f s  (%.0f%% of wall)\n",
				hu / hz, hs / hz, 100 * (hu + hs) / hz / w }'
	fi
	echo
	echo "machine: $(nproc) CPUs, $(uname -r), /dev/kvm $([ -e /dev/kvm ] && echo present || echo absent);" \
		"$(date -u '+%Y-%m-%d %H:%M UTC'); load average" \
		"$load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after" \
		"($(awk -v t="$(($(bench_now_us) - start_us))" \
		'BEGIN { printf "%.1f", t / 1e6 }') s)"
	bench_log "ioreq: total wall time $(awk -v t="$(( $(bench_now_us) - start_us ))" \
		'BEGIN { printf "%.1f", t / 1e6 }') s"
	echo
	{
		for vmm in safepc floor qemu; do
			printf '%s_us=%s %s_us_range=%s..%s %s_cpu_us=%s %s_cpu_us_range=%s..%s ' \
				"$vmm" "${med[$vmm]}" "$vmm" "${wlo[$vmm]}" "${whi[$vmm]}" \
				"$vmm" "${mcpu[$vmm]}" "$vmm" "${clo[$vmm]}" "${chi[$vmm]}"
		done
		awk -v a="${med[safepc]}" -v b="${med[floor]}" -v c="${med[qemu]}" \
			-v ca="${mcpu[safepc]}" -v cb="${mcpu[floor]}" -v cc="${mcpu[qemu]}" '
			function ratio(x, y) { return y > 0 ? sprintf("%.3f", x / y) : "nan" }
			BEGIN {
			printf "ratio_floor=%s ratio_qemu=%s cpu_ratio_floor=%s cpu_ratio_qemu=%s ",
				ratio(a, b), ratio(a, c), ratio(ca, cb), ratio(ca, cc) }'
		echo "rounds=$runs accel=safepc:$accel,qemu:$qaccel"
	} | sed 's/^/ioreq: /'
}
