/* The TCP tracker on synthetic conversations: which segment is data, a
 * retransmission, a keepalive probe, a zero-window probe or a pure ACK. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "captures/packet.h"
#include "captures/tcp_track.h"

#define IP_CLIENT 198, 18, 0, 1
#define IP_SERVER 198, 18, 0, 2

enum { C, S };	/* client 198.18.0.1:45678, server 198.18.0.2:7000 */

#define A PKT_ACK
#define PA (PKT_PSH | PKT_ACK)

/* A segment of connection @conn (0, 1, ...: client ports 45678, 45679, ...)
 * from @from, acknowledging @ack. */
static struct packet seg_on(int conn, int from, uint8_t flags, uint32_t seq,
			    uint32_t ack, uint32_t len, uint16_t win)
{
	const uint8_t c[4] = { IP_CLIENT }, s[4] = { IP_SERVER };
	struct packet p = {
		.proto = PACKET_TCP, .family = AF_INET, .flags = flags,
		.seq = seq, .ack = ack, .payload_len = len, .window = win,
	};
	uint16_t cport = (uint16_t)(45678 + conn);

	memcpy(p.src, from == C ? c : s, 4);
	memcpy(p.dst, from == C ? s : c, 4);
	p.sport = from == C ? cport : 7000;
	p.dport = from == C ? 7000 : cport;
	return p;
}

#define seg(...) seg_on(0, __VA_ARGS__)
#define CLASSIFY(v) tcp_track_classify(v, sizeof(v) / sizeof(v[0]))

static void test_handshake_and_data(void **state)
{
	struct packet v[] = {
		seg(C, PKT_SYN, 100, 0, 0, 64240),	/* 0 */
		seg(S, PKT_SYN | A, 500, 101, 0, 65160),/* 1 */
		seg(C, A, 101, 501, 0, 502),		/* 2 */
		seg(C, PA, 101, 501, 1000, 502),	/* 3 */
		seg(S, A, 501, 1101, 0, 500),		/* 4 */
		seg(S, PA, 501, 1101, 20, 500),		/* 5 */
		seg(C, PA, 1101, 521, 500, 502),	/* 6 */
	};

	(void)state;
	CLASSIFY(v);
	assert_int_equal(v[0].cls, 0);
	assert_int_equal(v[1].cls, 0);
	assert_int_equal(v[2].cls, PKT_CLS_PURE_ACK);
	assert_int_equal(v[3].cls, PKT_CLS_DATA);
	assert_int_equal(v[4].cls, PKT_CLS_PURE_ACK);
	assert_int_equal(v[5].cls, PKT_CLS_DATA);
	assert_int_equal(v[6].cls, PKT_CLS_DATA);
}

static void test_data_retransmission(void **state)
{
	struct packet v[] = {
		seg(C, PA, 101, 501, 1000, 502),	/* 0 101:1101 */
		seg(C, PA, 1101, 501, 1000, 502),	/* 1 1101:2101 */
		seg(C, PA, 101, 501, 1000, 502),	/* 2 RTO: 101:1101 again */
		seg(C, PA, 101, 501, 1500, 502),	/* 3 re-packetised, overlapping */
		seg(S, A, 501, 2101, 0, 500),		/* 4 */
		seg(C, PA, 2101, 501, 10, 502),		/* 5 new */
	};

	(void)state;
	CLASSIFY(v);
	assert_int_equal(v[0].cls, PKT_CLS_DATA);
	assert_int_equal(v[1].cls, PKT_CLS_DATA);
	assert_int_equal(v[2].cls, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[3].cls, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[4].cls, PKT_CLS_PURE_ACK);
	assert_int_equal(v[5].cls, PKT_CLS_DATA);
}

static void test_syn_retransmission(void **state)
{
	struct packet v[] = {
		seg(C, PKT_SYN, 100, 0, 0, 64240),	/* 0 */
		seg(C, PKT_SYN, 100, 0, 0, 64240),	/* 1 after 1 s */
		seg(C, PKT_SYN, 100, 0, 0, 64240),	/* 2 after 3 s */
		seg(S, PKT_SYN | A, 500, 101, 0, 65160),/* 3 */
		seg(S, PKT_SYN | A, 500, 101, 0, 65160),/* 4 the SYN-ACK again */
		seg(S, PKT_RST | A, 501, 101, 0, 0),	/* 5 */
	};

	(void)state;
	CLASSIFY(v);
	assert_int_equal(v[0].cls, 0);
	assert_int_equal(v[1].cls, PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[2].cls, PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[3].cls, 0);
	assert_int_equal(v[4].cls, PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[5].cls, 0);	/* a RST is none of these */
}

static void test_fin_retransmission(void **state)
{
	struct packet v[] = {
		seg(C, PA, 101, 501, 10, 502),		/* 0 101:111 */
		seg(C, PKT_FIN | A, 111, 501, 0, 502),	/* 1 FIN at 111 */
		seg(C, PKT_FIN | A, 111, 501, 0, 502),	/* 2 FIN again */
		seg(C, PKT_FIN | PA, 101, 501, 10, 502),/* 3 data and FIN again, together */
		seg(S, A, 501, 112, 0, 500),		/* 4 */
	};

	(void)state;
	CLASSIFY(v);
	assert_int_equal(v[0].cls, PKT_CLS_DATA);
	assert_int_equal(v[1].cls, 0);
	assert_int_equal(v[2].cls, PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[3].cls, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[4].cls, PKT_CLS_PURE_ACK);
}

static void test_linux_keepalives(void **state)
{
	/* An idle connection, then the server's keepalive timer fires
	 * (tcp_keepalive_time): three probes at snd_una - 1, unanswered once
	 * the cable is pulled, then the give-up RST. */
	struct packet v[] = {
		seg(C, PKT_SYN, 100, 0, 0, 64240),	/* 0 */
		seg(S, PKT_SYN | A, 500, 101, 0, 65160),/* 1 */
		seg(C, A, 101, 501, 0, 502),		/* 2 */
		seg(S, A, 500, 101, 0, 509),		/* 3 probe */
		seg(C, A, 101, 501, 0, 502),		/* 4 its answer */
		seg(S, A, 500, 101, 0, 509),		/* 5 probe: no answer */
		seg(S, A, 500, 101, 0, 509),		/* 6 */
		seg(S, A, 500, 101, 0, 509),		/* 7 */
		seg(S, PKT_RST | A, 501, 101, 0, 0),	/* 8 */
	};

	(void)state;
	CLASSIFY(v);
	assert_int_equal(v[2].cls, PKT_CLS_PURE_ACK);
	assert_int_equal(v[3].cls, PKT_CLS_KEEPALIVE);
	assert_int_equal(v[4].cls, PKT_CLS_PURE_ACK | PKT_CLS_KEEPALIVE_ACK);
	for (int i = 5; i <= 7; i++)
		assert_int_equal(v[i].cls, PKT_CLS_KEEPALIVE);
	assert_int_equal(v[8].cls, 0);
}

static void test_one_byte_keepalive(void **state)
{
	/* BSD and Windows put one already-acknowledged byte in the probe */
	struct packet v[] = {
		seg(C, PA, 1, 1, 100, 502),		/* 0 1:101 */
		seg(S, A, 1, 101, 0, 500),		/* 1 all acknowledged */
		seg(C, A, 100, 1, 1, 502),		/* 2 probe: byte 100 again */
		seg(S, A, 1, 101, 0, 500),		/* 3 */
		seg(C, A, 100, 1, 1, 502),		/* 4 probe */
	};

	(void)state;
	CLASSIFY(v);
	assert_int_equal(v[0].cls, PKT_CLS_DATA);
	assert_int_equal(v[2].cls, PKT_CLS_KEEPALIVE);
	assert_int_equal(v[3].cls, PKT_CLS_PURE_ACK | PKT_CLS_KEEPALIVE_ACK);
	assert_int_equal(v[4].cls, PKT_CLS_KEEPALIVE);
}

static void test_one_byte_retransmission(void **state)
{
	/* one keystroke lost: the same shape as a one-byte probe, but the
	 * byte was never acknowledged */
	struct packet v[] = {
		seg(C, PA, 1, 1, 10, 502),		/* 0 1:11 */
		seg(S, A, 1, 11, 0, 500),		/* 1 */
		seg(C, PA, 11, 1, 1, 502),		/* 2 11:12 */
		seg(C, PA, 11, 1, 1, 502),		/* 3 RTO: 11:12 again */
	};

	(void)state;
	CLASSIFY(v);
	assert_int_equal(v[2].cls, PKT_CLS_DATA);
	assert_int_equal(v[3].cls, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION);
}

static void test_zero_window_probe(void **state)
{
	struct packet v[] = {
		seg(C, PA, 1, 1, 1000, 502),		/* 0 1:1001 */
		seg(S, A, 1, 1001, 0, 0),		/* 1 the server's buffer is full */
		seg(C, A, 1000, 1, 0, 502),		/* 2 zero-window probe */
		seg(S, A, 1, 1001, 0, 0),		/* 3 still closed */
		seg(C, A, 1000, 1, 0, 502),		/* 4 probe, backed off */
		seg(S, A, 1, 1001, 0, 64),		/* 5 window update */
		seg(C, PA, 1001, 1, 500, 502),		/* 6 data flows again */
		seg(S, A, 1, 1501, 0, 64),		/* 7 */
		seg(C, A, 1500, 1, 0, 502),		/* 8 idle, open window: keepalive */
	};

	(void)state;
	CLASSIFY(v);
	assert_int_equal(v[1].cls, PKT_CLS_PURE_ACK);
	assert_int_equal(v[2].cls, PKT_CLS_ZERO_WINDOW);
	assert_int_equal(v[3].cls, PKT_CLS_PURE_ACK);
	assert_int_equal(v[4].cls, PKT_CLS_ZERO_WINDOW);
	assert_int_equal(v[6].cls, PKT_CLS_DATA);
	assert_int_equal(v[8].cls, PKT_CLS_KEEPALIVE);
}

static void test_data_after_probe(void **state)
{
	struct packet v[] = {
		seg(S, A, 500, 101, 0, 509),		/* 0 capture starts mid-connection */
		seg(S, A, 499, 101, 0, 509),		/* 1 probe */
		seg(C, A, 101, 500, 0, 502),		/* 2 */
		seg(S, PA, 500, 101, 1, 509),		/* 3 one new byte: data, not a probe */
		seg(S, PA, 501, 101, 100, 509),		/* 4 */
		seg(S, A, 500, 101, 0, 509),		/* 5 an old seq, but not end - 1 */
	};

	(void)state;
	CLASSIFY(v);
	assert_int_equal(v[0].cls, PKT_CLS_PURE_ACK);
	assert_int_equal(v[1].cls, PKT_CLS_KEEPALIVE);
	assert_int_equal(v[2].cls, PKT_CLS_PURE_ACK | PKT_CLS_KEEPALIVE_ACK);
	assert_int_equal(v[3].cls, PKT_CLS_DATA);
	assert_int_equal(v[4].cls, PKT_CLS_DATA);
	assert_int_equal(v[5].cls, PKT_CLS_PURE_ACK);
}

static void test_connections_interleaved(void **state)
{
	struct packet v[] = {
		seg_on(0, C, PA, 101, 501, 100, 502),	/* 0 conn 0: 101:201 */
		seg_on(1, C, PA, 101, 501, 100, 502),	/* 1 conn 1: the same numbers */
		seg_on(1, S, A, 501, 201, 0, 0),	/* 2 conn 1 closes its window */
		seg_on(0, C, PA, 101, 501, 100, 502),	/* 3 conn 0 retransmits */
		seg_on(1, C, A, 200, 501, 0, 502),	/* 4 conn 1: zero-window probe */
		seg_on(0, S, A, 501, 201, 0, 500),	/* 5 */
		seg_on(0, C, A, 200, 501, 0, 502),	/* 6 conn 0: keepalive */
	};

	(void)state;
	CLASSIFY(v);
	assert_int_equal(v[0].cls, PKT_CLS_DATA);
	assert_int_equal(v[1].cls, PKT_CLS_DATA);
	assert_int_equal(v[3].cls, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[4].cls, PKT_CLS_ZERO_WINDOW);
	assert_int_equal(v[6].cls, PKT_CLS_KEEPALIVE);
}

static void test_wraparound_and_reuse(void **state)
{
	struct packet v[] = {
		seg(C, PA, 0xfffffff0u, 1, 0x20, 502),	/* 0 crosses 2^32 */
		seg(C, PA, 0x10, 1, 0x10, 502),		/* 1 next: new */
		seg(C, PA, 0xfffffff0u, 1, 0x20, 502),	/* 2 the first again */
		seg(C, A, 0x1f, 1, 0, 502),		/* 3 probe below the wrap */
		seg(C, PKT_SYN, 7, 0, 0, 64240),	/* 4 the 4-tuple reused: new ISN */
		seg(S, PKT_SYN | A, 900, 8, 0, 65160),	/* 5 */
		seg(C, PA, 8, 901, 10, 502),		/* 6 */
	};

	(void)state;
	CLASSIFY(v);
	assert_int_equal(v[0].cls, PKT_CLS_DATA);
	assert_int_equal(v[1].cls, PKT_CLS_DATA);
	assert_int_equal(v[2].cls, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[3].cls, PKT_CLS_KEEPALIVE);
	assert_int_equal(v[4].cls, 0);
	assert_int_equal(v[5].cls, 0);
	assert_int_equal(v[6].cls, PKT_CLS_DATA);
}

static void test_many_connections(void **state)
{
	enum { N = 3000 };
	static struct packet v[2 * N];

	(void)state;
	/* enough to grow the table several times; each connection's second
	 * segment re-sends its first */
	for (int i = 0; i < N; i++) {
		v[i] = seg_on(i, C, PA, 1, 1, 10, 502);
		v[N + i] = seg_on(i, C, PA, 1, 1, 10, 502);
		v[N + i].cls = PKT_CLS_PURE_ACK;	/* stale bits are cleared */
	}
	tcp_track_classify(v, 2 * N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(v[i].cls, PKT_CLS_DATA);
		assert_int_equal(v[N + i].cls, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION);
	}
}

static void test_duplicate_acks(void **state)
{
	/* segment 1001:2001 is lost: the client acknowledges 1001 again for
	 * each later segment, then the server fast-retransmits */
	struct packet v[] = {
		seg(S, PA, 1, 1, 1000, 500),		/* 0 1:1001 */
		seg(C, A, 1, 1001, 0, 502),		/* 1 */
		seg(S, PA, 2001, 1, 1000, 500),		/* 2 after a lost 1001:2001 */
		seg(C, A, 1, 1001, 0, 502),		/* 3 dup */
		seg(S, PA, 3001, 1, 1000, 500),		/* 4 */
		seg(C, A, 1, 1001, 0, 502),		/* 5 dup */
		seg(C, A, 1, 1001, 0, 600),		/* 6 a window update, not a dup */
		seg(S, PA, 1001, 1, 1000, 500),		/* 7 the hole filled */
		seg(C, A, 1, 4001, 0, 600),		/* 8 */
	};

	(void)state;
	CLASSIFY(v);
	assert_int_equal(v[1].cls, PKT_CLS_PURE_ACK);
	assert_int_equal(v[3].cls, PKT_CLS_PURE_ACK | PKT_CLS_DUP_ACK);
	assert_int_equal(v[5].cls, PKT_CLS_PURE_ACK | PKT_CLS_DUP_ACK);
	assert_int_equal(v[6].cls, PKT_CLS_PURE_ACK);
	assert_int_equal(v[7].cls, PKT_CLS_DATA | PKT_CLS_RETRANSMISSION);
	assert_int_equal(v[8].cls, PKT_CLS_PURE_ACK);
}

struct done_log {
	long ids[16];
	int64_t last[16];
	size_t n;
};

static void log_done(void *arg, struct tcp_conn *c)
{
	struct done_log *l = arg;

	l->ids[l->n] = c->id;
	l->last[l->n++] = c->last_ns;
}

#define SEC 1000000000LL

static void test_tracker_forgets(void **state)
{
	struct done_log log = { 0 };
	struct tcp_tracker *t = tcp_tracker_new(log_done, &log);
	struct packet v[] = {
		seg_on(0, C, PKT_SYN, 100, 0, 0, 64240),	/* conn 1 */
		seg_on(1, C, PKT_SYN, 700, 0, 0, 64240),	/* conn 2 */
		seg_on(0, S, PKT_RST | A, 0, 101, 0, 0),	/* conn 1 ended */
		seg_on(1, S, PKT_SYN | A, 900, 701, 0, 65160),
		seg_on(1, C, A, 701, 901, 0, 502),		/* conn 2 open, then idle */
		seg_on(2, C, PKT_SYN, 5, 0, 0, 64240),		/* conn 3, 121 s later */
		seg_on(1, C, PKT_SYN, 9000, 0, 0, 64240),	/* conn 4 replaces conn 2 */
	};
	struct tcp_conn *c;
	int dir;

	(void)state;
	assert_non_null(t);
	for (size_t i = 0; i < 5; i++) {
		v[i].t_ns = (int64_t)i * SEC;
		assert_non_null(c = tcp_tracker_feed(t, &v[i], &dir));
	}
	assert_int_equal(c->id, 2);
	assert_int_equal(dir, 0);	/* 198.18.0.1 is the lower endpoint */
	assert_int_equal(tcp_tracker_live(t), 2);
	assert_non_null(tcp_tracker_find(t, AF_INET, v[3].src, v[3].sport, v[3].dst, v[3].dport, &dir));
	assert_int_equal(dir, 1);
	v[5].t_ns = 2 * SEC + TCP_TRACK_ENDED_IDLE_NS + 1;
	assert_non_null(c = tcp_tracker_feed(t, &v[5], &dir));
	assert_int_equal(c->id, 3);
	assert_int_equal(log.n, 1);	/* the ended one, once quiet */
	assert_int_equal(log.ids[0], 1);
	assert_int_equal(tcp_tracker_peak(t), 2);
	v[6].t_ns = v[5].t_ns;
	assert_non_null(c = tcp_tracker_feed(t, &v[6], &dir));
	assert_int_equal(c->id, 4);
	assert_int_equal(log.n, 2);	/* replaced on its 4-tuple */
	assert_int_equal(log.ids[1], 2);
	assert_int_equal(log.last[1], 4 * SEC);
	tcp_tracker_free(t);
	assert_int_equal(log.n, 4);	/* the rest, in id order */
	assert_int_equal(log.ids[2], 3);
	assert_int_equal(log.ids[3], 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_and_data),
		cmocka_unit_test(test_data_retransmission),
		cmocka_unit_test(test_syn_retransmission),
		cmocka_unit_test(test_fin_retransmission),
		cmocka_unit_test(test_linux_keepalives),
		cmocka_unit_test(test_one_byte_keepalive),
		cmocka_unit_test(test_one_byte_retransmission),
		cmocka_unit_test(test_zero_window_probe),
		cmocka_unit_test(test_data_after_probe),
		cmocka_unit_test(test_connections_interleaved),
		cmocka_unit_test(test_wraparound_and_reuse),
		cmocka_unit_test(test_many_connections),
		cmocka_unit_test(test_duplicate_acks),
		cmocka_unit_test(test_tracker_forgets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
