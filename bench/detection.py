#!/usr/bin/env python3
"""How soon after the kernel saw it an endpoint reported it: for every EOF
and ECONNRESET a built-in peer reported in the run directories under DIR,
the time from the FIN or RST that caused it — the last one its host's
capture shows arriving before the report — to the report. p50 / p99 / max.
Usage: bench/detection.py RUN_ROOT   (a directory `unplug run --out` made)"""
import json
import os
import struct
import sys


def packets(path):
    """(t_ns, src, dst, flags) of every IPv4/IPv6 TCP segment in a pcap."""
    out = []
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    nano = magic == 0xA1B23C4D
    link = struct.unpack("<I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        t = sec * 10**9 + (frac if nano else frac * 1000)
        if link != 1 or len(frame) < 14:
            continue
        etype = struct.unpack(">H", frame[12:14])[0]
        ip = frame[14:]
        if etype == 0x0800 and len(ip) >= 20 and ip[9] == 6:
            tcp = ip[(ip[0] & 15) * 4:]
            src, dst = ip[12:16], ip[16:20]
        elif etype == 0x86DD and len(ip) >= 40 and ip[6] == 6:
            tcp = ip[40:]
            src, dst = ip[8:24], ip[24:40]
        else:
            continue
        if len(tcp) >= 14:
            out.append((t, src, dst, tcp[13]))
    return out


def addr(text):
    import ipaddress
    return ipaddress.ip_address(text).packed


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    deltas, slow = [], []
    for root, _, files in os.walk(sys.argv[1]):
        if "events.jsonl" not in files:
            continue
        events = [json.loads(l) for l in open(os.path.join(root, "events.jsonl"))]
        hosts = {e["host"]: e for e in events if e["event"] == "host"}
        for e in events:
            kind = e["event"]
            if kind == "eof":
                flag = 0x01
            elif kind == "error" and e.get("errno") == "ECONNRESET":
                flag = 0x04
            else:
                continue
            h = hosts.get(e.get("host"))
            if not h:
                continue
            cap = os.path.join(root, h["capture"])
            me = addr(h["addr"])
            seen = [p for p in packets(cap) if p[2] == me and p[3] & flag and p[0] <= e["t_ns"]]
            if seen:
                d = (e["t_ns"] - seen[-1][0]) / 1e6
                deltas.append(d)
                if d > 10:
                    slow.append("%s: %s %s %.1f ms after the segment" %
                                (os.path.relpath(root, sys.argv[1]), e["host"], kind, d))
    if not deltas:
        print("no EOF or ECONNRESET with its segment in the captures")
        return 1
    deltas.sort()
    n = len(deltas)
    print("report after the segment, over %d detections: p50 %.3f ms, p99 %.3f ms, max %.3f ms" %
          (n, deltas[(n - 1) // 2], deltas[min(n - 1, int(n * 0.99))], deltas[-1]))
    fast = [d for d in deltas if d <= 10]
    if fast and len(fast) < n:
        m = len(fast)
        print("  of them the %d within 10 ms: p50 %.3f ms, p99 %.3f ms, max %.3f ms" %
              (m, fast[(m - 1) // 2], fast[min(m - 1, int(m * 0.99))], fast[-1]))
    # a peer that is frozen, or probes only now and then, reports late on purpose
    for line in slow:
        print("  late by the scenario's design? " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
