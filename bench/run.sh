#!/bin/sh
# Every benchmark, one after the other: what docs/performance.md reports.
# Usage: sudo bench/run.sh   (build first: tools/build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
echo "== overhead (bench/overhead.sh)"
sh "$here/overhead.sh" 50
echo "== catalogue at the default -j (bench/catalogue.sh)"
sh "$here/catalogue.sh"
echo "== catalogue at -j 1"
sh "$here/catalogue.sh" -j 1
echo "== endpoint reports against the segments that caused them (bench/detection.py)"
tmp=$(mktemp -d /tmp/unplug-bench.XXXXXX)
"${UNPLUG:-$here/../build/unplug}" run "$here/../scenarios" --out "$tmp" >/dev/null 2>&1 || true
python3 "$here/detection.py" "$tmp" || true
rm -rf "$tmp"
echo "== captures under bulk transfer (bench/captures.sh)"
sh "$here/captures.sh"
echo "== many hosts and connections, against ip (bench/hosts.sh)"
sh "$here/hosts.sh"
if command -v stress-ng >/dev/null 2>&1; then
	echo "== catalogue at the default -j under stress-ng --cpu 2"
	stress-ng --cpu 2 --timeout 600s >/dev/null 2>&1 &
	stress=$!
	sh "$here/catalogue.sh" || true
	kill "$stress" 2>/dev/null || true
	wait "$stress" 2>/dev/null || true
else
	echo "== (stress-ng is not installed: apt-get install stress-ng for the run under load)"
fi
echo "== flakes: the catalogue 20 times at -j 8 under load (bench/flakes.sh)"
sh "$here/flakes.sh" 20 8 || true
