#!/bin/sh
# tools/claims-table on a real run: each claim's verdict is its passing
# scenarios' findings together, every claim of docs/claims-source.md has
# a row, and what is not unplug's results is refused.
. "$(dirname "$0")/lib.sh"
need_root

"$UNPLUG" run -j 3 -q --out "$TMP/run" --json "$TMP/r.json" \
	"$SRCDIR/scenarios/silence/acks-lost-until-timeout.yaml" \
	"$SRCDIR/scenarios/processes/close.yaml" \
	"$SRCDIR/scenarios/power/power-cycle.yaml" >"$TMP/out" 2>&1 ||
	{ cat "$TMP/out"; fail "the scenarios did not pass"; }
"$SRCDIR/tools/claims-table" "$TMP/r.json" >"$TMP/claims.md" || fail "claims-table failed"
row() { grep "^| $1 |" "$TMP/claims.md" || fail "no row for $1"; }
row C0.1 | grep -q '\*\*differs\*\*' || fail "C0.1 is not 'differs' (acks-lost-until-timeout says so)"
row C0.1 | grep -q 'tcp_write_err' || fail "C0.1's row does not say how Linux differs"
row C4.3 | grep -q '\*\*confirmed\*\*' || fail "C4.3 is not confirmed (processes/close)"
row C0.4 | grep -q '\*\*partly\*\*' || fail "C0.4 is not partly (power/power-cycle)"
row C0.2 | grep -q '\*\*not measured\*\*' || fail "C0.2 is measured by nothing run here"
[ "$(grep -c '^| C' "$TMP/claims.md")" -eq 32 ] || fail "not one row per claim (32)"
grep -q "^| C0.5 |" "$TMP/claims.md" && fail "C0.5 only introduces C0.5a-c: it has no row"
grep -q '^## Sweeps' "$TMP/claims.md" && fail "a sweeps section with no sweep run"
# a sweep's combinations are one entry, and its tables follow the claims'
"$UNPLUG" run -q -k 'how=abort' --out "$TMP/sweep" --json "$TMP/s.json" \
	"$SRCDIR/tests/scenario/sweep/close-or-abort.yaml" >"$TMP/out" 2>&1 || unsure_only $? ||
	{ cat "$TMP/out"; fail "the sweep's abort combinations did not pass"; }
"$UNPLUG" merge -q --json "$TMP/all.json" "$TMP/r.json" "$TMP/s.json" >/dev/null || fail "merge failed"
"$SRCDIR/tools/claims-table" "$TMP/all.json" >"$TMP/claims.md" || fail "claims-table failed on the merge"
grep -q '^### `close-or-abort`' "$TMP/claims.md" || fail "no table for the sweep"
grep -q '^| abort | 300ms | 2/2 | 100 % | 1 / 1 / 1 | pass |$' "$TMP/claims.md" ||
	{ grep -A20 '^## Sweeps' "$TMP/claims.md"; fail "no row for abort at 300ms"; }
echo '{"format": "something else"}' >"$TMP/bad.json"
status=0
"$SRCDIR/tools/claims-table" "$TMP/bad.json" >/dev/null 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "a JSON that is not unplug's results gave $status, not 2"
echo "ok: the claims table from a real run: differs, confirmed, partly and not measured as found"
