#!/usr/bin/env python3
"""Write tests/replay/hostile/: run directories made by somebody else, one
per way a run directory can lie — numbers out of range, a repeated host
event, a NUL, broken JSON, captures that are truncated, oversized, of
another link type or of garbage, a scenario that is not the run's, a bad
matrix file. Each is the keepalive-pulled fixture with one thing changed,
and holds `expect`: a piece of what replay must say (or "judged" when the
run directory is sound enough to be judged, and must be, without a crash).
tests/replay/corpus.sh replays them all; .ci/run does it under ASan and
UBSan. What git cannot hold (FIFOs, links to devices) is made at test
time by tests/replay/hostile.sh.

Usage: make_hostile.py   (rewrites tests/replay/hostile/ from the fixture)
"""
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FX = os.path.join(HERE, "..", "fixtures", "judge", "keepalive-pulled")
OUT = os.path.join(HERE, "hostile")
T0 = "1795347281762965117"	# line 2's t_ns


def make(name, expect):
    d = os.path.join(OUT, name)
    shutil.copytree(FX, d)
    with open(os.path.join(d, "expect"), "w") as f:
        f.write(expect + "\n")
    return d


def events(d, fn):
    p = os.path.join(d, "events.jsonl")
    lines = open(p, "rb").read().split(b"\n")
    lines = fn(lines)
    open(p, "wb").write(b"\n".join(lines))


def line_edit(n, old, new):
    def fn(lines):
        assert old in lines[n - 1], (n, old, lines[n - 1])
        lines[n - 1] = lines[n - 1].replace(old, new)
        return lines
    return fn


def first_line(d, needle):
    lines = open(os.path.join(d, "events.jsonl"), "rb").read().split(b"\n")
    return next(i + 1 for i, l in enumerate(lines) if needle in l)


def pcap(d, host, fn):
    p = os.path.join(d, "captures", host + ".pcap")
    b = bytearray(open(p, "rb").read())
    b = fn(b)
    open(p, "wb").write(bytes(b))


def records(b):
    """(offset, incl_len) of each record of a classic pcap."""
    off = 24
    while off + 16 <= len(b):
        incl = struct.unpack_from("<I", b, off + 8)[0]
        yield off, incl
        off += 16 + incl


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    # events.jsonl: numbers
    for name, key, val, want in [
        ("t-ns-max", b'"t_ns":' + T0.encode(), b'"t_ns":9223372036854775807', "bad t_ns"),
        ("t-ns-negative", b'"t_ns":' + T0.encode(), b'"t_ns":-1', "bad t_ns"),
        ("t-ns-float", b'"t_ns":' + T0.encode(), b'"t_ns":1.5e300', "bad t_ns"),
        ("t-ns-string", b'"t_ns":' + T0.encode(), b'"t_ns":"soon"', "bad t_ns"),
    ]:
        d = make("events-" + name, "events.jsonl:2: not an unplug event: " + want)
        events(d, line_edit(2, key, val))
    d = make("events-step-2-32", "not an unplug event: bad step")
    n = first_line(d, b'"event":"step"')
    events(d, line_edit(n, b'"step":0', b'"step":4294967296'))
    d = make("events-step-negative", "not an unplug event: bad step")
    events(d, line_edit(n, b'"step":0', b'"step":-2'))
    d = make("events-lag-negative", "events.jsonl:2: not an unplug event: bad lag_ns")
    events(d, line_edit(2, b"}", b',"lag_ns":-5}'))
    d = make("events-bytes-string", "events.jsonl:2: not an unplug event: bad bytes")
    events(d, line_edit(2, b"}", b',"bytes":"many"}'))
    d = make("events-bytes-huge", "events.jsonl:2: not an unplug event: bad bytes")
    events(d, line_edit(2, b"}", b',"bytes":99999999999999999999999}'))
    # events.jsonl: structure
    d = make("events-second-host", "bad host: a second host event for it")
    events(d, line_edit(2, b'"event":"topology-ready"',
                        b'"event":"host","host":"server","addr":"198.18.0.2","capture":"captures/server.pcap"'))
    d = make("events-nul", "events.jsonl:2: not an unplug event")
    events(d, line_edit(2, b"}", b'}\0{"t_ns":1}'))
    d = make("events-truncated-json", "events.jsonl:2: not an unplug event")
    events(d, line_edit(2, b'"event":"topology-ready"}', b'"event":"topo'))
    d = make("events-deep-json", "events.jsonl:2: not an unplug event")
    events(d, line_edit(2, b'"event":"topology-ready"}', b'"event":' + b"[" * 5000 + b"]" * 5000 + b"}"))
    d = make("events-unknown-host", "events.jsonl")
    n = first_line(d, b'"event":"host","host":"client"')
    events(d, line_edit(n, b'"host":"client"', b'"host":"mallory"'))
    d = make("events-capture-outside", "outside the run directory")
    events(d, line_edit(n, b'"captures/client.pcap"', b'"../../../../etc/passwd"'))
    d = make("events-empty", "nothing to judge")
    open(os.path.join(d, "events.jsonl"), "w").close()
    # captures
    d = make("pcap-empty", "captures/server.pcap")
    pcap(d, "server", lambda b: b"")
    d = make("pcap-bad-magic", "captures/server.pcap")
    pcap(d, "server", lambda b: b"\x00\x01\x02\x03" + b[4:])
    d = make("pcap-header-only", "judged")
    pcap(d, "server", lambda b: b[:24])

    def cut(b):
        off, incl = list(records(b))[-1]
        return b[:off + 16 + incl // 2]
    d = make("pcap-truncated-record", "captures/server.pcap")
    pcap(d, "server", cut)

    def huge(b):
        off, _ = list(records(b))[1]
        struct.pack_into("<II", b, off + 8, 0xFFFFFFFF, 0xFFFFFFFF)
        return b
    d = make("pcap-caplen-huge", "captures/server.pcap")
    pcap(d, "server", huge)

    def linktype(b):
        struct.pack_into("<I", b, 20, 147)	# LINKTYPE_USER0
        return b
    d = make("pcap-linktype-user", "captures/server.pcap")
    pcap(d, "server", linktype)

    def backwards(b):
        recs = list(records(b))
        for i, (off, _) in enumerate(recs):
            struct.pack_into("<I", b, off, 2000000000 - i)
        return b
    d = make("pcap-time-backwards", "judged")
    pcap(d, "server", backwards)

    def garbage(b):
        for off, incl in records(b):
            for k in range(14, incl):		# every frame's IP and TCP bytes
                b[off + 16 + k] = (b[off + 16 + k] * 7 + k) & 0xFF
        return b
    d = make("pcap-garbage-frames", "judged")
    pcap(d, "server", garbage)

    def bad_offsets(b):
        for off, incl in records(b):
            if incl >= 14 + 20 + 13:
                b[off + 16 + 14] = 0x4F		# IPv4, IHL 15 (60 bytes)
                b[off + 16 + 14 + 20 + 12] = 0xF0	# TCP data offset 15
        return b
    d = make("pcap-header-lengths", "judged")
    pcap(d, "server", bad_offsets)
    # the scenario and the matrix file
    d = make("scenario-other-steps", "judge it against a scenario with the run's steps")
    p = os.path.join(d, "scenario.yaml")
    s = open(p).read().replace("cable-pull", "nic-down", 1)
    open(p, "w").write(s)
    d = make("scenario-not-yaml", "scenario.yaml")
    open(os.path.join(d, "scenario.yaml"), "w").write("name: [unclosed\n  : : :\n")
    d = make("matrix-bad-label", "matrix")
    open(os.path.join(d, "matrix"), "w").write("a=\\q,=,,\n")
    d = make("matrix-not-a-sweep", "matrix")
    open(os.path.join(d, "matrix"), "w").write("loss=20\n")
    print("wrote %d run directories to %s" % (len(os.listdir(OUT)), OUT))


if __name__ == "__main__":
    sys.exit(main())
