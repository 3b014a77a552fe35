#!/bin/sh
# Part of the catalogue as an unprivileged user (nobody): unplug runs
# rootless, in a user namespace of its own, and passes — faults of every
# family (links, nftables in the bridge and netdev families, a routed NAT
# with conntrack, power), per-host sysctls, IPv6, a user's program; then
# replays the run directories, also as nobody.
. "$(dirname "$0")/lib.sh"
need_root
chmod 755 "$TMP"
mkdir "$TMP/nobody" && chmod 777 "$TMP/nobody"
cp "$UNPLUG" "$TMP/unplug" && chmod 755 "$TMP/unplug"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
if ! as_nobody unshare --user --map-root-user --net true 2>/dev/null; then
	echo "SKIP: unprivileged user namespaces are not allowed on this machine"
	exit 77
fi
mkdir "$TMP/s"
for f in processes/close processes/abort silence/blackhole middleboxes/reset power/power-cycle \
	 middleboxes/nat-expire-reset silence/sysctl-retries silence/blackhole-ipv6 keepalive/pulled-cable \
	 calls/send-after-fin; do
	cp "$SRCDIR/scenarios/$f.yaml" "$TMP/s/$(echo "$f" | tr / -).yaml"
done
chmod -R a+rX "$TMP/s"
status=0
as_nobody "$TMP/unplug" run -j 4 "$TMP/s" --out "$TMP/nobody/out" >"$TMP/out" 2>&1 || status=$?
cat "$TMP/out"
[ "$status" -eq 0 ] || fail "the catalogue's part as nobody exited $status"
grep -q 'rootless: running in a user namespace of its own' "$TMP/out" || fail "run does not say it is rootless"
grep -qE '^  10 passed, 0 failed' "$TMP/out" || fail "not all 10 passed"
[ "$(stat -c %u "$TMP/nobody/out/processes-close/events.jsonl")" -eq 65534 ] ||
	fail "the run directory is not the user's"
as_nobody "$TMP/unplug" replay -q "$TMP/nobody/out" >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "replay as nobody"; }
echo "ok: 10 scenarios pass rootless, as nobody"
