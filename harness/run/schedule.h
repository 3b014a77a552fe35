/* A scenario's timeline, unrolled: every occurrence of every step (and
 * the undoing of every fault with a `for`), in the order the runner does
 * them. */
#ifndef HARNESS_SCHEDULE_H
#define HARNESS_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/model/scenario.h"

struct occurrence {
	int64_t at_ns;		/* after establishment */
	size_t step;		/* index into sc->steps */
	long k;			/* which occurrence of the step, from 0 */
	bool revert;		/* undo the fault rather than apply it */
};

/* Every occurrence of @sc's steps, sorted by time; at the same time a
 * revert comes before an apply, and steps keep their order. The caller
 * frees *out. Returns 0 or -ENOMEM. */
int schedule_build(const struct scenario *sc, struct occurrence **out,
		   size_t *n);

#endif
