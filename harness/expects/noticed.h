/* When a host noticed its connection died, for detect and no-detect, by
 * the way the expectation says (expect.h, enum detect_by): the built-in
 * peer's own events, its connection closing (the socket table or its
 * FIN/RST on the wire, whichever shows first), its program exiting, or a
 * line of its program's output. */
#ifndef HARNESS_EXPECTS_NOTICED_H
#define HARNESS_EXPECTS_NOTICED_H

#include <stdbool.h>

#include "harness/judge/evidence.h"
#include "reports/result.h"

/* The first time @x->host noticed, since the connections were established
 * and before the run ended: its time and evidence go into @r (t_ns,
 * cause, via, exit status, log line, event line, packet). False when it
 * never did. */
bool noticed_first(const struct expect *x, const struct evidence *ev,
		   struct expect_result *r);

/* Whether what @r noticed is what @x accepts (the errors listed, the exit
 * status wanted). */
bool noticed_accepted(const struct expect *x, const struct expect_result *r);

/* Fill in how @x looks (r->by, accepted causes, wanted status). */
void noticed_describe(const struct expect *x, struct expect_result *r);

#endif
