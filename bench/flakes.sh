#!/bin/sh
# Flakes: the catalogue (or DIR) RUNS times at -j JOBS under CPU load
# (stress-ng --cpu 2 if installed, else two busy shell loops); counts the
# scenarios whose verdict ever changed. 0 is the target.
# Usage: bench/flakes.sh [RUNS] [JOBS] [DIR]   (root; default 20, 8, the catalogue)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${UNPLUG:=$here/../build/unplug}"
runs=${1:-20}
jobs=${2:-8}
dir=${3:-$here/../scenarios}
tmp=$(mktemp -d /tmp/unplug-flakes.XXXXXX)
load=""
cleanup() {
	# shellcheck disable=SC2086
	[ -z "$load" ] || kill $load 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
if command -v stress-ng >/dev/null 2>&1; then
	stress-ng --cpu 2 --timeout "$((runs * 300))s" >/dev/null 2>&1 &
	load=$!
else
	for _ in 1 2; do
		timeout "$((runs * 300))" sh -c 'while :; do :; done' &
		load="$load $!"
	done
fi
i=1
while [ "$i" -le "$runs" ]; do
	"$UNPLUG" run -j "$jobs" "$dir" --out "$tmp/out" >"$tmp/run$i" 2>&1 || true
	rm -rf "$tmp/out"
	grep -E '^  (PASS|FAIL|SKIP|ERROR) ' "$tmp/run$i" | awk '{ print $2, $1 }' >>"$tmp/verdicts"
	echo "run $i: $(tail -n 1 "$tmp/run$i")"
	i=$((i + 1))
done
changed=$(sort -u "$tmp/verdicts" | awk '{ print $1 }' | uniq -d)
echo "scenarios whose verdict changed over $runs runs at -j $jobs under load: $(echo "$changed" | grep -c . || true)"
[ -z "$changed" ] || { echo "$changed" | sed 's/^/  /'; exit 1; }
