# Shared by the scenario tests: where things are, and how to fail.
# UNPLUG and SRCDIR come from meson; both have defaults for running by hand.
set -eu
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${UNPLUG:=$SRCDIR/build/unplug}"
TMP=$(mktemp -d /tmp/unplug-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: needs root to create network namespaces"
		exit 77
	fi
}
