/* Many scenarios at once (`unplug run -j N`): each runs in a child
 * process of its own — its own namespaces, endpoints and captures, no
 * state shared — up to N at a time, in the order given (the caller puts
 * the longest first). The parent only starts, waits and hears; judging a
 * finished run directory is the caller's, as for a single run. */
#ifndef HARNESS_RUN_BATCH_H
#define HARNESS_RUN_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/model/scenario.h"

struct batch_job {
	const struct scenario *sc;	/* borrowed */
	const char *dir;		/* its run directory (made), borrowed */
	/* filled in when it is done: */
	int err;			/* what runner_run() returned */
	char *why;			/* its diagnostics, one per line (owned) */
	int64_t duration_ns;
};

/* What the caller hears of a batch, in the parent: which job to start
 * next (false: none now; a job that ends may give more), a job started, a
 * job ended, and every @tick_ms while any runs (0: never). All but @take
 * may be NULL. */
struct batch_hooks {
	bool (*take)(void *arg, size_t *i);
	void (*started)(void *arg, size_t i);
	void (*done)(void *arg, size_t i);
	void (*tick)(void *arg);
	int tick_ms;
	void *arg;
};

/* Run the jobs @h->take gives (indexes into @v), at most @jobs at a time,
 * until it gives none and none runs, telling @h. A signal that sets
 * runner_stop stops the running ones and starts no more. Returns 0, or
 * -errno when a child cannot be started (the jobs already done stay
 * done). */
int batch_run(struct batch_job *v, int jobs, const struct batch_hooks *h);

void batch_job_clear(struct batch_job *j);

#endif
