#!/bin/sh
# unplug replay without root, on a run directory kept under tests/fixtures
# (a real run of keepalive/pulled-cable): re-judged as it was, against an
# edited scenario, folded as repeats, and its bare captures judged against
# the scenario with hosts found by address or named.
. "$(dirname "$0")/../scenario/lib.sh"
fx="$SRCDIR/tests/fixtures/judge/keepalive-pulled"
sc="$fx/scenario.yaml"

expect_status() {	# WANT CMD...: run, keep stdout+stderr in $TMP/out
	want=$1
	shift
	status=0
	"$@" >"$TMP/out" 2>&1 || status=$?
	[ "$status" -eq "$want" ] || { cat "$TMP/out"; fail "$* exited $status, not $want"; }
}
has() {
	grep -qF -- "$1" "$TMP/out" || { cat "$TMP/out"; fail "no \"$1\" in the output"; }
}

# the run as it was: the live verdict and value
expect_status 0 "$UNPLUG" replay "$fx" --json "$TMP/r.json" --junit "$TMP/r.xml"
has "PASS  keepalive-pulled                   server ETIMEDOUT after 4.596 s (window 4.5–4.8 s, margin 204 ms)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["scenarios"][0]; assert s["verdict"]=="pass" and len(s["expectations"])==6, s' "$TMP/r.json"
grep -q '<testcase name="detect server"' "$TMP/r.xml" || fail "JUnit lacks the detect testcase"

# a folder holding run directories: found by walking it, ids relative
mkdir -p "$TMP/root/keepalive"
cp -r "$fx" "$TMP/root/keepalive/pulled-cable"
ln -s "$TMP/root" "$TMP/root/keepalive/loop"	# not followed
expect_status 0 "$UNPLUG" replay "$TMP/root"
has "PASS  keepalive/pulled-cable"
has "1 passed, 0 failed"

# a tighter budget after the fact: what would have failed
sed 's/within: 4.5s..4.8s/within: 4.5s..4.55s/' "$sc" >"$TMP/tight.yaml"
expect_status 1 "$UNPLUG" replay --scenario "$TMP/tight.yaml" "$fx"
has "FAIL  keepalive-pulled"
has "46 ms over budget"

# a scenario with other steps cannot judge this run
sed 's/cable-pull: client/blackhole: client/' "$sc" >"$TMP/other.yaml"
expect_status 1 "$UNPLUG" replay --scenario "$TMP/other.yaml" "$fx"
has "the run's step 1 was cable-pull, the scenario's is blackhole"

# repeats: run-1, run-2 of one scenario fold into one result
mkdir -p "$TMP/rep/ka"
cp -r "$fx" "$TMP/rep/ka/run-1"
cp -r "$fx" "$TMP/rep/ka/run-2"
expect_status 0 "$UNPLUG" replay "$TMP/rep" -v
has "PASS  ka "
has "2 runs"

# bare captures against the scenario: packets judged, the rest skipped
expect_status 0 "$UNPLUG" replay --scenario "$sc" "$fx/captures/client.pcap" "$fx/captures/server.pcap"
has "server sent 3 keepalive-probe"
has "skipped: a bare capture cannot show it: detect needs the run's events"
has "skipped: a bare capture cannot show it: no-detect needs the run's events"
# named by HOST=PATH, and a host at another address than the scenario's
cp "$fx/captures/server.pcap" "$TMP/taken-at-the-server.pcap"
expect_status 0 "$UNPLUG" replay --scenario "$sc" "server=$TMP/taken-at-the-server.pcap"
expect_status 1 "$UNPLUG" replay --scenario "$sc" --host server=198.18.7.7 "server=$TMP/taken-at-the-server.pcap"
has "server sent 0 keepalive-probe"
# a capture of no known host, unnamed, among several
expect_status 2 "$UNPLUG" replay --scenario "$sc" "$TMP/taken-at-the-server.pcap" "$fx/captures/client.pcap"
has "whose capture is it? name it HOST="

# bad usage
expect_status 2 "$UNPLUG" replay "$fx/captures/client.pcap"
has "give --scenario FILE"
expect_status 2 "$UNPLUG" replay "$TMP/nowhere"
expect_status 2 "$UNPLUG" replay "$fx" --json "$TMP/nodir/r.json"
has "--json $TMP/nodir/r.json: no directory"
expect_status 2 "$UNPLUG" replay --scenario "$sc" --host nobody=1.2.3.4 "$fx/captures/client.pcap"
has "bad --host"
mkdir "$TMP/empty"
expect_status 2 "$UNPLUG" replay "$TMP/empty"
has "no run directory in it"
# a hostile run directory: its capture path may not climb out of it
cp -r "$fx" "$TMP/hostile"
sed -i 's|captures/server.pcap|../../../etc/passwd|' "$TMP/hostile/events.jsonl"
expect_status 1 "$UNPLUG" replay "$TMP/hostile"
has "capture of server outside the run directory"
# a run directory whose events are damaged: an error, not a crash
cp -r "$fx" "$TMP/damaged"
head -c 300 "$fx/events.jsonl" >"$TMP/damaged/events.jsonl"
status=0
"$UNPLUG" replay "$TMP/damaged" >"$TMP/out" 2>&1 || status=$?
[ "$status" -eq 1 ] || { cat "$TMP/out"; fail "replay of damaged events exited $status, not 1"; }
grep -q "ERROR" "$TMP/out" || { cat "$TMP/out"; fail "damaged events not reported as an error"; }
echo "ok: replay"
