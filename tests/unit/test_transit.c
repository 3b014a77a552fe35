/* The transit matcher on synthetic captures: delays and their median,
 * a duplicate, a segment re-sent identically, a loss told from a segment
 * still in flight, and arrivals nobody sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness/expects/transit.h"

#define MS(x) ((int64_t)(x) * 1000000LL)

static struct packet seg(int64_t t, uint64_t fp, long frame)
{
	return (struct packet){ .t_ns = t, .proto = PACKET_TCP, .fingerprint = fp, .frame = frame };
}

static struct transit measure(const struct packet *s, size_t ns, const struct packet *a,
			      size_t na, int64_t end, int64_t flight)
{
	const struct packet *sp[16], *ap[16];
	struct transit t;

	for (size_t i = 0; i < ns; i++)
		sp[i] = &s[i];
	for (size_t i = 0; i < na; i++)
		ap[i] = &a[i];
	assert_int_equal(transit_measure(sp, ns, ap, na, end, flight, &t), 0);
	return t;
}

static void test_delays(void **state)
{
	const struct packet s[] = { seg(MS(0), 1, 1), seg(MS(10), 2, 2), seg(MS(20), 3, 3),
				    seg(MS(30), 4, 4) };
	/* out of order at the receiver: 3 overtakes 2 */
	const struct packet a[] = { seg(MS(40), 1, 7), seg(MS(45), 3, 8), seg(MS(60), 2, 9),
				    seg(MS(60), 4, 10) };
	struct transit t = measure(s, 4, a, 4, MS(1000), 0);

	(void)state;
	assert_int_equal(t.sent, 4);
	assert_int_equal(t.segments, 4);
	assert_int_equal(t.lost, 0);
	assert_int_equal(t.duplicated, 0);
	assert_int_equal(t.min_ns, MS(25));
	assert_int_equal(t.max_ns, MS(50));
	/* 25, 30, 40, 50: the lower median */
	assert_int_equal(t.median_ns, MS(30));
	assert_int_equal(t.min_s_frame, 3);
	assert_int_equal(t.min_r_frame, 8);
	assert_int_equal(t.max_s_frame, 2);
	assert_int_equal(t.max_r_frame, 9);
}

static void test_duplicate(void **state)
{
	const struct packet s[] = { seg(MS(0), 1, 1) };
	const struct packet a[] = { seg(MS(5), 1, 1), seg(MS(6), 1, 2), seg(MS(9), 1, 3) };
	struct transit t = measure(s, 1, a, 3, MS(1000), 0);

	(void)state;
	assert_int_equal(t.segments, 1);
	assert_int_equal(t.duplicated, 2);
	assert_int_equal(t.max_ns, MS(5));
}

/* The same bytes sent twice: each arrival belongs to the latest sending
 * before it, so the second's delay is not counted from the first. */
static void test_identical_resend(void **state)
{
	const struct packet s[] = { seg(MS(0), 7, 1), seg(MS(200), 7, 2) };
	const struct packet a[] = { seg(MS(210), 7, 1) };
	struct transit t = measure(s, 2, a, 1, MS(1000), 0);

	(void)state;
	assert_int_equal(t.segments, 1);
	assert_int_equal(t.max_ns, MS(10));
	assert_int_equal(t.lost, 1);
	assert_int_equal(t.lost_frame, 1);
}

static void test_lost_or_in_flight(void **state)
{
	const struct packet s[] = { seg(MS(0), 1, 1), seg(MS(100), 2, 2), seg(MS(900), 3, 3),
				    seg(MS(980), 4, 4) };
	const struct packet a[] = { seg(MS(50), 1, 1) };
	struct transit t;

	(void)state;
	/* the longest delay seen (50 ms) decides: 980 is in flight at 1000 */
	t = measure(s, 4, a, 1, MS(1000), 0);
	assert_int_equal(t.lost, 2);
	assert_int_equal(t.in_flight, 1);
	assert_int_equal(t.lost_frame, 2);
	/* a longer delay allowed: 900 is in flight too */
	t = measure(s, 4, a, 1, MS(1000), MS(300));
	assert_int_equal(t.lost, 1);
	assert_int_equal(t.in_flight, 2);
}

static void test_nothing_matches(void **state)
{
	const struct packet s[] = { seg(MS(10), 1, 1) };
	/* arrived before it was sent, and one nobody sent */
	const struct packet a[] = { seg(MS(5), 1, 1), seg(MS(20), 9, 2) };
	struct transit t = measure(s, 1, a, 2, MS(1000), 0);

	(void)state;
	assert_int_equal(t.segments, 0);
	assert_int_equal(t.duplicated, 0);
	assert_int_equal(t.lost, 1);
	assert_int_equal(t.min_ns, 0);
	assert_int_equal(t.max_ns, 0);
	t = measure(s, 0, a, 0, MS(1000), 0);
	assert_int_equal(t.sent, 0);
	assert_int_equal(t.lost, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delays),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_identical_resend),
		cmocka_unit_test(test_lost_or_in_flight),
		cmocka_unit_test(test_nothing_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
