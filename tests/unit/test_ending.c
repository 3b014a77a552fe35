/* Connection endings from synthetic conversations: who closed, reset or
 * gave up, when, on what evidence; and the words and JSON made of them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "captures/ending.h"
#include "reports/explain.h"

enum { C, S };	/* client 198.18.0.1:45678, server 198.18.0.2:7000 */

#define A PKT_ACK
#define PA (PKT_PSH | PKT_ACK)
#define MS 1000000LL

static struct packet seg(int64_t t_ms, int from, uint8_t flags, uint32_t seq, uint32_t ack,
			 uint32_t len)
{
	static long frame;
	const uint8_t c[4] = { 198, 18, 0, 1 }, s[4] = { 198, 18, 0, 2 };
	struct packet p = {
		.t_ns = t_ms * MS, .frame = ++frame, .proto = PACKET_TCP, .family = AF_INET,
		.flags = flags, .seq = seq, .ack = ack, .payload_len = len, .window = 500,
	};

	memcpy(p.src, from == C ? c : s, 4);
	memcpy(p.dst, from == C ? s : c, 4);
	p.sport = from == C ? 45678 : 7000;
	p.dport = from == C ? 7000 : 45678;
	return p;
}

struct told {
	struct conn_story v[4];
	size_t n;
};

static void keep(void *arg, const struct conn_story *s)
{
	struct told *t = arg;

	if (t->n < 4)
		t->v[t->n++] = *s;
}

static void run(struct packet *v, size_t n, struct told *t, struct ending_totals *tot)
{
	struct ending *e = ending_new(keep, t);

	assert_non_null(e);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ending_feed(e, &v[i]), 0);
	ending_finish(e, tot);
}

#define HANDSHAKE \
	seg(0, C, PKT_SYN, 100, 0, 0), \
	seg(1, S, PKT_SYN | A, 500, 101, 0), \
	seg(2, C, A, 101, 501, 0)

static void test_graceful_close(void **state)
{
	struct packet v[] = {
		HANDSHAKE,
		seg(10, C, PA, 101, 501, 10),
		seg(11, S, A, 501, 111, 0),
		seg(20, S, PKT_FIN | A, 501, 111, 0),	/* the server closes first */
		seg(21, C, PA, 111, 502, 5),		/* the client still sends */
		seg(30, C, PKT_FIN | A, 116, 502, 0),
		seg(31, S, A, 502, 117, 0),
	};
	struct told t = { 0 };
	struct ending_totals tot;
	char buf[1024];

	(void)state;
	run(v, sizeof(v) / sizeof(v[0]), &t, &tot);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.v[0].end, END_FIN);
	assert_int_equal(t.v[0].end_by, 1);
	assert_int_equal(t.v[0].end_ns, 20 * MS);
	assert_int_equal(t.v[0].bytes_after_fin[0], 5);
	assert_int_equal(t.v[0].side[0].data, 2);
	assert_int_equal(t.v[0].side[0].bytes, 15);
	assert_int_equal(tot.by_kind[END_FIN], 1);
	explain_sentence(&t.v[0], 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Graceful close: 198.18.0.2:7000 closed first (FIN at 0.020000 s)"));
	assert_non_null(strstr(buf, "went on sending 5 bytes (a half-close)"));
}

static void test_rst_answers_data(void **state)
{
	struct packet v[] = {
		HANDSHAKE,
		seg(500, C, PA, 101, 501, 100),
		seg(501, S, PKT_RST, 501, 0, 0),
	};
	struct told t = { 0 };
	char buf[1024];

	(void)state;
	run(v, sizeof(v) / sizeof(v[0]), &t, NULL);
	assert_int_equal(t.v[0].end, END_RST);
	assert_int_equal(t.v[0].end_by, 1);
	assert_true(t.v[0].rst_answered);
	explain_sentence(&t.v[0], 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "in answer to data (100 bytes) from 198.18.0.1:45678 1.0 ms before"));
}

static void test_rst_long_after_is_unprompted(void **state)
{
	/* the last segment before the RST was the other side's, but 750 ms
	 * before, with a 2 ms round trip: an abort, not an answer */
	struct packet v[] = {
		HANDSHAKE,
		seg(752, S, PKT_RST | A, 501, 101, 0),
	};
	struct told t = { 0 };
	char buf[1024];

	(void)state;
	run(v, sizeof(v) / sizeof(v[0]), &t, NULL);
	assert_int_equal(t.v[0].rtt_ns, 2 * MS);
	assert_int_equal(t.v[0].end, END_RST);
	assert_false(t.v[0].rst_answered);
	explain_sentence(&t.v[0], 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "unprompted (an abort): 198.18.0.1:45678's last segment (ACK) was 750 ms before"));
}

static void test_keepalive_gives_up(void **state)
{
	struct packet v[] = {
		HANDSHAKE,
		seg(2002, S, A, 500, 101, 0),		/* probe */
		seg(3002, S, A, 500, 101, 0),
		seg(4002, S, A, 500, 101, 0),
		seg(5002, S, PKT_RST | A, 501, 101, 0),
	};
	struct told t = { 0 };
	char buf[1024];

	(void)state;
	run(v, sizeof(v) / sizeof(v[0]), &t, NULL);
	assert_int_equal(t.v[0].end, END_KEEPALIVE_TIMEOUT);
	assert_int_equal(t.v[0].end_by, 1);
	assert_int_equal(t.v[0].end_ns, 5002 * MS);
	assert_int_equal(t.v[0].gave_up.probes, 3);
	assert_int_equal(t.v[0].gave_up.before_ns, 2 * MS);
	assert_int_equal(t.v[0].side[1].keepalive_probes, 3);
	explain_sentence(&t.v[0], 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "sent 3 keepalive probes into silence, 1, 1 s apart; then it reset"));
}

static void test_retransmission_timeout(void **state)
{
	struct packet v[] = {
		HANDSHAKE,
		seg(500, C, PA, 101, 501, 100),
		seg(700, C, PA, 101, 501, 100),
		seg(1100, C, PA, 101, 501, 100),
		seg(1900, C, PA, 101, 501, 100),
		/* nothing for 8 s, more than twice the last interval */
		seg(9900, S, PKT_SYN, 9000, 0, 0),	/* an unrelated connection */
	};
	struct told t = { 0 };

	(void)state;
	v[7].sport = 7001;
	v[7].dport = 45000;
	run(v, sizeof(v) / sizeof(v[0]), &t, NULL);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.v[0].end, END_TIMEOUT);
	assert_int_equal(t.v[0].end_by, 0);
	assert_int_equal(t.v[0].gave_up.resends, 3);
	assert_int_equal(t.v[0].end_ns, 1900 * MS);
	assert_int_equal(t.v[0].nsilences, 1);
	assert_false(t.v[0].silences[0].answered);
}

static void test_cut_by_capture(void **state)
{
	struct packet v[] = {
		HANDSHAKE,
		seg(500, C, PA, 101, 501, 100),
		seg(700, C, PA, 101, 501, 100),
		seg(1100, C, PA, 101, 501, 100),
	};
	struct told t = { 0 };
	char buf[1024];

	(void)state;
	run(v, sizeof(v) / sizeof(v[0]), &t, NULL);
	assert_int_equal(t.v[0].end, END_OPEN);
	assert_true(t.v[0].cut_by_capture);
	assert_int_equal(t.v[0].resender, 0);
	explain_sentence(&t.v[0], 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "was still retransmitting into silence"));
}

static void test_icmp_quotes_connection(void **state)
{
	struct packet v[] = {
		HANDSHAKE,
		seg(500, C, PA, 101, 501, 100),
		{ .t_ns = 501 * MS, .frame = 99, .proto = PACKET_ICMP, .family = AF_INET,
		  .src = { 198, 18, 0, 254 }, .dst = { 198, 18, 0, 1 }, .icmp_type = 3, .icmp_code = 1,
		  .quote_family = AF_INET, .quote_src = { 198, 18, 0, 1 },
		  .quote_dst = { 198, 18, 0, 2 }, .quote_sport = 45678, .quote_dport = 7000 },
	};
	struct told t = { 0 };
	struct ending_totals tot;
	char lines[EXPLAIN_MAX_EVIDENCE][EXPLAIN_LINE];
	size_t n;
	json_object *j;

	(void)state;
	run(v, sizeof(v) / sizeof(v[0]), &t, &tot);
	assert_int_equal(tot.icmp_quoting, 1);
	assert_int_equal(t.v[0].nicmp, 1);
	assert_int_equal(t.v[0].icmp[0].about_side, 0);
	n = explain_evidence(&t.v[0], 0, lines, EXPLAIN_MAX_EVIDENCE);
	assert_true(n >= 1);
	assert_non_null(strstr(lines[n - 1], "ICMP host unreachable from 198.18.0.254, quoting a segment from 198.18.0.1:45678"));
	j = explain_json(&t.v[0], 0);
	assert_non_null(j);
	assert_string_equal(json_object_get_string(json_object_object_get(
		json_object_object_get(j, "end"), "kind")), "open");
	assert_int_equal(json_object_get_int(json_object_object_get(
		json_object_object_get(j, "server"), "port")), 7000);
	assert_int_equal(json_object_get_int(json_object_object_get(
		json_object_object_get(j, "client"), "data")), 1);
	json_object_put(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graceful_close),
		cmocka_unit_test(test_rst_answers_data),
		cmocka_unit_test(test_rst_long_after_is_unprompted),
		cmocka_unit_test(test_keepalive_gives_up),
		cmocka_unit_test(test_retransmission_timeout),
		cmocka_unit_test(test_cut_by_capture),
		cmocka_unit_test(test_icmp_quotes_connection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
