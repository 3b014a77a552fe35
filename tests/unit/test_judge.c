/* The judge on fixture run directories: a real run of
 * scenarios/keepalive/pulled-cable.yaml (events.jsonl and both captures, in
 * tests/fixtures/judge/keepalive-pulled) judged against expectations that
 * hold and expectations that do not. In that run the cable was pulled,
 * the server sent 3 keepalive probes and, 4.596041 s after the pull, an RST
 * and saw ETIMEDOUT; the RST never reached the client. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/judge.h"
#include "reports/result.h"

#define FIXTURE FIXTURES "/judge/keepalive-pulled"

#define HEAD \
	"name: judged\n" \
	"server:\n" \
	"  listen: 7000\n" \
	"  keepalive: { idle: 2s, interval: 1s, count: 3 }\n" \
	"client:\n" \
	"  connect: server:7000\n" \
	"steps:\n" \
	"  - at: 500ms\n" \
	"    fault: { cable-pull: client }\n" \
	"expect:\n"

static char dir[64];

static void copy(const char *from, const char *to)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

/* A run directory with the fixture's events and captures and @expect as
 * the scenario's expectations. */
static void make_dir(const char *expect, bool with_events)
{
	char path[256];
	FILE *f;

	strcpy(dir, "/tmp/unplug-judge-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/captures", dir);
	copy(FIXTURE "/captures", path);
	if (with_events) {
		snprintf(path, sizeof(path), "%s/events.jsonl", dir);
		copy(FIXTURE "/events.jsonl", path);
	}
	snprintf(path, sizeof(path), "%s/scenario.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, HEAD "%s", expect);
	fclose(f);
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Judge one expectation on the fixture with @extra event lines appended;
 * check its verdict and that "measured" contains @measured. */
static void judge_with(const char *expect, const char *extra, enum verdict want,
		       const char *measured)
{
	struct scenario_result r = { 0 };
	struct diag d;
	char path[256];
	FILE *f;

	make_dir(expect, true);
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs(extra, f);
	fclose(f);
	diag_init(&d, NULL);
	if (judge_run_dir(dir, &r, &d))
		diag_print(&d, stderr);
	assert_int_equal(d.count, 0);
	assert_int_equal(r.nexpects, 1);
	if (r.expects[0].verdict != want || !strstr(r.expects[0].measured, measured))
		fail_msg("verdict %s, measured \"%s\"; wanted %s with \"%s\"",
			 verdict_name(r.expects[0].verdict), r.expects[0].measured,
			 verdict_name(want), measured);
	assert_int_equal(r.verdict, want);
	result_scenario_free(&r);
	diag_clear(&d);
	remove_dir();
}

static void judge_one(const char *expect, enum verdict want, const char *measured)
{
	judge_with(expect, "", want, measured);
}

static void test_detect_pass(void **state)
{
	(void)state;
	judge_one("  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..4.8s }\n",
		  VERDICT_PASS, "server ETIMEDOUT after 4.596 s (window 4.5–4.8 s)");
	judge_one("  - detect: { host: server, within: 5s }\n", VERDICT_PASS,
		  "server ETIMEDOUT after 4.596 s (window 0–5 s)");
	judge_one("  - detect: { host: server, error: [ECONNRESET, ETIMEDOUT], within: 4.5s..4.8s }\n",
		  VERDICT_PASS, "after 4.596 s");
}

static void test_detect_fail(void **state)
{
	(void)state;
	/* too slow for the budget */
	judge_one("  - detect: { host: server, error: ETIMEDOUT, within: 100ms..200ms }\n",
		  VERDICT_FAIL, "server ETIMEDOUT after 4.596 s (window 0.1–0.2 s)");
	/* faster than the lower bound is a failure too */
	judge_one("  - detect: { host: server, error: ETIMEDOUT, within: 4.6s..5s }\n",
		  VERDICT_FAIL, "after 4.596 s (window 4.6–5 s)");
	/* in time, but the wrong error */
	judge_one("  - detect: { host: server, error: ECONNRESET, within: 4.5s..4.8s }\n",
		  VERDICT_FAIL, "server ETIMEDOUT after 4.596 s (window 4.5–4.8 s); expected ECONNRESET");
	judge_one("  - detect: { host: server, error: eof, within: 4.5s..4.8s }\n",
		  VERDICT_FAIL, "expected EOF");
	/* never */
	judge_one("  - detect: { host: client, within: 5s }\n", VERDICT_FAIL,
		  "client detected nothing in the 8.304 s after cable-pull");
}

static void test_no_detect(void **state)
{
	(void)state;
	judge_one("  - no-detect: { host: client, for: 8s }\n", VERDICT_PASS,
		  "client detected nothing for 8 s");
	judge_one("  - no-detect: { host: server, for: 8s }\n", VERDICT_FAIL,
		  "server ETIMEDOUT after 4.596 s; expected none for 8 s");
	judge_one("  - no-detect: { host: server, for: 4.5s }\n", VERDICT_PASS,
		  "server detected nothing for 4.5 s");
	/* the run lasted 8.3 s after the pull: a longer quiet period is unproven */
	judge_one("  - no-detect: { host: client, for: 20s }\n", VERDICT_FAIL,
		  "the run ended 8.304 s after cable-pull, before the 20 s were over");
}

static void test_packets(void **state)
{
	(void)state;
	judge_one("  - packets: { from: server, kind: keepalive-probe, count: 3 }\n",
		  VERDICT_PASS, "server sent 3 keepalive-probe");
	judge_one("  - packets: { from: server, kind: keepalive-probe, count: 2 }\n",
		  VERDICT_FAIL, "server sent 3 keepalive-probe");
	/* the RST left the server but never reached the client: the two capture
	 * points differ exactly where the network dropped */
	judge_one("  - packets: { from: server, kind: RST, count: 1 }\n", VERDICT_PASS,
		  "server sent 1 RST");
	judge_one("  - packets: { to: client, kind: RST, count: 0 }\n", VERDICT_PASS,
		  "client received 0 RST");
	judge_one("  - packets: { from: server, to: client, kind: RST, count: 1 }\n",
		  VERDICT_PASS, "server sent to client 1 RST");
	judge_one("  - packets: { kind: [RST, FIN], count: 0 }\n", VERDICT_FAIL,
		  "the hosts sent 1 FIN|RST");
	judge_one("  - packets: { kind: SYN, count: 2 }\n", VERDICT_PASS, "the hosts sent 2 SYN");
	judge_one("  - packets: { from: server, kind: keepalive-probe, count: 2..5 }\n", VERDICT_PASS,
		  "server sent 3 keepalive-probe");
	judge_one("  - packets: { from: server, kind: keepalive-probe, count: \">= 4\" }\n",
		  VERDICT_FAIL, "server sent 3 keepalive-probe");
	judge_one("  - packets: { from: server, kind: keepalive-probe, count: \"<= 3\" }\n",
		  VERDICT_PASS, "server sent 3 keepalive-probe");
	judge_one("  - packets: { kind: [retransmission, data], count: 0 }\n", VERDICT_PASS,
		  "the hosts sent 0 data|retransmission");
	judge_one("  - packets: { to: server, kind: keepalive-probe, count: 0 }\n", VERDICT_PASS,
		  "server received 0 keepalive-probe");
}

static void test_arp_and_icmp(void **state)
{
	(void)state;
	/* before the connection: the client asks, the server answers */
	judge_one("  - packets: { from: client, kind: arp, count: 1 }\n", VERDICT_PASS,
		  "client sent 1 arp");
	judge_one("  - packets: { to: client, kind: arp, count: 1 }\n", VERDICT_PASS,
		  "client received 1 arp");
	judge_one("  - packets: { kind: icmp-unreachable, count: 0 }\n", VERDICT_PASS,
		  "the hosts sent 0 icmp-unreachable");
}

/* Events the peers would have written, after the fixture's own. */
#define SENT(host, n) "{\"t_ns\":1795347282000000000,\"event\":\"sent\",\"host\":\"" host "\",\"bytes\":" #n "}\n"
#define RECEIVED(host, n) "{\"t_ns\":1795347282000000001,\"event\":\"received\",\"host\":\"" host "\",\"bytes\":" #n "}\n"

static void test_delivered(void **state)
{
	(void)state;
	judge_with("  - delivered: { from: client, to: server }\n",
		   SENT("client", 600) SENT("client", 400) RECEIVED("server", 1000),
		   VERDICT_PASS, "client sent 1000 bytes, server received 1000");
	judge_with("  - delivered: { from: client, to: server }\n",
		   SENT("client", 1000) RECEIVED("server", 700), VERDICT_FAIL,
		   "client sent 1000 bytes, server received 700");
	judge_with("  - delivered: { from: client, to: server }\n",
		   SENT("client", 1000) RECEIVED("server", 1000)
		   "{\"t_ns\":1795347282000000002,\"event\":\"corrupt\",\"host\":\"server\",\"bytes\":512}\n",
		   VERDICT_FAIL, "the byte at stream offset 512 differs");
	/* what the server sent does not count for the client's stream */
	judge_with("  - delivered: { from: client, to: server }\n",
		   SENT("server", 1000) RECEIVED("server", 1000), VERDICT_FAIL,
		   "client sent 0 bytes, server received 1000");
}

static void test_heartbeat_timeout(void **state)
{
	(void)state;
	/* 0.5 s after the pull, before the server's keepalive gave up */
	judge_with("  - detect: { host: client, error: heartbeat-timeout, within: 0.4s..0.6s }\n",
		   "{\"t_ns\":1795347282774000000,\"event\":\"heartbeat-timeout\",\"host\":\"client\",\"call\":\"heartbeat\"}\n",
		   VERDICT_PASS, "client heartbeat timeout after");
	judge_with("  - detect: { host: client, error: eof, within: 5s }\n",
		   "{\"t_ns\":1795347282774000000,\"event\":\"heartbeat-timeout\",\"host\":\"client\",\"call\":\"heartbeat\"}\n",
		   VERDICT_FAIL, "expected EOF");
}

static void test_unreadable(void **state)
{
	struct scenario_result r = { 0 };
	struct diag d;

	(void)state;
	make_dir("  - detect: { host: server, within: 5s }\n", false);
	diag_init(&d, NULL);
	assert_int_equal(judge_run_dir(dir, &r, &d), -ENOENT);
	assert_int_equal(r.verdict, VERDICT_ERROR);
	assert_non_null(strstr(diag_last(&d), "events.jsonl: cannot open"));
	result_scenario_free(&r);
	diag_clear(&d);
	remove_dir();

	/* a run that never got its connections up has nothing to judge */
	make_dir("  - detect: { host: server, within: 5s }\n", false);
	{
		char path[256];
		FILE *f;

		snprintf(path, sizeof(path), "%s/events.jsonl", dir);
		f = fopen(path, "w");
		fprintf(f, "{\"t_ns\":1,\"event\":\"run-start\"}\n");
		fclose(f);
	}
	diag_init(&d, NULL);
	assert_int_equal(judge_run_dir(dir, &r, &d), -EINVAL);
	assert_non_null(strstr(diag_last(&d), "never established"));
	result_scenario_free(&r);
	diag_clear(&d);

	/* a corrupt events line is cited by line */
	{
		char path[256];
		FILE *f;

		snprintf(path, sizeof(path), "%s/events.jsonl", dir);
		f = fopen(path, "w");
		fprintf(f, "{\"t_ns\":1,\"event\":\"run-start\"}\n{\"t_ns\":2,\"event\":\"bogus\"}\n");
		fclose(f);
	}
	diag_init(&d, NULL);
	assert_int_equal(judge_run_dir(dir, &r, &d), -EINVAL);
	assert_non_null(strstr(diag_last(&d), "events.jsonl:2: not an unplug event"));
	result_scenario_free(&r);
	diag_clear(&d);
	remove_dir();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_pass),
		cmocka_unit_test(test_detect_fail),
		cmocka_unit_test(test_no_detect),
		cmocka_unit_test(test_packets),
		cmocka_unit_test(test_arp_and_icmp),
		cmocka_unit_test(test_delivered),
		cmocka_unit_test(test_heartbeat_timeout),
		cmocka_unit_test(test_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
