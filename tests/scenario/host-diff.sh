#!/bin/sh
# unplug changes nothing of the host it runs on. The "host" here is a
# network namespace this test makes for itself, so that nothing else on a
# shared machine changes it meanwhile: its links, addresses, routes, rules,
# qdiscs, nftables ruleset and net.* sysctls are recorded, a part of the
# catalogue that applies every kind of fault, on both topologies and both
# families, with per-host sysctls, is run from inside it (the catalogue
# test runs all of it, for its verdicts), and then a few scenarios stopped by
# SIGINT, SIGTERM and SIGKILL at random moments; after each, the record must
# be the same, every namespace the run held gone and every process of the
# run ended. /run/netns is looked at for names of the run's making.
. "$(dirname "$0")/lib.sh"
need_root
command -v nft >/dev/null || { echo "SKIP: needs nft to read the ruleset"; exit 77; }

ns="uphd$$"
ip netns add "$ns" || fail "cannot make the test's own namespace"
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$TMP"' EXIT
ip -n "$ns" link set lo up
inns() { ip netns exec "$ns" "$@"; }

snapshot() {	# FILE: the host's network configuration, as text
	{
		echo "# links"; inns ip -o link show | sed 's/^[0-9]*: //'
		echo "# addresses"; inns ip -o addr show
		echo "# routes"; inns ip route show table all; inns ip -6 route show table all
		echo "# rules"; inns ip rule show; inns ip -6 rule show
		echo "# qdiscs"; inns tc qdisc show
		echo "# nftables"; inns nft list ruleset
		echo "# sysctls"; inns sysctl -a 2>/dev/null | grep '^net\.' |
			grep -v -e '^net.netfilter.nf_conntrack_count' -e 'stable_secret'
	} >"$1" 2>&1
}
nsino=$(stat -L -c 'net:[%i]' "/run/netns/$ns")
mine=$(readlink /proc/self/ns/net)
ls /run/netns >"$TMP/named.before"

snapshot "$TMP/before"
check() {	# WHAT: the host as before, nothing of the run left
	snapshot "$TMP/after"
	diff -u "$TMP/before" "$TMP/after" >&2 || fail "$1 changed the host's network configuration"
	# unplug reaps every process of its run before it exits; the scan
	# below races with nothing, but give the kernel a second anyway
	for _ in $(seq 10); do
		held_netns >"$TMP/held"
		still=$(grep -xFf "$TMP/run.netns" "$TMP/held" || true)
		[ -z "$still" ] && break
		sleep 0.1
	done
	if [ -n "$still" ]; then
		for p in /proc/[0-9]*; do
			n=$(readlink "$p/ns/net" 2>/dev/null || true)
			echo "$still" | grep -qxF "$n" && echo "held by ${p#/proc/}: $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" >&2
		done
		fail "$1 left namespaces of the run held: $still"
	fi
	for p in $procs; do
		if kill -0 "$p" 2>/dev/null && grep -q unplug "/proc/$p/cmdline" 2>/dev/null; then
			fail "$1 left process $p of the run"
		fi
	done
	ls /run/netns >"$TMP/named.after"
	new=$(comm -13 "$TMP/named.before" "$TMP/named.after" | grep -i unplug || true)
	[ -z "$new" ] || fail "$1 left named namespaces: $new"
}
# run unplug in the host; sample what it holds while it runs
run_in_host() {	# OUT SIGNAL DELAY ARGS...
	out=$1 sig=$2 delay=$3
	shift 3
	# ip netns exec execs unplug in its own process: $! is unplug's pid
	ip netns exec "$ns" "$UNPLUG" run --out "$TMP/$out" -q "$@" >"$TMP/$out.log" 2>&1 &
	pid=$!
	procs=""
	: >"$TMP/run.netns"
	# the delay counts on the clock: each sampling round below takes
	# longer than its 0.1 s sleep on a busy machine
	start=$(date +%s%N)
	while kill -0 "$pid" 2>/dev/null; do
		t=$((($(date +%s%N) - start) / 1000000))
		procs="$procs $(tree "$pid")"
		# shellcheck disable=SC2086
		netns_of $(tree "$pid") | grep -vxF -e "$nsino" -e "$mine" >>"$TMP/run.netns" || true
		if [ "$sig" != none ] && [ "$t" -ge "$delay" ]; then
			[ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$UNPLUG")" ] ||
				fail "the process to stop is not unplug"
			kill -"$sig" "$pid"
			sig=none
		fi
		sleep 0.1
	done
	wait "$pid" || true
	[ "$sig" = none ] || { cat "$TMP/$out.log"; fail "the run ended before SIG$sig was due at $delay ms: the check would prove nothing"; }
	sort -u -o "$TMP/run.netns" "$TMP/run.netns"
	procs=$(echo "$procs" | tr ' ' '\n' | sort -u)
}

# every fault (heal and revert-each apply nine kinds between them), NAT and
# the router, IPv6, power with a new MAC, crash and restart, freeze,
# sysctls, faults while connecting, netem (or its refusal, here)
s="$SRCDIR/scenarios"
run_in_host all none 0 -j 4 "$s/silence/heal.yaml" "$s/silence/revert-each.yaml" \
	"$s/middleboxes/nat-expire-reset.yaml" "$s/middleboxes/nat-expire-drop.yaml" \
	"$s/silence/routed-blackhole.yaml" "$s/silence/blackhole-ipv6.yaml" "$s/power/power-off-ipv6.yaml" \
	"$s/power/power-on-new-mac.yaml" "$s/power/restart.yaml" "$s/sockets/reboot-storm.yaml" \
	"$s/processes/freeze.yaml" "$s/silence/sysctl-retries.yaml" "$s/connect/no-arp.yaml" \
	"$s/cables/nic-up.yaml" "$s/cables/switch-off.yaml" "$s/netem/netem-cable-pull.yaml" \
	"$s/middleboxes/reset-ipv6.yaml"
grep -qE '^  [0-9]+ passed, 0 failed' "$TMP/all.log" || { cat "$TMP/all.log"; fail "the scenarios did not pass inside the test's namespace"; }
# (sampled every 0.1 s while it runs: on a busy machine each look takes
# longer and sees fewer of the catalogue's short-lived namespaces)
echo "saw $(wc -l <"$TMP/run.netns") of the run's namespaces"
[ "$(wc -l <"$TMP/run.netns")" -ge 10 ] || fail "saw only $(wc -l <"$TMP/run.netns") of the run's namespaces: the check would prove nothing"
check "the scenarios"

# stopped at random moments, by each signal
for signal in INT TERM KILL; do
	delay=$(( $(od -An -N2 -tu2 /dev/urandom) % 2500 + 200 ))
	run_in_host "$signal" "$signal" "$delay" -j 4 "$SRCDIR/scenarios/power/power-cycle.yaml" \
		"$SRCDIR/scenarios/silence/drop-acks.yaml" "$SRCDIR/scenarios/middleboxes/nat-expire-reset.yaml" \
		"$SRCDIR/scenarios/silence/blackhole.yaml"
	if [ "$signal" != KILL ]; then
		grep -q 'interrupted' "$TMP/$signal.log" || { cat "$TMP/$signal.log"; fail "SIG$signal did not interrupt the run"; }
	fi
	check "SIG$signal after ${delay} ms"
	echo "ok: SIG$signal after $delay ms left the host as it was"
done
echo "ok: every kind of fault and three stopped runs left the host as it was"
