#!/bin/sh
# The catalogue at `-j` (default: unplug's own default): its wall time
# against its longest scenario and against the sum of all of them; and,
# from every step the runs recorded, how late the runner set about steps
# (late_ns) and how long they took to take effect (t_ns - requested_ns),
# p50 / p99 / max.
# Usage: bench/catalogue.sh [-j N] [DIR]   (root)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${UNPLUG:=$here/../build/unplug}"
jobs=""
if [ "${1:-}" = "-j" ]; then
	jobs="-j $2"
	shift 2
fi
dir=${1:-$here/../scenarios}
tmp=$(mktemp -d /tmp/unplug-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

t0=$(date +%s%N)
# shellcheck disable=SC2086
"$UNPLUG" run $jobs "$dir" --out "$tmp/out" --junit "$tmp/junit.xml" >"$tmp/stdout" 2>&1 || true
t1=$(date +%s%N)
tail -n 1 "$tmp/stdout"
grep -o '<testsuite name="[^"]*"[^>]* time="[0-9.]*"' "$tmp/junit.xml" |
	sed 's/.*name="\([^"]*\)".* time="\([0-9.]*\)"/\2 \1/' | sort -n >"$tmp/times"
awk -v wall="$t0 $t1" 'BEGIN { split(wall, w, " "); total = (w[2] - w[1]) / 1e9 }
	{ sum += $1; if ($1 > max) { max = $1; name = $2 } }
	END {
		printf "wall %.1f s; longest scenario %.1f s (%s); sum %.1f s\n", total, max, name, sum
		printf "wall / longest %.2f; wall / sum %.2f\n", total / max, total / sum
	}' "$tmp/times"
find "$tmp/out" -name events.jsonl -exec grep -h '"event":"step"' {} + |
	sed 's/.*"t_ns":\([0-9]*\).*"requested_ns":\([0-9]*\).*"late_ns":\(-*[0-9]*\).*/\1 \2 \3/' |
	awk '{ print ($1 - $2) / 1e6, $3 / 1e6 }' >"$tmp/steps"
for col in 1 2; do
	cut -d' ' -f$col "$tmp/steps" | sort -g | awk -v what="$col" '{ v[NR] = $1 } END {
		printf "%s over %d steps: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
			what == 1 ? "took effect in" : "late by", NR,
			v[int((NR + 1) / 2)], v[int(NR * 0.99 + 0.999)], v[NR] }'
done
