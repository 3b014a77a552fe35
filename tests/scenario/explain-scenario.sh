#!/bin/sh
# From a capture to a scenario, and back: for a few shipped scenarios,
# `explain --scenario` on one host's capture proposes a scenario; it must
# validate, run, and its own capture must end the same way (same kind, by
# the same side) as the one it was proposed from.
. "$(dirname "$0")/lib.sh"
need_root

end_of() {	# PCAP: "kind by-side" of its first connection
	"$UNPLUG" explain --json "$1" | python3 -c '
import json, sys
c = json.load(sys.stdin)["captures"][0]["connections"][0]
by = c["end"]["by"]
side = "-" if by is None else ("client" if by.endswith(":%d" % c["client"]["port"]) and by.startswith(c["client"]["addr"]) else "server")
print(c["end"]["kind"], side)'
}

"$UNPLUG" run -j 4 --out "$TMP/orig" "$SRCDIR/scenarios/keepalive/pulled-cable.yaml" \
	"$SRCDIR/scenarios/power/power-cycle.yaml" "$SRCDIR/scenarios/processes/abort.yaml" \
	"$SRCDIR/scenarios/processes/close.yaml" >"$TMP/orig.out" 2>&1 || unsure_only $? || { cat "$TMP/orig.out"; fail "the originals did not pass"; }
n=0
for pair in pulled-cable:server power-cycle:client abort:server close:client; do
	id=${pair%%:*} host=${pair##*:}
	cap="$TMP/orig/$id/captures/$host.pcap"
	want=$(end_of "$cap")
	"$UNPLUG" explain --scenario "$cap" >"$TMP/$id.yaml" || fail "explain --scenario $cap"
	"$UNPLUG" validate "$TMP/$id.yaml" >/dev/null 2>"$TMP/err" || { cat "$TMP/$id.yaml" "$TMP/err"; fail "the proposal for $id does not validate"; }
	status=0
	"$UNPLUG" run --out "$TMP/again-$id" "$TMP/$id.yaml" >"$TMP/again.out" 2>&1 || status=$?
	[ "$status" -le 1 ] || { cat "$TMP/$id.yaml" "$TMP/again.out"; fail "the proposal for $id could not run"; }
	got=$(end_of "$TMP/again-$id/$id/captures/$host.pcap")
	[ "$got" = "$want" ] || { cat "$TMP/$id.yaml" "$TMP/again.out"; fail "$id: the capture ended '$want', the proposal's '$got'"; }
	echo "ok: $id: $want, reproduced"
	n=$((n + 1))
done
echo "ok: $n proposals reproduce their captures' endings"
