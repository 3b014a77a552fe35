#!/bin/sh
# CI outputs of a real run: JSON valid against docs/results.schema.json,
# JUnit valid against the Jenkins XSD (but for the documented file/line
# extension), --repeat, -k, list, --shard + merge, interrupts, and output
# paths checked before anything runs.
. "$(dirname "$0")/lib.sh"
need_root
command -v xmllint >/dev/null || { echo "SKIP: xmllint (libxml2-utils) is not installed"; exit 77; }
schema="$SRCDIR/docs/results.schema.json"
check_json() { python3 "$SRCDIR/tests/scenario/check_results.py" "$schema" "$1"; }
check_junit() {
	sed -E 's/ (file|line)="[^"]*"//g' "$1" >"$1.plain"
	xmllint --noout --schema "$SRCDIR/tests/junit/junit-10.xsd" "$1.plain" ||
		fail "$1 does not validate against the Jenkins JUnit XSD"
}
cat_dir="$SRCDIR/scenarios"

# a passing and a failing scenario, repeated twice
mkdir -p "$TMP/set/calls"
cp "$cat_dir/calls/send-after-fin.yaml" "$TMP/set/calls/"
cp "$SRCDIR/tests/scenario/impossible-window.yaml" "$TMP/set/"
status=0
"$UNPLUG" run "$TMP/set" --repeat 2 --out "$TMP/rep" --json "$TMP/rep.json" \
	--junit "$TMP/rep.xml" >"$TMP/rep.out" 2>&1 || status=$?
cat "$TMP/rep.out"
[ "$status" -eq 1 ] || fail "a failing repeat exits 1, got $status"
check_json "$TMP/rep.json" || fail "repeat JSON does not match the schema"
check_junit "$TMP/rep.xml"
grep -q '^  RUN   calls/send-after-fin (run 2 of 2)$' "$TMP/rep.out" || fail "off a terminal, a line as each run starts"
grep -q '2 runs, failed in run 1, 2; min' "$TMP/rep.out" || fail "the terminal names the failing runs and their statistics"
[ -d "$TMP/rep/calls/send-after-fin/run-1" ] && [ -d "$TMP/rep/calls/send-after-fin/run-2" ] ||
	fail "each run has a run directory of its own"
python3 - "$TMP/rep.json" <<'PY' || fail "repeat values in the JSON"
import json, sys
r = json.load(open(sys.argv[1]))
ids = sorted(s["id"] for s in r["scenarios"])
assert ids == ["calls/send-after-fin", "impossible-window"], ids
bad = [s for s in r["scenarios"] if s["id"] == "impossible-window"][0]
d = [e for e in bad["expectations"] if e["kind"] == "detect"][0]
assert [x["verdict"] for x in d["runs"]] == ["fail", "fail"], d["runs"]
st = d["stats"]
assert st["n"] == 2 and st["min_ns"] <= st["median_ns"] <= st["p99_ns"] <= st["max_ns"], st
assert st["min_ns"] == min(x["measured_ns"] for x in d["runs"]), st
assert len(bad["runs"]) == 2 and all(x["run_dir"] for x in bad["runs"]), bad["runs"]
assert r["repeat"] == 2 and r["exit_status"] == 1 and r["totals"]["fail"] == 1, r["totals"]
PY

# JUnit names do not change with the budget
grep -q '<testcase name="detect server" classname="impossible-window"' "$TMP/rep.xml" ||
	fail "the JUnit case of a detect is named by kind and host"
grep -qE '<testcase name="detect server" classname="impossible-window" time="[1-9][0-9]*\.[0-9]{3}"' "$TMP/rep.xml" ||
	fail "a latency's JUnit time is the latency"

# -k and list
"$UNPLUG" list "$cat_dir" -k 'calls/*' >"$TMP/list" || fail "list exits 0"
[ "$(wc -l <"$TMP/list")" -eq "$(ls "$cat_dir/calls" | wc -l)" ] || fail "list -k 'calls/*' lists the calls scenarios"
grep -q '^calls/send-after-fin ' "$TMP/list" || fail "list shows ids"
status=0
"$UNPLUG" run "$cat_dir" -k no-such-scenario --out "$TMP/none" >/dev/null 2>"$TMP/none.err" || status=$?
[ "$status" -eq 2 ] || fail "-k matching nothing is bad usage (2), got $status"

# shards: every scenario in exactly one, and merge gives the unsharded verdicts
for k in 1 2; do
	status=0
	"$UNPLUG" run "$TMP/set" --shard "$k/2" -q --out "$TMP/s$k" --json "$TMP/s$k.json" >/dev/null 2>&1 || status=$?
	echo "shard $k: exit $status"
done
status=0
"$UNPLUG" merge "$TMP/s1.json" "$TMP/s2.json" --json "$TMP/merged.json" --junit "$TMP/merged.xml" \
	>"$TMP/merge.out" 2>&1 || status=$?
cat "$TMP/merge.out"
[ "$status" -eq 1 ] || fail "merge exits as the unsharded run would (1), got $status"
check_json "$TMP/merged.json" || fail "merged JSON does not match the schema"
check_junit "$TMP/merged.xml"
grep -q '1 passed, 1 failed, 0 skipped' "$TMP/merge.out" || fail "merge sums the shards"
python3 - "$TMP/s1.json" "$TMP/s2.json" <<'PY' || fail "the shards split the scenarios"
import json, sys
a, b = (set(s["id"] for s in json.load(open(f))["scenarios"]) for f in sys.argv[1:])
assert a and b and not (a & b) and a | b == {"calls/send-after-fin", "impossible-window"}, (a, b)
PY

# an interrupt: partial reports, marked interrupted, exit 130
"$UNPLUG" run "$cat_dir" -k keepalive/pulled-cable -k calls/send-after-fin --out "$TMP/int" \
	--json "$TMP/int.json" --junit "$TMP/int.xml" >"$TMP/int.out" 2>&1 &
pid=$!
# the short scenario ended, the long one under way: then the interrupt
for _ in $(seq 300); do
	grep -qs 'PASS  calls/send-after-fin' "$TMP/int.out" && break
	sleep 0.1
done
kill -INT "$pid"
status=0
wait "$pid" || status=$?
cat "$TMP/int.out"
[ "$status" -eq 130 ] || fail "SIGINT exits 130, got $status"
check_json "$TMP/int.json" || fail "interrupted JSON does not match the schema"
check_junit "$TMP/int.xml"
python3 - "$TMP/int.json" <<'PY' || fail "the interrupted scenario is marked so"
import json, sys
r = json.load(open(sys.argv[1]))
v = {s["id"]: s["verdict"] for s in r["scenarios"]}
assert r["interrupted"] and r["signal"] == "SIGINT" and r["exit_status"] == 130, r
assert v["keepalive/pulled-cable"] == "interrupted" and v["calls/send-after-fin"] == "pass", v
PY
grep -q '<error message="interrupted"' "$TMP/int.xml" || fail "JUnit marks the interrupted scenario as an error"

# help: -V, help COMMAND, an unknown command in one line
"$UNPLUG" -V | grep -qE '^unplug [0-9]' || fail "-V prints the version"
"$UNPLUG" help merge | grep -q -- '--junit FILE' || fail "help COMMAND prints the command's options"
status=0
"$UNPLUG" rnu >"$TMP/unknown.out" 2>&1 || status=$?
[ "$status" -eq 2 ] && [ "$(wc -l <"$TMP/unknown.out")" -eq 1 ] || fail "an unknown command is one line and exit 2"

# unwritable outputs: exit 2, nothing run, no run directory
for opt in --junit --json; do
	status=0
	"$UNPLUG" run "$cat_dir/calls/send-after-fin.yaml" --out "$TMP/never" "$opt" /nonexistent/dir/r \
		>"$TMP/bad.out" 2>&1 || status=$?
	[ "$status" -eq 2 ] || fail "an unwritable $opt exits 2, got $status"
	grep -q -- "$opt /nonexistent/dir/r: no directory /nonexistent/dir" "$TMP/bad.out" || fail "$opt error names the path"
	[ ! -e "$TMP/never" ] || fail "an unwritable $opt ran something"
done
echo "ok: JSON and JUnit validate; repeat, -k, list, shards, merge and interrupts behave"
