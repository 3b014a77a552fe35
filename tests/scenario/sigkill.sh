#!/bin/sh
# SIGKILL unplug in the middle of a scenario: nothing it created may be
# left behind — no namespace (and so no interface, route or nftables table
# of its own), no process.
. "$(dirname "$0")/lib.sh"
need_root

# Only what this run created is looked at, never machine-wide lists: other
# things on a shared machine make and delete namespaces and links too.

mine=$(readlink /proc/self/ns/net)
"$UNPLUG" run "$SRCDIR/scenarios/keepalive/none-nothing-noticed.yaml" --out "$TMP/out" \
	>"$TMP/stdout" 2>&1 &
pid=$!
events="$TMP/out/none-nothing-noticed/events.jsonl"
for _ in $(seq 100); do
	grep -q '"step"' "$events" 2>/dev/null && break
	sleep 0.1
done
grep -q '"step"' "$events" || { kill -9 "$pid"; fail "the scenario did not get under way"; }

# what the run holds: its processes and their namespaces (not ours)
procs=$(tree "$pid")
# shellcheck disable=SC2086
netns_of $procs | grep -vxF "$mine" >"$TMP/run.netns" || true
new=$(wc -l <"$TMP/run.netns")
[ "$new" -ge 3 ] || { kill -9 "$pid"; fail "expected >= 3 namespaces held by the run, saw $new"; }
# the scenario runs in a child of unplug's; the peers are its children
kids=0
for c in $(pgrep -P "$pid"); do
	kids=$((kids + $(pgrep -P "$c" | wc -l)))
done
[ "$kids" -ge 2 ] || { kill -9 "$pid"; fail "expected the 2 peers under unplug, saw $kids"; }

kill -9 "$pid"
wait "$pid" 2>/dev/null || true

# the kernel lets go of a killed run's namespaces and processes in its own
# time (its children die of the parent-death signal, the namespaces when
# the last of them has gone): wait for that, at most 10 s, never a fixed
# sleep — a busy machine takes longer, and that is no failure
still() {
	# shellcheck disable=SC2086
	held_by_run "$TMP/run.netns" $procs
	for p in $procs; do
		if kill -0 "$p" 2>/dev/null && grep -q unplug "/proc/$p/cmdline" 2>/dev/null; then
			echo "process $p of the run: $(tr '\0' ' ' <"/proc/$p/cmdline")"
		fi
	done
	pgrep -f "$TMP/out" || true
}
deadline=$(($(date +%s) + 10))
while [ -n "$(still)" ] && [ "$(date +%s)" -lt "$deadline" ]; do
	sleep 0.1
done
# none of the run's namespaces is held by anything any more (their
# interfaces, routes and nftables tables went with them), and none of its
# processes lives
left=$(still)
[ -z "$left" ] || fail "left behind 10 s after SIGKILL: $left"
echo "ok: SIGKILL mid-scenario left nothing behind ($new namespaces, $kids peers gone)"
