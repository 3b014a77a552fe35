#!/bin/sh
# unplug check reports what the machine can do; without privileges both
# check and run exit 3 ("the machine cannot run what was asked").
. "$(dirname "$0")/lib.sh"
need_root

"$UNPLUG" check >"$TMP/out" 2>&1 || fail "unplug check exited $? as root"
cat "$TMP/out"
grep -q '^  yes network namespaces' "$TMP/out" || fail "no namespaces line"
grep -q 'netem qdisc' "$TMP/out" || fail "no netem line"
# the catalogue ships IPv6 and NAT scenarios: this machine must have both
grep -q '^  yes IPv6 between hosts' "$TMP/out" || fail "no IPv6 here"
grep -q '^  yes a NAT router with conntrack' "$TMP/out" || fail "no NAT router here"

# nobody may not be able to reach the build tree: give it copies
chmod 755 "$TMP"
mkdir "$TMP/nobody" && chmod 777 "$TMP/nobody"
cp "$UNPLUG" "$TMP/unplug" && cp "$SRCDIR/scenarios/keepalive/pulled-cable.yaml" "$TMP/s.yaml"
chmod 755 "$TMP/unplug" && chmod 644 "$TMP/s.yaml"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
status=0
as_nobody "$TMP/unplug" check >"$TMP/out" 2>&1 || status=$?
cat "$TMP/out"
[ "$status" -eq 3 ] || fail "check without privileges exited $status, expected 3"
grep -q '^  no  network namespaces: .*Operation not permitted' "$TMP/out" || fail "the reason is not given"
status=0
as_nobody "$TMP/unplug" run "$TMP/s.yaml" --out "$TMP/nobody/out" \
	>"$TMP/out" 2>&1 || status=$?
cat "$TMP/out"
[ "$status" -eq 3 ] || fail "run without privileges exited $status, expected 3"
grep -q 'needs root' "$TMP/out" || fail "run does not say it needs root"
# validate needs no privileges at all
as_nobody "$TMP/unplug" validate "$TMP/s.yaml" >"$TMP/out" 2>&1 || fail "validate as nobody: $(cat "$TMP/out")"
echo "ok: check reports; no privileges means exit 3; validate needs none"
