/* A scenario run N times (--repeat): its runs' results folded into one,
 * and statistics over each expectation's values. */
#include "reports/result.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* How bad a verdict is, for the worst of several runs: an error hides
 * everything, an interruption a failure, a failure a pass; a skip only
 * stands when every run skipped. */
static int severity(enum verdict v)
{
	static const int rank[] = { [VERDICT_SKIP] = 0, [VERDICT_PASS] = 1,
				    [VERDICT_UNSURE] = 2, [VERDICT_FLAKY] = 3,
				    [VERDICT_FAIL] = 4, [VERDICT_INTERRUPTED] = 5,
				    [VERDICT_ERROR] = 6 };

	return rank[v];
}

/* The run whose expectations give the folded ones their shape: the first
 * that was judged. */
static const struct scenario_result *judged_run(const struct scenario_result *runs, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (runs[k].nexpects)
			return &runs[k];
	return NULL;
}

/* Expectation @i folded over the runs: the values of the first run it
 * did not pass in, else @shape's; every run's verdict and value. */
static int fold_expect(struct expect_result *into, const struct scenario_result *runs,
		       size_t n, const struct scenario_result *shape, size_t i)
{
	const struct expect_result *pick = &shape->expects[i];

	for (size_t k = 0; k < n; k++)
		if (runs[k].nexpects == shape->nexpects &&
		    runs[k].expects[i].verdict != VERDICT_PASS) {
			pick = &runs[k].expects[i];
			break;
		}
	*into = *pick;
	into->expected = pick->expected ? strdup(pick->expected) : NULL;
	into->runs = calloc(n, sizeof(*into->runs));
	into->nruns = n;
	if ((pick->expected && !into->expected) || !into->runs)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		struct run_value *v = &into->runs[k];

		if (runs[k].nexpects != shape->nexpects) {
			/* this run was not judged: its verdict stands for all */
			*v = (struct run_value){ .verdict = runs[k].verdict };
			if (severity(v->verdict) > severity(into->verdict))
				into->verdict = v->verdict;
			continue;
		}
		*v = (struct run_value){ .verdict = runs[k].expects[i].verdict,
					 .valued = result_has_value(&runs[k].expects[i]),
					 .measured = runs[k].expects[i].measured };
		/* a rated expectation's own verdict is already the rate's */
		if (runs[k].expects[i].rated && runs[k].expects[i].nruns == 1)
			*v = runs[k].expects[i].runs[0];
	}
	if (into->rated)
		into->verdict = result_rate_verdict(into, NULL, NULL);
	return 0;
}

enum verdict result_rate_verdict(const struct expect_result *e, size_t *passed, size_t *judged)
{
	size_t pass = 0, n = 0, unsure = 0;

	for (size_t k = 0; k < e->nruns; k++) {
		enum verdict v = e->runs[k].verdict;

		if (v == VERDICT_ERROR || v == VERDICT_INTERRUPTED)
			return v;
		pass += v == VERDICT_PASS;
		/* a flaky run failed once for certain; an unsure one is not
		 * counted either way */
		n += v == VERDICT_PASS || v == VERDICT_FAIL || v == VERDICT_FLAKY;
		unsure += v == VERDICT_UNSURE;
	}
	if (passed)
		*passed = pass;
	if (judged)
		*judged = n;
	if (!n)
		return unsure ? VERDICT_UNSURE : VERDICT_SKIP;
	/* pass / n within [lo, hi] %, in whole numbers */
	return pass * 100 >= (size_t)e->rate_lo * n && pass * 100 <= (size_t)e->rate_hi * n ?
		       VERDICT_PASS : VERDICT_FAIL;
}

int result_fold_runs(struct scenario_result *into, struct scenario_result *runs, size_t n)
{
	const struct scenario_result *shape = judged_run(runs, n);

	into->runs = runs;
	into->nruns = n;
	into->verdict = n ? runs[0].verdict : VERDICT_SKIP;
	into->duration_ns = 0;
	for (size_t k = 0; k < n; k++) {
		if (severity(runs[k].verdict) > severity(into->verdict))
			into->verdict = runs[k].verdict;
		into->duration_ns += runs[k].duration_ns;
		if (!into->reason && runs[k].reason && !(into->reason = strdup(runs[k].reason)))
			return -ENOMEM;
		if (!into->nlate && runs[k].nlate) {
			memcpy(into->late, runs[k].late, sizeof(into->late));
			into->nlate = runs[k].nlate;
		}
	}
	for (size_t i = 0; shape && i < shape->nexpects; i++) {
		struct expect_result *e = result_add_expect(into);

		if (!e || fold_expect(e, runs, n, shape, i))
			return -ENOMEM;
	}
	/* a run failed by a rated expectation may pass as a share of runs:
	 * the folded expectations decide, and what kept a run from being
	 * judged at all */
	if (shape) {
		enum verdict worst = result_fold(into);

		for (size_t k = 0; k < n; k++)
			if ((runs[k].verdict == VERDICT_ERROR || runs[k].verdict == VERDICT_INTERRUPTED) &&
			    severity(runs[k].verdict) > severity(worst))
				worst = runs[k].verdict;
		into->verdict = worst;
	}
	return 0;
}

int result_fold_tries(struct scenario_result *into, struct scenario_result *tries, size_t n)
{
	struct scenario_result *last = &tries[n - 1];

	/* the last run is the result; the ones before are kept beside it */
	*into = *last;
	memset(last, 0, sizeof(*last));
	into->tries = tries;
	into->ntries = n - 1;
	for (size_t i = 0; i < into->nexpects; i++) {
		struct expect_result *e = &into->expects[i];

		if (!verdict_certain(e->verdict))
			continue;
		for (size_t k = 0; k + 1 < n; k++)
			if (tries[k].nexpects == into->nexpects &&
			    verdict_certain(tries[k].expects[i].verdict) &&
			    tries[k].expects[i].verdict != e->verdict)
				e->verdict = VERDICT_FLAKY;
	}
	if (into->nexpects)
		into->verdict = result_fold(into);
	for (size_t k = 0; k + 1 < n; k++)
		into->duration_ns += tries[k].duration_ns;
	return 0;
}

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The nearest-rank @pct percentile of @n sorted values. */
static int64_t rank(const int64_t *v, size_t n, unsigned pct)
{
	size_t r = (n * pct + 99) / 100;

	return v[r ? r - 1 : 0];
}

struct run_stats result_run_stats(const struct expect_result *e)
{
	return result_stats_of(e->runs, e->nruns);
}

struct run_stats result_stats_of(const struct run_value *runs, size_t n)
{
	struct run_stats s = { 0 };
	int64_t *v = calloc(n + 1, sizeof(*v));

	if (!v)
		return s;
	for (size_t k = 0; k < n; k++)
		if (runs[k].valued)
			v[s.n++] = runs[k].measured;
	if (s.n) {
		qsort(v, s.n, sizeof(*v), by_value);
		s.min = v[0];
		s.median = rank(v, s.n, 50);
		s.p99 = rank(v, s.n, 99);
		s.max = v[s.n - 1];
	}
	free(v);
	return s;
}
