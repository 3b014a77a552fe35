#!/bin/sh
# The shipped catalogue, run for real: every scenario must pass, and the
# JUnit report must list every expectation.
. "$(dirname "$0")/lib.sh"
need_root

status=0
"$UNPLUG" run "$SRCDIR/scenarios" --out "$TMP/out" --junit "$TMP/junit.xml" \
	>"$TMP/stdout" 2>"$TMP/stderr" || status=$?
cat "$TMP/stdout" "$TMP/stderr"
[ "$status" -eq 0 ] || fail "unplug run scenarios/ exited $status"

expects=$(grep -rhE '^  - (detect|no-detect|packets):' "$SRCDIR/scenarios" | wc -l)
cases=$(grep -c '<testcase ' "$TMP/junit.xml")
[ "$cases" -eq "$expects" ] || fail "JUnit lists $cases testcases, the catalogue has $expects expectations"
grep -q '<failure' "$TMP/junit.xml" && fail "JUnit report has a failure"
grep -qE '^  PASS  ' "$TMP/stdout" || fail "no PASS line"
grep -qE '^  [0-9]+ passed, 0 failed, 0 skipped' "$TMP/stdout" || fail "no totals line"
for d in "$TMP"/out/*/*/; do
	for f in scenario.yaml events.jsonl captures/client.pcap captures/server.pcap; do
		[ -s "$d/$f" ] || fail "run directory $d lacks $f"
	done
done
echo "ok: catalogue passes ($cases expectations)"
