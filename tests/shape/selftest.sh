#!/bin/sh
# check_deps.py must fail on a tree that breaks each of its rules, and pass
# on one that keeps them: the shape check is itself checked.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tree() { # tree NAME FILE INCLUDE...: a fresh tree whose FILE includes each INCLUDE
	t=$tmp/$1 f=$2
	shift 2
	rm -rf "$t"
	mkdir -p "$t/common" "$t/netns" "$t/harness/model" "$t/harness/run" "$t/reports"
	echo '#include "common/diag.h"' >"$t/common/diag.h"
	for inc in "$@"; do echo "#include \"$inc\"" >>"$t/$f"; done
}

expect() { # expect STATUS NAME
	if python3 "$here/check_deps.py" "$tmp/$2" >"$tmp/out" 2>&1; then got=0; else got=$?; fi
	if [ "$got" -ne "$1" ]; then
		echo "selftest: $2: check_deps exited $got, expected $1" >&2
		cat "$tmp/out" >&2
		exit 1
	fi
	echo "ok: $2 (exit $got)"
}

tree good harness/run/runner.c harness/model/scenario.h netns/topo.h common/diag.h
expect 0 good
tree netns-includes-harness netns/topo.c harness/model/scenario.h
expect 1 netns-includes-harness
tree common-includes-netns common/clock.c netns/netns.h
expect 1 common-includes-netns
tree reports-includes-harness reports/result.c harness/run/events.h
expect 1 reports-includes-harness
tree mutual harness/run/runner.c harness/model/scenario.h
echo '#include "harness/run/runner.h"' >"$tmp/mutual/harness/model/scenario.c"
expect 1 mutual
