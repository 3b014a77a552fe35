/* Every output format, written from one result model (result.h). */
#ifndef REPORTS_REPORT_H
#define REPORTS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "common/diag.h"
#include "reports/result.h"

/* How the terminal report looks; the CLI decides. */
struct term_style {
	bool color;		/* ANSI colours: a terminal, no NO_COLOR */
	bool quiet;		/* only what did not pass */
	bool verbose;		/* every expectation, every repeat's run */
};

/* One line for scenario @r as soon as it is judged: verdict, id, and the
 * measured value that matters; failing expectations follow, indented,
 * with each repeat's verdicts and statistics. */
void report_term_scenario(FILE *f, const struct scenario_result *r, const struct term_style *s);

/* The closing line: "2 passed, 1 failed, 0 skipped in 31.4 s → DIR/". */
/* The machine as the run had it: -j against the CPUs, the load average
 * at its start and end, how many runs were run again as unsure. */
void report_term_load(FILE *f, const struct run_result *rr);

void report_term_totals(FILE *f, const struct run_result *rr, bool color);

/* JUnit XML (one testsuite per scenario, one testcase per expectation),
 * written with libxml2. Returns 0 or -EIO with the reason in @d. */
int report_junit_write(const char *path, const struct run_result *rr,
		       struct diag *d);

/* The results as JSON (docs/results-json.md), written with json-c.
 * Returns 0 or -errno with the reason in @d. */
int report_json_write(const char *path, const struct run_result *rr, struct diag *d);

/* Read a file report_json_write() wrote into @rr (appending its
 * scenarios). Returns 0, or -EINVAL / -ENOMEM with "path: what is wrong"
 * in @d. */
int result_json_read(const char *path, struct run_result *rr, struct diag *d);

#endif
