# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# scripts/bench startup - how fast a domain starts and how much memory its
# processes take beside the guest's RAM (docs/performance.md), against QEMU.
#
# The guest is tests/guest/demo.elf: it prints "safepc demo guest", the
# date and its devices, then powers off through ACPI (port 0x604); with
# `idle` on its command line it halts for good instead.  Three VMMs, 64 MiB
# each, interleaved, the order rotating every round:
#
#   safepc        `create -F` (a fresh name each run): its multiboot loader
#                 puts the ELF in guest RAM, no firmware runs;
#   qemu          the fair reference and the headline: QEMU's own -kernel
#                 multiboot load with -nodefaults and a minimal firmware,
#                 qboot (Debian's qemu-system-data ships
#                 /usr/share/qemu/qboot.rom; --qemu-bios picks another);
#   qemu_seabios  QEMU as it comes (SeaBIOS, its default devices) with
#                 -kernel: the second figure, which firmware boot dominates.
#
# --accel kvm (default) runs safepc with accel = "kvm" and QEMU with -accel
# kvm and needs /dev/kvm; --accel soft runs safepc on its soft CPU (accel =
# "soft") and QEMU with -accel tcg.  safepc's log must name the accelerator.
#
#   first byte  from just before posix_spawn of the VMM to the first byte
#               of guest serial output on its stdout (a pipe);
#   exit        from the same instant to the VMM's exit (status must be 0).
# Both are taken by a small C helper compiled into the temp directory
# (CLOCK_MONOTONIC; the exit through a pidfd, so a descendant holding the
# pipe does not delay it).
#
#   RSS         with the guest idling (`extra=idle` / `-append idle`), once
#               it printed "idle: halted" and 1 s later: the private memory
#               (Private_Clean + Private_Dirty over /proc/PID/smaps) of
#               every safepc process (toolstack/monitor, hv, each DM) with
#               the guest-RAM memfd mapping (memfd:safepc-ram) left out -
#               the pages only hv touched would count as private in hv -
#               against QEMU's private memory minus the Rss of its guest
#               RAM (the anonymous rw-p mapping of exactly 64 MiB).  The
#               guest RAM's resident size is shown separately for both.
# Medians over the rounds (min..max beside them); ratios are safepc / QEMU.

bench_startup_usage() {
	cat >&2 <<-USAGE
	usage: scripts/bench startup [--accel kvm|soft] [--runs K] [--build DIR]
	                             [--timeout SECONDS] [--qemu-bios FILE]
	                             [--no-seabios]
	  --accel A     kvm: safepc accel = "kvm", QEMU -accel kvm (needs
	                /dev/kvm; the default); soft: safepc's soft CPU against
	                QEMU -accel tcg
	  --runs K      rounds of (safepc, qemu, qemu_seabios); default 5
	  --qemu-bios F the minimal firmware of the reference QEMU (run with
	                -nodefaults -bios F); default /usr/share/qemu/qboot.rom
	  --no-seabios  leave out the second reference (QEMU with SeaBIOS)
	  --build DIR   meson build directory; default $BENCH_BUILD
	  --timeout S   limit for one guest run; default 120
	The last line of output is
	  startup: ref=qemu+qboot+nodefaults first_byte_ratio=X exit_ratio=Y rss_ratio=Z seabios_ref=qemu+seabios seabios_first_byte_ratio=X2 seabios_exit_ratio=Y2 seabios_rss_ratio=Z2 accel=safepc:A,qemu:B
	USAGE
	exit 2
}

# The launcher: run OUT ERR TIMEOUT_S CMD... prints
# "first_byte_us exit_us status" (first_byte_us -1 when nothing came).
bench_startup_helper() {
	cat >"$BENCH_TMP/run.c" <<-'EOF'
	#define _GNU_SOURCE
	#include <errno.h>
	#include <fcntl.h>
	#include <poll.h>
	#include <signal.h>
	#include <spawn.h>
	#include <stdio.h>
	#include <stdlib.h>
	#include <sys/syscall.h>
	#include <sys/wait.h>
	#include <time.h>
	#include <unistd.h>

	extern char **environ;

	static long long now_ns(void)
	{
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		return ts.tv_sec * 1000000000LL + ts.tv_nsec;
	}

	int main(int argc, char **argv)
	{
		posix_spawn_file_actions_t fa;
		long long t0, tfirst = -1, texit = -1, deadline, left;
		int p[2], out, pfd, st = 0, status = -1, open_pipe = 1, n;
		pid_t pid;
		char buf[4096];

		if (argc < 5) {
			fprintf(stderr, "usage: run OUT ERR TIMEOUT_S CMD...\n");
			return 2;
		}
		out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out < 0 || pipe2(p, O_CLOEXEC) < 0)
			return perror("run"), 2;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, p[1], 1);
		posix_spawn_file_actions_addopen(&fa, 2, argv[2],
						 O_WRONLY | O_CREAT | O_TRUNC, 0644);
		deadline = now_ns() + atoll(argv[3]) * 1000000000LL;
		t0 = now_ns();
		errno = posix_spawnp(&pid, argv[4], &fa, NULL, argv + 4, environ);
		if (errno)
			return perror(argv[4]), 2;
		close(p[1]);
		pfd = syscall(SYS_pidfd_open, pid, 0);
		if (pfd < 0)
			return perror("pidfd_open"), 2;
		while (open_pipe || texit < 0) {
			struct pollfd pf[2] = {
				{ .fd = open_pipe ? p[0] : -1, .events = POLLIN },
				{ .fd = texit < 0 ? pfd : -1, .events = POLLIN },
			};
			left = (deadline - now_ns()) / 1000000;
			if (left <= 0) {
				if (texit < 0) {
					kill(pid, SIGKILL);
					waitpid(pid, &st, 0);
					status = 124;
					texit = now_ns();
				}
				break;
			}
			if (poll(pf, 2, left > 1000 ? 1000 : (int)left) < 0 &&
			    errno != EINTR)
				return perror("poll"), 2;
			if (pf[0].revents) {
				n = read(p[0], buf, sizeof(buf));
				if (n > 0) {
					if (tfirst < 0)
						tfirst = now_ns();
					if (write(out, buf, n) != n)
						return perror("write"), 2;
				} else if (n == 0 || errno != EINTR) {
					open_pipe = 0;
				}
			}
			if (pf[1].revents && waitpid(pid, &st, WNOHANG) == pid) {
				texit = now_ns();
				status = WIFEXITED(st) ? WEXITSTATUS(st)
						       : 128 + WTERMSIG(st);
				/* Descendants may hold the pipe: 2 s more at most. */
				if (deadline > texit + 2000000000LL)
					deadline = texit + 2000000000LL;
			}
		}
		printf("%lld %lld %d\n", tfirst < 0 ? -1 : (tfirst - t0) / 1000,
		       (texit - t0) / 1000, status);
		return 0;
	}
	EOF
	cc -O2 -o "$BENCH_TMP/run" "$BENCH_TMP/run.c" ||
		bench_die "cannot compile the launcher with cc"
}

# PID and all its descendants, one a line.
bench_startup_tree() {
	local c
	echo "$1"
	for c in $(pgrep -P "$1"); do
		bench_startup_tree "$c"
	done
}

# bench_startup_smaps PID RAM_RULE - "private_kb guest_ram_kb" of PID.
#   RAM_RULE memfd: the guest RAM is the memfd:safepc-ram mapping (left out
#                   of private memory);
#   RAM_RULE anon:N the guest RAM is the anonymous rw-p mapping of N kB
#                   (its Rss is subtracted from private memory).
bench_startup_smaps() {
	awk -v rule="$2" '
		/^[0-9a-f]+-[0-9a-f]+ / {
			ram = 0
			if (rule == "memfd")
				ram = index($0, "memfd:safepc-ram") > 0
			else
				ram = (NF == 5 && $2 == "rw-p") ? 2 : 0
			next
		}
		$1 == "Size:" { size = $2; next }
		$1 == "Rss:" {
			if (ram == 2 && !seen && "anon:" size == rule) {
				seen = 1; gram = $2; sub_kb = $2
			} else if (ram == 1 && $2 > gram) {
				gram = $2
			}
			next
		}
		$1 == "Private_Clean:" || $1 == "Private_Dirty:" {
			if (ram != 1) priv += $2
			next
		}
		END { printf "%d %d\n", priv - sub_kb, gram }
	' "/proc/$1/smaps"
}

# bench_startup_wait_idle LOG PID TIMEOUT_S - until the guest says so.
bench_startup_wait_idle() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -q '^idle: halted' "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

bench_startup_fail() {
	echo "bench: error: startup: $1; its output:" >&2
	cat "$2" "$3" 2>/dev/null | tail -n 20 | sed 's/^/  | /' >&2
	exit 1
}

bench_startup() {
	local runs=5 tmo=120 safepc elf qemu vmm r i v cfg pid p comm role
	local first ex st priv gram k accel=kvm qaccel seabios=1
	local qbios=/usr/share/qemu/qboot.rom
	local -a order vmms
	local -A fb ext rss ram part

	while [ $# -gt 0 ]; do
		case $1 in
		--accel) accel=${2:-}; shift 2 || bench_startup_usage ;;
		--runs) runs=${2:-}; shift 2 || bench_startup_usage ;;
		--build) BENCH_BUILD=${2:-}; shift 2 || bench_startup_usage ;;
		--timeout) tmo=${2:-}; shift 2 || bench_startup_usage ;;
		--qemu-bios) qbios=${2:-}; shift 2 || bench_startup_usage ;;
		--no-seabios) seabios=0; shift ;;
		*) bench_startup_usage ;;
		esac
	done
	for v in "$runs" "$tmo"; do
		bench_is_uint "$v" || bench_startup_usage
	done
	if [ "$runs" -lt 1 ] || [ "$tmo" -lt 1 ]; then
		bench_startup_usage
	fi
	case $accel in
	kvm) qaccel=kvm; bench_need_kvm ;;
	soft)
		qaccel=tcg
		[ "$(id -u)" = 0 ] || bench_skip "needs root (the jail)"
		;;
	*) bench_startup_usage ;;
	esac

	safepc=$(bench_find_exe safepc "$BENCH_BUILD/src/toolstack") ||
		bench_die "no safepc in $BENCH_BUILD (build it: ninja -C $BENCH_BUILD)"
	safepc=$(cd "$(dirname "$safepc")" && pwd)/safepc
	elf=$BENCH_BUILD/tests/guest/demo.elf
	[ -f "$elf" ] || bench_die "no $elf (ninja -C $BENCH_BUILD)"
	elf=$(cd "$(dirname "$elf")" && pwd)/$(basename "$elf")
	qemu=$(command -v qemu-system-x86_64) ||
		bench_skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
	# Without the minimal firmware there is no fair reference: only the
	# SeaBIOS figure would be left, which flatters safepc.
	[ -f "$qbios" ] ||
		bench_skip "no $qbios for the reference QEMU (apt-get install qemu-system-data, or --qemu-bios FILE)"
	command -v cc >/dev/null || bench_die "no C compiler (cc) for the launcher"
	bench_tmpdir
	bench_startup_helper

	vmms=(safepc qemu)
	[ $seabios = 0 ] || vmms+=(qemu_seabios)
	# shellcheck disable=SC2054 # the commas belong to -device
	local -a qbase=(-accel "$qaccel" -kernel "$elf" -m 64 -display none
		-serial stdio -monitor none -no-reboot
		-device isa-debug-exit,iobase=0xf4,iosize=4)
	local -a qref=("${qbase[@]}" -nodefaults -bios "$qbios")
	local -a qsb=("${qbase[@]}")
	bench_log "startup: qemu = $qemu -nodefaults -bios $qbios -kernel (accel $qaccel)"
	[ $seabios = 0 ] ||
		bench_log "startup: qemu_seabios = $qemu -kernel, its default firmware and devices (accel $qaccel)"
	local start_us load0
	start_us=$(bench_now_us)
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	bench_log "startup: $runs rounds of ${vmms[*]} (boot to poweroff, then idle RSS); safepc accel $accel"
	for ((r = 1; r <= runs; r++)); do
		# Rotate the order each round so no VMM always runs first.
		order=("${vmms[@]}")
		for ((i = 0; i < (r - 1) % ${#vmms[@]}; i++)); do
			order=("${order[@]:1}" "${order[0]}")
		done
		# Boot to poweroff: first byte and exit.
		for vmm in "${order[@]}"; do
			local out=$BENCH_TMP/$vmm-$r.out err=$BENCH_TMP/$vmm-$r.err
			case $vmm in
			safepc)
				cfg=$BENCH_TMP/safepc-$r.cfg
				cat >"$cfg" <<-CFG
				name = "bench-startup-$$-$r"
				accel = "$accel"
				kernel = "$elf"
				memory = 64
				CFG
				read -r first ex st < <("$BENCH_TMP/run" "$out" "$err" \
					"$tmo" "$safepc" create -F "$cfg")
				grep -q "accel: $accel" "$err" ||
					bench_startup_fail "safepc, round $r: its log does not say 'accel: $accel'" "$out" "$err"
				;;
			qemu)
				read -r first ex st < <("$BENCH_TMP/run" "$out" "$err" \
					"$tmo" "$qemu" "${qref[@]}")
				;;
			qemu_seabios)
				read -r first ex st < <("$BENCH_TMP/run" "$out" "$err" \
					"$tmo" "$qemu" "${qsb[@]}")
				;;
			esac
			[ "${st:-}" = 0 ] ||
				bench_startup_fail "$vmm, round $r: exit status ${st:-?}, want 0" "$out" "$err"
			[ "$(head -n 1 "$out")" = "safepc demo guest" ] ||
				bench_startup_fail "$vmm, round $r: the banner is not the first line" "$out" "$err"
			grep -q '^poweroff$' "$out" ||
				bench_startup_fail "$vmm, round $r: the guest did not power off" "$out" "$err"
			fb[$vmm,$r]=$first
			ext[$vmm,$r]=$ex
			bench_log "$(printf 'round %d/%d %-12s first byte %9.3f ms  exit %9.3f ms' \
				"$r" "$runs" "$vmm" \
				"$(awk -v t="$first" 'BEGIN { print t / 1e3 }')" \
				"$(awk -v t="$ex" 'BEGIN { print t / 1e3 }')")"
		done
		# Idle: private memory.
		for vmm in "${order[@]}"; do
			local out=$BENCH_TMP/$vmm-idle-$r.out
			case $vmm in
			safepc)
				cfg=$BENCH_TMP/safepc-$r.cfg
				sed -i "s/^name = .*/name = \"bench-startup-idle-$$-$r\"/" "$cfg"
				"$safepc" create -F "$cfg" extra=idle </dev/null >"$out" 2>&1 &
				;;
			qemu)
				"$qemu" "${qref[@]}" -append idle </dev/null >"$out" 2>&1 &
				;;
			qemu_seabios)
				"$qemu" "${qsb[@]}" -append idle </dev/null >"$out" 2>&1 &
				;;
			esac
			pid=$!
			BENCH_BG_PIDS="$BENCH_BG_PIDS $pid"
			if ! bench_startup_wait_idle "$out" "$pid" "$tmo"; then
				kill "$pid" 2>/dev/null
				wait "$pid" 2>/dev/null
				bench_startup_fail "$vmm, round $r: the idle guest did not halt" "$out" /dev/null
			fi
			sleep 1
			rss[$vmm,$r]=0 ram[$vmm,$r]=0
			if [ "$vmm" = safepc ]; then
				part[monitor,$r]=0 part[hv,$r]=0 part[dm,$r]=0
				for p in $(bench_startup_tree "$pid"); do
					read -r priv gram < <(bench_startup_smaps "$p" memfd) || continue
					comm=$(cat "/proc/$p/comm" 2>/dev/null)
					case $comm in
					safepc-hv) role=hv ;;
					safepc-dm*) role=dm ;;
					*) role=monitor ;;
					esac
					part[$role,$r]=$((part[$role,$r] + priv))
					rss[$vmm,$r]=$((rss[$vmm,$r] + priv))
					[ "$gram" -le "${ram[$vmm,$r]}" ] || ram[$vmm,$r]=$gram
				done
			else
				read -r priv gram < <(bench_startup_smaps "$pid" anon:65536)
				rss[$vmm,$r]=$priv ram[$vmm,$r]=$gram
				[ "$gram" -gt 0 ] ||
					bench_log "warning: no 64 MiB anonymous mapping in $vmm (guest RAM not subtracted)"
			fi
			kill -TERM "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			BENCH_BG_PIDS=${BENCH_BG_PIDS% *}
			bench_log "$(printf 'round %d/%d %-12s idle: private %6d kB  guest RAM resident %6d kB' \
				"$r" "$runs" "$vmm" "${rss[$vmm,$r]}" "${ram[$vmm,$r]}")"
		done
	done

	printf '%-5s %-12s %14s %10s %12s %13s\n' round vmm first_byte_ms \
		exit_ms private_kB guest_ram_kB
	for ((r = 1; r <= runs; r++)); do
		for vmm in "${vmms[@]}"; do
			awk -v r="$r" -v v="$vmm" -v f="${fb[$vmm,$r]}" \
				-v e="${ext[$vmm,$r]}" -v p="${rss[$vmm,$r]}" \
				-v g="${ram[$vmm,$r]}" 'BEGIN {
				printf "%-5d %-12s %14.3f %10.3f %12d %13d\n",
					r, v, f / 1e3, e / 1e3, p, g }'
		done
	done

	local -A med lo hi
	local -a a
	echo
	echo "medians over $runs rounds (min..max):"
	printf '%-12s %26s %26s %12s %13s\n' vmm "first_byte_ms (min..max)" \
		"exit_ms (min..max)" private_kB guest_ram_kB
	for vmm in "${vmms[@]}"; do
		for k in fb ext rss ram; do
			a=()
			local -n arr=$k
			for ((r = 1; r <= runs; r++)); do
				a+=("${arr[$vmm,$r]}")
			done
			unset -n arr
			med[$vmm,$k]=$(bench_median "${a[@]}")
			read -r "lo[$vmm,$k]" "hi[$vmm,$k]" <<<"$(bench_minmax "${a[@]}")"
		done
		awk -v v="$vmm" -v f="${med[$vmm,fb]}" -v e="${med[$vmm,ext]}" \
			-v fl="${lo[$vmm,fb]}" -v fh="${hi[$vmm,fb]}" \
			-v el="${lo[$vmm,ext]}" -v eh="${hi[$vmm,ext]}" \
			-v p="${med[$vmm,rss]}" -v g="${med[$vmm,ram]}" 'BEGIN {
			printf "%-12s %9.3f (%6.1f..%6.1f) %9.3f (%6.1f..%6.1f) %12.0f %13.0f\n",
				v, f / 1e3, fl / 1e3, fh / 1e3, e / 1e3, el / 1e3, eh / 1e3, p, g }'
	done
	printf 'safepc private kB by process (medians):'
	for role in monitor hv dm; do
		a=()
		for ((r = 1; r <= runs; r++)); do
			a+=("${part[$role,$r]}")
		done
		printf ' %s=%s' "$role" "$(bench_median "${a[@]}")"
	done
	echo
	echo
	echo "qemu: -nodefaults -bios $qbios -kernel (the reference);" \
		"qemu_seabios: -kernel with QEMU's default firmware and devices$([ $seabios = 1 ] || echo ' (left out)')"
	echo "machine: $(nproc) CPUs, $(uname -r), /dev/kvm $([ -e /dev/kvm ] && echo present || echo absent);" \
		"$(date -u '+%Y-%m-%d %H:%M UTC'); load average $load0 before," \
		"$(cut -d' ' -f1-3 /proc/loadavg) after ($(awk -v t="$(($(bench_now_us) - start_us))" \
		'BEGIN { printf "%.1f", t / 1e6 }') s)"
	awk -v a="${med[safepc,fb]}" -v b="${med[qemu,fb]}" \
		-v c="${med[safepc,ext]}" -v d="${med[qemu,ext]}" \
		-v e="${med[safepc,rss]}" -v f="${med[qemu,rss]}" \
		-v sb="$seabios" -v b2="${med[qemu_seabios,fb]:-0}" \
		-v d2="${med[qemu_seabios,ext]:-0}" -v f2="${med[qemu_seabios,rss]:-0}" \
		-v acc="safepc:$accel,qemu:$qaccel" \
		-v fw="$(basename "$qbios" .rom | tr -c 'A-Za-z0-9_.\n-' _)" '
		function ratio(x, y) { return y > 0 ? sprintf("%.3f", x / y) : "nan" }
		BEGIN {
		printf "startup: ref=qemu+%s+nodefaults first_byte_ratio=%s exit_ratio=%s rss_ratio=%s",
			fw, ratio(a, b), ratio(c, d), ratio(e, f)
		if (sb)
			printf " seabios_ref=qemu+seabios seabios_first_byte_ratio=%s seabios_exit_ratio=%s seabios_rss_ratio=%s",
				ratio(a, b2), ratio(c, d2), ratio(e, f2)
		else
			printf " seabios_ref=- seabios_first_byte_ratio=- seabios_exit_ratio=- seabios_rss_ratio=-"
		printf " accel=%s\n", acc }'
}
