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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/duration.h"
#include "reports/report.h"

static void build(struct run_result *rr)
{
	struct scenario_result *r;

	memset(rr, 0, sizeof(*rr));
	rr->root = strdup("unplug-out/x");
	rr->duration_ns = 12500 * NS_PER_MS;

	r = result_new_scenario(rr);
	r->id = strdup("keepalive/pulled-cable");
	r->file = strdup("scenarios/keepalive/pulled-cable.yaml");
	r->name = strdup("keepalive notices a pulled cable");
	r->run_dir = strdup("unplug-out/x/keepalive/pulled-cable");
	result_add_expect(r, VERDICT_PASS, (struct pos){ 18, 5 },
			  "server ETIMEDOUT within 4.5..4.8 s of cable-pull",
			  "server ETIMEDOUT after 4.596 s (window 4.5–4.8 s)");
	result_add_expect(r, VERDICT_PASS, (struct pos){ 19, 5 }, "server sent 3 keepalive-probe",
			  "server sent 3 keepalive-probe");
	r->verdict = result_fold(r);

	r = result_new_scenario(rr);
	r->id = strdup("tricky/<&\">");
	r->file = strdup("t.yaml");
	r->name = strdup("escaping <&>");
	result_add_expect(r, VERDICT_PASS, (struct pos){ 3, 5 }, "a", "fine");
	result_add_expect(r, VERDICT_FAIL, (struct pos){ 4, 7 }, "server sent 0 RST",
			  "server sent 1 RST & <more>");
	r->verdict = result_fold(r);

	r = result_new_scenario(rr);
	r->id = strdup("broken");
	r->file = strdup("b.yaml");
	r->verdict = VERDICT_ERROR;
	r->reason = strdup("create a network namespace: Operation not permitted");
}

static void test_term(void **state)
{
	struct run_result rr;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	build(&rr);
	for (size_t i = 0; i < rr.n; i++)
		report_term_scenario(f, &rr.v[i], false);
	report_term_totals(f, &rr, false);
	fclose(f);
	assert_non_null(strstr(text, "  PASS  keepalive/pulled-cable             server ETIMEDOUT after 4.596 s (window 4.5–4.8 s)\n"));
	assert_non_null(strstr(text, "  FAIL  tricky/<&\">"));
	assert_non_null(strstr(text, "server sent 1 RST & <more>\n        t.yaml:4:7: expected server sent 0 RST\n"));
	assert_non_null(strstr(text, "  ERROR broken"));
	assert_non_null(strstr(text, "create a network namespace: Operation not permitted"));
	assert_non_null(strstr(text, "  1 passed, 1 failed, 0 skipped, 1 could not run in 12.500 s   →  unplug-out/x/\n"));
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
	assert_int_equal(xpath_count(doc, "//testcase[@name='server ETIMEDOUT within 4.5..4.8 s of cable-pull'][@line='18']"), 1);
	assert_int_equal(xpath_count(doc, "//testsuite[@name='tricky/<&\">']/testcase/failure[@message='server sent 1 RST & <more>']"), 1);
	assert_int_equal(xpath_count(doc, "//failure[contains(., 't.yaml:4:7: expected server sent 0 RST; measured server sent 1 RST')]"), 1);
	assert_int_equal(xpath_count(doc, "//testsuite[@name='broken'][@errors='1']/testcase/error"), 1);
	assert_int_equal(xpath_count(doc, "//property[@name='run_dir'][@value='unplug-out/x/keepalive/pulled-cable']"), 1);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_term),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_junit_unwritable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
