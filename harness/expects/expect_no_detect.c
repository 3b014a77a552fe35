/* no-detect: a host's application notices nothing for a period after the
 * reference — a connection that must survive.
 *   no-detect: { host: client, for: 8s, since: pull } */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/duration.h"
#include "harness/expects/noticed.h"
#include "harness/judge/evidence.h"
#include "harness/model/host_load.h"
#include "reports/result.h"

static const char *const keys[] = { "host", "by", "program", "status", "for", "since", NULL };

static int load(struct ynode n, const struct scenario *sc, struct expect *x,
		struct diag *d)
{
	struct ynode v;
	bool bad = false;

	if (!ynode_need_key(n, "host", "no-detect", "host: client", &v, d) &&
	    !host_load_ref(v, "no-detect host", sc, &x->host, d))
		bad |= expect_load_by(n, sc, x, d) != 0;
	else
		bad = true;
	if (!ynode_need_key(n, "for", "no-detect", "for: 10s", &v, d))
		bad |= ynode_duration(v, "for", &x->for_ns, d) != 0;
	else
		bad = true;
	bad |= expect_load_since(n, sc, x, d) != 0;
	return bad ? -EINVAL : 0;
}

static int64_t horizon(const struct expect *x)
{
	return x->for_ns;
}

static int judge(const struct expect *x, const struct evidence *ev,
		 struct expect_result *r)
{
	bool ran = evidence_reference(ev, x, r);
	int64_t until = r->ref_t_ns + x->for_ns;
	struct expect_result seen = *r;
	bool noticed = ran && noticed_first(x, ev, &seen);
	struct span m = { 0, 0 };

	/* when it noticed, against the quiet period: certainly within (or
	 * before) it, certainly after it, or either */
	if (noticed)
		m = span_since(span_upto(seen.t_ns, seen.lag_ns), evidence_ref_span(r));

	snprintf(r->host, sizeof(r->host), "%s", ev->sc->hosts[x->host].name);
	noticed_describe(x, r);
	r->unit = UNIT_NS;
	r->lo = 0;
	r->hi = x->for_ns;
	r->verdict = VERDICT_FAIL;
	if (!ran) {
		r->outcome = OUTCOME_NO_REFERENCE;
	} else if (noticed && m.lo <= x->for_ns) {
		/* what was seen, and its evidence, but this expectation's own
		 * description */
		memcpy(r->via, seen.via, sizeof(r->via));
		memcpy(r->log, seen.log, sizeof(r->log));
		memcpy(r->log_file, seen.log_file, sizeof(r->log_file));
		memcpy(r->packets, seen.packets, sizeof(r->packets));
		r->npackets = seen.npackets;
		r->log_line = seen.log_line;
		r->exit_status = seen.exit_status;
		r->exit_signal = seen.exit_signal;
		r->cause = seen.cause;
		r->t_ns = seen.t_ns;
		r->event_line = seen.event_line;
		r->outcome = OUTCOME_NOT_QUIET;
		r->measured = seen.t_ns - r->ref_t_ns;
		r->measured_lo = m.lo;
		r->measured_hi = m.hi;
		r->lag_ns = seen.lag_ns;
		r->sample_gap_ns = seen.sample_gap_ns;
		r->doubts = seen.doubts | (span_wide(evidence_ref_span(r)) ? DOUBT_REFERENCE : 0) |
			    (seen.lag_ns && !(seen.doubts & DOUBT_SAMPLE) ? DOUBT_LAG : 0);
		if (m.hi > x->for_ns)
			r->verdict = VERDICT_UNSURE;
	} else if (ev->t_end < until) {
		/* the runner ended it early: its lateness, not the kernel */
		r->outcome = OUTCOME_RUN_TOO_SHORT;
		r->measured = ev->t_end - r->ref_t_ns;
		r->verdict = VERDICT_UNSURE;
	} else {
		r->outcome = OUTCOME_QUIET;
		r->measured = x->for_ns;
		r->verdict = VERDICT_PASS;
	}
	return 0;
}

static const char *describe(const struct expect *x, const struct scenario *sc,
			    const char *ref, char *buf, size_t len)
{
	static const char *const what[] = {
		[BY_EVENT] = "detects nothing", [BY_CLOSE] = "keeps its connection open",
		[BY_EXIT] = "keeps running", [BY_LOG] = "logs no match",
		[BY_CALL] = "has no send or recv fail",
	};
	char f[32];

	snprintf(buf, len, "%s %s for %s s after %s", sc->hosts[x->host].name, what[x->by],
		 duration_secs(x->for_ns, f, sizeof(f)), ref);
	return buf;
}

const struct expect_ops expect_no_detect = {
	.name = "no-detect",
	.keys = keys,
	.load = load,
	.horizon = horizon,
	.judge = judge,
	.describe = describe,
};
