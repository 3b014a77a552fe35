#!/bin/sh
# Per-host sysctls: a scenario that sets one in the client's namespace is
# affected by it (it passes only if the value took effect), the machine's
# own value is the same afterwards, and bad keys or values are cited.
. "$(dirname "$0")/lib.sh"
need_root

key=/proc/sys/net/ipv4/tcp_retries2
before=$(cat $key)
[ "$before" != 2 ] || fail "this machine's tcp_retries2 is already 2: the test could not tell"
"$UNPLUG" run "$SRCDIR/scenarios/silence/sysctl-retries.yaml" --out "$TMP/run" >"$TMP/out" 2>&1 ||
	unsure_only $? || { cat "$TMP/out"; fail "sysctl-retries did not pass: the namespace's value did not take effect"; }
after=$(cat $key)
[ "$before" = "$after" ] || fail "the machine's tcp_retries2 changed: $before -> $after"

cat >"$TMP/bad.yaml" <<'YAML'
name: bad sysctls
hosts:
  client:
    sysctl:
      net.ipv4.no_such_thing: 1
      net.core.netdev_max_backlog: 2000
      net.ipv4.tcp_retries2: many
      kernel.pid_max: 1000
server: { listen: 7000 }
client: { connect: server:7000 }
expect:
  - no-detect: { host: client, for: 1s }
YAML
status=0
"$UNPLUG" run "$TMP/bad.yaml" --out "$TMP/run2" >"$TMP/out" 2>&1 || status=$?
cat "$TMP/out"
[ "$status" -eq 2 ] || fail "bad sysctls: exit $status, expected 2"
grep -q 'bad.yaml:8:7: bad sysctl name: "kernel.pid_max"' "$TMP/out" || fail "non-net key not cited"
# the names are checked only once the file loads: fix that one and retry
sed -i '/kernel.pid_max/d' "$TMP/bad.yaml"
status=0
"$UNPLUG" run "$TMP/bad.yaml" --out "$TMP/run2" >"$TMP/out" 2>&1 || status=$?
cat "$TMP/out"
[ "$status" -eq 2 ] || fail "bad sysctls: exit $status, expected 2"
grep -q 'bad.yaml:5:7: unknown sysctl.*"net.ipv4.no_such_thing"' "$TMP/out" || fail "unknown key not cited"
grep -q 'bad.yaml:6:7: unknown sysctl, or one the kernel keeps for the whole machine: "net.core.netdev_max_backlog"' "$TMP/out" ||
	fail "machine-wide key not cited"
grep -q 'bad.yaml:7:30: bad value for net.ipv4.tcp_retries2: "many"' "$TMP/out" || fail "bad value not cited"
[ ! -e "$TMP/run2" ] || fail "a scenario with bad sysctls was run"
[ "$(cat $key)" = "$before" ] || fail "the machine's tcp_retries2 changed while checking"
echo "ok: sysctls apply per namespace only, and bad ones are cited"
