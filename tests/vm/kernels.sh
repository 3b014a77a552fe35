#!/bin/sh
# unplug run --kernel: scenarios inside a virtual machine booting Debian
# 12's kernel (6.1), made by tools/kernel. netem exists there (it does not
# on this machine), netdev-family reject does not: the netem scenarios
# (delay, duplication, loss, corruption, reordering, rate) must pass, the reset scenario be skipped with that reason, and the results
# carry the kernel's release. Skipped, with the reason, without qemu or
# without a kernel made (tools/kernel debian-12 makes one).
set -eu
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${UNPLUG:=$SRCDIR/build/unplug}"
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no qemu-system-x86_64 (Debian's qemu-system-x86)"; exit 77; }
kdir=${UNPLUG_KERNEL:-$(ls -d "$SRCDIR"/build/kernels/*/ 2>/dev/null | head -n 1)}
[ -n "$kdir" ] && [ -f "$kdir/vmlinux" ] || { echo "SKIP: no kernel made (tools/kernel debian-12)"; exit 77; }
TMP=$(mktemp -d /tmp/unplug-vm.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
release=$(cat "$kdir/release")

status=0
"$UNPLUG" run --kernel "$kdir" -j 4 --out "$TMP/out" --json "$TMP/r.json" \
	"$SRCDIR/scenarios/faults/netem-delay.yaml" "$SRCDIR/scenarios/faults/netem-duplicate.yaml" \
	"$SRCDIR/scenarios/faults/netem-loss.yaml" "$SRCDIR/scenarios/faults/netem-corrupt.yaml" \
	"$SRCDIR/scenarios/faults/netem-reorder.yaml" "$SRCDIR/scenarios/faults/netem-rate.yaml" \
	"$SRCDIR/scenarios/faults/reset.yaml" \
	"$SRCDIR/scenarios/faults/close.yaml" "$SRCDIR/scenarios/faults/drop-acks.yaml" \
	>"$TMP/stdout" 2>&1 || status=$?
cat "$TMP/stdout"
[ "$status" -eq 0 ] || fail "run --kernel exited $status"
python3 - "$TMP/r.json" "$release" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = {s["id"]: s for s in d["scenarios"]}
assert all(s.get("kernel") == sys.argv[2] for s in v.values()), "a result without its kernel"
for n in ("netem-delay", "netem-duplicate", "netem-loss", "netem-corrupt", "netem-reorder",
          "netem-rate"):
    assert v[n]["verdict"] == "pass", v[n]
assert v["close"]["verdict"] == "pass" and v["drop-acks"]["verdict"] == "pass", (v["close"], v["drop-acks"])
assert v["reset"]["verdict"] == "skip" and "netdev-family reject" in v["reset"]["reason"], v["reset"]
PY
[ -s "$TMP/out/$release/netem-delay/captures/server.pcap" ] || fail "no run directory on the host"
"$UNPLUG" replay -q "$TMP/out/$release" >/dev/null || fail "the machine's run directories do not replay here"
echo "ok: under $release the netem scenarios pass, reset is skipped with the reason, results carry the kernel"
