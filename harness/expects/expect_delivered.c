/* delivered: every byte one host's application handed to send() arrived
 * at the other's, in order and intact (the peers send a pattern and check
 * it byte by byte).
 *   delivered: { from: client, to: server } */
#include <errno.h>
#include <stdio.h>

#include "harness/judge/evidence.h"
#include "harness/model/host_load.h"
#include "reports/result.h"

static const char *const keys[] = { "from", "to", NULL };

static int load(struct ynode n, const struct scenario *sc, struct expect *x,
		struct diag *d)
{
	struct ynode from, to;
	bool bad = false;

	if (ynode_need_key(n, "from", "delivered", "from: client", &from, d) ||
	    ynode_need_key(n, "to", "delivered", "to: server", &to, d))
		return -EINVAL;
	bad |= host_load_ref(from, "delivered from", sc, &x->from, d) != 0;
	bad |= host_load_ref(to, "delivered to", sc, &x->to, d) != 0;
	if (!bad && x->from == x->to) {
		diag_at(d, ynode_pos(to), "delivered from and to name the same host: \"%s\"",
			ynode_str(to));
		bad = true;
	}
	return bad ? -EINVAL : 0;
}

static int judge(const struct expect *x, const struct evidence *ev,
		 struct expect_result *r)
{
	int64_t sent = 0;

	evidence_reference(ev, x, r);
	snprintf(r->host, sizeof(r->host), "%s", ev->sc->hosts[x->from].name);
	snprintf(r->peer, sizeof(r->peer), "%s", ev->sc->hosts[x->to].name);
	r->unit = UNIT_BYTES;
	for (size_t i = 0; i < ev->ev.n; i++) {
		const struct event *e = &ev->ev.v[i];

		if (e->type == EV_SENT && e->host == x->from) {
			sent += e->bytes;
		} else if (e->type == EV_RECEIVED && e->host == x->to) {
			r->measured += e->bytes;
		} else if (e->type == EV_CORRUPT && e->host == x->to && r->offset < 0) {
			r->offset = e->bytes;
			r->t_ns = e->t_ns;
			r->event_line = evidence_line(ev, e);
		}
	}
	r->lo = r->hi = sent;
	r->outcome = r->offset >= 0 ? OUTCOME_CORRUPTED : OUTCOME_DELIVERED;
	r->verdict = r->measured == sent && r->offset < 0 ? VERDICT_PASS : VERDICT_FAIL;
	return 0;
}

static const char *describe(const struct expect *x, const struct scenario *sc,
			    const char *ref, char *buf, size_t len)
{
	(void)ref;
	snprintf(buf, len, "every byte %s sent arrives at %s intact", sc->hosts[x->from].name,
		 sc->hosts[x->to].name);
	return buf;
}

const struct expect_ops expect_delivered = {
	.name = "delivered",
	.keys = keys,
	.load = load,
	.judge = judge,
	.describe = describe,
};
