/* Durations: what scenario files may write, and how people read them back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "common/duration.h"

static void test_parse(void **state)
{
	int64_t ns;

	(void)state;
	assert_int_equal(duration_parse("500ms", &ns), 0);
	assert_int_equal(ns, 500 * NS_PER_MS);
	assert_int_equal(duration_parse("1.5s", &ns), 0);
	assert_int_equal(ns, 1500 * NS_PER_MS);
	assert_int_equal(duration_parse("2m", &ns), 0);
	assert_int_equal(ns, 120 * NS_PER_S);
	assert_int_equal(duration_parse("1h", &ns), 0);
	assert_int_equal(ns, 3600 * NS_PER_S);
	assert_int_equal(duration_parse("250us", &ns), 0);
	assert_int_equal(ns, 250 * NS_PER_US);
	assert_int_equal(duration_parse("7ns", &ns), 0);
	assert_int_equal(ns, 7);
	assert_int_equal(duration_parse("0s", &ns), 0);
	assert_int_equal(ns, 0);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", "5", "s", "-1s", "1.5.2s", " 1s", "1s ", "1 s", "1sec", "inf s",
		"0x10s", "1e3ms", "1S",
	};
	int64_t ns;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(duration_parse(bad[i], &ns), -EINVAL);
	assert_int_equal(duration_parse("99999999999h", &ns), -ERANGE);
}

static void test_range(void **state)
{
	int64_t lo, hi;

	(void)state;
	assert_int_equal(duration_range_parse("4.5s..5.6s", &lo, &hi), 0);
	assert_int_equal(lo, 4500 * NS_PER_MS);
	assert_int_equal(hi, 5600 * NS_PER_MS);
	assert_int_equal(duration_range_parse("6s", &lo, &hi), 0);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 6 * NS_PER_S);
	assert_int_equal(duration_range_parse("..6s", &lo, &hi), -EINVAL);
	assert_int_equal(duration_range_parse("1s..", &lo, &hi), -EINVAL);
}

static void test_str(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(duration_str(5003 * NS_PER_MS, buf, sizeof(buf)), "5.003 s");
	assert_string_equal(duration_str(412 * NS_PER_MS, buf, sizeof(buf)), "412 ms");
	assert_string_equal(duration_str(400 * NS_PER_US, buf, sizeof(buf)), "0.4 ms");
	assert_string_equal(duration_str(3 * NS_PER_US, buf, sizeof(buf)), "3 us");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
