#!/bin/bash
# SPDX-License-Identifier: MIT
# The monitor survives whatever hv or a DM does, and reports it: daemon
# domains (on_crash = preserve) whose DM is safepc-dm-evil (seccomp kill,
# crash, exit, garbage answers, silence) or whose hv/DM is killed from
# outside. Each ends as "crashed" in `list`, with DM_CRASH /
# SECCOMP_VIOLATION / SHUTDOWN events in the monitor's event log, its
# processes gone; destroy removes everything. With the default on_crash
# (destroy) the domain goes away by itself.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh" "$@"
[ -x "$build/safepc-dm-evil" ] || skip "$build/safepc-dm-evil not built"

# events NAME: the monitor's event log (query-event-log), one per line.
events() {
	local dom

	dom=$(lc_domid "$1")
	printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"query-event-log","id":1}' |
		timeout 10 "$sockcat" -n -w 1 "/run/safepc/dom/${dom:-0}/control" |
		grep '"id":1}$' | sed 's/^{"return":\[//; s/\],"id":1}$//; s/},{"event"/}\n{"event"/g'
}

# expect_event NAME ERE: some event in NAME's log matches.
expect_event() {
	grep -qE -- "$2" "$tmp/ev" || fail "$1: no event /$2/ in: $(cat "$tmp/ev")"
}

# ended NAME SECONDS: waits for the crashed state; checks and destroys.
ended() {
	local name=$1 dom

	dom=$(lc_domid "$name")
	lc_wait_state "$name" crashed "$2" ||
		fail "$name: state '$(lc_state "$name")', expected crashed"
	events "$name" >"$tmp/ev"
	"$safepc" list --json "$name" | grep -q '"processes":\[\]' ||
		fail "$name: processes still listed"
	[ -z "$(lc_domain_pids "${dom:-0}")" ] || fail "$name: processes still run"
	expect_event "$name" '^\{"event":"SHUTDOWN","data":\{"guest":false,"reason":"(dm-fault|hv-error)",.*"action":"preserve"\}'
}

finish() {
	local name=$1 dom

	dom=$(lc_domid "$name")
	"$safepc" destroy "$name" || fail "$name: destroy: status $?"
	lc_check_gone "$name: destroy" "${dom:-0}" "$name"
}

for mode in seccomp crash die garbage silent; do
	name=$(lc_name "$mode")
	SAFEPC_DM_BINARY=safepc-dm-evil SAFEPC_DM_TEST_ARGS=$mode \
		lc_create "$name" on_crash=preserve >/dev/null ||
		fail "$name: create: status $?"
	dom=$(lc_domid "$name")
	ended "$name" 15
	expect_event "$name" "^\\{\"event\":\"DM_CRASH\",\"data\":\\{\"process\":\"dm/$dom/chipset\",\"pid\":[0-9]+,\"reason\":\"[^\"]+\"(,\"exit\":\"[^\"]+\")?\\}"
	case $mode in
	seccomp)
		expect_event "$name" "^\\{\"event\":\"SECCOMP_VIOLATION\",\"data\":\\{\"process\":\"dm/$dom/chipset\",\"pid\":[0-9]+,\"uid\":[0-9]+\\}" ;;
	crash)
		expect_event "$name" '"event":"DM_CRASH",.*"exit":"dm/[0-9]+/chipset killed by signal 11' ;;
	die)
		expect_event "$name" '"event":"DM_CRASH",.*"exit":"dm/[0-9]+/chipset exited with status 1"' ;;
	silent)
		expect_event "$name" '"reason":"[^"]*did not answer within' ;;
	garbage)
		expect_event "$name" '"reason":"[^"]*answer does not match the request' ;;
	esac
	grep -q '"event":"SECCOMP_VIOLATION"' "$tmp/ev" && [ "$mode" != seccomp ] &&
		fail "$name: SECCOMP_VIOLATION reported for $mode"
	finish "$name"
done

# The default on_crash = destroy: gone by itself, nothing left.
name=$(lc_name evil-destroy)
SAFEPC_DM_BINARY=safepc-dm-evil SAFEPC_DM_TEST_ARGS=crash \
	lc_create "$name" >/dev/null || fail "$name: create: status $?"
dom=$(lc_domid "$name")
for i in $(seq 100); do
	"$safepc" list | awk '{ print $2 }' | grep -qx -- "$name" || break
	sleep 0.1
done
lc_check_gone "$name: ended by itself" "${dom:-0}" "$name"

# Killed from outside. Each jailed process is the init of its own pid
# namespace, so only SIGKILL (and SIGSTOP) reach it from here.
name=$(lc_name hv-kill)
lc_create "$name" on_crash=preserve extra=idle >/dev/null || fail "$name: create: status $?"
hv=$("$safepc" list --json "$name" | grep -o '"role":"hv","pid":[0-9]*' | grep -o '[0-9]*$')
kill -KILL "${hv:-0}"
ended "$name" 10
expect_event "$name" '"reason":"hv-error",.*"text":"hv/[0-9]+ killed by signal 9'
finish "$name"

name=$(lc_name dm-kill)
lc_create "$name" on_crash=preserve extra=idle >/dev/null || fail "$name: create: status $?"
dom=$(lc_domid "$name")
dm=$("$safepc" list --json "$name" | grep -o '"role":"dm","pid":[0-9]*' | grep -o '[0-9]*$')
kill -KILL "${dm:-0}"
ended "$name" 10
expect_event "$name" "^\\{\"event\":\"DM_CRASH\",\"data\":\\{\"process\":\"dm/$dom/chipset\",.*killed by signal 9"
finish "$name"

lc_done
