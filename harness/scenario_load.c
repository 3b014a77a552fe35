/* Scenario files: YAML → struct scenario. Parse every section, reporting
 * each problem with its position, then cross-check (host names, ports) and
 * only then hand the model out: nothing is half-loaded. */
#include "harness/scenario.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "harness/duration.h"
#include "harness/expect_load.h"
#include "harness/yaml_node.h"
#include "netns/fault.h"

static const char *const top_keys[] = {
	"name", "claims", "about", "client", "server", "steps", "expect", NULL
};
static const char *const peer_keys[] = {
	"listen", "connect", "keepalive", "user-timeout", NULL
};
static const char *const keepalive_keys[] = { "idle", "interval", "count", NULL };
static const char *const step_keys[] = { "at", "fault", "action", NULL };
static const char *const action_keys[] = { "send", NULL };
static const char *const send_keys[] = { "from", "bytes", NULL };

/* The fixed hosts of the default topology, in index order. */
static const char *const host_names[SCENARIO_MAX_HOSTS] = { "client", "server" };

/* Linux takes keepalive times in whole seconds, 1..32767, and at most 127
 * probes (MAX_TCP_KEEPIDLE, MAX_TCP_KEEPCNT in include/net/tcp.h). */
#define KEEPALIVE_MAX_S 32767
#define KEEPALIVE_MAX_COUNT 127
#define SEND_MAX_BYTES (16L << 20)

static int load_keepalive_time(struct ynode n, const char *what, int64_t *ns,
			       struct diag *d)
{
	if (ynode_duration(n, what, ns, d))
		return -EINVAL;
	if (*ns % NS_PER_S || *ns < NS_PER_S || *ns > KEEPALIVE_MAX_S * NS_PER_S) {
		diag_at(d, ynode_pos(n), "bad keepalive %s: \"%s\" (whole seconds from 1s to %ds: the kernel counts keepalive time in seconds)",
			what, ynode_str(n), KEEPALIVE_MAX_S);
		return -EINVAL;
	}
	return 0;
}

static int load_keepalive(struct ynode n, struct keepalive *ka, struct diag *d)
{
	struct ynode idle, intvl, count;
	int ret = 0;

	if (ynode_need_map(n, "keepalive", d))
		return -EINVAL;
	ret |= ynode_check_keys(n, "keepalive", keepalive_keys, d);
	if (!ynode_need_key(n, "idle", "keepalive", "idle: 2s", &idle, d))
		ret |= load_keepalive_time(idle, "idle", &ka->idle_ns, d);
	else
		ret = -EINVAL;
	if (!ynode_need_key(n, "interval", "keepalive", "interval: 1s", &intvl, d))
		ret |= load_keepalive_time(intvl, "interval", &ka->interval_ns, d);
	else
		ret = -EINVAL;
	if (!ynode_need_key(n, "count", "keepalive", "count: 3", &count, d))
		ret |= ynode_int(count, "keepalive count", 1, KEEPALIVE_MAX_COUNT,
				 &ka->count, d);
	else
		ret = -EINVAL;
	ka->on = true;
	return ret ? -EINVAL : 0;
}

/* TCP_USER_TIMEOUT takes milliseconds in an unsigned int (tcp(7)). */
static int load_user_timeout(struct ynode n, int64_t *ns, struct diag *d)
{
	if (ynode_duration(n, "user-timeout", ns, d))
		return -EINVAL;
	if (*ns < NS_PER_MS || *ns % NS_PER_MS || *ns / NS_PER_MS > INT32_MAX) {
		diag_at(d, ynode_pos(n), "bad user-timeout: \"%s\" (whole milliseconds from 1ms, e.g. 3s)",
			ynode_str(n));
		return -EINVAL;
	}
	return 0;
}

/* "server:7000": the host part is resolved later, in check_peers(). */
static int load_connect(struct ynode n, struct scenario *sc, struct peer_config *p,
			struct diag *d)
{
	const char *s = ynode_str(n), *colon;
	char host[64];
	char *end;
	long port;

	if (ynode_need_scalar(n, "connect", d))
		return -EINVAL;
	colon = strrchr(s, ':');
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(host))
		goto bad;
	port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 1 || port > 65535)
		goto bad;
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	p->port = (uint16_t)port;
	p->target = scenario_host_index(sc, host);
	if (p->target == HOST_NONE) {
		char names[128];

		diag_at(d, ynode_pos(n), "unknown host in connect: \"%s\" (hosts: %s)",
			host, scenario_host_names(sc, names, sizeof(names)));
		return -EINVAL;
	}
	return 0;
bad:
	diag_at(d, ynode_pos(n), "bad connect: \"%s\" (HOST:PORT, e.g. server:7000)", s);
	return -EINVAL;
}

static int load_peer(struct ynode n, struct scenario *sc, struct host *h,
		     struct diag *d)
{
	struct ynode listen, connect, ka, ut;
	long port;
	int ret = 0;

	h->at = ynode_pos(n);
	if (ynode_need_map(n, h->name, d))
		return -EINVAL;
	ret |= ynode_check_keys(n, h->name, peer_keys, d);
	listen = ynode_get(n, "listen");
	connect = ynode_get(n, "connect");
	if (!!listen.node == !!connect.node) {
		diag_at(d, ynode_pos(n), "%s needs exactly one of listen (e.g. listen: 7000) or connect (e.g. connect: server:7000)",
			h->name);
		return -EINVAL;
	}
	if (listen.node) {
		h->peer.role = PEER_LISTEN;
		h->peer.target = HOST_NONE;
		if (!ynode_int(listen, "listen port", 1, 65535, &port, d))
			h->peer.port = (uint16_t)port;
		else
			ret = -EINVAL;
	} else {
		h->peer.role = PEER_CONNECT;
		ret |= load_connect(connect, sc, &h->peer, d);
	}
	ka = ynode_get(n, "keepalive");
	if (ka.node)
		ret |= load_keepalive(ka, &h->peer.keepalive, d);
	ut = ynode_get(n, "user-timeout");
	if (ut.node)
		ret |= load_user_timeout(ut, &h->peer.user_timeout_ns, d);
	return ret ? -EINVAL : 0;
}

/* A connecting peer must target another host that listens on that port. */
static int check_peers(struct scenario *sc, struct diag *d)
{
	int ret = 0;

	for (size_t i = 0; i < sc->nhosts; i++) {
		const struct peer_config *p = &sc->hosts[i].peer;
		const struct host *t;

		if (p->role != PEER_CONNECT || p->target == HOST_NONE)
			continue;
		t = &sc->hosts[p->target];
		if (p->target == (int)i) {
			diag_at(d, sc->hosts[i].at, "%s connects to itself: it must connect to another host",
				sc->hosts[i].name);
			ret = -EINVAL;
		} else if (t->peer.role != PEER_LISTEN || t->peer.port != p->port) {
			diag_at(d, sc->hosts[i].at, "%s connects to %s:%u, but %s does not listen there",
				sc->hosts[i].name, t->name, p->port, t->name);
			ret = -EINVAL;
		}
	}
	return ret;
}

static int load_action(struct ynode n, struct scenario *sc, struct action *a,
		       struct diag *d)
{
	struct ynode send, from, bytes;
	int ret = 0;

	if (ynode_need_map(n, "action", d) ||
	    ynode_check_keys(n, "action", action_keys, d))
		return -EINVAL;
	if (ynode_len(n) != 1) {
		diag_at(d, ynode_pos(n), "an action names one thing to do (e.g. action: { send: { from: client, bytes: 100 } })");
		return -EINVAL;
	}
	send = ynode_get(n, "send");
	a->kind = ACTION_SEND;
	if (ynode_need_map(send, "send", d) ||
	    ynode_check_keys(send, "send", send_keys, d))
		return -EINVAL;
	if (!ynode_need_key(send, "from", "send", "from: client", &from, d)) {
		a->host = scenario_host_index(sc, ynode_str(from) ? ynode_str(from) : "");
		if (a->host == HOST_NONE) {
			char names[128];

			diag_at(d, ynode_pos(from), "unknown host in send: \"%s\" (hosts: %s)",
				ynode_str(from) ? ynode_str(from) : ynode_kind(from),
				scenario_host_names(sc, names, sizeof(names)));
			ret = -EINVAL;
		}
	} else {
		ret = -EINVAL;
	}
	if (!ynode_need_key(send, "bytes", "send", "bytes: 100", &bytes, d))
		ret |= ynode_int(bytes, "send bytes", 1, SEND_MAX_BYTES, &a->bytes, d);
	else
		ret = -EINVAL;
	return ret ? -EINVAL : 0;
}

static int load_step(struct ynode n, struct scenario *sc, struct step *st,
		     struct diag *d)
{
	struct ynode at, fault, action;
	int ret = 0;

	st->at_pos = ynode_pos(n);
	if (ynode_need_map(n, "a step", d))
		return -EINVAL;
	ret |= ynode_check_keys(n, "a step", step_keys, d);
	if (!ynode_need_key(n, "at", "a step", "at: 500ms", &at, d))
		ret |= ynode_duration(at, "at", &st->at_ns, d);
	else
		ret = -EINVAL;
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
			ret = -EINVAL;
	} else {
		ret |= load_action(action, sc, &st->action, d);
	}
	return ret ? -EINVAL : 0;
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

static int load_steps(struct ynode n, struct scenario *sc, struct diag *d)
{
	int ret = 0;

	if (ynode_need_seq(n, "steps", d))
		return -EINVAL;
	sc->steps = calloc(ynode_len(n) + 1, sizeof(*sc->steps));
	if (!sc->steps)
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(n); i++) {
		ret |= load_step(ynode_item(n, i), sc, &sc->steps[i], d);
		sc->nsteps++;
	}
	qsort(sc->steps, sc->nsteps, sizeof(*sc->steps), cmp_step);
	return ret ? -EINVAL : 0;
}

/* Claim ids as CLAIMS.md writes them: C<document>.<n>[letter]. */
static int load_claims(struct ynode n, struct scenario *sc, struct diag *d)
{
	regex_t re;
	int ret = 0;

	if (ynode_need_seq(n, "claims", d))
		return -EINVAL;
	sc->claims = calloc(ynode_len(n) + 1, sizeof(*sc->claims));
	if (!sc->claims || regcomp(&re, "^C[0-9]+\\.[0-9]+[a-z]?$", REG_EXTENDED | REG_NOSUB))
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(n); i++) {
		struct ynode item = ynode_item(n, i);
		char *claim;

		if (ynode_strdup(item, "a claim", &claim, d)) {
			ret = -EINVAL;
			continue;
		}
		sc->claims[sc->nclaims++] = claim;
		if (regexec(&re, claim, 0, NULL, 0)) {
			diag_at(d, ynode_pos(item), "bad claim id: \"%s\" (an id from CLAIMS.md, e.g. C1.6 or C0.5a)",
				claim);
			ret = -EINVAL;
		}
	}
	regfree(&re);
	return ret;
}

static int load_root(struct ynode root, struct scenario *sc, struct diag *d)
{
	struct ynode n;
	int ret = 0;

	if (ynode_need_map(root, "a scenario", d))
		return -EINVAL;
	ret |= ynode_check_keys(root, "a scenario", top_keys, d);
	if (!ynode_need_key(root, "name", "a scenario", "name: keepalive notices a pulled cable", &n, d))
		ret |= ynode_strdup(n, "name", &sc->name, d);
	else
		ret = -EINVAL;
	n = ynode_get(root, "about");
	if (n.node)
		ret |= ynode_strdup(n, "about", &sc->about, d);
	n = ynode_get(root, "claims");
	if (n.node)
		ret |= load_claims(n, sc, d);

	sc->net.kind = NET_SWITCHED;
	sc->net.family = AF_INET;
	sc->nhosts = SCENARIO_MAX_HOSTS;
	for (size_t i = 0; i < sc->nhosts; i++)
		sc->hosts[i].name = host_names[i];
	for (size_t i = 0; i < sc->nhosts; i++) {
		const char *example = i ? "server: { listen: 7000 }" : "client: { connect: server:7000 }";

		if (!ynode_need_key(root, sc->hosts[i].name, "a scenario", example, &n, d))
			ret |= load_peer(n, sc, &sc->hosts[i], d);
		else
			ret = -EINVAL;
	}
	if (!ret)
		ret |= check_peers(sc, d);

	n = ynode_get(root, "steps");
	if (n.node)
		ret |= load_steps(n, sc, d);
	if (!ynode_need_key(root, "expect", "a scenario", "expect: [ { no-detect: { host: server, for: 10s } } ]", &n, d))
		ret |= expect_load_all(n, sc, d);
	else
		ret = -EINVAL;
	return ret ? -EINVAL : 0;
}

int scenario_load(const char *path, struct scenario **out, struct diag *d)
{
	yaml_document_t doc;
	struct scenario *sc;
	int ret;

	*out = NULL;
	ret = ynode_load_file(path, &doc, d);
	if (ret)
		return ret;
	sc = calloc(1, sizeof(*sc));
	if (!sc || !(sc->path = strdup(path))) {
		ret = -ENOMEM;
		goto out;
	}
	ret = load_root(ynode_root(&doc), sc, d);
	if (!ret && d->count) /* a reader that reported but did not fail */
		ret = -EINVAL;
out:
	yaml_document_delete(&doc);
	if (ret)
		scenario_free(sc);
	else
		*out = sc;
	return ret;
}
