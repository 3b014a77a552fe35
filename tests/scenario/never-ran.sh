#!/bin/sh
# Nothing is counted that did not run. A run directory is made when its
# run starts; one that cannot be made then (here: another process took
# its place meanwhile) is an ERROR with the reason, named in every report —
# never a PASS with an empty id. A run of too many runs is refused before
# anything is made, and a signal before a queued run starts leaves it
# "not started".
. "$(dirname "$0")/lib.sh"
need_root
S="$SRCDIR/scenarios"

# one at a time: the second's directory is taken while the first runs
"$UNPLUG" run -j 1 --retries 0 --out "$TMP/out" --json "$TMP/r.json" --junit "$TMP/r.xml" \
	"$S/keepalive/pulled-cable.yaml" "$S/processes/close.yaml" >"$TMP/stdout" 2>&1 &
pid=$!
for _ in $(seq 200); do
	[ -d "$TMP/out/pulled-cable" ] && break
	sleep 0.05
done
[ -d "$TMP/out/pulled-cable" ] || { kill "$pid"; fail "the first run did not start within 10 s"; }
: >"$TMP/out/close"
status=0
wait "$pid" || status=$?
cat "$TMP/stdout"
[ "$status" -eq 1 ] || fail "exit $status, expected 1 (a scenario could not run)"
grep -q '^  ERROR close .*exists already' "$TMP/stdout" || fail "no ERROR line for the scenario that could not run"
grep -qE '^  1 passed, 0 failed, 0 skipped, 1 could not run' "$TMP/stdout" || fail "totals"
python3 - "$TMP/r.json" <<'PY' || fail "the JSON report"
import json, sys
d = json.load(open(sys.argv[1]))
by = {s["id"]: s for s in d["scenarios"]}
assert set(by) == {"pulled-cable", "close"}, list(by)
assert by["close"]["verdict"] == "error" and "exists already" in by["close"]["reason"], by["close"]
assert by["pulled-cable"]["verdict"] == "pass", by["pulled-cable"]["verdict"]
PY
grep -q '<testcase[^>]*classname="close"' "$TMP/r.xml" || grep -q 'name="close' "$TMP/r.xml" || fail "JUnit does not name it"
grep -q '<testcase name=""' "$TMP/r.xml" && fail "JUnit has a testcase without a name"

# too many runs: refused at once, nothing made
printf 'name: big\nmatrix: { a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }\nrepeat: 1000\nserver: { listen: 7000 }\nclient: { connect: server:7000 }\nexpect: [ { no-detect: { host: client, for: 1s } } ]\n' >"$TMP/big.yaml"
status=0
"$UNPLUG" run --out "$TMP/big" "$TMP/big.yaml" >"$TMP/big.out" 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "a sweep of 11000 runs: exit $status, expected 2"
grep -q '11000 runs .*at most 10000 in one invocation (--long lifts it' "$TMP/big.out" || fail "no word on the limit"
[ ! -e "$TMP/big" ] || fail "the refused run made its run root"

# SIGINT while the first of two runs one at a time: the second never
# started and says so
"$UNPLUG" run -j 1 --out "$TMP/int" --json "$TMP/int.json" \
	"$S/keepalive/pulled-cable.yaml" "$S/processes/close.yaml" >"$TMP/int.out" 2>&1 &
pid=$!
for _ in $(seq 200); do
	[ -d "$TMP/int/pulled-cable" ] && break
	sleep 0.05
done
kill -INT "$pid"
wait "$pid" || true
python3 - "$TMP/int.json" <<'PY' || { cat "$TMP/int.out"; fail "the interrupted run's JSON"; }
import json, sys
d = json.load(open(sys.argv[1]))
by = {s["id"]: s for s in d["scenarios"]}
assert by["close"]["verdict"] == "interrupted" and by["close"]["reason"] == "not started", by["close"]
assert by["pulled-cable"]["verdict"] == "interrupted", by["pulled-cable"]
PY
[ ! -e "$TMP/int/close" ] || fail "a run that never started has a run directory"
echo "ok: what could not run is an ERROR, what never started says so, nothing is counted that did not run"
