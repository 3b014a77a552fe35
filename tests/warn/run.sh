#!/bin/sh
# validate's warnings (issue 23, item 8): each file of tests/warn/cases is
# a valid scenario that can never pass or has a key with no effect.
# `validate` exits 0 and prints exactly expected/NAME.warn ({FILE} standing
# for the path) on stderr, and says "with warnings"; `validate --strict`
# exits 2 and says no "ok". clean.yaml warns of nothing, nor does the
# catalogue (scenarios/ and the test sweeps), also with --strict.
# Usage: run.sh [--update]   (rewrites expected/ from the current build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${UNPLUG:=$here/../../build/unplug}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0 n=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

for f in "$here"/cases/*.yaml; do
	name=$(basename "$f" .yaml)
	want="$here/expected/$name.warn"
	status=0
	"$UNPLUG" validate "$f" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
	sed "s|^$f|{FILE}|" "$tmp/stderr" >"$tmp/got"
	[ "${1:-}" = --update ] && cp "$tmp/got" "$want"
	n=$((n + 1))
	[ "$status" -eq 0 ] || fail "validate $name: exit $status, not 0"
	if ! cmp -s "$want" "$tmp/got"; then
		fail "validate $name: warnings differ:
$(diff -u "$want" "$tmp/got" | tail -n +3)"
	fi
	if [ -s "$want" ]; then
		grep -q ', with warnings$' "$tmp/stdout" || fail "validate $name: no \"with warnings\""
		status=0
		"$UNPLUG" validate --strict "$f" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
		[ "$status" -eq 2 ] || fail "validate --strict $name: exit $status, not 2"
		[ -s "$tmp/stdout" ] && fail "validate --strict $name: printed $(cat "$tmp/stdout")"
		grep -q 'warning.*--strict' "$tmp/stderr" || fail "validate --strict $name: does not say why it failed"
	else
		grep -q 'with warnings' "$tmp/stdout" && fail "validate $name: says \"with warnings\" with none"
	fi
done
status=0
"$UNPLUG" validate --strict "$here/../../scenarios" "$here/../scenario/sweep" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
[ "$status" -eq 0 ] || fail "the catalogue under --strict: exit $status: $(head -5 "$tmp/stderr")"
[ "$failed" -eq 0 ] || exit 1
echo "ok: $n files warn as expected; the catalogue warns of nothing"
