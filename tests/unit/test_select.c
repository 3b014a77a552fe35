/* -k and --shard: which scenarios an invocation runs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "harness/cli/select.h"

static void test_match(void **state)
{
	(void)state;
	assert_true(select_match("keepalive/pulled-cable", "pulled"));
	assert_true(select_match("keepalive/pulled-cable", "keepalive/"));
	assert_false(select_match("keepalive/pulled-cable", "Pulled"));
	assert_true(select_match("keepalive/pulled-cable", "keepalive/*"));
	assert_true(select_match("keepalive/pulled-cable", "*cable"));
	assert_false(select_match("keepalive/pulled-cable", "cable*"));
	assert_true(select_match("power/power-off-ipv6", "power/power-?ff*"));
	assert_true(select_match("processes/abort", "processes/[ab]*"));
}

static void test_any_and_not(void **state)
{
	const char *none[] = { NULL }, *one[] = { "keepalive/" }, *not[] = { "!sweep" },
		   *both[] = { "heartbeats/", "!sweep" };

	(void)state;
	assert_true(select_any("a", none, 0));
	assert_true(select_any("keepalive/pulled-cable", one, 1));
	assert_false(select_any("power/power-off", one, 1));
	/* only exclusions: everything else */
	assert_true(select_any("power/power-off", not, 1));
	assert_false(select_any("heartbeats/ack-loss-sweep", not, 1));
	assert_true(select_any("heartbeats/heartbeat-poll", both, 2));
	assert_false(select_any("heartbeats/ack-loss-sweep", both, 2));
	assert_false(select_any("keepalive/pulled-cable", both, 2));
}

static void test_parse_shard(void **state)
{
	int k = 0, n = 0;

	(void)state;
	assert_int_equal(select_parse_shard("2/3", &k, &n), 0);
	assert_int_equal(k, 2);
	assert_int_equal(n, 3);
	assert_int_equal(select_parse_shard("1/1", &k, &n), 0);
	assert_int_equal(select_parse_shard("0/3", &k, &n), -EINVAL);
	assert_int_equal(select_parse_shard("4/3", &k, &n), -EINVAL);
	assert_int_equal(select_parse_shard("3", &k, &n), -EINVAL);
	assert_int_equal(select_parse_shard("1/", &k, &n), -EINVAL);
	assert_int_equal(select_parse_shard("/2", &k, &n), -EINVAL);
	assert_int_equal(select_parse_shard("1/2x", &k, &n), -EINVAL);
	assert_int_equal(select_parse_shard("1/1001", &k, &n), -EINVAL);
}

/* Longest first to the least loaded: 10 alone, 6+3+1 beside it. */
static void test_shard_balances(void **state)
{
	const int64_t w[] = { 3, 10, 1, 6 };
	int of[4];

	(void)state;
	select_shard(w, 4, 2, of);
	assert_int_equal(of[1], 1);
	assert_int_equal(of[3], 2);
	assert_int_equal(of[0], 2);
	assert_int_equal(of[2], 2);
}

/* Every scenario in exactly one shard, the same each time, equal lengths
 * dealt by index; more shards than scenarios leaves some empty. */
static void test_shard_covers(void **state)
{
	int64_t w[7] = { 5, 5, 5, 5, 5, 5, 5 };
	int a[7], b[7], per[4] = { 0 };

	(void)state;
	select_shard(w, 7, 3, a);
	select_shard(w, 7, 3, b);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(a[i], b[i]);
		assert_in_range(a[i], 1, 3);
		per[a[i]]++;
	}
	assert_int_equal(per[1], 3);
	assert_int_equal(per[2], 2);
	assert_int_equal(per[3], 2);
	assert_int_equal(a[0], 1);
	assert_int_equal(a[1], 2);
	assert_int_equal(a[2], 3);
	select_shard(w, 2, 4, a);
	assert_int_equal(a[0], 1);
	assert_int_equal(a[1], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_any_and_not),
		cmocka_unit_test(test_parse_shard),
		cmocka_unit_test(test_shard_balances),
		cmocka_unit_test(test_shard_covers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
