#include "common/span.h"

struct span span_upto(int64_t t, int64_t before)
{
	return (struct span){ t - (before > 0 ? before : 0), t };
}

struct span span_since(struct span to, struct span from)
{
	return (struct span){ to.lo - from.hi, to.hi - from.lo };
}

struct span span_add(struct span s, int64_t d)
{
	return (struct span){ s.lo + d, s.hi + d };
}

enum span_fit span_fit(struct span s, int64_t lo, int64_t hi)
{
	if (s.lo >= lo && s.hi <= hi)
		return SPAN_INSIDE;
	if (s.hi < lo || s.lo > hi)
		return SPAN_OUTSIDE;
	return SPAN_ACROSS;
}

bool span_wide(struct span s)
{
	return s.hi > s.lo;
}
