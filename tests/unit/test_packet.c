/* The packet decoder on annotated frames.
 *
 * Each frame is laid out header by header under its tcpdump decoding
 * (tcpdump -nn -S -e -v -r). Checksums are zero: the decoder does not verify
 * them (captures on a veth with checksum offload carry partial ones anyway);
 * the "bad cksum" tcpdump adds is left out of the lines below.
 * Hosts: client 198.18.0.1 / fd00::1 (02:00:00:00:00:01), server
 * 198.18.0.2 / fd00::2 (02:00:00:00:00:02), a router 198.18.0.9 / fd00::9. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/dlt.h>
#include <string.h>
#include <sys/socket.h>

#include "captures/packet.h"
#include "frames.h"


/* 02:00:00:00:00:02 > 02:00:00:00:00:01, ethertype IPv4 (0x0800), length 54:
 * 198.18.0.2.7000 > 198.18.0.1.45678: Flags [.], ack 200, win 502, length 0
 * (tcpdump shows no seq for an empty ACK; it is 100) */
static const uint8_t frame_ack[] = {
	/* Ethernet */
	ETH_TO_CLIENT, 0x08, 0x00,
	/* IPv4: ihl 5, len 40, id 1, DF, ttl 64, TCP */
	0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00,
	0x40, 0x06, 0x00, 0x00, IP_SERVER, IP_CLIENT,
	/* TCP: seq 100, ack 200, doff 5, [.], win 502 */
	PORTS_TO_CLIENT,
	0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0xc8,
	0x50, 0x10, 0x01, 0xf6, 0x00, 0x00, 0x00, 0x00,
};

/* 198.18.0.1.45678 > 198.18.0.2.7000: Flags [P.], seq 200:205, ack 100, win 63,
 *   options [nop,nop,TS val 1 ecr 2], length 5 */
static const uint8_t frame_data_opts[] = {
	/* Ethernet */
	ETH_TO_SERVER, 0x08, 0x00,
	/* IPv4: len 57 */
	0x45, 0x00, 0x00, 0x39, 0x00, 0x02, 0x40, 0x00,
	0x40, 0x06, 0x00, 0x00, IP_CLIENT, IP_SERVER,
	/* TCP: seq 200, ack 100, doff 8 (32 bytes), [P.], win 63 */
	PORTS_TO_SERVER,
	0x00, 0x00, 0x00, 0xc8, 0x00, 0x00, 0x00, 0x64,
	0x80, 0x18, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2,	/* nop, nop, TS */
	/* payload */
	'h', 'e', 'l', 'l', 'o',
};

/* A segment cut by the snaplen: IP says 1000 bytes of payload, 4 were kept.
 * 198.18.0.1.45678 > 198.18.0.2.7000: Flags [.], seq 200:1200, ack 100, win 63,
 *   length 1000 */
static const uint8_t frame_snapped[] = {
	/* Ethernet */
	ETH_TO_SERVER, 0x08, 0x00,
	/* IPv4: len 1040 */
	0x45, 0x00, 0x04, 0x10, 0x00, 0x03, 0x40, 0x00,
	0x40, 0x06, 0x00, 0x00, IP_CLIENT, IP_SERVER,
	/* TCP: seq 200, ack 100, doff 5, [.], win 63 */
	PORTS_TO_SERVER,
	0x00, 0x00, 0x00, 0xc8, 0x00, 0x00, 0x00, 0x64,
	0x50, 0x10, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x00,
	/* the first 4 of 1000 payload bytes */
	'u', 'u', 'u', 'u',
};

/* fd00::1 > fd00::2: HBH (padn) 45678 > 7000: Flags [S], seq 1000, win 64800,
 *   options [mss 1440], length 0 */
static const uint8_t frame_ipv6_syn[] = {
	/* Ethernet */
	ETH_TO_SERVER, 0x86, 0xdd,
	/* IPv6: plen 32, next hop-by-hop, hlim 64 */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x40,
	IP6_HOST(1),
	IP6_HOST(2),
	/* hop-by-hop: next TCP, len 0 (8 bytes), PadN of 4 */
	0x06, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
	/* TCP: seq 1000, ack 0, doff 6 (24 bytes), [S], win 64800 */
	PORTS_TO_SERVER,
	0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0x60, 0x02, 0xfd, 0x20, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xa0,				/* mss 1440 */
};

/* The first fragment behind a destination options header, data cut short
 * by the fragmentation: the payload length is this fragment's.
 * fd00::1 > fd00::2: DSTOPT (padn) frag (0x00000007:0|24) 45678 > 7000:
 *   Flags [.], seq 5000:5004, ack 300, win 63, length 4 */
static const uint8_t frame_ipv6_first_fragment[] = {
	/* Ethernet */
	ETH_TO_SERVER, 0x86, 0xdd,
	/* IPv6: plen 40, next destination options, hlim 64 */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x3c, 0x40,
	IP6_HOST(1),
	IP6_HOST(2),
	/* destination options: next fragment, len 0, PadN of 4 */
	0x2c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
	/* fragment: next TCP, offset 0, more fragments, id 7 */
	0x06, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07,
	/* TCP: seq 5000, ack 300, doff 5, [.], win 63 */
	PORTS_TO_SERVER,
	0x00, 0x00, 0x13, 0x88, 0x00, 0x00, 0x01, 0x2c,
	0x50, 0x10, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x00,
	/* payload */
	'd', 'a', 't', 'a',
};

/* A later fragment of the same datagram: no TCP header in it.
 * fd00::1 > fd00::2: frag (0x00000007:1448|8) */
static const uint8_t frame_ipv6_later_fragment[] = {
	/* Ethernet */
	ETH_TO_SERVER, 0x86, 0xdd,
	/* IPv6: plen 16, next fragment */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x2c, 0x40,
	IP6_HOST(1),
	IP6_HOST(2),
	/* fragment: next TCP, offset 1448 (181 * 8), id 7 */
	0x06, 0x00, 0x05, 0xa8, 0x00, 0x00, 0x00, 0x07,
	/* the middle of the payload */
	'm', 'o', 'r', 'e', 'd', 'a', 't', 'a',
};

/* 198.18.0.9 > 198.18.0.1: ICMP host 198.18.0.2 unreachable, length 36
 *   198.18.0.1.45678 > 198.18.0.2.7000: [|tcp] */
static const uint8_t frame_icmp_unreach[] = {
	/* Ethernet */
	ETH_TO_CLIENT, 0x08, 0x00,
	/* IPv4: len 56, ICMP */
	0x45, 0x00, 0x00, 0x38, 0x00, 0x04, 0x00, 0x00,
	0x40, 0x01, 0x00, 0x00, 198, 18, 0, 9, IP_CLIENT,
	/* ICMP: type 3 (unreachable), code 1 (host), unused */
	0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* the invoking datagram: its IPv4 header and first 8 bytes */
	0x45, 0x00, 0x00, 0x28, 0x00, 0x09, 0x40, 0x00,
	0x40, 0x06, 0x00, 0x00, IP_CLIENT, IP_SERVER,
	PORTS_TO_SERVER, 0x00, 0x00, 0x00, 0xc8,
};

/* fd00::9 > fd00::1: ICMP6, destination unreachable, unreachable address fd00::2 */
static const uint8_t frame_icmp6_unreach[] = {
	/* Ethernet */
	ETH_TO_CLIENT, 0x86, 0xdd,
	/* IPv6: plen 48, next ICMPv6 */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x30, 0x3a, 0x40,
	IP6_HOST(9),
	IP6_HOST(1),
	/* ICMPv6: type 1 (unreachable), code 3 (address), unused */
	0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* the invoking packet's IPv6 header: fd00::1 > fd00::2, TCP */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x14, 0x06, 0x40,
	IP6_HOST(1),
	IP6_HOST(2),
};



/* The first fragment of a datagram: it holds the TCP header.
 * (id 6, offset 0, flags [+], proto TCP (6), length 48)
 * 198.18.0.1.45678 > 198.18.0.2.7000: Flags [.], seq 200:208, ack 100, win 63, length 8 */
static const uint8_t frame_ipv4_first_fragment[] = {
	/* Ethernet */
	ETH_TO_SERVER, 0x08, 0x00,
	/* IPv4: len 48, id 6, more fragments, offset 0 */
	0x45, 0x00, 0x00, 0x30, 0x00, 0x06, 0x20, 0x00,
	0x40, 0x06, 0x00, 0x00, IP_CLIENT, IP_SERVER,
	/* TCP: seq 200, ack 100, doff 5, [.], win 63 */
	PORTS_TO_SERVER,
	0x00, 0x00, 0x00, 0xc8, 0x00, 0x00, 0x00, 0x64,
	0x50, 0x10, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x00,
	/* payload */
	'f', 'r', 'a', 'g', 'm', 'e', 'n', 't',
};

/* A later fragment (offset 1480): no TCP header in it.
 * (id 6, offset 1480, flags [none], proto TCP (6), length 28)
 * 198.18.0.1 > 198.18.0.2: ip-proto-6 */
static const uint8_t frame_ipv4_later_fragment[] = {
	/* Ethernet */
	ETH_TO_SERVER, 0x08, 0x00,
	/* IPv4: len 28, id 6, offset 185 * 8 */
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x06, 0x00, 0xb9,
	0x40, 0x06, 0x00, 0x00, IP_CLIENT, IP_SERVER,
	/* the middle of the payload */
	'm', 'o', 'r', 'e', 'd', 'a', 't', 'a',
};

/* 02:00:00:00:00:02 > 02:00:00:00:00:01, ethertype 802.1Q (0x8100), length 58:
 * vlan 100, p 0, ethertype IPv4 (0x0800),
 *   198.18.0.2.7000 > 198.18.0.1.45678: Flags [R.], seq 100, ack 200, win 0, length 0 */
static const uint8_t frame_vlan_rst[] = {
	/* Ethernet, 802.1Q tag: TCI vlan 100, then the type */
	ETH_TO_CLIENT, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00,
	/* IPv4: len 40 */
	0x45, 0x00, 0x00, 0x28, 0x00, 0x07, 0x40, 0x00,
	0x40, 0x06, 0x00, 0x00, IP_SERVER, IP_CLIENT,
	/* TCP: seq 100, ack 200, doff 5, [R.], win 0 */
	PORTS_TO_CLIENT,
	0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0xc8,
	0x50, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Linux cooked capture (DLT_LINUX_SLL):
 * Out 02:00:00:00:00:01 ethertype IPv4 (0x0800), length 56:
 *   198.18.0.1.45678 > 198.18.0.2.7000: Flags [F.], seq 205, ack 100, win 63, length 0 */
static const uint8_t frame_sll_fin[] = {
	/* SLL: outgoing, ARPHRD_ETHER, address length 6, address, IPv4 */
	0x00, 0x04, 0x00, 0x01, 0x00, 0x06,
	MAC_CLIENT, 0x00, 0x00, 0x08, 0x00,
	/* IPv4: len 40 */
	0x45, 0x00, 0x00, 0x28, 0x00, 0x08, 0x40, 0x00,
	0x40, 0x06, 0x00, 0x00, IP_CLIENT, IP_SERVER,
	/* TCP: seq 205, ack 100, doff 5, [F.], win 63 */
	PORTS_TO_SERVER,
	0x00, 0x00, 0x00, 0xcd, 0x00, 0x00, 0x00, 0x64,
	0x50, 0x11, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x00,
};

/* Linux cooked capture v2 (DLT_LINUX_SLL2, what `tcpdump -i any` writes):
 * In ifindex 2 02:00:00:00:00:02 ethertype IPv4 (0x0800), length 60:
 *   198.18.0.2.7000 > 198.18.0.1.45678: Flags [S.], seq 99, ack 200, win 65160, length 0 */
static const uint8_t frame_sll2_synack[] = {
	/* SLL2: IPv4, reserved, ifindex 2, ARPHRD_ETHER, to us, address length 6, address */
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x01, 0x00, 0x06, MAC_SERVER, 0x00, 0x00,
	/* IPv4: len 40 */
	0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00,
	0x40, 0x06, 0x00, 0x00, IP_SERVER, IP_CLIENT,
	/* TCP: seq 99, ack 200, doff 5, [S.], win 65160 */
	PORTS_TO_CLIENT,
	0x00, 0x00, 0x00, 0x63, 0x00, 0x00, 0x00, 0xc8,
	0x50, 0x12, 0xfe, 0x88, 0x00, 0x00, 0x00, 0x00,
};

#define DECODE(frame, p) packet_decode(DLT_EN10MB, frame, sizeof(frame), 42, p)

static void assert_addr(int family, const uint8_t *addr, const char *text)
{
	char buf[64];

	assert_string_equal(packet_addr_str(family, addr, buf, sizeof(buf)), text);
}

static void test_ipv4_tcp(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_ack, &p), 0);
	assert_int_equal(p.t_ns, 42);
	assert_int_equal(p.proto, PACKET_TCP);
	assert_int_equal(p.family, AF_INET);
	assert_addr(AF_INET, p.src, "198.18.0.2");
	assert_addr(AF_INET, p.dst, "198.18.0.1");
	assert_int_equal(p.sport, 7000);
	assert_int_equal(p.dport, 45678);
	assert_int_equal(p.seq, 100);
	assert_int_equal(p.ack, 200);
	assert_int_equal(p.flags, PKT_ACK);
	assert_int_equal(p.window, 502);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.cls, 0);
}

static void test_tcp_options(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_data_opts, &p), 0);
	assert_int_equal(p.flags, PKT_PSH | PKT_ACK);
	assert_int_equal(p.seq, 200);
	assert_int_equal(p.window, 63);
	assert_int_equal(p.payload_len, 5);	/* 57 - 20 - 32 */
}

static void test_payload_from_ip_length(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_snapped, &p), 0);
	assert_int_equal(p.payload_len, 1000);
}

static void test_ipv6_extension_headers(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_ipv6_syn, &p), 0);
	assert_int_equal(p.proto, PACKET_TCP);
	assert_int_equal(p.family, AF_INET6);
	assert_addr(AF_INET6, p.src, "fd00::1");
	assert_addr(AF_INET6, p.dst, "fd00::2");
	assert_int_equal(p.sport, 45678);
	assert_int_equal(p.flags, PKT_SYN);
	assert_int_equal(p.seq, 1000);
	assert_int_equal(p.window, 64800);
	assert_int_equal(p.payload_len, 0);	/* 32 - 8 - 24 */

	assert_int_equal(DECODE(frame_ipv6_first_fragment, &p), 0);
	assert_int_equal(p.seq, 5000);
	assert_int_equal(p.ack, 300);
	assert_int_equal(p.payload_len, 4);	/* 40 - 8 - 8 - 20 */
	assert_int_equal(DECODE(frame_ipv6_later_fragment, &p), -ENOENT);
}

static void test_ipv4_fragments(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_ipv4_first_fragment, &p), 0);
	assert_int_equal(p.payload_len, 8);
	assert_int_equal(DECODE(frame_ipv4_later_fragment, &p), -ENOENT);
}

static void test_icmp(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_icmp_unreach, &p), 0);
	assert_int_equal(p.proto, PACKET_ICMP);
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.icmp_type, 3);
	assert_int_equal(p.icmp_code, 1);
	assert_addr(AF_INET, p.src, "198.18.0.9");
	assert_addr(AF_INET, p.dst, "198.18.0.1");
}

static void test_icmp6(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_icmp6_unreach, &p), 0);
	assert_int_equal(p.proto, PACKET_ICMP);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.icmp_type, 1);
	assert_int_equal(p.icmp_code, 3);
	assert_addr(AF_INET6, p.src, "fd00::9");
}

static void test_arp(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_arp, &p), 0);
	assert_int_equal(p.proto, PACKET_ARP);
	assert_int_equal(p.family, AF_INET);
	assert_int_equal(p.arp_op, 1);
	assert_addr(AF_INET, p.src, "198.18.0.1");
	assert_addr(AF_INET, p.dst, "198.18.0.2");
}

static void test_not_ours(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_udp, &p), -ENOENT);
	assert_false(packet_linktype_supported(DLT_IEEE802_11));
	assert_int_equal(packet_decode(DLT_IEEE802_11, frame_ack, sizeof(frame_ack), 0, &p),
			 -ENOENT);
}

static void test_truncated(void **state)
{
	struct packet p;

	(void)state;
	/* every cut short of the fixed TCP header is malformed */
	for (size_t len = 0; len < 14 + 20 + 20; len++)
		assert_int_equal(packet_decode(DLT_EN10MB, frame_ack, len, 0, &p), -EINVAL);
	for (size_t len = 0; len < 14 + 40 + 8 + 20; len++)
		assert_int_equal(packet_decode(DLT_EN10MB, frame_ipv6_syn, len, 0, &p), -EINVAL);
	for (size_t len = 0; len < 14 + 28; len++)
		assert_int_equal(packet_decode(DLT_EN10MB, frame_arp, len, 0, &p), -EINVAL);
	for (size_t len = 0; len < 14 + 20 + 4; len++)
		assert_int_equal(packet_decode(DLT_EN10MB, frame_icmp_unreach, len, 0, &p),
				 -EINVAL);
	/* options are not read: losing them to the snaplen does no harm */
	assert_int_equal(packet_decode(DLT_EN10MB, frame_ipv6_syn, sizeof(frame_ipv6_syn) - 4,
				       0, &p), 0);
	assert_int_equal(p.seq, 1000);
}

static void test_malformed(void **state)
{
	uint8_t f[sizeof(frame_ack)];
	struct packet p;

	(void)state;
	memcpy(f, frame_ack, sizeof(f));
	f[14] = 0x44;			/* IHL 4: shorter than an IPv4 header */
	assert_int_equal(DECODE(f, &p), -EINVAL);
	f[14] = 0x46;			/* IHL 6: beyond what was captured */
	assert_int_equal(packet_decode(DLT_EN10MB, f, 14 + 20, 0, &p), -EINVAL);
	f[14] = 0x55;			/* version 5 */
	assert_int_equal(DECODE(f, &p), -EINVAL);
	f[14] = 0x45;
	f[17] = 20;			/* total length 20: no room for TCP */
	assert_int_equal(DECODE(f, &p), -EINVAL);
	f[17] = 40;
	f[14 + 20 + 12] = 0x40;		/* TCP data offset 4 */
	assert_int_equal(DECODE(f, &p), -EINVAL);
	f[14 + 20 + 12] = 0x60;		/* data offset 6: beyond the IP length */
	assert_int_equal(DECODE(f, &p), -EINVAL);
}

static void test_vlan(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_vlan_rst, &p), 0);
	assert_int_equal(p.proto, PACKET_TCP);
	assert_int_equal(p.flags, PKT_RST | PKT_ACK);
	assert_addr(AF_INET, p.src, "198.18.0.2");
	assert_int_equal(p.seq, 100);
	assert_int_equal(packet_decode(DLT_EN10MB, frame_vlan_rst, 16, 0, &p), -EINVAL);
}

/* A segment's fingerprint is its own: the same bytes under another link
 * header (a MAC rewritten, no Ethernet at all) keep it; another IPv4 ID,
 * checksum or option does not. */
static void test_fingerprint(void **state)
{
	uint8_t f[sizeof(frame_ack)];
	struct packet a, b;

	(void)state;
	assert_int_equal(DECODE(frame_ack, &a), 0);
	assert_true(a.fingerprint != 0);
	memcpy(f, frame_ack, sizeof(f));
	f[0] ^= 0xff;				/* destination MAC */
	f[14 + 8] = 1;				/* TTL: a router's change */
	f[14 + 10] = 0x12;			/* the IP checksum with it */
	assert_int_equal(packet_decode(DLT_EN10MB, f, sizeof(f), 42, &b), 0);
	assert_true(a.fingerprint == b.fingerprint);
	assert_int_equal(packet_decode(DLT_RAW, frame_ack + 14, sizeof(frame_ack) - 14, 42, &b), 0);
	assert_true(a.fingerprint == b.fingerprint);
	memcpy(f, frame_ack, sizeof(f));
	f[14 + 5] = 2;				/* IP ID */
	assert_int_equal(packet_decode(DLT_EN10MB, f, sizeof(f), 42, &b), 0);
	assert_true(a.fingerprint != b.fingerprint);
	memcpy(f, frame_ack, sizeof(f));
	f[14 + 20 + 16] = 0x99;			/* TCP checksum */
	assert_int_equal(packet_decode(DLT_EN10MB, f, sizeof(f), 42, &b), 0);
	assert_true(a.fingerprint != b.fingerprint);
	assert_int_equal(DECODE(frame_data_opts, &b), 0);
	assert_true(a.fingerprint != b.fingerprint);
}

static void test_linux_cooked(void **state)
{
	struct packet p;

	(void)state;
	assert_true(packet_linktype_supported(DLT_LINUX_SLL));
	assert_int_equal(packet_decode(DLT_LINUX_SLL, frame_sll_fin, sizeof(frame_sll_fin), 0, &p),
			 0);
	assert_int_equal(p.flags, PKT_FIN | PKT_ACK);
	assert_int_equal(p.seq, 205);
	assert_addr(AF_INET, p.src, "198.18.0.1");
	assert_int_equal(packet_decode(DLT_LINUX_SLL, frame_sll_fin, 15, 0, &p), -EINVAL);

	assert_true(packet_linktype_supported(DLT_LINUX_SLL2));
	assert_int_equal(packet_decode(DLT_LINUX_SLL2, frame_sll2_synack,
				       sizeof(frame_sll2_synack), 0, &p), 0);
	assert_int_equal(p.flags, PKT_SYN | PKT_ACK);
	assert_int_equal(p.seq, 99);
	assert_int_equal(p.window, 65160);
}

static void test_raw_ip(void **state)
{
	struct packet p;

	(void)state;
	/* DLT_RAW: the frames above without their link header */
	assert_true(packet_linktype_supported(DLT_RAW));
	assert_int_equal(packet_decode(DLT_RAW, frame_ack + 14, sizeof(frame_ack) - 14, 0, &p), 0);
	assert_int_equal(p.sport, 7000);
	assert_int_equal(packet_decode(DLT_RAW, frame_ipv6_syn + 14, sizeof(frame_ipv6_syn) - 14,
				       0, &p), 0);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(packet_decode(DLT_RAW, frame_ack, 0, 0, &p), -EINVAL);
}

static void test_list_and_addr_str(void **state)
{
	struct packet_list l = { 0 };
	struct packet p;
	char small[4];

	(void)state;
	assert_int_equal(DECODE(frame_ack, &p), 0);
	for (uint32_t i = 0; i < 1000; i++) {
		p.seq = i;
		assert_int_equal(packet_list_push(&l, &p), 0);
	}
	assert_int_equal(l.n, 1000);
	assert_int_equal(l.v[999].seq, 999);
	packet_list_clear(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	packet_list_clear(&l);
	/* too small a buffer gives "?", never a cut address */
	assert_string_equal(packet_addr_str(AF_INET, p.src, small, sizeof(small)), "?");
}


int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_tcp),
		cmocka_unit_test(test_tcp_options),
		cmocka_unit_test(test_payload_from_ip_length),
		cmocka_unit_test(test_ipv6_extension_headers),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_icmp6),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_linux_cooked),
		cmocka_unit_test(test_raw_ip),
		cmocka_unit_test(test_list_and_addr_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
