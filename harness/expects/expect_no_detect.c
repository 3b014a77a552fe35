/* no-detect: a host's application notices nothing for a period after the
 * reference — a connection that must survive.
 *   no-detect: { host: client, for: 8s, since: pull } */
#include <errno.h>
#include <stdio.h>

#include "common/duration.h"
#include "harness/judge/evidence.h"
#include "harness/model/host_load.h"
#include "reports/result.h"

static const char *const keys[] = { "host", "for", "since", NULL };

static int load(struct ynode n, const struct scenario *sc, struct expect *x,
		struct diag *d)
{
	struct ynode v;
	bool bad = false;

	if (!ynode_need_key(n, "host", "no-detect", "host: client", &v, d))
		bad |= host_load_ref(v, "no-detect host", sc, &x->host, d) != 0;
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
	const struct event *e = evidence_first_detection(ev, x->host);
	bool ran = evidence_reference(ev, x, r);
	int64_t until = r->ref_t_ns + x->for_ns;

	snprintf(r->host, sizeof(r->host), "%s", ev->sc->hosts[x->host].name);
	r->unit = UNIT_NS;
	r->lo = 0;
	r->hi = x->for_ns;
	r->verdict = VERDICT_FAIL;
	if (!ran) {
		r->outcome = OUTCOME_NO_REFERENCE;
	} else if (e && e->t_ns <= until) {
		r->outcome = OUTCOME_NOT_QUIET;
		r->cause = evidence_cause(e);
		r->measured = e->t_ns - r->ref_t_ns;
		r->t_ns = e->t_ns;
		r->event_line = evidence_line(ev, e);
	} else if (ev->t_end < until) {
		r->outcome = OUTCOME_RUN_TOO_SHORT;
		r->measured = ev->t_end - r->ref_t_ns;
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
	char f[32];

	snprintf(buf, len, "%s detects nothing for %s s after %s", sc->hosts[x->host].name,
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
