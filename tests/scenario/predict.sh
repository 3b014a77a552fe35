#!/bin/sh
# unplug predict against the real kernel: each model's prediction for a
# catalogue scenario's parameters, moved to the scenario's reference, must
# match the detection the scenario measured within one RTO (a second for
# the connect model, whose timeouts start at a second). The offsets are
# the scenarios' own timelines, each said below and in their about: texts.
. "$(dirname "$0")/lib.sh"
need_root

"$UNPLUG" run -j 4 -q --out "$TMP/run" --json "$TMP/r.json" \
	"$SRCDIR/scenarios/keepalive/pulled-cable.yaml" \
	"$SRCDIR/scenarios/silence/sysctl-retries.yaml" \
	"$SRCDIR/scenarios/middleboxes/nat-expire-drop.yaml" \
	"$SRCDIR/scenarios/connect/syn-retries.yaml" >"$TMP/out" 2>&1 || unsure_only $? ||
	{ cat "$TMP/out"; fail "the model scenarios did not pass"; }
"$UNPLUG" predict --json --keepalive 2s,1s,3 >"$TMP/keepalive.json"
"$UNPLUG" predict --json --retries2 2 >"$TMP/retries2.json"
"$UNPLUG" predict --json --model retransmit --user-timeout 2s >"$TMP/user-timeout.json"
"$UNPLUG" predict --json --syn-retries 3 >"$TMP/connect.json"
"$UNPLUG" predict --retries2 x >/dev/null 2>&1 && fail "predict took --retries2 x"
"$UNPLUG" predict --keepalive 2s,1s >/dev/null 2>&1 && fail "predict took a keepalive without a count"

python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
runs = {s["id"].split("/")[-1]: s for s in json.load(open(tmp + "/r.json"))["scenarios"]}

def measured(sid):
    for e in runs[sid]["expectations"]:
        # an unsure one (a busy machine) still measured the kernel
        if e["kind"] == "detect" and e["verdict"] in ("pass", "unsure"):
            return e["measured_ns"]
    raise SystemExit(f"FAIL: {sid}: no detection measured")

def model(name):
    return json.load(open(f"{tmp}/{name}.json"))["models"][0]

ms = 1_000_000
checks = [
    # keepalive from the last segment received (establishment); the
    # cable is pulled 500 ms later
    ("pulled-cable", model("keepalive"), -500 * ms, 200 * ms),
    # from the first unacknowledged segment: the traffic's next send,
    # 100 ms after the blackhole (every 200 ms from establishment, the
    # blackhole at 500 ms)
    ("sysctl-retries", model("retries2"), 100 * ms, None),
    # from the send step itself: the segment leaves as it is made
    ("nat-expire-drop", model("user-timeout"), 0, None),
    # from the first SYN, which leaves once the drop is in place
    ("syn-retries", model("connect"), 0, 1000 * ms),
]
for sid, m, offset, tolerance in checks:
    want = m["give_up_ns"] + offset
    got = measured(sid)
    tol = tolerance or m["rto_ns"]
    status = "ok" if abs(got - want) <= tol else "FAIL"
    print(f"{status}: {sid}: {m['model']} predicts {want / 1e9:.3f} s, the kernel took {got / 1e9:.3f} s"
          f" (within {tol / 1e9:.3f} s)")
    if status != "ok":
        raise SystemExit(1)
PY
echo "ok: predict matches the kernel within one RTO on every model scenario"
