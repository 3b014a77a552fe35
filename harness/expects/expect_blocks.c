/* blocks: how long one of a host's actions kept its system call — a
 * close() under SO_LINGER { on, N } waits until its data is acknowledged
 * or N runs out (seed claim C4.6); without linger it returns at once.
 *   blocks: { host: client, call: close, for: 1.9s..2.1s }
 * The host's first action of that kind is measured (the peer records how
 * long each action's call took); `for` is the window its duration must
 * lie in. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/duration.h"
#include "harness/judge/evidence.h"
#include "harness/model/host_load.h"
#include "reports/result.h"

static const char *const keys[] = { "host", "call", "for", NULL };

static int load(struct ynode n, const struct scenario *sc, struct expect *x,
		struct diag *d)
{
	struct ynode v;
	int ret = 0, kind;

	if (!ynode_need_key(n, "host", "blocks", "host: client", &v, d))
		ret = err_merge(ret, host_load_peer_ref(v, "blocks host",
							"blocks times the built-in peer's actions",
							sc, &x->host, d));
	else
		ret = -EINVAL;
	if (!ynode_need_key(n, "call", "blocks", "call: close", &v, d) &&
	    !ynode_name(v, "blocks call", action_names, action_nnames, &kind, d))
		x->call = kind;
	else
		ret = err_merge(ret, -EINVAL);
	if (!ynode_need_key(n, "for", "blocks", "for: 1.9s..2.1s", &v, d))
		ret = err_merge(ret, expect_load_window(v, "for", &x->lo_ns, &x->hi_ns, d));
	else
		ret = err_merge(ret, -EINVAL);
	return ret;
}

/* The run lasts until the call's longest allowed duration is over. */
static int64_t horizon(const struct expect *x)
{
	return x->hi_ns;
}

static int judge(const struct expect *x, const struct evidence *ev,
		 struct expect_result *r)
{
	const char *call = action_name((enum action_kind)x->call);

	snprintf(r->host, sizeof(r->host), "%s", ev->sc->hosts[x->host].name);
	snprintf(r->what, sizeof(r->what), "%s", call);
	r->unit = UNIT_NS;
	r->lo = x->lo_ns;
	r->hi = x->hi_ns;
	r->outcome = OUTCOME_NOT_CALLED;
	r->verdict = VERDICT_FAIL;
	for (size_t i = 0; i < ev->ev.n; i++) {
		const struct event *e = &ev->ev.v[i];

		if (e->type != EV_ACTION || e->host != x->host || strcmp(e->call, call))
			continue;
		r->t_ns = e->t_ns;
		r->event_line = evidence_line(ev, e);
		if (e->took_ns < 0) {
			r->outcome = OUTCOME_NOT_TIMED;	/* a run from before took_ns */
			r->verdict = VERDICT_ERROR;
			return 0;
		}
		r->outcome = OUTCOME_BLOCKED;
		r->measured = e->took_ns;
		r->cause = e->err ? e->err : -1;
		r->verdict = e->took_ns >= x->lo_ns && e->took_ns <= x->hi_ns ? VERDICT_PASS : VERDICT_FAIL;
		return 0;
	}
	return 0;
}

static const char *describe(const struct expect *x, const struct scenario *sc,
			    const char *ref, char *buf, size_t len)
{
	char lo[32], hi[32];

	(void)ref;
	snprintf(buf, len, "%s's %s() returns after %s..%s s", sc->hosts[x->host].name,
		 action_name((enum action_kind)x->call), duration_secs(x->lo_ns, lo, sizeof(lo)),
		 duration_secs(x->hi_ns, hi, sizeof(hi)));
	return buf;
}

const struct expect_ops expect_blocks = {
	.name = "blocks",
	.keys = keys,
	.load = load,
	.horizon = horizon,
	.judge = judge,
	.describe = describe,
};
