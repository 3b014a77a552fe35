#!/usr/bin/env python3
"""Compare `unplug explain --segments` with tshark's TCP analysis, frame by frame.

usage: compare_tshark.py PCAP... [--unplug PATH] [-q]

For each capture, tshark (its TCP sequence analysis on, relative sequence
numbers, no user preferences) and `unplug explain --segments` each say, for
every TCP segment, which of these it is:

    syn fin rst retransmission keepalive keepalive-ack zero-window-probe
    duplicate-ack

tshark's names map to ours: tcp.flags.syn/fin/reset -> syn/fin/rst;
tcp.analysis.retransmission, .fast_retransmission and
.spurious_retransmission -> retransmission (ours: "re-sends sequence space
already sent", whatever the reason); .keep_alive -> keepalive;
.keep_alive_ack -> keepalive-ack; .zero_window_probe -> zero-window-probe;
.duplicate_ack -> duplicate-ack.

Every frame where the two disagree is printed:

    PCAP frame N: unplug says X, tshark says Y [documented: NAME]

A disagreement is covered by a documented difference (DIFFERENCES, below)
when the flags only one tool set are exactly the ones the difference names
and its rule holds for the frame. Exit status: 0 when every disagreement is
documented, 1 when one is not, 2 when a tool failed or the input is bad.
A frame only one tool lists is an undocumented disagreement.
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile

# The documented differences: where the two tools disagree and both are
# right by their own definitions. Each names exactly the flags only unplug
# sets and only tshark sets on the frame (it covers nothing else), a rule
# the frame and what came before it in its connection must meet (cap is
# the Capture, f the Frame, both below), and why. Nothing goes here to
# make a wrong classification pass: a frame our classifier gets wrong by
# its own definitions (captures/tcp_track.c) and RFC 9293 is a bug to fix.
DIFFERENCES = [
    dict(
        name="unacked-one-byte-resend",
        only_unplug={"retransmission"}, only_tshark={"keepalive"},
        rule=lambda cap, f: (
            f.len == 1 and no_syn_fin_rst(f) and cap.sent_before(f) and
            (cap.peer_highest_ack(f) is None or
             seq_le(cap.peer_highest_ack(f), f.seq))),
        reason="A 1-byte segment at the highest sequence end - 1 whose byte "
               "the capture saw sent before and the peer never acknowledged "
               "(its highest ACK so far is at or below the byte). Wireshark's "
               "keep-alive test is the shape alone (0 or 1 byte at nextseq - 1) "
               "and it skips the retransmission test for a keep-alive; but a "
               "keepalive probe carries a sequence number the peer has already "
               "acknowledged (RFC 9293 §3.8.4), so a byte never acknowledged "
               "is the lost byte re-sent (§3.8.1): a retransmission."),
    dict(
        name="linux-zero-window-probe",
        only_unplug={"zero-window-probe"}, only_tshark={"keepalive"},
        rule=lambda cap, f: (
            f.len == 0 and no_syn_fin_rst(f) and cap.peer_last_window(f) == 0),
        reason="A segment with no payload at the highest sequence end - 1 "
               "while the peer's last advertised window is 0. Wireshark knows "
               "only the probe that carries one new byte at the next sequence "
               "number; Linux probes a closed window (RFC 9293 §3.8.6.1) from "
               "tcp_send_probe0() -> tcp_write_wakeup() -> tcp_xmit_probe_skb(): "
               "no payload at snd_una - 1, the keepalive shape, which Wireshark "
               "then calls a keep-alive."),
    dict(
        name="out-of-order-guess",
        only_unplug={"retransmission"}, only_tshark=set(),
        rule=lambda cap, f: (
            f.out_of_order and f.span > 0 and cap.highest_end(f) is not None and
            seq_lt(f.seq, cap.highest_end(f))),
        reason="A segment starting below the highest sequence end its direction "
               "had sent, which Wireshark marks out-of-order (tcp.analysis."
               "out_of_order) because it came within one round-trip time (3 ms "
               "before the first RTT is known) of the highest segment. Its "
               "sequence space was sent before: a retransmission by our "
               "definition, whether the capture saw the first copy (a fast "
               "or SACK-driven re-send right after new data) or not (the copy "
               "was lost before the capture point, so this one fills the hole "
               "Wireshark marks 'previous segment not captured'). Wireshark's "
               "guess is about network reordering; ours is about the sender."),
    dict(
        name="keepalive-ack-window-update",
        only_unplug={"keepalive-ack"}, only_tshark=set(),
        rule=lambda cap, f: (
            pure_ack(f) and cap.peer_latest(f) is not None and
            "keepalive" in cap.peer_latest(f).tshark and
            cap.own_previous(f) is not None and
            (cap.own_previous(f).window != f.window or
             cap.own_previous(f).ack != f.ack)),
        reason="A pure ACK answering a keepalive probe (the other direction's "
               "latest segment) that does not repeat its sender's previous "
               "window and acknowledgement exactly: commonly the first answer "
               "after the handshake, whose window is no longer the SYN's "
               "unscaled one. Wireshark's keep-alive ACK must repeat both (it "
               "calls this one a window update); ours is any pure ACK that "
               "answers a probe."),
    dict(
        name="old-ack-repeated",
        only_unplug=set(), only_tshark={"duplicate-ack"},
        rule=lambda cap, f: (
            pure_ack(f) and cap.own_previous(f) is not None and
            cap.own_previous(f).ack == f.ack and
            cap.own_highest_ack(f) is not None and
            seq_lt(f.ack, cap.own_highest_ack(f))),
        reason="A pure ACK that repeats its direction's previous ACK, but below "
               "the highest acknowledgement that direction already sent: old "
               "ACKs arriving late (reordered, or queued while a link was "
               "down). Wireshark compares with the previous ACK only; RFC 5681 "
               "§2 (d) counts an ACK as a duplicate only when its number equals "
               "the greatest acknowledgement received, and so do we (a late, "
               "older ACK repeats nothing the sender can act on)."),
    dict(
        name="highest-ack-after-late-ack",
        only_unplug={"duplicate-ack"}, only_tshark=set(),
        rule=lambda cap, f: (
            pure_ack(f) and cap.own_previous(f) is not None and
            cap.own_highest_ack(f) is not None and f.ack == cap.own_highest_ack(f) and
            seq_lt(cap.own_previous(f).ack, f.ack)),
        reason="The mirror of old-ack-repeated: a pure ACK repeating the highest "
               "acknowledgement its direction sent, right after a late, older "
               "ACK. Wireshark compares with that late ACK and sees no repeat; "
               "by RFC 5681 §2 (d) it equals the greatest acknowledgement, with "
               "the same window and nothing new: a duplicate."),
]


COMPARED = ["syn", "fin", "rst", "retransmission", "keepalive", "keepalive-ack",
            "zero-window-probe", "duplicate-ack"]
# Everything `unplug explain --segments` may print for a segment.
UNPLUG_FLAGS = set(COMPARED) | {"data", "pure-ack"}

# tshark field -> our flag. The first column must be frame.number.
TSHARK_FLAG_FIELDS = [
    ("tcp.flags.syn", "syn"),
    ("tcp.flags.fin", "fin"),
    ("tcp.flags.reset", "rst"),
    ("tcp.analysis.retransmission", "retransmission"),
    ("tcp.analysis.fast_retransmission", "retransmission"),
    ("tcp.analysis.spurious_retransmission", "retransmission"),
    ("tcp.analysis.keep_alive", "keepalive"),
    ("tcp.analysis.keep_alive_ack", "keepalive-ack"),
    ("tcp.analysis.zero_window_probe", "zero-window-probe"),
    ("tcp.analysis.duplicate_ack", "duplicate-ack"),
]
# What the documented differences' rules look at besides the flags: the
# connection (tshark's stream index), the direction, the raw sequence and
# acknowledgement numbers, the payload length, the window as on the wire.
TSHARK_EXTRA_FIELDS = ["tcp.stream", "ip.src", "ipv6.src", "tcp.srcport",
                       "tcp.seq_raw", "tcp.ack_raw", "tcp.flags.ack", "tcp.len",
                       "tcp.window_size_value", "tcp.analysis.out_of_order"]
TSHARK_PREFS = ["tcp.analyze_sequence_numbers:TRUE",
                "tcp.relative_sequence_numbers:TRUE"]
# A TCP header quoted by an ICMP error is not a segment of the capture
# (tshark dissects it, and would report the quoted header's fields).
TSHARK_FILTER = "tcp && !icmp && !icmpv6"


def seq_lt(a, b):
    """RFC 9293 §3.4 serial comparison of 32-bit sequence numbers: a < b."""
    return 0 < ((b - a) & 0xFFFFFFFF) < 0x80000000


def seq_le(a, b):
    return a == b or seq_lt(a, b)


class Frame:
    """One TCP segment as tshark dissected it, with both tools' flags."""

    def __init__(self, number, tshark, stream, src, sport, seq, ack, has_ack,
                 length, window, out_of_order):
        self.number = number
        self.tshark = tshark        # our names, COMPARED only
        self.unplug = None          # set of our names; None: not listed
        self.stream = stream
        self.sender = (src, sport)
        self.seq = seq
        self.ack = ack if has_ack else None
        self.len = length
        self.window = window
        self.out_of_order = out_of_order
        self.span = length + ("syn" in tshark) + ("fin" in tshark)


class Capture:
    """The frames of one capture, in order, and what came before a frame:
    the neighbours the documented differences' rules may look at."""

    def __init__(self, path, frames):
        self.path = path
        self.frames = frames
        self.index = {f.number: i for i, f in enumerate(frames)}

    def _before(self, f):
        """Earlier frames of f's connection, latest first: (same direction?, frame)."""
        for i in range(self.index[f.number] - 1, -1, -1):
            g = self.frames[i]
            if g.stream == f.stream:
                yield g.sender == f.sender, g

    def sent_before(self, f):
        """Whether an earlier segment in f's direction carried f's first
        sequence number: f re-sends what the capture saw sent."""
        return any(same and g.span and "rst" not in g.tshark and
                   seq_le(g.seq, f.seq) and seq_lt(f.seq, g.seq + g.span)
                   for same, g in self._before(f))

    def peer_highest_ack(self, f):
        """The highest acknowledgement the other direction sent before f, or None."""
        best = None
        for same, g in self._before(f):
            if not same and g.ack is not None and "rst" not in g.tshark and \
                    (best is None or seq_lt(best, g.ack)):
                best = g.ack
        return best

    def peer_last_window(self, f):
        """The window the other direction last advertised before f (not in a
        RST: its window means nothing), or None."""
        for same, g in self._before(f):
            if not same and "rst" not in g.tshark:
                return g.window
        return None

    def highest_end(self, f):
        """The highest sequence end f's direction sent before f, or None."""
        best = None
        for same, g in self._before(f):
            if same and "rst" not in g.tshark:
                end = (g.seq + g.span) & 0xFFFFFFFF
                if best is None or seq_lt(best, end):
                    best = end
        return best

    def own_highest_ack(self, f):
        """The highest acknowledgement f's direction sent before f, or None."""
        best = None
        for same, g in self._before(f):
            if same and g.ack is not None and "rst" not in g.tshark and \
                    (best is None or seq_lt(best, g.ack)):
                best = g.ack
        return best

    def peer_latest(self, f):
        """The other direction's latest segment before f, or None."""
        for same, g in self._before(f):
            if not same:
                return g
        return None

    def own_previous(self, f):
        """f's direction's previous segment, or None."""
        for same, g in self._before(f):
            if same:
                return g
        return None


def no_syn_fin_rst(f):
    return not ({"syn", "fin", "rst"} & (f.tshark | f.unplug))


def pure_ack(f):
    return f.len == 0 and f.ack is not None and no_syn_fin_rst(f)


class Difference:
    def __init__(self, name, only_unplug, only_tshark, rule, reason):
        self.name = name
        self.only_unplug = frozenset(only_unplug)
        self.only_tshark = frozenset(only_tshark)
        self.rule = rule
        self.reason = reason

    def covers(self, cap, f):
        """Whether this difference is what frame f's disagreement is."""
        return (f.unplug - f.tshark == self.only_unplug and
                f.tshark - f.unplug == self.only_tshark and
                bool(self.rule(cap, f)))


DIFFS = [Difference(**d) for d in DIFFERENCES]


def tshark_flag(value):
    """A tshark field's value as a flag: booleans print 1/0 (4.0) or
    True/False (4.2+); FT_NONE analysis fields print something when present."""
    v = value.strip()
    return v not in ("", "0", "False", "false")


def run_tshark(tshark, path, confdir):
    fields = ["frame.number"] + [f for f, _ in TSHARK_FLAG_FIELDS] + TSHARK_EXTRA_FIELDS
    cmd = [tshark, "-n", "-r", path, "-Y", TSHARK_FILTER, "-T", "fields",
           "-E", "separator=/t", "-E", "occurrence=f"]
    for p in TSHARK_PREFS:
        cmd += ["-o", p]
    for f in fields:
        cmd += ["-e", f]
    env = dict(os.environ, WIRESHARK_CONFIG_DIR=confdir)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, env=env)
    if r.returncode != 0:
        raise RuntimeError("tshark failed on %s (exit %d): %s" %
                           (path, r.returncode, r.stderr.strip()))
    frames = []
    nflags = len(TSHARK_FLAG_FIELDS)
    for line in r.stdout.splitlines():
        col = line.split("\t")
        if len(col) != len(fields):
            raise RuntimeError("%s: tshark printed %d fields, not %d: %r" %
                               (path, len(col), len(fields), line))
        flags = {name for (_, name), v in zip(TSHARK_FLAG_FIELDS, col[1:1 + nflags])
                 if tshark_flag(v)}
        (stream, ip4, ip6, sport, seq, ack, has_ack, length, window,
         ooo) = col[1 + nflags:]
        frames.append(Frame(int(col[0]), flags, int(stream), ip4 or ip6, int(sport),
                            int(seq), int(ack), tshark_flag(has_ack), int(length or 0),
                            int(window), tshark_flag(ooo)))
    return frames


def run_unplug(unplug, path):
    r = subprocess.run([unplug, "explain", "--segments", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if r.returncode != 0:
        raise RuntimeError("%s explain --segments %s failed (exit %d): %s" %
                           (unplug, path, r.returncode, r.stderr.strip()))
    segs = collections.OrderedDict()
    headers = 0
    for line in r.stdout.splitlines():
        if not line.strip():
            continue
        if line.startswith("# "):
            headers += 1
            continue
        parts = line.split()
        if len(parts) != 2 or not parts[0].isdigit():
            raise RuntimeError("%s: unplug printed an unexpected line: %r" % (path, line))
        flags = set() if parts[1] == "-" else set(parts[1].split(","))
        unknown = flags - UNPLUG_FLAGS
        if unknown:
            raise RuntimeError("%s frame %s: unknown flag(s) %s" %
                               (path, parts[0], ",".join(sorted(unknown))))
        n = int(parts[0])
        if n in segs:
            raise RuntimeError("%s: unplug lists frame %d twice" % (path, n))
        segs[n] = flags
    if headers != 1:
        raise RuntimeError("%s: unplug printed %d '# PATH' lines, not 1" % (path, headers))
    return segs


def names(flags):
    return ",".join(f for f in COMPARED if f in flags) or "-"


class Totals:
    def __init__(self):
        self.captures = 0
        self.frames = 0
        self.agree = collections.Counter()        # flag -> frames agreeing
        self.both = collections.Counter()         # flag -> frames both set it
        self.tool_only = collections.Counter()    # flag -> frames they differ
        self.documented = collections.Counter()   # difference name -> frames
        self.undocumented = 0
        self.unlisted = 0


def compare(path, tshark_frames, unplug_segs, totals, quiet):
    cap = Capture(path, tshark_frames)
    out = []
    for f in cap.frames:
        if f.number not in unplug_segs:
            out.append((f.number, "%s frame %d: unplug does not list it, tshark says %s" %
                        (path, f.number, names(f.tshark))))
            totals.unlisted += 1
            totals.undocumented += 1
            continue
        f.unplug = unplug_segs[f.number] & set(COMPARED)
    for n in unplug_segs:
        if n not in cap.index:
            out.append((n, "%s frame %d: unplug says %s, tshark has no TCP segment there" %
                        (path, n, names(unplug_segs[n]))))
            totals.unlisted += 1
            totals.undocumented += 1
    for f in cap.frames:
        if f.unplug is None:
            continue
        totals.frames += 1
        for flag in COMPARED:
            u, t = flag in f.unplug, flag in f.tshark
            if u == t:
                totals.agree[flag] += 1
                totals.both[flag] += u
            else:
                totals.tool_only[flag] += 1
        if f.unplug == f.tshark:
            continue
        line = "%s frame %d: unplug says %s, tshark says %s" % (
            path, f.number, names(f.unplug), names(f.tshark))
        for d in DIFFS:
            if d.covers(cap, f):
                totals.documented[d.name] += 1
                if not quiet:
                    out.append((f.number, line + " [documented: %s]" % d.name))
                break
        else:
            totals.undocumented += 1
            out.append((f.number, line))
    totals.captures += 1
    return [line for _, line in sorted(out)]


def default_unplug():
    if os.environ.get("UNPLUG"):
        return os.environ["UNPLUG"]
    built = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                         "build", "unplug")
    if os.access(built, os.X_OK):
        return os.path.normpath(built)
    return shutil.which("unplug") or "unplug"


def main():
    ap = argparse.ArgumentParser(
        description="Compare `unplug explain --segments` with tshark's TCP analysis.")
    ap.add_argument("pcaps", nargs="*", metavar="PCAP")
    ap.add_argument("--unplug", default=None,
                    help="the unplug binary (default: $UNPLUG, build/unplug, PATH)")
    ap.add_argument("--tshark", default=shutil.which("tshark") or "tshark")
    ap.add_argument("-q", "--quiet", action="store_true",
                    help="do not print the disagreements that are documented")
    ap.add_argument("--differences", action="store_true",
                    help="print the documented differences, with their reasons, and exit")
    args = ap.parse_args()
    if args.differences:
        for d in DIFFS:
            print("%s: only unplug says %s, only tshark says %s\n  %s\n" % (
                d.name, names(d.only_unplug), names(d.only_tshark), d.reason))
        return 0
    if not args.pcaps:
        ap.error("no PCAP")
    unplug = args.unplug or default_unplug()

    totals = Totals()
    with tempfile.TemporaryDirectory(prefix="compare-tshark.") as confdir:
        for path in args.pcaps:
            try:
                tf = run_tshark(args.tshark, path, confdir)
                us = run_unplug(unplug, path)
            except (RuntimeError, OSError) as e:
                print("compare_tshark: %s" % e, file=sys.stderr)
                return 2
            for line in compare(path, tf, us, totals, args.quiet):
                print(line)

    print("summary: %d capture(s), %d frames compared" % (totals.captures, totals.frames))
    for flag in COMPARED:
        print("  %-18s %6d agree (%d set by both), %d differ" %
              (flag, totals.agree[flag], totals.both[flag], totals.tool_only[flag]))
    for d in DIFFS:
        print("  documented %-28s %d frame(s)" % (d.name, totals.documented[d.name]))
    print("  undocumented disagreements %d%s" % (
        totals.undocumented,
        " (%d frame(s) listed by one tool only)" % totals.unlisted if totals.unlisted else ""))
    return 1 if totals.undocumented else 0


if __name__ == "__main__":
    sys.exit(main())
