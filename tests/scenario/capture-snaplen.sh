#!/bin/sh
# Captures keep every header (a 256-byte snap length) unless a scenario
# asks for the payload (capture-payload: true): read from the pcap files'
# own headers, as any tool would.
. "$(dirname "$0")/lib.sh"
need_root

snaplen() { # snaplen PCAP: the snap length in its file header (little-endian)
	od -An -tu4 -j16 -N4 "$1" | tr -d ' '
}
sed 's/^name: minimal$/name: headers/' "$SRCDIR/bench/minimal.yaml" >"$TMP/headers.yaml"
sed 's/^name: minimal$/name: payload\ncapture-payload: true/' "$SRCDIR/bench/minimal.yaml" >"$TMP/payload.yaml"
"$UNPLUG" run "$TMP/headers.yaml" "$TMP/payload.yaml" --out "$TMP/out" >"$TMP/stdout" 2>&1 ||
	unsure_only $? || { cat "$TMP/stdout" >&2; fail "the scenarios did not pass"; }
h=$(snaplen "$TMP/out/headers/captures/server.pcap")
p=$(snaplen "$TMP/out/payload/captures/server.pcap")
[ "$h" -eq 256 ] || fail "headers only: snap length $h, expected 256"
[ "$p" -eq 262144 ] || fail "with the payload: snap length $p, expected 262144"
echo "ok: captures keep $h bytes of a frame, or $p with capture-payload"
