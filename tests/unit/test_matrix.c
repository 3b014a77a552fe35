/* Sweeps: a matrix expands into its combinations, `$name` is substituted
 * with errors still at the file's own line and column, `when:` keeps an
 * expectation to some combinations, `rate:` is judged over runs, and the
 * tables are made from the results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/model/matrix.h"
#include "harness/model/scenario.h"
#include "reports/result.h"
#include "reports/sweep.h"
#include "yaml_fixture.h"

#define PEERS \
	"server:\n" \
	"  listen: 7000\n" \
	"  heartbeat: { send-every: $every }\n" \
	"client:\n" \
	"  connect: server:7000\n"

#define PLAIN_PEERS \
	"server:\n" \
	"  listen: 7000\n" \
	"client:\n" \
	"  connect: server:7000\n"

static const char sweep_yaml[] =
	"name: a sweep\n"
	"matrix:\n"
	"  loss: [10, 40]\n"
	"  every: [100ms, 1s, 4s]\n"
	PEERS
	"steps:\n"
	"  - { at: 500ms, fault: { drop: { from: client, what: acks, percent: $loss } } }\n"
	"expect:\n"
	"  - no-detect: { host: server, for: 10s, rate: \">= 80%\", when: { every: 100ms } }\n"
	"  - no-detect: { host: server, for: 10s, rate: 0%..100% }\n";

static int sweep(const char *yaml, struct scenario ***v, size_t *n, struct diag *d)
{
	diag_init(d, "sweep.yaml");
	return scenario_load_sweep_bytes("sweep.yaml", yaml, strlen(yaml), v, n, d);
}

/* Loading @yaml's sweep fails with a message that starts "sweep.yaml:L:C: "
 * and holds @text. */
static void sweep_error(const char *yaml, int line, int col, const char *text)
{
	struct scenario **v = (void *)1;
	struct diag d;
	size_t n = 1;

	assert_int_not_equal(sweep(yaml, &v, &n, &d), 0);
	assert_null(v);
	assert_int_equal(n, 0);
	expect_message(&d, "sweep.yaml", line, col, text);
	diag_clear(&d);
}

static void test_combinations(void **state)
{
	static const char *const every[] = { "100ms", "1s", "4s" };
	struct scenario **v;
	struct diag d;
	size_t n;

	(void)state;
	assert_int_equal(sweep(sweep_yaml, &v, &n, &d), 0);
	assert_int_equal(d.count, 0);
	assert_int_equal(n, 6);
	for (size_t k = 0; k < n; k++) {
		const struct scenario *sc = v[k];

		/* the last parameter varies fastest */
		assert_int_equal(sc->pick.n, 2);
		assert_string_equal(sc->pick.names[0], "loss");
		assert_string_equal(sc->pick.values[0], k < 3 ? "10" : "40");
		assert_string_equal(sc->pick.values[1], every[k % 3]);
		assert_int_equal(sc->hosts[1].peer.heartbeat.send_every_ns,
				 k % 3 == 0 ? 100000000 : k % 3 == 1 ? 1000000000 : 4000000000);
		/* when: every: 100ms keeps the first expectation there only */
		assert_int_equal(sc->nexpects, k % 3 == 0 ? 2 : 1);
		assert_true(sc->expects[sc->nexpects - 1].rated);
		assert_int_equal(sc->expects[sc->nexpects - 1].rate_lo, 0);
		assert_int_equal(sc->expects[sc->nexpects - 1].rate_hi, 100);
		if (k % 3 == 0) {
			assert_int_equal(sc->expects[0].rate_lo, 80);
			assert_int_equal(sc->expects[0].rate_hi, 100);
			assert_int_equal(sc->expects[0].at.line, 13);
		}
		/* the run directory keeps the file as written */
		assert_memory_equal(sc->source, sweep_yaml, strlen(sweep_yaml));
	}
	scenario_free_all(v, n);
}

static void test_not_a_sweep(void **state)
{
	struct scenario **v, *sc;
	struct diag d;
	size_t n;
	const char *plain = "name: plain, with a $ in a name\n" PLAIN_PEERS
			    "expect:\n  - no-detect: { host: server, for: 1s }\n";

	(void)state;
	/* no matrix: nothing is substituted, `$` and all */
	assert_int_equal(sweep(plain, &v, &n, &d), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0]->pick.n, 0);
	assert_string_equal(v[0]->name, "plain, with a $ in a name");
	scenario_free_all(v, n);
	diag_clear(&d);
	/* a sweep loaded whole, as one scenario, is refused with an example */
	diag_init(&d, "sweep.yaml");
	assert_int_equal(scenario_load_bytes("sweep.yaml", sweep_yaml, strlen(sweep_yaml), &sc, &d),
			 -EINVAL);
	assert_null(sc);
	assert_non_null(strstr(diag_last(&d), "sweep.yaml:3:3: a sweep (matrix:) is judged one combination at a time"));
	assert_non_null(strstr(diag_last(&d), "--matrix loss=10,every=100ms"));
	diag_clear(&d);
}

static void test_pick(void **state)
{
	struct matrix_pick p;
	struct scenario *sc;
	struct diag d;
	char *label;

	(void)state;
	assert_int_equal(matrix_pick_parse("loss=40,every=1s", &p), 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(matrix_pick_value(&p, "every"), "1s");
	assert_null(matrix_pick_value(&p, "rate"));
	label = matrix_pick_label(&p);
	assert_string_equal(label, "loss=40,every=1s");
	free(label);
	diag_init(&d, "sweep.yaml");
	assert_int_equal(scenario_load_pick("sweep.yaml", sweep_yaml, strlen(sweep_yaml), &p, &sc, &d), 0);
	assert_int_equal(sc->hosts[1].peer.heartbeat.send_every_ns, 1000000000);
	assert_int_equal(sc->nexpects, 1);
	scenario_free(sc);
	matrix_pick_clear(&p);
	/* a value the matrix does not list, a parameter it lacks */
	assert_int_equal(matrix_pick_parse("loss=50,every=1s", &p), 0);
	assert_int_equal(scenario_load_pick("sweep.yaml", sweep_yaml, strlen(sweep_yaml), &p, &sc, &d), -EINVAL);
	assert_string_equal(diag_last(&d), "loss=50 is not in the scenario's matrix");
	matrix_pick_clear(&p);
	assert_int_equal(matrix_pick_parse("loss=10", &p), 0);
	assert_int_equal(scenario_load_pick("sweep.yaml", sweep_yaml, strlen(sweep_yaml), &p, &sc, &d), -EINVAL);
	assert_string_equal(diag_last(&d), "the scenario's matrix has 2 parameters; 1 given");
	matrix_pick_clear(&p);
	diag_clear(&d);
	for (const char *bad = "x\0=1\0a=1=2\0A=1\0a=\\q\0a=\\x0\0a=1,\0"; *bad; bad += strlen(bad) + 1)
		assert_int_equal(matrix_pick_parse(bad, &p), -EINVAL);
	assert_int_equal(matrix_pick_parse("", &p), -EINVAL);
}

/* A value may hold any text: an option string with ",", "=", a path, a
 * "$", nothing at all. Its label escapes what must be, and parses back. */
static void test_any_value(void **state)
{
	static const char *const values[] = {
		"-o ServerAliveInterval=2,ServerAliveCountMax=3", "a\\b/c", "$HOME", "", "tab\there",
	};
	struct matrix_pick p = { .n = 2 }, back;
	char *label;

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		p.names[0] = "opts";
		p.values[0] = (char *)values[i];
		p.names[1] = "n";
		p.values[1] = "1";
		label = matrix_pick_label(&p);
		assert_non_null(label);
		assert_null(strchr(label, '/'));
		assert_int_equal(matrix_pick_parse(label, &back), 0);
		assert_int_equal(back.n, 2);
		assert_string_equal(back.values[0], values[i]);
		assert_string_equal(back.values[1], "1");
		matrix_pick_clear(&back);
		free(label);
	}
	p.values[0] = "x=1,y";
	label = matrix_pick_label(&p);
	assert_string_equal(label, "opts=x\\=1\\,y,n=1");
	free(label);
}

/* ${name} where letters follow; one copy of the file for all the
 * combinations; each combination substituted from the same document,
 * put back in between (the second sees no value of the first); a
 * parameter nothing uses is flagged. */
static void test_braces_shared_unused(void **state)
{
	static const char yaml[] =
		"name: a\n"
		"matrix: { at: [3, 6], unused: [a, b] }\n"
		PLAIN_PEERS
		"steps:\n  - { at: \"${at}00ms\", action: { close: client } }\n"
		"expect:\n  - detect: { host: server, error: eof, within: 50ms }\n";
	struct scenario **v;
	struct diag d;
	size_t n;

	(void)state;
	assert_int_equal(sweep(yaml, &v, &n, &d), 0);
	assert_int_equal(n, 4);
	assert_int_equal(v[0]->steps[0].at_ns, 300000000);
	assert_int_equal(v[1]->steps[0].at_ns, 300000000);
	assert_int_equal(v[2]->steps[0].at_ns, 600000000);
	assert_int_equal(v[3]->steps[0].at_ns, 600000000);
	assert_ptr_equal(v[0]->source, v[3]->source);
	assert_memory_equal(v[3]->source, yaml, strlen(yaml));
	assert_int_equal(v[0]->matrix_unused, 2);	/* params[1]: unused */
	scenario_free_all(v, n);
	diag_clear(&d);
}

static void test_errors(void **state)
{
	(void)state;
	/* substituted values are checked where `$name` was written */
	sweep_error("name: a\nmatrix: { loss: [10, 400] }\n" PEERS
		    "steps:\n  - { at: 1s, fault: { drop: { from: client, percent: $loss } } }\n"
		    "expect:\n  - no-detect: { host: server, for: 1s }\n",
		    5, 28, "unknown matrix parameter: \"$every\" (the matrix has loss; ${name} when letters follow it; $$ for a \"$\")");
	sweep_error("name: a\nmatrix: { every: [1s], loss: [10, 400] }\n" PEERS
		    "steps:\n  - { at: 1s, fault: { drop: { from: client, percent: $loss } } }\n"
		    "expect:\n  - no-detect: { host: server, for: 1s }\n",
		    9, 55, "bad drop percent: \"400\"");
	sweep_error("name: a\nmatrix: { every: [1s], loss: [10, 400] }\n" PEERS
		    "steps:\n  - { at: 1s, fault: { drop: { from: client, percent: $loss } } }\n"
		    "expect:\n  - no-detect: { host: server, for: 1s }\n",
		    9, 55, "(in the combination every=1s,loss=400)");
	sweep_error("name: a\nmatrix: { evry: [1s] }\n" PEERS
		    "expect:\n  - no-detect: { host: server, for: 1s }\n",
		    5, 28, "(did you mean \"evry\"? the matrix has evry; ${name} when letters follow it; $$ for a \"$\")");
	sweep_error("name: a\nmatrix: { Every: [1s] }\n" PEERS, 2, 11, "bad matrix parameter name");
	sweep_error("name: a\nmatrix: { every: [] }\n" PEERS, 2, 18, "has no values");
	sweep_error("name: a\nmatrix: { every: [1s, 1s] }\n" PEERS, 2, 23, "lists \"1s\" twice");
	sweep_error("name: a\nmatrix: { every: 1s }\n" PEERS, 2, 18, "must be a list");
	sweep_error("name: a\nmatrix: []\n" PEERS, 2, 9, "matrix must be a mapping");
	sweep_error("name: a\nmatrix: { a: [1,2,3,4], b: [1,2,3,4], c: [1,2,3,4], d: [1,2,3,4,5], every: [1s] }\n"
		    PEERS, 2, 9, "at most 256 combinations");
	/* when: and rate: */
	sweep_error("name: a\n" PLAIN_PEERS
		    "expect:\n  - no-detect: { host: server, for: 1s, when: { every: 1s } }\n", 7, 47,
		    "this scenario has no matrix:");
	sweep_error("name: a\nmatrix: { every: [1s] }\n" PEERS
		    "expect:\n  - no-detect: { host: server, for: 1s, when: { evry: 1s } }\n", 9, 49,
		    "\"evry\" is not a parameter of the matrix");
	sweep_error("name: a\nmatrix: { every: [1s] }\n" PEERS
		    "expect:\n  - no-detect: { host: server, for: 1s, when: { every: 2s } }\n", 9, 56,
		    "when: every is never \"2s\"");
	sweep_error("name: a\nmatrix: { every: [1s, 2s] }\n" PEERS
		    "expect:\n  - no-detect: { host: server, for: 1s, when: { every: 2s } }\n", 9, 3,
		    "no expectation holds in this combination");
	for (const char *bad = "80\0" "101%\0" "90%..80%\0" "> 80%\0" "-1%..5%\0" "8.5%\0"; *bad;
	     bad += strlen(bad) + 1) {
		char yaml[512];

		snprintf(yaml, sizeof(yaml), "name: a\n" PLAIN_PEERS "expect:\n"
			 "  - no-detect: { host: server, for: 1s, rate: \"%s\" }\n", bad);
		sweep_error(yaml, 7, 47, "bad rate");
	}
}

/* A result with one no-detect, rated @lo..@hi, passed or not in each of
 * @n runs as @pass says; folded as --repeat folds. */
static void rated_result(struct scenario_result *into, const bool *pass, size_t n, int lo, int hi)
{
	struct scenario_result *runs = calloc(n, sizeof(*runs));

	for (size_t k = 0; k < n; k++) {
		struct expect_result *e = result_add_expect(&runs[k]);

		e->at = (struct pos){ 12, 5 };
		e->rated = true;
		e->rate_lo = lo;
		e->rate_hi = hi;
		e->outcome = pass[k] ? OUTCOME_QUIET : OUTCOME_NOT_QUIET;
		e->unit = UNIT_NS;
		e->measured = pass[k] ? 10000000000 : (int64_t)(k + 1) * 1000000000;
		/* as the judge leaves it: the run's own value, the rate over one */
		e->runs = calloc(1, sizeof(*e->runs));
		e->nruns = 1;
		e->runs[0] = (struct run_value){ pass[k] ? VERDICT_PASS : VERDICT_FAIL, !pass[k],
						 e->measured };
		e->verdict = result_rate_verdict(e, NULL, NULL);
		runs[k].verdict = result_fold(&runs[k]);
	}
	assert_int_equal(result_fold_runs(into, runs, n), 0);
}

static void test_rate(void **state)
{
	static const bool four_of_five[] = { true, false, true, true, true };
	struct scenario_result r = { 0 };
	size_t passed, judged;

	(void)state;
	/* 80 % passed: within >= 80 %, though one run failed */
	rated_result(&r, four_of_five, 5, 80, 100);
	assert_int_equal(r.expects[0].verdict, VERDICT_PASS);
	assert_int_equal(r.verdict, VERDICT_PASS);
	assert_int_equal(result_rate_verdict(&r.expects[0], &passed, &judged), VERDICT_PASS);
	assert_int_equal(passed, 4);
	assert_int_equal(judged, 5);
	assert_int_equal(r.expects[0].runs[1].verdict, VERDICT_FAIL);
	result_scenario_free(&r);
	/* ... and outside 90..100 % */
	rated_result(&r, four_of_five, 5, 90, 100);
	assert_int_equal(r.expects[0].verdict, VERDICT_FAIL);
	assert_int_equal(r.verdict, VERDICT_FAIL);
	result_scenario_free(&r);
	/* at most 20 %: a bound from above */
	rated_result(&r, four_of_five, 5, 0, 20);
	assert_int_equal(r.verdict, VERDICT_FAIL);
	result_scenario_free(&r);
}

static void test_tables(void **state)
{
	static const bool runs_a[] = { true, false, false }, runs_b[] = { true, true, true };
	struct run_result rr = { 0 };
	struct sweep_row row;
	struct pos at[4];
	size_t first = 0, n = 0;
	char *names[] = { "every" }, *a[] = { "100ms" }, *b[] = { "4s" };
	struct scenario_result *r;

	(void)state;
	r = result_new_scenario(&rr);
	r->id = strdup("plain");
	r = result_new_scenario(&rr);
	rated_result(r, runs_a, 3, 0, 100);
	r->id = strdup("s[every=100ms]");
	assert_int_equal(result_set_sweep(r, "s", names, a, 1), 0);
	r = result_new_scenario(&rr);
	rated_result(r, runs_b, 3, 0, 100);
	r->id = strdup("s[every=4s]");
	assert_int_equal(result_set_sweep(r, "s", names, b, 1), 0);

	assert_true(sweep_next(&rr, &first, &n));
	assert_int_equal(first, 1);
	assert_int_equal(n, 2);
	assert_int_equal(sweep_expectations(&rr, first, n, at, 4), 1);
	assert_int_equal(at[0].line, 12);
	assert_true(sweep_row(&rr.v[1], at[0], &row));
	assert_int_equal(row.runs, 3);
	assert_int_equal(row.passed, 1);
	/* the values are when the quiet broke: 2 s and 3 s */
	assert_int_equal(row.stats.n, 2);
	assert_int_equal(row.stats.min, 2000000000);
	assert_int_equal(row.stats.max, 3000000000);
	assert_true(sweep_row(&rr.v[2], at[0], &row));
	assert_int_equal(row.passed, 3);
	assert_int_equal(row.stats.n, 0);
	assert_false(sweep_row(&rr.v[2], (struct pos){ 13, 5 }, &row));
	assert_false(sweep_next(&rr, &first, &n));
	result_free(&rr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_combinations),
		cmocka_unit_test(test_not_a_sweep),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_any_value),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_braces_shared_unused),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
