/* Reports from the result model: the terminal lines and the JUnit XML
 * (read back with libxml2, so escaping and structure are checked). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/duration.h"
#include "common/span.h"
#include "common/errname.h"
#include "reports/report.h"

/* An expectation result made of values, as a judge would fill it. */
static struct expect_result *add(struct scenario_result *r, enum verdict v, int line,
				 int col, const char *expected)
{
	struct expect_result *e = result_add_expect(r);

	assert_non_null(e);
	e->verdict = v;
	e->at = (struct pos){ line, col };
	assert_int_equal(result_set_expected(e, expected), 0);
	return e;
}

static void build(struct run_result *rr)
{
	struct scenario_result *r;
	struct expect_result *e;

	memset(rr, 0, sizeof(*rr));
	rr->root = strdup("unplug-out/x");
	rr->duration_ns = 12500 * NS_PER_MS;

	r = result_new_scenario(rr);
	r->id = strdup("keepalive/pulled-cable");
	r->file = strdup("scenarios/keepalive/pulled-cable.yaml");
	r->name = strdup("keepalive notices a pulled cable");
	r->run_dir = strdup("unplug-out/x/keepalive/pulled-cable");
	strcpy(r->claims[0].id, "C1.4");
	strcpy(r->claims[0].finding, "confirmed");
	strcpy(r->claims[1].id, "C1.2");
	strcpy(r->claims[1].finding, "differs");
	r->nclaims = 2;
	/* the packets first: the headline is still the detection */
	e = add(r, VERDICT_PASS, 19, 5, "server sent 3 keepalive-probe");
	snprintf(e->kind, sizeof(e->kind), "packets");
	e->outcome = OUTCOME_COUNTED;
	e->unit = UNIT_PACKETS;
	strcpy(e->host, "server");
	strcpy(e->what, "keepalive-probe");
	e->measured = e->lo = e->hi = 3;
	e = add(r, VERDICT_PASS, 18, 5, "server ETIMEDOUT within 4.5..4.8 s of cable-pull");
	snprintf(e->kind, sizeof(e->kind), "detect");
	e->outcome = OUTCOME_DETECTED;
	e->unit = UNIT_NS;
	strcpy(e->host, "server");
	strcpy(e->ref, "cable-pull");
	e->cause = ETIMEDOUT;
	e->measured = 4596041323;
	e->lo = 4500 * NS_PER_MS;
	e->hi = 4800 * NS_PER_MS;
	e->ref_late_ns = 22300 * NS_PER_US;
	e->ref_took_ns = 178 * NS_PER_MS;
	e->ref_step = 0;
	r->verdict = result_fold(r);

	r = result_new_scenario(rr);
	r->id = strdup("tricky/<&\">");
	r->file = strdup("t.yaml");
	r->name = strdup("escaping <&>");
	e = add(r, VERDICT_PASS, 3, 5, "a");
	snprintf(e->kind, sizeof(e->kind), "no-detect");
	e->outcome = OUTCOME_QUIET;
	strcpy(e->host, "client");
	e->hi = 2 * NS_PER_S;
	e = add(r, VERDICT_FAIL, 4, 7, "server sent 0 RST");
	snprintf(e->kind, sizeof(e->kind), "packets");
	e->outcome = OUTCOME_COUNTED;
	strcpy(e->host, "server");
	strcpy(e->what, "RST & <more>");
	e->measured = 1;
	r->verdict = result_fold(r);
	assert_int_equal(result_add_output(r, "unplug-out/x/tricky/server.stdout"), 0);

	r = result_new_scenario(rr);
	r->id = strdup("broken");
	r->file = strdup("b.yaml");
	r->verdict = VERDICT_ERROR;
	r->reason = strdup("create a network namespace: Operation not permitted");
}

/* The words of result @e, as every report shows them. */
static void assert_words(const struct expect_result *e, const char *want)
{
	char buf[512];

	assert_string_equal(result_measured_str(e, buf, sizeof(buf)), want);
}

static void test_words(void **state)
{
	struct scenario_result r = { 0 };
	struct expect_result *e = result_add_expect(&r);

	(void)state;
	assert_int_equal(e->cause, -1);
	assert_int_equal(e->offset, -1);
	strcpy(e->host, "server");
	strcpy(e->ref, "cable-pull");
	e->outcome = OUTCOME_DETECTED;
	e->cause = ETIMEDOUT;
	e->measured = 5003 * NS_PER_MS;
	e->lo = 4500 * NS_PER_MS;
	e->hi = 5600 * NS_PER_MS;
	assert_words(e, "server ETIMEDOUT after 5.003 s (window 4.5–5.6 s, margin 597 ms)");
	assert_true(result_is_latency(e));
	e->causes[0] = ECONNRESET;
	e->causes[1] = ERRNAME_EOF;
	e->ncauses = 2;
	assert_words(e, "server ETIMEDOUT after 5.003 s (window 4.5–5.6 s, margin 597 ms); expected ECONNRESET or EOF");
	e->measured = -250 * NS_PER_MS;
	assert_words(e, "server ETIMEDOUT 250 ms before cable-pull");
	assert_false(result_is_latency(e));
	e->cause = ERRNAME_HEARTBEAT;
	e->measured = 1750 * NS_PER_MS;
	assert_words(e, "server heartbeat timeout after 1.750 s (window 4.5–5.6 s: 2.750 s too early); expected ECONNRESET or EOF");
	e->measured = 7100 * NS_PER_MS;
	e->ncauses = 0;
	assert_words(e, "server heartbeat timeout after 7.100 s (window 4.5–5.6 s: 1.500 s over budget)");
	e->ncauses = 2;
	e->outcome = OUTCOME_NOTHING_DETECTED;
	e->measured = 8304 * NS_PER_MS;
	assert_words(e, "server: nothing detected in the 8.304 s after cable-pull (budget 5.6 s)");
	strcpy(e->by, "close");
	assert_words(e, "server: nothing detected in the 8.304 s after cable-pull (its connection stayed open; budget 5.6 s)");
	e->by[0] = '\0';
	e->outcome = OUTCOME_NOT_QUIET;
	e->cause = ERRNAME_EOF;
	e->measured = 3 * NS_PER_MS / 10;
	e->hi = 4 * NS_PER_S;
	assert_words(e, "server EOF after 0.3 ms; expected none for 4 s");
	e->outcome = OUTCOME_QUIET;
	assert_words(e, "server detected nothing for 4 s");
	e->outcome = OUTCOME_RUN_TOO_SHORT;
	e->measured = 3 * NS_PER_S;
	assert_words(e, "the run ended 3.000 s after cable-pull, before the 4 s were over");
	e->outcome = OUTCOME_NO_REFERENCE;
	assert_words(e, "step cable-pull never ran");
	e->outcome = OUTCOME_COUNTED;
	strcpy(e->what, "keepalive-probe");
	e->measured = 3;
	assert_words(e, "server sent 3 keepalive-probe");
	strcpy(e->peer, "client");
	assert_words(e, "server sent to client 3 keepalive-probe");
	e->host[0] = '\0';
	assert_words(e, "client received 3 keepalive-probe");
	e->peer[0] = '\0';
	assert_words(e, "the hosts sent 3 keepalive-probe");
	strcpy(e->host, "client");
	strcpy(e->peer, "server");
	e->outcome = OUTCOME_DELIVERED;
	e->hi = 1000;
	e->measured = 700;
	assert_words(e, "client sent 1000 bytes, server received 700");
	e->outcome = OUTCOME_CORRUPTED;
	e->offset = 512;
	assert_words(e, "client sent 1000 bytes, server received 700; the byte at stream offset 512 differs from what was sent");
	e->outcome = OUTCOME_MATCHED;
	e->measured = 3100 * NS_PER_MS;
	assert_words(e, "matched, the last item 3.100 s after cable-pull");
	assert_true(result_is_latency(e));
	e->outcome = OUTCOME_BROKEN;
	e->item = 2;
	e->found = 1;
	strcpy(e->what, "from server, RST");
	strcpy(e->packet, "server > client [F.] 0 bytes");
	assert_words(e, "item 2 (from server, RST): found 1, then server > client [F.] 0 bytes, 3.100 s after cable-pull");
	e->outcome = OUTCOME_CUT_SHORT;
	assert_words(e, "item 2 (from server, RST): found 1 before the capture ended");
	assert_string_equal(outcome_name(OUTCOME_CUT_SHORT), "cut-short");
	result_scenario_free(&r);
}

/* How a program's noticing reads, by close, exit and log. */
static void test_words_by(void **state)
{
	struct scenario_result r = { 0 };
	struct expect_result *e = result_add_expect(&r);

	(void)state;
	strcpy(e->host, "server");
	strcpy(e->ref, "cable-pull");
	e->outcome = OUTCOME_DETECTED;
	e->measured = 2498 * NS_PER_MS;
	e->lo = 2400 * NS_PER_MS;
	e->hi = 2700 * NS_PER_MS;
	strcpy(e->by, "close");
	strcpy(e->via, "FIN");
	assert_words(e, "server closed (it sent a FIN) after 2.498 s (window 2.4–2.7 s, margin 202 ms)");
	strcpy(e->via, "orphaned");
	assert_words(e, "server closed (its program let go of its socket) after 2.498 s (window 2.4–2.7 s, margin 202 ms)");
	strcpy(e->via, "vanished");
	assert_words(e, "server closed (its socket left the table) after 2.498 s (window 2.4–2.7 s, margin 202 ms)");
	strcpy(e->by, "exit");
	e->exit_status = 3;
	assert_words(e, "server exited (status 3) after 2.498 s (window 2.4–2.7 s, margin 202 ms)");
	e->want_status = 4;
	assert_words(e, "server exited (status 3) after 2.498 s (window 2.4–2.7 s, margin 202 ms); expected status 4");
	e->exit_signal = 9;
	e->exit_status = -1;
	e->want_status = -1;
	assert_words(e, "server exited (killed by SIGKILL) after 2.498 s (window 2.4–2.7 s, margin 202 ms)");
	strcpy(e->by, "log");
	strcpy(e->log, "client gone");
	assert_words(e, "server logged \"client gone\" after 2.498 s (window 2.4–2.7 s, margin 202 ms)");
	e->outcome = OUTCOME_QUIET;
	e->hi = 8 * NS_PER_S;
	strcpy(e->by, "close");
	assert_words(e, "server kept its connection for 8 s");
	strcpy(e->by, "exit");
	assert_words(e, "server kept running for 8 s");
	e->outcome = OUTCOME_NOT_QUIET;
	strcpy(e->by, "close");
	strcpy(e->via, "RST");
	assert_words(e, "server closed (it sent an RST) after 2.498 s; expected none for 8 s");
	result_scenario_free(&r);
}

static void test_words_sockets_and_calls(void **state)
{
	struct scenario_result r = { 0 };
	struct expect_result *e = result_add_expect(&r);

	(void)state;
	strcpy(e->host, "server");
	strcpy(e->ref, "bye");
	strcpy(e->what, "CLOSE_WAIT");
	e->port = 7000;
	e->ref_t_ns = 10 * NS_PER_S;
	e->when_ns = 5 * NS_PER_S;
	e->outcome = OUTCOME_SOCKETS_AT;
	e->measured = 1;
	assert_words(e, "server had 1 CLOSE_WAIT socket on port 7000 5 s after bye");
	e->outcome = OUTCOME_SOCKETS_BY;
	e->verdict = VERDICT_PASS;
	e->t_ns = 10 * NS_PER_S + 300 * NS_PER_MS;
	assert_words(e, "server had 1 CLOSE_WAIT socket on port 7000 300 ms after bye (by 5 s)");
	e->outcome = OUTCOME_SOCKETS_MAX;
	e->port = 0;
	e->measured = 3;
	assert_words(e, "server had at most 3 CLOSE_WAIT sockets");
	e->verdict = VERDICT_FAIL;
	e->hi = 2;
	assert_words(e, "server had 3 CLOSE_WAIT sockets 300 ms after bye; never more than 2 expected");
	e->outcome = OUTCOME_CALLS;
	strcpy(e->calls[0].call, "send");
	e->calls[0].ret = 10;
	strcpy(e->calls[1].call, "send");
	e->calls[1].err = EPIPE;
	strcpy(e->calls[2].call, "recv");
	e->ncalls = 3;
	assert_words(e, "server's calls after bye returned: send ok (10), send EPIPE, recv EOF");
	assert_string_equal(unit_name(UNIT_PACKETS), "packets");
	result_scenario_free(&r);
}

static void test_words_transit(void **state)
{
	struct scenario_result r = { 0 };
	struct expect_result *e = result_add_expect(&r);

	(void)state;
	strcpy(e->host, "client");
	strcpy(e->peer, "server");
	e->outcome = OUTCOME_TRANSIT;
	e->verdict = VERDICT_PASS;
	e->segments = 12;
	e->lost = 1;
	e->delay_min_ns = 301 * NS_PER_MS;
	e->delay_median_ns = 318 * NS_PER_MS;
	e->delay_max_ns = 342 * NS_PER_MS;
	assert_words(e, "client to server: 12 segments in 301 ms..342 ms (median 318 ms), 1 lost, 0 duplicated");
	e->verdict = VERDICT_FAIL;
	strcpy(e->what, "spread");
	e->unit = UNIT_NS;
	e->measured = 41 * NS_PER_MS;
	e->lo = 50 * NS_PER_MS;
	e->hi = NS_PER_S;
	assert_words(e, "client to server: 12 segments in 301 ms..342 ms (median 318 ms), 1 lost, 0 duplicated; spread 41 ms, wanted 50 ms..1.000 s");
	strcpy(e->what, "lost");
	e->unit = UNIT_PACKETS;
	e->measured = 1;
	e->lo = 0;
	e->hi = 0;
	e->segments = 0;
	assert_words(e, "client to server: no segment seen at both ends, 1 lost, 0 duplicated; lost 1, wanted 0");
	result_scenario_free(&r);
}

/* The interval arithmetic and the three-valued verdict. */
static void test_spans(void **state)
{
	struct expect_result e = { .outcome = OUTCOME_DETECTED, .unit = UNIT_NS,
				   .lo = 1700 * NS_PER_MS, .hi = 1800 * NS_PER_MS };
	struct span ref = span_upto(10 * NS_PER_S, 69 * NS_PER_MS), det = span_upto(11760 * NS_PER_MS, 0);
	struct span m = span_since(det, ref);

	(void)state;
	/* a blackhole that took 69 ms to apply, a detection stamped exactly */
	assert_int_equal(m.lo, 1760 * NS_PER_MS);
	assert_int_equal(m.hi, 1829 * NS_PER_MS);
	assert_int_equal(span_fit(m, e.lo, e.hi), SPAN_ACROSS);
	assert_int_equal(span_fit(span_add(m, -50 * NS_PER_MS), e.lo, e.hi), SPAN_INSIDE);
	assert_int_equal(span_fit(span_add(m, NS_PER_S), e.lo, e.hi), SPAN_OUTSIDE);
	assert_int_equal(span_fit((struct span){ 0, 2 * NS_PER_S }, e.lo, INT64_MAX), SPAN_ACROSS);
	assert_int_equal(span_fit((struct span){ 2 * NS_PER_S, 3 * NS_PER_S }, e.lo, INT64_MAX),
			 SPAN_INSIDE);
	/* the bounds are in the window */
	assert_int_equal(span_fit((struct span){ e.lo, e.hi }, e.lo, e.hi), SPAN_INSIDE);
	assert_false(span_wide(span_upto(5, -3)));
	result_judge_span(&e, 1691 * NS_PER_MS, 1760 * NS_PER_MS);
	assert_int_equal(e.verdict, VERDICT_UNSURE);
	assert_int_equal(e.measured_lo, 1691 * NS_PER_MS);
	result_judge_span(&e, 1701 * NS_PER_MS, 1760 * NS_PER_MS);
	assert_int_equal(e.verdict, VERDICT_PASS);
	result_judge_span(&e, 1801 * NS_PER_MS, 1900 * NS_PER_MS);
	assert_int_equal(e.verdict, VERDICT_FAIL);
	assert_true(verdict_certain(VERDICT_PASS) && verdict_certain(VERDICT_FAIL));
	assert_false(verdict_certain(VERDICT_UNSURE) || verdict_certain(VERDICT_FLAKY));
}

/* A scenario's verdict from its expectations, three-valued: a failure
 * outweighs flakiness, which outweighs doubt, which outweighs a pass. */
static void test_fold_unsure(void **state)
{
	struct scenario_result r = { 0 };

	(void)state;
	add(&r, VERDICT_PASS, 1, 1, "a");
	add(&r, VERDICT_UNSURE, 2, 1, "b");
	assert_int_equal(result_fold(&r), VERDICT_UNSURE);
	add(&r, VERDICT_FLAKY, 3, 1, "c");
	assert_int_equal(result_fold(&r), VERDICT_FLAKY);
	add(&r, VERDICT_FAIL, 4, 1, "d");
	assert_int_equal(result_fold(&r), VERDICT_FAIL);
	result_scenario_free(&r);
}

/* Tries: the last run's result; an expectation that certainly passed in
 * one and certainly failed in another is flaky. */
static void test_fold_tries(void **state)
{
	struct scenario_result *tries = calloc(3, sizeof(*tries)), into = { 0 };

	(void)state;
	assert_non_null(tries);
	/* try 1: a passes, b unsure; try 2: both unsure; try 3: a fails,
	 * b passes */
	add(&tries[0], VERDICT_PASS, 1, 1, "a");
	add(&tries[0], VERDICT_UNSURE, 2, 1, "b");
	add(&tries[1], VERDICT_UNSURE, 1, 1, "a");
	add(&tries[1], VERDICT_UNSURE, 2, 1, "b");
	add(&tries[2], VERDICT_FAIL, 1, 1, "a");
	add(&tries[2], VERDICT_PASS, 2, 1, "b");
	for (size_t k = 0; k < 3; k++) {
		tries[k].verdict = result_fold(&tries[k]);
		tries[k].duration_ns = NS_PER_S;
		tries[k].run_dir = strdup(k ? "o/x/try-2" : "o/x");
	}
	assert_int_equal(result_fold_tries(&into, tries, 3), 0);
	assert_int_equal(into.ntries, 2);
	assert_int_equal(into.expects[0].verdict, VERDICT_FLAKY);
	assert_int_equal(into.expects[1].verdict, VERDICT_PASS);
	assert_int_equal(into.verdict, VERDICT_FLAKY);
	assert_int_equal(into.duration_ns, 3 * NS_PER_S);
	assert_int_equal(into.tries[0].verdict, VERDICT_UNSURE);
	result_scenario_free(&into);

	/* every try unsure: unsure, and the run exits with its own status */
	tries = calloc(2, sizeof(*tries));
	assert_non_null(tries);
	for (size_t k = 0; k < 2; k++) {
		add(&tries[k], VERDICT_UNSURE, 1, 1, "a");
		tries[k].verdict = VERDICT_UNSURE;
	}
	{
		struct run_result rr = { 0 };
		struct scenario_result *r = result_new_scenario(&rr);

		assert_non_null(r);
		assert_int_equal(result_fold_tries(r, tries, 2), 0);
		assert_int_equal(r->verdict, VERDICT_UNSURE);
		assert_int_equal(result_exit_status(&rr), RESULT_EXIT_UNSURE);
		r->expects[0].verdict = VERDICT_FLAKY;
		r->verdict = result_fold(r);
		assert_int_equal(result_exit_status(&rr), 1);
		result_free(&rr);
	}
}

static void test_term(void **state)
{
	const struct term_style plain = { 0 };
	struct run_result rr;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	build(&rr);
	for (size_t i = 0; i < rr.n; i++)
		report_term_scenario(f, &rr.v[i], &plain);
	/* the pull's lateness puts the detection across the budget */
	rr.v[0].expects[1].verdict = VERDICT_UNSURE;
	rr.v[0].expects[1].doubts = DOUBT_REFERENCE | DOUBT_LAG;
	rr.v[0].expects[1].lag_ns = 3 * NS_PER_MS;
	rr.v[0].expects[1].measured_lo = rr.v[0].expects[1].measured - 3 * NS_PER_MS;
	rr.v[0].expects[1].measured_hi = rr.v[0].expects[1].measured + 200300 * NS_PER_US;
	rr.v[0].verdict = result_fold(&rr.v[0]);
	report_term_scenario(f, &rr.v[0], &plain);
	report_term_totals(f, &rr, false);
	fclose(f);
	assert_non_null(strstr(text, "  PASS  keepalive/pulled-cable             server ETIMEDOUT after 4.596 s (window 4.5–4.8 s, margin 204 ms)\n"));
	assert_non_null(strstr(text, "  UNSURE keepalive/pulled-cable             server ETIMEDOUT after "
				     "4.593–4.796 s (window 4.5–4.8 s): unsure, cable-pull ran 22 ms late and "
				     "took 178 ms to take effect; server's peer saw it up to 3.0 ms late\n"));
	assert_null(strstr(text, "warning:"));
	assert_non_null(strstr(text, "  FAIL  tricky/<&\">"));
	assert_non_null(strstr(text, "server sent 1 RST & <more>\n        t.yaml:4:7: expected server sent 0 RST\n"
				     "          measured server sent 1 RST & <more>\n"));
	assert_non_null(strstr(text, "        output: unplug-out/x/tricky/server.stdout\n"));
	assert_non_null(strstr(text, "  ERROR broken"));
	assert_non_null(strstr(text, "create a network namespace: Operation not permitted"));
	assert_non_null(strstr(text, "  0 passed, 1 failed, 0 skipped, 1 could not run, 1 unsure in 12.500 s   →  unplug-out/x/\n"));
	assert_null(strchr(text, '\033'));
	free(text);
	result_free(&rr);
}

static long xpath_count(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	long n = o && o->nodesetval ? o->nodesetval->nodeNr : -1;

	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return n;
}

static void test_junit(void **state)
{
	char path[] = "/tmp/unplug-junit-XXXXXX";
	struct run_result rr;
	struct diag d;
	xmlDocPtr doc;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	build(&rr);
	diag_init(&d, NULL);
	assert_int_equal(report_junit_write(path, &rr, &d), 0);
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	assert_int_equal(xpath_count(doc, "/testsuites[@tests='5'][@failures='1'][@errors='1']"), 1);
	assert_int_equal(xpath_count(doc, "//testsuite"), 3);
	assert_int_equal(xpath_count(doc, "//testsuite[@name='keepalive/pulled-cable']/testcase"), 2);
	assert_int_equal(xpath_count(doc, "//testcase[@name='detect server'][@line='18'][@time='4.596']"), 1);
	assert_int_equal(xpath_count(doc, "//testsuite[@name='tricky/<&\">']/testcase[@name='packets server']/failure[@message='measured server sent 1 RST & <more>']"), 1);
	assert_int_equal(xpath_count(doc, "//failure[contains(., 't.yaml:4:7: expected server sent 0 RST\nmeasured server sent 1 RST')]"), 1);
	assert_int_equal(xpath_count(doc, "//testsuite[@name='broken'][@errors='1']/testcase/error"), 1);
	assert_int_equal(xpath_count(doc, "//property[@name='run_dir'][@value='unplug-out/x/keepalive/pulled-cable']"), 1);
	assert_int_equal(xpath_count(doc, "//property[@name='output'][@value='unplug-out/x/tricky/server.stdout']"), 1);
	assert_int_equal(xpath_count(doc, "//testsuite[@name='keepalive/pulled-cable']/properties/property[@name='tries'][@value='1']"), 1);
	assert_int_equal(xpath_count(doc, "//property[@name='warning']"), 0);
	xmlFreeDoc(doc);
	unlink(path);
	diag_clear(&d);
	result_free(&rr);
}

static void test_junit_unwritable(void **state)
{
	struct run_result rr;
	struct diag d;

	(void)state;
	build(&rr);
	diag_init(&d, NULL);
	assert_int_equal(report_junit_write("/nonexistent/dir/j.xml", &rr, &d), -EIO);
	assert_non_null(strstr(diag_last(&d), "/nonexistent/dir/j.xml: cannot write"));
	diag_clear(&d);
	result_free(&rr);
}

/* What --json writes, merge reads back: every value the reports are
 * rendered from, so the words come out the same. */
static void test_json_round_trip(void **state)
{
	char path[] = "/tmp/unplug-json-XXXXXX", a[512], b[512];
	struct run_result rr, back = { 0 };
	struct diag d;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	build(&rr);
	rr.shard = 2;
	rr.shards = 3;
	/* a sweep's combination, with a rated expectation */
	{
		char *names[] = { "loss", "every" }, *values[] = { "40", "1s" };

		assert_int_equal(result_set_sweep(&rr.v[0], "s", names, values, 2), 0);
		rr.v[0].expects[0].rated = true;
		rr.v[0].expects[0].rate_lo = 80;
		rr.v[0].expects[0].rate_hi = 100;
	}
	diag_init(&d, NULL);
	assert_int_equal(report_json_write(path, &rr, &d), 0);
	assert_int_equal(result_json_read(path, &back, &d), 0);
	assert_string_equal(back.v[0].sweep, "s");
	assert_int_equal(back.v[0].nparams, 2);
	assert_string_equal(back.v[0].param_names[1], "every");
	assert_string_equal(back.v[0].param_values[1], "1s");
	assert_null(back.v[1].sweep);
	assert_true(back.v[0].expects[0].rated);
	assert_int_equal(back.v[0].expects[0].rate_lo, 80);
	assert_false(back.v[0].expects[1].rated);
	assert_int_equal(back.n, rr.n);
	assert_int_equal(back.shard, 2);
	assert_int_equal(back.duration_ns, rr.duration_ns);
	for (size_t i = 0; i < rr.n; i++) {
		assert_string_equal(back.v[i].id, rr.v[i].id);
		assert_int_equal(back.v[i].verdict, rr.v[i].verdict);
		assert_int_equal(back.v[i].nexpects, rr.v[i].nexpects);
		assert_int_equal(back.v[i].nclaims, rr.v[i].nclaims);
		for (size_t k = 0; k < rr.v[i].nclaims; k++) {
			assert_string_equal(back.v[i].claims[k].id, rr.v[i].claims[k].id);
			assert_string_equal(back.v[i].claims[k].finding, rr.v[i].claims[k].finding);
		}
		for (size_t k = 0; k < rr.v[i].nexpects; k++) {
			const struct expect_result *x = &rr.v[i].expects[k], *y = &back.v[i].expects[k];

			assert_string_equal(result_measured_str(y, b, sizeof(b)),
					    result_measured_str(x, a, sizeof(a)));
			assert_int_equal(y->measured, x->measured);
			assert_int_equal(y->hi, x->hi);
			assert_int_equal(y->at.line, x->at.line);
			assert_string_equal(y->kind, x->kind);
		}
	}
	assert_string_equal(back.v[2].reason, "create a network namespace: Operation not permitted");
	assert_int_equal(result_exit_status(&back), 1);
	result_free(&back);
	/* not ours */
	assert_int_equal(result_json_read("/etc/hostname", &back, &d), -EINVAL);
	assert_non_null(strstr(diag_last(&d), "/etc/hostname: not"));
	result_free(&back);
	unlink(path);
	diag_clear(&d);
	result_free(&rr);
}

/* A blown budget: "measured 7.1 s, budget 3 s", and a negative margin. */
/* Every outcome has a name, and reading it back gives the outcome: a
 * kind's new outcome cannot be written that merge and run --kernel
 * would refuse to read. */
static void test_outcome_names(void **state)
{
	(void)state;
	for (int o = 0; o < OUTCOME_COUNT; o++) {
		assert_non_null(outcome_name((enum outcome)o));
		assert_int_equal(outcome_of_name(outcome_name((enum outcome)o)), o);
	}
	assert_int_equal(outcome_of_name("transit"), OUTCOME_TRANSIT);
	assert_int_equal(outcome_of_name("nonsense"), -1);
}

static void test_budget(void **state)
{
	struct expect_result e = { .outcome = OUTCOME_DETECTED, .unit = UNIT_NS,
				   .measured = 7100 * NS_PER_MS, .hi = 3 * NS_PER_S };
	int64_t budget, margin;
	char buf[256];

	(void)state;
	assert_true(result_budget(&e, &budget, &margin));
	assert_int_equal(budget, 3 * NS_PER_S);
	assert_int_equal(margin, -4100 * NS_PER_MS);
	assert_string_equal(result_short_str(&e, buf, sizeof(buf)), "measured 7.100 s, budget 3 s");
	e.outcome = OUTCOME_QUIET;
	assert_false(result_budget(&e, &budget, &margin));
	e.outcome = OUTCOME_DETECTED;
	e.hi = INT64_MAX;
	assert_false(result_budget(&e, &budget, &margin));
}

/* The exit status the results call for. */
static void test_exit_status(void **state)
{
	struct scenario_result v[2] = { { .verdict = VERDICT_PASS }, { .verdict = VERDICT_SKIP } };
	struct run_result rr = { .v = v, .n = 2 };

	(void)state;
	assert_int_equal(result_exit_status(&rr), 0);
	rr.fail_on_skip = true;
	assert_int_equal(result_exit_status(&rr), 1);
	rr.fail_on_skip = false;
	v[1].verdict = VERDICT_INTERRUPTED;
	assert_int_equal(result_exit_status(&rr), 1);
	rr.interrupted = true;
	rr.signal = SIGTERM;
	assert_int_equal(result_exit_status(&rr), 143);
	rr.signal = SIGINT;
	assert_int_equal(result_exit_status(&rr), 130);
	rr.interrupted = false;
	rr.signal = 0;
	v[1].verdict = VERDICT_FAIL;
	assert_int_equal(result_exit_status(&rr), 1);
}

/* Three runs of one scenario: the second failed; the folded expectation
 * failed with its values, and the statistics cover all three. */
static void test_fold_runs(void **state)
{
	const int64_t ms[] = { 4600, 5900, 4700 };
	struct scenario_result *runs = calloc(3, sizeof(*runs)), into = { 0 };
	struct run_stats st;

	(void)state;
	for (int k = 0; k < 3; k++) {
		struct expect_result *e = add(&runs[k], ms[k] > 5600 ? VERDICT_FAIL : VERDICT_PASS,
					      18, 5, "server ETIMEDOUT within 4.5..5.6 s");

		e->outcome = OUTCOME_DETECTED;
		e->unit = UNIT_NS;
		e->measured = ms[k] * NS_PER_MS;
		e->lo = 4500 * NS_PER_MS;
		e->hi = 5600 * NS_PER_MS;
		runs[k].verdict = result_fold(&runs[k]);
		runs[k].duration_ns = NS_PER_S;
	}
	assert_int_equal(result_fold_runs(&into, runs, 3), 0);
	assert_int_equal(into.verdict, VERDICT_FAIL);
	assert_int_equal(into.duration_ns, 3 * NS_PER_S);
	assert_int_equal(into.nexpects, 1);
	assert_int_equal(into.expects[0].verdict, VERDICT_FAIL);
	assert_int_equal(into.expects[0].measured, 5900 * NS_PER_MS);
	assert_int_equal(into.expects[0].nruns, 3);
	assert_int_equal(into.expects[0].runs[1].verdict, VERDICT_FAIL);
	assert_int_equal(into.expects[0].runs[2].verdict, VERDICT_PASS);
	st = result_run_stats(&into.expects[0]);
	assert_int_equal(st.n, 3);
	assert_int_equal(st.min, 4600 * NS_PER_MS);
	assert_int_equal(st.median, 4700 * NS_PER_MS);
	assert_int_equal(st.p99, 5900 * NS_PER_MS);
	assert_int_equal(st.max, 5900 * NS_PER_MS);
	result_scenario_free(&into);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_words_by),
		cmocka_unit_test(test_words_sockets_and_calls),
		cmocka_unit_test(test_words_transit),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_fold_unsure),
		cmocka_unit_test(test_fold_tries),
		cmocka_unit_test(test_term),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_junit_unwritable),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_outcome_names),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_fold_runs),
		cmocka_unit_test(test_exit_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
