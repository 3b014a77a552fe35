#!/bin/sh
# How fast `unplug explain` reads a big capture, against two references:
#  - tshark extracting the same per-segment facts (retransmissions, fast
#    retransmissions, keep-alives and their ACKs, zero window probes,
#    duplicate ACKs, FIN, RST) for every TCP frame;
#  - a bare libpcap loop over the frames (bench/pcap_loop.c): the floor,
#    opened by libpcap itself (stdio reads 4 KiB at a time), and again
#    through a 1 MiB stdio buffer, as unplug's reader opens it.
# The capture is synthetic (bench/gen_capture.c): ~1.27 M frames per GB,
# a few hundred TCP connections interleaved at any time, every kind of
# ending. Each tool runs three times, interleaved (A B C A B C A B C);
# wall time and max RSS of every run, the worst of three, and
#  - "× faster than tshark": tshark's worst time / unplug's worst time;
#  - "of the bare loop's speed": the loop's best time / unplug's worst,
#    for each of the two loops.
# Until the explain command exists, its runs are skipped and said so.
#
# Usage: bench/explain.sh [SIZE_MB]   (default 1100, i.e. 1.1 GB)
# Needs cc, libpcap's headers, tshark and python3 or GNU time; SIZE_MB of
# free disk under $TMPDIR (default /tmp), removed at exit; tshark needs a
# few GB of memory for a 1 GB capture. UNPLUG=path overrides the binary.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${UNPLUG:=$here/../build/unplug}"
size=${1:-1100}
case $size in
'' | *[!0-9]*) echo "usage: bench/explain.sh [SIZE_MB]" >&2; exit 2 ;;
esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/unplug-explain.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

command -v tshark >/dev/null || { echo "explain.sh: needs tshark" >&2; exit 1; }
free_kb=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
if [ "$free_kb" -lt $((size * 1000 + 50000)) ]; then
	echo "explain.sh: $size MB capture, but only $((free_kb / 1000)) MB free in $tmp" >&2
	exit 1
fi

cc -O2 -o "$tmp/gen_capture" "$here/gen_capture.c"
cc -O2 -o "$tmp/pcap_loop" "$here/pcap_loop.c" -lpcap

# measure FILE CMD...: wall seconds and max RSS (KiB) of CMD into FILE;
# CMD's output is thrown away, its errors kept in FILE.err
if /usr/bin/time -f '%e %M' true >/dev/null 2>&1; then
	# %e counts hundredths: the wall time is taken around it instead
	measure() {
		out=$1
		shift
		t0=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$out.rss" "$@" >/dev/null 2>"$out.err" ||
			{ mrc=$?; t1=$(date +%s%N); mrc_out "$out" "$t0" "$t1"; return "$mrc"; }
		t1=$(date +%s%N)
		mrc_out "$out" "$t0" "$t1"
	}
	mrc_out() {
		echo "$(( ($3 - $2) / 1000000 )) $(tail -n 1 "$1.rss")" |
			awk '{ printf "%.3f %d\n", $1 / 1000, $2 }' >"$1"
	}
else
	measure() {
		out=$1
		shift
		python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
with open(sys.argv[2], "w") as err:
    rc = subprocess.call(sys.argv[3:], stdout=subprocess.DEVNULL, stderr=err)
t = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[1], "w").write("%.3f %d\n" % (t, rss))
sys.exit(rc)' "$out" "$out.err" "$@"
	}
fi

cap=$tmp/capture.pcap
echo "generating a $size MB capture in $tmp ..."
"$tmp/gen_capture" --truth "$tmp/truth.csv" "$cap" "$size" >"$tmp/gen.txt"
cat "$tmp/gen.txt"
# written back and read once, so that every run of every tool reads it
# from the page cache: the runs differ by what the tools do, not the disk
sync
cat "$cap" >/dev/null
frames=$(sed -n '1s/.*bytes, \([0-9]*\) frames.*/\1/p' "$tmp/gen.txt")
conns=$(sed -n '1s/.*frames, \([0-9]*\) TCP.*/\1/p' "$tmp/gen.txt")
bytes=$(wc -c <"$cap" | tr -d ' ')

# explain exits 2 with 'unknown command' until it is written
have_unplug=1
if [ ! -x "$UNPLUG" ]; then
	have_unplug=0
	why="$UNPLUG is not built"
elif ! "$UNPLUG" explain --help >/dev/null 2>"$tmp/probe" &&
	grep -q 'unknown command' "$tmp/probe"; then
	have_unplug=0
	why="$UNPLUG has no explain command yet"
fi
[ "$have_unplug" = 1 ] || echo "skipping unplug explain: $why"

run_one() { # run_one TOOL RUN
	case $1 in
	unplug) set -- "$1" "$2" "$UNPLUG" explain --json "$cap" ;;
	tshark) set -- "$1" "$2" tshark -n -r "$cap" -Y tcp -T fields \
		-e frame.number -e tcp.analysis.retransmission \
		-e tcp.analysis.fast_retransmission -e tcp.analysis.keep_alive \
		-e tcp.analysis.keep_alive_ack \
		-e tcp.analysis.zero_window_probe \
		-e tcp.analysis.duplicate_ack -e tcp.flags.fin -e tcp.flags.reset ;;
	loop) set -- "$1" "$2" "$tmp/pcap_loop" "$cap" ;;
	loop1m) set -- "$1" "$2" "$tmp/pcap_loop" --buffer 1048576 "$cap" ;;
	esac
	tool=$1 run=$2
	shift 2
	if measure "$tmp/m" "$@"; then
		rc=0
	else
		rc=$?
		echo "  $tool run $run exited with $rc:" >&2
		grep -v 'Running as user' "$tmp/m.err" | head -n 3 >&2 || true
	fi
	echo "$tool $run $(tail -n 1 "$tmp/m") $rc" >>"$tmp/results"
	echo "  $tool run $run: $(tail -n 1 "$tmp/m" | awk '{ printf "%s s, %d MB", $1, $2 / 1024 }')"
}

: >"$tmp/results"
for run in 1 2 3; do
	[ "$have_unplug" = 0 ] || run_one unplug "$run"
	run_one tshark "$run"
	run_one loop "$run"
	run_one loop1m "$run"
done

if [ "$have_unplug" = 1 ] && "$UNPLUG" explain --json "$cap" >"$tmp/explain.json" 2>/dev/null; then
	python3 "$here/truth_check.py" "$tmp/explain.json" "$tmp/truth.csv"
fi

echo
awk -v mb="$size" -v bytes="$bytes" -v frames="$frames" -v conns="$conns" \
    -v have="$have_unplug" '
{
	t[$1, $2] = $3; rss[$1] = $4 > rss[$1] ? $4 : rss[$1]
	if ($5 != 0) failed[$1] = 1
	if (!($1 in worst) || $3 > worst[$1]) worst[$1] = $3
	if (!($1 in best) || $3 < best[$1]) best[$1] = $3
}
function row(tool, label) {
	if (!(tool in worst)) {
		printf "%-24s %s\n", label, "not run"
		return
	}
	printf "%-24s %8.3f %8.3f %8.3f %8.3f %9d%s\n", label, t[tool, 1],
	       t[tool, 2], t[tool, 3], worst[tool], rss[tool] / 1024,
	       failed[tool] ? "  (a run failed)" : ""
}
END {
	printf "capture: %d MB (%d bytes), %d frames, %d TCP connections\n\n",
	       mb, bytes, frames, conns
	printf "%-24s %8s %8s %8s %8s %9s\n", "seconds", "run 1", "run 2",
	       "run 3", "worst", "RSS MB"
	row("unplug", "unplug explain --json")
	row("tshark", "tshark -T fields")
	row("loop", "bare libpcap loop")
	row("loop1m", "bare loop, 1 MiB buffer")
	print ""
	if (have == 1 && failed["unplug"]) {
		print "unplug explain: a run failed (errors above), so no ratios"
	} else if (have == 1 && worst["unplug"] > 0) {
		printf "unplug explain: %.1f× faster than tshark (worst of three each)\n",
		       worst["tshark"] / worst["unplug"]
		printf "unplug explain: %.2f of the bare loop'\''s speed (loop best %.3f s / unplug worst %.3f s)\n",
		       best["loop"] / worst["unplug"], best["loop"], worst["unplug"]
		if (best["loop1m"] > 0)
			printf "unplug explain: %.2f of the same loop'\''s speed with unplug'\''s 1 MiB buffer (%.3f s)\n",
			       best["loop1m"] / worst["unplug"], best["loop1m"]
		printf "unplug explain: %.0f frames/s, %.0f MB/s (worst run)\n",
		       frames / worst["unplug"], bytes / 1e6 / worst["unplug"]
	} else {
		print "unplug explain: not measured, so no ratios"
	}
	if (worst["tshark"] > 0)
		printf "tshark: %.0f frames/s (worst run)\n", frames / worst["tshark"]
	if (best["loop"] > 0)
		printf "bare loop: %.0f frames/s, %.0f MB/s (best run)\n",
		       frames / best["loop"], bytes / 1e6 / best["loop"]
}' "$tmp/results"
