/* A time known only to lie somewhere between two moments: when a call that
 * did something started and when it returned, the sample before a change
 * and the sample that saw it. A latency between two such times is a span
 * too, and a window judges it in three ways: wholly inside, wholly
 * outside, or across a bound (unsure). */
#ifndef COMMON_SPAN_H
#define COMMON_SPAN_H

#include <stdbool.h>
#include <stdint.h>

struct span {
	int64_t lo, hi;		/* lo <= hi */
};

enum span_fit {
	SPAN_INSIDE,		/* every value of the span is in the window */
	SPAN_OUTSIDE,		/* none is */
	SPAN_ACROSS,		/* some are, some are not */
};

/* The span [@t - @before, @t]: a moment stamped at @t that may have come
 * as much as @before earlier (negative @before counts as 0). */
struct span span_upto(int64_t t, int64_t before);

/* How long after @from @to came: [to.lo - from.hi, to.hi - from.lo]. */
struct span span_since(struct span to, struct span from);

/* @s moved by @d. */
struct span span_add(struct span s, int64_t d);

/* Where @s lies against the window [@lo, @hi] (@hi INT64_MAX: none). */
enum span_fit span_fit(struct span s, int64_t lo, int64_t hi);

/* Whether @s is more than a point. */
bool span_wide(struct span s);

#endif
