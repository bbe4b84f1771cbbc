# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# scripts/bench linux - a stock Debian kernel booted directly, safepc
# against QEMU on the same kernel, initramfs, command line, memory, vCPUs
# and disk (docs/performance.md, "Linux boot").
#
# The guest is tests/linux/fixture's: Debian's cloud kernel and a busybox
# initramfs whose /init prints "REPORT init=start ...", loads ata_piix,
# reports what it sees (with a checksum of the disk's first sectors) and
# runs `poweroff -f`.  Both VMMs boot it without firmware (their own
# Linux boot protocol loaders) with "console=ttyS0 panic=-1", memory M
# (256) and N vCPUs (1), and the same 1 MiB pattern disk as IDE hda,
# read-only:
#   safepc  safepc create -F, kernel/ramdisk/cmdline/disk, accel = "soft"
#           (or "kvm");
#   qemu    qemu-system-x86_64 -accel tcg (or kvm) -M pc -nodefaults
#           -bios qboot.rom -kernel -initrd -append -drive ...,if=ide
#           (-nodefaults: no VGA, NIC, CD-ROM or floppy, which safepc does
#           not have either; qboot, Debian's /usr/share/qemu/qboot.rom:
#           QEMU's minimal firmware that only loads the kernel from
#           fw_cfg, as safepc runs none; --qemu-bios default for SeaBIOS
#           and its option ROM, which cost QEMU a little more).
# Accelerator: KVM for both where /dev/kvm works (--accel auto, the
# default), else safepc's soft CPU against QEMU's TCG (a JIT).
#
# Each run goes through bench-linux-run, which stamps every console line
# with the host time it arrived (from just before the spawn):
#   boot  spawn to the "REPORT init=start" line (the init's first line);
#   exit  spawn to the VMM's exit after the guest's poweroff (status 0).
# K rounds (default 3), the order alternating; medians; ratios safepc /
# QEMU.  Then a table of boot phases: the median arrival time of marker
# lines (kernel banner, console on, CPUs up, ACPI, initramfs unpacked,
# initcalls done, /init, its report, power down) and each phase's length
# on both sides.  Without earlycon the kernel holds its lines until the
# serial console registers, so everything before "console [ttyS0]
# enabled" arrives at once; --earlycon adds earlycon=uart8250,io,0x3f8
# to both command lines to see the early phases (decompression included
# in "banner") as they happen.
#
# Last line:
#   linux: accel=soft boot_ratio=X exit_ratio=Y accel=safepc:soft,qemu:tcg
# (accel=kvm ... safepc:kvm,qemu:kvm under KVM); targets: <= 3.0 on the
# soft CPU against TCG, <= 1.0 under KVM.

bench_linux_usage() {
	cat >&2 <<-USAGE
	usage: scripts/bench linux [--rounds K] [--accel auto|soft|kvm]
	                           [--memory M] [--vcpus N] [--no-disk]
	                           [--earlycon] [--append TEXT] [--keep DIR]
	                           [--qemu-bios FILE|default] [--build DIR]
	                           [--timeout SECONDS]
	  --rounds K     rounds of (safepc, qemu); default 3
	  --accel A      soft: safepc's soft CPU against QEMU TCG; kvm: both on
	                 KVM; auto (default): kvm where /dev/kvm works, else soft
	  --memory M     guest RAM in MiB; default 256
	  --vcpus N      vCPUs; default 1
	  --no-disk      no disk on either side (and fixture_disk_wait=0 on
	                 both command lines, so /init does not wait for one)
	  --earlycon     earlycon=uart8250,io,0x3f8 on both command lines: the
	                 early phases' lines arrive as they are printed
	  --append TEXT  more kernel parameters on both command lines (e.g.
	                 quiet: what the console's output costs)
	  --keep DIR     copy every run's stamped console and log to DIR
	  --qemu-bios F  QEMU's firmware (-bios F); default
	                 /usr/share/qemu/qboot.rom where it exists; "default":
	                 QEMU's own (SeaBIOS)
	  --build DIR    meson build directory; default $BENCH_BUILD
	  --timeout S    limit for one guest run; default 900
	Needs root (the jail), qemu-system-x86_64 and tests/linux/fixture's
	kernel and initramfs (it fetches them with apt-get the first time).
	The last line is
	  linux: accel=A boot_ratio=X exit_ratio=Y accel=safepc:A,qemu:Q
	USAGE
	exit 2
}

# bench_linux_fail WHAT LOG - aborts, showing the end of LOG and its .err.
bench_linux_fail() {
	echo "bench: error: linux: $1; its output:" >&2
	cut -f2- "$2" 2>/dev/null | tail -n 15 | sed 's/^/  | /' >&2
	cut -f2- "$2.err" 2>/dev/null | tail -n 5 | sed 's/^/  ! /' >&2
	exit 1
}

# The phase markers: "NAME<TAB>text the console line starts with, after
# the printk stamp".  Kept in boot order; a phase is the time from the
# previous marker to this one.
BENCH_LINUX_MARKS='banner	Linux version
console	printk: console [ttyS0] enabled
cpus_up	smpboot: Total of
acpi	ACPI: Interpreter enabled
initrd	Freeing initrd memory
initcalls	Freeing unused kernel image (initmem)
run_init	Run /init as init process
init	REPORT init=start
report	REPORT done
poweroff	reboot: Power down'

# bench_linux_marks LOG - "NAME HOST_S PRINTK_S" per marker (first match;
# "-" where the line or its printk stamp is missing).
bench_linux_marks() {
	awk -F'\t' -v marks="$BENCH_LINUX_MARKS" '
		BEGIN {
			n = split(marks, ml, "\n")
			for (i = 1; i <= n; i++) {
				split(ml[i], f, "\t")
				name[i] = f[1]; text[i] = f[2]
				host[i] = "-"; pk[i] = "-"
			}
		}
		{
			line = $2; stamp = "-"
			if (match(line, /^\[ *[0-9]+\.[0-9]+\] /)) {
				stamp = substr(line, 2, RLENGTH - 3)
				gsub(/ /, "", stamp)
				line = substr(line, RLENGTH + 1)
			}
			for (i = 1; i <= n; i++)
				if (host[i] == "-" && index(line, text[i]) == 1) {
					host[i] = $1; pk[i] = stamp
				}
		}
		END { for (i = 1; i <= n; i++) print name[i], host[i], pk[i] }
	' "$1"
}

# bench_linux_field LOG KEY - VALUE of the guest's "REPORT KEY=VALUE".
bench_linux_field() {
	awk -F'\t' -v k="$2" '
		index($2, "REPORT " k "=") == 1 {
			print substr($2, length(k) + 9); exit
		}' "$1"
}

bench_linux() {
	local rounds=3 tmo=900 accel=auto mem=256 vcpus=1 disk=1 early=0 keep=
	local append='' qbios=/usr/share/qemu/qboot.rom
	local safepc runner qemu fix kernel initrd img cmdline vmm r v cfg log
	local res a qacc sum sum_pk
	local -a order qargs
	local -A boot ext cpu mk pk

	while [ $# -gt 0 ]; do
		case $1 in
		--rounds) rounds=${2:-}; shift 2 || bench_linux_usage ;;
		--accel) accel=${2:-}; shift 2 || bench_linux_usage ;;
		--memory) mem=${2:-}; shift 2 || bench_linux_usage ;;
		--vcpus) vcpus=${2:-}; shift 2 || bench_linux_usage ;;
		--no-disk) disk=0; shift ;;
		--earlycon) early=1; shift ;;
		--append) append=${2:-}; shift 2 || bench_linux_usage ;;
		--qemu-bios) qbios=${2:-}; shift 2 || bench_linux_usage ;;
		--keep) keep=${2:-}; shift 2 || bench_linux_usage ;;
		--build) BENCH_BUILD=${2:-}; shift 2 || bench_linux_usage ;;
		--timeout) tmo=${2:-}; shift 2 || bench_linux_usage ;;
		*) bench_linux_usage ;;
		esac
	done
	for v in "$rounds" "$tmo" "$mem" "$vcpus"; do
		bench_is_uint "$v" || bench_linux_usage
	done
	if [ "$rounds" -lt 1 ] || [ "$tmo" -lt 1 ] || [ "$mem" -lt 64 ] ||
	   [ "$vcpus" -lt 1 ] || [ "$vcpus" -gt 8 ]; then
		bench_linux_usage
	fi
	case $accel in
	auto)
		accel=soft
		if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=kvm; fi
		;;
	soft|kvm) ;;
	*) bench_linux_usage ;;
	esac
	[ "$(id -u)" = 0 ] || bench_skip "needs root (the jail)"
	[ "$accel" = soft ] || bench_need_kvm
	qacc=tcg
	[ "$accel" = soft ] || qacc=kvm

	safepc=$(bench_find_exe safepc "$BENCH_BUILD/src/toolstack") ||
		bench_die "no safepc in $BENCH_BUILD (build it: ninja -C $BENCH_BUILD)"
	runner=$(bench_find_exe bench-linux-run "$BENCH_BUILD/bench") ||
		bench_die "no bench-linux-run in $BENCH_BUILD/bench (ninja -C $BENCH_BUILD)"
	qemu=$(command -v qemu-system-x86_64) ||
		bench_skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
	fix=$("$BENCH_SRCDIR/tests/linux/fixture" | tail -n 1) ||
		bench_die "tests/linux/fixture failed"
	kernel=$(sed -n 's/^kernel=\([^ ]*\) initrd=.*/\1/p' <<<"$fix")
	initrd=$(sed -n 's/.* initrd=\(.*\)$/\1/p' <<<"$fix")
	if [ ! -f "$kernel" ] || [ ! -f "$initrd" ]; then
		bench_die "the fixture printed '$fix', not kernel=PATH initrd=PATH"
	fi
	if [ -n "$keep" ]; then
		mkdir -p "$keep" || bench_die "cannot create $keep"
	fi
	bench_tmpdir

	cmdline="console=ttyS0 panic=-1"
	[ $early = 0 ] || cmdline="$cmdline earlycon=uart8250,io,0x3f8,115200"
	[ -z "$append" ] || cmdline="$cmdline $append"
	case $cmdline in
	*[\"\'\\]*) bench_die "linux: no quotes or backslashes in --append" ;;
	esac
	# shellcheck disable=SC2054 # the commas belong to -drive
	qargs=(-accel "$qacc" -M pc -m "$mem" -smp "$vcpus" -nodefaults
		-display none -serial stdio -monitor none -no-reboot
		-kernel "$kernel" -initrd "$initrd")
	if [ "$qbios" = default ]; then
		qbios=seabios
	elif [ -f "$qbios" ]; then
		qargs+=(-bios "$qbios")
	elif [ "$qbios" = /usr/share/qemu/qboot.rom ]; then
		bench_log "warning: no $qbios: QEMU runs its default firmware (SeaBIOS)"
		qbios=seabios
	else
		bench_die "no $qbios"
	fi
	if [ $disk = 1 ]; then
		command -v python3 >/dev/null ||
			bench_die "python3 is needed for the pattern disk"
		img=$BENCH_TMP/disk.img
		python3 "$BENCH_SRCDIR/tests/guest/mkpattern.py" create "$img" 1 ||
			bench_die "cannot make the pattern disk"
		sum=$(dd if="$img" bs=512 count=64 status=none | sha256sum | cut -d' ' -f1)
		qargs+=(-drive "file=$img,format=raw,if=ide,index=0,snapshot=on")
	else
		cmdline="$cmdline fixture_disk_wait=0"
	fi
	qargs+=(-append "$cmdline")

	local start_us load0
	start_us=$(bench_now_us)
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	bench_log "linux: $rounds rounds of safepc (accel $accel) and qemu" \
		"(-accel $qacc, firmware $qbios): $(cat "$(dirname "$kernel")/kernel-package" 2>/dev/null ||
		basename "$kernel"), ${mem} MiB, $vcpus vCPU(s), '$cmdline'"
	for ((r = 1; r <= rounds; r++)); do
		if ((r % 2)); then order=(safepc qemu); else order=(qemu safepc); fi
		for vmm in "${order[@]}"; do
			log=$BENCH_TMP/$vmm-$r.log
			if [ "$vmm" = safepc ]; then
				cfg=$BENCH_TMP/safepc-$r.cfg
				{
					echo "name = \"bench-linux-$$-$r\""
					echo "accel = \"$accel\""
					echo "memory = $mem"
					echo "vcpus = $vcpus"
					echo "kernel = \"$kernel\""
					echo "ramdisk = \"$initrd\""
					echo "cmdline = \"$cmdline\""
					echo 'on_reboot = "destroy"'
					[ $disk = 0 ] ||
						echo "disk = [ 'format=raw, vdev=hda, access=ro, target=$img' ]"
				} >"$cfg"
				res=$("$runner" "$log" "$tmo" "REPORT init=start" \
					"$safepc" create -F "$cfg") ||
					bench_die "linux: bench-linux-run failed"
			else
				res=$("$runner" "$log" "$tmo" "REPORT init=start" \
					"$qemu" "${qargs[@]}") ||
					bench_die "linux: bench-linux-run failed"
			fi
			[ -z "$keep" ] || cp "$log" "$log.err" "$keep/"
			read -r "boot[$vmm,$r]" "ext[$vmm,$r]" v "cpu[$vmm,$r]" <<<"$res"
			[ "$v" != 124 ] || bench_linux_fail "$vmm, round $r: timed out after $tmo s" "$log"
			[ "$v" = 0 ] || bench_linux_fail "$vmm, round $r: exit status $v, want 0" "$log"
			[ "${boot[$vmm,$r]}" -ge 0 ] ||
				bench_linux_fail "$vmm, round $r: no 'REPORT init=start' line" "$log"
			grep -q 'reboot: Power down' "$log" ||
				bench_linux_fail "$vmm, round $r: the guest did not power off" "$log"
			if [ "$vmm" = safepc ]; then
				a=$(cut -f2- "$log.err" | grep -o -m 1 'accel: [a-z]*' | cut -d' ' -f2)
				[ "$a" = "$accel" ] ||
					bench_linux_fail "safepc ran with accel '${a:-?}', not $accel" "$log"
			fi
			if [ $disk = 1 ]; then
				v=$(bench_linux_field "$log" disk_sha256)
				[ "$v" = "$sum" ] ||
					bench_log "warning: $vmm, round $r: disk_sha256=${v:-(no line)}, want $sum:" \
						"its /init waited for the disk (fixture_disk_wait), which its exit time includes"
			fi
			while read -r v a sum_pk; do
				mk[$vmm,$r,$v]=$a
				pk[$vmm,$r,$v]=$sum_pk
			done < <(bench_linux_marks "$log")
			bench_log "$(printf 'round %d/%d %-6s init %8.3f s  exit %8.3f s  (cpu %.1f s)' \
				"$r" "$rounds" "$vmm" \
				"$(awk -v t="${boot[$vmm,$r]}" 'BEGIN { print t / 1e6 }')" \
				"$(awk -v t="${ext[$vmm,$r]}" 'BEGIN { print t / 1e6 }')" \
				"$(awk -v t="${cpu[$vmm,$r]}" 'BEGIN { print t / 1e6 }')")"
		done
	done

	printf '%-5s %-6s %9s %9s %9s\n' round vmm init_s exit_s cpu_s
	for ((r = 1; r <= rounds; r++)); do
		for vmm in safepc qemu; do
			awk -v r="$r" -v v="$vmm" -v b="${boot[$vmm,$r]}" \
				-v e="${ext[$vmm,$r]}" -v c="${cpu[$vmm,$r]}" 'BEGIN {
				printf "%-5d %-6s %9.3f %9.3f %9.3f\n",
					r, v, b / 1e6, e / 1e6, c / 1e6 }'
		done
	done

	# Medians, and the phases from the markers' median arrival times.
	local -A med
	local -a xs
	local name lo hi k
	echo
	printf '%-6s %9s %17s %9s %17s %9s\n' vmm init_s "init min..max" \
		exit_s "exit min..max" cpu_s
	for vmm in safepc qemu; do
		for k in boot ext cpu; do
			xs=()
			local -n arr=$k
			for ((r = 1; r <= rounds; r++)); do
				xs+=("${arr[$vmm,$r]}")
			done
			unset -n arr
			med[$vmm,$k]=$(bench_median "${xs[@]}")
			read -r "med[$vmm,$k,lo]" "med[$vmm,$k,hi]" <<<"$(bench_minmax "${xs[@]}")"
		done
		awk -v v="$vmm" -v b="${med[$vmm,boot]}" -v bl="${med[$vmm,boot,lo]}" \
			-v bh="${med[$vmm,boot,hi]}" -v e="${med[$vmm,ext]}" \
			-v el="${med[$vmm,ext,lo]}" -v eh="${med[$vmm,ext,hi]}" \
			-v c="${med[$vmm,cpu]}" 'BEGIN {
			printf "%-6s %9.3f %8.3f..%-8.3f %9.3f %8.3f..%-8.3f %9.3f\n",
				v, b / 1e6, bl / 1e6, bh / 1e6, e / 1e6, el / 1e6,
				eh / 1e6, c / 1e6 }'
	done

	echo
	echo "phases (median host arrival time of each marker line, s from spawn;"
	echo "the phase is the time since the marker above; printk: the guest's stamp)"
	printf '%-10s %9s %9s %9s %9s %7s %10s %10s\n' marker safepc qemu \
		safepc_ph qemu_ph ratio safepc_pk qemu_pk
	local prev_s=0 prev_q=0 ms mq ps pq
	while IFS=$'\t' read -r name _; do
		for vmm in safepc qemu; do
			xs=()
			local -a ys=()
			for ((r = 1; r <= rounds; r++)); do
				[ "${mk[$vmm,$r,$name]:--}" = - ] || xs+=("${mk[$vmm,$r,$name]}")
				[ "${pk[$vmm,$r,$name]:--}" = - ] || ys+=("${pk[$vmm,$r,$name]}")
			done
			if [ ${#xs[@]} -gt 0 ]; then
				med[$vmm,m]=$(bench_median "${xs[@]}")
			else
				med[$vmm,m]=-
			fi
			if [ ${#ys[@]} -gt 0 ]; then
				med[$vmm,p]=$(bench_median "${ys[@]}")
			else
				med[$vmm,p]=-
			fi
		done
		ms=${med[safepc,m]} mq=${med[qemu,m]} ps=${med[safepc,p]} pq=${med[qemu,p]}
		awk -v n="$name" -v ms="$ms" -v mq="$mq" -v a="$prev_s" -v b="$prev_q" \
			-v ps="$ps" -v pq="$pq" 'BEGIN {
			ds = (ms == "-") ? "-" : sprintf("%.3f", ms - a)
			dq = (mq == "-") ? "-" : sprintf("%.3f", mq - b)
			rt = (ds == "-" || dq == "-" || dq + 0 <= 0) ? "-" : sprintf("%.2f", ds / dq)
			printf "%-10s %9s %9s %9s %9s %7s %10s %10s\n", n,
				(ms == "-") ? "-" : sprintf("%.3f", ms),
				(mq == "-") ? "-" : sprintf("%.3f", mq), ds, dq, rt, ps, pq }'
		[ "$ms" = - ] || prev_s=$ms
		[ "$mq" = - ] || prev_q=$mq
	done <<<"$BENCH_LINUX_MARKS"
	awk -v a="$prev_s" -v b="$prev_q" -v es="${med[safepc,ext]}" \
		-v eq="${med[qemu,ext]}" 'BEGIN {
		ds = es / 1e6 - a; dq = eq / 1e6 - b
		printf "%-10s %9.3f %9.3f %9.3f %9.3f %7s\n", "exit", es / 1e6,
			eq / 1e6, ds, dq, (dq > 0 ? sprintf("%.2f", ds / dq) : "-") }'

	echo
	echo "machine: $(nproc) CPUs, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ);" \
		"/dev/kvm $([ -e /dev/kvm ] && echo yes || echo no);" \
		"QEMU firmware $(basename "$qbios"), cmdline '$cmdline';" \
		"load average $load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after" \
		"($(awk -v t="$(($(bench_now_us) - start_us))" \
		'BEGIN { printf "%.1f", t / 1e6 }') s)"
	# CPU time (user + system of every process of the VMM) is steadier
	# than wall time when the host is loaded; shown, not the target.
	awk -v a="${med[safepc,cpu]}" -v b="${med[qemu,cpu]}" 'BEGIN {
		printf "cpu: safepc %.1f s, qemu %.1f s, ratio %.3f (boot to exit)\n",
			a / 1e6, b / 1e6, (b > 0 ? a / b : 0) }'
	awk -v a="${med[safepc,boot]}" -v b="${med[qemu,boot]}" \
		-v c="${med[safepc,ext]}" -v d="${med[qemu,ext]}" \
		-v acc="$accel" -v qa="$qacc" 'BEGIN {
		printf "linux: accel=%s boot_ratio=%.3f exit_ratio=%.3f accel=safepc:%s,qemu:%s\n",
			acc, (b > 0 ? a / b : 0), (d > 0 ? c / d : 0), acc, qa }'
}
