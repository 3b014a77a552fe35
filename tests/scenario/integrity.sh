#!/bin/sh
# Evidence is never lost or mixed up (issue 12's defects 1, 2, 4, 6, 8):
# run directories are exclusive, a scenario is judged against the bytes
# that were loaded and run, a FIFO or an empty directory is refused, and a
# symbolic-link loop runs nothing twice.
. "$(dirname "$0")/lib.sh"
need_root
cd "$TMP"
cp "$SRCDIR/scenarios/processes/close.yaml" close.yaml

# 1. the same --out twice: refused before anything runs (exit 2), and the
# first run's evidence is untouched
"$UNPLUG" run close.yaml --out o -q >out 2>&1 || { cat out; fail "the first run failed"; }
sum=$(md5sum o/close/events.jsonl)
status=0
"$UNPLUG" run close.yaml --out o -q >out 2>&1 || status=$?
[ "$status" -eq 2 ] || { cat out; fail "a second run into the same --out exited $status, not 2"; }
grep -q "already holds o/close: unplug never overwrites" out || { cat out; fail "no reason given"; }
[ "$(md5sum o/close/events.jsonl)" = "$sum" ] || fail "the first run's events were overwritten"

# 1. two invocations in the same second get two roots
mkdir same && cd same
"$UNPLUG" run ../close.yaml -q >a 2>&1 & a=$!
"$UNPLUG" run ../close.yaml -q >b 2>&1 & b=$!
wait $a || { cat a; fail "concurrent run a failed"; }
wait $b || { cat b; fail "concurrent run b failed"; }
[ "$(ls unplug-out | wc -l)" -eq 2 ] || { ls unplug-out; fail "two invocations did not get two roots"; }
cd ..

# 1. two files with the same name in one run: two run directories
mkdir -p a b
cp close.yaml a/x.yaml
cp "$SRCDIR/scenarios/processes/abort.yaml" b/x.yaml
"$UNPLUG" run a/x.yaml b/x.yaml --out two -q >out 2>&1 || { cat out; fail "two files named x failed"; }
[ -f two/x/events.jsonl ] && [ -f two/b/x/events.jsonl ] || { find two; fail "not one run directory each"; }
grep -q 'abort' two/b/x/scenario.yaml && ! grep -q 'abort:' two/x/scenario.yaml ||
	fail "the two runs' scenarios are mixed up"

# 2. the file edited while another scenario runs (-j 1, longest first):
# run and judged as loaded, not as it is when its turn comes
sed 's/within: 50ms/within: 20s..30s/' close.yaml >edited.yaml
grep -q '20s..30s' edited.yaml || fail "the edit did not apply (test out of date)"
cp close.yaml live.yaml
"$UNPLUG" run -j 1 "$SRCDIR/scenarios/power/power-cycle.yaml" live.yaml --out e -q >out 2>&1 & r=$!
# once the first scenario runs, both files were loaded
for _ in $(seq 100); do
	[ -f e/power-cycle/events.jsonl ] && break
	sleep 0.1
done
[ -f e/power-cycle/events.jsonl ] || { kill $r; fail "the run did not get under way in 10 s"; }
cp edited.yaml live.yaml
wait $r || { cat out; fail "the run of the edited file failed: judged against the edit"; }
cmp -s e/live/scenario.yaml close.yaml || fail "the run directory's scenario is not the bytes that ran"

# 4. a FIFO is refused at once, by validate and run
mkfifo fifo.yaml
status=0
timeout 10 "$UNPLUG" validate fifo.yaml >out 2>&1 || status=$?
[ "$status" -eq 2 ] || { cat out; fail "validate of a FIFO exited $status, not 2"; }
grep -q "fifo.yaml: not a regular file (a FIFO)" out || { cat out; fail "no reason for the FIFO"; }
status=0
timeout 10 "$UNPLUG" run fifo.yaml --out f >out 2>&1 || status=$?
[ "$status" -eq 2 ] || { cat out; fail "run of a FIFO exited $status, not 2"; }
rm fifo.yaml

# 6. a symbolic-link loop: every scenario once
mkdir -p loop/sub
cp close.yaml loop/sub/close.yaml
ln -s .. loop/sub/up
ln -s "$TMP/loop" loop/self
[ "$("$UNPLUG" list loop | wc -l)" -eq 1 ] || { "$UNPLUG" list loop; fail "a link loop listed a scenario more than once"; }

# 8. a directory with no scenario in it: exit 2 for validate and run
mkdir empty
status=0
"$UNPLUG" validate empty >out 2>&1 || status=$?
[ "$status" -eq 2 ] && grep -q "empty: no scenario files" out || { cat out; fail "validate of an empty directory exited $status"; }
status=0
"$UNPLUG" run close.yaml empty --out z >out 2>&1 || status=$?
[ "$status" -eq 2 ] && [ ! -e z ] || { cat out; fail "run with an empty directory exited $status or ran"; }
echo "ok: evidence is exclusive, as loaded, and refused inputs change nothing"
