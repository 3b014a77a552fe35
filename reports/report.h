/* Every output format, written from one result model (result.h). */
#ifndef REPORTS_REPORT_H
#define REPORTS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "common/diag.h"
#include "reports/result.h"

/* One line for scenario @r as soon as it is judged: verdict, id, and the
 * measured value that matters; failing expectations follow, indented.
 * @color: ANSI colours (the CLI decides: a terminal, no NO_COLOR). */
void report_term_scenario(FILE *f, const struct scenario_result *r, bool color);

/* The closing line: "2 passed, 1 failed, 0 skipped in 31.4 s → DIR/". */
void report_term_totals(FILE *f, const struct run_result *rr, bool color);

/* JUnit XML (one testsuite per scenario, one testcase per expectation),
 * written with libxml2. Returns 0 or -EIO with the reason in @d. */
int report_junit_write(const char *path, const struct run_result *rr,
		       struct diag *d);

#endif
