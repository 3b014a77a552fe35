/* sockets: how many TCP sockets a host has in one state, as its socket
 * table showed them through the run — ghost ESTABLISHED connections after
 * a peer's reboot, CLOSE_WAIT leaks, who holds TIME_WAIT.
 *   sockets: { host: server, state: CLOSE_WAIT, port: 7000, count: ">= 1", at: 5s }
 *   sockets: { host: server, state: ESTABLISHED, count: 0, by: 10s }
 *   sockets: { host: server, state: FIN_WAIT2, count: 1, for: 3s }
 *   sockets: { host: server, state: ESTABLISHED, never-above: 3 } */
#include <errno.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "common/tcp_state.h"
#include "common/vec.h"
#include "harness/judge/evidence.h"
#include "harness/model/host_load.h"
#include "reports/result.h"

static const char *const keys[] = {
	"host", "state", "port", "count", "at", "by", "for", "never-above", "since", NULL
};

#define SOCKETS_MAX 1000000L

static int load_when(struct ynode n, struct expect *x, struct diag *d)
{
	static const char *const whens[] = { "at", "by", "for", "never-above" };
	struct ynode v = { 0 };
	int found = 0;
	long max;

	for (size_t i = 0; i < sizeof(whens) / sizeof(whens[0]); i++)
		if (ynode_get(n, whens[i]).node) {
			v = ynode_get(n, whens[i]);
			x->when = (enum sockets_when)i;
			found++;
		}
	if (found != 1) {
		diag_at(d, ynode_pos(n), "sockets takes one of at, by, for (a time after the reference) or never-above (a count), not %d",
			found);
		return -EINVAL;
	}
	if (x->when != SOCKETS_NEVER_ABOVE)
		return ynode_duration(v, whens[x->when], &x->when_ns, d);
	if (ynode_get(n, "count").node) {
		diag_at(d, ynode_pos(ynode_get(n, "count")), "never-above is the count: drop count");
		return -EINVAL;
	}
	if (ynode_int(v, "never-above", 0, SOCKETS_MAX, &max, d))
		return -EINVAL;
	x->count_lo = 0;
	x->count_hi = max;
	return 0;
}

static int load(struct ynode n, const struct scenario *sc, struct expect *x,
		struct diag *d)
{
	struct ynode v;
	long port;
	int ret = 0;

	if (!ynode_need_key(n, "host", "sockets", "host: server", &v, d))
		ret = err_merge(ret, host_load_ref(v, "sockets host", sc, &x->host, d));
	else
		ret = -EINVAL;
	if (!ynode_need_key(n, "state", "sockets", "state: CLOSE_WAIT", &v, d))
		ret = err_merge(ret, ynode_name(v, "TCP state", tcp_states, tcp_nstates, &x->state, d));
	else
		ret = err_merge(ret, -EINVAL);
	if ((v = ynode_get(n, "port")).node) {
		if (ynode_int(v, "port", 1, 65535, &port, d))
			ret = err_merge(ret, -EINVAL);
		x->port = (int)port;
	}
	ret = err_merge(ret, load_when(n, x, d));
	if (x->when != SOCKETS_NEVER_ABOVE) {
		if (!ynode_need_key(n, "count", "sockets", "count: \">= 1\"", &v, d))
			ret = err_merge(ret, expect_load_count(v, &x->count_lo, &x->count_hi, d));
		else
			ret = err_merge(ret, -EINVAL);
	}
	return err_merge(ret, expect_load_since(n, sc, x, d));
}

static int64_t horizon(const struct expect *x)
{
	return x->when == SOCKETS_NEVER_ABOVE ? 0 : x->when_ns;
}

static bool matches(const struct expect *x, const struct event_sock *k)
{
	return k->state == x->state && (!x->port || k->lport == x->port || k->rport == x->port);
}

static bool same(const struct event_sock *a, const struct event_sock *b)
{
	return a->lport == b->lport && a->rport == b->rport && !strcmp(a->local, b->local) &&
	       !strcmp(a->remote, b->remote) && (a->state == TCP_LISTEN) == (b->state == TCP_LISTEN);
}

/* The host's table as the events rebuild it: each socket's last sample. */
struct table {
	struct event_sock *v;
	size_t n, cap;
};

static int update(struct table *t, const struct event *e)
{
	size_t k;

	for (k = 0; k < t->n && !same(&t->v[k], &e->sock); k++)
		;
	if (e->type == EV_SOCKET_GONE) {
		if (k < t->n)
			t->v[k] = t->v[--t->n];
	} else if (k < t->n) {
		t->v[k] = e->sock;
	} else {
		return vec_push(&t->v, &t->n, &t->cap, sizeof(e->sock), &e->sock);
	}
	return 0;
}

static long count(const struct expect *x, const struct table *t)
{
	long n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += matches(x, &t->v[i]);
	return n;
}

static bool in_range(const struct expect *x, long n)
{
	return n >= x->count_lo && n <= x->count_hi;
}

static bool is_socket(const struct event *e, int host)
{
	return e->host == host && (e->type == EV_SOCKET || e->type == EV_SOCKET_GONE);
}

static int by_time(const void *a, const void *b)
{
	const struct event *x = *(const struct event *const *)a, *y = *(const struct event *const *)b;

	if (x->t_ns != y->t_ns)
		return x->t_ns < y->t_ns ? -1 : 1;
	return x < y ? -1 : x > y;	/* as they were written */
}

/* The host's socket events in time order (events.jsonl is in the order
 * they were recorded, which is not quite that). Caller frees *out. */
static int socket_events(const struct evidence *ev, int host, const struct event ***out,
			 size_t *n)
{
	const struct event **v = calloc(ev->ev.n + 1, sizeof(*v));

	*n = 0;
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < ev->ev.n; i++)
		if (is_socket(&ev->ev.v[i], host))
			v[(*n)++] = &ev->ev.v[i];
	qsort(v, *n, sizeof(*v), by_time);
	*out = v;
	return 0;
}

/* When the change @e came, in a view of the run: as late as it could
 * have (when the sample that saw it was taken) or, @early, as early (just
 * after the sample before). */
static int64_t changed_at(const struct event *e, bool early)
{
	return early && e->after_ns ? e->after_ns + 1 : e->t_ns;
}

/* Walk the host's table @t through the run from the reference on: the
 * count at each moment it could change, until @until; changes placed as
 * changed_at(@early) says. */
static int judge_walk(const struct expect *x, const struct evidence *ev, int64_t until,
		      bool early, struct table *t, struct expect_result *r)
{
	const struct event **v;
	size_t n, i = 0;
	long count_now, max = -1;
	int err = socket_events(ev, x->host, &v, &n);

	if (err)
		return err;
	for (; i < n && changed_at(v[i], early) <= r->ref_t_ns; i++)
		if ((err = update(t, v[i])))
			goto out;
	count_now = count(x, t);
	r->measured = count_now;
	r->t_ns = r->ref_t_ns;
	for (;;) {
		if (x->when == SOCKETS_BY && in_range(x, count_now)) {
			r->verdict = VERDICT_PASS;
			goto out;
		}
		if (x->when == SOCKETS_FOR && !in_range(x, count_now)) {
			r->measured = count_now;
			goto out;
		}
		if (x->when == SOCKETS_NEVER_ABOVE && count_now > max) {
			max = count_now;
			r->measured = count_now;
		}
		/* the next change before @until */
		if (i == n || changed_at(v[i], early) > until)
			break;
		if ((err = update(t, v[i])))
			goto out;
		count_now = count(x, t);
		if (x->when != SOCKETS_NEVER_ABOVE || count_now > max)
			r->t_ns = v[i]->t_ns;
		i++;
		if (x->when == SOCKETS_AT || x->when == SOCKETS_BY)
			r->measured = count_now;
	}
	if (x->when == SOCKETS_AT || x->when == SOCKETS_BY)
		r->t_ns = until;
	if (x->when == SOCKETS_AT)
		r->verdict = in_range(x, count_now) ? VERDICT_PASS : VERDICT_FAIL;
	else if (x->when == SOCKETS_FOR)
		r->verdict = VERDICT_PASS;
	else if (x->when == SOCKETS_NEVER_ABOVE)
		r->verdict = max <= x->count_hi ? VERDICT_PASS : VERDICT_FAIL;
out:
	free(v);
	return err;
}

/* Judge the walk in the two extreme views the doubts allow: every change
 * as late as it could have come with the deadline as early as the
 * reference allows, and the other way round. Both agree: that verdict;
 * else unsure. The first view's values are reported. */
static int judge_views(const struct expect *x, const struct evidence *ev, int64_t until,
		       struct expect_result *r)
{
	struct span ref = evidence_ref_span(r);
	struct expect_result early = *r;
	struct table t = { 0 };
	int64_t gap = 0;
	int err;

	/* late changes, early deadline */
	r->ref_t_ns = ref.lo;
	err = judge_walk(x, ev, until - (ref.hi - ref.lo), false, &t, r);
	r->ref_t_ns = ref.hi;
	t.n = 0;
	if (!err)
		err = judge_walk(x, ev, until, true, &t, &early);
	free(t.v);
	if (err || early.verdict == r->verdict)
		return err;
	r->verdict = VERDICT_UNSURE;
	for (size_t i = 0; i < ev->ev.n; i++) {
		const struct event *e = &ev->ev.v[i];

		if (is_socket(e, x->host) && e->after_ns && e->t_ns - e->after_ns > gap)
			gap = e->t_ns - e->after_ns;
	}
	if (gap) {
		r->doubts |= DOUBT_SAMPLE;
		r->sample_gap_ns = gap;
	}
	if (span_wide(ref))
		r->doubts |= DOUBT_REFERENCE;
	return 0;
}

static int judge(const struct expect *x, const struct evidence *ev,
		 struct expect_result *r)
{
	static const enum outcome outcomes[] = {
		[SOCKETS_AT] = OUTCOME_SOCKETS_AT, [SOCKETS_BY] = OUTCOME_SOCKETS_BY,
		[SOCKETS_FOR] = OUTCOME_SOCKETS_FOR, [SOCKETS_NEVER_ABOVE] = OUTCOME_SOCKETS_MAX,
	};
	bool ran = evidence_reference(ev, x, r);
	int64_t until;

	snprintf(r->host, sizeof(r->host), "%s", ev->sc->hosts[x->host].name);
	snprintf(r->what, sizeof(r->what), "%s", tcp_state_str(x->state));
	r->port = x->port;
	r->unit = UNIT_SOCKETS;
	r->lo = x->count_lo;
	r->hi = x->count_hi == LONG_MAX ? INT64_MAX : x->count_hi;
	r->when_ns = x->when_ns;
	r->outcome = outcomes[x->when];
	r->verdict = VERDICT_FAIL;
	if (!ran) {
		r->outcome = OUTCOME_NO_REFERENCE;
		return 0;
	}
	if (x->when == SOCKETS_NEVER_ABOVE) {
		/* the whole run from establishment, or from `since` */
		if (x->since < 0)
			r->ref_t_ns = ev->t_watch;
		until = ev->t_end;
	} else {
		until = r->ref_t_ns + x->when_ns;
		if (until > ev->t_end) {
			/* the runner ended it early: its lateness, not the kernel */
			r->outcome = OUTCOME_RUN_TOO_SHORT;
			r->measured = ev->t_end - r->ref_t_ns;
			r->unit = UNIT_NS;
			r->hi = x->when_ns;
			r->verdict = VERDICT_UNSURE;
			return 0;
		}
	}
	return judge_views(x, ev, until, r);
}

static const char *describe(const struct expect *x, const struct scenario *sc,
			    const char *ref, char *buf, size_t len)
{
	char want[48], port[32] = "", w[32];

	if (x->port)
		snprintf(port, sizeof(port), " on port %d", x->port);
	duration_secs(x->when_ns, w, sizeof(w));
	if (x->when == SOCKETS_NEVER_ABOVE)
		snprintf(buf, len, "%s never has more than %ld %s sockets%s", sc->hosts[x->host].name,
			 x->count_hi, tcp_state_str(x->state), port);
	else
		snprintf(buf, len, "%s has %s %s sockets%s %s %s s after %s", sc->hosts[x->host].name,
			 expect_count_str(x->count_lo, x->count_hi, want, sizeof(want)),
			 tcp_state_str(x->state), port,
			 x->when == SOCKETS_AT ? "at" : x->when == SOCKETS_BY ? "by" : "all through",
			 w, ref);
	return buf;
}

const struct expect_ops expect_sockets = {
	.name = "sockets",
	.keys = keys,
	.load = load,
	.horizon = horizon,
	.judge = judge,
	.describe = describe,
};
