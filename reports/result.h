/* The result model every report is written from: per scenario, a verdict
 * and, per expectation, a verdict with the value that was measured. */
#ifndef REPORTS_RESULT_H
#define REPORTS_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "harness/diag.h"

enum verdict {
	VERDICT_PASS,
	VERDICT_FAIL,
	VERDICT_SKIP,
	VERDICT_ERROR,		/* the scenario could not be run or judged */
};

struct expect_result {
	enum verdict verdict;
	struct pos at;		/* the expectation in the scenario file */
	char *expected;		/* "server ETIMEDOUT within 4.5s..5.6s" */
	char *measured;		/* "server ETIMEDOUT after 5.003 s" */
};

struct scenario_result {
	char *id;		/* "keepalive/pulled-cable" */
	char *name;		/* the scenario's name: line */
	char *file;		/* the scenario file as given */
	char *run_dir;		/* NULL when nothing ran */
	enum verdict verdict;
	char *reason;		/* SKIP/ERROR: why; otherwise NULL */
	struct expect_result *expects;
	size_t nexpects;
	int64_t duration_ns;	/* wall time, set-up to teardown */
};

struct run_result {
	struct scenario_result *v;
	size_t n;
	char *root;		/* the run root, e.g. unplug-out/2026-... */
	int64_t duration_ns;
};

/* Add an expectation result; @expected and @measured are copied.
 * Returns 0 or -ENOMEM. */
int result_add_expect(struct scenario_result *r, enum verdict v, struct pos at,
		      const char *expected, const char *measured);

/* The scenario verdict from its expectations: FAIL if any failed. */
enum verdict result_fold(const struct scenario_result *r);

/* Append an empty scenario result to @rr; returns it or NULL. */
struct scenario_result *result_new_scenario(struct run_result *rr);

/* Counts of each verdict. */
void result_count(const struct run_result *rr, size_t counts[4]);

const char *verdict_name(enum verdict v);

void result_scenario_free(struct scenario_result *r);
void result_free(struct run_result *rr);

#endif
