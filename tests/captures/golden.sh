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
