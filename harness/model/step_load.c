/* The `steps:` section: when each fault or endpoint action happens, and
 * how often it repeats. */
#include "harness/model/step_load.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/duration.h"
#include "harness/model/fault.h"
#include "harness/model/host_load.h"

static const char *const step_keys[] = {
	"name", "at", "fault", "action", "every", "times", "for", NULL
};
static const char *const send_keys[] = { "from", "bytes", NULL };
static const char *const shutdown_keys[] = { "host", "how", NULL };

/* An action is one call: as much as the peer's buffer holds. */
#define CALL_MAX_BYTES 65536L
/* Repetition is bounded: every loop that sends traffic is. */
#define TIMES_MAX 1000
#define EVERY_MIN_NS (10 * NS_PER_MS)

static int load_send(struct ynode n, const struct scenario *sc, struct action *a,
		     struct diag *d)
{
	struct ynode from, bytes;
	int ret = 0;

	if (ynode_need_map(n, "send", d) || ynode_check_keys(n, "send", send_keys, d))
		return -EINVAL;
	if (!ynode_need_key(n, "from", "send", "from: client", &from, d))
		ret = err_merge(ret, host_load_ref(from, "send", sc, &a->host, d));
	else
		ret = err_merge(ret, -EINVAL);
	if (!ynode_need_key(n, "bytes", "send", "bytes: 100", &bytes, d))
		ret = err_merge(ret, ynode_int(bytes, "send bytes", 1, CALL_MAX_BYTES, &a->bytes, d));
	else
		ret = err_merge(ret, -EINVAL);
	return ret;
}

/* recv: client, or recv: { host: client, bytes: 100 } */
static int load_recv(struct ynode n, const struct scenario *sc, struct action *a,
		     struct diag *d)
{
	static const char *const keys[] = { "host", "bytes", NULL };
	struct ynode host, bytes;
	int ret = 0;

	a->bytes = CALL_MAX_BYTES;
	if (ynode_is_scalar(n))
		return host_load_ref(n, "recv", sc, &a->host, d);
	if (ynode_need_map(n, "recv", d) || ynode_check_keys(n, "recv", keys, d))
		return -EINVAL;
	if (!ynode_need_key(n, "host", "recv", "host: client", &host, d))
		ret = err_merge(ret, host_load_ref(host, "recv", sc, &a->host, d));
	else
		ret = err_merge(ret, -EINVAL);
	if ((bytes = ynode_get(n, "bytes")).node)
		ret = err_merge(ret, ynode_int(bytes, "recv bytes", 1, CALL_MAX_BYTES, &a->bytes, d));
	return ret;
}

static int load_shutdown(struct ynode n, const struct scenario *sc,
			 struct action *a, struct diag *d)
{
	static const struct name_value hows[] = {
		{ "read", SHUT_RD }, { "write", SHUT_WR }, { "both", SHUT_RDWR },
	};
	struct ynode host, how;
	int ret = 0;

	if (ynode_need_map(n, "shutdown", d) ||
	    ynode_check_keys(n, "shutdown", shutdown_keys, d))
		return -EINVAL;
	if (!ynode_need_key(n, "host", "shutdown", "host: client", &host, d))
		ret = err_merge(ret, host_load_ref(host, "shutdown", sc, &a->host, d));
	else
		ret = err_merge(ret, -EINVAL);
	if (ynode_need_key(n, "how", "shutdown", "how: write", &how, d) ||
	    ynode_name(how, "shutdown how", hows, NAMES_LEN(hows), &a->how, d))
		return -EINVAL;
	return ret;
}

static int load_action_kind(struct ynode n, const struct scenario *sc, struct action *a,
			    struct diag *d)
{
	const char *kind;
	struct ynode arg;
	int which;

	struct ynode conn, key;
	size_t k = 0;

	if (ynode_need_map(n, "action", d))
		return -EINVAL;
	/* connection: newest (the default) or all, beside the action */
	conn = ynode_get(n, "connection");
	if (ynode_len(n) != 1 + !!conn.node) {
		diag_at(d, ynode_pos(n), "an action names one thing to do, and on which connections if not the newest (e.g. action: { close: client, connection: all })");
		return -EINVAL;
	}
	if (conn.node) {
		static const struct name_value which_conns[] = { { "newest", 0 }, { "all", 1 } };
		int all;

		if (ynode_name(conn, "connection", which_conns, NAMES_LEN(which_conns), &all, d))
			return -EINVAL;
		a->all = all;
		k = ynode_str(ynode_key(n, 0)) && !strcmp(ynode_str(ynode_key(n, 0)), "connection");
	}
	key = ynode_key(n, k);
	kind = ynode_str(key);
	arg = ynode_value(n, k);
	if (ynode_name(key, "action", action_names, action_nnames, &which, d))
		return -EINVAL;
	a->kind = which;
	if (a->kind == ACTION_SEND)
		return load_send(arg, sc, a, d);
	if (a->kind == ACTION_SHUTDOWN)
		return load_shutdown(arg, sc, a, d);
	if (a->kind == ACTION_RECV)
		return load_recv(arg, sc, a, d);
	if (host_load_ref(arg, kind, sc, &a->host, d))
		return -EINVAL;
	if (a->kind == ACTION_RECONNECT && sc->hosts[a->host].peer.role != PEER_CONNECT) {
		diag_at(d, ynode_pos(arg), "%s cannot reconnect: it listens (reconnect a host that connects, e.g. client)",
			sc->hosts[a->host].name);
		return -EINVAL;
	}
	return 0;
}

/* An action is done by the built-in peer: a program of the user's does
 * only what it does. */
static int load_action(struct ynode n, const struct scenario *sc, struct action *a,
		       struct diag *d)
{
	int ret = load_action_kind(n, sc, a, d);

	if (!ret && sc->hosts[a->host].program) {
		diag_at(d, ynode_pos(n), "%s runs your program: actions are done by the built-in peer (a program does what it does; use a fault, e.g. crash or restart)",
			sc->hosts[a->host].name);
		ret = -EINVAL;
	}
	return ret;
}

static int load_repeat(struct ynode n, struct step *st, struct diag *d)
{
	struct ynode every = ynode_get(n, "every"), times = ynode_get(n, "times");
	int ret = 0;

	st->times = 1;
	if (!every.node && !times.node)
		return 0;
	if (!every.node || !times.node) {
		diag_at(d, ynode_pos(every.node ? every : times),
			"a repeated step needs both every and times (e.g. every: 2s, times: 5)");
		return -EINVAL;
	}
	if (!ynode_duration(every, "every", &st->every_ns, d) && st->every_ns < EVERY_MIN_NS) {
		diag_at(d, ynode_pos(every), "bad every: \"%s\" (at least 10ms)", ynode_str(every));
		ret = err_merge(ret, -EINVAL);
	}
	ret = err_merge(ret, ynode_int(times, "times", 1, TIMES_MAX, &st->times, d));
	return ret;
}

/* `for`: a fault that undoes itself. Each occurrence must be over before
 * the next begins. */
static int load_for(struct ynode n, struct step *st, struct diag *d)
{
	struct ynode v = ynode_get(n, "for");

	if (!v.node)
		return 0;
	if (ynode_duration(v, "for", &st->for_ns, d))
		return -EINVAL;
	if (!st->fault) {
		diag_at(d, ynode_pos(v), "for: only a fault can be undone after a while (e.g. fault: { cable-pull: client }, for: 2s)");
		return -EINVAL;
	}
	if (st->for_ns <= 0 || (st->times > 1 && st->for_ns >= st->every_ns)) {
		diag_at(d, ynode_pos(v), "bad for: \"%s\" (more than 0s%s)", ynode_str(v),
			st->times > 1 ? ", and less than every: one occurrence is undone before the next" : "");
		return -EINVAL;
	}
	return 0;
}

/* A step's name: unique among the steps loaded so far (which are all the
 * steps before it in the file: sorting comes after loading). */
static int load_name(struct ynode n, const struct scenario *sc, struct step *st,
		     struct diag *d)
{
	if (ynode_strdup(n, "a step name", &st->name, d))
		return -EINVAL;
	for (size_t i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].name && !strcmp(sc->steps[i].name, st->name)) {
			diag_at(d, ynode_pos(n), "duplicate step name: \"%s\" (first used at line %d)",
				st->name, sc->steps[i].at_pos.line);
			return -EINVAL;
		}
	return 0;
}

static int load_step(struct ynode n, struct scenario *sc, struct step *st,
		     struct diag *d)
{
	struct ynode at, fault, action, v;
	int ret = 0;

	st->at_pos = ynode_pos(n);
	st->times = 1;
	if (ynode_need_map(n, "a step", d))
		return -EINVAL;
	ret = err_merge(ret, ynode_check_keys(n, "a step", step_keys, d));
	if ((v = ynode_get(n, "name")).node)
		ret = err_merge(ret, load_name(v, sc, st, d));
	if (!ynode_need_key(n, "at", "a step", "at: 500ms", &at, d))
		ret = err_merge(ret, ynode_duration(at, "at", &st->at_ns, d));
	else
		ret = err_merge(ret, -EINVAL);
	ret = err_merge(ret, load_repeat(n, st, d));
	fault = ynode_get(n, "fault");
	action = ynode_get(n, "action");
	if (!!fault.node == !!action.node) {
		diag_at(d, ynode_pos(n), "a step needs exactly one of fault (e.g. fault: { cable-pull: client }) or action (e.g. action: { send: { from: client, bytes: 100 } })");
		return -EINVAL;
	}
	if (fault.node) {
		if (fault_parse(fault, &st->fault, d))
			return -EINVAL;
		if (st->fault->ops->validate(st->fault, sc, d))
			ret = err_merge(ret, -EINVAL);
	} else {
		ret = err_merge(ret, load_action(action, sc, &st->action, d));
	}
	if (!ret)
		ret = err_merge(ret, load_for(n, st, d));
	return ret;
}

static int cmp_step(const void *a, const void *b)
{
	const struct step *x = a, *y = b;

	if (x->at_ns != y->at_ns)
		return x->at_ns < y->at_ns ? -1 : 1;
	/* equal times keep file order */
	if (x->at_pos.line != y->at_pos.line)
		return x->at_pos.line < y->at_pos.line ? -1 : 1;
	return x->at_pos.col - y->at_pos.col;
}

/* A host's power switched on or off at a moment of the timeline: a step's
 * occurrence, or its `for` running out. */
struct power_change {
	int64_t t_ns;
	int host;
	bool on;
	const struct step *st;
	long order;		/* ties: the order the runner applies them */
};

static int cmp_change(const void *a, const void *b)
{
	const struct power_change *x = a, *y = b;

	if (x->t_ns != y->t_ns)
		return x->t_ns < y->t_ns ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* power-on only after a power-off, power-off only while on: what the run
 * would find out after building the network, found here instead. */
static int check_power(const struct scenario *sc, struct diag *d)
{
	struct power_change *v;
	bool off[SCENARIO_MAX_HOSTS] = { false };
	size_t n = 0, cap = 0;
	int ret = 0;

	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];

		if (st->fault && (!strcmp(st->fault->ops->name, "power-off") ||
				  !strcmp(st->fault->ops->name, "power-on")))
			cap += (size_t)st->times * (st->for_ns ? 2 : 1);
	}
	if (!cap)
		return 0;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];
		bool on;

		if (!st->fault || (strcmp(st->fault->ops->name, "power-off") &&
				   strcmp(st->fault->ops->name, "power-on")))
			continue;
		on = !strcmp(st->fault->ops->name, "power-on");
		for (long k = 0; k < st->times; k++) {
			int64_t t = step_time_ns(st, k);

			v[n] = (struct power_change){ t, st->fault->host, on, st, (long)n };
			n++;
			if (st->for_ns) {
				v[n] = (struct power_change){ t + st->for_ns, st->fault->host, !on, st, (long)n };
				n++;
			}
		}
	}
	qsort(v, n, sizeof(*v), cmp_change);
	for (size_t i = 0; i < n && !ret; i++) {
		const struct power_change *c = &v[i];
		char when[32];

		if (c->host < 0 || c->host >= SCENARIO_MAX_HOSTS)
			continue;
		if (off[c->host] == c->on) {	/* on when off, off when on */
			off[c->host] = !c->on;
			continue;
		}
		diag_at(d, c->st->at_pos, "%s at %s: %s is %s already (%s)", c->on ? "power-on" : "power-off",
			duration_str(c->t_ns, when, sizeof(when)), sc->hosts[c->host].name,
			c->on ? "on" : "off",
			c->on ? "a power-on needs an earlier power-off of the same host" :
				"a host is powered off once before it is powered on again");
		ret = -EINVAL;
	}
	free(v);
	return ret;
}

int step_load_all(struct ynode n, struct scenario *sc, struct diag *d)
{
	int ret = 0;

	if (ynode_need_seq(n, "steps", d))
		return -EINVAL;
	sc->steps = calloc(ynode_len(n) + 1, sizeof(*sc->steps));
	if (!sc->steps)
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(n); i++) {
		ret = err_merge(ret, load_step(ynode_item(n, i), sc, &sc->steps[i], d));
		sc->nsteps++;
	}
	qsort(sc->steps, sc->nsteps, sizeof(*sc->steps), cmp_step);
	if (!ret)
		ret = check_power(sc, d);
	return ret;
}
