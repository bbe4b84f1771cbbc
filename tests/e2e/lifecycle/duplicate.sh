#!/bin/bash
# SPDX-License-Identifier: MIT
# Names are unique: a second create with a name in use fails with a clear
# line (daemon and -F alike, also when both race), and the name is free
# again once the domain is destroyed.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh" "$@"

name=$(lc_name d)
lc_create "$name" extra=idle >/dev/null || fail "create: status $?"
dom=$(lc_domid "$name")
for opt in "" "-F"; do
	out=$(timeout 30 "$safepc" create $opt "$lc_cfg" "name=$name" extra=idle 2>&1)
	rc=$?
	[ "$rc" = 2 ] || fail "second create $opt: status $rc"
	[ "$out" = "safepc: a domain named '$name' already exists (id $dom); destroy it first or choose another name" ] ||
		fail "second create $opt: '$out'"
done
[ "$("$safepc" list | awk -v n="$name" '$2 == n' | wc -l)" = 1 ] || fail "the name is listed twice"
"$safepc" destroy "$name" || fail "destroy: status $?"
lc_create "$name" extra=idle >/dev/null || fail "create after destroy: status $?"
"$safepc" destroy "$name" || fail "destroy: status $?"

# Four creates of one name at once: exactly one wins.
race=$(lc_name race)
lc_names+=("$race")
for i in 1 2 3 4; do
	"$safepc" create "$lc_cfg" "name=$race" extra=idle >"$tmp/r$i" 2>&1 &
done
wait
ok=$(grep -l '^Started domain' "$tmp"/r? | wc -l)
dupe=$(grep -l 'already exists' "$tmp"/r? | wc -l)
[ "$ok" = 1 ] && [ "$dupe" = 3 ] || fail "racing creates: $ok started, $dupe refused: $(cat "$tmp"/r?)"
[ "$("$safepc" list | awk -v n="$race" '$2 == n' | wc -l)" = 1 ] || fail "racing creates: listed $("$safepc" list | grep -c "$race") times"

lc_done
