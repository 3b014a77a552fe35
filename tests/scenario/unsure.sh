#!/bin/sh
# A verdict the runner's own lateness could have decided either way is
# unsure, never FAIL: it is run again (--retries), each run in a directory
# of its own, and a scenario unsure after its retries exits 4. A certain
# FAIL is never retried. held-back.yaml makes the doubt for real: a frozen
# peer cannot begin an action, and the blackhole due after it waits 2 s.
. "$(dirname "$0")/lib.sh"
need_root

# the scenario, and the same repeated twice (each run retried in its own
# run-K), in one invocation: --retries 1, so two runs each
sed 's/^name: .*/name: held back, twice/' "$SRCDIR/tests/scenario/held-back.yaml" >"$TMP/twice.yaml"
echo "repeat: 2" >>"$TMP/twice.yaml"
status=0
"$UNPLUG" run "$SRCDIR/tests/scenario/held-back.yaml" "$TMP/twice.yaml" --retries 1 --out "$TMP/out" \
	--junit "$TMP/junit.xml" --json "$TMP/results.json" >"$TMP/stdout" 2>&1 || status=$?
cat "$TMP/stdout"
[ "$status" -eq 4 ] || fail "expected exit 4 for scenarios still unsure after their retries, got $status"
grep -qE '^  UNSURE held-back +server ETIMEDOUT after [0-9.]+–[0-9.]+ s \(window 3–4 s\): unsure, blackhole ran 2\.[0-9]+ s late' "$TMP/stdout" ||
	fail "the UNSURE line does not give both ends and the step that caused the doubt"
for d in "$TMP/out/held-back" "$TMP/out/held-back/try-2" "$TMP/out/twice/run-2/try-2"; do
	[ -f "$d/events.jsonl" ] || fail "no run directory $d"
done
[ ! -e "$TMP/out/held-back/try-3" ] || fail "more than --retries 1 runs again"
grep -q '3 runs retried as unsure (--retries 1)' "$TMP/stdout" || fail "the load line does not count the retries"
grep -q '2 runs, unsure in run 1, 2' "$TMP/stdout" || fail "the runs' line does not say which were unsure"
grep -qE '^  0 passed, 0 failed, 0 skipped, 2 unsure' "$TMP/stdout" || fail "totals line"
python3 - "$TMP/results.json" <<'PY' || fail "the JSON does not carry the unsure verdict and its span"
import json, sys
r = json.load(open(sys.argv[1]))
s = [x for x in r["scenarios"] if x["id"] == "held-back"][0]
e = s["expectations"][0]
assert r["exit_status"] == 4 and r["totals"]["unsure"] == 2, r["totals"]
assert s["verdict"] == "unsure" and s["tries"] == 2 and len(s["retried"]) == 1, s
assert [t["verdict"] for t in s["retried"]] == ["unsure"], s["retried"]
assert e["verdict"] == "unsure" and "reference" in e["doubts"], e
assert e["measured_lo_ns"] < 3_000_000_000 < e["measured_hi_ns"], e
assert e["measured_hi_ns"] - e["measured_lo_ns"] >= 1_900_000_000, e
PY
python3 "$SRCDIR/tests/scenario/check_results.py" "$SRCDIR/docs/results.schema.json" "$TMP/results.json" ||
	[ $? -eq 77 ] || fail "the JSON does not validate against the schema"
grep -q '<skipped message="measured server ETIMEDOUT after' "$TMP/junit.xml" ||
	fail "JUnit does not show the unsure expectation apart (skipped)"
grep -q '<property name="tries" value="2"/>' "$TMP/junit.xml" || fail "JUnit does not say how many runs it took"
# replay folds the tries as the run did, a repeated scenario's per run
status=0
"$UNPLUG" replay "$TMP/out" --json "$TMP/replayed.json" >"$TMP/replay" 2>&1 || status=$?
[ "$status" -eq 4 ] || { cat "$TMP/replay"; fail "replay exit $status, not 4"; }
grep -q '^  UNSURE held-back' "$TMP/replay" || fail "replay does not judge it unsure"
python3 - "$TMP/results.json" "$TMP/replayed.json" <<'PY' || fail "replay's tries differ from the run's"
import json, sys
a, b = ({s["id"]: s for s in json.load(open(p))["scenarios"]} for p in sys.argv[1:])
for k in a:
    assert a[k]["tries"] == b[k]["tries"] and a[k]["verdict"] == b[k]["verdict"], (k, a[k]["tries"], b[k]["tries"])
x, y = a["held-back"], b["held-back"]
assert x["expectations"][0]["measured_lo_ns"] == y["expectations"][0]["measured_lo_ns"]
PY
# a certain failure is never run again, however many retries
status=0
"$UNPLUG" run "$SRCDIR/tests/scenario/impossible-window.yaml" --out "$TMP/fail" --retries 5 \
	--json "$TMP/fail.json" >"$TMP/stdout1" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "an impossible window: exit $status, not 1"
[ ! -e "$TMP/fail/impossible-window/try-2" ] || fail "a certain FAIL was run again"
python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["scenarios"][0]; assert s["tries"] == 1 and s["verdict"] == "fail", s' \
	"$TMP/fail.json" || fail "a certain FAIL took more than one run"
echo "ok: unsure is neither pass nor fail, retried, exit 4; a certain FAIL at once"
