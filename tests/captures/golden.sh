#!/bin/sh
# unplug explain on public captures no one here wrote (tests/captures/
# public/, README.md there says where each comes from), against the
# expected outputs of TESTLIST. Usage: golden.sh [--update]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${UNPLUG:=$here/../../build/unplug}"
update=${1:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0 n=0
cd "$here/public"
grep -v '^#' "$here/TESTLIST" | while read -r name capture opts; do
	[ -n "$name" ] || continue
	[ "$opts" = - ] && opts=""
	# shellcheck disable=SC2086
	"$UNPLUG" explain $opts "$capture" >"$tmp/$name.out" 2>&1 || echo "exit status $?" >>"$tmp/$name.out"
	if [ "$update" = --update ]; then
		cp "$tmp/$name.out" "$here/expected/$name.out"
	elif ! diff -u "$here/expected/$name.out" "$tmp/$name.out"; then
		echo "FAIL: $name"
		echo x >>"$tmp/failed"
	fi
	echo x >>"$tmp/count"
done
n=$(wc -l <"$tmp/count")
[ -f "$tmp/failed" ] && failed=$(wc -l <"$tmp/failed")
[ "$failed" -eq 0 ] || { echo "$failed of $n golden outputs differ"; exit 1; }
echo "ok: $n golden outputs"

# Damaged captures: cut short, explained up to the cut with a warning
# naming the frame and byte; not a capture, an error; never a crash.
[ "$update" = --update ] && exit 0
head -c 700 dns_tcp.pcap >"$tmp/cut.pcap"
"$UNPLUG" explain "$tmp/cut.pcap" >"$tmp/cut.out" 2>"$tmp/cut.err" || { cat "$tmp/cut.err"; echo "FAIL: a cut capture is an error"; exit 1; }
grep -q "frame 6 at byte 464: truncated dump file" "$tmp/cut.err" || { cat "$tmp/cut.err"; echo "FAIL: no warning with the frame and byte"; exit 1; }
grep -q "1 connection (0 fin, 0 rst, 0 timeout, 0 keepalive-timeout, 1 open) in 5 frames" "$tmp/cut.out" || { cat "$tmp/cut.out"; echo "FAIL: what came before the cut is not explained"; exit 1; }
"$UNPLUG" explain --json "$tmp/cut.pcap" 2>/dev/null | python3 -c 'import json,sys; w=json.load(sys.stdin)["captures"][0]["warning"]; assert "frame 6 at byte 464" in w, w'
head -c 100 of13_ericsson.pcapng >"$tmp/cut.pcapng"
"$UNPLUG" explain "$tmp/cut.pcapng" >/dev/null 2>"$tmp/cutng.err" && status=0 || status=$?
[ "$status" -le 2 ] || { echo "FAIL: a cut pcapng exited $status"; exit 1; }
printf 'not a capture at all, just some text that goes on for a while\n' >"$tmp/text.pcap"
for bad in "$tmp/text.pcap" "$tmp/missing.pcap" "$tmp"; do
	status=0
	"$UNPLUG" explain "$bad" >/dev/null 2>"$tmp/bad.err" || status=$?
	[ "$status" -eq 2 ] || { echo "FAIL: explain $bad exited $status, not 2"; exit 1; }
	grep -q "$bad: cannot read capture: " "$tmp/bad.err" || { cat "$tmp/bad.err"; echo "FAIL: no clear error for $bad"; exit 1; }
done
echo "ok: damaged captures"
