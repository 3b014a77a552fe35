/* calls: what the built-in peer's send and recv actions returned, one
 * system call each, in order — after a peer's FIN, after its RST (seed
 * claims C4.7, C4.8).
 *   calls: { host: server, after: reset, results: [ECONNRESET, EPIPE] }
 * A result is ok (the call returned bytes), eof (recv returned 0) or an
 * errno name. Every send and recv of the host after the step counts: the
 * list must be exactly theirs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/errname.h"
#include "harness/judge/evidence.h"
#include "harness/model/host_load.h"
#include "reports/result.h"

static const char *const keys[] = { "host", "after", "results", NULL };

/* How many results a list may name: enough for a send every 10 ms for
 * ten seconds. The report keeps the calls as runs of equal results. */
#define CALLS_MAX 1024

static int load_result(struct ynode n, int *out, struct diag *d)
{
	char accepted[600];
	const char *s;

	if (ynode_need_scalar(n, "a call result", d))
		return -EINVAL;
	s = ynode_str(n);
	if (!strcasecmp(s, "ok")) {
		*out = CALL_OK;
		return 0;
	}
	if (!strcasecmp(s, "eof")) {
		*out = ERRNAME_EOF;
		return 0;
	}
	*out = errname_parse(s);
	if (*out >= 0 && *out != ERRNAME_HEARTBEAT)
		return 0;
	diag_at(d, ynode_pos(n), "unknown call result: \"%s\" (ok, eof, or an errno name: %s)", s,
		errname_accepted(accepted, sizeof(accepted)));
	return -EINVAL;
}

static int load(struct ynode n, const struct scenario *sc, struct expect *x,
		struct diag *d)
{
	struct ynode v, list;
	int ret = 0;

	if (!ynode_need_key(n, "host", "calls", "host: server", &v, d))
		ret = err_merge(ret, host_load_peer_ref(v, "calls host",
							"calls are the built-in peer's actions",
							sc, &x->host, d));
	else
		ret = -EINVAL;
	if ((v = ynode_get(n, "after")).node) {
		struct ynode since = v;

		if (ynode_need_scalar(v, "after", d))
			return -EINVAL;
		x->since = scenario_step_index(sc, ynode_str(since));
		if (x->since < 0) {
			diag_at(d, ynode_pos(v), "unknown step in after: \"%s\" (the name of a step)",
				ynode_str(v));
			ret = err_merge(ret, -EINVAL);
		}
	}
	if (ynode_need_key(n, "results", "calls", "results: [ok, EPIPE]", &list, d) ||
	    ynode_need_seq(list, "results", d))
		return -EINVAL;
	if (ynode_len(list) > CALLS_MAX) {
		diag_at(d, ynode_pos(list), "results lists at most %d calls, not %zu", CALLS_MAX,
			ynode_len(list));
		return -EINVAL;
	}
	x->results = calloc(ynode_len(list) + 1, sizeof(*x->results));
	if (!x->results)
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(list); i++)
		ret = err_merge(ret, load_result(ynode_item(list, i), &x->results[x->nresults++], d));
	return ret;
}

/* What one action's event says, as a result: ok, eof or the errno. */
static int result_of(const struct event *e)
{
	if (e->err)
		return e->err;
	return !strcmp(e->call, "recv") && !e->bytes ? ERRNAME_EOF : CALL_OK;
}

static int judge(const struct expect *x, const struct evidence *ev,
		 struct expect_result *r)
{
	bool ran = evidence_reference(ev, x, r), same;
	size_t n = 0;

	snprintf(r->host, sizeof(r->host), "%s", ev->sc->hosts[x->host].name);
	r->unit = UNIT_NONE;
	r->outcome = OUTCOME_CALLS;
	r->verdict = VERDICT_FAIL;
	if (x->since < 0) {
		snprintf(r->ref, sizeof(r->ref), "establishment");
		r->ref_t_ns = ev->t_watch;
		r->ref_step = -1;
	} else if (!ran) {
		r->outcome = OUTCOME_NO_REFERENCE;
		return 0;
	}
	same = true;
	for (size_t i = 0; i < ev->ev.n; i++) {
		const struct event *e = &ev->ev.v[i];
		struct call_result *c;

		if (e->type != EV_ACTION || e->host != x->host || e->t_ns < r->ref_t_ns ||
		    e->t_ns > ev->t_end || (strcmp(e->call, "send") && strcmp(e->call, "recv")))
			continue;
		same &= n < x->nresults && x->results[n] == result_of(e);
		n++;
		if (!r->t_ns)
			r->t_ns = e->t_ns;
		c = r->ncalls ? &r->calls[r->ncalls - 1] : NULL;
		if (c && !strncmp(c->call, e->call, sizeof(c->call) - 1) && c->ret == e->bytes &&
		    c->err == e->err) {
			c->times++;	/* the same again: one run */
			continue;
		}
		if (r->ncalls == RESULT_MAX_CALLS) {
			r->calls_cut = true;
			continue;
		}
		c = &r->calls[r->ncalls++];
		snprintf(c->call, sizeof(c->call), "%.7s", e->call);
		c->ret = e->bytes;
		c->err = e->err;
		c->times = 1;
		c->event_line = evidence_line(ev, e);
	}
	r->measured = (int64_t)n;
	if (same && n == x->nresults)
		r->verdict = VERDICT_PASS;
	return 0;
}

static const char *describe(const struct expect *x, const struct scenario *sc,
			    const char *ref, char *buf, size_t len)
{
	size_t used = (size_t)snprintf(buf, len, "%s's send/recv calls after %s return:",
				       sc->hosts[x->host].name, x->since < 0 ? "establishment" : ref);

	for (size_t i = 0; i < x->nresults && used < len; i++) {
		int v = x->results[i];

		used += (size_t)snprintf(buf + used, len - used, "%s %s", i ? "," : "",
					 v == CALL_OK ? "ok" : v == ERRNAME_EOF ? "EOF" : errname_str(v));
	}
	return buf;
}

const struct expect_ops expect_calls = {
	.name = "calls",
	.keys = keys,
	.load = load,
	.judge = judge,
	.describe = describe,
};
