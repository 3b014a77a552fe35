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
	ep->proc = (struct exec_proc){ .init = -1, .status = -1, .out = -1, .err = -1,
				       .lifeline = -1 };
	ep->out.fd = ep->err.fd = -1;
}

static const struct host *host_of(const struct run *r, int host)
{
	return &r->sc->hosts[host];
}

bool endpoint_running(const struct run *r, int host)
{
	const struct endpoint *ep = &r->ep[host];

	return host_of(r, host)->program ? ep->proc.init > 0 : ep->peer.pid > 0;
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

/* "SERVER" for "server": a host's name as environment variables write it. */
static void env_name(const char *host, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && host[i]; i++)
		buf[i] = (char)toupper((unsigned char)host[i]);
	buf[i] = '\0';
}

/* A program's environment under construction: "NAME=value" strings. */
struct env {
	char **v;
	size_t n, cap;
	bool bad;		/* out of memory somewhere */
};

/* Set @name to @value, replacing what was there. */
static void env_set(struct env *e, const char *name, const char *value)
{
	size_t len = strlen(name);
	char *kv;

	if (asprintf(&kv, "%s=%s", name, value) < 0) {
		e->bad = true;
		return;
	}
	for (size_t i = 0; i < e->n; i++)
		if (!strncmp(e->v[i], name, len) && e->v[i][len] == '=') {
			free(e->v[i]);
			e->v[i] = kv;
			return;
		}
	if (vec_push(&e->v, &e->n, &e->cap, sizeof(kv), &kv)) {
		free(kv);
		e->bad = true;
	}
}

/* The environment of a program: unplug's own, the user's own HOME, USER
 * and LOGNAME when it runs as the user who typed sudo, every host's
 * address and port as UNPLUG_<HOST>_ADDR / _PORT, then the scenario's
 * env:, each replacing what came before. NULL when out of memory. */
static char **program_env(struct run *r, const struct program *p, const struct exec_spec *spec,
			  const char *const *addrs)
{
	const struct passwd *pw = spec->drop ? getpwuid(spec->uid) : NULL;
	struct env e = { 0 };
	char port[16];

	for (size_t i = 0; environ[i]; i++) {
		const char *eq = strchr(environ[i], '=');
		char name[256];

		if (!eq || (size_t)(eq - environ[i]) >= sizeof(name))
			continue;
		memcpy(name, environ[i], (size_t)(eq - environ[i]));
		name[eq - environ[i]] = '\0';
		env_set(&e, name, eq + 1);
	}
	if (pw) {
		env_set(&e, "HOME", pw->pw_dir);
		env_set(&e, "USER", pw->pw_name);
		env_set(&e, "LOGNAME", pw->pw_name);
	}
	for (size_t i = 0; i < r->sc->nhosts; i++) {
		const struct host *h = host_of(r, (int)i);
		char name[64], upper[32];

		env_name(h->name, upper, sizeof(upper));
		snprintf(name, sizeof(name), "UNPLUG_%s_ADDR", upper);
		env_set(&e, name, addrs[i]);
		if (h->peer.role != PEER_LISTEN)
			continue;
		snprintf(name, sizeof(name), "UNPLUG_%s_PORT", upper);
		snprintf(port, sizeof(port), "%u", h->peer.port);
		env_set(&e, name, port);
	}
	for (size_t i = 0; i < p->nenv; i++) {
		char *value;

		if (program_expand(p->env[i].value, p->env[i].at, r->sc, addrs, &value, r->d)) {
			e.bad = true;	/* checked at load: cannot happen */
			continue;
		}
		env_set(&e, p->env[i].name, value);
		free(value);
	}
	if (!e.bad) {
		char *end = NULL;	/* execve's NULL at the end */

		e.bad = vec_push(&e.v, &e.n, &e.cap, sizeof(end), &end) != 0;
	}
	if (e.bad) {
		for (size_t i = 0; i < e.n; i++)
			free(e.v[i]);
		free(e.v);
		return NULL;
	}
	return e.v;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Under sudo, the user who typed the command: a program never runs as
 * root without being asked to. */
static void run_as(struct exec_spec *spec)
{
	const char *uid = getenv("SUDO_UID"), *gid = getenv("SUDO_GID");

	if (geteuid() || !uid || !gid || !strtol(uid, NULL, 10))
		return;
	spec->drop = true;
	spec->uid = (uid_t)strtol(uid, NULL, 10);
	spec->gid = (gid_t)strtol(gid, NULL, 10);
}

static int open_outputs(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];
	char *out = NULL, *err = NULL;
	int ret = -ENOMEM;

	if (asprintf(&out, "%s/%s.stdout", r->dir, host_of(r, host)->name) >= 0 &&
	    asprintf(&err, "%s/%s.stderr", r->dir, host_of(r, host)->name) >= 0) {
		ret = output_open(&ep->out, ep->proc.out, out, r->d);
		if (!ret)
			ret = output_open(&ep->err, ep->proc.err, err, r->d);
	}
	free(out);
	free(err);
	return ret;
}

static int start_program(struct run *r, int host)
{
	const struct program *p = host_of(r, host)->program;
	struct endpoint *ep = &r->ep[host];
	char addrs[SCENARIO_MAX_HOSTS][48];
	const char *addrp[SCENARIO_MAX_HOSTS];
	struct exec_spec spec = { .host = host_of(r, host)->name, .dir = r->scenario_dir,
				  .ns = topo_host_ns(r->topo, host) };
	char **argv = calloc(p->argc + 1, sizeof(*argv)), **envp = NULL, *path = NULL;
	int err = -ENOMEM;

	if (!argv)
		return -ENOMEM;
	for (size_t i = 0; i < r->sc->nhosts; i++)
		addrp[i] = topo_host_addr_str(r->topo, (int)i, addrs[i], sizeof(addrs[i]));
	for (size_t i = 0; i < p->argc; i++)
		if ((err = program_expand(p->argv[i], p->argv_at[i], r->sc, addrp, &argv[i], r->d)))
			goto out;
	err = exec_resolve(argv[0], r->scenario_dir, &path);
	if (err) {
		diag_at(r->d, p->argv_at[0], "%s: program %s: \"%s\" (a path, relative to %s, or a name on PATH)",
			spec.host, err == -EACCES ? "not executable" : "not found", argv[0],
			r->scenario_dir);
		goto out;
	}
	free(argv[0]);
	argv[0] = path;
	run_as(&spec);
	envp = program_env(r, p, &spec, addrp);
	if (!envp) {
		err = -ENOMEM;
		goto out;
	}
	spec.argv = argv;
	spec.envp = envp;
	if (p->ready == READY_LOG && !ep->has_re) {
		if (regcomp(&ep->ready_re, p->ready_log, REG_EXTENDED | REG_NOSUB)) {
			err = -EINVAL;	/* checked at load: cannot happen */
			goto out;
		}
		ep->has_re = true;
	}
	if ((err = exec_start(&spec, &ep->proc, r->d)))
		goto out;
	ep->started = clock_mono_ns();
	ep->ready = p->ready == READY_NONE;
	if (!(err = open_outputs(r, host)))
		err = run_record_host(r, EV_STARTED, host);
out:
	free_strv(argv);
	free_strv(envp);
	return err;
}

int endpoint_start(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];

	ep->listening = ep->connected = ep->accepted = ep->failed = ep->ready = false;
	ep->up_ns = ep->up_lag_ns = 0;
	r->acting[host] = false;	/* a new process owes no earlier action */
	return host_of(r, host)->program ? start_program(r, host) : start_peer(r, host);
}

struct line_ctx {
	struct run *r;
	int host;
};

/* A line of the program's output: does it say it is ready? */
static void on_line(void *arg, const char *text)
{
	struct line_ctx *c = arg;
	struct endpoint *ep = &c->r->ep[c->host];
	struct event e = { .type = EV_READY, .host = c->host, .target = HOST_NONE };

	watch_line(&c->r->watch, c->host, text, clock_wall_ns());
	if (ep->ready || !ep->has_re || regexec(&ep->ready_re, text, 0, NULL, 0))
		return;
	snprintf(e.what, sizeof(e.what), "log");
	ep->ready = true;
	run_record(c->r, &e);
}

static int record_exit(struct run *r, int host, int wait_status)
{
	struct event e = { .type = EV_EXITED, .host = host, .target = HOST_NONE };

	e.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
	e.signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
	return run_record(r, &e);
}

static int collect_program(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];
	struct line_ctx c = { r, host };
	int64_t t = clock_wall_ns();
	bool was = ep->proc.exited;
	int err;

	if ((err = output_read(&ep->out, t, on_line, &c, r->d)) ||
	    (err = output_read(&ep->err, t, on_line, &c, r->d)))
		return err;
	if (exec_poll_exit(&ep->proc) && !was)
		return record_exit(r, host, ep->proc.wait_status);
	return 0;
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
			if (!ep->connected && !ep->accepted)
				ep->up_ns = e.t_ns, ep->up_lag_ns = e.lag_ns;
			ep->connected |= e.type == EV_CONNECTED;
			ep->accepted |= e.type == EV_ACCEPTED;
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
	return host_of(r, host)->program ? collect_program(r, host) : collect_peer(r, host);
}

size_t endpoint_fds(const struct run *r, int host, struct pollfd *p)
{
	const struct endpoint *ep = &r->ep[host];
	size_t n = 0;

	if (!host_of(r, host)->program) {
		if (ep->peer.pid > 0)
			p[n++] = (struct pollfd){ .fd = ep->peer.events, .events = POLLIN };
		return n;
	}
	if (ep->proc.out >= 0 && !ep->out.eof)
		p[n++] = (struct pollfd){ .fd = ep->proc.out, .events = POLLIN };
	if (ep->proc.err >= 0 && !ep->err.eof)
		p[n++] = (struct pollfd){ .fd = ep->proc.err, .events = POLLIN };
	if (ep->proc.status >= 0 && !ep->proc.exited)
		p[n++] = (struct pollfd){ .fd = ep->proc.status, .events = POLLIN };
	return n;
}

/* The program is gone: take in the last of its output, close the files. */
static void finish_program(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];

	collect_program(r, host);
	output_close(&ep->out);
	output_close(&ep->err);
	if (ep->has_re)
		regfree(&ep->ready_re);
	ep->has_re = false;
}

int endpoint_kill(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];

	r->acting[host] = false;	/* a dead one never begins it */
	if (!host_of(r, host)->program) {
		collect_peer(r, host);	/* what it said before it died is evidence */
		peer_stop(&ep->peer);
		return 0;
	}
	if (ep->proc.init <= 0)
		return 0;
	collect_program(r, host);
	if (!ep->proc.exited) {
		/* the init's death takes every process of the program with it */
		exec_signal(&ep->proc, SIGKILL);
		ep->proc.exited = true;
		ep->proc.wait_status = SIGKILL;	/* as waitpid() would say it */
		record_exit(r, host, ep->proc.wait_status);
	}
	exec_stop(&ep->proc, 0, true);
	finish_program(r, host);
	return 0;
}

void endpoint_stop(struct run *r, int host)
{
	struct endpoint *ep = &r->ep[host];

	/* at the end nothing waits for the endpoints' deaths: the process
	 * that runs the scenario (or the subreaper above it) reaps them */
	if (!host_of(r, host)->program) {
		peer_abandon(&ep->peer);
		return;
	}
	if (ep->proc.init <= 0)
		return;
	collect_program(r, host);
	exec_stop(&ep->proc, ENDPOINT_GRACE_NS, false);
	finish_program(r, host);
}

int endpoint_signal(struct run *r, int host, int sig, struct diag *d)
{
	struct endpoint *ep = &r->ep[host];
	const char *name = host_of(r, host)->name;

	if (!endpoint_running(r, host) || (host_of(r, host)->program && ep->proc.exited)) {
		diag_add(d, "%s has no endpoint process running", name);
		return -ESRCH;
	}
	if (host_of(r, host)->program)
		return exec_signal(&ep->proc, sig);
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
 * one that connects). Records when a program becomes ready. */
static bool ready(struct run *r, int host)
{
	const struct program *p = host_of(r, host)->program;
	struct endpoint *ep = &r->ep[host];
	struct event e = { .type = EV_READY, .host = host, .target = HOST_NONE };

	if (!p)
		return host_of(r, host)->peer.role != PEER_LISTEN || ep->listening;
	if (ep->ready)
		return true;
	if (p->ready == READY_LISTEN &&
	    sampler_has(&r->sampler, host, TCP_LISTEN, host_of(r, host)->peer.port))
		snprintf(e.what, sizeof(e.what), "listen");
	else if (p->ready == READY_DELAY && clock_mono_ns() >= ep->started + p->ready_delay_ns)
		snprintf(e.what, sizeof(e.what), "delay");
	else
		return false;
	ep->ready = true;
	run_record(r, &e);
	return true;
}

/* Whether host @host's connection is up, as far as it can tell. */
static bool connected(const struct run *r, int host)
{
	const struct host *h = host_of(r, host);
	const struct endpoint *ep = &r->ep[host];

	if (!h->program)
		return h->peer.role == PEER_LISTEN ? ep->accepted : ep->connected;
	return sampler_has(&r->sampler, host, TCP_ESTABLISHED,
			   h->peer.role == PEER_LISTEN ? h->peer.port : 0);
}

/* Why @host's endpoint failed, if it did: a peer's setup error (already
 * reported), or a program that ended. */
static bool failed(struct run *r, int host, const char *before)
{
	const struct host *h = host_of(r, host);
	struct endpoint *ep = &r->ep[host];
	char status[64], out[1200], err[1200];

	if (!h->program)
		return ep->failed;
	if (!ep->proc.exited)
		return false;
	diag_at(r->d, h->program->at, "%s: %s %s %s; its last output: %s%s%s", h->name,
		h->program->argv[0], exec_status_str(ep->proc.wait_status, status, sizeof(status)),
		before, output_tail(&ep->out, out, sizeof(out)),
		ep->err.ntail ? " | stderr: " : "", output_tail(&ep->err, err, sizeof(err)));
	if (!ep->out.ntail && !ep->err.ntail)
		diag_add(r->d, "  (it printed nothing)");
	return true;
}

static int timed_out(struct run *r, int host, const char *what)
{
	const struct host *h = host_of(r, host);
	char out[1200], err[1200];

	if (!h->program) {
		diag_add(r->d, "%s: %s", r->sc->path, what);
		return -ETIMEDOUT;
	}
	diag_at(r->d, h->program->at, "%s: %s %s; its last output: %s%s%s", h->name,
		h->program->argv[0], what, output_tail(&r->ep[host].out, out, sizeof(out)),
		r->ep[host].err.ntail ? " | stderr: " : "",
		output_tail(&r->ep[host].err, err, sizeof(err)));
	return -ETIMEDOUT;
}

/* Wait until every host of @role is ready (or, @up, connected). */
static int wait_for(struct run *r, enum peer_role role, bool up)
{
	int64_t deadline = clock_mono_ns() + (up ? CONNECT_TIMEOUT_NS : LISTEN_TIMEOUT_NS);
	int err;

	for (size_t i = 0; i < r->sc->nhosts; i++) {
		const struct program *p = host_of(r, (int)i)->program;

		if (!up && p && host_of(r, (int)i)->peer.role == role) {
			int64_t t = r->ep[i].started + p->ready_timeout_ns +
				    (p->ready == READY_DELAY ? p->ready_delay_ns : 0);

			deadline = t > deadline ? t : deadline;
		}
	}
	for (;;) {
		bool all = true;
		int late = -1;

		for (size_t i = 0; i < r->sc->nhosts; i++) {
			int h = (int)i;

			if (failed(r, h, up ? "before its connection was up" : "before it was ready"))
				return -EIO;
			if (host_of(r, h)->peer.role != role && !up)
				continue;
			if (!(up ? connected(r, h) : ready(r, h))) {
				all = false;
				late = h;
			}
		}
		if (all)
			return 0;
		if (clock_mono_ns() >= deadline) {
			char what[128];

			if (!host_of(r, late)->program)
				snprintf(what, sizeof(what), up ? "the connections were not established within %lld s" :
					 "a listener did not start within %lld s",
					 (long long)((up ? CONNECT_TIMEOUT_NS : LISTEN_TIMEOUT_NS) / NS_PER_S));
			else if (up)
				snprintf(what, sizeof(what), "had no connection up within %lld s",
					 (long long)(CONNECT_TIMEOUT_NS / NS_PER_S));
			else if (host_of(r, late)->program &&
				 host_of(r, late)->program->ready == READY_LISTEN)
				snprintf(what, sizeof(what), "was not ready: no listener on port %u",
					 host_of(r, late)->peer.port);
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
