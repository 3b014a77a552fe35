#include "harness/run/schedule.h"

#include <errno.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{
	const struct occurrence *x = a, *y = b;

	if (x->at_ns != y->at_ns)
		return x->at_ns < y->at_ns ? -1 : 1;
	/* a fault undone at the moment another is applied: undo first, so a
	 * flapping link is down for exactly its `for` */
	if (x->revert != y->revert)
		return x->revert ? -1 : 1;
	if (x->step != y->step)
		return x->step < y->step ? -1 : 1;
	return (x->k > y->k) - (x->k < y->k);
}

int schedule_build(const struct scenario *sc, struct occurrence **out,
		   size_t *n)
{
	size_t total = 0, i = 0;
	struct occurrence *v;

	for (size_t s = 0; s < sc->nsteps; s++)
		total += (size_t)sc->steps[s].times * (sc->steps[s].for_ns ? 2 : 1);
	v = calloc(total + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t s = 0; s < sc->nsteps; s++) {
		const struct step *st = &sc->steps[s];

		for (long k = 0; k < st->times; k++) {
			v[i++] = (struct occurrence){ step_time_ns(st, k), s, k, false };
			if (st->for_ns)
				v[i++] = (struct occurrence){ step_time_ns(st, k) + st->for_ns,
							      s, k, true };
		}
	}
	qsort(v, total, sizeof(*v), cmp);
	*out = v;
	*n = total;
	return 0;
}
