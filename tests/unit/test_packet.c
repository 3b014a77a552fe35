/* The packet decoder on annotated frames (packet_fixtures.h), and the TCP
 * tracker on synthetic conversations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/dlt.h>
#include <string.h>

#include "captures/packet.h"
#include "captures/tcp_track.h"
#include "packet_fixtures.h"

#define DECODE(frame, p) packet_decode(DLT_EN10MB, frame, sizeof(frame), 42, p)

static void assert_addr(int family, const uint8_t *addr, const char *text)
{
	char buf[64];

	assert_string_equal(packet_addr_str(family, addr, buf, sizeof(buf)), text);
}

static void test_ipv4_ack(void **state)
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
}

static void test_options_and_payload(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_data_opts, &p), 0);
	assert_int_equal(p.flags, PKT_PSH | PKT_ACK);
	assert_int_equal(p.payload_len, 5);	/* 57 - 20 - 32 */
	assert_int_equal(p.seq, 200);
	/* the payload length comes from the IP header, not from what was captured */
	assert_int_equal(DECODE(frame_snapped, &p), 0);
	assert_int_equal(p.payload_len, 1000);
}

static void test_ipv6_extension_header(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_ipv6_syn, &p), 0);
	assert_int_equal(p.family, AF_INET6);
	assert_addr(AF_INET6, p.src, "fd00::1");
	assert_addr(AF_INET6, p.dst, "fd00::2");
	assert_int_equal(p.flags, PKT_SYN);
	assert_int_equal(p.seq, 1000);
	assert_int_equal(p.window, 64800);
	assert_int_equal(p.payload_len, 0);
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
	assert_int_equal(DECODE(frame_icmp6_unreach, &p), 0);
	assert_int_equal(p.proto, PACKET_ICMP);
	assert_int_equal(p.family, AF_INET6);
	assert_int_equal(p.icmp_type, 1);
	assert_int_equal(p.icmp_code, 3);
}

static void test_arp(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_arp, &p), 0);
	assert_int_equal(p.proto, PACKET_ARP);
	assert_int_equal(p.arp_op, 1);
	assert_addr(AF_INET, p.src, "198.18.0.1");
	assert_addr(AF_INET, p.dst, "198.18.0.2");
}

static void test_not_ours_and_malformed(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_udp, &p), -ENOENT);
	assert_int_equal(DECODE(frame_fragment, &p), -ENOENT);
	/* every truncation of a TCP frame short of its TCP header is malformed */
	for (size_t len = 0; len < 14 + 20 + 20; len++)
		assert_int_equal(packet_decode(DLT_EN10MB, frame_ack, len, 0, &p),
				 -EINVAL);
	for (size_t len = 0; len < sizeof(frame_ipv6_syn); len++)
		assert_int_not_equal(packet_decode(DLT_EN10MB, frame_ipv6_syn, len, 0, &p), 0);
	assert_int_equal(packet_decode(12345, frame_ack, sizeof(frame_ack), 0, &p), -ENOENT);
}

static void test_vlan_and_sll(void **state)
{
	struct packet p;

	(void)state;
	assert_int_equal(DECODE(frame_vlan_rst, &p), 0);
	assert_int_equal(p.flags, PKT_RST | PKT_ACK);
	assert_addr(AF_INET, p.src, "198.18.0.2");
	assert_int_equal(packet_decode(DLT_LINUX_SLL, frame_sll_fin, sizeof(frame_sll_fin), 0, &p), 0);
	assert_int_equal(p.flags, PKT_FIN | PKT_ACK);
	assert_int_equal(p.seq, 205);
	/* DLT_RAW: the same frame without its link header */
	assert_int_equal(packet_decode(DLT_RAW, frame_ack + 14, sizeof(frame_ack) - 14, 0, &p), 0);
	assert_int_equal(p.sport, 7000);
}

/* --- the tracker ------------------------------------------------------- */

#define C 1	/* client 198.18.0.1:45678 */
#define S 2	/* server 198.18.0.2:7000 */

static struct packet seg(int from, uint8_t flags, uint32_t seq, uint32_t len, uint16_t win)
{
	struct packet p = { .proto = PACKET_TCP, .family = AF_INET, .flags = flags,
			    .seq = seq, .payload_len = len, .window = win };
	uint8_t c[4] = { 198, 18, 0, 1 }, s[4] = { 198, 18, 0, 2 };

	memcpy(p.src, from == C ? c : s, 4);
	memcpy(p.dst, from == C ? s : c, 4);
	p.sport = from == C ? 45678 : 7000;
	p.dport = from == C ? 7000 : 45678;
	p.ack = 1;
	return p;
}

#define A PKT_ACK

static void test_handshake_data_retransmission(void **state)
{
	struct packet v[] = {
		seg(C, PKT_SYN, 100, 0, 64240),		/* 0 */
		seg(S, PKT_SYN | A, 500, 0, 65160),	/* 1 */
		seg(C, A, 101, 0, 63),			/* 2 pure ACK */
		seg(C, PKT_PSH | A, 101, 1000, 63),	/* 3 data */
		seg(C, PKT_PSH | A, 101, 1000, 63),	/* 4 retransmission */
		seg(C, PKT_PSH | A, 1101, 500, 63),	/* 5 new data */
		seg(S, A, 501, 0, 64),			/* 6 pure ACK */
		seg(C, PKT_SYN, 100, 0, 64240),		/* 7 SYN again: retransmission */
		seg(C, PKT_FIN | A, 1601, 0, 63),	/* 8 FIN */
		seg(C, PKT_FIN | A, 1601, 0, 63),	/* 9 FIN again */
		seg(S, PKT_RST, 501, 0, 0),		/* 10 RST: not a probe, not data */
	};

	(void)state;
	tcp_track_classify(v, sizeof(v) / sizeof(v[0]));
	assert_int_equal(v[0].cls, 0);
	assert_int_equal(v[1].cls, 0);
	assert_int_equal(v[2].cls, PKT_CLS_PURE_ACK);
	assert_int_equal(v[3].cls, PKT_CLS_DATA);
	assert_int_equal(v[4].cls, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[5].cls, PKT_CLS_DATA);
	assert_int_equal(v[6].cls, PKT_CLS_PURE_ACK);
	assert_int_equal(v[7].cls, PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[8].cls, 0);
	assert_int_equal(v[9].cls, PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[10].cls, 0);
}

static void test_keepalive_probes(void **state)
{
	/* what scenarios/keepalive/pulled-cable.yaml captures at the server */
	struct packet v[] = {
		seg(C, PKT_SYN, 100, 0, 64240),
		seg(S, PKT_SYN | A, 500, 0, 65160),
		seg(C, A, 101, 0, 63),
		seg(S, A, 500, 0, 64),			/* 3 probe: snd_nxt 501, seq 500 */
		seg(S, A, 500, 0, 64),			/* 4 */
		seg(S, A, 500, 0, 64),			/* 5 */
		seg(S, PKT_RST | A, 501, 0, 64),	/* 6 the give-up RST */
	};

	(void)state;
	tcp_track_classify(v, sizeof(v) / sizeof(v[0]));
	for (int i = 3; i <= 5; i++)
		assert_int_equal(v[i].cls, PKT_CLS_KEEPALIVE);
	assert_int_equal(v[6].cls, 0);
}

static void test_one_byte_probe_and_zero_window(void **state)
{
	struct packet v[] = {
		seg(C, PKT_PSH | A, 1, 100, 63),	/* 0 data 1..101 */
		seg(S, A, 1, 0, 64),			/* 1 */
		seg(C, A, 100, 1, 63),			/* 2 BSD/Windows probe: 1 garbage byte at snd_nxt-1 */
		seg(C, PKT_PSH | A, 101, 10, 63),	/* 3 new data, not a probe */
		seg(S, A, 1, 0, 0),			/* 4 server: window 0 */
		seg(C, A, 110, 0, 63),			/* 5 zero-window probe */
		seg(S, A, 1, 0, 8),			/* 6 window opens */
		seg(C, A, 110, 0, 63),			/* 7 now a keepalive probe */
	};

	(void)state;
	tcp_track_classify(v, sizeof(v) / sizeof(v[0]));
	assert_int_equal(v[2].cls, PKT_CLS_KEEPALIVE);
	assert_int_equal(v[3].cls, PKT_CLS_DATA);
	assert_int_equal(v[4].cls, PKT_CLS_PURE_ACK);
	assert_int_equal(v[5].cls, PKT_CLS_ZERO_WINDOW);
	assert_int_equal(v[7].cls, PKT_CLS_KEEPALIVE);
}

static void test_connections_apart_and_wraparound(void **state)
{
	struct packet v[] = {
		seg(C, PKT_PSH | A, 0xfffffff0u, 0x20, 63),	/* 0 crosses 2^32 */
		seg(C, PKT_PSH | A, 0x10, 0x10, 63),		/* 1 next: not a retransmission */
		seg(C, PKT_PSH | A, 0xfffffff0u, 0x20, 63),	/* 2 the first again */
		seg(C, PKT_PSH | A, 0x10, 0x10, 63),		/* 3 another connection */
	};

	(void)state;
	v[3].sport = 45679;
	tcp_track_classify(v, sizeof(v) / sizeof(v[0]));
	assert_int_equal(v[0].cls, PKT_CLS_DATA);
	assert_int_equal(v[1].cls, PKT_CLS_DATA);
	assert_int_equal(v[2].cls, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[3].cls, PKT_CLS_DATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_ack),
		cmocka_unit_test(test_options_and_payload),
		cmocka_unit_test(test_ipv6_extension_header),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_not_ours_and_malformed),
		cmocka_unit_test(test_vlan_and_sll),
		cmocka_unit_test(test_handshake_data_retransmission),
		cmocka_unit_test(test_keepalive_probes),
		cmocka_unit_test(test_one_byte_probe_and_zero_window),
		cmocka_unit_test(test_connections_apart_and_wraparound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
