/* What runs on each host: the built-in peer (peer.c) or the user's own
 * program (exec.c), started, watched, signalled and ended the same way by
 * the runner. A program is known to be ready, and its connection to be
 * up, from the socket table (sampler.c) or its output. */
#include <ctype.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pwd.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/duration.h"
#include "common/errname.h"
#include "common/vec.h"
#include "harness/model/program.h"
#include "harness/run/run_internal.h"
#include "netns/topo.h"

extern char **environ;

/* Bounds on setting up: a listener is up in ms; a connect on an idle
 * virtual LAN in well under a second (it would take 1 s per lost SYN). */
#define LISTEN_TIMEOUT_NS (5 * NS_PER_S)
#define CONNECT_TIMEOUT_NS (10 * NS_PER_S)

void endpoint_init(struct endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->peer = (struct peer){ .pid = -1, .events = -1, .cmds = -1 };
	for (size_t k = 0; k < PROGRAM_MAX_PER_HOST; k++)
		prog_init(&ep->prog[k]);
}

static const struct host *host_of(const struct run *r, int host)
{
	return &r->sc->hosts[host];
}

bool endpoint_running(const struct run *r, int host)
{
	const struct endpoint *ep = &r->ep[host];

	return host_of(r, host)->program ? programs_running(r, host) : ep->peer.pid > 0;
}

static int start_peer(struct run *r, int host)
{
	const struct host *h = host_of(r, host);
	struct peer_spec spec = { .host = host, .config = h->peer,
				  .connect_may_fail = r->sc->from_start };

	topo_host_sockaddr(r->topo, host, h->peer.role == PEER_LISTEN ? h->peer.port : 0,
			   &spec.local, &spec.local_len);
	if (h->peer.role == PEER_CONNECT)
		topo_host_sockaddr(r->topo, h->peer.target, h->peer.port,
				   &spec.remote, &spec.remote_len);
	return peer_start(&spec, topo_host_ns(r->topo, host), &r->ep[host].peer, r->d);
}

int endpoint_start(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];

	ep->listening = ep->failed = false;
	ep->connected = ep->accepted = 0;
	ep->up_ns = ep->up_lag_ns = 0;
	r->acting[host] = false;	/* a new process owes no earlier action */
	return host_of(r, host)->program ? programs_start(r, host) : start_peer(r, host);
}

static int collect_peer(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];
	const struct host *h = host_of(r, host);
	struct event e;
	int n, err;

	while (ep->peer.pid > 0 && (n = peer_read_event(&ep->peer, &e)) == 1) {
		e.host = host;
		e.target = HOST_NONE;
		/* the action's call is under way: later steps may go */
		if (e.type == EV_ACTING || e.type == EV_ACTION)
			r->acting[host] = false;
		if (e.type == EV_ACTING)
			continue;
		if ((err = run_record(r, &e)) ||
		    (e.type == EV_ACTION && (err = run_record_action_step(r, &e))))
			return err;
		if (e.type == EV_LISTENING)
			ep->listening = true;
		else if (e.type == EV_CONNECTED || e.type == EV_ACCEPTED) {
			ep->connected += e.type == EV_CONNECTED;
			ep->accepted += e.type == EV_ACCEPTED;
			if (!ep->up_ns && ep->connected + ep->accepted >= endpoint_needed(r, host))
				ep->up_ns = e.t_ns, ep->up_lag_ns = e.lag_ns;
		}
		else if (e.type == EV_SETUP_FAILED) {
			ep->failed = true;
			diag_at(r->d, h->at, "%s: %s failed: %s (%s)", h->name, e.call,
				errname_str(e.err) ? errname_str(e.err) : "error", strerror(e.err));
		}
	}
	return 0;
}

int endpoint_collect(struct run *r, int host)
{
	return host_of(r, host)->program ? programs_collect(r, host) : collect_peer(r, host);
}

size_t endpoint_fds(const struct run *r, int host, struct pollfd *p)
{
	const struct endpoint *ep = &r->ep[host];

	if (host_of(r, host)->program)
		return programs_fds(r, host, p);
	if (ep->peer.pid > 0) {
		p[0] = (struct pollfd){ .fd = ep->peer.events, .events = POLLIN };
		return 1;
	}
	return 0;
}

int endpoint_kill(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];

	r->acting[host] = false;	/* a dead one never begins it */
	if (host_of(r, host)->program) {
		programs_kill(r, host);
		return 0;
	}
	collect_peer(r, host);	/* what it said before it died is evidence */
	peer_stop(&ep->peer);
	return 0;
}

void endpoint_stop(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];

	/* at the end nothing waits for the endpoints' deaths: the process
	 * that runs the scenario (or the subreaper above it) reaps them */
	if (host_of(r, host)->program)
		programs_stop(r, host);
	else
		peer_abandon(&ep->peer);
}

int endpoint_signal(struct run *r, int host, int sig, struct diag *d)
{
	struct endpoint *ep = &r->ep[host];
	const char *name = host_of(r, host)->name;

	if (!endpoint_running(r, host) ||
	    (host_of(r, host)->program && programs_signal(r, host, sig))) {
		diag_add(d, "%s has no endpoint process running", name);
		return -ESRCH;
	}
	if (host_of(r, host)->program)
		return 0;
	if (kill(ep->peer.pid, sig)) {
		int e = errno;

		diag_add(d, "signal %d to the endpoint of %s (pid %d): %s", sig, name,
			 (int)ep->peer.pid, strerror(e));
		return -e;
	}
	return 0;
}

/* ---- getting every connection up ---- */

/* Whether host @host's endpoint can be connected to (or has started, for
 * one that connects): its programs all started, each ready in turn. */
static bool ready(struct run *r, int host, int *err)
{
	bool all;

	if (!host_of(r, host)->program)
		return host_of(r, host)->peer.role != PEER_LISTEN || r->ep[host].listening;
	*err = programs_advance(r, host, &all);
	return all;
}

/* Whether host @host's connection is up, as far as it can tell. */
long endpoint_needed(const struct run *r, int host)
{
	const struct host *h = host_of(r, host);
	long n = 0;

	if (h->peer.role == PEER_CONNECT)
		return h->peer.connections > 0 ? h->peer.connections : 1;
	/* a listener: every built-in peer's connections to it. A program's
	 * are its own business: of a pair, the one other host connects to
	 * it (one will do); in a system, a backend a proxy program may or
	 * may not reach is up once it listens */
	for (size_t i = 0; i < r->sc->nhosts; i++) {
		const struct host *o = &r->sc->hosts[i];

		if (!o->program && o->peer.role == PEER_CONNECT && o->peer.target == host)
			n += o->peer.connections;
	}
	return n > 0 || r->sc->nhosts > 2 ? n : 1;
}

static bool connected(const struct run *r, int host)
{
	const struct host *h = host_of(r, host);
	const struct endpoint *ep = &r->ep[host];

	if (!h->program)
		return endpoint_needed(r, host) ? ep->connected + ep->accepted >= endpoint_needed(r, host)
						 : ep->listening;
	return sampler_has(&r->sampler, host, TCP_ESTABLISHED,
			   h->peer.role == PEER_LISTEN ? h->peer.port : 0);
}

/* Why @host's endpoint failed, if it did: a peer's setup error (already
 * reported), or a program that ended. */
static bool failed(struct run *r, int host, const char *before)
{
	if (!host_of(r, host)->program)
		return r->ep[host].failed;
	return programs_failed(r, host, before);
}

static int timed_out(struct run *r, int host, const char *what)
{
	if (!host_of(r, host)->program) {
		diag_add(r->d, "%s: %s", r->sc->path, what);
		return -ETIMEDOUT;
	}
	return programs_timed_out(r, host, what);
}

/* Wait until every host of @role is ready (or, @up, connected). A host's
 * programs start one after another: each has its own ready timeout. */
static int wait_for(struct run *r, enum peer_role role, bool up)
{
	const int64_t base = clock_mono_ns() + (up ? CONNECT_TIMEOUT_NS : LISTEN_TIMEOUT_NS);
	int err = 0;

	for (;;) {
		int64_t deadline = base;
		bool all = true;
		int late = -1;

		for (size_t i = 0; i < r->sc->nhosts; i++) {
			int h = (int)i;

			if (failed(r, h, up ? "before its connection was up" : "before it was ready"))
				return -EIO;
			if (host_of(r, h)->peer.role != role && !up)
				continue;
			if (!(up ? connected(r, h) : ready(r, h, &err))) {
				all = false;
				late = h;
			}
			if (err)
				return err;
			if (!up && host_of(r, h)->program && programs_ready_deadline(r, h) > deadline)
				deadline = programs_ready_deadline(r, h);
		}
		if (all)
			return 0;
		if (clock_mono_ns() >= deadline) {
			const struct program *p = programs_waiting(r, late);
			char what[128];

			if (!host_of(r, late)->program)
				snprintf(what, sizeof(what), up ? "the connections were not established within %lld s" :
					 "a listener did not start within %lld s",
					 (long long)((up ? CONNECT_TIMEOUT_NS : LISTEN_TIMEOUT_NS) / NS_PER_S));
			else if (up)
				snprintf(what, sizeof(what), "had no connection up within %lld s",
					 (long long)(CONNECT_TIMEOUT_NS / NS_PER_S));
			else if (p->ready == READY_LISTEN)
				snprintf(what, sizeof(what), "was not ready: no listener on port %u", p->listen);
			else if (p->ready == READY_LOG)
				snprintf(what, sizeof(what), "was not ready: no line matched /%.60s/", p->ready_log);
			else
				snprintf(what, sizeof(what), "was not ready in time");
			return timed_out(r, late, what);
		}
		if ((err = run_wait(r, deadline)))
			return err;
	}
}

int endpoint_listen(struct run *r)
{
	int err;

	for (size_t i = 0; i < r->sc->nhosts; i++)
		if (host_of(r, (int)i)->peer.role == PEER_LISTEN && (err = endpoint_start(r, (int)i)))
			return err;
	return wait_for(r, PEER_LISTEN, false);
}

int endpoint_connect(struct run *r)
{
	int err;

	for (size_t i = 0; i < r->sc->nhosts; i++)
		if (host_of(r, (int)i)->peer.role == PEER_CONNECT && (err = endpoint_start(r, (int)i)))
			return err;
	return 0;
}

int endpoint_establish(struct run *r)
{
	int err;

	if ((err = endpoint_listen(r)) || (err = endpoint_connect(r)) ||
	    (err = wait_for(r, PEER_CONNECT, false)))
		return err;
	return wait_for(r, PEER_LISTEN, true);
}

bool endpoint_all_up(const struct run *r)
{
	for (size_t i = 0; i < r->sc->nhosts; i++)
		if (!connected(r, (int)i))
			return false;
	return true;
}
