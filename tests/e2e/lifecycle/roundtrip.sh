#!/bin/bash
# SPDX-License-Identifier: MIT
# Lifecycle round trip: create (daemonized) -> list -> console -> pause ->
# unpause -> shutdown (the guest obeys the power button) -> gone; a guest
# that ignores the button -> shutdown ends in a destroy; create -> destroy
# -> gone; create -c; --help of every verb; errors.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh" "$@"

name=$(lc_name a)

# create returns once the guest runs, quickly, and leaves no terminal
# tie: its output is one line.
t0=$(lc_now_ms)
out=$(lc_create "$name" extra=idle 2>&1)
rc=$?
t1=$(lc_now_ms)
[ "$rc" = 0 ] || fail "create: status $rc: $out"
echo "$out" | grep -q "^Started domain $name (id [0-9]*)$" ||
	fail "create: unexpected output: $out"
[ $((t1 - t0)) -lt 5000 ] || fail "create took $((t1 - t0)) ms"
dom=$(lc_domid "$name")
[ -n "$dom" ] || fail "create: $name not in list --json"
dom=${dom:-0}

# list: the table and the JSON.
row=$("$safepc" list | awk -v n="$name" '$2 == n')
[ -n "$row" ] || fail "list: no row for $name"
read -r r_id r_name r_state r_vcpus r_mem r_up r_dms r_accel <<<"$row"
[ "$r_id" = "$dom" ] || fail "list: id $r_id, expected $dom"
[ "$r_state" = running ] || fail "list: state $r_state, expected running"
[ "$r_vcpus" = 1 ] || fail "list: vcpus $r_vcpus"
[ "$r_mem" = 64 ] || fail "list: memory $r_mem"
[ "$r_dms" = 1 ] || fail "list: $r_dms DM processes, expected 1"
# The accelerator: whatever accel = "auto" picked, the same in both forms.
case $r_accel in kvm | soft) ;; *) fail "list: accel '$r_accel'" ;; esac
case $r_up in [0-9]*:[0-9][0-9]:[0-9][0-9]) ;; *) fail "list: uptime '$r_up'" ;; esac
json=$("$safepc" list --json "$name")
for want in "\"domid\":$dom," "\"state\":\"running\"" '"vcpus":1,' \
	'"memory_mib":64,' '"role":"hv"' '"role":"dm"' "\"tag\":\"dm/$dom/chipset\"" \
	"\"accel\":\"$r_accel\""; do
	echo "$json" | grep -qF -- "$want" || fail "list --json: no $want in $json"
done
[ "$(echo "$json" | head -n 1)" = "[" ] || fail "list --json: not an array"
# The record: files of the record, the sockets root's only.
for f in name lock pid control console log console.log domain; do
	[ -e "/run/safepc/dom/$dom/$f" ] || fail "no /run/safepc/dom/$dom/$f"
done
for s in control console; do
	m=$(stat -c '%a %U' "/run/safepc/dom/$dom/$s" 2>/dev/null)
	[ "$m" = "600 root" ] || fail "$s socket: mode/owner '$m'"
done
log_size=$(stat -c %s "/run/safepc/dom/$dom/log" 2>/dev/null || echo 0)
grep -q "monitor/$dom: info: domain $name: monitor started" \
	"/run/safepc/dom/$dom/log" 2>/dev/null || fail "the monitor log lacks its start line"

# console: stdin not a terminal; Ctrl-] after a second detaches. The
# ring buffer replays the banner printed before we attached.
(sleep 1; printf '\035') | timeout 10 "$safepc" console "$name" >"$tmp/con" 2>"$tmp/con.err"
rc=$?
[ "$rc" = 0 ] || fail "console: status $rc: $(cat "$tmp/con.err")"
grep -q '^safepc demo guest' "$tmp/con" || fail "console: no banner replayed"
grep -q '^idle: halted' "$tmp/con" || fail "console: no 'idle: halted'"
[ "$(lc_state "$name")" = running ] || fail "console: domain not running after detach"

# pause / unpause.
"$safepc" pause "$name" || fail "pause: status $?"
[ "$(lc_state "$name")" = paused ] || fail "pause: state $(lc_state "$name")"
"$safepc" pause "$name" || fail "pause twice: status $?"
"$safepc" unpause "$name" || fail "unpause: status $?"
[ "$(lc_state "$name")" = running ] || fail "unpause: state $(lc_state "$name")"

# shutdown: the power button reaches the guest, which powers off at once
# (the demo's idle mode handles the SCI); shutdown waits, says so, exit 0.
t0=$(lc_now_ms)
"$safepc" shutdown -t 20 "$name" >"$tmp/sd.out" 2>"$tmp/sd.err"
rc=$?
t1=$(lc_now_ms)
[ "$rc" = 0 ] || fail "shutdown: status $rc: $(cat "$tmp/sd.err")"
grep -q "the guest shut down" "$tmp/sd.out" || fail "shutdown: no report that the guest obeyed: $(cat "$tmp/sd.out" "$tmp/sd.err")"
[ $((t1 - t0)) -lt 10000 ] || fail "shutdown took $((t1 - t0)) ms for a guest that obeys at once"
lc_check_gone shutdown "$dom" "$name"

# A guest that ignores the button: destroyed after the timeout, and
# shutdown fails, saying so.
lc_create "$name" "extra=idle deaf" >/dev/null || fail "create (deaf): status $?"
dom=$(lc_domid "$name")
dom=${dom:-0}
t0=$(lc_now_ms)
"$safepc" shutdown -t 1 "$name" >"$tmp/sd.out" 2>"$tmp/sd.err"
rc=$?
t1=$(lc_now_ms)
[ "$rc" = 2 ] || fail "shutdown of a deaf guest: status $rc, not 2: $(cat "$tmp/sd.err")"
grep -q "did not shut down within 1 s; destroyed" "$tmp/sd.err" || fail "shutdown (deaf): no note of the destroy: $(cat "$tmp/sd.err")"
[ $((t1 - t0)) -ge 900 ] || fail "shutdown returned after $((t1 - t0)) ms, before its 1 s timeout"
[ $((t1 - t0)) -lt 10000 ] || fail "shutdown took $((t1 - t0)) ms"
lc_check_gone shutdown-deaf "$dom" "$name"

# create again (the name is free), destroy.
lc_create "$name" extra=idle >/dev/null || fail "create after shutdown: status $?"
dom=$(lc_domid "$name")
dom=${dom:-0}
t0=$(lc_now_ms)
"$safepc" destroy "$name" || fail "destroy: status $?"
t1=$(lc_now_ms)
[ $((t1 - t0)) -lt 5000 ] || fail "destroy took $((t1 - t0)) ms"
lc_check_gone destroy "$dom" "$name"
"$safepc" destroy "$name" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] || fail "destroy of a gone domain: status $rc"
grep -q "^safepc: no domain '$name'" "$tmp/err" || fail "destroy of a gone domain: $(cat "$tmp/err")"

# create -c: attaches at once; Ctrl-] leaves the domain running.
(sleep 1; printf '\035') | timeout 10 "$safepc" create -c "$lc_cfg" "name=$name" extra=idle >"$tmp/c" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "create -c: status $rc: $(cat "$tmp/c")"
grep -q '^safepc demo guest' "$tmp/c" || fail "create -c: no banner"
[ "$(lc_state "$name")" = running ] || fail "create -c: not running after detach"
dom=$(lc_domid "$name")
"$safepc" destroy "$name" || fail "destroy after create -c: status $?"
lc_check_gone "destroy after create -c" "${dom:-0}" "$name"

# --help of every verb: status 0, a usage line on stdout.
for v in create list console shutdown destroy pause unpause check; do
	out=$("$safepc" "$v" --help 2>&1)
	rc=$?
	[ "$rc" = 0 ] || fail "$v --help: status $rc"
	echo "$out" | head -n 2 | grep -q "safepc $v" || fail "$v --help: no usage line"
done
"$safepc" --help | grep -q '^usage: safepc COMMAND' || fail "--help: no usage"

# Errors: one line, status 2.
for v in pause unpause console shutdown destroy; do
	out=$("$safepc" "$v" "lc-no-such-domain-$$" 2>&1)
	rc=$?
	[ "$rc" = 2 ] || fail "$v of an unknown domain: status $rc"
	[ "$(echo "$out" | wc -l)" = 1 ] || fail "$v of an unknown domain: not one line: $out"
done
out=$("$safepc" frobnicate 2>&1)
[ $? = 2 ] || fail "unknown verb: status not 2"
echo "$out" | grep -q "unknown command 'frobnicate'" || fail "unknown verb: $out"

lc_done
