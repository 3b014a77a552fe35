/* The sequence matcher on synthetic conversations: loose and strict
 * order, counts, the starting time, and where a pattern breaks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "harness/expects/sequence.h"

enum { C, S };	/* client 198.18.0.1, server 198.18.0.2 */

static const uint8_t addrs[2][16] = { { 198, 18, 0, 1 }, { 198, 18, 0, 2 } };
static const int families[2] = { AF_INET, AF_INET };
static const struct seq_hosts hosts = { addrs, families, NULL, NULL, 2 };

static struct packet seg(int64_t t, int from, uint8_t flags, uint32_t len, unsigned cls)
{
	struct packet p = { .t_ns = t, .proto = PACKET_TCP, .family = AF_INET,
			    .flags = flags, .payload_len = len, .cls = cls };

	memcpy(p.src, addrs[from], 4);
	memcpy(p.dst, addrs[!from], 4);
	return p;
}

/* ITEM(.from = S, ...) starts from the defaults and overrides some */
#pragma GCC diagnostic ignored "-Woverride-init"
#define ITEM(...) ((struct seq_item){ .from = HOST_NONE, .to = HOST_NONE, .payload = -1, \
				      .count_lo = 1, .count_hi = 1, .gap_hi = -1, .at_hi = -1, \
				      __VA_ARGS__ })
#define N(v) (sizeof(v) / sizeof(v[0]))

/* A pulled cable: the server probes three times, each unanswered, then
 * resets; an ACK from earlier and some noise around. */
static struct packet keepalive_run[8];

static void make_keepalive_run(void)
{
	keepalive_run[0] = seg(10, C, PKT_PSH | PKT_ACK, 5, PKT_CLS_DATA);
	keepalive_run[1] = seg(11, S, PKT_ACK, 0, PKT_CLS_PURE_ACK);
	keepalive_run[2] = seg(20, S, PKT_ACK, 0, PKT_CLS_KEEPALIVE);
	keepalive_run[3] = seg(21, S, PKT_ACK, 0, PKT_CLS_KEEPALIVE);
	keepalive_run[4] = seg(22, C, PKT_ACK, 0, PKT_CLS_PURE_ACK);
	keepalive_run[5] = seg(23, S, PKT_ACK, 0, PKT_CLS_KEEPALIVE);
	keepalive_run[6] = seg(30, S, PKT_RST | PKT_ACK, 0, 0);
	keepalive_run[7] = seg(31, C, PKT_FIN | PKT_ACK, 0, 0);
}

static void test_loose(void **state)
{
	struct seq_item items[] = {
		ITEM(.from = S, .kinds = PKIND_KEEPALIVE, .count_lo = 3, .count_hi = 3),
		ITEM(.from = S, .flags = PKT_RST),
	};
	struct seq_outcome o;

	(void)state;
	make_keepalive_run();
	o = seq_match(items, N(items), keepalive_run, N(keepalive_run), 0, &hosts);
	assert_true(o.ok);
	assert_ptr_equal(o.last, &keepalive_run[6]);
	/* four probes are not there */
	items[0].count_lo = items[0].count_hi = 4;
	o = seq_match(items, N(items), keepalive_run, N(keepalive_run), 0, &hosts);
	assert_false(o.ok);
	assert_int_equal(o.item, 0);
	assert_int_equal(o.found, 3);
	assert_null(o.instead);
}

/* Timing per segment: probes 1 apart (times are ns here), the RST one
 * after the last; a gap or an at that does not hold names the packet. */
static void test_timing(void **state)
{
	struct seq_item items[] = {
		ITEM(.from = S, .kinds = PKIND_KEEPALIVE, .at_lo = 19, .at_hi = 21),
		ITEM(.from = S, .kinds = PKIND_KEEPALIVE, .count_lo = 2, .count_hi = 2,
		     .gap_lo = 1, .gap_hi = 2),
		ITEM(.from = S, .flags = PKT_RST, .gap_lo = 5, .gap_hi = 8),
	};
	struct seq_outcome o;

	(void)state;
	make_keepalive_run();
	/* the start is 0: the first probe at 20; 21, 23 (2 after 21); the RST
	 * 7 after */
	o = seq_match(items, N(items), keepalive_run, N(keepalive_run), 0, &hosts);
	assert_true(o.ok);
	/* the third probe comes 2 after the second: a gap of at most 1.5 breaks */
	items[1].gap_hi = 1;
	o = seq_match(items, N(items), keepalive_run, N(keepalive_run), 0, &hosts);
	assert_false(o.ok);
	assert_true(o.mistimed);
	assert_int_equal(o.item, 1);
	assert_int_equal(o.found, 1);
	assert_ptr_equal(o.instead, &keepalive_run[5]);
	assert_int_equal(o.since_ns, 2);
	/* the first probe at 20 is not at 25..30 */
	items[1].gap_hi = 2;
	items[0].at_lo = 25;
	items[0].at_hi = 30;
	o = seq_match(items, N(items), keepalive_run, N(keepalive_run), 0, &hosts);
	assert_false(o.ok);
	assert_true(o.mistimed);
	assert_int_equal(o.item, 0);
	assert_int_equal(o.since_ns, 20);
	/* from a later start the first probe is 10 after it */
	items[0].at_lo = 9;
	items[0].at_hi = 11;
	o = seq_match(items, N(items), keepalive_run, N(keepalive_run), 10, &hosts);
	assert_true(o.ok);
}

static void test_next(void **state)
{
	struct seq_item items[] = {
		ITEM(.from = S, .kinds = PKIND_KEEPALIVE, .count_lo = 2, .count_hi = 2),
		ITEM(.from = S, .kinds = PKIND_KEEPALIVE, .next = true),
	};
	struct seq_outcome o;

	(void)state;
	make_keepalive_run();
	/* probe, probe, then the client's ACK: the third probe is not next */
	o = seq_match(items, N(items), keepalive_run, N(keepalive_run), 0, &hosts);
	assert_false(o.ok);
	assert_int_equal(o.item, 1);
	assert_int_equal(o.found, 0);
	assert_ptr_equal(o.instead, &keepalive_run[4]);
	/* loosely, it is there */
	items[1].next = false;
	assert_true(seq_match(items, N(items), keepalive_run, N(keepalive_run), 0, &hosts).ok);
}

static void test_strict_handshake(void **state)
{
	struct packet v[] = {
		seg(1, C, PKT_SYN, 0, 0),
		seg(2, S, PKT_SYN | PKT_ACK, 0, 0),
		seg(3, C, PKT_ACK, 0, PKT_CLS_PURE_ACK),
		seg(4, C, PKT_PSH | PKT_ACK, 10, PKT_CLS_DATA),
	};
	struct seq_item items[] = {
		ITEM(.from = C, .flags = PKT_SYN, .next = true),
		ITEM(.from = S, .flags = PKT_SYN | PKT_ACK, .next = true),
		ITEM(.from = C, .flags = PKT_ACK, .payload = 0, .next = true),
		ITEM(.to = S, .kinds = PKIND_DATA, .payload = 1, .next = true),
	};
	struct seq_outcome o;

	(void)state;
	assert_true(seq_match(items, N(items), v, N(v), 0, &hosts).ok);
	/* the data must come right after the handshake: swap in a FIN */
	v[3] = seg(4, C, PKT_FIN | PKT_ACK, 0, 0);
	o = seq_match(items, N(items), v, N(v), 0, &hosts);
	assert_false(o.ok);
	assert_int_equal(o.item, 3);
	assert_ptr_equal(o.instead, &v[3]);
}

static void test_since_and_ranges(void **state)
{
	struct seq_item items[] = {
		ITEM(.from = S, .kinds = PKIND_KEEPALIVE, .count_lo = 2, .count_hi = 5),
		ITEM(.kinds = PKIND_RST | PKIND_FIN),
	};
	struct seq_outcome o;

	(void)state;
	make_keepalive_run();
	/* the range takes as many as it can: 2 then, after the ACK, stops */
	assert_true(seq_match(items, N(items), keepalive_run, N(keepalive_run), 0, &hosts).ok);
	/* from t = 23 on, one probe is left */
	o = seq_match(items, N(items), keepalive_run, N(keepalive_run), 23, &hosts);
	assert_false(o.ok);
	assert_int_equal(o.found, 1);
	/* nothing considered at all */
	o = seq_match(items, N(items), keepalive_run, N(keepalive_run), 100, &hosts);
	assert_false(o.ok);
	assert_int_equal(o.item, 0);
}

static void test_other_protocols(void **state)
{
	struct packet v[] = {
		seg(1, C, PKT_PSH | PKT_ACK, 10, PKT_CLS_DATA),
		{ .t_ns = 2, .proto = PACKET_ICMP, .family = AF_INET, .icmp_type = 3, .icmp_code = 1,
		  .src = { 198, 18, 0, 9 }, .dst = { 198, 18, 0, 1 } },
		seg(3, C, PKT_PSH | PKT_ACK, 10, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION),
	};
	struct seq_item strict[] = {
		ITEM(.from = C, .kinds = PKIND_DATA, .next = true),
		ITEM(.from = C, .kinds = PKIND_RETRANS, .next = true),
	};
	struct seq_item with_icmp[] = {
		ITEM(.from = C, .kinds = PKIND_DATA),
		ITEM(.to = C, .kinds = PKIND_ICMP_UNREACH, .next = true),
		ITEM(.from = C, .kinds = PKIND_RETRANS, .next = true),
	};
	char buf[160];

	(void)state;
	/* ICMP is not looked at unless an item asks for it */
	assert_true(seq_match(strict, N(strict), v, N(v), 0, &hosts).ok);
	assert_true(seq_match(with_icmp, N(with_icmp), v, N(v), 0, &hosts).ok);
	assert_string_equal(seq_packet_str(&v[1], &hosts, &(struct scenario){ .nhosts = 2,
		.hosts = { { .name = "client" }, { .name = "server" } } }, buf, sizeof(buf)),
		"ICMP type 3 code 1 198.18.0.9 > client");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loose),
		cmocka_unit_test(test_timing),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_strict_handshake),
		cmocka_unit_test(test_since_and_ranges),
		cmocka_unit_test(test_other_protocols),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
