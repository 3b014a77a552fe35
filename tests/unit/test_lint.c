/* validate's warnings: what can never pass or has no effect is found,
 * and the same scenario made sound is not warned of. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "harness/model/lint.h"
#include "yaml_fixture.h"

/* The warnings of @yaml, joined by "\n", into @buf; how many. */
static size_t lint(const char *yaml, char *buf, size_t len)
{
	struct scenario *sc;
	struct diag d, w;
	size_t n, used = 0;

	assert_int_equal(load(yaml, &sc, &d), 0);
	diag_clear(&d);
	diag_init(&w, "s.yaml");
	n = scenario_lint(sc, &w);
	assert_int_equal(n, w.count);
	buf[0] = '\0';
	for (size_t i = 0; i < w.count; i++)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s\n", w.msgs[i]);
	diag_clear(&w);
	scenario_free(sc);
	return n;
}

#define BLACKHOLE "steps:\n  - { at: 1s, fault: { blackhole: client } }\n"

static void test_timeout_needs_something_in_flight(void **state)
{
	char buf[2048];

	(void)state;
	assert_int_equal(lint("name: a\nserver: { listen: 7000 }\nclient: { connect: server:7000 }\n" BLACKHOLE
			      "expect:\n  - detect: { host: client, error: ETIMEDOUT, within: 5s }\n",
			      buf, sizeof(buf)), 1);
	assert_non_null(strstr(buf, "s.yaml:7:5: warning: this can never pass: client's built-in peer never has anything unacknowledged"));
	/* anything the kernel can time out makes it possible */
	static const char *const senders[] = {
		"client: { connect: server:7000, traffic: { every: 100ms, bytes: 1 } }\n",
		"client: { connect: server:7000, heartbeat: { send-every: 1s } }\n",
		"client: { connect: server:7000, keepalive: on }\n",
	};
	for (size_t i = 0; i < sizeof(senders) / sizeof(senders[0]); i++) {
		char yaml[512];

		snprintf(yaml, sizeof(yaml), "name: a\nserver: { listen: 7000 }\n%s" BLACKHOLE
			 "expect:\n  - detect: { host: client, error: ETIMEDOUT, within: 5s }\n", senders[i]);
		assert_int_equal(lint(yaml, buf, sizeof(buf)), 0);
	}
	assert_int_equal(lint("name: a\nserver: { listen: 7000 }\nclient: { connect: server:7000 }\n"
			      "steps:\n  - { at: 1s, fault: { blackhole: client } }\n"
			      "  - { at: 2s, action: { send: { from: client, bytes: 10 } } }\n"
			      "expect:\n  - detect: { host: client, error: ETIMEDOUT, within: 5s }\n",
			      buf, sizeof(buf)), 0);
	/* any error: the timeout is one of several */
	assert_int_equal(lint("name: a\nserver: { listen: 7000 }\nclient: { connect: server:7000 }\n" BLACKHOLE
			      "expect:\n  - detect: { host: client, error: [ETIMEDOUT, ECONNRESET], within: 5s }\n",
			      buf, sizeof(buf)), 0);
}

static void test_contradiction(void **state)
{
	char buf[2048];

	(void)state;
	assert_int_equal(lint("name: a\nserver: { listen: 7000, keepalive: { idle: 1s, interval: 1s, count: 1 } }\n"
			      "client: { connect: server:7000 }\n" BLACKHOLE
			      "expect:\n  - detect: { host: server, within: 2s }\n"
			      "  - no-detect: { host: server, for: 2s }\n", buf, sizeof(buf)), 1);
	assert_non_null(strstr(buf, "can never both pass"));
	/* quiet for less than the window: both may pass */
	assert_int_equal(lint("name: a\nserver: { listen: 7000, keepalive: { idle: 1s, interval: 1s, count: 1 } }\n"
			      "client: { connect: server:7000 }\n" BLACKHOLE
			      "expect:\n  - detect: { host: server, within: 2s }\n"
			      "  - no-detect: { host: server, for: 1s }\n", buf, sizeof(buf)), 0);
	/* another host */
	assert_int_equal(lint("name: a\nserver: { listen: 7000, keepalive: { idle: 1s, interval: 1s, count: 1 } }\n"
			      "client: { connect: server:7000 }\n" BLACKHOLE
			      "expect:\n  - detect: { host: server, within: 2s }\n"
			      "  - no-detect: { host: client, for: 5s }\n", buf, sizeof(buf)), 0);
}

static void test_keepalive(void **state)
{
	char buf[2048];

	(void)state;
	assert_int_equal(lint("name: a\nserver: { listen: 7000 }\nclient: { connect: server:7000, traffic: { every: 1s, bytes: 1 } }\n"
			      "hosts:\n  client: { sysctl: { net.ipv4.tcp_keepalive_time: 5 } }\n" BLACKHOLE
			      "expect:\n  - packets: { from: client, kind: keepalive-probe, count: \">= 1\" }\n",
			      buf, sizeof(buf)), 2);
	assert_non_null(strstr(buf, "s.yaml:5:23: warning: net.ipv4.tcp_keepalive_time has no effect"));
	assert_non_null(strstr(buf, "it sends no keepalive probes"));
	/* keepalive: on takes them from the sysctls */
	assert_int_equal(lint("name: a\nserver: { listen: 7000 }\nclient: { connect: server:7000, keepalive: on }\n"
			      "hosts:\n  client: { sysctl: { net.ipv4.tcp_keepalive_time: 5 } }\n" BLACKHOLE
			      "expect:\n  - packets: { from: client, kind: keepalive-probe, count: \">= 1\" }\n",
			      buf, sizeof(buf)), 0);
	/* a program may turn keepalive on itself */
	assert_int_equal(lint("name: a\nserver: { listen: 7000 }\nclient: { exec: [/bin/true] }\n"
			      "hosts:\n  client: { sysctl: { net.ipv4.tcp_keepalive_time: 5 } }\n" BLACKHOLE
			      "expect:\n  - no-detect: { host: server, for: 1s }\n",
			      buf, sizeof(buf)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeout_needs_something_in_flight),
		cmocka_unit_test(test_contradiction),
		cmocka_unit_test(test_keepalive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
