#!/bin/sh
# Systems of more than two hosts (issue 24): the five-host partition
# passes, and its captures, read by tshark (not unplug), show the split
# for real — after it, a hears nothing from c while b still does, until
# the heal; 64 hosts (63 clients of one server) are built, run and torn
# down; proxies (socat, haproxy, where installed) sit between a client
# and its backends.
. "$(dirname "$0")/lib.sh"
need_root
command -v tshark >/dev/null || { echo "SKIP: no tshark (apt-get install tshark)"; exit 77; }

"$UNPLUG" run --out "$TMP/p" "$SRCDIR/scenarios/systems/partition-five.yaml" >"$TMP/out" 2>&1 ||
	unsure_only $? || { cat "$TMP/out"; fail "the five-host partition did not pass"; }
run="$TMP/p/partition-five"
[ -f "$run/try-2/events.jsonl" ] && run=$(ls -d "$run"/try-* | tail -n 1)
t_split=$(grep '"what":"partition"' "$run/events.jsonl" | sed 's/.*"t_ns":\([0-9]*\).*/\1/')
t_heal=$(grep '"what":"heal"' "$run/events.jsonl" | sed 's/.*"t_ns":\([0-9]*\).*/\1/')
[ -n "$t_split" ] && [ -n "$t_heal" ] || fail "no partition or heal step in events.jsonl"
# frames from c (198.18.0.3) in HOST's capture between the split (plus
# 1 ms for one already on its way) and the heal
from_c() {
	tshark -r "$run/captures/$1.pcap" -Y "ip.src == 198.18.0.3 && tcp" -T fields \
		-e frame.time_epoch 2>/dev/null |
		awk -v lo="$t_split" -v hi="$t_heal" '{ t = $1 * 1e9 } t > lo + 1e6 && t < hi { n++ } END { print n + 0 }'
}
[ "$(from_c a)" -eq 0 ] || fail "a heard c $(from_c a) times during the partition"
[ "$(from_c b)" -gt 5 ] || fail "b heard c only $(from_c b) times during the partition (same group)"
echo "ok: five hosts partitioned 2|3: a hears nothing from c, b still does (tshark)"

# 64 hosts: 63 clients of one server; the server closes them all at 1 s
{
	printf 'name: sixty-four hosts\nhosts:\n  server: { listen: 7000 }\n'
	i=1
	while [ $i -lt 64 ]; do printf '  c%d: { connect: server:7000 }\n' $i; i=$((i + 1)); done
	printf 'steps:\n  - { at: 1s, action: { close: c63 } }\n'
	printf 'expect:\n  - detect: { host: server, error: eof, within: 50ms, connections: 1 }\n  - no-detect: { host: c1, for: 1s }\n'
} >"$TMP/sixty-four.yaml"
"$UNPLUG" validate -v "$TMP/sixty-four.yaml" >"$TMP/v.out" || fail "64 hosts do not validate"
grep -q '^  c63  *198.18.0.64 ' "$TMP/v.out" || { cat "$TMP/v.out"; fail "validate -v does not give c63 198.18.0.64"; }
start=$(date +%s)
"$UNPLUG" run --out "$TMP/64" "$TMP/sixty-four.yaml" >"$TMP/out" 2>&1 ||
	unsure_only $? || { cat "$TMP/out"; fail "64 hosts did not pass"; }
[ "$(ls "$TMP/64/sixty-four/captures" | wc -l)" -eq 64 ] || fail "not 64 captures"
echo "ok: 64 hosts built, run and torn down in $(($(date +%s) - start)) s"

# the proxies, in one run: socat, and haproxy with and without
# on-marked-down (each skipped, with the reason, where not installed)
dirs=
if command -v socat >/dev/null; then
	dirs="$SRCDIR/examples/proxy/"
else
	echo "SKIP: the socat example: no socat (apt-get install socat)"
fi
if [ -x /usr/sbin/haproxy ]; then
	dirs="$dirs $SRCDIR/examples/haproxy/"
else
	echo "SKIP: the haproxy examples: no haproxy (apt-get install haproxy)"
fi
if [ -n "$dirs" ]; then
	# shellcheck disable=SC2086
	"$UNPLUG" run --out "$TMP/proxy" $dirs >"$TMP/out" 2>&1 ||
		unsure_only $? || { cat "$TMP/out"; fail "the proxy examples did not pass"; }
	echo "ok: the proxy examples pass:$dirs"
fi
