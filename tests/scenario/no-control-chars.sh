#!/bin/sh
# Control characters from input never reach a terminal or a report raw
# (issue 23, item 9): a scenario whose file name, name and matrix value
# hold ESC and CR, and a program that prints them, with a failing
# expectation that quotes its line. What run, list and validate print,
# and the JUnit report, hold them only as \xHH; the JSON report only as
# JSON escapes.
. "$(dirname "$0")/lib.sh"
need_root
esc=$(printf '\033')
cr=$(printf '\r')
dir="$TMP/sc${esc}[2J"
mkdir "$dir"
f="$dir/evil${cr}.yaml"
cat >"$f" <<'EOT'
name: "evil\e[2K\rPASS  everything"
matrix: { v: ["a\e[31mred", "b"] }
server:
  exec: [/usr/bin/python3, -c, "import socket, time; s = socket.socket(); s.bind(('', 7000)); s.listen(); c = s.accept(); print('gone\\x1b[2K\\rPASS  all fine', flush=True); time.sleep(30)"]
  listen: 7000
client:
  connect: server:7000
expect:
  - detect: { host: server, by: { log: "^gone" }, within: 0s..1ms }
  - no-detect: { host: client, for: 300ms, when: { v: "a\e[31mred" } }
EOT
status=0
"$UNPLUG" run --out "$TMP/out" --junit "$TMP/r.xml" --json "$TMP/r.json" "$f" >"$TMP/stdout" 2>&1 || status=$?
[ "$status" -ne 0 ] || fail "the failing expectation passed"
cat "$TMP/stdout"
"$UNPLUG" list "$dir" >>"$TMP/stdout" 2>&1 || true
"$UNPLUG" validate "$f" >>"$TMP/stdout" 2>&1 || true
grep -q "$esc" "$TMP/stdout" && fail "an ESC reached the terminal"
grep -q "$cr" "$TMP/stdout" && fail "a CR reached the terminal"
grep -qF 'gone\x1b[2K\x0dPASS  all fine' "$TMP/stdout" || fail "the program's line is not shown escaped"
grep -q "$esc" "$TMP/r.xml" && fail "an ESC in the JUnit report"
grep -q "$cr" "$TMP/r.xml" && fail "a CR in the JUnit report"
python3 - "$TMP/r.json" <<'PY' || fail "the JSON report"
import json, sys
raw = open(sys.argv[1], "rb").read()
assert b"\x1b" not in raw and b"\r" not in raw, "raw control characters in the JSON"
d = json.load(open(sys.argv[1]))
assert any("\x1b" in s["name"] for s in d["scenarios"]), "the name lost its ESC (JSON keeps it, escaped)"
PY
echo "ok: ESC and CR from a file's name, a scenario, a matrix value and a program's output are shown escaped everywhere"
