#!/bin/bash
# SPDX-License-Identifier: MIT
# The console under a flood: a guest writes to COM1 as fast as it can
# while two clients read and a third never reads. The reader keeps
# getting output (the stalled client blocks neither the guest nor the
# others), no process grows, a late client gets the ring's 64 KiB, the
# log stays under its cap, the control socket still answers, and destroy
# ends it all.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh" "$@"

# The flood guest: a multiboot image with the a.out kludge (load at 1 MiB,
# entry after the 32-byte header): cld; mov dx,0x3f8; again: mov esi,
# line; mov ecx,95; rep outsb; jmp again. `line` (at +0x40) is the 94
# printable ASCII characters and a newline.
flood=$tmp/flood.bin
{
	printf '\x02\xb0\xad\x1b\x00\x00\x01\x00\xfe\x4f\x51\xe4\x00\x00\x10\x00'
	printf '\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x20\x00\x10\x00'
	printf '\xfc\x66\xba\xf8\x03\xbe\x40\x00\x10\x00\xb9\x5f\x00\x00\x00\xf3'
	printf '\x6e\xeb\xf2\x90\x90\x90\x90\x90\x90\x90\x90\x90\x90\x90\x90\x90'
	for i in $(seq 33 126); do
		printf "\\x$(printf %02x "$i")"
	done
	printf '\n'
} >"$flood"
line=$(for i in $(seq 33 126); do printf "\\x$(printf %02x "$i")"; done)
[ ${#line} = 94 ] || fail "flood image: bad line '$line'"

# rss PID: resident KiB.
rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

name=$(lc_name flood)
lc_create "$name" "kernel=$flood" memory=16 >/dev/null || fail "create: status $?"
dom=$(lc_domid "$name")
[ -n "$dom" ] || { fail "not listed"; lc_done; }
run=/run/safepc/dom/$dom
mon=$(cat "$run/pid")
dm=$("$safepc" list --json "$name" | grep -o '"role":"dm","pid":[0-9]*' | grep -o '[0-9]*$')

# Two readers (the real client, stdin not a terminal) and a staller.
"$safepc" console "$name" </dev/null >"$tmp/a" 2>"$tmp/a.err" &
a_pid=$!
lc_pids+=("$a_pid")
"$sockcat" -s "$run/console" &
lc_pids+=($!)
"$safepc" console "$name" </dev/null >"$tmp/b" 2>/dev/null &
lc_pids+=($!)
sleep 1
mon_rss0=$(rss "$mon")
dm_rss0=$(rss "$dm")
sleep 2
a1=$(stat -c %s "$tmp/a")
sleep 3
a2=$(stat -c %s "$tmp/a")
# By now the stalled client's socket is full (the kernel takes ~200 KiB):
# the reader must still get the stream.
sleep 3
a3=$(stat -c %s "$tmp/a")
echo "reader: $a1 bytes after 3 s, $a2 after 6 s, $a3 after 9 s"
[ $((a2 - a1)) -gt 20000 ] && [ $((a3 - a2)) -gt 20000 ] ||
	fail "the reader got only $((a2 - a1)), then $((a3 - a2)) bytes in 3 s next to a stalled client"

# The control socket answers during the flood.
t0=$(lc_now_ms)
st=$(lc_state "$name")
t1=$(lc_now_ms)
[ "$st" = running ] || fail "state during the flood: '$st'"
[ $((t1 - t0)) -lt 2000 ] || fail "list took $((t1 - t0)) ms during the flood"

# Pause the guest: the stream stops, and what each reader got can be
# compared with the log byte for byte. (Under a flood the DM may drop
# bytes it cannot hand on; the monitor's relay must lose none.)
"$safepc" pause "$name" || fail "pause: status $?"
sleep 1
size=$(stat -c %s "$run/console.log")
[ "$size" -le 1048576 ] || fail "console.log is $size bytes, over its 1 MiB cap"
if [ -e "$run/console.log.1" ]; then
	# The log keeps the stream's last part (console.log.1, then
	# console.log): each reader's stream must end with exactly that.
	cat "$run/console.log.1" "$run/console.log" >"$tmp/logtail"
	n=$(stat -c %s "$tmp/logtail")
	for r in a b; do
		tail -c "$n" "$tmp/$r" | cmp -s - "$tmp/logtail" ||
			fail "reader ${r^^}'s stream does not end with the log's last $n bytes"
	done
	echo "note: the log rotated; the readers' last $n bytes checked"
else
	cmp -s "$tmp/a" "$run/console.log" ||
		fail "reader A's stream differs from the log ($(stat -c %s "$tmp/a") vs $size bytes)"
	cmp -s "$tmp/b" "$run/console.log" ||
		fail "reader B's stream differs from the log ($(stat -c %s "$tmp/b") vs $size bytes)"
fi
# A late client gets the ring: the last 64 KiB, exactly.
(sleep 1; printf '\035') | timeout 10 "$safepc" console "$name" >"$tmp/late" 2>/dev/null
late=$(stat -c %s "$tmp/late")
[ "$late" = 65536 ] || fail "a late client got $late bytes, not the 64 KiB ring"
# After a rotation the ring may reach back into console.log.1, the
# stream's part before console.log (the soft CPU's flood fills 1 MiB in
# well under a second).
cat "$run/console.log.1" "$run/console.log" 2>/dev/null | tail -c 65536 |
	cmp -s - "$tmp/late" ||
	fail "a late client's replay is not the log's last 64 KiB"
grep -q -F -- "${line:30:40}" "$tmp/late" || fail "the replay lacks the guest's output"
"$safepc" unpause "$name" || fail "unpause: status $?"

# Nobody grew: not the monitor (no per-client buffers), not the DM.
mon_rss1=$(rss "$mon")
dm_rss1=$(rss "$dm")
echo "monitor RSS ${mon_rss0} -> ${mon_rss1} KiB, DM RSS ${dm_rss0} -> ${dm_rss1} KiB"
[ $((mon_rss1 - mon_rss0)) -lt 2048 ] || fail "the monitor grew by $((mon_rss1 - mon_rss0)) KiB"
[ $((dm_rss1 - dm_rss0)) -lt 1024 ] || fail "the DM grew by $((dm_rss1 - dm_rss0)) KiB"

# destroy with every client attached: quick, and the readers see the end.
t0=$(lc_now_ms)
"$safepc" destroy "$name" || fail "destroy: status $?"
t1=$(lc_now_ms)
[ $((t1 - t0)) -lt 5000 ] || fail "destroy took $((t1 - t0)) ms"
for i in $(seq 30); do
	kill -0 "$a_pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$a_pid" 2>/dev/null && fail "a console client did not end with its domain"
lc_check_gone destroy "$dom" "$name"

lc_done
