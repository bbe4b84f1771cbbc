# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# scripts/bench disk - IDE disk throughput inside the guest, PIO and DMA,
# safepc against QEMU on the same image and guest binary (docs/performance.md).
#
# The guest tests/guest/bench_disk.c probes hda through the PIIX3 IDE
# function and, for PIO and then for DMA: fills one buffer with a pattern
# (seeded, new every run), writes it to LBA 0 in commands of up to 65536
# sectors (PIO: READ/WRITE MULTIPLE EXT, 16 sectors per DRQ block; DMA:
# READ/WRITE DMA EXT), flushes, clears the buffer, reads the sectors back
# and checks every byte.  Fill, clear and check run in ring 3, outside
# the clock; the guest times the transfer loops with the TSC (calibrated
# against the PIT) and prints, per mode,
#   bench_disk: MODE write_mib=W read_mib=R write_us=.. flush_us=.. read_us=..
# DMA runs twice with the same sizes: "dma" polls the bus master (nIEN
# set), "dma_irq" clears nIEN and waits for each command's IRQ 14 with
# hlt, so that the interrupt path (the DM raising the line, hv injecting
# it, waking the halted vCPU) is measured too.
#
# Sizes: DMA writes and reads M MiB (default 64) per pass, N passes
# (default 8: one pass of 64 MiB lasts only some 30 ms, too short to time
# on a noisy host); PIO reads M MiB once, but writes only P MiB (default
# 4; the rest of the M MiB goes by DMA, untimed, so that the PIO read
# still checks every byte).  PIO writes are one exit per 16-bit word on
# KVM (it does not batch `rep outsw`), about 10-20 us each here: 64 MiB
# would take 5-10 minutes per run.
#
# Both VMMs get the same raw image (written in full once, in the temp
# directory, used by one VMM at a time) with comparable caching: safepc's
# IDE DM does buffered pread/pwrite on the image and fdatasync on FLUSH
# CACHE; QEMU's default (cache=writeback, aio=threads) does the same.
#
#   safepc  safepc create -F with memory = 256 and
#           disk = [ 'format=raw, vdev=hda, access=rw, target=IMG' ];
#   qemu    qemu-system-x86_64 -accel kvm -M pc -m 256 -kernel ELF
#           -drive file=IMG,format=raw,if=ide,index=0 (+ isa-debug-exit).
#
# Per mode, the combined figure is the throughput of moving equal amounts
# each way: 2 / (1/write_MiB/s + 1/read_MiB/s) (= 2 M / (t_write +
# t_read) when both directions move M MiB).  The flush (fdatasync of the
# dirty pages: the host disk, the same for both) is shown but left out.
# K rounds, the order alternating; the ratios are median(safepc) /
# median(qemu) of the combined figures.

bench_disk_usage() {
	cat >&2 <<-USAGE
	usage: scripts/bench disk [--rounds K] [--mib M] [--pio-write-mib P]
	                          [--dma-passes N] [--dir DIR] [--build DIR]
	                          [--timeout SECONDS] [--pin]
	  --rounds K    rounds of (safepc, qemu); default 3
	  --mib M       MiB written and read by DMA per pass, and read by PIO;
	                default 64 (at most 64)
	  --pio-write-mib P
	                MiB written by PIO (at most M); default 4
	  --dma-passes N
	                DMA passes (write, flush, read, check); default 8
	  --dir DIR     where the image goes; default a temporary directory
	                under \${TMPDIR:-/tmp} (removed on exit)
	  --build DIR   meson build directory; default $BENCH_BUILD
	  --timeout S   limit for one guest run; default 600
	  --pin         vCPU on host CPU 0 and device emulation on CPU 1:
	                safepc through cpus/dm_cpus, QEMU's "CPU 0/KVM" thread
	                moved to CPU 0 and the rest of QEMU on CPU 1
	The last line of output is
	  disk: pio_ratio=X dma_ratio=Y dma_irq_ratio=Z accel=...
	(safepc MiB/s / QEMU MiB/s, writes and reads combined; >= 1.0 is the
	target; Y polled, nIEN set; Z the same DMA passes interrupt-driven:
	nIEN clear, each command's end by IRQ 14 with the vCPU halted).
	USAGE
	exit 2
}

# bench_disk_check VMM ROUND LOG - aborts unless the run passed and
# printed both modes.
bench_disk_check() {
	local vmm=$1 r=$2 log=$3 why=

	if [ "$BENCH_RC" = 124 ] || [ "$BENCH_RC" = 137 ]; then
		why="timed out"
	elif grep -q '^FAIL:' "$log"; then
		why="$(grep -m 1 '^FAIL:' "$log")"
	elif ! grep -q '^bench_disk: pio ' "$log" ||
	     ! grep -q '^bench_disk: dma ' "$log" ||
	     ! grep -q '^bench_disk: dma_irq ' "$log"; then
		why="the guest did not report all three modes (exit status $BENCH_RC)"
	elif [ "$BENCH_RC" = 1 ]; then
		return 0
	else
		why="exit status $BENCH_RC, want 1"
	fi
	echo "bench: error: disk: $vmm, round $r: $why; its output:" >&2
	tail -n 20 "$log" | sed 's/^/  | /' >&2
	exit 1
}

# bench_disk_field LOG MODE KEY - KEY=VALUE from "bench_disk: MODE ..." .
bench_disk_field() {
	awk -v m="$2" -v k="$3" '
		$1 == "bench_disk:" && $2 == m {
			for (i = 3; i <= NF; i++)
				if (index($i, k "=") == 1) {
					print substr($i, length(k) + 2)
					exit
				}
		}' "$1"
}

# bench_disk_pin_qemu TAG - with --pin: waits for the QEMU whose command
# line holds TAG (it was started on CPU 1) and moves its vCPU thread,
# "CPU 0/KVM", to CPU 0; the rest of QEMU stays on CPU 1.
bench_disk_pin_qemu() {
	local tag=$1 i p t comm pid=

	for ((i = 0; i < 3000; i++)); do
		if [ -z "$pid" ]; then
			for p in $(pgrep -f -- "$tag"); do
				read -r comm 2>/dev/null <"/proc/$p/comm" || continue
				[[ $comm == qemu-system* ]] && pid=$p
			done
		fi
		if [ -n "$pid" ]; then
			for t in /proc/"$pid"/task/*; do
				read -r comm 2>/dev/null <"$t/comm" || continue
				if [ "$comm" = "CPU 0/KVM" ]; then
					taskset -p -c 0 "${t##*/}" >/dev/null 2>&1
					return 0
				fi
			done
			kill -0 "$pid" 2>/dev/null || return 0
		fi
		sleep 0.01
	done
	bench_log "warning: --pin: did not find QEMU's vCPU thread"
}

bench_disk() {
	local rounds=3 mib=64 pwmib=4 passes=8 tmo=600 pin=0 dir=
	local safepc elf qemu img vmm r v cfg log m k seed extra
	local -a order qargs
	local -A wr rd fl comb wall cpu

	while [ $# -gt 0 ]; do
		case $1 in
		--rounds) rounds=${2:-}; shift 2 || bench_disk_usage ;;
		--mib) mib=${2:-}; shift 2 || bench_disk_usage ;;
		--pio-write-mib) pwmib=${2:-}; shift 2 || bench_disk_usage ;;
		--dma-passes) passes=${2:-}; shift 2 || bench_disk_usage ;;
		--dir) dir=${2:-}; shift 2 || bench_disk_usage ;;
		--build) BENCH_BUILD=${2:-}; shift 2 || bench_disk_usage ;;
		--timeout) tmo=${2:-}; shift 2 || bench_disk_usage ;;
		--pin) pin=1; shift ;;
		*) bench_disk_usage ;;
		esac
	done
	for v in "$rounds" "$mib" "$pwmib" "$passes" "$tmo"; do
		bench_is_uint "$v" || bench_disk_usage
	done
	if [ "$rounds" -lt 1 ] || [ "$tmo" -lt 1 ] || [ "$mib" -lt 1 ] ||
	   [ "$mib" -gt 64 ] || [ "$pwmib" -lt 1 ] || [ "$pwmib" -gt "$mib" ] ||
	   [ "$passes" -lt 1 ] || [ "$passes" -gt 1000 ]; then
		bench_disk_usage
	fi

	bench_need_kvm
	safepc=$(bench_find_exe safepc "$BENCH_BUILD/src/toolstack") ||
		bench_die "no safepc in $BENCH_BUILD (build it: ninja -C $BENCH_BUILD)"
	elf=$BENCH_BUILD/tests/guest/bench_disk.elf
	[ -f "$elf" ] || bench_die "no $elf (ninja -C $BENCH_BUILD)"
	elf=$(cd "$(dirname "$elf")" && pwd)/$(basename "$elf")
	qemu=$(command -v qemu-system-x86_64) ||
		bench_skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
	if [ $pin = 1 ]; then
		[ "$(nproc)" -ge 2 ] || bench_die "--pin needs 2 host CPUs"
		command -v taskset >/dev/null || bench_die "--pin needs taskset"
	fi
	bench_tmpdir

	# One image for every run: 80 MiB (the guest wants 64 MiB and checks
	# the size), written in full so that no run pays for allocation.
	if [ -n "$dir" ]; then
		[ -d "$dir" ] || bench_die "no directory $dir"
		img=$(cd "$dir" && pwd)/safepc-bench-disk-$$.img
		BENCH_DISK_IMG=$img
		trap 'rm -f "$BENCH_DISK_IMG"; bench_cleanup' EXIT
	else
		img=$BENCH_TMP/disk.img
	fi
	dd if=/dev/zero of="$img" bs=1M count=80 conv=fsync status=none ||
		bench_die "cannot create the image $img"

	# shellcheck disable=SC2054 # the commas belong to -drive and -device
	qargs=(-accel kvm -M pc -m 256 -kernel "$elf"
		-drive "file=$img,format=raw,if=ide,index=0"
		-device isa-debug-exit,iobase=0xf4,iosize=4
		-display none -serial stdio -monitor none -no-reboot)

	local start_us load0
	start_us=$(bench_now_us)
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	bench_log "disk: $rounds rounds of safepc and qemu: DMA $passes x $mib MiB" \
		"each way, PIO $pwmib MiB written and $mib MiB read; image $img"
	[ $pin = 0 ] ||
		bench_log "pinned: vCPU threads on CPU 0, device emulation on CPU 1"
	for ((r = 1; r <= rounds; r++)); do
		if ((r % 2)); then order=(safepc qemu); else order=(qemu safepc); fi
		for vmm in "${order[@]}"; do
			log=$BENCH_TMP/$vmm-$r.log
			seed=$(((RANDOM << 15 | RANDOM) + 1))
			extra="seed=$seed pio_mib=$mib pio_write_mib=$pwmib"
			extra="$extra dma_mib=$mib dma_passes=$passes"
			if [ "$vmm" = safepc ]; then
				cfg=$BENCH_TMP/safepc-$r.cfg
				cat >"$cfg" <<-CFG
				name = "bench-disk-$$-$r"
				accel = "kvm"
				kernel = "$elf"
				memory = 256
				extra = "$extra"
				serial = "pty"
				disk = [ 'format=raw, vdev=hda, access=rw, target=$img' ]
				CFG
				[ $pin = 0 ] ||
					printf 'cpus = "0"\ndm_cpus = "1"\n' >>"$cfg"
				bench_timed "$log" "$tmo" "$safepc" create -F "$cfg"
			elif [ $pin = 1 ]; then
				bench_disk_pin_qemu "$extra" &
				BENCH_BG_PIDS="$BENCH_BG_PIDS $!"
				bench_timed "$log" "$tmo" taskset -c 1 "$qemu" \
					"${qargs[@]}" -append "$extra"
				wait "${BENCH_BG_PIDS##* }" 2>/dev/null
				BENCH_BG_PIDS=${BENCH_BG_PIDS% *}
			else
				bench_timed "$log" "$tmo" "$qemu" "${qargs[@]}" \
					-append "$extra"
			fi
			bench_disk_check "$vmm" "$r" "$log"
			wall[$vmm,$r]=$BENCH_WALL_US
			cpu[$vmm,$r]=$BENCH_CPU_US
			for m in pio dma dma_irq; do
				local -a f=()
				for k in write_mib read_mib write_us flush_us read_us; do
					v=$(bench_disk_field "$log" $m $k)
					bench_is_uint "$v" && [ "$v" -gt 0 ] ||
						[ $k = flush_us ] ||
						bench_die "disk: $vmm, round $r: no $k in the '$m' line of its output"
					f+=("${v:-0}")
				done
				# MiB/s written, read, and combined (equal amounts).
				read -r "wr[$vmm,$m,$r]" "rd[$vmm,$m,$r]" "comb[$vmm,$m,$r]" \
					< <(awk -v wm="${f[0]}" -v rm="${f[1]}" \
					-v wu="${f[2]}" -v ru="${f[4]}" 'BEGIN {
					w = wm * 1e6 / wu; r = rm * 1e6 / ru
					printf "%.4f %.4f %.4f\n", w, r, 2 / (1 / w + 1 / r) }')
				fl[$vmm,$m,$r]=${f[3]}
			done
			bench_log "$(printf 'round %d/%d %-6s PIO %8.3f MiB/s  DMA %8.2f MiB/s  DMA/IRQ %8.2f MiB/s  (%.1f s wall, %.1f s cpu)' \
				"$r" "$rounds" "$vmm" "${comb[$vmm,pio,$r]}" \
				"${comb[$vmm,dma,$r]}" "${comb[$vmm,dma_irq,$r]}" \
				"$(awk -v t="$BENCH_WALL_US" 'BEGIN { print t / 1e6 }')" \
				"$(awk -v t="$BENCH_CPU_US" 'BEGIN { print t / 1e6 }')")"
		done
	done

	# The table of samples, MiB/s.
	printf '%-5s %-6s %9s %9s %9s %9s %9s %9s %9s %9s %7s %7s\n' round vmm \
		pio_write pio_read pio_comb dma_write dma_read dma_comb \
		irq_comb flush_ms wall_s cpu_s
	for ((r = 1; r <= rounds; r++)); do
		for vmm in safepc qemu; do
			printf '%-5d %-6s %9.3f %9.2f %9.3f %9.2f %9.2f %9.2f %9.2f %9.1f %7.1f %7.1f\n' \
				"$r" "$vmm" "${wr[$vmm,pio,$r]}" "${rd[$vmm,pio,$r]}" \
				"${comb[$vmm,pio,$r]}" "${wr[$vmm,dma,$r]}" \
				"${rd[$vmm,dma,$r]}" "${comb[$vmm,dma,$r]}" \
				"${comb[$vmm,dma_irq,$r]}" \
				"$(awk -v a="${fl[$vmm,pio,$r]}" -v b="${fl[$vmm,dma,$r]}" \
					-v c="${fl[$vmm,dma_irq,$r]}" \
					'BEGIN { print (a + b + c) / 1e3 }')" \
				"$(awk -v t="${wall[$vmm,$r]}" 'BEGIN { print t / 1e6 }')" \
				"$(awk -v t="${cpu[$vmm,$r]}" 'BEGIN { print t / 1e6 }')"
		done
	done

	# Medians over the rounds, each column on its own.
	local -A med
	local -a a b c
	local lo hi
	echo
	printf '%-6s %-7s %12s %12s %12s %20s\n' vmm mode "write_MiB/s" \
		"read_MiB/s" "comb_MiB/s" "comb min..max"
	for vmm in safepc qemu; do
		for m in pio dma dma_irq; do
			a=() b=() c=()
			for ((r = 1; r <= rounds; r++)); do
				a+=("${wr[$vmm,$m,$r]}")
				b+=("${rd[$vmm,$m,$r]}")
				c+=("${comb[$vmm,$m,$r]}")
			done
			med[$vmm,$m]=$(bench_median "${c[@]}")
			read -r lo hi <<<"$(bench_minmax "${c[@]}")"
			printf '%-6s %-7s %12.3f %12.2f %12.3f %9.3f..%-9.3f\n' \
				"$vmm" "$m" "$(bench_median "${a[@]}")" \
				"$(bench_median "${b[@]}")" "${med[$vmm,$m]}" \
				"$lo" "$hi"
		done
	done
	echo
	echo "machine: $(nproc) CPUs, $(uname -r); load average" \
		"$load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after" \
		"($(awk -v t="$(($(bench_now_us) - start_us))" \
		'BEGIN { printf "%.1f", t / 1e6 }') s)"
	awk -v a="${med[safepc,pio]}" -v b="${med[qemu,pio]}" \
		-v c="${med[safepc,dma]}" -v d="${med[qemu,dma]}" \
		-v e="${med[safepc,dma_irq]}" -v f="${med[qemu,dma_irq]}" 'BEGIN {
		printf "disk: pio_ratio=%.2f dma_ratio=%.2f dma_irq_ratio=%.2f accel=safepc:kvm,qemu:kvm\n",
			(b > 0 ? a / b : 0), (d > 0 ? c / d : 0), (f > 0 ? e / f : 0) }'
}
