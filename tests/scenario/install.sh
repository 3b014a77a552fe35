#!/bin/sh
# `meson install` puts everything where it belongs: the binary, both man
# pages (which render without a warning), the bash completion, README.md
# and docs/ (with docs/examples/), and the catalogue. Into a temporary
# DESTDIR, from the build tree as built (no root needed).
. "$(dirname "$0")/lib.sh"
: "${BUILDDIR:=$(dirname "$UNPLUG")}"
: "${MESON:=meson}"

command -v "$MESON" >/dev/null 2>&1 || fail "no meson to install with ($MESON)"
dest="$TMP/root"
"$MESON" install -C "$BUILDDIR" --destdir "$dest" --no-rebuild >"$TMP/install.out" 2>&1 ||
	{ cat "$TMP/install.out" >&2; fail "meson install exited $?"; }

# where this build installs: its own prefix, bindir, datadir and mandir
"$MESON" introspect "$BUILDDIR" --buildoptions >"$TMP/options.json" ||
	fail "meson introspect failed"
opt() {
	python3 -c 'import json, sys
for o in json.load(open(sys.argv[1])):
    if o["name"] == sys.argv[2]:
        print(o["value"])' "$TMP/options.json" "$1"
}
prefix=$(opt prefix)
[ -n "$prefix" ] || fail "no prefix in the build options"
under() { # an install dir option, made absolute under DESTDIR
	case $1 in
	/*) echo "$dest$1" ;;
	*) echo "$dest$prefix/$1" ;;
	esac
}
bindir=$(under "$(opt bindir)")
datadir=$(under "$(opt datadir)")
mandir=$(under "$(opt mandir)")

need_file() {
	[ -f "$1" ] || fail "not installed: ${1#"$dest"}"
	[ -s "$1" ] || fail "installed empty: ${1#"$dest"}"
}

need_file "$bindir/unplug"
[ -x "$bindir/unplug" ] || fail "${bindir#"$dest"}/unplug is not executable"
"$bindir/unplug" --version >"$TMP/version" 2>&1 || fail "the installed unplug does not run: $(cat "$TMP/version")"

need_file "$mandir/man1/unplug.1"
need_file "$mandir/man5/unplug-scenario.5"
need_file "$datadir/bash-completion/completions/unplug"
need_file "$datadir/doc/unplug/README.md"
need_file "$datadir/doc/unplug/ci.md"
need_file "$datadir/doc/unplug/scenario-format.md"
need_file "$datadir/doc/unplug/examples/github-actions.yml"
need_file "$datadir/doc/unplug/examples/gitlab-ci.yml"
need_file "$datadir/unplug/scenarios/keepalive/pulled-cable.yaml"
n=$(find "$datadir/unplug/scenarios" -name '*.yaml' | wc -l)
m=$(find "$SRCDIR/scenarios" -name '*.yaml' | wc -l)
[ "$n" -eq "$m" ] || fail "the catalogue has $m scenarios, $n were installed"

# the man pages render, with every warning on, and say nothing
rendered=""
for page in "$mandir/man1/unplug.1" "$mandir/man5/unplug-scenario.5"; do
	if command -v man >/dev/null 2>&1; then
		man --warnings -l "$page" >"$TMP/page.txt" 2>"$TMP/page.err" ||
			fail "man -l ${page#"$dest"} exited $?: $(cat "$TMP/page.err")"
	elif command -v groff >/dev/null 2>&1; then
		groff -man -Tutf8 -ww "$page" >"$TMP/page.txt" 2>"$TMP/page.err" ||
			fail "groff ${page#"$dest"} exited $?: $(cat "$TMP/page.err")"
	else
		echo "note: neither man nor groff is installed: the pages' rendering is not checked"
		break
	fi
	[ ! -s "$TMP/page.err" ] || { cat "$TMP/page.err" >&2; fail "${page#"$dest"} renders with warnings"; }
	grep -q 'EXIT STATUS\|EXPECTATIONS' "$TMP/page.txt" || fail "${page#"$dest"} rendered without its sections"
	rendered="$rendered ${page##*/}"
done

# the completion is valid bash and registers itself
if command -v bash >/dev/null 2>&1; then
	bash --norc --noprofile -c '. "$1" && complete -p unplug' sh \
		"$datadir/bash-completion/completions/unplug" >"$TMP/complete" 2>&1 ||
		fail "the completion does not load: $(cat "$TMP/complete")"
	grep -q 'complete -F _unplug unplug' "$TMP/complete" || fail "the completion does not register: $(cat "$TMP/complete")"
fi

echo "ok: installed under $prefix: bin/unplug ($(cat "$TMP/version")), man pages (rendered:${rendered:- not checked}), completion, docs, $n scenarios"
