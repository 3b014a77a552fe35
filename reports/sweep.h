/* A sweep's tables: a scenario run once per combination of its matrix
 * (and --repeat times each) gives, per expectation, one row per
 * combination — how many runs passed, and the spread of what was
 * measured. Computed from the results alone, so a merged or re-read JSON
 * gives the same tables. */
#ifndef REPORTS_SWEEP_H
#define REPORTS_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/report.h"
#include "reports/result.h"

#define SWEEP_MAX_EXPECTS 32

/* How one combination fared on one expectation. */
struct sweep_row {
	const struct scenario_result *r;	/* the combination */
	const struct expect_result *e;		/* its expectation */
	size_t runs;		/* judged runs: passed or failed */
	size_t passed;
	struct run_stats stats;	/* over the runs that measured a value */
};

/* The next sweep of @rr: results [*first, *first + *n) are one sweep's
 * combinations (consecutive, with the same sweep id and kernel). Start
 * with both 0.
 * Returns false when there is none left. */
bool sweep_next(const struct run_result *rr, size_t *first, size_t *n);

/* The expectations a sweep's combinations have, by their place in the
 * file (a `when:` gives some combinations an expectation others lack),
 * in file order, into @at (at most @max). Returns how many. */
size_t sweep_expectations(const struct run_result *rr, size_t first, size_t n,
			  struct pos *at, size_t max);

/* Combination @r's row for the expectation at @at: false when @r has no
 * such expectation, or was not judged. */
bool sweep_row(const struct scenario_result *r, struct pos at, struct sweep_row *row);

/* Every sweep's tables, for the terminal, after the scenarios' lines. */
void report_term_sweeps(FILE *f, const struct run_result *rr, const struct term_style *s);

#endif
