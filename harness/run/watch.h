/* When a run may end. It lasts at least until every expectation can be
 * decided (scenario_horizon_ns()). A `detect` whose host has not noticed
 * by the end of its budget is watched on — up to its observation bound
 * (watch_bound_ns()) — so that a blown budget still gets its measurement:
 * "7.1 s, budget 3 s", not "nothing in 3 s". The watch follows every
 * recorded event and each line a program prints, and says when every
 * detect has what it waits for. */
#ifndef HARNESS_RUN_WATCH_H
#define HARNESS_RUN_WATCH_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include "harness/model/scenario.h"
#include "harness/run/events.h"

struct watch {
	const struct scenario *sc;
	int64_t *step_t;	/* per step: when it last took effect; 0 never */
	int64_t last_break;	/* when the last breaking step took effect */
	/* per host, the last time it was seen to notice, by each way */
	int64_t by_event[SCENARIO_MAX_HOSTS];
	int64_t by_call[SCENARIO_MAX_HOSTS];	/* a send or recv failed */
	int64_t by_close[SCENARIO_MAX_HOSTS];
	/* per host, its built-in peer's connections by number: 1 up, 2
	 * noticed dead or closed; how many were up at the last breaking
	 * step, and how many of those noticed since */
	unsigned char *conn_state[SCENARIO_MAX_HOSTS];
	size_t conn_cap[SCENARIO_MAX_HOSTS];
	long alive[SCENARIO_MAX_HOSTS], alive_at_ref[SCENARIO_MAX_HOSTS];
	long noticed_since_ref[SCENARIO_MAX_HOSTS];
	int64_t *by_exit;	/* per expectation: its program exited */
	int64_t *by_log;	/* per expectation: a matching line */
	regex_t *re;		/* per expectation with by: log */
	bool *has_re;
};

int watch_init(struct watch *w, const struct scenario *sc);
void watch_free(struct watch *w);

/* Take in a recorded event (steps, detections, exits, socket changes). */
void watch_event(struct watch *w, const struct event *e);

/* Take in a line host @host's program @program (NULL: its one) printed,
 * or (@file, as the scenario writes it) wrote to a log file, read at
 * @t_ns. */
void watch_line(struct watch *w, int host, const char *program, const char *file,
		const char *text, int64_t t_ns);

/* Whether every detect has seen its host notice since its reference. */
bool watch_done(const struct watch *w);

/* How long after establishment the run may be watched at most: each
 * detect's reference plus its observation bound. */
int64_t watch_bound_ns(const struct scenario *sc);

#endif
