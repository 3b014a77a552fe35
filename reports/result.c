#include "reports/result.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int result_add_expect(struct scenario_result *r, enum verdict v, struct pos at,
		      const char *expected, const char *measured)
{
	struct expect_result *grown, *e;

	grown = realloc(r->expects, (r->nexpects + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	r->expects = grown;
	e = &r->expects[r->nexpects];
	e->verdict = v;
	e->at = at;
	e->expected = strdup(expected);
	e->measured = strdup(measured);
	if (!e->expected || !e->measured) {
		free(e->expected);
		free(e->measured);
		return -ENOMEM;
	}
	r->nexpects++;
	return 0;
}

enum verdict result_fold(const struct scenario_result *r)
{
	enum verdict v = VERDICT_PASS;

	for (size_t i = 0; i < r->nexpects; i++)
		if (r->expects[i].verdict == VERDICT_ERROR)
			return VERDICT_ERROR;
		else if (r->expects[i].verdict == VERDICT_FAIL)
			v = VERDICT_FAIL;
	return v;
}

struct scenario_result *result_new_scenario(struct run_result *rr)
{
	struct scenario_result *grown = realloc(rr->v, (rr->n + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	rr->v = grown;
	memset(&rr->v[rr->n], 0, sizeof(rr->v[rr->n]));
	return &rr->v[rr->n++];
}

void result_count(const struct run_result *rr, size_t counts[4])
{
	memset(counts, 0, 4 * sizeof(counts[0]));
	for (size_t i = 0; i < rr->n; i++)
		counts[rr->v[i].verdict]++;
}

const char *verdict_name(enum verdict v)
{
	static const char *const names[] = { "PASS", "FAIL", "SKIP", "ERROR" };

	return names[v];
}

void result_scenario_free(struct scenario_result *r)
{
	for (size_t i = 0; i < r->nexpects; i++) {
		free(r->expects[i].expected);
		free(r->expects[i].measured);
	}
	free(r->expects);
	free(r->id);
	free(r->name);
	free(r->file);
	free(r->run_dir);
	free(r->reason);
	memset(r, 0, sizeof(*r));
}

void result_free(struct run_result *rr)
{
	if (!rr)
		return;
	for (size_t i = 0; i < rr->n; i++)
		result_scenario_free(&rr->v[i]);
	free(rr->v);
	free(rr->root);
	memset(rr, 0, sizeof(*rr));
}
