#include "reports/report.h"

#include <string.h>

#include "harness/duration.h"

static const char *colour_of(enum verdict v)
{
	static const char *const c[] = { "\033[32m", "\033[31;1m", "\033[33m", "\033[35;1m" };

	return c[v];
}

/* The one value that tells the story: the first failure's measurement, or
 * for a pass the first detection (else the first expectation). */
static const char *headline(const struct scenario_result *r)
{
	if (r->reason)
		return r->reason;
	for (size_t i = 0; i < r->nexpects; i++)
		if (r->expects[i].verdict != VERDICT_PASS)
			return r->expects[i].measured;
	for (size_t i = 0; i < r->nexpects; i++)
		if (strstr(r->expects[i].measured, " after "))
			return r->expects[i].measured;
	return r->nexpects ? r->expects[0].measured : "";
}

void report_term_scenario(FILE *f, const struct scenario_result *r, bool color)
{
	const char *on = color ? colour_of(r->verdict) : "", *off = color ? "\033[0m" : "";

	fprintf(f, "  %s%-5s%s %-34s %s\n", on, verdict_name(r->verdict), off, r->id,
		headline(r));
	if (r->verdict != VERDICT_FAIL)
		return;
	for (size_t i = 0; i < r->nexpects; i++) {
		const struct expect_result *e = &r->expects[i];

		if (e->verdict == VERDICT_PASS)
			continue;
		fprintf(f, "        %s:%d:%d: expected %s\n", r->file, e->at.line, e->at.col,
			e->expected);
		fprintf(f, "        %*s  measured %s\n", 0, "", e->measured);
	}
}

void report_term_totals(FILE *f, const struct run_result *rr, bool color)
{
	size_t n[4];
	char took[32];

	result_count(rr, n);
	fprintf(f, "  %zu passed, %zu failed, %zu skipped", n[VERDICT_PASS],
		n[VERDICT_FAIL], n[VERDICT_SKIP]);
	if (n[VERDICT_ERROR])
		fprintf(f, ", %s%zu could not run%s", color ? colour_of(VERDICT_ERROR) : "",
			n[VERDICT_ERROR], color ? "\033[0m" : "");
	fprintf(f, " in %s", duration_str(rr->duration_ns, took, sizeof(took)));
	if (rr->root)
		fprintf(f, "   →  %s/", rr->root);
	fprintf(f, "\n");
}
