#!/bin/sh
# `unplug explain --segments` against tshark on captures unplug did not
# make: tcpdump's public captures (tests/captures/public/). The comparison
# is tests/explain/compare_tshark.py; the differences it allows are the
# ones documented at its top. The captures of every shipped scenario —
# keepalive probes and their ACKs, retransmissions (timeouts, fast and
# SACK-driven re-sends, holes left by drops), duplicate and late ACKs,
# RSTs and FINs over IPv4 and IPv6, ICMP errors in between — are compared
# the same way by the catalogue test, which runs them all.
. "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark is not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is not installed"; exit 77; }

n=$(ls "$SRCDIR"/tests/captures/public/*.pcap* | wc -l)
[ "$n" -ge 3 ] || fail "only $n public captures"
python3 "$SRCDIR/tests/explain/compare_tshark.py" --unplug "$UNPLUG" \
	"$SRCDIR"/tests/captures/public/*.pcap* || fail "disagreement with tshark on the public captures"
echo "ok: unplug explain --segments agrees with tshark on $n public captures"
