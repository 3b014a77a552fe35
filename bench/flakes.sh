#!/bin/sh
# Flakes: verdicts on a busy machine. Each round runs CATALOGUES copies of
# the catalogue at once (the sweep aside: its verdicts are rates) at the
# default -j, beside `stress-ng --cpu 4` (or four busy shell loops) — the
# load of a shared CI runner running several jobs — and counts, from each
# run's JSON, every verdict, the runs retried as unsure, and how late
# unplug's own steps and socket samples were (bench/lateness.py). A FAIL,
# an ERROR or a FLAKY that a quiet run does not give is a defect: the
# target is 0; unsure verdicts should be rare.
#
# Usage: bench/flakes.sh [ROUNDS] [CATALOGUES] [RUN-OPTION...]
#   (root; default 5 rounds of 3 catalogues; RUN-OPTION... go to every
#   `unplug run`, e.g. --realtime or --retries 0)
# LOAD=0: no CPU burners, one catalogue a round (the quiet reference).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${UNPLUG:=$here/../build/unplug}"
: "${LOAD:=1}"
rounds=${1:-5}
copies=${2:-3}
[ $# -ge 1 ] && shift
[ $# -ge 1 ] && shift
[ "$LOAD" = 0 ] && copies=1
dir=$here/../scenarios
tmp=$(mktemp -d /tmp/unplug-flakes.XXXXXX)
load=""
cleanup() {
	# shellcheck disable=SC2086
	[ -z "$load" ] || kill $load 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
burn() {
	[ "$LOAD" = 0 ] && return
	if command -v stress-ng >/dev/null 2>&1; then
		stress-ng --cpu 4 --timeout 900s >/dev/null 2>&1 &
		load=$!
	else
		for _ in 1 2 3 4; do
			timeout 900 sh -c 'while :; do :; done' &
			load="$load $!"
		done
	fi
}
r=1
while [ "$r" -le "$rounds" ]; do
	mkdir -p "$tmp/r$r"
	burn
	pids=""
	c=1
	while [ "$c" -le "$copies" ]; do
		"$UNPLUG" run -k '!*-sweep' "$@" "$dir" --out "$tmp/r$r/o$c" --json "$tmp/r$r/c$c.json" \
			>"$tmp/r$r.c$c.out" 2>&1 &
		pids="$pids $!"
		c=$((c + 1))
	done
	# shellcheck disable=SC2086
	wait $pids || true
	# shellcheck disable=SC2086
	[ -z "$load" ] || kill $load 2>/dev/null || true
	load=""
	echo "round $r: $(python3 - "$tmp/r$r" <<'PY'
import glob, json, sys
t, retried, secs = {}, 0, []
for f in glob.glob(sys.argv[1] + "/c*.json"):
    j = json.load(open(f))
    for k, v in j["totals"].items():
        t[k] = t.get(k, 0) + v
    retried += j.get("retried_runs", 0)
    secs.append(j["duration_ns"] / 1e9)
if not secs:
    sys.exit("no results: see the runs' output")
print(", ".join(f"{v} {k}" for k, v in t.items() if v) + f"; {retried} runs retried; " +
      f"{min(secs):.0f}-{max(secs):.0f} s")
PY
)"
	grep -hE '^  (FAIL|ERROR|FLAKY|UNSURE) ' "$tmp/r$r".c*.out | cut -c1-200 | sed 's/^/   /' || true
	python3 "$here/lateness.py" "$tmp/r$r" | sed 's/^/   /'
	rm -rf "$tmp/r$r/o"*
	r=$((r + 1))
done
python3 - "$tmp" <<'PY'
import glob, json, sys
t, retried, runs = {}, 0, 0
for f in glob.glob(sys.argv[1] + "/r*/c*.json"):
    j = json.load(open(f))
    for k, v in j["totals"].items():
        t[k] = t.get(k, 0) + v
    retried += j.get("retried_runs", 0)
    runs += sum(s.get("tries", 1) for s in j["scenarios"] if s["verdict"] != "skip")
judged = sum(v for k, v in t.items() if k != "skip")
print(f"all rounds: {judged} scenario verdicts ({t.get('skip', 0)} skipped), {runs} runs: "
      f"{t.get('fail', 0)} fail, {t.get('error', 0)} error, {t.get('flaky', 0)} flaky, "
      f"{t.get('unsure', 0)} unsure ({100 * t.get('unsure', 0) / max(judged, 1):.1f} %), "
      f"{retried} runs retried ({100 * retried / max(runs, 1):.0f} % of runs)")
sys.exit(1 if t.get("fail", 0) or t.get("error", 0) or t.get("flaky", 0) else 0)
PY
