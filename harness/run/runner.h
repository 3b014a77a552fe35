/* The runner: builds the network, starts the captures and the peers,
 * applies the steps on one timeline, records every event, and tears it all
 * down — whatever happens. It decides no verdict: that is the judge's. */
#ifndef HARNESS_RUNNER_H
#define HARNESS_RUNNER_H

#include <signal.h>

#include "common/diag.h"
#include "harness/model/scenario.h"

/* Set by the CLI's SIGINT/SIGTERM handler: the run stops early, cleanly. */
extern volatile sig_atomic_t runner_stop;

/* How long the run goes on after the last expectation's horizon, so that
 * packets around a deadline are in the captures. */
#define RUNNER_GRACE_NS (50 * 1000000LL)

/* Run @sc for real into the run directory @dir (made by rundir_make()).
 * Returns 0 when the run went to its end, -EINTR when stopped by a signal,
 * -EPERM when the machine does not allow it, or another -errno; @d says
 * why, citing the scenario's line for a step that failed. */
int runner_run(const struct scenario *sc, const char *dir, struct diag *d);

#endif
