#include "reports/result.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/span.h"
#include "common/vec.h"

struct expect_result *result_add_expect(struct scenario_result *r)
{
	struct expect_result *e = vec_grow(&r->expects, &r->nexpects, &r->cap, sizeof(*e));

	if (!e)
		return NULL;
	e->cause = -1;
	e->offset = -1;
	e->ref_step = -1;
	e->exit_status = -1;
	e->want_status = -1;
	return e;
}

int result_set_expected(struct expect_result *e, const char *text)
{
	free(e->expected);
	e->expected = strdup(text);
	return e->expected ? 0 : -ENOMEM;
}

void result_add_packet(struct expect_result *e, const char *host, long frame)
{
	struct packet_ref *p;

	if (e->npackets == RESULT_MAX_PACKETS)
		return;
	p = &e->packets[e->npackets++];
	snprintf(p->host, sizeof(p->host), "%s", host);
	p->frame = frame;
}

int result_add_output(struct scenario_result *r, const char *path)
{
	size_t max = sizeof(r->outputs) / sizeof(r->outputs[0]);

	if (r->noutputs == max)
		return 0;
	r->outputs[r->noutputs] = strdup(path);
	if (!r->outputs[r->noutputs])
		return -ENOMEM;
	r->noutputs++;
	return 0;
}

enum verdict result_fold(const struct scenario_result *r)
{
	enum verdict v = VERDICT_PASS;
	size_t skipped = 0;

	for (size_t i = 0; i < r->nexpects; i++)
		if (r->expects[i].verdict == VERDICT_ERROR)
			return VERDICT_ERROR;
		else if (r->expects[i].verdict == VERDICT_FAIL)
			v = VERDICT_FAIL;
		else if (r->expects[i].verdict == VERDICT_FLAKY && v != VERDICT_FAIL)
			v = VERDICT_FLAKY;
		else if (r->expects[i].verdict == VERDICT_UNSURE && v == VERDICT_PASS)
			v = VERDICT_UNSURE;
		else if (r->expects[i].verdict == VERDICT_SKIP)
			skipped++;
	/* nothing was checked: every expectation was for other kernels, or
	 * needs what bare captures do not have */
	return r->nexpects && skipped == r->nexpects ? VERDICT_SKIP : v;
}

struct scenario_result *result_new_scenario(struct run_result *rr)
{
	return vec_grow(&rr->v, &rr->n, &rr->cap, sizeof(*rr->v));
}

void result_count(const struct run_result *rr, size_t counts[VERDICT_COUNT])
{
	memset(counts, 0, VERDICT_COUNT * sizeof(counts[0]));
	for (size_t i = 0; i < rr->n; i++)
		counts[rr->v[i].verdict]++;
}

int result_exit_status(const struct run_result *rr)
{
	size_t n[VERDICT_COUNT];

	result_count(rr, n);
	if (rr->interrupted && rr->signal)
		return 128 + rr->signal;
	if (rr->interrupted || n[VERDICT_FAIL] || n[VERDICT_ERROR] || n[VERDICT_INTERRUPTED] ||
	    n[VERDICT_FLAKY] || (rr->fail_on_skip && n[VERDICT_SKIP]))
		return 1;
	return n[VERDICT_UNSURE] ? RESULT_EXIT_UNSURE : 0;
}

static const char *const verdict_ids[] = { "pass", "fail", "skip", "error", "interrupted",
					   "unsure", "flaky" };

bool verdict_certain(enum verdict v)
{
	return v == VERDICT_PASS || v == VERDICT_FAIL;
}

void result_judge_span(struct expect_result *e, int64_t lo, int64_t hi)
{
	static const enum verdict of[] = { [SPAN_INSIDE] = VERDICT_PASS,
					   [SPAN_OUTSIDE] = VERDICT_FAIL,
					   [SPAN_ACROSS] = VERDICT_UNSURE };

	e->measured_lo = lo;
	e->measured_hi = hi;
	e->verdict = of[span_fit((struct span){ lo, hi }, e->lo, e->hi)];
}

const char *verdict_name(enum verdict v)
{
	static const char *const names[] = { "PASS", "FAIL", "SKIP", "ERROR", "INTR", "UNSURE",
					     "FLAKY" };

	return names[v];
}

const char *verdict_id(enum verdict v)
{
	return verdict_ids[v];
}

int verdict_of_id(const char *s)
{
	for (int v = 0; v < VERDICT_COUNT; v++)
		if (!strcmp(s, verdict_ids[v]))
			return v;
	return -1;
}

int outcome_of_name(const char *s)
{
	for (int o = 0; o < OUTCOME_COUNT; o++)
		if (!strcmp(s, outcome_name((enum outcome)o)))
			return o;
	return -1;
}

const char *outcome_name(enum outcome o)
{
	static const char *const names[] = {
		[OUTCOME_DETECTED] = "detected",
		[OUTCOME_NOTHING_DETECTED] = "nothing-detected",
		[OUTCOME_QUIET] = "quiet",
		[OUTCOME_NOT_QUIET] = "not-quiet",
		[OUTCOME_RUN_TOO_SHORT] = "run-too-short",
		[OUTCOME_NO_REFERENCE] = "no-reference",
		[OUTCOME_COUNTED] = "counted",
		[OUTCOME_DELIVERED] = "delivered",
		[OUTCOME_CORRUPTED] = "corrupted",
		[OUTCOME_MATCHED] = "matched",
		[OUTCOME_BROKEN] = "broken",
		[OUTCOME_CUT_SHORT] = "cut-short",
		[OUTCOME_SOCKETS_AT] = "sockets-at",
		[OUTCOME_SOCKETS_BY] = "sockets-by",
		[OUTCOME_SOCKETS_FOR] = "sockets-for",
		[OUTCOME_SOCKETS_MAX] = "sockets-max",
		[OUTCOME_CALLS] = "calls",
		[OUTCOME_CAPTURE_INCOMPLETE] = "capture-incomplete",
		[OUTCOME_NEEDS_EVENTS] = "needs-events",
		[OUTCOME_OTHER_KERNEL] = "other-kernel",
		[OUTCOME_TRANSIT] = "transit",
		[OUTCOME_BLOCKED] = "blocked",
		[OUTCOME_NOT_CALLED] = "not-called",
		[OUTCOME_NOT_TIMED] = "not-timed",
	};

	return names[o];
}

const char *unit_name(enum result_unit u)
{
	static const char *const names[] = { "none", "ns", "packets", "bytes", "sockets" };

	return names[u];
}

bool result_is_latency(const struct expect_result *e)
{
	return (e->outcome == OUTCOME_DETECTED && e->measured >= 0) ||
	       e->outcome == OUTCOME_MATCHED;
}

bool result_has_value(const struct expect_result *e)
{
	switch (e->outcome) {
	case OUTCOME_COUNTED:
	case OUTCOME_DELIVERED:
	case OUTCOME_SOCKETS_AT:
	case OUTCOME_SOCKETS_BY:
	case OUTCOME_SOCKETS_FOR:
	case OUTCOME_SOCKETS_MAX:
	case OUTCOME_TRANSIT:
	case OUTCOME_BLOCKED:
		return true;
	case OUTCOME_NOT_QUIET:	/* when the detection came, breaking the quiet */
		return e->measured >= 0;
	default:
		return result_is_latency(e);
	}
}

bool result_budget(const struct expect_result *e, int64_t *budget, int64_t *margin)
{
	bool timed = e->outcome == OUTCOME_NOTHING_DETECTED ||
		     (e->outcome == OUTCOME_DETECTED && e->measured >= 0) ||
		     e->outcome == OUTCOME_MATCHED;

	if (!timed || e->unit != UNIT_NS || e->hi == INT64_MAX)
		return false;
	*budget = e->hi;
	*margin = e->hi - e->measured;
	return true;
}

bool result_step_is_late(int64_t late_ns, int64_t took_ns)
{
	return late_ns > RESULT_LATE_NS || took_ns > RESULT_LATE_NS;
}

void result_note_late_step(struct scenario_result *r, int step, const char *name,
			   int64_t t_ns, int64_t late_ns, int64_t took_ns)
{
	struct late_step *ls = NULL;

	if (!result_step_is_late(late_ns, took_ns))
		return;
	for (size_t i = 0; i < r->nexpects; i++)
		if (r->expects[i].ref_step == step)
			return;	/* its expectations' warning says it */
	for (size_t i = 0; i < r->nlate && !ls; i++)
		if (r->late[i].step == step)
			ls = &r->late[i];
	if (!ls) {
		if (r->nlate == RESULT_MAX_LATE_STEPS)
			return;
		ls = &r->late[r->nlate++];
		*ls = (struct late_step){ .step = step };
		snprintf(ls->name, sizeof(ls->name), "%s", name);
	}
	if (late_ns + took_ns > ls->late_ns + ls->took_ns) {
		ls->t_ns = t_ns;
		ls->late_ns = late_ns;
		ls->took_ns = took_ns;
	}
}

void result_scenario_free(struct scenario_result *r)
{
	for (size_t i = 0; i < r->nruns; i++)
		result_scenario_free(&r->runs[i]);
	free(r->runs);
	for (size_t i = 0; i < r->ntries; i++)
		result_scenario_free(&r->tries[i]);
	free(r->tries);
	for (size_t i = 0; i < r->nexpects; i++) {
		free(r->expects[i].expected);
		free(r->expects[i].runs);
	}
	free(r->expects);
	free(r->id);
	free(r->name);
	free(r->file);
	free(r->run_dir);
	free(r->kernel);
	free(r->reason);
	for (size_t i = 0; i < r->noutputs; i++)
		free(r->outputs[i]);
	free(r->sweep);
	for (size_t i = 0; i < r->nparams; i++) {
		free(r->param_names[i]);
		free(r->param_values[i]);
	}
	memset(r, 0, sizeof(*r));
}

int result_set_sweep(struct scenario_result *r, const char *sweep, char *const *names,
		     char *const *values, size_t n)
{
	if (n > RESULT_MAX_PARAMS || !(r->sweep = strdup(sweep)))
		return -ENOMEM;
	for (; r->nparams < n; r->nparams++) {
		r->param_names[r->nparams] = strdup(names[r->nparams]);
		r->param_values[r->nparams] = strdup(values[r->nparams]);
		if (!r->param_names[r->nparams] || !r->param_values[r->nparams]) {
			r->nparams++;
			return -ENOMEM;
		}
	}
	return 0;
}

void result_free(struct run_result *rr)
{
	if (!rr)
		return;
	for (size_t i = 0; i < rr->n; i++)
		result_scenario_free(&rr->v[i]);
	free(rr->v);
	free(rr->root);
	free(rr->kernel);
	memset(rr, 0, sizeof(*rr));
}
