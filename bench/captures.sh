#!/bin/sh
# Capture completeness: 10 s of bulk transfer (bench/bulk.yaml); every
# packet the hosts' interfaces saw must be in the captures. Prints what
# libpcap received and dropped at each host.
# Usage: bench/captures.sh   (root)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${UNPLUG:=$here/../build/unplug}"
tmp=$(mktemp -d /tmp/unplug-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$UNPLUG" run "$here/bulk.yaml" --out "$tmp/out" >/dev/null 2>&1 || true
grep '"event":"capture"' "$tmp/out/bulk/events.jsonl" |
	sed 's/.*"host":"\([a-z]*\)".*"received":\([0-9]*\),"dropped":\([0-9]*\),"ifdropped":\([0-9]*\).*/\1: \2 packets received, \3 dropped, \4 dropped by the interface/'
