#!/bin/sh
# Sweeps (matrix:), for real: a scenario runs once per combination, each
# with its own id and run directory (which names the combination), its
# own `repeat:` unless --repeat says otherwise; `when:` keeps an
# expectation to its combinations, `rate:` judges it over the runs (a
# budget no run meets fails the combination, exit 1); the terminal and
# the JSON (valid against the schema) carry a table per expectation;
# replay of the run directories gives the same tables; bare captures are
# replayed with --matrix, and refused without it.
. "$(dirname "$0")/lib.sh"
need_root

sweep="$SRCDIR/tests/scenario/sweep/close-or-abort.yaml"
status=0
"$UNPLUG" run --out "$TMP/out" --json "$TMP/r.json" "$sweep" >"$TMP/stdout" 2>&1 || status=$?
cat "$TMP/stdout"
[ "$status" -eq 1 ] || fail "a combination whose rate: is missed must fail the run (exit $status)"
for c in "how=close,at=300ms" "how=close,at=600ms" "how=abort,at=300ms" "how=abort,at=600ms"; do
	for k in 1 2; do
		d="$TMP/out/close-or-abort[$c]/run-$k"
		[ -s "$d/captures/server.pcap" ] || fail "no run directory $d"
		[ "$(cat "$d/matrix")" = "$c" ] || fail "$d/matrix does not name $c"
		cmp -s "$d/scenario.yaml" "$sweep" || fail "$d/scenario.yaml is not the file as written"
	done
	[ ! -e "$TMP/out/close-or-abort[$c]/run-3" ] || fail "ran more than the file's repeat: 2"
done
grep -q '^  FAIL  close-or-abort\[how=close,at=600ms\] passed in 0 of 2 runs (0%; 50%..100% wanted)' "$TMP/stdout" ||
	fail "the missed rate is not the failing combination's headline"
grep -qE '^  PASS  close-or-abort\[how=abort,at=300ms\] server ECONNRESET' "$TMP/stdout" ||
	fail "abort's combination did not pass with ECONNRESET"
grep -q '^  sweep close-or-abort: 4 combinations, 2 runs each' "$TMP/stdout" || fail "no sweep table"
grep -qE '^      abort 600ms  2/2 +100%  1 / 1 / 1 packets  ok$' "$TMP/stdout" || fail "no row for the abort RST count"
grep -qE '^      close 600ms  0/2 +0%  .*  FAIL$' "$TMP/stdout" || fail "the missed rate's row does not say FAIL"

python3 "$SRCDIR/tests/scenario/check_results.py" "$SRCDIR/docs/results.schema.json" "$TMP/r.json" ||
	fail "the sweep's JSON does not match the schema"
python3 - "$TMP/r.json" <<'PY' || fail "the JSON's sweeps are not what ran"
import json, sys
d = json.load(open(sys.argv[1]))
s = {x["id"]: x for x in d["scenarios"]}
assert len(s) == 4, list(s)
c = s["close-or-abort[how=abort,at=300ms]"]
assert c["sweep"] == "close-or-abort" and c["parameters"] == {"how": "abort", "at": "300ms"}, c
assert len(c["runs"]) == 2
(sw,) = d["sweeps"]
assert sw["id"] == "close-or-abort" and sw["parameters"] == ["how", "at"] and sw["combinations"] == 4, sw
rows = {(x["line"], r["id"]): r for x in sw["expectations"] for r in x["rows"]}
# when: each expectation only where its combinations are
assert sorted(l for l, _ in rows) == [19, 19, 20, 20, 21, 21, 22, 22, 24], sorted(rows)
r = rows[(24, "close-or-abort[how=close,at=600ms]")]
assert (r["verdict"], r["runs"], r["passed"], r["pass_rate"]) == ("fail", 2, 0, 0.0), r
assert r["stats"]["n"] == 2 and r["stats"]["max_ns"] < 50_000_000, r
r = rows[(20, "close-or-abort[how=abort,at=600ms]")]
assert (r["verdict"], r["passed"]) == ("pass", 2) and r["expected"].startswith("server ECONNRESET"), r
PY

# the run directories judge the same way, tables and all
chmod -R a+rX "$TMP"
status=0
"$UNPLUG" replay "$TMP/out" --json "$TMP/replay.json" >"$TMP/replay.out" 2>&1 || status=$?
[ "$status" -eq 1 ] || { cat "$TMP/replay.out"; fail "replay exited $status, not 1"; }
python3 - "$TMP/r.json" "$TMP/replay.json" <<'PY' || fail "replay's sweep tables differ from the run's"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["sweeps"] == b["sweeps"], (a["sweeps"], b["sweeps"])
PY

# --repeat overrides the file's repeat:
"$UNPLUG" run -q --repeat 1 --out "$TMP/once" -k 'how=abort' "$sweep" >"$TMP/once.out" 2>&1 ||
	{ cat "$TMP/once.out"; fail "the abort combinations failed run once"; }
grep -q '^  sweep close-or-abort: 2 combinations, 1 run each' "$TMP/once.out" ||
	{ cat "$TMP/once.out"; fail "--repeat 1 (or -k on a combination) was not obeyed"; }

# bare captures of a sweep: the combination is named, or asked for
d="$TMP/out/close-or-abort[how=abort,at=300ms]/run-1"
"$UNPLUG" replay --scenario "$sweep" "server=$d/captures/server.pcap" >"$TMP/bare.out" 2>&1 &&
	fail "bare captures of a sweep were judged without a combination"
grep -q 'a sweep (matrix:) is judged one combination at a time: name one (replay --matrix how=close,at=300ms)' "$TMP/bare.out" ||
	{ cat "$TMP/bare.out"; fail "no message asking for --matrix"; }
"$UNPLUG" replay --scenario "$sweep" --matrix 'how=abort,at=300ms' "server=$d/captures/server.pcap" \
	"client=$d/captures/client.pcap" >"$TMP/bare.out" 2>&1 || { cat "$TMP/bare.out"; fail "replay --matrix failed"; }
grep -q 'client sent 1 RST' "$TMP/bare.out" || { cat "$TMP/bare.out"; fail "replay --matrix did not judge abort's RST"; }
echo "ok: a sweep of 4 combinations, 2 runs each: ids, run directories, when:, rate:, tables in the terminal and JSON, replay"
