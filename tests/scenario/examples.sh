#!/bin/sh
# The examples, for real: examples/echo (built next to its scenarios in the
# build directory) and examples/redis (Debian's redis-server; skipped with
# the reason when it is not installed).
#  - every echo scenario passes, run from the checkout root, from / and
#    from its own folder, and through a link to the file;
#  - a 5 s budget on the naive server FAILS, saying "nothing detected"
#    and naming the budget;
#  - redis must keep a dead client with tcp-keepalive 0 and drop it with 2.
. "$(dirname "$0")/lib.sh"
need_root
: "${BUILDDIR:=$(dirname "$UNPLUG")}"

# the README's own command, from the checkout root, from / and from the
# examples' own folder: a relative exec: path is the scenario file's
for from in "$SRCDIR" / "$BUILDDIR/examples/echo"; do
	rel=$(realpath --relative-to="$from" "$BUILDDIR/examples/echo")
	out="$TMP/echo$(echo "$from" | tr / _)"
	# (the whole folder from the root, as the README says; the other two
	# leave out the naive server, 10 s of quiet, for time)
	keep=; [ "$from" = "$SRCDIR" ] || keep="-k !naive-server"
	# shellcheck disable=SC2086
	(cd "$from" && "$UNPLUG" run $keep "$rel/" --out "$out") >"$out.log" 2>&1 ||
		unsure_only $? || { cat "$out.log" >&2; fail "echo examples run from $from as $rel/ did not pass"; }
	grep -qE "^  [56] passed, 0 failed, 0 skipped" "$out.log" || { cat "$out.log" >&2; fail "echo totals from $from"; }
	echo "ok: the echo examples pass when run from $from as $rel/"
done
# through a link to the scenario file: its programs are beside the file
mkdir "$TMP/linked"
ln -s "$BUILDDIR/examples/echo/fixed-server.yaml" "$TMP/linked/"
(cd "$TMP/linked" && "$UNPLUG" run fixed-server.yaml --out "$TMP/linked/out") >"$TMP/linked.log" 2>&1 ||
	unsure_only $? || { cat "$TMP/linked.log" >&2; fail "a scenario run through a link did not find its program"; }

# a build gate on the naive server: a budget it cannot meet FAILS, saying
# "nothing detected" and citing the budget
sed -e 's|^  - no-detect: .*|  - detect: { host: server, by: close, within: 5s }|' -e '/^  - sockets:/d' \
	-e "s|\./naive_server|$BUILDDIR/examples/echo/naive_server|" \
	"$BUILDDIR/examples/echo/naive-server.yaml" >"$TMP/naive-gate.yaml"
set +e
"$UNPLUG" run "$TMP/naive-gate.yaml" --out "$TMP/gate" >"$TMP/gate.out" 2>"$TMP/gate.err"
status=$?
set -e
cat "$TMP/gate.out"
[ "$status" -eq 1 ] || { cat "$TMP/gate.err" >&2; fail "the naive server's gate: exit $status, expected 1"; }
grep -q '^  FAIL  naive-gate .*nothing detected in the .* after cable-pull (its connection stayed open; budget 5 s)' "$TMP/gate.out" ||
	fail "the naive server did not fail its 5 s budget with 'nothing detected'"
grep -q 'naive-gate.yaml:[0-9]*:[0-9]*: expected server closes its connection within 0..5 s of cable-pull' "$TMP/gate.out" ||
	fail "the failure does not cite the budget"

if ! command -v redis-server >/dev/null 2>&1; then
	echo "ok: echo examples; SKIP redis: redis-server is not installed (apt-get install redis-server)"
	exit 0
fi
"$UNPLUG" run "$SRCDIR/examples/redis/" --out "$TMP/redis" >"$TMP/redis.out" 2>"$TMP/redis.err" ||
	unsure_only $? || { cat "$TMP/redis.out" "$TMP/redis.err" >&2; fail "redis examples failed"; }
cat "$TMP/redis.out"
grep -qE '^  ([0-9]) passed, 0 failed, 0 skipped' "$TMP/redis.out" || fail "redis totals"
echo "ok: echo and redis examples behave as documented"
