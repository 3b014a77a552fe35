/* The host sections of a scenario: `client:` and `server:` (the built-in
 * peer each runs and how it detects) and `hosts:` (what is set up in each
 * host's namespace before its peer starts). */
#include "harness/model/host_load.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "common/suggest.h"
#include "harness/model/program.h"

static const char *const peer_keys[] = {
	"exec", "programs", "listen", "connect", "keepalive", "user-timeout", "linger", "heartbeat",
	"traffic", "zero-byte-probe", "reads", "on-detect", "connections", "sysctl", NULL
};
/* A host that runs the user's program: the program sets its own socket
 * options, so none of the built-in peer's settings apply (program.h has
 * its keys). Several programs: a list under programs:, nothing else. */
static const char *const programs_keys[] = { "programs", "sysctl", NULL };
static const char *const exec_keys[] = {
	"exec", "env", "listen", "ready", "user", "tty", "sysctl", NULL
};
static const char *const keepalive_keys[] = { "idle", "interval", "count", NULL };
static const char *const heartbeat_keys[] = {
	"send-every", "bytes", "timeout", "poll", NULL
};
static const char *const traffic_keys[] = { "every", "bytes", NULL };
static const char *const host_keys[] = { "sysctl", NULL };

/* Linux takes keepalive times in whole seconds, 1..32767, and at most 127
 * probes (MAX_TCP_KEEPIDLE, MAX_TCP_KEEPCNT in include/net/tcp.h). */
#define KEEPALIVE_MAX_S 32767
#define KEEPALIVE_MAX_COUNT 127
/* SO_LINGER counts whole seconds in an int. */
#define LINGER_MAX_S 3600
/* A periodic send must leave the peer time to do anything else. */
#define PERIOD_MIN_NS (10 * NS_PER_MS)
#define PERIODIC_MAX_BYTES (1L << 20)
#define HEARTBEAT_BYTES 8

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

/* keepalive: { idle, interval, count } (per socket), or `on`: SO_KEEPALIVE
 * alone, with the host's sysctls (net.ipv4.tcp_keepalive_*: 2 h, 75 s, 9
 * unless the scenario sets them in the host's namespace). */
static int load_keepalive(struct ynode n, struct keepalive *ka, struct diag *d)
{
	struct ynode idle, intvl, count;
	int ret = 0;

	if (ynode_is_scalar(n) && !strcmp(ynode_str(n), "on")) {
		ka->on = true;
		return 0;
	}
	if (!ynode_is_map(n)) {
		diag_at(d, ynode_pos(n), "bad keepalive: \"%s\" (on: the kernel's defaults, or { idle: 2s, interval: 1s, count: 3 })",
			ynode_str(n) ? ynode_str(n) : ynode_kind(n));
		return -EINVAL;
	}
	ret = err_merge(ret, ynode_check_keys(n, "keepalive", keepalive_keys, d));
	if (!ynode_need_key(n, "idle", "keepalive", "idle: 2s", &idle, d))
		ret = err_merge(ret, load_keepalive_time(idle, "idle", &ka->idle_ns, d));
	else
		ret = err_merge(ret, -EINVAL);
	if (!ynode_need_key(n, "interval", "keepalive", "interval: 1s", &intvl, d))
		ret = err_merge(ret, load_keepalive_time(intvl, "interval", &ka->interval_ns, d));
	else
		ret = err_merge(ret, -EINVAL);
	if (!ynode_need_key(n, "count", "keepalive", "count: 3", &count, d))
		ret = err_merge(ret, ynode_int(count, "keepalive count", 1, KEEPALIVE_MAX_COUNT,
				 &ka->count, d));
	else
		ret = err_merge(ret, -EINVAL);
	ka->on = true;
	return ret;
}

/* A duration that must lie in [min, max] and be a multiple of @unit
 * (named @unit_name in the message). */
static int load_bounded(struct ynode n, const char *what, int64_t min,
			int64_t max, int64_t unit, const char *accepted,
			int64_t *ns, struct diag *d)
{
	if (ynode_duration(n, what, ns, d))
		return -EINVAL;
	if (*ns < min || *ns > max || *ns % unit) {
		diag_at(d, ynode_pos(n), "bad %s: \"%s\" (%s)", what, ynode_str(n), accepted);
		return -EINVAL;
	}
	return 0;
}

/* TCP_USER_TIMEOUT takes milliseconds in an unsigned int (tcp(7)). */
static int load_user_timeout(struct ynode n, int64_t *ns, struct diag *d)
{
	return load_bounded(n, "user-timeout", NS_PER_MS, INT32_MAX * NS_PER_MS,
			    NS_PER_MS, "whole milliseconds from 1ms, e.g. 3s", ns, d);
}

static int load_period(struct ynode n, const char *what, int64_t *ns,
		       struct diag *d)
{
	return load_bounded(n, what, PERIOD_MIN_NS, 3600 * NS_PER_S, 1,
			    "from 10ms to 1h, e.g. 1s", ns, d);
}

static int load_heartbeat(struct ynode n, struct heartbeat *hb, struct diag *d)
{
	struct ynode v;
	int ret = 0;

	if (ynode_need_map(n, "heartbeat", d))
		return -EINVAL;
	ret = err_merge(ret, ynode_check_keys(n, "heartbeat", heartbeat_keys, d));
	hb->bytes = HEARTBEAT_BYTES;
	if ((v = ynode_get(n, "send-every")).node)
		ret = err_merge(ret, load_period(v, "heartbeat send-every", &hb->send_every_ns, d));
	if ((v = ynode_get(n, "bytes")).node)
		ret = err_merge(ret, ynode_int(v, "heartbeat bytes", 1, PERIODIC_MAX_BYTES, &hb->bytes, d));
	if ((v = ynode_get(n, "timeout")).node)
		ret = err_merge(ret, load_period(v, "heartbeat timeout", &hb->timeout_ns, d));
	if ((v = ynode_get(n, "poll")).node) {
		ret = err_merge(ret, load_period(v, "heartbeat poll", &hb->poll_ns, d));
		if (!ynode_get(n, "timeout").node) {
			diag_at(d, ynode_pos(v), "heartbeat poll needs a timeout to check (e.g. heartbeat: { timeout: 3s, poll: 1s })");
			ret = err_merge(ret, -EINVAL);
		}
	}
	if (!ynode_get(n, "send-every").node && !ynode_get(n, "timeout").node) {
		diag_at(d, ynode_pos(n), "a heartbeat needs send-every (to send one), timeout (to watch for one), or both");
		ret = err_merge(ret, -EINVAL);
	}
	return ret;
}

static int load_traffic(struct ynode n, struct traffic *tr, struct diag *d)
{
	struct ynode v;
	int ret = 0;

	if (ynode_need_map(n, "traffic", d))
		return -EINVAL;
	ret = err_merge(ret, ynode_check_keys(n, "traffic", traffic_keys, d));
	if (!ynode_need_key(n, "every", "traffic", "every: 100ms", &v, d))
		ret = err_merge(ret, load_period(v, "traffic every", &tr->every_ns, d));
	else
		ret = err_merge(ret, -EINVAL);
	if (!ynode_need_key(n, "bytes", "traffic", "bytes: 100", &v, d))
		ret = err_merge(ret, ynode_int(v, "traffic bytes", 1, PERIODIC_MAX_BYTES, &tr->bytes, d));
	else
		ret = err_merge(ret, -EINVAL);
	return ret;
}

static int load_on_detect(struct ynode n, enum on_detect *out, struct diag *d)
{
	static const struct name_value names[] = {
		{ "close", ON_DETECT_CLOSE },
		{ "shutdown-write", ON_DETECT_SHUTDOWN_WRITE },
		{ "keep", ON_DETECT_KEEP },
	};
	int v;

	if (ynode_name(n, "on-detect", names, NAMES_LEN(names), &v, d))
		return -EINVAL;
	*out = v;
	return 0;
}

/* "server:7000": the host part is resolved later, in host_check_peers(). */
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
	if (!isdigit((unsigned char)colon[1]) || *end || port < 1 || port > 65535)
		goto bad;
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	p->port = (uint16_t)port;
	p->target = scenario_host_index(sc, host);
	if (p->target == HOST_NONE) {
		char names[128], hint[96];

		scenario_host_names(sc, names, sizeof(names));
		diag_at(d, ynode_pos(n), "unknown host in connect: \"%s\" (%shosts: %s)",
			host, suggest(host, names, hint, sizeof(hint)), names);
		return -EINVAL;
	}
	return 0;
bad:
	diag_at(d, ynode_pos(n), "bad connect: \"%s\" (HOST:PORT, e.g. server:7000)", s);
	return -EINVAL;
}

static int load_role(struct ynode n, struct scenario *sc, struct host *h,
		     struct diag *d)
{
	struct ynode listen = ynode_get(n, "listen"), connect = ynode_get(n, "connect");
	long port;

	if (!!listen.node == !!connect.node) {
		diag_at(d, ynode_pos(n), "%s needs exactly one of listen (e.g. listen: 7000) or connect (e.g. connect: server:7000)",
			h->name);
		return -EINVAL;
	}
	if (connect.node) {
		h->peer.role = PEER_CONNECT;
		return load_connect(connect, sc, &h->peer, d);
	}
	h->peer.role = PEER_LISTEN;
	h->peer.target = HOST_NONE;
	if (ynode_int(listen, "listen port", 1, 65535, &port, d))
		return -EINVAL;
	h->peer.port = (uint16_t)port;
	return 0;
}

int host_load_ref(struct ynode n, const char *what, const struct scenario *sc,
		  int *host, struct diag *d)
{
	if (ynode_need_scalar(n, what, d))
		return -EINVAL;
	return scenario_host_ref(sc, ynode_str(n), ynode_pos(n), what, host, d);
}

int host_load_peer_ref(struct ynode n, const char *what, const char *why,
		       const struct scenario *sc, int *host, struct diag *d)
{
	int ret = host_load_ref(n, what, sc, host, d);

	if (!ret && sc->hosts[*host].program) {
		diag_at(d, ynode_pos(n), "%s runs your program: %s", sc->hosts[*host].name, why);
		ret = -EINVAL;
	}
	return ret;
}

/* The host serves what its first program that listens serves. */
static void program_role(struct host *h)
{
	h->peer.role = PEER_CONNECT;
	h->peer.target = HOST_NONE;
	for (const struct program *p = h->program; p; p = p->next)
		if (p->listen) {
			h->peer.role = PEER_LISTEN;
			h->peer.port = p->listen;
			return;
		}
}

/* `exec:` — the host runs the user's program; `listen:` is the port it
 * serves, if it does. */
static int load_program(struct ynode n, struct host *h, struct diag *d)
{
	int ret = ynode_check_keys(n, h->name, exec_keys, d);

	ret = err_merge(ret, program_load(n, false, &h->program, d));
	program_role(h);
	return ret;
}

/* `programs:` — several, started in order, each ready before the next. */
static int load_programs(struct ynode n, struct host *h, struct diag *d)
{
	struct ynode list = ynode_get(n, "programs");
	struct program **tail = &h->program;
	int ret = ynode_check_keys(n, h->name, programs_keys, d);

	if (ynode_need_seq(list, "programs", d))
		return -EINVAL;
	if (ynode_len(list) == 0 || ynode_len(list) > PROGRAM_MAX_PER_HOST) {
		diag_at(d, ynode_pos(list), "programs lists 1 to %d programs, not %zu", PROGRAM_MAX_PER_HOST,
			ynode_len(list));
		return -EINVAL;
	}
	for (size_t i = 0; i < ynode_len(list); i++) {
		struct ynode item = ynode_item(list, i);

		if (ynode_need_map(item, "a program", d) ||
		    ynode_check_keys(item, "a program", program_keys, d)) {
			ret = -EINVAL;
			continue;
		}
		ret = err_merge(ret, program_load(item, true, tail, d));
		if (*tail && (*tail)->name && program_find(h->program, (*tail)->name) != *tail) {
			diag_at(d, ynode_pos(ynode_get(item, "name")), "%s has two programs named \"%s\"",
				h->name, (*tail)->name);
			ret = err_merge(ret, -EINVAL);
		}
		if (*tail)
			tail = &(*tail)->next;
	}
	program_role(h);
	return ret;
}

static int load_sysctls(struct ynode n, struct host *h, struct diag *d);

static int load_peer(struct ynode n, struct scenario *sc, struct host *h, struct diag *d);

int host_load_peer(struct ynode n, struct scenario *sc, struct host *h,
		   struct diag *d)
{
	struct ynode v;
	int ret;

	h->at = ynode_pos(n);
	h->peer.reads = true;
	if (ynode_need_map(n, h->name, d))
		return -EINVAL;
	if (ynode_get(n, "exec").node)
		ret = load_program(n, h, d);
	else if (ynode_get(n, "programs").node)
		ret = load_programs(n, h, d);
	else
		ret = load_peer(n, sc, h, d);
	if ((v = ynode_get(n, "sysctl")).node)
		ret = err_merge(ret, load_sysctls(v, h, d));
	return ret;
}

static int load_peer(struct ynode n, struct scenario *sc, struct host *h, struct diag *d)
{
	struct peer_config *p = &h->peer;
	struct ynode v;
	int ret = 0;

	ret = err_merge(ret, ynode_check_keys(n, h->name, peer_keys, d));
	ret = err_merge(ret, load_role(n, sc, h, d));
	if ((v = ynode_get(n, "keepalive")).node)
		ret = err_merge(ret, load_keepalive(v, &p->keepalive, d));
	if ((v = ynode_get(n, "user-timeout")).node)
		ret = err_merge(ret, load_user_timeout(v, &p->user_timeout_ns, d));
	if ((v = ynode_get(n, "linger")).node) {
		p->linger = true;
		ret = err_merge(ret, load_bounded(v, "linger", 0, LINGER_MAX_S * NS_PER_S, NS_PER_S,
				    "whole seconds from 0s to 3600s: SO_LINGER counts seconds",
				    &p->linger_ns, d));
	}
	if ((v = ynode_get(n, "heartbeat")).node)
		ret = err_merge(ret, load_heartbeat(v, &p->heartbeat, d));
	if ((v = ynode_get(n, "traffic")).node)
		ret = err_merge(ret, load_traffic(v, &p->traffic, d));
	if ((v = ynode_get(n, "zero-byte-probe")).node)
		ret = err_merge(ret, load_period(v, "zero-byte-probe", &p->zero_probe_ns, d));
	if ((v = ynode_get(n, "reads")).node)
		ret = err_merge(ret, ynode_bool(v, "reads", &p->reads, d));
	if ((v = ynode_get(n, "on-detect")).node)
		ret = err_merge(ret, load_on_detect(v, &p->on_detect, d));
	p->connections = 1;
	if ((v = ynode_get(n, "connections")).node) {
		ret = err_merge(ret, ynode_int(v, "connections", 1, PEER_MAX_CONNECTIONS, &p->connections, d));
		if (p->role == PEER_LISTEN) {
			diag_at(d, ynode_pos(v), "connections: is how many a host that connects opens; %s listens, and accepts as many as come",
				h->name);
			ret = err_merge(ret, -EINVAL);
		}
	}
	return ret;
}

int host_check_peers(struct scenario *sc, struct diag *d)
{
	size_t listeners = 0;
	int ret = 0;

	for (size_t i = 0; i < sc->nhosts; i++)
		listeners += sc->hosts[i].peer.role == PEER_LISTEN;
	if (sc->nhosts && listeners == sc->nhosts) {
		diag_at(d, sc->hosts[sc->nhosts - 1].at,
			"every host listens and none connects: one must connect to another (e.g. %s: connect: %s:%u)",
			sc->hosts[sc->nhosts - 1].name, sc->hosts[0].name, sc->hosts[0].peer.port);
		ret = -EINVAL;
	}

	for (size_t i = 0; i < sc->nhosts; i++) {
		const struct peer_config *p = &sc->hosts[i].peer;
		const struct host *t;

		if (sc->hosts[i].program)
			ret = err_merge(ret, program_check(sc->hosts[i].program, sc, d));
		if (p->role != PEER_CONNECT || p->target == HOST_NONE)
			continue;
		t = &sc->hosts[p->target];
		if (p->target == (int)i) {
			diag_at(d, sc->hosts[i].at, "%s connects to itself: it must connect to another host",
				sc->hosts[i].name);
			ret = err_merge(ret, -EINVAL);
		} else if ((t->peer.role != PEER_LISTEN || t->peer.port != p->port) &&
			   !sc->from_start) {
			/* with steps-from: start, a closed port is a scenario
			 * of its own: the connect is refused */
			diag_at(d, sc->hosts[i].at, "%s connects to %s:%u, but %s does not listen there (a refused connect needs steps-from: start)",
				sc->hosts[i].name, t->name, p->port, t->name);
			ret = err_merge(ret, -EINVAL);
		}
	}
	return ret;
}

/* A sysctl key as sysctl(8) writes it, under net. (the only tree a network
 * namespace has its own copy of). Whether the kernel knows it, and keeps
 * it per namespace, is checked against a namespace by sysctl_check(). */
static int load_sysctl(struct ynode key, struct ynode val, struct sysctl *s,
		       regex_t *re, struct diag *d)
{
	int ret = 0;

	s->at = ynode_pos(key);
	s->value_at = ynode_pos(val);
	ret = err_merge(ret, ynode_strdup(key, "a sysctl name", &s->key, d));
	ret = err_merge(ret, ynode_strdup(val, "a sysctl value", &s->value, d));
	if (s->key && regexec(re, s->key, 0, NULL, 0)) {
		diag_at(d, s->at, "bad sysctl name: \"%s\" (a net.* name as sysctl(8) writes it, e.g. net.ipv4.tcp_retries2: only the net tree is per namespace)",
			s->key);
		ret = err_merge(ret, -EINVAL);
	}
	if (s->value && strpbrk(s->value, "\n")) {
		diag_at(d, s->value_at, "bad sysctl value: \"%s\" (one line)", s->value);
		ret = err_merge(ret, -EINVAL);
	}
	return ret;
}

static int load_sysctls(struct ynode n, struct host *h, struct diag *d)
{
	regex_t re;
	int ret = 0;

	if (ynode_need_map(n, "sysctl", d))
		return -EINVAL;
	h->sysctls = calloc(ynode_len(n) + 1, sizeof(*h->sysctls));
	if (!h->sysctls || regcomp(&re, "^net(\\.[A-Za-z0-9_-]+)+$", REG_EXTENDED | REG_NOSUB))
		return -ENOMEM;
	for (size_t i = 0; i < ynode_len(n); i++) {
		ret = err_merge(ret, load_sysctl(ynode_key(n, i), ynode_value(n, i),
				   &h->sysctls[h->nsysctls], &re, d));
		h->nsysctls++;
	}
	regfree(&re);
	/* a name set twice would leave which value wins to chance */
	for (size_t i = 0; i < h->nsysctls; i++)
		for (size_t j = 0; j < i; j++)
			if (h->sysctls[i].key && h->sysctls[j].key &&
			    !strcmp(h->sysctls[i].key, h->sysctls[j].key)) {
				diag_at(d, h->sysctls[i].at, "duplicate sysctl: \"%s\" (first set at line %d)",
					h->sysctls[i].key, h->sysctls[j].at.line);
				ret = err_merge(ret, -EINVAL);
			}
	return ret;
}

int host_check_settings(struct ynode v, const char *name, struct diag *d)
{
	return ynode_need_map(v, name, d) || ynode_check_keys(v, name, host_keys, d) ? -EINVAL : 0;
}

bool host_is_settings(struct ynode v)
{
	if (!ynode_is_map(v))
		return false;
	for (size_t i = 0; i < ynode_len(v); i++) {
		const char *k = ynode_str(ynode_key(v, i));

		if (!k || strcmp(k, "sysctl"))
			return false;
	}
	return true;
}

int host_check_name(struct ynode key, const struct scenario *sc, struct diag *d)
{
	const char *s = ynode_str(key);
	size_t n = s ? strlen(s) : 0;

	if (!n || n > HOST_NAME_MAX_LEN || !islower((unsigned char)s[0]) ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") != n || !strcmp(s, "scenario")) {
		diag_at(d, ynode_pos(key), "bad host name: \"%s\" (1 to %d of a-z, 0-9 and -, starting with a letter, e.g. backend-1; not scenario)",
			s ? s : ynode_kind(key), HOST_NAME_MAX_LEN);
		return -EINVAL;
	}
	if (scenario_host_index(sc, s) != HOST_NONE) {
		diag_at(d, ynode_pos(key), "%s is defined twice: at the top level and in hosts: (one section, with its sysctl: in it or in hosts: { %s: { sysctl } })",
			s, s);
		return -EINVAL;
	}
	return 0;
}

int host_load_settings(struct ynode n, struct host *h, struct diag *d)
{
	struct ynode v = ynode_get(n, "sysctl");

	if (!v.node)
		return 0;
	if (h->nsysctls) {
		diag_at(d, ynode_pos(v), "%s's sysctl is set twice: in its section and in hosts:", h->name);
		return -EINVAL;
	}
	return load_sysctls(v, h, d);
}
