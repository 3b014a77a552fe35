#include "reports/report.h"

#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "common/escape.h"

static const char *colour_of(enum verdict v)
{
	static const char *const c[] = {
		[VERDICT_PASS] = "\033[32m", [VERDICT_FAIL] = "\033[31;1m",
		[VERDICT_SKIP] = "\033[33m", [VERDICT_ERROR] = "\033[35;1m",
		[VERDICT_INTERRUPTED] = "\033[35;1m", [VERDICT_UNSURE] = "\033[36;1m",
		[VERDICT_FLAKY] = "\033[31;1m",
	};

	return c[v];
}

/* The one value that tells the story: the first failure's measurement, or
 * for a pass the first latency (else the first judged expectation's). */
static const char *headline(const struct scenario_result *r, char *buf, size_t len)
{
	const struct expect_result *pick = NULL;

	if (r->reason)
		return r->reason;
	for (size_t i = 0; i < r->nexpects && !pick; i++)
		if (r->expects[i].verdict != VERDICT_PASS && r->expects[i].verdict != VERDICT_SKIP)
			pick = &r->expects[i];
	for (size_t i = 0; i < r->nexpects && !pick; i++)
		if (result_is_latency(&r->expects[i]))
			pick = &r->expects[i];
	for (size_t i = 0; i < r->nexpects && !pick; i++)
		if (r->expects[i].verdict == VERDICT_PASS)
			pick = &r->expects[i];
	if (!pick && r->nexpects)
		pick = &r->expects[0];
	/* judged over several runs: the share is the value */
	if (pick && pick->rated && pick->nruns > 1)
		return result_runs_str(pick, buf, len);
	return pick ? result_measured_str(pick, buf, len) : "";
}

/* The runs before the last, each run again because it ended unsure. */
static void tries(FILE *f, const struct scenario_result *r)
{
	char took[32];

	for (size_t k = 0; k < r->ntries; k++)
		fprintf(f, "        try %zu: %s%s%s%s%s  %s\n", k + 1, verdict_name(r->tries[k].verdict),
			r->tries[k].duration_ns ? " in " : "",
			r->tries[k].duration_ns ? duration_str(r->tries[k].duration_ns, took, sizeof(took)) : "",
			r->tries[k].reason ? ": " : "", r->tries[k].reason ? r->tries[k].reason : "",
			r->tries[k].run_dir ? r->tries[k].run_dir : "");
	if (r->ntries)
		fprintf(f, "        try %zu: %s  %s\n", r->ntries + 1, verdict_name(r->verdict),
			r->run_dir ? r->run_dir : "");
}

/* The lines of @r but the verdict word, uncoloured, into @f. */
static void scenario_lines(FILE *f, const struct scenario_result *r, const struct term_style *s,
			   bool bad)
{
	char text[512];

	fprintf(f, " %-34s %s\n", r->id, headline(r, text, sizeof(text)));
	for (size_t i = 0; i < r->nexpects; i++) {
		const struct expect_result *e = &r->expects[i];

		if (e->verdict == VERDICT_PASS && !s->verbose)
			continue;
		fprintf(f, "        %s%s%s:%d:%d: expected %s\n", s->verbose ? verdict_name(e->verdict) : "",
			s->verbose ? " " : "", r->file, e->at.line, e->at.col, e->expected);
		fprintf(f, "          %s %s\n", e->verdict == VERDICT_SKIP ? "skipped:" : "measured",
			result_measured_str(e, text, sizeof(text)));
		if (e->nruns)
			fprintf(f, "          %s\n", result_runs_str(e, text, sizeof(text)));
	}
	for (size_t k = 0; s->verbose && k < r->nruns; k++)
		fprintf(f, "        run %zu: %s in %s%s%s  %s\n", k + 1, verdict_name(r->runs[k].verdict),
			duration_str(r->runs[k].duration_ns, text, sizeof(text)),
			r->runs[k].reason ? ": " : "", r->runs[k].reason ? r->runs[k].reason : "",
			r->runs[k].run_dir ? r->runs[k].run_dir : "");
	tries(f, r);
	/* what the programs said is where to look next */
	if (bad && r->verdict != VERDICT_INTERRUPTED)
		for (size_t i = 0; i < r->noutputs; i++)
			fprintf(f, "        output: %s\n", r->outputs[i]);
}

void report_term_scenario(FILE *f, const struct scenario_result *r, const struct term_style *s)
{
	const char *on = s->color ? colour_of(r->verdict) : "", *off = s->color ? "\033[0m" : "";
	bool bad = r->verdict != VERDICT_PASS && r->verdict != VERDICT_SKIP;
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	if (s->quiet && !bad)
		return;
	/* everything after the verdict came from input somewhere (an id, a
	 * program's line, a reason quoting a value): escaped, so that no
	 * control character in it acts on the terminal */
	fprintf(f, "  %s%-5s%s", on, verdict_name(r->verdict), off);
	if (!(m = open_memstream(&text, &len)))
		return;
	scenario_lines(m, r, s, bad);
	if (!fclose(m))
		escape_fputs(text, false, f);
	free(text);
}

void report_term_load(FILE *f, const struct run_result *rr)
{
	if (!rr->cpus)
		return;
	fprintf(f, "  load: -j %d on %d CPU%s, 1-minute load average %.1f at the start, %.1f at the end; %zu run%s retried as unsure (--retries %d)\n",
		rr->jobs, rr->cpus, rr->cpus == 1 ? "" : "s", rr->load[0], rr->load[1], rr->retried,
		rr->retried == 1 ? "" : "s", rr->retries);
}

void report_term_totals(FILE *f, const struct run_result *rr, bool color)
{
	size_t n[VERDICT_COUNT];
	char took[32];

	result_count(rr, n);
	fprintf(f, "  %zu passed, %zu failed, %zu skipped", n[VERDICT_PASS],
		n[VERDICT_FAIL], n[VERDICT_SKIP]);
	if (n[VERDICT_ERROR])
		fprintf(f, ", %s%zu could not run%s", color ? colour_of(VERDICT_ERROR) : "",
			n[VERDICT_ERROR], color ? "\033[0m" : "");
	if (n[VERDICT_INTERRUPTED] || rr->interrupted)
		fprintf(f, ", %s%zu interrupted%s", color ? colour_of(VERDICT_INTERRUPTED) : "",
			n[VERDICT_INTERRUPTED], color ? "\033[0m" : "");
	if (n[VERDICT_FLAKY])
		fprintf(f, ", %s%zu flaky%s", color ? colour_of(VERDICT_FLAKY) : "",
			n[VERDICT_FLAKY], color ? "\033[0m" : "");
	if (n[VERDICT_UNSURE])
		fprintf(f, ", %s%zu unsure%s", color ? colour_of(VERDICT_UNSURE) : "",
			n[VERDICT_UNSURE], color ? "\033[0m" : "");
	fprintf(f, " in %s", duration_str(rr->duration_ns, took, sizeof(took)));
	if (rr->root)
		fprintf(f, "   →  %s/", rr->root);
	fprintf(f, "\n");
}
