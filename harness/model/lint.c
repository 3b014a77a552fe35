#include "harness/model/lint.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/errname.h"

/* Whether @h's built-in peer ever has something of its own for the
 * kernel to retransmit or probe: data, a FIN after shutdown, a SYN of a
 * connect that may meet the fault, or keepalive probes. */
static bool peer_sends(const struct scenario *sc, int h)
{
	const struct peer_config *p = &sc->hosts[h].peer;

	if (p->traffic.every_ns || p->heartbeat.send_every_ns || p->keepalive.on)
		return true;
	if (p->role == PEER_CONNECT && sc->from_start)
		return true;
	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];

		if (st->fault || st->action.host != h)
			continue;
		if (st->action.kind == ACTION_SEND || st->action.kind == ACTION_RECONNECT ||
		    (st->action.kind == ACTION_SHUTDOWN && st->action.how != SHUT_RD))
			return true;
	}
	return false;
}

static bool builtin(const struct scenario *sc, int h)
{
	return h >= 0 && (size_t)h < sc->nhosts && !sc->hosts[h].program;
}

static bool only_timeouts(const struct expect *x)
{
	if (!x->nerrors)
		return false;
	for (size_t i = 0; i < x->nerrors; i++)
		if (x->errors[i] != ETIMEDOUT)
			return false;
	return true;
}

static bool is(const struct expect *x, const char *kind)
{
	return !strcmp(x->ops->name, kind);
}

/* net.ipv4.tcp_keepalive_time or net/ipv4/tcp_keepalive_time */
static bool key_is(const char *key, const char *want)
{
	for (; *key && *want; key++, want++)
		if (*key != *want && !(*key == '/' && *want == '.'))
			return false;
	return !*key && !*want;
}

static size_t lint_keepalive_sysctls(const struct scenario *sc, struct diag *w)
{
	static const char *const keys[] = {
		"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_keepalive_intvl",
		"net.ipv4.tcp_keepalive_probes",
	};
	size_t n = 0;

	for (size_t h = 0; h < sc->nhosts; h++) {
		const struct host *ho = &sc->hosts[h];

		if (ho->program)
			continue;	/* the program may turn it on */
		for (size_t i = 0; i < ho->nsysctls; i++)
			for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
				if (!key_is(ho->sysctls[i].key, keys[k]))
					continue;
				if (!ho->peer.keepalive.on)
					diag_at(w, ho->sysctls[i].at,
						"warning: %s has no effect: %s's built-in peer does not turn keepalive on (keepalive: on uses these sysctls)",
						ho->sysctls[i].key, ho->name);
				else if (ho->peer.keepalive.idle_ns)
					diag_at(w, ho->sysctls[i].at,
						"warning: %s has no effect: %s's keepalive: { idle, interval, count } sets all three on the socket (keepalive: on uses these sysctls)",
						ho->sysctls[i].key, ho->name);
				else
					continue;
				n++;
			}
	}
	return n;
}

static size_t lint_silent_hosts(const struct scenario *sc, struct diag *w)
{
	size_t n = 0;

	for (size_t h = 0; h < sc->nhosts; h++) {
		const struct host *ho = &sc->hosts[h];

		if (ho->program || !ho->peer.user_timeout_ns || peer_sends(sc, (int)h))
			continue;
		diag_at(w, ho->at,
			"warning: %s's user-timeout has no effect: its built-in peer never has anything unacknowledged (no traffic, heartbeat, keepalive, send, shutdown or reconnect)",
			ho->name);
		n++;
	}
	for (size_t i = 0; i < sc->nexpects; i++) {
		const struct expect *x = &sc->expects[i];

		if (is(x, "detect") && (x->by == BY_EVENT || x->by == BY_CALL) &&
		    builtin(sc, x->host) && only_timeouts(x) && !peer_sends(sc, x->host)) {
			diag_at(w, x->at,
				"warning: this can never pass: %s's built-in peer never has anything unacknowledged (no traffic, heartbeat, keepalive, send, shutdown or reconnect), so its kernel has nothing to time out with ETIMEDOUT",
				sc->hosts[x->host].name);
			n++;
		}
		if (is(x, "packets") && x->kinds == PKIND_KEEPALIVE && x->count_lo > 0 &&
		    builtin(sc, x->from) && !sc->hosts[x->from].peer.keepalive.on) {
			diag_at(w, x->at,
				"warning: this can never pass: %s's built-in peer does not turn keepalive on, so it sends no keepalive probes",
				sc->hosts[x->from].name);
			n++;
		}
	}
	return n;
}

/* A detect and a no-detect of the same host, from the same reference,
 * the detection's window inside the quiet period: one of them fails. */
static size_t lint_contradictions(const struct scenario *sc, struct diag *w)
{
	size_t n = 0;

	for (size_t i = 0; i < sc->nexpects; i++) {
		const struct expect *x = &sc->expects[i];

		if (!is(x, "detect") || x->rated || x->kernel.nv)
			continue;
		for (size_t j = 0; j < sc->nexpects; j++) {
			const struct expect *y = &sc->expects[j];

			if (!is(y, "no-detect") || y->rated || y->kernel.nv || y->host != x->host ||
			    y->since != x->since || y->by != x->by || y->for_ns < x->hi_ns ||
			    (x->program || y->program ? !x->program || !y->program ||
			     strcmp(x->program, y->program) : false))
				continue;
			diag_at(w, x->at,
				"warning: this and the no-detect at %d:%d can never both pass: %s must notice within %.3g s, and notice nothing for %.3g s",
				y->at.line, y->at.col, sc->hosts[x->host].name, (double)x->hi_ns / 1e9,
				(double)y->for_ns / 1e9);
			n++;
		}
	}
	return n;
}

static size_t lint_matrix(const struct scenario *sc, struct diag *w)
{
	size_t n = 0;

	for (size_t i = 0; i < sc->pick.n; i++) {
		if (!(sc->matrix_unused >> i & 1))
			continue;
		diag_at(w, sc->matrix_at,
			"warning: matrix parameter %s has no effect: no value says $%s (or ${%s}) and no when: names it, so its combinations are the same scenario",
			sc->pick.names[i], sc->pick.names[i], sc->pick.names[i]);
		n++;
	}
	return n;
}

size_t scenario_lint(const struct scenario *sc, struct diag *w)
{
	return lint_matrix(sc, w) + lint_keepalive_sysctls(sc, w) + lint_silent_hosts(sc, w) +
	       lint_contradictions(sc, w);
}
