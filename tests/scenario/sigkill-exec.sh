#!/bin/sh
# SIGKILL unplug while it runs a user's program that has started a child
# in a session of its own: no process of the program may survive. The
# program's processes are found by a token only this run puts in their
# command line.
. "$(dirname "$0")/lib.sh"
need_root

token="unplug-sigkill-exec-$$"
sed "s/{client.addr}\"]/{client.addr}\", \"$token\"]/" \
	"$SRCDIR/tests/scenario/sigkill-exec.yaml" >"$TMP/sigkill-exec.yaml"
grep -q "$token" "$TMP/sigkill-exec.yaml" || fail "could not mark the scenario"

"$UNPLUG" run "$TMP/sigkill-exec.yaml" --out "$TMP/out" >"$TMP/stdout" 2>&1 &
pid=$!
for _ in $(seq 100); do
	grep -q '"established"' "$TMP/out/sigkill-exec/events.jsonl" 2>/dev/null && break
	sleep 0.1
done
grep -q '"established"' "$TMP/out/sigkill-exec/events.jsonl" ||
	{ kill -9 "$pid"; cat "$TMP/stdout" >&2; fail "the scenario did not get under way"; }
# prove the check sees the program and its escaped child before the kill
# (the program starts its child in its own time: wait for it, at most 10 s)
for _ in $(seq 100); do
	[ "$(pgrep -f "$token" | wc -l)" -ge 2 ] && break
	sleep 0.1
done
n=$(pgrep -f "$token" | wc -l)
[ "$n" -ge 2 ] || { kill -9 "$pid"; fail "expected the program and its child, saw $n processes"; }

kill -9 "$pid"
wait "$pid" 2>/dev/null || true
for _ in $(seq 100); do
	[ -z "$(pgrep -f "$token" || true)" ] && break
	sleep 0.1
done
left=$(pgrep -af "$token" || true)
[ -z "$left" ] || { pkill -9 -f "$token"; fail "processes left behind: $left"; }
echo "ok: SIGKILL of unplug ended the program and the $((n - 1)) process(es) it started"
