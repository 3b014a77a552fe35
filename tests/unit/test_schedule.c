/* The unrolled timeline: repeated steps, faults undone after `for`, and
 * the order of things that happen at the same moment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "common/duration.h"
#include "harness/run/schedule.h"

#define MS NS_PER_MS

static void test_repeat_and_for(void **state)
{
	/* a link that flaps: down at 1 s for 300 ms, every 500 ms, 3 times;
	 * a send at 1.3 s, exactly when the first flap ends */
	struct step steps[] = {
		{ .at_ns = 1000 * MS, .every_ns = 500 * MS, .times = 3, .for_ns = 300 * MS },
		{ .at_ns = 1300 * MS, .times = 1 },
	};
	struct scenario sc = { .steps = steps, .nsteps = 2 };
	static const struct { int64_t at; size_t step; long k; bool revert; } want[] = {
		{ 1000, 0, 0, false }, { 1300, 0, 0, true }, { 1300, 1, 0, false },
		{ 1500, 0, 1, false }, { 1800, 0, 1, true },
		{ 2000, 0, 2, false }, { 2300, 0, 2, true },
	};
	struct occurrence *v;
	size_t n;

	(void)state;
	assert_int_equal(schedule_build(&sc, &v, &n), 0);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].at_ns, want[i].at * MS);
		assert_int_equal(v[i].step, want[i].step);
		assert_int_equal(v[i].k, want[i].k);
		assert_int_equal(v[i].revert, want[i].revert);
	}
	free(v);
	/* the run lasts until the last flap is undone */
	assert_int_equal(scenario_horizon_ns(&sc), 2300 * MS);
}

static void test_same_time_keeps_step_order(void **state)
{
	struct step steps[] = {
		{ .at_ns = 0, .times = 2, .every_ns = 100 * MS },
		{ .at_ns = 100 * MS, .times = 1 },
	};
	struct scenario sc = { .steps = steps, .nsteps = 2 };
	struct occurrence *v;
	size_t n;

	(void)state;
	assert_int_equal(schedule_build(&sc, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[1].step, 0);
	assert_int_equal(v[1].k, 1);
	assert_int_equal(v[2].step, 1);
	free(v);
}

static void test_no_steps(void **state)
{
	struct scenario sc = { 0 };
	struct occurrence *v;
	size_t n;

	(void)state;
	assert_int_equal(schedule_build(&sc, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repeat_and_for),
		cmocka_unit_test(test_same_time_keeps_step_order),
		cmocka_unit_test(test_no_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
