#!/bin/sh
# unplug run --kernel: the whole catalogue as a matrix of two kernels —
# this machine's own (--kernel host) and Debian 12's (6.1), booted in a
# virtual machine made by tools/kernel. Nothing may fail under either.
# netem exists under 6.1 (not on this machine): every netem scenario must
# pass there; netdev-family reject does not (Debian leaves it out): the
# reset and unreachable scenarios must be skipped with that reason. Every
# result carries its kernel's release, the table shows both columns, and
# the machine's run directories replay on the host. Skipped, with the
# reason, without qemu or without a kernel made (tools/kernel debian-12).
. "$(dirname "$0")/lib.sh"
here=$(uname -r)

status=0
# the sweeps (48 runs of 11 s each) are left out: under emulation they
# would cost CI minutes, and what they measure is rates, not a kernel's
# windows; docs/kernels.md says how to run them in a machine
"$UNPLUG" run -j 4 --kernel host --kernel "$kdir" --out "$TMP/out" --json "$TMP/r.json" \
	-k '!*-sweep' "$SRCDIR/scenarios" >"$TMP/stdout" 2>&1 || status=$?
cat "$TMP/stdout"
[ "$status" -eq 0 ] || fail "run --kernel host --kernel $release exited $status"
grep -q "^  scenario  *$here  *$release" "$TMP/stdout" || fail "no table with both kernels' columns"
python3 - "$TMP/r.json" "$here" "$release" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
here, guest = sys.argv[2], sys.argv[3]
by = {}
for s in d["scenarios"]:
    assert s.get("kernel") in (here, guest), ("a result without its kernel", s["id"])
    by[(s["id"], s["kernel"])] = s
ids = {i for i, _ in by}
for k in (here, guest):
    assert all((i, k) in by for i in ids), f"{k}: not every scenario ran"
for (i, k), s in by.items():
    assert s["verdict"] in ("pass", "skip"), (k, i, s["verdict"], s.get("reason"))
    if s["verdict"] == "skip":
        assert s.get("reason"), (k, i, "skipped without a reason")
netem = sorted(i for i in ids if i.split("/")[-1].startswith("netem-"))
assert len(netem) >= 8, netem
for i in netem:
    assert by[(i, guest)]["verdict"] == "pass", (i, by[(i, guest)])
reject = [i for i in ids if i.split("/")[-1] in ("reset", "reset-ipv6", "unreachable", "unreachable-ipv6")]
assert len(reject) == 4, reject
for i in reject:
    s = by[(i, guest)]
    assert s["verdict"] == "skip" and "netdev-family reject" in s["reason"], (i, s)
# one file, each kernel's truth: the SYN backoff changed in 6.5
syn = [i for i in ids if i.endswith("syn-retries")]
assert len(syn) == 1, syn
def since_6_5(release):
    major, minor = (int(x) for x in release.split(".")[:2])
    return (major, minor) >= (6, 5)
for k in (guest, here):
    judged, skipped = (">= 6.5", "< 6.5") if since_6_5(k) else ("< 6.5", ">= 6.5")
    ex = by[(syn[0], k)]["expectations"]
    cond = lambda e: e.get("kernel_condition")
    assert all(e["verdict"] == "pass" for e in ex if cond(e) == judged), (k, ex)
    assert all(e["verdict"] == "skip" and e["outcome"] == "other-kernel"
               for e in ex if cond(e) == skipped), (k, ex)
skipped = sorted(i for i in ids if by[(i, guest)]["verdict"] == "skip")
print(f"{len(ids)} scenarios; under {guest}: {len(ids) - len(skipped)} passed, skipped {skipped}")
PY
[ -s "$TMP/out/$release/netem/netem-delay/captures/server.pcap" ] || fail "no run directory on the host"
"$UNPLUG" replay -q "$TMP/out/$release" >/dev/null || fail "the machine's run directories do not replay here"
echo "ok: the catalogue under $here and $release: nothing failed, netem passes under $release, reject is skipped with the reason"
