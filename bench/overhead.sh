#!/bin/sh
# Harness overhead per scenario, against the kernel's own floor.
#  - unplug: N runs of bench/minimal.yaml (a connection and nothing
#    else); per run, set-up (run start to established), the timeline (a
#    horizon, then a 50 ms grace), teardown and judging (the
#    rest of the process's wall time); median and p99.
#  - reference: the same topology (3 namespaces, a bridge, 2 veth pairs,
#    addresses, links up) built and removed N times with `ip`, in the same
#    run; median and p99, and the ratio of unplug's overhead to it.
# Usage: bench/overhead.sh [RUNS]   (root; default 50 runs)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${UNPLUG:=$here/../build/unplug}"
runs=${1:-50}
tmp=$(mktemp -d /tmp/unplug-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
now() { date +%s%N; }

i=0
while [ "$i" -lt "$runs" ]; do
	t0=$(now)
	"$UNPLUG" run "$here/minimal.yaml" --out "$tmp/run$i" >/dev/null 2>&1
	t1=$(now)
	ev="$tmp/run$i/minimal/events.jsonl"
	start=$(grep '"run-start"' "$ev" | sed 's/.*"t_ns":\([0-9]*\).*/\1/')
	est=$(grep '"established"' "$ev" | sed 's/.*"t_ns":\([0-9]*\).*/\1/')
	end=$(grep '"run-end"' "$ev" | sed 's/.*"t_ns":\([0-9]*\).*/\1/')
	echo "$(( (t1 - t0) / 1000 )) $(( (est - start) / 1000 )) $(( (end - est) / 1000 )) $(( (t1 - t0 - (end - start)) / 1000 ))" >>"$tmp/unplug"
	rm -rf "$tmp/run$i"
	i=$((i + 1))
done

# the same network with ip(8): create, up, delete
i=0
while [ "$i" -lt "$runs" ]; do
	n="ub$$x$i"
	t0=$(now)
	ip netns add "${n}s"; ip netns add "${n}c"; ip netns add "${n}v"
	ip -n "${n}s" link add br0 type bridge
	for h in c v; do
		ip -n "${n}s" link add "p$h" type veth peer name eth0 netns "${n}$h"
		ip -n "${n}s" link set "p$h" master br0 up
		ip -n "${n}$h" link set lo up
		ip -n "${n}$h" link set eth0 up
	done
	ip -n "${n}c" addr add 198.18.0.1/24 dev eth0
	ip -n "${n}v" addr add 198.18.0.2/24 dev eth0
	ip -n "${n}s" link set br0 up
	t1=$(now)
	ip netns del "${n}s"; ip netns del "${n}c"; ip netns del "${n}v"
	t2=$(now)
	echo "$(( (t2 - t0) / 1000 )) $(( (t1 - t0) / 1000 )) $(( (t2 - t1) / 1000 ))" >>"$tmp/ip"
	i=$((i + 1))
done

stats() { # stats FILE COLUMN: median and p99, in ms
	cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 } END {
		m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.99 + 0.999)]
		printf "%.1f %.1f", m / 1000, p / 1000 }'
}
set -- $(stats "$tmp/unplug" 1); total=$1 total99=$2
set -- $(stats "$tmp/unplug" 2); setup=$1 setup99=$2
set -- $(stats "$tmp/unplug" 3); timeline=$1
set -- $(stats "$tmp/unplug" 4); down=$1 down99=$2
set -- $(stats "$tmp/ip" 1); ip=$1 ip99=$2
overhead=$(echo "$setup $down" | awk '{ printf "%.1f", $1 + $2 }')
echo "unplug, $runs runs of a minimal scenario (median / p99, ms):"
echo "  whole process      $total / $total99"
echo "  set-up             $setup / $setup99   (run start to connection established)"
echo "  timeline           $timeline   (the horizon, then a 50 ms grace)"
echo "  teardown + judge   $down / $down99"
echo "  harness overhead   $overhead   (set-up + teardown + judge)"
echo "ip(8), the same network built and deleted, $runs times: $ip / $ip99"
echo "ratio of unplug's overhead to ip's: $(echo "$overhead $ip" | awk '{ printf "%.2f", $1 / $2 }')"
