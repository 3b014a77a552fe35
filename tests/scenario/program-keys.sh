#!/bin/sh
# A program as it really runs (tests/scenario/programs/): two programs on
# one host, started in order, each ready before the next; one as nobody
# with its stdout a terminal (so its unflushed lines show at once); the
# host's scratch folder, owned by that user, kept in the run directory;
# a log file the program writes there watched by a detect; by: exit and
# log naming a program; observe: holding the run open. Then a program
# whose output is a pipe (its lines lost: the failure says why) and one
# that daemonizes (the error says so).
. "$(dirname "$0")/lib.sh"
need_root
[ -x /usr/bin/python3 ] || { echo "SKIP: needs /usr/bin/python3"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "SKIP: needs the user nobody"; exit 77; }

# nobody must reach its scratch folder in the run directory
chmod 755 "$TMP"
set +e
"$UNPLUG" run "$SRCDIR/tests/scenario/programs/" --out "$TMP/out" >"$TMP/stdout" 2>"$TMP/stderr"
status=$?
set -e
cat "$TMP/stdout"
[ "$status" -eq 1 ] || { cat "$TMP/stderr" >&2; fail "exit $status: expected 1 (buffered and leak fail, daemon cannot run)"; }
run="$TMP/out/as-run"
grep -q '^  PASS  as-run ' "$TMP/stdout" || fail "as-run did not pass"

# as whom, at what, in which order
grep -qE '^[0-9+]+ serving tty=True uid=[0-9]+$' "$run/server.app.stdout" || fail "app: not at a terminal"
grep -q " uid=$(id -u nobody)\$" "$run/server.app.stdout" || fail "app did not run as nobody"
grep -qE "^[0-9+]+ helper uid=0 dir=$run/scratch/server\$" "$run/server.helper.stdout" || fail "helper: identity or UNPLUG_SERVER_DIR"
[ "$(stat -c %U "$run/scratch/server")" = nobody ] || fail "the scratch folder is not nobody's"
[ "$(stat -c %U "$run/scratch/server/app.log")" = nobody ] || fail "app.log is not nobody's"
grep -qE '^[0-9+]+ client gone$' "$run/server.file.app.log" || fail "the log file's copy"
python3 - "$run/events.jsonl" <<'PY' || fail "events: order, programs, observe"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
def t(kind, prog=None):
    return next(e["t_ns"] for e in ev if e["event"] == kind and e.get("program") == prog)
# the helper starts only once app is ready
assert t("ready", "app") <= t("started", "helper"), "helper started before app was ready"
assert next(e for e in ev if e["event"] == "exited" and e.get("program") == "app")["status"] == 3
step = next(e["t_ns"] for e in ev if e["event"] == "step")
end = next(e["t_ns"] for e in ev if e["event"] == "run-end")
# observe: 2s — the run goes on at least 2 s after the close
assert end - step >= 2_000_000_000, "the run ended %.3f s after its last step" % ((end - step) / 1e9)
PY

# a pipe: the line is lost, and the failure says what to try
grep -q '^  FAIL  buffered .*it printed nothing — if it buffers its output, try tty: true' "$TMP/stdout" ||
	fail "buffered: no hint about buffering"
# a watched log file is the program user's own, reached through no link:
# nothing of /etc/passwd is copied for a program running as nobody
grep -q '^  FAIL  leak ' "$TMP/stdout" || fail "leak: a log file the program may not read was read"
if grep -q 'root:' "$TMP/out/leak"/server.file.* 2>/dev/null; then
	fail "leak: /etc/passwd was copied into the run directory"
fi
# a daemon: said plainly
grep -q '^  ERROR daemon .*sh exited with status 0 before it was ready; it printed nothing (a program that daemonizes' "$TMP/stdout" ||
	fail "daemon: no plain word about daemonizing"
echo "ok: programs run in order, as their user, at a terminal, with a scratch folder and a watched log file"
