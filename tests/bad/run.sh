#!/bin/sh
# The malformed-scenario corpus (tests/bad/cases, written from cases.py by
# make_cases.py): `validate` and `run` of each exit 2 with exactly the
# messages of expected/NAME.err ({FILE} standing for the file's path),
# print nothing on stdout, and create nothing (no --out directory). Then
# the inputs that cannot be files in git: a FIFO, a directory named .yaml,
# a device, a file over the size limit; and a big sweep, checked in
# bounded time and memory. No root needed: nothing runs.
# Usage: run.sh [--update]   (rewrites expected/ from the current build)
# BAD_VALIDATE_ONLY=1: validate only (.ci/run's sanitizer build, where the
# plain build has checked run already).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${UNPLUG:=$here/../../build/unplug}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0 n=0

check() {	# NAME PATH EXPECTED-FILE
	name=$1 path=$2 want=$3
	for cmd in validate ${BAD_VALIDATE_ONLY:+skip} run; do
		[ "$cmd" = skip ] && break
		status=0
		if [ "$cmd" = run ]; then
			"$UNPLUG" run "$path" --out "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
		else
			timeout 20 "$UNPLUG" validate "$path" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
		fi
		sed "s|^$path|{FILE}|" "$tmp/stderr" >"$tmp/got"
		if [ "$cmd" = validate ] && [ "${update:-}" = 1 ]; then
			cp "$tmp/got" "$want"
		fi
		why=""
		[ "$status" -eq 2 ] || why="exit status $status, not 2"
		[ -s "$tmp/stdout" ] && why="${why:+$why; }printed on stdout: $(head -c 200 "$tmp/stdout")"
		[ -e "$tmp/out" ] && why="${why:+$why; }created $tmp/out"
		# run adds its own lines (none today); validate's must match exactly
		if [ "$cmd" = validate ] && ! cmp -s "$want" "$tmp/got"; then
			why="${why:+$why; }messages differ:
$(diff -u "$want" "$tmp/got" | tail -n +3)"
		elif [ "$cmd" = run ] && ! grep -qxFf "$want" "$tmp/got"; then
			why="${why:+$why; }run does not give validate's messages"
		fi
		rm -rf "$tmp/out"
		if [ -n "$why" ]; then
			echo "FAIL: $cmd $name: $why"
			failed=$((failed + 1))
		fi
	done
	n=$((n + 1))
}

[ "${1:-}" = --update ] && update=1
for f in "$here"/cases/*.yaml; do
	name=$(basename "$f" .yaml)
	check "$name" "$f" "$here/expected/$name.err"
done

# what git cannot hold
mkfifo "$tmp/fifo.yaml"
echo '{FILE}: not a regular file (a FIFO): a scenario is a YAML file' >"$tmp/fifo.err"
check fifo "$tmp/fifo.yaml" "$tmp/fifo.err"
ln -s /dev/zero "$tmp/device.yaml"
echo '{FILE}: not a regular file (a device): a scenario is a YAML file' >"$tmp/device.err"
check device "$tmp/device.yaml" "$tmp/device.err"
head -c 1100000 /dev/zero | tr '\0' '#' >"$tmp/huge.yaml"
echo '{FILE}: 1100000 bytes: a scenario is at most 1048576 bytes' >"$tmp/huge.err"
check too-big "$tmp/huge.yaml" "$tmp/huge.err"
# a big file times many combinations is no error: it is parsed once and
# its combinations share one copy (it took 28.7 s and 530 MB, then was
# refused). Checked in bounded time, and in bounded memory where the
# build is not instrumented (ASan's shadow memory is no measure).
{
	printf 'name: t\nmatrix:\n  a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\n'
	printf '  b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]\nabout: >\n'
	head -c 1000000 /dev/zero | tr '\0' 'x' | fold -w 200 | sed 's/^/  /'
	echo
	printf 'server: { listen: 7000 }\nclient: { connect: server:7000 }\n'
	printf 'steps: [ { at: "${a}00ms", action: { close: client } } ]\n'
	printf 'expect: [ { no-detect: { host: client, for: "${b}s" } } ]\n'
} >"$tmp/sweep.yaml"
status=0
measure=""
[ -x /usr/bin/time ] && measure="/usr/bin/time -f %M -o $tmp/rss"
timeout 20 $measure "$UNPLUG" validate "$tmp/sweep.yaml" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
n=$((n + 1))
if [ "$status" -ne 0 ] || ! grep -q 'a sweep of 256 combinations' "$tmp/stdout"; then
	echo "FAIL: a 1 MB sweep of 256 combinations: exit $status: $(head -3 "$tmp/stderr")"
	failed=$((failed + 1))
elif [ -s "$tmp/rss" ] && ! nm -D "$UNPLUG" 2>/dev/null | grep -q __asan_init &&
	[ "$(tail -1 "$tmp/rss")" -gt 100000 ]; then
	echo "FAIL: a 1 MB sweep of 256 combinations took $(tail -1 "$tmp/rss") KB to validate (at most 100 MB)"
	failed=$((failed + 1))
fi
printf 'name: t\n' >"$tmp/gone.yaml"
rm "$tmp/gone.yaml"
echo '{FILE}: No such file or directory' >"$tmp/gone.err"
check missing "$tmp/gone.yaml" "$tmp/gone.err"

[ "$failed" -eq 0 ] || { echo "$failed of $((n * 2)) checks failed"; exit 1; }
what="validate and run"
[ -n "${BAD_VALIDATE_ONLY:-}" ] && what="validate (run not checked: BAD_VALIDATE_ONLY)"
echo "ok: $n malformed inputs, each refused by $what with its exact messages, nothing created"
