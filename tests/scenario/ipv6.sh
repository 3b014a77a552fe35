#!/bin/sh
# Every fault works over IPv6: each scenario of the fault themes (cables,
# silence, power, middleboxes, processes, heartbeats, netem, and the
# zero-byte probes and keepalive sequence) that has no shipped IPv6 twin
# (<name>-ipv6.yaml beside it, run by the catalogue) and does not choose
# its family is run again with `family: ipv6`, and must pass unchanged.
# Where IPv6 behaves differently, a twin is shipped that says how.
. "$(dirname "$0")/lib.sh"
need_root

mkdir "$TMP/v6"
n=0
s=$SRCDIR/scenarios
for f in "$s"/cables/*.yaml "$s"/silence/*.yaml "$s"/power/*.yaml "$s"/middleboxes/*.yaml \
	"$s"/processes/*.yaml "$s"/heartbeats/*.yaml "$s"/netem/*.yaml "$s"/calls/zero-byte-probe*.yaml \
	"$s"/keepalive/sequence-keepalive-rst.yaml; do
	name=$(basename "$f" .yaml)
	# a sweep is 60 runs of a percentage drop, which drop-percent covers
	case $name in *-ipv6 | replugged-in-time | *-sweep) continue ;; esac
	[ -e "$(dirname "$f")/$name-ipv6.yaml" ] && continue
	grep -q '^family:' "$f" && continue
	sed 's/^name: \(.*\)$/name: \1 (IPv6)\nfamily: ipv6/' "$f" >"$TMP/v6/$name.yaml"
	grep -q '^family: ipv6$' "$TMP/v6/$name.yaml" || fail "could not make an IPv6 twin of $f"
	n=$((n + 1))
done
[ "$n" -gt 10 ] || fail "only $n scenarios to run over IPv6"
status=0
"$UNPLUG" run "$TMP/v6" --out "$TMP/run" || status=$?
[ "$status" -eq 0 ] || unsure_only "$status" || fail "$n fault scenarios over IPv6: exit $status"
grep -q '"addr":"fd00::1"' "$TMP"/run/*/events.jsonl || fail "the twins did not run over IPv6"
echo "ok: $n fault scenarios pass unchanged over IPv6"
