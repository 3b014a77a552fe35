#!/bin/sh
# The shipped catalogue, run for real: every scenario must pass, and the
# JUnit report must list every expectation. It runs at the default -j with
# both CPUs kept busy (the short version of bench/flakes.sh): a verdict
# must not depend on an idle machine.
. "$(dirname "$0")/lib.sh"
need_root

burners=""
for _ in 1 2; do
	timeout 300 sh -c 'while :; do :; done' &
	burners="$burners $!"
done
status=0
# one retry of an unsure scenario (the default is two): the test's time is
# CI's, and an unsure verdict is no failure here
"$UNPLUG" run "$SRCDIR/scenarios" --retries 1 --out "$TMP/out" --junit "$TMP/junit.xml" \
	>"$TMP/stdout" 2>"$TMP/stderr" || status=$?
# shellcheck disable=SC2086
kill $burners 2>/dev/null || true
wait 2>/dev/null || true
cat "$TMP/stdout" "$TMP/stderr"
[ "$status" -eq 0 ] || unsure_only "$status" || fail "unplug run scenarios/ exited $status"

# A skip is allowed only for what `unplug check` says this kernel lacks.
skipped=$(grep -cE '^  SKIP  ' "$TMP/stdout" || true)
if grep -qE '^  SKIP  ' "$TMP/stdout"; then
	"$UNPLUG" check | grep -q '^  no  netem' || fail "a scenario was skipped on a kernel with netem"
	grep -E '^  SKIP  ' "$TMP/stdout" | grep -v 'needs netem: ' && fail "skipped for another reason"
fi
# every expectation of every scenario that ran is a testcase; a skipped
# scenario is one testcase, <skipped>
expects=0
for f in $(find "$SRCDIR/scenarios" -name '*.yaml'); do
	id=${f#"$SRCDIR/scenarios/"}
	id=${id%.yaml}
	if grep -qE "^  SKIP  $id " "$TMP/stdout"; then
		expects=$((expects + 1))
	else
		# a sweep: each combination is a scenario, with the
		# expectations whose when: it meets
		n=$(python3 "$SRCDIR/tests/scenario/count_expects.py" "$f")
		expects=$((expects + n))
	fi
done
cases=$(grep -c '<testcase ' "$TMP/junit.xml")
[ "$cases" -eq "$expects" ] || fail "JUnit lists $cases testcases, expected $expects"
grep -q '<failure' "$TMP/junit.xml" && fail "JUnit report has a failure"
grep -qE '^  PASS  ' "$TMP/stdout" || fail "no PASS line"
grep -qE "^  [0-9]+ passed, 0 failed, $skipped skipped" "$TMP/stdout" || fail "no totals line"
for d in $(find "$TMP/out" -name events.jsonl -exec dirname {} \;); do
	# a capture for every host the run had (client and server, or more)
	hosts=$(grep '"event":"host"' "$d/events.jsonl" | sed 's/.*"host":"\([^"]*\)".*/\1/')
	[ -n "$hosts" ] || fail "run directory $d has no host in events.jsonl"
	for f in scenario.yaml events.jsonl $(for h in $hosts; do echo "captures/$h.pcap"; done); do
		[ -s "$d/$f" ] || fail "run directory $d lacks $f"
	done
done

# Replayed offline, without root, from the run directories alone: the
# same verdict for every scenario, and the same measured values.
live=$(grep -E '^  (PASS|FAIL|ERROR|UNSURE|FLAKY) ' "$TMP/stdout" | awk '{ print $1, $2 }' | sort)
chmod -R a+rX "$TMP"
mkdir "$TMP/nobody" && chmod 777 "$TMP/nobody"
setpriv --reuid=65534 --regid=65534 --clear-groups "$UNPLUG" replay "$TMP/out" \
	--json "$TMP/nobody/replay.json" >"$TMP/replay.out" 2>&1 || unsure_only $? ||
	{ cat "$TMP/replay.out"; fail "unplug replay of the catalogue's run directories failed"; }
replayed=$(grep -E '^  (PASS|FAIL|ERROR|UNSURE|FLAKY) ' "$TMP/replay.out" | awk '{ print $1, $2 }' | sort)
[ "$live" = "$replayed" ] || { printf '%s\n--- replayed:\n%s\n' "$live" "$replayed"; fail "replayed verdicts differ from the live ones"; }
grep -E '^  (PASS|FAIL|UNSURE) ' "$TMP/stdout" | sort >"$TMP/live.lines"
grep -E '^  (PASS|FAIL|UNSURE) ' "$TMP/replay.out" | sort >"$TMP/replay.lines"
diff -u "$TMP/live.lines" "$TMP/replay.lines" || fail "replayed values differ from the live ones"
echo "ok: $(echo "$replayed" | wc -l) scenarios replayed with the same verdicts and values"

# every shipped scenario's captures (a sweep's 120 of one kind of fault
# left out, and the runs of an unsure scenario run again: more of the same): explain classifies each segment as tshark does, but for the
# documented differences (tests/explain/)
if command -v tshark >/dev/null; then
	# shellcheck disable=SC2046
	python3 "$SRCDIR/tests/explain/compare_tshark.py" --unplug "$UNPLUG" -q \
		$(find "$TMP/out" -path '*/captures/*.pcap' ! -path '*-sweep\[*' ! -path '*/try-*' | sort) >"$TMP/tshark.out" 2>&1 ||
		{ cat "$TMP/tshark.out"; fail "explain disagrees with tshark on the catalogue's captures"; }
	echo "ok: explain agrees with tshark on the catalogue's captures ($(grep '^summary:' "$TMP/tshark.out"))"
else
	echo "note: no tshark here: the catalogue's captures are not compared with it"
fi

echo "ok: catalogue passes ($cases expectations)"
