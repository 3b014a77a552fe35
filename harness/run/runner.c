#include "harness/run/runner.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "captures/capture.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/kversion.h"
#include "common/rt.h"
#include "common/schedstat.h"
#include "harness/run/rundir.h"
#include "harness/run/run_internal.h"
#include "harness/run/schedule.h"
#include "harness/run/sysctl.h"
#include "netns/topo.h"

volatile sig_atomic_t runner_stop;

/* Sample the sockets at @at (monotonic ns) too. */
static void sample_at(struct run *r, int64_t at)
{
	size_t i = r->ninstants;

	if (r->ninstants == RUN_MAX_INSTANTS)
		return;
	while (i > 0 && r->instants[i - 1] > at) {
		r->instants[i] = r->instants[i - 1];
		i--;
	}
	r->instants[i] = at;
	r->ninstants++;
}

/* Step @e took effect: a sockets expectation that may count from it asks
 * what the table held at, by or all through a time after it. Sample then,
 * not only on the periodic grid: once just before that moment (a change
 * seen then came before it) and once just after (one not seen yet came
 * after it). */
static void plan_samples(struct run *r, const struct event *e)
{
	const struct step *st = &r->sc->steps[e->step];
	int64_t effect = clock_mono_ns() - (clock_wall_ns() - e->t_ns);

	for (size_t i = 0; i < r->sc->nexpects; i++) {
		const struct expect *x = &r->sc->expects[i];

		if (strcmp(x->ops->name, "sockets") || x->when == SOCKETS_NEVER_ABOVE ||
		    (x->since != e->step && (x->since >= 0 || !step_breaks(st))))
			continue;
		sample_at(r, effect + x->when_ns - 2 * r->sample_cost_ns - NS_PER_MS);
		sample_at(r, effect + x->when_ns);
	}
}

int run_record(struct run *r, struct event *e)
{
	if (!e->t_ns)
		e->t_ns = clock_wall_ns();
	if (e->type == EV_STEP && e->step >= 0 && (size_t)e->step < r->sc->nsteps) {
		plan_samples(r, e);
		if (step_breaks(&r->sc->steps[e->step]))
			programs_mark_reference(r);
	}
	/* flushed line by line: the file can be followed while the run goes
	 * on, and a killed run leaves what it had */
	watch_event(&r->watch, e);
	if (events_write(r->events, r->sc, e) || fflush(r->events)) {
		diag_add(r->d, "cannot write %s: %s", RUNDIR_EVENTS, strerror(errno));
		return -EIO;
	}
	return 0;
}

int run_record_host(struct run *r, enum event_type type, int host)
{
	struct event e = { .type = type, .host = host, .target = HOST_NONE };

	return run_record(r, &e);
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

/* One host's capture being started, on a thread of its own. */
struct starting {
	struct capture_point at;
	const char *path;
	struct capture *cap;
	struct diag d;
	int err;
};

static void *start_one(void *arg)
{
	struct starting *s = arg;

	s->err = capture_start(&s->at, s->path, &s->cap, &s->d);
	return NULL;
}

/* Every host's capture, started at once: the kernel sets up each one's
 * packet ring behind an RCU grace period (milliseconds), so they wait in
 * parallel rather than one after the other. setns() is per thread. */
static int start_captures(struct run *r, const char *dir)
{
	struct starting s[SCENARIO_MAX_HOSTS];
	pthread_t tid[SCENARIO_MAX_HOSTS];
	bool started[SCENARIO_MAX_HOSTS] = { false };
	int ret = 0;

	for (size_t i = 0; i < r->sc->nhosts; i++) {
		char *path;

		if (asprintf(&path, "%s/%s/%s.pcap", dir, RUNDIR_CAPTURES, r->sc->hosts[i].name) < 0)
			return -ENOMEM;
		r->cap_paths[i] = path;
		s[i] = (struct starting){ .at = { topo_host_ns(r->topo, (int)i), TOPO_HOST_IFNAME,
						  r->sc->hosts[i].name, r->sc->capture_payload },
					  .path = path };
		diag_init(&s[i].d, NULL);
		started[i] = !pthread_create(&tid[i], NULL, start_one, &s[i]);
		if (!started[i])
			start_one(&s[i]);
	}
	for (size_t i = 0; i < r->sc->nhosts; i++) {
		struct event e = { .type = EV_HOST, .host = (int)i, .target = HOST_NONE };

		if (started[i])
			pthread_join(tid[i], NULL);
		r->caps[i] = s[i].cap;
		for (size_t k = 0; k < s[i].d.count; k++)
			diag_add(r->d, "%s", s[i].d.msgs[k]);
		diag_clear(&s[i].d);
		ret = err_merge(ret, s[i].err);
		snprintf(e.capture, sizeof(e.capture), "%s/%s.pcap", RUNDIR_CAPTURES,
			 r->sc->hosts[i].name);
		topo_host_addr_str(r->topo, (int)i, e.addr, sizeof(e.addr));
		if (!topo_host_alias_str(r->topo, (int)i, e.alias, sizeof(e.alias)))
			e.alias[0] = '\0';
		if (!s[i].err)
			ret = err_merge(ret, run_record(r, &e));
	}
	return ret;
}

/* End host @host's capture and record what it received and dropped. */
static int stop_capture(struct run *r, int host, struct diag *d)
{
	struct event e = { .type = EV_CAPTURE, .host = host, .target = HOST_NONE };
	struct capture_stats st;
	int err;

	if (!r->caps[host])
		return 0;
	err = capture_stop(r->caps[host], &st, d);
	r->caps[host] = NULL;
	e.received = st.received;
	e.dropped = st.dropped;
	e.ifdropped = st.ifdropped;
	return err_merge(err, r->events ? run_record(r, &e) : 0);
}

/* A change in a host's socket table, as an event: it came after the
 * sample before began, and before now. */
static int record_socket(void *arg, int host, const struct sock_sample *s, bool gone)
{
	struct run *r = arg;
	struct event e = { .type = gone ? EV_SOCKET_GONE : EV_SOCKET, .host = host,
			   .target = HOST_NONE, .after_ns = r->sampled[host] };
	struct event_sock *k = &e.sock;

	k->state = s->state;
	inet_ntop(s->family, s->src, k->local, sizeof(k->local));
	inet_ntop(s->family, s->dst, k->remote, sizeof(k->remote));
	k->lport = s->sport;
	k->rport = s->dport;
	k->inode = s->inode;
	k->retransmits = s->retransmits;
	k->probes = s->probes;
	k->backoff = s->backoff;
	k->rto_us = s->rto_us;
	k->unacked = s->unacked;
	return run_record(arg, &e);
}

static int sample(struct run *r)
{
	int64_t start = clock_mono_ns(), wall = clock_wall_ns(), took;
	int err;

	r->next_sample = start + r->sc->sample_every_ns;
	err = sampler_sample(&r->sampler, record_socket, r, r->d);
	/* the next changes came after this sample began */
	for (size_t i = 0; i < r->sc->nhosts; i++)
		r->sampled[i] = wall;
	/* what a sample costs: the worst lately, forgotten slowly */
	took = clock_mono_ns() - start;
	r->sample_cost_ns = took > r->sample_cost_ns ? took :
			    r->sample_cost_ns - (r->sample_cost_ns - took) / 8;
	return err;
}

int run_wait(struct run *r, int64_t until)
{
	struct pollfd p[ENDPOINT_MAX_FDS * SCENARIO_MAX_HOSTS];
	/* a sample that would still be running when @until comes (a step
	 * is due) waits until after it: a step is never late for a sample.
	 * Under emulation a sample takes milliseconds. */
	bool defer = r->next_sample < until && until - r->next_sample < 2 * r->sample_cost_ns;
	int64_t now = clock_mono_ns(), wake = defer || until < r->next_sample ? until : r->next_sample;

	/* a sample at an instant an expectation asks about is never put off */
	if (r->ninstants && r->instants[0] < wake)
		wake = r->instants[0];
	struct timespec ts = { 0, 0 };
	int64_t delay;
	nfds_t n = 0;
	int err = 0;

	if (wake > now) {
		ts.tv_sec = (wake - now) / NS_PER_S;
		ts.tv_nsec = (wake - now) % NS_PER_S;
	}
	for (size_t i = 0; i < r->sc->nhosts; i++)
		n += endpoint_fds(r, (int)i, p + n);
	delay = schedstat_run_delay(r->schedstat);
	if (ppoll(p, n, &ts, NULL) < 0 && errno != EINTR) {
		err = errno;
		diag_add(r->d, "poll: %s", strerror(err));
		return -err;
	}
	/* woken, it may have waited to run: what it reads now may have come
	 * that much earlier */
	r->read_lag_ns = schedstat_run_delay(r->schedstat) - delay;
	for (size_t i = 0; i < r->sc->nhosts && !err; i++)
		err = endpoint_collect(r, (int)i);
	r->read_lag_ns = 0;
	if (err)
		return err;
	now = clock_mono_ns();
	if (r->ninstants && now >= r->instants[0]) {
		size_t k = 0;

		while (k < r->ninstants && r->instants[k] <= now)
			k++;
		memmove(r->instants, r->instants + k, (r->ninstants - k) * sizeof(*r->instants));
		r->ninstants -= k;
		if ((err = sample(r)))
			return err;
	} else if (now >= r->next_sample && !defer && (err = sample(r))) {
		return err;
	}
	return runner_stop ? -EINTR : 0;
}

/* The fault table's way to reach a host's endpoint: a crash kills it,
 * freeze and thaw stop and continue it. */
static int signal_endpoint(void *arg, int host, int sig, struct diag *d)
{
	struct run *r = arg;

	int err;

	/* a stop or a continue acts as it is sent (a thawed peer reads at
	 * once): that is when the fault took effect */
	r->faults.effective_ns = clock_wall_ns();
	if (sig != SIGKILL)
		return endpoint_signal(r, host, sig, d);
	if (!endpoint_running(r, host)) {
		diag_add(d, "%s has no endpoint process running", r->sc->hosts[host].name);
		return -ESRCH;
	}
	/* a kill takes effect when the process dies, its files closed — which
	 * on a busy machine comes tens of ms after the signal (the process
	 * must run to die). It is reaped here: the step took effect somewhere
	 * between the signal and now */
	err = endpoint_kill(r, host);
	r->faults.effective_ns = clock_wall_ns();
	return err;
}

/* Power a host off: its port goes down, its capture ends (what it saw so
 * far is kept), its cable is cut, and only then its endpoint dies, so
 * nothing of that death leaves it. Power on: a new namespace, its sysctls, its capture resumed
 * into the same file; no endpoint until a restart. */
static int power(void *arg, int host, bool on, bool new_mac, struct diag *d)
{
	struct run *r = arg;
	int err;

	if (!on) {
		/* its port goes down first, in one netlink request: from then
		 * on nothing it sends reaches the network, so that is when it
		 * was powered off (stopping its capture takes tens of ms) */
		if ((err = topo_port_set_up(r->topo, host, false, d)))
			return err;
		r->faults.effective_ns = clock_wall_ns();
		endpoint_collect(r, host);
		err = stop_capture(r, host, d);
		err = err_merge(err, sampler_close(&r->sampler, host, record_socket, r));
		if (!err)
			err = topo_host_power_off(r->topo, host, d);
		/* gone from the network: its endpoint's death after is unseen */
		endpoint_kill(r, host);
		return err;
	}
	/* a new namespace is heavy kernel work: not at real-time priority,
	 * where it would starve the kernel workers it waits for */
	rt_leave();
	err = topo_host_power_on(r->topo, host, new_mac, d);
	rt_enter();
	if (err ||
	    (err = sysctl_apply(&r->sc->hosts[host], topo_host_ns(r->topo, host), d)) ||
	    (err = sampler_open(&r->sampler, host, topo_host_ns(r->topo, host),
				r->sc->hosts[host].name, d)))
		return err;
	return capture_resume(&(struct capture_point){ topo_host_ns(r->topo, host),
						       TOPO_HOST_IFNAME, r->sc->hosts[host].name,
						       r->sc->capture_payload },
			      r->cap_paths[host], &r->caps[host], d);
}

/* The fault table's way to start a host's endpoint again. */
static int restart_endpoint(void *arg, int host, struct diag *d)
{
	struct run *r = arg;
	int err;

	if (!topo_host_powered(r->topo, host)) {
		diag_add(d, "%s is powered off (power it on first)", r->sc->hosts[host].name);
		return -ENODEV;
	}
	if (endpoint_running(r, host))
		endpoint_kill(r, host);
	err = endpoint_start(r, host);
	return err ? err : run_record_host(r, EV_RESTARTED, host);
}

/* The event of step @step, as it is recorded. */
static struct event step_event(const struct run *r, size_t step, int occurrence, bool revert)
{
	const struct step *st = &r->sc->steps[step];
	struct event e = { .type = revert ? EV_REVERTED : EV_STEP, .host = HOST_NONE,
			   .step = (int)step, .line = st->at_pos.line, .occurrence = occurrence };

	snprintf(e.what, sizeof(e.what), "%s", step_what(st));
	e.target = st->fault ? st->fault->host : st->action.host;
	if (!st->fault)
		e.bytes = st->action.bytes;
	return e;
}

/* How long after its time step event @e took effect. */
static void note_slip(struct run *r, const struct event *e)
{
	int64_t slip = e->late_ns + (e->requested_ns ? e->t_ns - e->requested_ns : 0);

	if (slip > r->slip_ns)
		r->slip_ns = slip;
}

int run_record_action_step(struct run *r, const struct event *action)
{
	struct event e;

	if (action->step < 0 || (size_t)action->step >= r->sc->nsteps || r->sc->steps[action->step].fault ||
	    r->asked[action->step].recorded)
		return 0;
	r->asked[action->step].recorded = true;
	e = step_event(r, (size_t)action->step, action->occurrence, false);
	e.t_ns = action->t_ns;
	e.requested_ns = r->asked[action->step].requested_ns;
	e.late_ns = r->asked[action->step].late_ns;
	note_slip(r, &e);
	return run_record(r, &e);
}

/* An action: ask the peer. Its step is recorded when the peer says it made
 * the call (run_record_action_step()), stamped with that moment. */
static int ask(struct run *r, const struct occurrence *o, int occurrence, int64_t late,
	       struct diag *why)
{
	const struct step *st = &r->sc->steps[o->step];

	if (!endpoint_running(r, st->action.host)) {
		diag_add(why, "%s has no endpoint process running",
			 r->sc->hosts[st->action.host].name);
		return -ESRCH;
	}
	r->asked[o->step] = (struct asked){ clock_wall_ns(), late, false };
	r->acting[st->action.host] = true;
	return peer_act(&r->ep[st->action.host].peer, &st->action, (int)o->step, occurrence);
}

/* Apply one occurrence of a step. A fault's step is stamped when it took
 * effect (when the kernel acknowledged it, or the signal was sent), with
 * when it was asked for and how late that was: latencies count from
 * what happened, never from a request. */
static int apply(struct run *r, const struct occurrence *o)
{
	const struct step *st = &r->sc->steps[o->step];
	int occurrence = st->times > 1 ? (int)o->k + 1 : 0;
	struct event e = step_event(r, o->step, occurrence, o->revert);
	int64_t late = clock_mono_ns() - (r->t0 + o->at_ns) + r->t0_lag_ns;
	struct diag why;
	int err;

	diag_init(&why, NULL);
	if (!st->fault) {
		err = ask(r, o, occurrence, late, &why);
	} else {
		e.requested_ns = clock_wall_ns();
		e.late_ns = late;
		r->faults.effective_ns = 0;
		err = o->revert ? st->fault->ops->revert(st->fault, &r->faults, &why) :
				  st->fault->ops->apply(st->fault, &r->faults, &why);
		e.t_ns = r->faults.effective_ns ? r->faults.effective_ns : clock_wall_ns();
		note_slip(r, &e);
		if (!err)
			err = run_record(r, &e);
	}
	if (err)
		diag_at(r->d, st->fault ? st->fault->at : st->at_pos, "%s%s %s: %s",
			o->revert ? "undoing " : "", e.what,
			e.target != HOST_NONE ? r->sc->hosts[e.target].name : "the network",
			why.count ? diag_last(&why) : strerror(-err));
	diag_clear(&why);
	return err;
}

/* Whether a peer was asked for an action whose call has not begun, that
 * occurrence @o must wait for: steps of different hosts take effect in
 * their order however slow a peer is to run. A host's own actions keep
 * their order by themselves (its peer takes its commands one by one). */
static bool acting(const struct run *r, const struct occurrence *o)
{
	const struct step *st = &r->sc->steps[o->step];

	for (size_t i = 0; i < r->sc->nhosts; i++)
		if (r->acting[i] && endpoint_running(r, (int)i) &&
		    (st->fault || (int)i != st->action.host))
			return true;
	return false;
}

/* How long a later step waits for an earlier action to begin, at most:
 * past it, it goes on (late, and recorded as such). */
#define ACTING_WAIT_NS (2 * NS_PER_S)

/* Every connection is up. Steps count from the moment the first end came
 * up as its peer saw it, not from when the runner noticed: under load or
 * emulation that is tens of ms later, and every step would then land
 * late against the connection's own timers (keepalive idle, heartbeats,
 * traffic), which start at the handshake. A user's program says nothing:
 * for it, the moment its connection was seen. */
static int mark_established(struct run *r)
{
	int64_t now = clock_mono_ns(), wall = clock_wall_ns(), up = 0;
	struct event e = { .type = EV_ESTABLISHED, .host = HOST_NONE, .target = HOST_NONE };

	/* one connection: the earliest of the peers' words — both ends come
	 * up within a round trip, and a peer late to say so (under load,
	 * tens of ms) would put every step late against the other's timers.
	 * Several: the latest of the connecting peers' words (each when the
	 * last of its own came up), since steps count from when every one
	 * is up */
	bool one = scenario_connections(r->sc) <= 1;

	for (size_t i = 0; i < r->sc->nhosts; i++) {
		const struct endpoint *ep = &r->ep[i];

		if (!ep->up_ns || (!one && r->sc->hosts[i].peer.role != PEER_CONNECT))
			continue;
		if (!up || (one ? ep->up_ns < up : ep->up_ns > up)) {
			up = ep->up_ns;
			r->t0_lag_ns = ep->up_lag_ns;
		}
	}
	if (!up || up > wall)
		up = wall;
	/* steps-from: start keeps its clock: establishment is an event */
	if (!r->sc->from_start)
		r->t0 = now - (wall - up);
	r->established = true;
	e.t_ns = up;
	return run_record(r, &e);
}

/* steps-from: start: the listeners are up and nothing has connected; the
 * steps count from now, and the connection is tried once the steps at
 * 0 s are applied (timeline()). */
static int mark_start(struct run *r)
{
	r->t0 = clock_mono_ns();
	return run_record_host(r, EV_START, HOST_NONE);
}

/* Whether every expectation is a detect, decided once its host noticed:
 * then nothing after the last of them changes a verdict, and the run
 * need not wait out the largest budget. Not with observe:, whose time
 * the scenario asked for. */
static bool detects_only(const struct scenario *sc)
{
	if (sc->observe_ns)
		return false;
	for (size_t i = 0; i < sc->nexpects; i++)
		if (strcmp(sc->expects[i].ops->name, "detect"))
			return false;
	return true;
}

/* Steps at their times until every expectation can be decided — later by
 * as much as a step took effect after its time —, and a grace period
 * after, so that what came with the last moment is in the captures. Then,
 * while a detect still waits for its host to notice, on — up to its
 * observation bound — and a grace period after it noticed. */
static int timeline(struct run *r)
{
	enum { RUNNING, WATCHING, FINISHING } phase = RUNNING;
	int64_t end = r->t0 + scenario_horizon_ns(r->sc) + RUNNER_GRACE_NS,
		bound = r->t0 + watch_bound_ns(r->sc) + RUNNER_GRACE_NS;
	struct occurrence *v = NULL;
	size_t n = 0, next = 0;
	int err = schedule_build(r->sc, &v, &n);
	bool early = detects_only(r->sc);

	/* from the start: the steps at 0 s, then the connect they meet */
	if (!err && r->sc->from_start) {
		while (next < n && v[next].at_ns <= 0 && !(err = apply(r, &v[next])))
			next++;
		if (!err)
			err = endpoint_connect(r);
	}
	while (!err) {
		int64_t now = clock_mono_ns(), wake;

		while (next < n && r->t0 + v[next].at_ns <= now &&
		       (!acting(r, &v[next]) || now > r->t0 + v[next].at_ns + ACTING_WAIT_NS))
			if ((err = apply(r, &v[next++])))
				break;
		if (err)
			break;
		if (!r->established && endpoint_all_up(r) && (err = mark_established(r)))
			break;
		if (phase == RUNNING && next >= n && now < end + r->slip_ns && early &&
		    watch_done(&r->watch)) {
			phase = FINISHING;	/* every detect has its answer */
			end = now + RUNNER_GRACE_NS;
		}
		if (phase == RUNNING && next >= n && now >= end + r->slip_ns) {
			if (watch_done(&r->watch))
				break;
			phase = WATCHING;
		}
		if (phase == WATCHING && watch_done(&r->watch)) {
			phase = FINISHING;
			end = now + RUNNER_GRACE_NS;
		} else if (phase == WATCHING && now >= bound + r->slip_ns) {
			break;
		}
		if (phase == FINISHING && now >= end)
			break;
		/* an action not begun yet: its peer's word wakes us */
		wake = next < n && acting(r, &v[next]) && r->t0 + v[next].at_ns <= now ?
		       r->t0 + v[next].at_ns + ACTING_WAIT_NS + 1 :
		       next < n ? r->t0 + v[next].at_ns :
		       phase == WATCHING ? bound + r->slip_ns :
		       phase == RUNNING ? end + r->slip_ns : end;
		err = run_wait(r, wake);
	}
	free(v);
	return err;
}

/* Undo everything, newest first: captures stop before the endpoints end,
 * so the FIN or RST of their end is not mistaken for the scenario's. */
static int teardown(struct run *r)
{
	int ret = 0;

	if (r->events) {
		for (size_t i = 0; i < r->sc->nhosts; i++)
			endpoint_collect(r, (int)i);
		sample(r);
	}
	for (size_t i = 0; i < r->sc->nhosts; i++) {
		if (stop_capture(r, (int)i, r->d))
			ret = -EIO;
	}
	sampler_free(&r->sampler);
	/* the evidence ends here; how the endpoints end is recorded after */
	if (r->events)
		run_record_host(r, EV_RUN_END, HOST_NONE);
	for (size_t i = 0; i < r->sc->nhosts; i++) {
		endpoint_stop(r, (int)i);
		free(r->cap_paths[i]);
		r->cap_paths[i] = NULL;
	}
	if (r->events) {
		if (fclose(r->events))
			ret = -EIO;
		r->events = NULL;
	}
	topo_free(r->topo);
	r->topo = NULL;
	free(r->scenario_dir);
	free(r->asked);
	watch_free(&r->watch);
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

/* The run begins: on which kernel, for expectations that hold on some. */
static int record_start(struct run *r)
{
	struct event e = { .type = EV_RUN_START, .host = HOST_NONE, .target = HOST_NONE };

	kversion_running(e.kernel, sizeof(e.kernel));
	return run_record(r, &e);
}

/* The network, each host's sysctls and socket sampling. */
static int set_up(struct run *r)
{
	const struct topo_config net = topo_config_of(&r->sc->net);
	const char *names[SCENARIO_MAX_HOSTS];
	int err;

	for (size_t i = 0; i < r->sc->nhosts; i++)
		names[i] = r->sc->hosts[i].name;
	err = topo_create(names, r->sc->nhosts, &net, r->sc->path, &r->topo, r->d);
	for (size_t i = 0; i < r->sc->nhosts && !err; i++) {
		int ns = topo_host_ns(r->topo, (int)i);

		err = sysctl_apply(&r->sc->hosts[i], ns, r->d);
		if (!err)
			err = sampler_open(&r->sampler, (int)i, ns, r->sc->hosts[i].name, r->d);
	}
	return err;
}

int runner_run(const struct scenario *sc, const char *dir, struct diag *d)
{
	struct run r = { .sc = sc, .dir = dir, .d = d, .schedstat = schedstat_open() };
	int err, down;

	r.scenario_dir = exec_scenario_dir(sc->path);
	r.asked = calloc(sc->nsteps + 1, sizeof(*r.asked));
	for (size_t i = 0; i < SCENARIO_MAX_HOSTS; i++)
		endpoint_init(&r.ep[i]);
	err = r.scenario_dir && r.asked ? watch_init(&r.watch, sc) : -ENOMEM;
	if (!err)
		err = open_events(&r, dir);
	if (!err)
		err = record_start(&r);
	if (!err)
		err = set_up(&r);
	r.faults = (struct fault_ctx){ .topo = r.topo, .signal_endpoint = signal_endpoint,
				       .restart_endpoint = restart_endpoint, .power = power,
				       .arg = &r };
	if (!err)
		err = run_record_host(&r, EV_TOPOLOGY_READY, HOST_NONE);
	if (!err)
		err = start_captures(&r, dir);
	if (!err && sc->from_start) {
		if (!(err = endpoint_listen(&r)))
			err = mark_start(&r);
	} else if (!err) {
		if (!(err = endpoint_establish(&r)))
			err = mark_established(&r);
	}
	/* the timeline's wake-ups are measurements: late as little as the
	 * machine allows (where it permits). Not the set-up or the teardown:
	 * building and freeing namespaces is heavy kernel work that, at
	 * real-time priority, starves the kernel's own workers (which free
	 * other scenarios' namespaces holding the locks everyone's faults
	 * need) */
	if (!err) {
		rt_enter();
		err = timeline(&r);
		rt_leave();
	}
	down = teardown(&r);
	if (r.schedstat >= 0)
		close(r.schedstat);
	return err ? err : down;
}
