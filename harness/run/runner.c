#include "harness/run/runner.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "captures/capture.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/errname.h"
#include "harness/model/fault.h"
#include "harness/run/events.h"
#include "harness/run/peer.h"
#include "harness/run/rundir.h"
#include "harness/run/schedule.h"
#include "harness/run/sysctl.h"
#include "netns/topo.h"

volatile sig_atomic_t runner_stop;

/* Bounds on setting up: a listener is up in ms; a connect on an idle
 * virtual LAN in well under a second (it would take 1 s per lost SYN). */
#define LISTEN_TIMEOUT_NS (5 * NS_PER_S)
#define CONNECT_TIMEOUT_NS (10 * NS_PER_S)

struct run {
	const struct scenario *sc;
	struct diag *d;
	FILE *events;
	struct topo *topo;
	struct capture *caps[SCENARIO_MAX_HOSTS];
	char *cap_paths[SCENARIO_MAX_HOSTS];
	struct peer peers[SCENARIO_MAX_HOSTS];
	/* what each peer has reported so far */
	struct {
		bool listening, connected, accepted, failed;
	} seen[SCENARIO_MAX_HOSTS];
	int64_t t0;		/* every connection established: steps count from here */
	struct fault_ctx faults;
};

static int record(struct run *r, struct event *e)
{
	if (!e->t_ns)
		e->t_ns = clock_wall_ns();
	/* flushed line by line: the file can be followed while the run goes
	 * on, and a killed run leaves what it had */
	if (events_write(r->events, r->sc, e) || fflush(r->events)) {
		diag_add(r->d, "cannot write %s: %s", RUNDIR_EVENTS, strerror(errno));
		return -EIO;
	}
	return 0;
}

static int record_simple(struct run *r, enum event_type type)
{
	struct event e = { .type = type, .host = HOST_NONE, .target = HOST_NONE };

	return record(r, &e);
}

static int open_events(struct run *r, const char *dir)
{
	char *path;

	if (asprintf(&path, "%s/%s", dir, RUNDIR_EVENTS) < 0)
		return -ENOMEM;
	r->events = fopen(path, "w");
	if (!r->events)
		diag_add(r->d, "cannot write %s: %s", path, strerror(errno));
	free(path);
	return r->events ? 0 : -EIO;
}

static int start_captures(struct run *r, const char *dir)
{
	for (size_t i = 0; i < r->sc->nhosts; i++) {
		const char *name = r->sc->hosts[i].name;
		struct event e = { .type = EV_HOST, .host = (int)i, .target = HOST_NONE };
		char *path;
		int err;

		snprintf(e.capture, sizeof(e.capture), "%s/%s.pcap", RUNDIR_CAPTURES, name);
		topo_host_addr_str(r->topo, (int)i, e.addr, sizeof(e.addr));
		if (!topo_host_alias_str(r->topo, (int)i, e.alias, sizeof(e.alias)))
			e.alias[0] = '\0';
		if (asprintf(&path, "%s/%s", dir, e.capture) < 0)
			return -ENOMEM;
		r->cap_paths[i] = path;
		err = capture_start(&(struct capture_point){ topo_host_ns(r->topo, (int)i),
							     TOPO_HOST_IFNAME, name },
				    path, &r->caps[i], r->d);
		if (err || (err = record(r, &e)))
			return err;
	}
	return 0;
}

static int drain_captures(struct run *r)
{
	for (size_t i = 0; i < r->sc->nhosts; i++)
		if (r->caps[i] && capture_drain(r->caps[i], r->d) < 0)
			return -EIO;
	return 0;
}

/* Take in every event the peers have written. */
static int collect(struct run *r)
{
	for (size_t i = 0; i < r->sc->nhosts; i++) {
		struct peer *p = &r->peers[i];
		struct event e;
		int n, err;

		while (p->pid > 0 && (n = peer_read_event(p, &e)) == 1) {
			e.host = (int)i;
			e.target = HOST_NONE;
			if ((err = record(r, &e)))
				return err;
			if (e.type == EV_LISTENING)
				r->seen[i].listening = true;
			else if (e.type == EV_CONNECTED)
				r->seen[i].connected = true;
			else if (e.type == EV_ACCEPTED)
				r->seen[i].accepted = true;
			else if (e.type == EV_SETUP_FAILED) {
				r->seen[i].failed = true;
				diag_at(r->d, r->sc->hosts[i].at, "%s: %s failed: %s (%s)",
					r->sc->hosts[i].name, e.call,
					errname_str(e.err) ? errname_str(e.err) : "error",
					strerror(e.err));
			}
		}
	}
	return 0;
}

/* Sleep until @until (monotonic ns) or something to read, then take in
 * what came: peer events and packets. */
static int wait_and_collect(struct run *r, int64_t until)
{
	struct pollfd p[2 * SCENARIO_MAX_HOSTS];
	int64_t left = until - clock_mono_ns();
	struct timespec ts = { 0, 0 };
	nfds_t n = 0;
	int err;

	if (left > 0) {
		ts.tv_sec = left / NS_PER_S;
		ts.tv_nsec = left % NS_PER_S;
	}
	for (size_t i = 0; i < r->sc->nhosts; i++) {
		if (r->peers[i].pid > 0)
			p[n++] = (struct pollfd){ .fd = r->peers[i].events, .events = POLLIN };
		if (r->caps[i])
			p[n++] = (struct pollfd){ .fd = capture_fd(r->caps[i]), .events = POLLIN };
	}
	if (ppoll(p, n, &ts, NULL) < 0 && errno != EINTR) {
		diag_add(r->d, "poll: %s", strerror(errno));
		return -errno;
	}
	if ((err = collect(r)) || (err = drain_captures(r)))
		return err;
	return runner_stop ? -EINTR : 0;
}

/* The fault table's way to reach a host's endpoint process. */
static int signal_peer(void *arg, int host, int sig, struct diag *d)
{
	struct run *r = arg;
	struct peer *p = &r->peers[host];

	if (p->pid <= 0) {
		diag_add(d, "%s has no endpoint process running", r->sc->hosts[host].name);
		return -ESRCH;
	}
	if (sig == SIGKILL) {
		collect(r);	/* what it said before it died is evidence */
		peer_stop(p);
		return 0;
	}
	if (kill(p->pid, sig)) {
		diag_add(d, "signal %d to the endpoint of %s (pid %d): %s", sig,
			 r->sc->hosts[host].name, (int)p->pid, strerror(errno));
		return -errno;
	}
	return 0;
}

static int start_peer(struct run *r, int host);

/* Power a host off: its capture ends (what it saw so far is kept), its
 * cable is cut, and only then its endpoint dies, so nothing of that death
 * leaves it. Power on: a new namespace, its sysctls, its capture resumed
 * into the same file; no endpoint until a restart. */
static int power(void *arg, int host, bool on, struct diag *d)
{
	struct run *r = arg;
	int err;

	if (!on) {
		collect(r);
		err = capture_stop(r->caps[host], d);
		r->caps[host] = NULL;
		if (!err)
			err = topo_host_power_off(r->topo, host, d);
		peer_stop(&r->peers[host]);
		return err;
	}
	if ((err = topo_host_power_on(r->topo, host, d)) ||
	    (err = sysctl_apply(&r->sc->hosts[host], topo_host_ns(r->topo, host), d)))
		return err;
	return capture_resume(&(struct capture_point){ topo_host_ns(r->topo, host),
						       TOPO_HOST_IFNAME, r->sc->hosts[host].name },
			      r->cap_paths[host], &r->caps[host], d);
}

/* The fault table's way to start a host's endpoint again. */
static int restart_peer(void *arg, int host, struct diag *d)
{
	struct run *r = arg;
	struct event e = { .type = EV_RESTARTED, .host = host, .target = HOST_NONE };
	int err;

	if (!topo_host_powered(r->topo, host)) {
		diag_add(d, "%s is powered off (power it on first)", r->sc->hosts[host].name);
		return -ENODEV;
	}
	if (r->peers[host].pid > 0) {
		collect(r);
		peer_stop(&r->peers[host]);
	}
	err = start_peer(r, host);
	return err ? err : record(r, &e);
}

static int start_peer(struct run *r, int host)
{
	const struct host *h = &r->sc->hosts[host];
	struct peer_spec spec = { .host = host, .config = h->peer };

	topo_host_sockaddr(r->topo, host, h->peer.role == PEER_LISTEN ? h->peer.port : 0,
			   &spec.local, &spec.local_len);
	if (h->peer.role == PEER_CONNECT)
		topo_host_sockaddr(r->topo, h->peer.target, h->peer.port,
				   &spec.remote, &spec.remote_len);
	return peer_start(&spec, topo_host_ns(r->topo, host), &r->peers[host], r->d);
}

static bool all_seen(struct run *r, enum peer_role role, bool *failed)
{
	bool all = true;

	for (size_t i = 0; i < r->sc->nhosts; i++) {
		const struct host *h = &r->sc->hosts[i];

		*failed |= r->seen[i].failed;
		if (h->peer.role != role)
			continue;
		if (role == PEER_LISTEN)
			all &= r->seen[i].listening && r->seen[i].accepted;
		else
			all &= r->seen[i].connected;
	}
	return all;
}

/* Listeners first, then connectors; done when every connection is
 * established on both ends. */
static int establish(struct run *r)
{
	int64_t deadline;
	bool failed = false;
	int err;

	for (size_t i = 0; i < r->sc->nhosts; i++)
		if (r->sc->hosts[i].peer.role == PEER_LISTEN && (err = start_peer(r, (int)i)))
			return err;
	deadline = clock_mono_ns() + LISTEN_TIMEOUT_NS;
	for (;;) {
		bool up = true;

		for (size_t i = 0; i < r->sc->nhosts; i++)
			if (r->sc->hosts[i].peer.role == PEER_LISTEN)
				up &= r->seen[i].listening;
		if (up)
			break;
		if ((err = wait_and_collect(r, deadline)))
			return err;
		all_seen(r, PEER_LISTEN, &failed);
		if (failed)
			return -EIO;
		if (clock_mono_ns() >= deadline) {
			diag_add(r->d, "%s: a listener did not start within %lld s", r->sc->path,
				 (long long)(LISTEN_TIMEOUT_NS / NS_PER_S));
			return -ETIMEDOUT;
		}
	}
	for (size_t i = 0; i < r->sc->nhosts; i++)
		if (r->sc->hosts[i].peer.role == PEER_CONNECT && (err = start_peer(r, (int)i)))
			return err;
	deadline = clock_mono_ns() + CONNECT_TIMEOUT_NS;
	while (!(all_seen(r, PEER_CONNECT, &failed) && all_seen(r, PEER_LISTEN, &failed))) {
		if (failed)
			return -EIO;
		if (clock_mono_ns() >= deadline) {
			diag_add(r->d, "%s: the connections were not established within %lld s",
				 r->sc->path, (long long)(CONNECT_TIMEOUT_NS / NS_PER_S));
			return -ETIMEDOUT;
		}
		if ((err = wait_and_collect(r, deadline)))
			return err;
	}
	r->t0 = clock_mono_ns();
	return record_simple(r, EV_ESTABLISHED);
}

static int do_step(struct run *r, const struct step *st, bool revert,
		   struct diag *why)
{
	if (revert)
		return st->fault->ops->revert(st->fault, &r->faults, why);
	if (st->fault)
		return st->fault->ops->apply(st->fault, &r->faults, why);
	if (r->peers[st->action.host].pid <= 0) {
		diag_add(why, "%s has no endpoint process running",
			 r->sc->hosts[st->action.host].name);
		return -ESRCH;
	}
	return peer_act(&r->peers[st->action.host], &st->action);
}

static int apply(struct run *r, const struct occurrence *o)
{
	const struct step *st = &r->sc->steps[o->step];
	struct event e = { .type = o->revert ? EV_REVERTED : EV_STEP, .host = HOST_NONE,
			   .step = (int)o->step, .line = st->at_pos.line,
			   .occurrence = st->times > 1 ? (int)o->k + 1 : 0 };
	struct diag why;
	int err;

	snprintf(e.what, sizeof(e.what), "%s", step_what(st));
	e.target = st->fault ? st->fault->host : st->action.host;
	if (!st->fault)
		e.bytes = st->action.bytes;
	/* stamped before the change: latencies count from the moment the
	 * fault was asked for */
	e.t_ns = clock_wall_ns();
	diag_init(&why, NULL);
	err = do_step(r, st, o->revert, &why);
	if (err)
		diag_at(r->d, st->fault ? st->fault->at : st->at_pos, "%s%s %s: %s",
			o->revert ? "undoing " : "", e.what,
			e.target != HOST_NONE ? r->sc->hosts[e.target].name : "the network",
			why.count ? diag_last(&why) : strerror(-err));
	diag_clear(&why);
	if (!err)
		err = record(r, &e);
	return err;
}

static int timeline(struct run *r)
{
	int64_t end = r->t0 + scenario_horizon_ns(r->sc) + RUNNER_GRACE_NS;
	struct occurrence *v = NULL;
	size_t n = 0, next = 0;
	int err = schedule_build(r->sc, &v, &n);

	while (!err) {
		int64_t now = clock_mono_ns();

		while (next < n && r->t0 + v[next].at_ns <= now)
			if ((err = apply(r, &v[next++])))
				break;
		if (err || now >= end)
			break;
		err = wait_and_collect(r, next < n ? r->t0 + v[next].at_ns : end);
	}
	free(v);
	return err;
}

/* Undo everything, newest first: captures stop before the peers die, so
 * the FIN or RST of their death is not mistaken for the scenario's. */
static int teardown(struct run *r)
{
	int ret = 0;

	if (r->events)
		collect(r);
	for (size_t i = 0; i < r->sc->nhosts; i++) {
		if (capture_stop(r->caps[i], r->d))
			ret = -EIO;
		r->caps[i] = NULL;
	}
	if (r->events) {
		record_simple(r, EV_RUN_END);
		if (fclose(r->events))
			ret = -EIO;
		r->events = NULL;
	}
	for (size_t i = 0; i < r->sc->nhosts; i++) {
		peer_stop(&r->peers[i]);
		free(r->cap_paths[i]);
		r->cap_paths[i] = NULL;
	}
	topo_free(r->topo);
	r->topo = NULL;
	return ret;
}

/* The scenario's network, as netns/ takes it. */
static struct topo_config topo_config_of(const struct net_config *net)
{
	static const enum topo_untracked untracked[] = {
		[UNTRACKED_PICKUP] = TOPO_UNTRACKED_PICKUP,
		[UNTRACKED_DROP] = TOPO_UNTRACKED_DROP,
		[UNTRACKED_RESET] = TOPO_UNTRACKED_RESET,
	};

	return (struct topo_config){
		.kind = net->kind == NET_ROUTED ? TOPO_ROUTED : TOPO_SWITCHED,
		.family = net->family,
		.nat = net->nat,
		.conntrack_timeout_ns = net->conntrack_timeout_ns,
		.untracked = untracked[net->untracked],
	};
}

int runner_run(const struct scenario *sc, const char *dir, struct diag *d)
{
	struct run r = { .sc = sc, .d = d };
	int err, down;

	for (size_t i = 0; i < SCENARIO_MAX_HOSTS; i++)
		r.peers[i] = (struct peer){ .pid = -1, .events = -1, .cmds = -1 };
	err = open_events(&r, dir);
	if (!err)
		err = record_simple(&r, EV_RUN_START);
	if (!err) {
		const struct topo_config net = topo_config_of(&sc->net);
		const char *names[SCENARIO_MAX_HOSTS];

		for (size_t i = 0; i < sc->nhosts; i++)
			names[i] = sc->hosts[i].name;
		err = topo_create(names, sc->nhosts, &net, sc->path, &r.topo, d);
	}
	r.faults = (struct fault_ctx){ .topo = r.topo, .signal_peer = signal_peer,
				       .restart_peer = restart_peer, .power = power,
				       .arg = &r };
	for (size_t i = 0; i < sc->nhosts && !err; i++)
		err = sysctl_apply(&sc->hosts[i], topo_host_ns(r.topo, (int)i), d);
	if (!err)
		err = record_simple(&r, EV_TOPOLOGY_READY);
	if (!err)
		err = start_captures(&r, dir);
	if (!err)
		err = establish(&r);
	if (!err)
		err = timeline(&r);
	down = teardown(&r);
	return err ? err : down;
}
