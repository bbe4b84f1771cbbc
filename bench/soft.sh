# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# scripts/bench soft - safepc's soft CPU (accel = "soft", docs/accel.md)
# against QEMU's TCG and Bochs on the same guests (docs/performance.md).
#
# Five parts, each K rounds (default 3) with the order of the VMMs
# alternating, medians over the rounds, ratios safepc / peer:
#
#   cpu       tests/guest/bench_cpu.elf (multiboot, 64 MiB): n turns of an
#             8-instruction loop (x4) and of a mixed workload (arithmetic,
#             table loads and stores, data-dependent branches, calls), in
#             ring 0 and again in ring 3.  safepc `create -F` with accel =
#             "soft" against `qemu-system-x86_64 -accel tcg -kernel`.  Each
#             VMM runs n = 0 and n = N (its own N, sized so that the work
#             takes seconds on it; TCG is ~10x faster), so boot and exit
#             cancel: cost per instruction = (t(N) - t(0)) / (I(N) - I(0)).
#             I(n) comes from bench-soft-icount, which single-steps the
#             guest's own both() on the host for n = 0 and n = 500 (no PMU
#             on these hosts) and extrapolates linearly.
#   bootsect  tests/guest/bootsect_loop.img (a boot sector: real mode to
#             32-bit protected mode, L turns of the same 8-instruction loop,
#             "bootsect_loop: done X" on port 0xE9 and COM1), padded to a
#             1008 KiB disk: safepc with firmware = "seabios" and the image
#             as IDE hda against Bochs (Debian's bochs, bochs-term,
#             bochsbios, vgabios; installed through apt when missing) as ata0
#             master, and QEMU TCG (-drive, for reference).  L is patched
#             into the image (the movl $L,%ecx before movl $0x5000,%esi);
#             each VMM runs L = 1 and L = its own count, and is timed to the
#             "done" line (then stopped: Bochs never exits by itself; safepc
#             to its exit, which the guest's write to 0xF4 causes right
#             after the line), so firmware boot cancels: 8 instructions per
#             turn.  Bochs: display "term" (Debian builds no "nogui"), sound
#             off, `c` answered to its debugger prompt.
#   pio       tests/guest/bench_ioreq.elf: `inb 0x3ff` (COM1 scratch,
#             safepc: the UART in its DM; QEMU: its own 16550) n times;
#             (t(N2) - t(N1)) / (N2 - N1) per VMM, again with counts of its
#             own.
#   disk      tests/guest/bench_disk.elf on one raw image (as scripts/bench
#             disk, smaller: PIO 1 MiB each way, DMA M MiB x P passes): the
#             DMA write+read combined MiB/s the guest reports, polled (nIEN
#             set, the guest polls the bus master: D) and interrupt-driven
#             (nIEN clear, the guest halts until IRQ 14: E), the same
#             passes and sizes.
#   boot      tests/guest/demo.elf (64 MiB): from spawn to the VMM's exit
#             after the guest's ACPI poweroff (safepc: its multiboot loader;
#             QEMU: -nodefaults with the minimal firmware qboot,
#             /usr/share/qemu/qboot.rom, then its own -kernel multiboot
#             load - the fair peer; SeaBIOS, with a warning, only when qboot
#             is missing.  `scripts/bench startup --accel soft` gives both).
#
# Last lines:
#   accel: safepc=soft qemu=tcg bochs=interp
#   soft: cpu_ratio_tcg=A cpu_ratio_bochs=A2 pio_us=P pio_ratio_tcg=B disk_ratio_tcg=D disk_irq_ratio_tcg=E boot_ratio_tcg=C boot_ref=R
# A, A2, B, C: safepc's time over the peer's for the same work (lower is
# better); D, E: safepc's polled and interrupt-driven DMA throughput over
# QEMU's (higher is better); P: µs per
# port read under the soft CPU; R: the QEMU that C compares with
# (qemu+qboot+nodefaults, or qemu+seabios without qboot).  A part left out
# (--parts) prints "-".
# Wall time makes the last line; the tables also give each figure by CPU
# time (user + system of the VMM's processes), steadier on a loaded host.

bench_soft_usage() {
	cat >&2 <<-USAGE
	usage: scripts/bench soft [--rounds K] [--parts LIST] [--build DIR]
	                          [--timeout SECONDS] [--cpu-n N] [--cpu-n-qemu N]
	                          [--loops L] [--loops-bochs L] [--loops-qemu L]
	                          [--pio-n N] [--pio-n-qemu N]
	                          [--disk-mib M] [--disk-passes P]
	  --rounds K      rounds; default 3
	  --parts LIST    comma-separated, of cpu,bootsect,pio,disk,boot;
	                  default all
	  --build DIR     meson build directory (guest tests on);
	                  default $BENCH_BUILD
	  --timeout S     limit for one guest run; default 600
	  --cpu-n N       bench_cpu turns under safepc; default 1000000
	  --cpu-n-qemu N  under QEMU TCG; default 30000000
	  --loops L       boot-sector loop turns under safepc; default 100000000
	  --loops-bochs L under Bochs; default 50000000
	  --loops-qemu L  under QEMU TCG; default 1000000000
	  --pio-n N       port reads (N2 - N1) under safepc; default 100000
	  --pio-n-qemu N  under QEMU TCG; default 20000000
	  --disk-mib M    DMA MiB per pass, each way (at most 64); default 64
	  --disk-passes P DMA passes; default 4
	Needs root (the jail) and qemu-system-x86_64; not /dev/kvm (safepc
	runs with accel = "soft" wherever it is).  The last line is
	  soft: cpu_ratio_tcg=A cpu_ratio_bochs=A2 pio_us=P pio_ratio_tcg=B disk_ratio_tcg=D disk_irq_ratio_tcg=E boot_ratio_tcg=C boot_ref=R
	USAGE
	exit 2
}

# Seconds from microseconds, 3 decimals.
bench_soft_s() {
	awk -v t="$1" 'BEGIN { printf "%.3f", t / 1e6 }'
}

# bench_soft_ratio A B - A / B, or "nan".
bench_soft_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "nan" || b == "nan" || b + 0 == 0) print "nan"
		else printf "%.3f\n", a / b }'
}

# bench_soft_fail WHAT LOG - aborts, showing the end of LOG.
bench_soft_fail() {
	echo "bench: error: soft: $1; its output:" >&2
	tail -n 20 "$2" 2>/dev/null | sed 's/^/  | /' >&2
	exit 1
}

# bench_soft_run LOG PATTERN INPUT CMD... - one timed run through
# bench-soft-run; sets SOFT_MATCH_US, SOFT_EXIT_US, SOFT_STATUS and
# SOFT_CPU_US.
# SOFT_HARD=-9: stop CMD's group with SIGKILL at the PATTERN line.
bench_soft_run() {
	local log=$1 pat=$2 input=$3 res
	shift 3
	res=$("$SOFT_RUN" ${SOFT_HARD:+"$SOFT_HARD"} "$log" "$SOFT_TMO" "$pat" "$input" "$@") ||
		bench_die "soft: bench-soft-run failed"
	read -r SOFT_MATCH_US SOFT_EXIT_US SOFT_STATUS SOFT_CPU_US <<<"$res"
	# The VMM's own log (stderr) after the guest's console (stdout).
	cat "$log.err" >>"$log" 2>/dev/null
	rm -f "$log.err"
	[ "$SOFT_STATUS" != 124 ] || bench_soft_fail "timed out: $*" "$log"
}

# bench_soft_cfg FILE NAME KERNEL MEMORY EXTRA [LINE...] - a soft domain.
bench_soft_cfg() {
	local f=$1 name=$2 kernel=$3 mem=$4 extra=$5 l
	shift 5
	{
		echo "name = \"$name\""
		echo 'accel = "soft"'
		echo "memory = $mem"
		[ -z "$kernel" ] || echo "kernel = \"$kernel\""
		[ -z "$extra" ] || echo "extra = \"$extra\""
		echo 'serial = "pty"'
		echo 'on_reboot = "destroy"'
		for l in "$@"; do echo "$l"; done
	} >"$f"
}

# The accelerator safepc's monitor reported in LOG ("soft", or dies).
bench_soft_check_accel() {
	local a
	a=$(grep -o -m 1 'accel: [a-z]*' "$1" | cut -d' ' -f2)
	[ "$a" = soft ] ||
		bench_soft_fail "safepc did not run on the soft CPU (log says accel '${a:-?}')" "$1"
	SOFT_ACCEL_SEEN=soft
}

# Debian's Bochs with its BIOS and VGA BIOS, through apt when missing.
# Its build has no "nogui" display, and the ones in the bochs package
# (rfb) abort at start-up here; bochs-term's curses display runs headless
# (it opens a pty of its own).  0 when usable; sets SOFT_BOCHS_BIOS and
# SOFT_BOCHS_VGA.
bench_soft_have_bochs() {
	command -v bochs >/dev/null && [ -f "$SOFT_BOCHS_BIOS" ] &&
		[ -f "$SOFT_BOCHS_VGA" ] &&
		compgen -G '/usr/lib/*/bochs/plugins/libbx_term*' >/dev/null
}

bench_soft_need_bochs() {
	local pkgs="bochs bochs-term bochsbios vgabios"
	SOFT_BOCHS_BIOS=/usr/share/bochs/BIOS-bochs-latest
	SOFT_BOCHS_VGA=/usr/share/vgabios/vgabios.bin
	bench_soft_have_bochs && return 0
	command -v apt-get >/dev/null || return 1
	bench_log "soft: installing $pkgs (apt-get)"
	# shellcheck disable=SC2086 # the package list splits
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	     --no-install-recommends $pkgs >"$BENCH_TMP/apt.log" 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get update -q \
			>>"$BENCH_TMP/apt.log" 2>&1
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $pkgs >>"$BENCH_TMP/apt.log" 2>&1 || {
			tail -n 5 "$BENCH_TMP/apt.log" | sed 's/^/  | /' >&2
			return 1
		}
	fi
	bench_soft_have_bochs
}

# bench_soft_bootsect_img OUT LOOPS - the boot sector with LOOPS turns,
# padded to a 2/16/63 disk (1008 KiB: Bochs wants the geometry's size).
bench_soft_bootsect_img() {
	python3 - "$SOFT_BOOTSECT" "$1" "$2" <<-'EOF' ||
	import re, sys
	d = bytearray(open(sys.argv[1], "rb").read())
	# movl $LOOPS, %ecx; movl $0x5000, %esi
	m = list(re.finditer(rb"\xb9(....)\xbe\x00\x50\x00\x00", bytes(d), re.S))
	if len(d) != 512 or len(m) != 1:
	    sys.exit("bootsect_loop.img: not the expected boot sector")
	d[m[0].start(1):m[0].end(1)] = int(sys.argv[3]).to_bytes(4, "little")
	d += bytes(2 * 16 * 63 * 512 - len(d))
	open(sys.argv[2], "wb").write(d)
	EOF
		bench_die "soft: cannot make the boot-sector image"
}

# bench_soft_bochsrc OUT IMG LOG - a bochsrc for the boot-sector disk.
# The speaker and sound off: with ALSA and no sound card Bochs 2.7 aborts
# ("buffer overflow detected").
bench_soft_bochsrc() {
	cat >"$1" <<-RC
	megs: 32
	romimage: file=$SOFT_BOCHS_BIOS
	vgaromimage: file=$SOFT_BOCHS_VGA
	ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
	ata0-master: type=disk, path="$2", mode=flat, cylinders=2, heads=16, spt=63
	boot: disk
	display_library: term
	speaker: enabled=0
	sound: driver=dummy
	port_e9_hack: enabled=1
	clock: sync=none, time0=local
	log: $3
	panic: action=fatal
	error: action=report
	info: action=report
	debug: action=ignore
	RC
}

# bench_soft_diff TIMES CPUS VMM A B WORK rate|per - over the rounds, of
# the runs with sizes A and B: "rate" WORK / (t(B) - t(A)) (per µs: MIPS
# when WORK counts instructions), "per" (t(B) - t(A)) / WORK (µs each).
# Prints "median min max cpu_median median_t(A) median_t(B)": the CPU
# figure is the same computed from CPU time.  TIMES and CPUS name
# associative arrays indexed "VMM,SIZE,ROUND".
bench_soft_diff() {
	local -n st_=$1 sc_=$2
	local vmm=$3 a=$4 b=$5 work=$6 mode=$7 r
	local -a w=() c=() ta=() tb=()
	local prog='BEGIN {
		d = y - x
		if (m == "rate") printf "%.4f\n", (d > 0 ? w / d : 0)
		else printf "%.4f\n", (w > 0 ? d / w : 0) }'
	for ((r = 1; r <= SOFT_ROUNDS; r++)); do
		ta+=("${st_[$vmm,$a,$r]}")
		tb+=("${st_[$vmm,$b,$r]}")
		w+=("$(awk -v x="${st_[$vmm,$a,$r]}" -v y="${st_[$vmm,$b,$r]}" \
			-v w="$work" -v m="$mode" "$prog")")
		c+=("$(awk -v x="${sc_[$vmm,$a,$r]}" -v y="${sc_[$vmm,$b,$r]}" \
			-v w="$work" -v m="$mode" "$prog")")
	done
	echo "$(bench_median "${w[@]}") $(bench_minmax "${w[@]}")" \
		"$(bench_median "${c[@]}") $(bench_median "${ta[@]}")" \
		"$(bench_median "${tb[@]}")"
}

# bench_soft_disk_comb LOG MODE - the combined MiB/s (equal amounts each
# way: 2 / (1/write + 1/read)) of the "bench_disk: MODE" line, or nothing.
bench_soft_disk_comb() {
	awk -v m="$2" '
		$1 == "bench_disk:" && $2 == m {
			for (i = 3; i <= NF; i++) {
				split($i, kv, "=")
				f[kv[1]] = kv[2]
			}
		}
		END {
			if (f["write_us"] > 0 && f["read_us"] > 0) {
				w = f["write_mib"] * 1e6 / f["write_us"]
				r = f["read_mib"] * 1e6 / f["read_us"]
				printf "%.3f\n", 2 / (1 / w + 1 / r)
			}
		}' "$1"
}

bench_soft() {
	local rounds=3 parts=cpu,bootsect,pio,disk,boot v r vmm p
	local cpu_n=1000000 cpu_nq=30000000 loops=100000000 loops_b=50000000
	local loops_q=1000000000 pio_n=100000 pio_nq=20000000 dmib=64 dpass=4
	local safepc qemu elf cfg log
	local -a order
	local -A want res

	SOFT_TMO=600
	SOFT_HARD=
	while [ $# -gt 0 ]; do
		case $1 in
		--rounds) rounds=${2:-}; shift 2 || bench_soft_usage ;;
		--parts) parts=${2:-}; shift 2 || bench_soft_usage ;;
		--build) BENCH_BUILD=${2:-}; shift 2 || bench_soft_usage ;;
		--timeout) SOFT_TMO=${2:-}; shift 2 || bench_soft_usage ;;
		--cpu-n) cpu_n=${2:-}; shift 2 || bench_soft_usage ;;
		--cpu-n-qemu) cpu_nq=${2:-}; shift 2 || bench_soft_usage ;;
		--loops) loops=${2:-}; shift 2 || bench_soft_usage ;;
		--loops-bochs) loops_b=${2:-}; shift 2 || bench_soft_usage ;;
		--loops-qemu) loops_q=${2:-}; shift 2 || bench_soft_usage ;;
		--pio-n) pio_n=${2:-}; shift 2 || bench_soft_usage ;;
		--pio-n-qemu) pio_nq=${2:-}; shift 2 || bench_soft_usage ;;
		--disk-mib) dmib=${2:-}; shift 2 || bench_soft_usage ;;
		--disk-passes) dpass=${2:-}; shift 2 || bench_soft_usage ;;
		*) bench_soft_usage ;;
		esac
	done
	for v in "$rounds" "$SOFT_TMO" "$cpu_n" "$cpu_nq" "$loops" "$loops_b" \
		 "$loops_q" "$pio_n" "$pio_nq" "$dmib" "$dpass"; do
		bench_is_uint "$v" || bench_soft_usage
	done
	if [ "$rounds" -lt 1 ] || [ "$SOFT_TMO" -lt 1 ] || [ "$cpu_n" -lt 1 ] ||
	   [ "$cpu_nq" -lt 1 ] || [ "$loops" -lt 2 ] || [ "$loops_b" -lt 2 ] ||
	   [ "$loops_q" -lt 2 ] || [ "$loops" -gt 4294967295 ] ||
	   [ "$loops_b" -gt 4294967295 ] || [ "$loops_q" -gt 4294967295 ] ||
	   [ "$pio_n" -lt 1 ] || [ "$pio_nq" -lt 1 ] || [ "$dmib" -lt 1 ] ||
	   [ "$dmib" -gt 64 ] || [ "$dpass" -lt 1 ] || [ "$dpass" -gt 1000 ]; then
		bench_soft_usage
	fi
	for p in ${parts//,/ }; do
		case $p in
		cpu|bootsect|pio|disk|boot) want[$p]=1 ;;
		*) bench_soft_usage ;;
		esac
	done

	[ "$(id -u)" = 0 ] || bench_skip "needs root (the jail)"
	safepc=$(bench_find_exe safepc "$BENCH_BUILD/src/toolstack") ||
		bench_die "no safepc in $BENCH_BUILD (build it: ninja -C $BENCH_BUILD)"
	safepc=$(cd "$(dirname "$safepc")" && pwd)/safepc
	SOFT_RUN=$(bench_find_exe bench-soft-run "$BENCH_BUILD/bench") ||
		bench_die "no bench-soft-run in $BENCH_BUILD/bench (ninja -C $BENCH_BUILD)"
	SOFT_ICOUNT=$(bench_find_exe bench-soft-icount "$BENCH_BUILD/bench") ||
		bench_die "no bench-soft-icount in $BENCH_BUILD/bench (ninja -C $BENCH_BUILD)"
	local gdir=$BENCH_BUILD/tests/guest f
	[ -d "$gdir" ] ||
		bench_die "no $gdir (configure $BENCH_BUILD with -Dguest_tests=true)"
	gdir=$(cd "$gdir" && pwd)
	for f in bench_cpu.elf bootsect_loop.img bench_ioreq.elf bench_disk.elf \
		 demo.elf; do
		[ -f "$gdir/$f" ] || bench_die "no $gdir/$f (ninja -C $BENCH_BUILD)"
	done
	SOFT_BOOTSECT=$gdir/bootsect_loop.img
	qemu=$(command -v qemu-system-x86_64) ||
		bench_skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
	bench_tmpdir
	SOFT_ACCEL_SEEN=

	local bochs_ok=0
	if [ -n "${want[bootsect]:-}" ]; then
		command -v python3 >/dev/null ||
			bench_die "soft: python3 is needed to patch the boot sector"
		if bench_soft_need_bochs; then
			bochs_ok=1
		else
			bench_log "warning: soft: no usable Bochs (apt failed): cpu_ratio_bochs=nan"
		fi
	fi

	# shellcheck disable=SC2054 # the commas belong to -device
	local -a qbase=(-accel tcg -display none -serial stdio -monitor none
		-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4)
	local start_us load0
	start_us=$(bench_now_us)
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	bench_log "soft: $rounds rounds of: ${parts//,/ }; load average $load0"

	# ---- cpu ------------------------------------------------------------
	local -A cpu_t cpu_c
	local icn=500 ic0 ic1 ipn
	if [ -n "${want[cpu]:-}" ]; then
		elf=$gdir/bench_cpu.elf
		if ! ic0=$("$SOFT_ICOUNT" "$elf" both 0) ||
		   ! ic1=$("$SOFT_ICOUNT" "$elf" both "$icn"); then
			bench_die "soft: cannot count bench_cpu's instructions"
		fi
		# Instructions per n, for both rings (both() runs twice).
		ipn=$(awk -v a="$ic0" -v b="$ic1" -v n="$icn" \
			'BEGIN { printf "%.4f", 2 * (b - a) / n }')
		bench_log "soft: cpu: bench_cpu does $ipn instructions per n (both() single-stepped: $ic0 at n=0, $ic1 at n=$icn)"
		for ((r = 1; r <= rounds; r++)); do
			if ((r % 2)); then order=(safepc qemu); else order=(qemu safepc); fi
			for vmm in "${order[@]}"; do
				local n
				for n in 0 $([ "$vmm" = safepc ] && echo "$cpu_n" || echo "$cpu_nq"); do
					log=$BENCH_TMP/cpu-$vmm-$n-$r.log
					if [ "$vmm" = safepc ]; then
						cfg=$BENCH_TMP/cpu-$r-$n.cfg
						bench_soft_cfg "$cfg" "bench-soft-cpu-$$-$r-$n" \
							"$elf" 64 "n=$n"
						bench_soft_run "$log" "" "" "$safepc" create -F "$cfg"
						bench_soft_check_accel "$log"
					else
						bench_soft_run "$log" "" "" "$qemu" "${qbase[@]}" \
							-kernel "$elf" -append "n=$n" -m 64
					fi
					if ! { grep -q "^bench_cpu: n=$n ring0=" "$log" && [ "$SOFT_STATUS" = 1 ]; }; then
						bench_soft_fail "cpu: $vmm n=$n: exit status $SOFT_STATUS, want 1 after 'bench_cpu: n=$n'" "$log"
					fi
					# shellcheck disable=SC2034 # read through a nameref
					cpu_t[$vmm,$n,$r]=$SOFT_EXIT_US
					# shellcheck disable=SC2034
					cpu_c[$vmm,$n,$r]=$SOFT_CPU_US
					bench_log "$(printf 'round %d/%d cpu      %-6s n=%-10s %8.3f s wall %8.3f s cpu' \
						"$r" "$rounds" "$vmm" "$n" "$(bench_soft_s "$SOFT_EXIT_US")" \
						"$(bench_soft_s "$SOFT_CPU_US")")"
				done
			done
		done
	fi

	# ---- bootsect -------------------------------------------------------
	local -A bs_t bs_c bs_done
	local -a bs_vmms=(safepc qemu)
	[ $bochs_ok = 0 ] || bs_vmms=(safepc bochs qemu)
	if [ -n "${want[bootsect]:-}" ]; then
		local L
		for L in 1 "$loops" "$loops_b" "$loops_q"; do
			[ -f "$BENCH_TMP/bs-$L.img" ] ||
				bench_soft_bootsect_img "$BENCH_TMP/bs-$L.img" "$L"
		done
		for ((r = 1; r <= rounds; r++)); do
			order=("${bs_vmms[@]}")
			for ((v = 0; v < (r - 1) % ${#bs_vmms[@]}; v++)); do
				order=("${order[@]:1}" "${order[0]}")
			done
			for vmm in "${order[@]}"; do
				case $vmm in
				safepc) L=$loops ;;
				bochs) L=$loops_b ;;
				qemu) L=$loops_q ;;
				esac
				local l
				for l in 1 "$L"; do
					local img=$BENCH_TMP/bs-$l.img
					log=$BENCH_TMP/bs-$vmm-$l-$r.log
					case $vmm in
					safepc)
						cfg=$BENCH_TMP/bs-$r-$l.cfg
						bench_soft_cfg "$cfg" "bench-soft-bs-$$-$r-$l" "" 32 "" \
							'firmware = "seabios"' 'boot = "c"' \
							"disk = [ 'format=raw, vdev=hda, access=ro, target=$img' ]"
						# The guest's write to 0xF4 ends the domain: timed
						# to the exit (the console may come after it).
						bench_soft_run "$log" "" "" "$safepc" create -F "$cfg"
						bench_soft_check_accel "$log"
						[ "$SOFT_STATUS" = 1 ] ||
							bench_soft_fail "bootsect: safepc L=$l: exit status $SOFT_STATUS, want 1" "$log"
						SOFT_MATCH_US=$SOFT_EXIT_US
						grep -q 'bootsect_loop: done' "$log" || SOFT_MATCH_US=-1
						;;
					bochs)
						bench_soft_bochsrc "$BENCH_TMP/bochsrc-$l" "$img" \
							"$BENCH_TMP/bochs-$l-$r.txt"
						# Killed runs leave Bochs' image lock behind.
						rm -f "$img.lock"
						SOFT_HARD=-9 TERM=dumb bench_soft_run "$log" \
							"bootsect_loop: done" 'c\n' \
							bochs -q -f "$BENCH_TMP/bochsrc-$l"
						;;
					qemu)
						SOFT_HARD=-9 bench_soft_run "$log" \
							"bootsect_loop: done" "" "$qemu" "${qbase[@]}" \
							-m 32 -drive "format=raw,file=$img"
						;;
					esac
					[ "$SOFT_MATCH_US" -ge 0 ] ||
						bench_soft_fail "bootsect: $vmm L=$l: no 'bootsect_loop: done' line (exit status $SOFT_STATUS)" "$log"
					# shellcheck disable=SC2034 # read through a nameref
					bs_t[$vmm,$l,$r]=$SOFT_MATCH_US
					# shellcheck disable=SC2034
					bs_c[$vmm,$l,$r]=$SOFT_CPU_US
					v=$(grep -a -o -m 1 'bootsect_loop: done [0-9a-f]*' "$log" | cut -d' ' -f3)
					if [ -n "${bs_done[$l]:-}" ] && [ "${bs_done[$l]}" != "$v" ]; then
						bench_soft_fail "bootsect: $vmm L=$l computed $v, another VMM ${bs_done[$l]}" "$log"
					fi
					bs_done[$l]=$v
					bench_log "$(printf 'round %d/%d bootsect %-6s L=%-10s %8.3f s to the done line (%s), %8.3f s cpu' \
						"$r" "$rounds" "$vmm" "$l" "$(bench_soft_s "$SOFT_MATCH_US")" "$v" \
						"$(bench_soft_s "$SOFT_CPU_US")")"
				done
			done
		done
	fi

	# ---- pio ------------------------------------------------------------
	local -A pio_t pio_c
	local pn1=10000
	if [ -n "${want[pio]:-}" ]; then
		elf=$gdir/bench_ioreq.elf
		for ((r = 1; r <= rounds; r++)); do
			if ((r % 2)); then order=(safepc qemu); else order=(qemu safepc); fi
			for vmm in "${order[@]}"; do
				local n
				for n in "$pn1" $((pn1 + $([ "$vmm" = safepc ] && echo "$pio_n" || echo "$pio_nq"))); do
					log=$BENCH_TMP/pio-$vmm-$n-$r.log
					if [ "$vmm" = safepc ]; then
						cfg=$BENCH_TMP/pio-$r-$n.cfg
						bench_soft_cfg "$cfg" "bench-soft-pio-$$-$r-$n" \
							"$elf" 64 "n=$n"
						bench_soft_run "$log" "" "" "$safepc" create -F "$cfg"
						bench_soft_check_accel "$log"
					else
						bench_soft_run "$log" "" "" "$qemu" "${qbase[@]}" \
							-kernel "$elf" -append "n=$n" -m 64
					fi
					if ! { grep -q "^bench_ioreq: n=$n\$" "$log" && [ "$SOFT_STATUS" = 1 ]; }; then
						bench_soft_fail "pio: $vmm n=$n: exit status $SOFT_STATUS, want 1 after 'bench_ioreq: n=$n'" "$log"
					fi
					# shellcheck disable=SC2034 # read through a nameref
					pio_t[$vmm,$n,$r]=$SOFT_EXIT_US
					# shellcheck disable=SC2034
					pio_c[$vmm,$n,$r]=$SOFT_CPU_US
					bench_log "$(printf 'round %d/%d pio      %-6s n=%-10s %8.3f s wall %8.3f s cpu' \
						"$r" "$rounds" "$vmm" "$n" "$(bench_soft_s "$SOFT_EXIT_US")" \
						"$(bench_soft_s "$SOFT_CPU_US")")"
				done
			done
		done
	fi

	# ---- disk -----------------------------------------------------------
	local -A disk_c disk_i
	if [ -n "${want[disk]:-}" ]; then
		local dimg=$BENCH_TMP/disk.img extra seed
		elf=$gdir/bench_disk.elf
		dd if=/dev/zero of="$dimg" bs=1M count=80 conv=fsync status=none ||
			bench_die "soft: cannot create the image $dimg"
		for ((r = 1; r <= rounds; r++)); do
			if ((r % 2)); then order=(safepc qemu); else order=(qemu safepc); fi
			for vmm in "${order[@]}"; do
				log=$BENCH_TMP/disk-$vmm-$r.log
				seed=$(((RANDOM << 15 | RANDOM) + 1))
				extra="seed=$seed pio_mib=1 pio_write_mib=1"
				extra="$extra dma_mib=$dmib dma_passes=$dpass"
				if [ "$vmm" = safepc ]; then
					cfg=$BENCH_TMP/disk-$r.cfg
					bench_soft_cfg "$cfg" "bench-soft-disk-$$-$r" "$elf" 256 \
						"$extra" \
						"disk = [ 'format=raw, vdev=hda, access=rw, target=$dimg' ]"
					bench_soft_run "$log" "" "" "$safepc" create -F "$cfg"
					bench_soft_check_accel "$log"
				else
					bench_soft_run "$log" "" "" "$qemu" "${qbase[@]}" -M pc \
						-m 256 -kernel "$elf" -append "$extra" \
						-drive "file=$dimg,format=raw,if=ide,index=0"
				fi
				if grep -q '^FAIL:' "$log" || [ "$SOFT_STATUS" != 1 ]; then
					bench_soft_fail "disk: $vmm: exit status $SOFT_STATUS, want 1" "$log"
				fi
				disk_c[$vmm,$r]=$(bench_soft_disk_comb "$log" dma)
				disk_i[$vmm,$r]=$(bench_soft_disk_comb "$log" dma_irq)
				if [ -z "${disk_c[$vmm,$r]}" ] || [ -z "${disk_i[$vmm,$r]}" ]; then
					bench_soft_fail "disk: $vmm: no 'bench_disk: dma' and 'dma_irq' figures" "$log"
				fi
				bench_log "$(printf 'round %d/%d disk     %-6s DMA %10.2f MiB/s polled, %10.2f by IRQ (%.1f s run)' \
					"$r" "$rounds" "$vmm" "${disk_c[$vmm,$r]}" \
					"${disk_i[$vmm,$r]}" "$(bench_soft_s "$SOFT_EXIT_US")")"
			done
		done
	fi

	# ---- boot -----------------------------------------------------------
	local -A boot_t boot_c
	local -a boot_fw=()
	local boot_ref="qemu+seabios"
	if [ -n "${want[boot]:-}" ]; then
		elf=$gdir/demo.elf
		# A firmware boot would dominate QEMU's time and flatter ours.
		if [ -f /usr/share/qemu/qboot.rom ]; then
			boot_fw=(-nodefaults -bios /usr/share/qemu/qboot.rom)
			boot_ref="qemu+qboot+nodefaults"
		else
			bench_log "warning: soft: no /usr/share/qemu/qboot.rom: boot against QEMU with SeaBIOS"
		fi
		for ((r = 1; r <= rounds; r++)); do
			if ((r % 2)); then order=(safepc qemu); else order=(qemu safepc); fi
			for vmm in "${order[@]}"; do
				log=$BENCH_TMP/boot-$vmm-$r.log
				if [ "$vmm" = safepc ]; then
					cfg=$BENCH_TMP/boot-$r.cfg
					bench_soft_cfg "$cfg" "bench-soft-boot-$$-$r" "$elf" 64 ""
					bench_soft_run "$log" "" "" "$safepc" create -F "$cfg"
					bench_soft_check_accel "$log"
				else
					bench_soft_run "$log" "" "" "$qemu" "${qbase[@]}" \
						"${boot_fw[@]}" -kernel "$elf" -m 64
				fi
				if ! { grep -q '^poweroff' "$log" && [ "$SOFT_STATUS" = 0 ]; }; then
					bench_soft_fail "boot: $vmm: exit status $SOFT_STATUS, want 0 after 'poweroff'" "$log"
				fi
				boot_t[$vmm,$r]=$SOFT_EXIT_US
				boot_c[$vmm,$r]=$SOFT_CPU_US
				bench_log "$(printf 'round %d/%d boot     %-6s %8.3f s to exit, %8.3f s cpu' \
					"$r" "$rounds" "$vmm" "$(bench_soft_s "$SOFT_EXIT_US")" \
					"$(bench_soft_s "$SOFT_CPU_US")")"
			done
		done
	fi

	# ---- results --------------------------------------------------------
	local lo hi mw mc ta tb
	SOFT_ROUNDS=$rounds
	res[cpu]=- res[bochs]=- res[pio_us]=- res[pio]=- res[disk]=- res[boot]=-
	res[disk_irq]=-
	if [ -n "${want[cpu]:-}" ]; then
		echo "cpu: bench_cpu, $ipn instructions per n (rings 0 and 3);" \
			"MIPS = (I(N) - I(0)) / (t(N) - t(0)), wall and CPU time"
		printf '  %-6s %10s %10s %10s %10s %20s %10s\n' vmm N "t(0)_s" \
			"t(N)_s" MIPS "min..max" cpu_MIPS
		local -A mips cmips
		for vmm in safepc qemu; do
			local N
			[ "$vmm" = safepc ] && N=$cpu_n || N=$cpu_nq
			read -r mw lo hi mc ta tb < <(bench_soft_diff cpu_t cpu_c "$vmm" 0 \
				"$N" "$(awk -v i="$ipn" -v n="$N" 'BEGIN { printf "%.0f", i * n }')" rate)
			mips[$vmm]=$mw cmips[$vmm]=$mc
			printf '  %-6s %10s %10.3f %10.3f %10.1f %9.1f..%-9.1f %10.1f\n' \
				"$vmm" "$N" "$(bench_soft_s "$ta")" "$(bench_soft_s "$tb")" \
				"$mw" "$lo" "$hi" "$mc"
		done
		res[cpu]=$(bench_soft_ratio "${mips[qemu]}" "${mips[safepc]}")
		echo "  safepc / QEMU TCG time for the same work: wall ${res[cpu]}," \
			"CPU $(bench_soft_ratio "${cmips[qemu]}" "${cmips[safepc]}")"
	fi
	if [ -n "${want[bootsect]:-}" ]; then
		echo "bootsect: 8 instructions per turn; MIPS = 8 (L - 1) / (t(L) - t(1))," \
			"t to the 'done' line (safepc: to its exit through port 0xF4);" \
			"CPU time to the VMM's end"
		printf '  %-6s %10s %10s %10s %10s %20s %10s\n' vmm L "t(1)_s" \
			"t(L)_s" MIPS "min..max" cpu_MIPS
		local -A bmips bcmips
		for vmm in "${bs_vmms[@]}"; do
			local L
			case $vmm in
			safepc) L=$loops ;;
			bochs) L=$loops_b ;;
			qemu) L=$loops_q ;;
			esac
			read -r mw lo hi mc ta tb < <(bench_soft_diff bs_t bs_c "$vmm" 1 \
				"$L" $((8 * (L - 1))) rate)
			bmips[$vmm]=$mw bcmips[$vmm]=$mc
			printf '  %-6s %10s %10.3f %10.3f %10.1f %9.1f..%-9.1f %10.1f\n' \
				"$vmm" "$L" "$(bench_soft_s "$ta")" "$(bench_soft_s "$tb")" \
				"$mw" "$lo" "$hi" "$mc"
		done
		if [ $bochs_ok = 1 ]; then
			res[bochs]=$(bench_soft_ratio "${bmips[bochs]}" "${bmips[safepc]}")
			echo "  safepc / Bochs time for the same loop: wall ${res[bochs]}," \
				"CPU $(bench_soft_ratio "${bcmips[bochs]}" "${bcmips[safepc]}")"
		else
			res[bochs]=nan
		fi
		echo "  safepc / QEMU TCG time for the same loop: wall" \
			"$(bench_soft_ratio "${bmips[qemu]}" "${bmips[safepc]}")," \
			"CPU $(bench_soft_ratio "${bcmips[qemu]}" "${bcmips[safepc]}")"
	fi
	if [ -n "${want[pio]:-}" ]; then
		echo "pio: bench_ioreq, us per port read = (t(N2) - t(N1)) / (N2 - N1)," \
			"wall and CPU time"
		printf '  %-6s %10s %10s %10s %10s %20s %10s\n' vmm "N2-N1" \
			"t(N1)_s" "t(N2)_s" us/read "min..max" cpu_us
		local -A pus cpus
		for vmm in safepc qemu; do
			local dn
			[ "$vmm" = safepc ] && dn=$pio_n || dn=$pio_nq
			read -r mw lo hi mc ta tb < <(bench_soft_diff pio_t pio_c "$vmm" \
				"$pn1" $((pn1 + dn)) "$dn" per)
			pus[$vmm]=$mw cpus[$vmm]=$mc
			printf '  %-6s %10s %10.3f %10.3f %10.4f %9.4f..%-9.4f %10.4f\n' \
				"$vmm" "$dn" "$(bench_soft_s "$ta")" "$(bench_soft_s "$tb")" \
				"$mw" "$lo" "$hi" "$mc"
		done
		res[pio_us]=$(awk -v p="${pus[safepc]}" 'BEGIN { printf "%.3f", p }')
		res[pio]=$(bench_soft_ratio "${pus[safepc]}" "${pus[qemu]}")
		echo "  safepc / QEMU TCG per read: wall ${res[pio]}," \
			"CPU $(bench_soft_ratio "${cpus[safepc]}" "${cpus[qemu]}")" \
			"(safepc's DM spins while it waits: its CPU counts twice)"
	fi
	if [ -n "${want[disk]:-}" ]; then
		echo "disk: bench_disk, DMA $dpass x $dmib MiB each way," \
			"combined MiB/s (timed by the guest); polled: nIEN set," \
			"the guest polls the bus master (D); irq: nIEN clear," \
			"the guest halts until IRQ 14 (E)"
		printf '  %-6s %-6s %12s %20s\n' vmm wait "comb_MiB/s" "min..max"
		local -A dmed
		local -a sv
		local w
		for w in polled irq; do
			for vmm in safepc qemu; do
				local -n dv_=disk_c
				[ $w = polled ] || local -n dv_=disk_i
				sv=()
				for ((r = 1; r <= rounds; r++)); do
					sv+=("${dv_[$vmm,$r]}")
				done
				dmed[$vmm,$w]=$(bench_median "${sv[@]}")
				read -r lo hi <<<"$(bench_minmax "${sv[@]}")"
				printf '  %-6s %-6s %12.2f %9.2f..%-9.2f\n' "$vmm" "$w" \
					"${dmed[$vmm,$w]}" "$lo" "$hi"
			done
		done
		res[disk]=$(bench_soft_ratio "${dmed[safepc,polled]}" "${dmed[qemu,polled]}")
		res[disk_irq]=$(bench_soft_ratio "${dmed[safepc,irq]}" "${dmed[qemu,irq]}")
	fi
	if [ -n "${want[boot]:-}" ]; then
		echo "boot: demo.elf, spawn to the VMM's exit after the ACPI poweroff;" \
			"QEMU ${boot_fw[*]:-with SeaBIOS} -kernel"
		printf '  %-6s %12s %20s %12s\n' vmm exit_ms "min..max" cpu_ms
		local -A bmed bcpu
		local -a sv sc
		for vmm in safepc qemu; do
			sv=() sc=()
			for ((r = 1; r <= rounds; r++)); do
				sv+=("$(awk -v t="${boot_t[$vmm,$r]}" 'BEGIN { printf "%.3f\n", t / 1e3 }')")
				sc+=("$(awk -v t="${boot_c[$vmm,$r]}" 'BEGIN { printf "%.3f\n", t / 1e3 }')")
			done
			bmed[$vmm]=$(bench_median "${sv[@]}")
			bcpu[$vmm]=$(bench_median "${sc[@]}")
			read -r lo hi <<<"$(bench_minmax "${sv[@]}")"
			printf '  %-6s %12.3f %9.3f..%-9.3f %12.3f\n' "$vmm" "${bmed[$vmm]}" \
				"$lo" "$hi" "${bcpu[$vmm]}"
		done
		res[boot]=$(bench_soft_ratio "${bmed[safepc]}" "${bmed[qemu]}")
	fi
	echo
	echo "machine: $(nproc) CPUs, $(uname -r), /dev/kvm $([ -e /dev/kvm ] && echo present || echo absent);" \
		"$(date -u '+%Y-%m-%d %H:%M UTC'); load average" \
		"$load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after" \
		"($(bench_soft_s "$(($(bench_now_us) - start_us))") s)"
	local bochs_acc=-
	[ -z "${want[bootsect]:-}" ] || { [ $bochs_ok = 1 ] && bochs_acc=interp || bochs_acc=none; }
	echo "accel: safepc=${SOFT_ACCEL_SEEN:-soft} qemu=tcg bochs=$bochs_acc"
	echo "soft: cpu_ratio_tcg=${res[cpu]} cpu_ratio_bochs=${res[bochs]}" \
		"pio_us=${res[pio_us]} pio_ratio_tcg=${res[pio]}" \
		"disk_ratio_tcg=${res[disk]} disk_irq_ratio_tcg=${res[disk_irq]}" \
		"boot_ratio_tcg=${res[boot]}" \
		"boot_ref=$([ -n "${want[boot]:-}" ] && echo "$boot_ref" || echo -)" \
		"accel=safepc:${SOFT_ACCEL_SEEN:-soft},qemu:tcg,bochs:$bochs_acc"
}
