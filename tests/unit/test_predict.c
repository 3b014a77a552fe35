/* predict's models against the kernel's formulas and against what the
 * catalogue measured on real kernels (the numbers in the comments): the
 * budget of tcp_retries2 and tcp_syn_retries, the firing that passes it,
 * keepalive with and without a user timeout, the SYN backoff before and
 * since 6.5. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness/predict/predict.h"

#define MS(x) ((int64_t)(x) * 1000000LL)
#define S(x) ((int64_t)(x) * 1000000000LL)

static int count(const struct predict_timeline *t, enum predict_event_kind k)
{
	int n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->ev[i].kind == k;
	return n;
}

static void test_model_timeout(void **state)
{
	(void)state;
	/* rto_min × (2^(N+1) − 1) up to the threshold ilog2(120 s / 200 ms) = 9 */
	assert_int_equal(predict_model_timeout(2, MS(200), S(120)), MS(1400));
	assert_int_equal(predict_model_timeout(3, MS(200), S(120)), S(3));
	assert_int_equal(predict_model_timeout(9, MS(200), S(120)), MS(204600));
	/* beyond it, 120 s per retry: the default 15 is 924.6 s */
	assert_int_equal(predict_model_timeout(15, MS(200), S(120)), MS(924600));
	/* a SYN's, from 1 s: threshold 6; the default 6 is 127 s */
	assert_int_equal(predict_model_timeout(6, S(1), S(120)), S(127));
	assert_int_equal(predict_model_timeout(3, S(1), S(120)), S(15));
}

static void test_keepalive(void **state)
{
	struct predict_params p;
	struct predict_timeline t;

	(void)state;
	predict_defaults(&p, 4);
	/* keepalive/pulled-cable: 2 s, 1 s, 3: probes at 2, 3, 4, dead at 5
	 * (measured: 5.08 s after the last segment) */
	p.keepidle_ns = S(2);
	p.keepintvl_ns = S(1);
	p.keepcnt = 3;
	predict_keepalive(&p, &t);
	assert_int_equal(count(&t, PE_PROBE), 3);
	assert_int_equal(t.ev[0].t_ns, S(2));
	assert_int_equal(t.ev[2].t_ns, S(4));
	assert_int_equal(t.give_up_ns, S(5));
	/* the defaults: 2 h, then 9 probes 75 s apart: 2 h 11 min 15 s */
	predict_defaults(&p, 4);
	predict_keepalive(&p, &t);
	assert_int_equal(t.give_up_ns, S(7200 + 9 * 75));
	/* a user timeout of 5.5 s with 2 s, 1 s, 9: the probe timers at 2, 3,
	 * 4, 5, 6 s; the first past 5.5 s with a probe out gives up */
	predict_defaults(&p, 4);
	p.keepidle_ns = S(2);
	p.keepintvl_ns = S(1);
	p.user_timeout_ns = MS(5500);
	predict_keepalive(&p, &t);
	assert_int_equal(count(&t, PE_PROBE), 4);
	assert_int_equal(t.give_up_ns, S(6));
}

static void test_retransmit(void **state)
{
	struct predict_params p;
	struct predict_timeline t;

	(void)state;
	predict_defaults(&p, 4);
	/* silence/sysctl-retries: tcp_retries2 2 (1.4 s), a LAN: RTO 204 ms.
	 * Tail-loss probe 0.204 s, retransmissions at 0.408, 0.816, 1.632;
	 * the firing 2.856 s after the first passes 1.4 s: dead at 3.264 s
	 * (measured: 3.35 s after the first unacknowledged segment, 3
	 * retransmissions) */
	p.retries2 = 2;
	p.rtt_ns = MS(4);
	predict_retransmit(&p, &t);
	assert_int_equal(t.rto_ns, MS(204));
	assert_int_equal(count(&t, PE_TLP), 1);
	assert_int_equal(count(&t, PE_RETRANSMISSION), 3);
	assert_int_equal(t.give_up_ns, MS(3264));
	/* tcp_retries2 3 (3 s) on the knife edge: 14 RTOs of 204 ms are
	 * 2.856 s, one short: a fourth retransmission, dead at 6.528 s
	 * (measured 6.7-6.9 s); an RTO of 216 ms (a 16 ms round trip) passes
	 * 3 s at the third: dead at 3.456 s (measured 3.5 s) */
	p.retries2 = 3;
	predict_retransmit(&p, &t);
	assert_int_equal(count(&t, PE_RETRANSMISSION), 4);
	assert_int_equal(t.give_up_ns, MS(204) * 32);
	p.rtt_ns = MS(16);
	predict_retransmit(&p, &t);
	assert_int_equal(count(&t, PE_RETRANSMISSION), 3);
	assert_int_equal(t.give_up_ns, MS(216) * 16);
	/* netem/netem-cable-pull: a 100 ms path, RTO 300 ms: the probe is
	 * capped at the RTO; dead 4.8 s after (measured 4.59-4.78 s) */
	p.rtt_ns = MS(100);
	predict_retransmit(&p, &t);
	assert_int_equal(t.ev[0].t_ns, MS(300));
	assert_int_equal(t.give_up_ns, MS(4800));
	/* a user timeout of 1 s: the timer is clamped to it, dead 1 s after
	 * the first retransmission */
	p.rtt_ns = MS(4);
	p.user_timeout_ns = S(1);
	predict_retransmit(&p, &t);
	assert_int_equal(t.give_up_ns, MS(408) + S(1));
	assert_int_equal(count(&t, PE_RETRANSMISSION), 2);
	/* the defaults: tcp_retries2 15 stands for 924.6 s. With an RTO of
	 * exactly 200 ms the firings after the first retransmission add up
	 * to 924.4 s at the 15th — 0.2 s short — so a 16th goes out and the
	 * end comes 120 s later; with 204 ms (any round trip at all) the
	 * 15th passes it at 928.5 s */
	predict_defaults(&p, 4);
	p.tlp = false;
	predict_retransmit(&p, &t);
	assert_int_equal(count(&t, PE_RETRANSMISSION), 16);
	assert_int_equal(t.give_up_ns, MS(200) + MS(1044400));
	p.rtt_ns = MS(4);
	predict_retransmit(&p, &t);
	assert_int_equal(count(&t, PE_RETRANSMISSION), 15);
	assert_int_equal(t.give_up_ns, MS(204) + MS(208488) + 6 * S(120));
}

static void test_connect(void **state)
{
	struct predict_params p;
	struct predict_timeline t;

	(void)state;
	/* connect/syn-retries, tcp_syn_retries 3 (15 s). Before 6.5: SYNs at
	 * 0, 1, 3, 7, dead at 15 (measured 15.35 s, 4 SYNs) */
	predict_defaults(&p, 0);
	p.syn_retries = 3;
	predict_connect(&p, &t);
	assert_int_equal(count(&t, PE_SYN) + count(&t, PE_RETRANSMISSION), 4);
	assert_int_equal(t.ev[3].t_ns, S(7));
	assert_int_equal(t.give_up_ns, S(15));
	/* since 6.5: 0, 1, 2, 3, 4, 5, 7, 11, dead at 19 (measured 19.4 s,
	 * 8 SYNs) */
	p.syn_linear = 4;
	predict_connect(&p, &t);
	assert_int_equal(count(&t, PE_SYN) + count(&t, PE_RETRANSMISSION), 8);
	assert_int_equal(t.ev[5].t_ns, S(5));
	assert_int_equal(t.ev[7].t_ns, S(11));
	assert_int_equal(t.give_up_ns, S(19));
	/* the defaults, tcp_syn_retries 6 (127 s): 127 s before 6.5 (6
	 * retransmissions), 131 s since (10) */
	predict_defaults(&p, 0);
	predict_connect(&p, &t);
	assert_int_equal(t.give_up_ns, S(127));
	assert_int_equal(count(&t, PE_RETRANSMISSION), 6);
	predict_defaults(&p, 4);
	predict_connect(&p, &t);
	assert_int_equal(t.give_up_ns, S(131));
	assert_int_equal(count(&t, PE_RETRANSMISSION), 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_timeout),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_retransmit),
		cmocka_unit_test(test_connect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
