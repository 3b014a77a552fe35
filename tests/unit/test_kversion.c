/* Kernel releases and the conditions expectations put on them: parsing,
 * comparison by the numbers named, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/kversion.h"

static bool holds(const char *cond, const char *release)
{
	struct kcond c;

	assert_int_equal(kcond_parse(cond, &c), 0);
	return kcond_holds(&c, release);
}

static void test_releases(void **state)
{
	int v[KVERSION_PARTS];

	(void)state;
	assert_int_equal(kversion_parse("6.1.0-57-amd64", v), 3);
	assert_int_equal(v[0], 6);
	assert_int_equal(v[1], 1);
	assert_int_equal(v[2], 0);
	assert_int_equal(kversion_parse("6.12.100+deb12-amd64", v), 3);
	assert_int_equal(v[2], 100);
	assert_int_equal(kversion_parse("6.18.44-fc-v669", v), 3);
	assert_int_equal(kversion_parse("5.4", v), 2);
	assert_int_equal(kversion_parse("linux", v), 0);
	assert_int_equal(kversion_parse("", v), 0);
	assert_int_equal(kversion_parse(NULL, v), 0);
	/* this machine's, as uname gives it: a release */
	{
		char buf[65];

		assert_true(kversion_parse(kversion_running(buf, sizeof(buf)), v) >= 2);
	}
}

static void test_conditions(void **state)
{
	(void)state;
	assert_true(holds("< 6.5", "6.1.0-57-amd64"));
	assert_false(holds("< 6.5", "6.12.100+deb12-amd64"));
	assert_true(holds(">= 6.5", "6.12.100+deb12-amd64"));
	assert_true(holds(">=6.5", "6.5.0"));
	assert_false(holds("> 6.5", "6.5.7"));	/* only the numbers named */
	assert_true(holds("> 6.5", "6.6.0"));
	assert_true(holds("<= 6.1", "6.1.158"));
	assert_true(holds("6.1", "6.1.0-57-amd64"));
	assert_false(holds("6.1", "6.12.100"));	/* 6.12 is not 6.1 */
	assert_true(holds("6", "6.18.44"));
	assert_false(holds("6", "5.10.0"));
	assert_true(holds("6.1.0", "6.1.0-57-amd64"));
	assert_false(holds(">= 6.5", "not a release"));
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"", ">=", "six", "6.", "6.1.2.3", ">= 6.x", "=> 6.5", "6.5 ", "!6", "99999999999",
	};
	struct kcond c;
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(kcond_parse(bad[i], &c), -22);
	assert_int_equal(kcond_parse(">=6.5", &c), 0);
	assert_string_equal(kcond_str(&c, buf, sizeof(buf)), ">= 6.5");
	assert_int_equal(kcond_parse("6.1", &c), 0);
	assert_string_equal(kcond_str(&c, buf, sizeof(buf)), "6.1");
	c.op = KCOND_NONE;
	assert_true(kcond_holds(&c, "anything"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_releases),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
