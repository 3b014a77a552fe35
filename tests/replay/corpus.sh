#!/bin/sh
# The hostile run-directory corpus (tests/replay/hostile/, written by
# make_hostile.py): each replayed at once (10 s at most), exiting 0, 1, 2
# or 4 — never by a signal or a sanitizer — and saying its `expect`: the
# problem, with the file and line, or, for "judged", a verdict and no
# ERROR. .ci/run replays it with ASan and UBSan.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${UNPLUG:=$here/../../build/unplug}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0 n=0
for d in "$here"/hostile/*/; do
	d=${d%/}
	name=$(basename "$d")
	want=$(cat "$d/expect")
	n=$((n + 1))
	status=0
	timeout 10 "$UNPLUG" replay "$d" >"$tmp/out" 2>&1 || status=$?
	why=""
	case $status in
	0 | 1 | 2 | 4) ;;
	124) why="still reading after 10 s" ;;
	*) why="exit $status" ;;
	esac
	grep -qE 'Sanitizer|runtime error:' "$tmp/out" && why="${why:+$why; }a sanitizer report"
	if [ "$want" = judged ]; then
		grep -qE '^  (PASS|FAIL|UNSURE) ' "$tmp/out" || why="${why:+$why; }no verdict"
		grep -q '^  ERROR ' "$tmp/out" && why="${why:+$why; }not judged"
	else
		grep -qF -- "$want" "$tmp/out" || why="${why:+$why; }no \"$want\""
		[ "$status" -ne 0 ] || why="${why:+$why; }replayed as if nothing were wrong"
	fi
	if [ -n "$why" ]; then
		echo "FAIL: $name: $why"
		sed 's/^/    /' "$tmp/out" | head -20
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ] || { echo "$failed of $n hostile run directories"; exit 1; }
echo "ok: $n hostile run directories replayed, each refused with its reason or judged"
