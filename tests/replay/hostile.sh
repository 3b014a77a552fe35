#!/bin/sh
# replay on run directories made by somebody else (issue 23, item 5): a
# capture, events.jsonl, a program's log or the matrix file that is a
# FIFO, a link to /dev/zero, a link out of the run directory, or a
# capture folder that is a link — each is refused with the file named, at
# once (every replay here has 10 s, and none may hang or read without
# end), and nothing outside the run directory is read.
. "$(dirname "$0")/../scenario/lib.sh"
fx="$SRCDIR/tests/fixtures/judge/keepalive-pulled"

# replay DIR WANT: exits 1 or 2 at once, saying WANT about the file
replay_refuses() {
	status=0
	timeout 10 "$UNPLUG" replay "$1" >"$TMP/out" 2>&1 || status=$?
	[ "$status" -ne 124 ] || fail "$1: replay still reading after 10 s"
	[ "$status" -ne 0 ] || { cat "$TMP/out"; fail "$1: replayed as if nothing were wrong"; }
	grep -qF -- "$2" "$TMP/out" || { cat "$TMP/out"; fail "$1: no \"$2\""; }
}
copy() {	# NAME: a fresh copy of the fixture
	rm -rf "${TMP:?}/$1"
	cp -r "$fx" "$TMP/$1"
	echo "$TMP/$1"
}

d=$(copy fifo-capture)
rm "$d/captures/server.pcap" && mkfifo "$d/captures/server.pcap"
replay_refuses "$d" "captures/server.pcap: not a regular file"

d=$(copy zero-capture)
rm "$d/captures/server.pcap" && ln -s /dev/zero "$d/captures/server.pcap"
replay_refuses "$d" "captures/server.pcap: a symbolic link, or outside the run directory"

d=$(copy linked-folder)
mv "$d/captures" "$TMP/elsewhere" && ln -s "$TMP/elsewhere" "$d/captures"
replay_refuses "$d" "a symbolic link, or outside the run directory"

# (a folder whose events.jsonl is no file is no run directory at all)
d=$(copy fifo-events)
rm "$d/events.jsonl" && mkfifo "$d/events.jsonl"
replay_refuses "$d" "no run directory in it"

d=$(copy zero-events)
rm "$d/events.jsonl" && ln -s /dev/zero "$d/events.jsonl"
replay_refuses "$d" "no run directory in it"

d=$(copy fifo-matrix)
mkfifo "$d/matrix"
replay_refuses "$d" "matrix: cannot read"

# a program's log: the fixture's scenario runs none, so one that does
d=$(copy zero-log)
python3 - "$d/scenario.yaml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
# the server becomes a program, seen to notice by a line of its output
start = s.index("server:")
end = s.index("\nclient:")
s = s[:start] + "server:\n  exec: [./srv]\n  listen: 7000" + s[end:]
s = s[:s.index("expect:")] + 'expect:\n  - detect: { host: server, by: { log: "gone" }, within: 10s }\n'
open(p, "w").write(s)
PY
ln -s /dev/zero "$d/server.stdout"
replay_refuses "$d" "server.stdout: a symbolic link"
rm "$d/server.stdout" && mkfifo "$d/server.stdout"
replay_refuses "$d" "server.stdout: not a regular file"
# events.jsonl from elsewhere (items 6 and 7): every number in its range,
# one host event per host, no NUL inside a line — refused with the line
# and the key, never judged (a t_ns near 2^63 overflowed the judge's
# arithmetic, a step of 2^32 became step 0, a second host event read the
# capture again)
edit() {	# NAME LINE PYTHON-EXPRESSION-OF-l: line LINE of events.jsonl replaced
	d=$(copy "$1")
	python3 - "$d/events.jsonl" "$2" "$3" <<'PY'
import sys
p, n, expr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(p, "rb").read().split(b"\n")
l = lines[n - 1].decode()
lines[n - 1] = eval(expr).encode() if isinstance(eval(expr), str) else eval(expr)
open(p, "wb").write(b"\n".join(lines))
PY
}
edit huge-t 2 'l.replace("1795347281762965117", "9223372036854775807")'
replay_refuses "$d" "events.jsonl:2: not an unplug event: bad t_ns"
edit step-2-32 "$(grep -n '"event":"step"' "$fx/events.jsonl" | head -n 1 | cut -d: -f1)" 'l.replace("\"step\":0", "\"step\":4294967296")'
replay_refuses "$d" "not an unplug event: bad step"
edit negative-lag 2 'l.replace("}", ",\"lag_ns\":-5}")'
replay_refuses "$d" "events.jsonl:2: not an unplug event: bad lag_ns"
edit string-bytes 2 'l.replace("}", ",\"bytes\":\"many\"}")'
replay_refuses "$d" "events.jsonl:2: not an unplug event: bad bytes"
edit second-host 2 '"{\"t_ns\":1795347281762965117,\"event\":\"host\",\"host\":\"server\",\"addr\":\"198.18.0.2\",\"capture\":\"captures/server.pcap\"}"'
replay_refuses "$d" "events.jsonl:4: not an unplug event: bad host: a second host event for it"
edit nul 2 'l.encode().replace(b"}", b"}\0{\"t_ns\":1}")'
replay_refuses "$d" "events.jsonl:2: not an unplug event"
echo "ok: FIFOs, links to /dev/zero and links out of a run directory, numbers out of range, a second host event and a NUL are refused at once, named"
