#!/bin/sh
# Whether `unplug explain` keeps state per live connection only: its peak
# memory on synthetic captures (bench/gen_capture.c) of growing size, from
# 0.25 GB (27 s of traffic) to 2.2 GB (4 min). Connections are forgotten
# 120 s after they end, so memory should grow until the capture spans
# that, and then stay flat however large the file.
# Usage: bench/explain_memory.sh   (needs 2.3 GB free under $TMPDIR)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${UNPLUG:=$here/../build/unplug}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/unplug-memory.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/gen_capture" "$here/gen_capture.c"
printf '%-8s %10s %8s %8s %14s %10s\n' "MB" "frames" "span s" "seconds" "connections" "max RSS MB"
for mb in 250 550 1100 2200; do
	"$tmp/gen_capture" "$tmp/c.pcap" "$mb" >"$tmp/gen.txt"
	span=$(sed -n '1s/.*connections, \([0-9.]*\) s.*/\1/p' "$tmp/gen.txt")
	/usr/bin/time -f '%e %M' -o "$tmp/t" "$UNPLUG" explain --json "$tmp/c.pcap" >"$tmp/out.json"
	python3 - "$tmp/out.json" "$tmp/t" "$mb" "$span" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["captures"][0]
secs, rss = open(sys.argv[2]).read().split()[-2:]
print("%-8s %10d %8s %8s %7d (%5d live at most) %6d" % (sys.argv[3], c["frames"], sys.argv[4], secs,
      c["connection_count"], c["peak_live_connections"], int(rss) // 1024))
PY
	rm -f "$tmp/c.pcap"
done
