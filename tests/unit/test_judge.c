/* The judge on fixture run directories: a real run of
 * scenarios/keepalive/pulled-cable.yaml (events.jsonl and both captures, in
 * tests/fixtures/judge/keepalive-pulled) judged against expectations that
 * hold and expectations that do not. In that run the cable was pulled,
 * the server sent 3 keepalive probes and, 4.596041 s after the pull, an RST
 * and saw ETIMEDOUT; the RST never reached the client. The tests assert
 * on the result model's values; the words made from them are tested in
 * test_reports.c.
 *
 * The fixture, independently decoded: events.jsonl line 9 is the pull
 * (t 1795347282271830624), line 10 the server's ETIMEDOUT (t
 * 1795347286867871947), line 11 the run's end; server.pcap frames 1-2 are
 * ARP, 3-5 the handshake, 8-10 the keepalive probes, 11 the RST. */
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

#include "common/errname.h"
#include "harness/judge/judge.h"
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
	"    name: pull\n" \
	"    fault: { cable-pull: client }\n" \
	"  - at: 30s\n" \
	"    name: later\n" \
	"    fault: { cable-plug: client }\n" \
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
static void make_dir_head(const char *head, const char *expect, bool with_events)
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
	fprintf(f, "%s%s", head, expect);
	fclose(f);
}

static void make_dir(const char *expect, bool with_events)
{
	make_dir_head(HEAD, expect, with_events);
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* The fixture's times: the latency of the server's ETIMEDOUT after the
 * pull, and how long the run went on after the pull. */
#define T_PULL 1795347282271830624LL
#define LATENCY (1795347286867871947LL - T_PULL)
#define AFTER_PULL (1795347290576030543LL - T_PULL)
#define NS_PER_S 1000000000LL
#define MS(x) ((int64_t)(x) * 1000000LL)

/* Judge one expectation on the fixture with @extra event lines appended;
 * the single result is copied into @out (its text freed). */
static void judge_in(const char *head, const char *expect, const char *extra,
		     const char *out_log, struct expect_result *out)
{
	struct scenario_result r = { 0 };
	struct diag d;
	char path[256];
	FILE *f;

	make_dir_head(head, expect, true);
	if (out_log) {
		snprintf(path, sizeof(path), "%s/server.stdout", dir);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(out_log, f);
		fclose(f);
	}
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
	assert_int_equal(r.verdict, r.expects[0].verdict);
	assert_non_null(r.expects[0].expected);
	*out = r.expects[0];
	out->expected = NULL;
	result_scenario_free(&r);
	diag_clear(&d);
	remove_dir();
}

static void judge_with(const char *expect, const char *extra, struct expect_result *out)
{
	judge_in(HEAD, expect, extra, NULL, out);
}

static struct expect_result judge_one(const char *expect)
{
	struct expect_result e;

	judge_with(expect, "", &e);
	return e;
}

static void test_detect_pass(void **state)
{
	struct expect_result e;

	(void)state;
	e = judge_one("  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..4.8s }\n");
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_string_equal(e.kind, "detect");
	assert_int_equal(e.at.line, 15);
	assert_int_equal(e.outcome, OUTCOME_DETECTED);
	assert_string_equal(e.host, "server");
	assert_int_equal(e.cause, ETIMEDOUT);
	assert_int_equal(e.ncauses, 1);
	assert_int_equal(e.causes[0], ETIMEDOUT);
	assert_int_equal(e.unit, UNIT_NS);
	assert_int_equal(e.measured, LATENCY);
	assert_int_equal(e.lo, MS(4500));
	assert_int_equal(e.hi, MS(4800));
	assert_string_equal(e.ref, "cable-pull");
	assert_int_equal(e.ref_step, 0);
	assert_int_equal(e.ref_t_ns, T_PULL);
	assert_int_equal(e.t_ns, T_PULL + LATENCY);
	assert_int_equal(e.event_line, 10);

	e = judge_one("  - detect: { host: server, within: 5s }\n");
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.ncauses, 0);
	assert_int_equal(e.lo, 0);
	assert_int_equal(e.hi, 5 * NS_PER_S);
	assert_int_equal(e.measured, LATENCY);

	e = judge_one("  - detect: { host: server, error: [ECONNRESET, ETIMEDOUT], within: 4.5s..4.8s }\n");
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.ncauses, 2);
	assert_int_equal(e.causes[0], ECONNRESET);
}

static void test_detect_fail(void **state)
{
	struct expect_result e;

	(void)state;
	/* too slow for the budget */
	e = judge_one("  - detect: { host: server, error: ETIMEDOUT, within: 100ms..200ms }\n");
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.outcome, OUTCOME_DETECTED);
	assert_int_equal(e.measured, LATENCY);
	assert_int_equal(e.hi, MS(200));
	/* faster than the lower bound is a failure too */
	e = judge_one("  - detect: { host: server, error: ETIMEDOUT, within: 4.6s..5s }\n");
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.lo, MS(4600));
	/* in time, but the wrong error */
	e = judge_one("  - detect: { host: server, error: ECONNRESET, within: 4.5s..4.8s }\n");
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.cause, ETIMEDOUT);
	assert_int_equal(e.causes[0], ECONNRESET);
	e = judge_one("  - detect: { host: server, error: eof, within: 4.5s..4.8s }\n");
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.causes[0], ERRNAME_EOF);
	/* never */
	e = judge_one("  - detect: { host: client, within: 5s }\n");
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.outcome, OUTCOME_NOTHING_DETECTED);
	assert_int_equal(e.cause, -1);
	assert_int_equal(e.measured, AFTER_PULL);
	assert_int_equal(e.event_line, 0);
}

/* A repair is never the reference: with the cable plugged back 3 s after
 * the pull, the server's ETIMEDOUT is still measured from the pull. */
static void test_repair_is_no_reference(void **state)
{
	struct expect_result e;

	(void)state;
	judge_with("  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..4.8s }\n",
		   "{\"t_ns\":1795347285271830624,\"event\":\"step\",\"step\":1,\"what\":\"cable-plug\"}\n",
		   &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_string_equal(e.ref, "cable-pull");
	assert_int_equal(e.ref_step, 0);
	assert_int_equal(e.measured, LATENCY);
}

/* A late step nothing is measured from is kept for the report's warning,
 * the worst of its occurrences; a late reference step is not (its
 * expectations carry it). */
static void test_late_step(void **state)
{
	const char *plug = "{\"t_ns\":1795347285271830624,\"event\":\"step\",\"step\":1,"
			   "\"what\":\"cable-plug\",\"requested_ns\":1795347285261830624,\"late_ns\":3000000}\n"
			   "{\"t_ns\":1795347285371830624,\"event\":\"step\",\"step\":1,"
			   "\"what\":\"cable-plug\",\"requested_ns\":1795347285371330624,\"late_ns\":1000000}\n";
	struct scenario_result r = { 0 };
	struct diag d;
	char path[256];
	FILE *f;

	(void)state;
	make_dir_head(HEAD, "  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..4.8s }\n", true);
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	assert_non_null(f = fopen(path, "a"));
	fputs(plug, f);
	fclose(f);
	diag_init(&d, NULL);
	assert_int_equal(judge_run_dir(dir, &r, &d), 0);
	assert_int_equal(r.nlate, 1);
	assert_string_equal(r.late[0].name, "cable-plug");
	assert_int_equal(r.late[0].step, 1);
	assert_int_equal(r.late[0].late_ns, MS(3));
	assert_int_equal(r.late[0].took_ns, MS(10));
	assert_int_equal(r.late[0].t_ns, T_PULL + 3 * NS_PER_S);
	/* a detection measured as a span: it certainly passed, whatever the
	 * plug's lateness (only counts fail across a late step) */
	assert_int_equal(r.expects[0].verdict, VERDICT_PASS);
	/* the pull itself is the reference: never a late step of its own */
	result_note_late_step(&r, 0, "cable-pull", T_PULL, MS(40), 0);
	assert_int_equal(r.nlate, 1);
	/* under the threshold: nothing to say */
	result_note_late_step(&r, 2, "heal", T_PULL, MS(5), MS(5));
	assert_int_equal(r.nlate, 1);
	result_scenario_free(&r);
	diag_clear(&d);
	remove_dir();
}

/* The pull again, as a run that knows when it was due: 300 ms before it
 * was set about, which took 10 ms. It took effect between T_PULL - 310 ms
 * and T_PULL. */
#define LATE_PULL \
	"{\"t_ns\":1795347282271830624,\"event\":\"step\",\"step\":0,\"what\":\"cable-pull\"," \
	"\"requested_ns\":1795347282261830624,\"late_ns\":300000000}\n"

/* Measured with its doubts, a time is a span: PASS wholly inside the
 * window, FAIL wholly outside, UNSURE across a bound — and a count that
 * failed across a late step is unsure. */
static void test_unsure(void **state)
{
	struct expect_result e;

	(void)state;
	judge_with("  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..4.8s }\n", LATE_PULL, &e);
	assert_int_equal(e.verdict, VERDICT_UNSURE);
	assert_int_equal(e.measured, LATENCY);
	assert_int_equal(e.measured_lo, LATENCY);
	assert_int_equal(e.measured_hi, LATENCY + MS(310));
	assert_true(e.doubts & DOUBT_REFERENCE);
	judge_with("  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..5s }\n", LATE_PULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	judge_with("  - detect: { host: server, error: ETIMEDOUT, within: 1s..2s }\n", LATE_PULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	/* so late that the handshake's segments crossed between when the
	 * pull was due and when it took effect: what the hosts saw changed,
	 * and a failure by any margin is unsure (the segment is cited) */
	judge_with("  - detect: { host: server, error: ETIMEDOUT, within: 1s..2s }\n",
		   "{\"t_ns\":1795347282271830624,\"event\":\"step\",\"step\":0,\"what\":\"cable-pull\","
		   "\"requested_ns\":1795347282261830624,\"late_ns\":900000000}\n", &e);
	assert_int_equal(e.verdict, VERDICT_UNSURE);
	assert_true(e.doubts & DOUBT_CROSSED);
	assert_true(e.npackets >= 1);
	/* the wrong errno is wrong whenever it came */
	judge_with("  - detect: { host: server, error: ECONNRESET, within: 4.5s..4.8s }\n", LATE_PULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	/* a count that fails across a late step: unsure; on time: fails */
	judge_with("  - packets: { from: server, kind: keepalive-probe, count: 5 }\n", LATE_PULL, &e);
	assert_int_equal(e.verdict, VERDICT_UNSURE);
	assert_true(e.doubts & DOUBT_REFERENCE);
	e = judge_one("  - packets: { from: server, kind: keepalive-probe, count: 5 }\n");
	assert_int_equal(e.verdict, VERDICT_FAIL);
	/* ...and one that passes stays a pass */
	judge_with("  - packets: { from: server, kind: keepalive-probe, count: 3 }\n", LATE_PULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	/* a no-detect: the detection certainly within the quiet period
	 * fails; one that may have come after it is unsure */
	judge_with("  - no-detect: { host: server, for: 5s }\n", LATE_PULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	judge_with("  - no-detect: { host: server, for: 4s }\n", LATE_PULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	judge_with("  - no-detect: { host: server, for: 4.7s }\n", LATE_PULL, &e);
	assert_int_equal(e.verdict, VERDICT_UNSURE);
	assert_int_equal(e.outcome, OUTCOME_NOT_QUIET);
	judge_with("  - no-detect: { host: server, for: 4.7s }\n", "", &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
}

/* A lag recorded with a detection widens its span downwards. */
static void test_lag(void **state)
{
	struct scenario_result r = { 0 };
	struct diag d;
	char path[256], cmd[512];

	(void)state;
	make_dir("  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..4.597s }\n", true);
	/* the fixture's ETIMEDOUT (line 10), as a peer that waited 2 ms saw it */
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	snprintf(cmd, sizeof(cmd), "sed -i '10c\\%s' '%s'",
		 "{\"t_ns\":1795347286867871947,\"event\":\"error\",\"host\":\"server\",\"call\":\"recv\",\"errno\":\"ETIMEDOUT\",\"errno_value\":110,\"lag_ns\":2000000}",
		 path);
	assert_int_equal(system(cmd), 0);
	diag_init(&d, NULL);
	assert_int_equal(judge_run_dir(dir, &r, &d), 0);
	assert_int_equal(r.expects[0].measured_lo, LATENCY - MS(2));
	assert_int_equal(r.expects[0].measured_hi, LATENCY);
	assert_int_equal(r.expects[0].lag_ns, MS(2));
	assert_true(r.expects[0].doubts & DOUBT_LAG);
	/* 4.596 s, maybe 4.594 s: inside 4.5..4.597 either way */
	assert_int_equal(r.expects[0].verdict, VERDICT_PASS);
	result_scenario_free(&r);
	diag_clear(&d);
	remove_dir();
}

/* A real abort whose RST reached the server 80 ms after it left the
 * client (the captures and the server's ECONNRESET moved 80 ms later, as
 * a delivery left to a busy ksoftirqd makes them): the 80 ms are the
 * machine's, not the kernel's answer to the RST, so the 81 ms measured
 * against a 50 ms budget are unsure, not a failure. */
static void test_late_delivery(void **state)
{
	struct scenario_result r = { 0 };
	struct diag d;

	(void)state;
	diag_init(&d, NULL);
	assert_int_equal(judge_run_dir(FIXTURES "/judge/late-rst", &r, &d), 0);
	assert_int_equal(r.expects[0].verdict, VERDICT_UNSURE);
	assert_true(r.expects[0].doubts & DOUBT_DELIVERY);
	assert_int_equal(r.expects[0].delivery_ns, 80047401);
	assert_string_equal(r.expects[0].delivery_of, "client's RST");
	assert_true(r.expects[0].measured_lo < MS(1));
	assert_true(r.expects[0].measured_hi > MS(80));
	/* counts are not times: they stand */
	assert_int_equal(r.expects[1].verdict, VERDICT_PASS);
	result_scenario_free(&r);
	diag_clear(&d);
}

/* A server with two connections alive at the pull, noticing 4.6 and 4.7 s
 * after it: connections: all (the default) waits for the second, any
 * takes the first, and one that never notices fails all. */
#define TWO_CONNS \
	"{\"t_ns\":1795347281770736020,\"event\":\"accepted\",\"host\":\"server\",\"call\":\"accept\",\"conn\":1}\n" \
	"{\"t_ns\":1795347281770836020,\"event\":\"accepted\",\"host\":\"server\",\"call\":\"accept\",\"conn\":2}\n"
#define NOTICED(conn, t) \
	"{\"t_ns\":" t ",\"event\":\"error\",\"host\":\"server\",\"call\":\"recv\",\"conn\":" conn ",\"errno\":\"ETIMEDOUT\",\"errno_value\":110}\n"
#define AT_4_6 "1795347286871830624"
#define AT_4_7 "1795347286971830624"

static void test_connections(void **state)
{
	struct expect_result e;

	(void)state;
	judge_with("  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..4.8s }\n",
		   TWO_CONNS NOTICED("1", AT_4_6) NOTICED("2", AT_4_7), &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.conns, 2);
	assert_int_equal(e.conns_noticed, 2);
	assert_int_equal(e.conns_needed, 2);
	assert_int_equal(e.measured, MS(4700));
	assert_int_equal(e.conn_min_ns, MS(4600));
	assert_int_equal(e.conn_max_ns, MS(4700));
	assert_int_equal(e.slowest_conn, 2);
	judge_with("  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..4.65s }\n",
		   TWO_CONNS NOTICED("1", AT_4_6) NOTICED("2", AT_4_7), &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	judge_with("  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..4.65s, connections: any }\n",
		   TWO_CONNS NOTICED("1", AT_4_6) NOTICED("2", AT_4_7), &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.measured, MS(4600));
	assert_int_equal(e.conns_needed, 1);
	judge_with("  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..4.8s, connections: 50% }\n",
		   TWO_CONNS NOTICED("1", AT_4_6), &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	judge_with("  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..4.8s }\n",
		   TWO_CONNS NOTICED("1", AT_4_6), &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.outcome, OUTCOME_NOTHING_DETECTED);
	assert_int_equal(e.conns_noticed, 1);
}

/* A capture that lost packets cannot be counted in: packets and sequence
 * are errors, what does not count packets is judged as ever. */
static void test_incomplete_capture(void **state)
{
	const char *lost = "{\"t_ns\":1795347290576030544,\"event\":\"capture\",\"host\":\"server\","
			   "\"received\":100,\"dropped\":5,\"ifdropped\":0}\n";
	struct expect_result e;

	(void)state;
	judge_with("  - packets: { from: server, kind: keepalive-probe, count: 3 }\n", lost, &e);
	assert_int_equal(e.verdict, VERDICT_ERROR);
	assert_int_equal(e.outcome, OUTCOME_CAPTURE_INCOMPLETE);
	assert_string_equal(e.host, "server");
	assert_int_equal(e.measured, 5);
	judge_with("  - sequence: { at: client, match: [ { from: client, flags: [SYN] } ] }\n", lost, &e);
	assert_int_equal(e.verdict, VERDICT_ERROR);
	judge_with("  - detect: { host: server, error: ETIMEDOUT, within: 4.5s..4.8s }\n", lost, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
}

static void test_since_a_step_that_never_ran(void **state)
{
	struct expect_result e;

	(void)state;
	/* the scenario has a step named "later" that the fixture's run never
	 * reached: there is nothing to measure from */
	judge_with("  - detect: { host: server, within: 5s, since: later }\n", "", &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.outcome, OUTCOME_NO_REFERENCE);
	assert_string_equal(e.ref, "later");
	assert_int_equal(e.ref_step, 1);
}

static void test_no_detect(void **state)
{
	struct expect_result e;

	(void)state;
	e = judge_one("  - no-detect: { host: client, for: 8s }\n");
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.outcome, OUTCOME_QUIET);
	assert_int_equal(e.hi, 8 * NS_PER_S);
	e = judge_one("  - no-detect: { host: server, for: 8s }\n");
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.outcome, OUTCOME_NOT_QUIET);
	assert_int_equal(e.cause, ETIMEDOUT);
	assert_int_equal(e.measured, LATENCY);
	assert_int_equal(e.event_line, 10);
	e = judge_one("  - no-detect: { host: server, for: 4.5s }\n");
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.outcome, OUTCOME_QUIET);
	/* the run lasted 8.3 s after the pull: a longer quiet period is
	 * unproven, and the runner's doing: unsure */
	e = judge_one("  - no-detect: { host: client, for: 20s }\n");
	assert_int_equal(e.verdict, VERDICT_UNSURE);
	assert_int_equal(e.outcome, OUTCOME_RUN_TOO_SHORT);
	assert_int_equal(e.measured, AFTER_PULL);
	assert_int_equal(e.hi, 20 * NS_PER_S);
}

/* A packets expectation's count, and the frames it counted. */
static void assert_packets(struct expect_result e, enum verdict v, long count,
			   const char *host, const char *peer, const char *what)
{
	assert_int_equal(e.verdict, v);
	assert_int_equal(e.outcome, OUTCOME_COUNTED);
	assert_int_equal(e.unit, UNIT_PACKETS);
	assert_int_equal(e.measured, count);
	assert_int_equal(e.npackets, count);
	assert_string_equal(e.host, host);
	assert_string_equal(e.peer, peer);
	assert_string_equal(e.what, what);
}

static void test_packets(void **state)
{
	struct expect_result e;

	(void)state;
	e = judge_one("  - packets: { from: server, kind: keepalive-probe, count: 3 }\n");
	assert_packets(e, VERDICT_PASS, 3, "server", "", "keepalive-probe");
	assert_int_equal(e.lo, 3);
	assert_int_equal(e.hi, 3);
	/* the evidence: frames 8, 9 and 10 of the server's capture */
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(e.packets[i].host, "server");
		assert_int_equal(e.packets[i].frame, 8 + (long)i);
	}
	assert_packets(judge_one("  - packets: { from: server, kind: keepalive-probe, count: 2 }\n"),
		       VERDICT_FAIL, 3, "server", "", "keepalive-probe");
	/* the RST left the server but never reached the client: the two capture
	 * points differ exactly where the network dropped */
	e = judge_one("  - packets: { from: server, kind: RST, count: 1 }\n");
	assert_packets(e, VERDICT_PASS, 1, "server", "", "RST");
	assert_int_equal(e.packets[0].frame, 11);
	assert_packets(judge_one("  - packets: { to: client, kind: RST, count: 0 }\n"),
		       VERDICT_PASS, 0, "", "client", "RST");
	assert_packets(judge_one("  - packets: { from: server, to: client, kind: RST, count: 1 }\n"),
		       VERDICT_PASS, 1, "server", "client", "RST");
	assert_packets(judge_one("  - packets: { kind: [RST, FIN], count: 0 }\n"),
		       VERDICT_FAIL, 1, "", "", "FIN|RST");
	e = judge_one("  - packets: { kind: SYN, count: 2 }\n");
	assert_packets(e, VERDICT_PASS, 2, "", "", "SYN");
	assert_string_equal(e.packets[0].host, "client");
	assert_int_equal(e.packets[0].frame, 3);
	assert_string_equal(e.packets[1].host, "server");	/* its SYN-ACK */
	assert_int_equal(e.packets[1].frame, 4);
	e = judge_one("  - packets: { from: server, kind: keepalive-probe, count: 2..5 }\n");
	assert_packets(e, VERDICT_PASS, 3, "server", "", "keepalive-probe");
	assert_int_equal(e.lo, 2);
	assert_int_equal(e.hi, 5);
	e = judge_one("  - packets: { from: server, kind: keepalive-probe, count: \">= 4\" }\n");
	assert_packets(e, VERDICT_FAIL, 3, "server", "", "keepalive-probe");
	assert_int_equal(e.lo, 4);
	assert_true(e.hi > 1000000);
	assert_packets(judge_one("  - packets: { from: server, kind: keepalive-probe, count: \"<= 3\" }\n"),
		       VERDICT_PASS, 3, "server", "", "keepalive-probe");
	assert_packets(judge_one("  - packets: { kind: [retransmission, data], count: 0 }\n"),
		       VERDICT_PASS, 0, "", "", "data|retransmission");
	assert_packets(judge_one("  - packets: { to: server, kind: keepalive-probe, count: 0 }\n"),
		       VERDICT_PASS, 0, "", "server", "keepalive-probe");
}

static void test_arp_and_icmp(void **state)
{
	struct expect_result e;

	(void)state;
	/* before the connection: the client asks, the server answers */
	e = judge_one("  - packets: { from: client, kind: arp, count: 1 }\n");
	assert_packets(e, VERDICT_PASS, 1, "client", "", "arp");
	assert_int_equal(e.packets[0].frame, 1);
	e = judge_one("  - packets: { to: client, kind: arp, count: 1 }\n");
	assert_packets(e, VERDICT_PASS, 1, "", "client", "arp");
	assert_int_equal(e.packets[0].frame, 2);
	assert_packets(judge_one("  - packets: { kind: icmp-unreachable, count: 0 }\n"),
		       VERDICT_PASS, 0, "", "", "icmp-unreachable");
}

static void test_sequence(void **state)
{
	struct expect_result e;

	(void)state;
	judge_with("  - sequence: { at: server, since: pull, match: [ { from: server, kind: keepalive-probe, count: 3 }, { from: server, flags: [RST], next: true } ] }\n",
		   "", &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.outcome, OUTCOME_MATCHED);
	assert_string_equal(e.host, "server");
	assert_string_equal(e.ref, "pull");
	assert_int_equal(e.ref_step, 0);
	assert_int_equal(e.packets[0].frame, 11);
	assert_int_equal(e.t_ns, e.ref_t_ns + e.measured);
	/* no FIN after the probes: the RST came where it was wanted */
	judge_with("  - sequence: { at: server, since: pull, match: [ { from: server, kind: keepalive-probe, count: 3 }, { from: server, kind: FIN, next: true } ] }\n",
		   "", &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.outcome, OUTCOME_BROKEN);
	assert_int_equal(e.item, 2);
	assert_int_equal(e.found, 0);
	assert_string_equal(e.what, "from server FIN");
	assert_int_equal(e.packets[0].frame, 11);
	assert_non_null(strstr(e.packet, "[R"));
	/* without since, the sequence counts from the first packet */
	judge_with("  - sequence: { at: client, match: [ { from: server, flags: [RST] } ] }\n", "", &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.outcome, OUTCOME_CUT_SHORT);
	assert_string_equal(e.ref, "the first packet");
	assert_int_equal(e.found, 0);
}

/* The same run, as if the server had been a program of the user's. */
#define EXEC_HEAD \
	"name: judged\n" \
	"server:\n" \
	"  exec: [./srv]\n" \
	"  listen: 7000\n" \
	"client:\n" \
	"  connect: server:7000\n" \
	"steps:\n" \
	"  - at: 500ms\n" \
	"    name: pull\n" \
	"    fault: { cable-pull: client }\n" \
	"  - at: 30s\n" \
	"    name: later\n" \
	"    fault: { cable-plug: client }\n" \
	"expect:\n"

#define T(ms) (T_PULL + MS(ms))
/* The fixture's events end at line 11; appended lines follow. */
#define SOCKET(t, state, inode) "{\"t_ns\":" t ",\"event\":\"socket\",\"host\":\"server\",\"state\":\"" state "\"," \
	"\"local\":\"198.18.0.2\",\"lport\":7000,\"remote\":\"198.18.0.1\",\"rport\":40000,\"inode\":" inode "}\n"
#define GONE(t, state) "{\"t_ns\":" t ",\"event\":\"socket-gone\",\"host\":\"server\",\"state\":\"" state "\"," \
	"\"local\":\"198.18.0.2\",\"lport\":7000,\"remote\":\"198.18.0.1\",\"rport\":40000,\"inode\":0}\n"
/* as text: 1795347282271830624 (the pull) + so many ms */
#define T_EST "1795347281771358384"
#define T_1S "1795347283271830624"
#define T_2S "1795347284271830624"
#define T_3S "1795347285271830624"

/* A socket change known only between two samples: the sample before it
 * was taken 200 ms before the one that saw it (after_ns). */
#define SOCKET_AFTER(t, after, state) "{\"t_ns\":" t ",\"after_ns\":" after ",\"event\":\"socket\"," \
	"\"host\":\"server\",\"state\":\"" state "\",\"local\":\"198.18.0.2\",\"lport\":7000," \
	"\"remote\":\"198.18.0.1\",\"rport\":40000,\"inode\":7}\n"
#define T_800MS "1795347283071830624"

/* The count at a moment a change may have come on either side of is
 * unsure; at a moment clear of it, certain either way. */
static void test_sockets_between_samples(void **state)
{
	const char *events = SOCKET(T_EST, "ESTABLISHED", "7") SOCKET_AFTER(T_1S, T_800MS, "CLOSE_WAIT");
	struct expect_result e;

	(void)state;
	/* CLOSE_WAIT from somewhere in 0.8..1 s after the pull */
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, count: 1, at: 900ms }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_UNSURE);
	assert_true(e.doubts & DOUBT_SAMPLE);
	assert_int_equal(e.sample_gap_ns, MS(200));
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, count: 1, at: 1100ms }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, count: 1, at: 700ms }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	/* by 0.9 s: maybe; by 1 s: certainly */
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, count: 1, by: 900ms }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_UNSURE);
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, count: 1, by: 1s }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	/* a run directory from before after_ns: a point, as ever */
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, count: 1, at: 900ms }\n",
		 SOCKET(T_EST, "ESTABLISHED", "7") SOCKET(T_1S, "CLOSE_WAIT", "7"), NULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
}

static void test_by_close(void **state)
{
	struct expect_result e;

	(void)state;
	/* the server's program let go of its socket 2 s after the pull */
	judge_in(EXEC_HEAD, "  - detect: { host: server, by: close, within: 1.9s..2.1s }\n",
		 SOCKET(T_EST, "ESTABLISHED", "7") SOCKET(T_2S, "FIN_WAIT1", "0"), NULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.outcome, OUTCOME_DETECTED);
	assert_string_equal(e.by, "close");
	assert_string_equal(e.via, "orphaned");
	assert_int_equal(e.measured, 2 * NS_PER_S);
	assert_int_equal(e.event_line, 13);
	/* it left the table */
	judge_in(EXEC_HEAD, "  - detect: { host: server, by: close, within: 1.9s..2.1s }\n",
		 SOCKET(T_EST, "ESTABLISHED", "7") GONE(T_2S, "ESTABLISHED"), NULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_string_equal(e.via, "vanished");
	/* a socket no process held (inode 0) is not the program's */
	judge_in(EXEC_HEAD, "  - detect: { host: server, by: close, within: 1.9s..2.1s }\n",
		 SOCKET(T_EST, "ESTABLISHED", "0") GONE(T_2S, "ESTABLISHED"), NULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	/* with nothing in the table, the capture decides: the server's RST,
	 * frame 11, 4.596 s after the pull */
	assert_string_equal(e.via, "RST");
	assert_int_equal(e.npackets, 1);
	assert_int_equal(e.packets[0].frame, 11);
	assert_int_equal(e.t_ns, e.ref_t_ns + e.measured);
	assert_true(e.measured > MS(4590) && e.measured < MS(4600));
	/* no-detect by close sees the same */
	judge_in(EXEC_HEAD, "  - no-detect: { host: server, by: close, for: 3s }\n",
		 SOCKET(T_EST, "ESTABLISHED", "7") SOCKET(T_2S, "LAST_ACK", "0"), NULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.outcome, OUTCOME_NOT_QUIET);
	assert_string_equal(e.via, "orphaned");
	assert_int_equal(e.measured, 2 * NS_PER_S);
}

static void test_by_exit_and_log(void **state)
{
	struct expect_result e;

	(void)state;
	judge_in(EXEC_HEAD, "  - detect: { host: server, by: exit, status: 3, within: 0.9s..1.1s }\n",
		 "{\"t_ns\":" T_1S ",\"event\":\"exited\",\"host\":\"server\",\"status\":3}\n", NULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_string_equal(e.by, "exit");
	assert_int_equal(e.exit_status, 3);
	assert_int_equal(e.want_status, 3);
	assert_int_equal(e.measured, NS_PER_S);
	assert_int_equal(e.event_line, 12);
	judge_in(EXEC_HEAD, "  - detect: { host: server, by: exit, status: 4, within: 0.9s..1.1s }\n",
		 "{\"t_ns\":" T_1S ",\"event\":\"exited\",\"host\":\"server\",\"status\":3}\n", NULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.exit_status, 3);
	assert_int_equal(e.want_status, 4);
	judge_in(EXEC_HEAD, "  - detect: { host: server, by: exit, within: 2s }\n",
		 "{\"t_ns\":" T_1S ",\"event\":\"exited\",\"host\":\"server\",\"signal\":\"KILL\"}\n", NULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.exit_signal, 9);
	/* an exit 1 s after, by a program that waited 200 ms to run since:
	 * on a quiet machine 0.8–1 s, so for 0.5–0.9 s unsure, not a fail */
	judge_in(EXEC_HEAD, "  - detect: { host: server, by: exit, within: 0.5s..0.9s }\n",
		 "{\"t_ns\":" T_1S ",\"event\":\"exited\",\"host\":\"server\",\"lag_ns\":200000000,\"status\":3}\n",
		 NULL, &e);
	assert_int_equal(e.verdict, VERDICT_UNSURE);
	assert_true(e.doubts & DOUBT_LAG);
	assert_int_equal(e.measured_lo, NS_PER_S - MS(200));
	judge_in(EXEC_HEAD, "  - detect: { host: server, by: exit, within: 0.5s..0.7s }\n",
		 "{\"t_ns\":" T_1S ",\"event\":\"exited\",\"host\":\"server\",\"lag_ns\":200000000,\"status\":3}\n",
		 NULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	/* the first matching line after establishment, wherever it is */
	judge_in(EXEC_HEAD, "  - detect: { host: server, by: { log: \"client .* gone\" }, within: 1.9s..2.1s }\n",
		 "", T_EST " listening\n" T_1S " client 1 is fine\n" T_2S " client 1 is gone\n"
		 T_3S " client 2 is gone\n", &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_string_equal(e.by, "log");
	assert_string_equal(e.log, "client 1 is gone");
	assert_string_equal(e.log_file, "server.stdout");
	assert_int_equal(e.log_line, 3);
	assert_int_equal(e.measured, 2 * NS_PER_S);
	judge_in(EXEC_HEAD, "  - detect: { host: server, by: { log: \"never said\" }, within: 5s }\n",
		 "", T_EST " listening\n", &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.outcome, OUTCOME_NOTHING_DETECTED);
}

static void test_sockets(void **state)
{
	/* a CLOSE_WAIT socket from 1 s to 3 s after the pull */
	const char *events = SOCKET(T_EST, "ESTABLISHED", "7") SOCKET(T_1S, "CLOSE_WAIT", "7")
			     GONE(T_3S, "CLOSE_WAIT");
	struct expect_result e;

	(void)state;
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, port: 7000, count: 1, at: 2s }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.outcome, OUTCOME_SOCKETS_AT);
	assert_int_equal(e.unit, UNIT_SOCKETS);
	assert_int_equal(e.measured, 1);
	assert_int_equal(e.port, 7000);
	assert_string_equal(e.what, "CLOSE_WAIT");
	assert_int_equal(e.when_ns, 2 * NS_PER_S);
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, count: 1, at: 4s }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.measured, 0);
	/* by: the first moment it held */
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, count: 1, by: 1.5s }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.t_ns, T(1000));
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, count: 1, by: 500ms }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	/* for: the first moment it did not */
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, count: 0, for: 2s }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.measured, 1);
	assert_int_equal(e.t_ns, T(1000));
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: ESTABLISHED, count: 1, for: 900ms }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	/* never-above: the most there were, and when */
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, never-above: 0 }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.outcome, OUTCOME_SOCKETS_MAX);
	assert_int_equal(e.measured, 1);
	assert_int_equal(e.t_ns, T(1000));
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, never-above: 1 }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	/* a time past the run's end is unproven: unsure */
	judge_in(EXEC_HEAD, "  - sockets: { host: server, state: CLOSE_WAIT, count: 0, at: 20s }\n",
		 events, NULL, &e);
	assert_int_equal(e.verdict, VERDICT_UNSURE);
	assert_int_equal(e.outcome, OUTCOME_RUN_TOO_SHORT);
}

#define ACTION(t, call, rest) "{\"t_ns\":" t ",\"event\":\"action\",\"host\":\"server\",\"call\":\"" call "\"" rest "}\n"

static void test_calls(void **state)
{
	const char *events = ACTION(T_1S, "send", ",\"errno\":\"ECONNRESET\",\"errno_value\":104")
			     ACTION(T_2S, "send", ",\"errno\":\"EPIPE\",\"errno_value\":32")
			     ACTION(T_3S, "recv", "") ACTION(T_3S, "close", "");
	struct expect_result e;

	(void)state;
	judge_with("  - calls: { host: server, after: pull, results: [ECONNRESET, EPIPE, eof] }\n",
		   events, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.outcome, OUTCOME_CALLS);
	assert_int_equal(e.ncalls, 3);
	assert_string_equal(e.calls[0].call, "send");
	assert_int_equal(e.calls[0].err, ECONNRESET);
	assert_int_equal(e.calls[1].err, EPIPE);
	assert_string_equal(e.calls[2].call, "recv");
	assert_int_equal(e.calls[2].ret, 0);
	assert_int_equal(e.calls[0].event_line, 12);
	judge_with("  - calls: { host: server, after: pull, results: [ECONNRESET, EPIPE] }\n",
		   events, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	judge_with("  - calls: { host: server, results: [EPIPE, EPIPE, eof] }\n", events, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_string_equal(e.ref, "establishment");
	judge_with("  - calls: { host: server, after: later, results: [ok] }\n", events, &e);
	assert_int_equal(e.outcome, OUTCOME_NO_REFERENCE);
}

/* An application learns of a dead connection from a send that fails: the
 * peer's failed action is its detection (by: call, or any way), EAGAIN is
 * not, and calls: counts past 16 results, keeping them as runs. */
static void test_failed_call_detects(void **state)
{
	const char *events = ACTION(T_1S, "send", ",\"errno\":\"EAGAIN\",\"errno_value\":11")
			     ACTION(T_2S, "send", ",\"errno\":\"EPIPE\",\"errno_value\":32");
	struct expect_result e;
	char text[256];

	(void)state;
	judge_with("  - detect: { host: server, by: call, within: 5s }\n", events, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.cause, EPIPE);
	assert_string_equal(e.via, "send");
	assert_int_equal(e.t_ns - e.ref_t_ns, 2 * NS_PER_S);
	assert_non_null(strstr(result_measured_str(&e, text, sizeof(text)), "EPIPE (its send failed)"));
	/* the peer's own detection comes later: the failed send was first */
	judge_with("  - detect: { host: server, error: EPIPE, within: 5s }\n", events, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.t_ns - e.ref_t_ns, 2 * NS_PER_S);
	judge_with("  - detect: { host: server, error: ETIMEDOUT, within: 5s }\n", events, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	/* no failed call: by: call sees nothing, though the peer noticed */
	judge_with("  - detect: { host: server, by: call, within: 10s }\n",
		   ACTION(T_1S, "send", ",\"errno\":\"EAGAIN\",\"errno_value\":11"), &e);
	assert_int_equal(e.outcome, OUTCOME_NOTHING_DETECTED);
}

static void test_many_calls(void **state)
{
	char events[8192] = "", list[4096] = "  - calls: { host: server, after: pull, results: [";
	struct expect_result e;
	char text[512];

	(void)state;
	for (int i = 0; i < 30; i++) {
		strcat(events, i < 27 ? ACTION(T_1S, "send", ",\"bytes\":8")
				     : ACTION(T_2S, "send", ",\"errno\":\"EPIPE\",\"errno_value\":32"));
		strcat(list, i < 27 ? "ok, " : i < 29 ? "EPIPE, " : "EPIPE] }\n");
	}
	judge_with(list, events, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.measured, 30);
	assert_int_equal(e.ncalls, 2);
	assert_int_equal(e.calls[0].times, 27);
	assert_int_equal(e.calls[1].times, 3);
	assert_non_null(strstr(result_measured_str(&e, text, sizeof(text)), "send ok (8) ×27, send EPIPE ×3"));
	/* one short: the 30th call is one too many */
	strcpy(strstr(list, "EPIPE, EPIPE]"), "EPIPE] }\n");
	judge_with(list, events, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
}

/* blocks: the host's first action of the kind, by how long its call took */
static void test_blocks(void **state)
{
	const char *events = ACTION(T_1S, "send", ",\"took_ns\":10000")
			     ACTION(T_2S, "close", ",\"took_ns\":2008000000")
			     ACTION(T_3S, "close", ",\"took_ns\":5");
	struct expect_result e;
	char text[256];

	(void)state;
	judge_with("  - blocks: { host: server, call: close, for: 1.95s..2.2s }\n", events, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.outcome, OUTCOME_BLOCKED);
	assert_int_equal(e.unit, UNIT_NS);
	assert_int_equal(e.measured, 2008000000);
	assert_string_equal(result_measured_str(&e, text, sizeof(text)),
			    "server's close() returned after 2.008 s");
	judge_with("  - blocks: { host: server, call: close, for: 50ms }\n", events, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	judge_with("  - blocks: { host: server, call: recv, for: 50ms }\n", events, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.outcome, OUTCOME_NOT_CALLED);
	/* a run directory from before calls were timed cannot say */
	judge_with("  - blocks: { host: server, call: close, for: 50ms }\n", ACTION(T_2S, "close", ""), &e);
	assert_int_equal(e.verdict, VERDICT_ERROR);
	assert_int_equal(e.outcome, OUTCOME_NOT_TIMED);
}

/* Events the peers would have written, after the fixture's own. */
#define SENT(host, n) "{\"t_ns\":1795347282000000000,\"event\":\"sent\",\"host\":\"" host "\",\"bytes\":" #n "}\n"
#define RECEIVED(host, n) "{\"t_ns\":1795347282000000001,\"event\":\"received\",\"host\":\"" host "\",\"bytes\":" #n "}\n"

static void assert_delivered(const char *extra, enum verdict v, long sent, long received,
			     long offset)
{
	struct expect_result e;

	judge_with("  - delivered: { from: client, to: server }\n", extra, &e);
	assert_int_equal(e.verdict, v);
	assert_int_equal(e.outcome, offset < 0 ? OUTCOME_DELIVERED : OUTCOME_CORRUPTED);
	assert_int_equal(e.unit, UNIT_BYTES);
	assert_string_equal(e.host, "client");
	assert_string_equal(e.peer, "server");
	assert_int_equal(e.hi, sent);
	assert_int_equal(e.measured, received);
	assert_int_equal(e.offset, offset);
}

static void test_delivered(void **state)
{
	(void)state;
	assert_delivered(SENT("client", 600) SENT("client", 400) RECEIVED("server", 1000),
			 VERDICT_PASS, 1000, 1000, -1);
	assert_delivered(SENT("client", 1000) RECEIVED("server", 700), VERDICT_FAIL, 1000, 700, -1);
	assert_delivered(SENT("client", 1000) RECEIVED("server", 1000)
			 "{\"t_ns\":1795347282000000002,\"event\":\"corrupt\",\"host\":\"server\",\"bytes\":512}\n",
			 VERDICT_FAIL, 1000, 1000, 512);
	/* what the server sent does not count for the client's stream */
	assert_delivered(SENT("server", 1000) RECEIVED("server", 1000), VERDICT_FAIL, 0, 1000, -1);
}

/* transit between the two captures: after the pull the server's three
 * probes and its RST (server.pcap frames 8-11) never reach the client;
 * the connection idled, so nothing went either way after establishment
 * before the pull, and a delay cannot be measured on nothing. */
static void test_transit(void **state)
{
	struct expect_result e;

	(void)state;
	e = judge_one("  - transit: { from: server, to: client, lost: 4, duplicated: 0 }\n");
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.outcome, OUTCOME_TRANSIT);
	assert_int_equal(e.segments, 0);
	assert_int_equal(e.lost, 4);
	assert_int_equal(e.duplicated, 0);
	assert_int_equal(e.npackets, 1);
	assert_int_equal(e.packets[0].frame, 8);
	e = judge_one("  - transit: { from: server, to: client, lost: 0 }\n");
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_string_equal(e.what, "lost");
	assert_int_equal(e.measured, 4);
	assert_int_equal(e.unit, UNIT_PACKETS);
	e = judge_one("  - transit: { from: client, to: server, within: 1ms, since: establishment }\n");
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_string_equal(e.ref, "establishment");
	assert_string_equal(e.what, "segments");
	assert_int_equal(e.segments, 0);
	e = judge_one("  - transit: { from: client, to: server, lost: 0, since: later }\n");
	assert_int_equal(e.outcome, OUTCOME_NO_REFERENCE);
}

/* kernel: an expectation for other kernels than the run's is measured
 * and skipped, saying which; the run's kernel is its run-start's (the
 * fixture's has none: this machine's, so a release is given here). */
static void test_kernel_condition(void **state)
{
	static const char *const k61 =
		"{\"t_ns\":1795347282000000000,\"event\":\"run-start\",\"kernel\":\"6.1.0-57-amd64\"}\n";
	struct expect_result e;

	(void)state;
	judge_with("  - packets: { from: server, kind: keepalive-probe, count: 3, kernel: \">= 6.5\" }\n",
		   k61, &e);
	assert_int_equal(e.verdict, VERDICT_SKIP);
	assert_int_equal(e.outcome, OUTCOME_OTHER_KERNEL);
	assert_string_equal(e.kernel_cond, ">= 6.5");
	assert_string_equal(e.run_kernel, "6.1.0-57-amd64");
	judge_with("  - packets: { from: server, kind: keepalive-probe, count: 3, kernel: \"< 6.5\" }\n",
		   k61, &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.measured, 3);
	/* a condition met does not save a wrong count */
	judge_with("  - packets: { from: server, kind: keepalive-probe, count: 2, kernel: \"6.1\" }\n",
		   k61, &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
}

static void test_heartbeat_timeout(void **state)
{
	struct expect_result e;

	(void)state;
	/* 0.5 s after the pull, before the server's keepalive gave up */
	judge_with("  - detect: { host: client, error: heartbeat-timeout, within: 0.4s..0.6s }\n",
		   "{\"t_ns\":1795347282774000000,\"event\":\"heartbeat-timeout\",\"host\":\"client\",\"call\":\"heartbeat\"}\n",
		   &e);
	assert_int_equal(e.verdict, VERDICT_PASS);
	assert_int_equal(e.cause, ERRNAME_HEARTBEAT);
	assert_int_equal(e.measured, 1795347282774000000LL - T_PULL);
	assert_int_equal(e.event_line, 12);
	judge_with("  - detect: { host: client, error: eof, within: 5s }\n",
		   "{\"t_ns\":1795347282774000000,\"event\":\"heartbeat-timeout\",\"host\":\"client\",\"call\":\"heartbeat\"}\n",
		   &e);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_int_equal(e.cause, ERRNAME_HEARTBEAT);
}

/* A run directory whose events.jsonl is @lines cannot be judged: the
 * judge says why, naming @want. */
static void judge_events(const char *lines, const char *want)
{
	struct scenario_result r = { 0 };
	struct diag d;
	char path[256];
	FILE *f;

	make_dir("  - detect: { host: server, within: 5s }\n", false);
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(lines, f);
	fclose(f);
	diag_init(&d, NULL);
	assert_int_equal(judge_run_dir(dir, &r, &d), -EINVAL);
	assert_int_equal(r.verdict, VERDICT_ERROR);
	if (!strstr(diag_last(&d), want))
		fail_msg("\"%s\" does not say \"%s\"", diag_last(&d), want);
	result_scenario_free(&r);
	diag_clear(&d);
	remove_dir();
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
	judge_events("{\"t_ns\":1,\"event\":\"run-start\"}\n", "never established");
	/* a corrupt events line is cited by line */
	judge_events("{\"t_ns\":1,\"event\":\"run-start\"}\n{\"t_ns\":2,\"event\":\"bogus\"}\n",
		     "events.jsonl:2: not an unplug event");
	/* a step the scenario does not have */
	/* a lag or an earlier sample that runs forward, or past the epoch */
	judge_events("{\"t_ns\":1,\"event\":\"established\"}\n{\"t_ns\":5,\"event\":\"eof\",\"lag_ns\":9}\n",
		     "events.jsonl:2: not an unplug event");
	judge_events("{\"t_ns\":1,\"event\":\"established\"}\n{\"t_ns\":5,\"event\":\"eof\",\"lag_ns\":-1}\n",
		     "events.jsonl:2: not an unplug event");
	judge_events("{\"t_ns\":1,\"event\":\"established\"}\n{\"t_ns\":5,\"event\":\"socket\",\"after_ns\":6}\n",
		     "events.jsonl:2: not an unplug event");
	judge_events("{\"t_ns\":1,\"event\":\"established\"}\n{\"t_ns\":2,\"event\":\"step\",\"step\":7}\n",
		     "events.jsonl:2: step 7: the scenario has 2 steps");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_pass),
		cmocka_unit_test(test_detect_fail),
		cmocka_unit_test(test_since_a_step_that_never_ran),
		cmocka_unit_test(test_repair_is_no_reference),
		cmocka_unit_test(test_late_step),
		cmocka_unit_test(test_unsure),
		cmocka_unit_test(test_lag),
		cmocka_unit_test(test_late_delivery),
		cmocka_unit_test(test_connections),
		cmocka_unit_test(test_incomplete_capture),
		cmocka_unit_test(test_no_detect),
		cmocka_unit_test(test_packets),
		cmocka_unit_test(test_arp_and_icmp),
		cmocka_unit_test(test_sequence),
		cmocka_unit_test(test_by_close),
		cmocka_unit_test(test_by_exit_and_log),
		cmocka_unit_test(test_sockets),
		cmocka_unit_test(test_sockets_between_samples),
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_failed_call_detects),
		cmocka_unit_test(test_many_calls),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_delivered),
		cmocka_unit_test(test_heartbeat_timeout),
		cmocka_unit_test(test_transit),
		cmocka_unit_test(test_kernel_condition),
		cmocka_unit_test(test_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
