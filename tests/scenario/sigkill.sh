#!/bin/sh
# SIGKILL unplug in the middle of a scenario: nothing may be left behind on
# the host — no namespace, no interface, no nftables table, no process.
. "$(dirname "$0")/lib.sh"
need_root

# every network namespace some process holds (as its own or an open fd)
held_netns() {
	for p in /proc/[0-9]*; do
		# processes come and go while we look: a vanished one is no error
		readlink "$p/ns/net" 2>/dev/null || true
		ls -l "$p/fd" 2>/dev/null | grep -o 'net:\[[0-9]*\]' || true
	done | sort -u
}
snapshot() {
	held_netns >"$1.netns"
	ip netns list >"$1.named"
	ip -o link show | awk -F': ' '{print $2}' | sort >"$1.links"
	nft list tables 2>/dev/null | sort >"$1.nft"
}

snapshot "$TMP/before"
"$UNPLUG" run "$SRCDIR/scenarios/keepalive/none-nothing-noticed.yaml" --out "$TMP/out" \
	>"$TMP/stdout" 2>&1 &
pid=$!
events="$TMP/out/none-nothing-noticed/events.jsonl"
for _ in $(seq 100); do
	grep -q '"step"' "$events" 2>/dev/null && break
	sleep 0.1
done
grep -q '"step"' "$events" || { kill -9 "$pid"; fail "the scenario did not get under way"; }

# prove the check can see the run's namespaces before killing it
held_netns >"$TMP/during.netns"
new=$(comm -13 "$TMP/before.netns" "$TMP/during.netns" | wc -l)
[ "$new" -ge 3 ] || { kill -9 "$pid"; fail "expected >= 3 namespaces during the run, saw $new"; }
# the scenario runs in a child of unplug's; the peers are its children
kids=0
for c in $(pgrep -P "$pid"); do
	kids=$((kids + $(pgrep -P "$c" | wc -l)))
done
[ "$kids" -ge 2 ] || { kill -9 "$pid"; fail "expected the 2 peers under unplug, saw $kids"; }

kill -9 "$pid"
wait "$pid" 2>/dev/null || true
sleep 1

snapshot "$TMP/after"
for what in netns named links nft; do
	if ! cmp -s "$TMP/before.$what" "$TMP/after.$what"; then
		diff "$TMP/before.$what" "$TMP/after.$what" >&2 || true
		fail "left behind after SIGKILL: $what"
	fi
done
left=$(pgrep -f "$TMP/out" || true)
[ -z "$left" ] || fail "processes left behind: $left"
echo "ok: SIGKILL mid-scenario left nothing behind ($new namespaces, $kids peers gone)"
