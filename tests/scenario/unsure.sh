#!/bin/sh
# A verdict the runner's own lateness could have decided either way is
# unsure, never FAIL: it is run again (--retries), each run in a directory
# of its own, and a scenario unsure after its retries exits 4. A certain
# FAIL is never retried. held-back.yaml makes the doubt for real: a frozen
# peer cannot begin an action, and the blackhole due after it waits 2 s.
. "$(dirname "$0")/lib.sh"
need_root

status=0
"$UNPLUG" run "$SRCDIR/tests/scenario/held-back.yaml" --out "$TMP/out" \
	--junit "$TMP/junit.xml" --json "$TMP/results.json" >"$TMP/stdout" 2>&1 || status=$?
cat "$TMP/stdout"
[ "$status" -eq 4 ] || fail "expected exit 4 for a scenario still unsure after its retries, got $status"
grep -qE '^  UNSURE held-back +server ETIMEDOUT after [0-9.]+–[0-9.]+ s \(window 3–4 s\): unsure, blackhole ran 2\.[0-9]+ s late' "$TMP/stdout" ||
	fail "the UNSURE line does not give both ends and the step that caused the doubt"
for d in "$TMP/out/held-back" "$TMP/out/held-back/try-2" "$TMP/out/held-back/try-3"; do
	[ -f "$d/events.jsonl" ] || fail "no run directory $d"
done
[ ! -e "$TMP/out/held-back/try-4" ] || fail "more than --retries 2 runs again"
grep -q '2 runs retried as unsure (--retries 2)' "$TMP/stdout" || fail "the load line does not count the retries"
grep -qE '^  0 passed, 0 failed, 0 skipped, 1 unsure' "$TMP/stdout" || fail "totals line"
python3 - "$TMP/results.json" <<'PY' || fail "the JSON does not carry the unsure verdict and its span"
import json, sys
r = json.load(open(sys.argv[1]))
s = r["scenarios"][0]
e = s["expectations"][0]
assert r["exit_status"] == 4 and r["totals"]["unsure"] == 1, r["totals"]
assert s["verdict"] == "unsure" and s["tries"] == 3 and len(s["retried"]) == 2, s
assert [t["verdict"] for t in s["retried"]] == ["unsure", "unsure"], s["retried"]
assert e["verdict"] == "unsure" and "reference" in e["doubts"], e
assert e["measured_lo_ns"] < 3_000_000_000 < e["measured_hi_ns"], e
assert e["measured_hi_ns"] - e["measured_lo_ns"] >= 1_900_000_000, e
PY
python3 "$SRCDIR/tests/scenario/check_results.py" "$SRCDIR/docs/results.schema.json" "$TMP/results.json" ||
	[ $? -eq 77 ] || fail "the JSON does not validate against the schema"
grep -q '<skipped message="measured server ETIMEDOUT after' "$TMP/junit.xml" ||
	fail "JUnit does not show the unsure expectation apart (skipped)"
grep -q '<property name="tries" value="3"/>' "$TMP/junit.xml" || fail "JUnit does not say how many runs it took"
# replay folds the tries as the run did
status=0
"$UNPLUG" replay "$TMP/out" --json "$TMP/replayed.json" >"$TMP/replay" 2>&1 || status=$?
[ "$status" -eq 4 ] || { cat "$TMP/replay"; fail "replay exit $status, not 4"; }
grep -q '^  UNSURE held-back' "$TMP/replay" || fail "replay does not judge it unsure"
python3 - "$TMP/results.json" "$TMP/replayed.json" <<'PY' || fail "replay's tries differ from the run's"
import json, sys
a, b = (json.load(open(p))["scenarios"][0] for p in sys.argv[1:])
assert a["tries"] == b["tries"] and a["verdict"] == b["verdict"], (a["tries"], b["tries"])
assert a["expectations"][0]["measured_lo_ns"] == b["expectations"][0]["measured_lo_ns"]
PY
# a repeated scenario's runs are retried each in its own run-K, and
# replay folds each run's tries before the runs
sed 's/^name: .*/name: held back, twice/' "$SRCDIR/tests/scenario/held-back.yaml" >"$TMP/twice.yaml"
echo "repeat: 2" >>"$TMP/twice.yaml"
status=0
"$UNPLUG" run "$TMP/twice.yaml" --retries 1 --out "$TMP/rep" -q >"$TMP/rep.out" 2>&1 || status=$?
[ "$status" -eq 4 ] || { cat "$TMP/rep.out"; fail "repeated: exit $status, not 4"; }
[ -f "$TMP/rep/twice/run-2/try-2/events.jsonl" ] || fail "the second run's retry has no directory of its own"
grep -q '2 runs, unsure in run 1, 2' "$TMP/rep.out" || { cat "$TMP/rep.out"; fail "the runs' line does not say which were unsure"; }
status=0
"$UNPLUG" replay "$TMP/rep" -q >"$TMP/rep.replay" 2>&1 || status=$?
[ "$status" -eq 4 ] || { cat "$TMP/rep.replay"; fail "replay of repeated runs with retries: exit $status, not 4"; }
# --retries 0: judged once
status=0
"$UNPLUG" run "$SRCDIR/tests/scenario/held-back.yaml" --out "$TMP/once" --retries 0 >"$TMP/stdout0" 2>&1 || status=$?
[ "$status" -eq 4 ] || fail "--retries 0: exit $status, not 4"
[ ! -e "$TMP/once/held-back/try-2" ] || fail "--retries 0 ran it again"
# a certain failure is never run again, however many retries
status=0
"$UNPLUG" run "$SRCDIR/tests/scenario/impossible-window.yaml" --out "$TMP/fail" --retries 5 \
	--json "$TMP/fail.json" >"$TMP/stdout1" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "an impossible window: exit $status, not 1"
[ ! -e "$TMP/fail/impossible-window/try-2" ] || fail "a certain FAIL was run again"
python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["scenarios"][0]; assert s["tries"] == 1 and s["verdict"] == "fail", s' \
	"$TMP/fail.json" || fail "a certain FAIL took more than one run"
echo "ok: unsure is neither pass nor fail, retried, exit 4; a certain FAIL at once"
