#!/bin/bash
# SPDX-License-Identifier: MIT
# The control socket's protocol (docs/control-protocol.md): greeting,
# negotiation, replies with ids, errors, events, bounds, root only, and a
# monitor that survives garbage from its clients.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh" "$@"

name=$(lc_name p)
lc_create "$name" extra=idle >/dev/null || fail "create: status $?"
dom=$(lc_domid "$name")
[ -n "$dom" ] || { fail "create: $name not listed"; lc_done; }
ctl=/run/safepc/dom/$dom/control

# q LINE...: sends the lines one reply at a time; prints what came back.
q() {
	printf '%s\n' "$@" | timeout 10 "$sockcat" -n -w 1 "$ctl"
}
# expect OUTPUT N ERE: line N (1 = the greeting) matches ERE.
expect() {
	local line

	line=$(echo "$1" | sed -n "${2}p")
	echo "$line" | grep -qE -- "$3" || fail "reply $2: '$line' is not /$3/"
}

caps='{"execute":"qmp_capabilities"}'
out=$(q "$caps")
expect "$out" 1 '^\{"safepc":\{"version":\{"major":[0-9]+,"minor":[0-9]+,"micro":[0-9]+\},"package":"safepc [0-9.]+"\},"capabilities":\[\]\}$'
expect "$out" 2 '^\{"return":\{\}\}$'

# Before the negotiation, nothing else; after it, not again.
out=$(q '{"execute":"query-status","id":1}' "$caps" "$caps")
expect "$out" 2 '^\{"error":\{"class":"CommandNotFound","desc":"Expecting capabilities negotiation with .qmp_capabilities."\},"id":1\}$'
expect "$out" 3 '^\{"return":\{\}\}$'
expect "$out" 4 '"class":"CommandNotFound","desc":"Capabilities negotiation is already complete'

# Replies carry the request's id, whatever JSON it is.
out=$(q "$caps" '{"execute":"query-status","id":{"a":[1,"x"]}}' \
	'{"id":"s","execute":"query-domain"}' \
	'{"execute":"query-commands","id":3}' '{"execute":"query-version","id":4}')
expect "$out" 3 '^\{"return":\{"status":"running","running":true\},"id":\{"a":\[1,"x"\]\}\}$'
expect "$out" 4 "^\\{\"return\":\\{\"domid\":$dom,\"name\":\"$name\",\"state\":\"running\",.*\\},\"id\":\"s\"\\}\$"
expect "$out" 5 '"name":"system_powerdown"'
expect "$out" 6 '^\{"return":\{"major":[0-9]+,"minor":[0-9]+,"micro":[0-9]+,"package":"safepc .*"\},"id":4\}$'

# Errors: malformed JSON, no object, no execute, bad members, unknown
# command, bad arguments. Each is one reply; the connection goes on.
out=$(q "$caps" '{"execute":' '[1]' '{"id":7}' '{"execute":1,"id":8}' \
	'{"execute":"stop","arguments":[],"id":9}' '{"execute":"stop","x":1,"id":10}' \
	'{"execute":"no-such","id":11}' \
	'{"execute":"system_powerdown","arguments":{"timeout":-1},"id":12}' \
	'{"execute":"system_powerdown","arguments":{"bogus":1},"id":13}' \
	'{"execute":"query-status","id":14}')
expect "$out" 3 '^\{"error":\{"class":"GenericError","desc":"JSON parse error, offset 11: expected a value"\}\}$'
expect "$out" 4 '^\{"error":\{"class":"GenericError","desc":"input must be a JSON object"\}\}$'
expect "$out" 5 '"desc":"input lacks member .execute."\},"id":7\}$'
expect "$out" 6 '"desc":"input member .execute. must be a string"\},"id":8\}$'
expect "$out" 7 '"desc":"input member .arguments. must be an object"\},"id":9\}$'
expect "$out" 8 '"desc":"input member .x. is unexpected"\},"id":10\}$'
expect "$out" 9 '^\{"error":\{"class":"CommandNotFound","desc":"The command no-such has not been found"\},"id":11\}$'
expect "$out" 10 '"class":"GenericError","desc":".timeout. must be an integer.*"id":12\}$'
expect "$out" 11 '"desc":"system_powerdown takes only .timeout."\},"id":13\}$'
expect "$out" 12 '^\{"return":\{"status":"running","running":true\},"id":14\}$'

# has LINE_ERE OUTPUT: some line matches (events come in between replies:
# as in QMP, an event a command causes may precede its reply).
has() {
	echo "$2" | grep -qE -- "$1" || fail "no reply /$1/ in: $2"
}

# Events: a second client sees STOP and RESUME caused by the first.
timeout 10 "$sockcat" -n -w 3 "$ctl" >"$tmp/ev" < <(echo "$caps"; sleep 4) &
lc_pids+=($!)
ev_pid=$!
sleep 0.5
out=$(q "$caps" '{"execute":"stop","id":1}' '{"execute":"query-status","id":2}' \
	'{"execute":"cont","id":3}' '{"execute":"query-status","id":4}')
has '^\{"return":\{\},"id":1\}$' "$out"
has '^\{"return":\{"status":"paused","running":false\},"id":2\}$' "$out"
has '^\{"return":\{\},"id":3\}$' "$out"
has '^\{"return":\{"status":"running","running":true\},"id":4\}$' "$out"
wait "$ev_pid"
grep -qE '^\{"event":"STOP","data":\{\},"timestamp":\{"seconds":[0-9]+,"microseconds":[0-9]+\}\}$' "$tmp/ev" ||
	fail "no STOP event: $(cat "$tmp/ev")"
grep -q '^{"event":"RESUME"' "$tmp/ev" || fail "no RESUME event"

# A line longer than 64 KiB: an error, then the connection is closed.
{ echo "$caps"; printf '{"execute":"%070000d"}\n' 0; echo "$caps"; } |
	timeout 10 "$sockcat" -w 2 "$ctl" >"$tmp/long"
grep -q '"desc":"message longer than 65536 bytes"' "$tmp/long" || fail "no error for a 70000-byte line"
[ "$(grep -c '"return"' "$tmp/long")" = 1 ] || fail "the connection went on after an oversized line"

# Garbage, and clients that vanish mid-line: the monitor goes on.
head -c 200000 /dev/urandom | timeout 10 "$sockcat" -w 1 "$ctl" >/dev/null
printf '{"execute":"qmp_capa' | timeout 5 "$sockcat" -w 0 "$ctl" >/dev/null
for i in $(seq 20); do
	timeout 5 "$sockcat" -w 0 "$ctl" </dev/null >/dev/null &
done
wait
[ "$(lc_state "$name")" = running ] || fail "monitor not serving after garbage"

# Root only: another uid cannot reach the socket.
if command -v setpriv >/dev/null; then
	if setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$sockcat" -w 1 "$ctl" </dev/null >"$tmp/nobody" 2>&1; then
		fail "uid 65534 could connect to the control socket"
	fi
fi

# quit: {} first, then SHUTDOWN, then the end of the stream; the domain
# is gone by then.
out=$(printf '%s\n' "$caps" '{"execute":"quit","id":"q"}' | timeout 20 "$sockcat" -n "$ctl")
expect "$out" 3 '^\{"return":\{\},"id":"q"\}$'
expect "$out" 4 '^\{"event":"SHUTDOWN","data":\{"guest":false,"reason":"destroyed","code":0,"text":"destroyed","action":"destroy"\}'
lc_check_gone quit "$dom" "$name"

# system_powerdown: the button is pressed (guest_notified), POWERDOWN at
# once; a guest that ignores it gets SHUTDOWN (destroyed) after the timeout.
lc_create "$name" "extra=idle deaf" >/dev/null || fail "create: status $?"
dom=$(lc_domid "$name")
ctl=/run/safepc/dom/${dom:-0}/control
out=$(printf '%s\n' "$caps" '{"execute":"system_powerdown","arguments":{"timeout":1},"id":5}' |
	timeout 20 "$sockcat" -n "$ctl")
has '^\{"return":\{"guest_notified":true,"timeout":1\},"id":5\}$' "$out"
has '^\{"event":"POWERDOWN","data":\{"guest_notified":true,"timeout":1\}' "$out"
expect "$out" 5 '^\{"event":"SHUTDOWN","data":\{"guest":false,"reason":"destroyed",.*"action":"destroy"\}'
lc_check_gone powerdown "${dom:-0}" "$name"

# A guest that handles the button powers off by itself: SHUTDOWN with
# guest true and reason poweroff, long before the 30 s timeout.
lc_create "$name" extra=idle >/dev/null || fail "create: status $?"
dom=$(lc_domid "$name")
ctl=/run/safepc/dom/${dom:-0}/control
out=$(printf '%s\n' "$caps" '{"execute":"system_powerdown","arguments":{"timeout":30},"id":6}' |
	timeout 20 "$sockcat" -n "$ctl")
has '^\{"return":\{"guest_notified":true,"timeout":30\},"id":6\}$' "$out"
has '^\{"event":"SHUTDOWN","data":\{"guest":true,"reason":"poweroff",' "$out"
lc_check_gone powerdown-obeyed "${dom:-0}" "$name"

lc_done
