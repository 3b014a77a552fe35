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

# What a run holds, to check that it lets go (tests that look only at what
# their own run created, never at machine-wide lists).
# netns_of PID...: the network namespaces they hold, as their own or as
# open fds
netns_of() {
	for p in "$@"; do
		readlink "/proc/$p/ns/net" 2>/dev/null || true
		ls -l "/proc/$p/fd" 2>/dev/null | grep -o 'net:\[[0-9]*\]' || true
	done | sort -u
}
# tree PID: it and every process below it
tree() {
	echo "$1"
	for c in $(pgrep -P "$1"); do
		tree "$c"
	done
}
# held_netns: every network namespace any process holds (processes come
# and go while we look: a vanished one is no error)
held_netns() {
	for p in /proc/[0-9]*; do
		readlink "$p/ns/net" 2>/dev/null || true
		ls -l "$p/fd" 2>/dev/null | grep -o 'net:\[[0-9]*\]' || true
	done | sort -u
}

# held_by_run NETNS_FILE PID...: the processes holding one of the network
# namespaces listed in NETNS_FILE that are the run's — one of PID..., or
# any unplug process started inside the test's own run directory (its
# children's command lines name it) — as "pid net:[inode]". A namespace's
# inode number is reused once it is freed: on a busy machine another
# run's new namespace may soon have it, and that is no leftover of ours.
held_by_run() {
	list=$1
	shift
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		case " $* " in
		*" $pid "*) ;;
		*) grep -qs "$TMP" "$p/cmdline" || continue ;;
		esac
		{ readlink "$p/ns/net" 2>/dev/null || true
		  ls -l "$p/fd" 2>/dev/null | grep -o 'net:\[[0-9]*\]' || true
		} | grep -xFf "$list" | sed "s/^/$pid /" || true
	done
}

# unsure_only STATUS: whether a run's exit status says that nothing failed
# but a scenario stayed unsure after its retries (4): on a busy machine
# unplug's own lateness can leave a measurement across a bound, which is
# no failure of the kernel or of unplug. A test that runs real scenarios
# to see them pass accepts it; one about verdicts themselves does not.
unsure_only() {
	[ "$1" -eq 4 ]
}
