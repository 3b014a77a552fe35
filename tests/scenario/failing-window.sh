#!/bin/sh
# A deliberately impossible window must fail the run (exit 1) and the
# report must name what was measured instead.
. "$(dirname "$0")/lib.sh"
need_root

status=0
"$UNPLUG" run "$SRCDIR/tests/scenario/impossible-window.yaml" --out "$TMP/out" \
	--junit "$TMP/junit.xml" --json "$TMP/results.json" >"$TMP/stdout" 2>&1 || status=$?
cat "$TMP/stdout"
[ "$status" -eq 1 ] || fail "expected exit 1 for a failing expectation, got $status"
grep -qE '^  FAIL  impossible-window +server ETIMEDOUT after [0-9.]+ s \(window 0.1–0.2 s: [0-9.]+ (s|ms) over budget\)' "$TMP/stdout" ||
	fail "the FAIL line does not name the measured latency"
grep -q 'impossible-window.yaml:[0-9]*:[0-9]*: expected server ETIMEDOUT within 0.1..0.2 s' "$TMP/stdout" ||
	fail "the failing expectation is not cited with file:line:col"
grep -qE '<failure message="measured [0-9.]+ s, budget 0.2 s"' "$TMP/junit.xml" ||
	fail "the JUnit failure does not say: measured X s, budget 0.2 s"
python3 - "$TMP/results.json" <<'PY' || fail "the JSON does not carry the blown budget as numbers"
import json, sys
r = json.load(open(sys.argv[1]))
e = [x for x in r["scenarios"][0]["expectations"] if x["kind"] == "detect"][0]
assert r["exit_status"] == 1 and e["verdict"] == "fail", r
assert e["budget_ns"] == 200000000, e
assert e["measured_ns"] > e["budget_ns"] and e["margin_ns"] == e["budget_ns"] - e["measured_ns"], e
assert e["cause"] == "ETIMEDOUT", e
PY
grep -qE '^  0 passed, 1 failed, 0 skipped' "$TMP/stdout" || fail "totals line"
echo "ok: an impossible window fails with the measured value"
