#!/bin/sh
# The examples, for real: examples/echo (built next to its scenarios in the
# build directory) and examples/redis (Debian's redis-server; skipped with
# the reason when it is not installed).
#  - every echo scenario passes, run from the checkout root, from / and
#    from its own folder, and through a link to the file;
#  - a 5 s budget on the naive server FAILS, saying "nothing detected"
#    and naming the budget;
#  - the real servers (redis, mosquitto, postgresql, openssh) pass their
#    scenarios; PostgreSQL runs as postgres with its cluster in its scratch
#    folder, and the ssh tunnel runs two programs on each host.
. "$(dirname "$0")/lib.sh"
need_root
: "${BUILDDIR:=$(dirname "$UNPLUG")}"

# the real servers' examples, in one run: each skipped, with the reason,
# where its Debian package is not installed (.ci/run installs them)
dirs= skipped=
if command -v redis-server >/dev/null 2>&1; then
	dirs="$dirs $SRCDIR/examples/redis/"
else
	skipped="$skipped; redis: apt-get install redis-server"
fi
if [ -x /usr/sbin/mosquitto ] && [ -x /usr/bin/mosquitto_sub ]; then
	dirs="$dirs $SRCDIR/examples/mosquitto/"
else
	skipped="$skipped; mosquitto: apt-get install mosquitto mosquitto-clients"
fi
if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && [ -x /usr/bin/psql ] && id postgres >/dev/null 2>&1; then
	dirs="$dirs $SRCDIR/examples/postgresql/"
	pg=1
else
	skipped="$skipped; postgresql: apt-get install postgresql"
fi
if [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null; then
	dirs="$dirs $SRCDIR/examples/openssh/"
	ssh=1
else
	skipped="$skipped; openssh: apt-get install openssh-server openssh-client"
fi
# (they run meanwhile: most of their time is waiting for timeouts)
if [ -n "$dirs" ]; then
	# postgres must reach its scratch folder in the run directory
	chmod 755 "$TMP"
	# shellcheck disable=SC2086
	"$UNPLUG" run $dirs --out "$TMP/servers" >"$TMP/servers.out" 2>"$TMP/servers.err" &
	servers=$!
	# a failure below stops it (SIGTERM: it tears its runs down) before
	# the temporary folder goes
	trap 'st=$?; kill "$servers" 2>/dev/null && wait "$servers"; rm -rf "$TMP"; exit $st' EXIT
fi

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
	grep -qE "^  [0-9]+ passed, 0 failed, 0 skipped(, [0-9]+ unsure)? in" "$out.log" || { cat "$out.log" >&2; fail "echo totals from $from"; }
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

if [ -z "$dirs" ]; then
	echo "ok: echo examples; SKIP${skipped#;}"
	exit 0
fi
wait "$servers" || unsure_only $? || { cat "$TMP/servers.out" "$TMP/servers.err" >&2; fail "the real servers' examples failed"; }
cat "$TMP/servers.out"
grep -qE '^  [0-9]+ passed, 0 failed, 0 skipped(, [0-9]+ unsure)? in' "$TMP/servers.out" || fail "the real servers' totals"
if [ -n "${pg:-}" ]; then
	# PostgreSQL ran as postgres, its cluster in the host's scratch folder
	# (ids are the files' names under each folder given)
	n=0
	for d in "$TMP/servers"/idle-keepalive* "$TMP/servers"/query-check-interval*; do
		[ "$(stat -c %U "$d/scratch/server/data/PG_VERSION")" = postgres ] || fail "$d: no cluster of postgres's"
		[ -s "$d/server.file.pg.log" ] || fail "$d: no copy of pg.log"
		n=$((n + 1))
	done
	[ "$n" -eq 4 ] || fail "PostgreSQL: $n runs, expected 4"
fi
if [ -n "${ssh:-}" ]; then
	# two programs per host: sshd and a service, ssh and an application
	t="$TMP/servers/tunnel"
	for f in server.sshd.stderr server.service.stdout client.tunnel.stderr client.app.stdout; do
		[ -s "$t/$f" ] || fail "tunnel: no $f"
	done
	grep -q 'got ping 1$' "$t/client.app.stdout" || fail "tunnel: the application's first echo"
fi
echo "ok: echo examples, and${dirs}${skipped:+; SKIP${skipped#;}}"
