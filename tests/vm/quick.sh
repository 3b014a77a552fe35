#!/bin/sh
# unplug run --kernel, the part CI runs at every stop: Debian 12's kernel
# (6.1) booted in a virtual machine made by tools/kernel, on the scenarios
# that differ from this machine's kernel — every netem scenario must pass
# there (this machine has no sch_netem), the netdev-family reject
# scenarios must be skipped with the reason, and the SYN backoff is judged
# by its 6.5 condition. Every result carries the guest's release and its
# run directories replay on the host. The whole catalogue under both
# kernels is the vm suite (kernels.sh), run before resolving an issue.
. "$(dirname "$0")/lib.sh"
sc="$SRCDIR/scenarios"

status=0
"$UNPLUG" run -j 4 --kernel "$kdir" --out "$TMP/out" --json "$TMP/r.json" "$sc/netem/" \
	"$sc/middleboxes/reset.yaml" "$sc/middleboxes/unreachable-ipv6.yaml" "$sc/connect/syn-retries.yaml" \
	>"$TMP/stdout" 2>&1 || status=$?
cat "$TMP/stdout"
[ "$status" -eq 0 ] || fail "run --kernel $release exited $status"
python3 - "$TMP/r.json" "$release" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
guest = sys.argv[2]
# an id is the file's name, or its path under a folder given
by = {s["id"].split("/")[-1]: s for s in d["scenarios"]}
assert all(s.get("kernel") == guest for s in by.values()), "a result without the guest's kernel"
netem = sorted(i for i in by if i.split("/")[-1].startswith("netem-"))
assert len(netem) >= 8, netem
for i in netem:
    assert by[i]["verdict"] == "pass", (i, by[i]["verdict"], by[i].get("reason"))
for i in ("reset", "unreachable-ipv6"):
    s = by[i]
    assert s["verdict"] == "skip" and "netdev-family reject" in s["reason"], (i, s)
ex = by["syn-retries"]["expectations"]
assert all(e["verdict"] == "pass" for e in ex if e.get("kernel_condition") == "< 6.5"), ex
assert all(e["verdict"] == "skip" for e in ex if e.get("kernel_condition") == ">= 6.5"), ex
print(f"under {guest}: {len(netem)} netem scenarios passed, reject skipped, the SYN backoff judged as 6.1's")
PY
[ -s "$(find "$TMP/out" -path '*netem-delay/captures/server.pcap' | head -n 1)" ] || fail "no run directory on the host"
"$UNPLUG" replay -q "$TMP/out" >/dev/null || fail "the machine's run directories do not replay here"
echo "ok: netem passes under $release, reject is skipped with the reason, the runs replay here"
