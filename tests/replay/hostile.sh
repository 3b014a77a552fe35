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
# what git can hold (numbers out of range, a second host event, a NUL,
# broken captures...) is in the corpus: tests/replay/corpus.sh
echo "ok: FIFOs, links to /dev/zero and links out of a run directory are refused at once, named"
