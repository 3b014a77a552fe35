#!/bin/sh
# Bad input: exit 2, file:line:col, and nothing run or created.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/bad.yaml" <<'YAML'
name: bad
server: { listen: 7000 }
client: { connect: server:7000 }
steps:
  - at: 5x
    fault: { cable-pull: client }
expect:
  - detect: { host: server, error: ETIMEOUT, within: 6s..5s }
YAML

status=0
"$UNPLUG" validate "$TMP/bad.yaml" >"$TMP/out" 2>&1 || status=$?
cat "$TMP/out"
[ "$status" -eq 2 ] || fail "validate of a bad file exited $status, expected 2"
grep -q "bad.yaml:5:9: bad duration for at: \"5x\"" "$TMP/out" || fail "bad duration not cited"
grep -q "bad.yaml:8:36: unknown error name: \"ETIMEOUT\"" "$TMP/out" || fail "bad errno not cited"
grep -q "bad.yaml:8:54: bad window for within: \"6s..5s\"" "$TMP/out" || fail "bad window not cited"

status=0
"$UNPLUG" run "$TMP/bad.yaml" "$SRCDIR/scenarios" --out "$TMP/run" >"$TMP/out" 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "run with a bad file exited $status, expected 2"
[ ! -e "$TMP/run" ] || fail "run with a bad file created $TMP/run: nothing may run"

"$UNPLUG" validate "$SRCDIR/scenarios" >/dev/null || fail "the catalogue does not validate"
status=0
"$UNPLUG" frobnicate >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "unknown command exited $status"
"$UNPLUG" --help | grep -q '^  run ' || fail "--help lists no run command"
echo "ok: bad input is cited and changes nothing"
