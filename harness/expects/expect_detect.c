/* detect: a host's application notices its connection died — EOF, an
 * errno, a heartbeat timeout — within a window after the reference.
 *   detect: { host: server, error: ETIMEDOUT, within: 4.5s..5.6s, since: pull } */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "common/errname.h"
#include "harness/expects/noticed.h"
#include "harness/judge/evidence.h"
#include "harness/model/host_load.h"
#include "harness/model/scenario.h"
#include "reports/result.h"

static const char *const keys[] = {
	"host", "by", "program", "status", "error", "within", "observe", "since", "connections",
	NULL
};

/* Past its budget a detect is watched for as long again, at least 1 s
 * more and at most 30 s more, unless `observe:` says. */
#define OBSERVE_MIN_NS (1 * NS_PER_S)
#define OBSERVE_MAX_NS (30 * NS_PER_S)

static int64_t observe_default(int64_t hi)
{
	int64_t more = hi < OBSERVE_MIN_NS ? OBSERVE_MIN_NS : hi > OBSERVE_MAX_NS ? OBSERVE_MAX_NS : hi;

	return hi + more;
}

static int load_error(struct ynode n, struct expect *x, struct diag *d)
{
	size_t count = ynode_is_seq(n) ? ynode_len(n) : 1;
	bool bad = false;

	if (count == 0 || count > EXPECT_MAX_ERRORS) {
		diag_at(d, ynode_pos(n), "error lists 1 to %d names, not %zu",
			EXPECT_MAX_ERRORS, count);
		return -EINVAL;
	}
	for (size_t i = 0; i < count; i++) {
		struct ynode item = ynode_is_seq(n) ? ynode_item(n, i) : n;
		char accepted[512];
		int err;

		if (ynode_need_scalar(item, "error", d)) {
			bad = true;
			continue;
		}
		err = errname_parse(ynode_str(item));
		if (err < 0) {
			diag_at(d, ynode_pos(item), "unknown error name: \"%s\" (accepted: %s)",
				ynode_str(item), errname_accepted(accepted, sizeof(accepted)));
			bad = true;
			continue;
		}
		x->errors[x->nerrors++] = err;
	}
	return bad ? -EINVAL : 0;
}

/* connections: all | any | N | N% */
static int load_conns(struct ynode n, struct expect *x, struct diag *d)
{
	const char *s = ynode_str(n);
	char *end;
	long v;

	if (s && !strcmp(s, "all")) {
		x->conns = CONNS_ALL;
		return 0;
	}
	if (s && !strcmp(s, "any")) {
		x->conns = CONNS_ANY;
		return 0;
	}
	v = s ? strtol(s, &end, 10) : -1;
	if (s && end != s && s[0] >= '0' && s[0] <= '9' &&
	    ((!*end && v >= 1 && v <= PEER_MAX_CONNECTIONS) ||
	     (!strcmp(end, "%") && v >= 1 && v <= 100))) {
		x->conns = *end ? CONNS_PERCENT : CONNS_COUNT;
		x->conns_n = v;
		return 0;
	}
	diag_at(d, ynode_pos(n), "bad connections: \"%s\" (of the host's connections alive at the reference, how many must notice: all, any, a number from 1 to %d, or 1%% to 100%%)",
		s ? s : ynode_kind(n), PEER_MAX_CONNECTIONS);
	return -EINVAL;
}

static int load(struct ynode n, const struct scenario *sc, struct expect *x,
		struct diag *d)
{
	struct ynode v;
	bool bad = false;

	if (!ynode_need_key(n, "host", "detect", "host: server", &v, d) &&
	    !host_load_ref(v, "detect host", sc, &x->host, d))
		bad |= expect_load_by(n, sc, x, d) != 0;
	else
		bad = true;
	if ((v = ynode_get(n, "error")).node && !bad && x->by != BY_EVENT && x->by != BY_CALL) {
		diag_at(d, ynode_pos(v), "error is what the built-in peer's socket calls return; %s says how %s noticed",
			sc->hosts[x->host].program ? "its program has no such calls: by:" : "by:",
			sc->hosts[x->host].name);
		bad = true;
	} else if (v.node) {
		bad |= load_error(v, x, d) != 0;
	}
	if (!ynode_need_key(n, "within", "detect", "within: 4.5s..5.6s", &v, d))
		bad |= expect_load_window(v, "within", &x->lo_ns, &x->hi_ns, d) != 0;
	else
		bad = true;
	x->observe_ns = observe_default(x->hi_ns);
	if ((v = ynode_get(n, "observe")).node && !bad) {
		if (ynode_duration(v, "observe", &x->observe_ns, d)) {
			bad = true;
		} else if (x->observe_ns < x->hi_ns) {
			diag_at(d, ynode_pos(v), "bad observe: \"%s\" (at least the budget: how long to keep watching past it)",
				ynode_str(v));
			bad = true;
		}
	}
	bad |= expect_load_since(n, sc, x, d) != 0;
	if ((v = ynode_get(n, "connections")).node) {
		if (!bad && x->by != BY_EVENT && x->by != BY_CALL) {
			diag_at(d, ynode_pos(v), "connections: counts the built-in peer's connections; %s noticing is seen otherwise",
				sc->hosts[x->host].name);
			bad = true;
		} else {
			bad |= load_conns(v, x, d) != 0;
		}
	}
	return bad ? -EINVAL : 0;
}

static int64_t horizon(const struct expect *x)
{
	return x->hi_ns;
}

static int judge(const struct expect *x, const struct evidence *ev,
		 struct expect_result *r)
{
	bool ran = evidence_reference(ev, x, r);

	snprintf(r->host, sizeof(r->host), "%s", ev->sc->hosts[x->host].name);
	noticed_describe(x, r);
	r->unit = UNIT_NS;
	r->lo = x->lo_ns;
	r->hi = x->hi_ns;
	r->verdict = VERDICT_FAIL;
	if (!ran) {
		r->outcome = OUTCOME_NO_REFERENCE;
		return 0;
	}
	if (!noticed_first(x, ev, r)) {
		r->outcome = OUTCOME_NOTHING_DETECTED;
		r->measured = ev->t_end - r->ref_t_ns;
		/* watched less than the budget from when the reference was
		 * due: the runner's doing, not the kernel's */
		if (ev->t_end - evidence_ref_span(r).lo < x->hi_ns) {
			r->verdict = VERDICT_UNSURE;
			r->doubts |= DOUBT_REFERENCE;
		}
		return 0;
	}
	r->outcome = OUTCOME_DETECTED;
	evidence_judge_latency(r, r->t_ns, r->lag_ns);
	/* the wrong thing noticed is wrong whenever it came */
	if (!noticed_accepted(x, r))
		r->verdict = VERDICT_FAIL;
	return 0;
}

static const char *describe(const struct expect *x, const struct scenario *sc,
			    const char *ref, char *buf, size_t len)
{
	char errs[160] = "detection", lo[32], hi[32];
	size_t used = 0;

	for (size_t i = 0; i < x->nerrors && used < sizeof(errs); i++)
		used += (size_t)snprintf(errs + used, sizeof(errs) - used, "%s%s", i ? " or " : "",
					 x->errors[i] == ERRNAME_EOF ? "EOF" : errname_str(x->errors[i]));
	if (x->by == BY_CLOSE)
		snprintf(errs, sizeof(errs), "closes its connection");
	else if (x->by == BY_EXIT && x->exit_status >= 0)
		snprintf(errs, sizeof(errs), "exits with status %d", x->exit_status);
	else if (x->by == BY_EXIT)
		snprintf(errs, sizeof(errs), "exits");
	else if (x->by == BY_LOG)
		snprintf(errs, sizeof(errs), "logs /%.120s/", x->log);
	snprintf(buf, len, "%s %s within %s..%s s of %s", sc->hosts[x->host].name, errs,
		 duration_secs(x->lo_ns, lo, sizeof(lo)), duration_secs(x->hi_ns, hi, sizeof(hi)),
		 ref);
	return buf;
}

const struct expect_ops expect_detect = {
	.name = "detect",
	.keys = keys,
	.load = load,
	.horizon = horizon,
	.judge = judge,
	.describe = describe,
};
