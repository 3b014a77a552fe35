/* Running the scenarios `unplug run` selected: each @repeat times, @jobs
 * at a time, each judged from its run directory as it ends and reported
 * on the terminal (the caller writes the other reports). */
#ifndef HARNESS_CLI_RUN_JOBS_H
#define HARNESS_CLI_RUN_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/diag.h"
#include "harness/cli/catalogue.h"
#include "harness/model/scenario.h"
#include "reports/report.h"

struct run_plan {
	int jobs;		/* scenarios at a time */
	int repeat;		/* runs of each... */
	bool repeat_given;	/* ...even of those with a repeat: of their own */
	int retries;		/* a run that ended unsure is run again, up to
				 * this many times more */
	struct term_style style;
};

/* Run the @cat->n scenarios @scs (loaded, in the catalogue's order) into
 * @rr, one result each (folded over its repeats; skipped when the kernel
 * lacks what it needs; interrupted when a signal set runner_stop).
 * *@cannot: how many the machine could not run. Returns 0, or -errno when
 * they could not be started. */
int run_jobs(const struct catalogue *cat, struct scenario **scs, const struct run_plan *plan,
	     struct run_result *rr, size_t *cannot, struct diag *d);

#endif
