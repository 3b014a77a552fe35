#!/bin/sh
# A program that is not there is refused before anything runs (exit 2, by
# validate too); one that cannot be started, exits before it is ready, or
# is never ready fails its scenario (ERROR, exit 1) with a message that
# names the program, its exit status, and the last lines of its output.
. "$(dirname "$0")/lib.sh"
need_root

scenario() { # scenario NAME EXEC-LIST [EXTRA-SERVER-LINE]
	extra=${3:-}
	cat >"$TMP/$1.yaml" <<-EOT
	name: $1
	server:
	  exec: $2
	  listen: 7000
	  $extra
	client:
	  connect: server:7000
	expect:
	  - no-detect: { host: client, for: 1s }
	EOT
}

run() { # run NAME: unplug's output in $TMP/NAME.out, its status echoed
	status=0
	"$UNPLUG" run "$TMP/$1.yaml" --out "$TMP/out" >"$TMP/$1.out" 2>&1 || status=$?
	echo "$status"
}

expect_error() { # expect_error NAME TEXT...
	name=$1
	shift
	[ "$(run "$name")" -eq 1 ] || { cat "$TMP/$name.out" >&2; fail "$name: expected exit 1"; }
	grep -q "^  ERROR $name " "$TMP/$name.out" || { cat "$TMP/$name.out" >&2; fail "$name: no ERROR line"; }
	for text in "$@"; do
		grep -qF -- "$text" "$TMP/$name.out" || { cat "$TMP/$name.out" >&2; fail "$name: no \"$text\""; }
	done
}

# one that is not there is found before anything is built, by validate
# and run alike: exit 2, its position
scenario missing '[./no-such-server]'
[ "$(run missing)" -eq 2 ] || { cat "$TMP/missing.out" >&2; fail "missing: run: expected exit 2"; }
grep -q 'missing.yaml:3:[0-9]*: server: program not found: "./no-such-server"' "$TMP/missing.out" ||
	{ cat "$TMP/missing.out" >&2; fail "missing: run: no position"; }
[ ! -e "$TMP/out" ] || fail "missing: run made its run root"
status=0
"$UNPLUG" validate "$TMP/missing.yaml" >"$TMP/missing.val" 2>&1 || status=$?
[ "$status" -eq 2 ] && grep -q 'program not found: "./no-such-server"' "$TMP/missing.val" ||
	{ cat "$TMP/missing.val" >&2; fail "missing: validate did not find it out"; }

scenario early '[sh, -c, "echo starting up; echo config is broken >&2; exit 3"]'
expect_error early "sh exited with status 3 before it was ready" "starting up" "config is broken"

scenario never '[sh, -c, "echo I listen on nothing; exec sleep 30"]' 'ready: { timeout: 1s }'
expect_error never "was not ready: no listener on port 7000" "I listen on nothing"

scenario killed '[sh, -c, "kill -9 $$"]'
expect_error killed "killed by SIGKILL before it was ready"
echo "ok: a program that cannot start, exits early or is never ready fails its scenario, saying why"
