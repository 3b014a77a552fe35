#!/bin/sh
# unplug check reports what the machine can do; without privileges it runs
# rootless, and where the kernel refuses that too, check and run exit 3
# ("the machine cannot run what was asked") saying how to allow it.
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
# without privileges: rootless, in a user namespace of its own
status=0
as_nobody "$TMP/unplug" check >"$TMP/out" 2>&1 || status=$?
cat "$TMP/out"
[ "$status" -eq 0 ] || fail "check without privileges exited $status, expected 0 (rootless)"
grep -q '^  mode: rootless' "$TMP/out" || fail "check does not say the mode is rootless"
grep -q '^  yes network namespaces' "$TMP/out" || fail "no namespaces in rootless mode"
# where the kernel refuses user namespaces: exit 3, what is missing and how
# to allow it (a user namespace of the test's own with the limit at 0)
status=0
as_nobody unshare --user --map-root-user sh -c \
	"echo 0 >/proc/sys/user/max_user_namespaces && exec $TMP/unplug run $TMP/s.yaml --out $TMP/nobody/out" \
	>"$TMP/out" 2>&1 || status=$?
cat "$TMP/out"
[ "$status" -eq 3 ] || fail "run where user namespaces are refused exited $status, expected 3"
grep -q 'cannot run without root: the kernel refused a user namespace .*user.max_user_namespaces' "$TMP/out" ||
	fail "run does not say what is missing and how to allow it"
[ ! -e "$TMP/nobody/out" ] || fail "a refused run created its --out"
status=0
as_nobody unshare --user --map-root-user sh -c \
	"echo 0 >/proc/sys/user/max_user_namespaces && exec $TMP/unplug check" >"$TMP/out" 2>&1 || status=$?
[ "$status" -eq 3 ] && grep -q 'rootless mode: cannot run without root' "$TMP/out" ||
	{ cat "$TMP/out"; fail "check where user namespaces are refused exited $status"; }
# validate needs no privileges at all
as_nobody "$TMP/unplug" validate "$TMP/s.yaml" >"$TMP/out" 2>&1 || fail "validate as nobody: $(cat "$TMP/out")"
echo "ok: check reports; no privileges means rootless, refused means exit 3; validate needs none"
