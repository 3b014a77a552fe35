/* The one-way delays of segments between two captures (transit.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "harness/expects/transit.h"

/* A sent segment, sorted by fingerprint then time for lookup. */
struct sent_seg {
	uint64_t fp;
	int64_t t_ns;
	size_t i;		/* index into the sent array */
};

static int by_fp_time(const void *a, const void *b)
{
	const struct sent_seg *x = a, *y = b;

	if (x->fp != y->fp)
		return x->fp < y->fp ? -1 : 1;
	if (x->t_ns != y->t_ns)
		return x->t_ns < y->t_ns ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The latest of @v[0..n) with fingerprint @fp that left at or before @t;
 * NULL when none did. */
static const struct sent_seg *latest_before(const struct sent_seg *v, size_t n,
					    uint64_t fp, int64_t t)
{
	size_t lo = 0, hi = n;
	const struct sent_seg *best = NULL;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].fp < fp)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && v[lo].fp == fp && v[lo].t_ns <= t; lo++)
		best = &v[lo];
	return best;
}

int transit_measure(const struct packet *const *sent, size_t nsent,
		    const struct packet *const *arrived, size_t narrived,
		    int64_t end_ns, int64_t in_flight_ns, struct transit *out)
{
	struct sent_seg *segs = calloc(nsent ? nsent : 1, sizeof(*segs));
	bool *seen = calloc(nsent ? nsent : 1, sizeof(*seen));
	int64_t *delays = calloc(narrived ? narrived : 1, sizeof(*delays));
	size_t nd = 0;

	*out = (struct transit){ .sent = (long)nsent };
	if (!segs || !seen || !delays) {
		free(segs);
		free(seen);
		free(delays);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nsent; i++)
		segs[i] = (struct sent_seg){ sent[i]->fingerprint, sent[i]->t_ns, i };
	qsort(segs, nsent, sizeof(*segs), by_fp_time);
	for (size_t k = 0; k < narrived; k++) {
		const struct packet *a = arrived[k];
		const struct sent_seg *s = latest_before(segs, nsent, a->fingerprint, a->t_ns);
		int64_t delay;

		if (!s)
			continue;
		if (seen[s->i]) {
			out->duplicated++;
			continue;
		}
		seen[s->i] = true;
		delay = a->t_ns - s->t_ns;
		delays[nd++] = delay;
		if (nd == 1 || delay < out->min_ns) {
			out->min_ns = delay;
			out->min_s_frame = sent[s->i]->frame;
			out->min_r_frame = a->frame;
		}
		if (nd == 1 || delay > out->max_ns) {
			out->max_ns = delay;
			out->max_s_frame = sent[s->i]->frame;
			out->max_r_frame = a->frame;
		}
	}
	if (nd && out->max_ns > in_flight_ns)
		in_flight_ns = out->max_ns;
	for (size_t i = 0; i < nsent; i++) {
		if (seen[i])
			continue;
		if (end_ns - sent[i]->t_ns < in_flight_ns) {
			out->in_flight++;
		} else if (!out->lost++) {
			out->lost_frame = sent[i]->frame;
		}
	}
	out->segments = (long)nd;
	if (nd) {
		qsort(delays, nd, sizeof(*delays), by_value);
		out->median_ns = delays[(nd - 1) / 2];
	}
	free(segs);
	free(seen);
	free(delays);
	return 0;
}
