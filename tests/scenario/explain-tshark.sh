#!/bin/sh
# `unplug explain --segments` against tshark on the captures of shipped
# scenarios: a subset whose captures hold keepalive probes and their ACKs,
# retransmissions (timeouts, fast and SACK-driven re-sends, holes left by
# drops), duplicate ACKs, late ACKs, RSTs and FINs, over IPv4 and IPv6,
# with ICMP errors in between. The comparison is
# tests/explain/compare_tshark.py; the differences it allows are the ones
# documented at its top. When it fails the captures are kept in
# $BUILDDIR/meson-logs/.
. "$(dirname "$0")/lib.sh"
need_root
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark is not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is not installed"; exit 77; }

S="$SRCDIR/scenarios"
# keepalives unanswered, answered, over IPv6; retransmissions and duplicate
# ACKs; RSTs; FINs. The longest takes about 9 s; at -j 8 all take ~15 s.
set -- \
	"$S/silence/blackhole.yaml" \
	"$S/processes/freeze.yaml" \
	"$S/cables/nic-down-ipv6.yaml" \
	"$S/power/power-cycle-reference.yaml" \
	"$S/silence/drop-percent.yaml" \
	"$S/silence/drop-acks.yaml" \
	"$S/cables/delivered-replug.yaml" \
	"$S/middleboxes/unreachable.yaml" \
	"$S/power/power-on-new-mac.yaml" \
	"$S/heartbeats/heartbeat-poll.yaml" \
	"$S/processes/abort.yaml" \
	"$S/processes/linger-zero.yaml" \
	"$S/middleboxes/reset.yaml" \
	"$S/processes/close.yaml" \
	"$S/processes/shutdown-write.yaml" \
	"$S/power/reconnect-storm.yaml" \
	"$S/calls/send-after-fin.yaml" \
	"$S/sockets/time-wait-holder.yaml"
for f in "$@"; do
	[ -f "$f" ] || fail "$f is not in the catalogue any more: pick another"
done

status=0
"$UNPLUG" run "$@" -j 8 -q --out "$TMP/out" >"$TMP/run.out" 2>&1 || status=$?
cat "$TMP/run.out"
# a scenario's verdict is the catalogue test's business: a failed
# expectation (1), or an unsure one (4), still leaves captures to compare
[ "$status" -le 1 ] || unsure_only "$status" || fail "unplug run exited $status"

captures=$(find "$TMP/out" -path '*/captures/*.pcap' | sort)
n=$(echo "$captures" | grep -c . || true)
[ "$n" -ge "$#" ] || fail "only $n captures for $# scenarios"

status=0
# shellcheck disable=SC2086
python3 "$SRCDIR/tests/explain/compare_tshark.py" --unplug "$UNPLUG" $captures || status=$?
if [ "$status" -ne 0 ]; then
	keep="${BUILDDIR:-$SRCDIR/build}/meson-logs/explain-tshark.$$"
	mkdir -p "$keep"
	cp -r "$TMP/out/." "$keep/"
	fail "compare_tshark.py exited $status; the run directories are kept in $keep"
fi
# and on the public captures no one here wrote (tests/captures/public)
python3 "$SRCDIR/tests/explain/compare_tshark.py" --unplug "$UNPLUG" -q \
	"$SRCDIR"/tests/captures/public/*.pcap* || fail "disagreement with tshark on the public captures"
echo "ok: unplug explain --segments agrees with tshark on $n scenario captures and the public ones"
