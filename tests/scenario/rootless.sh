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
# validate as nobody checks a sysctl's value as the rootless run would
# write it (issue 23, item 4): before, it only looked for the name here
cat >"$TMP/s-bad.yaml" <<'EOF'
name: a value the kernel refuses
server: { listen: 7000 }
client: { connect: server:7000 }
hosts:
  client: { sysctl: { net.ipv4.tcp_keepalive_time: "abc" } }
steps:
  - { at: 100ms, action: { close: client } }
expect:
  - detect: { host: server, error: eof, within: 50ms }
EOF
chmod a+r "$TMP/s-bad.yaml"
status=0
as_nobody "$TMP/unplug" validate "$TMP/s-bad.yaml" >"$TMP/out" 2>&1 || status=$?
[ "$status" -eq 2 ] || { cat "$TMP/out"; fail "validate as nobody gave $status for a value the kernel refuses, not 2"; }
grep -qF 's-bad.yaml:5:52: bad value for net.ipv4.tcp_keepalive_time: "abc" (the kernel refused it: Invalid argument)' "$TMP/out" ||
	{ cat "$TMP/out"; fail "validate as nobody did not say which value the kernel refused"; }
echo "ok: 10 scenarios pass rootless, as nobody; validate checks sysctl values as nobody"
