#!/bin/bash
# SPDX-License-Identifier: MIT
#
# `safepc check` end to end (docs/security.md): a real domain, its jails read
# from /proc.
#
#   tests/e2e/check/check.sh CASE BUILD_DIR
#
# CASE `normal`: a default domain; every row must PASS (exit 0), --json
# must be valid JSON with "failures": 0, the domain is found by name and
# by domid, and an unknown domain exits 2.
# CASE one of seccomp netns ipcns utsns pidns root caps no_new_privs
# rlimits cgroups: a domain with jail_weaken = ["CASE"]; check must exit 1
# and the FAIL rows of every process must be exactly the rows that
# restriction shows, each marked as given up by jail_weaken.
# CASE accel-soft / accel-kvm: a default domain with accel = "soft" /
# "kvm" (accel-kvm reports SKIP without a usable /dev/kvm). Every case
# checks the accelerator: check's JSON and `list --json` name the same one
# (the wanted one for accel-*), and hv's accel row is a PASS with no KVM fd
# under soft, an INFO counting /dev/kvm, the VM and its vCPU under KVM.
#
# Needs root (without /dev/kvm the domain runs on the soft CPU); exits
# 0 on pass, 1 on failure, 77 (meson's skip) when the machine or the
# build cannot run it. Other domains may run at the same time: the domain
# gets a name of its own.
#
# SAFEPC_CHECK names another program to run as `PROGRAM check ...`
# (default BUILD_DIR/safepc); it is only for trying the command out
# before the toolstack dispatches the verb.
set -u

case=${1:-}
build=${2:-}
if [ -z "$case" ] || [ -z "$build" ] || [ $# -ne 2 ]; then
	echo "usage: $0 CASE BUILD_DIR" >&2
	exit 2
fi

# shellcheck source=tests/e2e/check/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup "$build"
check=${SAFEPC_CHECK:-$safepc}

# The FAIL rows each weakening must produce, in every process. Weakening
# no_new_privs alone changes nothing visible: the programs load their
# seccomp filter as an unprivileged user, which the kernel allows only
# with no_new_privs, so libseccomp sets it again. It is tested together
# with seccomp, the one combination where it is really given up.
weaken="[\"$case\"]"
accel=
case $case in
normal) weaken=""; expect="" ;;
accel-soft) weaken=""; expect=""; accel=soft ;;
accel-kvm)
	weaken=""
	expect=""
	accel=kvm
	[ -r /dev/kvm ] && [ -w /dev/kvm ] ||
		skip "accel-kvm needs a usable /dev/kvm (accel-soft checks the soft CPU)"
	;;
seccomp) expect="seccomp" ;;
netns) expect="ns-net" ;;
ipcns) expect="ns-ipc" ;;
utsns) expect="ns-uts" ;;
pidns) expect="ns-pid" ;;
root)
	# The host's root is what the process keeps: read-only only if the
	# host's is.
	expect="root root-empty"
	host_opts=$(awk '$5 == "/" { o = $6 } END { print o }' /proc/self/mountinfo)
	case ",$host_opts," in
	*,ro,*) ;;
	*) expect="$expect root-ro" ;;
	esac
	;;
caps) expect="cap-bnd" ;;
no_new_privs)
	weaken='["no_new_privs", "seccomp"]'
	expect="no_new_privs seccomp"
	;;
rlimits)
	# Start the domain with soft = hard limits that differ from every
	# jail value, so that each rlimit row shows. Hard limits can only be
	# lowered here (no CAP_SYS_RESOURCE in some containers): a limit
	# whose hard value is already 0 cannot show. FSIZE must leave room
	# for the monitor to size the guest-RAM memfd.
	rl_opts=""
	expect=""
	for rl in n:1000:nofile u:5000:nproc f:4194304:fsize c:1024:core \
		l:64:memlock q:8192:msgqueue x:64:locks; do
		IFS=: read -r opt val row <<<"$rl"
		hard=$(ulimit -H "-$opt")
		[ "$hard" != unlimited ] && [ "$hard" -lt "$val" ] && val=$hard
		rl_opts="$rl_opts -$opt $val"
		[ "$val" != 0 ] && expect="$expect rlimit-$row"
	done
	;;
cgroups) expect="cgroup-pids cgroup-memory cgroup-cpu" ;;
*)
	echo "unknown case '$case'" >&2
	exit 2
	;;
esac

"$check" check --help >/dev/null 2>&1 ||
	{ echo "FAIL: [$case] '$check check --help' fails: no check command"; exit 1; }

tmp=$(mktemp -d /tmp/safepc-check.XXXXXX) || exit 1
name=chk-$case-$$
mon=
stop_domain() {
	local _
	[ -n "$mon" ] || return 0
	kill -TERM "$mon" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$mon" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$mon" 2>/dev/null
	wait "$mon" 2>/dev/null
	mon=
}
trap 'stop_domain; rm -rf "$tmp"' EXIT

args=(create -F "$src/examples/demo.cfg" "name=$name" "kernel=$demo" extra=idle)
[ -n "$weaken" ] && args+=("jail_weaken=$weaken")
[ -n "$accel" ] && args+=("accel=$accel")
(
	if [ "$case" = rlimits ]; then
		# shellcheck disable=SC2086 # a list of options
		ulimit $rl_opts || exit 3
	fi
	exec "$safepc" "${args[@]}"
) >"$tmp/domain.log" 2>&1 &
mon=$!

if ! wait_domain "$name" "$mon" "$tmp/domain.log"; then
	failed=1
	exit 1
fi
domid=$(basename "$(dirname "$state")")

"$check" check "$name" >"$tmp/table" 2>"$tmp/table.err"
rc_table=$?
"$check" check --json "$name" >"$tmp/json" 2>"$tmp/json.err"
rc_json=$?
want_rc=0
[ -n "$expect" ] && want_rc=1
[ "$rc_table" = "$want_rc" ] || fail "check $name exited $rc_table, want $want_rc"
[ "$rc_json" = "$want_rc" ] || fail "check --json $name exited $rc_json, want $want_rc"
python3 -m json.tool "$tmp/json" >/dev/null 2>"$tmp/json.bad" ||
	fail "--json output is not valid JSON: $(cat "$tmp/json.bad")"

# FAIL rows as "TAG NAME", from the JSON and from the table; and what
# they must be: every expected row in every process.
python3 - "$tmp/json" "$expect" >"$tmp/verdict" 2>&1 <<'EOF' || fail "$(cat "$tmp/verdict")"
import json, sys
doc = json.load(open(sys.argv[1]))
expect = sys.argv[2].split()
errors = []
fails = [(p["tag"], c["name"], c["detail"]) for p in doc["processes"]
         for c in p["checks"] if c["result"] == "FAIL"]
if doc["failures"] != len(fails):
    errors.append("failures is %d, %d FAIL rows" % (doc["failures"], len(fails)))
tags = [p["tag"] for p in doc["processes"]]
if not any(t.startswith("hv/") for t in tags) or not any(t.startswith("dm/") for t in tags):
    errors.append("processes %s: want hv and a DM" % tags)
got = sorted((t, n) for t, n, _ in fails)
want = sorted((t, n) for t in tags for n in expect)
for t, n in sorted(set(want) - set(got)):
    errors.append("%s %s: want FAIL" % (t, n))
for t, n, d in fails:
    if (t, n) not in want:
        errors.append("%s %s: unexpected FAIL: %s" % (t, n, d))
    elif "jail_weaken" not in d:
        errors.append("%s %s: FAIL not marked as given up: %s" % (t, n, d))
print("\n".join(errors))
sys.exit(1 if errors else 0)
EOF
python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
for p in doc["processes"]:
    for c in p["checks"]:
        if c["result"] == "FAIL":
            print(p["tag"], c["name"])' "$tmp/json" 2>/dev/null | sort >"$tmp/fails.json"
awk '$3 == "FAIL" { print $1, $2 }' "$tmp/table" | sort >"$tmp/fails.table"
cmp -s "$tmp/fails.json" "$tmp/fails.table" ||
	fail "the table's FAIL rows differ from the JSON's: $(diff "$tmp/fails.json" "$tmp/fails.table" | tr '\n' ' ')"
grep -q "^PROCESS  *CHECK  *RESULT  *DETAIL" "$tmp/table" || fail "no table header"

# The accelerator: what `list --json` says, what check says, and hv's row.
list_accel=$("$safepc" list --json "$name" 2>/dev/null |
	grep -o '"accel":"[a-z]*"' | head -n1 | cut -d'"' -f4)
python3 - "$tmp/json" "$list_accel" "$accel" >"$tmp/accel" 2>&1 <<'EOF' || fail "$(cat "$tmp/accel")"
import json, re, sys
doc = json.load(open(sys.argv[1]))
listed, wanted = sys.argv[2], sys.argv[3]
errors = []
acc = doc.get("accel")
if acc not in ("kvm", "soft"):
    errors.append("check --json: accel %r" % acc)
if listed != acc:
    errors.append("list --json says accel %r, check %r" % (listed, acc))
if wanted and acc != wanted:
    errors.append("accel=%s asked, the domain runs %r" % (wanted, acc))
for p in doc["processes"]:
    if p["kind"] != "hv":
        continue
    rows = [c for c in p["checks"] if c["name"] == "accel"]
    if len(rows) != 1:
        errors.append("%s: %d accel rows, want 1" % (p["tag"], len(rows)))
        continue
    c = rows[0]
    if acc == "soft" and (c["result"] != "PASS" or "no /dev/kvm" not in c["detail"]):
        errors.append("%s: accel soft: row %s %s" % (p["tag"], c["result"], c["detail"]))
    m = re.search(r"hv holds (\d+) KVM fd", c["detail"])
    # /dev/kvm, the VM and one vCPU at least.
    if acc == "kvm" and (c["result"] != "INFO" or not m or int(m.group(1)) < 3):
        errors.append("%s: accel kvm: row %s %s" % (p["tag"], c["result"], c["detail"]))
print("\n".join(errors))
sys.exit(1 if errors else 0)
EOF

if [ "$case" = normal ]; then
	"$check" check "$domid" >/dev/null 2>&1
	rc=$?
	[ "$rc" = 0 ] || fail "check by domid $domid exited $rc, want 0"
	"$check" check "no-such-domain-$$" >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" = 2 ] || fail "check of an unknown domain exited $rc, want 2"
	[ "$(wc -l <"$tmp/err")" = 1 ] || fail "unknown domain: want a one-line message, got: $(cat "$tmp/err")"
	"$check" check >/dev/null 2>&1
	rc=$?
	[ "$rc" = 2 ] || fail "check without DOMAIN exited $rc, want 2"
fi

stop_domain
if [ "$failed" != 0 ]; then
	echo "--- safepc check $name:"
	sed 's/^/  | /' "$tmp/table"
	sed 's/^/  | /' "$tmp/table.err"
	exit 1
fi
echo "PASS: [$case] accel $list_accel; $(wc -l <"$tmp/fails.table") FAIL rows, as expected${expect:+ ($expect in each process)}"
exit 0
