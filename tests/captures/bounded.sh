#!/bin/sh
# explain's memory is bounded (issue 23, item 10): a capture of many
# simultaneous connections — here 300 SYNs that are never answered, made
# by a few lines of Python — is explained with at most --max-connections
# of them tracked at once; the ones told early are counted, in the text
# and the JSON, and the count of connections stays right. A bad bound is
# refused.
. "$(dirname "$0")/../scenario/lib.sh"
python3 - "$TMP/many.pcap" <<'PY'
import struct, sys
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
src, dst = bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])
for i in range(300):
    tcp = struct.pack("!HHIIBBHHH", 10000 + i, 7000, 1000 + i, 0, 5 << 4, 0x02, 64240, 0, 0)
    ph = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), i, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    frame = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp
    out.write(struct.pack("<IIII", 1700000000, i * 1000, len(frame), len(frame)) + frame)
PY
"$UNPLUG" explain --max-connections 50 "$TMP/many.pcap" >"$TMP/out" || fail "explain with a bound failed"
grep -q ': 300 connections (.*) in 300 frames; 250 told before their end, to keep at most 50 at once (--max-connections)' "$TMP/out" ||
	{ tail -n 3 "$TMP/out"; fail "the text does not count what was told early"; }
"$UNPLUG" explain --json --max-connections 50 "$TMP/many.pcap" >"$TMP/out.json" || fail "explain --json with a bound failed"
python3 - "$TMP/out.json" <<'PY' || fail "the JSON"
import json, sys
c = json.load(open(sys.argv[1]))["captures"][0]
assert c["connection_count"] == 300, c["connection_count"]
assert c["peak_live_connections"] == 50, c["peak_live_connections"]
assert c["connections_told_early"] == 250, c["connections_told_early"]
PY
"$UNPLUG" explain "$TMP/many.pcap" >"$TMP/out" || fail "explain without a bound failed"
grep -q 'told before their end' "$TMP/out" && fail "the default bound cut 300 connections short"
for bad in 0 -1 x 99999999999; do
	status=0
	"$UNPLUG" explain --max-connections "$bad" "$TMP/many.pcap" >/dev/null 2>"$TMP/err" || status=$?
	[ "$status" -eq 2 ] && grep -q 'bad --max-connections' "$TMP/err" || fail "--max-connections $bad accepted"
done
echo "ok: explain tracks at most --max-connections at once and says how many it told early"
