#!/bin/sh
# Systems of many hosts: how unplug's set-up and teardown grow with the
# number of hosts (2, 8, 32, 64), against the same network built and torn
# down with ip(8) in the same run (one namespace per host, each cabled by
# a veth pair to a bridge in a switch namespace, an address, all up); and
# a peer with 1 000 and 10 000 connections: the run, and the judge's time
# on its run directory (replay). Ratios against the reference are what
# count: the machine's speed cancels out.
# Usage: bench/hosts.sh   (root; ip from iproute2)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${UNPLUG:=$here/../build/unplug}"
tmp=$(mktemp -d /tmp/unplug-bench.XXXXXX)
tag=ub$$
trap 'for n in $(ip netns list | grep -o "^$tag[a-z0-9]*"); do ip netns del "$n"; done; rm -rf "$tmp"' EXIT
now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }

# the reference: N hosts on a bridge with ip, then all of it deleted
by_ip() {
	n=$1
	ip netns add "${tag}sw"
	ip -n "${tag}sw" link add br0 type bridge
	ip -n "${tag}sw" link set br0 up
	i=1
	while [ "$i" -le "$n" ]; do
		ip netns add "${tag}h$i"
		ip -n "${tag}sw" link add "p$i" type veth peer name eth0 netns "${tag}h$i"
		ip -n "${tag}sw" link set "p$i" master br0 up
		ip -n "${tag}h$i" addr add "198.18.0.$i/24" dev eth0
		ip -n "${tag}h$i" link set eth0 up
		ip -n "${tag}h$i" link set lo up
		i=$((i + 1))
	done
	i=1
	while [ "$i" -le "$n" ]; do
		ip netns del "${tag}h$i"
		i=$((i + 1))
	done
	ip netns del "${tag}sw"
}

# unplug: N - 1 clients of one server, nothing broken, judged at once
scenario() {
	printf 'name: hosts\nhosts:\n  server: { listen: 7000 }\n'
	i=1
	while [ "$i" -lt "$1" ]; do printf '  c%d: { connect: server:7000 }\n' "$i"; i=$((i + 1)); done
	printf 'expect:\n  - no-detect: { host: server, for: 10ms }\n'
}

echo "hosts  unplug (run, whole)  ip (build + delete)  ratio"
for n in 2 8 32 64; do
	scenario "$n" >"$tmp/h$n.yaml"
	t0=$(now)
	"$UNPLUG" run -q --out "$tmp/o$n" "$tmp/h$n.yaml" >/dev/null 2>&1 || echo "(hosts $n: the run did not pass)"
	t1=$(now)
	by_ip "$n"
	t2=$(now)
	printf '%5d  %19s  %19s  %5s\n' "$n" "$(ms "$t0" "$t1") ms" "$(ms "$t1" "$t2") ms" \
		"$(awk -v a="$(ms "$t0" "$t1")" -v b="$(ms "$t1" "$t2")" 'BEGIN { printf "%.2f", a / b }')"
done

echo
echo "connections  run (whole)  established after  judged again (replay)"
for c in 1000 10000; do
	printf 'name: conns\nhosts:\n  app: { connect: db:5432, connections: %d }\n  db: { listen: 5432 }\n' "$c" >"$tmp/c$c.yaml"
	printf 'steps:\n  - { at: 200ms, action: { close: app, connection: all } }\n' >>"$tmp/c$c.yaml"
	printf 'expect:\n  - detect: { host: db, error: eof, within: 5s }\n' >>"$tmp/c$c.yaml"
	t0=$(now)
	"$UNPLUG" run -q --out "$tmp/c$c" "$tmp/c$c.yaml" >/dev/null 2>&1 || echo "(connections $c: the run did not pass)"
	t1=$(now)
	"$UNPLUG" replay -q "$tmp/c$c" >/dev/null 2>&1 || true
	t2=$(now)
	ev="$tmp/c$c/c$c/events.jsonl"
	up=$(awk -F'"t_ns":' '/"topology-ready"/ { split($2, a, ","); t = a[1] } /"established"/ { split($2, a, ","); print int((a[1] - t) / 1e6); exit }' "$ev")
	printf '%11d  %11s  %17s  %21s\n' "$c" "$(ms "$t0" "$t1") ms" "$up ms" "$(ms "$t1" "$t2") ms"
done
