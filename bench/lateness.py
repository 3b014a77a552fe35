#!/usr/bin/env python3
"""How late unplug's own stamps were, from run directories alone: each
step's lateness (late_ns: how late the runner set about it) and how long
it took to take effect (t_ns - requested_ns), and how far apart the socket
samples were past their period (a socket change's t_ns - after_ns, less
the scenario's sample period, 10 ms unless it says).

Usage: lateness.py DIR...   (run roots or run directories; walked)
Prints one line per measure: n, p50, p99, max, in ms.
"""
import json
import os
import sys


def events(root):
    for d, _, files in os.walk(root):
        if "events.jsonl" in files:
            yield os.path.join(d, "events.jsonl")


def pct(v, p):
    if not v:
        return float("nan")
    v = sorted(v)
    return v[max(0, min(len(v) - 1, (len(v) * p + 99) // 100 - 1))]


late, took, gaps = [], [], []
for root in sys.argv[1:]:
    for path in events(root):
        for line in open(path):
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("event") == "step":
                late.append(e.get("late_ns", 0) / 1e6)
                if e.get("requested_ns"):
                    took.append((e["t_ns"] - e["requested_ns"]) / 1e6)
            elif e.get("event") in ("socket", "socket-gone") and e.get("after_ns"):
                gaps.append(max(0.0, (e["t_ns"] - e["after_ns"]) / 1e6 - 10))
for name, v in (("step late", late), ("step took", took), ("sample late", gaps)):
    print(f"{name:12s} n {len(v):6d}  p50 {pct(v, 50):8.2f} ms  p99 {pct(v, 99):8.2f} ms  max {max(v) if v else float('nan'):8.2f} ms")
