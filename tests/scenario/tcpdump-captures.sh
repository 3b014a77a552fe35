#!/bin/sh
# `unplug explain --segments` against tshark on captures unplug did not
# make: two network namespaces of our own joined by a veth pair, tcpdump
# (Linux cooked SLL and SLL2 on -i any, Ethernet in nanoseconds on the
# veth, and that one converted to pcapng), and small python3 socket
# programs (tests/explain/traffic.py) for: a transfer and a graceful close,
# an abortive close, keepalive probes answered and then into a silenced
# peer, one byte, then data, then a FIN retransmitted into a silenced peer
# until TCP_USER_TIMEOUT, a SYN retransmitted into one, and a closed window. The comparison is tests/explain/compare_tshark.py; when it
# fails, the captures are kept in $BUILDDIR/meson-logs/.
#
# Only 198.18.99.0/24 in namespaces it creates; nothing in the root
# namespace is touched. Everything it starts is stopped by PID and its
# namespaces deleted on exit.
. "$(dirname "$0")/lib.sh"
need_root

skip() {
	echo "SKIP: $*"
	exit 77
}

command -v tshark >/dev/null 2>&1 || skip "tshark is not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
command -v ip >/dev/null 2>&1 || skip "ip (iproute2) is not installed"
command -v nft >/dev/null 2>&1 || skip "nft (nftables) is not installed"
if ! command -v tcpdump >/dev/null 2>&1; then
	apt-get install -y tcpdump >/dev/null 2>&1 ||
		{ apt-get update >/dev/null 2>&1 && apt-get install -y tcpdump >/dev/null 2>&1; } ||
		skip "tcpdump is not installed and apt-get could not install it"
	command -v tcpdump >/dev/null 2>&1 || skip "tcpdump is not installed"
fi

EXPLAIN="$SRCDIR/tests/explain"
P=upt$$
NSA=${P}a		# the clients and the captures
NSB=${P}b		# the servers, silenced by nftables when a case wants it
VA=${P}x
VB=${P}y
PIDS=""
CAPTURES=""
CAP="$TMP/captures"
LOGS="${BUILDDIR:-$SRCDIR/build}/meson-logs"
mkdir -p "$CAP"

cleanup() {
	for pid in $PIDS; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $PIDS; do
		wait "$pid" 2>/dev/null || true
	done
	ip netns del "$NSA" 2>/dev/null || true
	ip netns del "$NSB" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 143' INT TERM HUP

# wait_file FILE TENTHS: until FILE exists (or has PATTERN in it), bounded
wait_file() {
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ "$i" -le "$2" ] || return 1
		sleep 0.1
	done
}
wait_grep() {
	i=0
	while ! grep -q "$1" "$2" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le "$3" ] || return 1
		sleep 0.1
	done
}

ip netns add "$NSA"
ip netns add "$NSB"
ip link add name "$VA" netns "$NSA" type veth peer name "$VB" netns "$NSB"
ip -n "$NSA" addr add 198.18.99.1/24 dev "$VA"
ip -n "$NSB" addr add 198.18.99.2/24 dev "$VB"
for ns in "$NSA" "$NSB"; do
	ip -n "$ns" link set lo up
done
ip -n "$NSA" link set "$VA" up
ip -n "$NSB" link set "$VB" up
# the table that silences a server lives in the server's namespace only
ip netns exec "$NSB" nft add table inet "$P"
ip netns exec "$NSB" nft add chain inet "$P" in '{ type filter hook input priority 0; policy accept; }'
ip netns exec "$NSB" nft add chain inet "$P" out '{ type filter hook output priority 0; policy accept; }'

# silence PORT: the server on PORT neither hears nor says anything more
silence() {
	ip netns exec "$NSB" nft add rule inet "$P" in tcp dport "$1" drop
	ip netns exec "$NSB" nft add rule inet "$P" out tcp sport "$1" drop
}

# capture NAME TCPDUMP-ARGS...: tcpdump in $NSA, writing $CAP/NAME
capture() {
	name=$1
	shift
	ip netns exec "$NSA" tcpdump -n -U -Z root "$@" -w "$CAP/$name" \
		>"$TMP/$name.out" 2>"$TMP/$name.err" &
	PIDS="$PIDS $!"
	CAPTURES="$CAPTURES $CAP/$name"
	wait_grep 'listening on' "$TMP/$name.err" 50 ||
		fail "tcpdump $* did not start: $(cat "$TMP/$name.err")"
}

capture any-sll.pcap -i any
capture any-sll2.pcap -i any -y LINUX_SLL2
if tcpdump --help 2>&1 | grep -q 'time-stamp-precision'; then
	capture veth-nano.pcap -i "$VA" --time-stamp-precision=nano
else
	capture veth.pcap -i "$VA"
fi
ETH=${CAPTURES##* }

# run_case CASE PORT: one connection of traffic.py; the server is stopped
# when the client is done (a silenced one never hears the end)
run_case() {
	kind=$1 port=$2
	rm -f "$TMP/ready.$port"
	ip netns exec "$NSB" python3 "$EXPLAIN/traffic.py" serve "$kind" "$port" \
		"$TMP/ready.$port" >"$TMP/server.$kind" 2>&1 &
	spid=$!
	PIDS="$PIDS $spid"
	wait_file "$TMP/ready.$port" 50 || fail "the $kind server did not start: $(cat "$TMP/server.$kind")"
	if [ "$kind" = silent-syn ]; then
		silence "$port"
	fi
	ip netns exec "$NSA" python3 "$EXPLAIN/traffic.py" connect "$kind" 198.18.99.2 "$port" \
		"$TMP/go.$port" >"$TMP/client.$kind" 2>&1 &
	cpid=$!
	PIDS="$PIDS $cpid"
	case $kind in
	keepalive)
		# two probes answered (idle 1 s, interval 1 s), then silence
		wait_grep keepalive-on "$TMP/client.$kind" 50 || fail "keepalive client: $(cat "$TMP/client.$kind")"
		sleep 2.5
		silence "$port"
		;;
	silent-syn) ;;
	silent-*)
		wait_grep greeted "$TMP/client.$kind" 50 || fail "$kind client: $(cat "$TMP/client.$kind")"
		silence "$port"
		: >"$TMP/go.$port"
		;;
	esac
	wait "$cpid" || fail "the $kind client failed: $(cat "$TMP/client.$kind")"
	sleep 0.3
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	echo "$kind: $(tr '\n' ' ' <"$TMP/client.$kind")"
}

run_case transfer 7101
run_case abort 7102
run_case keepalive 7103
grep -q 'keepalive gave up' "$TMP/client.keepalive" || fail "keepalive did not give up"
run_case silent-one 7104
run_case silent-data 7105
grep -q 'user timeout' "$TMP/client.silent-data" || fail "no user timeout"
run_case silent-fin 7106
run_case silent-syn 7107
grep -q 'connect gave up' "$TMP/client.silent-syn" || fail "the SYN was answered"
run_case zero-window 7108

sleep 0.5
for pid in $PIDS; do
	kill "$pid" 2>/dev/null || true
done
for pid in $PIDS; do
	wait "$pid" 2>/dev/null || true
done
PIDS=""
for f in $CAPTURES; do
	[ -s "$f" ] || fail "$f is empty"
done
# the same Ethernet capture as pcapng (tcpdump writes pcap only), its
# nanosecond timestamps kept
if command -v editcap >/dev/null 2>&1; then
	editcap -F pcapng "$ETH" "$CAP/veth.pcapng"
	CAPTURES="$CAPTURES $CAP/veth.pcapng"
fi

# what the captures must hold for the comparison to mean something
kinds=$(tshark -n -r "$ETH" -Y tcp -T fields -e tcp.flags.reset -e tcp.analysis.keep_alive \
	-e tcp.analysis.retransmission -e tcp.analysis.zero_window -e tcp.flags.fin 2>/dev/null |
	awk -F'\t' '$1 == 1 || $1 == "True" { r++ } $2 != "" { k++ } $3 != "" { t++ }
		$4 != "" { z++ } $5 == 1 || $5 == "True" { f++ }
		END { printf "rst=%d keepalive=%d retransmission=%d zero-window=%d fin=%d\n", r, k, t, z, f }')
echo "captured: $kinds"
for k in rst keepalive retransmission zero-window fin; do
	if echo " $kinds" | grep -q " $k=0"; then
		fail "the captures hold no $k ($kinds)"
	fi
done

status=0
# shellcheck disable=SC2086
python3 "$EXPLAIN/compare_tshark.py" --unplug "$UNPLUG" $CAPTURES || status=$?
if [ "$status" -ne 0 ]; then
	mkdir -p "$LOGS"
	keep="$LOGS/tcpdump-captures.$$"
	cp -r "$CAP" "$keep"
	fail "compare_tshark.py exited $status; the captures are kept in $keep"
fi
echo "ok: unplug explain --segments agrees with tshark on tcpdump's captures"
