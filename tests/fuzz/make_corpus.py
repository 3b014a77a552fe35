#!/usr/bin/env python3
"""Write the crafted part of the fuzz seed corpus (tests/fuzz/README.md).

    python3 tests/fuzz/make_corpus.py [tests/fuzz/corpus]

corpus/capture/: whole capture files for fuzz_capture (the two small
judge fixtures are copied in by hand, not made here).
corpus/frame/: one frame each for fuzz_frame: a link-type selector byte
(index into the table in fuzz_frame.c) and the frame.
Checksums are zero: nothing verifies them. Output is deterministic.
"""
import os
import struct
import sys

# pcap LINKTYPE_* values as written in files
LT_NULL, LT_ETHERNET, LT_RAW, LT_LOOP, LT_SLL = 0, 1, 101, 108, 113
LT_IPV4, LT_IPV6, LT_SLL2 = 228, 229, 276

# selector bytes of fuzz_frame.c's table
SEL = {"EN10MB": 0, "LINUX_SLL": 1, "LINUX_SLL2": 2, "RAW": 3,
       "IPV4": 4, "IPV6": 5, "NULL": 6, "LOOP": 7}

C4, S4 = bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])
C6 = bytes.fromhex("fd000000000000000000000000000001")
S6 = bytes.fromhex("fd000000000000000000000000000002")
MAC_C, MAC_S = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def tcp(sport, dport, seq, ack, flags, win=64240, payload=b"", opts=b""):
    off = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags,
                       win, 0, 0) + opts + payload


def ipv4(src, dst, proto, body, ident=1):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), ident,
                       0x4000, 64, proto, 0, src, dst) + body


def ipv6(src, dst, nxt, body):
    return struct.pack("!IHBB16s16s", 6 << 28, len(body), nxt, 64,
                       src, dst) + body


def eth(dst, src, ethertype, body, vlans=()):
    hdr = dst + src
    for tpid, vid in vlans:
        hdr += struct.pack("!HH", tpid, vid)
    return hdr + struct.pack("!H", ethertype) + body


def sll(proto, body):
    # packet type 0 (to us), ARPHRD_ETHER, address length 6, address
    return struct.pack("!HHH8sH", 0, 1, 6, MAC_C + b"\0\0", proto) + body


def sll2(proto, body):
    # protocol, reserved, ifindex, ARPHRD_ETHER, packet type, addr len, addr
    return struct.pack("!HHIHBB8s", proto, 0, 2, 1, 0, 6,
                       MAC_C + b"\0\0") + body


def arp(op):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, MAC_C, C4,
                       b"\0" * 6 if op == 1 else MAC_S, S4)


def icmp_unreach(quoted):
    return struct.pack("!BBHI", 3, 3, 0, 0) + quoted


def pcap(linktype, frames, nano=False, big=False, snaplen=262144, cut=None):
    e = ">" if big else "<"
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)
    for i, f in enumerate(frames):
        sec, frac = 1700000000 + i, (i * 250000 % 1000000) * (1000 if nano else 1)
        out += struct.pack(e + "IIII", sec, frac, len(f), len(f)) + f
    return out[:cut] if cut else out


def pcapng(linktype, frames):
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)

    # SHB: byte-order magic, version 1.0, section length unknown
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    # IDB, with if_tsresol = 9 (nanoseconds) and opt_endofopt
    opts = struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0)
    out += block(0x00000001, struct.pack("<HHI", linktype, 0, 0) + opts)
    for i, f in enumerate(frames):
        ts = (1700000000 + i) * 10**9 + i * 1000
        out += block(0x00000006, struct.pack("<IIIII", 0, ts >> 32,
                                             ts & 0xFFFFFFFF, len(f), len(f)) + f)
    return out


def conversation():
    """A short TCP life over Ethernet: handshake, data, a retransmission,
    a keepalive and its ACK, a zero window, a duplicate ACK, FINs."""
    c, s = 45678, 7000
    cs = lambda *a, **k: eth(MAC_S, MAC_C, 0x0800, ipv4(C4, S4, 6, tcp(c, s, *a, **k)))
    sc = lambda *a, **k: eth(MAC_C, MAC_S, 0x0800, ipv4(S4, C4, 6, tcp(s, c, *a, **k)))
    mss = bytes.fromhex("020405b4")
    return [
        cs(100, 0, SYN, opts=mss),
        sc(500, 101, SYN | ACK, opts=mss),
        cs(101, 501, ACK),
        cs(101, 501, PSH | ACK, payload=b"hello"),
        cs(101, 501, PSH | ACK, payload=b"hello"),     # retransmission
        sc(501, 106, ACK, win=0),                      # zero window
        cs(105, 501, ACK, payload=b"x"),               # zero-window probe
        sc(501, 106, ACK, win=512),
        sc(501, 106, ACK, win=512),                    # duplicate ACK
        cs(105, 501, ACK),                             # keepalive
        sc(501, 106, ACK, win=512),                    # its ACK
        cs(106, 501, FIN | ACK),
        sc(501, 107, FIN | ACK),
        cs(107, 502, ACK),
        cs(107, 502, RST),
    ]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    cap_dir, frame_dir = os.path.join(root, "capture"), os.path.join(root, "frame")
    os.makedirs(cap_dir, exist_ok=True)
    os.makedirs(frame_dir, exist_ok=True)

    syn4 = ipv4(C4, S4, 6, tcp(45678, 7000, 100, 0, SYN))
    synack4 = ipv4(S4, C4, 6, tcp(7000, 45678, 500, 101, SYN | ACK))
    syn6 = ipv6(C6, S6, 6, tcp(45678, 7000, 100, 0, SYN))
    data6 = ipv6(S6, C6, 6, tcp(7000, 45678, 500, 101, PSH | ACK, payload=b"hi"))
    quote = ipv4(C4, S4, 6, tcp(45678, 7000, 101, 501, ACK))[:28]
    unreach4 = ipv4(S4, C4, 1, icmp_unreach(quote))
    unreach6 = ipv6(S6, C6, 58, struct.pack("!BBHI", 1, 4, 0, 0) + syn6[:48])
    eth_syn = eth(MAC_S, MAC_C, 0x0800, syn4)

    captures = {
        "eth_tcp_syn.pcap": pcap(LT_ETHERNET, [eth_syn]),
        "eth_conversation.pcap": pcap(LT_ETHERNET, conversation()),
        "eth_conversation_ns_be.pcap": pcap(LT_ETHERNET, conversation()[:6], nano=True, big=True),
        "eth_vlan_arp_icmp.pcap": pcap(LT_ETHERNET, [
            eth(MAC_S, MAC_C, 0x0806, arp(1), vlans=[(0x8100, 10)]),
            eth(MAC_C, MAC_S, 0x0806, arp(2), vlans=[(0x88A8, 20), (0x8100, 10)]),
            eth(MAC_S, MAC_C, 0x0800, syn4),
            eth(MAC_C, MAC_S, 0x0800, unreach4)]),
        "one_packet.pcapng": pcapng(LT_ETHERNET, [eth_syn]),
        "ipv6_three.pcapng": pcapng(LT_IPV6, [syn6, data6, unreach6]),
        "sll_tcp.pcap": pcap(LT_SLL, [sll(0x0800, syn4), sll(0x0800, synack4)]),
        "sll2_tcp.pcap": pcap(LT_SLL2, [sll2(0x0800, syn4), sll2(0x86DD, data6)]),
        "raw_mixed.pcap": pcap(LT_RAW, [syn4, syn6, unreach4]),
        "ipv4_syn.pcap": pcap(LT_IPV4, [syn4, synack4]),
        "null_loopback.pcap": pcap(LT_NULL, [struct.pack("<I", 2) + syn4,
                                             struct.pack("<I", 30) + syn6]),
        "loop_loopback.pcap": pcap(LT_LOOP, [struct.pack(">I", 2) + syn4]),
        "truncated.pcap": pcap(LT_ETHERNET, [eth_syn, eth_syn], cut=24 + 16 + len(eth_syn) + 20),
        "snaplen_cut.pcap": pcap(LT_ETHERNET, [eth_syn[:40]], snaplen=40),
    }
    for name, data in captures.items():
        with open(os.path.join(cap_dir, name), "wb") as f:
            f.write(data)

    frames = {
        "eth_tcp_syn": (SEL["EN10MB"], eth_syn),
        "eth_qinq_arp": (SEL["EN10MB"], eth(MAC_S, MAC_C, 0x0806, arp(1),
                                            vlans=[(0x88A8, 20), (0x8100, 10)])),
        "eth_icmp_unreach": (SEL["EN10MB"], eth(MAC_C, MAC_S, 0x0800, unreach4)),
        "sll_tcp": (SEL["LINUX_SLL"], sll(0x0800, syn4)),
        "sll2_ipv6_tcp": (SEL["LINUX_SLL2"], sll2(0x86DD, data6)),
        "raw_ipv6_icmp6": (SEL["RAW"], unreach6),
        "ipv4_tcp": (SEL["IPV4"], synack4),
        "ipv6_tcp": (SEL["IPV6"], syn6),
        "null_ipv4": (SEL["NULL"], struct.pack("<I", 2) + syn4),
        "loop_ipv6": (SEL["LOOP"], struct.pack(">I", 24) + syn6),
    }
    for name, (sel, frame) in frames.items():
        with open(os.path.join(frame_dir, name), "wb") as f:
            f.write(bytes([sel]) + frame)


if __name__ == "__main__":
    main()
