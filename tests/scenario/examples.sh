#!/bin/sh
# The examples, for real: examples/echo (built next to its scenarios in the
# build directory) and examples/redis (Debian's redis-server; skipped with
# the reason when it is not installed).
#  - the naive echo server must FAIL its budget, saying "nothing detected"
#    and naming the budget; the fixed server and the client must pass;
#  - redis must keep a dead client with tcp-keepalive 0 and drop it with 2.
. "$(dirname "$0")/lib.sh"
need_root
: "${BUILDDIR:=$(dirname "$UNPLUG")}"

set +e
"$UNPLUG" run "$BUILDDIR/examples/echo/" --out "$TMP/echo" >"$TMP/echo.out" 2>"$TMP/echo.err"
status=$?
set -e
cat "$TMP/echo.out"
[ "$status" -eq 1 ] || { cat "$TMP/echo.err" >&2; fail "echo examples: exit $status, expected 1 (the naive server fails)"; }
grep -q '^  FAIL  naive-server .*nothing detected in the .* after cable-pull (its connection stayed open; budget 5 s)' "$TMP/echo.out" ||
	fail "the naive server did not fail its 5 s budget with 'nothing detected'"
grep -q 'naive-server.yaml:[0-9]*:[0-9]*: expected server closes its connection within 0..5 s of cable-pull' "$TMP/echo.out" ||
	fail "the failure does not cite the budget"
for s in fixed-server fixed-server-exits ping-client frozen-server crash-restart; do
	grep -q "^  PASS  $s " "$TMP/echo.out" || fail "$s did not pass"
done
grep -q '^  5 passed, 1 failed, 0 skipped' "$TMP/echo.out" || fail "echo totals"

if ! command -v redis-server >/dev/null 2>&1; then
	echo "ok: echo examples; SKIP redis: redis-server is not installed (apt-get install redis-server)"
	exit 0
fi
"$UNPLUG" run "$SRCDIR/examples/redis/" --out "$TMP/redis" >"$TMP/redis.out" 2>"$TMP/redis.err" ||
	unsure_only $? || { cat "$TMP/redis.out" "$TMP/redis.err" >&2; fail "redis examples failed"; }
cat "$TMP/redis.out"
grep -qE '^  ([0-9]) passed, 0 failed, 0 skipped' "$TMP/redis.out" || fail "redis totals"
echo "ok: echo and redis examples behave as documented"
